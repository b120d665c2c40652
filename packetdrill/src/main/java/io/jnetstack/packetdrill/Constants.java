package io.jnetstack.packetdrill;

import io.jnetstack.socket.SockOpt;

import java.util.HashMap;
import java.util.Map;

/**
 * The symbolic constants a script may write, with their Linux x86-64 values: address families,
 * socket types, protocol levels, socket options, message flags, fcntl, ioctl and poll numbers,
 * and the tcp_info constants the code blocks compare against. Option names the stack defines
 * ({@link SockOpt#all()}) are added under their C names, so new options are known without a
 * change here.
 */
final class Constants {

    private static final Map<String, Long> VALUES = new HashMap<>();

    static {
        families();
        sockets();
        socketOptions();
        tcpOptions();
        ipOptions();
        messageFlags();
        control();
        tcpInfo();
        for (SockOpt<?> o : SockOpt.all()) {
            VALUES.putIfAbsent(o.label(), (long) o.name());
        }
    }

    private Constants() {
    }

    /**
     * @param name a constant's name
     * @return its value, or null when the name is not a known constant
     */
    static Long value(String name) {
        return VALUES.get(name);
    }

    private static void put(String name, long value) {
        VALUES.put(name, value);
    }

    private static void families() {
        put("AF_UNSPEC", 0);
        put("AF_INET", 2);
        put("AF_INET6", 10);
        put("PF_INET", 2);
        put("PF_INET6", 10);
        put("INADDR_ANY", 0);
        put("NULL", 0);
    }

    private static void sockets() {
        put("SOCK_STREAM", 1);
        put("SOCK_DGRAM", 2);
        put("SOCK_RAW", 3);
        put("SOCK_NONBLOCK", 0x800);
        put("SOCK_CLOEXEC", 0x80000);
        put("IPPROTO_IP", 0);
        put("IPPROTO_ICMP", 1);
        put("IPPROTO_TCP", 6);
        put("IPPROTO_UDP", 17);
        put("IPPROTO_RAW", 255);
        put("SOL_IP", 0);
        put("SOL_SOCKET", 1);
        put("SOL_TCP", 6);
        put("SOL_UDP", 17);
        put("SOL_RAW", 255);
        put("SHUT_RD", 0);
        put("SHUT_WR", 1);
        put("SHUT_RDWR", 2);
    }

    private static void socketOptions() {
        String[] names = {null, "SO_DEBUG", "SO_REUSEADDR", "SO_TYPE", "SO_ERROR", "SO_DONTROUTE", "SO_BROADCAST",
            "SO_SNDBUF", "SO_RCVBUF", "SO_KEEPALIVE", "SO_OOBINLINE", "SO_NO_CHECK", "SO_PRIORITY", "SO_LINGER",
            "SO_BSDCOMPAT", "SO_REUSEPORT", null, null, "SO_RCVLOWAT", "SO_SNDLOWAT", "SO_RCVTIMEO", "SO_SNDTIMEO"};
        for (int i = 0; i < names.length; i++) {
            if (names[i] != null) {
                put(names[i], i);
            }
        }
        put("SO_BINDTODEVICE", 25);
        put("SO_TIMESTAMP", 29);
        put("SO_ACCEPTCONN", 30);
        put("SO_SNDBUFFORCE", 32);
        put("SO_RCVBUFFORCE", 33);
        put("SO_MARK", 36);
        put("SO_TIMESTAMPING", 37);
        put("SO_PROTOCOL", 38);
        put("SO_DOMAIN", 39);
        put("SO_MAX_PACING_RATE", 47);
        put("SO_INCOMING_CPU", 49);
        put("SO_ZEROCOPY", 60);
        put("SO_TXTIME", 61);
    }

    private static void tcpOptions() {
        String[] names = {null, "TCP_NODELAY", "TCP_MAXSEG", "TCP_CORK", "TCP_KEEPIDLE", "TCP_KEEPINTVL",
            "TCP_KEEPCNT", "TCP_SYNCNT", "TCP_LINGER2", "TCP_DEFER_ACCEPT", "TCP_WINDOW_CLAMP", "TCP_INFO",
            "TCP_QUICKACK", "TCP_CONGESTION", "TCP_MD5SIG", null, "TCP_THIN_LINEAR_TIMEOUTS", "TCP_THIN_DUPACK",
            "TCP_USER_TIMEOUT", "TCP_REPAIR", "TCP_REPAIR_QUEUE", "TCP_QUEUE_SEQ", "TCP_REPAIR_OPTIONS",
            "TCP_FASTOPEN", "TCP_TIMESTAMP", "TCP_NOTSENT_LOWAT", "TCP_CC_INFO", "TCP_SAVE_SYN", "TCP_SAVED_SYN",
            "TCP_REPAIR_WINDOW", "TCP_FASTOPEN_CONNECT", "TCP_ULP", "TCP_MD5SIG_EXT", "TCP_FASTOPEN_KEY",
            "TCP_FASTOPEN_NO_COOKIE", "TCP_ZEROCOPY_RECEIVE", "TCP_INQ", "TCP_TX_DELAY"};
        for (int i = 0; i < names.length; i++) {
            if (names[i] != null) {
                put(names[i], i);
            }
        }
    }

    private static void ipOptions() {
        put("IP_TOS", 1);
        put("IP_TTL", 2);
        put("IP_HDRINCL", 3);
        put("IP_OPTIONS", 4);
        put("IP_PKTINFO", 8);
        put("IP_MTU_DISCOVER", 10);
        put("IP_RECVERR", 11);
        put("IP_RECVTTL", 12);
        put("IP_RECVTOS", 13);
        put("IP_MTU", 14);
        put("IP_FREEBIND", 15);
        put("IP_MULTICAST_IF", 32);
        put("IP_MULTICAST_TTL", 33);
        put("IP_MULTICAST_LOOP", 34);
        put("IP_ADD_MEMBERSHIP", 35);
        put("IP_DROP_MEMBERSHIP", 36);
        put("IP_PMTUDISC_DONT", 0);
        put("IP_PMTUDISC_WANT", 1);
        put("IP_PMTUDISC_DO", 2);
        put("IP_PMTUDISC_PROBE", 3);
    }

    private static void messageFlags() {
        put("MSG_OOB", 0x1);
        put("MSG_PEEK", 0x2);
        put("MSG_DONTROUTE", 0x4);
        put("MSG_CTRUNC", 0x8);
        put("MSG_TRUNC", 0x20);
        put("MSG_DONTWAIT", 0x40);
        put("MSG_EOR", 0x80);
        put("MSG_WAITALL", 0x100);
        put("MSG_CONFIRM", 0x800);
        put("MSG_ERRQUEUE", 0x2000);
        put("MSG_NOSIGNAL", 0x4000);
        put("MSG_MORE", 0x8000);
        put("MSG_ZEROCOPY", 0x4000000);
        put("MSG_FASTOPEN", 0x20000000);
    }

    private static void control() {
        put("O_RDONLY", 0);
        put("O_WRONLY", 1);
        put("O_RDWR", 2);
        put("O_NONBLOCK", 0x800);
        put("F_GETFD", 1);
        put("F_SETFD", 2);
        put("F_GETFL", 3);
        put("F_SETFL", 4);
        put("FIONREAD", 0x541B);
        put("SIOCINQ", 0x541B);
        put("SIOCOUTQ", 0x5411);
        put("FIONBIO", 0x5421);
        put("SIOCOUTQNSD", 0x894B);
        put("SIOCATMARK", 0x8905);
        put("EPOLL_CTL_ADD", 1);
        put("EPOLL_CTL_DEL", 2);
        put("EPOLL_CTL_MOD", 3);
        put("EPOLLIN", 0x1);
        put("EPOLLPRI", 0x2);
        put("EPOLLOUT", 0x4);
        put("EPOLLERR", 0x8);
        put("EPOLLHUP", 0x10);
        put("EPOLLRDNORM", 0x40);
        put("EPOLLRDHUP", 0x2000);
        put("EPOLLEXCLUSIVE", 1L << 28);
        put("EPOLLWAKEUP", 1L << 29);
        put("EPOLLONESHOT", 1L << 30);
        put("EPOLLET", 1L << 31);
        String[] poll = {"POLLIN", "POLLPRI", "POLLOUT", "POLLERR", "POLLHUP", "POLLNVAL", "POLLRDNORM",
            "POLLRDBAND", "POLLWRNORM", "POLLWRBAND", "POLLMSG", "POLLREMOVE", "POLLRDHUP"};
        for (int i = 0; i < poll.length; i++) {
            put(poll[i], 1L << i);
        }
    }

    private static void tcpInfo() {
        String[] caStates = {"TCP_CA_Open", "TCP_CA_Disorder", "TCP_CA_CWR", "TCP_CA_Recovery", "TCP_CA_Loss"};
        for (int i = 0; i < caStates.length; i++) {
            put(caStates[i], i);
        }
        String[] states = {null, "TCP_ESTABLISHED", "TCP_SYN_SENT", "TCP_SYN_RECV", "TCP_FIN_WAIT1",
            "TCP_FIN_WAIT2", "TCP_TIME_WAIT", "TCP_CLOSE", "TCP_CLOSE_WAIT", "TCP_LAST_ACK", "TCP_LISTEN",
            "TCP_CLOSING", "TCP_NEW_SYN_RECV"};
        for (int i = 1; i < states.length; i++) {
            put(states[i], i);
        }
        String[] opts = {"TCPI_OPT_TIMESTAMPS", "TCPI_OPT_SACK", "TCPI_OPT_WSCALE", "TCPI_OPT_ECN",
            "TCPI_OPT_ECN_SEEN", "TCPI_OPT_SYN_DATA", "TCPI_OPT_USEC_TS", "TCPI_OPT_TFO_CHILD"};
        for (int i = 0; i < opts.length; i++) {
            put(opts[i], 1L << i);
        }
        put("TCP_INFINITE_SSTHRESH", 0x7fffffff);
    }
}
