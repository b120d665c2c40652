package io.jnetstack.wire;

/**
 * View of an Ethernet II / IEEE 802.3 MAC header (IEEE 802.3 §3.1.1, §3.2; RFC 894), with up to
 * two IEEE 802.1Q VLAN tags (IEEE 802.1Q §9).
 *
 * <p>Layout, with {@code n} tags ({@code 0 <= n <= 2}):
 * <pre>
 *  0      6      12                      12+4n        14+4n
 *  | dst  | src  | [TPID | TCI] x n      | type       | payload ...
 * </pre>
 * A tag is a TPID ({@link EtherType#VLAN} or {@link EtherType#QINQ}) in a type field, followed by
 * a 16-bit Tag Control Information word (PCP 3 bits, DEI 1 bit, VID 12 bits; IEEE 802.1Q §9.6)
 * and then the next type field. The view recognises at most {@link #MAX_VLAN_TAGS} tags; if the
 * type after the second tag is again a TPID, that third tag is left in the payload and
 * {@link #innerEtherType} reports the TPID.
 *
 * <p>All methods are static and take {@code (buf, off)} with {@code off} the index of the first
 * destination-address octet. Call {@link #check} once; when it succeeds, every accessor reads only
 * bytes inside the checked range and does not throw. The frame check sequence is not part of the
 * view. Writers assume the caller has made room and throw {@link IndexOutOfBoundsException}
 * otherwise.
 */
public final class Ethernet {

    /** Offset of the destination address (IEEE 802.3 §3.2.3). */
    public static final int DST = 0;
    /** Offset of the source address (IEEE 802.3 §3.2.3). */
    public static final int SRC = 6;
    /** Offset of the (outer) Length/Type field (IEEE 802.3 §3.2.6). */
    public static final int TYPE = 12;
    /** Length of an untagged header: two addresses and a type field. */
    public static final int HEADER_LEN = 14;
    /** Same as {@link #HEADER_LEN}, by its Linux name. */
    public static final int ETH_HLEN = HEADER_LEN;
    /** Length of one VLAN tag, TPID plus TCI (IEEE 802.1Q §9.3). */
    public static final int VLAN_HLEN = 4;
    /** Most VLAN tags the view recognises: one C-TAG, or an S-TAG and a C-TAG (Q-in-Q). */
    public static final int MAX_VLAN_TAGS = 2;
    /** Length of the header with the maximum number of tags. */
    public static final int MAX_HEADER_LEN = HEADER_LEN + MAX_VLAN_TAGS * VLAN_HLEN;
    /** Smallest frame, header plus padded payload, excluding the FCS (IEEE 802.3 §4.4.2: 64 - 4). */
    public static final int MIN_FRAME = 60;
    /** Largest untagged payload, the Ethernet MTU (IEEE 802.3 §3.2.7; ETH_DATA_LEN). */
    public static final int MAX_PAYLOAD = 1500;
    /** Largest untagged frame excluding the FCS (ETH_FRAME_LEN). */
    public static final int MAX_FRAME = HEADER_LEN + MAX_PAYLOAD;
    /** Length of the frame check sequence (IEEE 802.3 §3.2.9). */
    public static final int FCS_LEN = 4;

    /** {@link #check} error: {@code off}/{@code len} do not describe a range inside {@code buf}. */
    public static final int ERR_BOUNDS = -1;
    /** {@link #check} error: fewer than {@link #HEADER_LEN} bytes. */
    public static final int ERR_TRUNCATED = -2;
    /** {@link #check} error: a VLAN tag is declared but the bytes to hold it are missing. */
    public static final int ERR_TRUNCATED_TAG = -3;

    private Ethernet() {
    }

    /**
     * Validates that {@code buf[off..off+len)} holds a complete header, including every VLAN tag
     * its type fields declare (up to {@link #MAX_VLAN_TAGS}). Never throws.
     *
     * @param buf the buffer, may be null (an error)
     * @param off index of the header's first byte
     * @param len bytes available from {@code off}
     * @return the header length (14, 18 or 22) if valid, otherwise {@link #ERR_BOUNDS},
     *     {@link #ERR_TRUNCATED} or {@link #ERR_TRUNCATED_TAG}
     */
    public static int check(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            return ERR_BOUNDS;
        }
        if (len < HEADER_LEN) {
            return ERR_TRUNCATED;
        }
        int hlen = HEADER_LEN;
        for (int i = 0; i < MAX_VLAN_TAGS && EtherType.isVlanTpid(Bytes.u16(buf, off + hlen - 2)); i++) {
            hlen += VLAN_HLEN;
            if (len < hlen) {
                return ERR_TRUNCATED_TAG;
            }
        }
        return hlen;
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
            case ERR_TRUNCATED_TAG -> "truncated-vlan-tag";
            default -> result >= HEADER_LEN ? "ok" : "unknown(" + result + ")";
        };
    }

    /**
     * Destination address (IEEE 802.3 §3.2.3).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the address bits, as in {@link MacAddress#bits()}
     */
    public static long dst(byte[] buf, int off) {
        return Bytes.u48(buf, off + DST);
    }

    /**
     * Source address (IEEE 802.3 §3.2.3).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the address bits, as in {@link MacAddress#bits()}
     */
    public static long src(byte[] buf, int off) {
        return Bytes.u48(buf, off + SRC);
    }

    /**
     * The outer Length/Type field at offset 12 (IEEE 802.3 §3.2.6): a TPID for tagged frames.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the unsigned 16-bit field
     */
    public static int etherType(byte[] buf, int off) {
        return Bytes.u16(buf, off + TYPE);
    }

    /**
     * Number of VLAN tags, 0 to {@link #MAX_VLAN_TAGS} (IEEE 802.1Q §9.5).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the tag count
     */
    public static int vlanCount(byte[] buf, int off) {
        if (!EtherType.isVlanTpid(Bytes.u16(buf, off + TYPE))) {
            return 0;
        }
        return EtherType.isVlanTpid(Bytes.u16(buf, off + TYPE + VLAN_HLEN)) ? 2 : 1;
    }

    /**
     * Header length: {@code 14 + 4 * vlanCount}.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the header length in bytes
     */
    public static int headerLen(byte[] buf, int off) {
        return HEADER_LEN + VLAN_HLEN * vlanCount(buf, off);
    }

    /**
     * Index in {@code buf} of the first payload byte, after any VLAN tags.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return {@code off + headerLen(buf, off)}, an absolute index
     */
    public static int payloadOffset(byte[] buf, int off) {
        return off + headerLen(buf, off);
    }

    /**
     * The type field after the last recognised VLAN tag (IEEE 802.1Q §9.3); equal to
     * {@link #etherType} for untagged frames.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return the unsigned 16-bit field
     */
    public static int innerEtherType(byte[] buf, int off) {
        return Bytes.u16(buf, off + TYPE + VLAN_HLEN * vlanCount(buf, off));
    }

    /**
     * Tag Protocol Identifier of tag {@code i} (IEEE 802.1Q §9.5).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param i the tag index, 0 for the outermost, below {@link #vlanCount}
     * @return the TPID, 0x8100 or 0x88A8
     */
    public static int vlanTpid(byte[] buf, int off, int i) {
        return Bytes.u16(buf, off + TYPE + VLAN_HLEN * i);
    }

    /**
     * Tag Control Information of tag {@code i} (IEEE 802.1Q §9.6).
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param i the tag index, 0 for the outermost, below {@link #vlanCount}
     * @return the unsigned 16-bit TCI; see {@link #pcp}, {@link #dei}, {@link #vid}
     */
    public static int vlanTci(byte[] buf, int off, int i) {
        return Bytes.u16(buf, off + TYPE + 2 + VLAN_HLEN * i);
    }

    /**
     * Priority Code Point of a TCI: its top 3 bits (IEEE 802.1Q §9.6).
     *
     * @param tci the 16-bit TCI
     * @return 0 to 7
     */
    public static int pcp(int tci) {
        return (tci >>> 13) & 0x7;
    }

    /**
     * Drop Eligible Indicator of a TCI: bit 12 (IEEE 802.1Q §9.6).
     *
     * @param tci the 16-bit TCI
     * @return true if set
     */
    public static boolean dei(int tci) {
        return (tci & 0x1000) != 0;
    }

    /**
     * VLAN Identifier of a TCI: its low 12 bits (IEEE 802.1Q §9.6).
     *
     * @param tci the 16-bit TCI
     * @return 0 to 4095
     */
    public static int vid(int tci) {
        return tci & 0xFFF;
    }

    /**
     * Packs a TCI (IEEE 802.1Q §9.6); each argument is masked to its field width.
     *
     * @param pcp priority code point, 3 bits
     * @param dei drop eligible indicator
     * @param vid VLAN identifier, 12 bits
     * @return the 16-bit TCI
     */
    public static int tci(int pcp, boolean dei, int vid) {
        return ((pcp & 0x7) << 13) | (dei ? 0x1000 : 0) | (vid & 0xFFF);
    }

    /**
     * Writes an untagged header: destination, source and type field at offsets 0, 6 and 12.
     * For a tagged frame pass the outer TPID as {@code type} and follow with
     * {@link #writeVlanTag}.
     *
     * @param buf the buffer, with room for 14 bytes at {@code off}
     * @param off index of the header's first byte
     * @param dst destination address bits
     * @param src source address bits
     * @param type the 16-bit type field
     * @return {@link #HEADER_LEN}, the number of bytes written
     */
    public static int writeHeader(byte[] buf, int off, long dst, long src, int type) {
        Bytes.put48(buf, off + DST, dst);
        Bytes.put48(buf, off + SRC, src);
        Bytes.put16(buf, off + TYPE, type);
        return HEADER_LEN;
    }

    /**
     * Writes the rest of tag {@code i}: its TCI, and the type field that follows it (either the
     * next tag's TPID or the payload's EtherType). The tag's own TPID is the preceding type field,
     * written by {@link #writeHeader} for tag 0 or by this method for tag {@code i - 1}.
     *
     * @param buf the buffer, with room for {@code 18 + 4 * i} bytes at {@code off}
     * @param off index of the header's first byte
     * @param i the tag index, 0 for the outermost
     * @param tci the 16-bit Tag Control Information
     * @param nextType the 16-bit type field after the tag
     * @return the header length so far, {@code 18 + 4 * i}
     */
    public static int writeVlanTag(byte[] buf, int off, int i, int tci, int nextType) {
        int at = off + TYPE + VLAN_HLEN * i;
        Bytes.put16(buf, at + 2, tci);
        Bytes.put16(buf, at + 4, nextType);
        return HEADER_LEN + VLAN_HLEN * (i + 1);
    }

    /**
     * Overwrites the destination address.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param dst address bits
     */
    public static void setDst(byte[] buf, int off, long dst) {
        Bytes.put48(buf, off + DST, dst);
    }

    /**
     * Overwrites the source address.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param src address bits
     */
    public static void setSrc(byte[] buf, int off, long src) {
        Bytes.put48(buf, off + SRC, src);
    }

    /**
     * Overwrites the outer type field at offset 12.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param type the 16-bit type field
     */
    public static void setEtherType(byte[] buf, int off, int type) {
        Bytes.put16(buf, off + TYPE, type);
    }

    /**
     * Overwrites the type field after the last recognised VLAN tag.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param type the 16-bit type field
     */
    public static void setInnerEtherType(byte[] buf, int off, int type) {
        Bytes.put16(buf, off + TYPE + VLAN_HLEN * vlanCount(buf, off), type);
    }

    /**
     * Overwrites the TCI of tag {@code i}.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param i the tag index, 0 for the outermost
     * @param tci the 16-bit TCI
     */
    public static void setVlanTci(byte[] buf, int off, int i, int tci) {
        Bytes.put16(buf, off + TYPE + 2 + VLAN_HLEN * i, tci);
    }
}
