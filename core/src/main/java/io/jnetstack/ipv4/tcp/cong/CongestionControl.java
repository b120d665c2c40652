package io.jnetstack.ipv4.tcp.cong;

/**
 * A congestion control algorithm as one connection runs it: an instance per connection holds
 * that connection's private state (Linux's {@code icsk_ca_priv}). Mirrors
 * {@code struct tcp_congestion_ops}; the TCP engine calls it where Linux calls the ops:
 * {@link #congAvoid} from {@code tcp_cong_control()} on an ACK that advances the window,
 * {@link #ssthresh} when a reduction starts ({@code tcp_init_cwnd_reduction()},
 * {@code tcp_enter_loss()}), {@link #undoCwnd} when a reduction proves spurious,
 * {@link #setState} from {@code tcp_set_ca_state()}, {@link #cwndEvent} from
 * {@code tcp_ca_event()} and {@link #pktsAcked} from {@code tcp_clean_rtx_queue()}.
 */
public interface CongestionControl {
    /** The name {@code TCP_CONGESTION} and {@code net.ipv4.tcp_congestion_control} use. */
    String name();

    /** The connection starts using it ({@code .init}). */
    default void init(CongestionState sk) {
    }

    /** The slow-start threshold after a loss or an ECN signal ({@code .ssthresh}). */
    int ssthresh(CongestionState sk);

    /**
     * An ACK advanced the window: grow it ({@code .cong_avoid}).
     *
     * @param ack   the ACK's sequence number
     * @param acked segments newly delivered by this ACK
     */
    void congAvoid(CongestionState sk, int ack, int acked);

    /** The congestion state changes to {@code newState} (a {@code CA_*} constant; {@code .set_state}). */
    default void setState(CongestionState sk, int newState) {
    }

    /** {@code .cwnd_event}. */
    default void cwndEvent(CongestionState sk, CaEvent event) {
    }

    /**
     * ACKed segments with their RTT sample ({@code .pkts_acked}).
     *
     * @param rttUs the RTT of this ACK in microseconds, negative when there is no sample
     */
    default void pktsAcked(CongestionState sk, int acked, long rttUs) {
    }

    /** The window to return to when the last reduction was spurious ({@code .undo_cwnd}). */
    int undoCwnd(CongestionState sk);
}
