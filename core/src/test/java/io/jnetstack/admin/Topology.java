package io.jnetstack.admin;

import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.sched.Netem;
import io.jnetstack.ipv4.fib.NextHop;
import io.jnetstack.ipv4.fib.Route;
import io.jnetstack.link.Veth;
import io.jnetstack.wire.Ipv4Address;

import java.util.List;

/**
 * A small routed network for the admin tools' tests:
 * <pre>
 *   alpha veth0 198.18.1.2/24 ── router veth0 198.18.1.1/24
 *                                router veth1 198.18.2.1/24 ── beta veth0 198.18.2.2/24
 * </pre>
 * Each router port delays frames it sends by {@code delayMs} (netem), so a round trip from alpha
 * to beta takes 2 × delayMs once ARP is done. Alpha and beta route by default through the router.
 * Ping sockets are open to every group (as systemd sets {@code net.ipv4.ping_group_range}).
 */
final class Topology {
    static final int ALPHA = Ipv4Address.parse("198.18.1.2");
    static final int BETA = Ipv4Address.parse("198.18.2.2");

    final Kernel kernel;
    final Net alpha;
    final Net router;
    final Net beta;
    final Veth alphaEth;
    final Veth routerEth0;
    final Veth routerEth1;
    final Veth betaEth;

    Topology(Kernel kernel, double delayMs) {
        this.kernel = kernel;
        alpha = kernel.newNet("alpha");
        router = kernel.newNet("router");
        beta = kernel.newNet("beta");
        alphaEth = Veth.createPair(alpha, "veth0", router, "veth0");
        routerEth0 = alphaEth.peer();
        routerEth1 = Veth.createPair(router, "veth1", beta, "veth0");
        betaEth = routerEth1.peer();
        kernel.run(() -> {
            if (delayMs > 0) {
                routerEth0.setQdisc(new Netem(Netem.Config.parse("delay " + delayMs + "ms")));
                routerEth1.setQdisc(new Netem(Netem.Config.parse("delay " + delayMs + "ms")));
            }
            for (Net n : List.of(alpha, router, beta)) {
                n.loopback().up();
            }
            for (Veth v : List.of(alphaEth, routerEth0, routerEth1, betaEth)) {
                v.up();
            }
            alpha.inet().devinet().add(alphaEth, ALPHA, 24);
            router.inet().devinet().add(routerEth0, Ipv4Address.parse("198.18.1.1"), 24);
            router.inet().devinet().add(routerEth1, Ipv4Address.parse("198.18.2.1"), 24);
            beta.inet().devinet().add(betaEth, BETA, 24);
            alpha.inet().fib().addRoute(Route.to(0, 0).nexthop(NextHop.via(Ipv4Address.parse("198.18.1.1"), alphaEth)).build());
            beta.inet().fib().addRoute(Route.to(0, 0).nexthop(NextHop.via(Ipv4Address.parse("198.18.2.1"), betaEth)).build());
            router.sysctls().set("net.ipv4.ip_forward", "1");
            for (Net n : List.of(alpha, router, beta)) {
                n.sysctls().set("net.ipv4.ping_group_range", "0 2147483647");   // ping sockets for everyone
            }
        });
    }

    /** The deterministic network (virtual time), settled. */
    static Topology deterministic(double delayMs) {
        Topology t = new Topology(Kernel.deterministic(7), delayMs);
        t.kernel.runFor(100_000_000L);
        return t;
    }

    /** {@code ip ARGS} in {@code net}, under the kernel lock. */
    String ip(Net net, String args) {
        return kernel.call(() -> new IpTool().run(net, List.of(args.trim().split("\\s+"))));
    }
}
