package io.jnetstack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ArpTest {

    private static final long HOST_MAC = 0x0200_00aa_bbccL;
    private static final long ROUTER_MAC = 0x5254_0012_3456L;
    private static final int HOST_IP = 0xC0A8_0117; // 192.168.1.23
    private static final int ROUTER_IP = 0xC0A8_0101; // 192.168.1.1

    /**
     * A broadcast Ethernet frame, padded to the 60-byte minimum, carrying "who has 192.168.1.1?
     * tell 192.168.1.23" from 02:00:00:aa:bb:cc.
     */
    private static final byte[] REQUEST_FRAME = WireTestUtil.bytes(
            "ff ff ff ff ff ff  02 00 00 aa bb cc  08 06"
            + "  00 01  08 00  06  04  00 01  02 00 00 aa bb cc  c0 a8 01 17  00 00 00 00 00 00  c0 a8 01 01"
            + "  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");

    /** The reply: 192.168.1.1 is at 52:54:00:12:34:56, sent to the requester. */
    private static final byte[] REPLY = WireTestUtil.bytes(
            "00 01  08 00  06  04  00 02  52 54 00 12 34 56  c0 a8 01 01  02 00 00 aa bb cc  c0 a8 01 17");

    @Test
    void deconstructRequestInFrame() {
        byte[] f = REQUEST_FRAME;
        assertEquals(60, f.length);
        assertEquals(14, Ethernet.check(f, 0, f.length));
        assertEquals(EtherType.ARP, Ethernet.innerEtherType(f, 0));
        int a = Ethernet.payloadOffset(f, 0);
        assertEquals(28, Arp.check(f, a, f.length - a)); // the padding is allowed
        assertEquals(Arp.HRD_ETHER, Arp.htype(f, a));
        assertEquals(EtherType.IPV4, Arp.ptype(f, a));
        assertEquals(6, Arp.hlen(f, a));
        assertEquals(4, Arp.plen(f, a));
        assertEquals(Arp.OP_REQUEST, Arp.oper(f, a));
        assertEquals(28, Arp.length(f, a));
        assertTrue(Arp.isEthIpv4(f, a));
        assertEquals(HOST_MAC, Arp.sha(f, a));
        assertEquals(HOST_IP, Arp.spa(f, a));
        assertEquals(0L, Arp.tha(f, a));
        assertEquals(ROUTER_IP, Arp.tpa(f, a));
        assertEquals(a + 8, Arp.shaOffset(f, a));
        assertEquals(a + 14, Arp.spaOffset(f, a));
        assertEquals(a + 18, Arp.thaOffset(f, a));
        assertEquals(a + 24, Arp.tpaOffset(f, a));
        assertEquals(Ethernet.src(f, 0), Arp.sha(f, a));
    }

    @Test
    void deconstructReply() {
        int off = 4;
        byte[] b = WireTestUtil.at(REPLY, off);
        assertEquals(28, Arp.check(b, off, REPLY.length));
        assertEquals(Arp.OP_REPLY, Arp.oper(b, off));
        assertEquals(ROUTER_MAC, Arp.sha(b, off));
        assertEquals(ROUTER_IP, Arp.spa(b, off));
        assertEquals(HOST_MAC, Arp.tha(b, off));
        assertEquals(HOST_IP, Arp.tpa(b, off));
    }

    @Test
    void construct() {
        byte[] b = new byte[28];
        assertEquals(28, Arp.writeEthIpv4(b, 0, Arp.OP_REPLY, ROUTER_MAC, ROUTER_IP, HOST_MAC, HOST_IP));
        assertArrayEquals(REPLY, b);
        // Turning the request into its reply in place, as a responder may.
        byte[] f = REQUEST_FRAME.clone();
        int a = 14;
        Arp.setOper(f, a, Arp.OP_REPLY);
        Arp.setTha(f, a, Arp.sha(f, a));
        Arp.setTpa(f, a, Arp.spa(f, a));
        Arp.setSha(f, a, ROUTER_MAC);
        Arp.setSpa(f, a, ROUTER_IP);
        assertArrayEquals(REPLY, Arrays.copyOfRange(f, a, a + 28));
    }

    @Test
    void genericLengths() {
        // A made-up hardware type with 2-byte hardware and 3-byte protocol addresses: 18 bytes.
        byte[] b = WireTestUtil.bytes("00 63 12 34 02 03 00 01  aa bb  01 02 03  cc dd  04 05 06");
        assertEquals(18, Arp.check(b, 0, b.length));
        assertFalse(Arp.isEthIpv4(b, 0));
        assertEquals(8, Arp.shaOffset(b, 0));
        assertEquals(10, Arp.spaOffset(b, 0));
        assertEquals(13, Arp.thaOffset(b, 0));
        assertEquals(15, Arp.tpaOffset(b, 0));
        assertEquals((byte) 0xcc, b[Arp.thaOffset(b, 0)]);
        assertEquals(4, b[Arp.tpaOffset(b, 0)]);
        assertEquals(Arp.ERR_LENGTHS, Arp.check(b, 0, 17));
        // Zero-length addresses are legal for the view; the stack rejects them.
        byte[] z = WireTestUtil.bytes("00 01 08 00 00 00 00 01");
        assertEquals(8, Arp.check(z, 0, 8));
    }

    @Test
    void checkErrors() {
        assertEquals(Arp.ERR_BOUNDS, Arp.check(null, 0, 28));
        assertEquals(Arp.ERR_BOUNDS, Arp.check(REPLY, -1, 28));
        assertEquals(Arp.ERR_BOUNDS, Arp.check(REPLY, 0, -1));
        assertEquals(Arp.ERR_BOUNDS, Arp.check(REPLY, 1, 28));
        assertEquals(Arp.ERR_BOUNDS, Arp.check(REPLY, Integer.MAX_VALUE, Integer.MAX_VALUE));
        assertEquals(Arp.ERR_TRUNCATED, Arp.check(REPLY, 0, 7));
        assertEquals(Arp.ERR_LENGTHS, Arp.check(REPLY, 0, 8));
        assertEquals(Arp.ERR_LENGTHS, Arp.check(REPLY, 0, 27));
        byte[] b = REPLY.clone();
        b[Arp.HLEN] = (byte) 0xff; // 8 + 2 * (255 + 4) bytes declared
        assertEquals(Arp.ERR_LENGTHS, Arp.check(b, 0, b.length));
        assertEquals("lengths", Arp.checkName(Arp.ERR_LENGTHS));
        assertEquals("ok", Arp.checkName(28));
    }

    @Test
    void isEthIpv4RequiresAllFour() {
        for (int i : new int[] {Arp.HTYPE + 1, Arp.PTYPE, Arp.HLEN, Arp.PLEN}) {
            byte[] b = REPLY.clone();
            b[i] ^= 0x10;
            assertFalse(Arp.isEthIpv4(b, 0), "byte " + i);
            assertThrows(IllegalArgumentException.class, () -> ArpRepr.parse(b, 0, b.length));
        }
    }

    @Test
    void repr() {
        ArpRepr req = ArpRepr.parse(REQUEST_FRAME, 14, REQUEST_FRAME.length - 14);
        assertEquals(ArpRepr.request(MacAddress.fromLong(HOST_MAC), HOST_IP, ROUTER_IP), req);
        assertFalse(req.isGratuitous());
        ArpRepr rep = ArpRepr.parse(REPLY, 0, REPLY.length);
        assertEquals(ArpRepr.reply(MacAddress.fromLong(ROUTER_MAC), ROUTER_IP, MacAddress.fromLong(HOST_MAC),
                HOST_IP), rep);
        byte[] out = new byte[30];
        assertEquals(28, rep.emit(out, 2));
        assertArrayEquals(REPLY, Arrays.copyOfRange(out, 2, 30));
        assertEquals(28, req.emit(out, 0));
        assertArrayEquals(Arrays.copyOfRange(REQUEST_FRAME, 14, 42), Arrays.copyOf(out, 28));
        assertEquals("ArpRepr[reply, sha=52:54:00:12:34:56, spa=192.168.1.1, tha=02:00:00:aa:bb:cc, "
                + "tpa=192.168.1.23]", rep.toString());
        assertTrue(ArpRepr.request(MacAddress.fromLong(HOST_MAC), HOST_IP, HOST_IP).isGratuitous());
        assertEquals("reverse-request", Arp.opName(Arp.OP_RREQUEST));
        assertEquals("77", Arp.opName(77));
    }

    @Test
    void reprRejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> ArpRepr.parse(REPLY, 0, 27));
        assertThrows(IllegalArgumentException.class,
                () -> new ArpRepr(0x10000, MacAddress.ZERO, 0, MacAddress.ZERO, 0));
        assertThrows(NullPointerException.class, () -> new ArpRepr(1, null, 0, MacAddress.ZERO, 0));
        assertThrows(IndexOutOfBoundsException.class,
                () -> ArpRepr.request(MacAddress.ZERO, 0, 0).emit(new byte[27], 0));
    }
}
