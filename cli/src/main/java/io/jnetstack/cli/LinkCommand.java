package io.jnetstack.cli;

import io.jnetstack.core.Net;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code jnetstack link}: the devices and their statistics, as {@code ip -s link}. */
@Command(name = "link", mixinStandardHelpOptions = true,
        description = {"Builds the demo network, runs its exchange, and lists each namespace's devices as `ip link` does;"
                + " with -s, with their statistics (as `ip -s -s link`). With -n, one namespace; with --host, a host's devices."})
final class LinkCommand extends NetCommand {
    @Option(names = {"-s", "--stats"}, description = "show statistics")
    boolean stats;

    @Override
    public Integer call() {
        if (netns != null || host != null || (main != null && main.hostNet != null)) {
            return super.call();
        }
        PrintWriter out = spec.commandLine().getOut();
        for (Net net : demo().kernel.nets()) {
            print(net, out);
        }
        out.flush();
        return 0;
    }

    @Override
    int run(Net net, PrintWriter out, PrintWriter err) {
        print(net, out);
        return 0;
    }

    private void print(Net net, PrintWriter out) {
        out.println("# namespace " + net.name());
        out.print(net.kernel().call(() -> net.formatLinks(stats)));
    }

    @Override
    List<String> remoteArgs() {
        List<String> w = new ArrayList<>(List.of("link"));
        if (stats) {
            w.add("-s");
        }
        return w;
    }
}
