package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.SkBuffPool;
import io.jnetstack.core.SkbQueue;

/**
 * Making room in the receive buffer without dropping data the window allowed. Each received
 * segment keeps the buffer it arrived in, so small segments cost far more memory than their
 * bytes (a 536-byte segment holds a 2 KiB buffer): the window offered from the free memory
 * (half of it, tcp_adv_win_scale 1) would otherwise admit more data than SO_RCVBUF holds.
 * Mirrors {@code tcp_prune_queue()} → {@code tcp_collapse()}: the waiting data is copied into
 * as few large buffers as it needs.
 */
final class TcpCollapse {
    /** The payload of a large collapsed buffer (the pool's 64 KiB class). */
    private static final int CHUNK = SkBuffPool.LARGE - 512;
    /** The payload of a small one (the pool's 2 KiB class), for what does not fill a large one. */
    private static final int SMALL_CHUNK = SkBuffPool.SMALL;

    private TcpCollapse() {
    }

    /**
     * Whether a buffer of {@code need} bytes of truesize carrying {@code len} bytes fits in the
     * receive buffer and TCP's memory. Mirrors {@code tcp_try_rmem_schedule()}: the segment is
     * taken while the memory already charged plus its payload stays within SO_RCVBUF
     * ({@code tcp_can_ingest()}: {@code rmem + skb->len <= sk_rcvbuf}, so a peer that fills the
     * window the len/truesize ratio allowed is not cut off by the buffer's own overhead);
     * otherwise the receive queue is collapsed, then out-of-order data after {@code seq} goes
     * ({@code tcp_prune_queue}, RcvPruned when even that is not enough); when net.ipv4.tcp_mem
     * refuses the pages, out-of-order data after {@code seq} is thrown away until they are
     * granted ({@code tcp_prune_ofo_queue}).
     *
     * @param seq the sequence number of the arriving segment
     */
    static boolean makeRoom(TcpSock sk, int seq, int need, int len) {
        boolean fits = sk.rmem() + len <= sk.rcvbuf();
        if (fits && sk.tcp.mem.schedule(sk, need, false)) {
            return true;
        }
        sk.tcp.ext.inc(TcpExtMib.PruneCalled);
        if (!fits) {
            collapse(sk);
            if (sk.rmem() + len > sk.rcvbuf()) {
                pruneOfo(sk, seq, len);
                if (sk.rmem() + len > sk.rcvbuf()) {
                    sk.tcp.ext.inc(TcpExtMib.RcvPruned);
                    return false;
                }
            }
        }
        while (!sk.tcp.mem.schedule(sk, need, false)) {
            if (!pruneOfo(sk, seq, len)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Room for in-order data. Mirrors the {@code queue_and_out} step of {@code tcp_data_queue()}:
     * when {@link #makeRoom} fails an ACK with window 0 goes at once ({@code ICSK_ACK_NOMEM |
     * ICSK_ACK_NOW}) and the segment is dropped, unless the receive queue is empty: then it is
     * charged all the same ({@code sk_forced_mem_schedule}), so a connection always moves.
     */
    static boolean roomInOrder(TcpSock sk, int seq, int need, int len) {
        if (makeRoom(sk, seq, need, len)) {
            return true;
        }
        sk.ackNomem = true;
        if (!sk.rcvQueue().isEmpty()) {
            return false;
        }
        sk.tcp.mem.forceSchedule(sk, need);
        return true;
    }

    /**
     * Throws out-of-order data away from the end, down to the arriving segment, an eighth of
     * SO_RCVBUF at a time until the arriving {@code need} bytes fit the buffer, on while TCP is
     * under memory pressure. Mirrors {@code tcp_prune_ofo_queue()} ({@code tcp_can_ingest}).
     * Pruning first is what keeps window 0 for want of memory from locking a hole out.
     *
     * @return whether anything went
     */
    static boolean pruneOfo(TcpSock sk, int seq, int need) {
        if (sk.ofoEmpty()) {
            return false;
        }
        SkbQueue q = sk.ofo();
        sk.tcp.ext.inc(TcpExtMib.OfoPruned);
        boolean pruned = false;
        long goal = sk.rcvbuf() >> 3;
        SkBuff skb = q.peekLast();
        while (skb != null && seq - (int) skb.cb[TcpSock.CB_SEQ] <= 0) {
            SkBuff prev = q.prev(skb);
            q.unlink(skb);
            goal -= TcpMem.charged(skb);
            sk.tcp.net.drop(skb, DropReason.TCP_OFO_QUEUE_PRUNE);
            pruned = true;
            if (goal <= 0) {
                if (sk.rmem() + need <= sk.rcvbuf() && !sk.tcp.mem.underPressure()) {
                    break;
                }
                goal = sk.rcvbuf() >> 3;
            }
            skb = prev;
        }
        if (pruned) {
            sk.rxSack.reset();   // the blocks no longer describe what is held (tcp_sack_reset)
        }
        return pruned;
    }

    /**
     * Copies the receive queue into full buffers of the pool's size classes, when that saves at
     * least an eighth of the receive buffer. Offsets stay valid: each new buffer starts at the
     * sequence number of the first byte it holds, read or not.
     */
    static void collapse(TcpSock sk) {
        SkbQueue q = sk.rcvQueue();
        if (q.size() < 2) {
            return;
        }
        long bytes = 0;
        long truesize = 0;
        for (SkBuff s = q.peek(); s != null; s = q.next(s)) {
            bytes += s.len();
            truesize += s.truesize();
        }
        long large = bytes / CHUNK;
        long small = (bytes - large * CHUNK + SMALL_CHUNK - 1) / SMALL_CHUNK;
        long after = large * (SkBuffPool.LARGE + SkBuff.TRUESIZE_OVERHEAD) + small * (SkBuffPool.SMALL + SkBuff.TRUESIZE_OVERHEAD);
        if (truesize - after < sk.rcvbuf() / 8) {
            return;
        }
        SkbQueue compact = new SkbQueue();
        SkBuff skb = q.peek();
        int offset = 0;
        while (skb != null) {
            long left = 0;
            for (SkBuff s = skb; s != null; s = q.next(s)) {
                left += s.len();
            }
            left -= offset;
            int size = (int) (left >= CHUNK ? CHUNK : Math.min(SMALL_CHUNK, left));
            SkBuff c = sk.tcp.kernel.skbs().alloc(0, size);
            c.cb[TcpSock.CB_SEQ] = (int) skb.cb[TcpSock.CB_SEQ] + offset;
            while (c.len() < size) {
                int n = Math.min(size - c.len(), skb.len() - offset);
                int at = c.put(n);
                skb.copyBits(offset, c.buf(), at, n);
                offset += n;
                if (offset == skb.len()) {
                    SkBuff next = q.next(skb);
                    q.unlink(skb);
                    skb.free();
                    skb = next;
                    offset = 0;
                }
            }
            c.cb[TcpSock.CB_END_SEQ] = (int) c.cb[TcpSock.CB_SEQ] + c.len();
            sk.chargeR(c);
            compact.addLast(c);
        }
        while (!compact.isEmpty()) {
            q.addLast(compact.poll());
        }
        sk.tcp.ext.inc(TcpExtMib.TCPRcvCollapsed);
    }
}
