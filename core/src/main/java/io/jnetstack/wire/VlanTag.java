package io.jnetstack.wire;

/**
 * One IEEE 802.1Q VLAN tag: a Tag Protocol Identifier and the fields of its Tag Control
 * Information (IEEE 802.1Q §9.5, §9.6).
 *
 * @param tpid tag protocol identifier, {@link EtherType#VLAN} (C-TAG) or {@link EtherType#QINQ}
 *     (S-TAG)
 * @param pcp priority code point, 0 to 7
 * @param dei drop eligible indicator
 * @param vid VLAN identifier, 0 to 4095 (0: priority tag only; 4095: reserved)
 */
public record VlanTag(int tpid, int pcp, boolean dei, int vid) {

    /** VID of a priority-tagged frame, which belongs to no VLAN (IEEE 802.1Q Table 9-2). */
    public static final int VID_PRIORITY = 0;
    /** Reserved VID (IEEE 802.1Q Table 9-2). */
    public static final int VID_RESERVED = 0xFFF;

    /**
     * Validates the field ranges.
     *
     * @throws IllegalArgumentException if the TPID is not a VLAN TPID or a field is out of range
     */
    public VlanTag {
        if (!EtherType.isVlanTpid(tpid)) {
            throw new IllegalArgumentException("not a VLAN TPID: 0x" + Integer.toHexString(tpid));
        }
        if (pcp < 0 || pcp > 7 || vid < 0 || vid > 0xFFF) {
            throw new IllegalArgumentException("VLAN tag field out of range: pcp=" + pcp + " vid=" + vid);
        }
    }

    /**
     * A tag from its TPID and packed TCI (IEEE 802.1Q §9.6).
     *
     * @param tpid tag protocol identifier
     * @param tci the 16-bit TCI
     * @return the tag
     */
    public static VlanTag of(int tpid, int tci) {
        return new VlanTag(tpid, Ethernet.pcp(tci), Ethernet.dei(tci), Ethernet.vid(tci));
    }

    /**
     * A customer VLAN tag (TPID 0x8100) with priority 0 and DEI clear.
     *
     * @param vid VLAN identifier
     * @return the tag
     */
    public static VlanTag ctag(int vid) {
        return new VlanTag(EtherType.VLAN, 0, false, vid);
    }

    /**
     * The packed Tag Control Information (IEEE 802.1Q §9.6).
     *
     * @return the 16-bit TCI
     */
    public int tci() {
        return Ethernet.tci(pcp, dei, vid);
    }
}
