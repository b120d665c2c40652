package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.SkBuff;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of a TCP socket's state, the value of {@code getsockopt(SOL_TCP, TCP_INFO)}.
 * Mirrors {@code tcp_get_info()} and {@code struct tcp_info}: the same fields in Linux's units
 * (times in microseconds, {@code last_*} in milliseconds, sizes in bytes, windows and counts in
 * segments where Linux counts segments), named in {@link #asMap()} as Linux names them
 * ({@code tcpi_snd_cwnd}).
 *
 * <p>Only what the stack keeps is reported. Fields of {@code struct tcp_info} it does not track
 * (receive-side RTT {@code tcpi_rcv_rtt} and
 * {@code tcpi_rcv_space} of autotuning, the chrono fields) are
 * left out of the map rather than given made-up values.
 *
 * @param state         {@code tcpi_state}: Linux's {@code TCP_*} number ({@link TcpState#linux()})
 * @param caState       {@code tcpi_ca_state}: 0 Open, 1 Disorder, 2 CWR, 3 Recovery, 4 Loss
 * @param retransmits   {@code tcpi_retransmits}: consecutive timeouts of the head segment
 * @param probes        {@code tcpi_probes}: unanswered zero-window or keepalive probes
 * @param backoff       {@code tcpi_backoff}: exponential backoff of the timer
 * @param options       {@code tcpi_options}: TCPI_OPT_TIMESTAMPS 1 | SACK 2 | WSCALE 4
 * @param sndWscale     {@code tcpi_snd_wscale} (0 without window scaling)
 * @param rcvWscale     {@code tcpi_rcv_wscale} (0 without window scaling)
 * @param rto           {@code tcpi_rto}: the retransmission timeout with backoff, µs
 * @param ato           {@code tcpi_ato}: the delayed-ACK timeout, µs
 * @param sndMss        {@code tcpi_snd_mss}: the current send MSS
 * @param rcvMss        {@code tcpi_rcv_mss}: the estimated peer MSS
 * @param unacked       {@code tcpi_unacked}: segments in flight (a listener: its accept queue)
 * @param sacked        {@code tcpi_sacked}: SACKed segments (without SACK, duplicate ACKs
 *                      counted as such); a listener: its backlog
 * @param lost          {@code tcpi_lost}: segments marked lost and not acknowledged
 * @param retrans       {@code tcpi_retrans}: retransmitted segments not yet acknowledged
 * @param lastDataSent  {@code tcpi_last_data_sent}: ms since data was last sent
 * @param lastDataRecv  {@code tcpi_last_data_recv}: ms since a segment was last received
 * @param lastAckRecv   {@code tcpi_last_ack_recv}: ms since a segment was last received
 * @param pmtu          {@code tcpi_pmtu}: the route's MTU
 * @param rcvSsthresh   {@code tcpi_rcv_ssthresh}: the receive window's current bound
 * @param rtt           {@code tcpi_rtt}: smoothed RTT, µs
 * @param rttvar        {@code tcpi_rttvar}: RTT variation, µs
 * @param sndSsthresh   {@code tcpi_snd_ssthresh}: 0x7fffffff until the first loss
 * @param sndCwnd       {@code tcpi_snd_cwnd}: congestion window, segments
 * @param advmss        {@code tcpi_advmss}: the MSS advertised
 * @param reordering    {@code tcpi_reordering}: the reordering degree seen, segments
 * @param totalRetrans  {@code tcpi_total_retrans}: retransmitted segments, all told
 * @param pacingRate    {@code tcpi_pacing_rate}: bytes per second (unsigned; ~0, that is -1, for none)
 * @param maxPacingRate {@code tcpi_max_pacing_rate}: SO_MAX_PACING_RATE (-1 for none)
 * @param bytesAcked    {@code tcpi_bytes_acked}
 * @param bytesReceived {@code tcpi_bytes_received}
 * @param segsOut       {@code tcpi_segs_out}: segments sent, retransmissions and pure ACKs included
 * @param segsIn        {@code tcpi_segs_in}: segments received
 * @param notsentBytes  {@code tcpi_notsent_bytes}: queued bytes not yet sent
 * @param dataSegsOut   {@code tcpi_data_segs_out}: segments sent with data, retransmissions included
 * @param delivered     {@code tcpi_delivered}: segments delivered (acknowledged), the SYN included
 * @param reordSeen     {@code tcpi_reord_seen}: reorderings detected
 * @param sndWnd        {@code tcpi_snd_wnd}: the peer's window, bytes
 * @param rcvWnd        {@code tcpi_rcv_wnd}: the window we offer, bytes
 * @param minRtt        {@code tcpi_min_rtt}: the windowed minimum RTT, µs (0 before a sample)
 */
public record TcpInfo(int state, int caState, int retransmits, int probes, int backoff, int options,
                      int sndWscale, int rcvWscale, long rto, long ato, int sndMss, int rcvMss, int unacked,
                      int sacked, int lost, int retrans, long lastDataSent, long lastDataRecv, long lastAckRecv, int pmtu,
                      int rcvSsthresh, long rtt, long rttvar, int sndSsthresh, int sndCwnd, int advmss,
                      int reordering, long totalRetrans, long pacingRate, long maxPacingRate, long bytesAcked, long bytesReceived, long segsOut,
                      long segsIn, long notsentBytes, long dataSegsOut, long delivered, long reordSeen, long sndWnd,
                      long rcvWnd, long minRtt) {

    /** {@code TCPI_OPT_TIMESTAMPS}. */
    public static final int OPT_TIMESTAMPS = 1;
    /** {@code TCPI_OPT_SACK}. */
    public static final int OPT_SACK = 2;
    /** {@code TCPI_OPT_WSCALE}. */
    public static final int OPT_WSCALE = 4;

    /** {@code TCP_CA_Open}. */
    public static final int CA_OPEN = 0;
    /** {@code TCP_CA_Disorder}: duplicate ACKs seen, not yet in recovery. */
    public static final int CA_DISORDER = 1;
    /** {@code TCP_CA_CWR}: the window is being reduced (ECN, a local drop, a repaired tail loss). */
    public static final int CA_CWR = 2;
    /** {@code TCP_CA_Recovery}: fast recovery. */
    public static final int CA_RECOVERY = 3;
    /** {@code TCP_CA_Loss}: recovery after a retransmission timeout. */
    public static final int CA_LOSS = 4;

    private static final long NANOS_PER_MS = 1_000_000L;

    /**
     * Takes the snapshot. Mirrors {@code tcp_get_info()}; the caller holds the socket.
     *
     * @param sk the socket
     * @return its TCP_INFO
     */
    static TcpInfo of(TcpSock sk) {
        long now = sk.now();
        boolean listen = sk.state == TcpState.LISTEN;
        int options = (sk.tsOk ? OPT_TIMESTAMPS : 0) | (sk.sackOk ? OPT_SACK : 0) | (sk.wscaleOk ? OPT_WSCALE : 0);
        long rtoNanos = Math.min(sk.rtoNanos << Math.min(sk.backoff, 20), TcpTimers.RTO_MAX);
        boolean synced = sk.state != TcpState.CLOSE && sk.state != TcpState.LISTEN && sk.state != TcpState.SYN_SENT
                && sk.state != TcpState.SYN_RECV;
        return new TcpInfo(sk.state.linux(), sk.caState, sk.retransmits, sk.probesOut, sk.backoff, options,
                sk.wscaleOk ? sk.sndWscale : 0, sk.wscaleOk ? sk.rcvWscale : 0, rtoNanos / 1000, 0,
                sk.mssCache, sk.rcvMss, listen ? sk.acceptQueue.size() : sk.packetsOut,
                listen ? sk.acceptQueue.maxBacklog : sk.sackedOut, listen ? 0 : sk.lostOut, listen ? 0 : sk.retransOut,
                sinceMs(now, sk.lastSendNanos), sinceMs(now, sk.lastRecvNanos), sinceMs(now, sk.lastRecvNanos),
                sk.rt == null ? 0 : sk.rt.mtu(), sk.rcvSsthresh, sk.srttUs >> 3, sk.rttvarUs >> 2, sk.ssthresh,
                sk.cwnd, sk.advmss, sk.reordering, Integer.toUnsignedLong(sk.totalRetrans), sk.pacingRate(),
                sk.maxPacingRate(), sk.bytesAcked, sk.bytesReceived, Integer.toUnsignedLong(sk.segsOut),
                Integer.toUnsignedLong(sk.segsIn), Math.max(0, sk.writeSeq - sk.sndNxt),
                Integer.toUnsignedLong(sk.dataSegsOut), sk.delivered + (synced ? 1 : 0),
                Integer.toUnsignedLong(sk.reordSeen), Integer.toUnsignedLong(sk.sndWnd),
                Integer.toUnsignedLong(sk.rcvWnd), sk.rack.minRttUs);
    }


    private static long sinceMs(long now, long then) {
        return then == 0 ? 0 : Math.max(0, now - then) / NANOS_PER_MS;
    }

    /**
     * The fields by their Linux names, in the order of {@code struct tcp_info}.
     *
     * @return {@code tcpi_state} to {@code tcpi_rcv_wnd}
     */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("tcpi_state", (long) state);
        m.put("tcpi_ca_state", (long) caState);
        m.put("tcpi_retransmits", (long) retransmits);
        m.put("tcpi_probes", (long) probes);
        m.put("tcpi_backoff", (long) backoff);
        m.put("tcpi_options", (long) options);
        m.put("tcpi_snd_wscale", (long) sndWscale);
        m.put("tcpi_rcv_wscale", (long) rcvWscale);
        m.put("tcpi_rto", rto);
        m.put("tcpi_ato", ato);
        m.put("tcpi_snd_mss", (long) sndMss);
        m.put("tcpi_rcv_mss", (long) rcvMss);
        m.put("tcpi_unacked", (long) unacked);
        m.put("tcpi_sacked", (long) sacked);
        m.put("tcpi_lost", (long) lost);
        m.put("tcpi_retrans", (long) retrans);
        m.put("tcpi_last_data_sent", lastDataSent);
        m.put("tcpi_last_data_recv", lastDataRecv);
        m.put("tcpi_last_ack_recv", lastAckRecv);
        m.put("tcpi_pmtu", (long) pmtu);
        m.put("tcpi_rcv_ssthresh", (long) rcvSsthresh);
        m.put("tcpi_rtt", rtt);
        m.put("tcpi_rttvar", rttvar);
        m.put("tcpi_snd_ssthresh", (long) sndSsthresh);
        m.put("tcpi_snd_cwnd", (long) sndCwnd);
        m.put("tcpi_advmss", (long) advmss);
        m.put("tcpi_reordering", (long) reordering);
        m.put("tcpi_total_retrans", totalRetrans);
        m.put("tcpi_pacing_rate", pacingRate);
        m.put("tcpi_max_pacing_rate", maxPacingRate);
        m.put("tcpi_bytes_acked", bytesAcked);
        m.put("tcpi_bytes_received", bytesReceived);
        m.put("tcpi_segs_out", segsOut);
        m.put("tcpi_segs_in", segsIn);
        m.put("tcpi_notsent_bytes", notsentBytes);
        m.put("tcpi_data_segs_out", dataSegsOut);
        m.put("tcpi_delivered", delivered);
        m.put("tcpi_reord_seen", reordSeen);
        m.put("tcpi_snd_wnd", sndWnd);
        m.put("tcpi_rcv_wnd", rcvWnd);
        m.put("tcpi_min_rtt", minRtt);
        return m;
    }
}
