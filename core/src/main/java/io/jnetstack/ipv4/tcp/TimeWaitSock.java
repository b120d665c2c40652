package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.SkBuff;
import io.jnetstack.time.Timer;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.TcpOptions;

import static io.jnetstack.wire.Tcp.ACK;
import static io.jnetstack.wire.Tcp.FIN;
import static io.jnetstack.wire.Tcp.RST;
import static io.jnetstack.wire.Tcp.SYN;

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
        this.rcvNxt = sk.rcvNxt;
        this.sndNxt = sk.sndNxt;
        this.rcvWnd = sk.rcvWnd;
        this.rcvWscale = sk.rcvWscale;
        this.tsOk = sk.tsOk;
        this.tsRecent = sk.tsRecent;
        this.tsRecentStamp = sk.tsRecentStamp;
        this.tsOffset = sk.tsOffset;
        this.timer = tcp.kernel.timers().newTimer("time-wait " + lport, this::kill);
        tcp.hashEstablished(this);
        tcp.addBound(lport, this);
        tcp.ext.inc(TcpExtMib.TW);
        tcp.timeWaits++;
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
        tcp.timeWaits--;
        timer.cancel();
        tcp.unhashEstablished(this);
        tcp.removeBound(lport, this);
    }

    /**
     * Mirrors {@code tcp_timewait_state_process()}: in-window RST kills (unless
     * tcp_rfc1337); a new SYN with a higher sequence number or a newer timestamp opens a new
     * connection (RFC 1122 §4.2.2.13); anything else gets an ACK and restarts the wait.
     */
    void process(SkBuff skb) {
        Tracer t = tcp.kernel.tracer();
        t.enter(Stage.TCP_TIMEWAIT_STATE_PROCESS, skb, tcp.net.name(), skb.dev == null ? "" : skb.dev.name());
        TcpInput.Seg s = tcp.input.acquire();
        try {
            s.parse(skb);
            boolean paws = tsOk && s.opts.hasTimestamps && (s.flags & RST) == 0 && tsRecent - s.opts.tsVal > 0;
            if (!paws && s.seq == rcvNxt && (s.len == 0 && (s.flags & (SYN | FIN)) == 0 || (s.flags & RST) != 0)) {
                if ((s.flags & RST) != 0) {
                    if (tcp.sysctl.rfc1337.get() == 0) {
                        kill();
                    }
                } else {
                    reschedule();
                }
                if (s.opts.hasTimestamps) {
                    tsRecent = s.opts.tsVal;
                    tsRecentStamp = tcp.kernel.clock().nanos();
                }
                skb.free();
                return;
            }
            if ((s.flags & SYN) != 0 && (s.flags & (RST | ACK)) == 0 && !paws
                    && (s.seq - rcvNxt > 0 || (s.opts.hasTimestamps && tsOk && tsRecent - s.opts.tsVal < 0))) {
                TcpSock l = tcp.lookupListener(skb, laddr, lport, skb.dev, t);
                if (l != null) {
                    // RFC 1122 §4.2.2.13 (1): the new ISN lies beyond the old connection's.
                    int isn = sndNxt + 65535 + 2;
                    kill();
                    TcpConnect.connRequest(l, skb, s, isn == 0 ? 1 : isn);
                    return;
                }
                // No listener: tcp_v4_rcv answers TCP_TW_SYN with the TIME_WAIT ACK.
                ack(skb);
                skb.free();
                return;
            }
            if (paws) {
                tcp.ext.inc(TcpExtMib.PAWSEstab);
            }
            if ((s.flags & RST) == 0) {
                if (paws || (s.flags & ACK) != 0) {
                    reschedule();
                }
                if (!oow.limited(tcp, s, TcpExtMib.TCPACKSkippedTimeWait)) {
                    ack(skb);
                }
            }
            skb.free();
        } finally {
            TcpInput.release(s);
            t.exit();
        }
    }

    /** The ACK of a time-wait sock. Mirrors {@code tcp_v4_timewait_ack()}. */
    private void ack(SkBuff about) {
        TcpOptions o = null;
        if (tsOk) {
            o = new TcpOptions().timestamps(tcp.tsNow() + tsOffset, tsRecent);
        }
        tcp.output.reply(laddr, lport, raddr, rport, sndNxt, rcvNxt, ACK,
                rcvWnd >>> rcvWscale, o, about);
    }

    /**
     * Whether an outgoing connect may take over the 4-tuple of a time-wait sock. Mirrors
     * {@code tcp_twsk_unique()}: with tcp_tw_reuse (2: loopback only) and timestamps, once a
     * second has passed since its last timestamp.
     */
    boolean reusable(int laddr, int raddr) {
        long mode = tcp.sysctl.twReuse.get();
        if (mode == 0 || !tsOk) {
            return false;
        }
        if (mode == 2 && !(io.jnetstack.wire.Ipv4Address.isLoopback(laddr) && io.jnetstack.wire.Ipv4Address.isLoopback(raddr))) {
            return false;
        }
        return tcp.kernel.clock().nanos() - tsRecentStamp > 1_000_000_000L;
    }
}
