package io.jnetstack.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Value form of a TCP header (RFC 9293 §3.1) and the options the stack reads and writes
 * (RFC 9293 §3.2, RFC 7323, RFC 2018). The data offset and checksum are not components:
 * {@link #emit} derives the one from the options and computes the other. The reserved bits are
 * always emitted as zero.
 *
 * <p>The options are held as fields, not bytes: {@link #parse} reads them as
 * {@link TcpOptions#parse} does (so an MSS of 0 is absent, a shift above 14 becomes 14, unknown
 * options are dropped) and {@link #emit} writes them in Linux's layout
 * ({@link TcpOptions#write}). A segment Linux sent therefore emits back to the same bytes; one
 * laid out otherwise emits in Linux's layout, and its data may then start at another offset
 * than in the parsed buffer, where {@link Tcp#payloadOffset} gives it.
 *
 * <p>Sequence numbers, acknowledgment numbers, timestamps and SACK edges are unsigned 32-bit
 * values held in {@code int}s.
 *
 * @param srcPort source port, 0 to 65535
 * @param dstPort destination port, 0 to 65535
 * @param seq sequence number
 * @param ack acknowledgment number; emitted whatever the ACK flag, which alone makes it significant
 * @param flags the flags, {@link Tcp#FIN} to {@link Tcp#AE}
 * @param window window as sent, 0 to 65535 (before any scaling)
 * @param urgent urgent pointer, 0 to 65535
 * @param mss Maximum Segment Size option, 1 to 65535; 0 when absent
 * @param wscale Window Scale shift, 0 to 255 (parsing gives at most 14); -1 when absent
 * @param sackOk whether the SACK-Permitted option is present
 * @param hasTimestamps whether the Timestamps option is present
 * @param tsVal TSval; 0 when there are no timestamps
 * @param tsEcr TSecr; 0 when there are no timestamps
 * @param sackBlocks SACK blocks, at most 4, in order; empty when there is no SACK option
 * @param payloadLength data length in bytes
 */
public record TcpRepr(int srcPort, int dstPort, int seq, int ack, int flags, int window, int urgent,
        int mss, int wscale, boolean sackOk, boolean hasTimestamps, int tsVal, int tsEcr,
        List<SackBlock> sackBlocks, int payloadLength) {

    /**
     * One SACK block: the sequence numbers it covers, {@code left} included and {@code right}
     * excluded (RFC 2018 §3).
     *
     * @param left first sequence number of the block
     * @param right sequence number after the block's last
     */
    public record SackBlock(int left, int right) {
        @Override
        public String toString() {
            return Integer.toUnsignedString(left) + ":" + Integer.toUnsignedString(right);
        }
    }

    /**
     * Validates the field ranges and copies the SACK blocks.
     *
     * @throws IllegalArgumentException if a field is out of range, or timestamps are absent but
     *     their values are not zero
     * @throws NullPointerException if {@code sackBlocks} or one of its elements is null
     */
    public TcpRepr {
        if ((srcPort & ~0xFFFF) != 0 || (dstPort & ~0xFFFF) != 0 || (flags & ~Tcp.FLAGS_MASK) != 0
                || (window & ~0xFFFF) != 0 || (urgent & ~0xFFFF) != 0 || (mss & ~0xFFFF) != 0
                || wscale < -1 || wscale > 0xFF) {
            throw new IllegalArgumentException("TCP header field out of range: srcPort=" + srcPort
                    + " dstPort=" + dstPort + " flags=" + flags + " window=" + window + " urgent=" + urgent
                    + " mss=" + mss + " wscale=" + wscale);
        }
        if (!hasTimestamps && (tsVal != 0 || tsEcr != 0)) {
            throw new IllegalArgumentException("timestamp values without the Timestamps option");
        }
        sackBlocks = List.copyOf(sackBlocks);
        if (sackBlocks.size() > TcpOptions.MAX_SACK_BLOCKS) {
            throw new IllegalArgumentException("more than " + TcpOptions.MAX_SACK_BLOCKS + " SACK blocks: "
                    + sackBlocks.size());
        }
        if (payloadLength < 0 || payloadLength > 0xFFFF - Tcp.HEADER_LEN) {
            throw new IllegalArgumentException("payload length out of range: " + payloadLength);
        }
    }

    /**
     * A header without options or data.
     *
     * @param srcPort source port
     * @param dstPort destination port
     * @param seq sequence number
     * @param ack acknowledgment number
     * @param flags the flags
     * @param window window
     * @return the header
     */
    public static TcpRepr of(int srcPort, int dstPort, int seq, int ack, int flags, int window) {
        return new TcpRepr(srcPort, dstPort, seq, ack, flags, window, 0, 0, -1, false, false, 0, 0, List.of(), 0);
    }

    /**
     * The header with the given fields and the options held in {@code o}; its unknown-option and
     * malformed marks are not kept.
     *
     * @param srcPort source port
     * @param dstPort destination port
     * @param seq sequence number
     * @param ack acknowledgment number
     * @param flags the flags
     * @param window window
     * @param urgent urgent pointer
     * @param o the options
     * @param payloadLength data length
     * @return the header
     */
    public static TcpRepr of(int srcPort, int dstPort, int seq, int ack, int flags, int window, int urgent,
            TcpOptions o, int payloadLength) {
        List<SackBlock> sacks = new ArrayList<>(o.sackCount);
        for (int i = 0; i < o.sackCount; i++) {
            sacks.add(new SackBlock(o.sackLeft[i], o.sackRight[i]));
        }
        return new TcpRepr(srcPort, dstPort, seq, ack, flags, window, urgent, o.mss, o.wscale, o.sackOk,
                o.hasTimestamps, o.hasTimestamps ? o.tsVal : 0, o.hasTimestamps ? o.tsEcr : 0, sacks,
                payloadLength);
    }

    /**
     * Parses the segment at {@code buf[off..off+len)} after validating it with {@link Tcp#check}
     * and, if asked, verifying its checksum over all {@code len} bytes.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param len the segment length, header and data: the IP payload length
     * @param src IPv4 source address, for the pseudo-header
     * @param dst IPv4 destination address, for the pseudo-header
     * @param verifyChecksum whether to verify the checksum; false where the link guarantees
     *     integrity or the checksum was already verified
     * @return the header
     * @throws IllegalArgumentException if the check fails or the checksum is wrong
     */
    public static TcpRepr parse(byte[] buf, int off, int len, int src, int dst, boolean verifyChecksum) {
        int hlen = Tcp.check(buf, off, len);
        if (hlen < 0) {
            throw new IllegalArgumentException("bad TCP header: " + Tcp.checkName(hlen));
        }
        if (verifyChecksum && !Tcp.checksumOk(buf, off, len, src, dst)) {
            throw new IllegalArgumentException("bad TCP header: checksum");
        }
        TcpOptions o = new TcpOptions();
        o.parse(buf, off);
        return of(Tcp.srcPort(buf, off), Tcp.dstPort(buf, off), Tcp.seq(buf, off), Tcp.ack(buf, off),
                Tcp.flags(buf, off), Tcp.window(buf, off), Tcp.urgent(buf, off), o, len - hlen);
    }

    /**
     * The options in a holder, as {@link TcpOptions#write} will lay them out.
     *
     * @param into the holder to fill; its previous contents are replaced
     * @return {@code into}
     */
    public TcpOptions options(TcpOptions into) {
        into.clear();
        into.mss = mss;
        into.wscale = wscale;
        into.sackOk = sackOk;
        if (hasTimestamps) {
            into.timestamps(tsVal, tsEcr);
        }
        for (SackBlock s : sackBlocks) {
            into.addSack(s.left(), s.right());
        }
        return into;
    }

    /**
     * Length of the options as emitted, padding included.
     *
     * @return a multiple of 4; more than 40 if they cannot be emitted
     */
    public int optionsLength() {
        return options(new TcpOptions()).length();
    }

    /**
     * Length of the emitted header: 20 plus the options.
     *
     * @return the header length in bytes
     */
    public int headerLen() {
        return Tcp.HEADER_LEN + optionsLength();
    }

    /**
     * Length of the emitted segment, the TCP length of the pseudo-header.
     *
     * @return {@code headerLen() + payloadLength()}
     */
    public int segmentLength() {
        return headerLen() + payloadLength;
    }

    /**
     * Whether every bit of {@code mask} is set in the flags.
     *
     * @param mask one or more of {@link Tcp#FIN} to {@link Tcp#AE}
     * @return true if all are set
     */
    public boolean hasFlags(int mask) {
        return (flags & mask) == mask;
    }

    /**
     * Writes the header and options at {@code buf[off..off+headerLen())} with a zero checksum,
     * for a checksum computed afterwards ({@link Tcp#fillChecksum}, including its variant for
     * data held elsewhere) or seeded for offload ({@link Tcp#fillPseudoHeaderChecksum}).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return {@link #headerLen()}, the number of bytes written
     * @throws IllegalArgumentException if the options need more than 40 bytes
     * @throws IndexOutOfBoundsException if the buffer is shorter than the header
     */
    public int emitHeader(byte[] buf, int off) {
        TcpOptions o = options(new TcpOptions());
        int hlen = Tcp.HEADER_LEN + checkedOptionsLength(o);
        Objects.checkFromIndexSize(off, hlen, buf.length);
        Tcp.writeHeader(buf, off, srcPort, dstPort, seq, ack, hlen, flags, window, urgent);
        o.write(buf, off + Tcp.OPTIONS);
        return hlen;
    }

    /**
     * Writes the header and options, then the checksum over the segment, so the
     * {@link #payloadLength} data bytes must already be in place after the header.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param src IPv4 source address, for the pseudo-header
     * @param dst IPv4 destination address, for the pseudo-header
     * @return {@link #headerLen()}, the number of bytes written
     * @throws IllegalArgumentException if the options need more than 40 bytes
     * @throws IndexOutOfBoundsException if the buffer is shorter than the segment
     */
    public int emit(byte[] buf, int off, int src, int dst) {
        int hlen = Tcp.HEADER_LEN + checkedOptionsLength(options(new TcpOptions()));
        Objects.checkFromIndexSize(off, hlen + payloadLength, buf.length);
        emitHeader(buf, off);
        Tcp.fillChecksum(buf, off, hlen + payloadLength, src, dst);
        return hlen;
    }

    /** The length {@code o} writes, if it fits in a header. */
    private int checkedOptionsLength(TcpOptions o) {
        int len = o.length();
        if (len > Tcp.MAX_OPTIONS_LEN) {
            throw new IllegalArgumentException("TCP options need " + len + " bytes, more than "
                    + Tcp.MAX_OPTIONS_LEN + ": " + this);
        }
        return len;
    }

    // ---- withers ----

    /**
     * This header with another MSS option.
     *
     * @param v the MSS, or 0 for none
     * @return the new header
     */
    public TcpRepr withMss(int v) {
        return new TcpRepr(srcPort, dstPort, seq, ack, flags, window, urgent, v, wscale, sackOk, hasTimestamps,
                tsVal, tsEcr, sackBlocks, payloadLength);
    }

    /**
     * This header with another Window Scale option.
     *
     * @param v the shift, or -1 for none
     * @return the new header
     */
    public TcpRepr withWscale(int v) {
        return new TcpRepr(srcPort, dstPort, seq, ack, flags, window, urgent, mss, v, sackOk, hasTimestamps,
                tsVal, tsEcr, sackBlocks, payloadLength);
    }

    /**
     * This header with or without SACK-Permitted.
     *
     * @param v whether the option is present
     * @return the new header
     */
    public TcpRepr withSackOk(boolean v) {
        return new TcpRepr(srcPort, dstPort, seq, ack, flags, window, urgent, mss, wscale, v, hasTimestamps,
                tsVal, tsEcr, sackBlocks, payloadLength);
    }

    /**
     * This header with the Timestamps option.
     *
     * @param val TSval
     * @param ecr TSecr
     * @return the new header
     */
    public TcpRepr withTimestamps(int val, int ecr) {
        return new TcpRepr(srcPort, dstPort, seq, ack, flags, window, urgent, mss, wscale, sackOk, true,
                val, ecr, sackBlocks, payloadLength);
    }

    /**
     * This header without the Timestamps option.
     *
     * @return the new header
     */
    public TcpRepr withoutTimestamps() {
        return new TcpRepr(srcPort, dstPort, seq, ack, flags, window, urgent, mss, wscale, sackOk, false,
                0, 0, sackBlocks, payloadLength);
    }

    /**
     * This header with other SACK blocks.
     *
     * @param blocks the blocks, at most 4; none for no SACK option
     * @return the new header
     */
    public TcpRepr withSackBlocks(SackBlock... blocks) {
        return new TcpRepr(srcPort, dstPort, seq, ack, flags, window, urgent, mss, wscale, sackOk, hasTimestamps,
                tsVal, tsEcr, List.of(blocks), payloadLength);
    }

    /**
     * This header with another urgent pointer.
     *
     * @param v the urgent pointer
     * @return the new header
     */
    public TcpRepr withUrgent(int v) {
        return new TcpRepr(srcPort, dstPort, seq, ack, flags, window, v, mss, wscale,
                sackOk, hasTimestamps, tsVal, tsEcr, sackBlocks, payloadLength);
    }

    /**
     * This header with another data length.
     *
     * @param v the data length
     * @return the new header
     */
    public TcpRepr withPayloadLength(int v) {
        return new TcpRepr(srcPort, dstPort, seq, ack, flags, window, urgent, mss, wscale, sackOk, hasTimestamps,
                tsVal, tsEcr, sackBlocks, v);
    }

    /**
     * The segment as packetdrill writes it, with absolute sequence numbers:
     * {@code S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>}. That is
     * the flags ({@link Tcp#flagString}), the sequence range of the data and its length,
     * {@code ack} when ACK is set, the window, {@code urg} when URG is set or the pointer is not
     * zero, and the options as {@link #emit} lays them out.
     *
     * @return the description
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(96);
        sb.append(Tcp.flagString(flags)).append(' ')
                .append(Integer.toUnsignedString(seq)).append(':')
                .append(Integer.toUnsignedString(seq + payloadLength))
                .append('(').append(payloadLength).append(')');
        if ((flags & Tcp.ACK) != 0) {
            sb.append(" ack ").append(Integer.toUnsignedString(ack));
        }
        sb.append(" win ").append(window);
        if ((flags & Tcp.URG) != 0 || urgent != 0) {
            sb.append(" urg ").append(urgent);
        }
        TcpOptions o = options(new TcpOptions());
        if (o.length() > 0) {
            sb.append(" <").append(o).append('>');
        }
        return sb.toString();
    }
}
