package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.SkBuff;
import io.jnetstack.time.Timer;

/**
 * An embryonic connection: a SYN received by a listener and answered with a SYN-ACK, waiting
 * for the final ACK. Mirrors {@code struct tcp_request_sock} in state TCP_NEW_SYN_RECV, hashed
 * in the established table; the SYN-ACK is retransmitted with backoff up to
 * {@code tcp_synack_retries} ({@code reqsk_timer_handler}).
 */
final class RequestSock {
    final Tcp tcp;
    final TcpSock listener;
    final int laddr;
    final int lport;
    final int raddr;
    final int rport;
    final int irs;
    final int iss;
    int mss;
    int peerMss;
    boolean sackOk;
    boolean tsOk;
    int tsRecent;
    int tsOffset;
    boolean wscaleOk;
    int sndWscale;
    int rcvWscale;
    int rcvWnd;
    int peerWindow;
    int retrans;
    /** No state is kept: the ISN is a SYN cookie (and the TSval carries the options). */
    boolean cookie;
    final OowLimit oow = new OowLimit();
    Timer timer;
    boolean dead;

    RequestSock(Tcp tcp, TcpSock listener, int laddr, int lport, int raddr, int rport, int irs, int iss) {
        this.tcp = tcp;
        this.listener = listener;
        this.laddr = laddr;
        this.lport = lport;
        this.raddr = raddr;
        this.rport = rport;
        this.irs = irs;
        this.iss = iss;
    }

    /** Hashes it and starts the SYN-ACK timer ({@code inet_csk_reqsk_queue_hash_add}). */
    void hash() {
        tcp.hashEstablished(this);
        listener.acceptQueue.synQueueLen++;
        listener.acceptQueue.synQueueYoung++;
        timer = tcp.kernel.timers().newTimer("reqsk " + rport, this::expire);
        timer.armAfter(TcpTimers.TIMEOUT_INIT);
    }

    /**
     * Mirrors {@code reqsk_timer_handler()}: resend the SYN-ACK with backoff, or give up after
     * tcp_synack_retries (fewer for old requests in a crowded queue).
     */
    private void expire() {
        if (dead) {
            return;
        }
        // The listener's TCP_SYNCNT, else tcp_synack_retries (reqsk_timer_handler).
        int max = listener.synCnt != 0 ? listener.synCnt : (int) tcp.sysctl.synackRetries.get();
        // Half the queue is kept for young requests (no timeout yet): when the queue is more
        // than half full and old ones dominate, old ones get fewer retries (down to 2).
        int qlen = listener.acceptQueue.synQueueLen;
        if ((qlen << 1) > Math.max(8, listener.acceptQueue.maxBacklog)) {
            int young = listener.acceptQueue.synQueueYoung << 1;
            while (max > 2 && qlen >= young) {
                max--;
                young <<= 1;
            }
        }
        if (retrans >= max || listener.state != TcpState.LISTEN) {
            drop();
            return;
        }
        if (retrans++ == 0) {
            listener.acceptQueue.synQueueYoung--;
        }
        tcp.mib.inc(TcpMib.RetransSegs);
        tcp.ext.inc(TcpExtMib.TCPSynRetrans);
        tcp.output.sendSynAck(this, null);
        timer.armAfter(Math.min(TcpTimers.TIMEOUT_INIT << retrans, TcpTimers.RTO_MAX));
    }

    /** Removes it. Mirrors {@code inet_csk_reqsk_queue_drop()}. */
    void drop() {
        if (dead) {
            return;
        }
        dead = true;
        tcp.unhashEstablished(this);
        listener.acceptQueue.synQueueLen--;
        if (retrans == 0) {
            listener.acceptQueue.synQueueYoung--;
        }
        if (timer != null) {
            timer.cancel();
        }
    }

    /** Restarts the SYN-ACK timer after a resend for a retransmitted SYN, keeping the backoff. */
    void restartTimer() {
        if (timer != null && timer.pending()) {
            timer.armAfter(Math.min(TcpTimers.TIMEOUT_INIT << retrans, TcpTimers.RTO_MAX));
        }
    }

    /** Resends the SYN-ACK for a retransmitted SYN. */
    void resendSynAck(SkBuff about) {
        tcp.output.sendSynAck(this, about);
    }
}
