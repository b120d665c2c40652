package io.jnetstack.wire;

/**
 * EtherType values: the 16-bit Length/Type field of an Ethernet frame (IEEE 802.3 §3.2.6).
 *
 * <p>Values of at least {@link #MIN_TYPE} (0x0600) name the protocol of the payload (Ethernet II
 * framing, RFC 894); values up to {@link Ethernet#MAX_PAYLOAD} (1500) are instead the payload
 * length of an IEEE 802.3 frame carrying an LLC header. The assignments below are from the IEEE
 * EtherType registry (RFC 7042 §3 and Appendix B). Values below 0x0600 that are not lengths on
 * the wire, such as {@link #ALL}, are the Linux pseudo-protocols used to select frames at taps.
 */
public final class EtherType {

    /** Linux pseudo-protocol: a tap receives every frame, whatever its type (ETH_P_ALL). */
    public static final int ALL = 0x0003;
    /** Linux pseudo-protocol: an IEEE 802.3 frame whose type field is a length (ETH_P_802_3). */
    public static final int IEEE802_3 = 0x0001;
    /** Linux pseudo-protocol: an IEEE 802.2 LLC frame (ETH_P_802_2). */
    public static final int IEEE802_2 = 0x0004;
    /** Linux pseudo-protocol for frames sent to the Ethernet loopback test (ETH_P_LOOP). */
    public static final int LOOP = 0x0060;
    /** Smallest value that is an EtherType rather than a length (IEEE 802.3 §3.2.6). */
    public static final int MIN_TYPE = 0x0600;
    /** Internet Protocol version 4 (RFC 894). */
    public static final int IPV4 = 0x0800;
    /** Address Resolution Protocol (RFC 826). */
    public static final int ARP = 0x0806;
    /** Wake-on-LAN magic packet. */
    public static final int WOL = 0x0842;
    /** Reverse ARP (RFC 903). */
    public static final int RARP = 0x8035;
    /** IEEE 802.1Q customer VLAN tag (C-TAG) TPID (IEEE 802.1Q §9.5). */
    public static final int VLAN = 0x8100;
    /** Internet Protocol version 6 (RFC 2464). */
    public static final int IPV6 = 0x86DD;
    /** IEEE 802.3 MAC Control, e.g. PAUSE frames (IEEE 802.3 Clause 31). */
    public static final int MAC_CONTROL = 0x8808;
    /** IEEE 802.3 Slow Protocols, e.g. LACP (IEEE 802.3 Annex 57A). */
    public static final int SLOW = 0x8809;
    /** MPLS unicast (RFC 3032). */
    public static final int MPLS_UC = 0x8847;
    /** MPLS multicast (RFC 5332). */
    public static final int MPLS_MC = 0x8848;
    /** PPPoE discovery stage (RFC 2516). */
    public static final int PPPOE_DISC = 0x8863;
    /** PPPoE session stage (RFC 2516). */
    public static final int PPPOE_SES = 0x8864;
    /** EAP over LAN, IEEE 802.1X. */
    public static final int EAPOL = 0x888E;
    /** IEEE 802.1ad service VLAN tag (S-TAG) TPID, the outer tag of Q-in-Q (IEEE 802.1Q §9.5). */
    public static final int QINQ = 0x88A8;
    /** Link Layer Discovery Protocol, IEEE 802.1AB. */
    public static final int LLDP = 0x88CC;
    /** IEEE 1588 Precision Time Protocol over Ethernet. */
    public static final int PTP = 0x88F7;
    /** Ethernet Configuration Testing Protocol, "loopback" (Ethernet V2.0 spec; ETH_P_LOOPBACK). */
    public static final int LOOPBACK = 0x9000;

    private EtherType() {
    }

    /**
     * Whether a Length/Type value names a protocol rather than a length (IEEE 802.3 §3.2.6).
     *
     * @param type the 16-bit field value
     * @return true if {@code type >= 0x0600}
     */
    public static boolean isType(int type) {
        return type >= MIN_TYPE;
    }

    /**
     * Whether a Length/Type value is an 802.3 payload length (IEEE 802.3 §3.2.6).
     *
     * @param type the 16-bit field value
     * @return true if {@code type <= 1500}
     */
    public static boolean isLength(int type) {
        return type >= 0 && type <= Ethernet.MAX_PAYLOAD;
    }

    /**
     * Whether a value is a VLAN Tag Protocol Identifier: C-TAG 0x8100 or S-TAG 0x88A8
     * (IEEE 802.1Q §9.5).
     *
     * @param type the 16-bit field value
     * @return true for {@link #VLAN} and {@link #QINQ}
     */
    public static boolean isVlanTpid(int type) {
        return type == VLAN || type == QINQ;
    }

    /**
     * A short human-readable name for printing, such as {@code "IPv4"}. The pseudo-protocols
     * {@link #ALL}, {@link #IEEE802_3} and {@link #IEEE802_2} print by name (values 1, 3 and 4 are
     * not plausible 802.3 lengths); other values up to 1500 print as 802.3 lengths {@code "len=N"}
     * (so {@link #LOOP}, 96, does too); unknown types print as {@code "0x"} and four lowercase hex
     * digits.
     *
     * @param type the 16-bit field value
     * @return the name
     */
    public static String name(int type) {
        return switch (type) {
            case ALL -> "ALL";
            case IEEE802_3 -> "802.3";
            case IEEE802_2 -> "802.2";
            case IPV4 -> "IPv4";
            case ARP -> "ARP";
            case WOL -> "WoL";
            case RARP -> "RARP";
            case VLAN -> "802.1Q";
            case IPV6 -> "IPv6";
            case MAC_CONTROL -> "MAC-Control";
            case SLOW -> "Slow";
            case MPLS_UC -> "MPLS";
            case MPLS_MC -> "MPLS-mcast";
            case PPPOE_DISC -> "PPPoE-D";
            case PPPOE_SES -> "PPPoE-S";
            case EAPOL -> "EAPOL";
            case QINQ -> "802.1ad";
            case LLDP -> "LLDP";
            case PTP -> "PTP";
            case LOOPBACK -> "Loopback";
            default -> isLength(type) ? "len=" + type : String.format("0x%04x", type);
        };
    }
}
