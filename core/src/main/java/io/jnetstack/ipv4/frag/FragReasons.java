package io.jnetstack.ipv4.frag;

import io.jnetstack.core.DropReason;

/** The drop reasons of fragmentation and reassembly, in one place. */
final class FragReasons {
    /** {@code SKB_DROP_REASON_DUP_FRAG}: a duplicate fragment, or one overlapping others. */
    static final DropReason DUP_FRAG = DropReason.DUP_FRAG;
    /**
     * {@code SKB_DROP_REASON_FRAG_TOO_FAR}: a fragment would end past the largest datagram, or
     * its queue fell more than {@code ipfrag_max_dist} fragments behind its source.
     */
    static final DropReason FRAG_TOO_FAR = DropReason.FRAG_TOO_FAR;
    /** {@code SKB_DROP_REASON_FRAG_REASM_TIMEOUT}: the fragments of a queue that timed out. */
    static final DropReason FRAG_REASM_TIMEOUT = DropReason.FRAG_REASM_TIMEOUT;
    /** A fragment with inconsistent length fields (ends that disagree, no data): a bad header. */
    static final DropReason BAD_FRAG = DropReason.IP_INHDR;
    /** Over {@code ipfrag_high_thresh}, or the namespace is going away. */
    static final DropReason NOMEM = DropReason.NOMEM;

    private FragReasons() {
    }
}
