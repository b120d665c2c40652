package io.jnetstack.socket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A socket option: level and number as on Linux x86-64, and the Java type of its value. Integer
 * options take 0/1 for booleans, as in C. Structured options take records ({@link Linger},
 * {@link IpMreqn}) or a {@link Duration} for the {@code timeval} ones.
 *
 * @param <T> the value type
 */
public final class SockOpt<T> {
    /** SOL_SOCKET. */
    public static final int SOL_SOCKET = 1;
    /** SOL_IP (IPPROTO_IP). */
    public static final int SOL_IP = 0;
    /** SOL_TCP (IPPROTO_TCP). */
    public static final int SOL_TCP = 6;
    /** SOL_UDP (IPPROTO_UDP). */
    public static final int SOL_UDP = 17;
    /** SOL_RAW (IPPROTO_RAW). */
    public static final int SOL_RAW = 255;

    private static final List<SockOpt<?>> ALL = new ArrayList<>();

    /** Allow reuse of local addresses. */
    public static final SockOpt<Integer> SO_REUSEADDR = of(SOL_SOCKET, 2, "SO_REUSEADDR", Integer.class);
    /** The socket type (read only). */
    public static final SockOpt<Integer> SO_TYPE = of(SOL_SOCKET, 3, "SO_TYPE", Integer.class);
    /** The pending error, cleared by reading it (read only). */
    public static final SockOpt<Integer> SO_ERROR = of(SOL_SOCKET, 4, "SO_ERROR", Integer.class);
    /** Send only to directly connected hosts. */
    public static final SockOpt<Integer> SO_DONTROUTE = of(SOL_SOCKET, 5, "SO_DONTROUTE", Integer.class);
    /** Permit sending to broadcast addresses. */
    public static final SockOpt<Integer> SO_BROADCAST = of(SOL_SOCKET, 6, "SO_BROADCAST", Integer.class);
    /** Send buffer size (the kernel doubles what is set). */
    public static final SockOpt<Integer> SO_SNDBUF = of(SOL_SOCKET, 7, "SO_SNDBUF", Integer.class);
    /** Receive buffer size (the kernel doubles what is set). */
    public static final SockOpt<Integer> SO_RCVBUF = of(SOL_SOCKET, 8, "SO_RCVBUF", Integer.class);
    /** TCP keepalive probes. */
    public static final SockOpt<Integer> SO_KEEPALIVE = of(SOL_SOCKET, 9, "SO_KEEPALIVE", Integer.class);
    /** Urgent data inline. */
    public static final SockOpt<Integer> SO_OOBINLINE = of(SOL_SOCKET, 10, "SO_OOBINLINE", Integer.class);
    /** Queueing priority of sent packets. */
    public static final SockOpt<Integer> SO_PRIORITY = of(SOL_SOCKET, 12, "SO_PRIORITY", Integer.class);
    /** Linger on close. */
    public static final SockOpt<Linger> SO_LINGER = of(SOL_SOCKET, 13, "SO_LINGER", Linger.class);
    /** Let several sockets bind the same address and port; datagrams spread by flow hash. */
    public static final SockOpt<Integer> SO_REUSEPORT = of(SOL_SOCKET, 15, "SO_REUSEPORT", Integer.class);
    /** Minimum bytes for a read to return. */
    public static final SockOpt<Integer> SO_RCVLOWAT = of(SOL_SOCKET, 18, "SO_RCVLOWAT", Integer.class);
    /** Receive timeout (zero: none). */
    public static final SockOpt<Duration> SO_RCVTIMEO = of(SOL_SOCKET, 20, "SO_RCVTIMEO", Duration.class);
    /** Send timeout (zero: none). */
    public static final SockOpt<Duration> SO_SNDTIMEO = of(SOL_SOCKET, 21, "SO_SNDTIMEO", Duration.class);
    /** Bind to a device by name ("" unbinds). */
    public static final SockOpt<String> SO_BINDTODEVICE = of(SOL_SOCKET, 25, "SO_BINDTODEVICE", String.class);
    /** Whether the socket listens (read only). */
    public static final SockOpt<Integer> SO_ACCEPTCONN = of(SOL_SOCKET, 30, "SO_ACCEPTCONN", Integer.class);
    /** Firewall mark of sent packets. */
    public static final SockOpt<Integer> SO_MARK = of(SOL_SOCKET, 36, "SO_MARK", Integer.class);
    /** The protocol (read only). */
    public static final SockOpt<Integer> SO_PROTOCOL = of(SOL_SOCKET, 38, "SO_PROTOCOL", Integer.class);
    /** The domain (read only). */
    public static final SockOpt<Integer> SO_DOMAIN = of(SOL_SOCKET, 39, "SO_DOMAIN", Integer.class);

    /**
     * The highest rate the socket's packets may leave at, bytes per second (unsigned, u64; ~0,
     * that is -1, for none): TCP paces itself from then on unless sch_fq does it.
     */
    public static final SockOpt<Long> SO_MAX_PACING_RATE = of(SOL_SOCKET, 47, "SO_MAX_PACING_RATE", Long.class);

    /** Type of service byte of sent packets. */
    public static final SockOpt<Integer> IP_TOS = of(SOL_IP, 1, "IP_TOS", Integer.class);
    /** Unicast TTL (-1: the default, net.ipv4.ip_default_ttl). */
    public static final SockOpt<Integer> IP_TTL = of(SOL_IP, 2, "IP_TTL", Integer.class);
    /** Raw sockets: the user supplies the IP header. */
    public static final SockOpt<Integer> IP_HDRINCL = of(SOL_IP, 3, "IP_HDRINCL", Integer.class);
    /** Receive IP_PKTINFO ancillary data. */
    public static final SockOpt<Integer> IP_PKTINFO = of(SOL_IP, 8, "IP_PKTINFO", Integer.class);
    /** Path MTU discovery: {@link #IP_PMTUDISC_DONT}, WANT, DO, PROBE. */
    public static final SockOpt<Integer> IP_MTU_DISCOVER = of(SOL_IP, 10, "IP_MTU_DISCOVER", Integer.class);
    /** Queue extended errors for MSG_ERRQUEUE. */
    public static final SockOpt<Integer> IP_RECVERR = of(SOL_IP, 11, "IP_RECVERR", Integer.class);
    /** Receive IP_TTL ancillary data. */
    public static final SockOpt<Integer> IP_RECVTTL = of(SOL_IP, 12, "IP_RECVTTL", Integer.class);
    /** Receive IP_TOS ancillary data. */
    public static final SockOpt<Integer> IP_RECVTOS = of(SOL_IP, 13, "IP_RECVTOS", Integer.class);
    /** The path MTU of a connected socket (read only). */
    public static final SockOpt<Integer> IP_MTU = of(SOL_IP, 14, "IP_MTU", Integer.class);
    /** Bind to addresses not (yet) local. */
    public static final SockOpt<Integer> IP_FREEBIND = of(SOL_IP, 15, "IP_FREEBIND", Integer.class);
    /** Outgoing multicast interface (by index or address). */
    public static final SockOpt<IpMreqn> IP_MULTICAST_IF = of(SOL_IP, 32, "IP_MULTICAST_IF", IpMreqn.class);
    /** Multicast TTL (default 1). */
    public static final SockOpt<Integer> IP_MULTICAST_TTL = of(SOL_IP, 33, "IP_MULTICAST_TTL", Integer.class);
    /** Loop sent multicast back to local members (default 1). */
    public static final SockOpt<Integer> IP_MULTICAST_LOOP = of(SOL_IP, 34, "IP_MULTICAST_LOOP", Integer.class);
    /** Join a group on an interface. */
    public static final SockOpt<IpMreqn> IP_ADD_MEMBERSHIP = of(SOL_IP, 35, "IP_ADD_MEMBERSHIP", IpMreqn.class);
    /** Leave a group. */
    public static final SockOpt<IpMreqn> IP_DROP_MEMBERSHIP = of(SOL_IP, 36, "IP_DROP_MEMBERSHIP", IpMreqn.class);
    /** Receive multicast of groups joined by any socket (default 1). */
    public static final SockOpt<Integer> IP_MULTICAST_ALL = of(SOL_IP, 49, "IP_MULTICAST_ALL", Integer.class);

    /** TCP: send small segments at once (no Nagle). */
    public static final SockOpt<Integer> TCP_NODELAY = of(SOL_TCP, 1, "TCP_NODELAY", Integer.class);
    /** TCP: the largest segment to send. */
    public static final SockOpt<Integer> TCP_MAXSEG = of(SOL_TCP, 2, "TCP_MAXSEG", Integer.class);
    /** TCP: hold partial segments until uncorked. */
    public static final SockOpt<Integer> TCP_CORK = of(SOL_TCP, 3, "TCP_CORK", Integer.class);
    /** TCP: idle seconds before keepalive probes. */
    public static final SockOpt<Integer> TCP_KEEPIDLE = of(SOL_TCP, 4, "TCP_KEEPIDLE", Integer.class);
    /** TCP: seconds between keepalive probes. */
    public static final SockOpt<Integer> TCP_KEEPINTVL = of(SOL_TCP, 5, "TCP_KEEPINTVL", Integer.class);
    /** TCP: unanswered keepalive probes before the connection is dropped. */
    public static final SockOpt<Integer> TCP_KEEPCNT = of(SOL_TCP, 6, "TCP_KEEPCNT", Integer.class);
    /** TCP: SYN retransmissions before connect gives up. */
    public static final SockOpt<Integer> TCP_SYNCNT = of(SOL_TCP, 7, "TCP_SYNCNT", Integer.class);
    /** TCP: seconds an orphan waits in FIN_WAIT2 (negative: abort at once). */
    public static final SockOpt<Integer> TCP_LINGER2 = of(SOL_TCP, 8, "TCP_LINGER2", Integer.class);
    /** TCP: quick-ACK mode. */
    public static final SockOpt<Integer> TCP_QUICKACK = of(SOL_TCP, 12, "TCP_QUICKACK", Integer.class);
    /** TCP: milliseconds unacknowledged data may wait before the connection is dropped. */
    public static final SockOpt<Integer> TCP_USER_TIMEOUT = of(SOL_TCP, 18, "TCP_USER_TIMEOUT", Integer.class);
    /** TCP: {@code struct tcp_info} (read only). */
    public static final SockOpt<io.jnetstack.ipv4.tcp.TcpInfo> TCP_INFO = of(SOL_TCP, 11, "TCP_INFO",
            io.jnetstack.ipv4.tcp.TcpInfo.class);

    /** UDP: hold datagrams until uncorked. */
    public static final SockOpt<Integer> UDP_CORK = of(SOL_UDP, 1, "UDP_CORK", Integer.class);
    /** Raw ICMP: bit mask of ICMP types not to receive. */
    public static final SockOpt<Integer> ICMP_FILTER = of(SOL_RAW, 1, "ICMP_FILTER", Integer.class);

    /** IP_PMTUDISC_DONT: never set DF. */
    public static final int IP_PMTUDISC_DONT = 0;
    /** IP_PMTUDISC_WANT: DF when the datagram fits the path MTU, fragment otherwise. */
    public static final int IP_PMTUDISC_WANT = 1;
    /** IP_PMTUDISC_DO: always DF; larger sends fail with EMSGSIZE. */
    public static final int IP_PMTUDISC_DO = 2;
    /** IP_PMTUDISC_PROBE: DF, ignoring the path MTU. */
    public static final int IP_PMTUDISC_PROBE = 3;

    private final int level;
    private final int name;
    private final String label;
    private final Class<T> type;

    private SockOpt(int level, int name, String label, Class<T> type) {
        this.level = level;
        this.name = name;
        this.label = label;
        this.type = type;
    }

    private static <T> SockOpt<T> of(int level, int name, String label, Class<T> type) {
        SockOpt<T> o = new SockOpt<>(level, name, label, type);
        ALL.add(o);
        return o;
    }

    /** Defines an option of another protocol (TCP adds its own). */
    public static <T> SockOpt<T> define(int level, int name, String label, Class<T> type) {
        return new SockOpt<>(level, name, label, type);
    }

    /** The level ({@code SOL_SOCKET}, {@code SOL_IP}, …). */
    public int level() {
        return level;
    }

    /** The option number. */
    public int name() {
        return name;
    }

    /** The C name ("SO_REUSEADDR"). */
    public String label() {
        return label;
    }

    /** The value type. */
    public Class<T> type() {
        return type;
    }

    /** The options defined here, for lookups by name or number. */
    public static List<SockOpt<?>> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** The option with this level and number among {@link #all()}, or null. */
    public static SockOpt<?> lookup(int level, int name) {
        for (SockOpt<?> o : ALL) {
            if (o.level == level && o.name == name) {
                return o;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return label;
    }

    /**
     * {@code struct linger}.
     *
     * @param onoff   whether to linger
     * @param seconds how long
     */
    public record Linger(boolean onoff, int seconds) {
        /** SO_LINGER off, the default of every socket (immutable, so shared). */
        public static final Linger OFF = new Linger(false, 0);
    }

    /**
     * {@code struct ip_mreqn}: a group, a local address and an interface index, any of them 0.
     *
     * @param multiaddr {@code imr_multiaddr}
     * @param address   {@code imr_address}
     * @param ifindex   {@code imr_ifindex}
     */
    public record IpMreqn(int multiaddr, int address, int ifindex) {
    }
}
