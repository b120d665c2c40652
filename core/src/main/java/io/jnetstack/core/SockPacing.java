package io.jnetstack.core;

/**
 * The pacing fields of the socket a packet belongs to ({@link SkBuff#sk}), as a packet scheduler
 * reads and sets them. Mirrors {@code sk_pacing_status}, {@code sk_pacing_rate} and
 * {@code sk_max_pacing_rate} of {@code struct sock}: the transport sets the rate (TCP from cwnd
 * and RTT, {@code tcp_update_pacing_rate()}), SO_MAX_PACING_RATE caps it, and sch_fq, seeing
 * a socket's packets, takes the pacing over ({@link #PACING_FQ}).
 *
 * <p>Rates are bytes per second, unsigned; {@link #UNLIMITED} ({@code ~0UL}) is no limit.
 */
public interface SockPacing {
    /** {@code SK_PACING_NONE}: nobody paces the socket's packets. */
    int PACING_NONE = 0;
    /** {@code SK_PACING_NEEDED}: the transport paces them itself (SO_MAX_PACING_RATE was set). */
    int PACING_NEEDED = 1;
    /** {@code SK_PACING_FQ}: sch_fq paces them, from the departure times the transport stamps. */
    int PACING_FQ = 2;
    /** {@code ~0UL}: no rate limit. */
    long UNLIMITED = -1L;

    /** {@code sk_pacing_rate}, bytes per second (unsigned), {@link #UNLIMITED} for none. */
    long pacingRate();

    /** {@code sk_max_pacing_rate}, bytes per second (unsigned), {@link #UNLIMITED} for none. */
    long maxPacingRate();

    /** {@code sk_pacing_status}: {@link #PACING_NONE}, {@link #PACING_NEEDED} or {@link #PACING_FQ}. */
    int pacingStatus();

    /** A packet scheduler takes the pacing over: {@code sk_pacing_status = SK_PACING_FQ}. */
    void pacingByFq();

    /**
     * Whether sch_fq classifies this socket's packets by their flow hash rather than by the
     * socket: a listener or a socket without a peer ({@code sk_listener_or_tw()},
     * {@code sk_state == TCP_CLOSE}), which may send to many destinations.
     */
    boolean pacingHashed();

    /** Whether the socket is TCP ({@code sk_is_tcp()}): it stamps departure times itself. */
    boolean pacingIsTcp();
}
