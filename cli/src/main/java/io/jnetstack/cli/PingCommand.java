package io.jnetstack.cli;

import io.jnetstack.admin.AdminException;
import io.jnetstack.admin.Ping;
import io.jnetstack.core.Net;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code jnetstack ping}: iputils' {@code ping} from a namespace of the demo network or from a running host. */
@Command(name = "ping", mixinStandardHelpOptions = true,
        description = {"Sends ICMP echo requests as iputils' `ping` does and prints the replies, ICMP errors"
                + " (`From 198.18.1.1 icmp_seq=1 Time to live exceeded`) and the statistics.",
                "On the demo network (default: from alpha) it runs in virtual time: the round trips are the netem delays,"
                        + " and without -c or -w it sends " + Ping.VIRTUAL_DEFAULT_COUNT + " requests. On a host (--host)"
                        + " it runs in real time from the host's stack.",
                "Exit status: 0 when replies came, 1 when none did (or, with -w and -c, fewer than COUNT), 2 on an error."})
final class PingCommand extends NetCommand {
    @Option(names = "-c", paramLabel = "COUNT", description = "stop after COUNT requests")
    Integer count;

    @Option(names = "-i", paramLabel = "SECONDS", description = "seconds between requests (default: ${DEFAULT-VALUE})")
    double interval = 1;

    @Option(names = "-s", paramLabel = "SIZE", description = "payload bytes (default: ${DEFAULT-VALUE})")
    int size = 56;

    @Option(names = "-t", paramLabel = "TTL", description = "IP time to live (default: net.ipv4.ip_default_ttl)")
    int ttl;

    @Option(names = "-M", paramLabel = "do|dont|want",
            description = "path MTU discovery: do sets DF (too big is a local error), dont never sets it,"
                    + " want (default) sets it when the request fits")
    String pmtu = "want";

    @Option(names = "-W", paramLabel = "SECONDS", description = "time to wait for a reply when none came (default: 10)")
    double timeout;

    @Option(names = "-w", paramLabel = "SECONDS", description = "stop after SECONDS, whatever happened")
    double deadline;

    @Option(names = "-q", description = "quiet: only the first line and the statistics")
    boolean quiet;

    @Parameters(index = "0", paramLabel = "DEST", description = "the IPv4 address to ping")
    String destination;

    @Override
    int run(Net net, PrintWriter out, PrintWriter err) {
        Ping.Options o;
        try {
            o = options();
        } catch (AdminException e) {
            err.println(e.output());
            return e.status();
        }
        return new Ping(o).run(net, destination, out, err);
    }

    Ping.Options options() {
        if (count != null && count <= 0) {
            throw new AdminException(io.jnetstack.core.Errno.EINVAL,
                    "ping: invalid argument: '" + count + "': out of range: 1 <= value <= 2147483647", 2);
        }
        Ping.Pmtu mode = switch (pmtu) {
            case "do" -> Ping.Pmtu.DO;
            case "dont" -> Ping.Pmtu.DONT;
            case "want" -> Ping.Pmtu.WANT;
            default -> null;
        };
        return new Ping.Options(count == null ? 0 : count, interval, size, ttl, mode, timeout, deadline, quiet);
    }

    @Override
    List<String> remoteArgs() {
        List<String> w = new ArrayList<>(List.of("ping"));
        if (count != null) {
            w.addAll(List.of("-c", count.toString()));
        }
        w.addAll(List.of("-i", num(interval), "-s", Integer.toString(size), "-M", pmtu));
        if (ttl != 0) {
            w.addAll(List.of("-t", Integer.toString(ttl)));
        }
        if (timeout != 0) {
            w.addAll(List.of("-W", num(timeout)));
        }
        if (deadline != 0) {
            w.addAll(List.of("-w", num(deadline)));
        }
        if (quiet) {
            w.add("-q");
        }
        w.add(destination);
        return w;
    }

    private static String num(double d) {
        return String.format(Locale.ROOT, "%s", d);
    }
}
