package io.jnetstack.cli;

import io.jnetstack.core.Net;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code jnetstack link}: the demo network's devices and their statistics, as {@code ip -s link}. */
@Command(name = "link", mixinStandardHelpOptions = true,
        description = {"Builds the demo network, runs its exchange, and lists each namespace's devices as `ip link` does;"
                + " with -s, with their statistics (as `ip -s -s link`)."})
final class LinkCommand implements Callable<Integer> {
    @Option(names = {"-s", "--stats"}, description = "show statistics")
    boolean stats;

    @Option(names = {"-n", "--netns"}, paramLabel = "NAME", description = "only this namespace (alpha, router or beta)")
    String netns;

    @Option(names = "--seed", description = "seed of the demo run (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--frames", description = "frames the demo exchanges first (default: ${DEFAULT-VALUE})")
    int frames = 1000;

    @Option(names = "--pings", description = "pings the demo sends first (default: ${DEFAULT-VALUE})")
    int pings = 5;

    @Override
    public Integer call() {
        DemoNetwork n = new DemoNetwork(seed, NetemSetup.netem(20, 5, 5));
        n.exchange(frames);
        n.ping(pings);
        boolean found = false;
        for (Net net : n.kernel.nets()) {
            if (netns != null && !netns.equals(net.name())) {
                continue;
            }
            found = true;
            System.out.println("# namespace " + net.name());
            System.out.print(net.formatLinks(stats));
        }
        if (!found) {
            System.err.println("no namespace named " + netns + " (the demo has alpha, router and beta)");
            return 2;
        }
        return 0;
    }
}
