package io.jnetstack.link;

import io.jnetstack.core.Dev;
import io.jnetstack.core.Frames;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.SkBuffPool;
import io.jnetstack.core.sched.PfifoFast;
import io.jnetstack.wire.Ethernet;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.*;

/** The device path allocates nothing per frame once warm (DESIGN: performance rules). */
class SteadyStateAllocationTest {

    @Test
    void vethWithPfifoFastAllocatesNothingPerFrame() {
        Kernel k = Kernel.deterministic(3);
        Net a = k.newNet("a");
        Net b = k.newNet("b");
        Veth v0 = Veth.createPair(a, "veth0", b, "veth1");
        v0.setQdisc(new PfifoFast());
        v0.up();
        v0.peer().up();
        long[] got = new long[1];
        b.addProtocol(Frames.ETH_P_TEST, (skb, dev) -> {
            got[0]++;
            skb.free();
        });
        long dst = v0.peer().mac().bits();
        long src = v0.mac().bits();
        send(k.skbs(), v0, dst, src, 300_000);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int frames = 1_000_000;
        long before = mx.getCurrentThreadAllocatedBytes();
        send(k.skbs(), v0, dst, src, frames);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertEquals(300_000 + frames, got[0]);
        // A little slack for the measurement itself; one allocation per frame would be >= 16 MB.
        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes for " + frames + " frames");
        assertEquals(0, k.skbs().inUse());
    }

    private static void send(SkBuffPool pool, Veth v0, long dst, long src, int n) {
        for (int i = 0; i < n; i++) {
            SkBuff skb = pool.alloc(64, 64);
            int off = skb.put(64);
            Ethernet.writeHeader(skb.buf(), off, dst, src, Frames.ETH_P_TEST);
            skb.dev = v0;
            Dev.queueXmit(skb);
        }
    }
}
