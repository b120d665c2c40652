package io.jnetstack.ipv4.offload;

import io.jnetstack.core.CsumState;
import io.jnetstack.core.Dev;
import io.jnetstack.core.Gro;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetdevFeatures;
import io.jnetstack.core.SkBuff;
import io.jnetstack.link.Veth;
import io.jnetstack.trace.Journey;
import io.jnetstack.trace.Stage;
import io.jnetstack.wire.Tcp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * GRO on receive: napi_gro_receive → inet_gro_receive → tcp4_gro_receive, flushed at the end of
 * the NAPI poll. Frames are sent in one softirq-disabled section, so the peer's poll sees them
 * as one batch, as a driver ring would hold them.
 */
class GroTest {
    static final int MSS = 1448;
    Kernel k;
    Net a;
    Net b;
    Veth v0;
    Veth v1;
    final List<TcpFrames.Got> got = new ArrayList<>();
    TcpFrames f;

    @BeforeEach
    void setUp() {
        k = Kernel.deterministic(11);
        a = k.newNet("a");
        b = k.newNet("b");
        v0 = Veth.createPair(a, "veth0", b, "veth1");
        v1 = v0.peer();
        v0.up();
        v1.up();
        v1.setFeatures(NetdevFeatures.GRO, 0);
        b.addProtocol(0x0800, (skb, dev) -> got.add(TcpFrames.record(skb)));
        f = new TcpFrames();
    }

    /** Sends {@code n} segments in one batch; {@code tweak} may change segment i before it is built. */
    private void burst(int n, TweakFn tweak) {
        k.softnet().bhDisable();
        try {
            for (int i = 0; i < n; i++) {
                TcpFrames s = new TcpFrames();
                s.seq = f.seq;
                s.id = f.id;
                tweak.apply(i, s);
                Dev.queueXmit(s.build(v0, v1.mac()));
                f.seq = s.seq + s.payload;
                f.id = s.id + 1;
            }
        } finally {
            k.softnet().bhEnable();
        }
    }

    interface TweakFn {
        void apply(int i, TcpFrames s);
    }

    private Gro gro() {
        return v1.napi().gro();
    }

    /** Payload lengths of what arrived, in order. */
    private List<Integer> sizes() {
        return got.stream().map(TcpFrames.Got::payloadLen).toList();
    }

    private void assertStreamIntact() {
        int next = got.getFirst().seq();
        for (TcpFrames.Got g : got) {
            g.assertValid();
            assertEquals(next, g.seq(), "in order, no gap");
            next += g.payloadLen();
        }
    }

    @Test
    void inOrderSegmentsMergeIntoOneGsoPacket() {
        k.tracer().enable(true, false);
        burst(10, (i, s) -> { });
        assertEquals(1, got.size());
        TcpFrames.Got g = got.getFirst();
        assertEquals(10 * MSS, g.payloadLen());
        assertEquals(MSS, g.gsoSize());
        assertEquals(10, g.gsoSegs());
        assertEquals(SkBuff.GSO_TCPV4, g.gsoType());
        assertEquals(CsumState.PARTIAL, g.csum(), "checked once per segment, seeded for the merged length");
        assertEquals(100, g.id(), "the first segment's header");
        g.assertValid();
        assertEquals(9, gro().mergedSegments());
        assertEquals(1, gro().mergedPackets());
        long id = k.tracer().packetsAt(Stage.NAPI_GRO_COMPLETE).getFirst();
        Journey j = k.tracer().journey(id);
        assertTrue(j.containsInOrder(List.of("veth_poll", "napi_gro_receive", "inet_gro_receive", "tcp4_gro_receive",
                "napi_gro_complete", "netif_receive_skb")), j::tree);
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void mergingStopsBelow64KiB() {
        burst(50, (i, s) -> { });
        assertEquals(List.of(45 * MSS, 5 * MSS), sizes());
        assertStreamIntact();
        assertTrue(got.getFirst().ip().length < 65536);
    }

    @Test
    void eachSegmentAloneWhenGroIsOff() {
        v1.setFeatures(0, NetdevFeatures.GRO);
        burst(4, (i, s) -> { });
        assertEquals(List.of(MSS, MSS, MSS, MSS), sizes());
        assertEquals(0, gro().mergedSegments());
    }

    @Test
    void pshEndsTheMergedPacketWithItsSegment() {
        burst(6, (i, s) -> s.flags = i == 2 ? Tcp.ACK | Tcp.PSH : Tcp.ACK);
        assertEquals(List.of(3 * MSS, 3 * MSS), sizes());
        assertTrue((got.get(0).flags() & Tcp.PSH) != 0, "PSH carried by the merged packet");
        assertEquals(0, got.get(1).flags() & Tcp.PSH);
        assertStreamIntact();
    }

    @Test
    void finEndsTheMergedPacketWithItsSegment() {
        burst(3, (i, s) -> s.flags = i == 2 ? Tcp.ACK | Tcp.FIN : Tcp.ACK);
        assertEquals(List.of(3 * MSS), sizes());
        assertTrue((got.getFirst().flags() & Tcp.FIN) != 0);
    }

    @Test
    void urgRstAndSynAreNeverMerged() {
        for (int flag : new int[]{Tcp.URG, Tcp.RST, Tcp.SYN}) {
            got.clear();
            burst(4, (i, s) -> s.flags = i == 2 ? Tcp.ACK | flag : Tcp.ACK);
            assertEquals(List.of(2 * MSS, MSS, MSS), sizes(), Tcp.flagString(flag));
            assertStreamIntact();
        }
    }

    @Test
    void aDifferentAckStartsANewPacket() {
        burst(4, (i, s) -> s.ack = i < 2 ? 77 : 78);
        assertEquals(List.of(2 * MSS, 2 * MSS), sizes());
    }

    @Test
    void aDifferentWindowStartsANewPacket() {
        burst(4, (i, s) -> s.window = i < 3 ? 512 : 513);
        assertEquals(List.of(3 * MSS, MSS), sizes());
    }

    @Test
    void differentTimestampsStartANewPacket() {
        burst(4, (i, s) -> s.tsval = i < 2 ? 5 : 6);
        assertEquals(List.of(2 * MSS, 2 * MSS), sizes());
    }

    @Test
    void cwrStartsANewPacket() {
        burst(4, (i, s) -> s.flags = i == 2 ? Tcp.ACK | Tcp.CWR : Tcp.ACK);
        assertEquals(List.of(2 * MSS, 2 * MSS), sizes());
        assertTrue((got.get(1).flags() & Tcp.CWR) != 0);
    }

    @Test
    void aSequenceGapEndsTheMerge() {
        burst(4, (i, s) -> {
            if (i == 2) {
                s.seq += 1;   // one byte lost
            }
        });
        assertEquals(List.of(2 * MSS, 2 * MSS), sizes());
        assertEquals(got.get(0).seq() + 2 * MSS + 1, got.get(1).seq());
    }

    @Test
    void aShortSegmentIsMergedAndEndsThePacket() {
        burst(5, (i, s) -> s.payload = i == 2 ? 100 : MSS);
        assertEquals(List.of(2 * MSS + 100, 2 * MSS), sizes());
        assertStreamIntact();
    }

    @Test
    void aLargerSegmentIsNotMerged() {
        burst(3, (i, s) -> s.payload = i == 0 ? 1000 : MSS);
        // the 1000-byte segment sets the flow's size; a larger one flushes it
        assertEquals(List.of(1000, 2 * MSS), sizes());
    }

    @Test
    void pureAcksAreNeverHeld() {
        burst(4, (i, s) -> s.payload = i == 2 ? 0 : MSS);
        assertEquals(List.of(2 * MSS, 0, MSS), sizes());
    }

    @Test
    void ipHeaderDifferencesPreventMerging() {
        List<Consumer<TcpFrames>> rules = List.of(
                s -> s.ttl = 63,
                s -> s.tos = 4,
                s -> s.df = false,
                s -> s.ipOption = true);
        for (Consumer<TcpFrames> rule : rules) {
            got.clear();
            burst(4, (i, s) -> {
                if (i == 2) {
                    rule.accept(s);
                }
            });
            assertEquals(3, got.size(), "rule " + rules.indexOf(rule) + ": " + sizes());
            assertEquals(2 * MSS, got.getFirst().payloadLen());
        }
    }

    @Test
    void ipIdsMustCountUpWithoutDf() {
        burst(3, (i, s) -> s.df = false);
        assertEquals(List.of(3 * MSS), sizes());
        got.clear();
        burst(3, (i, s) -> {
            s.df = false;
            s.id = 500;   // the same ID twice without DF: a retransmission or a fragment's sibling
        });
        assertEquals(List.of(MSS, MSS, MSS), sizes());
        got.clear();
        burst(3, (i, s) -> s.id = 900);   // with DF a fixed ID is fine (RFC 6864)
        assertEquals(List.of(3 * MSS), sizes());
    }

    @Test
    void aBadChecksumIsNotMergedAndFlushesItsFlow() {
        burst(4, (i, s) -> s.badChecksum = i == 2);
        assertEquals(List.of(2 * MSS, MSS, MSS), sizes());
        assertEquals(CsumState.NONE, got.get(1).csum(), "left for tcp_v4_rcv to drop");
    }

    private void flows(int flows, int rounds) {
        k.softnet().bhDisable();
        for (int round = 0; round < rounds; round++) {
            for (int flow = 0; flow < flows; flow++) {
                TcpFrames s = new TcpFrames();
                s.sport = 1000 + flow;
                s.seq = 1000 * flow * MSS + round * MSS;
                s.id = round;
                Dev.queueXmit(s.build(v0, v1.mac()));
            }
        }
        k.softnet().bhEnable();
    }

    @Test
    void eightFlowsMergeSeparately() {
        flows(8, 3);
        assertEquals(8, got.size());
        for (TcpFrames.Got g : got) {
            assertEquals(3 * MSS, g.payloadLen());
            g.assertValid();
        }
    }

    @Test
    void aNinthFlowPushesTheOldestOut() {
        flows(9, 1);
        assertEquals(9, got.size());
        List<Integer> order = new ArrayList<>();
        for (TcpFrames.Got g : got) {
            order.add(((g.ip()[20] & 0xff) << 8 | (g.ip()[21] & 0xff)) - 1000);
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), order, "flow 0 went up when flow 8 arrived, the rest at the flush");
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void twoInterleavedFlowsBothMerge() {
        k.softnet().bhDisable();
        for (int i = 0; i < 6; i++) {
            TcpFrames s = new TcpFrames();
            s.sport = 1000 + (i & 1);
            s.seq = 5000 + (i >> 1) * MSS;
            s.id = 10 + (i >> 1);
            Dev.queueXmit(s.build(v0, v1.mac()));
        }
        k.softnet().bhEnable();
        assertEquals(List.of(3 * MSS, 3 * MSS), sizes());
        got.forEach(TcpFrames.Got::assertValid);
    }
}
