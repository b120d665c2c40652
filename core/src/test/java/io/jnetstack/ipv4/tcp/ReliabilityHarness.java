package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.Dev;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.NetdevFeatures;
import io.jnetstack.core.Net;
import io.jnetstack.core.SkBuff;
import io.jnetstack.ipv4.fib.NextHop;
import io.jnetstack.ipv4.fib.Route;
import io.jnetstack.link.Veth;
import io.jnetstack.neigh.NeighTable;
import io.jnetstack.neigh.NudState;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.Socket;
import io.jnetstack.wire.EtherType;
import io.jnetstack.wire.Ethernet;
import io.jnetstack.wire.Icmp;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Address;
import io.jnetstack.wire.Ipv4Repr;
import io.jnetstack.wire.Tcp;
import io.jnetstack.wire.TcpOptions;
import io.jnetstack.wire.TcpRepr;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One stack under test and a scripted peer, in the spirit of packetdrill: the stack (namespace
 * "local", 192.168.0.1) reaches the peer (192.0.2.1) through a gateway on a veth; the other end of
 * the veth is a bare namespace whose device tap records every TCP segment the stack sends, and
 * from which the test injects segments it builds. Sequence numbers in the helpers are relative to
 * each side's initial sequence number, as packetdrill prints them. Everything runs in virtual time.
 */
final class ReliabilityHarness {
    static final int LOCAL = Ipv4Address.parse("192.168.0.1");
    static final int GATEWAY = Ipv4Address.parse("192.168.0.2");
    static final int REMOTE = Ipv4Address.parse("192.0.2.1");
    static final int PORT = 8080;
    static final long MS = 1_000_000L;
    static final long SEC = 1_000_000_000L;

    /** A segment the stack sent, parsed, with its IP header and the virtual time it left. */
    record Out(long time, Ipv4Repr ip, TcpRepr tcp, byte[] data) {
        boolean has(int flag) {
            return (tcp.flags() & flag) != 0;
        }

        int len() {
            return data.length;
        }
    }

    final Kernel k;
    final Net net;
    final Net far;
    final Veth dev;
    final Veth peer;
    final ArrayDeque<Out> out = new ArrayDeque<>();
    final List<Out> log = new ArrayList<>();
    /** When set, captured segments go here instead of {@link #out} and {@link #log}. */
    java.util.function.Consumer<Out> sink;
    /** ICMP messages the stack sent, raw from the IP header. */
    final List<byte[]> icmpOut = new ArrayList<>();
    /** The stack's initial sequence number, learnt from its SYN or SYN-ACK. */
    int liss;
    /** The peer's initial sequence number. */
    int riss = 1_000_000;
    /** The peer's next relative sequence number (1 after its SYN). */
    int rseq = 1;
    int lport;
    int rport = 40_000;
    /** Options the peer puts in every non-SYN segment (timestamps), or null. */
    boolean peerTs;
    int peerTsVal = 100;

    /**
     * Runs Reno ({@code net.ipv4.tcp_congestion_control=reno}) instead of the default CUBIC: for
     * tests whose expected windows are Reno's (ssthresh = half the flight, one segment per RTT).
     */
    ReliabilityHarness reno() {
        k.run(() -> net.sysctls().set("net.ipv4.tcp_congestion_control", "reno"));
        return this;
    }

    ReliabilityHarness(long seed) {
        k = Kernel.deterministic(seed);
        net = k.newNet("local");
        far = k.newNet("far");
        dev = Veth.createPair(net, "tun0", far, "wire0");
        peer = dev.peer();
        net.loopback().up();
        // A wire without offloads: segments of one MSS with full checksums, each sent on its own
        // (no software GSO either), so a segment's flags are its own: PSH only where a write
        // ends, not the PSH Linux forces on every packet of several segments.
        dev.setFeatures(0, NetdevFeatures.TSO | NetdevFeatures.HW_CSUM | NetdevFeatures.GSO);
        dev.up();
        peer.up();
        net.inet().devinet().add(dev, LOCAL, 24);
        net.inet().fib().addRoute(Route.to(0, 0).nexthop(NextHop.via(GATEWAY, dev)).build());
        NeighTable arp = net.inet().arp().table();
        arp.update(arp.lookupOrCreate(GATEWAY, dev), peer.mac().bits(), NudState.PERMANENT,
                NeighTable.UPDATE_F_ADMIN | NeighTable.UPDATE_F_OVERRIDE);
        peer.addTap((skb, d, outgoing) -> {
            if (!outgoing) {
                capture(skb);
            }
        });
        k.runFor(MS);
    }

    /** The namespace's TCP. */
    io.jnetstack.ipv4.tcp.Tcp tcp() {
        return io.jnetstack.ipv4.tcp.Tcp.of(net);
    }

    Socket socket() {
        return net.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
    }

    static TcpSock sk(Socket s) {
        return (TcpSock) s.sock();
    }

    private void capture(SkBuff skb) {
        byte[] b = skb.toByteArray();
        if (b.length < Ethernet.HEADER_LEN + Ipv4.HEADER_LEN || Ethernet.etherType(b, 0) != EtherType.IPV4) {
            return;
        }
        int ipOff = Ethernet.HEADER_LEN;
        Ipv4Repr ip = Ipv4Repr.parse(b, ipOff, b.length - ipOff);
        int tOff = ipOff + ip.headerLen();
        if (ip.protocol() == Ipv4.PROTO_ICMP) {
            byte[] icmp = new byte[ip.payloadLength()];
            System.arraycopy(b, tOff, icmp, 0, icmp.length);
            icmpOut.add(icmp);
            return;
        }
        if (ip.protocol() != Ipv4.PROTO_TCP) {
            return;
        }
        TcpRepr t = TcpRepr.parse(b, tOff, ip.payloadLength(), ip.src(), ip.dst(), true);
        byte[] data = new byte[t.payloadLength()];
        System.arraycopy(b, tOff + Tcp.headerLen(b, tOff), data, 0, data.length);
        Out o = new Out(k.clock().nanos(), ip, t, data);
        if (sink != null) {
            sink.accept(o);
            return;
        }
        out.add(o);
        log.add(o);
    }

    // ---------------------------------------------------------------- time

    long now() {
        return k.clock().nanos();
    }

    void run(long nanos) {
        k.runFor(nanos);
    }

    // ---------------------------------------------------------------- expecting

    /** The next segment the stack sent (after running what is pending now). */
    Out next() {
        k.runPending();
        Out o = out.poll();
        assertNotNull(o, "the stack sent nothing (at " + now() / 1e6 + " ms)");
        return o;
    }

    /** The next segment, checked: flags exactly, relative seq, payload length, relative ack. */
    Out expect(int flags, int seq, int len, int ack) {
        Out o = next();
        String what = describe(o);
        assertEquals(flagString(flags), flagString(o.tcp.flags()), "flags of " + what);
        assertEquals(seq, o.tcp.seq() - liss, "seq of " + what);
        assertEquals(len, o.len(), "length of " + what);
        if ((flags & Tcp.ACK) != 0) {
            assertEquals(ack, o.tcp.ack() - riss, "ack of " + what);
        }
        return o;
    }

    /** The next segment, checked: ACK (PSH either way), relative seq, payload length, ack 1+. */
    Out expectData(int seq, int len) {
        Out o = next();
        String what = describe(o);
        assertEquals(Tcp.ACK, o.tcp.flags() & ~Tcp.PSH, "flags of " + what);
        assertEquals(seq, o.tcp.seq() - liss, "seq of " + what);
        assertEquals(len, o.len(), "length of " + what);
        return o;
    }

    /** Waits (in virtual time, at most {@code max}) for the next segment and returns it. */
    Out await(long max) {
        k.runPending();
        if (out.isEmpty()) {
            k.runUntil(() -> !out.isEmpty(), max);
        }
        return next();
    }

    /** Asserts that the stack sends nothing (now). */
    void none() {
        k.runPending();
        Out o = out.poll();
        assertNull(o, () -> "unexpected " + describe(o));
    }

    /** Drops whatever was captured so far. */
    void clear() {
        k.runPending();
        out.clear();
    }

    String describe(Out o) {
        if (o == null) {
            return "nothing";
        }
        TcpRepr t = o.tcp;
        return String.format("%.3fms %s %d:%d(%d) ack %d win %d%s", o.time / 1e6, flagString(t.flags()),
                t.seq() - liss, t.seq() - liss + o.len(), o.len(), t.ack() - riss, t.window(),
                t.urgent() != 0 ? " urg " + t.urgent() : "");
    }

    static String flagString(int f) {
        StringBuilder sb = new StringBuilder();
        if ((f & Tcp.SYN) != 0) {
            sb.append('S');
        }
        if ((f & Tcp.FIN) != 0) {
            sb.append('F');
        }
        if ((f & Tcp.RST) != 0) {
            sb.append('R');
        }
        if ((f & Tcp.PSH) != 0) {
            sb.append('P');
        }
        if ((f & Tcp.URG) != 0) {
            sb.append('U');
        }
        if ((f & Tcp.ACK) != 0) {
            sb.append('.');
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- injecting

    /** Sends a segment from the peer: relative seq and ack, the payload, the (unscaled) window. */
    void inject(int flags, int seq, byte[] payload, int ack, int win) {
        injectRaw(flags, riss + seq, payload, liss + ack, win, null, 0);
    }

    void inject(int flags, int seq, int len, int ack, int win) {
        inject(flags, seq, fill(seq, len), ack, win);
    }

    /** A pure ACK from the peer, at its current sequence number {@link #rseq}. */
    void ack(int ack, int win) {
        inject(Tcp.ACK, rseq, 0, ack, win);
    }

    /** Data from the peer at {@link #rseq} (which advances), acknowledging {@code ack}. */
    void data(int len, int ack, int win) {
        inject(Tcp.ACK | Tcp.PSH, rseq, len, ack, win);
        rseq += len;
    }

    /** Injects any segment on the connection's 4-tuple with absolute numbers and given options. */
    void injectRaw(int flags, int seq, byte[] payload, int ack, int win, TcpOptions opts, int urg) {
        TcpOptions o = opts;
        if (o == null && peerTs && (flags & Tcp.SYN) == 0) {
            o = new TcpOptions().timestamps(peerTsVal, lastTsVal());
        }
        TcpRepr r = o == null ? TcpRepr.of(rport, lport, seq, ack, flags, win).withPayloadLength(payload.length)
                : TcpRepr.of(rport, lport, seq, ack, flags, win, urg, o, payload.length);
        if (urg != 0 && o == null) {
            r = r.withUrgent(urg);
        }
        injectSegment(r, payload);
    }

    /** The TSval of the stack's last segment (what the peer echoes). */
    int lastTsVal() {
        for (int i = log.size() - 1; i >= 0; i--) {
            if (log.get(i).tcp.hasTimestamps()) {
                return log.get(i).tcp.tsVal();
            }
        }
        return 0;
    }

    /** Builds the frame around {@code r} and its payload and sends it from the peer's end. */
    void injectSegment(TcpRepr r, byte[] payload) {
        int tcpLen = r.headerLen() + payload.length;
        byte[] seg = new byte[tcpLen];
        System.arraycopy(payload, 0, seg, r.headerLen(), payload.length);
        r.emit(seg, 0, REMOTE, LOCAL);
        injectIp(Ipv4.PROTO_TCP, REMOTE, seg, seg.length);
    }

    /** Sends an IPv4 datagram (protocol, source, payload bytes) from the peer's end. */
    void injectIp(int proto, int src, byte[] payload, int len) {
        Ipv4Repr ip = new Ipv4Repr(src, LOCAL, proto, 0, 64, 0, true, false, 0, len, new byte[0]);
        SkBuff skb = k.skbs().alloc(64, Ethernet.HEADER_LEN + Ipv4.HEADER_LEN + len);
        int off = skb.put(Ethernet.HEADER_LEN + Ipv4.HEADER_LEN + len);
        byte[] b = skb.buf();
        Ethernet.writeHeader(b, off, dev.mac().bits(), peer.mac().bits(), EtherType.IPV4);
        ip.emit(b, off + Ethernet.HEADER_LEN);
        System.arraycopy(payload, 0, b, off + Ethernet.HEADER_LEN + Ipv4.HEADER_LEN, len);
        skb.dev = peer;
        k.run(() -> Dev.queueXmit(skb));
        k.runPending();
    }

    /**
     * An ICMP error from {@code from} quoting a segment the stack sent (its IP header and first 8
     * bytes of TCP), as a router would send it (RFC 792, RFC 1191 next-hop MTU in {@code info}).
     */
    void injectIcmpError(int from, int type, int code, int nextHopMtu, Out about) {
        byte[] quoted = new byte[Ipv4.HEADER_LEN + 8];
        about.ip.emit(quoted, 0);
        byte[] tcp8 = new byte[about.tcp.headerLen() + about.len()];
        System.arraycopy(about.data, 0, tcp8, about.tcp.headerLen(), about.len());
        about.tcp.emit(tcp8, 0, about.ip.src(), about.ip.dst());
        System.arraycopy(tcp8, 0, quoted, Ipv4.HEADER_LEN, 8);
        byte[] icmp = new byte[Icmp.HEADER_LEN + quoted.length];
        icmp[0] = (byte) type;
        icmp[1] = (byte) code;
        icmp[6] = (byte) (nextHopMtu >>> 8);
        icmp[7] = (byte) nextHopMtu;
        System.arraycopy(quoted, 0, icmp, Icmp.HEADER_LEN, quoted.length);
        int sum = io.jnetstack.wire.Checksum.compute(icmp, 0, icmp.length);
        icmp[2] = (byte) (sum >>> 8);
        icmp[3] = (byte) sum;
        injectIp(Ipv4.PROTO_ICMP, from, icmp, icmp.length);
    }

    /** Deterministic payload bytes for relative sequence {@code seq}. */
    static byte[] fill(int seq, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) ((seq + i) * 13 + 7);
        }
        return b;
    }

    // ---------------------------------------------------------------- opening

    /** SYN options of the peer: MSS, and optionally SACK-permitted, timestamps, window scale. */
    static TcpOptions synOpts(int mss, boolean sack, boolean ts, int wscale) {
        TcpOptions o = new TcpOptions();
        o.mss = mss;
        o.sackOk = sack;
        if (ts) {
            o.timestamps(100, 0);
        }
        o.wscale = wscale;
        return o;
    }

    /**
     * A passive open: listen on {@link #PORT}, the peer's SYN, the stack's SYN-ACK, the peer's
     * ACK, accept. The peer's options come from {@code o} and its window is {@code win}.
     */
    Socket passiveOpen(TcpOptions o, int win) {
        Socket l = socket();
        l.setsockopt(io.jnetstack.socket.SockOpt.SO_REUSEADDR, 1);
        l.bind(new SockAddrIn(0, PORT));
        l.listen(16);
        return passiveOpen(l, o, win);
    }

    Socket passiveOpen(Socket l, TcpOptions o, int win) {
        lport = PORT;
        peerTs = o.hasTimestamps;
        injectRaw(Tcp.SYN, riss, new byte[0], 0, win, o, 0);
        Out synAck = next();
        assertEquals(Tcp.SYN | Tcp.ACK, synAck.tcp.flags(), describe(synAck));
        liss = synAck.tcp.seq();
        assertEquals(riss + 1, synAck.tcp.ack());
        run(10 * MS);
        inject(Tcp.ACK, 1, 0, 1, win);
        Socket s = l.accept();
        none();
        return s;
    }

    /**
     * An active open: a non-blocking connect to {@link #REMOTE}, the stack's SYN, the peer's
     * SYN-ACK with {@code o} after {@code rtt}, the stack's ACK.
     */
    Socket activeOpen(TcpOptions o, int win, long rtt) {
        Socket s = net.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM | Socket.SOCK_NONBLOCK, 0);
        try {
            s.connect(new SockAddrIn(REMOTE, PORT));
        } catch (io.jnetstack.core.ErrnoException e) {
            assertEquals(io.jnetstack.core.Errno.EINPROGRESS, e.errno());
        }
        Out syn = next();
        assertEquals(Tcp.SYN, syn.tcp.flags());
        liss = syn.tcp.seq();
        lport = syn.tcp.srcPort();
        rport = PORT;
        run(rtt);
        peerTs = o.hasTimestamps;
        TcpOptions so = o;
        if (o.hasTimestamps) {
            so = new TcpOptions().copyFrom(o).timestamps(peerTsVal, syn.tcp.tsVal());
        }
        injectRaw(Tcp.SYN | Tcp.ACK, riss, new byte[0], liss + 1, win, so, 0);
        expect(Tcp.ACK, 1, 0, 1);
        s.fcntl(Socket.F_SETFL, 0);
        return s;
    }

    // ---------------------------------------------------------------- the application

    /** Writes {@code len} bytes (non-blocking) and returns how many were taken. */
    static int write(Socket s, int len) {
        return write(s, len, 0);
    }

    static int write(Socket s, int len, int flags) {
        return s.send(ByteBuffer.wrap(new byte[len]), flags | Socket.MSG_DONTWAIT);
    }

    /** Reads what is there (non-blocking), at most {@code max} bytes; 0 when nothing. */
    static byte[] read(Socket s, int max) {
        ByteBuffer b = ByteBuffer.allocate(max);
        try {
            s.recv(b, Socket.MSG_DONTWAIT);
        } catch (io.jnetstack.core.ErrnoException e) {
            assertEquals(io.jnetstack.core.Errno.EAGAIN, e.errno());
        }
        byte[] r = new byte[b.position()];
        b.flip().get(r);
        return r;
    }

    /** Asserts the total of what the stack sent with data since the last clear. */
    static void assertFlags(int expected, Out o) {
        assertTrue((o.tcp.flags() & expected) == expected, flagString(o.tcp.flags()));
    }
}
