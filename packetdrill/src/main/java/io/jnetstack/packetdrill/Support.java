package io.jnetstack.packetdrill;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the runner implements, decided before a script runs so that a script needing something
 * missing is reported UNSUPPORTED with every such construct, rather than failing half way.
 * What only the stack can answer (a sysctl, a socket option, a TCP_INFO field) is found while
 * running and reported then.
 */
final class Support implements Predicate<Construct> {

    private static final Set<String> TCP_OPTIONS = Set.of("nop", "eol", "sackOK", "mss", "wscale", "TS", "sack",
            "FO", "FOEXP", "...");
    private static final Set<String> OPTIONS = Set.of("--tolerance_usecs", "--tolerance_percent", "--local_ip",
            "--remote_ip", "--ip_version", "--tcp_ts_tick_usecs");

    @Override
    public boolean test(Construct c) {
        String n = c.name();
        return switch (c.category()) {
            case "syscall" -> Syscalls.NAMES.contains(n);
            case "sockopt", "code" -> true;
            case "packet" -> n.equals("tcp") || n.equals("udp") || icmp(n);
            case "tcp-option" -> TCP_OPTIONS.contains(n);
            case "ip" -> n.startsWith("ecn ") && PacketText.ecnCodepoint(n.substring(4)) != null;
            case "shell" -> ShellCommands.supported(n);
            case "option" -> OPTIONS.contains(n);
            default -> false;
        };
    }

    private static boolean icmp(String name) {
        String[] w = name.split(" ");
        if (w.length < 2 || w.length > 3 || !w[0].equals("icmp")) {
            return false;
        }
        int type = IcmpNames.type(w[1]);
        return type >= 0 && IcmpNames.code(type, w.length == 3 ? w[2] : null) >= 0;
    }

    /**
     * @param script a parsed script
     * @return each construct it uses that the runner does not implement, code statements
     *         outside the supported Python subset included; empty when none
     */
    static List<String> unsupported(Script script) {
        List<String> reasons = new ArrayList<>(new Classifier(new Support()).unsupportedReasons(script));
        for (Event e : script.events()) {
            if (e.kind() instanceof EventKind.CodeEvent code) {
                try {
                    CodeBlock.parse(code.code());
                } catch (IllegalArgumentException ex) {
                    reasons.add("code " + ex.getMessage().replaceFirst("^code ", "") + " (line " + e.line() + ")");
                }
            }
        }
        return reasons;
    }
}
