package io.jnetstack.ipv4.udp;

/** The "Udp:" counters of {@code /proc/net/snmp}, in Linux's order. */
public enum UdpMib {
    InDatagrams, NoPorts, InErrors, OutDatagrams, RcvbufErrors, SndbufErrors, InCsumErrors, IgnoredMulti, MemErrors
}
