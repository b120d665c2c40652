package io.jnetstack.ipv4.tcp.cong;

/**
 * What a congestion control reads and writes of its connection: the {@code tcp_sock} fields
 * that Linux's {@code struct tcp_congestion_ops} callbacks touch. Windows are in segments, as
 * Linux counts them; times in microseconds of the stack's clock ({@code tcp_clock_us()}).
 */
public interface CongestionState {
    /** {@code TCP_CA_Open}: no loss, no reordering seen. */
    int CA_OPEN = 0;
    /** {@code TCP_CA_Disorder}: SACKs or duplicate ACKs, no loss decided yet. */
    int CA_DISORDER = 1;
    /** {@code TCP_CA_CWR}: the window is being reduced after ECN or a local drop. */
    int CA_CWR = 2;
    /** {@code TCP_CA_Recovery}: fast recovery. */
    int CA_RECOVERY = 3;
    /** {@code TCP_CA_Loss}: after a retransmission timeout. */
    int CA_LOSS = 4;

    /** {@code snd_cwnd}, in segments. */
    int cwnd();

    void cwnd(int segments);

    /** {@code snd_ssthresh}; {@link Integer#MAX_VALUE} until the first reduction. */
    int ssthresh();

    void ssthresh(int segments);

    /** {@code snd_cwnd_cnt}: ACKed segments counted towards the next increase. */
    int cwndCnt();

    void cwndCnt(int count);

    /** {@code snd_cwnd_clamp}: the window never grows past this. */
    int cwndClamp();

    /** {@code tcp_is_cwnd_limited()}: whether the window, not the application, limited sending. */
    boolean isCwndLimited();

    /** {@code tcp_packets_in_flight()}. */
    int packetsInFlight();

    /** {@code mss_cache}: the current sending MSS in bytes. */
    int mss();

    /** The smoothed RTT in microseconds (not scaled), 0 before the first sample. */
    long srttUs();

    /** The windowed minimum RTT in microseconds ({@code tcp_min_rtt()}), 0 before a sample. */
    long minRttUs();

    /** The stack's clock in microseconds ({@code tcp_clock_us()}). */
    long nowUs();

    /** {@code snd_nxt}: HyStart marks the end of a round with it. */
    int sndNxt();

    /** {@code snd_una}. */
    int sndUna();

    /** {@code icsk_ca_state}: one of the {@code CA_*} constants. */
    int caState();

    /** {@code prior_cwnd}: the window before the last reduction, for undo. */
    int priorCwnd();

    /**
     * {@code lsndtime}: when data was last sent, on the clock of {@link #nowUs()}. The engine
     * raises {@link CaEvent#TX_START} before it records the new send time (as
     * {@code tcp_event_data_sent()} does), so during that event this is the time the connection
     * went idle; CUBIC shifts its epoch by the idle time.
     */
    long lastSendUs();

    /** {@code sk_pacing_rate}: bytes per second, unsigned ({@code ~0}, that is -1, for none). */
    default long pacingRate() {
        return -1;
    }

    /** {@code sk_pacing_status}: 0 nobody paces, 1 TCP itself, 2 sch_fq. */
    default int pacingStatus() {
        return 0;
    }

    /** {@code sk_gso_max_size}: the largest packet TCP may hand the route's device, 0 without GSO. */
    default long gsoMaxSize() {
        return 0;
    }
}
