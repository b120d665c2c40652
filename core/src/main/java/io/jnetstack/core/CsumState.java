package io.jnetstack.core;

/** Checksum state of a buffer. Mirrors the {@code CHECKSUM_*} values of {@code skb->ip_summed}. */
public enum CsumState {
    /** Nothing known: software must verify (receive) or has already filled the checksum (send). */
    NONE,
    /** The link vouches for integrity: receive checks may be skipped (loopback, veth). */
    UNNECESSARY,
    /** The checksum of the whole packet is in {@code csum} (receive). */
    COMPLETE,
    /** The checksum field still needs finishing from csumStart/csumOffset (send offload). */
    PARTIAL
}
