package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Mib;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.SkbQueue;
import io.jnetstack.core.Sysctls;
import io.jnetstack.ipv4.Icmp;
import io.jnetstack.ipv4.Inet;
import io.jnetstack.ipv4.InetProtocol;
import io.jnetstack.socket.IcmpErr;
import io.jnetstack.socket.Socket;
import io.jnetstack.socket.Sockets;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Ipv4;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * TCP of one namespace: sysctls, the SNMP counters, the hash tables (established, listeners,
 * bound ports) and the receive entry {@code tcp_v4_rcv}. Mirrors {@code net/ipv4/tcp_ipv4.c} and
 * {@code struct inet_hashinfo}.
 * <pre>
 * tcp_v4_rcv → __inet_lookup_established → tcp_v4_do_rcv → tcp_rcv_established
 *                                                        → tcp_rcv_state_process
 *            → __inet_lookup_listener → tcp_v4_do_rcv → tcp_rcv_state_process → tcp_v4_conn_request
 *            → (request sock) tcp_check_req; (time-wait) tcp_timewait_state_process
 *            → no socket: tcp_v4_send_reset
 * </pre>
 */
public final class Tcp implements InetProtocol {
    final Net net;
    final Inet inet;
    final Kernel kernel;
    final Sockets sockets;
    final Mib<TcpMib> mib = new Mib<>("Tcp", TcpMib.class);
    final Mib<TcpExtMib> ext = new Mib<>("TcpExt", TcpExtMib.class);
    final TcpSysctls sysctl;
    final TcpOutput output;
    final TcpInput input;
    final TcpValidate validate;
    final SynCookies cookies;

    /** Established, request and time-wait socks by 4-tuple ({@code ehash}). */
    final EstablishedTable established;
    /** The receiver SACK state of every socket that has none of its own: empty, never written. */
    final TcpRcvSack noSack = new TcpRcvSack();
    /** Listening sockets by port ({@code lhash2}). */
    final Map<Integer, List<TcpSock>> listeners = new HashMap<>();
    /** Sockets and time-wait socks holding each local port ({@code bhash}). */
    final BindTable bound = new BindTable();
    private final long isnSecret;
    private final long portSecret;
    private int portCounter;
    final TcpMem mem;
    int timeWaits;
    int orphans;

    /** The congestion controls this namespace offers ({@code tcp_cong_list}). */
    final io.jnetstack.ipv4.tcp.cong.CongestionControls congestion;

    private Tcp(Sockets sockets) {
        this.sockets = sockets;
        this.net = sockets.net();
        this.inet = net.inet();
        this.kernel = net.kernel();
        this.congestion = io.jnetstack.ipv4.tcp.cong.CongestionControls.linuxDefaults(io.jnetstack.ipv4.tcp.cong.Reno::new,
                io.jnetstack.ipv4.tcp.cong.CubicParams.DEFAULTS, (how, cwnd) -> {
                    ext.inc(TcpExtMib.valueOf(how.detectCounter()));
                    ext.add(TcpExtMib.valueOf(how.cwndCounter()), cwnd);
                });
        this.sysctl = new TcpSysctls(net.sysctls(), congestion);
        java.util.random.RandomGenerator r = kernel.random("tcp secrets " + net.name());
        this.isnSecret = r.nextLong();
        this.portSecret = r.nextLong();
        this.cookies = new SynCookies(this, r.nextLong(), r.nextLong());
        this.established = new EstablishedTable(r.nextLong());
        this.output = new TcpOutput(this);
        this.input = new TcpInput(this);
        this.validate = new TcpValidate(this);
        this.mem = new TcpMem(this);
        mib.set(TcpMib.RtoAlgorithm, 1);
        mib.set(TcpMib.RtoMin, 200);
        mib.set(TcpMib.RtoMax, 120000);
        mib.set(TcpMib.MaxConn, -1);
    }

    /** Installs TCP in {@code sockets}' namespace: the protocol handler and SOCK_STREAM sockets. */
    public static Tcp install(Sockets sockets) {
        Tcp tcp = new Tcp(sockets);
        sockets.putProtocol("tcp", tcp);
        sockets.register(Socket.SOCK_STREAM, 0, s -> new TcpSock(s, tcp));
        sockets.register(Socket.SOCK_STREAM, Socket.IPPROTO_TCP, s -> new TcpSock(s, tcp));
        tcp.inet.addProtocol(Ipv4.PROTO_TCP, tcp);
        return tcp;
    }

    /** The TCP of a namespace. */
    public static Tcp of(Net net) {
        return (Tcp) net.sockets().protocol("tcp");
    }

    /** The congestion controls this namespace offers (and CUBIC's module parameters). */
    public io.jnetstack.ipv4.tcp.cong.CongestionControls congestionControls() {
        return congestion;
    }

    /** The "Tcp:" counters. */
    public Mib<TcpMib> mib() {
        mib.set(TcpMib.CurrEstab, currEstab());
        return mib;
    }

    /** The "TcpExt:" counters. */
    public Mib<TcpExtMib> extMib() {
        return ext;
    }

    private long currEstab() {
        long n = 0;
        for (int i = 0; i < established.capacity(); i++) {
            if (established.slot(i) instanceof TcpSock s && (s.state == TcpState.ESTABLISHED || s.state == TcpState.CLOSE_WAIT)) {
                n++;
            }
        }
        return n;
    }

    /** Pages all TCP sockets of the namespace hold ({@code tcp_memory_allocated}, against tcp_mem). */
    public long memoryPages() {
        return mem.allocated();
    }

    /** Whether TCP is under memory pressure (above tcp_mem[1] until back under tcp_mem[0]). */
    public boolean memoryPressure() {
        return mem.underPressure();
    }

    /**
     * The {@code TCP:} line of {@code /proc/net/sockstat}: sockets in the tables, orphans,
     * time-wait socks, sockets allocated and pages of memory.
     */
    public String sockstat() {
        long inuse = 0;
        for (List<TcpSock> l : listeners.values()) {
            inuse += l.size();
        }
        for (Object o : established.values()) {
            if (o instanceof TcpSock) {
                inuse++;
            }
        }
        return "TCP: inuse " + inuse + " orphan " + orphans + " tw " + timeWaits + " alloc " + mem.sockets()
                + " mem " + mem.allocated() + "\n";
    }

    /** Time-wait socks alive now. */
    public int timeWaitCount() {
        return timeWaits;
    }

    /** Every TCP socket object alive, including time-wait and request socks (for ss). */
    public List<Object> all() {
        List<Object> out = new ArrayList<>();
        for (List<TcpSock> l : listeners.values()) {
            out.addAll(l);
        }
        out.addAll(established.values());
        return out;
    }

    /**
     * One line of {@code ss -tan}: a socket, a request sock or a time-wait sock.
     *
     * @param state  the state as ss prints it
     * @param recvQ  unread bytes (listeners: connections waiting for accept)
     * @param sendQ  unacknowledged bytes (listeners: the backlog)
     * @param laddr  local address
     * @param lport  local port
     * @param raddr  peer address (0: none)
     * @param rport  peer port
     * @param info   what {@code ss -i} adds: rto, rtt, mss, cwnd, ssthresh, bytes, retransmits
     */
    public record SsEntry(String state, int recvQ, int sendQ, int laddr, int lport, int raddr, int rport, String info) {
    }

    /** Every TCP endpoint of the namespace, listeners first, as {@code ss -tan} lists them. */
    public List<SsEntry> ssEntries() {
        List<SsEntry> out = new ArrayList<>();
        for (List<TcpSock> l : listeners.values()) {
            for (TcpSock s : l) {
                out.add(new SsEntry("LISTEN", s.acceptQueue.size(), s.acceptQueue.maxBacklog, s.localAddress(), s.localPort(), 0, 0, ""));
            }
        }
        for (Object o : established.values()) {
            switch (o) {
                case TcpSock s -> out.add(new SsEntry(s.state.ssName(), s.rcvNxt - s.copiedSeq, s.writeSeq - s.sndUna,
                        s.src(), s.localPort(), s.peerAddress(), s.peerPort(), info(s)));
                case RequestSock r -> out.add(new SsEntry("SYN-RECV", 0, 0, r.laddr, r.lport, r.raddr, r.rport, ""));
                case TimeWaitSock tw -> out.add(new SsEntry("TIME-WAIT", 0, 0, tw.laddr, tw.lport, tw.raddr, tw.rport, ""));
                default -> {
                }
            }
        }
        return out;
    }

    private static String info(TcpSock s) {
        StringBuilder sb = new StringBuilder(s.ca.name());
        if (s.wscaleOk) {
            sb.append(" wscale:").append(s.sndWscale).append(',').append(s.rcvWscale);
        }
        sb.append(String.format(" rto:%d", s.rtoNanos / 1_000_000));
        if (s.srttUs != 0) {
            sb.append(String.format(" rtt:%.3f/%.3f", (s.srttUs >> 3) / 1000.0, (s.rttvarUs >> 2) / 1000.0 * 2));
        }
        sb.append(" mss:").append(s.mssCache).append(" rcvmss:").append(s.rcvMss).append(" advmss:").append(s.advmss);
        sb.append(" cwnd:").append(s.cwnd);
        if (s.ssthresh != Integer.MAX_VALUE) {
            sb.append(" ssthresh:").append(s.ssthresh);
        }
        sb.append(" bytes_acked:").append(s.bytesAcked).append(" bytes_received:").append(s.bytesReceived);
        sb.append(" segs_out:").append(Integer.toUnsignedLong(s.segsOut)).append(" segs_in:").append(Integer.toUnsignedLong(s.segsIn));
        if (s.totalRetrans != 0) {
            sb.append(" retrans:").append(s.retransOut).append('/').append(Integer.toUnsignedLong(s.totalRetrans));
        }
        sb.append(" rcv_space:").append(s.rcvWnd).append(" snd_wnd:").append(s.sndWnd);
        return sb.toString();
    }

    // ================================================================ receive

    /** Mirrors {@code tcp_v4_rcv()}: data at the TCP header, network header marked. */
    @Override
    public void handle(SkBuff skb) {
        Tracer t = kernel.tracer();
        String dev = skb.dev == null ? "" : skb.dev.name();
        t.enter(Stage.TCP_V4_RCV, skb, net.name(), dev);
        try {
            rcv(skb, t, dev);
        } finally {
            t.exit();
        }
    }

    private void rcv(SkBuff skb, Tracer t, String dev) {
        if (skb.pktType != io.jnetstack.core.PktType.HOST && skb.pktType != io.jnetstack.core.PktType.LOOPBACK) {
            net.drop(skb, DropReason.OTHERHOST);
            return;
        }
        mib.inc(TcpMib.InSegs);
        if (skb.dataLen() > 0 && !skb.csumUnnecessary()) {
            // The checksum is verified over the linear part: gather a packet that needs it.
            SkBuff lin = skb.copy();
            lin.setGso(skb.gsoSize(), skb.gsoSegs(), skb.gsoType());
            skb.free();
            skb = lin;
        }
        // Payload in fragments (a local peer's segment referencing its send queue) stays there:
        // only the header must be linear (pskb_may_pull).
        if (!skb.mayPull(Math.min(skb.len(), io.jnetstack.wire.Tcp.HEADER_LEN))
                || skb.len() >= io.jnetstack.wire.Tcp.HEADER_LEN
                && !skb.mayPull(Math.min(skb.len(), io.jnetstack.wire.Tcp.headerLen(skb.buf(), skb.data())))) {
            net.drop(skb, DropReason.PKT_TOO_SMALL);
            return;
        }
        byte[] b = skb.buf();
        int off = skb.data();
        int hl = io.jnetstack.wire.Tcp.check(b, off, skb.headLen());   // the header is linear, the payload may not be
        if (hl < 0) {
            if (hl == io.jnetstack.wire.Tcp.ERR_DATA_OFFSET) {
                mib.inc(TcpMib.InErrs);
            }
            net.drop(skb, DropReason.PKT_TOO_SMALL);
            return;
        }
        int nh = skb.networkHeader();
        int saddr = Ipv4.src(b, nh);
        int daddr = Ipv4.dst(b, nh);
        if (!skb.csumUnnecessary() && !io.jnetstack.wire.Tcp.checksumOk(b, off, skb.len(), saddr, daddr)) {
            mib.inc(TcpMib.InCsumErrors);
            mib.inc(TcpMib.InErrs);
            net.drop(skb, DropReason.TCP_CSUM);
            return;
        }
        skb.resetTransportHeader();
        int sport = io.jnetstack.wire.Tcp.srcPort(b, off);
        int dport = io.jnetstack.wire.Tcp.dstPort(b, off);
        Object sk = lookupEstablished(skb, daddr, dport, saddr, sport, t);
        if (sk == null) {
            sk = lookupListener(skb, daddr, dport, skb.dev, t);
        }
        if (sk == null) {
            noSocket(skb);
            return;
        }
        switch (sk) {
            case TimeWaitSock tw -> tw.process(skb);
            case RequestSock req -> input.checkReq(req, skb);
            case TcpSock s -> deliver(s, skb, t);
            default -> net.drop(skb, DropReason.NO_SOCKET);
        }
    }

    /** The socket is busy in process context: queue for release_sock; else process now. */
    private void deliver(TcpSock s, SkBuff skb, Tracer t) {
        if (s.owned) {
            t.point(Stage.SK_ADD_BACKLOG, skb, net.name(), skb.dev == null ? "" : skb.dev.name(), "");
            SkbQueue backlog = s.backlog();
            if (backlog.bytes() + skb.truesize() > (long) s.rcvbuf() + s.sndbuf()) {
                ext.inc(TcpExtMib.TCPBacklogDrop);
                net.drop(skb, DropReason.SOCKET_BACKLOG);
                return;
            }
            backlog.addLast(skb);
            return;
        }
        input.doRcv(s, skb);
    }

    /** Mirrors the no-socket tail of {@code tcp_v4_rcv()}: RST unless the segment is one. */
    private void noSocket(SkBuff skb) {
        byte[] b = skb.buf();
        int off = skb.data();
        if ((io.jnetstack.wire.Tcp.flags(b, off) & io.jnetstack.wire.Tcp.RST) == 0) {
            output.sendReset(skb);
        }
        net.drop(skb, DropReason.NO_SOCKET);
    }

    Object lookupEstablished(SkBuff skb, int laddr, int lport, int raddr, int rport, Tracer t) {
        t.enter(Stage.__INET_LOOKUP_ESTABLISHED, skb, net.name(), skb.dev == null ? "" : skb.dev.name());
        try {
            return established.get(laddr, lport, raddr, rport);
        } finally {
            t.exit();
        }
    }

    /**
     * The best listener for a SYN to {@code laddr:lport}. Mirrors {@code __inet_lookup_listener()}
     * / {@code compute_score()}: a bound address beats the wildcard, a bound device beats none.
     */
    TcpSock lookupListener(SkBuff skb, int laddr, int lport, NetDevice dev, Tracer t) {
        t.enter(Stage.__INET_LOOKUP_LISTENER, skb, net.name(), dev == null ? "" : dev.name());
        try {
            List<TcpSock> l = listeners.get(lport);
            if (l == null) {
                return null;
            }
            TcpSock best = null;
            int bestScore = -1;
            for (TcpSock s : l) {
                int score = 1;
                if (s.localAddress() != 0) {
                    if (s.localAddress() != laddr) {
                        continue;
                    }
                    score += 4;
                }
                if (s.boundDevice() != null) {
                    if (s.boundDevice() != dev) {
                        continue;
                    }
                    score += 4;
                }
                if (score > bestScore) {
                    best = s;
                    bestScore = score;
                }
            }
            return best;
        } finally {
            t.exit();
        }
    }

    // ================================================================ tables

    /**
     * Enters {@code sk} (a socket, request sock or time-wait sock) under its own 4-tuple,
     * replacing whatever held it. Mirrors {@code inet_ehash_insert()}.
     */
    void hashEstablished(Object sk) {
        established.put(sk);
    }

    /** Takes {@code sk} out if it is in, by identity. Mirrors {@code inet_unhash()}. */
    void unhashEstablished(Object sk) {
        established.remove(sk);
    }

    void addBound(int port, Object sk) {
        bound.add(port, sk);
    }

    void removeBound(int port, Object sk) {
        bound.remove(port, sk);
    }

    /**
     * Whether {@code sk} may bind {@code port}. Mirrors {@code inet_csk_bind_conflict()}: another
     * socket on the port with an overlapping address and device conflicts, unless both set
     * SO_REUSEADDR and the other is not listening, or both set SO_REUSEPORT; time-wait socks
     * conflict unless {@code sk} set SO_REUSEADDR.
     */
    boolean bindConflict(TcpSock sk, int port, int addr) {
        for (Object o : bound.owners(port)) {
            if (o == sk) {
                continue;
            }
            if (o instanceof TimeWaitSock tw) {
                if (!sk.reuseAddr() && (tw.laddr == addr || addr == 0)) {
                    return true;
                }
                continue;
            }
            TcpSock other = (TcpSock) o;
            if (sk.boundDevice() != null && other.boundDevice() != null && sk.boundDevice() != other.boundDevice()) {
                continue;
            }
            int a = other.localAddress();
            if (a != 0 && addr != 0 && a != addr) {
                continue;
            }
            if (sk.reuseAddr() && other.reuseAddr() && other.state != TcpState.LISTEN) {
                continue;
            }
            if (sk.reusePort() && other.reusePort()) {
                continue;
            }
            return true;
        }
        return false;
    }

    /** Whether another listener holds the port for an overlapping address (SO_REUSEPORT on both lets them share). */
    boolean bindConflictForListen(TcpSock sk) {
        List<TcpSock> l = listeners.get(sk.localPort());
        if (l == null) {
            return false;
        }
        for (TcpSock o : l) {
            int a = o.localAddress();
            int b = sk.localAddress();
            if ((a == 0 || b == 0 || a == b) && !(o.reusePort() && sk.reusePort())
                    && (o.boundDevice() == null || sk.boundDevice() == null || o.boundDevice() == sk.boundDevice())) {
                return true;
            }
        }
        return false;
    }

    /** A free port for bind(port 0). Mirrors {@code inet_csk_find_open_port()}. */
    int findOpenPort(TcpSock sk, int addr) {
        int low = sockets.localPortLow();
        int high = sockets.localPortHigh();
        int range = high - low + 1;
        int start = (int) Math.floorMod(kernel.random("tcp bind " + net.name() + portCounter++).nextInt(), (long) range);
        for (int i = 0; i < range; i++) {
            int p = low + (start + i) % range;
            if (!bound.contains(p)) {
                return p;
            }
        }
        for (int i = 0; i < range; i++) {
            int p = low + (start + i) % range;
            if (!bindConflict(sk, p, addr)) {
                return p;
            }
        }
        return -1;
    }

    /**
     * A source port for connect that makes the 4-tuple unique. Mirrors {@code __inet_hash_connect()}
     * with the RFC 6056 algorithm 3 offset: a keyed hash of the addresses and destination port
     * plus a counter; a port bound by bind() is skipped; a port only used by other connections
     * is fine when the 4-tuple differs (time-wait reuse follows tcp_tw_reuse).
     */
    int connectPort(TcpSock sk, int laddr, int raddr, int rport) {
        int low = sockets.localPortLow();
        int high = sockets.localPortHigh();
        int range = high - low + 1;
        long h = mix(portSecret ^ ((long) laddr << 32 | (raddr & 0xffffffffL)) ^ rport);
        int offset = (int) Math.floorMod(h + portCounter, (long) range);
        portCounter += 2;
        for (int i = 0; i < range; i++) {
            int p = low + (offset + i) % range;
            if (!connectOnly(bound.owners(p))) {
                continue;
            }
            Object e = established.get(laddr, p, raddr, rport);
            if (e == null) {
                return p;
            }
            if (e instanceof TimeWaitSock tw && tw.reusable(laddr, raddr)) {
                tw.kill();
                ext.inc(TcpExtMib.TWRecycled);
                return p;
            }
        }
        return -1;
    }

    private static boolean connectOnly(List<Object> owners) {
        for (Object o : owners) {
            if (o instanceof TcpSock s && s.bindPortLock) {
                return false;
            }
        }
        return true;
    }

    /**
     * The initial sequence number of a connection. Mirrors {@code secure_tcp_seq()}: RFC 6528,
     * a keyed hash of the 4-tuple plus a clock ticking every 64 ns.
     */
    int isn(int laddr, int lport, int raddr, int rport) {
        long h = mix(isnSecret ^ ((long) laddr << 32 | (raddr & 0xffffffffL)) ^ ((long) lport << 16 | rport) * 0x9E3779B97F4A7C15L);
        return (int) h + (int) (kernel.clock().nanos() >>> 6);
    }

    /** The timestamp offset of a connection. Mirrors {@code secure_tcp_ts_off()}. */
    int tsOffset(int laddr, int raddr) {
        return (int) mix(isnSecret * 31 ^ ((long) laddr << 32 | (raddr & 0xffffffffL)));
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * A fresh instance of the congestion control called {@code name}, or null when there is none
     * (TCP_CONGESTION answers ENOENT). Mirrors {@code tcp_ca_find()}.
     */
    io.jnetstack.ipv4.tcp.cong.CongestionControl congestionControl(String name) {
        return congestion.newInstance(name);
    }

    /** The TCP timestamp clock in milliseconds ({@code tcp_clock_ms()}). */
    int tsNow() {
        return (int) (kernel.clock().nanos() / 1_000_000L);
    }

    // ================================================================ ICMP errors

    /**
     * An ICMP error about a segment we sent. Mirrors {@code tcp_v4_err()}: fragmentation needed
     * lowers the path MTU and resends (RFC 1191); any error with an errno during SYN_SENT or
     * SYN_RECV aborts the attempt, later ones become the soft error (or the error with
     * IP_RECVERR); the quoted sequence number must be in flight (RFC 5927 §4.1), else the error
     * is ignored.
     */
    @Override
    public void error(SkBuff skb, int type, int code, int info) {
        byte[] b = skb.buf();
        int q = skb.networkHeader();
        int ihl = Ipv4.headerLen(b, q);
        if (skb.len() < ihl + 8) {
            return;
        }
        int laddr = Ipv4.src(b, q);
        int raddr = Ipv4.dst(b, q);
        int lport = io.jnetstack.wire.Tcp.srcPort(b, q + ihl);
        int rport = io.jnetstack.wire.Tcp.dstPort(b, q + ihl);
        int seq = io.jnetstack.wire.Tcp.seq(b, q + ihl);
        Object o = established.get(laddr, lport, raddr, rport);
        if (o instanceof TcpSock s) {
            icmpError(s, type, code, info, seq);
        } else if (o instanceof RequestSock req && seq == req.iss) {
            // tcp_req_err(): a hard error for an embryonic connection drops it.
            if (type == io.jnetstack.wire.Icmp.DEST_UNREACH && code != io.jnetstack.wire.Icmp.FRAG_NEEDED) {
                req.drop();
            }
        } else if (o == null) {
            ext.inc(TcpExtMib.OutOfWindowIcmps);
        }
    }

    /**
     * Fragmentation needed (RFC 1191 §6.3): the route now carries the lower path MTU (ICMP has
     * updated it, bounded by min_pmtu); when it is below what the connection used, the MSS
     * follows and what is in flight is resent in smaller segments. Mirrors
     * {@code tcp_v4_mtu_reduced()}.
     */
    private void mtuReduced(TcpSock sk, int info) {
        if (info < 68 || sk.state == TcpState.LISTEN || sk.state == TcpState.CLOSE
                || sk.pmtudiscValue() == io.jnetstack.socket.SockOpt.IP_PMTUDISC_DONT) {
            return;
        }
        int before = sk.mssCache;
        sk.rt = null;
        io.jnetstack.ipv4.Rtable rt = output.route(sk);
        output.syncMss(sk, rt == null ? info : rt.mtu());
        if (sk.mssCache < before) {
            output.simpleRetransmit(sk);
        }
    }

    /** Mirrors the socket part of {@code tcp_v4_err()}. */
    private void icmpError(TcpSock sk, int type, int code, int info, int seq) {
        if (sk.state != TcpState.LISTEN && (seq - sk.sndUna < 0 || seq - sk.sndNxt > 0)) {
            ext.inc(TcpExtMib.OutOfWindowIcmps);
            return;
        }
        if (type == io.jnetstack.wire.Icmp.DEST_UNREACH && code == io.jnetstack.wire.Icmp.FRAG_NEEDED) {
            mtuReduced(sk, info);
            return;
        }
        IcmpErr e = IcmpErr.of(type, code);
        if (e == null) {
            return;
        }
        if (sk.state == TcpState.SYN_SENT || sk.state == TcpState.SYN_RECV) {
            // tcp_v4_err(): any error that maps to an errno ends an attempt (time exceeded too).
            mib.inc(TcpMib.AttemptFails);
            sk.error(e.errno());
            TcpClose.done(sk);
            return;
        }
        if (sk.recverrOn()) {
            sk.error(e.errno());
        } else {
            sk.setSoftError(e.errno());
        }
    }

    // ================================================================ reporting

    /** {@code /proc/net/snmp} "Tcp:" lines. */
    public String formatSnmp() {
        return mib().format();
    }
}
