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
 * {@code tcp_rcv_state_process} (every other state, RFC 9293 §3.10.7), {@code tcp_data_queue}
 * with the out-of-order queue and the receiver's SACK and DSACK blocks ({@link TcpRcvSack}),
 * {@code tcp_fin}; {@code tcp_ack} is {@link TcpAck}, validation (RFC 5961, PAWS) {@link TcpValidate}, TIME_WAIT {@link TimeWaitSock},
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
        /** What {@code tcp_ack()} finds in it ({@code tcp_sacktag_state}, the ACK flags). */
        final TcpSack.State ackState = new TcpSack.State();
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
        if (f != Tcp.ACK || s.seq != sk.rcvNxt || s.urg != 0 || !sk.ofoEmpty() || TcpUrgent.pending(sk)) {
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
        sk.ca.init(sk);   // tcp_init_transfer() → tcp_init_congestion_control()
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
            TcpAck.cleanSyn(sk, s.ack, s);
            sk.sndUna = s.ack;
            TcpRecovery.rearmRto(sk);
            TcpValidate.replaceTsRecent(sk, s);
            establish(sk);
            TcpPacing.updatePacingRate(sk);
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

    /** {@link TcpAck#ack} with the challenge ACK for a too-old ACK. */
    int ack(TcpSock sk, SkBuff skb, Seg s) {
        return TcpAck.ack(sk, skb, s, true);
    }

    /**
     * {@link TcpAck#ack}; {@code challenge} false leaves the challenge ACK for a too-old ACK to
     * the caller ({@code FLAG_NO_CHALLENGE_ACK}).
     */
    int ack(TcpSock sk, SkBuff skb, Seg s, boolean challenge) {
        return TcpAck.ack(sk, skb, s, challenge);
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
                if (s.len > 0 && !TcpCollapse.roomInOrder(sk, s.seq, skb.truesize(), s.len)) {
                    tcp.ext.inc(TcpExtMib.TCPRcvQDrop);
                    tcp.output.sendAck(sk);
                    tcp.net.drop(skb, DropReason.PROTO_MEM);
                    return;
                }
                queueInOrder(sk, skb, s, 0);
                if (fin) {
                    fin(sk);
                }
                boolean hadOfo = !sk.ofoEmpty();
                if (hadOfo) {
                    ofoQueueDrain(sk);
                }
                if (sk.rxSack.count() > 0) {
                    sk.rxSack.remove(sk);
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
                TcpRcvSack.dsackSet(sk, s.seq, s.endSeq);   // RFC 2883 §4 (1)
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
                if (!TcpCollapse.roomInOrder(sk, s.seq, skb.truesize(), s.len)) {
                    tcp.ext.inc(TcpExtMib.TCPRcvQDrop);
                    tcp.output.sendAck(sk);
                    tcp.net.drop(skb, DropReason.PROTO_MEM);
                    return;
                }
                TcpRcvSack.dsackSet(sk, s.seq, sk.rcvNxt);   // the part we had (RFC 2883 §4.1.1)
                queueInOrder(sk, skb, s, sk.rcvNxt - s.seq);
                if (fin) {
                    fin(sk);
                }
                if (!sk.ofoEmpty()) {
                    ofoQueueDrain(sk);
                }
                if (sk.rxSack.count() > 0) {
                    sk.rxSack.remove(sk);
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
        skb.pullData(s.hl + skip);
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
        int truesize = skb.truesize();
        if (skb.gsoSize() != 0) {
            // A merged (GRO) or unsegmented (TSO) packet: its segments are gso_size long.
            truesize = (int) ((long) truesize * skb.gsoSize() / Math.max(len, 1));
            len = skb.gsoSize();
        }
        if (len < sk.rcvMss) {
            return;
        }
        sk.scalingRatio = (int) Math.max(1, Math.min(255, ((long) len << 8) / Math.max(truesize, 1)));
        sk.rcvMss = Math.min(len, sk.advmss);
    }

    /** Where a queued out-of-order segment ends in sequence space, its FIN included. */
    private static int ofoEnd(SkBuff skb) {
        return (int) skb.cb[TcpSock.CB_END_SEQ] + ((skb.cb[TcpSock.CB_FLAGS] & Tcp.FIN) != 0 ? 1 : 0);
    }

    /**
     * Keeps a segment that arrived ahead of a hole, in sequence order. Mirrors
     * {@code tcp_data_queue_ofo()}: what is already held is dropped and reported in a DSACK
     * block (RFC 2883 §4), a segment covering queued ones replaces them, and the segment's
     * range becomes the first SACK block ({@code tcp_sack_new_ofo_skb()}, RFC 2018 §4).
     */
    private void ofoInsert(TcpSock sk, SkBuff skb, Seg s) {
        tcp.ext.inc(TcpExtMib.TCPOFOQueue);
        if (!TcpCollapse.makeRoom(sk, s.seq, skb.truesize(), s.len)) {
            tcp.ext.inc(TcpExtMib.TCPOFODrop);
            tcp.net.drop(skb, DropReason.PROTO_MEM);
            return;
        }
        int seq = s.seq;
        int end = s.endSeq;
        skb.pull(s.hl);
        skb.cb[TcpSock.CB_SEQ] = s.seq;
        skb.cb[TcpSock.CB_END_SEQ] = s.seq + s.len;
        skb.cb[TcpSock.CB_FLAGS] = s.flags;
        skb.dst = null;
        if (sk.ofoEmpty()) {
            sk.rxSack.clearBlocks();   // the first hole: one block, this segment's
        }
        SkBuff at = sk.ofo().peek();
        while (at != null && (int) at.cb[TcpSock.CB_SEQ] - seq <= 0) {
            at = sk.ofo().next(at);
        }
        SkBuff prev = at == null ? sk.ofo().peekLast() : sk.ofo().prev(at);
        if (prev != null && seq - ofoEnd(prev) < 0) {
            int pseq = (int) prev.cb[TcpSock.CB_SEQ];
            if (end - ofoEnd(prev) <= 0) {
                tcp.ext.inc(TcpExtMib.TCPOFOMerge);
                skb.free();
                TcpRcvSack.dsackSet(sk, seq, end);
                addSack(sk, seq, end);
                return;
            }
            if (seq - pseq > 0) {
                TcpRcvSack.dsackSet(sk, seq, ofoEnd(prev));
            } else {
                TcpRcvSack.dsackExtend(sk, pseq, ofoEnd(prev));
                tcp.ext.inc(TcpExtMib.TCPOFOMerge);
                sk.ofo().unlink(prev);
                prev.free();
            }
        }
        sk.chargeR(skb);
        if (at == null) {
            sk.ofo().addLast(skb);
        } else {
            sk.ofo().insertBefore(at, skb);
        }
        // merge_right: drop what the new segment covers.
        for (SkBuff n = sk.ofo().next(skb); n != null; ) {
            int nseq = (int) n.cb[TcpSock.CB_SEQ];
            if (end - nseq <= 0) {
                break;
            }
            if (end - ofoEnd(n) < 0) {
                TcpRcvSack.dsackExtend(sk, nseq, end);
                break;
            }
            SkBuff nn = sk.ofo().next(n);
            sk.ofo().unlink(n);
            TcpRcvSack.dsackExtend(sk, nseq, ofoEnd(n));
            tcp.ext.inc(TcpExtMib.TCPOFOMerge);
            n.free();
            n = nn;
        }
        addSack(sk, seq, end);
    }

    private static void addSack(TcpSock sk, int seq, int end) {
        if (sk.sackOk) {
            sk.rxSackForUpdate().newOfo(seq, end);
        }
    }

    /**
     * Moves what became in order from the out-of-order queue. Mirrors {@code tcp_ofo_queue()}:
     * what the in-order data already covered is reported in a DSACK block.
     */
    private void ofoQueueDrain(TcpSock sk) {
        int dsackHigh = sk.rcvNxt;
        SkBuff skb = sk.ofo().peek();
        while (skb != null && (int) skb.cb[TcpSock.CB_SEQ] - sk.rcvNxt <= 0) {
            SkBuff next = sk.ofo().next(skb);
            sk.ofo().unlink(skb);
            int seq = (int) skb.cb[TcpSock.CB_SEQ];
            int end = (int) skb.cb[TcpSock.CB_END_SEQ];
            boolean fin = (skb.cb[TcpSock.CB_FLAGS] & Tcp.FIN) != 0;
            if (seq - dsackHigh < 0) {
                int dsack = dsackHigh;
                if (ofoEnd(skb) - dsackHigh < 0) {
                    dsackHigh = ofoEnd(skb);
                }
                TcpRcvSack.dsackExtend(sk, seq, dsack);
            }
            if (end - sk.rcvNxt <= 0 && !(fin && end == sk.rcvNxt)) {
                skb.free();
            } else {
                int skip = sk.rcvNxt - seq;
                if (skip > 0) {
                    skb.pullData(skip);
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
        while (!sk.ofoEmpty()) {
            sk.ofo().poll().free();
        }
        sk.rxSack.reset();
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
