package io.jnetstack.ipv4;

/**
 * Counters of the IGMP host side. Linux keeps none for IGMP in {@code /proc/net/snmp}; these
 * follow the shape of the Icmp group so a test or an operator can see what IGMP did, and are
 * not printed among the Linux counters ({@code nstat}).
 */
public enum IgmpMib {
    /** Messages handed to IGMP, good or bad. */
    InMsgs,
    /** Messages dropped as short or malformed, checksum errors included. */
    InErrors,
    /** Messages with a bad checksum. */
    InCsumErrors,
    /** Membership queries received (any version). */
    InQueries,
    /** Membership reports (v1, v2) received from other hosts, or our own looped back. */
    InReports,
    /** Leave group messages received. */
    InLeaves,
    /** Membership reports sent. */
    OutReports,
    /** Leave group messages sent. */
    OutLeaves
}
