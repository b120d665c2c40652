package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;
import io.jnetstack.ipv4.offload.TcpOffload;
import io.jnetstack.ipv4.tcp.cong.CongestionState;
import io.jnetstack.wire.Tcp;

/**
 * TSO-sized sends and payload without a copy. Mirrors the TSO parts of
 * {@code net/ipv4/tcp_output.c}: {@code tcp_tso_autosize()} / {@code tcp_tso_segs()} choose how
 * many segments one packet may carry from the pacing rate ({@link TcpPacing}), and the write queue's segments are sent together as one
 * GSO packet whose payload points into their buffers.
 *
 * <p>The write queue keeps one MSS per buffer, so every counter of the scoreboard
 * ({@code packets_out}, {@code sacked_out}, {@code lost_out}, {@code retrans_out}) stays exact
 * in segments without {@code tcp_skb_pcount}: a partial ACK or SACK always falls on a buffer
 * boundary, a retransmission is one segment. What Linux gains with large buffers — one packet
 * down the IP layer, qdisc and device for up to 64 KiB — is kept by building that packet from
 * consecutive buffers ({@link #burstEnd}): a header buffer whose fragments reference each
 * buffer's bytes ({@link #attachPayload}), cut back into MSS segments by the device (TSO) or by
 * software GSO in front of a device without it.
 */
final class TcpTso {
    /** {@code tcp_min_rtt()} before any sample: {@code ~0U} µs. */
    private static final long NO_MIN_RTT = 0xFFFFFFFFL;

    private TcpTso() {
    }

    /**
     * How many MSS segments one packet may carry. Mirrors {@code tcp_tso_segs()} →
     * {@code tcp_tso_autosize()}: 2^-{@code sk_pacing_shift} s (about 1 ms) of the pacing rate,
     * plus the GSO limit halved for every 2^{@code tcp_tso_rtt_log} µs (512) of minimum RTT (big
     * packets to near peers, one packet a millisecond to far ones), at most the GSO limit, at
     * least {@code tcp_min_tso_segs}; 1 when the route's device takes no GSO
     * ({@code sk_can_gso()}).
     */
    static int segs(TcpSock sk, NetDevice dev, int mss) {
        if (dev == null || !TcpOffload.canGso(dev.features()) || mss <= 0) {
            return 1;
        }
        long gsoMaxSize = gsoMaxSize(dev);
        long bytes = sk.pacingRate() >>> TcpPacing.PACING_SHIFT;
        long minRtt = sk.rack.minRttUs == 0 ? NO_MIN_RTT : sk.rack.minRttUs;
        long r = minRtt >>> sk.tcp.sysctl.tsoRttLog.get();
        if (r < Integer.SIZE) {
            bytes += gsoMaxSize >> r;
        }
        bytes = Math.min(bytes, gsoMaxSize);
        long segs = Math.max(bytes / mss, sk.tcp.sysctl.minTsoSegs.get());
        return (int) Math.min(segs, Math.max(1, gsoMaxSize / mss));
    }

    /** {@code sk_gso_max_size} of the socket's route: 0 when its device takes no GSO. */
    static long gsoMaxSize(TcpSock sk) {
        NetDevice dev = sk.rt == null ? null : sk.rt.dev;
        return dev == null || !TcpOffload.canGso(dev.features()) ? 0 : gsoMaxSize(dev);
    }

    private static long gsoMaxSize(NetDevice dev) {
        return dev.gsoMaxSize() - 1 - TcpOutput.MAX_HEADER;
    }

    /** {@link #shouldDefer}: send now. */
    static final int SEND_NOW = 0;
    /** {@link #shouldDefer}: wait, the congestion window limits the packet. */
    static final int DEFER_CWND_LIMITED = 1;
    /** {@link #shouldDefer}: wait, the peer's window or the application limits it. */
    static final int DEFER = 2;

    /**
     * Whether to hold the queue back for a moment so that a larger packet can go: an ACK due
     * within min(1 ms, SRTT/2) will open the congestion (or peer's) window further. Mirrors
     * {@code tcp_tso_should_defer()}: never in recovery or loss, nor when the last packet left
     * over a millisecond ago; sends now when a packet of {@code goal} segments fits, when the
     * room is at least 1/{@code tcp_tso_win_divisor} of the window, or when no ACK is expected
     * soon (nothing in flight, or the oldest in-flight segment's ACK due later); else waits, and
     * while the application may still add data, waits for it too unless a FIN or MSG_EOR ends
     * what is queued. One segment's worth of data is Nagle's to decide, not this. A last send
     * 1 ms ago to the microsecond counts as old: Linux's clocks have moved on by a few
     * microseconds by then, virtual time (whose bursts are stamped nanoseconds apart) has not.
     *
     * @return {@link #SEND_NOW}, {@link #DEFER_CWND_LIMITED} or {@link #DEFER}
     */
    static int shouldDefer(TcpSock sk, SkBuff head, int goal, int mss) {
        if (goal <= 1 || sk.caState >= CongestionState.CA_RECOVERY || sk.packetsOut == 0) {
            return SEND_NOW;
        }
        int seq = (int) head.cb[TcpSock.CB_SEQ];
        long avail = sk.writeSeq - seq;
        long now = sk.now();
        int inFlight = sk.packetsInFlight();
        if (avail <= mss || now / 1000 - sk.lastXmitStamp / 1000 >= 1000 || sk.cwnd <= inFlight) {
            return SEND_NOW;
        }
        long sendWin = sk.sndUna + sk.sndWnd - seq;
        long congWin = (long) (sk.cwnd - inFlight) * mss;
        long limit = Math.min(sendWin, congWin);
        long full = (long) goal * mss;
        if (limit >= full) {
            return SEND_NOW;
        }
        long divisor = sk.tcp.sysctl.tsoWinDivisor.get();
        if (limit >= Math.min(sk.sndWnd, (long) sk.cwnd * mss) / divisor) {
            return SEND_NOW;
        }
        SkBuff oldest = sk.writeQueue.peek();
        long srttNs = sk.srttUs() * 1000;
        long howFar = oldest.cb[TcpSock.CB_WHEN] + srttNs - now;
        if (howFar - Math.min(srttNs >> 1, 1_000_000L) > 0) {
            return SEND_NOW;
        }
        long len = Math.min(avail, full);
        if (congWin < sendWin) {
            if (congWin <= len) {
                return DEFER_CWND_LIMITED;
            }
        } else if (sendWin <= len) {
            return DEFER;
        }
        SkBuff tail = sk.writeQueue.peekLast();
        if (avail <= full && (tail.cb[TcpSock.CB_FLAGS] & (Tcp.FIN | TcpSock.CB_F_EOR)) != 0) {
            return SEND_NOW;
        }
        return DEFER;
    }

    /**
     * Extends a send that starts at {@code first} (already checked by {@code tcp_write_xmit}'s
     * tests) over the following queued segments while they may go in the same packet: each
     * before the last exactly one MSS and without FIN (GSO cuts at gso_size, FIN ends the
     * stream), within {@code goal} segments, the congestion window ({@code tcp_cwnd_test}), the
     * peer's window ({@code tcp_snd_wnd_test}), Nagle for the queue's last segment
     * ({@code tcp_nagle_test}) and the fragment limit. Mirrors the size decision of
     * {@code tcp_mss_split_point()} / {@code tso_fragment()}, with the split falling on buffer
     * boundaries. No urgent data: each segment's urgent pointer differs.
     *
     * @return how many queued segments, from {@code first}, go in one packet (at least 1)
     */
    static int burstEnd(TcpSock sk, SkBuff first, int goal, int mss, boolean nagleApplies, boolean push) {
        if (goal <= 1 || TcpOutput.urgentMode(sk)) {
            return 1;
        }
        int n = 1;
        int frags = frags(first);
        SkBuff last = first;
        int inFlight = sk.packetsInFlight();
        while (n < goal) {
            if (last.len() != mss || (last.cb[TcpSock.CB_FLAGS] & (Tcp.FIN | Tcp.SYN)) != 0) {
                break;
            }
            SkBuff nx = sk.writeQueue.next(last);
            if (nx == null || nx.len() == 0 || nx.len() > mss || (nx.cb[TcpSock.CB_FLAGS] & Tcp.SYN) != 0) {
                break;
            }
            boolean finalFin = (nx.cb[TcpSock.CB_FLAGS] & Tcp.FIN) != 0;
            if (inFlight + n >= sk.cwnd && !finalFin) {
                break;
            }
            if ((int) nx.cb[TcpSock.CB_END_SEQ] - (sk.sndUna + sk.sndWnd) > 0) {
                break;
            }
            if (nagleApplies && sk.writeQueue.next(nx) == null && !TcpOutput.nagleTest(sk, nx, mss, push)) {
                break;
            }
            int f = frags(nx);
            if (frags + f > SkBuff.MAX_FRAGS) {
                break;
            }
            frags += f;
            last = nx;
            n++;
        }
        return n;
    }

    /** Fragments the bytes of a queued buffer take in a packet built by {@link #attachPayload}. */
    private static int frags(SkBuff q) {
        return (q.headLen() > 0 ? 1 : 0) + q.nrFrags();
    }

    /**
     * Puts {@code len} bytes of payload into {@code skb} (a header buffer without linear data):
     * from {@code offset} in the queued buffer {@code q}, then on through the buffers after it.
     * Each piece is a fragment referencing the queued buffer's bytes — its linear array as a page
     * ({@link SkBuff#linearPage}) or its own fragments — so nothing is copied and the queued
     * data stays pinned while the packet is in flight below TCP (a qdisc, netem, a peer's
     * receive queue). Mirrors what {@code tcp_transmit_skb()}'s {@code skb_clone()} achieves. Falls
     * back to a copy into the linear part only if the pieces exceed MAX_SKB_FRAGS.
     */
    static void attachPayload(TcpSock sk, SkBuff skb, SkBuff q, int offset, int len) {
        int need = 0;
        int left = len;
        for (SkBuff b = q; b != null && left > 0; b = sk.writeQueue.next(b)) {
            int take = Math.min(left, b.len() - (b == q ? offset : 0));
            need += frags(b);
            left -= take;
        }
        if (need > SkBuff.MAX_FRAGS) {
            copyPayload(sk, skb, q, offset, len);
            return;
        }
        left = len;
        for (SkBuff b = q; left > 0; b = sk.writeQueue.next(b)) {
            int off = b == q ? offset : 0;
            int take = Math.min(left, b.len() - off);
            shareRange(skb, b, off, take);
            left -= take;
        }
    }

    /** Adds fragments for {@code n} bytes of {@code b} from {@code off} (linear, then fragments). */
    private static void shareRange(SkBuff skb, SkBuff b, int off, int n) {
        int hl = b.headLen();
        if (off < hl && n > 0) {
            int c = Math.min(n, hl - off);
            skb.addFrag(b.linearPage(), b.data() + off, c);
            off += c;
            n -= c;
        }
        int pos = hl;
        for (int i = 0; i < b.nrFrags() && n > 0; i++) {
            int size = b.fragSize(i);
            if (off < pos + size) {
                int in = off - pos;
                int c = Math.min(n, size - in);
                skb.addFrag(b.fragPage(i), b.fragOffset(i) + in, c);
                off += c;
                n -= c;
            }
            pos += size;
        }
    }

    private static void copyPayload(TcpSock sk, SkBuff skb, SkBuff q, int offset, int len) {
        skb.ensureTailroom(len);
        int at = skb.put(len);
        for (SkBuff b = q; len > 0; b = sk.writeQueue.next(b)) {
            int off = b == q ? offset : 0;
            int take = Math.min(len, b.len() - off);
            b.copyBits(off, skb.buf(), at, take);
            at += take;
            len -= take;
        }
    }
}

