package io.jnetstack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The IGMP view against fixed bytes. Checksums computed by hand (RFC 1071). */
class IgmpWireTest {

    /** IGMPv2 general query, max resp time 10 s (code 100). */
    private static final byte[] GENERAL_QUERY = WireTestUtil.bytes("11 64 ee 9b  00 00 00 00");

    /** IGMPv2 membership report for 239.1.2.3. */
    private static final byte[] REPORT = WireTestUtil.bytes("16 00 f8 fa  ef 01 02 03");

    /** Leave group for 239.1.2.3. */
    private static final byte[] LEAVE = WireTestUtil.bytes("17 00 f7 fa  ef 01 02 03");

    @Test
    void deconstructAGeneralQuery() {
        byte[] b = WireTestUtil.at(GENERAL_QUERY, 5);
        assertEquals(Igmp.HEADER_LEN, Igmp.check(b, 5, 8));
        assertEquals(Igmp.MEMBERSHIP_QUERY, Igmp.type(b, 5));
        assertEquals(100, Igmp.maxRespCode(b, 5));
        assertEquals(0, Igmp.group(b, 5));
        assertEquals(0xee9b, Igmp.checksum(b, 5));
        assertTrue(Igmp.checksumOk(b, 5, 8));
    }

    @Test
    void deconstructAReport() {
        assertEquals(Igmp.V2_MEMBERSHIP_REPORT, Igmp.type(REPORT, 0));
        assertEquals(Ipv4Address.parse("239.1.2.3"), Igmp.group(REPORT, 0));
        assertTrue(Igmp.checksumOk(REPORT, 0, 8));
        byte[] bad = REPORT.clone();
        bad[7] ^= 1;
        assertFalse(Igmp.checksumOk(bad, 0, 8));
    }

    @Test
    void constructReportLeaveAndQuery() {
        int g = Ipv4Address.parse("239.1.2.3");
        byte[] b = new byte[8];
        assertEquals(8, Igmp.write(b, 0, Igmp.V2_MEMBERSHIP_REPORT, 0, g));
        assertArrayEquals(REPORT, b);
        Igmp.write(b, 0, Igmp.LEAVE_GROUP, 0, g);
        assertArrayEquals(LEAVE, b);
        Igmp.write(b, 0, Igmp.MEMBERSHIP_QUERY, 100, 0);
        assertArrayEquals(GENERAL_QUERY, b);
    }

    @Test
    void checkRefusesShortAndOutOfBounds() {
        assertEquals(Igmp.ERR_TRUNCATED, Igmp.check(REPORT, 0, 7));
        assertEquals(Igmp.ERR_BOUNDS, Igmp.check(REPORT, 4, 8));
        assertEquals(Igmp.ERR_BOUNDS, Igmp.check(null, 0, 8));
        assertEquals(Igmp.ERR_BOUNDS, Igmp.check(REPORT, -1, 8));
    }

    @Test
    void v3MaxRespCodeIsFloatingPointFrom128() {
        assertEquals(0, Igmp.v3MaxRespTenths(0));
        assertEquals(100, Igmp.v3MaxRespTenths(100));
        assertEquals(127, Igmp.v3MaxRespTenths(127));
        assertEquals(0x10 << 3, Igmp.v3MaxRespTenths(0x80), "exp 0, mant 0: 128");
        assertEquals(0x1f << 10, Igmp.v3MaxRespTenths(0xff), "exp 7, mant 15: 31744");
    }

    @Test
    void names() {
        assertEquals("v2 report", Igmp.name(0x16));
        assertEquals("type 0x42", Igmp.name(0x42));
    }
}
