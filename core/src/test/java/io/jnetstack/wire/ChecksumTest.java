package io.jnetstack.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChecksumTest {

    /**
     * IPv4 header, 192.168.1.2 -> 192.168.1.100, ICMP, TTL 64, DF, id 0x1c2f, total length 84.
     * Checksum 0x9ac3 at offset 10 (computed independently of this code).
     */
    private static final byte[] IPV4 = {
        0x45, 0x00, 0x00, 0x54, 0x1c, 0x2f, 0x40, 0x00, 0x40, 0x01, (byte) 0x9a, (byte) 0xc3,
        (byte) 0xc0, (byte) 0xa8, 0x01, 0x02, (byte) 0xc0, (byte) 0xa8, 0x01, 0x64,
    };

    /** UDP 10.1.2.3:5353 -> 10.1.2.4:53 carrying "hello!", checksum 0x8eb8 at offset 6. */
    private static final byte[] UDP = {
        0x14, (byte) 0xe9, 0x00, 0x35, 0x00, 0x0e, (byte) 0x8e, (byte) 0xb8, 'h', 'e', 'l', 'l', 'o', '!',
    };
    private static final int UDP_SRC = 0x0a01_0203;
    private static final int UDP_DST = 0x0a01_0204;

    /** Byte-at-a-time reference: even stream positions are high bytes. */
    private static int reference(byte[] b, int off, int len, int initial) {
        long s = initial & 0xFFFF_FFFFL;
        for (int i = 0; i < len; i++) {
            int v = b[off + i] & 0xFF;
            s += (i & 1) == 0 ? v << 8 : v;
        }
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }

    private static int word(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    private static void putWord(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    @Test
    void rfc1071Example() {
        byte[] b = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};
        assertEquals(0xddf2, Checksum.sum(b, 0, b.length, 0));
        assertEquals(0xddf2, Checksum.sum(b, 0, b.length));
        assertEquals(0x220d, Checksum.compute(b, 0, b.length));
        // Byte order independence: the same bytes summed as if shifted by one swap the result.
        assertEquals(0xf2dd, Checksum.combine(0, Checksum.sum(b, 0, b.length), 1));
    }

    @Test
    void ipv4HeaderChecksum() {
        assertTrue(Checksum.verify(IPV4, 0, IPV4.length));
        assertEquals(0xffff, Checksum.sum(IPV4, 0, IPV4.length, 0));
        byte[] h = IPV4.clone();
        h[10] = 0;
        h[11] = 0;
        assertEquals(0x9ac3, Checksum.compute(h, 0, h.length));
        h = IPV4.clone();
        h[8] = 0x3f; // TTL decremented without fixing the checksum
        assertFalse(Checksum.verify(h, 0, h.length));
    }

    @Test
    void udpWithPseudoHeader() {
        int ph = Checksum.pseudoHeaderSum(UDP_SRC, UDP_DST, 17, UDP.length);
        assertTrue(Checksum.verify(UDP, 0, UDP.length, ph));
        byte[] u = UDP.clone();
        u[6] = 0;
        u[7] = 0;
        assertEquals(0x8eb8, Checksum.compute(u, 0, u.length, ph));
        // Same as summing the pseudo-header's 12 bytes explicitly.
        byte[] explicit = {10, 1, 2, 3, 10, 1, 2, 4, 0, 17, 0, 14};
        assertEquals(Checksum.sum(explicit, 0, 12, 0), ph);
        assertFalse(Checksum.verify(UDP, 0, UDP.length, Checksum.pseudoHeaderSum(UDP_SRC, UDP_DST, 6, 14)));
    }

    @Test
    void foldAndFinish() {
        assertEquals(0, Checksum.fold(0));
        assertEquals(1, Checksum.fold(0x10000));
        assertEquals(0xffff, Checksum.fold(0xffff));
        assertEquals(0xffff, Checksum.fold(0x1fffe));
        assertEquals(0xffff, Checksum.fold(0xffff_ffff));
        assertEquals(0x8001, Checksum.fold(0x8000_0001)); // read as unsigned
        assertEquals(0x1fffe, 0xffff + 0xffff);
        assertEquals(0xffff, Checksum.fold(0xffff + 0xffff)); // folded sums may be added as ints
        assertEquals(0xffff, Checksum.finish(0));
        assertEquals(0x0000, Checksum.finish(0xffff));
        assertEquals(0x220d, Checksum.finish(0x2ddf0)); // 0x2ddf0 folds to 0xddf2
    }

    @Test
    void sumMatchesReferenceOnRandomInputs() {
        SplittableRandom rng = new SplittableRandom(0x1071);
        byte[] buf = new byte[2000 + 64];
        for (int len = 0; len <= 2000; len++) {
            for (int rep = 0; rep < 3; rep++) {
                rng.nextBytes(buf);
                int off = rng.nextInt(64);
                int initial = rep == 0 ? 0 : rng.nextInt();
                assertEquals(reference(buf, off, len, initial), Checksum.sum(buf, off, len, initial),
                        "len=" + len + " off=" + off + " initial=" + initial);
            }
        }
    }

    @Test
    void sumHandlesMaximalCarries() {
        for (int len : new int[] {1, 2, 7, 31, 32, 33, 65_535, 1 << 20}) {
            byte[] b = new byte[len];
            Arrays.fill(b, (byte) 0xff);
            assertEquals(reference(b, 0, len, -1), Checksum.sum(b, 0, len, -1), "len=" + len);
            assertEquals(reference(b, 0, len, 0), Checksum.sum(b, 0, len, 0), "len=" + len);
        }
        assertEquals(0, Checksum.sum(new byte[100], 0, 100, 0));
        assertEquals(0, Checksum.sum(new byte[0], 0, 0, 0));
    }

    @Test
    void sumRejectsBadRange() {
        assertThrows(IndexOutOfBoundsException.class, () -> Checksum.sum(new byte[8], 4, 5, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Checksum.sum(new byte[8], -1, 2, 0));
    }

    @Test
    void chainingAtEvenBoundariesEqualsWholeSum() {
        SplittableRandom rng = new SplittableRandom(42);
        byte[] buf = new byte[1600];
        for (int rep = 0; rep < 2000; rep++) {
            rng.nextBytes(buf);
            int len = rng.nextInt(buf.length + 1);
            int a = rng.nextInt(len / 2 + 1) * 2;
            int c = a + rng.nextInt((len - a) / 2 + 1) * 2;
            int s = Checksum.sum(buf, 0, a, 0);
            s = Checksum.sum(buf, a, c - a, s);
            s = Checksum.sum(buf, c, len - c, s);
            assertEquals(Checksum.sum(buf, 0, len, 0), s, "len=" + len + " cuts=" + a + "," + c);
        }
    }

    @Test
    void combineHandlesOddBoundaries() {
        SplittableRandom rng = new SplittableRandom(43);
        byte[] buf = new byte[700];
        for (int rep = 0; rep < 2000; rep++) {
            rng.nextBytes(buf);
            int len = rng.nextInt(buf.length + 1);
            int a = rng.nextInt(len + 1);
            int c = a + rng.nextInt(len - a + 1);
            int s = Checksum.sum(buf, 0, a, 0);
            s = Checksum.combine(s, Checksum.sum(buf, a, c - a, 0), a);
            s = Checksum.combine(s, Checksum.sum(buf, c, len - c, 0), c);
            assertEquals(Checksum.sum(buf, 0, len, 0), s, "len=" + len + " cuts=" + a + "," + c);
        }
    }

    @Test
    void rfc1624Example() {
        // Other words sum to 0xCD7A; m goes from 0x5555 to 0x3285, making the new sum 0xFFFF,
        // so the correct new checksum is 0x0000 (not 0xFFFF, which RFC 1141's form would give).
        byte[] d = {(byte) 0xcd, 0x7a, 0x55, 0x55, 0x00, 0x00};
        int hc = Checksum.compute(d, 0, d.length);
        assertEquals(0xdd2f, hc);
        assertEquals(0x0000, Checksum.update16(hc, 0x5555, 0x3285));
        putWord(d, 2, 0x3285);
        assertEquals(0x0000, Checksum.compute(d, 0, d.length));
        // And back: from a 0x0000 checksum to the original.
        assertEquals(0xdd2f, Checksum.update16(0x0000, 0x3285, 0x5555));
    }

    /** A random 20-byte IPv4-like header (version/IHL 0x45) with a valid checksum. */
    private static byte[] randomHeader(SplittableRandom rng) {
        byte[] h = new byte[20];
        rng.nextBytes(h);
        h[0] = 0x45;
        putWord(h, 10, 0);
        putWord(h, 10, Checksum.compute(h, 0, 20));
        return h;
    }

    /** Word offsets that may change: every 16-bit word except byte 0's and the checksum. */
    private static int randomWordOffset(SplittableRandom rng) {
        int[] offsets = {2, 4, 6, 8, 12, 14, 16, 18};
        return offsets[rng.nextInt(offsets.length)];
    }

    private static int recompute(byte[] h) {
        byte[] z = h.clone();
        putWord(z, 10, 0);
        return Checksum.compute(z, 0, z.length);
    }

    @Test
    void update16MatchesRecomputation() {
        SplittableRandom rng = new SplittableRandom(1624);
        for (int rep = 0; rep < 20_000; rep++) {
            byte[] h = randomHeader(rng);
            int at = randomWordOffset(rng);
            int oldWord = word(h, at);
            int newWord = rng.nextInt(0x10000);
            if (rep % 4 == 0) {
                // Force the corner case: the new sum of everything but the checksum is 0xFFFF.
                byte[] others = h.clone();
                putWord(others, at, 0);
                putWord(others, 10, 0);
                newWord = ~reference(others, 0, 20, 0) & 0xFFFF;
            }
            int updated = Checksum.update16(word(h, 10), oldWord, newWord);
            putWord(h, at, newWord);
            assertEquals(recompute(h), updated, "rep=" + rep);
            putWord(h, 10, updated);
            assertTrue(Checksum.verify(h, 0, 20));
            if (rep % 4 == 0) {
                assertEquals(0x0000, updated);
            }
        }
    }

    @Test
    void update32MatchesRecomputation() {
        SplittableRandom rng = new SplittableRandom(32);
        for (int rep = 0; rep < 20_000; rep++) {
            byte[] h = randomHeader(rng);
            int at = rng.nextBoolean() ? 12 : 16; // source or destination address
            int oldValue = (word(h, at) << 16) | word(h, at + 2);
            int newValue = rng.nextInt();
            int updated = Checksum.update32(word(h, 10), oldValue, newValue);
            putWord(h, at, newValue >>> 16);
            putWord(h, at + 2, newValue);
            assertEquals(recompute(h), updated, "rep=" + rep);
        }
    }

    @Test
    void update32RewritesUdpPseudoHeader() {
        int newSrc = 0xc633_6407; // 198.51.100.7, as after source NAT
        int updated = Checksum.update32(word(UDP, 6), UDP_SRC, newSrc);
        byte[] u = UDP.clone();
        putWord(u, 6, 0);
        int ph = Checksum.pseudoHeaderSum(newSrc, UDP_DST, 17, u.length);
        assertEquals(Checksum.compute(u, 0, u.length, ph), updated);
    }
}
