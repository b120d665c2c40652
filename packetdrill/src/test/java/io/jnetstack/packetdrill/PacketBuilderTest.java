package io.jnetstack.packetdrill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetstack.wire.Icmp;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Repr;
import io.jnetstack.wire.Tcp;
import io.jnetstack.wire.TcpRepr;
import io.jnetstack.wire.UdpRepr;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Injected packets: addresses, ports, remapped numbers, option bytes in the script's order. */
class PacketBuilderTest {

    private final PacketBuilder builder = new PacketBuilder(PacketMatcherTest.LOCAL, PacketMatcherTest.REMOTE, 8080);

    static Packet inbound(String line) throws ParseException {
        Script s = Parser.parse("t.pkt", "0 < " + line + "\n");
        return ((EventKind.PacketEvent) s.events().getFirst().kind()).packet();
    }

    private static TcpRepr tcp(byte[] p) {
        Ipv4Repr ip = Ipv4Repr.parse(p, 0, p.length);
        assertEquals(PacketMatcherTest.REMOTE, ip.src());
        assertEquals(PacketMatcherTest.LOCAL, ip.dst());
        return TcpRepr.parse(p, Ipv4.HEADER_LEN, p.length - Ipv4.HEADER_LEN, ip.src(), ip.dst(), true);
    }

    @Test
    void synCarriesTheScriptsIsnAndLaterSegmentsAreRelative() throws ParseException {
        Flow f = new Flow(PacketMatcherTest.REMOTE_PORT, 0, false);
        TcpRepr syn = tcp(builder.build(inbound("S 1000:1000(0) win 32792 <mss 1000,nop,wscale 7>"), f, 1));
        assertEquals(1000, syn.seq());
        assertEquals(PacketMatcherTest.REMOTE_PORT, syn.srcPort());
        assertEquals(8080, syn.dstPort());
        assertEquals(Tcp.SYN, syn.flags());
        assertEquals(32792, syn.window());
        assertEquals(1000, syn.mss());
        assertEquals(7, syn.wscale());
        f.learnLocalIsn(PacketMatcherTest.ISN);
        TcpRepr ack = tcp(builder.build(inbound("P. 1:101(100) ack 1 win 257"), f, 2));
        assertEquals(1001, ack.seq());
        assertEquals(PacketMatcherTest.ISN + 1, ack.ack());
        assertEquals(Tcp.PSH | Tcp.ACK, ack.flags());
        assertEquals(100, ack.payloadLength());
    }

    @Test
    void optionBytesFollowTheScriptsOrderAndArePadded() throws ParseException {
        Flow f = new Flow(PacketMatcherTest.REMOTE_PORT, 8080, false);
        byte[] p = builder.build(inbound("S 0:0(0) win 100 <mss 1460,sackOK,nop,nop,nop,wscale 7>"), f, 1);
        byte[] options = Arrays.copyOfRange(p, Ipv4.HEADER_LEN + Tcp.HEADER_LEN, p.length);
        assertArrayEquals(new byte[]{2, 4, 0x05, (byte) 0xb4, 4, 2, 1, 1, 1, 3, 3, 7}, options);
        p = builder.build(inbound(". 1:1(0) ack 1 win 100 <nop,wscale 2>"), f, 2);
        options = Arrays.copyOfRange(p, Ipv4.HEADER_LEN + Tcp.HEADER_LEN, p.length);
        assertArrayEquals(new byte[]{1, 3, 3, 2}, options);
        p = builder.build(inbound(". 1:1(0) ack 1 win 100 <wscale 2>"), f, 2);
        options = Arrays.copyOfRange(p, Ipv4.HEADER_LEN + Tcp.HEADER_LEN, p.length);
        assertArrayEquals(new byte[]{3, 3, 2, 0}, options);
    }

    @Test
    void sackEdgesAndEchoedTimestampsMapToTheStacksNumbers() throws ParseException {
        Flow f = new Flow(PacketMatcherTest.REMOTE_PORT, 8080, false);
        f.inboundSeq(0, true);
        f.learnLocalIsn(PacketMatcherTest.ISN);
        f.learnTimestamp(100, 5_000_000);
        TcpRepr r = tcp(builder.build(
                inbound(". 1:1(0) ack 1 win 257 <nop,nop,TS val 7 ecr 110,nop,nop,sack 1461:2921>"), f, 3));
        assertTrue(r.hasTimestamps());
        assertEquals(7, r.tsVal());
        assertEquals(5_000_010, r.tsEcr());
        assertEquals(1, r.sackBlocks().size());
        assertEquals(PacketMatcherTest.ISN + 1461, r.sackBlocks().getFirst().left());
        assertEquals(PacketMatcherTest.ISN + 2921, r.sackBlocks().getFirst().right());
    }

    @Test
    void fastOpenCookies() throws ParseException {
        Flow f = new Flow(PacketMatcherTest.REMOTE_PORT, 8080, false);
        byte[] p = builder.build(inbound("S 0:0(0) win 100 <FO abcd1234,nop,nop>"), f, 1);
        assertArrayEquals(new byte[]{34, 6, (byte) 0xab, (byte) 0xcd, 0x12, 0x34, 1, 1},
                Arrays.copyOfRange(p, Ipv4.HEADER_LEN + Tcp.HEADER_LEN, p.length));
        p = builder.build(inbound("S 0:0(0) win 100 <FOEXP,nop,nop>"), f, 1);
        assertArrayEquals(new byte[]{(byte) 254, 4, (byte) 0xf9, (byte) 0x89, 1, 1, 0, 0},
                Arrays.copyOfRange(p, Ipv4.HEADER_LEN + Tcp.HEADER_LEN, p.length));
        UnsupportedConstruct u = assertThrows(UnsupportedConstruct.class,
                () -> builder.build(inbound("S 0:0(0) win 100 <FOEXP TFO_COOKIE>"), f, 4));
        assertEquals("tcp-option FOEXP TFO_COOKIE (a symbolic cookie)", u.construct());
        assertEquals(4, u.line());
    }

    @Test
    void ecnAndUdp() throws ParseException {
        Flow f = new Flow(PacketMatcherTest.REMOTE_PORT, 9000, true);
        byte[] p = builder.build(inbound("[ect0] udp (12)"), f, 1);
        Ipv4Repr ip = Ipv4Repr.parse(p, 0, p.length);
        assertEquals(2, ip.tos());
        UdpRepr u = UdpRepr.parse(p, Ipv4.HEADER_LEN, p.length - Ipv4.HEADER_LEN, ip.src(), ip.dst());
        assertEquals(new UdpRepr(PacketMatcherTest.REMOTE_PORT, 9000, 12), u);
    }

    @Test
    void icmpErrorsQuoteTheStacksPacket() throws ParseException {
        Flow f = new Flow(PacketMatcherTest.REMOTE_PORT, 8080, false);
        f.learnLocalIsn(PacketMatcherTest.ISN);
        byte[] p = builder.build(inbound("icmp unreachable frag_needed mtu 1200 [1:1461(1460)]"), f, 1);
        int icmp = Ipv4.HEADER_LEN;
        assertEquals(Icmp.DEST_UNREACH, p[icmp]);
        assertEquals(Icmp.FRAG_NEEDED, p[icmp + 1]);
        assertEquals(1200, TcpOptionCodec.u16(p, icmp + 6));
        int quoted = icmp + Icmp.HEADER_LEN;
        assertEquals(PacketMatcherTest.LOCAL, (int) TcpOptionCodec.u32(p, quoted + 12));
        assertEquals(PacketMatcherTest.REMOTE, (int) TcpOptionCodec.u32(p, quoted + 16));
        assertEquals(Ipv4.PROTO_TCP, p[quoted + 9]);
        int tcp = quoted + Ipv4.HEADER_LEN;
        assertEquals(8080, TcpOptionCodec.u16(p, tcp));
        assertEquals(PacketMatcherTest.REMOTE_PORT, TcpOptionCodec.u16(p, tcp + 2));
        assertEquals((PacketMatcherTest.ISN + 1) & 0xffffffffL, TcpOptionCodec.u32(p, tcp + 4));
    }

    @Test
    void encapsulationIsUnsupported() throws ParseException {
        Flow f = new Flow(PacketMatcherTest.REMOTE_PORT, 8080, false);
        assertEquals("ip encap psp", assertThrows(UnsupportedConstruct.class,
                () -> builder.build(inbound("encap psp spi 7 udp (10)"), f, 1)).construct());
    }
}
