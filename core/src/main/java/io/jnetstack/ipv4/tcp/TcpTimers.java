package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.Errno;
import io.jnetstack.time.Timer;

/**
 * The timers of a connection, all on the kernel's timer wheel. Mirrors
 * {@code net/ipv4/tcp_timer.c}: retransmission ({@code tcp_retransmit_timer}, RFC 6298 §5 with
 * exponential backoff), zero-window probes ({@code tcp_probe_timer}, RFC 9293 §3.8.6.1),
 * delayed ACK ({@code tcp_delack_timer}, RFC 1122 §4.2.3.2) and keepalive
 * ({@code tcp_keepalive_timer}, RFC 1122 §4.2.3.6; also the orphaned FIN_WAIT2 timeout).
 */
final class TcpTimers implements Runnable {
    /** RFC 6298 (2.1): the initial RTO is 1 second. */
    static final long TIMEOUT_INIT = 1_000_000_000L;
    /**
     * Linux's shortest timer, 2 jiffies at HZ=1000 ({@code TCP_TIMEOUT_MIN}): the SYN resent
     * after a bad SYN-ACK, and the floor of a probe clamped to the user timeout.
     */
    static final long TIMEOUT_MIN = 2_000_000L;
    /** Linux's minimum RTO, 200 ms ({@code TCP_RTO_MIN}). */
    static final long RTO_MIN = 200_000_000L;
    /** Linux's maximum RTO, 120 s ({@code TCP_RTO_MAX}). */
    static final long RTO_MAX = 120_000_000_000L;
    /** The minimum delayed-ACK timeout, 40 ms ({@code TCP_DELACK_MIN}). */
    static final long DELACK_MIN = 40_000_000L;
    /** The maximum delayed-ACK timeout, 200 ms ({@code TCP_DELACK_MAX}). */
    static final long DELACK_MAX = 200_000_000L;
    /** 2 MSL as Linux waits in TIME_WAIT, 60 s ({@code TCP_TIMEWAIT_LEN}). */
    static final long TIMEWAIT_LEN = 60_000_000_000L;
    /**
     * A probe the qdisc dropped is tried again after 500 ms, without backoff: senders share the
     * local resource conservatively ({@code TCP_RESOURCE_PROBE_INTERVAL}).
     */
    static final long RESOURCE_PROBE_INTERVAL = 500_000_000L;
    /** RFC 6928: initial window of 10 segments. */
    static final int INIT_CWND = 10;

    private final TcpSock sk;
    private Timer rtx;
    private Timer probe;
    private Timer delack;
    private Timer keepalive;

    TcpTimers(TcpSock sk) {
        this.sk = sk;
    }

    /** A timer made at its first use (its action is captured then, once). */
    private Timer newTimer(String name, Runnable action) {
        return sk.kernel().timers().newTimer(name, action);
    }

    /** {@code ICSK_TIME_RETRANS}: the retransmission timer. */
    static final int TIME_RETRANS = 1;
    /** {@code ICSK_TIME_LOSS_PROBE}: the tail loss probe (RFC 8985 §7). */
    static final int TIME_LOSS_PROBE = 5;
    /** {@code ICSK_TIME_REO_TIMEOUT}: RACK's reordering timer (RFC 8985 §6.3). */
    static final int TIME_REO_TIMEOUT = 6;

    /** Which of the three the write timer runs ({@code icsk_pending}), 0 for none. */
    private int pending;

    /** {@code icsk_pending}. */
    int pending() {
        return rtxPending() ? pending : 0;
    }

    /** The timer fired and its work is done ({@code icsk_pending = 0}). */
    void clearPending() {
        pending = 0;
    }

    boolean rtxPending() {
        return rtx != null && rtx.pending();
    }

    /** The RTO with the current backoff ({@code icsk_rto} after {@code inet_csk_rto_backoff}). */
    static long currentRto(TcpSock sk) {
        return Math.min(sk.rtoNanos << Math.min(sk.backoff, 20), RTO_MAX);
    }

    /**
     * Arms the write timer for {@code what} {@code after} from now, at most 120 s. Mirrors
     * {@code inet_csk_reset_xmit_timer()}: the RTO, the loss probe and the reordering timer share
     * one timer, as in Linux; the zero-window probe is that timer too, so a pending probe (for a
     * window or for MSG_MORE data held with nothing in flight) ends here.
     */
    void resetXmit(int what, long after) {
        rtx = rtx != null ? rtx : newTimer("tcp write", this);
        pending = what;
        rtx.armAfter(Math.max(Math.min(after, RTO_MAX), 1));
        if (probe != null) {
            probe.cancel();
        }
    }

    /** (Re)arms the retransmission timer at the current RTO with backoff. */
    void armRtx() {
        resetXmit(TIME_RETRANS, currentRto(sk));
    }

    /** Arms the retransmission timer {@code after} from now, whatever the RTO; a pending probe ends. */
    void armRtx(long after) {
        resetXmit(TIME_RETRANS, after);
    }

    void cancelRtx() {
        pending = 0;
        if (rtx != null) {
            rtx.cancel();
        }
    }

    /** The write timer fired: this object is its action, so that no lambda is kept per socket. */
    @Override
    public void run() {
        writeTimer();
    }

    /** Mirrors {@code tcp_write_timer_handler()}: the event that was armed. */
    private void writeTimer() {
        switch (pending) {
            case TIME_REO_TIMEOUT -> sk.rack.reoTimeout(sk);
            case TIME_LOSS_PROBE -> sk.rack.sendLossProbe(sk);
            case TIME_RETRANS -> {
                pending = 0;
                retransmitTimer();
            }
            default -> {
            }
        }
    }

    /**
     * Arms the zero-window probe timer unless it runs: data waits with nothing in flight.
     * Mirrors {@code tcp_check_probe_timer()}: one RTO from now (at least 200 ms).
     */
    void armProbe() {
        probe = probe != null ? probe : newTimer("tcp probe0", this::probeTimer);
        if (!probe.pending()) {
            probe.armAfter(clampProbeToUserTimeout(probeWhen(0)));
        }
    }

    /**
     * Re-arms the probe timer from now with the current backoff: an ACK answered a probe but
     * the window is still closed. Mirrors the closed-window branch of {@code tcp_ack_probe()}.
     */
    void resetProbe() {
        probe = probe != null ? probe : newTimer("tcp probe0", this::probeTimer);
        probe.armAfter(clampProbeToUserTimeout(probeWhen(sk.backoff)));
    }

    /** {@code tcp_probe0_when()}: max(RTO, 200 ms) doubled per backoff step, at most 120 s. */
    private long probeWhen(int backoff) {
        return Math.min(Math.max(sk.rtoNanos, RTO_MIN) << Math.min(backoff, 20), RTO_MAX);
    }

    /** {@code tcp_clamp_probe0_to_user_timeout()}: the timer ends no later than the user timeout. */
    private long clampProbeToUserTimeout(long when) {
        if (sk.userTimeoutMs == 0 || sk.probesStamp == 0) {
            return when;
        }
        long remaining = sk.userTimeoutMs * 1_000_000L - (sk.now() - sk.probesStamp);
        return Math.max(Math.min(when, remaining), TIMEOUT_MIN);
    }

    void cancelProbe() {
        if (probe != null) {
            probe.cancel();
        }
    }

    void armDelack(long after) {
        delack = delack != null ? delack : newTimer("tcp delack", this::delackTimer);
        if (!delack.pending()) {
            delack.armAfter(after);
        }
    }

    void cancelDelack() {
        if (delack != null) {
            delack.cancel();
        }
    }

    /** Arms the keepalive timer (or the orphaned FIN_WAIT2 timeout) {@code after} from now. */
    void armKeepalive(long after) {
        keepalive = keepalive != null ? keepalive : newTimer("tcp keepalive", this::keepaliveTimer);
        keepalive.armAfter(after);
    }

    void cancelKeepalive() {
        if (keepalive != null) {
            keepalive.cancel();
        }
    }

    /** SO_KEEPALIVE or its parameters changed. */
    void keepaliveChanged() {
        if (sk.keepaliveOn() && (sk.state == TcpState.ESTABLISHED || sk.state == TcpState.CLOSE_WAIT)) {
            armKeepalive(keepIdle());
        } else if (sk.state != TcpState.FIN_WAIT2) {
            cancelKeepalive();
        }
    }

    void cancelAll() {
        cancelRtx();
        cancelProbe();
        cancelDelack();
        cancelKeepalive();
    }

    long keepIdle() {
        return (sk.keepIdle != 0 ? sk.keepIdle : sk.tcp.sysctl.keepaliveTime.get()) * 1_000_000_000L;
    }

    private long keepIntvl() {
        return (sk.keepIntvl != 0 ? sk.keepIntvl : sk.tcp.sysctl.keepaliveIntvl.get()) * 1_000_000_000L;
    }

    private int keepCnt() {
        return sk.keepCnt != 0 ? sk.keepCnt : (int) sk.tcp.sysctl.keepaliveProbes.get();
    }

    /**
     * How long {@code boundary} retransmissions take with exponential backoff from
     * {@code rtoBase}, capped at the maximum RTO. Mirrors {@code tcp_model_timeout()}.
     */
    static long modelTimeout(int boundary, long rtoBase) {
        int thresh = 63 - Long.numberOfLeadingZeros(RTO_MAX / rtoBase);
        if (boundary <= thresh) {
            return ((2L << boundary) - 1) * rtoBase;
        }
        return ((2L << thresh) - 1) * rtoBase + (boundary - thresh) * RTO_MAX;
    }

    /**
     * Mirrors {@code retransmits_timed_out()} / {@code tcp_write_timeout()}: a SYN gives up after
     * tcp_syn_retries (TCP_SYNCNT) plus tcp_syn_linear_timeouts retransmissions, or once
     * TCP_USER_TIMEOUT has passed since the first SYN (the RTO is clamped to end then).
     */
    private boolean timedOut() {
        long now = sk.now();
        if (sk.state == TcpState.SYN_SENT || sk.state == TcpState.SYN_RECV) {
            int retries = sk.synCnt != 0 ? sk.synCnt : (int) sk.tcp.sysctl.synRetries.get();
            if (sk.state == TcpState.SYN_SENT) {
                retries += (int) sk.tcp.sysctl.synLinearTimeouts.get();
            }
            if (sk.retransmits >= retries) {
                return true;
            }
            return sk.userTimeoutMs > 0 && sk.retransmits > 0 && sk.retransStamp != 0
                    && now - sk.retransStamp >= sk.userTimeoutMs * 1_000_000L;
        }
        if (sk.retransStamp == 0 || sk.retransmits == 0) {
            return false;   // retransmits_timed_out(): only once the head timed out
        }
        if (sk.userTimeoutMs > 0) {
            return now - sk.retransStamp >= sk.userTimeoutMs * 1_000_000L;
        }
        int retries = (int) sk.tcp.sysctl.retries2.get();
        if (sk.orphan) {
            int o = (int) sk.tcp.sysctl.orphanRetries.get();
            retries = o == 0 ? 8 : o;
        }
        return now - sk.retransStamp >= modelTimeout(retries, RTO_MIN);
    }

    /**
     * Mirrors {@code tcp_retransmit_timer()}: the handshake's SYN or SYN-ACK goes again; on a
     * synchronized connection, {@code tcp_enter_loss()} marks the queue lost and the head is
     * retransmitted; the rest follows as ACKs open the window ({@code tcp_xmit_retransmit_queue}).
     * The RTO backs off (RFC 6298 §5.5).
     */
    private void retransmitTimer() {
        if (sk.packetsOut == 0 || sk.state == TcpState.CLOSE) {
            return;
        }
        if (timedOut()) {
            sk.tcp.ext.inc(TcpExtMib.TCPAbortOnTimeout);
            Errno e = sk.pendingError() != null ? sk.pendingError() : Errno.ETIMEDOUT;
            TcpClose.writeErr(sk, sk.softError() != null ? sk.softError() : e);
            return;
        }
        sk.tcp.ext.inc(TcpExtMib.TCPTimeouts);
        if (sk.state == TcpState.SYN_SENT) {
            sk.tcp.ext.inc(TcpExtMib.TCPSynRetrans);
        }
        if (sk.state == TcpState.SYN_SENT || (sk.state == TcpState.SYN_RECV && sk.sndUna == sk.iss)) {
            sk.tcp.output.retransmitSyn(sk);
        } else {
            countFailure();
            TcpRecovery.enterLoss(sk);
            io.jnetstack.core.SkBuff head = sk.writeQueue.peek();
            if (head != null && head != sk.sendHead) {
                sk.tcp.output.retransmitSkb(sk, head, false);
            }
        }
        sk.retransmits++;
        // The first tcp_syn_linear_timeouts SYN timeouts keep the RTO (Linux 6.5+).
        if (sk.state != TcpState.SYN_SENT || sk.retransmits > sk.tcp.sysctl.synLinearTimeouts.get()) {
            sk.backoff++;
        }
        armRtx(clampToUserTimeout(currentRto(sk)));
    }

    /** The first timeout of an episode says which recovery failed ({@code tcp_retransmit_timer()}). */
    private void countFailure() {
        if (sk.retransmits != 0) {
            return;
        }
        boolean sack = TcpSack.isSack(sk);
        if (sk.caState == io.jnetstack.ipv4.tcp.cong.CongestionState.CA_RECOVERY) {
            sk.tcp.ext.inc(sack ? TcpExtMib.TCPSackRecoveryFail : TcpExtMib.TCPRenoRecoveryFail);
        } else if (sk.caState == io.jnetstack.ipv4.tcp.cong.CongestionState.CA_LOSS) {
            sk.tcp.ext.inc(TcpExtMib.TCPLossFailures);
        } else if (sk.caState == io.jnetstack.ipv4.tcp.cong.CongestionState.CA_DISORDER || sk.sackedOut != 0) {
            sk.tcp.ext.inc(sack ? TcpExtMib.TCPSackFailures : TcpExtMib.TCPRenoFailures);
        }
    }

    /**
     * With TCP_USER_TIMEOUT, the next expiry comes no later than the moment the user timeout
     * ends, so the connection times out then and not one backed-off RTO later. Mirrors
     * {@code tcp_clamp_rto_to_user_timeout()}.
     */
    private long clampToUserTimeout(long rto) {
        if (sk.userTimeoutMs == 0 || sk.retransStamp == 0) {
            return rto;
        }
        long remaining = sk.userTimeoutMs * 1_000_000L - (sk.now() - sk.retransStamp);
        return remaining <= 0 ? 1 : Math.min(rto, remaining);
    }

    /**
     * Mirrors {@code tcp_probe_timer()} and {@code tcp_send_probe0()} (RFC 9293 §3.8.6.1): send
     * what the window allows, else a zero-window probe, and back off (or, when the qdisc dropped
     * it, try again in 500 ms). The connection stays open
     * as long as the peer answers (RFC 1122 §4.2.2.17: an ACK resets the count); it ends after
     * tcp_retries2 unanswered probes, or when TCP_USER_TIMEOUT has passed since the first probe.
     */
    private void probeTimer() {
        if (sk.packetsOut > 0 || sk.sendHead == null || sk.state == TcpState.CLOSE) {
            sk.probesOut = 0;
            sk.probesStamp = 0;
            return;
        }
        int retries2 = (int) sk.tcp.sysctl.retries2.get();
        int max = retries2;
        if (sk.orphan) {
            int o = (int) sk.tcp.sysctl.orphanRetries.get();
            max = o == 0 ? 8 : o;
        }
        if (sk.probesStamp == 0) {
            sk.probesStamp = sk.now();
        } else if (sk.userTimeoutMs > 0 && sk.now() - sk.probesStamp >= sk.userTimeoutMs * 1_000_000L) {
            TcpClose.writeErr(sk, Errno.ETIMEDOUT);
            return;
        }
        if (sk.probesOut >= max) {
            TcpClose.writeErr(sk, Errno.ETIMEDOUT);
            return;
        }
        int err = sk.tcp.output.writeWakeup(sk);
        if (sk.packetsOut > 0 || sk.sendHead == null) {
            sk.probesOut = 0;
            sk.backoff = 0;
            sk.probesStamp = 0;
            return;
        }
        sk.probesOut++;
        long timeout;
        if (err <= 0) {
            if (sk.backoff < retries2) {
                sk.backoff++;
            }
            timeout = probeWhen(sk.backoff);
        } else {
            timeout = RESOURCE_PROBE_INTERVAL;   // the qdisc dropped it: local congestion
        }
        probe.armAfter(clampProbeToUserTimeout(timeout));
    }

    /** Mirrors {@code tcp_delack_timer()}. */
    private void delackTimer() {
        if (sk.ackPending && sk.state != TcpState.CLOSE) {
            sk.tcp.ext.inc(TcpExtMib.DelayedACKs);
            sk.tcp.output.sendAck(sk);
        }
    }

    /** Mirrors {@code tcp_keepalive_timer()}. */
    private void keepaliveTimer() {
        if (sk.state == TcpState.FIN_WAIT2 && sk.orphan) {
            TcpClose.done(sk);
            return;
        }
        if (!sk.keepaliveOn() || (sk.state != TcpState.ESTABLISHED && sk.state != TcpState.CLOSE_WAIT)) {
            return;
        }
        if (sk.packetsOut > 0 || sk.sendHead != null) {
            armKeepalive(keepIdle());
            return;
        }
        long idle = sk.now() - Math.max(sk.lastRecvNanos, sk.lastSendNanos == 0 ? 0 : sk.lastRecvNanos);
        if (idle >= keepIdle()) {
            if ((sk.userTimeoutMs > 0 && idle >= sk.userTimeoutMs * 1_000_000L && sk.probesOut > 0)
                    || (sk.userTimeoutMs == 0 && sk.probesOut >= keepCnt())) {
                sk.tcp.output.sendActiveReset(sk);
                TcpClose.writeErr(sk, Errno.ETIMEDOUT);
                return;
            }
            sk.tcp.ext.inc(TcpExtMib.TCPKeepAlive);
            sk.tcp.output.sendProbe(sk);
            sk.probesOut++;
            armKeepalive(keepIntvl());
        } else {
            armKeepalive(keepIdle() - idle);
        }
    }
}
