package io.jnetstack.wire;

/**
 * View of an ICMP message for IPv4 (RFC 792; RFC 1122 §3.2.2).
 *
 * <p>Layout:
 * <pre>
 *  0      1      2          4                          8
 *  | type | code | checksum | rest of header (32 bits) | data ...
 * </pre>
 * The meaning of the rest of the header depends on the type: identifier and sequence number for
 * echo, timestamp, information and address mask messages; the gateway address for redirect; the
 * next-hop MTU in the low 16 bits for "fragmentation needed" (RFC 1191 §4); the pointer in the
 * first octet for parameter problem; unused (zero) otherwise. Error messages carry the
 * offending datagram's IP header and at least its first 8 data bytes as their data (RFC 792;
 * RFC 1812 §4.3.2.3 allows more). Timestamp messages have three 32-bit timestamps after the
 * header (20 bytes in all) and address mask messages a mask (12 bytes; RFC 950 Appendix I).
 *
 * <p>All methods are static and take {@code (buf, off)} with {@code off} the index of the type
 * octet. Call {@link #check} once; when it succeeds, every accessor for the message's type reads
 * only checked bytes and does not throw. The checksum covers the whole message, header and data,
 * so its methods take the message length.
 */
public final class Icmp {

    /** Offset of the type octet. */
    public static final int TYPE = 0;
    /** Offset of the code octet. */
    public static final int CODE = 1;
    /** Offset of the checksum field. */
    public static final int CHECKSUM = 2;
    /** Offset of the 32-bit rest of the header. */
    public static final int REST = 4;
    /** Offset of the identifier of echo, timestamp, information and address mask messages. */
    public static final int ID = 4;
    /** Offset of the sequence number of echo, timestamp, information and address mask messages. */
    public static final int SEQ = 6;
    /** Offset of the gateway address of a redirect. */
    public static final int GATEWAY = 4;
    /** Offset of the next-hop MTU of "fragmentation needed" (RFC 1191 §4). */
    public static final int NEXT_HOP_MTU = 6;
    /** Offset of the pointer octet of a parameter problem. */
    public static final int POINTER = 4;
    /** Offset of the originate timestamp of a timestamp message. */
    public static final int ORIGINATE = 8;
    /** Offset of the receive timestamp of a timestamp message. */
    public static final int RECEIVE = 12;
    /** Offset of the transmit timestamp of a timestamp message. */
    public static final int TRANSMIT = 16;
    /** Offset of the address mask of an address mask message (RFC 950 Appendix I). */
    public static final int MASK = 8;
    /** Length of the header: type, code, checksum and the rest of the header. */
    public static final int HEADER_LEN = 8;
    /** Length of a timestamp or timestamp reply message. */
    public static final int TIMESTAMP_LEN = 20;
    /** Length of an address mask request or reply (RFC 950 Appendix I). */
    public static final int ADDRESS_MASK_LEN = 12;

    /** Type: echo reply. */
    public static final int ECHOREPLY = 0;
    /** Type: destination unreachable, an error. */
    public static final int DEST_UNREACH = 3;
    /** Type: source quench, an error, deprecated (RFC 6633). */
    public static final int SOURCE_QUENCH = 4;
    /** Type: redirect, an error. */
    public static final int REDIRECT = 5;
    /** Type: echo request. */
    public static final int ECHO = 8;
    /** Type: time exceeded, an error. */
    public static final int TIME_EXCEEDED = 11;
    /** Type: parameter problem, an error. */
    public static final int PARAMETERPROB = 12;
    /** Type: timestamp request. */
    public static final int TIMESTAMP = 13;
    /** Type: timestamp reply. */
    public static final int TIMESTAMPREPLY = 14;
    /** Type: information request, obsolete (RFC 6918). */
    public static final int INFO_REQUEST = 15;
    /** Type: information reply, obsolete (RFC 6918). */
    public static final int INFO_REPLY = 16;
    /** Type: address mask request (RFC 950), deprecated (RFC 6918). */
    public static final int ADDRESS = 17;
    /** Type: address mask reply (RFC 950), deprecated (RFC 6918). */
    public static final int ADDRESSREPLY = 18;

    /** Destination unreachable code: network unreachable. */
    public static final int NET_UNREACH = 0;
    /** Destination unreachable code: host unreachable. */
    public static final int HOST_UNREACH = 1;
    /** Destination unreachable code: protocol unreachable. */
    public static final int PROT_UNREACH = 2;
    /** Destination unreachable code: port unreachable. */
    public static final int PORT_UNREACH = 3;
    /** Destination unreachable code: fragmentation needed and DF set (RFC 1191 §4 adds the MTU). */
    public static final int FRAG_NEEDED = 4;
    /** Destination unreachable code: source route failed. */
    public static final int SR_FAILED = 5;
    /** Destination unreachable code: destination network unknown (RFC 1122 §3.2.2.1). */
    public static final int NET_UNKNOWN = 6;
    /** Destination unreachable code: destination host unknown (RFC 1122 §3.2.2.1). */
    public static final int HOST_UNKNOWN = 7;
    /** Destination unreachable code: source host isolated (RFC 1122 §3.2.2.1). */
    public static final int HOST_ISOLATED = 8;
    /** Destination unreachable code: network administratively prohibited (RFC 1122 §3.2.2.1). */
    public static final int NET_ANO = 9;
    /** Destination unreachable code: host administratively prohibited (RFC 1122 §3.2.2.1). */
    public static final int HOST_ANO = 10;
    /** Destination unreachable code: network unreachable for type of service (RFC 1122 §3.2.2.1). */
    public static final int NET_UNR_TOS = 11;
    /** Destination unreachable code: host unreachable for type of service (RFC 1122 §3.2.2.1). */
    public static final int HOST_UNR_TOS = 12;
    /** Destination unreachable code: communication administratively prohibited (RFC 1812 §5.2.7.1). */
    public static final int PKT_FILTERED = 13;
    /** Destination unreachable code: host precedence violation (RFC 1812 §5.2.7.1). */
    public static final int PREC_VIOLATION = 14;
    /** Destination unreachable code: precedence cutoff in effect (RFC 1812 §5.2.7.1). */
    public static final int PREC_CUTOFF = 15;

    /** Redirect code: redirect datagrams for the network. */
    public static final int REDIR_NET = 0;
    /** Redirect code: redirect datagrams for the host. */
    public static final int REDIR_HOST = 1;
    /** Redirect code: redirect datagrams for the type of service and network. */
    public static final int REDIR_NETTOS = 2;
    /** Redirect code: redirect datagrams for the type of service and host. */
    public static final int REDIR_HOSTTOS = 3;

    /** Time exceeded code: time to live exceeded in transit. */
    public static final int EXC_TTL = 0;
    /** Time exceeded code: fragment reassembly time exceeded. */
    public static final int EXC_FRAGTIME = 1;

    /** Parameter problem code: the pointer indicates the error. */
    public static final int PARAM_POINTER = 0;
    /** Parameter problem code: a required option is missing (RFC 1122 §3.2.2.5). */
    public static final int PARAM_MISSING_OPTION = 1;
    /** Parameter problem code: bad length (RFC 1812 §5.2.7.3). */
    public static final int PARAM_BAD_LENGTH = 2;

    /** {@link #check} error: {@code off}/{@code len} do not describe a range inside {@code buf}. */
    public static final int ERR_BOUNDS = -1;
    /** {@link #check} error: fewer than {@link #HEADER_LEN} bytes. */
    public static final int ERR_TRUNCATED = -2;
    /** {@link #check} error: a timestamp or address mask message shorter than its fixed body. */
    public static final int ERR_TRUNCATED_BODY = -3;

    private Icmp() {
    }

    /**
     * Validates that {@code buf[off..off+len)} holds an ICMP header, and for timestamp and
     * address mask messages also their fixed fields. Neither the checksum nor the data are
     * examined. Never throws.
     *
     * @param buf the buffer, may be null (an error)
     * @param off index of the type octet
     * @param len length of the message (the IP payload)
     * @return the header length for the type, as {@link #headerLen}, if valid; otherwise
     *     {@link #ERR_BOUNDS}, {@link #ERR_TRUNCATED} or {@link #ERR_TRUNCATED_BODY}
     */
    public static int check(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            return ERR_BOUNDS;
        }
        if (len < HEADER_LEN) {
            return ERR_TRUNCATED;
        }
        int hlen = headerLen(Bytes.u8(buf, off + TYPE));
        return len < hlen ? ERR_TRUNCATED_BODY : hlen;
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
            case ERR_TRUNCATED_BODY -> "truncated-body";
            default -> result >= HEADER_LEN ? "ok" : "unknown(" + result + ")";
        };
    }

    /**
     * The fixed length of a message of a type, before any variable data.
     *
     * @param type the type
     * @return {@link #TIMESTAMP_LEN} for timestamps, {@link #ADDRESS_MASK_LEN} for address
     *     masks, otherwise {@link #HEADER_LEN}
     */
    public static int headerLen(int type) {
        return switch (type) {
            case TIMESTAMP, TIMESTAMPREPLY -> TIMESTAMP_LEN;
            case ADDRESS, ADDRESSREPLY -> ADDRESS_MASK_LEN;
            default -> HEADER_LEN;
        };
    }

    /**
     * Whether a type is an error message: destination unreachable, source quench, redirect, time
     * exceeded or parameter problem. No ICMP error is sent about an ICMP error
     * (RFC 1122 §3.2.2), which is what this test is for.
     *
     * @param type the type
     * @return true for types 3, 4, 5, 11 and 12
     */
    public static boolean isError(int type) {
        return switch (type) {
            case DEST_UNREACH, SOURCE_QUENCH, REDIRECT, TIME_EXCEEDED, PARAMETERPROB -> true;
            default -> false;
        };
    }

    /**
     * A description of a type and code in the words the {@code ping} utility prints, such as
     * {@code "Destination Host Unreachable"}. Details held in the rest of the header (the MTU,
     * the new gateway, the pointer) are left out; see {@link #describe}.
     *
     * @param type the type
     * @param code the code
     * @return the description
     */
    public static String name(int type, int code) {
        return switch (type) {
            case ECHOREPLY -> "Echo Reply";
            case DEST_UNREACH -> switch (code) {
                case NET_UNREACH -> "Destination Net Unreachable";
                case HOST_UNREACH -> "Destination Host Unreachable";
                case PROT_UNREACH -> "Destination Protocol Unreachable";
                case PORT_UNREACH -> "Destination Port Unreachable";
                case FRAG_NEEDED -> "Frag needed and DF set";
                case SR_FAILED -> "Source Route Failed";
                case NET_UNKNOWN -> "Destination Net Unknown";
                case HOST_UNKNOWN -> "Destination Host Unknown";
                case HOST_ISOLATED -> "Source Host Isolated";
                case NET_ANO -> "Destination Net Prohibited";
                case HOST_ANO -> "Destination Host Prohibited";
                case NET_UNR_TOS -> "Destination Net Unreachable for Type of Service";
                case HOST_UNR_TOS -> "Destination Host Unreachable for Type of Service";
                case PKT_FILTERED -> "Packet filtered";
                case PREC_VIOLATION -> "Precedence Violation";
                case PREC_CUTOFF -> "Precedence Cutoff";
                default -> "Dest Unreachable, Bad Code: " + code;
            };
            case SOURCE_QUENCH -> "Source Quench";
            case REDIRECT -> switch (code) {
                case REDIR_NET -> "Redirect Network";
                case REDIR_HOST -> "Redirect Host";
                case REDIR_NETTOS -> "Redirect Type of Service and Network";
                case REDIR_HOSTTOS -> "Redirect Type of Service and Host";
                default -> "Redirect, Bad Code: " + code;
            };
            case ECHO -> "Echo Request";
            case TIME_EXCEEDED -> switch (code) {
                case EXC_TTL -> "Time to live exceeded";
                case EXC_FRAGTIME -> "Frag reassembly time exceeded";
                default -> "Time exceeded, Bad Code: " + code;
            };
            case PARAMETERPROB -> "Parameter problem";
            case TIMESTAMP -> "Timestamp";
            case TIMESTAMPREPLY -> "Timestamp Reply";
            case INFO_REQUEST -> "Information Request";
            case INFO_REPLY -> "Information Reply";
            case ADDRESS -> "Address Mask Request";
            case ADDRESSREPLY -> "Address Mask Reply";
            default -> "Bad ICMP type: " + type;
        };
    }

    /**
     * {@link #name} of a checked message, with the detail {@code ping} adds from the rest of the
     * header: {@code "Frag needed and DF set (mtu = 1280)"},
     * {@code "Redirect Host(New nexthop: 192.0.2.1)"}, {@code "Parameter problem: pointer = 20"}.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @return the description
     */
    public static String describe(byte[] buf, int off) {
        int type = type(buf, off);
        int code = code(buf, off);
        String name = name(type, code);
        return switch (type) {
            case DEST_UNREACH -> code == FRAG_NEEDED ? name + " (mtu = " + nextHopMtu(buf, off) + ")" : name;
            case REDIRECT -> name + "(New nexthop: " + Ipv4Address.format(gateway(buf, off)) + ")";
            case PARAMETERPROB -> name + ": pointer = " + pointer(buf, off);
            default -> name;
        };
    }

    // ---- accessors ----

    /**
     * The type octet.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @return 0 to 255
     */
    public static int type(byte[] buf, int off) {
        return Bytes.u8(buf, off + TYPE);
    }

    /**
     * The code octet.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @return 0 to 255
     */
    public static int code(byte[] buf, int off) {
        return Bytes.u8(buf, off + CODE);
    }

    /**
     * The checksum field as stored.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @return the unsigned 16-bit field
     */
    public static int checksum(byte[] buf, int off) {
        return Bytes.u16(buf, off + CHECKSUM);
    }

    /**
     * The 32-bit rest of the header, uninterpreted.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @return the bits at offsets 4 to 7
     */
    public static int restOfHeader(byte[] buf, int off) {
        return Bytes.i32(buf, off + REST);
    }

    /**
     * The header length of the checked message's type, as {@link #headerLen(int)}.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @return 8, 12 or 20
     */
    public static int headerLen(byte[] buf, int off) {
        return headerLen(type(buf, off));
    }

    /**
     * Index in {@code buf} of the data after the fixed fields: the echo data, or the quoted
     * datagram of an error message.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @return {@code off + headerLen(buf, off)}, an absolute index
     */
    public static int dataOffset(byte[] buf, int off) {
        return off + headerLen(buf, off);
    }

    /**
     * The identifier of an echo, timestamp, information or address mask message.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @return the unsigned 16-bit field
     */
    public static int echoId(byte[] buf, int off) {
        return Bytes.u16(buf, off + ID);
    }

    /**
     * The sequence number of an echo, timestamp, information or address mask message.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @return the unsigned 16-bit field
     */
    public static int echoSeq(byte[] buf, int off) {
        return Bytes.u16(buf, off + SEQ);
    }

    /**
     * The gateway address of a redirect: where to send traffic for the destination instead.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @return the address, as in {@link Ipv4Address}
     */
    public static int gateway(byte[] buf, int off) {
        return Bytes.i32(buf, off + GATEWAY);
    }

    /**
     * The next-hop MTU of "fragmentation needed" (RFC 1191 §4); 0 from routers that predate it.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @return the unsigned 16-bit field
     */
    public static int nextHopMtu(byte[] buf, int off) {
        return Bytes.u16(buf, off + NEXT_HOP_MTU);
    }

    /**
     * The pointer of a parameter problem: the offset of the offending octet in the quoted
     * datagram.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @return 0 to 255
     */
    public static int pointer(byte[] buf, int off) {
        return Bytes.u8(buf, off + POINTER);
    }

    /**
     * The originate timestamp: milliseconds since midnight UT, or any value with the high bit set
     * when that is not available (RFC 792).
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @return the unsigned 32-bit field
     */
    public static long originate(byte[] buf, int off) {
        return Bytes.u32(buf, off + ORIGINATE);
    }

    /**
     * The receive timestamp of a timestamp message.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @return the unsigned 32-bit field
     */
    public static long receive(byte[] buf, int off) {
        return Bytes.u32(buf, off + RECEIVE);
    }

    /**
     * The transmit timestamp of a timestamp message.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @return the unsigned 32-bit field
     */
    public static long transmit(byte[] buf, int off) {
        return Bytes.u32(buf, off + TRANSMIT);
    }

    /**
     * The mask of an address mask message (RFC 950 Appendix I).
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @return the mask
     */
    public static int addressMask(byte[] buf, int off) {
        return Bytes.i32(buf, off + MASK);
    }

    // ---- checksum ----

    /**
     * Whether the checksum over the whole message verifies (RFC 792).
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @param len length of the message, header and data
     * @return true if the sum of the message, checksum included, is 0xFFFF
     */
    public static boolean checksumOk(byte[] buf, int off, int len) {
        return Checksum.verify(buf, off, len);
    }

    /**
     * Computes the checksum over the whole message and writes it.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @param len length of the message, header and data
     * @return the checksum written
     */
    public static int fillChecksum(byte[] buf, int off, int len) {
        Bytes.put16(buf, off + CHECKSUM, 0);
        int c = Checksum.compute(buf, off, len);
        Bytes.put16(buf, off + CHECKSUM, c);
        return c;
    }

    // ---- setters and writers ----

    /**
     * Writes the 8-byte header with a zero checksum; call {@link #fillChecksum} once the data is
     * in place.
     *
     * @param buf the buffer, with room for 8 bytes at {@code off}
     * @param off index of the type octet
     * @param type the type
     * @param code the code
     * @param rest the 32-bit rest of the header
     * @return {@link #HEADER_LEN}, the number of bytes written
     */
    public static int writeHeader(byte[] buf, int off, int type, int code, int rest) {
        Bytes.put8(buf, off + TYPE, type);
        Bytes.put8(buf, off + CODE, code);
        Bytes.put16(buf, off + CHECKSUM, 0);
        Bytes.put32(buf, off + REST, rest);
        return HEADER_LEN;
    }

    /**
     * Writes an echo request or reply header with a zero checksum.
     *
     * @param buf the buffer, with room for 8 bytes at {@code off}
     * @param off index of the type octet
     * @param type {@link #ECHO} or {@link #ECHOREPLY}
     * @param id the identifier, 16 bits
     * @param seq the sequence number, 16 bits
     * @return {@link #HEADER_LEN}, the number of bytes written
     */
    public static int writeEcho(byte[] buf, int off, int type, int id, int seq) {
        return writeHeader(buf, off, type, 0, ((id & 0xFFFF) << 16) | (seq & 0xFFFF));
    }

    /**
     * Overwrites the type octet.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @param type 8 bits
     */
    public static void setType(byte[] buf, int off, int type) {
        Bytes.put8(buf, off + TYPE, type);
    }

    /**
     * Overwrites the code octet.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @param code 8 bits
     */
    public static void setCode(byte[] buf, int off, int code) {
        Bytes.put8(buf, off + CODE, code);
    }

    /**
     * Overwrites the checksum field.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @param checksum 16 bits
     */
    public static void setChecksum(byte[] buf, int off, int checksum) {
        Bytes.put16(buf, off + CHECKSUM, checksum);
    }

    /**
     * Overwrites the 32-bit rest of the header.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @param rest the bits for offsets 4 to 7
     */
    public static void setRestOfHeader(byte[] buf, int off, int rest) {
        Bytes.put32(buf, off + REST, rest);
    }

    /**
     * Overwrites the identifier.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @param id 16 bits
     */
    public static void setEchoId(byte[] buf, int off, int id) {
        Bytes.put16(buf, off + ID, id);
    }

    /**
     * Overwrites the sequence number.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @param seq 16 bits
     */
    public static void setEchoSeq(byte[] buf, int off, int seq) {
        Bytes.put16(buf, off + SEQ, seq);
    }

    /**
     * Overwrites the gateway address of a redirect.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @param gateway the address
     */
    public static void setGateway(byte[] buf, int off, int gateway) {
        Bytes.put32(buf, off + GATEWAY, gateway);
    }

    /**
     * Writes the next-hop MTU of "fragmentation needed" and zeroes the unused 16 bits before it
     * (RFC 1191 §4).
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @param mtu 16 bits
     */
    public static void setNextHopMtu(byte[] buf, int off, int mtu) {
        Bytes.put32(buf, off + REST, mtu & 0xFFFF);
    }

    /**
     * Writes the pointer of a parameter problem and zeroes the unused 24 bits after it.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @param pointer 8 bits
     */
    public static void setPointer(byte[] buf, int off, int pointer) {
        Bytes.put32(buf, off + REST, (pointer & 0xFF) << 24);
    }

    /**
     * Overwrites the originate timestamp.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @param ts the low 32 bits are written
     */
    public static void setOriginate(byte[] buf, int off, long ts) {
        Bytes.put32(buf, off + ORIGINATE, (int) ts);
    }

    /**
     * Overwrites the receive timestamp.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @param ts the low 32 bits are written
     */
    public static void setReceive(byte[] buf, int off, long ts) {
        Bytes.put32(buf, off + RECEIVE, (int) ts);
    }

    /**
     * Overwrites the transmit timestamp.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @param ts the low 32 bits are written
     */
    public static void setTransmit(byte[] buf, int off, long ts) {
        Bytes.put32(buf, off + TRANSMIT, (int) ts);
    }

    /**
     * Overwrites the mask of an address mask message.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @param mask the mask
     */
    public static void setAddressMask(byte[] buf, int off, int mask) {
        Bytes.put32(buf, off + MASK, mask);
    }
}
