package io.jnetstack.ipv4.frag;

/**
 * The Ip MIB counters that fragmentation and reassembly bump, named as in {@code /proc/net/snmp}
 * (RFC 4293 ipSystemStats: ipSystemStatsReasmReqds …) plus {@code ReasmOverlaps}, which Linux
 * prints among the IpExt counters. The IPv4 layer maps each to its own MIB.
 */
public enum FragCounter {
    /** A queue timed out ({@code IPSTATS_MIB_REASMTIMEOUT}). */
    ReasmTimeout,
    /** A fragment arrived for reassembly ({@code IPSTATS_MIB_REASMREQDS}). */
    ReasmReqds,
    /** A datagram was reassembled ({@code IPSTATS_MIB_REASMOKS}). */
    ReasmOKs,
    /** Reassembly of a datagram failed, or a fragment was refused for memory ({@code IPSTATS_MIB_REASMFAILS}). */
    ReasmFails,
    /** A datagram was fragmented ({@code IPSTATS_MIB_FRAGOKS}). */
    FragOKs,
    /** A datagram needed fragmenting and could not be ({@code IPSTATS_MIB_FRAGFAILS}). */
    FragFails,
    /** A fragment was created and handed on ({@code IPSTATS_MIB_FRAGCREATES}). */
    FragCreates,
    /** Fragments overlapped and their datagram was discarded ({@code IPSTATS_MIB_REASM_OVERLAPS}). */
    ReasmOverlaps
}
