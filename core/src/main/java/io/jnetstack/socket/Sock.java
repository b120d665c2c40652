package io.jnetstack.socket;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.SkbQueue;
import io.jnetstack.core.SockPacing;
import io.jnetstack.core.WaitQueue;
import io.jnetstack.ipv4.Inet;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The protocol side of a socket. Mirrors {@code struct sock} with {@code struct inet_sock}: the
 * addresses and ports, the receive and error queues with their memory accounting, the pending
 * error, the wait queue, and the generic and IP-level options ({@code sock_setsockopt},
 * {@code do_ip_setsockopt}). Protocols ({@code udp}, {@code raw}, {@code ping}, {@code tcp})
 * extend it and implement the operations of {@code struct proto}.
 *
 * <p>All methods run inside the stack ({@link Kernel#lock()} held), called by {@link Socket}
 * in process context or by the protocol's receive path in softirq context.
 */
public abstract class Sock implements SockPacing {
    /** RCV_SHUTDOWN. */
    public static final int RCV_SHUTDOWN = 1;
    /** SEND_SHUTDOWN. */
    public static final int SEND_SHUTDOWN = 2;
    /**
     * SOCK_MIN_RCVBUF as Linux computes it on 64-bit: {@code TCP_SKB_MIN_TRUESIZE}, 2048 bytes
     * plus the aligned {@code struct sk_buff} (256), so that getsockopt reports Linux's 2304.
     */
    public static final int SOCK_MIN_RCVBUF = 2048 + 256;
    /** SOCK_MIN_SNDBUF: twice {@code TCP_SKB_MIN_TRUESIZE}, 4608 on 64-bit Linux. */
    public static final int SOCK_MIN_SNDBUF = 2 * (2048 + 256);

    protected final Sockets table;
    protected final Net net;
    protected final Kernel kernel;
    protected final Inet inet;
    // Small values in narrow types (every socket carries them): the type (1..10), the protocol
    // (0..262), the shutdown bits, TTLs and TOS (-1..255), the PMTU discovery mode (0..5).
    protected final byte type;
    protected final short protocol;
    /** Who waits for this socket, null until someone first does (most sockets: nobody). */
    private WaitQueue wq;
    protected Socket socket;

    // inet_sock: host order.
    /** Bound local address ({@code inet_rcv_saddr}), 0 for any. */
    protected int rcvSaddr;
    /** Source address used on output ({@code inet_saddr}). */
    protected int saddr;
    /** Local port ({@code inet_num}), 0 until bound. */
    protected int num;
    /** Connected peer address and port, 0 when not connected. */
    protected int daddr;
    protected int dport;
    /** Connected (TCP_ESTABLISHED for datagram sockets). */
    protected boolean connected;
    protected byte shutdown;

    // sock options
    protected boolean reuseAddr;
    protected boolean reusePort;
    protected boolean broadcast;
    protected boolean dontRoute;
    protected NetDevice boundDev;
    protected int rcvbuf;
    protected int sndbuf;
    /** SO_SNDBUF was set by the user: TCP does not grow it ({@code SOCK_SNDBUF_LOCK}). */
    protected boolean sndbufLock;
    /** SO_RCVBUF was set by the user ({@code SOCK_RCVBUF_LOCK}). */
    protected boolean rcvbufLock;
    protected int priority;
    protected int mark;
    protected long rcvTimeo;
    protected long sndTimeo;
    protected int rcvLowat = 1;
    protected boolean keepalive;
    /** SO_OOBINLINE: urgent data stays in the stream ({@code SOCK_URGINLINE}). */
    protected boolean urgInline;
    protected SockOpt.Linger linger = SockOpt.Linger.OFF;
    /** {@code sk_pacing_rate}: bytes per second, unsigned ({@link SockPacing}); TCP sets it. */
    protected long pacingRate = UNLIMITED;
    /** {@code sk_max_pacing_rate} (SO_MAX_PACING_RATE). */
    protected long maxPacingRate = UNLIMITED;
    /** {@code sk_pacing_status}: {@link SockPacing#PACING_NONE}, NEEDED or FQ. */
    protected byte pacingStatus;

    // ip options
    protected short ttl = -1;
    protected short tos;
    protected short mcTtl = 1;
    protected boolean mcLoop = true;
    protected boolean mcAll = true;
    protected int mcIndex;
    protected int mcAddr;
    protected boolean pktinfo;
    protected boolean recvTtl;
    protected boolean recvTos;
    protected boolean recverr;
    protected boolean hdrincl;
    protected boolean freebind;
    protected byte pmtudisc;
    /** Groups joined: {group, ifindex, imr_address}, null until the first. Mirrors {@code inet->mc_list}. */
    protected java.util.List<int[]> mcList;

    // queues and accounting
    /** Received data for the user ({@code sk_receive_queue}), made at the first buffer. */
    private SkbQueue receiveQueue;
    /** Errors for MSG_ERRQUEUE, null until the first (most sockets never get one). */
    protected ArrayDeque<QueuedError> errorQueue;
    protected int rmemAlloc;
    protected int wmemAlloc;
    protected int errQueueBytes;
    /** Pending error ({@code sk_err}), reported once by the next call. */
    protected Errno err;
    /** Soft error ({@code sk_err_soft}). */
    protected Errno errSoft;
    /** {@code sk_drops}: a 32-bit counter, as Linux's, read unsigned. */
    protected int drops;
    /** {@code sock_rfree}, one for all sockets: the buffer's {@code sk} names the socket. */
    private static final SkBuff.Destructor RFREE = skb -> ((Sock) skb.sk).rfree(skb);
    /** {@code sock_wfree}, one for all sockets. */
    private static final SkBuff.Destructor WFREE = skb -> ((Sock) skb.sk).wfree(skb);

    /** An error queued for MSG_ERRQUEUE with the payload of the datagram it is about. */
    protected record QueuedError(SockExtendedErr ee, byte[] payload) {
    }

    protected Sock(Sockets table, int type, int protocol) {
        this.table = table;
        this.net = table.net();
        this.kernel = net.kernel();
        this.inet = net.inet();
        this.type = (byte) type;
        this.protocol = (short) protocol;
        this.rcvbuf = table.rmemDefault();
        this.sndbuf = table.wmemDefault();
        this.pmtudisc = (byte) (inet.net().sysctls().entry("net.ipv4.ip_no_pmtu_disc").get() != 0
                ? SockOpt.IP_PMTUDISC_DONT : SockOpt.IP_PMTUDISC_WANT);
    }

    // ================================================================ protocol operations

    /** Binds to a local address and port. Mirrors {@code inet_bind()} with the protocol's get_port. */
    protected abstract void bind(SockAddrIn addr);

    /** Connects (datagram: sets the default peer). Mirrors {@code proto->connect}. */
    protected abstract void connect(SockAddrIn addr, long deadline);

    /** Dissolves the association (connect with AF_UNSPEC). Mirrors {@code proto->disconnect}. */
    protected abstract void disconnect();

    /** Sends. Mirrors {@code proto->sendmsg}. */
    protected abstract int sendmsg(Msghdr msg, int flags, long deadline);

    /** Receives. Mirrors {@code proto->recvmsg}. */
    protected abstract int recvmsg(Msghdr msg, int flags, long deadline);

    /** The readiness mask. Mirrors {@code sock->ops->poll}. */
    protected abstract int poll();

    /** Releases the socket. Mirrors {@code proto->close}. */
    protected abstract void close();

    /** Listens for connections. */
    protected void listen(int backlog) {
        throw new ErrnoException(Errno.EOPNOTSUPP, "listen() needs a SOCK_STREAM socket");
    }

    /** Accepts a connection. */
    protected Sock accept(long deadline) {
        throw new ErrnoException(Errno.EOPNOTSUPP, "accept() needs a listening SOCK_STREAM socket");
    }

    /**
     * Shuts down one or both directions. Mirrors {@code inet_shutdown()} for datagram sockets:
     * an unconnected socket gets ENOTCONN, yet its {@code sk_shutdown} is set and its waiters
     * woken all the same (Linux does so on purpose, so that a thread blocked in recv on an
     * unconnected socket can be released).
     */
    protected void shutdown(int how) {
        shutdown |= how;
        wakeUp(poll());
        if (!connected) {
            throw new ErrnoException(Errno.ENOTCONN, "shutdown() on a socket that is not connected");
        }
    }

    /** Protocol-level options; false when the option is not the protocol's. */
    protected boolean setProtoOption(SockOpt<?> opt, Object value) {
        return false;
    }

    /** Protocol-level option value, or null when not the protocol's. */
    protected Object getProtoOption(SockOpt<?> opt) {
        return null;
    }

    /** Protocol ioctls (SIOCOUTQ, FIONREAD); Long.MIN_VALUE when unknown. */
    protected long ioctl(int request) {
        return switch (request) {
            case Socket.FIONREAD -> {
                SkBuff s = receiveQueue == null ? null : receiveQueue.peek();
                yield s == null ? 0 : s.len();
            }
            case Socket.SIOCOUTQ -> wmemAlloc;
            default -> Long.MIN_VALUE;
        };
    }

    // ================================================================ accessors

    /** The namespace. */
    public Net net() {
        return net;
    }

    /** SOCK_DGRAM, SOCK_RAW, SOCK_STREAM. */
    public int type() {
        return type;
    }

    /** The protocol number. */
    public int protocol() {
        return protocol;
    }

    /**
     * What a blocking receive, accept or recvmsg ends with once SO_RCVTIMEO ran out
     * ({@code sock_rcvtimeo()}: EAGAIN).
     *
     * @param call the call that waited, as a user would name it
     */
    public final SocketTimeoutException rcvTimedOut(String call) {
        return new SocketTimeoutException(call, "SO_RCVTIMEO", rcvTimeo);
    }

    /** What a blocking send ends with once SO_SNDTIMEO ran out ({@code sock_sndtimeo()}: EAGAIN). */
    public final SocketTimeoutException sndTimedOut(String call) {
        return new SocketTimeoutException(call, "SO_SNDTIMEO", sndTimeo);
    }

    /** The wait queue: blocked calls and readiness callbacks (epoll, selectors). */
    public WaitQueue waitQueue() {
        WaitQueue q = wq;
        if (q == null) {
            q = wq = new WaitQueue();
        }
        return q;
    }

    /**
     * Waits until {@code done} holds or {@code deadline} passes ({@link Kernel#sleep}); the wait
     * queue is made only when the condition does not already hold.
     *
     * @return false on timeout
     */
    protected boolean sleep(java.util.function.BooleanSupplier done, long deadline) {
        if (done.getAsBoolean()) {
            return true;
        }
        return kernel.sleep(waitQueue(), done, deadline);
    }

    /** The receive queue, made at its first use. */
    protected SkbQueue receiveQueue() {
        SkbQueue q = receiveQueue;
        if (q == null) {
            q = receiveQueue = new SkbQueue();
        }
        return q;
    }

    /** Whether nothing waits to be read. */
    protected boolean rcvQueueEmpty() {
        return receiveQueue == null || receiveQueue.isEmpty();
    }

    /** Whether anyone waits: waking would do something. Mirrors {@code wq_has_sleeper()}. */
    protected boolean hasSleepers() {
        return wq != null && !wq.isEmpty();
    }

    /** Wakes whoever waits with {@code events}. Mirrors {@code wake_up_interruptible_poll()}. */
    protected void wakeUp(int events) {
        if (wq != null) {
            wq.wakeUp(events);
        }
    }

    /** The local port, 0 when unbound. */
    public int localPort() {
        return num;
    }

    /** The bound local address. */
    public int localAddress() {
        return rcvSaddr;
    }

    /** The peer address, 0 when not connected. */
    public int peerAddress() {
        return daddr;
    }

    /** The peer port. */
    public int peerPort() {
        return dport;
    }

    /** Whether a default peer is set. */
    public boolean isConnected() {
        return connected;
    }

    @Override
    public long pacingRate() {
        return pacingRate;
    }

    /** Sets {@code sk_pacing_rate}: the transport's rate, capped by the caller at {@link #maxPacingRate()}. */
    public void pacingRate(long bytesPerSec) {
        pacingRate = bytesPerSec;
    }

    @Override
    public long maxPacingRate() {
        return maxPacingRate;
    }

    @Override
    public int pacingStatus() {
        return pacingStatus;
    }

    @Override
    public void pacingByFq() {
        pacingStatus = PACING_FQ;
    }

    @Override
    public boolean pacingHashed() {
        return !connected;
    }

    @Override
    public boolean pacingIsTcp() {
        return protocol == Socket.IPPROTO_TCP;
    }

    /**
     * SO_MAX_PACING_RATE. Mirrors its case in {@code sk_setsockopt()}: any rate but ~0 asks
     * for pacing ({@code SK_PACING_NONE} becomes {@code SK_PACING_NEEDED}; sch_fq's
     * {@code SK_PACING_FQ} stays), and a current rate above the new maximum drops to it.
     */
    private void setMaxPacingRate(long rate) {
        if (rate != UNLIMITED && pacingStatus == PACING_NONE) {
            pacingStatus = PACING_NEEDED;
        }
        maxPacingRate = rate;
        if (Long.compareUnsigned(rate, pacingRate) < 0) {
            pacingRate = rate;
        }
    }

    /** Copies the pacing settings to a socket made from this one ({@code sk_clone_lock()}). */
    protected void copyPacingTo(Sock child) {
        child.pacingRate = pacingRate;
        child.maxPacingRate = maxPacingRate;
        child.pacingStatus = pacingStatus;
    }

    /** SO_REUSEADDR. */
    public boolean reuseAddr() {
        return reuseAddr;
    }

    /** SO_REUSEPORT. */
    public boolean reusePort() {
        return reusePort;
    }

    /** Whether multicast of groups this socket did not join is received (IP_MULTICAST_ALL). */
    public boolean multicastAll() {
        return mcAll;
    }

    /** Whether this socket joined {@code group} on the device with {@code ifindex} (0: any). */
    public boolean joined(int group, int ifindex) {
        for (int[] e : mcList()) {
            if (e[0] == group && (ifindex == 0 || e[1] == ifindex)) {
                return true;
            }
        }
        return false;
    }

    /** The groups joined (empty, shared, when none). */
    protected java.util.List<int[]> mcList() {
        return mcList == null ? java.util.List.of() : mcList;
    }

    /** The device the socket is bound to, or null. */
    public NetDevice boundDevice() {
        return boundDev;
    }

    /** Bytes charged to the receive queue ({@code sk_rmem_alloc}). */
    public int rmemAlloc() {
        return rmemAlloc;
    }

    /** Bytes charged to sends in flight ({@code sk_wmem_alloc}). */
    public int wmemAlloc() {
        return wmemAlloc;
    }

    /** Datagrams dropped at this socket ({@code sk_drops}). */
    public long drops() {
        return Integer.toUnsignedLong(drops);
    }

    /** The state name for {@code ss}. */
    public String stateName() {
        return connected ? "ESTAB" : "UNCONN";
    }

    /** {@code ss} netid ("udp", "raw", "icmp", "tcp"). */
    public abstract String netid();

    /** Bytes waiting to be read, as {@code ss} shows Recv-Q. */
    public int recvQ() {
        return rmemAlloc;
    }

    /** Bytes not yet sent, as {@code ss} shows Send-Q. */
    public int sendQ() {
        return wmemAlloc;
    }

    // ================================================================ receive side

    /**
     * Queues a received buffer for the user. Mirrors {@code sock_queue_rcv_skb()} /
     * {@code __sock_queue_rcv_skb()}: over {@code sk_rcvbuf} the buffer is refused (the caller
     * drops it with the reason and counts it); otherwise it is charged and readers are woken.
     *
     * @return null when queued, else why not
     */
    public DropReason queueRcvSkb(SkBuff skb) {
        if (rcvbufFull()) {
            drops++;
            return DropReason.SOCKET_RCVBUFF;
        }
        if (skb.sk != null || skb.destructor != null) {
            throw new IllegalStateException("skb already owned");
        }
        skb.sk = this;
        skb.destructor = RFREE;
        rmemAlloc += skb.truesize();
        skb.dst = null;
        receiveQueue().addLast(skb);
        dataReady();
        return null;
    }

    /**
     * Whether the receive queue refuses another buffer. Mirrors the test of
     * {@code sock_queue_rcv_skb()}: the memory charged has reached {@code sk_rcvbuf}.
     */
    protected boolean rcvbufFull() {
        return rmemAlloc >= rcvbuf;
    }

    private void rfree(SkBuff skb) {
        rmemAlloc -= skb.truesize();
    }

    /** Mirrors {@code sk_data_ready()}: wakes readers. */
    protected void dataReady() {
        if (hasSleepers()) {
            wakeUp(Socket.POLLIN | Socket.POLLRDNORM);
        }
    }

    /**
     * Takes the next datagram, waiting until {@code deadline} when none is queued. Mirrors
     * {@code __skb_recv_datagram()}: MSG_PEEK leaves it queued; a pending error or a shut-down
     * receive side ends the wait.
     *
     * @return the datagram, or null at end of stream (receive shut down)
     */
    protected SkBuff recvDatagram(int flags, long deadline) {
        while (true) {
            Errno e = takeError();
            if (e != null) {
                throw new ErrnoException(e, "a previous datagram failed: " + e.text());
            }
            SkBuff skb = receiveQueue == null ? null : receiveQueue.peek();
            if (skb != null) {
                if ((flags & Socket.MSG_PEEK) == 0) {
                    receiveQueue.unlink(skb);
                }
                return skb;
            }
            if ((shutdown & RCV_SHUTDOWN) != 0) {
                return null;
            }
            if (deadline == Socket.NO_WAIT) {
                throw new ErrnoException(Errno.EAGAIN, "no datagram is queued and the call may not block");
            }
            boolean ready = sleep(() -> !rcvQueueEmpty() || err != null || (shutdown & RCV_SHUTDOWN) != 0, deadline);
            if (!ready) {
                throw rcvTimedOut("receive");
            }
        }
    }

    /** Frees a datagram after recvmsg. Mirrors {@code skb_free_datagram()}. */
    protected void freeDatagram(SkBuff skb, int flags) {
        if ((flags & Socket.MSG_PEEK) == 0) {
            skb.free();
        }
    }

    /**
     * Copies {@code len} bytes of {@code skb} from {@code offset} into the buffers. Mirrors
     * {@code skb_copy_datagram_msg()}.
     *
     * @return bytes copied
     */
    protected static int copyToIov(SkBuff skb, int offset, int len, ByteBuffer[] iov) {
        int done = 0;
        for (ByteBuffer b : iov) {
            if (done == len) {
                break;
            }
            int n = Math.min(b.remaining(), len - done);
            if (n == 0) {
                continue;
            }
            if (b.hasArray()) {
                skb.copyBits(offset + done, b.array(), b.arrayOffset() + b.position(), n);
                b.position(b.position() + n);
            } else {
                byte[] tmp = new byte[n];
                skb.copyBits(offset + done, tmp, 0, n);
                b.put(tmp);
            }
            done += n;
        }
        return done;
    }

    /**
     * Copies {@code len} bytes from the buffers into {@code dst} at {@code at}, advancing them.
     * Mirrors {@code memcpy_from_msg()}.
     */
    protected static void copyFromIov(ByteBuffer[] iov, byte[] dst, int at, int len) {
        int done = 0;
        for (ByteBuffer b : iov) {
            if (done == len) {
                break;
            }
            int n = Math.min(b.remaining(), len - done);
            b.get(dst, at + done, n);
            done += n;
        }
    }

    // ================================================================ send side

    /**
     * Allocates a buffer charged to the send buffer, waiting for room until {@code deadline}.
     * Mirrors {@code sock_alloc_send_skb()} / {@code sock_wait_for_wmem()}.
     */
    protected SkBuff allocSendSkb(int headroom, int size, long deadline) {
        while (true) {
            Errno e = takeError();
            if (e != null) {
                throw new ErrnoException(e, "a previous datagram failed: " + e.text());
            }
            if ((shutdown & SEND_SHUTDOWN) != 0) {
                throw new ErrnoException(Errno.EPIPE, "the socket was shut down for sending");
            }
            if (wmemAlloc < sndbuf) {
                break;
            }
            if (deadline == Socket.NO_WAIT) {
                throw new ErrnoException(Errno.EAGAIN, "the send buffer (SO_SNDBUF " + sndbuf + ") is full and the call may not block");
            }
            if (!sleep(() -> wmemAlloc < sndbuf || err != null, deadline)) {
                throw sndTimedOut("send");
            }
        }
        SkBuff skb = kernel.skbs().alloc(headroom, size);
        chargeWmem(skb);
        return skb;
    }

    /** Charges {@code skb} to the send buffer until it is freed. Mirrors {@code skb_set_owner_w()}. */
    protected void chargeWmem(SkBuff skb) {
        skb.sk = this;
        skb.destructor = WFREE;
        wmemAlloc += skb.truesize();
    }

    private void wfree(SkBuff skb) {
        wmemAlloc -= skb.truesize();
        if (hasSleepers() && wmemAlloc <= sndbuf / 2) {
            wakeUp(Socket.POLLOUT | Socket.POLLWRNORM);
        }
    }

    /** Whether a writer may go on. Mirrors {@code sock_writeable()}. */
    protected boolean writeable() {
        return wmemAlloc < sndbuf / 2;
    }

    // ================================================================ errors

    /** Takes and clears the pending error. Mirrors {@code sock_error()}. */
    protected Errno takeError() {
        Errno e = err;
        err = null;
        return e;
    }

    /** Sets the pending error and wakes everyone. Mirrors {@code sk_error_report()}. */
    protected void reportError(Errno e) {
        err = e;
        wakeUp(Socket.POLLERR);
    }

    /**
     * Queues an extended error for MSG_ERRQUEUE. Mirrors {@code ip_icmp_error()} /
     * {@code ip_local_error()} with {@code sock_queue_err_skb()}: bounded by the receive buffer.
     */
    protected void queueError(SockExtendedErr ee, byte[] payload) {
        int size = payload.length + SkBuff.TRUESIZE_OVERHEAD;
        if (rmemAlloc + errQueueBytes + size > rcvbuf) {
            drops++;
            return;
        }
        errQueueBytes += size;
        if (errorQueue == null) {
            errorQueue = new ArrayDeque<>();
        }
        errorQueue.addLast(new QueuedError(ee, payload));
        wakeUp(Socket.POLLERR);
    }

    /**
     * Reads one queued error. Mirrors {@code ip_recv_error()}: the payload of the failed
     * datagram as data (cut to the buffers with MSG_TRUNC in {@code msg_flags}; the bytes
     * copied are returned even when the call asked for MSG_TRUNC), the extended error as
     * IP_RECVERR ancillary data, MSG_ERRQUEUE set.
     */
    protected int recvError(Msghdr msg, int flags) {
        QueuedError q = errorQueue == null ? null : errorQueue.pollFirst();
        if (q == null) {
            throw new ErrnoException(Errno.EAGAIN, "the error queue is empty");
        }
        errQueueBytes -= q.payload.length + SkBuff.TRUESIZE_OVERHEAD;
        int len = q.payload.length;
        int copied = 0;
        for (ByteBuffer b : msg.iov()) {
            int n = Math.min(b.remaining(), len - copied);
            b.put(q.payload, copied, n);
            copied += n;
        }
        msg.control().clear();
        msg.control().add(new Cmsg.IpRecvErr(q.ee));
        msg.name(q.ee.dest());
        int mflags = Socket.MSG_ERRQUEUE | (copied < len ? Socket.MSG_TRUNC : 0);
        msg.flags(mflags);
        // sock_dequeue_err_skb(): an ICMP error next in line becomes the pending error; taking
        // the last ICMP error clears it; local errors leave it alone.
        QueuedError next = errorQueue.peekFirst();
        boolean icmpNext = next != null && next.ee.origin() == SockExtendedErr.ORIGIN_ICMP;
        if (icmpNext) {
            err = next.ee.errno();
        } else if (q.ee.origin() == SockExtendedErr.ORIGIN_ICMP) {
            err = null;
        }
        if (next != null) {
            wakeUp(Socket.POLLERR);
        }
        return copied;
    }

    /** Datagram readiness. Mirrors {@code datagram_poll()}. */
    protected int datagramPoll() {
        int mask = 0;
        if (err != null || errorQueueLen() > 0) {
            mask |= Socket.POLLERR;
        }
        if ((shutdown & RCV_SHUTDOWN) != 0) {
            mask |= Socket.POLLRDHUP | Socket.POLLIN | Socket.POLLRDNORM;
        }
        if (shutdown == (RCV_SHUTDOWN | SEND_SHUTDOWN)) {
            mask |= Socket.POLLHUP;
        }
        if (!rcvQueueEmpty()) {
            mask |= Socket.POLLIN | Socket.POLLRDNORM;
        }
        if (writeable()) {
            mask |= Socket.POLLOUT | Socket.POLLWRNORM | Socket.POLLWRBAND;
        }
        return mask;
    }

    /** Frees everything queued. Mirrors the queue purges of {@code sk_common_release()}. */
    protected void purgeQueues() {
        SockIpOptions.dropAll(this);
        if (receiveQueue != null) {
            receiveQueue.purge();
        }
        errorQueue = null;
        errQueueBytes = 0;
    }

    /** Errors queued for MSG_ERRQUEUE. */
    protected int errorQueueLen() {
        return errorQueue == null ? 0 : errorQueue.size();
    }

    // ================================================================ options

    /** Mirrors {@code sock_setsockopt()} and {@code do_ip_setsockopt()}. */
    void setOption(SockOpt<?> opt, Object value) {
        if (setProtoOption(opt, value)) {
            return;
        }
        if (opt.level() == SockOpt.SOL_SOCKET) {
            setSocketOption(opt, value);
        } else if (opt.level() == SockOpt.SOL_IP) {
            SockIpOptions.set(this, opt, value);
        } else {
            throw new ErrnoException(Errno.ENOPROTOOPT, opt + " is not an option of this " + netid() + " socket");
        }
    }

    private void setSocketOption(SockOpt<?> opt, Object value) {
        int v = value instanceof Integer i ? i : 0;
        switch (opt.label()) {
            case "SO_REUSEADDR" -> reuseAddr = v != 0;
            case "SO_REUSEPORT" -> reusePort = v != 0;
            case "SO_BROADCAST" -> broadcast = v != 0;
            case "SO_DONTROUTE" -> dontRoute = v != 0;
            case "SO_KEEPALIVE" -> keepalive = v != 0;
            case "SO_MARK" -> mark = v;
            case "SO_RCVLOWAT" -> rcvLowat = v < 0 ? Integer.MAX_VALUE : Math.max(1, v);
            case "SO_SNDBUF" -> {
                sndbufLock = true;
                sndbuf = bufferSize(v, table.wmemMax(), SOCK_MIN_SNDBUF);
                wakeUp(poll());
            }
            case "SO_RCVBUF" -> {
                rcvbufLock = true;
                rcvbuf = bufferSize(v, table.rmemMax(), SOCK_MIN_RCVBUF);
            }
            case "SO_RCVTIMEO" -> rcvTimeo = timeout((Duration) value);
            case "SO_SNDTIMEO" -> sndTimeo = timeout((Duration) value);
            case "SO_PRIORITY" -> priority = v;
            case "SO_LINGER" -> linger = (SockOpt.Linger) value;
            case "SO_BINDTODEVICE" -> bindToDevice((String) value);
            case "SO_OOBINLINE" -> urgInline = v != 0;
            case "SO_MAX_PACING_RATE" -> setMaxPacingRate((Long) value);
            case "SO_TYPE", "SO_ERROR", "SO_PROTOCOL", "SO_DOMAIN", "SO_ACCEPTCONN" ->
                    throw new ErrnoException(Errno.ENOPROTOOPT, opt + " can only be read");
            default -> throw new ErrnoException(Errno.ENOPROTOOPT, opt + " is not supported");
        }
    }

    /**
     * The size SO_SNDBUF/SO_RCVBUF give. Mirrors {@code sock_setsockopt()} with
     * {@code sk_setsockopt} → {@code __sock_set_rcvbuf()} / {@code SO_SNDBUF}: the value, read
     * as unsigned (so a negative one is huge), is capped at the {@code net.core} maximum and at
     * INT_MAX / 2, then doubled for the bookkeeping overhead, and never below the minimum.
     */
    static int bufferSize(int requested, int max, int min) {
        long v = Math.min(Integer.toUnsignedLong(requested), Integer.toUnsignedLong(max));
        v = Math.min(v, Integer.MAX_VALUE / 2);
        return (int) Math.max(v * 2, min);
    }

    /**
     * A SO_RCVTIMEO/SO_SNDTIMEO value in nanoseconds, 0 meaning none. Mirrors
     * {@code sock_set_timeout()}: a negative time sets no timeout (Linux logs it and succeeds), a
     * time beyond what the scheduler can wait for ({@code MAX_SCHEDULE_TIMEOUT}) waits forever.
     */
    private static long timeout(Duration d) {
        if (d.isNegative()) {
            return 0;
        }
        if (d.compareTo(MAX_TIMEOUT) >= 0) {
            return 0;
        }
        return d.toNanos();
    }

    /** Longer timeouts than this (about 292 years) are taken as "forever". */
    private static final Duration MAX_TIMEOUT = Duration.ofNanos(Long.MAX_VALUE / 2);

    private void bindToDevice(String name) {
        if (name == null || name.isEmpty()) {
            boundDev = null;
            return;
        }
        NetDevice d = net.device(name);
        if (d == null) {
            throw new ErrnoException(Errno.ENODEV, "no device named " + name + " in namespace " + net.name());
        }
        boundDev = d;
        rebind();
    }

    /** The binding changed in a way the lookup tables care about (bound device). */
    protected void rebind() {
    }

    /** Mirrors {@code sock_getsockopt()} and {@code do_ip_getsockopt()}. */
    Object getOption(SockOpt<?> opt) {
        Object p = getProtoOption(opt);
        if (p != null) {
            return p;
        }
        if (opt.level() == SockOpt.SOL_IP) {
            return SockIpOptions.get(this, opt);
        }
        if (opt.level() != SockOpt.SOL_SOCKET) {
            throw new ErrnoException(Errno.ENOPROTOOPT, opt + " is not an option of this " + netid() + " socket");
        }
        return switch (opt.label()) {
            case "SO_REUSEADDR" -> reuseAddr ? 1 : 0;
            case "SO_REUSEPORT" -> reusePort ? 1 : 0;
            case "SO_BROADCAST" -> broadcast ? 1 : 0;
            case "SO_DONTROUTE" -> dontRoute ? 1 : 0;
            case "SO_KEEPALIVE" -> keepalive ? 1 : 0;
            case "SO_PRIORITY" -> priority;
            case "SO_MARK" -> mark;
            case "SO_RCVLOWAT" -> rcvLowat;
            case "SO_SNDBUF" -> sndbuf;
            case "SO_RCVBUF" -> rcvbuf;
            case "SO_RCVTIMEO" -> Duration.ofNanos(rcvTimeo);
            case "SO_SNDTIMEO" -> Duration.ofNanos(sndTimeo);
            case "SO_LINGER" -> linger;
            case "SO_BINDTODEVICE" -> boundDev == null ? "" : boundDev.name();
            case "SO_TYPE" -> (int) type;
            case "SO_PROTOCOL" -> (int) protocol;
            case "SO_DOMAIN" -> Socket.AF_INET;
            case "SO_ACCEPTCONN" -> 0;
            case "SO_OOBINLINE" -> urgInline ? 1 : 0;
            case "SO_MAX_PACING_RATE" -> maxPacingRate;
            case "SO_ERROR" -> {
                Errno e = takeError();
                if (e == null) {
                    e = errSoft;
                    errSoft = null;
                }
                yield e == null ? 0 : e.code();
            }
            default -> throw new ErrnoException(Errno.ENOPROTOOPT, opt + " is not supported");
        };
    }

    @Override
    public String toString() {
        return netid() + " " + stateName() + " " + new SockAddrIn(rcvSaddr, num) + " " + new SockAddrIn(daddr, dport);
    }
}
