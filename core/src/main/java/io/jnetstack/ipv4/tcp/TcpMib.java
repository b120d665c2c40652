package io.jnetstack.ipv4.tcp;

/** The "Tcp:" counters of {@code /proc/net/snmp}, in Linux's order (RFC 4022). */
public enum TcpMib {
    RtoAlgorithm, RtoMin, RtoMax, MaxConn, ActiveOpens, PassiveOpens, AttemptFails, EstabResets, CurrEstab,
    InSegs, OutSegs, RetransSegs, InErrs, OutRsts, InCsumErrors
}
