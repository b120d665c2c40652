package io.jnetstack.cli;

import io.jnetstack.admin.Ss;
import io.jnetstack.core.Net;
import picocli.CommandLine.Command;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code jnetstack ss}: the sockets of a namespace, as iproute2's {@code ss}. */
@Command(name = "ss", mixinStandardHelpOptions = true,
        description = {"Lists the sockets of a namespace of the demo network or of a running host, as `ss` does:"
                + " -t TCP, -u UDP, -w raw and ping sockets (none: all); -a all states, -l only listening/unconnected"
                + " ones (default: only connected ones); -n is accepted (output is always numeric).",
                "Example: jnetstack ss -uaw --host tap0"})
final class SsCommand extends NetCommand {
    @CommandLine.Unmatched
    List<String> options = new ArrayList<>();

    @Override
    int run(Net net, PrintWriter out, PrintWriter err) {
        out.print(net.kernel().call(() -> Ss.run(net, options)));
        return 0;
    }

    @Override
    List<String> remoteArgs() {
        List<String> w = new ArrayList<>(List.of("ss"));
        w.addAll(options);
        return w;
    }
}
