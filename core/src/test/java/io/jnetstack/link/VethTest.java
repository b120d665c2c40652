package io.jnetstack.link;

import io.jnetstack.core.Dev;
import io.jnetstack.core.DropReason;
import io.jnetstack.core.Frames;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.PktType;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.sched.PfifoFast;
import io.jnetstack.trace.Journey;
import io.jnetstack.trace.Stage;
import io.jnetstack.wire.MacAddress;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class VethTest {
    Kernel k;
    Net a;
    Net b;
    Veth v0;
    Veth v1;
    final List<Integer> got = new ArrayList<>();
    final List<PktType> types = new ArrayList<>();

    @BeforeEach
    void setUp() {
        k = Kernel.deterministic(1);
        a = k.newNet("a");
        b = k.newNet("b");
        v0 = Veth.createPair(a, "veth0", b, "veth1");
        v1 = v0.peer();
        v0.up();
        v1.up();
        b.addProtocol(Frames.ETH_P_TEST, (skb, dev) -> {
            got.add(Frames.seq(skb));
            types.add(skb.pktType);
            assertSame(v1, dev);
            skb.free();
        });
    }

    @Test
    void pairIsUpWithCarrierOnlyWhenBothEndsAreUp() {
        Veth x = Veth.createPair(a, "x0", b, "x1");
        x.up();
        assertFalse(x.isRunning(), "no carrier while the peer is down");
        x.peer().up();
        assertTrue(x.isRunning());
        assertTrue(x.peer().isRunning());
        x.peer().down();
        assertFalse(x.isRunning());
    }

    @Test
    void frameCrossesNamespacesWithItsJourney() {
        v0.setQdisc(new PfifoFast());
        k.tracer().enable(true, false);
        SkBuff skb = Frames.frame(v0, v1.mac(), Frames.ETH_P_TEST, 100, 7);
        Dev.queueXmit(skb);
        assertEquals(List.of(7), got, "delivered inline by the sender's softirq, no time needed");
        assertEquals(List.of(PktType.HOST), types);
        long id = k.tracer().packetsAt(Stage.DEV_QUEUE_XMIT).getFirst();
        Journey j = k.tracer().journey(id);
        List<String> chain = List.of("dev_queue_xmit", "__dev_queue_xmit", "__dev_xmit_skb", "dev_hard_start_xmit",
                "netdev_start_xmit", "veth_xmit", "eth_type_trans", "veth_poll",
                "netif_receive_skb", "__netif_receive_skb", "__netif_receive_skb_core");
        assertEquals(-1, j.firstMissing(chain), () -> "journey:\n" + j.tree());
        assertTrue(j.events().stream().anyMatch(e -> e.netns().equals("b") && e.device().equals("veth1")));
        assertTrue(j.tree().contains("--> __dev_xmit_skb()"), j.tree());
        assertEquals(1, v0.stats().txPackets);
        assertEquals(100, v0.stats().txBytes);
        assertEquals(1, v1.stats().rxPackets);
        assertEquals(100, v1.stats().rxBytes);
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void noqueueIsTheDefaultAndSkipsTheQdisc() {
        assertNull(v0.qdisc());
        k.tracer().enable(true, false);
        Dev.queueXmit(Frames.frame(v0, v1.mac(), Frames.ETH_P_TEST, 60, 1));
        assertEquals(List.of(1), got);
        assertTrue(k.tracer().packetsAt(Stage.__DEV_XMIT_SKB).isEmpty());
    }

    @Test
    void broadcastMulticastAndOtherhostAreClassified() {
        Dev.queueXmit(Frames.frame(v0, MacAddress.BROADCAST, Frames.ETH_P_TEST, 60, 1));
        Dev.queueXmit(Frames.frame(v0, MacAddress.parse("01:00:5e:00:00:01"), Frames.ETH_P_TEST, 60, 2));
        Dev.queueXmit(Frames.frame(v0, MacAddress.parse("02:99:99:99:99:99"), Frames.ETH_P_TEST, 60, 3));
        assertEquals(List.of(PktType.BROADCAST, PktType.MULTICAST, PktType.OTHERHOST), types);
        assertEquals(2, v1.stats().multicast);
    }

    @Test
    void shortFramesAreDroppedWithAReason() {
        for (int len = 0; len < 14; len++) {
            Dev.queueXmit(Frames.frame(v0, v1.mac(), Frames.ETH_P_TEST, len, 0));
        }
        assertTrue(got.isEmpty());
        assertEquals(14, b.drops(DropReason.PKT_TOO_SMALL));
        assertEquals(14, v1.stats().rxLengthErrors);
        assertEquals(14, v1.stats().rxErrors);
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void framesOverTheMtuAreDropped() {
        Dev.queueXmit(Frames.frame(v0, v1.mac(), Frames.ETH_P_TEST, 1500 + 14 + 4, 1));
        Dev.queueXmit(Frames.frame(v0, v1.mac(), Frames.ETH_P_TEST, 1500 + 14 + 5, 2));
        assertEquals(List.of(1), got, "MTU + header + one VLAN tag is the most a link takes");
        assertEquals(1, b.drops(DropReason.PKT_TOO_BIG));
        v1.setMtu(9000);
        Dev.queueXmit(Frames.frame(v0, v1.mac(), Frames.ETH_P_TEST, 9014, 3));
        assertEquals(List.of(1, 3), got);
    }

    @Test
    void unknownEtherTypesAreDroppedAndCounted() {
        Dev.queueXmit(Frames.frame(v0, v1.mac(), 0x1234, 60, 1));
        Dev.queueXmit(Frames.frame(v0, v1.mac(), 0x0100, 60, 2)); // an 802.3 length field
        assertEquals(2, b.drops(DropReason.UNHANDLED_PROTO));
        assertEquals(2, v1.stats().rxNohandler);
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void aDownPeerDropsAndCounts() {
        v1.down();
        Dev.queueXmit(Frames.frame(v0, v1.mac(), Frames.ETH_P_TEST, 60, 1));
        assertTrue(got.isEmpty());
        assertEquals(1, v0.stats().txDropped);
        assertEquals(1, a.drops(DropReason.DEV_READY));
    }

    @Test
    void ringOverflowIsBoundedAndCounted() {
        // Hold the softirq back so the ring fills, as a burst faster than the receiver would.
        k.softnet().bhDisable();
        for (int i = 0; i < Veth.RING_SIZE + 10; i++) {
            Dev.queueXmit(Frames.frame(v0, v1.mac(), Frames.ETH_P_TEST, 60, i));
        }
        assertEquals(Veth.RING_SIZE, v1.ringLength());
        assertEquals(10, a.drops(DropReason.FULL_RING));
        k.softnet().bhEnable();
        k.runPending();
        assertEquals(Veth.RING_SIZE, got.size());
        for (int i = 0; i < got.size(); i++) {
            assertEquals(i, got.get(i));
        }
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void napiBudgetSpreadsABurstOverSeveralRounds() {
        a.sysctls().set("net.core.netdev_budget", "10");
        k.softnet().bhDisable();
        for (int i = 0; i < 200; i++) {
            Dev.queueXmit(Frames.frame(v0, v1.mac(), Frames.ETH_P_TEST, 60, i));
        }
        assertTrue(got.isEmpty(), "nothing is received while bottom halves are off");
        k.softnet().bhEnable();
        // Each round polls the veth NAPI with its weight (64) and then finds the budget (10) spent:
        // the rest waits for the next round, counted as a time squeeze.
        assertEquals(200, got.size());
        assertTrue(k.softnet().timeSqueeze >= 3, "squeezes: " + k.softnet().timeSqueeze);
        for (int i = 0; i < 200; i++) {
            assertEquals(i, got.get(i), "order is kept across polls");
        }
    }

    @Test
    void randomGarbageIsDroppedOrDeliveredNeverThrown() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        int n = 100_000;
        int[] delivered = new int[1];
        b.addProtocol(Frames.ETH_P_TEST, (skb, dev) -> {
            delivered[0]++;
            skb.free();
        });
        b.addProtocol(0x0800, (skb, dev) -> {
            delivered[0]++;
            skb.free();
        });
        for (int i = 0; i < n; i++) {
            int len = rnd.nextInt(0, 1600);
            SkBuff skb = k.skbs().alloc(64, Math.max(len, 1));
            int off = skb.put(len);
            byte[] buf = skb.buf();
            for (int j = 0; j < len; j++) {
                buf[off + j] = (byte) rnd.nextInt();
            }
            if (len >= 14 && rnd.nextBoolean()) {
                int[] types = {0x0800, 0x8100, 0x88A8, Frames.ETH_P_TEST, 0x0005, 0x0600};
                int t = types[rnd.nextInt(types.length)];
                buf[off + 12] = (byte) (t >> 8);
                buf[off + 13] = (byte) t;
            }
            skb.dev = v0;
            Dev.queueXmit(skb);
        }
        k.runPending();
        long dropped = 0;
        for (DropReason r : DropReason.values()) {
            dropped += b.drops(r) + a.drops(r);
        }
        assertEquals(n, delivered[0] + dropped, "every frame is either delivered or dropped with a reason");
        assertTrue(b.drops(DropReason.PKT_TOO_SMALL) > 0);
        assertTrue(b.drops(DropReason.PKT_TOO_BIG) > 0);
        assertTrue(b.drops(DropReason.UNHANDLED_PROTO) > 0);
        assertEquals(0, k.skbs().inUse(), "no buffer leaks");
    }

    @Test
    void tapsSeeBothDirectionsAtTheLinkLayer() {
        List<String> seen = new ArrayList<>();
        a.addTap((skb, dev, out) -> seen.add("a " + dev.name() + (out ? " out " : " in ") + skb.len()));
        v1.addTap((skb, dev, out) -> seen.add("b " + dev.name() + (out ? " out " : " in ") + skb.len()
                + " " + Integer.toHexString(io.jnetstack.wire.Ethernet.etherType(skb.buf(), skb.data()))));
        Dev.queueXmit(Frames.frame(v0, v1.mac(), Frames.ETH_P_TEST, 80, 1));
        assertEquals(List.of("a veth0 out 80", "b veth1 in 80 88b5"), seen);
        assertEquals(List.of(1), got, "the frame is still delivered after the taps");
    }

    @Test
    void loopbackDeliversToItself() {
        Loopback lo = a.loopback();
        assertEquals(1, lo.ifindex());
        assertEquals("lo", lo.name());
        lo.up();
        List<Integer> mine = new ArrayList<>();
        a.addProtocol(Frames.ETH_P_TEST, (skb, dev) -> {
            mine.add(Frames.seq(skb));
            skb.free();
        });
        Dev.queueXmit(Frames.frame(lo, MacAddress.ZERO, Frames.ETH_P_TEST, 64, 5));
        assertEquals(List.of(5), mine);
        assertEquals(1, lo.stats().txPackets);
        assertEquals(1, lo.stats().rxPackets);
    }

    @Test
    void linkListingLooksLikeIpLink() {
        v0.setQdisc(new PfifoFast());
        Dev.queueXmit(Frames.frame(v0, v1.mac(), Frames.ETH_P_TEST, 100, 7));
        String s = a.formatLinks(true);
        assertTrue(s.contains("1: lo: <LOOPBACK>"), s);
        assertTrue(s.contains("2: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP"), s);
        assertTrue(s.contains("link/ether " + v0.mac()), s);
        assertTrue(s.matches("(?s).*TX:  bytes packets.*\\n\\s+100\\s+1\\s+0.*"), s);
    }
}
