package io.jnetstack.socket;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.WaitQueue;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;

import java.nio.ByteBuffer;

/**
 * A BSD socket on a {@link io.jnetstack.core.Net}: the calls and constants people know from
 * {@code socket(7)}, {@code ip(7)}, {@code udp(7)}, {@code raw(7)}. Mirrors {@code struct socket}
 * with its file: each call enters the stack ({@code sock_sendmsg}, {@code sock_recvmsg}, …) and
 * dispatches to the protocol's {@link Sock}.
 *
 * <pre>
 * Socket s = net.sockets().socket(Socket.AF_INET, Socket.SOCK_DGRAM, 0);
 * s.bind(SockAddrIn.of("198.18.1.1", 7));
 * s.sendto(ByteBuffer.wrap(bytes), 0, SockAddrIn.of("198.18.2.1", 7));
 * int n = s.recv(buffer, 0);
 * </pre>
 *
 * <p>Errors are {@link ErrnoException}s carrying the errno Linux returns. Blocking calls park
 * the calling thread (virtual threads welcome) until ready or until SO_RCVTIMEO/SO_SNDTIMEO; in
 * a deterministic kernel a call from the driving thread runs the simulation instead (see
 * {@link Kernel#sleep}). Non-blocking sockets (SOCK_NONBLOCK, O_NONBLOCK, FIONBIO) and
 * MSG_DONTWAIT fail with EAGAIN. Readiness is {@link #poll()}, {@link Sockets#poll} or an
 * {@link Epoll}; a selector can register on {@link #waitQueue()}.
 */
public final class Socket implements AutoCloseable {
    /** AF_UNSPEC: connect to it to dissolve a datagram association. */
    public static final int AF_UNSPEC = 0;
    /** AF_INET. */
    public static final int AF_INET = 2;
    /** SOCK_STREAM. */
    public static final int SOCK_STREAM = 1;
    /** SOCK_DGRAM. */
    public static final int SOCK_DGRAM = 2;
    /** SOCK_RAW. */
    public static final int SOCK_RAW = 3;
    /** SOCK_NONBLOCK, or-ed into the type. */
    public static final int SOCK_NONBLOCK = 0x800;
    /** SOCK_CLOEXEC, or-ed into the type (accepted, meaningless here). */
    public static final int SOCK_CLOEXEC = 0x80000;
    /** IPPROTO_IP. */
    public static final int IPPROTO_IP = 0;
    /** IPPROTO_ICMP. */
    public static final int IPPROTO_ICMP = 1;
    /** IPPROTO_IGMP. */
    public static final int IPPROTO_IGMP = 2;
    /** IPPROTO_TCP. */
    public static final int IPPROTO_TCP = 6;
    /** IPPROTO_UDP. */
    public static final int IPPROTO_UDP = 17;
    /** IPPROTO_RAW. */
    public static final int IPPROTO_RAW = 255;

    /** MSG_OOB. */
    public static final int MSG_OOB = 0x1;
    /** MSG_PEEK: read without removing. */
    public static final int MSG_PEEK = 0x2;
    /** MSG_DONTROUTE. */
    public static final int MSG_DONTROUTE = 0x4;
    /** MSG_CTRUNC: ancillary data was cut. */
    public static final int MSG_CTRUNC = 0x8;
    /** MSG_TRUNC: on input, return the real length; on output, the datagram was cut. */
    public static final int MSG_TRUNC = 0x20;
    /** MSG_DONTWAIT: this call does not block. */
    public static final int MSG_DONTWAIT = 0x40;
    /** MSG_EOR. */
    public static final int MSG_EOR = 0x80;
    /** MSG_WAITALL: stream sockets wait for the whole buffer. */
    public static final int MSG_WAITALL = 0x100;
    /** MSG_CONFIRM. */
    public static final int MSG_CONFIRM = 0x800;
    /** MSG_ERRQUEUE: read the error queue. */
    public static final int MSG_ERRQUEUE = 0x2000;
    /** MSG_NOSIGNAL. */
    public static final int MSG_NOSIGNAL = 0x4000;
    /** MSG_MORE: more data follows (corks). */
    public static final int MSG_MORE = 0x8000;

    /** POLLIN. */
    public static final int POLLIN = 0x1;
    /** POLLPRI. */
    public static final int POLLPRI = 0x2;
    /** POLLOUT. */
    public static final int POLLOUT = 0x4;
    /** POLLERR. */
    public static final int POLLERR = 0x8;
    /** POLLHUP. */
    public static final int POLLHUP = 0x10;
    /** POLLNVAL. */
    public static final int POLLNVAL = 0x20;
    /** POLLRDNORM. */
    public static final int POLLRDNORM = 0x40;
    /** POLLRDBAND. */
    public static final int POLLRDBAND = 0x80;
    /** POLLWRNORM. */
    public static final int POLLWRNORM = 0x100;
    /** POLLWRBAND. */
    public static final int POLLWRBAND = 0x200;
    /** POLLRDHUP. */
    public static final int POLLRDHUP = 0x2000;

    /** SHUT_RD. */
    public static final int SHUT_RD = 0;
    /** SHUT_WR. */
    public static final int SHUT_WR = 1;
    /** SHUT_RDWR. */
    public static final int SHUT_RDWR = 2;

    /** FIONREAD (SIOCINQ): bytes of the next datagram, or unread stream bytes. */
    public static final int FIONREAD = 0x541B;
    /** SIOCOUTQ (TIOCOUTQ): bytes not yet sent. */
    public static final int SIOCOUTQ = 0x5411;
    /** SIOCATMARK: 1 when the next byte to read is the urgent byte (TCP), else 0. */
    public static final int SIOCATMARK = 0x8905;
    /** FIONBIO: set non-blocking. */
    public static final int FIONBIO = 0x5421;
    /** fcntl F_GETFL. */
    public static final int F_GETFL = 3;
    /** fcntl F_SETFL. */
    public static final int F_SETFL = 4;
    /** O_RDWR, part of F_GETFL. */
    public static final int O_RDWR = 2;
    /** O_NONBLOCK. */
    public static final int O_NONBLOCK = 0x800;

    /** A deadline meaning "do not wait". */
    static final long NO_WAIT = -1;

    private final Sockets table;
    private final Sock sk;
    private final int fd;
    private volatile boolean closed;
    private boolean nonBlocking;
    /**
     * The epoll sets watching this socket, which its close leaves ({@code eventpoll_release()});
     * null until the first.
     */
    java.util.List<Epoll> epolls;

    Socket(Sockets table, Sock sk, int fd, boolean nonBlocking) {
        this.table = table;
        this.sk = sk;
        this.fd = fd;
        this.nonBlocking = nonBlocking;
        sk.socket = this;
    }

    /** The protocol socket (for the stack's own tools: ss, tests). */
    public Sock sock() {
        return sk;
    }

    /** A small number unique among this namespace's open sockets, as a file descriptor. */
    public int fd() {
        return fd;
    }

    /** The readiness wait queue: register a callback to learn of POLLIN/POLLOUT/POLLERR. */
    public WaitQueue waitQueue() {
        return sk.waitQueue();
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    private void enter() {
        if (closed) {
            throw new ErrnoException(Errno.EBADF, "the socket (fd " + fd + ") is closed");
        }
        sk.kernel.lock();
        if (closed) {
            sk.kernel.unlock();
            throw new ErrnoException(Errno.EBADF, "the socket (fd " + fd + ") is closed");
        }
    }

    private void leave() {
        sk.kernel.unlock();
    }

    private long deadline(int flags, long timeo) {
        if (nonBlocking || (flags & MSG_DONTWAIT) != 0) {
            return NO_WAIT;
        }
        return timeo == 0 ? Long.MAX_VALUE : sk.kernel.clock().nanos() + timeo;
    }

    // ================================================================ addresses

    /** Binds to a local address and port (port 0: pick one). Mirrors {@code inet_bind()}. */
    public void bind(SockAddrIn addr) {
        enter();
        if (addr == null) {
            leave();
            throw new ErrnoException(Errno.EINVAL, "bind() needs an address (SockAddrIn.ANY for any address and port)");
        }
        try {
            sk.bind(addr);
        } finally {
            leave();
        }
    }

    /**
     * Connects. For datagram sockets this sets the default peer and filters what is received;
     * {@code connect(null)} is AF_UNSPEC and dissolves it. Mirrors {@code inet_dgram_connect()}
     * and {@code inet_stream_connect()}.
     */
    public void connect(SockAddrIn addr) {
        enter();
        try {
            if (addr == null) {
                sk.disconnect();
            } else {
                sk.connect(addr, deadline(0, sk.sndTimeo));
            }
        } finally {
            leave();
        }
    }

    /** Dissolves a datagram association: {@code connect} with AF_UNSPEC. */
    public void disconnect() {
        connect(null);
    }

    /** The local address. Mirrors {@code inet_getname()}. */
    public SockAddrIn getsockname() {
        enter();
        try {
            return new SockAddrIn(sk.rcvSaddr != 0 ? sk.rcvSaddr : sk.connected ? sk.saddr : 0, sk.num);
        } finally {
            leave();
        }
    }

    /**
     * The peer address; ENOTCONN when there is none, or (TCP) while SYN_SENT and once closed.
     * Mirrors {@code inet_getname(peer=1)}.
     */
    public SockAddrIn getpeername() {
        enter();
        try {
            if (!sk.isConnected()) {
                throw new ErrnoException(Errno.ENOTCONN, "the socket has no peer: connect() it first");
            }
            return new SockAddrIn(sk.daddr, sk.dport);
        } finally {
            leave();
        }
    }

    // ================================================================ streams

    /** Listens. Mirrors {@code inet_listen()}. */
    public void listen(int backlog) {
        enter();
        try {
            sk.listen(backlog);
        } finally {
            leave();
        }
    }

    /** Accepts a connection. Mirrors {@code inet_accept()}. */
    public Socket accept() {
        enter();
        try {
            Sock child = sk.accept(deadline(0, sk.rcvTimeo));
            return table.attach(child, false);
        } finally {
            leave();
        }
    }

    /** Shuts down reading ({@link #SHUT_RD}), writing or both. Mirrors {@code inet_shutdown()}. */
    public void shutdown(int how) {
        enter();
        try {
            if (how < SHUT_RD || how > SHUT_RDWR) {
                throw new ErrnoException(Errno.EINVAL, "shutdown(how=" + how + "): use SHUT_RD, SHUT_WR or SHUT_RDWR");
            }
            sk.shutdown(how + 1);
        } finally {
            leave();
        }
    }

    /**
     * Closes; later calls fail with EBADF and the socket leaves every epoll set. Closing twice is
     * harmless here.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        sk.kernel.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (epolls != null) {
                for (Epoll ep : epolls.toArray(new Epoll[0])) {
                    ep.release(this);
                }
            }
            // Calls blocked in other threads wake up and see the end (then EBADF).
            sk.shutdown = Sock.RCV_SHUTDOWN | Sock.SEND_SHUTDOWN;
            sk.close();
            table.detach(this);
            sk.wakeUp(POLLHUP | POLLERR | POLLIN | POLLOUT);
        } finally {
            sk.kernel.unlock();
        }
    }

    // ================================================================ send

    /** Sends to the connected peer. */
    public int send(ByteBuffer buf, int flags) {
        return sendmsg(new Msghdr(buf), flags);
    }

    /** Sends to {@code to} (null: the connected peer). */
    public int sendto(ByteBuffer buf, int flags, SockAddrIn to) {
        return sendmsg(new Msghdr(buf).name(to), flags);
    }

    /** {@code write(2)}: send with no flags. */
    public int write(ByteBuffer buf) {
        return sendmsg(new Msghdr(buf), 0);
    }

    /** {@code writev(2)}: one datagram (or stream write) from several buffers. */
    public int writev(ByteBuffer... bufs) {
        return sendmsg(new Msghdr(bufs), 0);
    }

    /** Sends a message: address, gathered buffers, ancillary data. Mirrors {@code sock_sendmsg()}. */
    public int sendmsg(Msghdr msg, int flags) {
        enter();
        Tracer t = sk.kernel.tracer();
        t.enter(Stage.SOCK_SENDMSG, null, sk.net().name(), "");
        try {
            checkIov(msg, false);
            return sk.sendmsg(msg, flags, deadline(flags, sk.sndTimeo));
        } finally {
            t.exit();
            leave();
        }
    }

    /**
     * The buffers a call reads from or writes to must exist and, to be written, be writable:
     * EFAULT otherwise, as the kernel answers a bad user pointer ({@code import_iovec()}).
     */
    private static void checkIov(Msghdr msg, boolean written) {
        if (msg == null || msg.iov() == null) {
            throw new ErrnoException(Errno.EFAULT, "no message: pass a Msghdr with buffers");
        }
        for (ByteBuffer b : msg.iov()) {
            if (b == null) {
                throw new ErrnoException(Errno.EFAULT, "a buffer of the message is null");
            }
            if (written && b.isReadOnly()) {
                throw new ErrnoException(Errno.EFAULT, "a buffer to receive into is read-only");
            }
        }
    }

    // ================================================================ receive

    /** Receives into {@code buf}; returns the bytes received (or the datagram length with MSG_TRUNC). */
    public int recv(ByteBuffer buf, int flags) {
        return recvmsg(new Msghdr(buf), flags);
    }

    /**
     * Receives, storing the sender in {@code from[0]} when {@code from} is not null (the C
     * out-pointer).
     */
    public int recvfrom(ByteBuffer buf, int flags, SockAddrIn[] from) {
        Msghdr m = new Msghdr(buf);
        int n = recvmsg(m, flags);
        if (from != null && from.length > 0) {
            from[0] = m.name();
        }
        return n;
    }

    /** {@code read(2)}. */
    public int read(ByteBuffer buf) {
        return recvmsg(new Msghdr(buf), 0);
    }

    /** {@code readv(2)}. */
    public int readv(ByteBuffer... bufs) {
        return recvmsg(new Msghdr(bufs), 0);
    }

    /**
     * Receives a message: the sender in {@link Msghdr#name()}, ancillary data, MSG_TRUNC in
     * {@link Msghdr#flags()}; MSG_ERRQUEUE reads the error queue. Mirrors {@code sock_recvmsg()}.
     */
    public int recvmsg(Msghdr msg, int flags) {
        enter();
        Tracer t = sk.kernel.tracer();
        t.enter(Stage.SOCK_RECVMSG, null, sk.net().name(), "");
        try {
            checkIov(msg, true);
            msg.control().clear();
            msg.flags(0);
            if ((flags & MSG_ERRQUEUE) != 0) {
                return sk.recvError(msg, flags);
            }
            return sk.recvmsg(msg, flags, deadline(flags, sk.rcvTimeo));
        } finally {
            t.exit();
            leave();
        }
    }

    // ================================================================ options and control

    /** Sets an option. Mirrors {@code sys_setsockopt()}. */
    public <T> void setsockopt(SockOpt<T> opt, T value) {
        if (value == null) {
            throw new ErrnoException(Errno.EFAULT, opt + ": the value must not be null");
        }
        enter();
        try {
            sk.setOption(opt, value);
        } finally {
            leave();
        }
    }

    /** Reads an option. Mirrors {@code sys_getsockopt()}. */
    public <T> T getsockopt(SockOpt<T> opt) {
        enter();
        try {
            return opt.type().cast(sk.getOption(opt));
        } finally {
            leave();
        }
    }

    /** Sets an integer option by level and number, as C code does. */
    public void setsockopt(int level, int name, int value) {
        SockOpt<?> o = SockOpt.lookup(level, name);
        if (o == null || o.type() != Integer.class) {
            throw new ErrnoException(Errno.ENOPROTOOPT, "no integer option " + name + " at level " + level);
        }
        @SuppressWarnings("unchecked")
        SockOpt<Integer> io = (SockOpt<Integer>) o;
        setsockopt(io, value);
    }

    /**
     * {@code setsockopt(2)} with the value as C passes it: {@code optval}'s remaining bytes,
     * little-endian as on x86-64, their count being {@code optlen}. For the numeric options:
     * an int option takes 4 bytes (a SOL_IP one also a single byte, as
     * {@code do_ip_setsockopt()} reads it); a u64 option (SO_MAX_PACING_RATE) 8 bytes, or 4
     * read as a u32 where ~0U means ~0UL, as {@code sk_setsockopt()} does. Fewer bytes are
     * EINVAL ({@code optlen < sizeof(int)}). Structured options take
     * {@link #setsockopt(SockOpt, Object)}.
     */
    public void setsockopt(int level, int name, ByteBuffer optval) {
        SockOpt<?> o = SockOpt.lookup(level, name);
        if (o == null) {
            throw new ErrnoException(Errno.ENOPROTOOPT, "no option " + name + " at level " + level);
        }
        ByteBuffer b = optval.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int optlen = b.remaining();
        Object v;
        if (o.type() == Integer.class && optlen >= Integer.BYTES) {
            v = b.getInt();
        } else if (o.type() == Integer.class && optlen >= 1 && level == SockOpt.SOL_IP) {
            v = b.get() & 0xff;
        } else if (o.type() == Long.class && optlen >= Long.BYTES) {
            v = b.getLong();
        } else if (o.type() == Long.class && optlen >= Integer.BYTES) {
            int u32 = b.getInt();
            v = u32 == -1 ? -1L : Integer.toUnsignedLong(u32);
        } else if (o.type() == Integer.class || o.type() == Long.class) {
            throw new ErrnoException(Errno.EINVAL, o + ": optlen " + optlen + " is shorter than the value");
        } else {
            throw new ErrnoException(Errno.EINVAL, o + " takes a structured value: use setsockopt(SockOpt, value)");
        }
        setRaw(o, v);
    }

    @SuppressWarnings("unchecked")
    private <T> void setRaw(SockOpt<T> o, Object v) {
        setsockopt(o, (T) v);
    }

    /**
     * {@code getsockopt(2)} into a buffer as C passes it: at most {@code optval.remaining()}
     * bytes of the value are written, little-endian, and the position advanced. An int option
     * gives 4 bytes; a u64 option (SO_MAX_PACING_RATE) 8 when there is room, else the value as a
     * u32, at most ~0U, as {@code sk_getsockopt()} does. A shorter buffer gets the first bytes.
     *
     * @return the bytes written ({@code optlen} after the call)
     */
    public int getsockopt(int level, int name, ByteBuffer optval) {
        SockOpt<?> o = SockOpt.lookup(level, name);
        if (o == null || (o.type() != Integer.class && o.type() != Long.class)) {
            throw new ErrnoException(o == null ? Errno.ENOPROTOOPT : Errno.EINVAL,
                    "no numeric option " + name + " at level " + level);
        }
        Object v = getsockopt(o);
        int len = optval.remaining();
        long value;
        int lv;
        if (v instanceof Long l && len >= Long.BYTES) {
            value = l;
            lv = Long.BYTES;
        } else if (v instanceof Long l) {
            value = Long.compareUnsigned(l, 0xFFFFFFFFL) > 0 ? 0xFFFFFFFFL : l;
            lv = Integer.BYTES;
        } else {
            value = (Integer) v;
            lv = Integer.BYTES;
        }
        len = Math.min(len, lv);
        for (int i = 0; i < len; i++) {
            optval.put((byte) (value >>> (8 * i)));
        }
        return len;
    }

    /**
     * {@code ioctl(2)}: FIONREAD (bytes of the next datagram), SIOCOUTQ (bytes not yet sent),
     * SIOCATMARK (TCP: at the urgent mark), FIONBIO (arg != 0: non-blocking).
     */
    public long ioctl(int request, long arg) {
        enter();
        try {
            if (request == FIONBIO) {
                nonBlocking = arg != 0;
                return 0;
            }
            long v = sk.ioctl(request);
            if (v == Long.MIN_VALUE) {
                throw new ErrnoException(Errno.ENOTTY, "ioctl 0x" + Integer.toHexString(request) + " is not a socket ioctl");
            }
            return v;
        } finally {
            leave();
        }
    }

    /** {@code fcntl(2)}: F_GETFL and F_SETFL with O_NONBLOCK. */
    public int fcntl(int cmd, int arg) {
        enter();
        try {
            if (cmd == F_GETFL) {
                return O_RDWR | (nonBlocking ? O_NONBLOCK : 0);
            }
            if (cmd == F_SETFL) {
                nonBlocking = (arg & O_NONBLOCK) != 0;
                return 0;
            }
            throw new ErrnoException(Errno.EINVAL, "fcntl command " + cmd + " is not supported (use F_GETFL or F_SETFL)");
        } finally {
            leave();
        }
    }

    /** Whether the socket is non-blocking. */
    public boolean isNonBlocking() {
        return nonBlocking;
    }

    /** The readiness mask now (POLLIN, POLLOUT, POLLERR, POLLHUP, …), without waiting. */
    public int poll() {
        if (closed) {
            return POLLNVAL;
        }
        sk.kernel.lock();
        try {
            return closed ? POLLNVAL : sk.poll();
        } finally {
            sk.kernel.unlock();
        }
    }

    @Override
    public String toString() {
        return "fd " + fd + " " + sk;
    }
}
