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
 * Opening connections, both ways. Mirrors {@code tcp_v4_connect()} / {@code tcp_connect()} on
 * the active side and {@code tcp_v4_conn_request()}, {@code tcp_check_req()},
 * {@code tcp_v4_syn_recv_sock()} and {@code cookie_v4_check()} on the passive side
 * (RFC 9293 §3.5, RFC 4987 for cookies).
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
        sk.rcvWscale = sk.tcp.sysctl.windowScaling.get() != 0 ? wscaleFor(space) : 0;
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
            } else if (tcp.established.containsKey(new io.jnetstack.ipv4.tcp.Tcp.Tuple(src, port, daddr, addr.port()))) {
                syn.free();
                throw new ErrnoException(Errno.EADDRNOTAVAIL, "the connection " + new SockAddrIn(src, port) + " -> " + addr + " exists");
            }
            sk.setAddresses(src, daddr, addr.port());
            sk.rt = rt;
            sk.key = new io.jnetstack.ipv4.tcp.Tcp.Tuple(src, port, daddr, addr.port());
            tcp.hashEstablished(sk.key, sk);
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
        sk.sndWnd = 0;
        sk.retransmits = 0;
        sk.backoff = 0;
        sk.rtoNanos = TcpTimers.TIMEOUT_INIT;
        syn.cb[TcpSock.CB_SEQ] = sk.iss;
        syn.cb[TcpSock.CB_END_SEQ] = sk.iss + 1;
        syn.cb[TcpSock.CB_FLAGS] = Tcp.SYN;
        sk.writeQueue.addLast(syn);
        sk.state = TcpState.SYN_SENT;
        tcp.mib.inc(TcpMib.ActiveOpens);
        tcp.output.sendSyn(sk);
    }

    // ================================================================ passive open

    /**
     * A SYN at a listener. Mirrors {@code tcp_conn_request()} / {@code tcp_v4_conn_request()}:
     * refuse broadcast and multicast; a full accept queue drops (ListenOverflows); a full SYN
     * queue falls back to SYN cookies when {@code tcp_syncookies} allows; otherwise a request
     * sock remembers the SYN and the SYN-ACK goes out.
     */
    static void connRequest(TcpSock listener, SkBuff skb, TcpInput.Seg s) {
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
            boolean synFull = listener.synQueueLen >= Math.max(listener.maxAckBacklog, 1);
            boolean wantCookie = cookies == 2 || (synFull && cookies == 1);
            if (synFull && !wantCookie) {
                tcp.ext.inc(TcpExtMib.TCPReqQFullDrop);
                tcp.ext.inc(TcpExtMib.ListenDrops);
                tcp.net.drop(skb, DropReason.TCP_LISTEN_OVERFLOW);
                return;
            }
            if (listener.acceptQueue.size() > listener.maxAckBacklog) {
                tcp.ext.inc(TcpExtMib.ListenOverflows);
                tcp.ext.inc(TcpExtMib.ListenDrops);
                tcp.net.drop(skb, DropReason.TCP_LISTEN_OVERFLOW);
                return;
            }
            if (synFull) {
                tcp.ext.inc(TcpExtMib.TCPReqQFullDoCookies);
                listener.lastSynOverflow = tcp.kernel.clock().nanos();
            }
            int mtu = skb.dst instanceof Rtable rt ? rt.mtu() : 1500;
            int advmss = TcpOutput.advMss(routeMtu(tcp, raddr, laddr, mtu), listener.userMss);
            int peerMss = s.opts.mss > 0 ? s.opts.mss : 536;
            int iss;
            if (wantCookie) {
                int idx = SynCookies.mssIndex(Math.min(peerMss, advmss));
                iss = tcp.cookies.initSequence(laddr, s.dport, raddr, s.sport, s.seq, idx);
                advmss = SynCookies.MSS[idx];
                tcp.ext.inc(TcpExtMib.SyncookiesSent);
            } else {
                iss = tcp.isn(laddr, s.dport, raddr, s.sport);
            }
            RequestSock req = newRequest(listener, laddr, raddr, s, iss, advmss, peerMss, wantCookie);
            if (!wantCookie) {
                req.hash();
            } else {
                encodeCookieOptions(req);
            }
            req.resendSynAck(skb);
            skb.free();
        } finally {
            t.exit();
        }
    }

    /**
     * Without state, a cookie keeps the window scale and SACK-permitted in the SYN-ACK's
     * timestamp (low 6 bits: scale, 0xf for none; SACK); without timestamps they are not
     * offered at all. Mirrors {@code cookie_init_timestamp()} and the option clearing of
     * {@code tcp_conn_request()}.
     */
    private static void encodeCookieOptions(RequestSock req) {
        req.cookie = true;
        if (!req.tsOk) {
            req.wscaleOk = false;
            req.sackOk = false;
            req.sndWscale = 0;
            req.rcvWscale = 0;
            return;
        }
        int opts = (req.wscaleOk ? req.sndWscale & 0xf : 0xf) | (req.sackOk ? 0x10 : 0);
        int ts = req.tcp.tsNow() + req.tsOffset;
        if ((ts & 0x3f) > opts) {
            ts -= 64;
        }
        req.cookieTsVal = (ts & ~0x3f) | opts;
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
        if (cookie && req.tsOk) {
            // Without state, the SYN-ACK's timestamp is all we remember; options are re-read from
            // the ACK's (see cookieCheck).
            req.tsRecent = s.opts.tsVal;
        }
        return req;
    }

    /**
     * The final ACK for a request sock. Mirrors {@code tcp_check_req()}: a retransmitted SYN
     * gets the SYN-ACK again; RST in window drops the request; an ACK that does not acknowledge
     * our SYN is answered with RST; then the child is born ({@code tcp_v4_syn_recv_sock}) unless
     * the accept queue is full (the ACK is dropped and the SYN-ACK timer goes on).
     *
     * @return the child, or null when the segment was consumed otherwise
     */
    static TcpSock checkReq(RequestSock req, SkBuff skb, TcpInput.Seg s) {
        io.jnetstack.ipv4.tcp.Tcp tcp = req.tcp;
        if ((s.flags & Tcp.RST) != 0) {
            if (s.seq == req.irs + 1) {
                tcp.ext.inc(TcpExtMib.EmbryonicRsts);
                req.drop();
            }
            tcp.net.drop(skb, DropReason.TCP_RESET);
            return null;
        }
        if ((s.flags & Tcp.SYN) != 0 && s.seq == req.irs) {
            req.resendSynAck(skb);
            skb.free();
            return null;
        }
        if ((s.flags & Tcp.ACK) == 0) {
            tcp.net.drop(skb, DropReason.TCP_FLAGS);
            return null;
        }
        if (s.ack != req.iss + 1) {
            tcp.output.sendReset(skb);
            tcp.net.drop(skb, DropReason.TCP_ACK_UNSENT_DATA);
            return null;
        }
        if (s.seq - (req.irs + 1) < 0 || s.seq - (req.irs + 1 + req.rcvWnd) > 0 || (s.flags & Tcp.SYN) != 0) {
            tcp.output.reply(req.laddr, req.lport, req.raddr, req.rport, req.iss + 1, req.irs + 1, Tcp.ACK,
                    TcpOutput.synWindow(req.rcvWnd), null, skb);
            tcp.net.drop(skb, DropReason.TCP_INVALID_SEQUENCE);
            return null;
        }
        TcpSock listener = req.listener;
        if (listener.acceptQueue.size() >= Math.max(listener.maxAckBacklog, 1) + 1 || listener.state != TcpState.LISTEN) {
            tcp.ext.inc(TcpExtMib.ListenOverflows);
            tcp.ext.inc(TcpExtMib.ListenDrops);
            if (tcp.sysctl.abortOnOverflow.get() != 0) {
                tcp.output.sendReset(skb);
                req.drop();
            }
            tcp.net.drop(skb, DropReason.TCP_LISTEN_OVERFLOW);
            return null;
        }
        req.drop();
        return createChild(listener, req, s);
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
        if (tcp.sysctl.syncookies.get() != 2 && (listener.lastSynOverflow == 0
                || tcp.kernel.clock().nanos() - listener.lastSynOverflow > 120_000_000_000L)) {
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
        if (listener.acceptQueue.size() >= Math.max(listener.maxAckBacklog, 1) + 1) {
            tcp.ext.inc(TcpExtMib.ListenOverflows);
            tcp.ext.inc(TcpExtMib.ListenDrops);
            return null;
        }
        RequestSock req = new RequestSock(tcp, listener, laddr, s.dport, raddr, s.sport, s.seq - 1, s.ack - 1);
        req.mss = SynCookies.MSS[idx];
        req.peerMss = SynCookies.MSS[idx];
        req.tsOk = s.opts.hasTimestamps && tcp.sysctl.timestamps.get() != 0;
        req.tsRecent = s.opts.tsVal;
        req.tsOffset = tcp.tsOffset(laddr, raddr);
        req.rcvWnd = Math.min(listener.rcvbuf() / 2, 65535);
        if (req.tsOk) {
            int opts = s.opts.tsEcr & 0x3f;
            int ws = opts & 0xf;
            req.wscaleOk = ws != 0xf && tcp.sysctl.windowScaling.get() != 0;
            req.sndWscale = req.wscaleOk ? Math.min(ws, TcpOptions.MAX_WSCALE) : 0;
            long space = Math.max(tcp.sysctl.rmem.get(2), tcp.sockets.rmemMax());
            req.rcvWscale = req.wscaleOk ? wscaleFor(space) : 0;
            req.sackOk = (opts & 0x10) != 0 && tcp.sysctl.sack.get() != 0;
        }
        req.peerWindow = s.window << req.sndWscale;
        return createChild(listener, req, s);
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
        c.key = req.key;
        c.iss = req.iss;
        c.irs = req.irs;
        c.sndUna = req.iss + 1;
        c.sndNxt = req.iss + 1;
        c.writeSeq = req.iss + 1;
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
        c.sndWscale = req.sndWscale;
        c.rcvWscale = req.rcvWscale;
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
            TcpInput.rttSample(c, tcp.kernel.clock().nanos() - (req.timer.expires() - TcpTimers.TIMEOUT_INIT));
        }
        tcp.hashEstablished(c.key, c);
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
