package io.jnetstack.ipv4.ping;

import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;
import io.jnetstack.ipv4.Icmp;
import io.jnetstack.ipv4.Inet;
import io.jnetstack.ipv4.PingHandler;
import io.jnetstack.socket.Socket;
import io.jnetstack.socket.Sockets;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Ipv4;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ICMP ping sockets of one namespace ({@code socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)},
 * for unprivileged ping). Mirrors {@code net/ipv4/ping.c}'s {@code ping_table}: the echo
 * identifier is the socket's "port" ({@code ping_get_port}), echo replies are handed to the
 * socket of their identifier ({@code ping_rcv}), ICMP errors quoting its echo requests too
 * ({@code ping_err}):
 * <pre>
 * icmp_rcv → ping_rcv → ping_lookup → sock_queue_rcv_skb
 * icmp_unreach → icmp_err → ping_err → ping_lookup → ip_icmp_error
 * </pre>
 * Sending is {@link PingSock#sendmsg}.
 */
public final class PingTable implements PingHandler {
    final Net net;
    final Inet inet;
    final Sockets sockets;
    /** By identifier, newest first (Linux adds to the head of the hash chain). */
    private final Map<Integer, List<PingSock>> byIdent = new HashMap<>();
    /** {@code ping_port_rover}: the last identifier handed out. */
    private int rover;

    private PingTable(Sockets sockets) {
        this.sockets = sockets;
        this.net = sockets.net();
        this.inet = net.inet();
    }

    /** Installs ping sockets in {@code sockets}' namespace: SOCK_DGRAM with IPPROTO_ICMP. */
    public static PingTable install(Sockets sockets) {
        PingTable t = new PingTable(sockets);
        sockets.putProtocol("ping", t);
        sockets.register(Socket.SOCK_DGRAM, Socket.IPPROTO_ICMP, s -> PingSock.create(s, t));
        t.inet.icmp().setPingHandler(t);
        return t;
    }

    /** The ping sockets of a namespace. */
    public static PingTable of(Net net) {
        return (PingTable) net.sockets().protocol("ping");
    }

    /** Identifiers in use. */
    public int boundSockets() {
        int n = 0;
        for (List<PingSock> l : byIdent.values()) {
            n += l.size();
        }
        return n;
    }

    /**
     * Gives {@code sk} an identifier. Mirrors {@code ping_get_port()}: 0 takes the next free one
     * after the last handed out (never 0); a given one conflicts with any other socket holding
     * it unless both set SO_REUSEADDR, whatever their addresses.
     *
     * @return the identifier, or -1 (EADDRINUSE)
     */
    int getPort(PingSock sk, int ident) {
        if (ident == 0) {
            int result = rover + 1;
            for (int i = 0; i < 65536; i++, result++) {
                result &= 0xffff;
                if (result != 0 && !byIdent.containsKey(result)) {
                    ident = result;
                    rover = result;
                    break;
                }
            }
            if (ident == 0) {
                return -1;
            }
        } else {
            for (PingSock o : byIdent.getOrDefault(ident, List.of())) {
                if (o != sk && (!o.reuseAddr() || !sk.reuseAddr())) {
                    return -1;
                }
            }
        }
        byIdent.computeIfAbsent(ident, k -> new ArrayList<>(1)).addFirst(sk);
        return ident;
    }

    /** Mirrors {@code ping_unhash()}. */
    void unhash(PingSock sk, int ident) {
        List<PingSock> l = byIdent.get(ident);
        if (l != null && l.remove(sk) && l.isEmpty()) {
            byIdent.remove(ident);
        }
    }

    /**
     * Mirrors {@code ping_lookup()}: the socket with identifier {@code ident} whose bound address
     * is {@code daddr} or any and whose bound device, if any, is {@code dev}.
     */
    PingSock lookup(int ident, int daddr, NetDevice dev) {
        List<PingSock> l = byIdent.get(ident);
        if (l == null) {
            return null;
        }
        for (PingSock sk : l) {
            if (sk.localAddress() != 0 && sk.localAddress() != daddr) {
                continue;
            }
            if (sk.boundDevice() != null && sk.boundDevice() != dev) {
                continue;
            }
            return sk;
        }
        return null;
    }

    /**
     * An echo reply: data at the ICMP header. Mirrors {@code ping_rcv()} →
     * {@code __ping_queue_rcv_skb()}: queued whole (ICMP header and data) on the socket of its
     * identifier; a full queue drops it.
     */
    @Override
    public boolean rcv(SkBuff skb) {
        Tracer t = net.kernel().tracer();
        String dev = skb.dev == null ? "" : skb.dev.name();
        t.enter(Stage.PING_RCV, skb, net.name(), dev);
        try {
            byte[] b = skb.buf();
            int ident = io.jnetstack.wire.Icmp.echoId(b, skb.data());
            PingSock sk = lookup(ident, Ipv4.dst(b, skb.networkHeader()), skb.dev);
            if (sk == null) {
                return false;
            }
            sk.queueRcvOrDrop(skb);
            return true;
        } finally {
            t.exit();
        }
    }

    /**
     * An ICMP error quoting an ICMP message we sent; {@code skb} at the quoted IP header.
     * Mirrors {@code ping_err()}: only errors about echo requests ({@code ping_supported}) of a
     * socket found by identifier and address.
     */
    @Override
    public void error(SkBuff skb, int type, int code, int info) {
        byte[] b = skb.buf();
        int q = skb.data();
        int qi = q + Ipv4.headerLen(b, q);
        if ((b[qi] & 0xff) != io.jnetstack.wire.Icmp.ECHO || (b[qi + 1] & 0xff) != 0) {
            return;
        }
        PingSock sk = lookup(io.jnetstack.wire.Icmp.echoId(b, qi), Ipv4.src(b, q), skb.dev);
        if (sk == null) {
            return;
        }
        Tracer t = net.kernel().tracer();
        t.enter(Stage.PING_ERR, skb, net.name(), skb.dev == null ? "" : skb.dev.name());
        try {
            sk.icmpError(skb, qi - q, type, code, info, (int) skb.cb[Icmp.ERROR_CB_OFFENDER]);
        } finally {
            t.exit();
        }
    }
}
