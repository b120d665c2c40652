package io.jnetstack.ipv4.tcp.cong;

/**
 * TCP Reno: slow start and congestion avoidance (RFC 5681 §3.1), halving on loss. Mirrors
 * {@code tcp_reno_cong_avoid()}, {@code tcp_reno_ssthresh()} and {@code tcp_reno_undo_cwnd()}
 * with {@code tcp_slow_start()} and {@code tcp_cong_avoid_ai()}. Keeps no state of its own.
 */
public final class Reno implements CongestionControl {
    /** The name Linux gives it. */
    public static final String NAME = "reno";

    @Override
    public String name() {
        return NAME;
    }

    /** RFC 5681 (4): ssthresh = max(FlightSize / 2, 2 SMSS), from the window as Linux does. */
    @Override
    public int ssthresh(CongestionState sk) {
        return Math.max(sk.cwnd() >> 1, 2);
    }

    /**
     * Grows the window only when it was the limit ({@code tcp_is_cwnd_limited()}): by the
     * segments ACKed while below ssthresh (slow start, capped at ssthresh), then one segment per
     * window's worth of ACKed segments (congestion avoidance).
     */
    @Override
    public void congAvoid(CongestionState sk, int ack, int acked) {
        if (!sk.isCwndLimited()) {
            return;
        }
        if (sk.cwnd() < sk.ssthresh()) {
            acked = slowStart(sk, acked);
            if (acked == 0) {
                return;
            }
        }
        congAvoidAi(sk, sk.cwnd(), acked);
    }

    /**
     * Mirrors {@code tcp_slow_start()}: cwnd grows by {@code acked} up to ssthresh.
     *
     * @return what is left of {@code acked} for congestion avoidance
     */
    public static int slowStart(CongestionState sk, int acked) {
        int cwnd = (int) Math.min((long) sk.cwnd() + acked, sk.ssthresh());
        acked -= cwnd - sk.cwnd();
        sk.cwnd(Math.min(cwnd, sk.cwndClamp()));
        return acked;
    }

    /** Mirrors {@code tcp_cong_avoid_ai()}: one more segment per {@code w} ACKed segments. */
    public static void congAvoidAi(CongestionState sk, int w, int acked) {
        if (sk.cwndCnt() >= w) {
            sk.cwndCnt(0);
            sk.cwnd(sk.cwnd() + 1);
        }
        sk.cwndCnt(sk.cwndCnt() + acked);
        if (sk.cwndCnt() >= w) {
            int delta = sk.cwndCnt() / w;
            sk.cwndCnt(sk.cwndCnt() - delta * w);
            sk.cwnd(sk.cwnd() + delta);
        }
        sk.cwnd(Math.min(sk.cwnd(), sk.cwndClamp()));
    }

    /** Back to the window before the reduction: max(cwnd, prior_cwnd). */
    @Override
    public int undoCwnd(CongestionState sk) {
        return Math.max(sk.cwnd(), sk.priorCwnd());
    }
}
