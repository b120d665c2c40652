package io.jnetstack.admin;

import io.jnetstack.core.Errno;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.wire.Ipv4Address;

import java.io.PrintWriter;

/**
 * {@code ping}: ICMP echo requests to one address with iputils ping's options, output,
 * statistics and exit status.
 *
 * <pre>
 * PING 198.18.2.2 (198.18.2.2) 56(84) bytes of data.
 * 64 bytes from 198.18.2.2: icmp_seq=1 ttl=63 time=40.2 ms
 * From 198.18.1.1 icmp_seq=2 Time to live exceeded
 *
 * --- 198.18.2.2 ping statistics ---
 * 3 packets transmitted, 1 received, +1 errors, 66.6667% packet loss, time 2000ms
 * rtt min/avg/max/mdev = 40.200/40.200/40.200/0.000 ms
 * </pre>
 *
 * <p>Semantics, as iputils: the first request leaves at once, then one every interval until
 * {@code count} are sent or the deadline ({@code -w}) passes. After the last one, ping waits for
 * the missing answers: until the deadline when one was given, else for twice the longest round
 * trip (at least one interval) when some reply came, else for the timeout ({@code -W}, 10 s).
 * ICMP errors quoting one of our requests (destination unreachable, time exceeded, parameter
 * problem) are printed as {@code From ADDR icmp_seq=N TEXT} and counted as errors. The time in
 * the statistics runs from the first request to the last. Exit status: 0 when a reply came (with
 * a deadline and a count: when {@code count} replies came), 1 otherwise, 2 when ping could not
 * start (bad address, no route).
 *
 * <p>Like iputils, ping talks to the stack through a socket: an ICMP ping socket
 * ({@code SOCK_DGRAM}, {@code IPPROTO_ICMP}) when {@code net.ipv4.ping_group_range} admits the
 * caller's group ({@link io.jnetstack.socket.Sockets#setCallerGid}), else a raw ICMP socket
 * (which needs CAP_NET_RAW, granted by default); with neither it fails like iputils
 * ({@code ping: socket: Operation not permitted}, status 2). Replies are read from the socket
 * (their TTL from IP_RECVTTL, or the IP header of a raw socket's datagram); ICMP errors about
 * our requests and local errors come from its error queue (IP_RECVERR); {@code -t} is IP_TTL
 * and {@code -M} is IP_MTU_DISCOVER.
 *
 * <p>Works on both kinds of kernel: on a deterministic one ping drives virtual time itself
 * ({@link Kernel#runUntil}); on a real-time one it sends under the kernel lock and waits, without
 * it, for replies delivered by the reader or softirq thread. Call it without holding the kernel
 * lock. Without a count or deadline it runs until its thread is interrupted or its output fails,
 * except on a deterministic kernel, where it sends {@value #VIRTUAL_DEFAULT_COUNT} requests.
 */
public final class Ping {
    /** Requests sent on a deterministic kernel when neither a count nor a deadline is given. */
    public static final int VIRTUAL_DEFAULT_COUNT = 4;
    /** The largest payload: 65535 - 20 (IP) - 8 (ICMP). */
    public static final int MAX_SIZE = 65507;
    static final long SECOND = 1_000_000_000L;

    /** Path MTU discovery mode ({@code -M}). */
    public enum Pmtu {
        /** {@code -M do}: set DF; a request larger than the path MTU is a local error. */
        DO,
        /** {@code -M dont}: never set DF; the stack fragments. */
        DONT,
        /** {@code -M want} (the default): set DF when the request fits the path MTU, else fragment. */
        WANT
    }

    /**
     * What to send and how long to wait.
     *
     * @param count    requests to send ({@code -c}); 0 for no limit
     * @param interval seconds between requests ({@code -i})
     * @param size     payload bytes ({@code -s})
     * @param ttl      IP time to live ({@code -t}); 0 for {@code net.ipv4.ip_default_ttl}
     * @param pmtu     DF policy ({@code -M})
     * @param timeout  seconds to wait for a reply when none came ({@code -W}); 0 for 10
     * @param deadline seconds after which ping stops whatever happened ({@code -w}); 0 for none
     * @param quiet    print only the header and the statistics ({@code -q})
     */
    public record Options(int count, double interval, int size, int ttl, Pmtu pmtu, double timeout, double deadline,
                          boolean quiet) {
        /**
         * Checked as ping checks its command line.
         *
         * @throws AdminException EINVAL with ping's message, status 2
         */
        public Options {
            if (count < 0) {
                throw bad("invalid argument: '" + count + "': out of range: 1 <= value <= 2147483647");
            }
            if (!(interval >= 0) || interval > 2_000_000) {
                throw bad("bad timing interval: " + interval);
            }
            if (size < 0 || size > MAX_SIZE) {
                throw bad("packet size " + size + " is too large. Maximum is " + MAX_SIZE);
            }
            if (ttl < 0 || ttl > 255) {
                throw bad("invalid argument: '" + ttl + "': out of range: 1 <= value <= 255");
            }
            if (!(timeout >= 0) || timeout > 2_000_000) {
                throw bad("bad linger time: " + timeout);
            }
            if (!(deadline >= 0) || deadline > 2_000_000) {
                throw bad("bad wait time: " + deadline);
            }
            if (pmtu == null) {
                throw bad("wrong value for -M: do, dont, want are valid ones.");
            }
        }

        /** iputils' defaults: no count limit, 1 s interval, 56 bytes, default TTL, {@code -M want}, 10 s timeout. */
        public static Options defaults() {
            return new Options(0, 1, 56, 0, Pmtu.WANT, 0, 0, false);
        }

        /** These options with {@code -c n}. */
        public Options withCount(int n) {
            return new Options(n, interval, size, ttl, pmtu, timeout, deadline, quiet);
        }

        private static AdminException bad(String message) {
            return new AdminException(Errno.EINVAL, "ping: " + message, 2);
        }
    }

    private final Options options;

    /** A ping with {@code options}. */
    public Ping(Options options) {
        this.options = options;
    }

    /**
     * Pings {@code destination} from {@code net}, printing as iputils ping does.
     *
     * @param destination an IPv4 address in dotted-quad form
     * @param out         where replies and statistics go (flushed line by line)
     * @param err         where ping's own complaints go
     * @return the exit status: 0 replies came, 1 none did, 2 ping could not start
     */
    public int run(Net net, String destination, PrintWriter out, PrintWriter err) {
        int dst;
        try {
            dst = Ipv4Address.parse(destination);
        } catch (IllegalArgumentException e) {
            err.println("ping: " + destination + ": Name or service not known");
            err.flush();
            return 2;
        }
        Kernel k = net.kernel();
        Errno noRoute = k.call(() -> {
            var routing = net.inet().routing();
            return routing.output(dst, 0, 0, null, 0) == null ? routing.lastError() : null;
        });
        if (noRoute != null) {
            err.println("ping: connect: " + noRoute.text());
            err.flush();
            return 2;
        }
        PingSession s = PingSession.open(net, dst, options, out, err);
        if (s == null) {
            return 2;
        }
        try {
            return s.run();
        } finally {
            s.close();
        }
    }
}
