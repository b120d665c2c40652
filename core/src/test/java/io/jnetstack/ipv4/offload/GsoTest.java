package io.jnetstack.ipv4.offload;

import io.jnetstack.core.CsumState;
import io.jnetstack.core.Dev;
import io.jnetstack.core.DropReason;
import io.jnetstack.core.Gso;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetdevFeatures;
import io.jnetstack.core.Page;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.SkbQueue;
import io.jnetstack.core.sched.PfifoFast;
import io.jnetstack.link.Veth;
import io.jnetstack.trace.Journey;
import io.jnetstack.trace.Stage;
import io.jnetstack.wire.Tcp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** GSO on output: validate_xmit_skb → skb_gso_segment → inet_gso_segment → tcp4_gso_segment. */
class GsoTest {
    Kernel k;
    Net a;
    Net b;
    Veth v0;
    Veth v1;
    final List<TcpFrames.Got> got = new ArrayList<>();
    final TcpFrames f = new TcpFrames();

    @BeforeEach
    void setUp() {
        k = Kernel.deterministic(7);
        a = k.newNet("a");
        b = k.newNet("b");
        v0 = Veth.createPair(a, "veth0", b, "veth1");
        v1 = v0.peer();
        v0.up();
        v1.up();
        v1.setFeatures(0, NetdevFeatures.GRO);   // see each frame as it crossed
        b.addProtocol(0x0800, (skb, dev) -> got.add(TcpFrames.record(skb)));
    }

    private List<SkBuff> segment(SkBuff skb, long features) {
        SkbQueue out = new SkbQueue();
        assertNull(Gso.segment(skb, a, 14, features, out));
        List<SkBuff> l = new ArrayList<>();
        for (SkBuff s = out.poll(); s != null; s = out.poll()) {
            l.add(s);
        }
        skb.free();
        return l;
    }

    private static TcpFrames.Got ipOf(SkBuff seg) {
        seg.pull(14);
        return TcpFrames.record(seg);
    }

    @Test
    void segmentsCarryConsecutiveSequenceNumbersIdsAndLengths() {
        f.payload = 10_000;
        f.flags = Tcp.ACK | Tcp.PSH | Tcp.FIN | Tcp.CWR;
        f.id = 0xFFFE;
        SkBuff skb = f.buildGso(v0, v1.mac(), 1448);
        assertEquals(1448, skb.gsoSize());
        assertEquals(7, skb.gsoSegs());
        assertEquals(SkBuff.GSO_TCPV4, skb.gsoType());
        List<SkBuff> segs = segment(skb, 0);
        assertEquals(7, segs.size());
        for (int i = 0; i < 7; i++) {
            SkBuff seg = segs.get(i);
            assertEquals(CsumState.NONE, seg.ipSummed, "checksummed in software without offload");
            assertEquals(0, seg.gsoSize());
            TcpFrames.Got g = ipOf(seg);
            g.assertValid();
            assertEquals(f.seq + i * 1448, g.seq());
            assertEquals(i < 6 ? 1448 : 10_000 - 6 * 1448, g.payloadLen());
            assertEquals((0xFFFE + i) & 0xFFFF, g.id(), "IDs count up and wrap");
            int flags = g.flags();
            assertEquals(i == 0, (flags & Tcp.CWR) != 0, "CWR on the first only");
            assertEquals(i == 6, (flags & Tcp.FIN) != 0, "FIN on the last only");
            assertEquals(i == 6, (flags & Tcp.PSH) != 0, "PSH on the last only");
            assertTrue((flags & Tcp.ACK) != 0);
        }
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void withChecksumOffloadSegmentsArePartialAndFinishCorrectly() {
        f.payload = 5000;
        SkBuff skb = f.buildGso(v0, v1.mac(), 1000);
        List<SkBuff> segs = segment(skb, NetdevFeatures.HW_CSUM);
        assertEquals(5, segs.size());
        for (SkBuff seg : segs) {
            assertEquals(CsumState.PARTIAL, seg.ipSummed);
            assertEquals(seg.transportHeader(), seg.csumStart);
            assertEquals(Tcp.CHECKSUM, seg.csumOffset);
            TcpFrames.Got g = ipOf(seg);
            g.assertValid();
        }
        // skb_checksum_help() finishes a segment's partial checksum to the full one.
        SkBuff one = segment(f.buildGso(v0, v1.mac(), 1000), NetdevFeatures.IP_CSUM).getFirst();
        assertTrue(Gso.checksumHelp(one));
        assertEquals(CsumState.NONE, one.ipSummed);
        one.pull(14);
        byte[] ip = one.toByteArray();
        assertTrue(Tcp.checksumOk(ip, 20, ip.length - 20, TcpFrames.SRC, TcpFrames.DST));
        one.free();
    }

    @Test
    void payloadInPageFragmentsIsSegmentedToo() {
        f.payload = 0;
        f.timestamps = false;
        SkBuff skb = f.build(v0, v1.mac());
        byte[] data = new byte[3000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (f.seq + i);
        }
        Page page = new Page(data);
        skb.addFrag(page, 0, 1200);
        skb.addFrag(page, 1200, 1800);
        page.put();
        byte[] b = skb.buf();
        int ip = skb.networkHeader();
        io.jnetstack.wire.Ipv4.setTotalLength(b, ip, skb.len() - 14);
        io.jnetstack.wire.Ipv4.fillChecksum(b, ip);
        TcpOffload.sendCheck(skb, skb.transportHeader(), skb.len() - 34, TcpFrames.SRC, TcpFrames.DST, 1400, 0);
        List<SkBuff> segs = segment(skb, 0);
        assertEquals(3, segs.size());
        int total = 0;
        for (SkBuff seg : segs) {
            TcpFrames.Got g = ipOf(seg);
            g.assertValid();
            total += g.payloadLen();
        }
        assertEquals(3000, total);
        assertEquals(0, page.refCount(), "segments copied the data and released nothing twice");
    }

    @Test
    void vethWithoutTsoSegmentsAtTheDevice() {
        v0.setFeatures(0, NetdevFeatures.TSO);
        assertFalse(v0.hasFeatures(NetdevFeatures.TSO));
        k.tracer().enable(true, false);
        f.payload = 60_000;
        f.flags = Tcp.ACK | Tcp.PSH;
        Dev.queueXmit(f.buildGso(v0, v1.mac(), 1448));
        assertEquals(42, got.size());
        int next = f.seq;
        for (TcpFrames.Got g : got) {
            g.assertValid();
            assertEquals(next, g.seq());
            assertTrue(g.ip().length <= 1500);
            assertEquals(CsumState.PARTIAL, g.csum(), "veth still offloads the checksum");
            next += g.payloadLen();
        }
        assertEquals(f.seq + 60_000, next);
        assertEquals(42, v0.stats().txPackets, "each segment counted as sent");
        assertEquals(42, v1.stats().rxPackets);
        long id = k.tracer().packetsAt(Stage.TCP4_GSO_SEGMENT).getFirst();
        Journey j = k.tracer().journey(id);
        assertTrue(j.containsInOrder(List.of("dev_queue_xmit", "validate_xmit_skb", "skb_gso_segment", "inet_gso_segment",
                "tcp4_gso_segment", "dev_hard_start_xmit", "veth_xmit")), j::tree);
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void segmentationAlsoHappensBehindAQdisc() {
        v0.setQdisc(new PfifoFast());
        v0.setFeatures(0, NetdevFeatures.TSO | NetdevFeatures.HW_CSUM);
        f.payload = 20_000;
        Dev.queueXmit(f.buildGso(v0, v1.mac(), 1448));
        assertEquals(14, got.size());
        for (TcpFrames.Got g : got) {
            g.assertValid();
            assertEquals(CsumState.NONE, g.csum(), "no checksum offload: full checksums");
        }
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void vethWithTsoPassesA64KiBPacketWhole() {
        assertTrue(v0.hasFeatures(NetdevFeatures.TSO | NetdevFeatures.SG | NetdevFeatures.HW_CSUM));
        f.payload = 65535 - 20 - 32;
        Dev.queueXmit(f.buildGso(v0, v1.mac(), 1448));
        assertEquals(1, got.size());
        TcpFrames.Got g = got.getFirst();
        assertEquals(65535, g.ip().length);
        assertEquals(1448, g.gsoSize());
        assertEquals(46, g.gsoSegs());
        assertEquals(SkBuff.GSO_TCPV4, g.gsoType());
        assertEquals(CsumState.PARTIAL, g.csum());
        g.assertValid();
        assertEquals(1, v0.stats().txPackets);
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void partialChecksumIsFinishedInSoftwareForADeviceWithoutOffload() {
        v0.setFeatures(0, NetdevFeatures.HW_CSUM);
        f.payload = 500;
        SkBuff skb = f.build(v0, v1.mac());
        int th = skb.transportHeader();
        TcpOffload.sendCheck(skb, th, skb.len() - 34, TcpFrames.SRC, TcpFrames.DST, 1448, NetdevFeatures.HW_CSUM);
        assertEquals(CsumState.PARTIAL, skb.ipSummed);
        Dev.queueXmit(skb);
        assertEquals(1, got.size());
        assertEquals(CsumState.NONE, got.getFirst().csum());
        got.getFirst().assertValid();
    }

    @Test
    void aPacketThatCannotBeSegmentedIsDroppedWithAReason() {
        v0.setFeatures(0, NetdevFeatures.TSO);
        f.payload = 3000;
        SkBuff skb = f.buildGso(v0, v1.mac(), 1448);
        skb.buf()[skb.networkHeader() + 9] = 17;   // not TCP any more
        Dev.queueXmit(skb);
        assertEquals(0, got.size());
        assertEquals(1, a.drops(DropReason.SKB_GSO_SEG));
        assertEquals(1, v0.stats().txDropped);
        assertEquals(0, k.skbs().inUse());
    }
}
