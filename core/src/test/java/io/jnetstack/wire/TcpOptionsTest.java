package io.jnetstack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** TCP options: parsing as Linux does, on the segments of {@link TcpTest} and on hostile bytes; writing. */
class TcpOptionsTest {

    /** The options of {@code opts} parsed from a header of 20 zero bytes followed by them. */
    private static TcpOptions parseOpts(String hex) {
        byte[] o = WireTestUtil.bytes(hex);
        assertEquals(0, o.length % 4, "options must fill whole words");
        byte[] b = new byte[20 + o.length];
        System.arraycopy(o, 0, b, 20, o.length);
        b[12] = (byte) ((b.length / 4) << 4);
        TcpOptions t = new TcpOptions();
        t.parse(b, 0);
        return t;
    }

    private static String format(byte[] b, int start, int len) {
        return TcpOptions.format(b, start, len, new StringBuilder()).toString();
    }

    private static String format(String hex) {
        byte[] b = WireTestUtil.bytes(hex);
        return format(b, 0, b.length);
    }

    @Test
    void linuxSyn() {
        TcpOptions t = new TcpOptions();
        t.parse(WireTestUtil.at(TcpTest.SYN, 7), 7);
        assertEquals(1460, t.mss);
        assertEquals(7, t.wscale);
        assertTrue(t.sackOk);
        assertTrue(t.hasTimestamps);
        assertEquals(1, t.tsVal);
        assertEquals(0, t.tsEcr);
        assertEquals(0, t.sackCount);
        assertFalse(t.sawUnknown);
        assertFalse(t.malformed);
        assertEquals("mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7", t.toString());

        t.parse(TcpTest.SYN_ACK, 0);
        assertEquals(1460, t.mss);
        assertEquals(2000, t.tsVal);
        assertEquals(1, t.tsEcr);
        assertEquals(7, t.wscale);
    }

    @Test
    void dataAndSack() {
        TcpOptions t = new TcpOptions();
        t.parse(TcpTest.DATA, 0);
        assertTrue(t.hasTimestamps);
        assertEquals(1010, t.tsVal);
        assertEquals(2000, t.tsEcr);
        assertEquals(0, t.mss);
        assertEquals(-1, t.wscale);
        assertFalse(t.sackOk);
        assertEquals("nop,nop,TS val 1010 ecr 2000", t.toString());

        t.parse(TcpTest.SACK, 0);
        assertEquals(2100, t.tsVal);
        assertEquals(1010, t.tsEcr);
        assertEquals(2, t.sackCount);
        assertEquals(2001, t.sackLeft[0]);
        assertEquals(3001, t.sackRight[0]);
        assertEquals(4001, t.sackLeft[1]);
        assertEquals(5001, t.sackRight[1]);
        assertEquals("nop,nop,TS val 2100 ecr 1010,nop,nop,sack 2001:3001 4001:5001",
                format(TcpTest.SACK, 20, 32));
    }

    @Test
    void noOptions() {
        TcpOptions t = new TcpOptions().timestamps(1, 2).addSack(3, 4);
        t.mss = 5;
        byte[] b = new byte[20];
        b[12] = 0x50;
        t.parse(b, 0);
        assertEquals(new TcpOptions().toString(), t.toString());
        assertEquals(0, t.length());
        assertEquals("", t.toString());
        assertFalse(t.malformed);
        // A Data Offset below 5 (which check rejects) reads no options either.
        b[12] = 0x30;
        t.parse(b, 0);
        assertFalse(t.hasTimestamps || t.malformed);
    }

    @Test
    void alignedTimestampsAndOtherTwelveByteLayouts() {
        // The fast path and the full walk agree.
        TcpOptions t = parseOpts("01 01 08 0a  ff ff ff fe  80 00 00 00");
        assertTrue(t.hasTimestamps);
        assertEquals(0xfffffffe, t.tsVal);
        assertEquals(0x80000000, t.tsEcr);
        assertEquals("nop,nop,TS val 4294967294 ecr 2147483648", t.toString());
        t = parseOpts("08 0a 00 00  00 05 00 00  00 06 01 01");
        assertTrue(t.hasTimestamps);
        assertEquals(5, t.tsVal);
        assertEquals(6, t.tsEcr);
        t = parseOpts("08 0a 00 00  00 05 00 00  00 06 00 00");
        assertEquals(5, t.tsVal);
        assertFalse(t.malformed);
    }

    // ---- hostile options, each with what Linux's tcp_parse_options() makes of it ----

    @Test
    void zeroLengthStopsParsing() {
        TcpOptions t = parseOpts("02 04 05 b4  03 00 03 07  01 01 04 02");
        assertEquals(1460, t.mss);
        assertEquals(-1, t.wscale);
        assertFalse(t.sackOk);
        assertTrue(t.malformed);
        assertEquals("mss 1460,bad opt", format("02 04 05 b4  03 00 03 07  01 01 04 02"));
    }

    @Test
    void lengthOneStopsParsing() {
        TcpOptions t = parseOpts("01 01 08 01  00 00 00 01  00 00 00 02");
        assertFalse(t.hasTimestamps);
        assertTrue(t.malformed);
        t = parseOpts("04 01 02 04  05 b4 00 00");
        assertFalse(t.sackOk);
        assertEquals(0, t.mss);
        assertTrue(t.malformed);
    }

    @Test
    void lengthPastTheEndStopsParsing() {
        // A timestamp option of the right length but only four bytes of room.
        TcpOptions t = parseOpts("02 04 05 b4  08 0a 00 00");
        assertEquals(1460, t.mss);
        assertFalse(t.hasTimestamps);
        assertTrue(t.malformed);
        // A kind in the last byte, with no length octet.
        t = parseOpts("01 03 03 07  01 01 01 03");
        assertEquals(7, t.wscale);
        assertTrue(t.malformed);
        // A length of 255.
        t = parseOpts("04 02 fe ff  02 04 05 b4");
        assertTrue(t.sackOk);
        assertEquals(0, t.mss);
        assertTrue(t.malformed);
        // A length that ends exactly at the end is fine.
        t = parseOpts("01 01 01 01  01 01 08 0a  00 00 00 09  00 00 00 0a");
        assertEquals(9, t.tsVal);
        assertFalse(t.malformed);
    }

    @Test
    void wrongLengthForKindIsSkippedAndIgnored() {
        // A truncated timestamp (length 6), then a good window scale: only the latter counts.
        TcpOptions t = parseOpts("08 06 00 00  00 01 01 03  03 07 00 00");
        assertFalse(t.hasTimestamps);
        assertEquals(7, t.wscale);
        assertFalse(t.malformed);
        // MSS of length 3 and 5, SACK-Permitted of length 3, window scale of length 4.
        String hex = "02 03 05  02 05 05 b4 00  04 03 00  03 04 07 00  00";
        t = parseOpts(hex);
        assertEquals(0, t.mss);
        assertFalse(t.sackOk);
        assertEquals(-1, t.wscale);
        assertFalse(t.malformed);
        assertFalse(t.sawUnknown);
        assertEquals("mss [bad len 3],mss [bad len 5],sackOK [bad len 3],wscale [bad len 4],eol",
                format(hex));
        // SACK whose length is not 2 plus a multiple of 8, or has no block.
        t = parseOpts("05 0e 00 00  00 01 00 00  00 02 00 00  00 03 05 02");
        assertEquals(0, t.sackCount);
        assertFalse(t.malformed);
    }

    @Test
    void unknownKindsAreSkipped() {
        String hex = "fe 04 f9 89  13 12 00 00  00 00 00 00  00 00 00 00  00 00 00 00  00 00 02 04  05 b4 01 01";
        TcpOptions t = parseOpts(hex);
        assertEquals(1460, t.mss);
        assertTrue(t.sawUnknown);
        assertFalse(t.malformed);
        assertEquals("unknown-254,unknown-19,mss 1460,nop,nop", format(hex));
        // An unknown kind with a bad length is malformed, like any other.
        t = parseOpts("02 04 05 b4  63 01 00 00");
        assertEquals(1460, t.mss);
        assertTrue(t.malformed);
    }

    @Test
    void endOfListEndsParsing() {
        TcpOptions t = parseOpts("02 04 05 b4  00 03 03 07");
        assertEquals(1460, t.mss);
        assertEquals(-1, t.wscale);
        assertFalse(t.malformed);
        assertEquals("mss 1460,eol", format("02 04 05 b4  00 03 03 07"));
    }

    @Test
    void valuesLinuxAdjusts() {
        // An MSS of 0 is ignored; of two MSS options the later counts, unless it is 0.
        assertEquals(0, parseOpts("02 04 00 00").mss);
        assertEquals(536, parseOpts("02 04 05 b4  02 04 02 18").mss);
        assertEquals(1460, parseOpts("02 04 05 b4  02 04 00 00").mss);
        // A shift above 14 is taken as 14 (RFC 7323 §2.3); printing shows what was sent.
        assertEquals(14, parseOpts("01 03 03 0e").wscale);
        assertEquals(14, parseOpts("01 03 03 0f").wscale);
        assertEquals(14, parseOpts("01 03 03 ff").wscale);
        assertEquals(0, parseOpts("01 03 03 00").wscale);
        assertEquals("nop,wscale 255", format("01 03 03 ff"));
        // Of two timestamps, the later.
        TcpOptions t = parseOpts("08 0a 00 00 00 01 00 00 00 02  08 0a 00 00 00 03 00 00 00 04  00 00 00 00");
        assertEquals(3, t.tsVal);
        assertEquals(4, t.tsEcr);
    }

    @Test
    void fourSackBlocks() {
        TcpOptions t = parseOpts("""
                01 01 05 22  00 00 00 01  00 00 00 02  00 00 00 03  00 00 00 04
                00 00 00 05  00 00 00 06  ff ff ff f7  ff ff ff ff""");
        assertEquals(4, t.sackCount);
        assertEquals(5, t.sackLeft[2]);
        assertEquals(0xfffffff7, t.sackLeft[3]);
        assertEquals(-1, t.sackRight[3]);
        assertEquals("nop,nop,sack 1:2 3:4 5:6 4294967287:4294967295", t.toString());
        // A later, shorter SACK option replaces the blocks; a bad one does not.
        t = parseOpts("05 12 00 00 00 01 00 00 00 02 00 00 00 03 00 00 00 04  05 0a 00 00 00 09 00 00 00 0a  05 03 00 00");
        assertEquals(1, t.sackCount);
        assertEquals(9, t.sackLeft[0]);
        assertEquals(10, t.sackRight[0]);
    }

    @Test
    void reuseClearsEverything() {
        TcpOptions t = new TcpOptions();
        t.parse(TcpTest.SACK, 0);
        assertEquals(2, t.sackCount);
        t.parse(TcpTest.SYN, 0);
        assertEquals(0, t.sackCount);
        t.parse(WireTestUtil.bytes("fe 04 00 00"), 0);
        assertTrue(t.malformed); // too short for a TCP header
        t.parseOptions(WireTestUtil.bytes("fe 02 01 01"), 0, 4);
        assertTrue(t.sawUnknown);
        assertFalse(t.malformed);
        t.parseOptions(WireTestUtil.bytes("02 04 05 b4"), 0, 4);
        assertFalse(t.sawUnknown);
        TcpOptions copy = new TcpOptions().copyFrom(t);
        assertEquals(t.toString(), copy.toString());
    }

    @Test
    void badRangesReadNothing() {
        TcpOptions t = new TcpOptions();
        byte[] b = WireTestUtil.bytes("02 04 05 b4");
        t.parseOptions(null, 0, 4);
        assertTrue(t.malformed);
        t.parseOptions(b, -1, 4);
        assertTrue(t.malformed);
        t.parseOptions(b, 1, 4);
        assertTrue(t.malformed);
        assertEquals(0, t.mss);
        t.parseOptions(b, Integer.MAX_VALUE, Integer.MAX_VALUE);
        assertTrue(t.malformed);
        t.parse(null, 0);
        assertTrue(t.malformed);
        t.parse(TcpTest.SYN, -5);
        assertTrue(t.malformed);
        // Data Offset 10 but only 24 bytes: the check would fail; parse reads nothing.
        t.parse(Arrays.copyOf(TcpTest.SYN, 24), 0);
        assertTrue(t.malformed);
        assertEquals(0, t.mss);
        assertEquals("bad opt", format(b, 2, 4));
        assertEquals("", format(b, 0, 0));
    }

    // ---- writing ----

    @Test
    void writeSynLayouts() {
        TcpOptions t = new TcpOptions().timestamps(1, 0);
        t.mss = 1460;
        t.sackOk = true;
        t.wscale = 7;
        assertEquals(20, t.length());
        byte[] b = new byte[22];
        assertEquals(20, t.write(b, 2));
        assertArrayEquals(Arrays.copyOfRange(TcpTest.SYN, 20, 40), Arrays.copyOfRange(b, 2, 22));

        // Timestamps without SACK-Permitted: nop,nop,TS.
        t.sackOk = false;
        assertEquals("mss 1460,nop,nop,TS val 1 ecr 0,nop,wscale 7", t.toString());
        // SACK-Permitted without timestamps: a word of its own, before the window scale.
        t.sackOk = true;
        t.hasTimestamps = false;
        b = new byte[12];
        assertEquals(12, t.write(b, 0));
        assertArrayEquals(WireTestUtil.bytes("02 04 05 b4  01 01 04 02  01 03 03 07"), b);
        assertEquals("mss 1460,nop,nop,sackOK,nop,wscale 7", t.toString());
        // MSS alone.
        TcpOptions m = new TcpOptions();
        m.mss = 536;
        b = new byte[4];
        assertEquals(4, m.write(b, 0));
        assertArrayEquals(WireTestUtil.bytes("02 04 02 18"), b);
    }

    @Test
    void writeDataSegmentLayouts() {
        TcpOptions t = new TcpOptions().timestamps(1010, 2000);
        byte[] b = new byte[12];
        assertEquals(12, t.write(b, 0));
        assertArrayEquals(Arrays.copyOfRange(TcpTest.DATA, 20, 32), b);

        t.timestamps(2100, 1010).addSack(2001, 3001).addSack(4001, 5001);
        b = new byte[32];
        assertEquals(32, t.write(b, 0));
        assertArrayEquals(Arrays.copyOfRange(TcpTest.SACK, 20, 52), b);

        // Written options parse back to the same fields.
        TcpOptions back = new TcpOptions();
        back.parseOptions(b, 0, 32);
        assertEquals(t.toString(), back.toString());
    }

    @Test
    void writeLimits() {
        TcpOptions t = new TcpOptions().addSack(1, 2).addSack(3, 4).addSack(5, 6).addSack(7, 8);
        assertThrows(IllegalStateException.class, () -> t.addSack(9, 10));
        assertEquals(36, t.length());
        assertEquals(36, t.write(new byte[36], 0));
        t.timestamps(1, 1);
        assertEquals(48, t.length());
        assertThrows(IllegalArgumentException.class, () -> t.write(new byte[48], 0));
        assertTrue(t.toString().startsWith("TcpOptions[")); // does not fit, so listed
        t.sackCount = 3;
        assertEquals(40, t.write(new byte[40], 0));
        assertThrows(IndexOutOfBoundsException.class, () -> t.write(new byte[39], 0));
        TcpOptions bad = new TcpOptions();
        bad.mss = 65536;
        assertThrows(IllegalArgumentException.class, () -> bad.write(new byte[4], 0));
        bad.mss = 0;
        bad.wscale = -2;
        assertThrows(IllegalArgumentException.class, () -> bad.write(new byte[4], 0));
        bad.wscale = 255; // out of the RFC's range, but writable for tests of peers
        assertArrayEquals(WireTestUtil.bytes("01 03 03 ff"), write(bad));
    }

    private static byte[] write(TcpOptions t) {
        byte[] b = new byte[t.length()];
        t.write(b, 0);
        return b;
    }

    /** The receive path's parse, view accessors and checksum allocate nothing once warm. */
    @Test
    void receivePathAllocatesNothing() {
        byte[][] segs = {TcpTest.SYN, TcpTest.SYN_ACK, TcpTest.DATA, TcpTest.SACK,
            WireTestUtil.bytes("c3 50 1f 90 00 00 00 01 00 00 00 01 60 10 01 f5 00 00 00 00 02 03 00 00")};
        TcpOptions t = new TcpOptions();
        long acc = parseMany(segs, t, 200_000);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int rounds = 1_000_000;
        long before = mx.getCurrentThreadAllocatedBytes();
        acc += parseMany(segs, t, rounds);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(acc != 0);
        assertTrue(allocated < rounds, "allocated " + allocated + " bytes for " + rounds + " segments");
    }

    private static long parseMany(byte[][] segs, TcpOptions t, int rounds) {
        long acc = 0;
        for (int i = 0; i < rounds; i++) {
            byte[] b = segs[i % segs.length];
            int hlen = Tcp.check(b, 0, b.length);
            t.parse(b, 0);
            acc += hlen + t.mss + t.wscale + t.tsVal + t.sackCount + Tcp.flags(b, 0) + Tcp.seq(b, 0)
                    + (Tcp.checksumOk(b, 0, b.length, TcpTest.REMOTE, TcpTest.LOCAL) ? 1 : 0);
        }
        return acc;
    }

    // ---- random bytes ----

    /**
     * Random option areas, biased towards known kinds and plausible lengths, never make the
     * parser or the printer throw; what they report is in range; and options parsed without
     * trouble are written back in Linux's layout and parse again to the same fields.
     */
    @Test
    void randomBytesNeverThrow() {
        long seed = 9293;
        SplittableRandom rng = new SplittableRandom(seed);
        TcpOptions t = new TcpOptions();
        TcpOptions again = new TcpOptions();
        int clean = 0;
        for (int i = 0; i < 100_000; i++) {
            int len = rng.nextInt(41);
            byte[] b = randomOptions(rng, len);
            int n = len;
            try {
                t.parseOptions(b, 0, n);
                format(b, 0, n);
                assertTrue(t.mss >= 0 && t.mss <= 0xFFFF);
                assertTrue(t.wscale >= -1 && t.wscale <= TcpOptions.MAX_WSCALE);
                assertTrue(t.sackCount >= 0 && t.sackCount <= TcpOptions.MAX_SACK_BLOCKS);
                if (!t.malformed && t.length() <= Tcp.MAX_OPTIONS_LEN) {
                    clean++;
                    byte[] w = write(t);
                    again.parseOptions(w, 0, w.length);
                    assertEquals(t.toString(), again.toString());
                    assertFalse(again.malformed || again.sawUnknown);
                }
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("case " + i + " of seed " + seed + ": "
                        + HexFormat.ofDelimiter(" ").formatHex(b), e);
            }
        }
        assertTrue(clean > 10_000, "too few well-formed cases: " + clean);
    }

    /**
     * {@code len} bytes: either random, or a run of options of known and unknown kinds whose
     * lengths are usually right, some of them corrupted.
     */
    static byte[] randomOptions(SplittableRandom rng, int len) {
        byte[] b = new byte[len];
        rng.nextBytes(b);
        if (rng.nextInt(4) == 0) {
            return b;
        }
        int p = 0;
        while (p < len) {
            int kind = switch (rng.nextInt(9)) {
                case 0, 1 -> TcpOptions.KIND_NOP;
                case 2 -> TcpOptions.KIND_MSS;
                case 3 -> TcpOptions.KIND_WSCALE;
                case 4 -> TcpOptions.KIND_SACK_PERM;
                case 5 -> TcpOptions.KIND_SACK;
                case 6 -> TcpOptions.KIND_TIMESTAMP;
                case 7 -> rng.nextInt(20) == 0 ? TcpOptions.KIND_EOL : 6 + rng.nextInt(250);
                default -> rng.nextInt(256);
            };
            b[p] = (byte) kind;
            if (kind == TcpOptions.KIND_NOP || kind == TcpOptions.KIND_EOL) {
                p++;
                continue;
            }
            int size = switch (kind) {
                case TcpOptions.KIND_MSS -> TcpOptions.LEN_MSS;
                case TcpOptions.KIND_WSCALE -> TcpOptions.LEN_WSCALE;
                case TcpOptions.KIND_SACK_PERM -> TcpOptions.LEN_SACK_PERM;
                case TcpOptions.KIND_TIMESTAMP -> TcpOptions.LEN_TIMESTAMP;
                case TcpOptions.KIND_SACK -> 2 + 8 * (1 + rng.nextInt(4));
                default -> 2 + rng.nextInt(8);
            };
            if (rng.nextInt(16) == 0) {
                size = rng.nextInt(256);
            }
            if (p + 1 < len) {
                b[p + 1] = (byte) size;
            }
            p += Math.max(size, 2);
        }
        return b;
    }
}
