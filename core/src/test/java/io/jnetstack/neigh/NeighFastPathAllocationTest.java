package io.jnetstack.neigh;

import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.SkBuffPool;
import io.jnetstack.core.sched.PfifoFast;
import io.jnetstack.link.Veth;
import io.jnetstack.trace.Journey;
import io.jnetstack.trace.Stage;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A resolved neighbour's output path (lookup, {@code neigh_output}, {@code neigh_hh_output},
 * the device) allocates nothing per packet once warm (DESIGN: performance rules).
 */
class NeighFastPathAllocationTest {
    private static final int KEY = 0xC612_0002;

    @Test
    void resolvedOutputAllocatesNothingPerPacket() {
        Kernel k = Kernel.deterministic(5);
        Net a = k.newNet("a");
        Net b = k.newNet("b");
        Veth v0 = Veth.createPair(a, "veth0", b, "veth1");
        v0.setQdisc(new PfifoFast());
        v0.up();
        v0.peer().up();
        long[] got = new long[1];
        b.addProtocol(0x0800, (skb, dev) -> {
            got[0]++;
            skb.free();
        });
        NeighOps ops = new NeighOps() {
            @Override
            public void solicit(Neighbour n, SkBuff trigger) {
            }

            @Override
            public void errorReport(Neighbour n, SkBuff skb) {
            }
        };
        NeighTable tbl = new NeighTable(a, "arp_cache", "net.ipv4.neigh", 0x0800, ops);
        send(k.skbs(), tbl, v0, 1);
        tbl.update(tbl.lookup(KEY, v0), v0.peer().mac().bits(), NudState.REACHABLE, NeighTable.UPDATE_F_OVERRIDE);
        send(k.skbs(), tbl, v0, 300_000);

        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int packets = 1_000_000;
        long before = mx.getCurrentThreadAllocatedBytes();
        send(k.skbs(), tbl, v0, packets);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertEquals(300_001 + packets, got[0]);
        assertTrue(allocated < packets, "allocated " + allocated + " bytes for " + packets + " packets");
        assertEquals(0, k.skbs().inUse());

        k.tracer().enable(true, false);
        send(k.skbs(), tbl, v0, 1);
        long id = k.tracer().packetsAt(Stage.NEIGH_OUTPUT).getFirst();
        Journey j = k.tracer().journey(id);
        assertEquals(-1, j.firstMissing(List.of("neigh_output", "neigh_hh_output", "dev_queue_xmit", "__dev_xmit_skb",
                "veth_xmit", "veth_poll", "__netif_receive_skb_core")), j::tree);
    }

    /** What ip_finish_output2 does per packet: look up, then neigh_output. */
    private static void send(SkBuffPool pool, NeighTable tbl, Veth v0, int n) {
        for (int i = 0; i < n; i++) {
            SkBuff skb = pool.alloc(64, 64);
            skb.put(40);
            skb.resetNetworkHeader();
            skb.protocol = 0x0800;
            skb.dev = v0;
            tbl.output(tbl.lookupOrCreate(KEY, v0), skb);
        }
    }
}
