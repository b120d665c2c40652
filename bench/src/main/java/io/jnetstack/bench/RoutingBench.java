package io.jnetstack.bench;

import io.jnetstack.core.Dev;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.SkBuffPool;
import io.jnetstack.ipv4.fib.Fib;
import io.jnetstack.ipv4.fib.FibResult;
import io.jnetstack.ipv4.fib.FlowKey;
import io.jnetstack.ipv4.fib.NextHop;
import io.jnetstack.ipv4.fib.Route;
import io.jnetstack.link.Veth;
import io.jnetstack.wire.Ethernet;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Address;

import java.lang.management.ManagementFactory;

/** The routing benchmarks: FIB lookups with a million routes, and forwarding through a router. */
final class RoutingBench {
    private RoutingBench() {}

    /** Result of a benchmark: the rate or time, heap bytes allocated per operation, and a second figure. */
    record Figure(double value, double bytesPerOp, double other) {
    }

    /**
     * Nanoseconds per {@code fib_lookup} with {@code routes} random prefixes (lengths spread like a
     * real table: mostly /16 to /24), over random destinations, single-threaded, best of rounds.
     */
    static Figure fibLookup(int routes, int lookups, int rounds) {
        Fib fib = RandomFib.build(routes, 42);
        int[] addrs = RandomFib.destinations(lookups, 42);
        FlowKey key = new FlowKey();
        FibResult res = new FibResult();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        double best = Double.MAX_VALUE;
        double bytes = Double.MAX_VALUE;
        long sink = 0;
        for (int r = 0; r < rounds + 2; r++) {
            long a0 = mx.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            for (int addr : addrs) {
                key.reset().dst(addr);
                if (fib.lookup(key, res)) {
                    sink += res.prefixLen();
                }
            }
            long t1 = System.nanoTime();
            long a1 = mx.getCurrentThreadAllocatedBytes();
            if (r >= 2) {
                best = Math.min(best, (double) (t1 - t0) / lookups);
                bytes = Math.min(bytes, (double) (a1 - a0) / lookups);
            }
        }
        // The same lookups over 256 destinations that stay in the CPU caches: the instruction cost.
        int[] warm = java.util.Arrays.copyOf(addrs, 256);
        double warmBest = Double.MAX_VALUE;
        for (int r = 0; r < rounds + 2; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < lookups; i++) {
                key.reset().dst(warm[i & 255]);
                if (fib.lookup(key, res)) {
                    sink += res.prefixLen();
                }
            }
            long t1 = System.nanoTime();
            if (r >= 2) {
                warmBest = Math.min(warmBest, (double) (t1 - t0) / lookups);
            }
        }
        if (sink == 42) {
            System.out.print("");
        }
        return new Figure(best, bytes, warmBest);
    }

    /**
     * 64-byte IP packets per second forwarded by a router namespace, with the sending host and
     * the receiving host in the same thread (so the figure includes their work too).
     */
    static Figure forward(long packets, int rounds) {
        Kernel k = Kernel.deterministic(1);
        Net a = k.newNet("a");
        Net r = k.newNet("r");
        Net b = k.newNet("b");
        Veth av = Veth.createPair(a, "veth0", r, "veth0");
        Veth rb = Veth.createPair(r, "veth1", b, "veth0");
        for (Veth v : new Veth[]{av, av.peer(), rb, rb.peer()}) {
            v.up();
        }
        int ipA = Ipv4Address.parse("198.18.1.2");
        int ipR1 = Ipv4Address.parse("198.18.1.1");
        int ipR2 = Ipv4Address.parse("198.18.2.1");
        int ipB = Ipv4Address.parse("198.18.2.2");
        a.inet().devinet().add(av, ipA, 24);
        r.inet().devinet().add(av.peer(), ipR1, 24);
        r.inet().devinet().add(rb, ipR2, 24);
        b.inet().devinet().add(rb.peer(), ipB, 24);
        b.inet().fib().addRoute(Route.to(0, 0).nexthop(NextHop.via(ipR2, rb.peer())).build());
        r.sysctls().set("net.ipv4.ip_forward", "1");
        long[] got = new long[1];
        b.inet().addProtocol(253, skb -> {
            got[0]++;
            skb.free();
        });
        k.runFor(10_000_000L);
        // Resolve the router's MAC once, then send prebuilt frames straight from A's device.
        r.inet().arpTable().addStatic(ipB, rb, rb.peer().mac().bits(), io.jnetstack.neigh.NudState.PERMANENT);
        long dst = av.peer().mac().bits();
        long src = av.mac().bits();
        SkBuffPool pool = k.skbs();
        sendPackets(pool, av, dst, src, ipA, ipB, Scale.warmup(packets, 200_000));
        return bestOf(rounds, packets, () -> sendPackets(pool, av, dst, src, ipA, ipB, packets), () -> got[0],
                () -> r.formatDrops() + b.formatDrops());
    }

    /**
     * 64-byte IP packets per second through the router alone: each packet is handed to the
     * router's receive path as its veth driver would ({@code netif_receive_skb}), forwarded
     * (route lookup, TTL, neighbour, device layer) to a dummy device whose driver discards it, so
     * no other host's work is counted.
     */
    static Figure forwardRouterOnly(long packets, int rounds) {
        Kernel k = Kernel.deterministic(1);
        Net a = k.newNet("a");
        Net r = k.newNet("r");
        Veth av = Veth.createPair(a, "veth0", r, "veth0");
        io.jnetstack.link.Dummy out = r.register(new io.jnetstack.link.Dummy("dummy0"));
        av.up();
        av.peer().up();
        out.up();
        int ipA = Ipv4Address.parse("198.18.1.2");
        int ipB = Ipv4Address.parse("198.18.2.2");
        r.inet().devinet().add(av.peer(), Ipv4Address.parse("198.18.1.1"), 24);
        r.inet().devinet().add(out, Ipv4Address.parse("198.18.2.1"), 24);
        r.sysctls().set("net.ipv4.ip_forward", "1");
        r.inet().arpTable().addStatic(ipB, out, 0x020000000002L, io.jnetstack.neigh.NudState.PERMANENT);
        k.runFor(10_000_000L);
        Veth in = av.peer();
        long dst = in.mac().bits();
        long src = av.mac().bits();
        SkBuffPool pool = k.skbs();
        injectPackets(pool, in, dst, src, ipA, ipB, Scale.warmup(packets, 200_000));
        return bestOf(rounds, packets, () -> injectPackets(pool, in, dst, src, ipA, ipB, packets),
                () -> out.stats().txPackets, r::formatDrops);
    }

    /**
     * The best rate (packets per second) and the least heap allocation per packet over
     * {@code rounds} runs of {@code send}, each of which must get all {@code packets} through
     * ({@code delivered} counts them; {@code drops} explains a shortfall).
     */
    private static Figure bestOf(int rounds, long packets, Runnable send, java.util.function.LongSupplier delivered,
                                 java.util.function.Supplier<String> drops) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        double best = 0;
        double bytes = Double.MAX_VALUE;
        for (int i = 0; i < rounds; i++) {
            long before = delivered.getAsLong();
            long a0 = mx.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            send.run();
            long t1 = System.nanoTime();
            long a1 = mx.getCurrentThreadAllocatedBytes();
            long through = delivered.getAsLong() - before;
            if (through != packets) {
                throw new IllegalStateException("forwarded " + through + " of " + packets + ":\n" + drops.get());
            }
            best = Math.max(best, packets * 1e9 / (t1 - t0));
            bytes = Math.min(bytes, (double) (a1 - a0) / packets);
        }
        return new Figure(best, bytes, 0);
    }

    private static void injectPackets(SkBuffPool pool, Veth in, long dst, long src, int ipA, int ipB, long n) {
        for (long i = 0; i < n; i++) {
            SkBuff skb = pool.alloc(64, 64);
            int off = skb.put(64);
            byte[] buf = skb.buf();
            Ethernet.writeHeader(buf, off, dst, src, 0x0800);
            Ipv4.writeHeader(buf, off + 14, 0, 50, (int) i & 0xffff, 0, 64, 253, ipA, ipB);
            if (Dev.ethFrameIn(in, skb)) {
                Dev.netifReceiveSkb(skb);
            }
        }
    }

    private static void sendPackets(SkBuffPool pool, Veth av, long dst, long src, int ipA, int ipB, long n) {
        for (long i = 0; i < n; i++) {
            SkBuff skb = pool.alloc(64, 64);
            int off = skb.put(64);
            byte[] buf = skb.buf();
            Ethernet.writeHeader(buf, off, dst, src, 0x0800);
            Ipv4.writeHeader(buf, off + 14, 0, 50, (int) i & 0xffff, 0, 64, 253, ipA, ipB);
            skb.dev = av;
            Dev.queueXmit(skb);
        }
    }
}
