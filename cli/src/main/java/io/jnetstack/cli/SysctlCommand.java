package io.jnetstack.cli;

import io.jnetstack.admin.SysctlTool;
import io.jnetstack.core.Net;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code jnetstack sysctl}: reads and writes a namespace's settings, as procps' {@code sysctl}. */
@Command(name = "sysctl", mixinStandardHelpOptions = true,
        description = {"Reads and writes the settings (net.ipv4.*, net.core.*) of a namespace of the demo network or of"
                + " a running host, as `sysctl` does: `sysctl net.ipv4.ip_forward`, `sysctl -w net.ipv4.ip_forward=1`,"
                + " `sysctl -a`. Names may use dots or slashes."})
final class SysctlCommand extends NetCommand {
    @Option(names = {"-w", "--write"}, description = "every argument is NAME=VALUE to set")
    boolean write;

    @Option(names = {"-a", "--all"}, description = "every setting")
    boolean all;

    @Option(names = {"-q", "--quiet"}, description = "do not print the values set")
    boolean quiet;

    @Option(names = {"-N", "--names"}, description = "print only the names")
    boolean names;

    @Option(names = "--values", description = "print only the values (sysctl's -n; -n picks the namespace here)")
    boolean values;

    @Parameters(arity = "0..*", paramLabel = "NAME[=VALUE]", description = "settings to show, or to set with =VALUE")
    List<String> settings = new ArrayList<>();

    @Override
    int run(Net net, PrintWriter out, PrintWriter err) {
        out.print(net.kernel().call(() -> SysctlTool.run(net, words())));
        return 0;
    }

    private List<String> words() {
        List<String> w = new ArrayList<>();
        if (write) {
            w.add("-w");
        }
        if (all) {
            w.add("-a");
        }
        if (quiet) {
            w.add("-q");
        }
        if (names) {
            w.add("-N");
        }
        if (values) {
            w.add("--values");
        }
        w.addAll(settings);
        return w;
    }

    @Override
    List<String> remoteArgs() {
        List<String> w = new ArrayList<>(List.of("sysctl"));
        w.addAll(words());
        return w;
    }
}
