package io.jnetstack.wire;

import java.util.Objects;

/**
 * The Internet checksum: the 16-bit one's complement of the one's complement sum of 16-bit
 * big-endian words (RFC 1071), with incremental update (RFC 1624) and the IPv4 pseudo-header
 * used by TCP and UDP (RFC 9293 §3.1, RFC 768).
 *
 * <h2>Partial sums</h2>
 * A <em>partial sum</em> is an {@code int} standing for a one's complement sum. {@link #sum}
 * returns it folded to 16 bits, in {@code [0, 0xFFFF]}, and is 0 only when every word summed
 * (and the initial value) was 0. Any {@code int} is accepted as a partial sum input: it is read
 * as an unsigned 32-bit number, which is congruent to its 16-bit fold modulo 0xFFFF, so partial
 * sums may also be added together with plain {@code int} addition before folding, as long as
 * the total does not overflow 32 bits (adding up to 65537 folded sums is always safe).
 *
 * <h2>Chaining</h2>
 * To sum a datagram made of pieces (pseudo-header, header, payload), pass each piece's result as
 * the next piece's {@code initial}. Words are formed from the data stream, not from array
 * indexes, so <b>every piece except the last must have an even length</b>; an odd last byte is
 * summed as the high byte of a word whose low byte is zero (RFC 1071 §4.1). Where a piece must
 * begin at an odd position in the stream, sum it on its own and merge it with {@link #combine},
 * which swaps its bytes (RFC 1071 §2(B)). The array offset of a piece never matters.
 *
 * <h2>Finishing</h2>
 * The value placed in a checksum field is {@link #finish} of the sum of everything with the field
 * set to zero. A packet verifies when the sum over everything, field included, folds to 0xFFFF.
 */
public final class Checksum {

    private static final long LOW32 = 0xFFFF_FFFFL;

    private Checksum() {
    }

    /**
     * Adds {@code len} bytes of {@code b} from {@code off} to a partial sum (RFC 1071 §4.1),
     * reading eight bytes at a time. See the class comment for the chaining contract.
     *
     * @param b the buffer
     * @param off index of the first byte
     * @param len number of bytes; if odd, the last byte is padded with a zero low byte
     * @param initial partial sum to add to, read as unsigned 32 bits; 0 to start
     * @return the new partial sum, folded to {@code [0, 0xFFFF]}
     * @throws IndexOutOfBoundsException if the range is outside {@code b}
     */
    public static int sum(byte[] b, int off, int len, int initial) {
        Objects.checkFromIndexSize(off, len, b.length);
        // Each 64-bit load is split into two 32-bit halves: since 2^16 == 1 (mod 0xFFFF), adding
        // the halves preserves the one's complement sum, and the long cannot overflow for any
        // array length (at most 2^31 / 32 iterations each adding under 2^35).
        long acc = initial & LOW32;
        int i = off;
        int end = off + len;
        while (end - i >= 32) {
            long w0 = Bytes.i64(b, i);
            long w1 = Bytes.i64(b, i + 8);
            long w2 = Bytes.i64(b, i + 16);
            long w3 = Bytes.i64(b, i + 24);
            acc += (w0 >>> 32) + (w0 & LOW32) + (w1 >>> 32) + (w1 & LOW32)
                    + (w2 >>> 32) + (w2 & LOW32) + (w3 >>> 32) + (w3 & LOW32);
            i += 32;
        }
        while (end - i >= 8) {
            long w = Bytes.i64(b, i);
            acc += (w >>> 32) + (w & LOW32);
            i += 8;
        }
        if (end - i >= 4) {
            acc += Bytes.u32(b, i);
            i += 4;
        }
        if (end - i >= 2) {
            acc += Bytes.u16(b, i);
            i += 2;
        }
        if (i < end) {
            acc += (b[i] & 0xFF) << 8;
        }
        return foldLong(acc);
    }

    /**
     * The one's complement sum of {@code len} bytes from {@code off}, starting from zero.
     *
     * @param b the buffer
     * @param off index of the first byte
     * @param len number of bytes
     * @return the partial sum, folded to {@code [0, 0xFFFF]}
     */
    public static int sum(byte[] b, int off, int len) {
        return sum(b, off, len, 0);
    }

    /**
     * Folds a partial sum to 16 bits by adding the carries back in (RFC 1071 §4.1).
     *
     * @param sum a partial sum, read as unsigned 32 bits
     * @return the folded sum in {@code [0, 0xFFFF]}; 0 only if {@code sum} is 0
     */
    public static int fold(int sum) {
        int s = (sum & 0xFFFF) + (sum >>> 16);
        return (s & 0xFFFF) + (s >>> 16);
    }

    private static int foldLong(long acc) {
        long s = (acc & LOW32) + (acc >>> 32);
        s = (s & LOW32) + (s >>> 32);
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }

    /**
     * Turns a partial sum into the value for a checksum field: the one's complement of the
     * folded sum (RFC 1071 §1).
     *
     * @param sum the partial sum over the data with the checksum field zeroed
     * @return the checksum in {@code [0, 0xFFFF]}
     */
    public static int finish(int sum) {
        return ~fold(sum) & 0xFFFF;
    }

    /**
     * The checksum of {@code len} bytes: {@code finish(sum(b, off, len, 0))}.
     *
     * @param b the buffer, with the checksum field zeroed
     * @param off index of the first byte
     * @param len number of bytes
     * @return the checksum field value
     */
    public static int compute(byte[] b, int off, int len) {
        return finish(sum(b, off, len, 0));
    }

    /**
     * The checksum of {@code len} bytes added to a partial sum, such as a pseudo-header's.
     *
     * @param b the buffer, with the checksum field zeroed
     * @param off index of the first byte
     * @param len number of bytes
     * @param initial partial sum of what precedes the bytes
     * @return the checksum field value
     */
    public static int compute(byte[] b, int off, int len, int initial) {
        return finish(sum(b, off, len, initial));
    }

    /**
     * Whether data including its checksum field sums to 0xFFFF, i.e. verifies (RFC 1071 §1).
     *
     * @param b the buffer
     * @param off index of the first byte
     * @param len number of bytes
     * @return true if the checksum is correct
     */
    public static boolean verify(byte[] b, int off, int len) {
        return sum(b, off, len, 0) == 0xFFFF;
    }

    /**
     * Whether data including its checksum field, added to a partial sum such as a
     * pseudo-header's, sums to 0xFFFF (RFC 1071 §1).
     *
     * @param b the buffer
     * @param off index of the first byte
     * @param len number of bytes
     * @param initial partial sum of what precedes the bytes
     * @return true if the checksum is correct
     */
    public static boolean verify(byte[] b, int off, int len, int initial) {
        return sum(b, off, len, initial) == 0xFFFF;
    }

    /**
     * Adds the partial sum of a piece to the partial sum of what precedes it, where the piece
     * begins {@code pieceOffset} bytes into the stream. When that offset is odd the piece's
     * bytes pair up the other way round, so its sum is byte-swapped first (RFC 1071 §2(B)).
     *
     * @param sumBefore partial sum of the stream before the piece
     * @param sumOfPiece partial sum of the piece alone, as from {@code sum(b, off, len, 0)}
     * @param pieceOffset position of the piece's first byte in the stream
     * @return the partial sum of both, folded to {@code [0, 0xFFFF]}
     */
    public static int combine(int sumBefore, int sumOfPiece, int pieceOffset) {
        int piece = fold(sumOfPiece);
        if ((pieceOffset & 1) != 0) {
            piece = ((piece & 0xFF) << 8) | (piece >>> 8);
        }
        return foldLong((sumBefore & LOW32) + piece);
    }

    /**
     * Partial sum of the IPv4 pseudo-header for TCP and UDP: source address, destination
     * address, a zero octet, the protocol number and the TCP or UDP length (RFC 9293 §3.1,
     * formerly RFC 793 §3.1; RFC 768).
     *
     * @param srcIp source address, first octet most significant
     * @param dstIp destination address, first octet most significant
     * @param protocol IP protocol number (6 for TCP, 17 for UDP), 8 bits
     * @param length length of the TCP or UDP header plus data, 16 bits
     * @return the partial sum, folded to {@code [0, 0xFFFF]}
     */
    public static int pseudoHeaderSum(int srcIp, int dstIp, int protocol, int length) {
        long s = (srcIp >>> 16) + (srcIp & 0xFFFF) + (dstIp >>> 16) + (dstIp & 0xFFFF)
                + (protocol & 0xFF) + (length & 0xFFFF);
        return foldLong(s);
    }

    /**
     * Updates a checksum field after one 16-bit word of the covered data changes, by RFC 1624
     * eqn. 3: {@code HC' = ~(~HC + ~m + m')}. Unlike the older RFC 1141 form, this never turns a
     * correct 0x0000 checksum into 0xFFFF. The word must be 16-bit aligned in the covered data.
     *
     * <p>The result equals a full recomputation unless every covered word other than the
     * checksum is zero after the change, which no real IP, TCP or UDP header allows.
     *
     * @param oldCsum the checksum field before the change (HC)
     * @param oldWord the word before the change (m), 16 bits
     * @param newWord the word after the change (m'), 16 bits
     * @return the new checksum field value (HC') in {@code [0, 0xFFFF]}
     */
    public static int update16(int oldCsum, int oldWord, int newWord) {
        int s = (~oldCsum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        return ~fold(s) & 0xFFFF;
    }

    /**
     * Updates a checksum field after a 32-bit value (two aligned 16-bit words, such as an IPv4
     * address in an IP header or in a TCP/UDP pseudo-header) changes, by RFC 1624 eqn. 3
     * applied to both words at once.
     *
     * @param oldCsum the checksum field before the change
     * @param oldValue the value before the change
     * @param newValue the value after the change
     * @return the new checksum field value in {@code [0, 0xFFFF]}
     */
    public static int update32(int oldCsum, int oldValue, int newValue) {
        int notOld = ~oldValue;
        int s = (~oldCsum & 0xFFFF) + (notOld >>> 16) + (notOld & 0xFFFF)
                + (newValue >>> 16) + (newValue & 0xFFFF);
        return ~fold(s) & 0xFFFF;
    }
}
