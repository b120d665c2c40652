package io.jnetstack.socket;

import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.ipv4.fib.NextHop;
import io.jnetstack.ipv4.fib.Route;
import io.jnetstack.link.Veth;
import io.jnetstack.wire.Ipv4Address;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Test network for socket tests: A (198.18.1.1) — R (198.18.1.254 | 198.18.2.254) — B (198.18.2.1),
 * plus C (198.18.1.3) on A's link; everything in one deterministic kernel.
 */
public final class Lan {
    public static final int A = Ipv4Address.parse("198.18.1.1");
    public static final int C = Ipv4Address.parse("198.18.1.3");
    public static final int R1 = Ipv4Address.parse("198.18.1.254");
    public static final int R2 = Ipv4Address.parse("198.18.2.254");
    public static final int B = Ipv4Address.parse("198.18.2.1");
    public static final int BCAST1 = Ipv4Address.parse("198.18.1.255");

    public final Kernel k;
    public final Net a;
    public final Net r;
    public final Net b;
    public final Veth aEth;
    public final Veth bEth;

    public Lan(long seed) {
        k = Kernel.deterministic(seed);
        a = k.newNet("A");
        r = k.newNet("R");
        b = k.newNet("B");
        aEth = Veth.createPair(a, "veth0", r, "veth0");
        Veth rb = Veth.createPair(r, "veth1", b, "veth0");
        bEth = rb.peer();
        for (Net n : new Net[]{a, r, b}) {
            n.loopback().up();
        }
        for (Veth v : new Veth[]{aEth, aEth.peer(), rb, bEth}) {
            v.up();
        }
        a.inet().devinet().add(aEth, A, 24);
        r.inet().devinet().add(aEth.peer(), R1, 24);
        r.inet().devinet().add(rb, R2, 24);
        b.inet().devinet().add(bEth, B, 24);
        a.inet().fib().addRoute(Route.to(0, 0).nexthop(NextHop.via(R1, aEth)).build());
        b.inet().fib().addRoute(Route.to(0, 0).nexthop(NextHop.via(R2, bEth)).build());
        r.sysctls().set("net.ipv4.ip_forward", "1");
        k.runFor(10_000_000L);
    }

    /** Lets everything in flight arrive (10 ms of virtual time). */
    public void settle() {
        k.runFor(10_000_000L);
    }

    /** Removes A's default route: only A's link is reachable. */
    public void dropDefaultRouteOfA() {
        a.inet().fib().deleteRoute(Route.to(0, 0).match());
    }

    public static Socket udp(Net n) {
        return n.sockets().socket(Socket.AF_INET, Socket.SOCK_DGRAM, 0);
    }

    public static ByteBuffer buf(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    public static String str(ByteBuffer b) {
        b.flip();
        byte[] x = new byte[b.remaining()];
        b.get(x);
        return new String(x, StandardCharsets.UTF_8);
    }
}
