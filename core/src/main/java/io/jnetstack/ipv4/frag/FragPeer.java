package io.jnetstack.ipv4.frag;

/**
 * A source's fragment counter for {@code ipfrag_max_dist}: the part of Linux's {@code struct
 * inet_peer} that reassembly uses ({@code peer->rid}). Kept only while some queue from the
 * source exists, so the table is bounded by the number of queues.
 */
final class FragPeer {
    final int addr;
    /** Fragments received from this source (wrapping, compared by difference). */
    int rid;
    /** Queues holding this peer. */
    int refs;

    FragPeer(int addr) {
        this.addr = addr;
    }
}
