package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.SkBuff;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Tcp;
import io.jnetstack.wire.TcpOptions;

/**
 * Receiving segments on a socket. Mirrors {@code net/ipv4/tcp_input.c}: {@code tcp_v4_do_rcv},
 * {@code tcp_rcv_established} (header prediction fast path and slow path),
 * {@code tcp_rcv_state_process} (every other state, RFC 9293 §3.10.7), {@code tcp_ack}
 * (RFC 6298 RTT, RFC 5681/6582 NewReno), {@code tcp_data_queue} with the out-of-order queue,
 * {@code tcp_fin}; validation (RFC 5961, PAWS) is {@link TcpValidate}, TIME_WAIT {@link TimeWaitSock},
 * SYN_SENT {@link TcpConnect}.
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
                // tcp_v4_cookie_check() first, then tcp_rcv_state_process() for the listener.
                TcpSock child = (s.flags & Tcp.ACK) != 0 ? TcpConnect.cookieCheck(sk, skb, s) : null;
                if (child != null) {
                    childRcv(child, skb, s);
                } else if (rcvStateProcess(sk, skb, s)) {
                    tcp.output.sendReset(skb);
                    tcp.net.drop(skb, DropReason.TCP_FLAGS);
                }
            } else if (rcvStateProcess(sk, skb, s)) {
                tcp.output.sendReset(skb);
                tcp.net.drop(skb, DropReason.TCP_INVALID_SEQUENCE);
            }
        } finally {
            release(s);
            t.exit();
        }
    }

    /**
     * The LISTEN case of {@code tcp_rcv_state_process()} (RFC 9293 §3.10.7.2): an ACK has no
     * connection here (RST, unless it is one); RST is dropped; SYN (without FIN) becomes a
     * request; anything else is dropped.
     *
     * @return true when the caller must answer with RST
     */
    private boolean listenStateProcess(TcpSock l, SkBuff skb, Seg s) {
        if ((s.flags & (Tcp.ACK | Tcp.RST)) == Tcp.ACK) {
            return true;
        }
        if ((s.flags & Tcp.RST) != 0) {
            tcp.net.drop(skb, DropReason.TCP_RESET);
            return false;
        }
        if ((s.flags & Tcp.SYN) != 0 && (s.flags & Tcp.FIN) == 0) {
            TcpConnect.connRequest(l, skb, s);
            return false;
        }
        tcp.net.drop(skb, DropReason.TCP_FLAGS);
        return false;
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
     * Jacobson's fast path does) for pure ACKs and in-order data the forward allocation already
     * covers (else {@code tcp_data_queue} schedules memory); else the slow path.
     */
    private void rcvEstablished(TcpSock sk, SkBuff skb, Seg s) {
        Tracer t = tcp.kernel.tracer();
        t.enter(Stage.TCP_RCV_ESTABLISHED, skb, tcp.net.name(), skb.dev == null ? "" : skb.dev.name());
        try {
            sk.lastRecvNanos = sk.now();
            if (predicted(sk, s)) {
                if (s.opts.hasTimestamps && sk.rcvNxt == sk.rcvWup) {
                    TcpValidate.storeTsRecent(sk, s);
                }
                if (s.len == 0) {
                    tcp.ext.inc(TcpExtMib.TCPHPAcks);
                    ack(sk, skb, s);
                    skb.free();
                    dataSndCheck(sk);
                    return;
                }
                if (s.len <= receiveWindow(sk) && sk.rmem() < sk.rcvbuf() && skb.truesize() <= sk.forwardAlloc) {
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

    /**
     * Header prediction: ACK (maybe PSH) only, the next expected segment, same window, and no
     * out-of-order data waiting and no urgent data pending (Linux sets {@code pred_flags} only then,
     * {@code tcp_fast_path_check}): the segment that fills a hole must go through
     * {@code tcp_data_queue} to drain the queue, the one with an awaited urgent byte through {@code tcp_urg}.
     */
    private static boolean predicted(TcpSock sk, Seg s) {
        int f = s.flags & (Tcp.FLAGS_MASK & ~Tcp.PSH);
        if (f != Tcp.ACK || s.seq != sk.rcvNxt || s.urg != 0 || !sk.ofoQueue.isEmpty() || TcpUrgent.pending(sk)) {
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
        if (!tcp.validate.incoming(sk, skb, s, true)) {
            return;
        }
        int acked = ack(sk, skb, s);
        if (acked < 0) {
            tcp.net.drop(skb, DropReason.TCP_ACK_UNSENT_DATA);
            return;
        }
        if (acked > 0) {
            TcpValidate.replaceTsRecent(sk, s);
        }
        TcpUrgent.urg(sk, skb, s);
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
                case LISTEN -> {
                    return listenStateProcess(sk, skb, s);
                }
                case SYN_SENT -> {
                    return TcpConnect.synSentStateProcess(sk, skb, s);
                }
                default -> {
                    return synchronized_(sk, skb, s);
                }
            }
        } finally {
            t.exit();
        }
    }

    /** Both sides synchronized: cwnd, buffers, keepalive; wake the connecter (tcp_finish_connect). */
    void establish(TcpSock sk) {
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
        if (!tcp.validate.incoming(sk, skb, s, false)) {
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
            rearmRto(sk);
            TcpValidate.replaceTsRecent(sk, s);
            establish(sk);
            TcpConnect.queueForAccept(sk);
        } else {
            int acked = ack(sk, skb, s, false);
            if (acked < 0) {
                // tcp_rcv_state_process: a bad ACK while closing gets a challenge ACK.
                tcp.validate.challengeAck(sk);
                tcp.net.drop(skb, DropReason.TCP_ACK_UNSENT_DATA);
                return false;
            }
            if (acked > 0) {
                TcpValidate.replaceTsRecent(sk, s);
            }
        }
        boolean finAcked = sk.finSent && sk.sndUna == sk.writeSeq;
        switch (sk.state) {
            case FIN_WAIT1 -> {
                if (finAcked) {
                    sk.state = TcpState.FIN_WAIT2;
                    sk.addShutdown(io.jnetstack.socket.Sock.SEND_SHUTDOWN);
                    sk.stateChange();
                    if (sk.orphan) {
                        if (sk.linger2 == -1) {
                            // TCP_LINGER2 < 0: no FIN_WAIT2 for an orphan; RST in reply.
                            tcp.ext.inc(TcpExtMib.TCPAbortOnData);
                            TcpClose.done(sk);
                            return true;
                        }
                        TcpClose.finWait2Orphan(sk);
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
        TcpUrgent.urg(sk, skb, s);
        // Step 7 (RFC 9293 §3.10.7.4 seventh), as tcp_rcv_state_process(): after the peer's FIN
        // nothing new is taken, but an old segment (a retransmitted FIN) still gets its ACK;
        // new data once the user shut reading (close() included) resets the connection.
        boolean finIn = sk.state == TcpState.CLOSE_WAIT || sk.state == TcpState.CLOSING || sk.state == TcpState.LAST_ACK;
        if (finIn && s.seq - sk.rcvNxt >= 0) {
            skb.free();
        } else {
            if ((finIn || sk.state == TcpState.FIN_WAIT1 || sk.state == TcpState.FIN_WAIT2)
                    && (sk.shutdownBits() & io.jnetstack.socket.Sock.RCV_SHUTDOWN) != 0
                    && s.endSeq != s.seq && s.endSeq - ((s.flags & Tcp.FIN) != 0 ? 1 : 0) - sk.rcvNxt > 0) {
                tcp.ext.inc(TcpExtMib.TCPAbortOnData);
                reset(sk);
                return true;   // the caller answers with RST and drops the segment
            }
            dataQueue(sk, skb, s);
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
        return ack(sk, skb, s, true);
    }

    /**
     * As {@link #ack(TcpSock, SkBuff, Seg)}; {@code challenge} false leaves the challenge ACK
     * for a too-old ACK to the caller ({@code FLAG_NO_CHALLENGE_ACK}).
     */
    int ack(TcpSock sk, SkBuff skb, Seg s, boolean challenge) {
        Tracer t = tcp.kernel.tracer();
        t.enter(Stage.TCP_ACK, skb, tcp.net.name(), "");
        try {
            int priorUna = sk.sndUna;
            if (s.ack - priorUna < 0) {
                // RFC 5961 §5.2: older than anything the peer could have seen (Linux bounds the
                // window by what was acknowledged so far) → challenge and drop; else ignore it.
                int maxWindow = (int) Math.min(sk.maxWindow & 0xffffffffL, sk.bytesAcked);
                if (s.ack - (priorUna - maxWindow) < 0) {
                    if (challenge) {
                        tcp.validate.challengeAck(sk);
                    }
                    return -1;
                }
                return 0;
            }
            if (s.ack - sk.sndNxt > 0) {
                return -1;
            }
            int priorPackets = sk.packetsOut;
            boolean windowChanged = updateWindow(sk, s);
            if (s.ack != priorUna) {
                newAck(sk, s, priorUna);
            } else if (s.len == 0 && (!windowChanged || s.opts.sackCount > 0) && sk.packetsOut > 0
                    && (s.flags & (Tcp.SYN | Tcp.FIN)) == 0) {
                dupAck(sk);
            }
            sk.probesOut = 0;   // the peer is alive (RFC 1122 §4.2.2.17)
            if (priorPackets == 0 && sk.sendHead != null) {
                ackProbe(sk);
            }
            return 1;
        } finally {
            t.exit();
        }
    }

    /**
     * An ACK while data waits with nothing in flight. Mirrors {@code tcp_ack_probe()}: when the
     * window now takes the next segment, probing is over (the caller sends it); else the probe
     * timer restarts from now with the current backoff.
     */
    private static void ackProbe(TcpSock sk) {
        SkBuff head = sk.sendHead;
        int end = (int) head.cb[TcpSock.CB_SEQ] + Math.min(head.len(), sk.mssCache);
        if (end - (sk.sndUna + sk.sndWnd) <= 0) {
            sk.timers.cancelProbe();
            sk.backoff = 0;
            sk.probesStamp = 0;
        } else {
            sk.timers.resetProbe();
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
        if (!sk.inRecovery && !sk.inLoss) {
            sk.retransStamp = 0;   // back in the Open state (tcp_fastretrans_alert)
        }
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
     * segment. Mirrors {@code tcp_clean_rtx_queue()} and {@code tcp_ack_update_rtt()}: the RTT
     * sample is the time since the oldest newly acknowledged segment was sent, none at all when
     * the ACK covers a retransmitted one (RFC 6298 §3, Karn); then, and only then, the timestamp
     * echo measures it (RFC 7323 §4). A valid sample ends the backoff (RFC 6298 §5, Karn: the
     * backed-off RTO is kept until then).
     *
     * @return segments fully acknowledged
     */
    int cleanRtxQueue(TcpSock sk, int ack, Seg s) {
        int acked = 0;
        long now = sk.now();
        long firstSent = 0;
        boolean retransAcked = false;
        boolean inFlight = true;
        SkBuff skb = sk.writeQueue.peek();
        while (skb != null) {
            int seq = (int) skb.cb[TcpSock.CB_SEQ];
            int end = (int) skb.cb[TcpSock.CB_END_SEQ];
            if (skb == sk.sendHead) {
                // After a go-back (RTO, MTU drop) the send head is behind SND.NXT: the ACK may
                // cover segments sent before that are waiting to be sent again. They go too.
                inFlight = false;
            }
            if (end - ack > 0) {
                if (ack - seq > 0 && skb.len() > 0) {
                    int n = Math.min(ack - seq, skb.len());
                    skb.pull(n);
                    skb.cb[TcpSock.CB_SEQ] = seq + n;
                    skb.cb[TcpSock.CB_FLAGS] &= ~Tcp.SYN;
                }
                break;
            }
            if (skb.cb[TcpSock.CB_RETRANS] != 0) {
                retransAcked = true;
            } else if (firstSent == 0) {
                firstSent = skb.cb[TcpSock.CB_WHEN];
            }
            SkBuff next = sk.writeQueue.next(skb);
            sk.writeQueue.unlink(skb);
            sk.freeW(skb);
            if (inFlight) {
                sk.packetsOut = Math.max(sk.packetsOut - 1, 0);
            } else {
                sk.sendHead = next;   // acknowledged before it was sent again: the peer had it
            }
            acked++;
            skb = next;
        }
        if (acked == 0) {
            return 0;
        }
        long sampleNanos = -1;
        if (firstSent != 0 && !retransAcked) {
            sampleNanos = now - firstSent;
        } else if (sk.tsOk && s != null && s.opts.hasTimestamps && s.opts.tsEcr != 0) {
            long ms = (long) (tcp.tsNow() + sk.tsOffset - s.opts.tsEcr);
            if (ms >= 0 && ms < 3_600_000) {
                sampleNanos = Math.max(ms * 1_000_000L, 1_000L);
            }
        }
        if (sampleNanos >= 0) {
            rttSample(sk, sampleNanos);
            sk.backoff = 0;
        }
        return acked;
    }

    /**
     * The acknowledged SYN leaves nothing in flight: its retransmission timer must not fire on
     * the first data. Mirrors {@code tcp_rearm_rto()} after {@code tcp_clean_rtx_queue()}.
     */
    static void rearmRto(TcpSock sk) {
        if (sk.packetsOut == 0) {
            sk.timers.cancelRtx();
        } else {
            sk.timers.armRtx();
        }
    }

    /**
     * An RTT measurement. Mirrors {@code tcp_rtt_estimator()} / {@code tcp_set_rto()} (RFC 6298
     * §2): SRTT and RTTVAR with gains 1/8 and 1/4; RTO = SRTT + max(4·RTTVAR, 200 ms), at most
     * 120 s. {@code srttUs} holds 8·SRTT and {@code rttvarUs} 4·RTTVAR, so (2.3)'s
     * RTTVAR ← 3/4·RTTVAR + 1/4·|SRTT − R'| becomes rttvarUs ← 3/4·rttvarUs + |SRTT − R'|.
     */
    static void rttSample(TcpSock sk, long nanos) {
        long m = Math.max(nanos / 1000, 1);
        if (sk.srttUs == 0) {
            sk.srttUs = m << 3;
            sk.rttvarUs = m << 1;
        } else {
            long srtt = sk.srttUs >> 3;
            long err = Math.abs(srtt - m);
            sk.rttvarUs = sk.rttvarUs - (sk.rttvarUs >> 2) + err;
            sk.srttUs = sk.srttUs - (sk.srttUs >> 3) + m;
        }
        long rto = (sk.srttUs >> 3) * 1000 + Math.max(sk.rttvarUs * 1000, TcpTimers.RTO_MIN);
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
            if (s.endSeq == s.seq) {
                // Nothing in sequence space. A SYN counts: a duplicate SYN-ACK (crossed
                // simultaneous open) is acknowledged below like any old segment.
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
                if (s.len > 0 && !TcpCollapse.roomInOrder(sk, s.seq, skb.truesize())) {
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
                if (!TcpCollapse.roomInOrder(sk, s.seq, skb.truesize())) {
                    tcp.ext.inc(TcpExtMib.TCPRcvQDrop);
                    tcp.output.sendAck(sk);
                    tcp.net.drop(skb, DropReason.PROTO_MEM);
                    return;
                }
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
            measureRcvMss(sk, skb, len);
            if (sk.tsOk && s.opts.hasTimestamps && s.opts.tsEcr != 0) {
                TcpRcvSpace.measureTs(sk, s.opts.tsEcr, len);
            }
            TcpRcvSpace.measure(sk);
            sk.ackPending = true;
        } else {
            skb.free();
        }
    }

    /**
     * Learns the peer's segment size and what its segments cost in memory. Mirrors
     * {@code tcp_measure_rcv_mss()}: a full-sized segment sets the receive MSS and the ratio of
     * payload to truesize that turns free buffer space into window ({@code scaling_ratio}), so a
     * peer sending small segments is not offered a window the buffer cannot hold. (Linux
     * re-measures only when the size changes and bounds the window's growth by rcv_ssthresh
     * besides; measuring every full-sized segment does the job of both.)
     */
    private static void measureRcvMss(TcpSock sk, SkBuff skb, int len) {
        if (len < sk.rcvMss) {
            return;
        }
        sk.scalingRatio = (int) Math.max(1, Math.min(255, ((long) len << 8) / skb.truesize()));
        sk.rcvMss = Math.min(len, sk.advmss);
    }

    /** Keeps a segment that arrived ahead of a hole, in sequence order. */
    private void ofoInsert(TcpSock sk, SkBuff skb, Seg s) {
        tcp.ext.inc(TcpExtMib.TCPOFOQueue);
        if (!TcpCollapse.makeRoom(sk, s.seq, skb.truesize())) {
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
        sk.finReceived = true;
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

    // ================================================================ after a segment

    /** Mirrors {@code tcp_data_snd_check()}: the ACK may have opened the window. */
    void dataSndCheck(TcpSock sk) {
        if (sk.sendHead != null) {
            tcp.output.pushPending(sk);
        }
    }

    /**
     * Mirrors {@code __tcp_ack_snd_check()} (RFC 1122 §4.2.3.2, RFC 5681 §4.2): ACK now in
     * quick-ACK mode, when more than one full segment is unacknowledged, when memory refused
     * data ({@code ICSK_ACK_NOW} with {@code ICSK_ACK_NOMEM}) or when told; else
     * within the delayed-ACK timeout.
     */
    void ackSndCheck(TcpSock sk, boolean now) {
        if (!sk.ackPending || sk.state == TcpState.CLOSE) {
            return;
        }
        boolean twoSegs = sk.rcvNxt - sk.rcvWup > sk.rcvMss;
        if (now || sk.quickAcks > 0 || twoSegs || sk.ackNomem) {
            tcp.output.sendAck(sk);
            return;
        }
        long ato = sk.srttUs == 0 ? TcpTimers.DELACK_MIN
                : Math.min(Math.max((sk.srttUs >> 3) * 1000 / 2, TcpTimers.DELACK_MIN), TcpTimers.DELACK_MAX);
        sk.timers.armDelack(ato);
    }
}
