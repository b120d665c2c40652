package io.jnetstack.ipv4.tcp;

/**
 * Receive-buffer autotuning (Dynamic Right-Sizing, as Linux's {@code tcp_rcv_space_adjust()}):
 * the receiver estimates the RTT from its own side, counts what the application read during
 * each RTT and, when that grows, raises {@code sk_rcvbuf} (and the window clamp with it) so the
 * offered window covers twice the data of the last RTT plus the growth the sender's slow start
 * may bring, up to {@code tcp_rmem[2]}. Off with {@code net.ipv4.tcp_moderate_rcvbuf=0} or once
 * the application set SO_RCVBUF. RFC 7323 §2 window scaling lets the window say it.
 */
final class TcpRcvSpace {
    // Made by TcpSock#rcvSpace() at the first data received: an idle connection has none.
    /** The receiver's RTT estimate ×8 in µs ({@code rcv_rtt_est.rtt_us}). */
    private long rttUs8;
    /** The window-based sample: the sequence to reach and when it started ({@code rcv_rtt_est}). */
    private int rttSeq;
    private long rttTime;
    /** The last echoed timestamp measured ({@code rcv_rtt_last_tsecr}). */
    private int rttLastTsecr;
    /** What the application read in the last RTT, from where, since when ({@code rcvq_space}). */
    private int space;
    private int seq;
    private long time;

    /**
     * The receiver's RTT from the timestamp a full-sized segment echoes. Mirrors
     * {@code tcp_rcv_rtt_measure_ts()}: once per echoed value; a delta of 0 ms counts as 1 ms
     * ({@code tcp_rtt_tsopt_us()} with its minimum).
     */
    static void measureTs(TcpSock sk, int tsEcr, int len) {
        TcpRcvSpace r = sk.rcvSpace();
        if (tsEcr == r.rttLastTsecr) {
            return;
        }
        r.rttLastTsecr = tsEcr;
        if (len < sk.rcvMss) {
            return;
        }
        int deltaMs = sk.tcp.tsNow() + sk.tsOffset - tsEcr;
        if (deltaMs < 0 || deltaMs > Integer.MAX_VALUE / 1000) {
            return;
        }
        r.update(sk, Math.max(deltaMs, 1) * 1000L, false);
    }

    /**
     * The receiver's RTT without timestamps: the time for {@code rcv_nxt} to move a window
     * forward. Mirrors {@code tcp_rcv_rtt_measure()}; only ever lowers the estimate.
     */
    static void measure(TcpSock sk) {
        TcpRcvSpace r = sk.rcvSpace();
        long now = sk.now() / 1000;
        if (r.rttTime != 0) {
            if (sk.rcvNxt - r.rttSeq < 0) {
                return;
            }
            r.update(sk, Math.max(now - r.rttTime, 1), true);
        }
        r.rttSeq = sk.rcvNxt + sk.rcvWnd;
        r.rttTime = Math.max(now, 1);
    }

    /** Mirrors {@code tcp_rcv_rtt_update()}: the estimate, eight times the RTT in µs. */
    private void update(TcpSock sk, long sampleUs, boolean windowBased) {
        long m = sampleUs << 3;
        long old = rttUs8;
        if (old == 0 || m < old) {
            rttUs8 = m;
            return;
        }
        if (windowBased || sk.rcvNxt != sk.copiedSeq) {
            // Window-sized samples overestimate; and a sample taken while data waits unread
            // measures the application, not the path.
            return;
        }
        rttUs8 = old - (old >> 3) + sampleUs;
    }

    /**
     * After a read: once per receiver RTT, when the application read more than during the
     * previous one, grow the receive buffer. Mirrors {@code tcp_rcv_space_adjust()}.
     */
    static void adjust(TcpSock sk) {
        TcpRcvSpace r = sk.rcvSpace();
        long now = sk.now() / 1000;
        if (r.time == 0) {
            // tcp_init_buffer_space(): the first measure starts at the initial window.
            r.space = Math.min(sk.rcvWnd, TcpTimers.INIT_CWND * Math.max(sk.advmss, 536));
            r.seq = sk.copiedSeq;
            r.time = Math.max(now, 1);
            return;
        }
        long rttUs = r.rttUs8 >> 3;
        if (r.rttUs8 == 0 || now - r.time < rttUs) {
            return;
        }
        int copied = sk.copiedSeq - r.seq;
        if (copied > r.space) {
            if (sk.tcp.sysctl.moderateRcvbuf.get() != 0 && !sk.rcvbufLocked()) {
                int advmss = Math.max(sk.advmss, 536);
                long rcvwin = 2L * copied + 16L * advmss;
                long grow = rcvwin * (copied - r.space) / Math.max(r.space, 1);
                rcvwin += grow << 1;
                long space = rcvwin * 256 / Math.max(sk.scalingRatio, 1);   // tcp_space_from_win()
                int rcvbuf = (int) Math.min(space, sk.tcp.sysctl.rmem.get(2));
                if (rcvbuf > sk.rcvbuf()) {
                    sk.setRcvbufAuto(rcvbuf);
                    sk.windowClamp = Math.max(sk.windowClamp, sk.winFromSpace(rcvbuf));
                }
            }
            r.space = copied;
        }
        r.seq = sk.copiedSeq;
        r.time = now;
    }
}
