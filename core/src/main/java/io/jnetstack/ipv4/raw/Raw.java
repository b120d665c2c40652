package io.jnetstack.ipv4.raw;

import io.jnetstack.core.Net;
import io.jnetstack.core.SkBuff;
import io.jnetstack.ipv4.Icmp;
import io.jnetstack.ipv4.Inet;
import io.jnetstack.ipv4.RawHandler;
import io.jnetstack.socket.Sockets;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Ipv4;

import java.util.Arrays;

/**
 * The raw sockets of one namespace. Mirrors {@code net/ipv4/raw.c}'s receive side:
 * <pre>
 * ip_local_deliver_finish → raw_local_deliver → raw_v4_input → raw_rcv → sock_queue_rcv_skb
 * icmp_unreach → raw_icmp_error → raw_err
 * </pre>
 * Sockets are kept per protocol ({@code raw_v4_hashinfo}); a socket's "port" is its protocol.
 * Sending is {@link RawSock#sendmsg}.
 */
public final class Raw implements RawHandler {
    private static final RawSock[] NONE = new RawSock[0];

    final Net net;
    final Inet inet;
    /** Per protocol, copied on write so delivery may wake readers that close sockets. */
    private final RawSock[][] table = new RawSock[256][];
    private int count;

    private Raw(Sockets sockets) {
        this.net = sockets.net();
        this.inet = net.inet();
        Arrays.fill(table, NONE);
    }

    /** Installs raw sockets in {@code sockets}' namespace: SOCK_RAW for every protocol 1..255. */
    public static Raw install(Sockets sockets) {
        Raw raw = new Raw(sockets);
        sockets.putProtocol("raw", raw);
        sockets.registerRawWildcard((s, protocol) -> new RawSock(s, raw, protocol));
        raw.inet.setRawHandler(raw);
        return raw;
    }

    /** The raw sockets of a namespace. */
    public static Raw of(Net net) {
        return (Raw) net.sockets().protocol("raw");
    }

    /** Open raw sockets. */
    public int sockets() {
        return count;
    }

    /** Mirrors {@code raw_hash_sk()}. */
    void hash(RawSock sk) {
        RawSock[] old = table[sk.protocol()];
        RawSock[] n = Arrays.copyOf(old, old.length + 1);
        n[old.length] = sk;
        table[sk.protocol()] = n;
        count++;
    }

    /** Mirrors {@code raw_unhash_sk()}. */
    void unhash(RawSock sk) {
        RawSock[] old = table[sk.protocol()];
        for (int i = 0; i < old.length; i++) {
            if (old[i] == sk) {
                RawSock[] n = new RawSock[old.length - 1];
                System.arraycopy(old, 0, n, 0, i);
                System.arraycopy(old, i + 1, n, i, old.length - i - 1);
                table[sk.protocol()] = n.length == 0 ? NONE : n;
                count--;
                return;
            }
        }
    }

    /**
     * Mirrors {@code raw_local_deliver()} → {@code raw_v4_input()}: a clone for every socket of
     * the protocol whose bound address, peer and device match ({@code raw_v4_match()}), unless
     * its ICMP_FILTER refuses the ICMP type.
     */
    @Override
    public boolean localDeliver(SkBuff skb, int protocol) {
        RawSock[] socks = table[protocol & 0xff];
        if (socks.length == 0) {
            return false;
        }
        Tracer t = net.kernel().tracer();
        t.enter(Stage.RAW_LOCAL_DELIVER, skb, net.name(), skb.dev == null ? "" : skb.dev.name());
        try {
            byte[] b = skb.buf();
            int nh = skb.networkHeader();
            int saddr = Ipv4.src(b, nh);
            int daddr = Ipv4.dst(b, nh);
            int icmpType = protocol == Ipv4.PROTO_ICMP ? icmpType(skb) : -1;
            boolean delivered = false;
            for (RawSock sk : socks) {
                if (!sk.matches(saddr, daddr, skb.dev)) {
                    continue;
                }
                delivered = true;
                if (protocol == Ipv4.PROTO_ICMP && sk.icmpFiltered(icmpType)) {
                    continue;
                }
                rcv(sk, skb.cloneSkb(), t);
            }
            return delivered;
        } finally {
            t.exit();
        }
    }

    /** The ICMP type at the transport header, or -1 when the 8-byte header is not all there. */
    private static int icmpType(SkBuff skb) {
        if (skb.len() < io.jnetstack.wire.Icmp.HEADER_LEN) {
            return -1;
        }
        if (skb.headLen() > 0) {
            return skb.buf()[skb.data()] & 0xff;
        }
        byte[] one = new byte[1];
        skb.copyBits(0, one, 0, 1);
        return one[0] & 0xff;
    }

    /**
     * Mirrors {@code raw_rcv()} → {@code raw_rcv_skb()}: data back to the IP header, then the
     * socket's receive queue; a full queue drops it (counted in the socket's drops).
     */
    private void rcv(RawSock sk, SkBuff skb, Tracer t) {
        t.enter(Stage.RAW_RCV, skb, net.name(), skb.dev == null ? "" : skb.dev.name());
        try {
            skb.push(skb.data() - skb.networkHeader());
            sk.queueRcvOrDrop(skb);
        } finally {
            t.exit();
        }
    }

    /**
     * Mirrors {@code raw_icmp_error()}: every socket of the quoted protocol that could have sent
     * the quoted datagram (its peer is the quoted destination, its bound address the quoted
     * source) hears of the error ({@code raw_err}).
     */
    @Override
    public void icmpError(SkBuff skb, int protocol, int type, int code, int info) {
        RawSock[] socks = table[protocol & 0xff];
        if (socks.length == 0) {
            return;
        }
        Tracer t = net.kernel().tracer();
        t.enter(Stage.RAW_ICMP_ERROR, skb, net.name(), skb.dev == null ? "" : skb.dev.name());
        try {
            byte[] b = skb.buf();
            int q = skb.data();
            int qsaddr = Ipv4.src(b, q);
            int qdaddr = Ipv4.dst(b, q);
            int offender = (int) skb.cb[Icmp.ERROR_CB_OFFENDER];
            for (RawSock sk : socks) {
                if (sk.matches(qdaddr, qsaddr, skb.dev)) {
                    sk.icmpError(skb, type, code, info, offender);
                }
            }
        } finally {
            t.exit();
        }
    }

    /** Whether any raw socket of {@code protocol} is open (for tests and tools). */
    public boolean has(int protocol) {
        return table[protocol & 0xff].length > 0;
    }
}
