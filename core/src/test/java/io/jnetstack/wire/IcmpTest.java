package io.jnetstack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class IcmpTest {

    /** Echo request, id 0x0d05, seq 1, 16 data bytes. Checksum 0x0a1f, computed independently. */
    private static final byte[] ECHO = WireTestUtil.bytes(
            "08 00 0a 1f  0d 05 00 01  65 8a 2f 00 00 00 00 00  10 11 12 13 14 15 16 17");

    /** The matching echo reply: only the type and checksum differ. */
    private static final byte[] ECHO_REPLY = WireTestUtil.bytes(
            "00 00 12 1f  0d 05 00 01  65 8a 2f 00 00 00 00 00  10 11 12 13 14 15 16 17");

    /**
     * Fragmentation needed, next-hop MTU 1280, quoting a 1500-byte DF TCP datagram
     * 192.0.2.1 -> 198.51.100.2 (its header checksum 0xa832) and the first 8 TCP bytes.
     * Checksum 0xca43.
     */
    private static final byte[] FRAG_NEEDED = WireTestUtil.bytes(
            "03 04 ca 43  00 00 05 00"
            + "  45 00 05 dc  a1 b2 40 00  3f 06 a8 32  c0 00 02 01  c6 33 64 02"
            + "  c3 50 01 bb 12 34 56 78");

    /**
     * TTL exceeded in transit, quoting a traceroute probe: UDP 192.0.2.1:35404 -> 198.51.100.2:33434,
     * TTL 1, total length 60 (header checksum 0xc8a8). Checksum 0xe7f0.
     */
    private static final byte[] TIME_EXCEEDED = WireTestUtil.bytes(
            "0b 00 e7 f0  00 00 00 00"
            + "  45 00 00 3c  04 d2 00 00  01 11 c8 a8  c0 00 02 01  c6 33 64 02"
            + "  8a 4c 82 9a 00 28 00 00");

    /** Timestamp request, id 0x1234, seq 7, originate 3600000 ms (01:00 UT). Checksum 0xf20d. */
    private static final byte[] TIMESTAMP = WireTestUtil.bytes(
            "0d 00 f2 0d  12 34 00 07  00 36 ee 80  00 00 00 00  00 00 00 00");

    @Test
    void deconstructEcho() {
        int off = 6;
        byte[] b = WireTestUtil.at(ECHO, off);
        assertEquals(8, Icmp.check(b, off, ECHO.length));
        assertEquals(Icmp.ECHO, Icmp.type(b, off));
        assertEquals(0, Icmp.code(b, off));
        assertEquals(0x0a1f, Icmp.checksum(b, off));
        assertTrue(Icmp.checksumOk(b, off, ECHO.length));
        assertFalse(Icmp.checksumOk(b, off, ECHO.length - 1));
        assertEquals(0x0d05, Icmp.echoId(b, off));
        assertEquals(1, Icmp.echoSeq(b, off));
        assertEquals(0x0d05_0001, Icmp.restOfHeader(b, off));
        assertEquals(off + 8, Icmp.dataOffset(b, off));
        assertFalse(Icmp.isError(Icmp.type(b, off)));
        assertEquals("Echo Request", Icmp.describe(b, off));
        assertTrue(Icmp.checksumOk(ECHO_REPLY, 0, ECHO_REPLY.length));
        assertEquals("Echo Reply", Icmp.describe(ECHO_REPLY, 0));
    }

    @Test
    void echoReplyFromRequest() {
        // What a host does to answer a ping: flip the type and fix the checksum.
        byte[] b = ECHO.clone();
        Icmp.setType(b, 0, Icmp.ECHOREPLY);
        assertEquals(0x121f, Icmp.fillChecksum(b, 0, b.length));
        assertArrayEquals(ECHO_REPLY, b);
        // Incrementally, as RFC 1624 allows: the type is the high byte of the first word.
        int c = Checksum.update16(Icmp.checksum(ECHO, 0), 0x0800, 0x0000);
        assertEquals(0x121f, c);
    }

    @Test
    void constructEcho() {
        byte[] b = ECHO.clone();
        Arrays.fill(b, 0, 8, (byte) 0x77);
        assertEquals(8, Icmp.writeEcho(b, 0, Icmp.ECHO, 0x0d05, 1));
        Icmp.fillChecksum(b, 0, b.length);
        assertArrayEquals(ECHO, b);
    }

    @Test
    void fragNeeded() {
        byte[] b = FRAG_NEEDED;
        assertEquals(8, Icmp.check(b, 0, b.length));
        assertTrue(Icmp.checksumOk(b, 0, b.length));
        assertEquals(Icmp.DEST_UNREACH, Icmp.type(b, 0));
        assertEquals(Icmp.FRAG_NEEDED, Icmp.code(b, 0));
        assertEquals(1280, Icmp.nextHopMtu(b, 0));
        assertTrue(Icmp.isError(Icmp.type(b, 0)));
        assertEquals("Frag needed and DF set", Icmp.name(Icmp.DEST_UNREACH, Icmp.FRAG_NEEDED));
        assertEquals("Frag needed and DF set (mtu = 1280)", Icmp.describe(b, 0));
        // The quoted header: complete, but its datagram is not (1500 bytes claimed, 28 present).
        int q = Icmp.dataOffset(b, 0);
        int qlen = b.length - q;
        assertEquals(Ipv4.ERR_PKT_TRUNCATED, Ipv4.check(b, q, qlen));
        assertTrue(Ipv4.checksumOk(b, q));
        assertEquals(1500, Ipv4.totalLength(b, q));
        assertTrue(Ipv4.dontFragment(b, q));
        assertEquals(Ipv4.PROTO_TCP, Ipv4.protocol(b, q));
        assertEquals(Ipv4Address.parse("192.0.2.1"), Ipv4.src(b, q));
        assertEquals(Ipv4Address.parse("198.51.100.2"), Ipv4.dst(b, q));
        assertEquals(50000, Udp.srcPort(b, Ipv4.payloadOffset(b, q))); // ports sit where UDP's do
        assertEquals(443, Udp.dstPort(b, Ipv4.payloadOffset(b, q)));

        byte[] out = new byte[b.length];
        System.arraycopy(b, 8, out, 8, b.length - 8);
        Icmp.writeHeader(out, 0, Icmp.DEST_UNREACH, Icmp.FRAG_NEEDED, 0xffff_ffff);
        Icmp.setNextHopMtu(out, 0, 1280);
        Icmp.fillChecksum(out, 0, out.length);
        assertArrayEquals(b, out);
    }

    @Test
    void timeExceededQuotingIpv4Header() {
        byte[] b = TIME_EXCEEDED;
        assertEquals(8, Icmp.check(b, 0, b.length));
        assertTrue(Icmp.checksumOk(b, 0, b.length));
        assertEquals(Icmp.TIME_EXCEEDED, Icmp.type(b, 0));
        assertEquals(Icmp.EXC_TTL, Icmp.code(b, 0));
        assertEquals("Time to live exceeded", Icmp.describe(b, 0));
        int q = Icmp.dataOffset(b, 0);
        assertEquals(Ipv4.ERR_PKT_TRUNCATED, Ipv4.check(b, q, b.length - q));
        assertEquals(1, Ipv4.ttl(b, q));
        assertEquals(Ipv4.PROTO_UDP, Ipv4.protocol(b, q));
        assertEquals(0x04d2, Ipv4.id(b, q));
        int u = Ipv4.payloadOffset(b, q);
        assertEquals(35404, Udp.srcPort(b, u));
        assertEquals(33434, Udp.dstPort(b, u));
        assertEquals(40, Udp.length(b, u));

        IcmpRepr r = IcmpRepr.parse(b, 0, b.length);
        assertEquals(new IcmpRepr.TimeExceeded(Icmp.EXC_TTL, 28), r);
        byte[] out = new byte[b.length];
        System.arraycopy(b, 8, out, 8, 28);
        assertEquals(8, r.emit(out, 0));
        assertArrayEquals(b, out);
    }

    @Test
    void timestamp() {
        byte[] b = TIMESTAMP;
        assertEquals(20, Icmp.check(b, 0, b.length));
        assertEquals(Icmp.ERR_TRUNCATED_BODY, Icmp.check(b, 0, 19));
        assertEquals(Icmp.ERR_TRUNCATED_BODY, Icmp.check(b, 0, 8));
        assertTrue(Icmp.checksumOk(b, 0, b.length));
        assertEquals(0x1234, Icmp.echoId(b, 0));
        assertEquals(7, Icmp.echoSeq(b, 0));
        assertEquals(3_600_000L, Icmp.originate(b, 0));
        assertEquals(0L, Icmp.receive(b, 0));
        assertEquals(0L, Icmp.transmit(b, 0));
        assertEquals(20, Icmp.dataOffset(b, 0));
        IcmpRepr r = IcmpRepr.parse(b, 0, b.length);
        assertEquals(new IcmpRepr.Timestamp(false, 0x1234, 7, 3_600_000L, 0, 0, 0), r);
        assertEquals(20, r.messageLength());
        byte[] out = new byte[20];
        assertEquals(20, r.emit(out, 0));
        assertArrayEquals(b, out);

        IcmpRepr reply = new IcmpRepr.Timestamp(true, 0x1234, 7, 3_600_000L, 0xffff_ffffL, 0x8000_0001L, 0);
        reply.emit(out, 0);
        assertEquals(reply, IcmpRepr.parse(out, 0, 20));
        assertEquals(0xffff_ffffL, Icmp.receive(out, 0));
        assertEquals(0x8000_0001L, Icmp.transmit(out, 0));
        Icmp.setOriginate(out, 0, 5);
        Icmp.setReceive(out, 0, 6);
        Icmp.setTransmit(out, 0, 7);
        assertEquals(5 + 6 + 7, Icmp.originate(out, 0) + Icmp.receive(out, 0) + Icmp.transmit(out, 0));
    }

    @Test
    void addressMask() {
        byte[] b = new byte[12];
        Icmp.writeHeader(b, 0, Icmp.ADDRESSREPLY, 0, 0x0001_0002);
        Icmp.setAddressMask(b, 0, 0xffff_ff00);
        Icmp.fillChecksum(b, 0, 12);
        assertEquals(12, Icmp.check(b, 0, 12));
        assertEquals(Icmp.ERR_TRUNCATED_BODY, Icmp.check(b, 0, 11));
        assertEquals(0xffff_ff00, Icmp.addressMask(b, 0));
        IcmpRepr r = IcmpRepr.parse(b, 0, 12);
        assertEquals(new IcmpRepr.Other(Icmp.ADDRESSREPLY, 0, 0x0001_0002, 4), r);
        byte[] out = b.clone();
        Arrays.fill(out, 0, 8, (byte) 0);
        r.emit(out, 0);
        assertArrayEquals(b, out);
    }

    @Test
    void checkErrors() {
        assertEquals(Icmp.ERR_BOUNDS, Icmp.check(null, 0, 8));
        assertEquals(Icmp.ERR_BOUNDS, Icmp.check(ECHO, -1, 8));
        assertEquals(Icmp.ERR_BOUNDS, Icmp.check(ECHO, 0, -1));
        assertEquals(Icmp.ERR_BOUNDS, Icmp.check(ECHO, 20, 8));
        assertEquals(Icmp.ERR_BOUNDS, Icmp.check(ECHO, Integer.MAX_VALUE, Integer.MAX_VALUE));
        assertEquals(Icmp.ERR_TRUNCATED, Icmp.check(ECHO, 0, 7));
        assertEquals(Icmp.ERR_TRUNCATED, Icmp.check(ECHO, 0, 0));
        assertEquals(8, Icmp.check(ECHO, 0, 8));
        assertEquals("truncated", Icmp.checkName(Icmp.ERR_TRUNCATED));
        assertEquals("truncated-body", Icmp.checkName(Icmp.ERR_TRUNCATED_BODY));
        assertEquals("ok", Icmp.checkName(20));
    }

    @Test
    void isError() {
        for (int t = 0; t < 256; t++) {
            boolean expected = t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
            assertEquals(expected, Icmp.isError(t), "type " + t);
        }
    }

    @Test
    void names() {
        assertEquals("Destination Net Unreachable", Icmp.name(3, 0));
        assertEquals("Destination Host Unreachable", Icmp.name(Icmp.DEST_UNREACH, Icmp.HOST_UNREACH));
        assertEquals("Destination Protocol Unreachable", Icmp.name(3, 2));
        assertEquals("Destination Port Unreachable", Icmp.name(3, Icmp.PORT_UNREACH));
        assertEquals("Packet filtered", Icmp.name(3, Icmp.PKT_FILTERED));
        assertEquals("Precedence Cutoff", Icmp.name(3, 15));
        assertEquals("Dest Unreachable, Bad Code: 16", Icmp.name(3, 16));
        assertEquals("Source Quench", Icmp.name(4, 0));
        assertEquals("Redirect Host", Icmp.name(5, Icmp.REDIR_HOST));
        assertEquals("Redirect, Bad Code: 4", Icmp.name(5, 4));
        assertEquals("Time to live exceeded", Icmp.name(11, 0));
        assertEquals("Frag reassembly time exceeded", Icmp.name(11, Icmp.EXC_FRAGTIME));
        assertEquals("Time exceeded, Bad Code: 2", Icmp.name(11, 2));
        assertEquals("Parameter problem", Icmp.name(12, 0));
        assertEquals("Timestamp Reply", Icmp.name(14, 0));
        assertEquals("Address Mask Request", Icmp.name(17, 0));
        assertEquals("Bad ICMP type: 42", Icmp.name(42, 0));
    }

    @Test
    void describeWithDetails() {
        byte[] b = new byte[8];
        new IcmpRepr.Redirect(Icmp.REDIR_HOST, Ipv4Address.parse("192.0.2.254"), 0).emit(b, 0);
        assertEquals("Redirect Host(New nexthop: 192.0.2.254)", Icmp.describe(b, 0));
        assertEquals(Ipv4Address.parse("192.0.2.254"), Icmp.gateway(b, 0));
        new IcmpRepr.ParamProblem(Icmp.PARAM_POINTER, 20, 0).emit(b, 0);
        assertEquals("Parameter problem: pointer = 20", Icmp.describe(b, 0));
        assertEquals(20, Icmp.pointer(b, 0));
        assertEquals(20 << 24, Icmp.restOfHeader(b, 0));
        new IcmpRepr.DestUnreachable(Icmp.PORT_UNREACH, 0, 0).emit(b, 0);
        assertEquals("Destination Port Unreachable", Icmp.describe(b, 0));
    }

    @Test
    void setters() {
        byte[] b = new byte[8];
        Icmp.setType(b, 0, Icmp.PARAMETERPROB);
        Icmp.setCode(b, 0, Icmp.PARAM_BAD_LENGTH);
        Icmp.setRestOfHeader(b, 0, -1);
        Icmp.setPointer(b, 0, 0x1ab); // masked to 8 bits, the rest zeroed
        assertEquals(0xab00_0000, Icmp.restOfHeader(b, 0));
        Icmp.setRestOfHeader(b, 0, -1);
        Icmp.setNextHopMtu(b, 0, 576);
        assertEquals(576, Icmp.restOfHeader(b, 0));
        Icmp.setEchoId(b, 0, 0xfffe);
        Icmp.setEchoSeq(b, 0, 0x1234);
        assertEquals(0xfffe_1234, Icmp.restOfHeader(b, 0));
        Icmp.setGateway(b, 0, 0x0a00_0001);
        assertEquals(0x0a00_0001, Icmp.gateway(b, 0));
        Icmp.setChecksum(b, 0, 0xbeef);
        assertEquals(0xbeef, Icmp.checksum(b, 0));
        assertEquals(Icmp.PARAMETERPROB, Icmp.type(b, 0));
        assertEquals(Icmp.PARAM_BAD_LENGTH, Icmp.code(b, 0));
    }

    @Test
    void reprParse() {
        assertEquals(new IcmpRepr.Echo(false, 0x0d05, 1, 16), IcmpRepr.parse(ECHO, 0, ECHO.length));
        assertEquals(new IcmpRepr.Echo(true, 0x0d05, 1, 16), IcmpRepr.parse(ECHO_REPLY, 0, ECHO_REPLY.length));
        IcmpRepr f = IcmpRepr.parse(WireTestUtil.at(FRAG_NEEDED, 3), 3, FRAG_NEEDED.length);
        assertEquals(new IcmpRepr.DestUnreachable(Icmp.FRAG_NEEDED, 1280, 28), f);
        assertEquals(36, f.messageLength());
        assertEquals(8, f.headerLen());
    }

    @Test
    void reprEmitRoundTrip() {
        IcmpRepr[] all = {
            new IcmpRepr.Echo(false, 1, 2, 10),
            new IcmpRepr.Echo(true, 0xffff, 0xffff, 0),
            new IcmpRepr.DestUnreachable(Icmp.FRAG_NEEDED, 1280, 28),
            new IcmpRepr.DestUnreachable(Icmp.HOST_UNREACH, 0, 48),
            new IcmpRepr.SourceQuench(28),
            new IcmpRepr.Redirect(Icmp.REDIR_NET, 0xC000_02FE, 28),
            new IcmpRepr.TimeExceeded(Icmp.EXC_FRAGTIME, 576 - 28),
            new IcmpRepr.ParamProblem(Icmp.PARAM_POINTER, 255, 28),
            new IcmpRepr.Timestamp(true, 9, 8, 1, 2, 3, 0),
            new IcmpRepr.Timestamp(false, 9, 8, 1, 2, 3, 5),
            new IcmpRepr.Other(Icmp.INFO_REQUEST, 0, 0x0001_0001, 0),
            new IcmpRepr.Other(Icmp.ECHO, 3, 0x0001_0001, 7),
            new IcmpRepr.Other(Icmp.TIMESTAMP, 1, 0, 12),
            new IcmpRepr.Other(200, 200, -1, 1),
        };
        for (IcmpRepr r : all) {
            byte[] b = new byte[r.messageLength() + 4];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (i * 37 + 11);
            }
            assertEquals(r.headerLen(), r.emit(b, 2));
            assertTrue(Icmp.checksumOk(b, 2, r.messageLength()), r.toString());
            assertEquals(r, IcmpRepr.parse(b, 2, r.messageLength()));
            assertEquals(r.type(), Icmp.type(b, 2));
            assertEquals(r.code(), Icmp.code(b, 2));
        }
    }

    @Test
    void reprParseDispatchesOddCodesToOther() {
        byte[] b = ECHO.clone();
        Icmp.setCode(b, 0, 1);
        Icmp.fillChecksum(b, 0, b.length);
        assertEquals(new IcmpRepr.Other(Icmp.ECHO, 1, 0x0d05_0001, 16), IcmpRepr.parse(b, 0, b.length));
        // Unused bits are not kept: a time exceeded with junk in them parses, emits them as zero.
        byte[] t = TIME_EXCEEDED.clone();
        Icmp.setRestOfHeader(t, 0, 0x1234_5678);
        Icmp.fillChecksum(t, 0, t.length);
        assertInstanceOf(IcmpRepr.TimeExceeded.class, IcmpRepr.parse(t, 0, t.length));
    }

    @Test
    void reprRejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> IcmpRepr.parse(ECHO, 0, 7));
        assertThrows(IllegalArgumentException.class, () -> IcmpRepr.parse(TIMESTAMP, 0, 12));
        byte[] bad = ECHO.clone();
        bad[20] ^= 1; // data is covered by the checksum
        assertThrows(IllegalArgumentException.class, () -> IcmpRepr.parse(bad, 0, bad.length));
        assertThrows(IllegalArgumentException.class, () -> new IcmpRepr.Echo(false, 0x10000, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new IcmpRepr.Echo(false, 0, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new IcmpRepr.Echo(false, 0, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> new IcmpRepr.Echo(false, 0, 0, 65508));
        assertThrows(IllegalArgumentException.class, () -> new IcmpRepr.DestUnreachable(256, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new IcmpRepr.DestUnreachable(4, 65536, 0));
        assertThrows(IllegalArgumentException.class, () -> new IcmpRepr.ParamProblem(0, 256, 0));
        assertThrows(IllegalArgumentException.class, () -> new IcmpRepr.Timestamp(false, 0, 0, -1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new IcmpRepr.Timestamp(false, 0, 0, 0, 1L << 32, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new IcmpRepr.Other(Icmp.ECHO, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new IcmpRepr.Other(Icmp.REDIRECT, 9, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new IcmpRepr.Other(256, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new IcmpRepr.Other(Icmp.ADDRESS, 0, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> new IcmpRepr.Other(Icmp.TIMESTAMP, 1, 0, 11));
        assertThrows(IndexOutOfBoundsException.class, () -> new IcmpRepr.Echo(false, 0, 0, 8).emit(new byte[15], 0));
    }
}
