package io.jnetstack.packetdrill;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Net;

/**
 * Sets a sysctl of the stack as {@code sysctl -w name=value} would on Linux. Integers may be
 * written in hex ({@code 0x70403}), as Linux's parser takes them; the stack's parser takes
 * decimal, so they are converted first.
 */
final class SysctlWriter {

    private SysctlWriter() {
    }

    /**
     * @param net   the namespace
     * @param name  the sysctl's dotted name
     * @param value its value
     * @param line  the script line
     * @throws UnsupportedConstruct when the stack has no such sysctl or rejects the value
     */
    static void set(Net net, String name, String value, int line) {
        String v = decimal(value.strip());
        try {
            net.sysctls().set(name, v);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOENT) {
                throw new UnsupportedConstruct(line, "sysctl " + name + " (not in the stack)");
            }
            throw new UnsupportedConstruct(line, "sysctl " + name + "=" + value + " (the stack rejects it: "
                    + e.getMessage() + ")");
        }
    }

    /** Hex words become decimal; anything else is left as written. */
    static String decimal(String value) {
        String[] words = value.split("\\s+");
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            String d = w;
            if (w.matches("0[xX][0-9a-fA-F]+")) {
                d = Long.toString(Long.parseUnsignedLong(w.substring(2), 16));
            }
            sb.append(sb.isEmpty() ? "" : " ").append(d);
        }
        return sb.toString();
    }
}
