package io.jnetstack.admin;

import io.jnetstack.core.Errno;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.SkBuff;
import io.jnetstack.ipv4.Rtable;
import io.jnetstack.wire.Icmp;
import io.jnetstack.wire.Ipv4Address;

import java.io.PrintWriter;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

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
 * <p>Replies and ICMP errors about our requests arrive through
 * {@link io.jnetstack.ipv4.Icmp#setEchoListener}, as a ping socket's would.
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
    private static final long SECOND = 1_000_000_000L;
    private static final int DEMO_ECHO_ID = 0x4a4e;

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

    /** A reply or an ICMP error, when it arrived. */
    private record Event(boolean reply, int seq, long at, int src, int ttl, int bytes, String text) {
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
        Session s = new Session(net, dst, echoId(k, net), out, err);
        s.open();
        try {
            return s.run();
        } finally {
            s.close();
        }
    }

    private static int echoId(Kernel k, Net net) {
        int id = (k.isVirtual() ? k.random("ping " + net.name()).nextInt() : ThreadLocalRandom.current().nextInt()) & 0xffff;
        return id == DEMO_ECHO_ID ? id + 1 : id;
    }

    /** One run: the counters, the queue of events and the loop. */
    private final class Session {
        private final Net net;
        private final Kernel k;
        private final int dst;
        private final int id;
        private final PrintWriter out;
        private final PrintWriter err;
        private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private final long[] sentAt = new long[65536];
        private final boolean[] sentFlag = new boolean[65536];
        private final boolean[] answered = new boolean[65536];
        private final PingStats stats = new PingStats();
        private boolean stop;

        Session(Net net, int dst, int id, PrintWriter out, PrintWriter err) {
            this.net = net;
            this.k = net.kernel();
            this.dst = dst;
            this.id = id;
            this.out = out;
            this.err = err;
        }

        void open() {
            k.run(() -> net.inet().icmp().setEchoListener(id, new io.jnetstack.ipv4.Icmp.EchoReplyListener() {
                @Override
                public void reply(int src, int eid, int seq, int ttl, SkBuff skb) {
                    events.add(new Event(true, seq, k.clock().nanos(), src, ttl, skb.len(), null));
                }

                @Override
                public void error(int from, int eid, int seq, int type, int code, int info) {
                    events.add(new Event(false, seq, k.clock().nanos(), from, 0, 0, describe(type, code, info)));
                }
            }));
        }

        /** The words ping prints for an ICMP error ("Time to live exceeded", "Frag needed and DF set (mtu = N)"). */
        private static String describe(int type, int code, int info) {
            byte[] h = new byte[Icmp.HEADER_LEN];
            h[0] = (byte) type;
            h[1] = (byte) code;
            io.jnetstack.wire.Ipv4Address.write(h, 4, info);
            return Icmp.describe(h, 0);
        }

        void close() {
            k.run(() -> net.inet().icmp().setEchoListener(id, null));
        }

        int run() {
            Options o = options;
            long count = o.count() > 0 ? o.count() : k.isVirtual() && o.deadline() == 0 ? VIRTUAL_DEFAULT_COUNT : Long.MAX_VALUE;
            long interval = Math.round(o.interval() * SECOND);
            long start = k.clock().nanos();
            long deadlineAt = o.deadline() > 0 ? start + Math.round(o.deadline() * SECOND) : Long.MAX_VALUE;
            long nextSend = start;
            long lastSend = start;
            int sent = 0;
            print(out, "PING " + Ipv4Address.format(dst) + " (" + Ipv4Address.format(dst) + ") " + o.size() + "("
                    + (o.size() + 28) + ") bytes of data.");
            while (!stop) {
                long now = k.clock().nanos();
                if (now >= deadlineAt || (o.deadline() > 0 && stats.errors > 0)) {
                    break;
                }
                if (sent < count && now >= nextSend) {
                    send(++sent);
                    lastSend = now;
                    nextSend += interval;
                    continue;
                }
                long until;
                if (sent >= count) {
                    if (stats.received + stats.errors >= count) {
                        break;
                    }
                    long linger = o.deadline() > 0 ? Long.MAX_VALUE - lastSend
                            : stats.received > 0 ? Math.max(2 * stats.max, interval)
                            : Math.round((o.timeout() > 0 ? o.timeout() : 10) * SECOND);
                    if (now >= lastSend + linger) {
                        break;
                    }
                    until = Math.min(lastSend + linger, deadlineAt);
                } else {
                    until = Math.min(nextSend, deadlineAt);
                }
                Event e = await(until);
                if (e != null) {
                    handle(e);
                }
                stop |= out.checkError();
            }
            drain();
            out.print(stats.summary(Ipv4Address.format(dst), (lastSend - start) / 1_000_000L, o.size() >= PingStats.TIMED_SIZE));
            out.flush();
            boolean ok = stats.received > 0 && (o.deadline() == 0 || o.count() == 0 || stats.received >= o.count());
            return ok ? 0 : 1;
        }

        /** Sends request {@code seq}: routes it, checks the size against the path MTU, hands it to ICMP. */
        private void send(int seq) {
            Options o = options;
            int slot = seq & 0xffff;
            String problem = k.call(() -> {
                var routing = net.inet().routing();
                Rtable rt = routing.output(dst, 0, 0, null, 0);
                if (rt == null) {
                    return "ping: sendmsg: " + routing.lastError().text();
                }
                int len = o.size() + 28;
                if (o.pmtu() == Pmtu.DO && len > rt.mtu()) {
                    return "ping: local error: message too long, mtu=" + rt.mtu();
                }
                boolean df = o.pmtu() == Pmtu.DO || (o.pmtu() == Pmtu.WANT && len <= rt.mtu());
                int ttl = o.ttl() > 0 ? o.ttl() : net.sysctls().entry("net.ipv4.ip_default_ttl").getInt();
                sentAt[slot] = k.clock().nanos();
                sentFlag[slot] = true;
                answered[slot] = false;
                if (!net.inet().icmp().sendEcho(dst, id, slot, o.size(), ttl, df, 0)) {
                    return "ping: sendmsg: " + routing.lastError().text();
                }
                return null;
            });
            stats.transmitted++;
            if (problem != null) {
                stats.errors++;
                print(err, problem);
            }
        }

        /** The next event, or null when {@code until} came first (or the thread was interrupted). */
        private Event await(long until) {
            Event e = events.poll();
            if (e != null) {
                return e;
            }
            if (k.isVirtual()) {
                long left = until - k.clock().nanos();
                if (!k.runUntil(() -> !events.isEmpty(), left)) {
                    k.runUntilTime(until);
                }
                return events.poll();
            }
            try {
                return events.poll(Math.max(0, until - k.clock().nanos()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                stop = true;
                return null;
            }
        }

        /** Handles what arrived while ping was deciding to stop. */
        private void drain() {
            for (Event e = events.poll(); e != null; e = events.poll()) {
                handle(e);
            }
        }

        private void handle(Event e) {
            int slot = e.seq() & 0xffff;
            if (!sentFlag[slot]) {
                return;   // not one of ours (an earlier run's late answer)
            }
            String from = Ipv4Address.format(e.src());
            if (!e.reply()) {
                stats.errors++;
                if (!options.quiet()) {
                    print(out, "From " + from + " icmp_seq=" + slot + " " + e.text());
                }
                return;
            }
            long rtt = e.at() - sentAt[slot];
            boolean dup = answered[slot];
            answered[slot] = true;
            if (dup) {
                stats.duplicates++;
            } else {
                stats.reply(rtt);
            }
            if (!options.quiet()) {
                String time = options.size() >= PingStats.TIMED_SIZE ? " time=" + PingStats.formatRtt(rtt) + " ms" : "";
                print(out, e.bytes() + " bytes from " + from + ": icmp_seq=" + slot + " ttl=" + e.ttl() + time
                        + (dup ? " (DUP!)" : ""));
            }
        }

        private void print(PrintWriter w, String line) {
            w.println(line);
            w.flush();
        }
    }
}
