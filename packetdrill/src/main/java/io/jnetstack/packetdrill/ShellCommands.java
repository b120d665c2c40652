package io.jnetstack.packetdrill;

import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.sched.Qdiscs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The shell commands scripts run, emulated on the stack:
 * <ul>
 *   <li>{@code .../common/defaults.sh}: the {@link DefaultsPreset};</li>
 *   <li>{@code sysctl [-q] [-w] [-e] name=value ...}: the stack's sysctls ({@code -e}: unknown
 *       names are ignored, as with Linux's sysctl);</li>
 *   <li>{@code .../set_sysctls.py /proc/sys/a/b/c=value ...}: the corpus's helper, the same
 *       settings by their {@code /proc/sys} paths;</li>
 *   <li>{@code /tmp/sysctl_restore_${PPID}.sh}: nothing (it undoes {@code set_sysctls.py} on the
 *       host; each script has a fresh stack);</li>
 *   <li>{@code ethtool -K tun0 gso off tso off} (offloads turned off): nothing, the script's
 *       device has none;</li>
 *   <li>{@code echo VALUE > /sys/module/tcp_cubic/parameters/NAME}: CUBIC's module parameter,
 *       for the namespace's connections created afterwards;</li>
 *   <li>{@code tc qdisc add|replace|change dev DEV root KIND [OPTIONS]} and
 *       {@code tc qdisc del|delete dev DEV root}: the device's root qdisc, of a kind
 *       {@link Qdiscs} knows ({@code fq}, {@code pfifo limit 0}, {@code netem ...}), or none.</li>
 * </ul>
 * Trailing {@code # comments} and redirections to {@code /dev/null} are ignored; commands
 * separated by {@code ;} run in turn. Any other command, or one chaining commands otherwise
 * ({@code &&}, {@code ||}, {@code |}), is unsupported, naming it. {@code sysctl} takes names
 * with {@code /} as well as {@code .}, as procps does.
 */
final class ShellCommands {

    private static final Pattern REDIRECT = Pattern.compile("\\s*(?:[12]?>|&>)\\s*/dev/null|\\s*2>&1");
    private static final Pattern RESTORE = Pattern.compile("/tmp/sysctl_restore_\\$\\{PPID}\\.sh");
    private static final Pattern CUBIC_PARAM = Pattern.compile("echo\\s+(\\S+)\\s*>\\s*/sys/module/tcp_cubic/parameters/(\\w+)");
    private static final Pattern OFFLOADS_OFF = Pattern.compile("ethtool -K tun0( (gso|tso|gro|sg) off)+");
    private static final Pattern TC = Pattern.compile("tc qdisc (add|replace|change|del|delete) dev (\\S+) root(?: (.+))?");

    private ShellCommands() {
    }

    /**
     * @param command one command, as {@link Classifier#shellCommands} splits a block
     * @return whether it can be run
     */
    static boolean supported(String command) {
        for (String c : sequence(command)) {
            if (!CUBIC_PARAM.matcher(c.strip()).matches()) {
                List<String> words = words(c);
                if (words == null || kind(words) == null) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A command line split at its {@code ;} (none inside quotes, else the line is one command). */
    private static List<String> sequence(String command) {
        if (!command.contains(";") || command.contains("'") || command.contains("\"")) {
            return List.of(command);
        }
        List<String> out = new ArrayList<>();
        for (String c : command.split(";")) {
            if (!c.isBlank()) {
                out.add(c.strip());
            }
        }
        return out;
    }

    /**
     * Runs a shell block.
     *
     * @param net           the namespace
     * @param text          the block
     * @param line          its script line
     * @param lenientPreset whether the defaults.sh preset skips settings the stack lacks
     */
    static void run(Net net, String text, int line, boolean lenientPreset) {
        for (String command : Classifier.shellCommands(text).stream().flatMap(c -> sequence(c).stream()).toList()) {
            java.util.regex.Matcher m = CUBIC_PARAM.matcher(command.strip());
            if (m.matches()) {
                try {
                    io.jnetstack.ipv4.tcp.Tcp.of(net).congestionControls().setCubicParameter(m.group(2), m.group(1));
                } catch (IllegalArgumentException e) {
                    throw new UnsupportedConstruct(line, "shell " + command + " (" + e.getMessage() + ")");
                }
                continue;
            }
            List<String> words = words(command);
            String kind = words == null ? null : kind(words);
            if (kind == null) {
                throw new UnsupportedConstruct(line, "shell " + command);
            }
            switch (kind) {
                case "defaults" -> DefaultsPreset.apply(net, line, lenientPreset);
                case "sysctl" -> sysctl(net, words, line);
                case "set_sysctls" -> setSysctls(net, words, line);
                case "tc" -> tc(net, String.join(" ", words), line);
                default -> { }
            }
        }
    }

    private static String kind(List<String> w) {
        String first = w.getFirst();
        if (w.size() == 1 && (first.equals("common/defaults.sh") || first.endsWith("/common/defaults.sh"))) {
            return "defaults";
        }
        if (w.size() == 1 && RESTORE.matcher(first).matches()) {
            return "restore";
        }
        if (OFFLOADS_OFF.matcher(String.join(" ", w)).matches()) {
            return "offloads-off";
        }
        List<String> rest = w.subList(1, w.size());
        if (first.equals("sysctl") && rest.stream().allMatch(a -> a.matches("-[qwe]+") || a.contains("="))
                && rest.stream().anyMatch(a -> a.contains("="))) {
            return "sysctl";
        }
        if (first.equals("tc") && tcSpec(String.join(" ", w)) != null) {
            return "tc";
        }
        if (first.endsWith("set_sysctls.py") && !rest.isEmpty()
                && rest.stream().allMatch(a -> a.startsWith("/proc/sys/") && a.contains("="))) {
            return "set_sysctls";
        }
        return null;
    }

    /**
     * The qdisc words of a {@code tc qdisc} command this runner emulates ("" for a delete), or
     * null when it is not one or names a kind or option the stack lacks.
     */
    private static String tcSpec(String command) {
        java.util.regex.Matcher m = TC.matcher(command);
        if (!m.matches()) {
            return null;
        }
        boolean delete = m.group(1).startsWith("del");
        if (delete != (m.group(3) == null)) {
            return null;
        }
        if (delete) {
            return "";
        }
        try {
            Qdiscs.parse(m.group(3));
            return m.group(3);
        } catch (ErrnoException e) {
            return null;
        }
    }

    /** Sets (or with {@code del} removes) the device's root qdisc. */
    private static void tc(Net net, String command, int line) {
        java.util.regex.Matcher m = TC.matcher(command);
        if (!m.matches()) {
            throw new UnsupportedConstruct(line, "shell " + command);
        }
        NetDevice dev = net.device(m.group(2));
        if (dev == null) {
            throw new UnsupportedConstruct(line, "shell " + command + " (no device " + m.group(2) + ")");
        }
        String spec = tcSpec(command);
        dev.setQdisc(spec == null || spec.isEmpty() ? null : Qdiscs.parse(spec));
    }

    private static void sysctl(Net net, List<String> words, int line) {
        boolean ignoreUnknown = words.stream().anyMatch(a -> a.startsWith("-") && a.contains("e"));
        for (String a : words.subList(1, words.size())) {
            if (a.startsWith("-")) {
                continue;
            }
            int eq = a.indexOf('=');
            try {
                SysctlWriter.set(net, a.substring(0, eq).strip().replace('/', '.'), a.substring(eq + 1), line);
            } catch (UnsupportedConstruct e) {
                if (!ignoreUnknown) {
                    throw e;
                }
            }
        }
    }

    private static void setSysctls(Net net, List<String> words, int line) {
        for (String a : words.subList(1, words.size())) {
            int eq = a.indexOf('=');
            String name = a.substring("/proc/sys/".length(), eq).replace('/', '.');
            SysctlWriter.set(net, name, a.substring(eq + 1), line);
        }
    }

    /**
     * Splits a command into words as a shell would for these simple commands: white space
     * separates, quotes group. Null when the command chains others or is cut off.
     */
    static List<String> words(String command) {
        String c = command;
        int hash = c.indexOf(" #");
        if (hash >= 0) {
            c = c.substring(0, hash);
        }
        c = REDIRECT.matcher(c).replaceAll("").strip();
        if (c.isEmpty() || c.contains(";") || c.contains("&") || c.contains("|") || c.contains(">")
                || c.contains("<") || c.contains("`") || c.contains("$(")) {
            return null;
        }
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (char ch : c.toCharArray()) {
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                } else {
                    w.append(ch);
                }
            } else if (ch == '"' || ch == '\'') {
                quote = ch;
                inWord = true;
            } else if (Character.isWhitespace(ch)) {
                if (inWord) {
                    out.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else {
                w.append(ch);
                inWord = true;
            }
        }
        if (quote != 0) {
            return null;
        }
        if (inWord) {
            out.add(w.toString());
        }
        return out.isEmpty() ? null : out;
    }
}
