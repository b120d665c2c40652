package io.jnetstack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class UdpTest {

    private static final int SRC = 0xC000_0201; // 192.0.2.1
    private static final int DST = 0xC633_6402; // 198.51.100.2

    /** 192.0.2.1:40000 -> 198.51.100.2:53 carrying "jnet". Checksum 0xa746, computed independently. */
    private static final byte[] DNS = WireTestUtil.bytes("9c 40 00 35 00 0c a7 46  6a 6e 65 74");

    /** 10.0.0.1:5353 -> 224.0.0.251:5353 carrying "abc", an odd length. Checksum 0x26a7. */
    private static final byte[] ODD = WireTestUtil.bytes("14 e9 14 e9 00 0b 26 a7  61 62 63");
    private static final int ODD_SRC = 0x0A00_0001;
    private static final int ODD_DST = 0xE000_00FB;

    /** 192.0.2.1:1234 -> 198.51.100.2:5678 whose checksum computes to 0, so is sent as 0xffff. */
    private static final byte[] ZERO_SUM = WireTestUtil.bytes("04 d2 16 2e 00 0a ff ff  f8 a2");

    @Test
    void deconstruct() {
        int off = 5;
        byte[] b = WireTestUtil.at(DNS, off);
        assertEquals(8, Udp.check(b, off, DNS.length));
        assertEquals(40000, Udp.srcPort(b, off));
        assertEquals(53, Udp.dstPort(b, off));
        assertEquals(12, Udp.length(b, off));
        assertEquals(4, Udp.payloadLength(b, off));
        assertEquals(off + 8, Udp.payloadOffset(b, off));
        assertEquals(0xa746, Udp.checksum(b, off));
        assertTrue(Udp.hasChecksum(b, off));
        assertTrue(Udp.checksumOk(b, off, 12, SRC, DST));
        assertFalse(Udp.checksumOk(b, off, 12, SRC, DST + 1));
        assertFalse(Udp.checksumOk(b, off, 12, DST, SRC + 1));
    }

    @Test
    void insideIpv4Datagram() {
        // The datagram Ipv4Test.PLAIN carries, with its checksum filled in.
        byte[] pkt = WireTestUtil.bytes("45 b8 00 20  12 34 40 00  40 11 3b aa  c0 00 02 01  c6 33 64 02");
        pkt = Arrays.copyOf(pkt, 32);
        System.arraycopy(DNS, 0, pkt, 20, 12);
        int hlen = Ipv4.check(pkt, 0, pkt.length);
        assertEquals(20, hlen);
        int u = Ipv4.payloadOffset(pkt, 0);
        assertEquals(8, Udp.check(pkt, u, Ipv4.payloadLength(pkt, 0)));
        assertTrue(Udp.checksumOk(pkt, u, Udp.length(pkt, u), Ipv4.src(pkt, 0), Ipv4.dst(pkt, 0)));
    }

    @Test
    void oddLengthChecksum() {
        assertEquals(8, Udp.check(ODD, 0, ODD.length));
        assertTrue(Udp.checksumOk(ODD, 0, 11, ODD_SRC, ODD_DST));
        byte[] b = ODD.clone();
        assertEquals(0x26a7, Udp.fillChecksum(b, 0, 11, ODD_SRC, ODD_DST));
        assertArrayEquals(ODD, b);
        // Trailing padding is not summed when the UDP length is passed.
        byte[] padded = WireTestUtil.at(ODD, 1);
        padded[12] = 0x55;
        assertTrue(Udp.checksumOk(padded, 1, 11, ODD_SRC, ODD_DST));
    }

    @Test
    void zeroChecksumMeansNone() {
        byte[] b = DNS.clone();
        Udp.setChecksum(b, 0, Udp.NO_CHECKSUM);
        assertFalse(Udp.hasChecksum(b, 0));
        assertTrue(Udp.checksumOk(b, 0, 12, SRC, DST));
        assertTrue(Udp.checksumOk(b, 0, 12, 1, 2)); // nothing to verify
    }

    @Test
    void computedZeroIsSentAsAllOnes() {
        byte[] b = ZERO_SUM.clone();
        Udp.setChecksum(b, 0, 0x1234);
        assertEquals(0xffff, Udp.fillChecksum(b, 0, b.length, SRC, DST));
        assertArrayEquals(ZERO_SUM, b);
        assertTrue(Udp.hasChecksum(b, 0));
        assertTrue(Udp.checksumOk(b, 0, b.length, SRC, DST));
        // 0x0000 in this datagram would mean "none", not the sum.
        assertEquals(new UdpRepr(1234, 5678, 2), UdpRepr.parse(b, 0, b.length, SRC, DST));
    }

    @Test
    void construct() {
        byte[] b = new byte[12];
        System.arraycopy(DNS, 8, b, 8, 4);
        assertEquals(8, Udp.writeHeader(b, 0, 40000, 53, 12));
        assertEquals(0, Udp.checksum(b, 0));
        assertEquals(0xa746, Udp.fillChecksum(b, 0, 12, SRC, DST));
        assertArrayEquals(DNS, b);
        Udp.setSrcPort(b, 0, 1);
        Udp.setDstPort(b, 0, 2);
        Udp.setLength(b, 0, 9);
        assertArrayEquals(WireTestUtil.bytes("00 01 00 02 00 09"), Arrays.copyOf(b, 6));
    }

    @Test
    void checkErrors() {
        assertEquals(Udp.ERR_BOUNDS, Udp.check(null, 0, 8));
        assertEquals(Udp.ERR_BOUNDS, Udp.check(DNS, -1, 8));
        assertEquals(Udp.ERR_BOUNDS, Udp.check(DNS, 0, -1));
        assertEquals(Udp.ERR_BOUNDS, Udp.check(DNS, 5, 8));
        assertEquals(Udp.ERR_BOUNDS, Udp.check(DNS, Integer.MAX_VALUE, Integer.MAX_VALUE));
        assertEquals(Udp.ERR_TRUNCATED, Udp.check(DNS, 0, 7));
        assertEquals(Udp.ERR_LENGTH, Udp.check(DNS, 0, 11)); // length field 12 > 11
        assertEquals(Udp.ERR_LENGTH, Udp.check(DNS, 0, 8));
        byte[] b = DNS.clone();
        Udp.setLength(b, 0, 7);
        assertEquals(Udp.ERR_LENGTH, Udp.check(b, 0, b.length));
        Udp.setLength(b, 0, 8);
        assertEquals(8, Udp.check(b, 0, b.length)); // shorter than len: trailing bytes allowed
        assertEquals("length", Udp.checkName(Udp.ERR_LENGTH));
        assertEquals("ok", Udp.checkName(8));
    }

    @Test
    void repr() {
        UdpRepr r = UdpRepr.parse(DNS, 0, DNS.length, SRC, DST);
        assertEquals(new UdpRepr(40000, 53, 4), r);
        assertEquals(12, r.length());
        byte[] b = new byte[14];
        System.arraycopy(DNS, 8, b, 10, 4);
        assertEquals(8, r.emit(b, 2, SRC, DST));
        assertArrayEquals(DNS, Arrays.copyOfRange(b, 2, 14));
        assertEquals(new UdpRepr(5353, 5353, 3), UdpRepr.parse(ODD, 0, ODD.length, ODD_SRC, ODD_DST));
        // Parsing uses the length field, not len, for the checksum.
        byte[] padded = Arrays.copyOf(ODD, 20);
        Arrays.fill(padded, 11, 20, (byte) 0x33);
        assertEquals(new UdpRepr(5353, 5353, 3), UdpRepr.parse(padded, 0, 20, ODD_SRC, ODD_DST));
    }

    @Test
    void reprRejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> UdpRepr.parse(DNS, 0, 11, SRC, DST));
        assertThrows(IllegalArgumentException.class, () -> UdpRepr.parse(DNS, 0, 12, SRC, SRC));
        assertThrows(IllegalArgumentException.class, () -> new UdpRepr(65536, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new UdpRepr(0, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new UdpRepr(0, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> new UdpRepr(0, 0, 65528));
        assertEquals(65535, new UdpRepr(0, 0, 65527).length());
        assertThrows(IndexOutOfBoundsException.class, () -> new UdpRepr(1, 2, 5).emit(new byte[12], 0, SRC, DST));
    }
}
