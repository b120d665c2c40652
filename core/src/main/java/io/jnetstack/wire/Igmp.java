package io.jnetstack.wire;

/**
 * View of an IGMP message (RFC 2236 §2; RFC 1112 Appendix I; the longer IGMPv3 query of
 * RFC 3376 §4.1).
 *
 * <p>Layout of the 8 bytes every version shares:
 * <pre>
 *  0      1               2          4               8
 *  | type | max resp code | checksum | group address | (IGMPv3 query: S/QRV, QQIC,
 *                                                        number of sources, sources ...)
 * </pre>
 * The max resp code is in tenths of a second; in an IGMPv1 query it is 0 ("unused"), and in an
 * IGMPv3 query (12 bytes or more) codes of 128 and above are a floating-point value
 * ({@link #v3MaxRespTenths}). The checksum covers the whole IGMP message.
 *
 * <p>All methods are static and take {@code (buf, off)} with {@code off} the index of the type
 * octet. After {@link #check} succeeds, the accessors read only checked bytes and do not throw.
 */
public final class Igmp {

    /** Offset of the type octet. */
    public static final int TYPE = 0;
    /** Offset of the max resp code (RFC 2236 §2.2; "unused" in IGMPv1). */
    public static final int MAX_RESP_CODE = 1;
    /** Offset of the checksum. */
    public static final int CHECKSUM = 2;
    /** Offset of the group address. */
    public static final int GROUP = 4;
    /** Length of an IGMPv1/v2 message. */
    public static final int HEADER_LEN = 8;
    /** An IGMPv3 query is at least this long (RFC 3376 §7.1: how a query's version is told). */
    public static final int V3_QUERY_MIN_LEN = 12;

    /** Type: membership query, every version (RFC 2236 §2.1). */
    public static final int MEMBERSHIP_QUERY = 0x11;
    /** Type: version 1 membership report (RFC 1112 Appendix I). */
    public static final int V1_MEMBERSHIP_REPORT = 0x12;
    /** Type: version 2 membership report (RFC 2236 §2.1). */
    public static final int V2_MEMBERSHIP_REPORT = 0x16;
    /** Type: leave group (RFC 2236 §2.1). */
    public static final int LEAVE_GROUP = 0x17;
    /** Type: version 3 membership report (RFC 3376 §4.2). */
    public static final int V3_MEMBERSHIP_REPORT = 0x22;

    /** {@link #check} error: the range does not fit the buffer. */
    public static final int ERR_BOUNDS = -1;
    /** {@link #check} error: fewer than {@link #HEADER_LEN} bytes. */
    public static final int ERR_TRUNCATED = -2;

    private Igmp() {
    }

    /**
     * Validates that {@code buf[off..off+len)} holds the 8 bytes every IGMP message has. The
     * checksum is not examined. Never throws.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @param len bytes of IGMP message available
     * @return {@link #HEADER_LEN}, or {@link #ERR_BOUNDS} or {@link #ERR_TRUNCATED}
     */
    public static int check(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            return ERR_BOUNDS;
        }
        return len < HEADER_LEN ? ERR_TRUNCATED : HEADER_LEN;
    }

    /** The type. */
    public static int type(byte[] buf, int off) {
        return Bytes.u8(buf, off + TYPE);
    }

    /** The max resp code (tenths of a second for IGMPv2). */
    public static int maxRespCode(byte[] buf, int off) {
        return Bytes.u8(buf, off + MAX_RESP_CODE);
    }

    /** The checksum field. */
    public static int checksum(byte[] buf, int off) {
        return Bytes.u16(buf, off + CHECKSUM);
    }

    /** The group address (0 in a general query). */
    public static int group(byte[] buf, int off) {
        return Bytes.i32(buf, off + GROUP);
    }

    /**
     * The Max Response Time of an IGMPv3 query, in tenths of a second (RFC 3376 §4.1.1): codes
     * below 128 are the time itself; above, {@code 1|exp(3)|mant(4)} stands for
     * {@code (mant | 0x10) << (exp + 3)}.
     *
     * @param code the max resp code octet
     * @return tenths of a second, 0 to 31744
     */
    public static int v3MaxRespTenths(int code) {
        code &= 0xff;
        if (code < 128) {
            return code;
        }
        int exp = (code >>> 4) & 0x7;
        int mant = code & 0x0f;
        return (mant | 0x10) << (exp + 3);
    }

    /**
     * Whether the checksum over the whole message is right (RFC 2236 §2.3).
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @param len the whole message's length
     * @return true when the one's complement sum is 0xffff
     */
    public static boolean checksumOk(byte[] buf, int off, int len) {
        return Checksum.verify(buf, off, len);
    }

    /**
     * Writes an 8-byte IGMPv1/v2 message with its checksum.
     *
     * @param buf the buffer, with room for 8 bytes at {@code off}
     * @param off index of the type octet
     * @param type the type
     * @param maxRespCode the max resp code (0 for everything but a query)
     * @param group the group address
     * @return {@link #HEADER_LEN}, the number of bytes written
     */
    public static int write(byte[] buf, int off, int type, int maxRespCode, int group) {
        Bytes.put8(buf, off + TYPE, type);
        Bytes.put8(buf, off + MAX_RESP_CODE, maxRespCode);
        Bytes.put16(buf, off + CHECKSUM, 0);
        Bytes.put32(buf, off + GROUP, group);
        Bytes.put16(buf, off + CHECKSUM, Checksum.compute(buf, off, HEADER_LEN));
        return HEADER_LEN;
    }

    /**
     * A short name of a type, for traces and diagnostics.
     *
     * @param type the type
     * @return e.g. {@code "v2 report"}, or {@code "type 0x42"}
     */
    public static String name(int type) {
        return switch (type) {
            case MEMBERSHIP_QUERY -> "query";
            case V1_MEMBERSHIP_REPORT -> "v1 report";
            case V2_MEMBERSHIP_REPORT -> "v2 report";
            case LEAVE_GROUP -> "leave";
            case V3_MEMBERSHIP_REPORT -> "v3 report";
            default -> String.format("type 0x%02x", type);
        };
    }
}
