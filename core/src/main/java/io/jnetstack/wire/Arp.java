package io.jnetstack.wire;

/**
 * View of an ARP packet (RFC 826), with fixed-offset accessors for the Ethernet/IPv4 case.
 *
 * <p>Layout, with hardware address length {@code h} and protocol address length {@code p}:
 * <pre>
 *  0       2       4     5     6      8      8+h    8+h+p   8+2h+p   8+2(h+p)
 *  | htype | ptype | hlen| plen| oper | sha  | spa  | tha    | tpa    |
 * </pre>
 * For Ethernet and IPv4 ({@code h = 6}, {@code p = 4}) the packet is {@link #ETH_IPV4_LEN} bytes.
 * The same format carries RARP (RFC 903) and Inverse ARP (RFC 2390), which differ only in their
 * operation codes.
 *
 * <p>All methods are static and take {@code (buf, off)} with {@code off} the index of the
 * hardware type. {@link #check} validates the declared lengths against the bytes available;
 * whether they suit the device (hlen equal to its address length, plen 4) is for the receive
 * path to decide. After a successful check the generic accessors never throw; the
 * Ethernet/IPv4 accessors ({@link #sha}, {@link #spa}, {@link #tha}, {@link #tpa}) are for
 * packets where {@link #isEthIpv4} holds.
 */
public final class Arp {

    /** Offset of the hardware type. */
    public static final int HTYPE = 0;
    /** Offset of the protocol type, an EtherType. */
    public static final int PTYPE = 2;
    /** Offset of the hardware address length. */
    public static final int HLEN = 4;
    /** Offset of the protocol address length. */
    public static final int PLEN = 5;
    /** Offset of the operation. */
    public static final int OPER = 6;
    /** Offset of the sender hardware address, after the fixed part. */
    public static final int SHA = 8;
    /** Length of the fixed part before the addresses. */
    public static final int HEADER_LEN = 8;

    /** Offset of the sender hardware address of an Ethernet/IPv4 packet. */
    public static final int ETH_SHA = 8;
    /** Offset of the sender protocol address of an Ethernet/IPv4 packet. */
    public static final int ETH_SPA = 14;
    /** Offset of the target hardware address of an Ethernet/IPv4 packet. */
    public static final int ETH_THA = 18;
    /** Offset of the target protocol address of an Ethernet/IPv4 packet. */
    public static final int ETH_TPA = 24;
    /** Length of an Ethernet/IPv4 packet. */
    public static final int ETH_IPV4_LEN = 28;

    /** Hardware type: Ethernet (RFC 826; IANA ARP parameters). */
    public static final int HRD_ETHER = 1;
    /** Hardware type: IEEE 802 networks (RFC 1042), accepted by Linux as Ethernet. */
    public static final int HRD_IEEE802 = 6;

    /** Operation: request (RFC 826). */
    public static final int OP_REQUEST = 1;
    /** Operation: reply (RFC 826). */
    public static final int OP_REPLY = 2;
    /** Operation: reverse request (RFC 903). */
    public static final int OP_RREQUEST = 3;
    /** Operation: reverse reply (RFC 903). */
    public static final int OP_RREPLY = 4;
    /** Operation: Inverse ARP request (RFC 2390). */
    public static final int OP_INREQUEST = 8;
    /** Operation: Inverse ARP reply (RFC 2390). */
    public static final int OP_INREPLY = 9;

    /** {@link #check} error: {@code off}/{@code len} do not describe a range inside {@code buf}. */
    public static final int ERR_BOUNDS = -1;
    /** {@link #check} error: fewer than {@link #HEADER_LEN} bytes. */
    public static final int ERR_TRUNCATED = -2;
    /** {@link #check} error: the addresses the lengths declare do not fit in the bytes available. */
    public static final int ERR_LENGTHS = -3;

    private Arp() {
    }

    /**
     * Validates that {@code buf[off..off+len)} holds the fixed part and the four addresses its
     * length fields declare. Trailing bytes, such as Ethernet padding, are allowed. Never throws.
     *
     * @param buf the buffer, may be null (an error)
     * @param off index of the packet's first byte
     * @param len bytes available from {@code off}
     * @return the packet length, {@code 8 + 2 * (hlen + plen)}, if valid; otherwise
     *     {@link #ERR_BOUNDS}, {@link #ERR_TRUNCATED} or {@link #ERR_LENGTHS}
     */
    public static int check(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            return ERR_BOUNDS;
        }
        if (len < HEADER_LEN) {
            return ERR_TRUNCATED;
        }
        int plen = length(buf, off);
        return plen > len ? ERR_LENGTHS : plen;
    }

    /**
     * A short name for a {@link #check} result, for diagnostics.
     *
     * @param result a value returned by {@link #check}
     * @return {@code "ok"} for a packet length, or the error's name
     */
    public static String checkName(int result) {
        return switch (result) {
            case ERR_BOUNDS -> "bounds";
            case ERR_TRUNCATED -> "truncated";
            case ERR_LENGTHS -> "lengths";
            default -> result >= HEADER_LEN ? "ok" : "unknown(" + result + ")";
        };
    }

    /**
     * A short name for an operation, for printing.
     *
     * @param op the operation
     * @return for example {@code "request"}, or the number in decimal if unknown
     */
    public static String opName(int op) {
        return switch (op) {
            case OP_REQUEST -> "request";
            case OP_REPLY -> "reply";
            case OP_RREQUEST -> "reverse-request";
            case OP_RREPLY -> "reverse-reply";
            case OP_INREQUEST -> "inverse-request";
            case OP_INREPLY -> "inverse-reply";
            default -> Integer.toString(op);
        };
    }

    // ---- generic accessors ----

    /**
     * The hardware type.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @return the unsigned 16-bit field, such as {@link #HRD_ETHER}
     */
    public static int htype(byte[] buf, int off) {
        return Bytes.u16(buf, off + HTYPE);
    }

    /**
     * The protocol type, an EtherType.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @return the unsigned 16-bit field, such as {@link EtherType#IPV4}
     */
    public static int ptype(byte[] buf, int off) {
        return Bytes.u16(buf, off + PTYPE);
    }

    /**
     * The hardware address length.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @return 0 to 255
     */
    public static int hlen(byte[] buf, int off) {
        return Bytes.u8(buf, off + HLEN);
    }

    /**
     * The protocol address length.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @return 0 to 255
     */
    public static int plen(byte[] buf, int off) {
        return Bytes.u8(buf, off + PLEN);
    }

    /**
     * The operation.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @return the unsigned 16-bit field, such as {@link #OP_REQUEST}
     */
    public static int oper(byte[] buf, int off) {
        return Bytes.u16(buf, off + OPER);
    }

    /**
     * The packet length the length fields declare.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @return {@code 8 + 2 * (hlen + plen)}
     */
    public static int length(byte[] buf, int off) {
        return HEADER_LEN + 2 * (hlen(buf, off) + plen(buf, off));
    }

    /**
     * Index in {@code buf} of the sender hardware address.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @return {@code off + 8}, an absolute index
     */
    public static int shaOffset(byte[] buf, int off) {
        return off + SHA;
    }

    /**
     * Index in {@code buf} of the sender protocol address.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @return {@code off + 8 + hlen}, an absolute index
     */
    public static int spaOffset(byte[] buf, int off) {
        return off + SHA + hlen(buf, off);
    }

    /**
     * Index in {@code buf} of the target hardware address.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @return {@code off + 8 + hlen + plen}, an absolute index
     */
    public static int thaOffset(byte[] buf, int off) {
        return off + SHA + hlen(buf, off) + plen(buf, off);
    }

    /**
     * Index in {@code buf} of the target protocol address.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @return {@code off + 8 + 2 * hlen + plen}, an absolute index
     */
    public static int tpaOffset(byte[] buf, int off) {
        return off + SHA + 2 * hlen(buf, off) + plen(buf, off);
    }

    // ---- Ethernet/IPv4 ----

    /**
     * Whether this is ARP for IPv4 over Ethernet: hardware type 1, protocol type 0x0800,
     * lengths 6 and 4. After a successful check the Ethernet/IPv4 accessors are then safe.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @return true for an Ethernet/IPv4 packet
     */
    public static boolean isEthIpv4(byte[] buf, int off) {
        return htype(buf, off) == HRD_ETHER && ptype(buf, off) == EtherType.IPV4
                && hlen(buf, off) == MacAddress.LEN && plen(buf, off) == Ipv4Address.LEN;
    }

    /**
     * The sender hardware address of an Ethernet/IPv4 packet.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @return the address bits, as in {@link MacAddress#bits()}
     */
    public static long sha(byte[] buf, int off) {
        return Bytes.u48(buf, off + ETH_SHA);
    }

    /**
     * The sender protocol address of an Ethernet/IPv4 packet.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @return the address, as in {@link Ipv4Address}
     */
    public static int spa(byte[] buf, int off) {
        return Bytes.i32(buf, off + ETH_SPA);
    }

    /**
     * The target hardware address of an Ethernet/IPv4 packet; zero in a request.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @return the address bits, as in {@link MacAddress#bits()}
     */
    public static long tha(byte[] buf, int off) {
        return Bytes.u48(buf, off + ETH_THA);
    }

    /**
     * The target protocol address of an Ethernet/IPv4 packet.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @return the address, as in {@link Ipv4Address}
     */
    public static int tpa(byte[] buf, int off) {
        return Bytes.i32(buf, off + ETH_TPA);
    }

    /**
     * Writes a complete Ethernet/IPv4 packet.
     *
     * @param buf the buffer, with room for 28 bytes at {@code off}
     * @param off index of the packet's first byte
     * @param op the operation, such as {@link #OP_REQUEST}
     * @param sha sender hardware address bits
     * @param spa sender protocol address
     * @param tha target hardware address bits (zero in a request)
     * @param tpa target protocol address
     * @return {@link #ETH_IPV4_LEN}, the number of bytes written
     */
    public static int writeEthIpv4(byte[] buf, int off, int op, long sha, int spa, long tha, int tpa) {
        Bytes.put16(buf, off + HTYPE, HRD_ETHER);
        Bytes.put16(buf, off + PTYPE, EtherType.IPV4);
        Bytes.put8(buf, off + HLEN, MacAddress.LEN);
        Bytes.put8(buf, off + PLEN, Ipv4Address.LEN);
        Bytes.put16(buf, off + OPER, op);
        Bytes.put48(buf, off + ETH_SHA, sha);
        Bytes.put32(buf, off + ETH_SPA, spa);
        Bytes.put48(buf, off + ETH_THA, tha);
        Bytes.put32(buf, off + ETH_TPA, tpa);
        return ETH_IPV4_LEN;
    }

    /**
     * Overwrites the operation.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @param op 16 bits
     */
    public static void setOper(byte[] buf, int off, int op) {
        Bytes.put16(buf, off + OPER, op);
    }

    /**
     * Overwrites the sender hardware address of an Ethernet/IPv4 packet.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @param sha address bits
     */
    public static void setSha(byte[] buf, int off, long sha) {
        Bytes.put48(buf, off + ETH_SHA, sha);
    }

    /**
     * Overwrites the sender protocol address of an Ethernet/IPv4 packet.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @param spa the address
     */
    public static void setSpa(byte[] buf, int off, int spa) {
        Bytes.put32(buf, off + ETH_SPA, spa);
    }

    /**
     * Overwrites the target hardware address of an Ethernet/IPv4 packet.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @param tha address bits
     */
    public static void setTha(byte[] buf, int off, long tha) {
        Bytes.put48(buf, off + ETH_THA, tha);
    }

    /**
     * Overwrites the target protocol address of an Ethernet/IPv4 packet.
     *
     * @param buf the buffer
     * @param off index of the packet's first byte
     * @param tpa the address
     */
    public static void setTpa(byte[] buf, int off, int tpa) {
        Bytes.put32(buf, off + ETH_TPA, tpa);
    }
}
