package io.jnetstack.ipv4.tcp.cong;

/**
 * CUBIC (RFC 9438) with HyStart, as Linux's {@code tcp_cubic} runs it; one instance per
 * connection holds that connection's {@code struct bictcp}.
 *
 * <h2>The window</h2>
 * After a reduction the window follows W_cubic(t) = C*(t - K)^3 + W_max (RFC 9438 §4.2), t
 * counted from the first ACK of the epoch plus the minimum RTT (so the target is the window one
 * RTT ahead), K = cbrt((W_max - cwnd)/C). On each ACK the distance to the target sets
 * {@code cnt}, the segments to ACK per segment of growth, which {@link TcpCong#congAvoidAi}
 * spends. The arithmetic is Linux's integer arithmetic:
 * <ul>
 *   <li>time is counted in jiffies of 1 ms (Linux with {@code HZ=1000}): {@code nowUs / 1000},
 *       and the minimum RTT is rounded up to whole jiffies ({@code usecs_to_jiffies()});</li>
 *   <li>t and K are in 1/1024 s ({@code BICTCP_HZ}); t is truncated when converted;</li>
 *   <li>C is {@code bic_scale * 10 / 1024} = 410/1024 = 0.400390625 with the default 41, and
 *       {@code C*(t-K)^3} is truncated to whole segments ({@code >> 40});</li>
 *   <li>K is the exact floor of the cube root of {@code 2^40/410 * (W_max - cwnd)}, where Linux
 *       uses a table and one Newton step (about 0.2% error): K here can differ from Linux's by
 *       that much, never from the real cube root by more than 1/1024 s;</li>
 *   <li>{@code cnt = cwnd / (target - cwnd)} truncated, at least 2 (at most 1.5x per RTT, RFC 9438
 *       §4.2's upper bound), {@code 100 * cwnd} when the target is not above the window, at most
 *       20 before the first loss ({@code last_max_cwnd == 0}), recomputed at most once per jiffy
 *       and, while the window does not change, at most every {@code HZ/32} jiffies.</li>
 * </ul>
 * Where Linux's 64-bit product would wrap (|t - K| past about 350 s) the cubic term here
 * saturates from 256 s on instead, which leaves {@code cnt} at its floor of 2 (or at
 * {@code 100 * cwnd} below the origin).
 *
 * <h2>The Reno-friendly region</h2>
 * RFC 9438 §4.3: an estimate of Reno's window grows by one segment per {@code cwnd * 15/8}
 * segments ACKed (alpha_cubic = 8/15 = 0.533 in Linux's integers; the RFC's 0.529), and when it
 * is above the window, {@code cnt} is capped so the window reaches it within an RTT. Unlike
 * RFC 9438, alpha never becomes 1 once the estimate passes the previous maximum (Linux does not).
 *
 * <h2>HyStart</h2>
 * In slow start above {@code hystart_low_window} segments, each RTT sample is looked at per
 * round (a round ends when {@code snd_una} passes the {@code snd_nxt} recorded at its start):
 * <ul>
 *   <li>ACK train: while ACKs keep arriving at most {@code hystart_ack_delta_us} apart, the
 *       train is long enough when it has lasted more than half the minimum RTT;</li>
 *   <li>delay: after the round's first 8 samples, the round's minimum RTT (over all its samples
 *       so far) is above the connection's minimum by more than min_rtt/8 clamped to 4..16 ms.</li>
 * </ul>
 * Either sets {@code ssthresh = cwnd}, tells the {@link HystartListener}, and HyStart is done
 * until a retransmission timeout resets the state. The ACK-train threshold has a cushion
 * derived from the pacing rate ({@code hystart_ack_delay()}, at most 1 ms) and is not halved
 * when the connection is paced.
 */
public final class Cubic implements CongestionControl {
    /** The algorithm's name. */
    public static final String NAME = "cubic";
    /** {@code BICTCP_BETA_SCALE}: beta counts in 1/1024ths. */
    static final int BETA_SCALE = 1024;
    /** {@code BICTCP_HZ}: the curve's time counts in 2^-10 s. */
    static final int BICTCP_HZ = 10;
    /** Jiffies per second: the clock the curve reads counts milliseconds. */
    static final int HZ = 1000;
    /** {@code HYSTART_MIN_SAMPLES}: RTT samples of a round before the delay test applies. */
    static final int HYSTART_MIN_SAMPLES = 8;
    /** {@code HYSTART_DELAY_MIN}: the smallest delay threshold. */
    static final long HYSTART_DELAY_MIN_US = 4000;
    /** {@code HYSTART_DELAY_MAX}: the largest delay threshold. */
    static final long HYSTART_DELAY_MAX_US = 16000;
    /** Beyond this {@code |t - K|} (2^18 / 1024 s = 256 s) the cubic term would overflow 63 bits. */
    private static final long MAX_OFFS = 1L << 18;
    /** {@code epoch_start} while no epoch runs (Linux uses 0, a time jiffies can take here). */
    private static final long NO_EPOCH = Long.MIN_VALUE;
    /** The cube root of {@link Long#MAX_VALUE}, rounded down. */
    private static final long MAX_CBRT = (1L << 21) - 1;

    private final CubicParams params;
    private final HystartListener hystartListener;
    // cube_factor, cube_rtt_scale and beta_scale are derived from the parameters when used (one
    // set per namespace, kept nowhere per connection: every connection carries this object).

    /** {@code cnt}: segments ACKed per segment of growth. */
    private int cnt;
    /** {@code last_max_cwnd}: W_max. */
    private int lastMaxCwnd;
    /** {@code last_cwnd}: the window {@code cnt} was last computed for. */
    private int lastCwnd;
    /** {@code last_time}: the jiffy {@code cnt} was last computed in. */
    private long lastTime;
    /** {@code bic_origin_point}: the window at the curve's plateau. */
    private int originPoint;
    /** {@code bic_K}: K in 1/1024 s. */
    private long bicK;
    /** {@code delay_min}: the smallest RTT seen, microseconds (0: none yet). */
    private long delayMinUs;
    /** {@code epoch_start}: the jiffy the current epoch began, or {@link #NO_EPOCH}. */
    private long epochStart = NO_EPOCH;
    /** {@code ack_cnt}: segments ACKed towards the Reno estimate's next increase. */
    private int ackCnt;
    /** {@code tcp_cwnd}: the Reno estimate W_est. */
    private int tcpCwnd;
    /** {@code sample_cnt}: RTT samples in this HyStart round. */
    private int sampleCnt;
    /** {@code found}: HyStart has ended slow start. */
    private boolean found;
    /** {@code round_start}: when this HyStart round began, microseconds. */
    private long roundStartUs;
    /** {@code end_seq}: the round ends when {@code snd_una} passes it. */
    private int endSeq;
    /** {@code last_ack}: the last ACK of the current train, microseconds. */
    private long lastAckUs;
    /** {@code curr_rtt}: this round's minimum RTT, microseconds. */
    private long currRttUs;

    /** CUBIC with Linux's default parameters, counting nothing. */
    public Cubic() {
        this(CubicParams.DEFAULTS, HystartListener.NONE);
    }

    public Cubic(CubicParams params, HystartListener hystartListener) {
        this.params = params;
        this.hystartListener = hystartListener;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Mirrors {@code cubictcp_init()}. */
    @Override
    public void init(CongestionState sk) {
        reset();
        if (params.hystart()) {
            hystartReset(sk);
        } else if (params.initialSsthresh() != 0) {
            sk.ssthresh(params.initialSsthresh());
        }
    }

    /**
     * Slow start below {@code ssthresh}, then the cubic curve; only when the window limited
     * the sender ({@code tcp_is_cwnd_limited()}). Mirrors {@code cubictcp_cong_avoid()}.
     */
    @Override
    public void congAvoid(CongestionState sk, int ack, int acked) {
        if (!sk.isCwndLimited()) {
            return;
        }
        if (TcpCong.inSlowStart(sk)) {
            acked = TcpCong.slowStart(sk, acked);
            if (acked == 0) {
                return;
            }
        }
        update(sk.cwnd(), acked, jiffies(sk.nowUs()));
        TcpCong.congAvoidAi(sk, cnt, acked);
    }

    /**
     * Ends the epoch, records W_max (lowered by fast convergence when the window had not
     * regained the last one, RFC 9438 §4.7) and returns {@code max(cwnd * beta, 2)} (§4.6).
     * Mirrors {@code cubictcp_recalc_ssthresh()}.
     */
    @Override
    public int ssthresh(CongestionState sk) {
        int cwnd = sk.cwnd();
        epochStart = NO_EPOCH;
        if (cwnd < lastMaxCwnd && params.fastConvergence()) {
            lastMaxCwnd = (int) ((long) cwnd * (BETA_SCALE + params.beta()) / (2 * BETA_SCALE));
        } else {
            lastMaxCwnd = cwnd;
        }
        return (int) Math.max((long) cwnd * params.beta() / BETA_SCALE, 2);
    }

    /**
     * A retransmission timeout forgets everything, HyStart included (RFC 9438 §4.8).
     * Mirrors {@code cubictcp_state()}.
     */
    @Override
    public void setState(CongestionState sk, int newState) {
        if (newState == CongestionState.CA_LOSS) {
            reset();
            hystartReset(sk);
        }
    }

    /**
     * On the first send after idle, the epoch moves forward by the idle time, so the window
     * resumes the curve where it left it rather than jumping to where the clock went; never
     * past now. Linux moves the epoch rather than ending it, so the window keeps its place on
     * the curve (W_max and K stay).
     * Mirrors {@code cubictcp_cwnd_event()}.
     */
    @Override
    public void cwndEvent(CongestionState sk, CaEvent event) {
        if (event != CaEvent.TX_START) {
            return;
        }
        long now = jiffies(sk.nowUs());
        long idle = now - jiffies(sk.lastSendUs());
        if (epochStart != NO_EPOCH && idle > 0) {
            epochStart = Math.min(epochStart + idle, now);
        }
    }

    /**
     * Records the minimum RTT and runs HyStart on the sample. Samples within a second of an
     * epoch's start are ignored (they would carry the recovery's queue). Mirrors
     * {@code cubictcp_acked()}.
     */
    @Override
    public void pktsAcked(CongestionState sk, int acked, long rttUs) {
        if (rttUs < 0) {
            return;
        }
        if (epochStart != NO_EPOCH && jiffies(sk.nowUs()) - epochStart < HZ) {
            return;
        }
        long delay = Math.max(rttUs, 1);
        if (delayMinUs == 0 || delayMinUs > delay) {
            delayMinUs = delay;
        }
        if (!found && TcpCong.inSlowStart(sk) && params.hystart()) {
            hystartUpdate(sk, delay);
        }
    }

    /** RFC 9438 §4.9: back to the window before the spurious reduction. Linux uses {@code tcp_reno_undo_cwnd()}. */
    @Override
    public int undoCwnd(CongestionState sk) {
        return TcpCong.renoUndoCwnd(sk);
    }

    /** Mirrors {@code bictcp_reset()}. */
    private void reset() {
        cnt = 0;
        lastMaxCwnd = 0;
        lastCwnd = 0;
        lastTime = 0;
        originPoint = 0;
        bicK = 0;
        delayMinUs = 0;
        epochStart = NO_EPOCH;
        ackCnt = 0;
        tcpCwnd = 0;
        sampleCnt = 0;
        found = false;
        roundStartUs = 0;
        endSeq = 0;
        lastAckUs = 0;
        currRttUs = 0;
    }

    /** Starts a HyStart round at this ACK. Mirrors {@code bictcp_hystart_reset()}. */
    private void hystartReset(CongestionState sk) {
        roundStartUs = sk.nowUs();
        lastAckUs = roundStartUs;
        endSeq = sk.sndNxt();
        currRttUs = Long.MAX_VALUE;
        sampleCnt = 0;
    }

    /**
     * Computes {@code cnt} for this ACK: the cubic target one RTT ahead, then the Reno-friendly
     * cap. Mirrors {@code bictcp_update()}.
     */
    private void update(int cwnd, int acked, long now) {
        ackCnt += acked;
        if (lastCwnd == cwnd && now - lastTime <= HZ / 32) {
            return;
        }
        if (epochStart == NO_EPOCH || now != lastTime) {
            lastCwnd = cwnd;
            lastTime = now;
            if (epochStart == NO_EPOCH) {
                startEpoch(cwnd, acked, now);
            }
            cnt = cubicCnt(cwnd, now);
        }
        if (params.tcpFriendliness()) {
            renoFriendly(cwnd);
        }
        cnt = Math.max(cnt, 2);
    }

    /** A new epoch: K and the origin from W_max (RFC 9438 §4.2 Figure 2), the Reno estimate from the window. */
    private void startEpoch(int cwnd, int acked, long now) {
        epochStart = now;
        ackCnt = acked;
        tcpCwnd = cwnd;
        if (lastMaxCwnd <= cwnd) {
            bicK = 0;
            originPoint = cwnd;
        } else {
            bicK = floorCbrt(params.cubeFactor() * (lastMaxCwnd - cwnd));
            originPoint = lastMaxCwnd;
        }
    }

    /** {@code cnt} from the curve (RFC 9438 §4.4 concave, §4.5 convex). */
    private int cubicCnt(int cwnd, long now) {
        long target = cubicTarget(now);
        long c;
        if (target > cwnd) {
            c = cwnd / (target - cwnd);
        } else {
            c = 100L * cwnd;
        }
        if (lastMaxCwnd == 0 && c > 20) {
            c = 20;
        }
        return (int) Math.min(c, Integer.MAX_VALUE);
    }

    /** W_cubic(t + RTT) in whole segments, t in 1/1024 s from the epoch's start. */
    long cubicTarget(long now) {
        long t = ((now - epochStart) + usecsToJiffies(delayMinUs)) * (1L << BICTCP_HZ) / HZ;
        long offs = Math.abs(t - bicK);
        long delta = offs >= MAX_OFFS ? Integer.MAX_VALUE
                : (params.cubeRttScale() * offs * offs * offs) >>> (10 + 3 * BICTCP_HZ);
        return t < bicK ? originPoint - delta : originPoint + delta;
    }

    /** RFC 9438 §4.3: grow W_est by the ACKs and let the window catch up with it within an RTT. */
    private void renoFriendly(int cwnd) {
        long per = ((long) cwnd * params.renoScale()) >> 3;
        if (per > 0 && Integer.toUnsignedLong(ackCnt) > per) {
            long steps = (Integer.toUnsignedLong(ackCnt) - 1) / per;
            ackCnt -= (int) (steps * per);
            tcpCwnd += (int) steps;
        }
        if (tcpCwnd > cwnd) {
            int maxCnt = cwnd / (tcpCwnd - cwnd);
            cnt = Math.min(cnt, maxCnt);
        }
    }

    /** One RTT sample in slow start. Mirrors {@code hystart_update()}. */
    private void hystartUpdate(CongestionState sk, long delay) {
        if (sk.sndUna() - endSeq > 0) {
            hystartReset(sk);
        }
        int cwnd = sk.cwnd();
        if (cwnd < params.hystartLowWindow()) {
            return;
        }
        if ((params.hystartDetect() & CubicParams.HYSTART_ACK_TRAIN) != 0) {
            long now = sk.nowUs();
            if (now - lastAckUs <= params.hystartAckDeltaUs()) {
                lastAckUs = now;
                // Unpaced, the train counts once it spans half the minimum RTT (plus the cushion);
                // paced, packets may have left up to RTT/2 late, so the whole of it.
                long threshold = delayMinUs + hystartAckDelay(sk);
                if (sk.pacingStatus() == 0) {
                    threshold >>= 1;
                }
                if (now - roundStartUs > threshold) {
                    exitSlowStart(sk, HystartListener.Exit.ACK_TRAIN);
                }
            }
        }
        if ((params.hystartDetect() & CubicParams.HYSTART_DELAY) != 0) {
            currRttUs = Math.min(currRttUs, delay);
            if (sampleCnt < HYSTART_MIN_SAMPLES) {
                sampleCnt++;
            } else if (currRttUs > delayMinUs + delayThreshold(delayMinUs >> 3)) {
                exitSlowStart(sk, HystartListener.Exit.DELAY);
            }
        }
    }

    /**
     * The ACK train's cushion for TSO and GRO batching: four GSO packets' time at the pacing rate,
     * at most 1 ms, none without a rate. Mirrors {@code hystart_ack_delay()}.
     */
    static long hystartAckDelay(CongestionState sk) {
        long rate = sk.pacingRate();
        if (rate == 0) {
            return 0;
        }
        long us = Long.divideUnsigned(sk.gsoMaxSize() * 4 * 1_000_000L, rate);
        return Long.compareUnsigned(us, 1000) < 0 ? us : 1000;
    }

    /** {@code HYSTART_DELAY_THRESH()}: min_rtt/8 clamped to 4..16 ms. */
    static long delayThreshold(long eighthOfMinRtt) {
        return Math.clamp(eighthOfMinRtt, HYSTART_DELAY_MIN_US, HYSTART_DELAY_MAX_US);
    }

    private void exitSlowStart(CongestionState sk, HystartListener.Exit how) {
        found = true;
        int cwnd = sk.cwnd();
        hystartListener.exited(how, cwnd);
        sk.ssthresh(cwnd);
    }

    /** The curve's clock: {@code tcp_jiffies32} at {@link #HZ}. */
    private static long jiffies(long us) {
        return Math.floorDiv(us, 1_000_000L / HZ);
    }

    /** {@code usecs_to_jiffies()}: rounded up. */
    private static long usecsToJiffies(long us) {
        long perJiffy = 1_000_000L / HZ;
        return (us + perJiffy - 1) / perJiffy;
    }

    /** The largest x with x^3 &lt;= a, for a &gt;= 0 (at most 2^21 - 1, whose cube still fits). */
    static long floorCbrt(long a) {
        long x = Math.min((long) Math.cbrt((double) a), MAX_CBRT);
        while (x > 0 && x * x * x > a) {
            x--;
        }
        while (x < MAX_CBRT && (x + 1) * (x + 1) * (x + 1) <= a) {
            x++;
        }
        return x;
    }

    /** {@code cnt}: the segments to ACK per segment of growth, as last computed. */
    int cnt() {
        return cnt;
    }

    /** W_max ({@code last_max_cwnd}). */
    int lastMaxCwnd() {
        return lastMaxCwnd;
    }

    /** K in 1/1024 s. */
    long bicK() {
        return bicK;
    }

    /** The plateau's window ({@code bic_origin_point}). */
    int originPoint() {
        return originPoint;
    }

    /** The Reno estimate W_est ({@code tcp_cwnd}). */
    int renoEstimate() {
        return tcpCwnd;
    }

    /** The smallest RTT sample seen, microseconds. */
    long delayMinUs() {
        return delayMinUs;
    }

    /** Whether an epoch runs. */
    boolean inEpoch() {
        return epochStart != NO_EPOCH;
    }

    /** The jiffy the epoch began. */
    long epochStartJiffies() {
        return epochStart;
    }

    /** Whether HyStart has ended slow start. */
    public boolean hystartFound() {
        return found;
    }
}
