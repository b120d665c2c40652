package io.jnetstack.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * Value form of an Ethernet II header with its VLAN tags (IEEE 802.3 §3.2; IEEE 802.1Q §9).
 *
 * @param dst destination address
 * @param src source address
 * @param tags VLAN tags, outermost first, at most {@link Ethernet#MAX_VLAN_TAGS}
 * @param etherType the type field after the last tag (the payload's protocol), 16 bits; a VLAN
 *     TPID only when there are already {@link Ethernet#MAX_VLAN_TAGS} tags (a third tag that
 *     stays in the payload)
 */
public record EthernetRepr(MacAddress dst, MacAddress src, List<VlanTag> tags, int etherType) {

    /**
     * Validates and copies the tag list.
     *
     * @throws IllegalArgumentException if there are too many tags, the type is not 16 bits, or
     *     the type is a VLAN TPID while fewer than {@link Ethernet#MAX_VLAN_TAGS} tags are given
     *     (such a header would not parse back to itself)
     * @throws NullPointerException if an argument or a tag is null
     */
    public EthernetRepr {
        if (dst == null || src == null) {
            throw new NullPointerException("address");
        }
        tags = List.copyOf(tags);
        if (tags.size() > Ethernet.MAX_VLAN_TAGS) {
            throw new IllegalArgumentException("too many VLAN tags: " + tags.size());
        }
        if ((etherType & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("type field wider than 16 bits: " + etherType);
        }
        if (tags.size() < Ethernet.MAX_VLAN_TAGS && EtherType.isVlanTpid(etherType)) {
            throw new IllegalArgumentException("type field is a VLAN TPID: add a VlanTag instead");
        }
    }

    /**
     * An untagged header.
     *
     * @param dst destination address
     * @param src source address
     * @param etherType the payload's type field
     * @return the header
     */
    public static EthernetRepr of(MacAddress dst, MacAddress src, int etherType) {
        return new EthernetRepr(dst, src, List.of(), etherType);
    }

    /**
     * Parses the header at {@code buf[off..off+len)} after validating it with
     * {@link Ethernet#check}.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param len bytes available from {@code off}
     * @return the header
     * @throws IllegalArgumentException if the check fails
     */
    public static EthernetRepr parse(byte[] buf, int off, int len) {
        int hlen = Ethernet.check(buf, off, len);
        if (hlen < 0) {
            throw new IllegalArgumentException("bad Ethernet header: " + Ethernet.checkName(hlen));
        }
        int n = Ethernet.vlanCount(buf, off);
        List<VlanTag> tags = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            tags.add(VlanTag.of(Ethernet.vlanTpid(buf, off, i), Ethernet.vlanTci(buf, off, i)));
        }
        return new EthernetRepr(MacAddress.fromLong(Ethernet.dst(buf, off)),
                MacAddress.fromLong(Ethernet.src(buf, off)), tags, Ethernet.innerEtherType(buf, off));
    }

    /**
     * Length of the emitted header: {@code 14 + 4 * tags().size()}.
     *
     * @return the header length in bytes
     */
    public int headerLen() {
        return Ethernet.HEADER_LEN + Ethernet.VLAN_HLEN * tags.size();
    }

    /**
     * Writes the header at {@code buf[off..off+headerLen())}.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return {@link #headerLen()}, the number of bytes written
     * @throws IndexOutOfBoundsException if the buffer is too short
     */
    public int emit(byte[] buf, int off) {
        int n = tags.size();
        int outer = n == 0 ? etherType : tags.get(0).tpid();
        Ethernet.writeHeader(buf, off, dst.bits(), src.bits(), outer);
        for (int i = 0; i < n; i++) {
            int next = i + 1 < n ? tags.get(i + 1).tpid() : etherType;
            Ethernet.writeVlanTag(buf, off, i, tags.get(i).tci(), next);
        }
        return headerLen();
    }
}
