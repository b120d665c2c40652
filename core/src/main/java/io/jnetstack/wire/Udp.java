package io.jnetstack.wire;

/**
 * View of a UDP header (RFC 768) carried in IPv4.
 *
 * <p>Layout:
 * <pre>
 *  0          2          4        6          8
 *  | src port | dst port | length | checksum | data ...
 * </pre>
 * The length counts header and data. The checksum covers an IPv4 pseudo-header (source,
 * destination, zero, protocol 17, UDP length), the header and the data (RFC 768; RFC 1122
 * §4.1.3.4). Over IPv4 a zero checksum field means the sender computed none, so a computed
 * checksum of zero is sent as 0xFFFF, its one's complement equivalent.
 *
 * <p>All methods are static and take {@code (buf, off)} with {@code off} the index of the
 * source port. Call {@link #check} once; when it succeeds, every accessor reads only checked
 * bytes and does not throw.
 */
public final class Udp {

    /** Offset of the source port. */
    public static final int SRC_PORT = 0;
    /** Offset of the destination port. */
    public static final int DST_PORT = 2;
    /** Offset of the length field: header plus data. */
    public static final int LENGTH = 4;
    /** Offset of the checksum field. */
    public static final int CHECKSUM = 6;
    /** Length of the header. */
    public static final int HEADER_LEN = 8;
    /** Checksum field value meaning "no checksum" (RFC 768). */
    public static final int NO_CHECKSUM = 0;

    /** {@link #check} error: {@code off}/{@code len} do not describe a range inside {@code buf}. */
    public static final int ERR_BOUNDS = -1;
    /** {@link #check} error: fewer than {@link #HEADER_LEN} bytes. */
    public static final int ERR_TRUNCATED = -2;
    /** {@link #check} error: the length field is below 8 or exceeds the bytes available. */
    public static final int ERR_LENGTH = -3;

    private Udp() {
    }

    /**
     * Validates that {@code buf[off..off+len)} holds a UDP header whose length field is at least
     * 8 and fits in {@code len}. Bytes after the datagram (the length field may be less than
     * {@code len}) are allowed; the receive path trims them. Never throws.
     *
     * @param buf the buffer, may be null (an error)
     * @param off index of the header's first byte
     * @param len bytes available from {@code off}, normally the IP payload length
     * @return {@link #HEADER_LEN} if valid, otherwise {@link #ERR_BOUNDS},
     *     {@link #ERR_TRUNCATED} or {@link #ERR_LENGTH}
     */
    public static int check(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            return ERR_BOUNDS;
        }
        if (len < HEADER_LEN) {
            return ERR_TRUNCATED;
        }
        int ulen = Bytes.u16(buf, off + LENGTH);
        return ulen < HEADER_LEN || ulen > len ? ERR_LENGTH : HEADER_LEN;
    }

    /**
     * A short name for a {@link #check} result, for diagnostics.
     *
     * @param result a value returned by {@link #check}
     * @return {@code "ok"} for the header length, or the error's name
     */
    public static String checkName(int result) {
        return switch (result) {
            case ERR_BOUNDS -> "bounds";
            case ERR_TRUNCATED -> "truncated";
            case ERR_LENGTH -> "length";
            default -> result == HEADER_LEN ? "ok" : "unknown(" + result + ")";
        };
    }

    /**
     * The source port; 0 if unused (RFC 768).
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
     * The length field: header plus data.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the unsigned 16-bit field; 8 or more after a successful check
     */
    public static int length(byte[] buf, int off) {
        return Bytes.u16(buf, off + LENGTH);
    }

    /**
     * The checksum field as stored.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the unsigned 16-bit field; {@link #NO_CHECKSUM} if none was computed
     */
    public static int checksum(byte[] buf, int off) {
        return Bytes.u16(buf, off + CHECKSUM);
    }

    /**
     * Whether the sender computed a checksum: the field is not zero (RFC 768).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return true if the checksum field is non-zero
     */
    public static boolean hasChecksum(byte[] buf, int off) {
        return checksum(buf, off) != NO_CHECKSUM;
    }

    /**
     * The data length: the length field minus 8.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the payload length in bytes; not negative after a successful check
     */
    public static int payloadLength(byte[] buf, int off) {
        return length(buf, off) - HEADER_LEN;
    }

    /**
     * Index in {@code buf} of the first data byte.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return {@code off + 8}, an absolute index
     */
    public static int payloadOffset(byte[] buf, int off) {
        return off + HEADER_LEN;
    }

    /**
     * Whether the checksum verifies, with the IPv4 pseudo-header, or is absent (a zero field,
     * RFC 768; RFC 1122 §4.1.3.4).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param len the datagram length, header and data: normally {@link #length} after a
     *     successful check, which also goes into the pseudo-header
     * @param src IPv4 source address
     * @param dst IPv4 destination address
     * @return true if the checksum field is zero or the sum verifies
     */
    public static boolean checksumOk(byte[] buf, int off, int len, int src, int dst) {
        if (checksum(buf, off) == NO_CHECKSUM) {
            return true;
        }
        return Checksum.verify(buf, off, len, Checksum.pseudoHeaderSum(src, dst, Ipv4.PROTO_UDP, len));
    }

    /**
     * Computes the checksum with the IPv4 pseudo-header and writes it, as 0xFFFF when the
     * computed value is zero (RFC 768).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param len the datagram length, header and data
     * @param src IPv4 source address
     * @param dst IPv4 destination address
     * @return the checksum written, never 0
     */
    public static int fillChecksum(byte[] buf, int off, int len, int src, int dst) {
        Bytes.put16(buf, off + CHECKSUM, 0);
        int c = Checksum.compute(buf, off, len, Checksum.pseudoHeaderSum(src, dst, Ipv4.PROTO_UDP, len));
        if (c == 0) {
            c = 0xFFFF;
        }
        Bytes.put16(buf, off + CHECKSUM, c);
        return c;
    }

    /**
     * Writes the header with a zero (absent) checksum; call {@link #fillChecksum} once the data
     * is in place.
     *
     * @param buf the buffer, with room for 8 bytes at {@code off}
     * @param off index of the header's first byte
     * @param srcPort source port, 16 bits
     * @param dstPort destination port, 16 bits
     * @param length header plus data, 16 bits
     * @return {@link #HEADER_LEN}, the number of bytes written
     */
    public static int writeHeader(byte[] buf, int off, int srcPort, int dstPort, int length) {
        Bytes.put16(buf, off + SRC_PORT, srcPort);
        Bytes.put16(buf, off + DST_PORT, dstPort);
        Bytes.put16(buf, off + LENGTH, length);
        Bytes.put16(buf, off + CHECKSUM, NO_CHECKSUM);
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
     * Overwrites the length field.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param length 16 bits
     */
    public static void setLength(byte[] buf, int off, int length) {
        Bytes.put16(buf, off + LENGTH, length);
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
}
