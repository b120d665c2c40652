package io.jnetstack.core;

/**
 * Why a packet was dropped. Mirrors Linux's {@code enum skb_drop_reason}
 * ({@code SKB_DROP_REASON_*}); each drop bumps a per-namespace counter for its reason and is
 * traced as {@code kfree_skb} with the reason.
 */
public enum DropReason {
    /** No specific reason. */
    NOT_SPECIFIED,
    /** Shorter than the header it claims to carry ({@code SKB_DROP_REASON_PKT_TOO_SMALL}). */
    PKT_TOO_SMALL,
    /** Longer than the device's MTU allows ({@code SKB_DROP_REASON_PKT_TOO_BIG}). */
    PKT_TOO_BIG,
    /** No handler for the frame's protocol ({@code SKB_DROP_REASON_UNHANDLED_PROTO}). */
    UNHANDLED_PROTO,
    /** The queueing discipline refused or discarded it ({@code SKB_DROP_REASON_QDISC_DROP}). */
    QDISC_DROP,
    /** netem's loss model chose to lose it (Linux counts these as qdisc drops). */
    QDISC_NETEM_LOSS,
    /** The per-CPU backlog was full ({@code SKB_DROP_REASON_CPU_BACKLOG}). */
    CPU_BACKLOG,
    /** The device is down or has no carrier ({@code SKB_DROP_REASON_DEV_READY}). */
    DEV_READY,
    /** A link-layer header could not be built or parsed ({@code SKB_DROP_REASON_DEV_HDR}). */
    DEV_HDR,
    /** A device's ring was full ({@code SKB_DROP_REASON_FULL_RING}). */
    FULL_RING,
    /** The driver failed to hand the frame on (a TAP write error). */
    DEV_XMIT_ERROR,
    /** A frame for another host ({@code SKB_DROP_REASON_OTHERHOST}). */
    OTHERHOST,
    /** Memory limits were hit ({@code SKB_DROP_REASON_NOMEM}). */
    NOMEM,
    /** Header truncated ({@code SKB_DROP_REASON_HDR_TRUNC}). */
    HDR_TRUNC,
    /** Bad IPv4 header ({@code SKB_DROP_REASON_IP_INHDR}). */
    IP_INHDR,
    /** Bad IPv4 header checksum ({@code SKB_DROP_REASON_IP_CSUM}). */
    IP_CSUM,
    /** No route ({@code SKB_DROP_REASON_IP_INNOROUTES}). */
    IP_INNOROUTES,
    /** No socket to deliver to ({@code SKB_DROP_REASON_NO_SOCKET}). */
    NO_SOCKET,
    /** Dropped by a netfilter hook ({@code SKB_DROP_REASON_NETFILTER_DROP}). */
    NETFILTER_DROP,
    /** The neighbour entry failed ({@code SKB_DROP_REASON_NEIGH_FAILED}). */
    NEIGH_FAILED,
    /** The neighbour's unresolved queue was full ({@code SKB_DROP_REASON_NEIGH_QUEUEFULL}). */
    NEIGH_QUEUEFULL;

    private final String linuxName = "SKB_DROP_REASON_" + name();

    /** The Linux spelling, e.g. {@code SKB_DROP_REASON_PKT_TOO_SMALL}. */
    public String linuxName() {
        return linuxName;
    }
}
