package io.jnetstack.socket;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.Sysctls;
import io.jnetstack.core.WaitQueue;
import io.jnetstack.wire.Ipv4Address;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The sockets of one namespace: creation by (domain, type, protocol) as {@code inet_create()}
 * looks up {@code inetsw}, the open sockets with their descriptor numbers, the socket sysctls,
 * {@code poll(2)} over several sockets, epoll instances, and the {@code ss} listing.
 */
public final class Sockets {
    /** SOCK_TYPE_MASK: the type bits below the flags. */
    private static final int SOCK_TYPE_MASK = 0xf;
    /** SOCK_MAX: one past the highest socket type (SOCK_PACKET is 10). */
    private static final int SOCK_MAX = 11;
    /** IPPROTO_MAX: one past the highest protocol number Linux accepts (IPPROTO_MPTCP is 262). */
    private static final int IPPROTO_MAX = 263;
    private final Net net;
    private final Kernel kernel;
    private final Map<Long, Function<Sockets, Sock>> factories = new HashMap<>();
    private BiFunction<Sockets, Integer, Sock> rawFactory;
    /** The open sockets indexed by descriptor ({@code usedFds} says which slots are taken). */
    private Socket[] open = new Socket[16];
    private final Sysctls.Entry rmemDefault;
    private final Sysctls.Entry wmemDefault;
    private final Sysctls.Entry rmemMax;
    private final Sysctls.Entry wmemMax;
    private final Sysctls.Entry localPortRange;
    private final Sysctls.Entry pingGroupRange;
    private final Sysctls.Entry igmpMaxMemberships;
    private final Map<String, Object> protocols = new HashMap<>();
    private final java.util.BitSet usedFds = new java.util.BitSet();
    private long callerGid;
    private boolean callerCapNetRaw = true;

    /** Creates the socket layer of {@code net}; protocols register themselves with {@link #register}. */
    public Sockets(Net net) {
        this.net = net;
        this.kernel = net.kernel();
        Sysctls core = kernel.coreSysctls();
        rmemDefault = core.register("net.core.rmem_default", 256, Integer.MAX_VALUE / 2, 212992);
        wmemDefault = core.register("net.core.wmem_default", 256, Integer.MAX_VALUE / 2, 212992);
        rmemMax = core.register("net.core.rmem_max", 256, Integer.MAX_VALUE / 2, 212992);
        wmemMax = core.register("net.core.wmem_max", 256, Integer.MAX_VALUE / 2, 212992);
        Sysctls s = net.sysctls();
        localPortRange = s.register("net.ipv4.ip_local_port_range", 1, 65535, 32768, 60999);
        pingGroupRange = s.register("net.ipv4.ping_group_range", 0, 0xFFFFFFFFL, 1, 0);
        igmpMaxMemberships = s.register("net.ipv4.igmp_max_memberships", 0, Integer.MAX_VALUE, 20);
    }

    /** The namespace. */
    public Net net() {
        return net;
    }

    /**
     * Registers how sockets of {@code type} and {@code protocol} are made ({@code inetsw}
     * entries). Protocol 0 is the type's default.
     */
    public void register(int type, int protocol, Function<Sockets, Sock> factory) {
        factories.put(((long) type << 32) | (protocol & 0xffffffffL), factory);
    }

    /** Keeps a protocol's per-namespace state (its hash tables) under a name. */
    public void putProtocol(String name, Object state) {
        protocols.put(name, state);
    }

    /** A protocol's per-namespace state, or null. */
    public Object protocol(String name) {
        return protocols.get(name);
    }

    /**
     * Creates a socket. Mirrors {@code __sys_socket()} → {@code __sock_create()} →
     * {@code inet_create()}: type flags other than SOCK_NONBLOCK/SOCK_CLOEXEC and types beyond
     * SOCK_MAX are EINVAL, AF_INET only (EAFNOSUPPORT), protocols beyond IPPROTO_MAX are EINVAL,
     * types AF_INET has no protocol for are ESOCKTNOSUPPORT, unknown protocols of a known type
     * EPROTONOSUPPORT; raw sockets need a protocol; ICMP datagram
     * (ping) sockets are allowed for the groups in {@code net.ipv4.ping_group_range}.
     */
    public Socket socket(int domain, int type, int protocol) {
        if ((type & ~(SOCK_TYPE_MASK | Socket.SOCK_NONBLOCK | Socket.SOCK_CLOEXEC)) != 0) {
            throw new ErrnoException(Errno.EINVAL, "socket type 0x" + Integer.toHexString(type)
                    + " has flags other than SOCK_NONBLOCK and SOCK_CLOEXEC");
        }
        boolean nonBlocking = (type & Socket.SOCK_NONBLOCK) != 0;
        int base = type & SOCK_TYPE_MASK;
        if (domain != Socket.AF_INET) {
            throw new ErrnoException(Errno.EAFNOSUPPORT, "only AF_INET (2) is implemented, not domain " + domain);
        }
        if (base >= SOCK_MAX) {
            throw new ErrnoException(Errno.EINVAL, "socket type " + base + " does not exist");
        }
        if (protocol < 0 || protocol >= IPPROTO_MAX) {
            throw new ErrnoException(Errno.EINVAL, "protocol " + protocol + " is out of range (0.." + (IPPROTO_MAX - 1) + ")");
        }
        if (base != Socket.SOCK_STREAM && base != Socket.SOCK_DGRAM && base != Socket.SOCK_RAW) {
            throw new ErrnoException(Errno.ESOCKTNOSUPPORT, "AF_INET has no socket type " + base
                    + ": use SOCK_STREAM, SOCK_DGRAM or SOCK_RAW");
        }
        Function<Sockets, Sock> f = factories.get(((long) base << 32) | protocol);
        if (f == null && base == Socket.SOCK_RAW) {
            if (protocol == 0) {
                throw new ErrnoException(Errno.EPROTONOSUPPORT, "a raw socket needs a protocol (IPPROTO_RAW, IPPROTO_ICMP, …)");
            }
            if (rawFactory != null) {
                BiFunction<Sockets, Integer, Sock> raw = rawFactory;
                f = s -> raw.apply(s, protocol);
            }
        }
        if (f == null) {
            throw new ErrnoException(Errno.EPROTONOSUPPORT, "no " + typeName(base) + " protocol " + protocol + " in this stack");
        }
        if (base == Socket.SOCK_RAW && !callerCapNetRaw) {
            throw new ErrnoException(Errno.EPERM, "raw sockets need CAP_NET_RAW, which this namespace's caller was denied"
                    + " (Sockets.setCallerCapNetRaw)");
        }
        kernel.lock();
        try {
            return attach(f.apply(this), nonBlocking);
        } finally {
            kernel.unlock();
        }
    }

    /**
     * A protocol socket without a descriptor, as a listener makes for each accepted connection
     * ({@code sk_clone_lock}); {@link Socket#accept} gives it one.
     */
    public Sock newSock(int type, int protocol) {
        Function<Sockets, Sock> f = factories.get(((long) type << 32) | protocol);
        if (f == null) {
            throw new ErrnoException(Errno.EPROTONOSUPPORT, "no protocol " + protocol + " for type " + type);
        }
        return f.apply(this);
    }

    /**
     * Registers the raw-socket factory for every protocol without a SOCK_RAW entry of its own
     * (the IPPROTO_IP wildcard of {@code inetsw}); it is given the protocol asked for.
     */
    public void registerRawWildcard(BiFunction<Sockets, Integer, Sock> factory) {
        this.rawFactory = factory;
    }

    // ================================================================ the caller's credentials

    /**
     * Sets the group id of the program using this namespace's sockets ({@code current_egid()}),
     * which {@code net.ipv4.ping_group_range} is checked against when it opens an ICMP ping
     * socket. The default, 0, is root's group; with Linux's default range ("1 0", nobody) ping
     * sockets are refused with EACCES until the range is widened, as on a stock kernel
     * (systemd distributions set "0 2147483647").
     */
    public void setCallerGid(long gid) {
        if (gid < 0 || gid > 0xFFFFFFFFL) {
            throw new ErrnoException(Errno.EINVAL, "a group id is 0..4294967295, not " + gid);
        }
        this.callerGid = gid;
    }

    /** The caller's group id (see {@link #setCallerGid}). */
    public long callerGid() {
        return callerGid;
    }

    /**
     * Grants or denies the caller CAP_NET_RAW in this namespace: without it, SOCK_RAW sockets
     * fail with EPERM ({@code inet_create()}). Granted by default: the program that builds a
     * namespace holds the capability there, as the creator of a user namespace does on Linux.
     */
    public void setCallerCapNetRaw(boolean granted) {
        this.callerCapNetRaw = granted;
    }

    /** Whether the caller holds CAP_NET_RAW (see {@link #setCallerCapNetRaw}). */
    public boolean callerCapNetRaw() {
        return callerCapNetRaw;
    }

    private static String typeName(int t) {
        return switch (t) {
            case Socket.SOCK_STREAM -> "SOCK_STREAM";
            case Socket.SOCK_DGRAM -> "SOCK_DGRAM";
            default -> "SOCK_RAW";
        };
    }

    Socket attach(Sock sk, boolean nonBlocking) {
        int fd = usedFds.nextClearBit(3);
        usedFds.set(fd);
        Socket s = new Socket(this, sk, fd, nonBlocking);
        if (fd >= open.length) {
            open = java.util.Arrays.copyOf(open, Math.max(fd + 1, open.length * 2));
        }
        open[fd] = s;
        return s;
    }

    void detach(Socket s) {
        if (s.fd() < open.length && open[s.fd()] == s) {
            open[s.fd()] = null;
        }
        usedFds.clear(s.fd());
    }

    /** The open sockets, by descriptor. */
    public List<Socket> list() {
        kernel.lock();
        try {
            List<Socket> out = new ArrayList<>(usedFds.cardinality());
            for (int fd = usedFds.nextSetBit(0); fd >= 0; fd = usedFds.nextSetBit(fd + 1)) {
                if (fd < open.length && open[fd] != null) {
                    out.add(open[fd]);
                }
            }
            return out;
        } finally {
            kernel.unlock();
        }
    }

    /** The open socket with descriptor {@code fd}, or null. */
    public Socket byFd(int fd) {
        return fd >= 0 && fd < open.length ? open[fd] : null;
    }

    // ================================================================ sysctls

    /** {@code net.core.rmem_default}. */
    public int rmemDefault() {
        return rmemDefault.getInt();
    }

    /** {@code net.core.wmem_default}. */
    public int wmemDefault() {
        return wmemDefault.getInt();
    }

    /** {@code net.core.rmem_max}. */
    public int rmemMax() {
        return rmemMax.getInt();
    }

    /** {@code net.core.wmem_max}. */
    public int wmemMax() {
        return wmemMax.getInt();
    }

    /** {@code net.ipv4.ip_local_port_range} low end. */
    public int localPortLow() {
        return (int) localPortRange.get(0);
    }

    /** {@code net.ipv4.ip_local_port_range} high end. */
    public int localPortHigh() {
        return (int) localPortRange.get(1);
    }

    /** Whether group id {@code gid} may open ICMP ping sockets ({@code net.ipv4.ping_group_range}). */
    public boolean pingAllowed(long gid) {
        return gid >= pingGroupRange.get(0) && gid <= pingGroupRange.get(1);
    }

    /** {@code net.ipv4.igmp_max_memberships}: groups one socket may join. */
    public int igmpMaxMemberships() {
        return igmpMaxMemberships.getInt();
    }

    // ================================================================ poll

    /**
     * One entry of {@link #poll}. Mirrors {@code struct pollfd}.
     *
     * @param socket  the socket
     * @param events  what to wait for
     */
    public record PollFd(Socket socket, int events) {
    }

    /**
     * Waits until one of the sockets is ready for what it asks or {@code timeoutMillis} passes
     * (negative: forever, 0: just look). Mirrors {@code do_poll()}: POLLERR, POLLHUP and POLLNVAL
     * are always reported.
     *
     * @return the ready events per entry ({@code revents}), in order
     */
    public int[] poll(PollFd[] fds, long timeoutMillis) {
        int[] revents = new int[fds.length];
        WaitQueue wq = new WaitQueue();
        WaitQueue.Callback cb = ev -> wq.wakeUp(ev);
        kernel.lock();
        try {
            for (PollFd p : fds) {
                if (!p.socket().isClosed()) {
                    p.socket().sock().waitQueue().addCallback(cb);
                }
            }
            long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : kernel.clock().nanos() + timeoutMillis * 1_000_000L;
            if (!scan(fds, revents) && timeoutMillis != 0) {
                kernel.sleep(wq, () -> scan(fds, revents), deadline);
            }
            return revents;
        } finally {
            for (PollFd p : fds) {
                p.socket().sock().waitQueue().removeCallback(cb);
            }
            kernel.unlock();
        }
    }

    private static boolean scan(PollFd[] fds, int[] revents) {
        boolean any = false;
        for (int i = 0; i < fds.length; i++) {
            Socket s = fds[i].socket();
            int m = s.isClosed() ? Socket.POLLNVAL : s.sock().poll();
            revents[i] = m & (fds[i].events() | Socket.POLLERR | Socket.POLLHUP | Socket.POLLNVAL);
            any |= revents[i] != 0;
        }
        return any;
    }

    /** A new epoll instance. Mirrors {@code epoll_create1()}. */
    public Epoll epoll() {
        return new Epoll(kernel);
    }

    // ================================================================ ss

    /**
     * The sockets as {@code ss -a} prints them, restricted to the netids given ("udp", "raw",
     * "icmp", "tcp"; none: all).
     */
    public String formatSs(String... netids) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-6s %-7s %-7s %-7s %-22s %-22s%n", "Netid", "State", "Recv-Q", "Send-Q",
                "Local Address:Port", "Peer Address:Port"));
        for (Socket s : list()) {
            Sock k = s.sock();
            if (netids.length > 0 && !List.of(netids).contains(k.netid())) {
                continue;
            }
            String local = addr(k.rcvSaddr) + ":" + (k.num == 0 ? "*" : Integer.toString(k.num));
            if (k.boundDev != null) {
                local = addr(k.rcvSaddr) + "%" + k.boundDev.name() + ":" + (k.num == 0 ? "*" : Integer.toString(k.num));
            }
            String peer = k.connected ? Ipv4Address.format(k.daddr) + ":" + (k.dport == 0 ? "*" : Integer.toString(k.dport)) : "*:*";
            sb.append(String.format("%-6s %-7s %-7d %-7d %-22s %-22s%n", k.netid(), k.stateName(), k.recvQ(), k.sendQ(), local, peer));
        }
        return sb.toString();
    }

    private static String addr(int a) {
        return a == 0 ? "0.0.0.0" : Ipv4Address.format(a);
    }
}
