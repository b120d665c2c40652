package io.jnetstack.cli;

import io.jnetstack.admin.Nstat;
import io.jnetstack.core.Net;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code jnetstack nstat}: the SNMP counters of a namespace, as {@code nstat -a} or {@code /proc/net/snmp}. */
@Command(name = "nstat", mixinStandardHelpOptions = true,
        description = {"Prints the Ip, Icmp and IcmpMsg counters (as in /proc/net/snmp) of a namespace of the demo network"
                + " or of a running host, as `nstat -a` does: absolute values since the namespace was created,"
                + " non-zero ones unless -z; PATTERNs (shell-style, e.g. 'Icmp*') select counters.",
                "With --snmp, the two-lines-per-group format of /proc/net/snmp instead."})
final class NstatCommand extends NetCommand {
    @Option(names = {"-z", "--zeros"}, description = "also counters that are zero")
    boolean zeros;

    @Option(names = {"-a", "--ignore"}, description = "absolute values (always; for nstat's command line)")
    boolean absolute;

    @Option(names = {"-s", "--noupdate"}, description = "accepted for nstat's command line; there is no history to update")
    boolean noUpdate;

    @Option(names = "--snmp", description = "print as /proc/net/snmp")
    boolean snmp;

    @Parameters(arity = "0..*", paramLabel = "PATTERN", description = "counters to show, e.g. IcmpInEchos or 'Ip*'")
    List<String> patterns = new ArrayList<>();

    @Override
    int run(Net net, PrintWriter out, PrintWriter err) {
        out.print(net.kernel().call(() -> snmp ? Nstat.snmp(net) : Nstat.format(net, zeros, patterns)));
        return 0;
    }

    @Override
    List<String> remoteArgs() {
        List<String> w = new ArrayList<>(List.of("nstat"));
        if (zeros) {
            w.add("-z");
        }
        if (snmp) {
            w.add("--snmp");
        }
        w.addAll(patterns);
        return w;
    }
}
