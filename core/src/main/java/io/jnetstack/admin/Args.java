package io.jnetstack.admin;

import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.ipv4.fib.FibTable;
import io.jnetstack.wire.Ipv4Address;
import io.jnetstack.wire.MacAddress;

import java.util.List;

/**
 * A cursor over the words of one command, with the parsers iproute2 applies to them: keywords
 * matched by prefix, addresses, prefixes, numbers, table ids, devices. Failures are
 * {@link AdminException}s with iproute2's wording.
 */
final class Args {
    private final List<String> words;
    private int pos;

    Args(List<String> words) {
        this.words = words;
    }

    /** True while words are left. */
    boolean more() {
        return pos < words.size();
    }

    /** The next word without consuming it, or null at the end. */
    String peek() {
        return more() ? words.get(pos) : null;
    }

    /** Consumes and returns the next word, or null at the end. */
    String next() {
        return more() ? words.get(pos++) : null;
    }

    /** Consumes the value of keyword {@code key}; iproute2's complaint when it is missing. */
    String value(String key) {
        if (!more()) {
            throw AdminException.syntax("argument for \"" + key + "\" is required.");
        }
        return words.get(pos++);
    }

    /**
     * True when {@code word} is a prefix of {@code keyword} (iproute2 accepts abbreviations:
     * {@code a} for {@code address}, {@code ro} for {@code route}).
     */
    static boolean matches(String word, String keyword) {
        return word != null && !word.isEmpty() && keyword.startsWith(word);
    }

    /** An IPv4 address in dotted-quad form. */
    static int address(String word) {
        try {
            return Ipv4Address.parse(word);
        } catch (IllegalArgumentException e) {
            throw AdminException.syntax("inet address is expected rather than \"" + word + "\".");
        }
    }

    /**
     * A prefix {@code A/LEN} or a host {@code A} (/32), or {@code default}/{@code all}/{@code any}
     * (0/0): {address, length}.
     */
    static int[] prefix(String word) {
        if (word.equals("default") || word.equals("all") || word.equals("any")) {
            return new int[] {0, 0};
        }
        int slash = word.indexOf('/');
        try {
            int addr = Ipv4Address.parse(slash < 0 ? word : word.substring(0, slash));
            int len = slash < 0 ? 32 : Integer.parseInt(word.substring(slash + 1));
            if (len < 0 || len > 32 || (slash >= 0 && !word.substring(slash + 1).matches("\\d{1,2}"))) {
                throw new IllegalArgumentException(word);
            }
            return new int[] {addr, len};
        } catch (IllegalArgumentException e) {
            throw AdminException.syntax("inet prefix is expected rather than \"" + word + "\".");
        }
    }

    /** An unsigned 32-bit number, decimal or 0x hex, as {@code get_u32}. */
    static long u32(String what, String word) {
        try {
            long v = word.startsWith("0x") || word.startsWith("0X") ? Long.parseLong(word.substring(2), 16) : Long.parseLong(word);
            if (v < 0 || v > 0xFFFF_FFFFL) {
                throw new NumberFormatException(word);
            }
            return v;
        } catch (NumberFormatException e) {
            throw AdminException.invalidArg("\"" + what + "\" value is invalid", word);
        }
    }

    /** A number in {@code min..max}. */
    static int intIn(String what, String word, int min, int max) {
        long v = u32(what, word);
        if (v < min || v > max) {
            throw AdminException.invalidArg("\"" + what + "\" value is invalid", word);
        }
        return (int) v;
    }

    /** A TOS / DS field: hexadecimal with or without {@code 0x}, as iproute2 reads it. */
    static int tos(String word) {
        try {
            String hex = word.startsWith("0x") || word.startsWith("0X") ? word.substring(2) : word;
            int v = Integer.parseInt(hex, 16);
            if (v < 0 || v > 255) {
                throw new NumberFormatException(word);
            }
            return v;
        } catch (NumberFormatException e) {
            throw AdminException.invalidArg("\"tos\" value is invalid", word);
        }
    }

    /** A table id for changes: main, local, default, or a number 1..2^32-1. */
    static int table(String word) {
        return switch (word) {
            case "main" -> FibTable.MAIN;
            case "local" -> FibTable.LOCAL;
            case "default" -> FibTable.DEFAULT;
            default -> {
                long v = u32("table", word);
                if (v == 0) {
                    throw AdminException.invalidArg("\"table\" value is invalid", word);
                }
                yield (int) v;
            }
        };
    }

    /** A MAC address {@code aa:bb:cc:dd:ee:ff}. */
    static long lladdr(String word) {
        try {
            return MacAddress.parse(word).bits();
        } catch (IllegalArgumentException e) {
            throw AdminException.syntax("\"" + word + "\" is invalid lladdr.");
        }
    }

    /** The device named {@code name} in {@code net}; {@code Cannot find device} otherwise. */
    static NetDevice device(Net net, String name) {
        NetDevice d = net.device(name);
        if (d == null) {
            throw AdminException.noDevice(name);
        }
        return d;
    }
}
