package io.jnetstack.ipv4.tcp.cong;

/**
 * CUBIC's tunables, with the defaults of Linux's {@code tcp_cubic} module parameters
 * ({@code /sys/module/tcp_cubic/parameters/*}). Linux keeps them global; here a registry holds
 * one set for the {@code Net} it belongs to, and every connection it creates reads it.
 *
 * @param fastConvergence   {@code fast_convergence}: lower W_max when a loss comes before the
 *                          window regained the last W_max (RFC 9438 §4.7)
 * @param beta              {@code beta}: the multiplicative decrease in 1/1024ths (717, i.e.
 *                          beta_cubic = 0.7, RFC 9438 §4.6)
 * @param initialSsthresh   {@code initial_ssthresh}: the first ssthresh when HyStart is off
 *                          (0: leave it unlimited)
 * @param bicScale          {@code bic_scale}: C = bicScale * 10 / 1024 (41 gives 0.4004,
 *                          RFC 9438 §5's C = 0.4)
 * @param tcpFriendliness   {@code tcp_friendliness}: the Reno-friendly region (RFC 9438 §4.3)
 * @param hystart           {@code hystart}: HyStart ends slow start
 * @param hystartDetect     {@code hystart_detect}: a bit set of {@link #HYSTART_ACK_TRAIN} and
 *                          {@link #HYSTART_DELAY}
 * @param hystartLowWindow  {@code hystart_low_window}: HyStart looks only at windows of at
 *                          least this many segments
 * @param hystartAckDeltaUs {@code hystart_ack_delta_us}: ACKs at most this far apart form a train
 */
public record CubicParams(boolean fastConvergence, int beta, int initialSsthresh, int bicScale,
                          boolean tcpFriendliness, boolean hystart, int hystartDetect,
                          int hystartLowWindow, int hystartAckDeltaUs) {
    /** {@code HYSTART_ACK_TRAIN}: detect the end of slow start by the length of the ACK train. */
    public static final int HYSTART_ACK_TRAIN = 0x1;
    /** {@code HYSTART_DELAY}: detect it by the rise of the round's minimum RTT. */
    public static final int HYSTART_DELAY = 0x2;
    /** Linux's defaults. */
    public static final CubicParams DEFAULTS =
            new CubicParams(true, 717, 0, 41, true, true, HYSTART_ACK_TRAIN | HYSTART_DELAY, 16, 2000);

    public CubicParams {
        if (beta <= 0 || beta >= Cubic.BETA_SCALE) {
            throw new IllegalArgumentException("beta must be in 1..1023 (1/1024ths): " + beta);
        }
        if (bicScale <= 0 || bicScale > 1000) {
            throw new IllegalArgumentException("bic_scale must be in 1..1000: " + bicScale);
        }
        if (initialSsthresh < 0 || hystartLowWindow < 0 || hystartAckDeltaUs < 0) {
            throw new IllegalArgumentException("initial_ssthresh, hystart_low_window and hystart_ack_delta_us must not be negative");
        }
        if ((hystartDetect & ~(HYSTART_ACK_TRAIN | HYSTART_DELAY)) != 0) {
            throw new IllegalArgumentException("hystart_detect is a set of 1 (ACK train) and 2 (delay): " + hystartDetect);
        }
    }

    /** These parameters with HyStart on or off. */
    public CubicParams withHystart(boolean on) {
        return new CubicParams(fastConvergence, beta, initialSsthresh, bicScale, tcpFriendliness, on,
                hystartDetect, hystartLowWindow, hystartAckDeltaUs);
    }

    /** These parameters with another {@code hystart_detect}. */
    public CubicParams withHystartDetect(int detect) {
        return new CubicParams(fastConvergence, beta, initialSsthresh, bicScale, tcpFriendliness, hystart,
                detect, hystartLowWindow, hystartAckDeltaUs);
    }

    /** These parameters with fast convergence on or off. */
    public CubicParams withFastConvergence(boolean on) {
        return new CubicParams(on, beta, initialSsthresh, bicScale, tcpFriendliness, hystart,
                hystartDetect, hystartLowWindow, hystartAckDeltaUs);
    }

    /** These parameters with the Reno-friendly region on or off. */
    public CubicParams withTcpFriendliness(boolean on) {
        return new CubicParams(fastConvergence, beta, initialSsthresh, bicScale, on, hystart,
                hystartDetect, hystartLowWindow, hystartAckDeltaUs);
    }

    /** {@code cube_rtt_scale}: C in 1/1024ths (bic_scale is C scaled by 1024 and divided by 10). */
    int cubeRttScale() {
        return bicScale * 10;
    }

    /**
     * {@code cube_factor}: 2^40 / cube_rtt_scale, so that the cube root of
     * {@code cube_factor * (W_max - cwnd)} is K in 1/1024 s (RFC 9438 Figure 2).
     */
    long cubeFactor() {
        return (1L << (10 + 3 * Cubic.BICTCP_HZ)) / cubeRttScale();
    }

    /**
     * {@code beta_scale}: 8 / alpha_cubic with alpha_cubic = 3(1 - beta)/(1 + beta) (RFC 9438
     * §4.3), in the integer form Linux computes: 15 for beta 717, so the Reno estimate grows one
     * segment per 15/8 windows of ACKs (alpha 0.533 against the RFC's 0.529).
     */
    int renoScale() {
        return 8 * (Cubic.BETA_SCALE + beta) / 3 / (Cubic.BETA_SCALE - beta);
    }
}
