package io.jnetstack.wire;

import java.util.Objects;

/**
 * TCP options (RFC 9293 §3.2): a mutable, reusable holder that the receive path fills from a
 * header without allocating, and the send path fills and writes.
 *
 * <h2>Parsing</h2>
 * {@link #parse} reads the options of a header the way Linux's {@code tcp_parse_options()} does,
 * and never throws, whatever the bytes:
 * <ul>
 * <li>End of Option List (kind 0) ends the list; No-Operation (kind 1) is skipped.</li>
 * <li>Every other kind has a length octet counting the kind and length octets. If the length
 *     octet is missing, is below 2, or the option would run past the option space, parsing
 *     <em>stops</em>: the options before it are kept and {@link #malformed} is set.</li>
 * <li>A known kind with the wrong length for it is skipped by its length and ignored: MSS must
 *     be 4 long, Window Scale 3, SACK-Permitted 2, Timestamps 10, and SACK 2 plus a positive
 *     multiple of 8.</li>
 * <li>An MSS of 0 is ignored. A Window Scale shift above 14 is taken as 14 (RFC 7323 §2.3).</li>
 * <li>Any other kind is skipped by its length and sets {@link #sawUnknown}.</li>
 * <li>When an option appears twice, the later one wins.</li>
 * </ul>
 * The parser has no context: it reports MSS, Window Scale and SACK-Permitted on any segment,
 * SACK blocks whether or not SACK was negotiated, and timestamps whether or not they were. The
 * TCP layer applies the rules that depend on the connection: those three options count only on
 * a SYN (RFC 9293 §3.7.1, RFC 7323 §2.2, RFC 2018 §2), SACK blocks only once SACK-Permitted was
 * exchanged (RFC 2018 §3), and timestamps only once negotiated (RFC 7323 §3.2), as
 * {@code tcp_parse_options()} does with its {@code estab} argument and the SYN flag.
 *
 * <h2>Writing</h2>
 * {@link #write} lays the options out as Linux's {@code tcp_options_write()} does, each group
 * padded to 32 bits with No-Operations so the fields fall on aligned words. On a SYN with every
 * option (20 bytes):
 * <pre>
 *  +--------+--------+--------+--------+
 *  | kind 2 | len 4  |   MSS value     |   MSS
 *  +--------+--------+--------+--------+
 *  | kind 4 | len 2  | kind 8 | len 10 |   SACK-Permitted packed in front of Timestamps
 *  +--------+--------+--------+--------+
 *  |             TS value              |
 *  +--------+--------+--------+--------+
 *  |          TS echo reply            |
 *  +--------+--------+--------+--------+
 *  | NOP    | kind 3 | len 3  | shift  |   Window Scale
 *  +--------+--------+--------+--------+
 * </pre>
 * Without SACK-Permitted the Timestamps word starts {@code NOP NOP 8 10}; SACK-Permitted without
 * Timestamps is a word of its own, {@code NOP NOP 4 2}, before the Window Scale. A data segment
 * carries the Timestamps alone, 12 bytes (RFC 7323 Appendix A's recommended layout):
 * <pre>
 *  +--------+--------+--------+--------+
 *  | NOP    | NOP    | kind 8 | len 10 |
 *  +--------+--------+--------+--------+
 *  |             TS value              |
 *  +--------+--------+--------+--------+
 *  |          TS echo reply            |
 *  +--------+--------+--------+--------+
 * </pre>
 * and SACK blocks come last, each block two sequence numbers (RFC 2018 §3):
 * <pre>
 *  +--------+--------+--------+--------+
 *  | NOP    | NOP    | kind 5 | 2+8n   |
 *  +--------+--------+--------+--------+
 *  |      left edge of block 1         |
 *  +--------+--------+--------+--------+
 *  |      right edge of block 1        |
 *  +--------+--------+--------+--------+
 *  |               ...                 |
 * </pre>
 * With Timestamps, at most three blocks fit in the 40 option bytes; without, four.
 */
public final class TcpOptions {

    /** Kind: End of Option List, one octet (RFC 9293 §3.2). */
    public static final int KIND_EOL = 0;
    /** Kind: No-Operation, one octet, used to align options (RFC 9293 §3.2). */
    public static final int KIND_NOP = 1;
    /** Kind: Maximum Segment Size (RFC 9293 §3.2, §3.7.1). */
    public static final int KIND_MSS = 2;
    /** Kind: Window Scale (RFC 7323 §2.2). */
    public static final int KIND_WSCALE = 3;
    /** Kind: SACK-Permitted (RFC 2018 §2). */
    public static final int KIND_SACK_PERM = 4;
    /** Kind: SACK blocks (RFC 2018 §3). */
    public static final int KIND_SACK = 5;
    /** Kind: Timestamps (RFC 7323 §3.2). */
    public static final int KIND_TIMESTAMP = 8;
    /** Kind: TCP MD5 Signature (RFC 2385); not parsed here. */
    public static final int KIND_MD5SIG = 19;
    /** Kind: TCP Authentication Option (RFC 5925); not parsed here. */
    public static final int KIND_AO = 29;
    /** Kind: Multipath TCP (RFC 8684); not parsed here. */
    public static final int KIND_MPTCP = 30;
    /** Kind: TCP Fast Open cookie (RFC 7413); not parsed here. */
    public static final int KIND_FASTOPEN = 34;
    /** Kind: shared experimental option (RFC 6994); not parsed here. */
    public static final int KIND_EXP = 254;

    /** Length of the MSS option. */
    public static final int LEN_MSS = 4;
    /** Length of the Window Scale option. */
    public static final int LEN_WSCALE = 3;
    /** Length of the SACK-Permitted option. */
    public static final int LEN_SACK_PERM = 2;
    /** Length of the Timestamps option. */
    public static final int LEN_TIMESTAMP = 10;
    /** Length of the SACK option's kind and length octets. */
    public static final int LEN_SACK_BASE = 2;
    /** Length of each SACK block: two 32-bit sequence numbers. */
    public static final int LEN_SACK_PER_BLOCK = 8;
    /** Most SACK blocks one option can hold in 40 option bytes (RFC 2018 §3). */
    public static final int MAX_SACK_BLOCKS = 4;
    /**
     * Largest Window Scale shift. RFC 7323 §2.3: "If a Window Scale option is received with a
     * shift.cnt value larger than 14, the TCP SHOULD log the error but MUST use 14 instead of the
     * specified value."
     */
    public static final int MAX_WSCALE = 14;
    /** Length of the Timestamps option in its aligned form {@code NOP NOP TS}. */
    public static final int LEN_TIMESTAMP_ALIGNED = 12;

    /** The first word of the aligned Timestamps layout, {@code NOP NOP 8 10}. */
    private static final int ALIGNED_TS_WORD =
            (KIND_NOP << 24) | (KIND_NOP << 16) | (KIND_TIMESTAMP << 8) | LEN_TIMESTAMP;

    /** Maximum Segment Size, 1 to 65535; 0 when absent (or when the option said 0). */
    public int mss;
    /** Window Scale shift, 0 to 14 once parsed; -1 when absent. */
    public int wscale = -1;
    /** Whether SACK-Permitted is present. */
    public boolean sackOk;
    /** Whether the Timestamps option is present; {@link #tsVal} and {@link #tsEcr} are valid when it is. */
    public boolean hasTimestamps;
    /** Timestamp value TSval, an unsigned 32-bit number held in an {@code int}. */
    public int tsVal;
    /** Timestamp echo reply TSecr, an unsigned 32-bit number held in an {@code int}. */
    public int tsEcr;
    /** Number of SACK blocks in {@link #sackLeft} and {@link #sackRight}, 0 to 4. */
    public int sackCount;
    /** Left edges of the SACK blocks: the first sequence number of each block. */
    public final int[] sackLeft = new int[MAX_SACK_BLOCKS];
    /** Right edges of the SACK blocks: the sequence number after the last of each block. */
    public final int[] sackRight = new int[MAX_SACK_BLOCKS];
    /** Set by {@link #parse} when it skipped an option of a kind it does not read. */
    public boolean sawUnknown;
    /** Set by {@link #parse} when it stopped early at a malformed option. */
    public boolean malformed;

    /** An empty holder: no options. */
    public TcpOptions() {
    }

    /**
     * Forgets every option.
     *
     * @return this holder
     */
    public TcpOptions clear() {
        mss = 0;
        wscale = -1;
        sackOk = false;
        hasTimestamps = false;
        tsVal = 0;
        tsEcr = 0;
        sackCount = 0;
        sawUnknown = false;
        malformed = false;
        return this;
    }

    /**
     * Copies every option from another holder.
     *
     * @param o the holder to copy
     * @return this holder
     */
    public TcpOptions copyFrom(TcpOptions o) {
        mss = o.mss;
        wscale = o.wscale;
        sackOk = o.sackOk;
        hasTimestamps = o.hasTimestamps;
        tsVal = o.tsVal;
        tsEcr = o.tsEcr;
        sackCount = o.sackCount;
        System.arraycopy(o.sackLeft, 0, sackLeft, 0, MAX_SACK_BLOCKS);
        System.arraycopy(o.sackRight, 0, sackRight, 0, MAX_SACK_BLOCKS);
        sawUnknown = o.sawUnknown;
        malformed = o.malformed;
        return this;
    }

    /**
     * Sets the Timestamps option.
     *
     * @param val TSval
     * @param ecr TSecr
     * @return this holder
     */
    public TcpOptions timestamps(int val, int ecr) {
        hasTimestamps = true;
        tsVal = val;
        tsEcr = ecr;
        return this;
    }

    /**
     * Appends a SACK block.
     *
     * @param left first sequence number of the block
     * @param right sequence number after the block's last
     * @return this holder
     * @throws IllegalStateException if four blocks are already held
     */
    public TcpOptions addSack(int left, int right) {
        if (sackCount == MAX_SACK_BLOCKS) {
            throw new IllegalStateException("already " + MAX_SACK_BLOCKS + " SACK blocks");
        }
        sackLeft[sackCount] = left;
        sackRight[sackCount] = right;
        sackCount++;
        return this;
    }

    // ---- parsing ----

    /**
     * Replaces the contents with the options of the TCP header at {@code buf[off]}, whose length
     * the Data Offset gives. Mirrors Linux's {@code tcp_fast_parse_options()}: a header without
     * options, or with only the aligned Timestamps, is read directly; anything else goes through
     * {@link #parseOptions}. Never throws: if the header does not lie inside {@code buf}, no
     * options are read and {@link #malformed} is set.
     *
     * @param buf the buffer, normally checked with {@link Tcp#check}
     * @param off index of the TCP header's first byte
     */
    public void parse(byte[] buf, int off) {
        clear();
        if (buf == null || off < 0 || off > buf.length - Tcp.HEADER_LEN) {
            malformed = true;
            return;
        }
        int hlen = Tcp.headerLen(buf, off);
        if (hlen <= Tcp.HEADER_LEN) {
            return;
        }
        int start = off + Tcp.OPTIONS;
        int len = hlen - Tcp.HEADER_LEN;
        if (len == LEN_TIMESTAMP_ALIGNED && start <= buf.length - len
                && Bytes.i32(buf, start) == ALIGNED_TS_WORD) {
            timestamps(Bytes.i32(buf, start + 4), Bytes.i32(buf, start + 8));
            return;
        }
        parseOptions(buf, start, len);
    }

    /**
     * Replaces the contents with the options in {@code buf[start..start+len)}, the option space
     * of a header. Mirrors Linux's {@code tcp_parse_options()}; see the class comment for its
     * rules. Never throws: if the range does not lie inside {@code buf}, no options are read and
     * {@link #malformed} is set.
     *
     * @param buf the buffer
     * @param start index of the first option byte
     * @param len number of option bytes, normally 0 to 40
     */
    public void parseOptions(byte[] buf, int start, int len) {
        clear();
        if (buf == null || start < 0 || len < 0 || start > buf.length - len) {
            malformed = true;
            return;
        }
        int p = start;
        int end = start + len;
        while (p < end) {
            int kind = Bytes.u8(buf, p);
            if (kind == KIND_EOL) {
                return;
            }
            if (kind == KIND_NOP) {
                p++;
                continue;
            }
            if (end - p < 2) {
                malformed = true;
                return;
            }
            int size = Bytes.u8(buf, p + 1);
            if (size < 2 || size > end - p) {
                malformed = true;
                return;
            }
            option(buf, p, kind, size);
            p += size;
        }
    }

    /** Reads one option of {@code size} bytes, all inside the buffer, at {@code p}. */
    private void option(byte[] buf, int p, int kind, int size) {
        switch (kind) {
            case KIND_MSS -> {
                if (size == LEN_MSS) {
                    int v = Bytes.u16(buf, p + 2);
                    if (v != 0) {
                        mss = v;
                    }
                }
            }
            case KIND_WSCALE -> {
                if (size == LEN_WSCALE) {
                    wscale = Math.min(Bytes.u8(buf, p + 2), MAX_WSCALE);
                }
            }
            case KIND_SACK_PERM -> {
                if (size == LEN_SACK_PERM) {
                    sackOk = true;
                }
            }
            case KIND_TIMESTAMP -> {
                if (size == LEN_TIMESTAMP) {
                    timestamps(Bytes.i32(buf, p + 2), Bytes.i32(buf, p + 6));
                }
            }
            case KIND_SACK -> {
                int blocks = (size - LEN_SACK_BASE) / LEN_SACK_PER_BLOCK;
                if (blocks > 0 && (size - LEN_SACK_BASE) % LEN_SACK_PER_BLOCK == 0) {
                    sackCount = Math.min(blocks, MAX_SACK_BLOCKS);
                    for (int i = 0; i < sackCount; i++) {
                        int q = p + LEN_SACK_BASE + i * LEN_SACK_PER_BLOCK;
                        sackLeft[i] = Bytes.i32(buf, q);
                        sackRight[i] = Bytes.i32(buf, q + 4);
                    }
                }
            }
            default -> sawUnknown = true;
        }
    }

    // ---- writing ----

    /**
     * Number of bytes {@link #write} produces: a multiple of 4, 0 when there are no options.
     *
     * @return the option length in bytes
     */
    public int length() {
        int n = 0;
        if (mss != 0) {
            n += 4;
        }
        if (hasTimestamps) {
            n += LEN_TIMESTAMP_ALIGNED;
        } else if (sackOk) {
            n += 4;
        }
        if (wscale >= 0) {
            n += 4;
        }
        if (sackCount > 0) {
            n += 4 + sackCount * LEN_SACK_PER_BLOCK;
        }
        return n;
    }

    /**
     * Writes the options in Linux's order and alignment, shown in the class comment: MSS;
     * Timestamps, with SACK-Permitted packed in front when both are set; SACK-Permitted alone;
     * Window Scale; SACK blocks. Mirrors Linux's {@code tcp_options_write()}.
     *
     * @param buf the buffer
     * @param off index of the first option byte, normally the TCP header's index plus 20
     * @return {@link #length()}, the number of bytes written
     * @throws IllegalArgumentException if a field is out of range or the options exceed 40 bytes
     * @throws IndexOutOfBoundsException if the buffer is too short
     */
    public int write(byte[] buf, int off) {
        int len = length();
        validate(len);
        Objects.checkFromIndexSize(off, len, buf.length);
        int p = off;
        if (mss != 0) {
            Bytes.put32(buf, p, (KIND_MSS << 24) | (LEN_MSS << 16) | mss);
            p += 4;
        }
        if (hasTimestamps) {
            int head = sackOk ? (KIND_SACK_PERM << 8) | LEN_SACK_PERM : (KIND_NOP << 8) | KIND_NOP;
            Bytes.put32(buf, p, (head << 16) | (KIND_TIMESTAMP << 8) | LEN_TIMESTAMP);
            Bytes.put32(buf, p + 4, tsVal);
            Bytes.put32(buf, p + 8, tsEcr);
            p += LEN_TIMESTAMP_ALIGNED;
        } else if (sackOk) {
            Bytes.put32(buf, p, (KIND_NOP << 24) | (KIND_NOP << 16) | (KIND_SACK_PERM << 8) | LEN_SACK_PERM);
            p += 4;
        }
        if (wscale >= 0) {
            Bytes.put32(buf, p, (KIND_NOP << 24) | (KIND_WSCALE << 16) | (LEN_WSCALE << 8) | wscale);
            p += 4;
        }
        if (sackCount > 0) {
            int size = LEN_SACK_BASE + sackCount * LEN_SACK_PER_BLOCK;
            Bytes.put32(buf, p, (KIND_NOP << 24) | (KIND_NOP << 16) | (KIND_SACK << 8) | size);
            p += 4;
            for (int i = 0; i < sackCount; i++) {
                Bytes.put32(buf, p, sackLeft[i]);
                Bytes.put32(buf, p + 4, sackRight[i]);
                p += LEN_SACK_PER_BLOCK;
            }
        }
        return len;
    }

    private void validate(int len) {
        if ((mss & ~0xFFFF) != 0 || wscale < -1 || wscale > 0xFF || sackCount < 0 || sackCount > MAX_SACK_BLOCKS) {
            throw new IllegalArgumentException("TCP option out of range: mss=" + mss + " wscale=" + wscale
                    + " sackCount=" + sackCount);
        }
        if (len > Tcp.MAX_OPTIONS_LEN) {
            throw new IllegalArgumentException("TCP options need " + len + " bytes, more than "
                    + Tcp.MAX_OPTIONS_LEN);
        }
    }

    // ---- printing ----

    /**
     * Appends the options in {@code buf[start..start+len)} as packetdrill writes them, in wire
     * order and separated by commas: {@code mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7}. The
     * walk follows {@link #parseOptions}: {@code eol} ends it, a malformed option prints as
     * {@code bad opt} and ends it, a known kind with a wrong length prints as, for example,
     * {@code mss [bad len 3]}, and an unknown kind as {@code unknown-K}. The Window Scale shift
     * is printed as sent, not limited to 14. Never throws for a range inside {@code buf}.
     *
     * @param buf the buffer
     * @param start index of the first option byte
     * @param len number of option bytes
     * @param sb where to append
     * @return {@code sb}
     */
    public static StringBuilder format(byte[] buf, int start, int len, StringBuilder sb) {
        if (buf == null || start < 0 || len < 0 || start > buf.length - len) {
            return sb.append("bad opt");
        }
        int p = start;
        int end = start + len;
        String sep = "";
        while (p < end) {
            sb.append(sep);
            sep = ",";
            int kind = Bytes.u8(buf, p);
            if (kind == KIND_EOL) {
                sb.append("eol");
                return sb;
            }
            if (kind == KIND_NOP) {
                sb.append("nop");
                p++;
                continue;
            }
            int size = end - p < 2 ? 0 : Bytes.u8(buf, p + 1);
            if (size < 2 || size > end - p) {
                sb.append("bad opt");
                return sb;
            }
            formatOption(buf, p, kind, size, sb);
            p += size;
        }
        return sb;
    }

    /** Appends one option of {@code size} bytes, all inside the buffer, at {@code p}. */
    private static void formatOption(byte[] buf, int p, int kind, int size, StringBuilder sb) {
        String name = switch (kind) {
            case KIND_MSS -> "mss";
            case KIND_WSCALE -> "wscale";
            case KIND_SACK_PERM -> "sackOK";
            case KIND_TIMESTAMP -> "TS";
            case KIND_SACK -> "sack";
            default -> null;
        };
        if (name == null) {
            sb.append("unknown-").append(kind);
            return;
        }
        boolean sizeOk = switch (kind) {
            case KIND_MSS -> size == LEN_MSS;
            case KIND_WSCALE -> size == LEN_WSCALE;
            case KIND_SACK_PERM -> size == LEN_SACK_PERM;
            case KIND_TIMESTAMP -> size == LEN_TIMESTAMP;
            default -> size > LEN_SACK_BASE && (size - LEN_SACK_BASE) % LEN_SACK_PER_BLOCK == 0;
        };
        sb.append(name);
        if (!sizeOk) {
            sb.append(" [bad len ").append(size).append(']');
            return;
        }
        switch (kind) {
            case KIND_MSS -> sb.append(' ').append(Bytes.u16(buf, p + 2));
            case KIND_WSCALE -> sb.append(' ').append(Bytes.u8(buf, p + 2));
            case KIND_TIMESTAMP -> sb.append(" val ").append(Bytes.u32(buf, p + 2))
                    .append(" ecr ").append(Bytes.u32(buf, p + 6));
            case KIND_SACK -> {
                for (int q = p + LEN_SACK_BASE; q < p + size; q += LEN_SACK_PER_BLOCK) {
                    sb.append(' ').append(Bytes.u32(buf, q)).append(':').append(Bytes.u32(buf, q + 4));
                }
            }
            default -> {
                // sackOK has no value
            }
        }
    }

    /**
     * The options as {@link #write} would lay them out, printed by {@link #format}; for options
     * that do not fit in 40 bytes, a plain list of the fields.
     *
     * @return the options, such as {@code mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7}
     */
    @Override
    public String toString() {
        int len = length();
        if (len <= Tcp.MAX_OPTIONS_LEN) {
            try {
                byte[] b = new byte[len];
                write(b, 0);
                return format(b, 0, len, new StringBuilder()).toString();
            } catch (IllegalArgumentException e) {
                // out of range: fall through to the plain list
            }
        }
        return "TcpOptions[mss=" + mss + ", wscale=" + wscale + ", sackOk=" + sackOk + ", hasTimestamps="
                + hasTimestamps + ", tsVal=" + Integer.toUnsignedString(tsVal) + ", tsEcr="
                + Integer.toUnsignedString(tsEcr) + ", sackCount=" + sackCount + "]";
    }
}
