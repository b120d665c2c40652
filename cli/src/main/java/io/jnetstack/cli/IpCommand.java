package io.jnetstack.cli;

import io.jnetstack.admin.AdminException;
import io.jnetstack.admin.IpTool;
import io.jnetstack.core.Net;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code jnetstack ip}: iproute2's {@code ip} on a namespace of the demo network or of a running
 * host. Several commands run in one invocation, on the same network, separated by {@code --}
 * ({@code ip route add 10.0.0.0/8 via 198.18.1.1 -- route show}) or read from a file with
 * {@code --batch FILE} (one command per line, as {@code ip -batch}).
 */
@Command(name = "ip", mixinStandardHelpOptions = true, modelTransformer = StopAtPositional.class,
        description = {"Shows and changes addresses, links, routes, rules and neighbours as iproute2's `ip` does,"
                + " on a namespace of the demo network (after its exchange and pings) or on a running host (--host).",
                "  ip [-s] [-d] addr|link|route|rule|neigh [COMMAND ...] [-- COMMAND ...]",
                "  addr [show [dev D]] | addr add|del A/LEN dev D | addr flush dev D",
                "  link [show [D]] | link set D up|down|mtu N|txqueuelen N|address MAC|promisc on|off",
                "  route [show] [table main|local|all|N] | route add|replace|append|prepend|change|del"
                        + " [TYPE] PREFIX|default [via GW] [dev D] [table T] [metric N] [mtu N] [src A] [proto P] [scope S] [tos T]"
                        + " | route get ADDR | route show cache | route flush cache|table T|dev D",
                "  rule [show] | rule add|del [not] [from P] [to P] [iif D] [oif D] [fwmark M[/MASK]] [tos T] [pref N]"
                        + " lookup T|blackhole|unreachable|prohibit",
                "  neigh [show [dev D]] | neigh add|replace A lladdr MAC dev D [nud permanent|reachable|stale|noarp]"
                        + " | neigh del A dev D | neigh flush dev D",
                "Several commands in one run: separate them with `--`, or put one per line in a file for --batch.",
                "Errors print as iproute2's (`RTNETLINK answers: File exists`) with its exit status (2 refused,"
                        + " 1 missing device, 255 bad command line)."})
final class IpCommand extends NetCommand {
    @Option(names = {"-s", "-stats", "-statistics"}, description = "show statistics (twice: more)")
    boolean[] stats = new boolean[0];

    @Option(names = {"-d", "-details"}, description = "show details")
    boolean details;

    @Option(names = {"-b", "-batch", "--batch"}, paramLabel = "FILE",
            description = "read commands from FILE, one per line (# starts a comment); stop at the first failure")
    Path batch;

    @Parameters(arity = "0..*", paramLabel = "ARG", description = "the ip command(s), as after `ip`")
    List<String> args = new ArrayList<>();

    @Override
    int run(Net net, PrintWriter out, PrintWriter err) {
        List<List<String>> commands;
        try {
            commands = commands();
        } catch (IOException e) {
            err.println("Cannot open file \"" + batch + "\" for batch mode: " + e.getMessage());
            return 1;
        }
        IpTool tool = new IpTool();
        for (int i = 0; i < commands.size(); i++) {
            List<String> words = commands.get(i);
            if (words.isEmpty()) {
                continue;
            }
            try {
                out.print(net.kernel().call(() -> tool.run(net, words)));
                out.flush();
            } catch (AdminException e) {
                err.println(e.output());
                if (batch != null) {
                    err.println("Command failed " + batch + ":" + (i + 1));
                    return 1;
                }
                return e.status();
            }
        }
        return 0;
    }

    /**
     * The commands: the arguments split at {@code --}, or the batch file's lines (an empty list for
     * a blank or comment line, so that indexes are line numbers - 1); each with the global options.
     */
    List<List<String>> commands() throws IOException {
        List<List<String>> cmds = new ArrayList<>();
        if (batch != null) {
            for (String line : Files.readAllLines(batch)) {
                int hash = line.indexOf('#');
                String text = (hash >= 0 ? line.substring(0, hash) : line).trim();
                cmds.add(text.isEmpty() ? List.of() : withOptions(List.of(text.split("\\s+"))));
            }
            return cmds;
        }
        List<String> cur = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--")) {
                cmds.add(withOptions(cur));
                cur = new ArrayList<>();
            } else {
                cur.add(a);
            }
        }
        cmds.add(withOptions(cur));
        return cmds;
    }

    private List<String> withOptions(List<String> words) {
        List<String> w = new ArrayList<>();
        for (int i = 0; i < stats.length; i++) {
            w.add("-s");
        }
        if (details) {
            w.add("-d");
        }
        w.addAll(words);
        return w;
    }

    @Override
    List<String> remoteArgs() {
        List<String> w = new ArrayList<>(List.of("ip"));
        for (int i = 0; i < stats.length; i++) {
            w.add("-s");
        }
        if (details) {
            w.add("-d");
        }
        w.addAll(args);
        return w;
    }

    /** On a host, a batch runs line by line, each a request, stopping at the first failure. */
    @Override
    int remote(String name, PrintWriter out, PrintWriter err) {
        if (batch == null) {
            return super.remote(name, out, err);
        }
        List<List<String>> commands;
        try {
            commands = commands();
        } catch (IOException e) {
            err.println("Cannot open file \"" + batch + "\" for batch mode: " + e.getMessage());
            return 1;
        }
        for (int i = 0; i < commands.size(); i++) {
            if (commands.get(i).isEmpty()) {
                continue;
            }
            List<String> req = new ArrayList<>(List.of("ip"));
            req.addAll(commands.get(i));
            if (ControlClient.request(name, req, out, err) != 0) {
                err.println("Command failed " + batch + ":" + (i + 1));
                return 1;
            }
        }
        return 0;
    }
}
