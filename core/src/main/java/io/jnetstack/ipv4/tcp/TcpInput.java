package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.SkBuff;
import io.jnetstack.socket.IcmpErr;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Tcp;
import io.jnetstack.wire.TcpOptions;

/**
 * Receiving segments on a socket. Mirrors {@code net/ipv4/tcp_input.c}: {@code tcp_v4_do_rcv},
 * {@code tcp_rcv_established} (header prediction fast path and slow path),
 * {@code tcp_rcv_state_process} (every other state, RFC 9293 §3.10.7), {@code tcp_ack}
 * (RFC 6298 RTT, RFC 5681/6582 NewReno), {@code tcp_data_queue} with the out-of-order queue,
 * {@code tcp_fin}, {@code tcp_validate_incoming} (RFC 5961, RFC 7323 PAWS).
 */
final class TcpInput {
    /** A parsed segment. */
    static final class Seg {
        int sport;
        int dport;
        int seq;
        int ack;
        int flags;
        int window;
        int urg;
        int hl;
        int len;
        int endSeq;
        final TcpOptions opts = new TcpOptions();
        boolean busy;

        void parse(SkBuff skb) {
            byte[] b = skb.buf();
            int off = skb.data();
            sport = Tcp.srcPort(b, off);
            dport = Tcp.dstPort(b, off);
            seq = Tcp.seq(b, off);
            ack = Tcp.ack(b, off);
            flags = Tcp.flags(b, off);
            window = Tcp.window(b, off);
            urg = Tcp.urgent(b, off);
            hl = Tcp.headerLen(b, off);
            len = skb.len() - hl;
            endSeq = seq + len + ((flags & Tcp.SYN) != 0 ? 1 : 0) + ((flags & Tcp.FIN) != 0 ? 1 : 0);
            opts.parse(b, off);
        }
    }

    private final io.jnetstack.ipv4.tcp.Tcp tcp;
    private final Seg shared = new Seg();
    private long challengeStamp;
    private int challengeCount;

    TcpInput(io.jnetstack.ipv4.tcp.Tcp tcp) {
        this.tcp = tcp;
    }

    Seg acquire() {
        if (!shared.busy) {
            shared.busy = true;
            return shared;
        }
        Seg s = new Seg();
        s.busy = true;
        return s;
    }

    static void release(Seg s) {
        s.busy = false;
    }

    // ================================================================ dispatch

    /** Mirrors {@code tcp_v4_do_rcv()}. Consumes the buffer. */
    void doRcv(TcpSock sk, SkBuff skb) {
        Tracer t = tcp.kernel.tracer();
        t.enter(Stage.TCP_V4_DO_RCV, skb, tcp.net.name(), skb.dev == null ? "" : skb.dev.name());
        Seg s = acquire();
        try {
            s.parse(skb);
            sk.segsIn++;
            if (sk.state == TcpState.ESTABLISHED) {
                rcvEstablished(sk, skb, s);
            } else if (sk.state == TcpState.LISTEN) {
                listenRcv(sk, skb, s);
            } else if (rcvStateProcess(sk, skb, s)) {
                tcp.output.sendReset(skb);
                tcp.net.drop(skb, DropReason.TCP_INVALID_SEQUENCE);
            }
        } finally {
            release(s);
            t.exit();
        }
    }

    /** A segment to a listener: SYN → a request; ACK → a SYN cookie, else RST; the rest dropped. */
    private void listenRcv(TcpSock l, SkBuff skb, Seg s) {
        if ((s.flags & Tcp.RST) != 0) {
            tcp.net.drop(skb, DropReason.TCP_RESET);
            return;
        }
        if ((s.flags & Tcp.ACK) != 0) {
            TcpSock child = TcpConnect.cookieCheck(l, skb, s);
            if (child != null) {
                childRcv(child, skb, s);
                return;
            }
            tcp.output.sendReset(skb);
            tcp.net.drop(skb, DropReason.TCP_FLAGS);
            return;
        }
        if ((s.flags & Tcp.SYN) != 0 && (s.flags & Tcp.FIN) == 0) {
            TcpConnect.connRequest(l, skb, s);
            return;
        }
        tcp.net.drop(skb, DropReason.TCP_FLAGS);
    }

    /** A segment for a request sock. Mirrors the request branch of {@code tcp_v4_rcv()}. */
    void checkReq(RequestSock req, SkBuff skb) {
        Seg s = acquire();
        try {
            s.parse(skb);
            TcpSock child = TcpConnect.checkReq(req, skb, s);
            if (child != null) {
                childRcv(child, skb, s);
            }
        } finally {
            release(s);
        }
    }

    /** Mirrors {@code tcp_child_process()}: the completing ACK moves the child to ESTABLISHED. */
    private void childRcv(TcpSock child, SkBuff skb, Seg s) {
        if (rcvStateProcess(child, skb, s)) {
            tcp.output.sendReset(skb);
            tcp.net.drop(skb, DropReason.TCP_INVALID_SEQUENCE);
        }
    }

    // ================================================================ ESTABLISHED

    /**
     * Mirrors {@code tcp_rcv_established()}: header prediction (RFC 9293 doesn't need it, Van
     * Jacobson's fast path does) for pure ACKs and in-order data; else the slow path.
     */
    private void rcvEstablished(TcpSock sk, SkBuff skb, Seg s) {
        Tracer t = tcp.kernel.tracer();
        t.enter(Stage.TCP_RCV_ESTABLISHED, skb, tcp.net.name(), skb.dev == null ? "" : skb.dev.name());
        try {
            sk.lastRecvNanos = sk.now();
            if (predicted(sk, s)) {
                if (s.opts.hasTimestamps && s.seq - sk.rcvWup <= 0) {
                    storeTsRecent(sk, s);
                }
                if (s.len == 0) {
                    tcp.ext.inc(TcpExtMib.TCPHPAcks);
                    ack(sk, skb, s);
                    skb.free();
                    dataSndCheck(sk);
                    return;
                }
                if (s.len <= receiveWindow(sk) && sk.rmem() < sk.rcvbuf()) {
                    tcp.ext.inc(TcpExtMib.TCPHPHits);
                    if (s.ack != sk.sndUna) {
                        ack(sk, skb, s);
                        dataSndCheck(sk);
                    }
                    queueInOrder(sk, skb, s, 0);
                    ackSndCheck(sk, false);
                    sk.wakeReaders();
                    return;
                }
            }
            slowPath(sk, skb, s);
        } finally {
            t.exit();
        }
    }

    /** Header prediction: ACK (maybe PSH) only, the next expected segment, same window. */
    private static boolean predicted(TcpSock sk, Seg s) {
        int f = s.flags & (Tcp.FLAGS_MASK & ~Tcp.PSH);
        if (f != Tcp.ACK || s.seq != sk.rcvNxt || s.urg != 0) {
            return false;
        }
        if (s.opts.sackCount > 0 || (sk.tsOk && (!s.opts.hasTimestamps || sk.tsRecent - s.opts.tsVal > 0))) {
            return false;
        }
        if (s.ack - sk.sndUna < 0 || s.ack - sk.sndNxt > 0) {
            return false;
        }
        return (s.window << sk.sndWscale) == sk.sndWnd;
    }

    private void slowPath(TcpSock sk, SkBuff skb, Seg s) {
        if ((s.flags & (Tcp.ACK | Tcp.RST | Tcp.SYN)) == 0) {
            tcp.net.drop(skb, DropReason.TCP_FLAGS);
            return;
        }
        if (!validateIncoming(sk, skb, s)) {
            return;
        }
        if (ack(sk, skb, s) < 0) {
            tcp.net.drop(skb, DropReason.TCP_ACK_UNSENT_DATA);
            return;
        }
        urg(sk, s);
        dataQueue(sk, skb, s);
        dataSndCheck(sk);
        ackSndCheck(sk, false);
    }

    // ================================================================ other states

    /**
     * Mirrors {@code tcp_rcv_state_process()} (RFC 9293 §3.10.7.3–4).
     *
     * @return true when the caller must answer with RST
     */
    boolean rcvStateProcess(TcpSock sk, SkBuff skb, Seg s) {
        Tracer t = tcp.kernel.tracer();
        t.enter(Stage.TCP_RCV_STATE_PROCESS, skb, tcp.net.name(), skb.dev == null ? "" : skb.dev.name());
        try {
            sk.lastRecvNanos = sk.now();
            switch (sk.state) {
                case CLOSE -> {
                    tcp.net.drop(skb, DropReason.TCP_CLOSE);
                    return false;
                }
                case SYN_SENT -> {
                    return synSent(sk, skb, s);
                }
                default -> {
                    return synchronized_(sk, skb, s);
                }
            }
        } finally {
            t.exit();
        }
    }

    /**
     * Mirrors {@code tcp_rcv_synsent_state_process()} (RFC 9293 §3.10.7.3): a bad ACK gets RST;
     * RST with a good ACK refuses the connection; SYN-ACK establishes it; a bare SYN is a
     * simultaneous open.
     */
    private boolean synSent(TcpSock sk, SkBuff skb, Seg s) {
        if ((s.flags & Tcp.ACK) != 0) {
            if (s.ack - sk.iss <= 0 || s.ack - sk.sndNxt > 0) {
                if ((s.flags & Tcp.RST) != 0) {
                    tcp.net.drop(skb, DropReason.TCP_RESET);
                    return false;
                }
                return true;
            }
            if ((s.flags & Tcp.RST) != 0) {
                reset(sk);
                tcp.net.drop(skb, DropReason.TCP_RESET);
                return false;
            }
            if ((s.flags & Tcp.SYN) == 0) {
                tcp.net.drop(skb, DropReason.TCP_FLAGS);
                return false;
            }
            synAckReceived(sk, skb, s);
            return false;
        }
        if ((s.flags & Tcp.RST) != 0) {
            tcp.net.drop(skb, DropReason.TCP_RESET);
            return false;
        }
        if ((s.flags & Tcp.SYN) != 0) {
            simultaneousOpen(sk, skb, s);
            return false;
        }
        tcp.net.drop(skb, DropReason.TCP_FLAGS);
        return false;
    }

    private void negotiate(TcpSock sk, Seg s) {
        TcpOptions o = s.opts;
        sk.rxOptMss = o.mss > 0 ? o.mss : 536;
        sk.wscaleOk = o.wscale >= 0 && tcp.sysctl.windowScaling.get() != 0;
        sk.sndWscale = sk.wscaleOk ? Math.min(o.wscale, TcpOptions.MAX_WSCALE) : 0;
        if (!sk.wscaleOk) {
            sk.rcvWscale = 0;
            sk.windowClamp = Math.min(sk.windowClamp, 65535);   // RFC 7323 §2.2: no scaling, 16 bits
        }
        sk.sackOk = o.sackOk && tcp.sysctl.sack.get() != 0;
        sk.tsOk = o.hasTimestamps && tcp.sysctl.timestamps.get() != 0;
        if (sk.tsOk) {
            sk.tsRecent = o.tsVal;
            sk.tsRecentStamp = sk.now();
        }
    }

    private void synAckReceived(TcpSock sk, SkBuff skb, Seg s) {
        negotiate(sk, s);
        sk.irs = s.seq;
        sk.rcvNxt = s.seq + 1;
        sk.rcvWup = sk.rcvNxt;
        sk.copiedSeq = sk.rcvNxt;
        sk.sndWnd = s.window;
        sk.maxWindow = sk.sndWnd;
        sk.sndWl1 = s.seq;
        sk.sndWl2 = s.ack;
        cleanRtxQueue(sk, s.ack, s);
        sk.sndUna = s.ack;
        tcp.output.syncMss(sk, sk.rt == null ? 1500 : sk.rt.mtu());
        establish(sk);
        if (s.len > 0 || (s.flags & Tcp.FIN) != 0) {
            dataQueue(sk, skb, s);
        } else {
            skb.free();
        }
        tcp.output.sendAck(sk);
        dataSndCheck(sk);
    }

    private void simultaneousOpen(TcpSock sk, SkBuff skb, Seg s) {
        negotiate(sk, s);
        sk.irs = s.seq;
        sk.rcvNxt = s.seq + 1;
        sk.rcvWup = sk.rcvNxt;
        sk.copiedSeq = sk.rcvNxt;
        sk.sndWnd = s.window;
        sk.maxWindow = sk.sndWnd;
        sk.sndWl1 = s.seq;
        sk.state = TcpState.SYN_RECV;
        SkBuff syn = sk.writeQueue.peek();
        if (syn != null) {
            tcp.output.transmitQueued(sk, syn);
        }
        skb.free();
    }

    /** Both sides synchronized: cwnd, buffers, keepalive; wake the connecter (tcp_finish_connect). */
    private void establish(TcpSock sk) {
        sk.state = TcpState.ESTABLISHED;
        sk.cwnd = TcpTimers.INIT_CWND;
        sk.retransmits = 0;
        sk.backoff = 0;
        sk.retransStamp = 0;
        sk.quickAcks = 16;
        sk.expandSndbuf();
        if (sk.keepaliveOn()) {
            sk.timers.armKeepalive(sk.timers.keepIdle());
        }
        sk.stateChange();
    }

    /** States after the handshake began: SYN_RECV, ESTABLISHED (slow path), closing states. */
    private boolean synchronized_(TcpSock sk, SkBuff skb, Seg s) {
        if ((s.flags & (Tcp.ACK | Tcp.RST | Tcp.SYN)) == 0) {
            tcp.net.drop(skb, DropReason.TCP_FLAGS);
            return false;
        }
        if (!validateIncoming(sk, skb, s)) {
            return false;
        }
        if ((s.flags & Tcp.ACK) == 0) {
            tcp.net.drop(skb, DropReason.TCP_FLAGS);
            return false;
        }
        if (sk.state == TcpState.SYN_RECV) {
            if (s.ack - sk.sndUna < 0 || s.ack - sk.sndNxt > 0) {
                return true;
            }
            sk.sndWnd = s.window << sk.sndWscale;
            sk.sndWl1 = s.seq;
            sk.sndWl2 = s.ack;
            cleanRtxQueue(sk, s.ack, s);
            sk.sndUna = s.ack;
            establish(sk);
            TcpConnect.queueForAccept(sk);
        } else if (ack(sk, skb, s) < 0) {
            tcp.net.drop(skb, DropReason.TCP_ACK_UNSENT_DATA);
            return false;
        }
        boolean finAcked = sk.finSent && sk.sndUna == sk.writeSeq;
        switch (sk.state) {
            case FIN_WAIT1 -> {
                if (finAcked) {
                    sk.state = TcpState.FIN_WAIT2;
                    sk.addShutdown(io.jnetstack.socket.Sock.SEND_SHUTDOWN);
                    sk.stateChange();
                    if (sk.orphan) {
                        TcpClose.finWait2Orphan(sk);
                        if (sk.state != TcpState.FIN_WAIT2) {
                            skb.free();
                            return false;
                        }
                    }
                }
            }
            case CLOSING -> {
                if (finAcked) {
                    TcpClose.timeWait(sk, TcpTimers.TIMEWAIT_LEN);
                    skb.free();
                    return false;
                }
            }
            case LAST_ACK -> {
                if (finAcked) {
                    TcpClose.done(sk);
                    skb.free();
                    return false;
                }
            }
            default -> {
            }
        }
        urg(sk, s);
        switch (sk.state) {
            case CLOSE_WAIT, CLOSING, LAST_ACK -> {
                if (s.seq - sk.rcvNxt >= 0 && s.len > 0) {
                    // The peer sent FIN already: later data is nonsense (RFC 9293 §3.10.7.4 seventh).
                }
                skb.free();
            }
            case FIN_WAIT1, FIN_WAIT2 -> {
                if ((sk.shutdownBits() & io.jnetstack.socket.Sock.RCV_SHUTDOWN) != 0 && sk.orphan && s.len > 0
                        && s.endSeq - sk.rcvNxt > 0) {
                    tcp.ext.inc(TcpExtMib.TCPAbortOnData);
                    TcpClose.done(sk);
                    tcp.net.drop(skb, DropReason.TCP_CLOSE);
                    return true;
                }
                dataQueue(sk, skb, s);
            }
            default -> dataQueue(sk, skb, s);
        }
        if (sk.state != TcpState.CLOSE) {
            dataSndCheck(sk);
            ackSndCheck(sk, false);
        }
        return false;
    }

    // ================================================================ validation

    /** The receive window still open: RCV.WUP + RCV.WND - RCV.NXT, at least 0. */
    static int receiveWindow(TcpSock sk) {
        int w = sk.rcvWup + sk.rcvWnd - sk.rcvNxt;
        return Math.max(w, 0);
    }

    /**
     * Mirrors {@code tcp_validate_incoming()}: PAWS (RFC 7323 §5.3), sequence acceptability
     * (RFC 9293 §3.10.7.4 first), RST (RFC 5961 §3: exact → reset, in window → challenge ACK),
     * SYN in a synchronized state (RFC 5961 §4: challenge ACK).
     *
     * @return whether processing goes on (false: the buffer was consumed)
     */
    private boolean validateIncoming(TcpSock sk, SkBuff skb, Seg s) {
        if (sk.tsOk && s.opts.hasTimestamps && (s.flags & Tcp.RST) == 0 && sk.tsRecent - s.opts.tsVal > 0
                && sk.now() - sk.tsRecentStamp < 24L * 24 * 3600 * 1_000_000_000L) {
            tcp.ext.inc(TcpExtMib.PAWSEstab);
            sendDupAck(sk, TcpExtMib.TCPACKSkippedPAWS);
            tcp.net.drop(skb, DropReason.TCP_RFC7323_PAWS);
            return false;
        }
        boolean inWindow = s.endSeq - sk.rcvWup >= 0 && s.seq - (sk.rcvNxt + receiveWindow(sk)) <= 0
                || (s.len == 0 && s.seq == sk.rcvNxt);
        if (!inWindow) {
            if ((s.flags & Tcp.RST) == 0) {
                if ((s.flags & Tcp.SYN) != 0) {
                    return synChallenge(sk, skb);
                }
                sendDupAck(sk, TcpExtMib.TCPACKSkippedSeq);
            }
            tcp.net.drop(skb, s.endSeq - sk.rcvWup < 0 ? DropReason.TCP_OLD_DATA : DropReason.TCP_OVERWINDOW);
            return false;
        }
        if ((s.flags & Tcp.RST) != 0) {
            if (s.seq == sk.rcvNxt) {
                reset(sk);
            } else {
                challengeAck(sk);
            }
            tcp.net.drop(skb, DropReason.TCP_RESET);
            return false;
        }
        if (s.opts.hasTimestamps && sk.tsOk && s.seq - sk.rcvWup <= 0) {
            storeTsRecent(sk, s);
        }
        if ((s.flags & Tcp.SYN) != 0 && sk.state != TcpState.SYN_RECV) {
            return synChallenge(sk, skb);
        }
        return true;
    }

    private boolean synChallenge(TcpSock sk, SkBuff skb) {
        tcp.ext.inc(TcpExtMib.TCPSYNChallenge);
        challengeAck(sk);
        tcp.net.drop(skb, DropReason.TCP_INVALID_SYN);
        return false;
    }

    private static void storeTsRecent(TcpSock sk, Seg s) {
        if (s.opts.tsVal - sk.tsRecent >= 0 || sk.now() - sk.tsRecentStamp >= 24L * 24 * 3600 * 1_000_000_000L) {
            sk.tsRecent = s.opts.tsVal;
            sk.tsRecentStamp = sk.now();
        }
    }

    /**
     * An ACK in answer to a suspicious segment, at most {@code tcp_challenge_ack_limit} per
     * second for the namespace. Mirrors {@code tcp_send_challenge_ack()} (RFC 5961 §7).
     */
    void challengeAck(TcpSock sk) {
        if (oowLimited(sk)) {
            tcp.ext.inc(TcpExtMib.TCPACKSkippedChallenge);
            return;
        }
        long now = sk.now();
        if (now - challengeStamp >= 1_000_000_000L) {
            challengeStamp = now;
            challengeCount = 0;
        }
        if (++challengeCount <= tcp.sysctl.challengeAckLimit.get()) {
            tcp.ext.inc(TcpExtMib.TCPChallengeACK);
            tcp.output.sendAck(sk);
        }
    }

    /** Mirrors {@code tcp_oow_rate_limited()}: one ACK per {@code tcp_invalid_ratelimit} ms. */
    private boolean oowLimited(TcpSock sk) {
        long now = sk.now();
        long limit = tcp.sysctl.invalidRatelimit.get() * 1_000_000L;
        if (sk.lastOowAckNanos != 0 && now - sk.lastOowAckNanos < limit) {
            return true;
        }
        sk.lastOowAckNanos = now;
        return false;
    }

    private void sendDupAck(TcpSock sk, TcpExtMib skipped) {
        if (oowLimited(sk)) {
            tcp.ext.inc(skipped);
            return;
        }
        tcp.output.sendAck(sk);
    }

    /**
     * The connection was reset. Mirrors {@code tcp_reset()}: ECONNREFUSED in SYN_SENT, EPIPE in
     * CLOSE_WAIT, else ECONNRESET; then {@code tcp_done()}.
     */
    void reset(TcpSock sk) {
        Errno e = switch (sk.state) {
            case SYN_SENT -> Errno.ECONNREFUSED;
            case CLOSE_WAIT -> Errno.EPIPE;
            case CLOSE -> null;
            default -> Errno.ECONNRESET;
        };
        if (sk.state == TcpState.ESTABLISHED || sk.state == TcpState.CLOSE_WAIT) {
            tcp.mib.inc(TcpMib.EstabResets);
        }
        if (sk.state == TcpState.SYN_SENT || sk.state == TcpState.SYN_RECV) {
            tcp.mib.inc(TcpMib.AttemptFails);
        }
        TcpClose.purgeWrite(sk);
        if (e != null) {
            sk.error(e);
        }
        TcpClose.done(sk);
    }

    // ================================================================ ACK processing

    /**
     * Mirrors {@code tcp_ack()}: ignore old ACKs (challenge one older than the window allows),
     * drop ACKs of unsent data, update the send window ({@code tcp_ack_update_window}), remove
     * what is acknowledged, sample the RTT, grow the window or run recovery on duplicates.
     *
     * @return 1 when processed, 0 for an old ACK, -1 to drop the segment
     */
    int ack(TcpSock sk, SkBuff skb, Seg s) {
        Tracer t = tcp.kernel.tracer();
        t.enter(Stage.TCP_ACK, skb, tcp.net.name(), "");
        try {
            int priorUna = sk.sndUna;
            if (s.ack - priorUna < 0) {
                if (s.ack - (priorUna - sk.maxWindow) < 0) {
                    challengeAck(sk);
                    return -1;
                }
                return 0;
            }
            if (s.ack - sk.sndNxt > 0) {
                return -1;
            }
            boolean windowChanged = updateWindow(sk, s);
            if (s.ack != priorUna) {
                newAck(sk, s, priorUna);
            } else if (s.len == 0 && (!windowChanged || s.opts.sackCount > 0) && sk.packetsOut > 0
                    && (s.flags & (Tcp.SYN | Tcp.FIN)) == 0) {
                dupAck(sk);
            }
            if (sk.sendHead != null && sk.packetsOut == 0 && sk.sndWnd == 0) {
                sk.timers.armProbe();
            } else {
                sk.timers.cancelProbe();
                sk.probesOut = 0;
            }
            return 1;
        } finally {
            t.exit();
        }
    }

    /** Mirrors {@code tcp_ack_update_window()} (RFC 9293 §3.10.7.4 fifth, SND.WL1/WL2). */
    private static boolean updateWindow(TcpSock sk, Seg s) {
        int nwin = s.window << sk.sndWscale;
        if (s.ack - sk.sndWl2 > 0 || s.seq - sk.sndWl1 > 0 || (s.seq == sk.sndWl1 && nwin > sk.sndWnd)) {
            boolean changed = nwin != sk.sndWnd;
            sk.sndWnd = nwin;
            sk.sndWl1 = s.seq;
            sk.sndWl2 = s.ack;
            if (nwin > sk.maxWindow) {
                sk.maxWindow = nwin;
            }
            return changed;
        }
        return false;
    }

    private void newAck(TcpSock sk, Seg s, int priorUna) {
        int priorOut = sk.packetsOut;
        int acked = cleanRtxQueue(sk, s.ack, s);
        sk.bytesAcked += s.ack - priorUna;
        sk.delivered += acked;
        sk.sndUna = s.ack;
        sk.retransmits = 0;
        sk.backoff = 0;
        sk.retransStamp = 0;
        sk.probesOut = 0;
        if (sk.inRecovery) {
            if (s.ack - sk.highSeq >= 0) {
                sk.cwnd = Math.max(Math.min(sk.ssthresh, sk.packetsOut + 1), 2);
                sk.inRecovery = false;
            } else {
                // RFC 6582 §3.2 step 5: partial ACK — retransmit the next hole, deflate.
                tcp.output.retransmitHead(sk);
                sk.cwnd = Math.max(sk.cwnd - acked + 1, 1);
                sk.timers.armRtx();
            }
        } else if (sk.inLoss) {
            if (s.ack - sk.highSeq >= 0) {
                sk.inLoss = false;
            }
            congAvoid(sk, acked, priorOut);
        } else {
            int before = sk.cwnd;
            congAvoid(sk, acked, priorOut);
            afterGrowth(sk, before);
        }
        sk.dupAcks = 0;
        if (sk.packetsOut == 0) {
            sk.timers.cancelRtx();
        } else if (!sk.inRecovery) {
            sk.timers.armRtx();
        }
        sk.wakeWriters();
    }

    /**
     * Slow start and congestion avoidance (RFC 5681 §3.1), growing only when the window was
     * the limit ({@code tcp_is_cwnd_limited}). Mirrors {@code tcp_reno_cong_avoid()}.
     */
    private static void congAvoid(TcpSock sk, int acked, int priorOut) {
        if (acked <= 0) {
            return;
        }
        boolean limited = sk.cwnd < sk.ssthresh ? priorOut * 2 >= sk.cwnd : priorOut >= sk.cwnd;
        if (!limited) {
            return;
        }
        if (sk.cwnd < sk.ssthresh) {
            int grow = Math.min(acked, sk.ssthresh - sk.cwnd);
            sk.cwnd += grow;
            acked -= grow;
            if (acked == 0) {
                return;
            }
        }
        sk.cwndCnt += acked;
        if (sk.cwndCnt >= sk.cwnd) {
            sk.cwndCnt -= sk.cwnd;
            sk.cwnd++;
        }
    }

    /** After the window grew: the send buffer follows ({@code tcp_new_space} → {@code tcp_sndbuf_expand}). */
    private static void afterGrowth(TcpSock sk, int before) {
        if (sk.cwnd > before) {
            sk.expandSndbuf();
        }
    }

    /**
     * A duplicate ACK. On the third (tcp_reordering), fast retransmit and NewReno recovery
     * (RFC 6582 §3.2: ssthresh = max(FlightSize/2, 2), cwnd = ssthresh + 3); later ones inflate.
     */
    private void dupAck(TcpSock sk) {
        sk.dupAcks++;
        if (sk.inRecovery) {
            sk.cwnd++;
            tcp.output.writeXmit(sk, true);
            return;
        }
        if (sk.dupAcks == (int) tcp.sysctl.reordering.get() && !sk.inLoss) {
            sk.ssthresh = Math.max(sk.packetsOut / 2, 2);
            sk.cwnd = sk.ssthresh + 3;
            sk.inRecovery = true;
            sk.highSeq = sk.sndNxt;
            tcp.ext.inc(TcpExtMib.TCPRenoRecovery);
            tcp.ext.inc(TcpExtMib.TCPFastRetrans);
            tcp.output.retransmitHead(sk);
            sk.timers.armRtx();
        }
    }

    /**
     * The retransmission timeout: RFC 5681 §3.1 (ssthresh = max(FlightSize/2, 2), cwnd = 1),
     * then go back to the first unacknowledged segment. Mirrors {@code tcp_enter_loss()}.
     */
    void enterLoss(TcpSock sk) {
        if (sk.state == TcpState.SYN_SENT) {
            SkBuff syn = sk.writeQueue.peek();
            if (syn != null) {
                syn.cb[TcpSock.CB_RETRANS] = 1;
                tcp.output.transmitQueued(sk, syn);
                tcp.mib.inc(TcpMib.RetransSegs);
                sk.totalRetrans++;
            }
            return;
        }
        if (sk.state == TcpState.SYN_RECV && sk.sndUna == sk.iss) {
            SkBuff syn = sk.writeQueue.peek();
            if (syn != null) {
                tcp.output.transmitQueued(sk, syn);
                tcp.mib.inc(TcpMib.RetransSegs);
            }
            return;
        }
        if (!sk.inLoss) {
            sk.ssthresh = Math.max(sk.packetsOut / 2, 2);
        }
        sk.cwnd = 1;
        sk.cwndCnt = 0;
        sk.inRecovery = false;
        sk.inLoss = true;
        sk.highSeq = sk.sndNxt;
        sk.dupAcks = 0;
        sk.sendHead = sk.writeQueue.peek();
        sk.packetsOut = 0;
        SkBuff head = sk.sendHead;
        if (head != null) {
            if (tcp.output.retransmit(sk, head)) {
                sk.sendHead = sk.writeQueue.next(head);
                sk.packetsOut = 1;
            }
        }
    }

    /**
     * Removes what {@code ack} covers from the write queue, trimming a partly acknowledged
     * segment. Mirrors {@code tcp_clean_rtx_queue()}; the RTT sample follows Karn's rule or
     * uses the timestamp echo (RFC 7323 §4).
     *
     * @return segments fully acknowledged
     */
    int cleanRtxQueue(TcpSock sk, int ack, Seg s) {
        int acked = 0;
        long now = sk.now();
        long sampleNanos = -1;
        SkBuff skb = sk.writeQueue.peek();
        boolean inFlight = skb != sk.sendHead;
        while (skb != null) {
            if (skb == sk.sendHead) {
                inFlight = false;
            }
            int seq = (int) skb.cb[TcpSock.CB_SEQ];
            int end = (int) skb.cb[TcpSock.CB_END_SEQ];
            if (end - ack > 0) {
                if (ack - seq > 0 && skb.len() > 0) {
                    int n = Math.min(ack - seq, skb.len());
                    skb.pull(n);
                    skb.cb[TcpSock.CB_SEQ] = seq + n;
                    skb.cb[TcpSock.CB_FLAGS] &= ~Tcp.SYN;
                }
                break;
            }
            if (skb.cb[TcpSock.CB_RETRANS] == 0 && skb.cb[TcpSock.CB_WHEN] != 0) {
                sampleNanos = now - skb.cb[TcpSock.CB_WHEN];
            }
            SkBuff next = sk.writeQueue.next(skb);
            if (skb == sk.sendHead) {
                // Acknowledged before it was (re)sent after a timeout: the peer had it already.
                sk.sendHead = next;
            }
            sk.writeQueue.unlink(skb);
            sk.wmemQueued -= skb.truesize();
            skb.free();
            if (inFlight) {
                sk.packetsOut = Math.max(sk.packetsOut - 1, 0);
                acked++;
            }
            skb = next;
        }
        if (sk.tsOk && s != null && s.opts.hasTimestamps && s.opts.tsEcr != 0) {
            long ms = (long) (tcp.tsNow() + sk.tsOffset - s.opts.tsEcr);
            if (ms >= 0 && ms < 3_600_000) {
                sampleNanos = Math.max(ms * 1_000_000L, 1_000L);
            }
        }
        if (sampleNanos >= 0 && acked > 0) {
            rttSample(sk, sampleNanos);
        }
        return acked;
    }

    /**
     * An RTT measurement. Mirrors {@code tcp_rtt_estimator()} / {@code tcp_set_rto()} (RFC 6298
     * §2): SRTT and RTTVAR with gains 1/8 and 1/4; RTO = SRTT + max(4·RTTVAR, 200 ms), at most
     * 120 s.
     */
    static void rttSample(TcpSock sk, long nanos) {
        long m = Math.max(nanos / 1000, 1);
        if (sk.srttUs == 0) {
            sk.srttUs = m << 3;
            sk.rttvarUs = m << 1;
        } else {
            long srtt = sk.srttUs >> 3;
            long err = Math.abs(srtt - m);
            sk.rttvarUs = (3 * sk.rttvarUs + err) / 4;
            sk.srttUs = sk.srttUs - (sk.srttUs >> 3) + m;
        }
        long rto = (sk.srttUs >> 3) * 1000 + Math.max(4 * (sk.rttvarUs / 4) * 1000, TcpTimers.RTO_MIN);
        sk.rtoNanos = Math.min(Math.max(rto, TcpTimers.RTO_MIN), TcpTimers.RTO_MAX);
    }

    // ================================================================ data

    /**
     * Mirrors {@code tcp_data_queue()}: in order → the receive queue (then what the out-of-order
     * queue can now give); old → a duplicate ACK; beyond the window → dropped with an ACK; ahead
     * of RCV.NXT → the out-of-order queue with an immediate duplicate ACK (RFC 5681 §4.2).
     */
    private void dataQueue(TcpSock sk, SkBuff skb, Seg s) {
        Tracer t = tcp.kernel.tracer();
        t.enter(Stage.TCP_DATA_QUEUE, skb, tcp.net.name(), "");
        try {
            boolean fin = (s.flags & Tcp.FIN) != 0;
            if (s.len == 0 && !fin) {
                skb.free();
                return;
            }
            if ((sk.shutdownBits() & io.jnetstack.socket.Sock.RCV_SHUTDOWN) != 0 && !sk.orphan && s.seq - sk.rcvNxt >= 0
                    && sk.state != TcpState.ESTABLISHED && sk.state != TcpState.FIN_WAIT1 && sk.state != TcpState.FIN_WAIT2) {
                skb.free();
                return;
            }
            if (s.seq == sk.rcvNxt) {
                if (receiveWindow(sk) == 0 && s.len > 0) {
                    tcp.ext.inc(TcpExtMib.TCPZeroWindowDrop);
                    tcp.output.sendAck(sk);
                    tcp.net.drop(skb, DropReason.TCP_ZEROWINDOW);
                    return;
                }
                if (sk.rmem() + skb.truesize() > sk.rcvbuf() && s.len > 0 && !sk.rcvQueue().isEmpty()) {
                    tcp.ext.inc(TcpExtMib.TCPRcvQDrop);
                    tcp.output.sendAck(sk);
                    tcp.net.drop(skb, DropReason.PROTO_MEM);
                    return;
                }
                queueInOrder(sk, skb, s, 0);
                if (fin) {
                    fin(sk);
                }
                boolean hadOfo = !sk.ofoQueue.isEmpty();
                if (hadOfo) {
                    ofoQueueDrain(sk);
                }
                sk.wakeReaders();
                if (hadOfo || fin) {
                    sk.ackPending = true;
                    tcp.output.sendAck(sk);
                }
                return;
            }
            if (s.endSeq - sk.rcvNxt <= 0) {
                // A retransmission of what we have: ACK at once (RFC 9293 §3.10.7.4).
                tcp.ext.inc(TcpExtMib.DelayedACKLost);
                tcp.output.sendAck(sk);
                tcp.net.drop(skb, DropReason.TCP_OLD_DATA);
                return;
            }
            if (s.seq - (sk.rcvNxt + receiveWindow(sk)) >= 0) {
                tcp.output.sendAck(sk);
                tcp.net.drop(skb, DropReason.TCP_OVERWINDOW);
                return;
            }
            if (s.seq - sk.rcvNxt < 0) {
                queueInOrder(sk, skb, s, sk.rcvNxt - s.seq);
                if (fin) {
                    fin(sk);
                }
                if (!sk.ofoQueue.isEmpty()) {
                    ofoQueueDrain(sk);
                }
                sk.wakeReaders();
                tcp.output.sendAck(sk);
                return;
            }
            ofoInsert(sk, skb, s);
            tcp.output.sendAck(sk);
        } finally {
            t.exit();
        }
    }

    /** Appends the payload (after {@code skip} old bytes) to the receive queue. */
    private void queueInOrder(TcpSock sk, SkBuff skb, Seg s, int skip) {
        skb.pull(s.hl + skip);
        int len = s.len - skip;
        skb.cb[TcpSock.CB_SEQ] = s.seq + skip;
        skb.cb[TcpSock.CB_END_SEQ] = s.seq + s.len;
        skb.cb[TcpSock.CB_FLAGS] = s.flags;
        sk.rcvNxt = s.seq + s.len;
        sk.bytesReceived += len;
        if (len > 0) {
            skb.dst = null;
            sk.chargeR(skb);
            sk.rcvQueue().addLast(skb);
            if (len > sk.rcvMss) {
                sk.rcvMss = Math.min(len, sk.advmss);
            }
            sk.ackPending = true;
        } else {
            skb.free();
        }
    }

    /** Keeps a segment that arrived ahead of a hole, in sequence order. */
    private void ofoInsert(TcpSock sk, SkBuff skb, Seg s) {
        tcp.ext.inc(TcpExtMib.TCPOFOQueue);
        if (sk.rmem() + skb.truesize() > sk.rcvbuf()) {
            tcp.ext.inc(TcpExtMib.TCPOFODrop);
            tcp.net.drop(skb, DropReason.PROTO_MEM);
            return;
        }
        skb.pull(s.hl);
        skb.cb[TcpSock.CB_SEQ] = s.seq;
        skb.cb[TcpSock.CB_END_SEQ] = s.seq + s.len;
        skb.cb[TcpSock.CB_FLAGS] = s.flags;
        skb.dst = null;
        SkBuff at = sk.ofoQueue.peek();
        while (at != null && (int) at.cb[TcpSock.CB_SEQ] - s.seq < 0) {
            at = sk.ofoQueue.next(at);
        }
        if (at != null && (int) at.cb[TcpSock.CB_SEQ] == s.seq && (int) at.cb[TcpSock.CB_END_SEQ] - (s.seq + s.len) >= 0) {
            tcp.ext.inc(TcpExtMib.TCPOFOMerge);
            skb.free();
            return;
        }
        sk.chargeR(skb);
        if (at == null) {
            sk.ofoQueue.addLast(skb);
        } else {
            sk.ofoQueue.insertBefore(at, skb);
        }
    }

    /** Moves what became in order from the out-of-order queue. Mirrors {@code tcp_ofo_queue()}. */
    private void ofoQueueDrain(TcpSock sk) {
        SkBuff skb = sk.ofoQueue.peek();
        while (skb != null && (int) skb.cb[TcpSock.CB_SEQ] - sk.rcvNxt <= 0) {
            SkBuff next = sk.ofoQueue.next(skb);
            sk.ofoQueue.unlink(skb);
            int seq = (int) skb.cb[TcpSock.CB_SEQ];
            int end = (int) skb.cb[TcpSock.CB_END_SEQ];
            boolean fin = (skb.cb[TcpSock.CB_FLAGS] & Tcp.FIN) != 0;
            if (end - sk.rcvNxt <= 0 && !(fin && end == sk.rcvNxt)) {
                skb.free();
            } else {
                int skip = sk.rcvNxt - seq;
                if (skip > 0) {
                    skb.pull(skip);
                    skb.cb[TcpSock.CB_SEQ] = sk.rcvNxt;
                }
                sk.rcvNxt = end;
                sk.bytesReceived += skb.len();
                if (skb.len() > 0) {
                    sk.rcvQueue().addLast(skb);
                } else {
                    skb.free();
                }
                if (fin) {
                    fin(sk);
                    break;
                }
            }
            skb = next;
        }
    }

    /**
     * The peer's FIN (RFC 9293 §3.10.7.4 eighth). Mirrors {@code tcp_fin()}: no more data;
     * ESTABLISHED → CLOSE_WAIT, FIN_WAIT1 → CLOSING, FIN_WAIT2 → TIME_WAIT.
     */
    void fin(TcpSock sk) {
        sk.rcvNxt++;
        sk.addShutdown(io.jnetstack.socket.Sock.RCV_SHUTDOWN);
        sk.ackPending = true;
        switch (sk.state) {
            case SYN_RECV, ESTABLISHED -> sk.state = TcpState.CLOSE_WAIT;
            case FIN_WAIT1 -> sk.state = TcpState.CLOSING;
            case FIN_WAIT2 -> {
                tcp.output.sendAck(sk);
                TcpClose.timeWait(sk, TcpTimers.TIMEWAIT_LEN);
                return;
            }
            default -> {
            }
        }
        while (!sk.ofoQueue.isEmpty()) {
            sk.ofoQueue.poll().free();
        }
        sk.stateChange();
    }

    /** Urgent pointer (RFC 9293 §3.8.5): noted for MSG_OOB readers and POLLPRI. */
    private static void urg(TcpSock sk, Seg s) {
        if ((s.flags & Tcp.URG) != 0 && s.urg != 0) {
            sk.urgPending = false;
        }
    }

    // ================================================================ after a segment

    /** Mirrors {@code tcp_data_snd_check()}: the ACK may have opened the window. */
    void dataSndCheck(TcpSock sk) {
        if (sk.sendHead != null) {
            tcp.output.pushPending(sk);
        }
    }

    /**
     * Mirrors {@code __tcp_ack_snd_check()} (RFC 1122 §4.2.3.2, RFC 5681 §4.2): ACK now in
     * quick-ACK mode, when more than one full segment is unacknowledged, or when told; else
     * within the delayed-ACK timeout.
     */
    void ackSndCheck(TcpSock sk, boolean now) {
        if (!sk.ackPending || sk.state == TcpState.CLOSE) {
            return;
        }
        boolean twoSegs = sk.rcvNxt - sk.rcvWup > sk.rcvMss;
        if (now || sk.quickAcks > 0 || twoSegs) {
            tcp.output.sendAck(sk);
            return;
        }
        long ato = sk.srttUs == 0 ? TcpTimers.DELACK_MIN
                : Math.min(Math.max((sk.srttUs >> 3) * 1000 / 2, TcpTimers.DELACK_MIN), TcpTimers.DELACK_MAX);
        sk.timers.armDelack(ato);
    }

    // ================================================================ ICMP

    /** Mirrors the socket part of {@code tcp_v4_err()}. */
    void icmpError(TcpSock sk, int type, int code, int info, int seq) {
        if (sk.state != TcpState.LISTEN && (seq - sk.sndUna < 0 || seq - sk.sndNxt > 0)) {
            tcp.ext.inc(TcpExtMib.OutOfWindowIcmps);
            return;
        }
        if (type == io.jnetstack.wire.Icmp.DEST_UNREACH && code == io.jnetstack.wire.Icmp.FRAG_NEEDED) {
            if (info >= 68) {
                sk.rt = null;
                int before = sk.mssCache;
                tcp.output.syncMss(sk, info);
                if (sk.mssCache < before) {
                    tcp.output.retransmitHead(sk);
                }
            }
            return;
        }
        IcmpErr e = IcmpErr.of(type, code);
        if (e == null) {
            return;
        }
        if (sk.state == TcpState.SYN_SENT || sk.state == TcpState.SYN_RECV) {
            if (e.fatal() || type == io.jnetstack.wire.Icmp.DEST_UNREACH) {
                tcp.mib.inc(TcpMib.AttemptFails);
                sk.error(e.errno());
                TcpClose.done(sk);
            }
            return;
        }
        if (sk.recverrOn()) {
            sk.error(e.errno());
        } else {
            sk.setSoftError(e.errno());
        }
    }

    // ================================================================ TIME_WAIT

    /**
     * Mirrors {@code tcp_timewait_state_process()}: in-window RST kills (unless
     * tcp_rfc1337); a new SYN with a higher sequence number or a newer timestamp opens a new
     * connection (RFC 1122 §4.2.2.13); anything else gets an ACK and restarts the wait.
     */
    void timewaitProcess(TimeWaitSock tw, SkBuff skb) {
        Tracer t = tcp.kernel.tracer();
        t.enter(Stage.TCP_TIMEWAIT_STATE_PROCESS, skb, tcp.net.name(), skb.dev == null ? "" : skb.dev.name());
        Seg s = acquire();
        try {
            s.parse(skb);
            boolean paws = tw.tsOk && s.opts.hasTimestamps && (s.flags & Tcp.RST) == 0 && tw.tsRecent - s.opts.tsVal > 0;
            if (!paws && s.seq == tw.rcvNxt && (s.len == 0 && (s.flags & (Tcp.SYN | Tcp.FIN)) == 0 || (s.flags & Tcp.RST) != 0)) {
                if ((s.flags & Tcp.RST) != 0) {
                    if (tcp.sysctl.rfc1337.get() == 0) {
                        tw.kill();
                    }
                } else {
                    tw.reschedule();
                }
                if (s.opts.hasTimestamps) {
                    tw.tsRecent = s.opts.tsVal;
                    tw.tsRecentStamp = tcp.kernel.clock().nanos();
                }
                skb.free();
                return;
            }
            if ((s.flags & Tcp.SYN) != 0 && (s.flags & (Tcp.RST | Tcp.ACK)) == 0 && !paws
                    && (s.seq - tw.rcvNxt > 0 || (s.opts.hasTimestamps && tw.tsOk && tw.tsRecent - s.opts.tsVal < 0))) {
                tw.kill();
                TcpSock l = tcp.lookupListener(skb, tw.laddr, tw.lport, skb.dev, t);
                if (l != null) {
                    TcpConnect.connRequest(l, skb, s);
                    return;
                }
                tcp.output.sendReset(skb);
                tcp.net.drop(skb, DropReason.NO_SOCKET);
                return;
            }
            if (paws) {
                tcp.ext.inc(TcpExtMib.PAWSEstab);
            }
            if ((s.flags & Tcp.RST) == 0) {
                if (paws || (s.flags & Tcp.ACK) != 0) {
                    tw.reschedule();
                }
                TcpOptions o = null;
                if (tw.tsOk) {
                    o = new TcpOptions().timestamps(tcp.tsNow() + tw.tsOffset, tw.tsRecent);
                }
                tcp.output.reply(tw.laddr, tw.lport, tw.raddr, tw.rport, tw.sndNxt, tw.rcvNxt, Tcp.ACK,
                        tw.rcvWnd >>> tw.rcvWscale, o, skb);
            }
            skb.free();
        } finally {
            release(s);
            t.exit();
        }
    }

    /**
     * Whether an outgoing connect may take over the 4-tuple of a time-wait sock. Mirrors
     * {@code tcp_twsk_unique()}: with tcp_tw_reuse (2: loopback only) and timestamps, once a
     * second has passed since its last timestamp.
     */
    boolean twReusable(TimeWaitSock tw, int laddr, int raddr) {
        long mode = tcp.sysctl.twReuse.get();
        if (mode == 0 || !tw.tsOk) {
            return false;
        }
        if (mode == 2 && !(io.jnetstack.wire.Ipv4Address.isLoopback(laddr) && io.jnetstack.wire.Ipv4Address.isLoopback(raddr))) {
            return false;
        }
        return tcp.kernel.clock().nanos() - tw.tsRecentStamp > 1_000_000_000L;
    }

    static int ipProto() {
        return Ipv4.PROTO_TCP;
    }
}
