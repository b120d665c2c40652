package io.jnetstack.wire;

/**
 * View of an IPv4 header (RFC 791 §3.1), with its options (RFC 791 §3.1 "Options").
 *
 * <p>Layout:
 * <pre>
 *  0        1        2        4        6              8      9        10       12    16    20
 *  | ver/ihl| tos    | total  | id     | flags/frag   | ttl  | proto  | csum   | src | dst | options ...
 * </pre>
 * The Internet Header Length (IHL) counts 32-bit words, 5 to 15, so the header is 20 to 60 bytes.
 * The TOS octet holds the DSCP in its top six bits and the ECN field in its low two (RFC 2474
 * §3; RFC 3168 §5). The 16-bit flags/fragment word holds a reserved bit, Don't Fragment, More
 * Fragments and a 13-bit fragment offset in 8-byte units; this view reports the offset in bytes.
 *
 * <p>All methods are static and take {@code (buf, off)} with {@code off} the index of the
 * version/IHL octet. Call {@link #check} once; when it succeeds, every accessor, the option
 * walker ({@link Ipv4Options#firstOption}, {@link Ipv4Options#nextOption}, {@link Ipv4Options#findOption}) and
 * {@link Ipv4Options#checkOptions} read only bytes inside the header and never throw. {@link #check} does
 * not verify the checksum ({@link #checksumOk}) nor the options ({@link Ipv4Options#checkOptions}), which
 * the receive path tests separately. Setters do not update the checksum, except
 * {@link #decrementTtl} and {@link #setCe}; call {@link #fillChecksum} after other changes.
 */
public final class Ipv4 {

    /** Offset of the version (high nibble) and IHL (low nibble) octet. */
    public static final int VER_IHL = 0;
    /** Offset of the Type of Service octet: DSCP and ECN (RFC 2474 §3; RFC 3168 §5). */
    public static final int TOS = 1;
    /** Offset of the Total Length field: header plus data, in bytes. */
    public static final int TOTAL_LEN = 2;
    /** Offset of the Identification field. */
    public static final int ID = 4;
    /** Offset of the 16-bit word holding the flags and the fragment offset. */
    public static final int FLAGS_FRAG = 6;
    /** Offset of the Time to Live octet. */
    public static final int TTL = 8;
    /** Offset of the Protocol octet. */
    public static final int PROTOCOL = 9;
    /** Offset of the Header Checksum field. */
    public static final int CHECKSUM = 10;
    /** Offset of the source address. */
    public static final int SRC = 12;
    /** Offset of the destination address. */
    public static final int DST = 16;
    /** Offset of the first option, if any. */
    public static final int OPTIONS = 20;
    /** Length of a header without options, the minimum (IHL 5). */
    public static final int HEADER_LEN = 20;
    /** Length of a header with the maximum 40 bytes of options (IHL 15). */
    public static final int MAX_HEADER_LEN = 60;
    /** Most option bytes a header can hold. */
    public static final int MAX_OPTIONS_LEN = MAX_HEADER_LEN - HEADER_LEN;
    /** The version field value of IPv4. */
    public static final int VERSION = 4;
    /** Largest datagram, the maximum of the 16-bit Total Length field. */
    public static final int MAX_TOTAL_LEN = 0xFFFF;
    /** Smallest MTU: every module must forward a datagram of 68 bytes unfragmented (RFC 791 §3.2). */
    public static final int MIN_MTU = 68;
    /** Smallest datagram every host must accept whole, possibly reassembled (RFC 791 §3.1; RFC 1122 §3.3.2). */
    public static final int MIN_REASM_LEN = 576;
    /** The TTL Linux uses by default (sysctl {@code net.ipv4.ip_default_ttl}; RFC 1700 suggests 64). */
    public static final int DEFAULT_TTL = 64;

    /** The reserved flag bit, which must be zero (RFC 791 §3.1; the "evil bit" of RFC 3514). */
    public static final int FLAG_RESERVED = 0x8000;
    /** The Don't Fragment flag in the flags/fragment word. */
    public static final int FLAG_DF = 0x4000;
    /** The More Fragments flag in the flags/fragment word. */
    public static final int FLAG_MF = 0x2000;
    /** Mask of the fragment offset, in 8-byte units, in the flags/fragment word. */
    public static final int FRAG_OFFSET_MASK = 0x1FFF;
    /** Largest fragment offset in bytes: 8191 units of 8 bytes. */
    public static final int MAX_FRAG_OFFSET = FRAG_OFFSET_MASK << 3;

    /** ECN codepoint: not ECN-capable transport (RFC 3168 §5). */
    public static final int ECN_NOT_ECT = 0;
    /** ECN codepoint: ECN-capable transport, ECT(1) (RFC 3168 §5). */
    public static final int ECN_ECT_1 = 1;
    /** ECN codepoint: ECN-capable transport, ECT(0) (RFC 3168 §5). */
    public static final int ECN_ECT_0 = 2;
    /** ECN codepoint: congestion experienced (RFC 3168 §5). */
    public static final int ECN_CE = 3;
    /** Mask of the ECN field within the TOS octet. */
    public static final int ECN_MASK = 3;

    /** Protocol number of ICMP (RFC 792). */
    public static final int PROTO_ICMP = 1;
    /** Protocol number of IGMP (RFC 1112). */
    public static final int PROTO_IGMP = 2;
    /** Protocol number of IPv4-in-IPv4 encapsulation (RFC 2003). */
    public static final int PROTO_IPIP = 4;
    /** Protocol number of TCP (RFC 9293). */
    public static final int PROTO_TCP = 6;
    /** Protocol number of UDP (RFC 768). */
    public static final int PROTO_UDP = 17;
    /** Protocol number of IPv6-in-IPv4 encapsulation (RFC 4213). */
    public static final int PROTO_IPV6 = 41;
    /** Protocol number of GRE (RFC 2784). */
    public static final int PROTO_GRE = 47;
    /** Protocol number of the IPsec Encapsulating Security Payload (RFC 4303). */
    public static final int PROTO_ESP = 50;
    /** Protocol number of the IPsec Authentication Header (RFC 4302). */
    public static final int PROTO_AH = 51;
    /** Protocol number of SCTP (RFC 9260). */
    public static final int PROTO_SCTP = 132;
    /** Reserved protocol number 255; on Linux, the raw socket that supplies its own IP header. */
    public static final int PROTO_RAW = 255;


    /** {@link #check} error: {@code off}/{@code len} do not describe a range inside {@code buf}. */
    public static final int ERR_BOUNDS = -1;
    /** {@link #check} error: fewer than {@link #HEADER_LEN} bytes. */
    public static final int ERR_TRUNCATED = -2;
    /** {@link #check} error: the version field is not 4. */
    public static final int ERR_VERSION = -3;
    /** {@link #check} error: the IHL is below 5. */
    public static final int ERR_IHL = -4;
    /** {@link #check} error: fewer bytes than the IHL declares. */
    public static final int ERR_HDR_TRUNCATED = -5;
    /** {@link #check} error: the Total Length field is shorter than the header. */
    public static final int ERR_TOTAL_LEN = -6;
    /**
     * {@link #check} error: the Total Length field exceeds the bytes available. Reported only
     * after the whole header has been validated, so the header accessors are safe even then;
     * the header quoted in an ICMP error normally fails this way and may still be read.
     */
    public static final int ERR_PKT_TRUNCATED = -7;

    private Ipv4() {
    }

    /**
     * Validates that {@code buf[off..off+len)} starts with a complete IPv4 header whose Total
     * Length fits in {@code len}, in the order of the receive path (RFC 1122 §3.2.1.1, §3.2.1.2):
     * range, minimum length, version, IHL, header bytes, Total Length. Bytes beyond Total Length,
     * such as Ethernet padding, are allowed. Never throws.
     *
     * @param buf the buffer, may be null (an error)
     * @param off index of the header's first byte
     * @param len bytes available from {@code off}
     * @return the header length, {@code 4 * IHL} (20 to 60), if valid; otherwise
     *     {@link #ERR_BOUNDS}, {@link #ERR_TRUNCATED}, {@link #ERR_VERSION}, {@link #ERR_IHL},
     *     {@link #ERR_HDR_TRUNCATED}, {@link #ERR_TOTAL_LEN} or {@link #ERR_PKT_TRUNCATED}
     */
    public static int check(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            return ERR_BOUNDS;
        }
        if (len < HEADER_LEN) {
            return ERR_TRUNCATED;
        }
        int verIhl = Bytes.u8(buf, off + VER_IHL);
        if ((verIhl >>> 4) != VERSION) {
            return ERR_VERSION;
        }
        int hlen = (verIhl & 0xF) << 2;
        if (hlen < HEADER_LEN) {
            return ERR_IHL;
        }
        if (len < hlen) {
            return ERR_HDR_TRUNCATED;
        }
        int total = Bytes.u16(buf, off + TOTAL_LEN);
        if (total < hlen) {
            return ERR_TOTAL_LEN;
        }
        if (total > len) {
            return ERR_PKT_TRUNCATED;
        }
        return hlen;
    }

    /**
     * A short name for a {@link #check} or {@link Ipv4Options#checkOptions} result, for diagnostics.
     *
     * @param result a value returned by {@link #check} or {@link Ipv4Options#checkOptions}
     * @return {@code "ok"} for a header length or 0, or the error's name
     */
    public static String checkName(int result) {
        return switch (result) {
            case ERR_BOUNDS -> "bounds";
            case ERR_TRUNCATED -> "truncated";
            case ERR_VERSION -> "version";
            case ERR_IHL -> "ihl";
            case ERR_HDR_TRUNCATED -> "header-truncated";
            case ERR_TOTAL_LEN -> "total-length";
            case ERR_PKT_TRUNCATED -> "packet-truncated";
            case Ipv4Options.ERR_OPT_TRUNCATED -> "option-truncated";
            case Ipv4Options.ERR_OPT_LENGTH -> "option-length";
            case Ipv4Options.ERR_OPT_POINTER -> "option-pointer";
            case Ipv4Options.ERR_OPT_DUPLICATE -> "option-duplicate";
            default -> result == 0 || result >= HEADER_LEN ? "ok" : "unknown(" + result + ")";
        };
    }

    /**
     * A short name for a protocol number, such as {@code "TCP"}, for printing.
     *
     * @param protocol the 8-bit protocol field
     * @return the name, or the number in decimal if unknown
     */
    public static String protocolName(int protocol) {
        return switch (protocol) {
            case PROTO_ICMP -> "ICMP";
            case PROTO_IGMP -> "IGMP";
            case PROTO_IPIP -> "IPIP";
            case PROTO_TCP -> "TCP";
            case PROTO_UDP -> "UDP";
            case PROTO_IPV6 -> "IPv6";
            case PROTO_GRE -> "GRE";
            case PROTO_ESP -> "ESP";
            case PROTO_AH -> "AH";
            case PROTO_SCTP -> "SCTP";
            case PROTO_RAW -> "RAW";
            default -> Integer.toString(protocol);
        };
    }

    // ---- accessors ----

    /**
     * The version field, the high nibble of octet 0.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return 0 to 15; 4 after a successful check
     */
    public static int version(byte[] buf, int off) {
        return Bytes.u8(buf, off + VER_IHL) >>> 4;
    }

    /**
     * The Internet Header Length in 32-bit words, the low nibble of octet 0.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return 0 to 15; at least 5 after a successful check
     */
    public static int ihl(byte[] buf, int off) {
        return Bytes.u8(buf, off + VER_IHL) & 0xF;
    }

    /**
     * The header length in bytes, {@code 4 * IHL}.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return 0 to 60; 20 to 60 after a successful check
     */
    public static int headerLen(byte[] buf, int off) {
        return (Bytes.u8(buf, off + VER_IHL) & 0xF) << 2;
    }

    /**
     * The Type of Service octet (RFC 791 §3.1), now the DSCP and ECN fields (RFC 2474 §3).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the unsigned 8-bit field
     */
    public static int tos(byte[] buf, int off) {
        return Bytes.u8(buf, off + TOS);
    }

    /**
     * The Differentiated Services Code Point: the top six bits of the TOS octet (RFC 2474 §3).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return 0 to 63
     */
    public static int dscp(byte[] buf, int off) {
        return Bytes.u8(buf, off + TOS) >>> 2;
    }

    /**
     * The ECN field: the low two bits of the TOS octet (RFC 3168 §5).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return {@link #ECN_NOT_ECT}, {@link #ECN_ECT_1}, {@link #ECN_ECT_0} or {@link #ECN_CE}
     */
    public static int ecn(byte[] buf, int off) {
        return Bytes.u8(buf, off + TOS) & ECN_MASK;
    }

    /**
     * The Total Length field: header plus data, in bytes.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the unsigned 16-bit field
     */
    public static int totalLength(byte[] buf, int off) {
        return Bytes.u16(buf, off + TOTAL_LEN);
    }

    /**
     * The data length: Total Length minus the header length.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the payload length in bytes; not negative after a successful check
     */
    public static int payloadLength(byte[] buf, int off) {
        return totalLength(buf, off) - headerLen(buf, off);
    }

    /**
     * Index in {@code buf} of the first data byte, after the options.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return {@code off + headerLen(buf, off)}, an absolute index
     */
    public static int payloadOffset(byte[] buf, int off) {
        return off + headerLen(buf, off);
    }

    /**
     * The Identification field, which with the addresses and protocol names the datagram that
     * fragments belong to (RFC 791 §3.2; RFC 6864).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the unsigned 16-bit field
     */
    public static int id(byte[] buf, int off) {
        return Bytes.u16(buf, off + ID);
    }

    /**
     * The raw flags/fragment-offset word.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the unsigned 16-bit word; see {@link #FLAG_DF}, {@link #FLAG_MF},
     *     {@link #FRAG_OFFSET_MASK}
     */
    public static int flagsFrag(byte[] buf, int off) {
        return Bytes.u16(buf, off + FLAGS_FRAG);
    }

    /**
     * Whether the Don't Fragment flag is set.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return true if DF is set
     */
    public static boolean dontFragment(byte[] buf, int off) {
        return (flagsFrag(buf, off) & FLAG_DF) != 0;
    }

    /**
     * Whether the More Fragments flag is set.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return true if MF is set
     */
    public static boolean moreFragments(byte[] buf, int off) {
        return (flagsFrag(buf, off) & FLAG_MF) != 0;
    }

    /**
     * Whether the reserved flag bit is set, which a sender must never do (RFC 791 §3.1).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return true if the reserved bit is set
     */
    public static boolean reservedFlag(byte[] buf, int off) {
        return (flagsFrag(buf, off) & FLAG_RESERVED) != 0;
    }

    /**
     * The fragment offset in bytes: the 13-bit field times 8.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return 0 to {@link #MAX_FRAG_OFFSET}, a multiple of 8
     */
    public static int fragOffset(byte[] buf, int off) {
        return (flagsFrag(buf, off) & FRAG_OFFSET_MASK) << 3;
    }

    /**
     * Whether the datagram is a fragment: More Fragments set or a non-zero offset.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return true for any fragment, first, middle or last
     */
    public static boolean isFragment(byte[] buf, int off) {
        return (flagsFrag(buf, off) & (FLAG_MF | FRAG_OFFSET_MASK)) != 0;
    }

    /**
     * The Time to Live octet.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return 0 to 255
     */
    public static int ttl(byte[] buf, int off) {
        return Bytes.u8(buf, off + TTL);
    }

    /**
     * The Protocol octet, naming the data's protocol (RFC 790, now the IANA registry).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return 0 to 255, such as {@link #PROTO_TCP}
     */
    public static int protocol(byte[] buf, int off) {
        return Bytes.u8(buf, off + PROTOCOL);
    }

    /**
     * The Header Checksum field as stored.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the unsigned 16-bit field
     */
    public static int checksum(byte[] buf, int off) {
        return Bytes.u16(buf, off + CHECKSUM);
    }

    /**
     * The source address.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the address, as in {@link Ipv4Address}
     */
    public static int src(byte[] buf, int off) {
        return Bytes.i32(buf, off + SRC);
    }

    /**
     * The destination address.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the address, as in {@link Ipv4Address}
     */
    public static int dst(byte[] buf, int off) {
        return Bytes.i32(buf, off + DST);
    }

    // ---- checksum ----

    /**
     * Whether the header checksum verifies: the one's complement sum of the {@code 4 * IHL}
     * header bytes, checksum included, is 0xFFFF (RFC 791 §3.1; RFC 1071 §1).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return true if the checksum is correct
     */
    public static boolean checksumOk(byte[] buf, int off) {
        return Checksum.verify(buf, off, headerLen(buf, off));
    }

    /**
     * Computes the header checksum over {@code 4 * IHL} bytes and writes it.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the checksum written
     */
    public static int fillChecksum(byte[] buf, int off) {
        Bytes.put16(buf, off + CHECKSUM, 0);
        int c = Checksum.compute(buf, off, headerLen(buf, off));
        Bytes.put16(buf, off + CHECKSUM, c);
        return c;
    }

    /**
     * Decrements the TTL of a forwarded datagram and updates the checksum incrementally
     * (RFC 1812 §5.3.1; RFC 1624 §3), as Linux's {@code ip_decrease_ttl} does.
     *
     * <p>The TTL is the high octet of the word at offset 8, so that word falls by 0x0100 and the
     * checksum, its one's complement negation, rises by 0x0100 with the end-around carry. A sum
     * reaching 0xFFFF is stored as 0x0000, the form RFC 1624 eqn. 3 and a full recomputation
     * give, so a correct checksum stays equal to a fresh {@link #fillChecksum}. A wrong checksum
     * stays wrong.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the new TTL, 0 to 254; or -1, with nothing changed, if the TTL was already 0
     */
    public static int decrementTtl(byte[] buf, int off) {
        int ttl = Bytes.u8(buf, off + TTL);
        if (ttl == 0) {
            return -1;
        }
        int c = Bytes.u16(buf, off + CHECKSUM) + 0x0100;
        // Add the carry back in; 0xFFFF ("negative zero") becomes 0x10000, whose low 16 bits are 0.
        c += c >= 0xFFFF ? 1 : 0;
        Bytes.put16(buf, off + CHECKSUM, c);
        Bytes.put8(buf, off + TTL, ttl - 1);
        return ttl - 1;
    }

    /**
     * Marks Congestion Experienced in the ECN field of an ECN-capable datagram and updates the
     * checksum incrementally (RFC 3168 §5, §6.1.1.1; RFC 1624 eqn. 3).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return true if the datagram is now marked CE (it was ECT(0), ECT(1) or already CE);
     *     false, with nothing changed, if it is not ECN-capable
     */
    public static boolean setCe(byte[] buf, int off) {
        int ecn = ecn(buf, off);
        if (ecn == ECN_NOT_ECT) {
            return false;
        }
        if (ecn != ECN_CE) {
            int oldWord = Bytes.u16(buf, off + VER_IHL);
            int newWord = oldWord | ECN_CE;
            Bytes.put16(buf, off + CHECKSUM, Checksum.update16(checksum(buf, off), oldWord, newWord));
            Bytes.put16(buf, off + VER_IHL, newWord);
        }
        return true;
    }

    // ---- setters and writers ----

    /**
     * Writes the version (4) and IHL octet.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param ihl header length in 32-bit words, 4 bits
     */
    public static void setVersionIhl(byte[] buf, int off, int ihl) {
        Bytes.put8(buf, off + VER_IHL, (VERSION << 4) | (ihl & 0xF));
    }

    /**
     * Overwrites the TOS octet.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param tos 8 bits
     */
    public static void setTos(byte[] buf, int off, int tos) {
        Bytes.put8(buf, off + TOS, tos);
    }

    /**
     * Overwrites the DSCP, keeping the ECN field.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param dscp 6 bits
     */
    public static void setDscp(byte[] buf, int off, int dscp) {
        Bytes.put8(buf, off + TOS, ((dscp & 0x3F) << 2) | ecn(buf, off));
    }

    /**
     * Overwrites the ECN field, keeping the DSCP.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param ecn 2 bits
     */
    public static void setEcn(byte[] buf, int off, int ecn) {
        Bytes.put8(buf, off + TOS, (tos(buf, off) & ~ECN_MASK) | (ecn & ECN_MASK));
    }

    /**
     * Overwrites the Total Length field.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param totalLength 16 bits
     */
    public static void setTotalLength(byte[] buf, int off, int totalLength) {
        Bytes.put16(buf, off + TOTAL_LEN, totalLength);
    }

    /**
     * Overwrites the Identification field.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param id 16 bits
     */
    public static void setId(byte[] buf, int off, int id) {
        Bytes.put16(buf, off + ID, id);
    }

    /**
     * Overwrites the whole flags/fragment-offset word.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param flagsFrag 16 bits
     */
    public static void setFlagsFrag(byte[] buf, int off, int flagsFrag) {
        Bytes.put16(buf, off + FLAGS_FRAG, flagsFrag);
    }

    /**
     * Sets or clears the Don't Fragment flag.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param df the flag
     */
    public static void setDontFragment(byte[] buf, int off, boolean df) {
        int w = flagsFrag(buf, off);
        setFlagsFrag(buf, off, df ? w | FLAG_DF : w & ~FLAG_DF);
    }

    /**
     * Sets or clears the More Fragments flag.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param mf the flag
     */
    public static void setMoreFragments(byte[] buf, int off, boolean mf) {
        int w = flagsFrag(buf, off);
        setFlagsFrag(buf, off, mf ? w | FLAG_MF : w & ~FLAG_MF);
    }

    /**
     * Overwrites the fragment offset, keeping the flags.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param bytes the offset in bytes, a multiple of 8 up to {@link #MAX_FRAG_OFFSET}
     * @throws IllegalArgumentException if {@code bytes} is not such a value
     */
    public static void setFragOffset(byte[] buf, int off, int bytes) {
        setFlagsFrag(buf, off, (flagsFrag(buf, off) & ~FRAG_OFFSET_MASK) | fragUnits(bytes));
    }

    /** The 13-bit field for an offset in bytes. */
    static int fragUnits(int bytes) {
        if (bytes < 0 || bytes > MAX_FRAG_OFFSET || (bytes & 7) != 0) {
            throw new IllegalArgumentException("bad fragment offset: " + bytes);
        }
        return bytes >>> 3;
    }

    /**
     * Overwrites the TTL octet.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param ttl 8 bits
     */
    public static void setTtl(byte[] buf, int off, int ttl) {
        Bytes.put8(buf, off + TTL, ttl);
    }

    /**
     * Overwrites the Protocol octet.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param protocol 8 bits
     */
    public static void setProtocol(byte[] buf, int off, int protocol) {
        Bytes.put8(buf, off + PROTOCOL, protocol);
    }

    /**
     * Overwrites the Header Checksum field.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param checksum 16 bits
     */
    public static void setChecksum(byte[] buf, int off, int checksum) {
        Bytes.put16(buf, off + CHECKSUM, checksum);
    }

    /**
     * Overwrites the source address.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param src the address
     */
    public static void setSrc(byte[] buf, int off, int src) {
        Bytes.put32(buf, off + SRC, src);
    }

    /**
     * Overwrites the destination address.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param dst the address
     */
    public static void setDst(byte[] buf, int off, int dst) {
        Bytes.put32(buf, off + DST, dst);
    }

    /**
     * Writes a 20-byte header without options and fills in its checksum.
     *
     * @param buf the buffer, with room for 20 bytes at {@code off}
     * @param off index of the header's first byte
     * @param tos the TOS octet
     * @param totalLength header plus data, 16 bits
     * @param id the Identification field
     * @param flagsFrag the flags/fragment-offset word, as in {@link #flagsFrag}
     * @param ttl the TTL
     * @param protocol the protocol number
     * @param src source address
     * @param dst destination address
     * @return {@link #HEADER_LEN}, the number of bytes written
     */
    public static int writeHeader(byte[] buf, int off, int tos, int totalLength, int id, int flagsFrag,
            int ttl, int protocol, int src, int dst) {
        setVersionIhl(buf, off, HEADER_LEN >>> 2);
        setTos(buf, off, tos);
        setTotalLength(buf, off, totalLength);
        setId(buf, off, id);
        setFlagsFrag(buf, off, flagsFrag);
        setTtl(buf, off, ttl);
        setProtocol(buf, off, protocol);
        setSrc(buf, off, src);
        setDst(buf, off, dst);
        fillChecksum(buf, off);
        return HEADER_LEN;
    }

}
