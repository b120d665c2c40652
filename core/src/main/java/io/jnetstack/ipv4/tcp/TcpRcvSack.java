package io.jnetstack.ipv4.tcp;

import io.jnetstack.wire.TcpOptions;

/**
 * The receiver's side of SACK (RFC 2018 §4) and DSACK (RFC 2883 §4): the blocks an ACK reports
 * for the out-of-order queue, most recently changed first, and a duplicate block for a segment
 * that arrived twice, reported once in front of them. Mirrors {@code tp->selective_acks},
 * {@code tp->duplicate_sack} and {@code tcp_sack_new_ofo_skb()}, {@code tcp_sack_extend()},
 * {@code tcp_sack_maybe_coalesce()}, {@code tcp_sack_remove()}, {@code tcp_dsack_set()},
 * {@code tcp_dsack_extend()}. The blocks go on every segment once SACK was negotiated
 * ({@code tcp_established_options()}): four, or three next to timestamps.
 */
final class TcpRcvSack {
    // A socket that never held data out of order nor owed a DSACK shares its namespace's empty
    // instance (Tcp#noSack), which is never written: TcpSock#rxSackForUpdate() gives the socket
    // its own before anything is recorded. Clearing an empty one writes nothing.
    /** {@code TCP_NUM_SACKS}: blocks remembered. */
    static final int NUM_SACKS = 4;

    /** The blocks' edges, made at the first out-of-order segment (most connections never see one). */
    private int[] left;
    private int[] right;
    /** {@code rx_opt.num_sacks}. */
    private int count;
    /** {@code rx_opt.dsack}: a duplicate block waits to be sent. */
    private boolean dsack;
    private int dsackLeft;
    private int dsackRight;

    /** Blocks held (the out-of-order ranges reported), for tests. */
    int count() {
        return count;
    }

    /** Whether a duplicate block waits to be sent. */
    boolean dsackPending() {
        return dsack;
    }

    /** Forgets the blocks, keeping a pending DSACK: a new first hole. */
    void clearBlocks() {
        if (count != 0) {
            count = 0;
        }
    }

    /** Forgets everything ({@code tcp_sack_reset()}): the out-of-order queue was purged or pruned. */
    void reset() {
        if (count != 0 || dsack) {
            count = 0;
            dsack = false;
        }
    }

    /** Widens block {@code i} by [seq, end) when they touch. Mirrors {@code tcp_sack_extend()}. */
    private static boolean extend(int[] l, int[] r, int i, int seq, int end) {
        if (seq - r[i] <= 0 && l[i] - end <= 0) {
            if (seq - l[i] < 0) {
                l[i] = seq;
            }
            if (end - r[i] > 0) {
                r[i] = end;
            }
            return true;
        }
        return false;
    }

    /**
     * An out-of-order segment [seq, end) was queued: its range becomes (or grows) the first
     * block, RFC 2018 §4: "the first SACK block ... MUST specify the contiguous block of data
     * containing the segment which triggered this ACK". Mirrors {@code tcp_sack_new_ofo_skb()}.
     */
    void newOfo(int seq, int end) {
        if (left == null) {
            left = new int[NUM_SACKS];
            right = new int[NUM_SACKS];
        }
        for (int i = 0; i < count; i++) {
            if (extend(left, right, i, seq, end)) {
                rotateToFront(i);
                if (count > 1) {
                    coalesce();
                }
                return;
            }
        }
        int n = Math.min(count, NUM_SACKS - 1);
        for (int i = n; i > 0; i--) {
            left[i] = left[i - 1];
            right[i] = right[i - 1];
        }
        left[0] = seq;
        right[0] = end;
        count = n + 1;
    }

    private void rotateToFront(int i) {
        int l = left[i];
        int r = right[i];
        for (; i > 0; i--) {
            left[i] = left[i - 1];
            right[i] = right[i - 1];
        }
        left[0] = l;
        right[0] = r;
    }

    /** Removes block {@code i}, the later ones moving up. */
    private void dropBlock(int i) {
        count--;
        for (int j = i; j < count; j++) {
            left[j] = left[j + 1];
            right[j] = right[j + 1];
        }
    }

    /** The first block grew: absorb the others it now touches. Mirrors {@code tcp_sack_maybe_coalesce()}. */
    private void coalesce() {
        for (int i = 1; i < count;) {
            if (extend(left, right, 0, left[i], right[i])) {
                dropBlock(i);
                continue;
            }
            i++;
        }
    }

    /**
     * RCV.NXT advanced: blocks it reached go (RFC 2018 §4: only data still held out of order is
     * reported). Mirrors {@code tcp_sack_remove()}.
     */
    void remove(TcpSock sk) {
        if (sk.ofoEmpty()) {
            clearBlocks();
            return;
        }
        for (int i = 0; i < count;) {
            if (sk.rcvNxt - left[i] >= 0) {
                dropBlock(i);
                continue;
            }
            i++;
        }
    }

    /**
     * [seq, end) arrived again: report it in a DSACK block (RFC 2883 §4, first block), when SACK
     * was negotiated and {@code tcp_dsack} is on. Mirrors {@code tcp_dsack_set()}.
     */
    static void dsackSet(TcpSock sk, int seq, int end) {
        if (!sk.sackOk || sk.tcp.sysctl.dsack.get() == 0) {
            return;
        }
        sk.tcp.ext.inc(seq - sk.rcvNxt < 0 ? TcpExtMib.TCPDSACKOldSent : TcpExtMib.TCPDSACKOfoSent);
        TcpRcvSack r = sk.rxSackForUpdate();
        r.dsack = true;
        r.dsackLeft = seq;
        r.dsackRight = end;
    }

    /** Widens the pending DSACK block, or starts one. Mirrors {@code tcp_dsack_extend()}. */
    static void dsackExtend(TcpSock sk, int seq, int end) {
        TcpRcvSack r = sk.rxSack;
        if (!r.dsack) {
            dsackSet(sk, seq, end);
            return;
        }
        if (seq - r.dsackRight <= 0 && r.dsackLeft - end <= 0) {
            if (seq - r.dsackLeft < 0) {
                r.dsackLeft = seq;
            }
            if (end - r.dsackRight > 0) {
                r.dsackRight = end;
            }
        }
    }

    /**
     * The duplicate ACK for an unacceptable segment that carried old data reports it as DSACK.
     * Mirrors the DSACK part of {@code tcp_send_dupack()}.
     */
    static void dupAckDsack(TcpSock sk, TcpInput.Seg s) {
        if (s.endSeq != s.seq && s.seq - sk.rcvNxt < 0) {
            sk.tcp.ext.inc(TcpExtMib.DelayedACKLost);
            int end = s.endSeq - sk.rcvNxt > 0 ? sk.rcvNxt : s.endSeq;
            dsackSet(sk, s.seq, end);
        }
    }

    /**
     * Adds the blocks to an outgoing segment's options, the DSACK block first, as many as the
     * {@code optionSpace} option bytes hold; the DSACK block is sent once. Mirrors the SACK part of
     * {@code tcp_established_options()} and {@code tcp_options_write()}.
     */
    void write(TcpSock sk, TcpOptions o, int optionSpace) {
        if (!sk.sackOk || count + (dsack ? 1 : 0) == 0) {
            return;
        }
        int room = (optionSpace - o.length() - 4) / TcpOptions.LEN_SACK_PER_BLOCK;
        if (room <= 0) {
            return;
        }
        if (dsack) {
            o.addSack(dsackLeft, dsackRight);
            dsack = false;
            room--;
        }
        for (int i = 0; i < count && room > 0; i++, room--) {
            o.addSack(left[i], right[i]);
        }
    }
}
