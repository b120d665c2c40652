package io.jnetstack.ipv4.frag;

import io.jnetstack.core.DropReason;

/**
 * The drop reasons of fragmentation and reassembly, in one place. Linux has
 * {@code SKB_DROP_REASON_DUP_FRAG}, {@code SKB_DROP_REASON_FRAG_TOO_FAR} and
 * {@code SKB_DROP_REASON_FRAG_REASM_TIMEOUT}; {@link DropReason} does not have them yet, so the
 * closest existing reasons stand in until it does (then only this file changes).
 */
final class FragReasons {
    /**
     * {@code SKB_DROP_REASON_DUP_FRAG}: a duplicate fragment, or one overlapping others.
     * Stand-in: {@link DropReason#NOT_SPECIFIED}, what Linux reported before it had reasons.
     */
    static final DropReason DUP_FRAG = DropReason.NOT_SPECIFIED;
    /**
     * {@code SKB_DROP_REASON_FRAG_TOO_FAR}: a fragment would end past the largest datagram, or
     * its queue fell more than {@code ipfrag_max_dist} fragments behind its source.
     * Stand-in: {@link DropReason#PKT_TOO_BIG}.
     */
    static final DropReason FRAG_TOO_FAR = DropReason.PKT_TOO_BIG;
    /**
     * {@code SKB_DROP_REASON_FRAG_REASM_TIMEOUT}: the fragments of a queue that timed out.
     * Stand-in: {@link DropReason#NOT_SPECIFIED}.
     */
    static final DropReason FRAG_REASM_TIMEOUT = DropReason.NOT_SPECIFIED;
    /** A fragment with inconsistent length fields (ends that disagree, no data): a bad header. */
    static final DropReason BAD_FRAG = DropReason.IP_INHDR;
    /** Over {@code ipfrag_high_thresh}, or the namespace is going away. */
    static final DropReason NOMEM = DropReason.NOMEM;

    private FragReasons() {
    }
}
