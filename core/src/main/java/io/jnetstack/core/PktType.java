package io.jnetstack.core;

/** How a received frame was addressed. Mirrors {@code PACKET_*} values of {@code skb->pkt_type}. */
public enum PktType {
    /** To us. */
    HOST,
    /** To all. */
    BROADCAST,
    /** To a group. */
    MULTICAST,
    /** To someone else (seen in promiscuous mode). */
    OTHERHOST,
    /** Outgoing, as seen by a tap. */
    OUTGOING,
    /** Looped back to us. */
    LOOPBACK
}
