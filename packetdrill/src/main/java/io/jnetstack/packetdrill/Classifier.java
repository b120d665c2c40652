package io.jnetstack.packetdrill;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Lists the constructs a parsed script uses, so a report can say which scripts the runner
 * cannot execute yet and why.
 *
 * <p>Shell blocks that only source {@code common/defaults.sh} or set sysctls with
 * {@code sysctl -q name=value} are not listed: the runner applies those itself. Every other shell
 * command is listed, since it would have to be emulated.
 */
public final class Classifier {

    private static final Pattern SYSCTL = Pattern.compile("sysctl\\s+-q(\\s+[\\w.\\-/]+=\\S+)+");
    private static final Pattern DEFAULTS = Pattern.compile("(\\S*/)?common/defaults\\.sh");

    private final Predicate<Construct> supported;

    /**
     * @param supported the constructs the runner implements; the others make a script unsupported
     */
    public Classifier(Set<Construct> supported) {
        this(Set.copyOf(supported)::contains);
    }

    /**
     * @param supported whether the runner implements a construct
     */
    public Classifier(Predicate<Construct> supported) {
        this.supported = supported;
    }

    /**
     * @param script a parsed script
     * @return the distinct constructs it uses, sorted
     */
    public List<Construct> constructs(Script script) {
        Set<Construct> found = new TreeSet<>();
        for (Event event : script.events()) {
            switch (event.kind()) {
                case EventKind.SyscallEvent s -> syscall(s, found);
                case EventKind.PacketEvent p -> packet(p.packet(), found);
                case EventKind.ShellEvent s -> shell(s.command(), found);
                case EventKind.CodeEvent c -> found.add(new Construct("code", "%{ }% (Python)"));
                case EventKind.OptionEvent o -> found.add(new Construct("option", "--" + o.name()));
            }
        }
        return List.copyOf(found);
    }

    /**
     * Why a script cannot be executed.
     *
     * @param script a parsed script
     * @return each construct it uses that the runner does not implement; empty when none
     */
    public List<String> unsupportedReasons(Script script) {
        List<String> reasons = new ArrayList<>();
        for (Construct c : constructs(script)) {
            if (!supported.test(c)) {
                reasons.add(c.toString());
            }
        }
        return reasons;
    }

    private static void syscall(EventKind.SyscallEvent s, Set<Construct> found) {
        found.add(new Construct("syscall", s.name()));
        boolean sockopt = s.name().equals("setsockopt") || s.name().equals("getsockopt");
        if (sockopt && s.args().size() >= 3) {
            found.add(new Construct("sockopt", name(s.args().get(1)) + "." + name(s.args().get(2))));
        }
    }

    private static String name(Expr e) {
        return e instanceof Expr.Ident(String n) ? n : e instanceof Expr.Int i ? i.text() : "?";
    }

    private static void packet(Packet packet, Set<Construct> found) {
        Packet.IpPrefix ip = packet.ip();
        if (ip.ecn() != null) {
            found.add(new Construct("ip", "ecn " + ip.ecn()));
        }
        if (ip.encap() != null) {
            found.add(new Construct("ip", "encap " + ip.encap().protocol()));
        }
        switch (packet) {
            case Packet.Tcp tcp -> {
                found.add(new Construct("packet", "tcp"));
                if (tcp.options() != null) {
                    tcp.options().forEach(o -> tcpOption(o, found));
                }
            }
            case Packet.Udp u -> found.add(new Construct("packet", "udp"));
            case Packet.Icmp icmp -> found.add(new Construct("packet",
                    "icmp " + icmp.type() + (icmp.code() == null ? "" : " " + icmp.code())));
        }
    }

    private static void tcpOption(TcpOption option, Set<Construct> found) {
        String name = switch (option) {
            case TcpOption.Nop n -> "nop";
            case TcpOption.Eol e -> "eol";
            case TcpOption.SackPermitted s -> "sackOK";
            case TcpOption.Mss m -> "mss";
            case TcpOption.WindowScale w -> "wscale";
            case TcpOption.Timestamp t -> "TS";
            case TcpOption.Sack s -> "sack";
            case TcpOption.FastOpen f -> f.experimental() ? "FOEXP" : "FO";
            case TcpOption.Md5 m -> "md5";
            case TcpOption.Other o -> o.name();
        };
        found.add(new Construct("tcp-option", name));
    }

    private static void shell(String text, Set<Construct> found) {
        for (String command : shellCommands(text)) {
            if (!DEFAULTS.matcher(command).matches() && !SYSCTL.matcher(command).matches()) {
                found.add(new Construct("shell", command));
            }
        }
    }

    /**
     * Splits a shell block into commands: one per line, backslash continuations joined,
     * blank lines and {@code #} comments dropped.
     *
     * @param text the block's text
     * @return its commands, each with white space collapsed
     */
    public static List<String> shellCommands(String text) {
        List<String> commands = new ArrayList<>();
        for (String line : text.replace("\\\n", " ").split("\n")) {
            String command = line.strip().replaceAll("\\s+", " ");
            if (!command.isEmpty() && !command.startsWith("#")) {
                commands.add(command);
            }
        }
        return commands;
    }
}
