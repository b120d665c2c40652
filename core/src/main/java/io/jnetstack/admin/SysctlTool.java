package io.jnetstack.admin;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Net;
import io.jnetstack.core.Sysctls;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * {@code sysctl} over a namespace's settings ({@link Net#sysctls()}, which falls back to the
 * kernel-wide {@code net.core} ones):
 *
 * <pre>
 * sysctl [-n|-N] NAME ...              show          net.ipv4.ip_forward = 0
 * sysctl [-w] [-q] NAME=VALUE ...       set, then show the new value (not with -q)
 * sysctl -a                             every setting
 * </pre>
 *
 * Names may use dots or slashes ({@code net/ipv4/ip_forward}). A vector value
 * ({@code net.ipv4.tcp_rmem}) is shown and set with its numbers separated by white space.
 * Failures are {@link AdminException}s with procps' wording and status 255.
 *
 * <p>Not locking: call under the kernel lock.
 */
public final class SysctlTool {
    private static final int STATUS = 255;

    private SysctlTool() {
    }

    /**
     * Runs one {@code sysctl} command.
     *
     * @param net  the namespace
     * @param args the words after {@code sysctl}
     * @return what sysctl prints on standard output
     * @throws AdminException for an unknown name, a bad value or a bad command line
     */
    public static String run(Net net, List<String> args) {
        boolean write = false;
        boolean valuesOnly = false;
        boolean namesOnly = false;
        boolean quiet = false;
        boolean all = false;
        List<String> names = new ArrayList<>();
        for (String w : args) {
            switch (w) {
                case "-w", "--write" -> write = true;
                case "-n", "--values" -> valuesOnly = true;
                case "-N", "--names" -> namesOnly = true;
                case "-q", "--quiet" -> quiet = true;
                case "-a", "-A", "-X", "--all" -> all = true;
                default -> {
                    if (w.startsWith("-")) {
                        throw new AdminException(Errno.EINVAL, "sysctl: unknown option \"" + w + "\"", STATUS);
                    }
                    names.add(w);
                }
            }
        }
        StringBuilder out = new StringBuilder();
        for (String name : names) {
            out.append(one(net, name, write, valuesOnly, namesOnly, quiet));
        }
        if (all) {
            for (Sysctls.Entry e : everything(net).values()) {
                out.append(line(e, valuesOnly, namesOnly));
            }
        } else if (names.isEmpty()) {
            throw new AdminException(Errno.EINVAL, "sysctl: no variables specified; try sysctl NAME or sysctl -a", STATUS);
        }
        return out.toString();
    }

    /** Every setting visible in {@code net}, by name. */
    static TreeMap<String, Sysctls.Entry> everything(Net net) {
        TreeMap<String, Sysctls.Entry> m = new TreeMap<>(net.kernel().coreSysctls().entries());
        m.putAll(net.sysctls().entries());
        return m;
    }

    private static String one(Net net, String word, boolean write, boolean valuesOnly, boolean namesOnly, boolean quiet) {
        int eq = word.indexOf('=');
        if (write && eq < 0) {
            throw new AdminException(Errno.EINVAL, "sysctl: \"" + word + "\" must be of the form name=value", STATUS);
        }
        String name = (eq < 0 ? word : word.substring(0, eq)).trim().replace('/', '.');
        Sysctls.Entry e;
        try {
            e = net.sysctls().entry(name);
        } catch (ErrnoException ex) {
            throw new AdminException(ex.errno(), "sysctl: cannot stat /proc/sys/" + name.replace('.', '/') + ": "
                    + ex.errno().text(), STATUS);
        }
        if (eq >= 0) {
            try {
                net.sysctls().set(name, word.substring(eq + 1).trim());
            } catch (ErrnoException ex) {
                throw new AdminException(ex.errno(), "sysctl: setting key \"" + name + "\": " + ex.errno().text(), STATUS);
            }
            if (quiet) {
                return "";
            }
        }
        return line(e, valuesOnly, namesOnly);
    }

    private static String line(Sysctls.Entry e, boolean valuesOnly, boolean namesOnly) {
        if (valuesOnly) {
            return e.text() + "\n";
        }
        return namesOnly ? e.name() + "\n" : e.name() + " = " + e.text() + "\n";
    }
}
