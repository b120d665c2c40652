package io.jnetstack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Ipv4AddressTest {

    private static int a(String s) {
        return Ipv4Address.parse(s);
    }

    @Test
    void parseAndFormat() {
        assertEquals(0xC000_0201, a("192.0.2.1"));
        assertEquals(0, a("0.0.0.0"));
        assertEquals(-1, a("255.255.255.255"));
        assertEquals(0x7F00_0001, a("127.0.0.1"));
        assertEquals(0x0A00_00FF, a("10.0.0.255"));
        assertEquals("192.0.2.1", Ipv4Address.format(0xC000_0201));
        assertEquals("255.255.255.255", Ipv4Address.format(Ipv4Address.BROADCAST));
        assertEquals("0.0.0.0", Ipv4Address.format(Ipv4Address.ANY));
        assertEquals("10.20.30.40", Ipv4Address.format(0x0A14_1E28));
    }

    @Test
    void parseFormatRoundTrip() {
        SplittableRandom rng = new SplittableRandom(4);
        for (int i = 0; i < 10_000; i++) {
            int v = rng.nextInt();
            assertEquals(v, a(Ipv4Address.format(v)));
        }
    }

    @Test
    void parseRejectsMalformed() {
        for (String bad : new String[] {"", "1", "1.2.3", "1.2.3.4.", "1.2.3.4.5", ".1.2.3", "1..2.3",
            "256.0.0.1", "1.2.3.256", "1.2.3.1000", "01.2.3.4", "1.2.3.00", "1.2.3.-4", "+1.2.3.4",
            " 1.2.3.4", "1.2.3.4 ", "1.2.3.4/8", "0x1.2.3.4", "1.2.3.a", "1.2.3.\u0664", "1,2,3,4",
            "16909060", "1.2.3.4\n"}) {
            assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(bad), bad);
        }
    }

    @Test
    void readWrite() {
        byte[] b = {9, (byte) 198, 51, 100, 7, 9};
        assertEquals(a("198.51.100.7"), Ipv4Address.read(b, 1));
        byte[] out = new byte[6];
        out[0] = 9;
        out[5] = 9;
        Ipv4Address.write(out, 1, 0xC633_6407);
        assertArrayEquals(b, out);
    }

    @Test
    void masks() {
        assertEquals(0, Ipv4Address.prefixMask(0));
        assertEquals(0x8000_0000, Ipv4Address.prefixMask(1));
        assertEquals(0xFF00_0000, Ipv4Address.prefixMask(8));
        assertEquals(0xFFF0_0000, Ipv4Address.prefixMask(12));
        assertEquals(0xFFFF_FF00, Ipv4Address.prefixMask(24));
        assertEquals(0xFFFF_FFFE, Ipv4Address.prefixMask(31));
        assertEquals(0xFFFF_FFFF, Ipv4Address.prefixMask(32));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.prefixMask(-1));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.prefixMask(33));
        for (int len = 0; len <= 32; len++) {
            assertEquals(len, Ipv4Address.maskLength(Ipv4Address.prefixMask(len)));
        }
        assertEquals(-1, Ipv4Address.maskLength(0xFF00_FF00));
        assertEquals(-1, Ipv4Address.maskLength(0x0000_00FF));
        assertEquals(-1, Ipv4Address.maskLength(0x7FFF_FFFF));
    }

    @Test
    void inPrefix() {
        assertTrue(Ipv4Address.inPrefix(a("10.1.2.3"), a("10.0.0.0"), 8));
        assertFalse(Ipv4Address.inPrefix(a("11.1.2.3"), a("10.0.0.0"), 8));
        assertTrue(Ipv4Address.inPrefix(a("203.0.113.9"), a("1.2.3.4"), 0));
        assertTrue(Ipv4Address.inPrefix(a("192.0.2.1"), a("192.0.2.1"), 32));
        assertFalse(Ipv4Address.inPrefix(a("192.0.2.2"), a("192.0.2.1"), 32));
        assertTrue(Ipv4Address.inPrefix(a("192.0.2.200"), a("192.0.2.7"), 24)); // host bits ignored
        assertTrue(Ipv4Address.inPrefix(a("172.31.255.255"), a("172.16.0.0"), 12));
        assertFalse(Ipv4Address.inPrefix(a("172.32.0.0"), a("172.16.0.0"), 12));
    }

    @Test
    void classification() {
        assertTrue(Ipv4Address.isZeronet(a("0.0.0.0")));
        assertTrue(Ipv4Address.isZeronet(a("0.255.1.2")));
        assertFalse(Ipv4Address.isZeronet(a("1.0.0.0")));

        assertTrue(Ipv4Address.isLoopback(a("127.0.0.1")));
        assertTrue(Ipv4Address.isLoopback(a("127.255.255.255")));
        assertFalse(Ipv4Address.isLoopback(a("128.0.0.1")));
        assertFalse(Ipv4Address.isLoopback(a("126.255.255.255")));

        assertTrue(Ipv4Address.isMulticast(a("224.0.0.1")));
        assertTrue(Ipv4Address.isMulticast(a("239.255.255.255")));
        assertFalse(Ipv4Address.isMulticast(a("223.255.255.255")));
        assertFalse(Ipv4Address.isMulticast(a("240.0.0.0")));
        assertTrue(Ipv4Address.isLocalMulticast(Ipv4Address.ALL_ROUTERS));
        assertFalse(Ipv4Address.isLocalMulticast(a("224.0.1.1")));

        assertTrue(Ipv4Address.isLbcast(a("255.255.255.255")));
        assertFalse(Ipv4Address.isLbcast(a("255.255.255.254")));

        assertTrue(Ipv4Address.isLinkLocal(a("169.254.0.1")));
        assertFalse(Ipv4Address.isLinkLocal(a("169.253.255.255")));
        assertFalse(Ipv4Address.isLinkLocal(a("169.255.0.0")));

        for (String p : new String[] {"10.0.0.0", "10.255.255.255", "172.16.0.0", "172.31.255.255",
            "192.168.0.0", "192.168.255.255"}) {
            assertTrue(Ipv4Address.isPrivate(a(p)), p);
        }
        for (String p : new String[] {"9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0",
            "192.167.255.255", "192.169.0.0"}) {
            assertFalse(Ipv4Address.isPrivate(a(p)), p);
        }

        for (String t : new String[] {"192.0.2.0", "192.0.2.255", "198.51.100.1", "203.0.113.254"}) {
            assertTrue(Ipv4Address.isDocumentation(a(t)), t);
            assertTrue(Ipv4Address.isTestNet(a(t)), t);
            assertFalse(Ipv4Address.isBenchmark(a(t)), t);
        }
        for (String t : new String[] {"198.18.0.0", "198.19.255.255"}) {
            assertTrue(Ipv4Address.isBenchmark(a(t)), t);
            assertTrue(Ipv4Address.isTestNet(a(t)), t);
            assertFalse(Ipv4Address.isDocumentation(a(t)), t);
        }
        for (String t : new String[] {"192.0.3.0", "192.0.1.255", "198.51.101.0", "203.0.112.255",
            "198.17.255.255", "198.20.0.0"}) {
            assertFalse(Ipv4Address.isTestNet(a(t)), t);
        }

        assertTrue(Ipv4Address.isReserved(a("240.0.0.0")));
        assertTrue(Ipv4Address.isReserved(a("255.255.255.254")));
        assertTrue(Ipv4Address.isReserved(Ipv4Address.BROADCAST));
        assertFalse(Ipv4Address.isReserved(a("239.255.255.255")));
    }

    @Test
    void prefixParseAndFormat() {
        Ipv4Prefix p = Ipv4Prefix.parse("10.0.0.0/8");
        assertEquals(new Ipv4Prefix(0x0A00_0000, 8), p);
        assertEquals("10.0.0.0/8", p.toString());
        assertEquals("192.168.1.5/24", Ipv4Prefix.parse("192.168.1.5/24").toString());
        assertEquals(new Ipv4Prefix(0, 0), Ipv4Prefix.parse("0.0.0.0/0"));
        assertEquals(new Ipv4Prefix(-1, 32), Ipv4Prefix.parse("255.255.255.255/32"));
        for (String bad : new String[] {"10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/08", "10.0.0.0/-1",
            "10.0.0/8", "10.0.0.0/8/8", "/8", "10.0.0.0/ 8", "10.0.0.0/100", "10.0.0.0 /8"}) {
            assertThrows(IllegalArgumentException.class, () -> Ipv4Prefix.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Prefix(0, 33));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Prefix(0, -1));
    }

    @Test
    void prefixArithmetic() {
        Ipv4Prefix p = Ipv4Prefix.parse("192.168.1.5/24");
        assertEquals(a("192.168.1.0"), p.network());
        assertEquals(a("192.168.1.255"), p.broadcast());
        assertEquals(0xFFFF_FF00, p.mask());
        assertEquals(Ipv4Prefix.parse("192.168.1.0/24"), p.canonical());
        assertTrue(p.contains(a("192.168.1.0")));
        assertTrue(p.contains(a("192.168.1.255")));
        assertFalse(p.contains(a("192.168.2.0")));

        Ipv4Prefix any = Ipv4Prefix.parse("0.0.0.0/0");
        assertEquals(0, any.network());
        assertEquals(-1, any.broadcast());
        assertTrue(any.contains(a("8.8.8.8")));
        assertTrue(any.contains(Ipv4Address.BROADCAST));

        Ipv4Prefix host = Ipv4Prefix.parse("198.51.100.7/32");
        assertEquals(a("198.51.100.7"), host.network());
        assertEquals(a("198.51.100.7"), host.broadcast());
        assertTrue(host.contains(a("198.51.100.7")));
        assertFalse(host.contains(a("198.51.100.6")));

        Ipv4Prefix p12 = Ipv4Prefix.parse("172.20.3.4/12");
        assertEquals(a("172.16.0.0"), p12.network());
        assertEquals(a("172.31.255.255"), p12.broadcast());

        Ipv4Prefix p31 = Ipv4Prefix.parse("10.0.0.1/31");
        assertEquals(a("10.0.0.0"), p31.network());
        assertEquals(a("10.0.0.1"), p31.broadcast());
    }
}
