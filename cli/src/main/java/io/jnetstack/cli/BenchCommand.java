package io.jnetstack.cli;

import io.jnetstack.core.Dev;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.sched.PfifoFast;
import io.jnetstack.link.Veth;
import io.jnetstack.wire.Ethernet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.util.concurrent.Callable;

/**
 * {@code jnetstack bench}: end-to-end benchmarks. For now the device layer: frames per second
 * through a veth pair with pfifo_fast, in one thread, and heap bytes allocated per frame.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Runs the benchmarks and prints one line per figure.",
                "veth-frames: 64-byte frames through a veth pair with pfifo_fast between two namespaces, one thread;"
                        + " frames per second and heap bytes allocated per frame in steady state.",
                "fib-lookup: ns per fib_lookup with 1,000,000 random routes, random destinations.",
                "forward: 64-byte IP packets per second through a router namespace (sender, router and receiver in one thread).",
                "udp: 64-byte UDP datagrams per second between two stack sockets (two namespaces on a veth pair, one thread),"
                        + " next to the JDK's DatagramChannel over the kernel's 127.0.0.1 in the same run; `ratio udp` is stack/kernel.",
                "tcp: bulk (one stream), rr (1-byte request/response) and crr (connect/accept/close), the same workloads on"
                        + " the JDK's SocketChannel over 127.0.0.1 and on two stack namespaces (veth MTU 65535, one thread)."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "shorter runs (about 10 s in all)")
    boolean quick;

    @Option(names = "--frames", description = "frames per measured round (default: 20,000,000; 5,000,000 with --quick)")
    long frames = -1;

    @Option(names = "--only", paramLabel = "NAME", description = "run only this benchmark (veth-frames, fib-lookup, forward, udp, tcp)")
    String only;

    @Override
    public Integer call() {
        if (only == null || only.equals("veth-frames")) {
            long n = frames > 0 ? frames : quick ? 5_000_000 : 20_000_000;
            VethFrames r = VethFrames.run(n, quick ? 2 : 3);
            System.out.printf("veth-frames: %,.0f frames/s (best of %d rounds of %,d 64-byte frames), %.3f heap bytes/frame%n",
                    r.framesPerSecond, r.rounds, n, r.bytesPerFrame);
            System.out.printf("metric veth-frames-per-second %.0f%n", r.framesPerSecond);
            System.out.printf("metric veth-bytes-allocated-per-frame %.4f%n", r.bytesPerFrame);
        }
        if (only == null || only.equals("fib-lookup")) {
            RoutingBench.Figure f = RoutingBench.fibLookup(1_000_000, quick ? 2_000_000 : 10_000_000, quick ? 2 : 4);
            System.out.printf("fib-lookup: %.1f ns per lookup with 1,000,000 routes (random destinations, cache-cold);"
                    + " %.1f ns over 256 cached destinations; %.3f heap bytes/lookup%n", f.value(), f.other(), f.bytesPerOp());
            System.out.printf("metric fib-lookup-ns %.2f%n", f.value());
            System.out.printf("metric fib-lookup-cached-ns %.2f%n", f.other());
        }
        if (only == null || only.equals("forward")) {
            RoutingBench.Figure f = RoutingBench.forward(quick ? 2_000_000 : 10_000_000, quick ? 2 : 3);
            System.out.printf("forward: %,.0f packets/s of 64 bytes through a router (one thread for all three hosts), %.3f heap bytes/packet%n",
                    f.value(), f.bytesPerOp());
            System.out.printf("metric forward-packets-per-second %.0f%n", f.value());
            RoutingBench.Figure g = RoutingBench.forwardRouterOnly(quick ? 2_000_000 : 10_000_000, quick ? 2 : 3);
            System.out.printf("forward-router: %,.0f packets/s of 64 bytes forwarded by the router alone (from netif_receive_skb"
                    + " to a dummy device's driver), %.3f heap bytes/packet%n", g.value(), g.bytesPerOp());
            System.out.printf("metric forward-router-packets-per-second %.0f%n", g.value());
        }
        if (only == null || only.equals("udp")) {
            UdpBench.Result u;
            try {
                u = UdpBench.run(quick ? 1_000_000 : 5_000_000, quick ? 2 : 3);
            } catch (java.io.IOException e) {
                System.err.println("udp: the kernel side failed: " + e.getMessage());
                return 1;
            }
            System.out.printf("udp: %,.0f datagrams/s of 64 bytes stack-to-stack (two namespaces, veth, one thread), %.1f heap bytes/datagram;"
                    + " kernel (DatagramChannel over 127.0.0.1): %,.0f datagrams/s%n", u.stackPerSecond(), u.stackBytesPerDatagram(), u.kernelPerSecond());
            System.out.printf("ratio udp %.2f%n", u.ratio());
        }
        if (only == null || only.equals("tcp")) {
            TcpBench.Figure[] f;
            try {
                f = TcpBench.run(quick);
            } catch (java.io.IOException e) {
                System.err.println("tcp: the kernel side failed: " + e.getMessage());
                return 1;
            }
            System.out.printf("bulk: jnetstack %,.0f MB/s (two namespaces, veth MTU 65535, one thread); kernel %,.0f MB/s"
                    + " (SocketChannel over 127.0.0.1)%n", f[0].stack() / 1e6, f[0].kernel() / 1e6);
            System.out.printf("rr: jnetstack %,.0f transactions/s; kernel %,.0f transactions/s (1 byte each way, TCP_NODELAY)%n",
                    f[1].stack(), f[1].kernel());
            System.out.printf("crr: jnetstack %,.0f connections/s; kernel %,.0f connections/s (connect, accept, close)%n",
                    f[2].stack(), f[2].kernel());
            System.out.printf("ratio bulk %.2f%nratio rr %.2f%nratio crr %.2f%n", f[0].ratio(), f[1].ratio(), f[2].ratio());
        }
        return 0;
    }

    /** The veth frame-rate workload; also used by tests. */
    static final class VethFrames {
        double framesPerSecond;
        double bytesPerFrame;
        int rounds;

        static VethFrames run(long frames, int rounds) {
            Kernel k = Kernel.deterministic(1);
            Net a = k.newNet("a");
            Net b = k.newNet("b");
            Veth v0 = Veth.createPair(a, "veth0", b, "veth1");
            Veth v1 = v0.peer();
            v0.setQdisc(new PfifoFast());
            v0.up();
            v1.up();
            long[] received = new long[1];
            b.addProtocol(0x88B5, (skb, dev) -> {
                received[0]++;
                skb.free();
            });
            long dst = v1.mac().bits();
            long src = v0.mac().bits();
            sendFrames(k, v0, dst, src, 200_000);   // warm up the JIT and the pool
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            VethFrames out = new VethFrames();
            out.rounds = rounds;
            out.bytesPerFrame = Double.MAX_VALUE;
            for (int r = 0; r < rounds; r++) {
                long before = received[0];
                long alloc0 = mx.getCurrentThreadAllocatedBytes();
                long t0 = System.nanoTime();
                sendFrames(k, v0, dst, src, frames);
                long t1 = System.nanoTime();
                long alloc1 = mx.getCurrentThreadAllocatedBytes();
                if (received[0] - before != frames) {
                    throw new IllegalStateException("lost frames: sent " + frames + ", received " + (received[0] - before));
                }
                out.framesPerSecond = Math.max(out.framesPerSecond, frames * 1e9 / (t1 - t0));
                out.bytesPerFrame = Math.min(out.bytesPerFrame, (double) (alloc1 - alloc0) / frames);
            }
            return out;
        }

        private static void sendFrames(Kernel k, Veth v0, long dst, long src, long n) {
            io.jnetstack.core.SkBuffPool pool = k.skbs();
            for (long i = 0; i < n; i++) {
                SkBuff skb = pool.alloc(64, 64);
                int off = skb.put(64);
                Ethernet.writeHeader(skb.buf(), off, dst, src, 0x88B5);
                skb.dev = v0;
                Dev.queueXmit(skb);
            }
        }
    }
}
