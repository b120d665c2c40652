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
    private TcpRcvSpace() {
    }

    /**
     * The receiver's RTT from the timestamp a full-sized segment echoes. Mirrors
     * {@code tcp_rcv_rtt_measure_ts()}: once per echoed value; a delta of 0 ms counts as 1 ms
     * ({@code tcp_rtt_tsopt_us()} with its minimum).
     */
    static void measureTs(TcpSock sk, int tsEcr, int len) {
        if (tsEcr == sk.rcvRttLastTsecr) {
            return;
        }
        sk.rcvRttLastTsecr = tsEcr;
        if (len < sk.rcvMss) {
            return;
        }
        int deltaMs = sk.tcp.tsNow() + sk.tsOffset - tsEcr;
        if (deltaMs < 0 || deltaMs > Integer.MAX_VALUE / 1000) {
            return;
        }
        update(sk, Math.max(deltaMs, 1) * 1000L, false);
    }

    /**
     * The receiver's RTT without timestamps: the time for {@code rcv_nxt} to move a window
     * forward. Mirrors {@code tcp_rcv_rtt_measure()}; only ever lowers the estimate.
     */
    static void measure(TcpSock sk) {
        long now = sk.now() / 1000;
        if (sk.rcvRttTime != 0) {
            if (sk.rcvNxt - sk.rcvRttSeq < 0) {
                return;
            }
            update(sk, Math.max(now - sk.rcvRttTime, 1), true);
        }
        sk.rcvRttSeq = sk.rcvNxt + sk.rcvWnd;
        sk.rcvRttTime = Math.max(now, 1);
    }

    /** Mirrors {@code tcp_rcv_rtt_update()}: the estimate, eight times the RTT in µs. */
    private static void update(TcpSock sk, long sampleUs, boolean windowBased) {
        long m = sampleUs << 3;
        long old = sk.rcvRttUs8;
        if (old == 0 || m < old) {
            sk.rcvRttUs8 = m;
            return;
        }
        if (windowBased || sk.rcvNxt != sk.copiedSeq) {
            // Window-sized samples overestimate; and a sample taken while data waits unread
            // measures the application, not the path.
            return;
        }
        sk.rcvRttUs8 = old - (old >> 3) + sampleUs;
    }

    /**
     * After a read: once per receiver RTT, when the application read more than during the
     * previous one, grow the receive buffer. Mirrors {@code tcp_rcv_space_adjust()}.
     */
    static void adjust(TcpSock sk) {
        long now = sk.now() / 1000;
        if (sk.rcvqTime == 0) {
            // tcp_init_buffer_space(): the first measure starts at the initial window.
            sk.rcvqSpace = Math.min(sk.rcvWnd, TcpTimers.INIT_CWND * Math.max(sk.advmss, 536));
            sk.rcvqSeq = sk.copiedSeq;
            sk.rcvqTime = Math.max(now, 1);
            return;
        }
        long rttUs = sk.rcvRttUs8 >> 3;
        if (sk.rcvRttUs8 == 0 || now - sk.rcvqTime < rttUs) {
            return;
        }
        int copied = sk.copiedSeq - sk.rcvqSeq;
        if (copied > sk.rcvqSpace) {
            if (sk.tcp.sysctl.moderateRcvbuf.get() != 0 && !sk.rcvbufLocked()) {
                int advmss = Math.max(sk.advmss, 536);
                long rcvwin = 2L * copied + 16L * advmss;
                long grow = rcvwin * (copied - sk.rcvqSpace) / Math.max(sk.rcvqSpace, 1);
                rcvwin += grow << 1;
                long space = rcvwin * 256 / Math.max(sk.scalingRatio, 1);   // tcp_space_from_win()
                int rcvbuf = (int) Math.min(space, sk.tcp.sysctl.rmem.get(2));
                if (rcvbuf > sk.rcvbuf()) {
                    sk.setRcvbufAuto(rcvbuf);
                    sk.windowClamp = Math.max(sk.windowClamp, sk.winFromSpace(rcvbuf));
                }
            }
            sk.rcvqSpace = copied;
        }
        sk.rcvqSeq = sk.copiedSeq;
        sk.rcvqTime = now;
    }
}
