package io.jnetstack.cli;

import io.jnetstack.core.Dev;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.Qdisc;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.sched.PfifoFast;
import io.jnetstack.link.Veth;
import io.jnetstack.time.Timer;
import io.jnetstack.wire.Ethernet;

/**
 * The demo network: two namespaces, {@code alpha} and {@code beta}, joined by a veth pair, with
 * netem on alpha's end (delay, jitter, loss) and pfifo_fast on beta's. Alpha sends numbered
 * frames of the IEEE local experimental EtherType 0x88B5, one per millisecond of virtual time;
 * beta echoes each back; alpha measures the round trip. Deterministic by seed.
 */
final class DemoNetwork {
    /** IEEE 802 local experimental EtherType 1. */
    static final int ETH_P_DEMO = 0x88B5;
    static final int FRAME_LEN = 128;

    final Kernel kernel;
    final Net alpha;
    final Net beta;
    final Veth veth0;
    final Veth veth1;
    long sent;
    long echoed;
    long received;
    long rttSumNanos;
    long rttMin = Long.MAX_VALUE;
    long rttMax;
    long firstFrameJourney;
    /** Also emit the journey as JDK Flight Recorder events. */
    boolean jfr;

    DemoNetwork(long seed, Qdisc alphaQdisc) {
        kernel = Kernel.deterministic(seed);
        alpha = kernel.newNet("alpha");
        beta = kernel.newNet("beta");
        veth0 = Veth.createPair(alpha, "veth0", beta, "veth1");
        veth1 = veth0.peer();
        veth0.setQdisc(alphaQdisc);
        veth1.setQdisc(new PfifoFast());
        alpha.loopback().up();
        beta.loopback().up();
        veth0.up();
        veth1.up();
        beta.addProtocol(ETH_P_DEMO, this::echo);
        alpha.addProtocol(ETH_P_DEMO, this::reply);
    }

    /** Sends {@code count} frames, one per millisecond, then lets everything in flight arrive. */
    void exchange(int count) {
        Timer[] holder = new Timer[1];
        holder[0] = kernel.timers().newTimer("demo sender", () -> {
            send(sent);
            if (sent < count) {
                holder[0].armAfter(1_000_000L);
            }
        });
        holder[0].armAfter(0);
        kernel.runUntilIdle(60_000_000_000L);
    }

    private void send(long seq) {
        SkBuff skb = kernel.skbs().alloc(64, FRAME_LEN);
        int off = skb.put(FRAME_LEN);
        byte[] b = skb.buf();
        Ethernet.writeHeader(b, off, veth1.mac().bits(), veth0.mac().bits(), ETH_P_DEMO);
        putLong(b, off + 14, seq);
        putLong(b, off + 22, kernel.clock().nanos());
        for (int i = 30; i < FRAME_LEN; i++) {
            b[off + i] = (byte) i;
        }
        skb.dev = veth0;
        sent++;
        if (seq == 0) {
            kernel.tracer().enable(true, jfr);
        } else if (seq == 1000) {
            kernel.tracer().disable();   // the first frame's journey is long complete
        }
        Dev.queueXmit(skb);
        if (seq == 0) {
            firstFrameJourney = skb.traceId;
        }
    }

    /** Beta: send the payload back to where it came from, in a new frame. */
    private void echo(SkBuff in, io.jnetstack.core.NetDevice dev) {
        int len = in.len();
        SkBuff out = kernel.skbs().alloc(64, len + 14);
        int off = out.put(len + 14);
        byte[] src = in.buf();
        long from = io.jnetstack.wire.MacAddress.readBits(src, in.macHeader() + Ethernet.SRC);
        Ethernet.writeHeader(out.buf(), off, from, dev.mac().bits(), ETH_P_DEMO);
        in.copyBits(0, out.buf(), off + 14, len);
        in.free();
        out.dev = dev;
        echoed++;
        Dev.queueXmit(out);
    }

    /** Alpha: an echo came back; measure the round trip. */
    private void reply(SkBuff in, io.jnetstack.core.NetDevice dev) {
        long t0 = getLong(in.buf(), in.data() + 8);
        long rtt = kernel.clock().nanos() - t0;
        in.free();
        received++;
        rttSumNanos += rtt;
        rttMin = Math.min(rttMin, rtt);
        rttMax = Math.max(rttMax, rtt);
    }

    private static void putLong(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (56 - 8 * i));
        }
    }

    private static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[off + i] & 0xff);
        }
        return v;
    }
}
