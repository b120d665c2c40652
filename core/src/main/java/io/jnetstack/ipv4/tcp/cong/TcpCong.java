package io.jnetstack.ipv4.tcp.cong;

/**
 * The window arithmetic every algorithm shares, as {@code tcp_cong.c} exports it: slow start,
 * additive increase and the Reno undo. Pure functions of the connection's state.
 */
public final class TcpCong {
    private TcpCong() {
    }

    /** Whether the connection is in slow start. Mirrors {@code tcp_in_slow_start()}. */
    public static boolean inSlowStart(CongestionState sk) {
        return sk.cwnd() < sk.ssthresh();
    }

    /**
     * Slow start: the window grows by one segment per segment ACKed, up to {@code ssthresh}
     * and never past the clamp (RFC 5681 §3.1, without RFC 3465's limit L, as Linux).
     * Mirrors {@code tcp_slow_start()}.
     *
     * @return the ACKed segments left over once the window reached {@code ssthresh}, which the
     *         caller spends on congestion avoidance
     */
    public static int slowStart(CongestionState sk, int acked) {
        int cwnd = sk.cwnd();
        long grown = Math.min((long) cwnd + acked, sk.ssthresh());
        int left = (int) (acked - (grown - cwnd));
        sk.cwnd((int) Math.min(grown, sk.cwndClamp()));
        return left;
    }

    /**
     * Additive increase: one segment per {@code w} segments ACKed, counted in
     * {@code snd_cwnd_cnt} (RFC 5681 §3.1 with {@code w = cwnd} for Reno). Credit counted at a
     * larger {@code w} is spent first, one segment at a time. Mirrors {@code tcp_cong_avoid_ai()}.
     */
    public static void congAvoidAi(CongestionState sk, int w, int acked) {
        if (w <= 0) {
            w = 1;
        }
        int cnt = sk.cwndCnt();
        if (cnt >= w) {
            cnt = 0;
            sk.cwnd(sk.cwnd() + 1);
        }
        cnt += acked;
        if (cnt >= w) {
            int delta = cnt / w;
            cnt -= delta * w;
            sk.cwnd(sk.cwnd() + delta);
        }
        sk.cwndCnt(cnt);
        sk.cwnd(Math.min(sk.cwnd(), sk.cwndClamp()));
    }

    /**
     * The window to return to after a spurious reduction: the larger of now and before.
     * Mirrors {@code tcp_reno_undo_cwnd()}.
     */
    public static int renoUndoCwnd(CongestionState sk) {
        return Math.max(sk.cwnd(), sk.priorCwnd());
    }
}
