package io.jnetstack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EthernetTest {

    /** Broadcast ARP frame, untagged, with a 4-byte stand-in payload. */
    private static final byte[] PLAIN = bytes(
            "ff ff ff ff ff ff  02 00 00 00 00 01  08 06  00 01 08 00");

    /** IPv4 in VLAN 100, priority 5. */
    private static final byte[] ONE_TAG = bytes(
            "00 11 22 33 44 55  02 aa bb cc dd ee  81 00  a0 64  08 00  45 00");

    /** IPv6 in Q-in-Q: S-TAG VID 10 with DEI set, C-TAG VID 200 priority 3. */
    private static final byte[] TWO_TAGS = bytes(
            "33 33 00 00 00 01  0a 00 27 00 00 07  88 a8  10 0a  81 00  60 c8  86 dd  60 00");

    /** Three stacked tags: the view recognises two and leaves the third in the payload. */
    private static final byte[] THREE_TAGS = bytes(
            "33 33 00 00 00 01  0a 00 27 00 00 07  88 a8  00 01  81 00  00 02  81 00  00 03  08 00");

    private static byte[] bytes(String hex) {
        String[] parts = hex.trim().split("\\s+");
        byte[] out = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return out;
    }

    /** The frame copied into a larger buffer at {@code off}, with junk around it. */
    private static byte[] at(byte[] frame, int off) {
        byte[] b = new byte[off + frame.length + 3];
        Arrays.fill(b, (byte) 0x81);
        System.arraycopy(frame, 0, b, off, frame.length);
        return b;
    }

    @Test
    void deconstructPlain() {
        int off = 5;
        byte[] b = at(PLAIN, off);
        assertEquals(14, Ethernet.check(b, off, PLAIN.length));
        assertEquals(MacAddress.BROADCAST.bits(), Ethernet.dst(b, off));
        assertEquals(0x0200_0000_0001L, Ethernet.src(b, off));
        assertEquals(EtherType.ARP, Ethernet.etherType(b, off));
        assertEquals(0, Ethernet.vlanCount(b, off));
        assertEquals(EtherType.ARP, Ethernet.innerEtherType(b, off));
        assertEquals(14, Ethernet.headerLen(b, off));
        assertEquals(off + 14, Ethernet.payloadOffset(b, off));
    }

    @Test
    void deconstructOneTag() {
        int off = 2;
        byte[] b = at(ONE_TAG, off);
        assertEquals(18, Ethernet.check(b, off, ONE_TAG.length));
        assertEquals(0x0011_2233_4455L, Ethernet.dst(b, off));
        assertEquals(0x02aa_bbcc_ddeeL, Ethernet.src(b, off));
        assertEquals(EtherType.VLAN, Ethernet.etherType(b, off));
        assertEquals(1, Ethernet.vlanCount(b, off));
        assertEquals(EtherType.VLAN, Ethernet.vlanTpid(b, off, 0));
        int tci = Ethernet.vlanTci(b, off, 0);
        assertEquals(0xa064, tci);
        assertEquals(5, Ethernet.pcp(tci));
        assertFalse(Ethernet.dei(tci));
        assertEquals(100, Ethernet.vid(tci));
        assertEquals(EtherType.IPV4, Ethernet.innerEtherType(b, off));
        assertEquals(off + 18, Ethernet.payloadOffset(b, off));
        assertEquals(0x45, b[Ethernet.payloadOffset(b, off)]);
    }

    @Test
    void deconstructTwoTags() {
        byte[] b = TWO_TAGS;
        assertEquals(22, Ethernet.check(b, 0, b.length));
        assertEquals(EtherType.QINQ, Ethernet.etherType(b, 0));
        assertEquals(2, Ethernet.vlanCount(b, 0));
        assertEquals(EtherType.QINQ, Ethernet.vlanTpid(b, 0, 0));
        assertEquals(EtherType.VLAN, Ethernet.vlanTpid(b, 0, 1));
        int outer = Ethernet.vlanTci(b, 0, 0);
        assertEquals(0, Ethernet.pcp(outer));
        assertTrue(Ethernet.dei(outer));
        assertEquals(10, Ethernet.vid(outer));
        int inner = Ethernet.vlanTci(b, 0, 1);
        assertEquals(3, Ethernet.pcp(inner));
        assertFalse(Ethernet.dei(inner));
        assertEquals(200, Ethernet.vid(inner));
        assertEquals(EtherType.IPV6, Ethernet.innerEtherType(b, 0));
        assertEquals(22, Ethernet.payloadOffset(b, 0));
    }

    @Test
    void thirdTagStaysInPayload() {
        byte[] b = THREE_TAGS;
        assertEquals(22, Ethernet.check(b, 0, b.length));
        assertEquals(2, Ethernet.vlanCount(b, 0));
        assertEquals(EtherType.VLAN, Ethernet.innerEtherType(b, 0));
        EthernetRepr r = EthernetRepr.parse(b, 0, b.length);
        assertEquals(EtherType.VLAN, r.etherType());
        byte[] out = new byte[22];
        r.emit(out, 0);
        assertArrayEquals(Arrays.copyOf(b, 22), out);
    }

    @Test
    void checkRejectsTruncated() {
        assertEquals(Ethernet.ERR_TRUNCATED, Ethernet.check(PLAIN, 0, 13));
        assertEquals(Ethernet.ERR_TRUNCATED, Ethernet.check(PLAIN, 0, 0));
        assertEquals(14, Ethernet.check(PLAIN, 0, 14));
        assertEquals(Ethernet.ERR_TRUNCATED_TAG, Ethernet.check(ONE_TAG, 0, 14));
        assertEquals(Ethernet.ERR_TRUNCATED_TAG, Ethernet.check(ONE_TAG, 0, 17));
        assertEquals(18, Ethernet.check(ONE_TAG, 0, 18));
        assertEquals(Ethernet.ERR_TRUNCATED_TAG, Ethernet.check(TWO_TAGS, 0, 18));
        assertEquals(Ethernet.ERR_TRUNCATED_TAG, Ethernet.check(TWO_TAGS, 0, 21));
        assertEquals(22, Ethernet.check(TWO_TAGS, 0, 22));
        // A truncated frame inside a larger buffer still fails: only len counts.
        byte[] b = at(TWO_TAGS, 4);
        assertEquals(Ethernet.ERR_TRUNCATED_TAG, Ethernet.check(b, 4, 20));
        assertEquals("truncated-vlan-tag", Ethernet.checkName(Ethernet.ERR_TRUNCATED_TAG));
        assertEquals("ok", Ethernet.checkName(22));
    }

    @Test
    void checkRejectsBadRangesWithoutThrowing() {
        assertEquals(Ethernet.ERR_BOUNDS, Ethernet.check(null, 0, 14));
        assertEquals(Ethernet.ERR_BOUNDS, Ethernet.check(PLAIN, -1, 14));
        assertEquals(Ethernet.ERR_BOUNDS, Ethernet.check(PLAIN, 0, -1));
        assertEquals(Ethernet.ERR_BOUNDS, Ethernet.check(PLAIN, 1, PLAIN.length));
        assertEquals(Ethernet.ERR_BOUNDS, Ethernet.check(PLAIN, Integer.MAX_VALUE, Integer.MAX_VALUE));
        assertEquals(Ethernet.ERR_BOUNDS, Ethernet.check(PLAIN, 4, Integer.MAX_VALUE));
    }

    @Test
    void constructPlain() {
        byte[] b = new byte[PLAIN.length];
        System.arraycopy(PLAIN, 14, b, 14, 4);
        assertEquals(14, Ethernet.writeHeader(b, 0, MacAddress.BROADCAST.bits(), 0x0200_0000_0001L,
                EtherType.ARP));
        assertArrayEquals(PLAIN, b);
    }

    @Test
    void constructTwoTags() {
        byte[] b = new byte[TWO_TAGS.length];
        b[22] = 0x60;
        Ethernet.writeHeader(b, 0, 0x3333_0000_0001L, 0x0a00_2700_0007L, EtherType.QINQ);
        assertEquals(18, Ethernet.writeVlanTag(b, 0, 0, Ethernet.tci(0, true, 10), EtherType.VLAN));
        assertEquals(22, Ethernet.writeVlanTag(b, 0, 1, Ethernet.tci(3, false, 200), EtherType.IPV6));
        assertArrayEquals(TWO_TAGS, b);
    }

    @Test
    void setters() {
        byte[] b = TWO_TAGS.clone();
        Ethernet.setVlanTci(b, 0, 1, Ethernet.tci(7, true, 0xfff));
        Ethernet.setInnerEtherType(b, 0, EtherType.IPV4);
        Ethernet.setDst(b, 0, 0x0102_0304_0506L);
        Ethernet.setSrc(b, 0, 0x0a0b_0c0d_0e0fL);
        assertArrayEquals(bytes("01 02 03 04 05 06  0a 0b 0c 0d 0e 0f  88 a8  10 0a  81 00  ff ff  08 00  60 00"), b);
        byte[] p = PLAIN.clone();
        Ethernet.setEtherType(p, 0, EtherType.IPV4);
        assertEquals(EtherType.IPV4, Ethernet.innerEtherType(p, 0));
    }

    @Test
    void tciPacking() {
        assertEquals(0xa064, Ethernet.tci(5, false, 100));
        assertEquals(0xffff, Ethernet.tci(7, true, 4095));
        assertEquals(0x0000, Ethernet.tci(8, false, 4096)); // masked to field widths
        VlanTag t = VlanTag.of(EtherType.VLAN, 0xb123);
        assertEquals(new VlanTag(EtherType.VLAN, 5, true, 0x123), t);
        assertEquals(0xb123, t.tci());
        assertThrows(IllegalArgumentException.class, () -> new VlanTag(EtherType.IPV4, 0, false, 1));
        assertThrows(IllegalArgumentException.class, () -> new VlanTag(EtherType.VLAN, 8, false, 1));
        assertThrows(IllegalArgumentException.class, () -> new VlanTag(EtherType.VLAN, 0, false, 4096));
    }

    @Test
    void reprParseAndEmit() {
        EthernetRepr plain = EthernetRepr.of(MacAddress.BROADCAST, MacAddress.parse("02:00:00:00:00:01"),
                EtherType.ARP);
        EthernetRepr oneTag = new EthernetRepr(MacAddress.parse("00:11:22:33:44:55"),
                MacAddress.parse("02:aa:bb:cc:dd:ee"), List.of(new VlanTag(EtherType.VLAN, 5, false, 100)),
                EtherType.IPV4);
        EthernetRepr twoTags = new EthernetRepr(MacAddress.parse("33:33:00:00:00:01"),
                MacAddress.parse("0a:00:27:00:00:07"),
                List.of(new VlanTag(EtherType.QINQ, 0, true, 10), new VlanTag(EtherType.VLAN, 3, false, 200)),
                EtherType.IPV6);
        assertRoundTrip(plain, PLAIN);
        assertRoundTrip(oneTag, ONE_TAG);
        assertRoundTrip(twoTags, TWO_TAGS);
    }

    private static void assertRoundTrip(EthernetRepr repr, byte[] frame) {
        assertEquals(repr, EthernetRepr.parse(frame, 0, frame.length));
        byte[] b = at(frame, 3);
        assertEquals(repr, EthernetRepr.parse(b, 3, frame.length));
        byte[] out = new byte[repr.headerLen()];
        assertEquals(repr.headerLen(), repr.emit(out, 0));
        assertArrayEquals(Arrays.copyOf(frame, repr.headerLen()), out);
    }

    @Test
    void reprRejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> EthernetRepr.parse(ONE_TAG, 0, 17));
        assertThrows(IllegalArgumentException.class, () -> EthernetRepr.parse(PLAIN, 0, 13));
        MacAddress a = MacAddress.ZERO;
        VlanTag t = VlanTag.ctag(1);
        assertThrows(IllegalArgumentException.class, () -> new EthernetRepr(a, a, List.of(t, t, t), EtherType.IPV4));
        assertThrows(IllegalArgumentException.class, () -> EthernetRepr.of(a, a, EtherType.VLAN));
        assertThrows(IllegalArgumentException.class, () -> new EthernetRepr(a, a, List.of(t), EtherType.QINQ));
        assertThrows(IllegalArgumentException.class, () -> EthernetRepr.of(a, a, 0x10000));
        assertThrows(IndexOutOfBoundsException.class, () -> EthernetRepr.of(a, a, EtherType.IPV4).emit(new byte[13], 0));
    }

    @Test
    void constants() {
        assertEquals(14, Ethernet.HEADER_LEN);
        assertEquals(14, Ethernet.ETH_HLEN);
        assertEquals(4, Ethernet.VLAN_HLEN);
        assertEquals(60, Ethernet.MIN_FRAME);
        assertEquals(1500, Ethernet.MAX_PAYLOAD);
        assertEquals(1514, Ethernet.MAX_FRAME);
        assertEquals(22, Ethernet.MAX_HEADER_LEN);
    }

    @Test
    void etherTypeNames() {
        assertEquals("IPv4", EtherType.name(EtherType.IPV4));
        assertEquals("ARP", EtherType.name(0x0806));
        assertEquals("802.1Q", EtherType.name(0x8100));
        assertEquals("802.1ad", EtherType.name(0x88a8));
        assertEquals("IPv6", EtherType.name(0x86dd));
        assertEquals("ALL", EtherType.name(EtherType.ALL));
        assertEquals(0x0003, EtherType.ALL);
        assertEquals("len=96", EtherType.name(EtherType.LOOP));
        assertEquals("0x1234", EtherType.name(0x1234));
        assertTrue(EtherType.isType(0x0600));
        assertTrue(EtherType.isLength(1500));
        assertFalse(EtherType.isLength(1501));
        assertFalse(EtherType.isType(1536 - 1));
        assertTrue(EtherType.isVlanTpid(0x88a8));
        assertFalse(EtherType.isVlanTpid(0x9100));
    }
}
