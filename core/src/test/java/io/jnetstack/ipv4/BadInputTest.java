package io.jnetstack.ipv4;

import io.jnetstack.core.Dev;
import io.jnetstack.core.DropReason;
import io.jnetstack.core.SkBuff;
import io.jnetstack.wire.EtherType;
import io.jnetstack.wire.Ethernet;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Malformed and unwanted IPv4 and ARP arriving at B: dropped with a reason and a counter, never thrown. */
class BadInputTest {
    final Topology t = new Topology(3);

    /** Sends raw bytes from R's veth1 to B as an Ethernet frame of {@code type}. */
    private void inject(int type, byte[] payload, int len) {
        SkBuff skb = t.k.skbs().alloc(64, Math.max(len, 1) + 14);
        int off = skb.put(14 + len);
        Ethernet.writeHeader(skb.buf(), off, t.bEth.mac().bits(), t.rEthB.mac().bits(), type);
        System.arraycopy(payload, 0, skb.buf(), off + 14, len);
        skb.dev = t.rEthB;
        Dev.queueXmit(skb);
        t.k.runFor(1_000_000L);
    }

    private byte[] ip(int src, int dst, int proto, int payloadLen) {
        byte[] b = new byte[20 + payloadLen];
        Ipv4.writeHeader(b, 0, 0, b.length, 1, 0, 64, proto, src, dst);
        return b;
    }

    private long drops(DropReason r) {
        return t.b.drops(r);
    }

    @Test
    void truncatedHeader() {
        byte[] b = ip(Topology.R2, Topology.B, 1, 0);
        inject(EtherType.IPV4, b, 19);
        assertEquals(1, drops(DropReason.PKT_TOO_SMALL));
        assertEquals(1, t.b.inet().ipMib().get(IpMib.InHdrErrors));
    }

    @Test
    void ihlBelowFiveAndBadVersion() {
        byte[] b = ip(Topology.R2, Topology.B, 1, 8);
        b[0] = 0x44;
        inject(EtherType.IPV4, b, b.length);
        byte[] c = ip(Topology.R2, Topology.B, 1, 8);
        c[0] = 0x65;
        inject(EtherType.IPV4, c, c.length);
        assertEquals(2, drops(DropReason.IP_INHDR));
        assertEquals(2, t.b.inet().ipMib().get(IpMib.InHdrErrors));
    }

    @Test
    void totalLengthBeyondTheFrame() {
        byte[] b = ip(Topology.R2, Topology.B, 1, 8);
        Ipv4.setTotalLength(b, 0, 200);
        Ipv4.fillChecksum(b, 0);
        inject(EtherType.IPV4, b, b.length);
        assertEquals(1, drops(DropReason.PKT_TOO_SMALL));
    }

    @Test
    void badChecksumIsSilentlyDiscarded() {
        byte[] b = ip(Topology.R2, Topology.B, 1, 8);
        b[10] ^= 0x55;
        inject(EtherType.IPV4, b, b.length);
        assertEquals(1, drops(DropReason.IP_CSUM));
        assertEquals(0, t.b.inet().icmpMib().get(IcmpMib.OutMsgs), "RFC 1122 §3.2.1.2: silently");
    }

    @Test
    void martianSources() {
        for (String src : new String[]{"127.0.0.1", "0.0.0.0", "224.0.0.5", "255.255.255.255", "198.18.2.2"}) {
            inject(EtherType.IPV4, ip(Ipv4Address.parse(src), Topology.B, 1, 8), 28);
        }
        assertEquals(4, drops(DropReason.IP_INVALID_SOURCE), t.b.formatDrops());
        assertEquals(1, drops(DropReason.IP_LOCAL_SOURCE), "our own address as source");
    }

    @Test
    void unknownProtocolGetsProtocolUnreachable() {
        inject(EtherType.IPV4, ip(Topology.R2, Topology.B, 253, 8), 28);
        assertEquals(1, drops(DropReason.IP_NOPROTO));
        assertEquals(1, t.b.inet().ipMib().get(IpMib.InUnknownProtos));
        assertEquals(1, t.b.inet().icmpMib().get(IcmpMib.OutDestUnreachs));
    }

    @Test
    void overlappingAndOversizedFragmentSets() {
        byte[] f1 = ip(Topology.R2, Topology.B, 1, 64);
        Ipv4.setFlagsFrag(f1, 0, Ipv4.FLAG_MF);
        Ipv4.fillChecksum(f1, 0);
        byte[] f2 = ip(Topology.R2, Topology.B, 1, 64);
        Ipv4.setFlagsFrag(f2, 0, Ipv4.FLAG_MF | (32 / 8));   // overlaps f1's bytes 32..64
        Ipv4.fillChecksum(f2, 0);
        inject(EtherType.IPV4, f1, f1.length);
        inject(EtherType.IPV4, f2, f2.length);
        assertEquals(1, t.b.inet().ipMib().get(IpMib.ReasmFails));
        assertTrue(drops(DropReason.DUP_FRAG) >= 1, t.b.formatDrops());
        byte[] far = ip(Topology.R2, Topology.B, 1, 64);
        Ipv4.setId(far, 0, 2);
        Ipv4.setFlagsFrag(far, 0, 65520 / 8);             // ends past 65,535
        Ipv4.fillChecksum(far, 0);
        inject(EtherType.IPV4, far, far.length);
        assertTrue(drops(DropReason.FRAG_TOO_FAR) >= 1, t.b.formatDrops());
        assertEquals(0, t.b.inet().defrag().queues());
    }

    @Test
    void arpWithWrongLengths() {
        byte[] arp = new byte[28];
        io.jnetstack.wire.Arp.writeEthIpv4(arp, 0, 1, t.rEthB.mac().bits(), Topology.R2, 0, Topology.B);
        arp[4] = 8; // hlen 8
        inject(EtherType.ARP, arp, 28);
        inject(EtherType.ARP, arp, 10);
        assertEquals(2, drops(DropReason.ARP_INVALID));
    }

    @Test
    void randomGarbageNeverThrowsAndMemoryIsBounded() {
        SplittableRandom rnd = new SplittableRandom(11);
        long before = t.k.skbs().inUse();
        for (int i = 0; i < 20_000; i++) {
            int len = rnd.nextInt(0, 1500);
            byte[] b = new byte[len];
            for (int j = 0; j < len; j++) {
                b[j] = (byte) rnd.nextInt();
            }
            if (len >= 20 && rnd.nextBoolean()) {
                b[0] = 0x45;
                Ipv4.setTotalLength(b, 0, Math.min(len, rnd.nextInt(20, 1600)));
                Ipv4.setDst(b, 0, Topology.B);
                Ipv4.setSrc(b, 0, Topology.R2);
                if (rnd.nextBoolean()) {
                    Ipv4.fillChecksum(b, 0);
                }
            }
            inject(rnd.nextBoolean() ? EtherType.IPV4 : EtherType.ARP, b, len);
        }
        t.k.runFor(60_000_000_000L);   // reassembly queues time out
        assertEquals(0, t.b.inet().defrag().queues());
        assertTrue(t.k.skbs().inUse() - before < 64, "buffers in use: " + t.k.skbs().inUse());
    }

    @Test
    void malformedOptionsGetAParameterProblemPointingAtThem() {
        // IHL 6: one option word holding a Record Route option whose length runs past the header.
        byte[] b = new byte[24 + 8];
        Ipv4.writeHeader(b, 0, 0, b.length, 1, 0, 64, 1, Topology.R2, Topology.B);
        b[0] = 0x46;
        b[20] = 7;     // RR
        b[21] = 39;    // length past the header
        b[22] = 4;
        b[23] = 0;
        Ipv4.fillChecksum(b, 0);
        inject(EtherType.IPV4, b, b.length);
        assertEquals(1, drops(DropReason.IP_INHDR), t.b.formatDrops());
        assertEquals(1, t.b.inet().icmpMib().get(IcmpMib.OutParmProbs));
    }
}
