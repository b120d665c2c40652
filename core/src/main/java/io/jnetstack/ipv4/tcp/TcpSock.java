package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.SkbQueue;
import io.jnetstack.ipv4.Rtable;
import io.jnetstack.ipv4.tcp.cong.CongestionControl;
import io.jnetstack.ipv4.tcp.cong.CongestionState;
import io.jnetstack.socket.Msghdr;
import io.jnetstack.socket.Sock;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;
import io.jnetstack.socket.Sockets;
import io.jnetstack.time.Timer;
import io.jnetstack.trace.Stage;
import io.jnetstack.wire.Ipv4Address;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A TCP socket: {@code struct tcp_sock} with the user calls of {@code tcp_prot}
 * ({@code tcp_v4_connect}, {@code inet_csk_listen_start}, {@code inet_csk_accept},
 * {@code tcp_sendmsg}, {@code tcp_recvmsg}, {@code tcp_close}, {@code tcp_shutdown},
 * {@code tcp_poll}, {@code do_tcp_setsockopt}). The protocol work is in {@link TcpInput},
 * {@link TcpOutput} and {@link TcpTimers}; sequence variables are named as RFC 9293 §3.3.1.
 *
 * <p>A user call holds the socket ({@code lock_sock}: {@link #owned}); segments that arrive
 * meanwhile (softirqs run inline when the call sends) wait in {@link #backlog} and are processed
 * at {@code release_sock}, as Linux does.
 */
public final class TcpSock extends Sock implements CongestionState {
    /** TCP_NODELAY. */
    public static final SockOpt<Integer> TCP_NODELAY = SockOpt.TCP_NODELAY;
    /** TCP_MAXSEG. */
    public static final SockOpt<Integer> TCP_MAXSEG = SockOpt.TCP_MAXSEG;
    /** TCP_CORK. */
    public static final SockOpt<Integer> TCP_CORK = SockOpt.TCP_CORK;
    /** TCP_KEEPIDLE (seconds). */
    public static final SockOpt<Integer> TCP_KEEPIDLE = SockOpt.TCP_KEEPIDLE;
    /** TCP_KEEPINTVL (seconds). */
    public static final SockOpt<Integer> TCP_KEEPINTVL = SockOpt.TCP_KEEPINTVL;
    /** TCP_KEEPCNT. */
    public static final SockOpt<Integer> TCP_KEEPCNT = SockOpt.TCP_KEEPCNT;
    /** TCP_SYNCNT. */
    public static final SockOpt<Integer> TCP_SYNCNT = SockOpt.TCP_SYNCNT;
    /** TCP_LINGER2 (seconds in FIN_WAIT2). */
    public static final SockOpt<Integer> TCP_LINGER2 = SockOpt.TCP_LINGER2;
    /** TCP_QUICKACK. */
    public static final SockOpt<Integer> TCP_QUICKACK = SockOpt.TCP_QUICKACK;
    /** TCP_USER_TIMEOUT (milliseconds). */
    public static final SockOpt<Integer> TCP_USER_TIMEOUT = SockOpt.TCP_USER_TIMEOUT;
    /** TCP_CONGESTION: the congestion control by name; an unknown name is ENOENT. */
    public static final SockOpt<String> TCP_CONGESTION = SockOpt.define(SockOpt.SOL_TCP, TcpSockopt.TCP_CONGESTION,
            "TCP_CONGESTION", String.class);

    /**
     * {@link #CB_FLAGS} bit above the TCP flags: no later data may join this buffer (a write
     * with MSG_EOR ended here; {@code TCP_SKB_CB(skb)->eor}).
     */
    static final int CB_F_EOR = 0x10000;
    /** {@link #CB_FLAGS} bit: the buffer continues the size_goal run of the one before it. */
    static final int CB_F_RUN = 0x20000;
    /** cb word: first sequence number of a queued segment. */
    static final int CB_SEQ = 0;
    /** cb word: sequence number after it (SYN and FIN count one). */
    static final int CB_END_SEQ = 1;
    /** cb word: TCP flags to send with it (SYN, FIN, PSH, URG). */
    static final int CB_FLAGS = 2;
    /** cb word: clock nanoseconds of the last transmission (0: never sent). */
    static final int CB_WHEN = 3;
    /** cb word: the scoreboard bits {@code SACKED_*} ({@code TCP_SKB_CB(skb)->sacked}). */
    static final int CB_SACKED = 4;
    /** cb word: the truesize charged to the socket for a queued buffer ({@link TcpMem}). */
    static final int CB_TRUESIZE = 5;
    /** cb word: {@code delivered} when the segment was last sent ({@code tx.delivered}). */
    static final int CB_TX_DELIVERED = 6;
    /** cb word of a queued buffer: bytes the size_goal buffer Linux would fill may still take. */
    static final int CB_GOAL_LEFT = 7;

    /** SACKed by the peer ({@code TCPCB_SACKED_ACKED}). */
    static final int SACKED_ACKED = 0x01;
    /** Retransmitted and not yet acknowledged ({@code TCPCB_SACKED_RETRANS}). */
    static final int SACKED_RETRANS = 0x02;
    /** Marked lost ({@code TCPCB_LOST}). */
    static final int SACKED_LOST = 0x04;
    /** Retransmitted at least once (Karn; {@code TCPCB_EVER_RETRANS}). */
    static final int EVER_RETRANS = 0x80;
    /** {@code TCPCB_RETRANS}. */
    static final int SACKED_ANY_RETRANS = SACKED_RETRANS | EVER_RETRANS;

    final Tcp tcp;
    TcpState state = TcpState.CLOSE;
    boolean owned;
    /** Segments that arrived while a user held the socket ({@code sk_backlog}), made at the first. */
    private SkbQueue backlog;
    boolean bindPortLock;
    boolean bindAddrLock;
    boolean orphan;
    TcpSock parent;
    boolean inAcceptQueue;

    // send sequence space
    int iss;
    int sndUna;
    int sndNxt;
    int sndWnd;
    int sndWl1;
    int sndWl2;
    int writeSeq;
    int maxWindow;
    int sndUp;
    /** End of the last partial segment sent (Minshall's Nagle, {@code snd_sml}). */
    int sndSml;
    boolean urgPending;
    // receive sequence space
    int irs;
    int rcvNxt;
    int rcvWnd;
    int rcvWup;
    int copiedSeq;
    /** The peer's urgent data ({@code urg_data}); {@link TcpUrgent}. */
    TcpUrgent.State urgState = TcpUrgent.State.NONE;
    /** Sequence number of the urgent byte, the mark ({@code urg_seq}). */
    int urgSeq;
    /** The urgent byte once it arrived (the low byte of {@code urg_data}). */
    byte urgByte;
    int windowClamp;
    /** Payload per byte of buffer memory, in 1/256 ({@code scaling_ratio}); 1/2 until measured. */
    int scalingRatio = 128;
    int rcvSsthresh;
    /** Receive-buffer autotuning ({@code rcv_rtt_est}, {@code rcvq_space}), made at the first data. */
    private TcpRcvSpace rcvSpace;
    // options
    boolean wscaleOk;
    /** Window scale shifts, 0..14 (RFC 7323 §2.3). */
    byte sndWscale;
    byte rcvWscale;
    boolean tsOk;
    boolean sackOk;
    int tsRecent;
    long tsRecentStamp;
    int tsOffset;
    int rxOptMss;
    int userMss;
    int advmss;
    int mssCache;
    int rcvMss;
    // congestion control and loss recovery ({@link TcpRecovery}, {@link TcpSack}, {@link TcpRack})
    /** The algorithm ({@code icsk_ca_ops} with its private state). */
    CongestionControl ca;
    /** {@code icsk_ca_state}: a {@code CongestionState.CA_*} constant. */
    int caState;
    int cwnd;
    int ssthresh = Integer.MAX_VALUE;
    int cwndCnt;
    int cwndClamp = Integer.MAX_VALUE;
    int priorCwnd;
    int priorSsthresh;
    /** Segments sent and not cumulatively acknowledged ({@code packets_out}). */
    int packetsOut;
    /** SACKed segments, or duplicate ACKs counted as such without SACK ({@code sacked_out}). */
    int sackedOut;
    /** Segments marked lost ({@code lost_out}). */
    int lostOut;
    /** Retransmissions in flight ({@code retrans_out}). */
    int retransOut;
    /** Segments ever marked lost ({@code tp->lost}). */
    long lostTotal;
    /** SND.NXT when the current recovery or reduction began ({@code high_seq}). */
    int highSeq;
    /** {@code undo_marker}: SND.UNA when the reduction began, valid while {@link #undoOn}. */
    int undoMarker;
    boolean undoOn;
    /** Retransmissions not yet proven spurious by DSACK ({@code undo_retrans}). */
    int undoRetrans;
    /** {@code tp->reordering}: the reordering degree, in segments. */
    int reordering;
    /** Reorderings seen ({@code reord_seen}). */
    int reordSeen;
    /** End of the highest SACKed segment ({@code tcp_highest_sack_seq} while sacked_out > 0). */
    int highestSack;
    /** A head segment marked SACKed got cumulatively lost ({@code is_sack_reneg}). */
    boolean sackReneg;
    /** Segments the peer reported twice ({@code dsack_dups}). */
    long dsackDups;
    /** PRR (RFC 6937): delivered and sent since recovery began. */
    int prrDelivered;
    int prrOut;
    /** F-RTO (RFC 5682) in progress after this timeout. */
    boolean frto;
    /** The window was the limit in the current round ({@code is_cwnd_limited}). */
    boolean cwndLimited;
    int maxPacketsOut;
    int cwndUsageSeq;
    /** RACK and TLP state ({@code struct tcp_rack}, {@code tlp_high_seq}). */
    final TcpRack rack = new TcpRack();
    /** The receiver's SACK blocks and DSACK ({@code selective_acks}, {@code duplicate_sack}). */
    TcpRcvSack rxSack;
    /** Departure times and the pacing timer ({@link TcpPacing}), made when pacing begins. */
    TcpPacing pacing;
    // RTT (RFC 6298), microseconds
    long srttUs;
    long rttvarUs;
    long rtoNanos;
    int backoff;
    int retransmits;
    long retransStamp;
    int probesOut;
    /** When zero-window probing began, for TCP_USER_TIMEOUT ({@code icsk_probes_tstamp}). */
    long probesStamp;
    long lastRecvNanos;
    long lastSendNanos;
    /** The last send stamp: they strictly increase, so RACK orders one virtual instant's sends. */
    long lastXmitStamp;
    // tcpi_total_retrans, tcpi_segs_out, tcpi_segs_in and tcpi_data_segs_out are u32 counters in
    // Linux ({@code total_retrans}, {@code segs_out}, ...) and are kept as such: read them unsigned
    int totalRetrans;
    long bytesAcked;
    long bytesReceived;
    int segsOut;
    int segsIn;
    int dataSegsOut;
    long delivered;   // tcpi_delivered (TcpInfo)
    // delayed ACK
    boolean ackPending;
    /** In-order data did not fit TCP's memory: the next ACK goes now, with window 0 ({@code ICSK_ACK_NOMEM}). */
    boolean ackNomem;
    int quickAcks;
    /** Interactive mode ({@code icsk_ack.pingpong}): 0 or 1. */
    byte pingpong;
    /** The out-of-window reply limit, made at the first such reply. */
    private OowLimit oow;
    // user settings
    boolean nodelay;
    boolean corked;
    // (TCP_KEEPIDLE and TCP_KEEPINTVL are at most 32767 s, TCP_KEEPCNT and TCP_SYNCNT 127,
    // TCP_LINGER2 is -1, -2 for tcp_fin_timeout, or up to 120 s: narrow types keep the socket small)
    short keepIdle;
    short keepIntvl;
    byte keepCnt;
    byte synCnt;
    byte linger2 = -2;
    int userTimeoutMs;
    // queues
    final SkbQueue writeQueue = new SkbQueue();
    SkBuff sendHead;
    int wmemQueued;
    /** Bytes of pages taken from tcp_mem not yet used by a queued buffer ({@code sk_forward_alloc}). */
    int forwardAlloc;
    /** Destroyed: no longer counted among the namespace's TCP sockets. */
    private boolean destroyed;
    /** The out-of-order queue ({@code out_of_order_queue}), made at the first segment out of order. */
    private SkbQueue ofoQueue;
    /** The listener's state, children waiting for accept() and SYN queue counts, made by the first listen(). */
    AcceptQueue acceptQueue;
    // route
    Rtable rt;
    int ipId;
    final TcpTimers timers;
    boolean finSent;
    boolean closeCalled;
    /** The socket layer's SS_CONNECTING: connect() started and no connect() saw it end yet. */
    boolean connecting;
    /** The peer's FIN arrived ({@code SOCK_DONE}): reads end with 0 even after an error. */
    boolean finReceived;
    /** Writers waiting for the handshake to end ({@code sk_write_pending}). */
    int writePending;

    TcpSock(Sockets table, Tcp tcp) {
        super(table, Socket.SOCK_STREAM, Socket.IPPROTO_TCP);
        this.tcp = tcp;
        this.timers = new TcpTimers(this);
        this.rxSack = tcp.noSack;
        this.rcvbuf = (int) tcp.sysctl.rmem.get(1);
        this.sndbuf = (int) tcp.sysctl.wmem.get(1);
        this.pmtudisc = SockOpt.IP_PMTUDISC_WANT;
        this.rtoNanos = TcpTimers.TIMEOUT_INIT;
        this.cwnd = TcpTimers.INIT_CWND;
        this.mssCache = 536;
        this.advmss = 536;
        this.rcvMss = 536;
        this.reordering = (int) tcp.sysctl.reordering.get();
        this.ca = tcp.congestionControl(tcp.sysctl.congestionControl.text());
        tcp.mem.socketCreated();
    }

    @Override
    public String netid() {
        return "tcp";
    }

    @Override
    public String stateName() {
        return state.ssName();
    }

    /** The RFC 9293 state. */
    public TcpState state() {
        return state;
    }

    @Override
    public boolean isConnected() {
        return state != TcpState.CLOSE && state != TcpState.LISTEN && state != TcpState.SYN_SENT;
    }

    @Override
    public int recvQ() {
        return state == TcpState.LISTEN ? acceptQueue.size() : rcvNxt - copiedSeq;
    }

    @Override
    public int sendQ() {
        return state == TcpState.LISTEN ? acceptQueue.maxBacklog : writeSeq - sndUna;
    }

    /**
     * Grows the send buffer with the congestion window unless the user fixed SO_SNDBUF or TCP
     * is short of memory ({@code tcp_should_expand_sndbuf}). Mirrors {@code tcp_sndbuf_expand()}:
     * room for twice max(cwnd, 10, reordering + 1) segments with their overhead, up to
     * {@code tcp_wmem[2]}.
     */
    void expandSndbuf() {
        if (sndbufLock || !tcp.mem.sndbufMayGrow()) {
            return;
        }
        long perSeg = mssCache + TcpOutput.MAX_HEADER + io.jnetstack.core.SkBuff.TRUESIZE_OVERHEAD;
        long segs = Math.max(Math.max(cwnd, TcpTimers.INIT_CWND), tcp.sysctl.reordering.get() + 1);
        long want = Math.min(2 * segs * perSeg, tcp.sysctl.wmem.get(2));
        if (want > sndbuf) {
            sndbuf = (int) want;
            wakeWriters();
        }
    }

    /** Copies the user's bytes into a write-queue buffer ({@code memcpy_from_msg}), for tcp_sendmsg. */
    static void copyIn(ByteBuffer[] iov, byte[] dst, int at, int len) {
        copyFromIov(iov, dst, at, len);
    }

    /** Copies received bytes to the user's buffers ({@code skb_copy_datagram_msg}), for tcp_recvmsg. */
    static int copyOut(SkBuff skb, int offset, int len, ByteBuffer[] iov) {
        return copyToIov(skb, offset, len, iov);
    }

    /** Smoothed RTT in microseconds (0 before the first sample). */
    public long srttMicros() {
        return srttUs >> 3;
    }

    // ================================================================ CongestionState

    /** The congestion window in segments. */
    @Override
    public int cwnd() {
        return cwnd;
    }

    @Override
    public void cwnd(int segments) {
        cwnd = Math.min(Math.max(segments, 1), cwndClamp);
    }

    @Override
    public int ssthresh() {
        return ssthresh;
    }

    @Override
    public void ssthresh(int segments) {
        ssthresh = segments;
    }

    @Override
    public int cwndCnt() {
        return cwndCnt;
    }

    @Override
    public void cwndCnt(int count) {
        cwndCnt = count;
    }

    @Override
    public int cwndClamp() {
        return cwndClamp;
    }

    /** Mirrors {@code tcp_is_cwnd_limited()}: limited in this round, or in slow start below twice the flight. */
    @Override
    public boolean isCwndLimited() {
        if (cwndLimited) {
            return true;
        }
        return cwnd < ssthresh && cwnd < 2 * maxPacketsOut;
    }

    /** Mirrors {@code tcp_packets_in_flight()}: packets_out - (sacked_out + lost_out) + retrans_out. */
    @Override
    public int packetsInFlight() {
        return packetsOut - (sackedOut + lostOut) + retransOut;
    }

    @Override
    public long srttUs() {
        return srttUs >> 3;
    }

    @Override
    public long minRttUs() {
        return rack.minRttUs;
    }

    @Override
    public long nowUs() {
        return now() / 1000;
    }

    @Override
    public int sndNxt() {
        return sndNxt;
    }

    @Override
    public int sndUna() {
        return sndUna;
    }

    @Override
    public int caState() {
        return caState;
    }

    @Override
    public int priorCwnd() {
        return priorCwnd;
    }

    @Override
    public long gsoMaxSize() {
        return TcpTso.gsoMaxSize(this);
    }

    /** The congestion control's name (TCP_CONGESTION). */
    public String congestionControl() {
        return ca.name();
    }

    /** The retransmission timeout in nanoseconds. */
    public long rtoNanos() {
        return rtoNanos;
    }

    /** The effective send MSS. */
    public int mss() {
        return mssCache;
    }

    /** SO_RCVBUF as set. */
    int rcvbuf() {
        return rcvbuf;
    }

    /** The window {@code space} bytes of receive memory can back. Mirrors {@code tcp_win_from_space()}. */
    int winFromSpace(int space) {
        return (int) ((long) Math.max(space, 0) * scalingRatio >> 8);
    }

    /** SO_SNDBUF as set. */
    int sndbuf() {
        return sndbuf;
    }

    /** Whether the application fixed the receive buffer (SO_RCVBUF: {@code SOCK_RCVBUF_LOCK}). */
    boolean rcvbufLocked() {
        return rcvbufLock;
    }

    /** Autotuning raises {@code sk_rcvbuf}; the readers' wait conditions see the room. */
    void setRcvbufAuto(int bytes) {
        rcvbuf = bytes;
    }

    /** {@code lsndtime} in µs on {@link #nowUs()}'s clock: CUBIC's idle restart reads it. */
    @Override
    public long lastSendUs() {
        return lastSendNanos / 1000;
    }

    long now() {
        return kernel.clock().nanos();
    }

    // ================================================================ lock_sock / release_sock

    /** Mirrors {@code lock_sock()}: the user owns the socket; softirqs may run (and backlog). */
    void lockSock() {
        owned = true;
        kernel.softnet().bhEnable();
    }

    /** Mirrors {@code release_sock()} → {@code __release_sock()}: process the backlog. */
    void releaseSock() {
        kernel.softnet().bhDisable();
        SkbQueue q = backlog;
        while (q != null && !q.isEmpty()) {
            SkBuff skb = q.poll();
            kernel.tracer().point(Stage.RELEASE_SOCK, skb, net.name(), "", "");
            tcp.input.doRcv(this, skb);
        }
        owned = false;
    }

    // ================================================================ bind / connect / listen

    /** Mirrors {@code inet_bind()} → {@code inet_csk_get_port()}. */
    @Override
    protected void bind(SockAddrIn addr) {
        if (num != 0 || state != TcpState.CLOSE) {
            throw new ErrnoException(Errno.EINVAL, "the socket is already bound to port " + num);
        }
        int a = addr.addr();
        if (a != 0 && !freebind && inet.routing().addressType(a) != Rtable.RTN_LOCAL) {
            throw new ErrnoException(Errno.EADDRNOTAVAIL, Ipv4Address.format(a) + " is not an address of namespace "
                    + net.name() + " (add it, or set IP_FREEBIND)");
        }
        int port = addr.port();
        if (port == 0) {
            port = tcp.findOpenPort(this, a);
            if (port < 0) {
                throw new ErrnoException(Errno.EADDRINUSE, "no free port in net.ipv4.ip_local_port_range");
            }
        } else if (tcp.bindConflict(this, port, a)) {
            throw new ErrnoException(Errno.EADDRINUSE, "port " + port + " is in use (SO_REUSEADDR helps against TIME_WAIT,"
                    + " SO_REUSEPORT on every socket lets them share)");
        }
        rcvSaddr = a;
        saddr = a;
        num = port;
        bindAddrLock = a != 0;
        bindPortLock = addr.port() != 0;
        tcp.addBound(port, this);
    }

    /** Mirrors {@code inet_stream_connect()}: {@link TcpConnect#streamConnect}. */
    @Override
    protected void connect(SockAddrIn addr, long deadline) {
        lockSock();
        try {
            TcpConnect.streamConnect(this, addr, deadline);
        } finally {
            releaseSock();
        }
    }

    /**
     * Blocks while {@code cond} holds, processing the backlog around the sleep as
     * {@code sk_wait_event()} does (release, sleep, lock).
     *
     * @return false on timeout
     */
    boolean sleepWhile(java.util.function.BooleanSupplier cond, long deadline) {
        if (!cond.getAsBoolean()) {
            return true;
        }
        if (deadline == -1) {
            return false;
        }
        releaseSock();
        try {
            return sleep(() -> !cond.getAsBoolean() || err != null, deadline);
        } finally {
            lockSock();
        }
    }

    @Override
    protected void disconnect() {
        lockSock();
        try {
            TcpClose.disconnect(this);
        } finally {
            releaseSock();
        }
    }

    /** Mirrors {@code inet_listen()} → {@code inet_csk_listen_start()}. */
    @Override
    protected void listen(int backlog) {
        if (state != TcpState.CLOSE && state != TcpState.LISTEN) {
            throw new ErrnoException(Errno.EINVAL, "listen() needs an unconnected socket (state " + state.ssName() + ")");
        }
        int max = (int) Math.min(Math.max(backlog, 0), tcp.sysctl.somaxconn.get());
        if (acceptQueue == null) {
            acceptQueue = new AcceptQueue();
        }
        acceptQueue.maxBacklog = max;
        if (state == TcpState.LISTEN) {
            return;
        }
        if (num == 0) {
            bind(SockAddrIn.ANY);
            bindPortLock = false;
        } else if (tcp.bindConflictForListen(this)) {
            throw new ErrnoException(Errno.EADDRINUSE, "another socket listens on port " + num);
        }
        state = TcpState.LISTEN;
        tcp.listeners.computeIfAbsent(num, p -> new java.util.ArrayList<>(1)).add(this);
    }

    /** Mirrors {@code inet_csk_accept()}. */
    @Override
    protected Sock accept(long deadline) {
        lockSock();
        try {
            if (state != TcpState.LISTEN) {
                throw new ErrnoException(Errno.EINVAL, "accept() needs a listening socket: call listen() first");
            }
            if (!sleepWhile(() -> acceptQueue.isEmpty() && state == TcpState.LISTEN, deadline)) {
                throw deadline == -1 ? new ErrnoException(Errno.EAGAIN, "no connection is waiting to be accepted")
                        : rcvTimedOut("accept");
            }
            Errno e = takeError();
            if (e != null) {
                throw new ErrnoException(e, e.text());
            }
            if (state != TcpState.LISTEN) {
                throw new ErrnoException(Errno.EINVAL, "the socket stopped listening");
            }
            TcpSock child = acceptQueue.pollFirst();
            child.inAcceptQueue = false;
            child.parent = null;
            return child;
        } finally {
            releaseSock();
        }
    }

    // ================================================================ data

    @Override
    protected int sendmsg(Msghdr msg, int flags, long deadline) {
        lockSock();
        try {
            return TcpSendmsg.sendmsg(this, msg, flags, deadline);
        } finally {
            releaseSock();
        }
    }

    @Override
    protected int recvmsg(Msghdr msg, int flags, long deadline) {
        lockSock();
        try {
            return TcpRecvmsg.recvmsg(this, msg, flags, deadline);
        } finally {
            releaseSock();
        }
    }

    @Override
    protected void shutdown(int how) {
        lockSock();
        try {
            TcpClose.shutdown(this, how);
        } finally {
            releaseSock();
        }
    }

    @Override
    protected void close() {
        lockSock();
        try {
            TcpClose.close(this);
        } finally {
            releaseSock();
        }
    }

    /** Mirrors {@code tcp_poll()}. */
    @Override
    protected int poll() {
        return TcpRecvmsg.poll(this);
    }

    @Override
    protected long ioctl(int request) {
        return TcpSockopt.ioctl(this, request);
    }

    // ================================================================ options

    @Override
    protected boolean setProtoOption(SockOpt<?> opt, Object value) {
        return TcpSockopt.set(this, opt, value);
    }

    @Override
    protected Object getProtoOption(SockOpt<?> opt) {
        return TcpSockopt.get(this, opt);
    }

    boolean keepaliveFlag() {
        return keepalive;
    }

    void keepaliveFlag(boolean on) {
        keepalive = on;
    }

    /** Memory of the receive queue ({@code sk_rmem_alloc}) as TCP accounts it. */
    int rmem() {
        return rmemAlloc;
    }

    /**
     * Charges a buffer to the receive side: {@code sk_rmem_alloc} and the forward allocation,
     * scheduled before ({@link TcpCollapse#makeRoom}). Mirrors {@code skb_set_owner_r()}.
     */
    void chargeR(SkBuff skb) {
        int ts = skb.truesize();
        skb.sk = this;
        skb.destructor = RMEM_FREE;
        skb.cb[CB_TRUESIZE] = ts;
        rmemAlloc += ts;
        TcpMem.charge(this, ts);
    }

    /** {@link #rmemFree}, one for all sockets: the buffer's {@code sk} names the socket. */
    private static final SkBuff.Destructor RMEM_FREE = skb -> ((TcpSock) skb.sk).rmemFree(skb);

    /** Mirrors {@code sock_rfree()}. */
    private void rmemFree(SkBuff skb) {
        int ts = TcpMem.charged(skb);
        rmemAlloc -= ts;
        tcp.mem.uncharge(this, ts);
    }

    /**
     * Charges a buffer going on the write queue, scheduled before. Mirrors the accounting of
     * {@code tcp_skb_entail()} / {@code tcp_queue_skb()}: {@code sk_wmem_queued} and {@code sk_mem_charge}.
     */
    void chargeW(SkBuff skb) {
        int ts = skb.truesize();
        skb.cb[CB_TRUESIZE] = ts;
        wmemQueued += ts;
        TcpMem.charge(this, ts);
    }

    /** Frees a buffer taken off the write queue. Mirrors {@code tcp_wmem_free_skb()}. */
    void freeW(SkBuff skb) {
        int ts = TcpMem.handOn(this, skb);
        wmemQueued -= ts;
        tcp.mem.uncharge(this, ts);
        skb.free();
    }

    /** The limit on replies to out-of-window segments ({@code last_oow_ack_time}). */
    OowLimit oow() {
        OowLimit o = oow;
        if (o == null) {
            o = oow = new OowLimit();
        }
        return o;
    }

    /** The receiver's SACK state to record into: the socket's own, made when it first needs one. */
    TcpRcvSack rxSackForUpdate() {
        TcpRcvSack r = rxSack;
        if (r == tcp.noSack) {
            r = rxSack = new TcpRcvSack();
        }
        return r;
    }

    /** The receive-buffer autotuning state, made at its first use. */
    TcpRcvSpace rcvSpace() {
        TcpRcvSpace r = rcvSpace;
        if (r == null) {
            r = rcvSpace = new TcpRcvSpace();
        }
        return r;
    }

    /** The backlog, made at the first segment that has to wait in it. */
    SkbQueue backlog() {
        SkbQueue q = backlog;
        if (q == null) {
            q = backlog = new SkbQueue();
        }
        return q;
    }

    /** Whether nothing waits out of order. */
    boolean ofoEmpty() {
        return ofoQueue == null || ofoQueue.isEmpty();
    }

    /** The out-of-order queue, made at its first use. */
    SkbQueue ofo() {
        SkbQueue q = ofoQueue;
        if (q == null) {
            q = ofoQueue = new SkbQueue();
        }
        return q;
    }

    /** Leaves the namespace's count of TCP sockets, once ({@code tcp_v4_destroy_sock}). */
    void destroyed() {
        if (!destroyed) {
            destroyed = true;
            tcp.mem.socketDestroyed();
        }
    }

    boolean sndbufLocked() {
        return sndbufLock;
    }

    void setSndbuf(int v) {
        sndbuf = v;
    }

    /** Wakes readers ({@code sk_data_ready}). */
    void wakeReaders() {
        dataReady();
    }

    /** Wakes readers with {@code events} (POLLPRI for urgent data, as {@code sock_def_readable}). */
    void wakeReaders(int events) {
        if (hasSleepers()) {
            wakeUp(events);
        }
    }

    /** SO_OOBINLINE ({@code SOCK_URGINLINE}). */
    boolean urgInline() {
        return urgInline;
    }

    /** Wakes writers ({@code sk_write_space}). */
    void wakeWriters() {
        if (hasSleepers()) {
            wakeUp(Socket.POLLOUT | Socket.POLLWRNORM);
        }
    }

    /** Wakes everyone with the state's mask ({@code sk_state_change}). */
    void stateChange() {
        if (hasSleepers()) {
            wakeUp(poll() | Socket.POLLIN | Socket.POLLOUT);
        }
    }

    /** Sets the pending error and wakes ({@code sk_error_report}). */
    void error(Errno e) {
        reportError(e);
    }

    /** The source address used on output. */
    int src() {
        return saddr;
    }

    io.jnetstack.core.Kernel kernel() {
        return kernel;
    }

    int rcvLowat() {
        return rcvLowat;
    }

    /** Whether the socket ever had a peer (reads after a reset return 0, not ENOTCONN). */
    boolean wasConnected() {
        return daddr != 0;
    }

    boolean recverrOn() {
        return recverr;
    }

    Errno softError() {
        return errSoft;
    }

    void setSoftError(Errno e) {
        errSoft = e;
    }

    Errno pendingError() {
        return err;
    }

    Errno takeErr() {
        return takeError();
    }

    int shutdownBits() {
        return shutdown;
    }

    void addShutdown(int bits) {
        shutdown |= bits;
    }

    SkbQueue rcvQueue() {
        return receiveQueue();
    }

    void setAddresses(int src, int dst, int dstPort) {
        saddr = src;
        if (rcvSaddr == 0) {
            rcvSaddr = src;
        }
        daddr = dst;
        dport = dstPort;
        connected = true;
    }

    void setLocalPort(int port) {
        num = port;
    }

    int pmtudiscValue() {
        return pmtudisc;
    }

    int ttlFor() {
        return ttl;
    }

    int tosValue() {
        return tos;
    }

    int priorityValue() {
        return priority;
    }

    int markValue() {
        return mark;
    }

    boolean keepaliveOn() {
        return keepalive;
    }

    SockOpt.Linger lingerValue() {
        return linger;
    }

    void copyOptionsFrom(TcpSock p) {
        reuseAddr = p.reuseAddr;
        reusePort = p.reusePort;
        boundDev = p.boundDev;
        rcvbuf = p.rcvbuf;
        sndbuf = p.sndbuf;
        rcvbufLock = p.rcvbufLock;
        sndbufLock = p.sndbufLock;
        ttl = p.ttl;
        tos = p.tos;
        nodelay = p.nodelay;
        keepalive = p.keepalive;
        urgInline = p.urgInline;
        keepIdle = p.keepIdle;
        keepIntvl = p.keepIntvl;
        keepCnt = p.keepCnt;
        userTimeoutMs = p.userTimeoutMs;
        userMss = p.userMss;
        linger = p.linger;
        linger2 = p.linger2;
        priority = p.priority;
        mark = p.mark;
        rcvTimeo = p.rcvTimeo;
        sndTimeo = p.sndTimeo;
        ca = tcp.congestionControl(p.ca.name());
        p.copyPacingTo(this);
    }

    void purge() {
        purgeQueues();
        while (!writeQueue.isEmpty()) {
            freeW(writeQueue.poll());
        }
        sendHead = null;
        if (ofoQueue != null) {
            ofoQueue.purge();
        }
    }

    @Override
    public String toString() {
        return "tcp " + state.ssName() + " " + new SockAddrIn(rcvSaddr, num) + " " + new SockAddrIn(daddr, dport);
    }
}
