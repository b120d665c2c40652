package io.jnetstack.ipv4.tcp;

/** The "TcpExt:" counters of {@code /proc/net/netstat} this stack keeps, with Linux's names. */
public enum TcpExtMib {
    SyncookiesSent, SyncookiesRecv, SyncookiesFailed, EmbryonicRsts, PruneCalled, OutOfWindowIcmps, LockDroppedIcmps,
    TW, TWRecycled, TWKilled, PAWSActive, PAWSEstab, DelayedACKs, DelayedACKLocked, DelayedACKLost, ListenOverflows,
    ListenDrops, TCPHPHits, TCPPureAcks, TCPHPAcks, TCPRenoRecovery, TCPRenoReorder, TCPFullUndo, TCPPartialUndo,
    TCPLossUndo, TCPLostRetransmit, TCPRenoFailures, TCPLossFailures, TCPFastRetrans, TCPSlowStartRetrans,
    TCPTimeouts, TCPLossProbes, TCPRenoRecoveryFail, TCPRcvCollapsed, TCPBacklogCoalesce, TCPAbortOnData,
    TCPAbortOnClose, TCPAbortOnMemory, TCPAbortOnTimeout, TCPAbortOnLinger, TCPAbortFailed, TCPMemoryPressures,
    TCPMemoryPressuresChrono, OfoPruned, RcvPruned,
    TCPSYNChallenge, TCPChallengeACK, TCPBacklogDrop, TCPMinTTLDrop, TCPDeferAcceptDrop, TCPTimeWaitOverflow,
    TCPReqQFullDoCookies, TCPReqQFullDrop, TCPRcvQDrop, TCPOFOQueue, TCPOFODrop, TCPOFOMerge, TCPZeroWindowDrop,
    TCPRcvCoalesce, TCPWantZeroWindowAdv, TCPToZeroWindowAdv, TCPFromZeroWindowAdv, TCPOrigDataSent, TCPSynRetrans,
    TCPKeepAlive, TCPDelivered, TCPAckCompressed, TCPWinProbe, TCPACKSkippedSynRecv, TCPACKSkippedPAWS,
    TCPACKSkippedSeq, TCPACKSkippedFinWait2, TCPACKSkippedTimeWait, TCPACKSkippedChallenge, TCPDSACKOldSent,
    TCPDSACKOfoSent, TCPDSACKRecv, TCPSackRecovery, TCPSACKReneging, TCPSACKReorder, TCPTSReorder, TCPDSACKUndo,
    TCPLossProbeRecovery, TCPSpuriousRTOs, TCPSackFailures, TCPSackRecoveryFail, TCPDSACKOfoRecv, TCPDSACKIgnoredOld,
    TCPDSACKIgnoredNoUndo, TCPDSACKIgnoredDubious, TCPDSACKRecvSegs, TCPSACKDiscard, TCPRetransFail,
    TCPHystartTrainDetect, TCPHystartTrainCwnd, TCPHystartDelayDetect, TCPHystartDelayCwnd
}
