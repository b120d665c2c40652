package io.jnetstack.bench;

import io.jnetstack.core.Dev;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.SkBuffPool;
import io.jnetstack.core.sched.PfifoFast;
import io.jnetstack.link.Veth;
import io.jnetstack.wire.Ethernet;

import java.lang.management.ManagementFactory;

/**
 * The device layer alone: 64-byte frames per second through a veth pair with pfifo_fast between
 * two namespaces, in one thread, and heap bytes allocated per frame in steady state.
 */
final class VethFrames {
    /**
     * The result.
     *
     * @param framesPerSecond the best round's rate
     * @param bytesPerFrame the lowest round's heap allocation per frame
     * @param rounds rounds measured
     */
    record Result(double framesPerSecond, double bytesPerFrame, int rounds) {
    }

    private VethFrames() {
    }

    static Result run(long frames, int rounds) {
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
        sendFrames(k, v0, dst, src, Scale.warmup(frames, 200_000));   // warm up the JIT and the pool
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        double best = 0;
        double bytes = Double.MAX_VALUE;
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
            best = Math.max(best, frames * 1e9 / (t1 - t0));
            bytes = Math.min(bytes, (double) (alloc1 - alloc0) / frames);
        }
        return new Result(best, bytes, rounds);
    }

    private static void sendFrames(Kernel k, Veth v0, long dst, long src, long n) {
        SkBuffPool pool = k.skbs();
        for (long i = 0; i < n; i++) {
            SkBuff skb = pool.alloc(64, 64);
            int off = skb.put(64);
            Ethernet.writeHeader(skb.buf(), off, dst, src, 0x88B5);
            skb.dev = v0;
            Dev.queueXmit(skb);
        }
    }
}
