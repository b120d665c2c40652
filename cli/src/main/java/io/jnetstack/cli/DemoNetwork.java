package io.jnetstack.cli;

import io.jnetstack.core.Dev;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.Qdisc;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.sched.PfifoFast;
import io.jnetstack.ipv4.fib.NextHop;
import io.jnetstack.ipv4.fib.Route;
import io.jnetstack.link.Veth;
import io.jnetstack.time.Timer;
import io.jnetstack.wire.Ethernet;
import io.jnetstack.wire.Ipv4Address;
import io.jnetstack.wire.MacAddress;

/**
 * The demo network, in virtual time and deterministic by seed:
 * <pre>
 *   alpha veth0 198.18.1.2/24 ──netem── router veth0 198.18.1.1/24
 *                                       router veth1 198.18.2.1/24 ── beta veth0 198.18.2.2/24
 * </pre>
 * Alpha's and beta's default routes go through the router, which forwards. Two exchanges run
 * on it: raw frames of the IEEE local experimental EtherType 0x88B5 that the router echoes back
 * on the first link (the device layer alone), and ICMP echo from alpha to beta (the routed
 * IPv4 path: ARP, forwarding, ICMP).
 */
final class DemoNetwork {
    /** IEEE 802 local experimental EtherType 1. */
    static final int ETH_P_DEMO = 0x88B5;
    static final int FRAME_LEN = 128;
    static final int ALPHA = Ipv4Address.parse("198.18.1.2");
    static final int ROUTER_1 = Ipv4Address.parse("198.18.1.1");
    static final int ROUTER_2 = Ipv4Address.parse("198.18.2.1");
    static final int BETA = Ipv4Address.parse("198.18.2.2");
    static final int PING_ID = 0x4a4e;

    final Kernel kernel;
    final Net alpha;
    final Net router;
    final Net beta;
    final Veth alphaEth;
    final Veth routerEth0;
    final Veth routerEth1;
    final Veth betaEth;
    /** Also emit journeys as JDK Flight Recorder events. */
    boolean jfr;

    long sent;
    long echoed;
    long received;
    long rttSumNanos;
    long rttMin = Long.MAX_VALUE;
    long rttMax;
    long firstFrameJourney;

    int pingsSent;
    int pingReplies;
    long pingRttSum;
    int pingTtl;
    long firstPingJourney;
    private final long[] pingSentAt = new long[65536];

    DemoNetwork(long seed, Qdisc alphaQdisc) {
        kernel = Kernel.deterministic(seed);
        alpha = kernel.newNet("alpha");
        router = kernel.newNet("router");
        beta = kernel.newNet("beta");
        alphaEth = Veth.createPair(alpha, "veth0", router, "veth0");
        routerEth0 = alphaEth.peer();
        routerEth1 = Veth.createPair(router, "veth1", beta, "veth0");
        betaEth = routerEth1.peer();
        alphaEth.setQdisc(alphaQdisc);
        for (Veth v : new Veth[]{routerEth0, routerEth1, betaEth}) {
            v.setQdisc(new PfifoFast());
        }
        for (Net n : kernel.nets()) {
            n.loopback().up();
            // As systemd distributions do: unprivileged ICMP ping sockets for everyone, so
            // ping uses them rather than a raw socket.
            n.sysctls().set("net.ipv4.ping_group_range", "0 2147483647");
        }
        for (Veth v : new Veth[]{alphaEth, routerEth0, routerEth1, betaEth}) {
            v.up();
        }
        alpha.inet().devinet().add(alphaEth, ALPHA, 24);
        router.inet().devinet().add(routerEth0, ROUTER_1, 24);
        router.inet().devinet().add(routerEth1, ROUTER_2, 24);
        beta.inet().devinet().add(betaEth, BETA, 24);
        alpha.inet().fib().addRoute(Route.to(0, 0).nexthop(NextHop.via(ROUTER_1, alphaEth)).build());
        beta.inet().fib().addRoute(Route.to(0, 0).nexthop(NextHop.via(ROUTER_2, betaEth)).build());
        router.sysctls().set("net.ipv4.ip_forward", "1");
        router.addProtocol(ETH_P_DEMO, this::echo);
        alpha.addProtocol(ETH_P_DEMO, this::reply);
        alpha.inet().icmp().setEchoListener(PING_ID, (src, id, seq, ttl, skb) -> {
            pingReplies++;
            pingTtl = ttl;
            pingRttSum += kernel.clock().nanos() - pingSentAt[seq & 0xffff];
        });
        kernel.runFor(100_000_000L);   // gratuitous ARPs go out and settle
    }

    /** Sends {@code count} frames, one per millisecond, then lets everything in flight arrive. */
    void exchange(int count) {
        if (count <= 0) {
            return;
        }
        Timer[] holder = new Timer[1];
        holder[0] = kernel.timers().newTimer("demo sender", () -> {
            send(sent);
            if (sent < count) {
                holder[0].armAfter(1_000_000L);
            }
        });
        holder[0].armAfter(0);
        kernel.runUntil(() -> sent == count, 60_000_000_000L);
        kernel.runFor(2_000_000_000L);
    }

    /** Alpha pings beta {@code count} times, one a second, as {@code ping -c COUNT}. */
    void ping(int count) {
        if (count <= 0) {
            return;
        }
        Timer[] holder = new Timer[1];
        holder[0] = kernel.timers().newTimer("demo ping", () -> {
            int seq = ++pingsSent;
            pingSentAt[seq & 0xffff] = kernel.clock().nanos();
            if (seq == 1) {
                kernel.tracer().clear();
                kernel.tracer().enable(true, jfr);
            }
            alpha.inet().icmp().sendEcho(BETA, PING_ID, seq, 56, 64, false, 0);
            if (seq == 1) {
                firstPingJourney = kernel.tracer().packetsAt(io.jnetstack.trace.Stage.IP_LOCAL_OUT).getFirst();
            }
            if (seq < count) {
                holder[0].armAfter(1_000_000_000L);
            }
        });
        holder[0].armAfter(0);
        kernel.runUntil(() -> pingsSent == count, 3_600_000_000_000L);
        kernel.runFor(2_000_000_000L);
        kernel.tracer().disable();
    }

    private void send(long seq) {
        SkBuff skb = kernel.skbs().alloc(64, FRAME_LEN);
        int off = skb.put(FRAME_LEN);
        byte[] b = skb.buf();
        Ethernet.writeHeader(b, off, routerEth0.mac().bits(), alphaEth.mac().bits(), ETH_P_DEMO);
        putLong(b, off + 14, seq);
        putLong(b, off + 22, kernel.clock().nanos());
        for (int i = 30; i < FRAME_LEN; i++) {
            b[off + i] = (byte) i;
        }
        skb.dev = alphaEth;
        sent++;
        if (seq == 0) {
            kernel.tracer().enable(true, jfr);
        } else if (seq == 1000) {
            kernel.tracer().disable();   // the first frame's journey is long complete
        }
        Dev.queueXmit(skb);
        if (seq == 0) {
            firstFrameJourney = skb.traceId;
        }
    }

    /** The router: send the payload back to where it came from, in a new frame. */
    private void echo(SkBuff in, NetDevice dev) {
        int len = in.len();
        SkBuff out = kernel.skbs().alloc(64, len + 14);
        int off = out.put(len + 14);
        long from = MacAddress.readBits(in.buf(), in.macHeader() + Ethernet.SRC);
        Ethernet.writeHeader(out.buf(), off, from, dev.mac().bits(), ETH_P_DEMO);
        in.copyBits(0, out.buf(), off + 14, len);
        in.free();
        out.dev = dev;
        echoed++;
        Dev.queueXmit(out);
    }

    /** Alpha: an echo came back; measure the round trip. */
    private void reply(SkBuff in, NetDevice dev) {
        long t0 = getLong(in.buf(), in.data() + 8);
        long rtt = kernel.clock().nanos() - t0;
        in.free();
        received++;
        rttSumNanos += rtt;
        rttMin = Math.min(rttMin, rtt);
        rttMax = Math.max(rttMax, rtt);
    }

    private static void putLong(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (56 - 8 * i));
        }
    }

    private static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[off + i] & 0xff);
        }
        return v;
    }

    int udpSent;
    int udpEchoed;
    int udpReceived;
    int udpTimeouts;
    long udpRttSum;
    long firstUdpJourney;

    /**
     * Alpha sends {@code count} UDP datagrams to beta's echo socket on port 7 (one every 10 ms of
     * virtual time); beta echoes each one back. Both sides use blocking calls with a 1 s
     * SO_RCVTIMEO: on a deterministic kernel a blocking call drives virtual time until its
     * datagram arrives, and a datagram lost to netem ends in EAGAIN after the timeout.
     */
    void udp(int count) {
        if (count <= 0) {
            return;
        }
        io.jnetstack.socket.Socket client = alpha.sockets().socket(io.jnetstack.socket.Socket.AF_INET, io.jnetstack.socket.Socket.SOCK_DGRAM, 0);
        io.jnetstack.socket.Socket echo = beta.sockets().socket(io.jnetstack.socket.Socket.AF_INET, io.jnetstack.socket.Socket.SOCK_DGRAM, 0);
        java.time.Duration second = java.time.Duration.ofSeconds(1);
        client.setsockopt(io.jnetstack.socket.SockOpt.SO_RCVTIMEO, second);
        echo.setsockopt(io.jnetstack.socket.SockOpt.SO_RCVTIMEO, second);
        echo.bind(new io.jnetstack.socket.SockAddrIn(0, 7));
        client.connect(new io.jnetstack.socket.SockAddrIn(BETA, 7));
        java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(2048);
        io.jnetstack.socket.SockAddrIn[] from = new io.jnetstack.socket.SockAddrIn[1];
        for (int i = 0; i < count; i++) {
            if (i == 0) {
                kernel.tracer().clear();
                kernel.tracer().enable(true, jfr);
            }
            long t0 = kernel.clock().nanos();
            client.send(java.nio.ByteBuffer.wrap(("jnetstack demo datagram #" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII)), 0);
            udpSent++;
            try {
                in.clear();
                int n = echo.recvfrom(in, 0, from);
                in.flip();
                echo.sendto(in, 0, from[0]);
                udpEchoed++;
                in.clear();
                client.recv(in, 0);
                udpReceived++;
                udpRttSum += kernel.clock().nanos() - t0;
            } catch (io.jnetstack.core.ErrnoException e) {
                udpTimeouts++;
            }
            if (i == 0) {
                kernel.tracer().disable();
                java.util.List<Long> ids = kernel.tracer().packetsAt(io.jnetstack.trace.Stage.UDP_PUSH_PENDING_FRAMES);
                firstUdpJourney = ids.isEmpty() ? 0 : ids.getFirst();
            }
            kernel.runFor(10_000_000L);
        }
    }

    long tcpBytesSent;
    long tcpBytesReceived;
    long tcpNanos;
    boolean tcpIntact;
    long synJourney;

    /**
     * Alpha opens a TCP connection to beta's port 80 and sends {@code bytes}; beta's server, on
     * a spawned thread, reads to the end and checks every byte. Alpha's neighbour cache is
     * flushed first, so the SYN waits for ARP as in the seeds' first note (000).
     */
    void tcp(int bytes) {
        if (bytes <= 0) {
            return;
        }
        io.jnetstack.socket.Socket listener = beta.sockets().socket(io.jnetstack.socket.Socket.AF_INET,
                io.jnetstack.socket.Socket.SOCK_STREAM, 0);
        listener.bind(new io.jnetstack.socket.SockAddrIn(0, 80));
        listener.listen(8);
        byte[] data = new byte[bytes];
        new java.util.SplittableRandom(kernel.seed()).nextBytes(data);
        boolean[] done = new boolean[1];
        kernel.spawn("demo tcp server", () -> {
            try (io.jnetstack.socket.Socket s = listener.accept()) {
                java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(64 * 1024);
                boolean same = true;
                long at = 0;
                while (true) {
                    in.clear();
                    int n = s.recv(in, 0);
                    if (n == 0) {
                        break;
                    }
                    for (int i = 0; i < n && same; i++) {
                        same = at + i < data.length && in.get(i) == data[(int) (at + i)];
                    }
                    at += n;
                }
                tcpBytesReceived = at;
                tcpIntact = same && at == data.length;
            } finally {
                done[0] = true;
            }
        });
        kernel.run(() -> alpha.inet().arpTable().flush(alphaEth));
        kernel.tracer().clear();
        kernel.tracer().enable(true, jfr);
        long t0 = kernel.clock().nanos();
        io.jnetstack.socket.Socket c = alpha.sockets().socket(io.jnetstack.socket.Socket.AF_INET,
                io.jnetstack.socket.Socket.SOCK_STREAM, 0);
        c.connect(new io.jnetstack.socket.SockAddrIn(BETA, 80));
        kernel.tracer().disable();
        java.util.List<Long> ids = kernel.tracer().packetsAt(io.jnetstack.trace.Stage.TCP_V4_CONNECT);
        synJourney = ids.isEmpty() ? 0 : ids.getFirst();
        java.nio.ByteBuffer out = java.nio.ByteBuffer.wrap(data);
        while (out.hasRemaining()) {
            tcpBytesSent += c.send(out, 0);
        }
        c.close();
        kernel.runUntil(() -> done[0], 600_000_000_000L);
        tcpNanos = kernel.clock().nanos() - t0;
        listener.close();
    }
}
