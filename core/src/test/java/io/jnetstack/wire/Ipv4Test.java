package io.jnetstack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Ipv4Test {

    /**
     * 192.0.2.1 -> 198.51.100.2, UDP, TOS 0xb8 (DSCP 46 EF, Not-ECT), id 0x1234, DF, TTL 64,
     * total length 32 (a 12-byte UDP datagram follows). Checksum 0x3baa, computed independently.
     */
    private static final byte[] PLAIN = WireTestUtil.bytes(
            "45 b8 00 20  12 34 40 00  40 11 3b aa  c0 00 02 01  c6 33 64 02"
            + "  9c 40 00 35 00 0c 00 00  6a 6e 65 74");

    /**
     * IGMPv2 report 10.0.0.5 -> 224.0.0.251, TOS 0xc0, DF, TTL 1, with a Router Alert option
     * (RFC 2113), IHL 6, total 32. Checksum 0xf917. The 8 IGMP bytes are stand-ins.
     */
    private static final byte[] ROUTER_ALERT = WireTestUtil.bytes(
            "46 c0 00 20  00 00 40 00  01 02 f9 17  0a 00 00 05  e0 00 00 fb  94 04 00 00"
            + "  16 00 00 00 00 00 00 00");

    /**
     * A middle fragment (MF, offset 1480) of an ICMP datagram 172.16.5.4 -> 10.9.8.7, TOS 0x02
     * (ECT(0)), id 0xbeef, TTL 255, IHL 10 with options NOP, Record Route (length 11, pointer 4,
     * two empty slots), Router Alert, End of Option List and padding; total 48. Checksum 0x73ee.
     */
    private static final byte[] OPTIONS = WireTestUtil.bytes(
            "4a 02 00 30  be ef 20 b9  ff 01 73 ee  ac 10 05 04  0a 09 08 07"
            + "  01  07 0b 04 00 00 00 00 00 00 00 00  94 04 00 00  00 00 00 00"
            + "  00 00 00 00 00 00 00 00");

    private static final int SRC = 0xC000_0201;
    private static final int DST = 0xC633_6402;

    @Test
    void deconstructPlain() {
        int off = 3;
        byte[] b = WireTestUtil.at(PLAIN, off);
        assertEquals(20, Ipv4.check(b, off, PLAIN.length));
        assertEquals(4, Ipv4.version(b, off));
        assertEquals(5, Ipv4.ihl(b, off));
        assertEquals(20, Ipv4.headerLen(b, off));
        assertEquals(0xb8, Ipv4.tos(b, off));
        assertEquals(46, Ipv4.dscp(b, off));
        assertEquals(Ipv4.ECN_NOT_ECT, Ipv4.ecn(b, off));
        assertEquals(32, Ipv4.totalLength(b, off));
        assertEquals(12, Ipv4.payloadLength(b, off));
        assertEquals(off + 20, Ipv4.payloadOffset(b, off));
        assertEquals(0x1234, Ipv4.id(b, off));
        assertEquals(0x4000, Ipv4.flagsFrag(b, off));
        assertTrue(Ipv4.dontFragment(b, off));
        assertFalse(Ipv4.moreFragments(b, off));
        assertFalse(Ipv4.reservedFlag(b, off));
        assertEquals(0, Ipv4.fragOffset(b, off));
        assertFalse(Ipv4.isFragment(b, off));
        assertEquals(64, Ipv4.ttl(b, off));
        assertEquals(Ipv4.PROTO_UDP, Ipv4.protocol(b, off));
        assertEquals(0x3baa, Ipv4.checksum(b, off));
        assertTrue(Ipv4.checksumOk(b, off));
        assertEquals(SRC, Ipv4.src(b, off));
        assertEquals(DST, Ipv4.dst(b, off));
        assertEquals(0, Ipv4Options.optionsLength(b, off));
        assertEquals(-1, Ipv4Options.firstOption(b, off));
        assertEquals(-1, Ipv4Options.findRouterAlert(b, off));
        assertEquals(0, Ipv4Options.checkOptions(b, off));
    }

    @Test
    void deconstructFragmentWithOptions() {
        byte[] b = OPTIONS;
        assertEquals(40, Ipv4.check(b, 0, b.length));
        assertEquals(10, Ipv4.ihl(b, 0));
        assertEquals(20, Ipv4Options.optionsLength(b, 0));
        assertEquals(8, Ipv4.payloadLength(b, 0));
        assertEquals(Ipv4.ECN_ECT_0, Ipv4.ecn(b, 0));
        assertEquals(0, Ipv4.dscp(b, 0));
        assertFalse(Ipv4.dontFragment(b, 0));
        assertTrue(Ipv4.moreFragments(b, 0));
        assertEquals(1480, Ipv4.fragOffset(b, 0));
        assertTrue(Ipv4.isFragment(b, 0));
        assertEquals(255, Ipv4.ttl(b, 0));
        assertEquals(Ipv4.PROTO_ICMP, Ipv4.protocol(b, 0));
        assertTrue(Ipv4.checksumOk(b, 0));
        assertEquals(0, Ipv4Options.checkOptions(b, 0));
        assertEquals(-1, Ipv4Options.optionErrorPointer(b, 0));
    }

    @Test
    void optionWalk() {
        byte[] b = WireTestUtil.at(OPTIONS, 7);
        int off = 7;
        int p = Ipv4Options.firstOption(b, off);
        assertEquals(20, p);
        assertEquals(Ipv4Options.OPT_NOP, Ipv4Options.optionType(b, off, p));
        assertEquals(1, Ipv4Options.optionLength(b, off, p));
        p = Ipv4Options.nextOption(b, off, p);
        assertEquals(21, p);
        assertEquals(Ipv4Options.OPT_RR, Ipv4Options.optionType(b, off, p));
        assertEquals(11, Ipv4Options.optionLength(b, off, p));
        assertFalse(Ipv4Options.isCopied(Ipv4Options.OPT_RR));
        p = Ipv4Options.nextOption(b, off, p);
        assertEquals(32, p);
        assertEquals(Ipv4Options.OPT_RA, Ipv4Options.optionType(b, off, p));
        assertEquals(4, Ipv4Options.optionLength(b, off, p));
        assertTrue(Ipv4Options.isCopied(Ipv4Options.OPT_RA));
        assertEquals(-1, Ipv4Options.nextOption(b, off, p)); // End of Option List
        assertEquals(32, Ipv4Options.findRouterAlert(b, off));
        assertEquals(0, Ipv4Options.routerAlertValue(b, off, 32));
        assertEquals(21, Ipv4Options.findOption(b, off, Ipv4Options.OPT_RR));
        assertEquals(-1, Ipv4Options.findOption(b, off, Ipv4Options.OPT_TS));
        // Positions outside the options yield nothing.
        assertEquals(-1, Ipv4Options.nextOption(b, off, 19));
        assertEquals(-1, Ipv4Options.nextOption(b, off, 40));
        assertEquals(-1, Ipv4Options.nextOption(b, off, -5));
    }

    @Test
    void routerAlertHeader() {
        byte[] b = ROUTER_ALERT;
        assertEquals(24, Ipv4.check(b, 0, b.length));
        assertTrue(Ipv4.checksumOk(b, 0));
        assertEquals(4, Ipv4Options.optionsLength(b, 0));
        assertEquals(20, Ipv4Options.findRouterAlert(b, 0));
        assertEquals(0, Ipv4Options.checkOptions(b, 0));
        assertEquals(1, Ipv4.ttl(b, 0));
        assertEquals(Ipv4.PROTO_IGMP, Ipv4.protocol(b, 0));
        assertEquals(0xE000_00FB, Ipv4.dst(b, 0));
        assertEquals(0x16, b[Ipv4.payloadOffset(b, 0)]);
    }

    /** A header with IHL for {@code opts} (padded to 4 bytes with zeros) and a valid checksum. */
    private static byte[] withOptions(String opts) {
        byte[] o = WireTestUtil.bytes(opts);
        int olen = (o.length + 3) & ~3;
        byte[] b = new byte[20 + olen];
        System.arraycopy(o, 0, b, 20, o.length);
        Ipv4.writeHeader(b, 0, 0, b.length, 1, 0, 64, Ipv4.PROTO_UDP, SRC, DST);
        Ipv4.setVersionIhl(b, 0, b.length / 4);
        Ipv4.fillChecksum(b, 0);
        assertEquals(b.length, Ipv4.check(b, 0, b.length));
        return b;
    }

    private static void assertOptionError(int err, int pointer, String opts) {
        byte[] b = withOptions(opts);
        assertEquals(err, Ipv4Options.checkOptions(b, 0), opts);
        assertEquals(pointer, Ipv4Options.optionErrorPointer(b, 0), opts);
        // The walker stays inside the header and ends.
        int n = 0;
        for (int p = Ipv4Options.firstOption(b, 0); p >= 0; p = Ipv4Options.nextOption(b, 0, p)) {
            assertTrue(p >= 20 && p + Ipv4Options.optionLength(b, 0, p) <= b.length, opts);
            assertTrue(++n <= 40, opts);
        }
        Ipv4Options.findRouterAlert(b, 0);
    }

    @Test
    void malformedOptionsAreErrorsNotExceptions() {
        // Length 0 and 1.
        assertOptionError(Ipv4Options.ERR_OPT_LENGTH, 21, "44 00 05 00");
        assertOptionError(Ipv4Options.ERR_OPT_LENGTH, 22, "01 83 01 00");
        // Running past the header: RR claims 12 bytes in an 8-byte option area.
        assertOptionError(Ipv4Options.ERR_OPT_TRUNCATED, 21, "07 0c 04 00 00 00 00 00");
        // An unknown option's length also must fit.
        assertOptionError(Ipv4Options.ERR_OPT_TRUNCATED, 23, "01 01 1e 03");
        // Type in the last byte with no room for its length.
        assertOptionError(Ipv4Options.ERR_OPT_TRUNCATED, 23, "01 01 01 94");
        // Router Alert of the wrong length.
        assertOptionError(Ipv4Options.ERR_OPT_LENGTH, 21, "94 06 00 00 00 00 00 00");
        assertOptionError(Ipv4Options.ERR_OPT_LENGTH, 21, "94 02 00 00");
        // Record route: pointer below 4, pointing at a partial slot, too short.
        assertOptionError(Ipv4Options.ERR_OPT_POINTER, 22, "07 07 03 00 00 00 00 00");
        assertOptionError(Ipv4Options.ERR_OPT_POINTER, 22, "07 09 08 00 00 00 00 00 00 00 00 00");
        assertOptionError(Ipv4Options.ERR_OPT_LENGTH, 21, "07 02 00 00");
        // Timestamp: too short, pointer below 5, partial 8-byte slot with flag 1.
        assertOptionError(Ipv4Options.ERR_OPT_LENGTH, 21, "44 03 05 00");
        assertOptionError(Ipv4Options.ERR_OPT_POINTER, 22, "44 08 04 00 00 00 00 00");
        assertOptionError(Ipv4Options.ERR_OPT_POINTER, 22, "44 0c 09 01 00 00 00 00 00 00 00 00");
        // Duplicates: two record routes, a loose and a strict source route.
        assertOptionError(Ipv4Options.ERR_OPT_DUPLICATE, 23, "07 03 04 07 03 04 00 00");
        assertOptionError(Ipv4Options.ERR_OPT_DUPLICATE, 27, "83 07 08 00 00 00 00 89 03 04 00 00");
        assertEquals("option-duplicate", Ipv4.checkName(Ipv4Options.ERR_OPT_DUPLICATE));
    }

    @Test
    void wellFormedOptionVariants() {
        // Full record route (pointer past the length), full and empty timestamps, security.
        assertOptionError(0, -1, "07 07 08 0a 00 00 01 00");
        assertOptionError(0, -1, "44 0c 0d 11 00 00 00 01 00 00 00 02");
        assertOptionError(0, -1, "44 0c 05 01 00 00 00 00 00 00 00 00");
        assertOptionError(0, -1, "82 0b 00 00 00 00 00 00 00 00 00 00");
        // Junk after End of Option List is ignored, as are unknown options.
        assertOptionError(0, -1, "1e 02 00 ff");
        // RR and a source route together are fine.
        assertOptionError(0, -1, "07 07 04 00 00 00 00 83 07 04 00 00 00 00 00 00");
        // RA after a NOP run.
        byte[] b = withOptions("01 01 01 01 94 04 00 01");
        assertEquals(24, Ipv4Options.findRouterAlert(b, 0));
        assertEquals(1, Ipv4Options.routerAlertValue(b, 0, 24));
        // An RA of the wrong length is not reported as one.
        assertEquals(-1, Ipv4Options.findRouterAlert(withOptions("94 08 00 00 00 00 00 00"), 0));
        // The walker stops at a malformed option, hiding what follows.
        assertEquals(-1, Ipv4Options.findRouterAlert(withOptions("07 00 94 04 00 00 00 00"), 0));
    }

    @Test
    void checkOptionsOnUncheckedHeaders() {
        assertEquals(Ipv4.ERR_BOUNDS, Ipv4Options.checkOptions(null, 0));
        assertEquals(Ipv4.ERR_BOUNDS, Ipv4Options.checkOptions(new byte[19], 0));
        assertEquals(Ipv4.ERR_BOUNDS, Ipv4Options.checkOptions(new byte[40], -1));
        byte[] b = PLAIN.clone();
        b[0] = 0x4f; // claims 60 bytes in a 32-byte buffer
        assertEquals(Ipv4.ERR_BOUNDS, Ipv4Options.checkOptions(b, 0));
        b[0] = 0x43;
        assertEquals(Ipv4.ERR_IHL, Ipv4Options.checkOptions(b, 0));
        assertEquals(-1, Ipv4Options.optionErrorPointer(b, 0));
    }

    @Test
    void checkErrors() {
        assertEquals(Ipv4.ERR_BOUNDS, Ipv4.check(null, 0, 20));
        assertEquals(Ipv4.ERR_BOUNDS, Ipv4.check(PLAIN, -1, 20));
        assertEquals(Ipv4.ERR_BOUNDS, Ipv4.check(PLAIN, 0, -1));
        assertEquals(Ipv4.ERR_BOUNDS, Ipv4.check(PLAIN, 13, 20));
        assertEquals(Ipv4.ERR_BOUNDS, Ipv4.check(PLAIN, Integer.MAX_VALUE, Integer.MAX_VALUE));
        assertEquals(Ipv4.ERR_TRUNCATED, Ipv4.check(PLAIN, 0, 19));
        assertEquals(Ipv4.ERR_TRUNCATED, Ipv4.check(PLAIN, 0, 0));

        byte[] b = PLAIN.clone();
        b[0] = 0x65;
        assertEquals(Ipv4.ERR_VERSION, Ipv4.check(b, 0, b.length));
        b[0] = 0x44;
        assertEquals(Ipv4.ERR_IHL, Ipv4.check(b, 0, b.length));
        b[0] = 0x40;
        assertEquals(Ipv4.ERR_IHL, Ipv4.check(b, 0, b.length));

        assertEquals(Ipv4.ERR_HDR_TRUNCATED, Ipv4.check(ROUTER_ALERT, 0, 23));
        assertEquals(Ipv4.ERR_HDR_TRUNCATED, Ipv4.check(OPTIONS, 0, 39));

        b = PLAIN.clone();
        b[3] = 19;
        assertEquals(Ipv4.ERR_TOTAL_LEN, Ipv4.check(b, 0, b.length));
        b[3] = 20; // a header with no data is fine
        assertEquals(20, Ipv4.check(b, 0, b.length));
        assertEquals(Ipv4.ERR_PKT_TRUNCATED, Ipv4.check(PLAIN, 0, 31));
        assertEquals(Ipv4.ERR_PKT_TRUNCATED, Ipv4.check(PLAIN, 0, 20));
        // Padding beyond Total Length is allowed.
        byte[] padded = Arrays.copyOf(PLAIN, 60);
        assertEquals(20, Ipv4.check(padded, 0, 60));

        assertEquals("ok", Ipv4.checkName(20));
        assertEquals("ok", Ipv4.checkName(0));
        assertEquals("version", Ipv4.checkName(Ipv4.ERR_VERSION));
        assertEquals("packet-truncated", Ipv4.checkName(Ipv4.ERR_PKT_TRUNCATED));
        assertEquals("unknown(-99)", Ipv4.checkName(-99));
    }

    @Test
    void checksum() {
        byte[] b = PLAIN.clone();
        b[11] ^= 1;
        assertFalse(Ipv4.checksumOk(b, 0));
        assertEquals(0x3baa, Ipv4.fillChecksum(b, 0));
        assertArrayEquals(PLAIN, b);
        b = OPTIONS.clone();
        b[25] = 9; // inside the options: covered by the checksum
        assertFalse(Ipv4.checksumOk(b, 0));
        Ipv4.fillChecksum(b, 0);
        assertTrue(Ipv4.checksumOk(b, 0));
        // The data is not covered.
        b = PLAIN.clone();
        b[25] = 9;
        assertTrue(Ipv4.checksumOk(b, 0));
    }

    @Test
    void construct() {
        byte[] b = PLAIN.clone();
        Arrays.fill(b, 0, 20, (byte) 0x5a);
        assertEquals(20, Ipv4.writeHeader(b, 0, 0xb8, 32, 0x1234, Ipv4.FLAG_DF, 64, Ipv4.PROTO_UDP, SRC, DST));
        assertArrayEquals(PLAIN, b);

        byte[] o = new byte[OPTIONS.length];
        System.arraycopy(OPTIONS, 20, o, 20, OPTIONS.length - 20);
        Ipv4.setVersionIhl(o, 0, 10);
        Ipv4.setDscp(o, 0, 0);
        Ipv4.setEcn(o, 0, Ipv4.ECN_ECT_0);
        Ipv4.setTotalLength(o, 0, 48);
        Ipv4.setId(o, 0, 0xbeef);
        Ipv4.setMoreFragments(o, 0, true);
        Ipv4.setFragOffset(o, 0, 1480);
        Ipv4.setTtl(o, 0, 255);
        Ipv4.setProtocol(o, 0, Ipv4.PROTO_ICMP);
        Ipv4.setSrc(o, 0, Ipv4Address.parse("172.16.5.4"));
        Ipv4.setDst(o, 0, Ipv4Address.parse("10.9.8.7"));
        assertEquals(0x73ee, Ipv4.fillChecksum(o, 0));
        assertArrayEquals(OPTIONS, o);
    }

    @Test
    void setters() {
        byte[] b = PLAIN.clone();
        Ipv4.setDscp(b, 0, 10);
        Ipv4.setEcn(b, 0, Ipv4.ECN_ECT_1);
        assertEquals((10 << 2) | 1, Ipv4.tos(b, 0));
        Ipv4.setEcn(b, 0, Ipv4.ECN_CE);
        assertEquals(10, Ipv4.dscp(b, 0));
        Ipv4.setTos(b, 0, 0xff);
        assertEquals(63, Ipv4.dscp(b, 0));
        Ipv4.setDontFragment(b, 0, false);
        Ipv4.setMoreFragments(b, 0, true);
        Ipv4.setFragOffset(b, 0, Ipv4.MAX_FRAG_OFFSET);
        assertEquals(0x3fff, Ipv4.flagsFrag(b, 0));
        Ipv4.setFragOffset(b, 0, 8);
        Ipv4.setDontFragment(b, 0, true);
        Ipv4.setMoreFragments(b, 0, false);
        assertEquals(0x4001, Ipv4.flagsFrag(b, 0));
        assertTrue(Ipv4.isFragment(b, 0));
        Ipv4.setFlagsFrag(b, 0, 0x8000);
        assertTrue(Ipv4.reservedFlag(b, 0));
        Ipv4.setChecksum(b, 0, 0xabcd);
        assertEquals(0xabcd, Ipv4.checksum(b, 0));
        assertThrows(IllegalArgumentException.class, () -> Ipv4.setFragOffset(PLAIN.clone(), 0, 12));
        assertThrows(IllegalArgumentException.class, () -> Ipv4.setFragOffset(PLAIN.clone(), 0, 65536));
        assertThrows(IllegalArgumentException.class, () -> Ipv4.setFragOffset(PLAIN.clone(), 0, -8));
    }

    @Test
    void decrementTtlKnownValue() {
        byte[] b = PLAIN.clone();
        assertEquals(63, Ipv4.decrementTtl(b, 0));
        assertEquals(63, Ipv4.ttl(b, 0));
        assertEquals(0x3caa, Ipv4.checksum(b, 0));
        assertTrue(Ipv4.checksumOk(b, 0));
        byte[] z = PLAIN.clone();
        Ipv4.setTtl(z, 0, 0);
        Ipv4.fillChecksum(z, 0);
        byte[] before = z.clone();
        assertEquals(-1, Ipv4.decrementTtl(z, 0));
        assertArrayEquals(before, z);
        Ipv4.setTtl(z, 0, 1);
        Ipv4.fillChecksum(z, 0);
        assertEquals(0, Ipv4.decrementTtl(z, 0));
        assertTrue(Ipv4.checksumOk(z, 0));
    }

    /** Every checksum value: vary the id over all 65536 values, so the stored sum takes each value. */
    @Test
    void decrementTtlMatchesRecomputationForEveryChecksum() {
        byte[] b = PLAIN.clone();
        boolean sawWrap = false;
        for (int id = 0; id <= 0xFFFF; id++) {
            Ipv4.setId(b, 0, id);
            int before = Ipv4.fillChecksum(b, 0);
            sawWrap |= before == 0xFEFF;
            byte[] expected = b.clone();
            Ipv4.setTtl(expected, 0, 63);
            Ipv4.fillChecksum(expected, 0);
            Ipv4.decrementTtl(b, 0);
            assertArrayEquals(expected, b, "id " + id);
            assertEquals(Checksum.update16(before, 0x4011, 0x3f11), Ipv4.checksum(b, 0));
            Ipv4.setTtl(b, 0, 64);
        }
        assertTrue(sawWrap);
    }

    @Test
    void decrementTtlMatchesRecomputationOnRandomHeaders() {
        SplittableRandom rng = new SplittableRandom(791);
        for (int i = 0; i < 100_000; i++) {
            int hlen = 20 + 4 * rng.nextInt(11);
            byte[] b = new byte[hlen + 2];
            rng.nextBytes(b);
            Ipv4.setVersionIhl(b, 1, hlen / 4);
            Ipv4.setTtl(b, 1, 1 + rng.nextInt(255));
            Ipv4.fillChecksum(b, 1);
            byte[] expected = b.clone();
            Ipv4.setTtl(expected, 1, Ipv4.ttl(b, 1) - 1);
            Ipv4.fillChecksum(expected, 1);
            Ipv4.decrementTtl(b, 1);
            assertArrayEquals(expected, b);
            assertTrue(Ipv4.checksumOk(b, 1));
        }
    }

    @Test
    void setCe() {
        byte[] b = PLAIN.clone();
        assertFalse(Ipv4.setCe(b, 0)); // Not-ECT
        assertArrayEquals(PLAIN, b);
        SplittableRandom rng = new SplittableRandom(3168);
        for (int i = 0; i < 10_000; i++) {
            rng.nextBytes(b);
            Ipv4.setVersionIhl(b, 0, 5);
            int ecn = 1 + rng.nextInt(3);
            Ipv4.setEcn(b, 0, ecn);
            Ipv4.fillChecksum(b, 0);
            byte[] expected = b.clone();
            Ipv4.setEcn(expected, 0, Ipv4.ECN_CE);
            Ipv4.fillChecksum(expected, 0);
            assertTrue(Ipv4.setCe(b, 0));
            assertArrayEquals(expected, b);
        }
    }

    @Test
    void reprParse() {
        Ipv4Repr plain = Ipv4Repr.parse(PLAIN, 0, PLAIN.length);
        assertEquals(new Ipv4Repr(SRC, DST, Ipv4.PROTO_UDP, 0xb8, 64, 0x1234, true, false, 0, 12, new byte[0]),
                plain);
        assertEquals(20, plain.headerLen());
        assertEquals(32, plain.totalLength());

        Ipv4Repr frag = Ipv4Repr.parse(OPTIONS, 0, OPTIONS.length);
        assertEquals(Ipv4Address.parse("172.16.5.4"), frag.src());
        assertTrue(frag.moreFragments());
        assertEquals(1480, frag.fragOffset());
        assertEquals(8, frag.payloadLength());
        assertArrayEquals(Arrays.copyOfRange(OPTIONS, 20, 40), frag.options());
        assertEquals(40, frag.headerLen());

        Ipv4Repr ra = Ipv4Repr.parse(WireTestUtil.at(ROUTER_ALERT, 5), 5, ROUTER_ALERT.length);
        assertArrayEquals(WireTestUtil.bytes("94 04 00 00"), ra.options());
    }

    @Test
    void reprEmitRoundTrip() {
        for (byte[] pkt : new byte[][] {PLAIN, ROUTER_ALERT, OPTIONS}) {
            Ipv4Repr r = Ipv4Repr.parse(pkt, 0, pkt.length);
            byte[] out = new byte[r.headerLen() + 2];
            assertEquals(r.headerLen(), r.emit(out, 2));
            assertArrayEquals(Arrays.copyOf(pkt, r.headerLen()), Arrays.copyOfRange(out, 2, out.length));
            assertEquals(r, Ipv4Repr.parse(Arrays.copyOf(out, out.length + r.payloadLength()), 2,
                    r.totalLength()));
        }
        Ipv4Repr simple = Ipv4Repr.of(SRC, DST, Ipv4.PROTO_TCP, 64, 100);
        byte[] out = new byte[120];
        simple.emit(out, 0);
        assertEquals(20, Ipv4.check(out, 0, out.length));
        assertTrue(Ipv4.checksumOk(out, 0));
        assertEquals(120, Ipv4.totalLength(out, 0));
        assertEquals(simple, Ipv4Repr.parse(out, 0, out.length));
    }

    @Test
    void reprValueSemantics() {
        byte[] opts = WireTestUtil.bytes("94 04 00 00");
        Ipv4Repr a = new Ipv4Repr(SRC, DST, 2, 0, 1, 0, true, false, 0, 8, opts);
        opts[0] = 0; // copied in
        Ipv4Repr b = new Ipv4Repr(SRC, DST, 2, 0, 1, 0, true, false, 0, 8, WireTestUtil.bytes("94 04 00 00"));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        a.options()[0] = 0; // copied out
        assertEquals(a, b);
        assertNotEquals(a, Ipv4Repr.of(SRC, DST, 2, 1, 8));
        assertTrue(a.toString().contains("src=192.0.2.1"), a.toString());
        assertTrue(a.toString().contains("options=94040000"), a.toString());
    }

    @Test
    void reprRejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> Ipv4Repr.parse(PLAIN, 0, 19));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Repr.parse(PLAIN, 0, 31));
        byte[] bad = PLAIN.clone();
        bad[8] = 1; // TTL changed, checksum stale
        assertThrows(IllegalArgumentException.class, () -> Ipv4Repr.parse(bad, 0, bad.length));
        byte[] evil = PLAIN.clone();
        Ipv4.setFlagsFrag(evil, 0, 0xC000);
        Ipv4.fillChecksum(evil, 0);
        assertThrows(IllegalArgumentException.class, () -> Ipv4Repr.parse(evil, 0, evil.length));
        byte[] none = new byte[0];
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Repr(0, 0, 256, 0, 0, 0, false, false, 0, 0, none));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Repr(0, 0, 0, -1, 0, 0, false, false, 0, 0, none));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Repr(0, 0, 0, 0, 256, 0, false, false, 0, 0, none));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Repr(0, 0, 0, 0, 0, 65536, false, false, 0, 0, none));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Repr(0, 0, 0, 0, 0, 0, false, false, 4, 0, none));
        assertThrows(IllegalArgumentException.class,
                () -> new Ipv4Repr(0, 0, 0, 0, 0, 0, false, false, 0, 65516, none));
        assertThrows(IllegalArgumentException.class,
                () -> new Ipv4Repr(0, 0, 0, 0, 0, 0, false, false, 0, 0, new byte[3]));
        assertThrows(IllegalArgumentException.class,
                () -> new Ipv4Repr(0, 0, 0, 0, 0, 0, false, false, 0, 0, new byte[44]));
        assertThrows(NullPointerException.class, () -> new Ipv4Repr(0, 0, 0, 0, 0, 0, false, false, 0, 0, null));
        assertEquals(65515, new Ipv4Repr(0, 0, 0, 0, 0, 0, false, false, 0, 65515, none).payloadLength());
        assertThrows(IndexOutOfBoundsException.class, () -> Ipv4Repr.of(SRC, DST, 6, 64, 0).emit(new byte[19], 0));
    }

    @Test
    void names() {
        assertEquals("TCP", Ipv4.protocolName(6));
        assertEquals("ICMP", Ipv4.protocolName(Ipv4.PROTO_ICMP));
        assertEquals("99", Ipv4.protocolName(99));
        assertEquals(1, Ipv4.PROTO_ICMP);
        assertEquals(2, Ipv4.PROTO_IGMP);
        assertEquals(47, Ipv4.PROTO_GRE);
        assertEquals(50, Ipv4.PROTO_ESP);
        assertEquals(51, Ipv4.PROTO_AH);
        assertEquals(255, Ipv4.PROTO_RAW);
        assertEquals(65528, Ipv4.MAX_FRAG_OFFSET);
    }
}
