package io.jnetstack.ipv4;

/** The "Icmp:" counters of {@code /proc/net/snmp}, in Linux's order (RFC 2011). */
public enum IcmpMib {
    InMsgs, InErrors, InCsumErrors, InDestUnreachs, InTimeExcds, InParmProbs, InSrcQuenchs, InRedirects,
    InEchos, InEchoReps, InTimestamps, InTimestampReps, InAddrMasks, InAddrMaskReps,
    OutMsgs, OutErrors, OutRateLimitGlobal, OutRateLimitHost, OutDestUnreachs, OutTimeExcds, OutParmProbs,
    OutSrcQuenchs, OutRedirects, OutEchos, OutEchoReps, OutTimestamps, OutTimestampReps, OutAddrMasks,
    OutAddrMaskReps
}
