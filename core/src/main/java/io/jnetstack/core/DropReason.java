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
    /** sch_fq: its band held {@code limit} packets ({@code SKB_DROP_REASON_FQ_BAND_LIMIT}). */
    FQ_BAND_LIMIT,
    /** sch_fq: its departure time lay beyond the horizon ({@code SKB_DROP_REASON_FQ_HORIZON_LIMIT}). */
    FQ_HORIZON_LIMIT,
    /** sch_fq: its flow held {@code flow_limit} packets ({@code SKB_DROP_REASON_FQ_FLOW_LIMIT}). */
    FQ_FLOW_LIMIT,
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
    /** A GSO packet could not be segmented ({@code SKB_DROP_REASON_SKB_GSO_SEG}). */
    SKB_GSO_SEG,
    /** A partial checksum could not be finished in software ({@code SKB_DROP_REASON_SKB_CSUM}). */
    SKB_CSUM,
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
    NEIGH_QUEUEFULL,
    /** No neighbour entry could be created ({@code SKB_DROP_REASON_NEIGH_CREATEFAIL}). */
    NEIGH_CREATEFAIL,
    /** The neighbour entry is dead: flushed or its device gone ({@code SKB_DROP_REASON_NEIGH_DEAD}). */
    NEIGH_DEAD,
    /** A martian source address ({@code SKB_DROP_REASON_IP_INVALID_SOURCE}). */
    IP_INVALID_SOURCE,
    /** A martian destination address ({@code SKB_DROP_REASON_IP_INVALID_DEST}). */
    IP_INVALID_DEST,
    /**
     * A multicast datagram for a group the input device has not joined, and no multicast
     * routing to take it (Linux's {@code ip_route_input_rcu} refuses it with EINVAL, reason
     * not specified).
     */
    IP_MC_NOT_MEMBER,
    /** A source address that is one of ours ({@code SKB_DROP_REASON_IP_LOCAL_SOURCE}). */
    IP_LOCAL_SOURCE,
    /** Reverse-path filter ({@code SKB_DROP_REASON_IP_RPFILTER}). */
    IP_RPFILTER,
    /** No handler for the IP protocol ({@code SKB_DROP_REASON_IP_NOPROTO}). */
    IP_NOPROTO,
    /** Host unreachable on input ({@code SKB_DROP_REASON_IP_INADDRERRORS}). */
    IP_INADDRERRORS,
    /** No route for an output packet ({@code SKB_DROP_REASON_IP_OUTNOROUTES}). */
    IP_OUTNOROUTES,
    /** Time to live exhausted while forwarding (Linux reports IP_INHDR; kept apart for clarity). */
    IP_TTL_EXCEEDED,
    /** Fragments overlapping or duplicated ({@code SKB_DROP_REASON_DUP_FRAG}). */
    DUP_FRAG,
    /** Reassembly timed out ({@code SKB_DROP_REASON_FRAG_REASM_TIMEOUT}). */
    FRAG_REASM_TIMEOUT,
    /** A fragment beyond what a datagram can hold ({@code SKB_DROP_REASON_FRAG_TOO_FAR}). */
    FRAG_TOO_FAR,
    /** Bad ICMP checksum ({@code SKB_DROP_REASON_ICMP_CSUM}). */
    ICMP_CSUM,
    /** A message of no interest, consumed ({@code icmp_discard}). */
    ICMP_DISCARD,
    /** Bad IGMP checksum (RFC 2236 §2.3; Linux drops it with no specific reason). */
    IGMP_CSUM,
    /** Bad UDP checksum ({@code SKB_DROP_REASON_UDP_CSUM}). */
    UDP_CSUM,
    /** A receive queue was full ({@code SKB_DROP_REASON_SOCKET_RCVBUFF}). */
    SOCKET_RCVBUFF,
    /** An ARP frame that is malformed or not for this host. */
    ARP_INVALID,
    /** Bad TCP checksum ({@code SKB_DROP_REASON_TCP_CSUM}). */
    TCP_CSUM,
    /** The socket's backlog was full while a user held it ({@code SKB_DROP_REASON_SOCKET_BACKLOG}). */
    SOCKET_BACKLOG,
    /** Illegal TCP flag combination ({@code SKB_DROP_REASON_TCP_FLAGS}). */
    TCP_FLAGS,
    /** Segment entirely before rcv_nxt ({@code SKB_DROP_REASON_TCP_OLD_DATA}). */
    TCP_OLD_DATA,
    /** Segment beyond the receive window ({@code SKB_DROP_REASON_TCP_OVERWINDOW}). */
    TCP_OVERWINDOW,
    /** Sequence number not acceptable (RFC 9293 §3.10.7.4) ({@code SKB_DROP_REASON_TCP_INVALID_SEQUENCE}). */
    TCP_INVALID_SEQUENCE,
    /** Acknowledges data not yet sent ({@code SKB_DROP_REASON_TCP_ACK_UNSENT_DATA}). */
    TCP_ACK_UNSENT_DATA,
    /** An ACK older than the send window allows ({@code SKB_DROP_REASON_TCP_TOO_OLD_ACK}). */
    TCP_TOO_OLD_ACK,
    /** PAWS check failed (RFC 7323 §5) ({@code SKB_DROP_REASON_TCP_RFC7323_PAWS}). */
    TCP_RFC7323_PAWS,
    /** Zero receive window ({@code SKB_DROP_REASON_TCP_ZEROWINDOW}). */
    TCP_ZEROWINDOW,
    /** A RST ended the connection ({@code SKB_DROP_REASON_TCP_RESET}). */
    TCP_RESET,
    /** An unexpected SYN ({@code SKB_DROP_REASON_TCP_INVALID_SYN}). */
    TCP_INVALID_SYN,
    /** Segment for a closed socket ({@code SKB_DROP_REASON_TCP_CLOSE}). */
    TCP_CLOSE,
    /** The listener's queues were full ({@code SKB_DROP_REASON_TCP_LISTEN_OVERFLOW}). */
    TCP_LISTEN_OVERFLOW,
    /** Out-of-order data thrown away to make room ({@code SKB_DROP_REASON_TCP_OFO_QUEUE_PRUNE}). */
    TCP_OFO_QUEUE_PRUNE,
    /** Memory limits (tcp_mem, the receive buffer) ({@code SKB_DROP_REASON_PROTO_MEM}). */
    PROTO_MEM;

    private final String linuxName = "SKB_DROP_REASON_" + name();

    /** The Linux spelling, e.g. {@code SKB_DROP_REASON_PKT_TOO_SMALL}. */
    public String linuxName() {
        return linuxName;
    }
}
