package io.jnetstack.ipv4;

import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.ipv4.fib.NextHop;
import io.jnetstack.ipv4.fib.Route;
import io.jnetstack.link.Veth;
import io.jnetstack.wire.Ipv4Address;

/**
 * The test network host A — router R — host B: three namespaces, two veth pairs.
 * <pre>
 *   A veth0 198.18.1.2/24 ── R veth0 198.18.1.1/24 | R veth1 198.18.2.1/24 ── B veth0 198.18.2.2/24
 * </pre>
 * A's and B's default routes point at R; R forwards.
 */
final class Topology {
    static final int A = Ipv4Address.parse("198.18.1.2");
    static final int R1 = Ipv4Address.parse("198.18.1.1");
    static final int R2 = Ipv4Address.parse("198.18.2.1");
    static final int B = Ipv4Address.parse("198.18.2.2");

    final Kernel k;
    final Net a;
    final Net r;
    final Net b;
    final Veth aEth;
    final Veth rEthA;
    final Veth rEthB;
    final Veth bEth;

    Topology(long seed) {
        k = Kernel.deterministic(seed);
        a = k.newNet("A");
        r = k.newNet("R");
        b = k.newNet("B");
        aEth = Veth.createPair(a, "veth0", r, "veth0");
        rEthA = aEth.peer();
        rEthB = Veth.createPair(r, "veth1", b, "veth0");
        bEth = rEthB.peer();
        for (Net n : new Net[]{a, r, b}) {
            n.loopback().up();
        }
        for (Veth v : new Veth[]{aEth, rEthA, rEthB, bEth}) {
            v.up();
        }
        a.inet().devinet().add(aEth, A, 24);
        r.inet().devinet().add(rEthA, R1, 24);
        r.inet().devinet().add(rEthB, R2, 24);
        b.inet().devinet().add(bEth, B, 24);
        a.inet().fib().addRoute(Route.to(0, 0).nexthop(NextHop.via(R1, aEth)).build());
        b.inet().fib().addRoute(Route.to(0, 0).nexthop(NextHop.via(R2, bEth)).build());
        r.sysctls().set("net.ipv4.ip_forward", "1");
        k.runFor(10_000_000L);   // gratuitous ARPs settle
    }
}
