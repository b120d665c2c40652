package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.SkBuff;
import io.jnetstack.ipv4.Inet;
import io.jnetstack.ipv4.Rtable;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Address;
import io.jnetstack.wire.Tcp;
import io.jnetstack.wire.TcpOptions;

/**
 * Opening connections, both ways. Mirrors {@code tcp_v4_connect()}, {@code tcp_connect()} and
 * {@code tcp_rcv_synsent_state_process()} on the active side and {@code tcp_v4_conn_request()},
 * {@code tcp_check_req()}, {@code tcp_v4_syn_recv_sock()} and {@code cookie_v4_check()} on the
 * passive side (RFC 9293 §3.5, RFC 4987 for cookies).
 */
final class TcpConnect {
    private TcpConnect() {
    }

    /** The receive window scale that lets {@code space} be offered. Mirrors {@code tcp_select_initial_window()}. */
    static int wscaleFor(long space) {
        int ws = 0;
        while (space > 65535 && ws < TcpOptions.MAX_WSCALE) {
            space >>= 1;
            ws++;
        }
        return ws;
    }

    /** Sets the initial receive window, clamp and scale of {@code sk} for an MSS. */
    static void initReceiveWindow(TcpSock sk, int mss) {
        long space = Math.max(sk.tcp.sysctl.rmem.get(2), sk.tcp.sockets.rmemMax());
        sk.rcvWscale = (byte) (sk.tcp.sysctl.windowScaling.get() != 0 ? wscaleFor(space) : 0);
        sk.windowClamp = 65535 << 14;
        int full = sk.rcvbuf() / 2;
        int init = Math.min(full, 65535);
        if (init > mss) {
            init -= init % mss;
        }
        sk.rcvWnd = init;
        sk.rcvSsthresh = init;
        sk.rcvMss = Math.min(mss, 536);
    }

    // ================================================================ active open

    /**
     * Mirrors {@code inet_stream_connect()} → {@code tcp_v4_connect()}, with the socket-level
     * state ({@link TcpSock#connecting}: SS_CONNECTING) Linux keeps: a second connect while the SYN is
     * out is EALREADY; the first one after a non-blocking connect completed returns 0, later
     * ones EISCONN; after a failure it reports the error (ECONNABORTED once SO_ERROR took it).
     */
    static void streamConnect(TcpSock sk, SockAddrIn addr, long deadline) {
        switch (sk.state) {
            case ESTABLISHED, CLOSE_WAIT, FIN_WAIT1, FIN_WAIT2, CLOSING, LAST_ACK -> {
                if (sk.connecting) {
                    sk.connecting = false;
                    return;
                }
                throw new ErrnoException(Errno.EISCONN, "the socket is already connected");
            }
            case SYN_SENT, SYN_RECV -> {
                if (!sk.connecting) {
                    throw new ErrnoException(Errno.EISCONN, "the socket is already connected");
                }
                if (deadline == -1) {
                    throw new ErrnoException(Errno.EALREADY, "a connect is already in progress");
                }
            }
            case LISTEN -> throw new ErrnoException(Errno.EISCONN, "a listening socket cannot connect");
            default -> {
                if (sk.connecting) {
                    connectFailed(sk);
                }
                v4Connect(sk, addr);
                sk.connecting = true;
                if (deadline == -1) {
                    throw new ErrnoException(Errno.EINPROGRESS, "the connection is being set up; poll for POLLOUT, then read SO_ERROR");
                }
            }
        }
        waitConnect(sk, deadline);
    }

    private static void waitConnect(TcpSock sk, long deadline) {
        boolean done = sk.sleepWhile(() -> sk.state == TcpState.SYN_SENT || sk.state == TcpState.SYN_RECV, deadline);
        if (!done) {
            throw new ErrnoException(Errno.EINPROGRESS, "connect timed out (SO_SNDTIMEO); it goes on in the background");
        }
        if (sk.state == TcpState.CLOSE) {
            connectFailed(sk);
        }
        sk.connecting = false;
    }

    /** The {@code sock_error} exit of {@code inet_stream_connect()}: the error, or ECONNABORTED. */
    private static void connectFailed(TcpSock sk) {
        sk.connecting = false;
        Errno e = sk.takeErr();
        TcpClose.disconnect(sk);
        if (e == null) {
            throw new ErrnoException(Errno.ECONNABORTED, "the connection attempt failed (its error was already reported)");
        }
        throw new ErrnoException(e, e == Errno.ECONNREFUSED ? "the peer refused the connection (RST)"
                : e == Errno.ETIMEDOUT ? "no answer to the SYN after tcp_syn_retries retransmissions" : e.text());
    }

    /**
     * Mirrors {@code tcp_v4_connect()}: route ({@code ip_route_connect}; multicast and broadcast
     * refused with ENETUNREACH), the source address and an ephemeral port that makes the
     * 4-tuple unique, the ISN (RFC 6528), then {@code tcp_connect()}: the SYN goes on the write
     * queue and out.
     */
    static void v4Connect(TcpSock sk, SockAddrIn addr) {
        io.jnetstack.ipv4.tcp.Tcp tcp = sk.tcp;
        Tracer t = tcp.kernel.tracer();
        SkBuff syn = tcp.kernel.skbs().alloc(TcpOutput.MAX_HEADER, 0);
        t.enter(Stage.TCP_V4_CONNECT, syn, tcp.net.name(), "");
        try {
            int daddr = addr.addr() == 0 ? Ipv4Address.LOOPBACK : addr.addr();
            Rtable rt;
            t.enter(Stage.IP_ROUTE_CONNECT, syn, tcp.net.name(), "");
            try {
                rt = tcp.inet.routing().output(daddr, sk.src(), sk.tosValue(), sk.boundDevice(), sk.markValue());
            } finally {
                t.exit();
            }
            if (rt == null) {
                syn.free();
                Errno e = tcp.inet.routing().lastError();
                throw new ErrnoException(e == null ? Errno.ENETUNREACH : e, "no route to " + Ipv4Address.format(daddr));
            }
            if ((rt.flags() & (Rtable.RTCF_BROADCAST | Rtable.RTCF_MULTICAST)) != 0) {
                syn.free();
                throw new ErrnoException(Errno.ENETUNREACH, "TCP cannot connect to a broadcast or multicast address");
            }
            int src = sk.src() != 0 ? sk.src()
                    : rt.prefsrc() != 0 ? rt.prefsrc() : tcp.inet.devinet().selectAddress(rt.dev, daddr, Inet.SCOPE_UNIVERSE);
            int port = sk.localPort();
            if (port == 0) {
                port = tcp.connectPort(sk, src, daddr, addr.port());
                if (port < 0) {
                    syn.free();
                    throw new ErrnoException(Errno.EADDRNOTAVAIL, "no free local port for " + addr
                            + " in net.ipv4.ip_local_port_range");
                }
                sk.setLocalPort(port);
                tcp.addBound(port, sk);
            } else if (tcp.established.contains(src, port, daddr, addr.port())) {
                syn.free();
                throw new ErrnoException(Errno.EADDRNOTAVAIL, "the connection " + new SockAddrIn(src, port) + " -> " + addr + " exists");
            }
            sk.setAddresses(src, daddr, addr.port());
            sk.rt = rt;
            tcp.hashEstablished(sk);
            sk.iss = tcp.isn(src, port, daddr, addr.port());
            sk.tsOffset = tcp.tsOffset(src, daddr);
            sk.advmss = TcpOutput.advMss(rt.mtu(), sk.userMss);
            sk.rxOptMss = 0;
            tcp.output.syncMss(sk, rt.mtu());
            initReceiveWindow(sk, sk.advmss);
            connect(sk, syn);
        } finally {
            t.exit();
        }
    }

    /** Mirrors {@code tcp_connect()}: queue the SYN, send it, arm the retransmission timer. */
    private static void connect(TcpSock sk, SkBuff syn) {
        io.jnetstack.ipv4.tcp.Tcp tcp = sk.tcp;
        sk.sndUna = sk.iss;
        sk.sndNxt = sk.iss;
        sk.writeSeq = sk.iss + 1;
        sk.sndSml = sk.iss;
        sk.sndUp = sk.iss;
        sk.sndWnd = 0;
        sk.retransmits = 0;
        sk.backoff = 0;
        sk.rtoNanos = TcpTimers.TIMEOUT_INIT;
        syn.cb[TcpSock.CB_SEQ] = sk.iss;
        syn.cb[TcpSock.CB_END_SEQ] = sk.iss + 1;
        syn.cb[TcpSock.CB_FLAGS] = Tcp.SYN;
        tcp.mem.forceSchedule(sk, syn.truesize());   // tcp_connect: the SYN is never refused
        sk.chargeW(syn);
        sk.writeQueue.addLast(syn);
        sk.state = TcpState.SYN_SENT;
        sk.retransStamp = tcp.kernel.clock().nanos();   // the first SYN's time, for PAWS on the SYN-ACK
        tcp.mib.inc(TcpMib.ActiveOpens);
        tcp.output.sendSyn(sk);
    }

    /**
     * Mirrors {@code tcp_rcv_synsent_state_process()} (RFC 9293 §3.10.7.3): a bad ACK gets RST;
     * RST with a good ACK refuses the connection; SYN-ACK establishes it; a bare SYN is a
     * simultaneous open.
     */
    static boolean synSentStateProcess(TcpSock sk, SkBuff skb, TcpInput.Seg s) {
        if ((s.flags & Tcp.ACK) != 0) {
            if (s.ack - sk.iss <= 0 || s.ack - sk.sndNxt > 0) {
                if ((s.flags & Tcp.RST) != 0) {
                    sk.tcp.net.drop(skb, DropReason.TCP_RESET);
                    return false;
                }
                // Our RST may clear a stale connection at the peer: resend the SYN soon.
                if (sk.retransmits == 0) {
                    sk.timers.armRtx(TcpTimers.TIMEOUT_MIN);
                }
                return true;
            }
            if (s.opts.hasTimestamps && s.opts.tsEcr != 0 && !echoesOurSyn(sk, s.opts.tsEcr)) {
                // RFC 7323 §5.3 on the active side: the SYN-ACK must echo one of our SYNs' TSvals.
                sk.tcp.ext.inc(TcpExtMib.PAWSActive);
                return true;
            }
            if ((s.flags & Tcp.RST) != 0) {
                sk.tcp.input.reset(sk);
                sk.tcp.net.drop(skb, DropReason.TCP_RESET);
                return false;
            }
            if ((s.flags & Tcp.SYN) == 0) {
                sk.tcp.net.drop(skb, DropReason.TCP_FLAGS);
                return false;
            }
            synAckReceived(sk, skb, s);
            return false;
        }
        if ((s.flags & Tcp.RST) != 0) {
            sk.tcp.net.drop(skb, DropReason.TCP_RESET);
            return false;
        }
        if ((s.flags & Tcp.SYN) != 0) {
            simultaneousOpen(sk, skb, s);
            return false;
        }
        sk.tcp.net.drop(skb, DropReason.TCP_FLAGS);
        return false;
    }

    /**
     * Whether {@code tsEcr} is a TSval we could have sent since the first SYN. Mirrors the
     * {@code PAWSActiveRejected} test of {@code tcp_rcv_synsent_state_process()}.
     */
    private static boolean echoesOurSyn(TcpSock sk, int tsEcr) {
        int first = (int) (sk.retransStamp / 1_000_000L);
        int echoed = tsEcr - sk.tsOffset;
        return Integer.compareUnsigned(echoed - first, sk.tcp.tsNow() - first) <= 0;
    }

    private static void negotiate(TcpSock sk, TcpInput.Seg s) {
        TcpOptions o = s.opts;
        sk.rxOptMss = o.mss > 0 ? o.mss : 536;
        sk.wscaleOk = o.wscale >= 0 && sk.tcp.sysctl.windowScaling.get() != 0;
        sk.sndWscale = (byte) (sk.wscaleOk ? Math.min(o.wscale, TcpOptions.MAX_WSCALE) : 0);
        if (!sk.wscaleOk) {
            sk.rcvWscale = 0;
            sk.windowClamp = Math.min(sk.windowClamp, 65535);   // RFC 7323 §2.2: no scaling, 16 bits
        }
        sk.sackOk = o.sackOk && sk.tcp.sysctl.sack.get() != 0;
        sk.tsOk = o.hasTimestamps && sk.tcp.sysctl.timestamps.get() != 0;
        if (sk.tsOk) {
            sk.tsRecent = o.tsVal;
            sk.tsRecentStamp = sk.now();
        }
    }

    /**
     * The peer's SYN seen from SYN_SENT (with our SYN ACKed or crossing it): options, the
     * receive sequence space from its ISN and the send window it offers (RFC 9293 §3.10.7.3).
     */
    private static void peerSynReceived(TcpSock sk, TcpInput.Seg s) {
        negotiate(sk, s);
        sk.irs = s.seq;
        sk.rcvNxt = s.seq + 1;
        sk.rcvWup = sk.rcvNxt;
        sk.copiedSeq = sk.rcvNxt;
        sk.sndWnd = s.window;
        sk.maxWindow = sk.sndWnd;
        sk.sndWl1 = s.seq;
    }

    private static void synAckReceived(TcpSock sk, SkBuff skb, TcpInput.Seg s) {
        peerSynReceived(sk, s);
        sk.sndWl2 = s.ack;
        TcpAck.cleanSyn(sk, s.ack, s);
        sk.sndUna = s.ack;
        TcpPacing.updatePacingRate(sk);   // tcp_ack() → tcp_cong_control(), before the MSS is synced
        TcpRecovery.rearmRto(sk);   // the SYN's retransmission timer stops with the SYN-ACK
        sk.tcp.output.syncMss(sk, sk.rt == null ? 1500 : sk.rt.mtu());
        sk.tcp.input.establish(sk);
        // Data (or FIN) on a SYN-ACK is not taken without Fast Open: the ACK covers only the
        // SYN and the peer sends it again (tcp_rcv_synsent_state_process discards it).
        skb.free();
        if (sk.writePending > 0 || sk.pingpong > 0) {
            // Save one ACK: a writer is about to send data that will carry it (or the socket
            // is in pingpong mode); the delayed ACK covers the case it does not.
            sk.ackPending = true;
            sk.timers.armDelack(TcpTimers.DELACK_MAX);
        } else {
            sk.tcp.output.sendAck(sk);
        }
        sk.tcp.input.dataSndCheck(sk);
    }

    private static void simultaneousOpen(TcpSock sk, SkBuff skb, TcpInput.Seg s) {
        peerSynReceived(sk, s);
        sk.state = TcpState.SYN_RECV;
        SkBuff syn = sk.writeQueue.peek();
        if (syn != null) {
            sk.tcp.output.transmitQueued(sk, syn);
        }
        skb.free();
    }

    // ================================================================ passive open

    /**
     * A SYN at a listener. Mirrors {@code tcp_conn_request()} / {@code tcp_v4_conn_request()}:
     * refuse broadcast and multicast; a full accept queue drops (ListenOverflows); a full SYN
     * queue falls back to SYN cookies when {@code tcp_syncookies} allows; otherwise a request
     * sock remembers the SYN and the SYN-ACK goes out.
     */
    static void connRequest(TcpSock listener, SkBuff skb, TcpInput.Seg s) {
        connRequest(listener, skb, s, 0);
    }

    /**
     * As {@link #connRequest(TcpSock, SkBuff, TcpInput.Seg)}, for a SYN that reopens a
     * TIME_WAIT connection with the ISN {@code twIsn} chosen there (0: none). Such requests skip
     * the SYN-flood checks, as Linux's {@code tcp_tw_isn} ones do: the peer is evidently real.
     */
    static void connRequest(TcpSock listener, SkBuff skb, TcpInput.Seg s, int twIsn) {
        io.jnetstack.ipv4.tcp.Tcp tcp = listener.tcp;
        Tracer t = tcp.kernel.tracer();
        t.enter(Stage.TCP_V4_CONN_REQUEST, skb, tcp.net.name(), skb.dev == null ? "" : skb.dev.name());
        try {
            byte[] b = skb.buf();
            int nh = skb.networkHeader();
            int laddr = Ipv4.dst(b, nh);
            int raddr = Ipv4.src(b, nh);
            if (skb.dst instanceof Rtable rt && (rt.flags() & (Rtable.RTCF_BROADCAST | Rtable.RTCF_MULTICAST)) != 0) {
                tcp.net.drop(skb, DropReason.TCP_INVALID_SYN);
                return;
            }
            int cookies = (int) tcp.sysctl.syncookies.get();
            boolean synFull = twIsn == 0 && synQueueFull(listener);
            boolean wantCookie = twIsn == 0 && (cookies == 2 || (synFull && cookies == 1));
            if (synFull && !wantCookie) {
                tcp.ext.inc(TcpExtMib.TCPReqQFullDrop);
                tcp.ext.inc(TcpExtMib.ListenDrops);
                tcp.net.drop(skb, DropReason.TCP_LISTEN_OVERFLOW);
                return;
            }
            if (acceptQueueFull(listener)) {
                tcp.ext.inc(TcpExtMib.ListenOverflows);
                tcp.ext.inc(TcpExtMib.ListenDrops);
                tcp.net.drop(skb, DropReason.TCP_LISTEN_OVERFLOW);
                return;
            }
            if (synFull) {
                tcp.ext.inc(TcpExtMib.TCPReqQFullDoCookies);
                listener.acceptQueue.lastSynOverflow = tcp.kernel.clock().nanos();
            }
            long maxSyn = tcp.sysctl.maxSynBacklog.get();
            if (cookies == 0 && twIsn == 0 && maxSyn - listener.acceptQueue.synQueueLen < (maxSyn >> 2)) {
                // tcp_conn_request: without cookies the last quarter of tcp_max_syn_backlog is
                // kept for peers proven alive (tcp_metrics; we keep no such history).
                tcp.ext.inc(TcpExtMib.ListenDrops);
                tcp.net.drop(skb, DropReason.TCP_LISTEN_OVERFLOW);
                return;
            }
            int mtu = skb.dst instanceof Rtable rt ? rt.mtu() : 1500;
            int advmss = TcpOutput.advMss(routeMtu(tcp, raddr, laddr, mtu), listener.userMss);
            int peerMss = s.opts.mss > 0 ? s.opts.mss : 536;
            int iss;
            if (wantCookie) {
                // The cookie carries the peer's MSS; the SYN-ACK still offers ours.
                int idx = SynCookies.mssIndex(Math.min(peerMss, advmss));
                iss = tcp.cookies.initSequence(laddr, s.dport, raddr, s.sport, s.seq, idx);
                peerMss = SynCookies.MSS[idx];
                tcp.ext.inc(TcpExtMib.SyncookiesSent);
            } else {
                iss = twIsn != 0 ? twIsn : tcp.isn(laddr, s.dport, raddr, s.sport);
            }
            RequestSock req = newRequest(listener, laddr, raddr, s, iss, advmss, peerMss, wantCookie);
            if (!wantCookie) {
                req.hash();
            }
            req.resendSynAck(skb);
            skb.free();
        } finally {
            t.exit();
        }
    }

    /**
     * Whether the SYN queue is full. Mirrors {@code inet_csk_reqsk_queue_is_full()}: more
     * requests than the backlog (so listen(fd, 0) still takes one).
     */
    static boolean synQueueFull(TcpSock listener) {
        return listener.acceptQueue.synQueueLen > listener.acceptQueue.maxBacklog;
    }

    /** Whether the accept queue is full. Mirrors {@code sk_acceptq_is_full()}: more than the backlog. */
    static boolean acceptQueueFull(TcpSock listener) {
        return listener.acceptQueue.size() > listener.acceptQueue.maxBacklog;
    }

    private static int routeMtu(io.jnetstack.ipv4.tcp.Tcp tcp, int raddr, int laddr, int fallback) {
        Rtable rt = tcp.inet.routing().output(raddr, laddr, 0, null, 0);
        return rt == null ? fallback : rt.mtu();
    }

    private static RequestSock newRequest(TcpSock listener, int laddr, int raddr, TcpInput.Seg s, int iss, int advmss,
                                          int peerMss, boolean cookie) {
        io.jnetstack.ipv4.tcp.Tcp tcp = listener.tcp;
        RequestSock req = new RequestSock(tcp, listener, laddr, s.dport, raddr, s.sport, s.seq, iss);
        req.mss = advmss;
        req.peerMss = peerMss;
        req.sackOk = s.opts.sackOk && tcp.sysctl.sack.get() != 0;
        req.tsOk = s.opts.hasTimestamps && tcp.sysctl.timestamps.get() != 0;
        req.tsRecent = s.opts.tsVal;
        req.tsOffset = tcp.tsOffset(laddr, raddr);
        req.wscaleOk = s.opts.wscale >= 0 && tcp.sysctl.windowScaling.get() != 0;
        req.sndWscale = req.wscaleOk ? Math.min(s.opts.wscale, TcpOptions.MAX_WSCALE) : 0;
        long space = Math.max(tcp.sysctl.rmem.get(2), tcp.sockets.rmemMax());
        req.rcvWscale = req.wscaleOk ? wscaleFor(space) : 0;
        int init = Math.min(listener.rcvbuf() / 2, 65535);
        if (init > advmss) {
            init -= init % advmss;
        }
        req.rcvWnd = init;
        req.peerWindow = s.window;
        req.cookie = cookie;
        if (cookie && !req.tsOk) {
            // tcp_conn_request(): without timestamps a cookie cannot carry window scaling or
            // SACK, so the SYN-ACK does not offer them.
            req.sackOk = false;
            req.wscaleOk = false;
            req.sndWscale = 0;
            req.rcvWscale = 0;
        }
        return req;
    }

    /**
     * A segment for a request sock. Mirrors {@code tcp_check_req()}, in its order: a pure
     * retransmitted SYN gets the SYN-ACK again (rate limited) and restarts the timer; an ACK that
     * does not acknowledge our SYN is the listener's to answer (RST); outside the window (or
     * failing PAWS) an ACK answers unless it is a RST; an in-window RST or SYN kills the request
     * (a SYN is answered with RST); without ACK the segment is dropped; otherwise the child is
     * born ({@code tcp_v4_syn_recv_sock}) unless the accept queue is full, in which case the
     * ACK is dropped and the SYN-ACK timer goes on (or, with tcp_abort_on_overflow, RST).
     *
     * @return the child, or null when the segment was consumed otherwise
     */
    static TcpSock checkReq(RequestSock req, SkBuff skb, TcpInput.Seg s) {
        io.jnetstack.ipv4.tcp.Tcp tcp = req.tcp;
        int flg = s.flags & (Tcp.RST | Tcp.SYN | Tcp.ACK);
        boolean paws = req.tsOk && s.opts.hasTimestamps && (flg & Tcp.RST) == 0 && req.tsRecent - s.opts.tsVal > 0;
        if (s.seq == req.irs && flg == Tcp.SYN && !paws) {
            if (!req.oow.limited(tcp, s, TcpExtMib.TCPACKSkippedSynRecv)) {
                req.resendSynAck(skb);
                req.restartTimer();
            }
            skb.free();
            return null;
        }
        if ((flg & Tcp.ACK) != 0 && s.ack != req.iss + 1) {
            // Returned to the listener, which resets an ACK it has no connection for.
            if ((flg & Tcp.RST) == 0) {
                tcp.output.sendReset(skb);
            }
            tcp.net.drop(skb, DropReason.TCP_FLAGS);
            return null;
        }
        int rcvNxt = req.irs + 1;
        if (paws || !inWindow(s.seq, s.endSeq, rcvNxt, rcvNxt + req.rcvWnd)) {
            if ((flg & Tcp.RST) == 0 && !req.oow.limited(tcp, s, TcpExtMib.TCPACKSkippedSynRecv)) {
                TcpOptions o = req.tsOk ? new TcpOptions().timestamps(tcp.tsNow() + req.tsOffset, req.tsRecent) : null;
                // Not a SYN: the window is scaled (tcp_v4_reqsk_send_ack).
                tcp.output.reply(req.laddr, req.lport, req.raddr, req.rport, req.iss + 1, rcvNxt, Tcp.ACK,
                        TcpOutput.synWindow(req.rcvWnd) >>> (req.wscaleOk ? req.rcvWscale : 0), o, skb);
            }
            if (paws) {
                tcp.ext.inc(TcpExtMib.PAWSEstab);
            }
            tcp.net.drop(skb, paws ? DropReason.TCP_RFC7323_PAWS : DropReason.TCP_INVALID_SEQUENCE);
            return null;
        }
        if (s.opts.hasTimestamps && s.seq - rcvNxt <= 0) {
            req.tsRecent = s.opts.tsVal;
        }
        if (s.seq == req.irs) {
            flg &= ~Tcp.SYN;   // the SYN itself is left of the window
        }
        if ((flg & (Tcp.RST | Tcp.SYN)) != 0) {
            tcp.mib.inc(TcpMib.AttemptFails);
            embryonicReset(req, skb, flg);
            return null;
        }
        if ((flg & Tcp.ACK) == 0) {
            tcp.net.drop(skb, DropReason.TCP_FLAGS);
            return null;
        }
        TcpSock listener = req.listener;
        if (acceptQueueFull(listener) || listener.state != TcpState.LISTEN) {
            tcp.ext.inc(TcpExtMib.ListenOverflows);
            tcp.ext.inc(TcpExtMib.ListenDrops);
            if (tcp.sysctl.abortOnOverflow.get() != 0) {
                embryonicReset(req, skb, flg);
                return null;
            }
            tcp.net.drop(skb, DropReason.TCP_LISTEN_OVERFLOW);
            return null;
        }
        req.drop();
        return createChild(listener, req, s);
    }

    /** The {@code embryonic_reset} exit of {@code tcp_check_req()}: RST unless it was one, the request goes. */
    private static void embryonicReset(RequestSock req, SkBuff skb, int flg) {
        io.jnetstack.ipv4.tcp.Tcp tcp = req.tcp;
        if ((flg & Tcp.RST) == 0) {
            tcp.output.sendReset(skb);
        }
        req.drop();
        tcp.ext.inc(TcpExtMib.EmbryonicRsts);
        tcp.net.drop(skb, DropReason.TCP_RESET);
    }

    /**
     * Whether {@code seq..endSeq} touches the window {@code start..end}. Mirrors
     * {@code tcp_in_window()} of the minisocks (RFC 9293 §3.10.7.4 acceptability).
     */
    static boolean inWindow(int seq, int endSeq, int start, int end) {
        if (seq == start) {
            return true;
        }
        if (endSeq - start > 0 && seq - end < 0) {
            return true;
        }
        return seq == end && seq == endSeq;
    }

    /**
     * A SYN cookie in an ACK at a listener. Mirrors {@code cookie_v4_check()}: only when the SYN
     * queue overflowed in the last two minutes; a valid cookie rebuilds the request.
     */
    static TcpSock cookieCheck(TcpSock listener, SkBuff skb, TcpInput.Seg s) {
        io.jnetstack.ipv4.tcp.Tcp tcp = listener.tcp;
        if (tcp.sysctl.syncookies.get() == 0 || (s.flags & (Tcp.SYN | Tcp.RST)) != 0) {
            return null;
        }
        if (tcp.sysctl.syncookies.get() != 2 && (listener.acceptQueue.lastSynOverflow == 0
                || tcp.kernel.clock().nanos() - listener.acceptQueue.lastSynOverflow > 120_000_000_000L)) {
            return null;
        }
        byte[] b = skb.buf();
        int nh = skb.networkHeader();
        int laddr = Ipv4.dst(b, nh);
        int raddr = Ipv4.src(b, nh);
        int idx = tcp.cookies.check(laddr, s.dport, raddr, s.sport, s.seq - 1, s.ack - 1);
        if (idx < 0) {
            tcp.ext.inc(TcpExtMib.SyncookiesFailed);
            return null;
        }
        tcp.ext.inc(TcpExtMib.SyncookiesRecv);
        if (acceptQueueFull(listener)) {
            tcp.ext.inc(TcpExtMib.ListenOverflows);
            tcp.ext.inc(TcpExtMib.ListenDrops);
            return null;
        }
        RequestSock req = new RequestSock(tcp, listener, laddr, s.dport, raddr, s.sport, s.seq - 1, s.ack - 1);
        int mtu = skb.dst instanceof Rtable rt ? rt.mtu() : 1500;
        req.mss = TcpOutput.advMss(routeMtu(tcp, raddr, laddr, mtu), listener.userMss);
        req.peerMss = SynCookies.MSS[idx];
        req.tsOffset = tcp.tsOffset(laddr, raddr);
        if (!cookieOptions(tcp, req, s)) {
            return null;
        }
        long space = Math.max(tcp.sysctl.rmem.get(2), tcp.sockets.rmemMax());
        req.rcvWscale = req.wscaleOk ? wscaleFor(space) : 0;
        int init = Math.min(listener.rcvbuf() / 2, 65535);
        if (init > req.mss) {
            init -= init % req.mss;
        }
        req.rcvWnd = init;
        req.peerWindow = s.window << req.sndWscale;
        return createChild(listener, req, s);
    }

    /**
     * The options a cookie connection keeps. Mirrors {@code cookie_timestamp_decode()}: without
     * a timestamp, none; with one, window scaling and SACK come back from the low bits of the
     * echoed TSval ({@link SynCookies#initTimestamp}).
     *
     * @return false when the echoed options cannot be honoured (the cookie is refused)
     */
    private static boolean cookieOptions(io.jnetstack.ipv4.tcp.Tcp tcp, RequestSock req, TcpInput.Seg s) {
        if (!s.opts.hasTimestamps) {
            return true;
        }
        if (tcp.sysctl.timestamps.get() == 0) {
            return false;
        }
        req.tsOk = true;
        req.tsRecent = s.opts.tsVal;
        int options = s.opts.tsEcr - req.tsOffset;
        req.sackOk = (options & SynCookies.TS_OPT_SACK) != 0;
        if (req.sackOk && tcp.sysctl.sack.get() == 0) {
            return false;
        }
        int ws = options & SynCookies.TS_OPT_WSCALE_MASK;
        if (ws == SynCookies.TS_OPT_WSCALE_MASK) {
            return true;
        }
        req.wscaleOk = true;
        req.sndWscale = ws;
        return tcp.sysctl.windowScaling.get() != 0;
    }

    /**
     * Makes the connected socket of a completed handshake and queues it for accept. Mirrors
     * {@code tcp_v4_syn_recv_sock()} → {@code tcp_create_openreq_child()} and
     * {@code inet_csk_reqsk_queue_add()}.
     */
    static TcpSock createChild(TcpSock listener, RequestSock req, TcpInput.Seg s) {
        io.jnetstack.ipv4.tcp.Tcp tcp = listener.tcp;
        TcpSock c = (TcpSock) tcp.sockets.newSock(io.jnetstack.socket.Socket.SOCK_STREAM, io.jnetstack.socket.Socket.IPPROTO_TCP);
        c.copyOptionsFrom(listener);
        c.setLocalPort(req.lport);
        c.setAddresses(req.laddr, req.raddr, req.rport);
        c.iss = req.iss;
        c.irs = req.irs;
        c.sndUna = req.iss + 1;
        c.sndNxt = req.iss + 1;
        c.writeSeq = req.iss + 1;
        c.sndSml = req.iss + 1;
        c.sndUp = req.iss + 1;
        c.rcvNxt = req.irs + 1;
        c.rcvWup = req.irs + 1;
        c.copiedSeq = req.irs + 1;
        c.rcvWnd = req.rcvWnd;
        c.rcvSsthresh = req.rcvWnd;
        c.windowClamp = 65535 << req.rcvWscale;   // tcp_select_initial_window(): what the scale can say
        c.sackOk = req.sackOk;
        c.tsOk = req.tsOk;
        c.tsRecent = req.tsRecent;
        c.tsRecentStamp = tcp.kernel.clock().nanos();
        c.tsOffset = req.tsOffset;
        c.wscaleOk = req.wscaleOk;
        c.sndWscale = (byte) req.sndWscale;
        c.rcvWscale = (byte) req.rcvWscale;
        c.rxOptMss = req.peerMss;
        c.advmss = req.mss;
        c.sndWnd = req.peerWindow;
        c.sndWl1 = req.irs;
        c.sndWl2 = req.iss;
        c.maxWindow = c.sndWnd;
        c.rt = tcp.inet.routing().output(req.raddr, req.laddr, c.tosValue(), c.boundDevice(), c.markValue());
        tcp.output.syncMss(c, c.rt == null ? 1500 : c.rt.mtu());
        c.rcvMss = Math.min(c.advmss, 536);
        c.state = TcpState.SYN_RECV;
        c.parent = listener;
        c.lastRecvNanos = tcp.kernel.clock().nanos();
        if (req.retrans == 0 && req.timer != null) {
            TcpAck.rttSample(c, tcp.kernel.clock().nanos() - (req.timer.expires() - TcpTimers.TIMEOUT_INIT));
        }
        tcp.hashEstablished(c);
        tcp.addBound(req.lport, c);
        tcp.mib.inc(TcpMib.PassiveOpens);
        return c;
    }

    /** Moves a child that reached ESTABLISHED onto its listener's accept queue and wakes it. */
    static void queueForAccept(TcpSock c) {
        TcpSock l = c.parent;
        if (l == null || c.inAcceptQueue) {
            return;
        }
        c.inAcceptQueue = true;
        l.acceptQueue.addLast(c);
        l.wakeReaders();
    }
}
