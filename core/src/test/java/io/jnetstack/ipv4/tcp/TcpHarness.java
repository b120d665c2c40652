package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.Dev;
import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.IfFlags;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;
import io.jnetstack.ipv4.fib.NextHop;
import io.jnetstack.ipv4.fib.Route;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.Socket;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Address;
import io.jnetstack.wire.Tcp;
import io.jnetstack.wire.TcpOptions;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A packetdrill-style bench for one TCP stack: a deterministic kernel, one namespace "stack" with
 * the address 192.168.0.1 on a point-to-point IP device, and a scripted peer, 192.0.2.1, that
 * is this object. {@link #inject} hands the stack a segment written as packetdrill writes it
 * ({@code S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>}); {@link #expect}
 * takes the next segment the stack sent and checks it, failing with both segments printed;
 * {@link #advance} moves virtual time; {@link #noMoreSegments} checks the wire is quiet.
 *
 * <p>Sequence numbers are relative, as in packetdrill: ours (the peer's) to {@link #remoteIsn},
 * the stack's to its ISN, learned from the first SYN or SYN-ACK it sends on each connection
 * (one connection per peer port, chosen with {@link #peer}). Timestamp values are remapped the
 * same way: the first TSval the stack sends that a spec names fixes the offset between the
 * script's clock and the stack's; TSecr values we send are translated by it. Checksums are
 * computed for what we inject and verified on what we capture (IP and TCP).
 */
final class TcpHarness {
    static final int LOCAL = Ipv4Address.parse("192.168.0.1");
    static final int REMOTE = Ipv4Address.parse("192.0.2.1");
    static final int GATEWAY = Ipv4Address.parse("192.168.0.2");
    /** The port packetdrill listens on. */
    static final int PORT = 8080;

    /** What the stack sent: the IPv4 packet and when. */
    record Captured(byte[] ip, long timeNanos) {
        int tcpOff() {
            return Ipv4.headerLen(ip, 0);
        }

        int tcpLen() {
            return Ipv4.totalLength(ip, 0) - tcpOff();
        }

        int flags() {
            return Tcp.flags(ip, tcpOff());
        }

        int seq() {
            return Tcp.seq(ip, tcpOff());
        }

        int ack() {
            return Tcp.ack(ip, tcpOff());
        }

        int window() {
            return Tcp.window(ip, tcpOff());
        }

        int payloadLen() {
            return tcpLen() - Tcp.headerLen(ip, tcpOff());
        }

        TcpOptions options() {
            TcpOptions o = new TcpOptions();
            o.parse(ip, tcpOff());
            return o;
        }

        int srcPort() {
            return Tcp.srcPort(ip, tcpOff());
        }

        int dstPort() {
            return Tcp.dstPort(ip, tcpOff());
        }
    }

    /** The stack's end of the wire: a point-to-point IP device whose transmissions we keep. */
    static final class Wire extends NetDevice {
        final ArrayDeque<Captured> sent = new ArrayDeque<>();

        Wire() {
            super("tun0", ARPHRD_NONE, 0, 1500, 68, 65535, IfFlags.POINTOPOINT | IfFlags.NOARP | IfFlags.MULTICAST);
            // No software GSO: TCP sends each segment on its own, so a segment's flags are its
            // own (PSH where a write ends), not a GSO packet's forced PSH on its last segment.
            setFeatures(0, io.jnetstack.core.NetdevFeatures.GSO);
        }

        @Override
        public String kind() {
            return "tun";
        }

        @Override
        protected boolean noQueueByDefault() {
            return true;
        }

        @Override
        protected void open() {
            carrierOn();
        }

        @Override
        protected TxResult startXmit(SkBuff skb) {
            byte[] b = new byte[skb.len()];
            skb.copyBits(0, b, 0, b.length);
            sent.addLast(new Captured(b, net().kernel().clock().nanos()));
            skb.free();
            return TxResult.OK;
        }
    }

    final Kernel k;
    final Net net;
    final io.jnetstack.ipv4.tcp.Tcp tcp;
    final Wire dev;
    /** The peer's ISN: relative sequence 0 of what we inject. */
    int remoteIsn = 0x3b9aca00;
    /** The stack's port on the current connection. */
    int stackPort = PORT;
    /** Our port on the current connection. */
    int peerPort = 40000;
    private final Map<Integer, Integer> stackIsns = new HashMap<>();
    private Integer tsShift;

    TcpHarness() {
        this(1);
    }

    /**
     * Runs Reno ({@code net.ipv4.tcp_congestion_control=reno}) instead of the default CUBIC: for
     * tests whose expected windows are Reno's (ssthresh = half the flight, one segment per RTT).
     */
    TcpHarness reno() {
        k.run(() -> net.sysctls().set("net.ipv4.tcp_congestion_control", "reno"));
        return this;
    }

    TcpHarness(long seed) {
        k = Kernel.deterministic(seed);
        net = k.newNet("stack");
        net.loopback().up();
        dev = net.register(new Wire());
        dev.up();
        net.inet().devinet().add(dev, LOCAL, 24);
        net.inet().fib().addRoute(Route.to(Ipv4Address.parse("192.0.2.0"), 24).nexthop(NextHop.via(GATEWAY, dev)).build());
        tcp = io.jnetstack.ipv4.tcp.Tcp.of(net);
        k.runFor(1_000_000L);
        dev.sent.clear();
    }

    // ================================================================ sockets

    /** A TCP socket in the stack. */
    Socket socket() {
        return net.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
    }

    /** A socket listening on {@code port} (SO_REUSEADDR, as packetdrill scripts do). */
    Socket listen(int port, int backlog) {
        Socket s = socket();
        s.setsockopt(io.jnetstack.socket.SockOpt.SO_REUSEADDR, 1);
        s.bind(new SockAddrIn(0, port));
        s.listen(backlog);
        stackPort = port;
        return s;
    }

    /** A non-blocking connect to the peer's {@code port} (EINPROGRESS swallowed); the socket is left blocking. */
    Socket connect(Socket s, int port) {
        s.fcntl(Socket.F_SETFL, Socket.O_NONBLOCK);
        try {
            s.connect(new SockAddrIn(REMOTE, port));
            fail("a non-blocking connect returned at once");
        } catch (ErrnoException e) {
            assertEquals(Errno.EINPROGRESS, e.errno(), e.getMessage());
        }
        s.fcntl(Socket.F_SETFL, Socket.O_RDWR);
        peerPort = port;
        stackPort = s.getsockname().port();
        return s;
    }

    Socket connect(int port) {
        return connect(socket(), port);
    }

    /** The protocol socket behind {@code s}. */
    static TcpSock sk(Socket s) {
        return (TcpSock) s.sock();
    }

    /** Makes {@code port} our port for what follows (one connection per peer port). */
    TcpHarness peer(int port) {
        peerPort = port;
        return this;
    }

    /** Forgets the stack's ISN on the current connection (a new incarnation follows). */
    void forgetIsn() {
        stackIsns.remove(peerPort);
    }

    /** The stack's ISN on the current connection, as learned. */
    int stackIsn() {
        Integer isn = stackIsns.get(peerPort);
        if (isn == null) {
            fail("the stack's ISN for peer port " + peerPort + " is not known yet (expect its SYN or SYN-ACK first)");
        }
        return isn;
    }

    /** The offset between the script's TSval clock and the stack's, once known. */
    int tsShift() {
        return tsShift == null ? 0 : tsShift;
    }

    // ================================================================ time

    /** Virtual time now, in milliseconds. */
    long nowMs() {
        return k.clock().nanos() / 1_000_000L;
    }

    /** Moves virtual time forward, running what falls due. */
    void advance(long millis) {
        k.runFor(millis * 1_000_000L);
    }

    /** Runs what is due now (softirqs, expired timers) without moving time. */
    void settle() {
        k.runFor(0);
    }

    /** Runs {@code body} (blocking calls) on a parked virtual thread while the test drives. */
    Thread spawn(String name, Executable body) {
        return k.spawn(name, () -> {
            try {
                body.execute();
            } catch (Throwable t) {
                throw new AssertionError(name + " failed", t);
            }
        });
    }

    // ================================================================ inject

    /** Builds the TCP segment (header and pattern data) for {@code spec}, checksum filled. */
    byte[] build(String spec) {
        SegmentSpec s = SegmentSpec.parse(spec);
        byte[] opts = optionBytes(s);
        int hl = Tcp.HEADER_LEN + opts.length;
        byte[] b = new byte[hl + s.len];
        int seq = remoteIsn + (int) s.seq;
        int ack = s.ack == null ? 0 : ackAbs(s.ack);
        Tcp.writeHeader(b, 0, peerPort, stackPort, seq, ack, hl, s.flags, s.win == null ? 65535 : s.win,
                s.urg == null ? 0 : s.urg);
        System.arraycopy(opts, 0, b, Tcp.HEADER_LEN, opts.length);
        for (int i = 0; i < s.len; i++) {
            b[hl + i] = (byte) (s.seq + i);
        }
        Tcp.fillChecksum(b, 0, b.length, REMOTE, LOCAL);
        return b;
    }

    private int ackAbs(long rel) {
        Integer isn = stackIsns.get(peerPort);
        return isn == null ? (int) rel : isn + (int) rel;
    }

    private byte[] optionBytes(SegmentSpec s) {
        if (s.options == null) {
            return new byte[0];
        }
        if (s.anyOptions) {
            throw new IllegalArgumentException("<...> only makes sense for segments we expect: " + s);
        }
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        for (SegmentSpec.Opt op : s.options) {
            switch (op.kind()) {
                case "nop" -> o.write(1);
                case "eol" -> o.write(0);
                case "sackOK" -> o.writeBytes(new byte[]{4, 2});
                case "mss" -> o.writeBytes(new byte[]{2, 4, (byte) (op.a() >> 8), (byte) op.a()});
                case "wscale" -> o.writeBytes(new byte[]{3, 3, (byte) op.a()});
                case "TS" -> {
                    int ecr = (int) op.b();
                    if (ecr != 0 && tsShift != null) {
                        ecr += tsShift;
                    }
                    byte[] ts = new byte[10];
                    ts[0] = 8;
                    ts[1] = 10;
                    put32(ts, 2, (int) op.a());
                    put32(ts, 6, ecr);
                    o.writeBytes(ts);
                }
                case "sack" -> {
                    byte[] sb = new byte[2 + 8 * op.blocks().size()];
                    sb[0] = 5;
                    sb[1] = (byte) sb.length;
                    for (int i = 0; i < op.blocks().size(); i++) {
                        put32(sb, 2 + 8 * i, ackAbs(op.blocks().get(i)[0]));
                        put32(sb, 6 + 8 * i, ackAbs(op.blocks().get(i)[1]));
                    }
                    o.writeBytes(sb);
                }
                default -> throw new IllegalArgumentException(op.kind());
            }
        }
        while (o.size() % 4 != 0) {
            o.write(0);
        }
        return o.toByteArray();
    }

    private static void put32(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    /** Injects {@code spec} from the peer, as a packet arriving on the wire. */
    void inject(String spec) {
        injectTcp(build(spec));
    }

    /** Injects a TCP segment as given (its checksum is not touched). */
    void injectTcp(byte[] tcpBytes) {
        byte[] ip = new byte[Ipv4.HEADER_LEN + tcpBytes.length];
        Ipv4.writeHeader(ip, 0, 0, ip.length, 0, Ipv4.FLAG_DF, 64, Ipv4.PROTO_TCP, REMOTE, LOCAL);
        System.arraycopy(tcpBytes, 0, ip, Ipv4.HEADER_LEN, tcpBytes.length);
        injectIp(ip);
    }

    /** Injects an IPv4 packet as given. */
    void injectIp(byte[] ip) {
        k.run(() -> {
            SkBuff skb = k.skbs().alloc(64, ip.length);
            skb.putData(ip, 0, ip.length);
            if (Dev.ipPacketIn(dev, skb)) {
                Dev.netifRx(skb);
            }
        });
        settle();
    }

    // ================================================================ expect

    /** The next segment the stack sent, or null. */
    Captured poll() {
        settle();
        return dev.sent.pollFirst();
    }

    /** Takes everything the stack sent so far. */
    java.util.List<Captured> drain() {
        settle();
        java.util.List<Captured> out = new java.util.ArrayList<>(dev.sent);
        dev.sent.clear();
        return out;
    }

    /** Asserts the stack sent nothing more. */
    void noMoreSegments() {
        Captured c = poll();
        if (c != null) {
            fail("the stack sent an unexpected segment: " + describe(c));
        }
    }

    /** Takes the next segment the stack sent and checks it against {@code spec}. */
    Captured expect(String spec) {
        Captured c = poll();
        SegmentSpec s = SegmentSpec.parse(spec);
        if (c == null) {
            fail("expected  " + s + "\nbut the stack sent nothing (t=" + nowMs() + " ms)");
        }
        check(s, c);
        return c;
    }

    /**
     * Runs time until the stack sends something, which must be {@code spec} and come
     * {@code millis} from now (to the millisecond: the RTO has microseconds).
     */
    Captured expectIn(long millis, String spec) {
        long start = k.clock().nanos();
        Captured c = dev.sent.peekFirst();
        if (c == null) {
            k.runUntil(() -> !dev.sent.isEmpty(), (millis + 1) * 1_000_000L - 1);
        }
        c = dev.sent.pollFirst();
        SegmentSpec s = SegmentSpec.parse(spec);
        if (c == null) {
            fail("expected  " + s + " after " + millis + " ms\nbut the stack sent nothing until t=" + nowMs() + " ms");
        }
        check(s, c);
        long took = (c.timeNanos() - start) / 1_000_000L;
        assertEquals(millis, took, "when " + describe(c) + " was sent (ms after the wait began)");
        return c;
    }

    /** Runs up to {@code millis}; nothing may be sent meanwhile. */
    void quietFor(long millis) {
        noMoreSegments();
        long start = nowMs();
        k.runUntil(() -> !dev.sent.isEmpty(), millis * 1_000_000L);
        Captured c = dev.sent.pollFirst();
        if (c != null) {
            fail("the stack sent " + describe(c) + " " + (c.timeNanos() / 1_000_000L - start)
                    + " ms into a " + millis + " ms quiet period");
        }
        advance(millis - (nowMs() - start));
    }

    private void check(SegmentSpec s, Captured c) {
        String why = mismatch(s, c);
        if (why != null) {
            fail("expected  " + s + "\nactual    " + describe(c) + "\n(" + why + ", t=" + c.timeNanos() / 1_000_000L + " ms)");
        }
    }

    private String mismatch(SegmentSpec s, Captured c) {
        byte[] ip = c.ip();
        if (!Ipv4.checksumOk(ip, 0)) {
            return "bad IP checksum";
        }
        if (Ipv4.protocol(ip, 0) != Ipv4.PROTO_TCP) {
            return "not TCP (protocol " + Ipv4.protocol(ip, 0) + ")";
        }
        if (Ipv4.src(ip, 0) != LOCAL || Ipv4.dst(ip, 0) != REMOTE) {
            return "addresses " + Ipv4Address.format(Ipv4.src(ip, 0)) + " > " + Ipv4Address.format(Ipv4.dst(ip, 0));
        }
        if (Tcp.check(ip, c.tcpOff(), c.tcpLen()) < 0) {
            return "bad TCP header";
        }
        if (!Tcp.checksumOk(ip, c.tcpOff(), c.tcpLen(), LOCAL, REMOTE)) {
            return "bad TCP checksum";
        }
        if (c.srcPort() != stackPort || c.dstPort() != peerPort) {
            return "ports " + c.srcPort() + " > " + c.dstPort() + ", want " + stackPort + " > " + peerPort;
        }
        if (c.flags() != s.flags) {
            return "flags";
        }
        if ((c.flags() & Tcp.SYN) != 0 && !stackIsns.containsKey(peerPort)) {
            stackIsns.put(peerPort, c.seq() - (int) s.seq);
        }
        if (relSeq(c) != (int) s.seq || c.payloadLen() != s.len) {
            return "sequence range";
        }
        if (s.ack != null && c.ack() - remoteIsn != s.ack.intValue()) {
            return "ack";
        }
        if (s.win != null && c.window() != s.win) {
            return "window";
        }
        if (s.urg != null && Tcp.urgent(ip, c.tcpOff()) != s.urg) {
            return "urgent pointer";
        }
        return s.anyOptions || s.options == null ? null : optionsMismatch(s, c.options());
    }

    private String optionsMismatch(SegmentSpec s, TcpOptions o) {
        SegmentSpec.Opt mss = s.option("mss");
        if ((mss == null ? 0 : (int) mss.a()) != o.mss) {
            return "mss option";
        }
        SegmentSpec.Opt ws = s.option("wscale");
        if ((ws == null ? -1 : (int) ws.a()) != o.wscale) {
            return "wscale option";
        }
        if ((s.option("sackOK") != null) != o.sackOk) {
            return "sackOK option";
        }
        SegmentSpec.Opt ts = s.option("TS");
        if ((ts != null) != o.hasTimestamps) {
            return "timestamps option";
        }
        if (ts != null) {
            if ((int) ts.b() != o.tsEcr) {
                return "TS ecr";
            }
            if (!ts.anyA()) {
                if (tsShift == null) {
                    tsShift = o.tsVal - (int) ts.a();
                }
                if (o.tsVal - tsShift != (int) ts.a()) {
                    return "TS val";
                }
            }
        }
        SegmentSpec.Opt sack = s.option("sack");
        int n = sack == null ? 0 : sack.blocks().size();
        if (n != o.sackCount) {
            return "number of SACK blocks";
        }
        for (int i = 0; i < n; i++) {
            if (o.sackLeft[i] - remoteIsn != (int) sack.blocks().get(i)[0]
                    || o.sackRight[i] - remoteIsn != (int) sack.blocks().get(i)[1]) {
                return "SACK block " + i;
            }
        }
        return null;
    }

    private int relSeq(Captured c) {
        Integer isn = stackIsns.get(c.dstPort());
        if (isn == null) {
            // Not learned: a SYN counts from itself, anything else is shown absolute.
            return (c.flags() & Tcp.SYN) != 0 ? 0 : c.seq();
        }
        return c.seq() - isn;
    }

    /** A captured segment as packetdrill prints it, relative to the ISNs. */
    String describe(Captured c) {
        if (Ipv4.protocol(c.ip(), 0) != Ipv4.PROTO_TCP) {
            return "IPv4 protocol " + Ipv4.protocol(c.ip(), 0) + " packet of " + c.ip().length + " bytes";
        }
        int seq = relSeq(c);
        StringBuilder sb = new StringBuilder();
        sb.append(SegmentSpec.flagLetters(c.flags())).append(' ')
                .append(Integer.toUnsignedString(seq)).append(':').append(Integer.toUnsignedString(seq + c.payloadLen()))
                .append('(').append(c.payloadLen()).append(')');
        if ((c.flags() & Tcp.ACK) != 0) {
            sb.append(" ack ").append(Integer.toUnsignedString(c.ack() - remoteIsn));
        }
        sb.append(" win ").append(c.window());
        int urg = Tcp.urgent(c.ip(), c.tcpOff());
        if (urg != 0 || (c.flags() & Tcp.URG) != 0) {
            sb.append(" urg ").append(urg);
        }
        TcpOptions o = c.options();
        if (o.hasTimestamps && tsShift != null) {
            o.tsVal -= tsShift;
        }
        for (int i = 0; i < o.sackCount; i++) {
            o.sackLeft[i] -= remoteIsn;
            o.sackRight[i] -= remoteIsn;
        }
        if (o.length() > 0) {
            sb.append(" <").append(o).append('>');
        }
        if (c.srcPort() != stackPort || c.dstPort() != peerPort) {
            sb.append(" [ports ").append(c.srcPort()).append(" > ").append(c.dstPort()).append(']');
        }
        return sb.toString();
    }

    // ================================================================ handshakes

    /**
     * Listens on {@link #PORT}, completes a passive open with the given SYN options and returns
     * the accepted socket (the listener is in {@code listener[0]} when asked).
     */
    Socket passiveOpen(String synOptions, String synAckOptions, Socket[] listener) {
        Socket l = listen(PORT, 16);
        if (listener != null) {
            listener[0] = l;
        }
        inject("S 0:0(0) win 65535 " + synOptions);
        expect("S. 0:0(0) ack 1 " + synAckOptions);
        inject(". 1:1(0) ack 1 win 257" + (synOptions.contains("TS") ? " <nop,nop,TS val 200 ecr 100>" : ""));
        noMoreSegments();
        return l.accept();
    }

    /**
     * A passive open without timestamps or SACK, with window scale 7 both ways (so the peer's
     * {@code win 257} is 32896 bytes, as in packetdrill scripts).
     */
    Socket passiveOpen() {
        return passiveOpen("<mss 1000,nop,wscale 7>", "<mss 1460,nop,wscale 7>", null);
    }

    /** An active open to {@link #PORT} without options beyond MSS. */
    Socket activeOpen() {
        return activeOpenWith("S. 0:0(0) ack 1 win 65535 <mss 1000>");
    }

    /** An active open to {@link #PORT} without options beyond MSS, answered by {@code synAck}. */
    Socket activeOpenWith(String synAck) {
        net.sysctls().set("net.ipv4.tcp_timestamps", "0");
        net.sysctls().set("net.ipv4.tcp_sack", "0");
        net.sysctls().set("net.ipv4.tcp_window_scaling", "0");
        Socket s = connect(PORT);
        expect("S 0:0(0) <mss 1460>");
        inject(synAck);
        expect(". 1:1(0) ack 1");
        return s;
    }
}
