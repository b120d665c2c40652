package io.jnetstack.ipv4.frag;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Net;
import io.jnetstack.core.SkBuff;
import io.jnetstack.time.Timer;

import java.util.Arrays;

/**
 * The fragments received so far of one datagram, keyed by (source, destination, identification,
 * protocol) as RFC 791 §3.2 prescribes. Mirrors {@code struct ipq} / {@code struct
 * inet_frag_queue}.
 *
 * <p>Fragments are kept sorted by offset in parallel arrays, never overlapping, each buffer
 * untouched with its data at its own IP header (so the first one can be quoted in an ICMP error).
 * An in-order fragment is appended in O(1); any other is placed by binary search, so a flood of
 * tiny out-of-order fragments costs O(log n) comparisons each (the reason Linux moved to an
 * rbtree), plus an array move.
 */
final class FragQueue {
    /** The fragment at offset 0 is here ({@code INET_FRAG_FIRST_IN}). */
    static final int FIRST_IN = 1;
    /** The fragment without MF is here, so {@link #len} is final ({@code INET_FRAG_LAST_IN}). */
    static final int LAST_IN = 2;

    /** {@link #insert} result: placed. */
    static final int OK = 0;
    /** {@link #insert} result: every byte is already here ({@code IPFRAG_DUP}). */
    static final int DUP = 1;
    /** {@link #insert} result: overlaps data already here ({@code IPFRAG_OVERLAP}). */
    static final int OVERLAP = 2;

    private static final int INITIAL_CAPACITY = 8;

    final int src;
    final int dst;
    final int id;
    final int protocol;
    final int hash;
    /** Next queue in the same hash bucket. */
    FragQueue next;
    /** The {@code ipfrag_time} timer, armed once at creation ({@code ip_expire}). */
    Timer timer;
    /** The context of the fragment that created the queue, for the timer's ICMP and counters. */
    FragContext ctx;
    /** The per-source fragment counter for {@code ipfrag_max_dist}, or null. */
    FragPeer peer;
    /** The peer's counter when this queue last received a fragment ({@code qp->rid}). */
    int rid;
    /** False once removed from the table: a late timer or caller must leave it alone. */
    boolean live = true;

    int flags;
    /** Datagram payload length: exact once LAST_IN, else the furthest end seen. */
    int len;
    /** Payload bytes received ({@code meat}). */
    int meat;
    /** Sum of the queued buffers' truesize. */
    long mem;
    /** ECN codepoints seen, one bit per codepoint ({@code qp->ecn}). */
    int ecn;
    /** Largest fragment (header plus data) seen, and the largest with DF set. */
    int maxSize;
    int maxDfSize;

    SkBuff[] frags = new SkBuff[INITIAL_CAPACITY];
    int[] starts = new int[INITIAL_CAPACITY];
    int[] ends = new int[INITIAL_CAPACITY];
    int count;

    FragQueue(int src, int dst, int id, int protocol, int hash) {
        this.src = src;
        this.dst = dst;
        this.id = id;
        this.protocol = protocol;
        this.hash = hash;
    }

    boolean matches(int s, int d, int i, int p) {
        return src == s && dst == d && id == i && protocol == p;
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** True when every byte from 0 to the known end is here. */
    boolean complete() {
        return has(FIRST_IN) && has(LAST_IN) && meat == len;
    }

    /** The fragment at offset 0, or null. */
    SkBuff first() {
        return has(FIRST_IN) ? frags[0] : null;
    }

    /**
     * Places a fragment covering payload bytes [offset, end), end > offset. Mirrors
     * {@code inet_frag_queue_insert()}: a fragment whose bytes are all here already is a
     * duplicate (dropped alone); one that covers some new and some old bytes overlaps, which
     * RFC 5722 §4 (for IPv6, and Linux for IPv4 too since 2018) answers by discarding the whole
     * datagram. Linux calls a fragment a duplicate when it lies within one "run" of fragments
     * that arrived in order; here, within any contiguous stretch of received data.
     *
     * @return {@link #OK}, {@link #DUP} or {@link #OVERLAP}
     */
    int insert(SkBuff skb, int offset, int end) {
        if (count == 0 || ends[count - 1] <= offset) {
            insertAt(count, skb, offset, end);
            return OK;
        }
        int i = firstEndingAfter(offset);
        if (end <= starts[i]) {
            insertAt(i, skb, offset, end);
            return OK;
        }
        return coveredFrom(i, offset, end) ? DUP : OVERLAP;
    }

    /** Index of the first fragment whose end is after {@code offset} (ends ascend). */
    private int firstEndingAfter(int offset) {
        int lo = 0;
        int hi = count - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ends[mid] > offset) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** True when fragments i, i+1, … cover [offset, end) without a gap. */
    private boolean coveredFrom(int i, int offset, int end) {
        if (starts[i] > offset) {
            return false;
        }
        int reach = ends[i];
        for (int j = i + 1; reach < end; j++) {
            if (j == count || starts[j] != reach) {
                return false;
            }
            reach = ends[j];
        }
        return true;
    }

    private void insertAt(int i, SkBuff skb, int offset, int end) {
        if (count == frags.length) {
            int n = count * 2;
            frags = Arrays.copyOf(frags, n);
            starts = Arrays.copyOf(starts, n);
            ends = Arrays.copyOf(ends, n);
        }
        int move = count - i;
        if (move > 0) {
            System.arraycopy(frags, i, frags, i + 1, move);
            System.arraycopy(starts, i, starts, i + 1, move);
            System.arraycopy(ends, i, ends, i + 1, move);
        }
        frags[i] = skb;
        starts[i] = offset;
        ends[i] = end;
        count++;
        meat += end - offset;
        mem += skb.truesize();
        if (offset == 0) {
            flags |= FIRST_IN;
        }
    }

    /**
     * Drops every queued fragment with {@code reason} and forgets what was received (flags,
     * length, ECN, sizes), keeping the key, timer and peer. Mirrors
     * {@code inet_frag_rbtree_purge()} plus the resets of {@code ip_frag_reinit()}.
     *
     * @return the truesize released
     */
    long purge(Net net, DropReason reason) {
        for (int i = 0; i < count; i++) {
            net.drop(frags[i], reason);
            frags[i] = null;
        }
        return reset();
    }

    /** Frees every queued fragment as consumed (after reassembly); returns the truesize released. */
    long consumeAll() {
        for (int i = 0; i < count; i++) {
            frags[i].free();
            frags[i] = null;
        }
        return reset();
    }

    private long reset() {
        long released = mem;
        count = 0;
        flags = 0;
        len = 0;
        meat = 0;
        mem = 0;
        ecn = 0;
        maxSize = 0;
        maxDfSize = 0;
        return released;
    }
}
