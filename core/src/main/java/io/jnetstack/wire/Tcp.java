package io.jnetstack.wire;

/**
 * View of a TCP header (RFC 9293 §3.1) carried in IPv4.
 *
 * <p>Layout:
 * <pre>
 *  0          2          4          8          12         13      14       16         18         20
 *  | src port | dst port | seq      | ack      | doff/rsv | flags | window | checksum | urgent   | options ...
 * </pre>
 * Octet 12 holds the Data Offset in its high nibble (the header length in 32-bit words, 5 to 15,
 * so 20 to 60 bytes), three reserved bits, and in its lowest bit the AE flag (the NS "nonce sum"
 * bit of RFC 3540, since made historic by RFC 8311 and reused by Accurate ECN). Octet 13 holds the
 * eight control bits CWR, ECE, URG, ACK, PSH, RST, SYN, FIN (RFC 9293 §3.1; CWR and ECE from
 * RFC 3168 §6.1). This view reads the nine flag bits as one number, {@link #flags}, tested
 * against {@link #FIN} to {@link #AE}.
 *
 * <p>The checksum covers an IPv4 pseudo-header (source, destination, zero, protocol 6, TCP
 * length), the header and the data (RFC 9293 §3.1). TCP has no length field: the segment length
 * is the IP payload length, and callers pass it in. Unlike UDP, a zero checksum field has no
 * special meaning.
 *
 * <p>All methods are static and take {@code (buf, off)} with {@code off} the index of the
 * source port. Call {@link #check} once; when it succeeds, every accessor reads only checked
 * bytes and does not throw. Options are parsed by {@link TcpOptions}; nothing here interprets
 * them. Sequence and acknowledgment numbers are unsigned 32-bit values held in an {@code int}:
 * compare them with sequence arithmetic (RFC 9293 §3.4), never with {@code <}.
 */
public final class Tcp {

    /** Offset of the source port. */
    public static final int SRC_PORT = 0;
    /** Offset of the destination port. */
    public static final int DST_PORT = 2;
    /** Offset of the sequence number. */
    public static final int SEQ = 4;
    /** Offset of the acknowledgment number. */
    public static final int ACK_SEQ = 8;
    /** Offset of the octet holding the Data Offset, the reserved bits and the AE flag. */
    public static final int DATA_OFFSET = 12;
    /** Offset of the octet holding the eight control bits CWR to FIN. */
    public static final int FLAGS = 13;
    /** Offset of the window. */
    public static final int WINDOW = 14;
    /** Offset of the checksum field. */
    public static final int CHECKSUM = 16;
    /** Offset of the urgent pointer. */
    public static final int URGENT = 18;
    /** Offset of the first option, if any. */
    public static final int OPTIONS = 20;
    /** Length of a header without options, the minimum (Data Offset 5). */
    public static final int HEADER_LEN = 20;
    /** Length of a header with the maximum 40 bytes of options (Data Offset 15). */
    public static final int MAX_HEADER_LEN = 60;
    /** Most option bytes a header can hold. */
    public static final int MAX_OPTIONS_LEN = MAX_HEADER_LEN - HEADER_LEN;

    /** FIN: no more data from sender (RFC 9293 §3.1). */
    public static final int FIN = 0x01;
    /** SYN: synchronize sequence numbers (RFC 9293 §3.1). */
    public static final int SYN = 0x02;
    /** RST: reset the connection (RFC 9293 §3.1). */
    public static final int RST = 0x04;
    /** PSH: push function (RFC 9293 §3.1). */
    public static final int PSH = 0x08;
    /** ACK: the acknowledgment field is significant (RFC 9293 §3.1). */
    public static final int ACK = 0x10;
    /** URG: the urgent pointer field is significant (RFC 9293 §3.1). */
    public static final int URG = 0x20;
    /** ECE: ECN-Echo (RFC 3168 §6.1). */
    public static final int ECE = 0x40;
    /** CWR: Congestion Window Reduced (RFC 3168 §6.1). */
    public static final int CWR = 0x80;
    /**
     * AE, the lowest bit of octet 12: the ECN-nonce sum NS of RFC 3540 (historic since RFC 8311),
     * now used by Accurate ECN.
     */
    public static final int AE = 0x100;
    /** Mask of the nine flag bits {@link #FIN} to {@link #AE}. */
    public static final int FLAGS_MASK = 0x1FF;

    /** {@link #check} error: {@code off}/{@code len} do not describe a range inside {@code buf}. */
    public static final int ERR_BOUNDS = -1;
    /**
     * {@link #check} error: fewer than {@link #HEADER_LEN} bytes. Linux's {@code tcp_v4_rcv()}
     * discards such a segment without counting an error.
     */
    public static final int ERR_TRUNCATED = -2;
    /**
     * {@link #check} error: the Data Offset is below 5. Linux's {@code tcp_v4_rcv()} drops it
     * as {@code SKB_DROP_REASON_PKT_TOO_SMALL} and counts it in the Tcp InErrs counter.
     */
    public static final int ERR_DATA_OFFSET = -3;
    /**
     * {@link #check} error: the header the Data Offset declares runs past the segment. Linux's
     * {@code tcp_v4_rcv()} discards it without counting an error.
     */
    public static final int ERR_HDR_TRUNCATED = -4;

    /** The flags in the order {@link #flagString} prints them, and their letters. */
    private static final int[] FLAG_ORDER = {FIN, SYN, RST, PSH, URG, ECE, CWR, AE, ACK};
    private static final String FLAG_LETTERS = "FSRPUEWe.";

    private Tcp() {
    }

    /**
     * Validates that {@code buf[off..off+len)} holds a TCP header whose Data Offset is at least 5
     * and fits in {@code len}, in the order of Linux's {@code tcp_v4_rcv()}: the fixed header,
     * the Data Offset, then the options. The options themselves are not examined. Never throws.
     *
     * @param buf the buffer, may be null (an error)
     * @param off index of the header's first byte
     * @param len the segment length, header and data: the IP payload length
     * @return the header length, {@code 4 * Data Offset} (20 to 60), if valid; otherwise
     *     {@link #ERR_BOUNDS}, {@link #ERR_TRUNCATED}, {@link #ERR_DATA_OFFSET} or
     *     {@link #ERR_HDR_TRUNCATED}
     */
    public static int check(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            return ERR_BOUNDS;
        }
        if (len < HEADER_LEN) {
            return ERR_TRUNCATED;
        }
        int hlen = headerLen(buf, off);
        if (hlen < HEADER_LEN) {
            return ERR_DATA_OFFSET;
        }
        return hlen > len ? ERR_HDR_TRUNCATED : hlen;
    }

    /**
     * A short name for a {@link #check} result, for diagnostics.
     *
     * @param result a value returned by {@link #check}
     * @return {@code "ok"} for a header length, or the error's name
     */
    public static String checkName(int result) {
        return switch (result) {
            case ERR_BOUNDS -> "bounds";
            case ERR_TRUNCATED -> "truncated";
            case ERR_DATA_OFFSET -> "data-offset";
            case ERR_HDR_TRUNCATED -> "header-truncated";
            default -> result >= HEADER_LEN && result <= MAX_HEADER_LEN && (result & 3) == 0
                    ? "ok" : "unknown(" + result + ")";
        };
    }

    // ---- accessors ----

    /**
     * The source port.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the unsigned 16-bit field
     */
    public static int srcPort(byte[] buf, int off) {
        return Bytes.u16(buf, off + SRC_PORT);
    }

    /**
     * The destination port.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the unsigned 16-bit field
     */
    public static int dstPort(byte[] buf, int off) {
        return Bytes.u16(buf, off + DST_PORT);
    }

    /**
     * The sequence number: of the first data octet, or the initial sequence number when SYN is
     * set (RFC 9293 §3.1).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the 32-bit field, as an {@code int} to be read as unsigned
     */
    public static int seq(byte[] buf, int off) {
        return Bytes.i32(buf, off + SEQ);
    }

    /**
     * The acknowledgment number: the next sequence number the sender expects, significant when
     * ACK is set (RFC 9293 §3.1).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the 32-bit field, as an {@code int} to be read as unsigned
     */
    public static int ack(byte[] buf, int off) {
        return Bytes.i32(buf, off + ACK_SEQ);
    }

    /**
     * The Data Offset: the header length in 32-bit words.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return 0 to 15; at least 5 after a successful check
     */
    public static int dataOffset(byte[] buf, int off) {
        return Bytes.u8(buf, off + DATA_OFFSET) >>> 4;
    }

    /**
     * The header length in bytes, options included: {@code 4 * Data Offset}.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return 0 to 60; 20 to 60 after a successful check
     */
    public static int headerLen(byte[] buf, int off) {
        return dataOffset(buf, off) << 2;
    }

    /**
     * The three reserved bits between the Data Offset and AE, which a sender must zero and a
     * receiver must ignore (RFC 9293 §3.1).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return 0 to 7
     */
    public static int reserved(byte[] buf, int off) {
        return (Bytes.u8(buf, off + DATA_OFFSET) >>> 1) & 7;
    }

    /**
     * The nine flag bits, {@link #FIN} to {@link #AE}.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the flags, within {@link #FLAGS_MASK}
     */
    public static int flags(byte[] buf, int off) {
        return Bytes.u16(buf, off + DATA_OFFSET) & FLAGS_MASK;
    }

    /**
     * Whether all of the given flags are set.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param mask one or more of {@link #FIN} to {@link #AE}
     * @return true if every bit of {@code mask} is set
     */
    public static boolean hasFlags(byte[] buf, int off, int mask) {
        return (flags(buf, off) & mask) == mask;
    }

    /**
     * The window: octets the sender will accept, before any window scaling (RFC 9293 §3.1;
     * RFC 7323 §2.3).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the unsigned 16-bit field
     */
    public static int window(byte[] buf, int off) {
        return Bytes.u16(buf, off + WINDOW);
    }

    /**
     * The checksum field as stored.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the unsigned 16-bit field
     */
    public static int checksum(byte[] buf, int off) {
        return Bytes.u16(buf, off + CHECKSUM);
    }

    /**
     * The urgent pointer: an offset from the sequence number, significant when URG is set
     * (RFC 9293 §3.1, §3.8.5).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the unsigned 16-bit field
     */
    public static int urgent(byte[] buf, int off) {
        return Bytes.u16(buf, off + URGENT);
    }

    /**
     * Number of option bytes, padding included: the header length minus 20.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return 0 to 40 after a successful check
     */
    public static int optionsLength(byte[] buf, int off) {
        return headerLen(buf, off) - HEADER_LEN;
    }

    /**
     * Index in {@code buf} of the first data byte.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return {@code off + headerLen}, an absolute index
     */
    public static int payloadOffset(byte[] buf, int off) {
        return off + headerLen(buf, off);
    }

    /**
     * The data length of a segment of {@code len} bytes.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param len the segment length, as given to {@link #check}
     * @return {@code len - headerLen}; not negative after a successful check
     */
    public static int payloadLength(byte[] buf, int off, int len) {
        return len - headerLen(buf, off);
    }

    /**
     * The sequence space the segment occupies: its data length, plus one for SYN and one for FIN
     * (RFC 9293 §3.4 "SEG.LEN"). Mirrors the {@code end_seq} arithmetic of Linux's
     * {@code tcp_v4_fill_cb()}.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param len the segment length, as given to {@link #check}
     * @return the segment's length in sequence numbers
     */
    public static int segmentSeqLength(byte[] buf, int off, int len) {
        int f = flags(buf, off);
        return payloadLength(buf, off, len) + ((f & SYN) != 0 ? 1 : 0) + ((f & FIN) != 0 ? 1 : 0);
    }

    // ---- checksum ----

    /**
     * Partial sum of the IPv4 pseudo-header for a TCP segment (RFC 9293 §3.1).
     *
     * @param src IPv4 source address
     * @param dst IPv4 destination address
     * @param len the segment length, header and data, 16 bits
     * @return the partial sum, folded to {@code [0, 0xFFFF]}
     */
    public static int pseudoHeaderSum(int src, int dst, int len) {
        return Checksum.pseudoHeaderSum(src, dst, Ipv4.PROTO_TCP, len);
    }

    /**
     * Whether the checksum of a segment held in one piece verifies, with the IPv4 pseudo-header
     * (RFC 9293 §3.1; RFC 1122 §4.2.2.7: unlike UDP's, the TCP checksum is never optional, and
     * the receiver MUST check it).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param len the segment length, header and data
     * @param src IPv4 source address
     * @param dst IPv4 destination address
     * @return true if the sum verifies
     */
    public static boolean checksumOk(byte[] buf, int off, int len, int src, int dst) {
        return Checksum.verify(buf, off, len, pseudoHeaderSum(src, dst, len));
    }

    /**
     * Whether the checksum verifies for a segment whose header is in {@code buf} and whose data
     * lies elsewhere (page fragments, or already summed while copying), given as a partial sum.
     * Only the header bytes are read.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param hdrLen bytes of the segment at {@code off}, normally the header length
     * @param restSum partial sum of the remaining {@code len - hdrLen} bytes, summed as a stream
     *     starting at its own first byte (as {@link Checksum#sum} returns it)
     * @param len the segment length, header and data, which goes into the pseudo-header
     * @param src IPv4 source address
     * @param dst IPv4 destination address
     * @return true if the sum verifies
     */
    public static boolean checksumOk(byte[] buf, int off, int hdrLen, int restSum, int len, int src, int dst) {
        int sum = Checksum.sum(buf, off, hdrLen, pseudoHeaderSum(src, dst, len));
        return Checksum.combine(sum, restSum, hdrLen) == 0xFFFF;
    }

    /**
     * The checksum a segment held in one piece should carry, computed as if its checksum field
     * were zero, without writing anything: for reporting what a bad checksum should have been.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param len the segment length, header and data
     * @param src IPv4 source address
     * @param dst IPv4 destination address
     * @return the checksum
     */
    public static int computeChecksum(byte[] buf, int off, int len, int src, int dst) {
        // Adding the field's complement takes the field out of the sum (RFC 1624 §3). The
        // pseudo-header's protocol octet keeps the true sum from being zero, so the folded
        // result cannot be the other representation of zero.
        int sum = Checksum.sum(buf, off, len, pseudoHeaderSum(src, dst, len));
        return Checksum.finish(sum + (~checksum(buf, off) & 0xFFFF));
    }

    /**
     * Computes the checksum of a segment held in one piece, with the IPv4 pseudo-header, and
     * writes it. Mirrors the software branch of Linux's {@code __tcp_v4_send_check()}.
     *
     * @param buf the buffer, with the data in place after the header
     * @param off index of the header's first byte
     * @param len the segment length, header and data
     * @param src IPv4 source address
     * @param dst IPv4 destination address
     * @return the checksum written
     */
    public static int fillChecksum(byte[] buf, int off, int len, int src, int dst) {
        Bytes.put16(buf, off + CHECKSUM, 0);
        int c = Checksum.compute(buf, off, len, pseudoHeaderSum(src, dst, len));
        Bytes.put16(buf, off + CHECKSUM, c);
        return c;
    }

    /**
     * Computes the checksum of a segment whose data is not after the header in {@code buf}, from
     * the header bytes and the data's partial sum, and writes it. Only the header is summed
     * here, so the data may be summed once as it is copied in (as Linux keeps {@code skb->csum})
     * or piece by piece with {@link Checksum#combine}.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param hdrLen bytes of the segment at {@code off}, normally the header length
     * @param restSum partial sum of the remaining {@code len - hdrLen} bytes, summed as a stream
     *     starting at its own first byte
     * @param len the segment length, header and data
     * @param src IPv4 source address
     * @param dst IPv4 destination address
     * @return the checksum written
     */
    public static int fillChecksum(byte[] buf, int off, int hdrLen, int restSum, int len, int src, int dst) {
        Bytes.put16(buf, off + CHECKSUM, 0);
        int sum = Checksum.sum(buf, off, hdrLen, pseudoHeaderSum(src, dst, len));
        int c = Checksum.finish(Checksum.combine(sum, restSum, hdrLen));
        Bytes.put16(buf, off + CHECKSUM, c);
        return c;
    }

    /**
     * Seeds the checksum field with the folded pseudo-header sum, for a checksum finished later
     * over the whole segment from the header on (a CHECKSUM_PARTIAL packet whose checksum is at
     * {@link #CHECKSUM} from the start). Summing the segment with this seed in place and taking
     * {@link Checksum#finish} gives the correct checksum. Mirrors the offload branch of Linux's
     * {@code __tcp_v4_send_check()}. Costs no more than the pseudo-header.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param len the segment length, header and data
     * @param src IPv4 source address
     * @param dst IPv4 destination address
     * @return the seed written
     */
    public static int fillPseudoHeaderChecksum(byte[] buf, int off, int len, int src, int dst) {
        int seed = pseudoHeaderSum(src, dst, len);
        Bytes.put16(buf, off + CHECKSUM, seed);
        return seed;
    }

    // ---- construction ----

    /**
     * Writes the fixed 20-byte header with a zero checksum and no reserved bits set; options, if
     * {@code hdrLen} makes room for them, are written separately ({@link TcpOptions#write}), and
     * the checksum last ({@link #fillChecksum}).
     *
     * @param buf the buffer, with room for 20 bytes at {@code off}
     * @param off index of the header's first byte
     * @param srcPort source port, 16 bits
     * @param dstPort destination port, 16 bits
     * @param seq sequence number
     * @param ack acknowledgment number
     * @param hdrLen header length in bytes, options included: a multiple of 4 from 20 to 60
     * @param flags the flags, within {@link #FLAGS_MASK}
     * @param window window, 16 bits
     * @param urgent urgent pointer, 16 bits
     * @return {@link #HEADER_LEN}, the number of bytes written
     */
    public static int writeHeader(byte[] buf, int off, int srcPort, int dstPort, int seq, int ack, int hdrLen,
            int flags, int window, int urgent) {
        Bytes.put16(buf, off + SRC_PORT, srcPort);
        Bytes.put16(buf, off + DST_PORT, dstPort);
        Bytes.put32(buf, off + SEQ, seq);
        Bytes.put32(buf, off + ACK_SEQ, ack);
        Bytes.put16(buf, off + DATA_OFFSET, ((hdrLen >>> 2) << 12) | (flags & FLAGS_MASK));
        Bytes.put16(buf, off + WINDOW, window);
        Bytes.put16(buf, off + CHECKSUM, 0);
        Bytes.put16(buf, off + URGENT, urgent);
        return HEADER_LEN;
    }

    /**
     * Overwrites the source port.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param port 16 bits
     */
    public static void setSrcPort(byte[] buf, int off, int port) {
        Bytes.put16(buf, off + SRC_PORT, port);
    }

    /**
     * Overwrites the destination port.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param port 16 bits
     */
    public static void setDstPort(byte[] buf, int off, int port) {
        Bytes.put16(buf, off + DST_PORT, port);
    }

    /**
     * Overwrites the sequence number.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param seq 32 bits
     */
    public static void setSeq(byte[] buf, int off, int seq) {
        Bytes.put32(buf, off + SEQ, seq);
    }

    /**
     * Overwrites the acknowledgment number.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param ack 32 bits
     */
    public static void setAck(byte[] buf, int off, int ack) {
        Bytes.put32(buf, off + ACK_SEQ, ack);
    }

    /**
     * Overwrites the Data Offset, keeping the reserved bits and AE.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param hdrLen header length in bytes, a multiple of 4 from 20 to 60
     */
    public static void setHeaderLen(byte[] buf, int off, int hdrLen) {
        int i = off + DATA_OFFSET;
        Bytes.put8(buf, i, ((hdrLen >>> 2) << 4) | (Bytes.u8(buf, i) & 0x0F));
    }

    /**
     * Overwrites the nine flag bits, keeping the Data Offset and the reserved bits.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param flags the flags, within {@link #FLAGS_MASK}
     */
    public static void setFlags(byte[] buf, int off, int flags) {
        int i = off + DATA_OFFSET;
        Bytes.put16(buf, i, (Bytes.u16(buf, i) & ~FLAGS_MASK) | (flags & FLAGS_MASK));
    }

    /**
     * Overwrites the window.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param window 16 bits
     */
    public static void setWindow(byte[] buf, int off, int window) {
        Bytes.put16(buf, off + WINDOW, window);
    }

    /**
     * Overwrites the checksum field.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param checksum 16 bits
     */
    public static void setChecksum(byte[] buf, int off, int checksum) {
        Bytes.put16(buf, off + CHECKSUM, checksum);
    }

    /**
     * Overwrites the urgent pointer.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param urgent 16 bits
     */
    public static void setUrgent(byte[] buf, int off, int urgent) {
        Bytes.put16(buf, off + URGENT, urgent);
    }

    // ---- printing ----

    /**
     * The flags as packetdrill scripts write them: {@code F S R P U E W e} for FIN, SYN, RST,
     * PSH, URG, ECE, CWR and AE, in that order, then {@code .} for ACK ({@code "S."} for a
     * SYN-ACK, {@code "SE."} for an ECN-setup SYN-ACK, {@code "FP."}); {@code "none"} for no flag.
     * (tcpdump uses the same letters but puts the dot right after P.)
     *
     * @param flags the flags
     * @return the letters
     */
    public static String flagString(int flags) {
        if ((flags & FLAGS_MASK) == 0) {
            return "none";
        }
        StringBuilder sb = new StringBuilder(9);
        for (int i = 0; i < FLAG_ORDER.length; i++) {
            if ((flags & FLAG_ORDER[i]) != 0) {
                sb.append(FLAG_LETTERS.charAt(i));
            }
        }
        return sb.toString();
    }
}
