package io.jnetstack.ipv4.offload;

import io.jnetstack.core.Dev;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetdevFeatures;
import io.jnetstack.core.SkBuff;
import io.jnetstack.link.Veth;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The GSO and GRO paths allocate nothing per packet once warm (DESIGN: performance rules), as
 * {@code link.SteadyStateAllocationTest} checks for the plain device path. The figures printed
 * are frames per second of this machine, for the report only: nothing asserts a duration.
 */
class OffloadAllocationTest {
    static final int MSS = 1448;
    static final int SEGS = 44;
    final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void gsoSegmentationAllocatesNothingPerPacket() {
        gsoPath(false);
    }

    @Test
    void gsoPacketsPassedWholeAllocateNothingPerPacket() {
        gsoPath(true);
    }

    private void gsoPath(boolean tso) {
        Kernel k = Kernel.deterministic(3);
        Net a = k.newNet("a");
        Net b = k.newNet("b");
        Veth v0 = Veth.createPair(a, "veth0", b, "veth1");
        v0.up();
        v0.peer().up();
        if (!tso) {
            v0.setFeatures(0, NetdevFeatures.TSO);
        }
        long[] frames = new long[1];
        b.addProtocol(0x0800, (skb, dev) -> {
            frames[0]++;
            skb.free();
        });
        TcpFrames f = new TcpFrames();
        f.payload = SEGS * MSS;
        SkBuff template = f.buildGso(v0, v0.peer().mac(), MSS);
        send(k, template, 2_000);
        int packets = 20_000;
        long t0 = System.nanoTime();
        long before = mx.getCurrentThreadAllocatedBytes();
        send(k, template, packets);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        long nanos = System.nanoTime() - t0;
        template.free();
        assertEquals((2_000L + packets) * (tso ? 1 : SEGS), frames[0]);
        System.out.printf("GSO %s: %d packets of %d segments: %.0f packets/s, %.0f segments/s, %.2f GB/s payload,"
                + " %d bytes allocated%n", tso ? "whole (TSO)" : "segmented", packets, SEGS, packets / (double) nanos * 1e9,
                packets * (double) SEGS / nanos * 1e9, packets * (double) f.payload / nanos, allocated);
        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes for " + packets + " GSO packets");
        assertEquals(0, k.skbs().inUse());
    }

    /** Sends copies of {@code template} (a clone's private copy each: what TCP would hand down). */
    private static void send(Kernel k, SkBuff template, int n) {
        for (int i = 0; i < n; i++) {
            SkBuff c = k.skbs().alloc(64, template.len());
            template.copyBits(0, c.buf(), c.put(template.len()), template.len());
            c.copyMetadataFrom(template);
            c.setNetworkHeader(c.data() + 14);
            c.setTransportHeader(c.data() + 34);
            c.setGso(template.gsoSize(), template.gsoSegs(), template.gsoType());
            c.csumStart = c.data() + 34;
            Dev.queueXmit(c);
        }
    }

    @Test
    void groMergingAllocatesNothingPerPacket() {
        Kernel k = Kernel.deterministic(3);
        Net a = k.newNet("a");
        Net b = k.newNet("b");
        Veth v0 = Veth.createPair(a, "veth0", b, "veth1");
        v0.up();
        v0.peer().up();
        v0.peer().setFeatures(NetdevFeatures.GRO, 0);
        long[] got = new long[2];
        b.addProtocol(0x0800, (skb, dev) -> {
            got[0]++;
            got[1] += skb.len();
            skb.free();
        });
        TcpFrames f = new TcpFrames();
        SkBuff[] segs = new SkBuff[SEGS];
        for (int i = 0; i < SEGS; i++) {
            f.seq = 1000 + i * MSS;
            f.id = i;
            segs[i] = f.build(v0, v0.peer().mac());
        }
        burst(k, segs, 2_000);
        assertEquals(2_000, got[0], "each burst merged into one packet");
        int bursts = 20_000;
        long t0 = System.nanoTime();
        long before = mx.getCurrentThreadAllocatedBytes();
        burst(k, segs, bursts);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        long nanos = System.nanoTime() - t0;
        for (SkBuff s : segs) {
            s.free();
        }
        assertEquals(2_000 + bursts, got[0]);
        System.out.printf("GRO: %d bursts of %d segments: %.0f segments/s merged, %d bytes allocated%n",
                bursts, SEGS, bursts * (double) SEGS / nanos * 1e9, allocated);
        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes for " + bursts + " bursts");
        assertEquals(0, k.skbs().inUse());
    }

    private static void burst(Kernel k, SkBuff[] segs, int n) {
        for (int r = 0; r < n; r++) {
            k.softnet().bhDisable();
            for (SkBuff s : segs) {
                SkBuff c = k.skbs().alloc(64, s.len());
                s.copyBits(0, c.buf(), c.put(s.len()), s.len());
                c.dev = s.dev;
                Dev.queueXmit(c);
            }
            k.softnet().bhEnable();
        }
    }
}
