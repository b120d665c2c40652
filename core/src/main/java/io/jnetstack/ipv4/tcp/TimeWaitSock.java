package io.jnetstack.ipv4.tcp;

import io.jnetstack.time.Timer;

/**
 * What is left of a connection in TIME_WAIT: the 4-tuple, the sequence numbers and the last
 * timestamp, for 2 MSL (Linux: 60 s) — about 100 bytes instead of a whole socket. Mirrors
 * {@code struct tcp_timewait_sock} ({@code tcp_time_wait()}, {@code inet_twsk_kill()}).
 */
final class TimeWaitSock {
    final Tcp tcp;
    final int laddr;
    final int lport;
    final int raddr;
    final int rport;
    final Tcp.Tuple key;
    int rcvNxt;
    int sndNxt;
    int rcvWnd;
    int rcvWscale;
    boolean tsOk;
    int tsRecent;
    long tsRecentStamp;
    int tsOffset;
    final Timer timer;
    final OowLimit oow = new OowLimit();
    boolean dead;

    TimeWaitSock(Tcp tcp, TcpSock sk, long timeoutNanos) {
        this.tcp = tcp;
        this.laddr = sk.src();
        this.lport = sk.localPort();
        this.raddr = sk.peerAddress();
        this.rport = sk.peerPort();
        this.key = new Tcp.Tuple(laddr, lport, raddr, rport);
        this.rcvNxt = sk.rcvNxt;
        this.sndNxt = sk.sndNxt;
        this.rcvWnd = sk.rcvWnd;
        this.rcvWscale = sk.rcvWscale;
        this.tsOk = sk.tsOk;
        this.tsRecent = sk.tsRecent;
        this.tsRecentStamp = sk.tsRecentStamp;
        this.tsOffset = sk.tsOffset;
        this.timer = tcp.kernel.timers().newTimer("time-wait " + lport, this::kill);
        tcp.hashEstablished(key, this);
        tcp.addBound(lport, this);
        tcp.ext.inc(TcpExtMib.TW);
        timer.armAfter(timeoutNanos);
    }

    /** Restarts the 2 MSL wait. */
    void reschedule() {
        timer.armAfter(TcpTimers.TIMEWAIT_LEN);
    }

    /** Ends it. Mirrors {@code inet_twsk_kill()}. */
    void kill() {
        if (dead) {
            return;
        }
        dead = true;
        timer.cancel();
        tcp.unhashEstablished(key, this);
        tcp.removeBound(lport, this);
    }
}
