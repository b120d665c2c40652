package io.jnetstack.cli;

import io.jnetstack.admin.AdminException;
import io.jnetstack.core.Net;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A command that runs on one namespace: of the demo network (default, {@code -n} picks alpha,
 * router or beta), of a running {@code jnetstack host} ({@code --host NAME}, through its control
 * socket), or, inside a host's control server, on the host's own namespace.
 *
 * <p>On the demo network the command first builds it, lets alpha exchange frames with the router
 * and ping beta (quietly, as {@code jnetstack link} does), so there is state to show.
 */
abstract class NetCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-n", "--netns"}, paramLabel = "NS",
            description = "namespace of the demo network: alpha, router or beta (default: alpha)")
    String netns;

    @Option(names = "--host", paramLabel = "NAME",
            description = "run on the stack of `jnetstack host --tap NAME`, through its control socket"
                    + " (/run/jnetstack/NAME.sock or /tmp/jnetstack/NAME.sock; a path works too)")
    String host;

    @Option(names = "--seed", paramLabel = "N", description = "seed of the demo network (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--frames", paramLabel = "N", description = "raw frames the demo exchanges first (default: ${DEFAULT-VALUE})")
    int frames = 1000;

    @Option(names = "--pings", paramLabel = "N", description = "pings alpha sends beta first (default: ${DEFAULT-VALUE})")
    int pings = 5;

    /** Runs the command on {@code net}; returns the exit status. */
    abstract int run(Net net, PrintWriter out, PrintWriter err);

    /** The request for a host's control socket: the subcommand and its arguments. */
    abstract List<String> remoteArgs();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Net local = main == null ? null : main.hostNet;
            if (local != null) {
                if (host != null || netns != null) {
                    err.println("jnetstack: -n and --host choose a stack from the command line; a host's control socket serves its own");
                    return 2;
                }
                return run(local, out, err);
            }
            if (host != null) {
                return remote(host, out, err);
            }
            DemoNetwork demo = demo();
            Net net = pick(demo, netns == null ? "alpha" : netns);
            if (net == null) {
                err.println("jnetstack: no namespace named " + netns + " (the demo has alpha, router and beta)");
                return 2;
            }
            return run(net, out, err);
        } catch (AdminException e) {
            err.println(e.output());
            return e.status();
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Sends the command to host {@code name}; {@link IpCommand} sends a batch line by line. */
    int remote(String name, PrintWriter out, PrintWriter err) {
        return ControlClient.request(name, remoteArgs(), out, err);
    }

    /** The demo network after its quiet warm-up. */
    DemoNetwork demo() {
        DemoNetwork d = new DemoNetwork(seed, NetemSetup.netem(20, 5, 5));
        d.exchange(frames);
        d.ping(pings);
        return d;
    }

    static Net pick(DemoNetwork d, String name) {
        for (Net n : d.kernel.nets()) {
            if (n.name().equals(name)) {
                return n;
            }
        }
        return null;
    }
}
