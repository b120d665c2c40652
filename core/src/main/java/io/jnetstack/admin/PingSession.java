package io.jnetstack.admin;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.WaitQueue;
import io.jnetstack.socket.Cmsg;
import io.jnetstack.socket.Msghdr;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.SockExtendedErr;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;
import io.jnetstack.wire.Icmp;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Address;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@link Ping}: its socket, the requests sent, the replies and errors read back, the
 * counters and the loop.
 */
final class PingSession {
    /** The identifier the demo's echo listener uses; a raw socket's requests avoid it. */
    private static final int DEMO_ECHO_ID = 0x4a4e;

    /** A reply or an ICMP error, when it was read. */
    private record Event(boolean reply, int seq, long at, int src, int ttl, int bytes, String text) {
    }

    private final Net net;
    private final Kernel k;
    private final int dst;
    private final Ping.Options options;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Socket sock;
    /** A raw socket (the fallback) rather than a ping socket. */
    private final boolean raw;
    /** The identifier of a raw socket's requests; a ping socket's is chosen by the stack. */
    private final int rawId;
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private final LinkedBlockingQueue<Boolean> wakeups = new LinkedBlockingQueue<>();
    private final WaitQueue.Callback callback;
    private final ByteBuffer rbuf = ByteBuffer.allocate(Ipv4.MAX_TOTAL_LEN + Ipv4.MAX_HEADER_LEN);
    private final long[] sentAt = new long[65536];
    private final boolean[] sentFlag = new boolean[65536];
    private final boolean[] answered = new boolean[65536];
    private final PingStats stats = new PingStats();
    private boolean stop;

    private PingSession(Net net, int dst, Ping.Options options, PrintWriter out, PrintWriter err, Socket sock, boolean raw) {
        this.net = net;
        this.k = net.kernel();
        this.dst = dst;
        this.options = options;
        this.out = out;
        this.err = err;
        this.sock = sock;
        this.raw = raw;
        this.rawId = raw ? echoId(k, net) : 0;
        this.callback = ev -> {
            if ((ev & (Socket.POLLIN | Socket.POLLERR)) != 0) {
                wakeups.offer(Boolean.TRUE);
            }
        };
    }

    /**
     * Opens the socket as iputils does ({@code create_socket()}): a ping socket, or a raw one
     * when ping sockets are refused (EACCES, EPROTONOSUPPORT, EAFNOSUPPORT); then IP_RECVERR,
     * IP_RECVTTL (ping socket) or an ICMP_FILTER passing echo replies only (raw), IP_TTL and
     * IP_MTU_DISCOVER.
     *
     * @return the session, or null when no socket could be had (printed to {@code err})
     */
    static PingSession open(Net net, int dst, Ping.Options o, PrintWriter out, PrintWriter err) {
        Socket s;
        boolean raw = false;
        try {
            s = net.sockets().socket(Socket.AF_INET, Socket.SOCK_DGRAM, Socket.IPPROTO_ICMP);
        } catch (ErrnoException e) {
            Errno why = e.errno();
            if (why != Errno.EACCES && why != Errno.EPROTONOSUPPORT && why != Errno.EAFNOSUPPORT) {
                return failed(err, why);
            }
            try {
                s = net.sockets().socket(Socket.AF_INET, Socket.SOCK_RAW, Socket.IPPROTO_ICMP);
                raw = true;
            } catch (ErrnoException e2) {
                return failed(err, e2.errno());
            }
        }
        s.setsockopt(SockOpt.IP_RECVERR, 1);
        if (raw) {
            s.setsockopt(SockOpt.ICMP_FILTER, ~(1 << Icmp.ECHOREPLY));
        } else {
            s.setsockopt(SockOpt.IP_RECVTTL, 1);
        }
        if (o.ttl() > 0) {
            s.setsockopt(SockOpt.IP_TTL, o.ttl());
        }
        s.setsockopt(SockOpt.IP_MTU_DISCOVER, switch (o.pmtu()) {
            case DO -> SockOpt.IP_PMTUDISC_DO;
            case DONT -> SockOpt.IP_PMTUDISC_DONT;
            case WANT -> SockOpt.IP_PMTUDISC_WANT;
        });
        PingSession session = new PingSession(net, dst, o, out, err, s, raw);
        net.kernel().run(() -> session.sock.waitQueue().addCallback(session.callback));
        return session;
    }

    private static PingSession failed(PrintWriter err, Errno e) {
        err.println("ping: socket: " + e.text());
        err.flush();
        return null;
    }

    private static int echoId(Kernel k, Net net) {
        int id = (k.isVirtual() ? k.random("ping " + net.name()).nextInt() : ThreadLocalRandom.current().nextInt()) & 0xffff;
        return id == DEMO_ECHO_ID ? id + 1 : id;
    }

    /** The identifier our requests carry. */
    private int ident() {
        return raw ? rawId : sock.getsockname().port();
    }

    void close() {
        k.run(() -> sock.waitQueue().removeCallback(callback));
        sock.close();
    }

    int run() {
        Ping.Options o = options;
        long count = o.count() > 0 ? o.count() : k.isVirtual() && o.deadline() == 0 ? Ping.VIRTUAL_DEFAULT_COUNT : Long.MAX_VALUE;
        long interval = Math.round(o.interval() * Ping.SECOND);
        long start = k.clock().nanos();
        long deadlineAt = o.deadline() > 0 ? start + Math.round(o.deadline() * Ping.SECOND) : Long.MAX_VALUE;
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
                        : Math.round((o.timeout() > 0 ? o.timeout() : 10) * Ping.SECOND);
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

    /**
     * Sends request {@code seq}. A failure that was an earlier ICMP error (the pending error of
     * the socket) is reported from the error queue and the request sent again; a local error
     * (the datagram does not fit the path MTU with {@code -M do}) is printed from the error
     * queue; any other is {@code ping: sendmsg: TEXT}. A request the device queue dropped
     * counts as sent and lost.
     */
    private void send(int seq) {
        int slot = seq & 0xffff;
        byte[] m = new byte[Icmp.HEADER_LEN + options.size()];
        Icmp.writeEcho(m, 0, Icmp.ECHO, rawId, slot);
        for (int i = 0; i < options.size(); i++) {
            m[Icmp.HEADER_LEN + i] = (byte) (0x10 + i);
        }
        if (raw) {
            Icmp.fillChecksum(m, 0, m.length);
        }
        sentAt[slot] = k.clock().nanos();
        sentFlag[slot] = true;
        answered[slot] = false;
        stats.transmitted++;
        for (int attempt = 0; ; attempt++) {
            try {
                sock.sendto(ByteBuffer.wrap(m), Socket.MSG_DONTWAIT, new SockAddrIn(dst, 0));
                return;
            } catch (ErrnoException e) {
                if (e.errno() == Errno.EAGAIN || e.errno() == Errno.ENOBUFS) {
                    return;
                }
                int[] got = drainErrors();
                if (got[1] > 0) {
                    return;
                }
                if (got[0] > 0 && attempt == 0) {
                    continue;
                }
                stats.errors++;
                print(err, "ping: sendmsg: " + e.errno().text());
                return;
            }
        }
    }

    /**
     * Reads the error queue: ICMP errors quoting one of our requests become events, local
     * errors are printed and counted at once.
     *
     * @return {ICMP errors read, local errors read}
     */
    private int[] drainErrors() {
        int[] got = new int[2];
        while (true) {
            Msghdr m = new Msghdr(rbuf.clear());
            try {
                sock.recvmsg(m, Socket.MSG_ERRQUEUE | Socket.MSG_DONTWAIT);
            } catch (ErrnoException e) {
                return got;
            }
            SockExtendedErr ee = null;
            for (Cmsg c : m.control()) {
                if (c instanceof Cmsg.IpRecvErr r) {
                    ee = r.err();
                }
            }
            if (ee == null) {
                continue;
            }
            if (ee.origin() == SockExtendedErr.ORIGIN_LOCAL) {
                got[1]++;
                stats.errors++;
                print(err, ee.errno() == Errno.EMSGSIZE ? "ping: local error: message too long, mtu=" + ee.info()
                        : "ping: local error: " + ee.errno().text());
                continue;
            }
            byte[] q = rbuf.array();
            if (rbuf.position() < Icmp.HEADER_LEN || Icmp.type(q, 0) != Icmp.ECHO || Icmp.echoId(q, 0) != ident()) {
                continue;
            }
            got[0]++;
            events.add(new Event(false, Icmp.echoSeq(q, 0), k.clock().nanos(), ee.offender(), 0, 0,
                    describe(ee.icmpType(), ee.icmpCode(), ee.info())));
        }
    }

    /** The words ping prints for an ICMP error ("Time to live exceeded", "Frag needed and DF set (mtu = N)"). */
    private static String describe(int type, int code, int info) {
        byte[] h = new byte[Icmp.HEADER_LEN];
        h[0] = (byte) type;
        h[1] = (byte) code;
        Ipv4Address.write(h, 4, info);
        return Icmp.describe(h, 0);
    }

    /** Reads everything the socket holds, errors and replies, into {@link #events}. */
    private void collect() {
        while (true) {
            drainErrors();
            Msghdr m = new Msghdr(rbuf.clear());
            int n;
            try {
                n = sock.recvmsg(m, Socket.MSG_DONTWAIT);
            } catch (ErrnoException e) {
                if (e.errno() == Errno.EAGAIN) {
                    return;
                }
                continue;   // the pending error of an ICMP error: it is in the error queue
            }
            reply(m, n);
        }
    }

    /** An echo reply read: from its ICMP header (ping socket) or its IP header (raw socket). */
    private void reply(Msghdr m, int n) {
        byte[] d = rbuf.array();
        int off = 0;
        int ttl = 0;
        if (raw) {
            off = Ipv4.headerLen(d, 0);
            ttl = Ipv4.ttl(d, 0);
        } else {
            for (Cmsg c : m.control()) {
                if (c instanceof Cmsg.IpTtl t) {
                    ttl = t.ttl();
                }
            }
        }
        if (n - off < Icmp.HEADER_LEN || Icmp.type(d, off) != Icmp.ECHOREPLY || Icmp.echoId(d, off) != ident()) {
            return;
        }
        events.add(new Event(true, Icmp.echoSeq(d, off), k.clock().nanos(), m.name().addr(), ttl, n - off, null));
    }

    /**
     * The next event, or null when {@code until} came first (or the thread was interrupted).
     * A deterministic kernel is driven until the socket has something or time is up; on a real
     * one the thread waits for the socket's wake-up.
     */
    private Event await(long until) {
        wakeups.clear();
        collect();
        if (!events.isEmpty()) {
            return events.poll();
        }
        if (k.isVirtual()) {
            long left = until - k.clock().nanos();
            if (!k.runUntil(() -> !wakeups.isEmpty(), left)) {
                k.runUntilTime(until);
            }
        } else {
            try {
                wakeups.poll(Math.max(0, until - k.clock().nanos()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                stop = true;
                return null;
            }
        }
        collect();
        return events.poll();
    }

    /** Handles what arrived while ping was deciding to stop. */
    private void drain() {
        collect();
        for (Event e = events.poll(); e != null; e = events.poll()) {
            handle(e);
        }
    }

    private void handle(Event e) {
        int slot = e.seq() & 0xffff;
        if (!sentFlag[slot]) {
            return;   // not one of ours
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

    private static void print(PrintWriter w, String line) {
        w.println(line);
        w.flush();
    }
}
