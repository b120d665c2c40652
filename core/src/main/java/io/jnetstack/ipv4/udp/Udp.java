package io.jnetstack.ipv4.udp;

import io.jnetstack.core.CsumState;
import io.jnetstack.core.DropReason;
import io.jnetstack.core.Mib;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;
import io.jnetstack.ipv4.Icmp;
import io.jnetstack.ipv4.IcmpMib;
import io.jnetstack.ipv4.Inet;
import io.jnetstack.ipv4.InetProtocol;
import io.jnetstack.ipv4.Rtable;
import io.jnetstack.socket.Sockets;
import io.jnetstack.socket.Socket;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Ipv4;

import java.util.ArrayList;
import java.util.List;

/**
 * UDP of one namespace: the receive path, ICMP errors, the port table and the "Udp:" counters.
 * Mirrors {@code net/ipv4/udp.c}:
 * <pre>
 * udp_rcv → __udp4_lib_rcv → __udp4_lib_lookup → udp_queue_rcv_skb → sock_queue_rcv_skb
 *                          → __udp4_lib_mcast_deliver (broadcast, multicast)
 * </pre>
 * Sending is {@link UdpSock#sendmsg}.
 */
public final class Udp implements InetProtocol {
    final Net net;
    final Inet inet;
    final Sockets sockets;
    final UdpTable table;
    final Mib<UdpMib> mib = new Mib<>("Udp", UdpMib.class);
    private final List<UdpSock> mcastScratch = new ArrayList<>();

    private Udp(Sockets sockets) {
        this.sockets = sockets;
        this.net = sockets.net();
        this.inet = net.inet();
        this.table = new UdpTable(net.kernel().random("udp ports " + net.name()));
    }

    /** Installs UDP in {@code sockets}' namespace: the protocol handler and SOCK_DGRAM sockets. */
    public static Udp install(Sockets sockets) {
        Udp udp = new Udp(sockets);
        sockets.putProtocol("udp", udp);
        sockets.register(Socket.SOCK_DGRAM, 0, s -> new UdpSock(s, udp));
        sockets.register(Socket.SOCK_DGRAM, Socket.IPPROTO_UDP, s -> new UdpSock(s, udp));
        udp.inet.addProtocol(Ipv4.PROTO_UDP, udp);
        return udp;
    }

    /** The UDP of a namespace. */
    public static Udp of(Net net) {
        return (Udp) net.sockets().protocol("udp");
    }

    /** The "Udp:" counters. */
    public Mib<UdpMib> mib() {
        return mib;
    }

    /** Bound sockets. */
    public int boundSockets() {
        return table.size();
    }

    /** Mirrors {@code udp_rcv()}: data at the UDP header, network header marked. */
    @Override
    public void handle(SkBuff skb) {
        Tracer t = net.kernel().tracer();
        String dev = skb.dev == null ? "" : skb.dev.name();
        t.enter(Stage.UDP_RCV, skb, net.name(), dev);
        try {
            rcv(skb, t, dev);
        } finally {
            t.exit();
        }
    }

    /**
     * Mirrors {@code __udp4_lib_rcv()}: length checks (RFC 768; a UDP length beyond the IP
     * payload is an error, shorter trims the payload), the checksum (RFC 1122 §4.1.3.4: zero
     * means none), then broadcast/multicast delivery or the socket lookup; no socket → ICMP port
     * unreachable (RFC 1122 §4.1.3.1), never for broadcast or multicast.
     */
    private void rcv(SkBuff skb, Tracer t, String dev) {
        t.enter(Stage.__UDP4_LIB_RCV, skb, net.name(), dev);
        try {
            if (skb.len() < io.jnetstack.wire.Udp.HEADER_LEN) {
                // No room for the header: Linux drops with no particular reason (NOT_SPECIFIED).
                mib.inc(UdpMib.InErrors);
                net.drop(skb, DropReason.NOT_SPECIFIED);
                return;
            }
            // The checksum and the copy to the user read the datagram from the linear part.
            skb.mayPull(skb.len());
            byte[] b = skb.buf();
            int off = skb.data();
            int ulen = io.jnetstack.wire.Udp.length(b, off);
            if (ulen > skb.len() || ulen < io.jnetstack.wire.Udp.HEADER_LEN) {
                mib.inc(UdpMib.InErrors);
                net.drop(skb, DropReason.PKT_TOO_SMALL);
                return;
            }
            if (ulen < skb.len()) {
                skb.trim(ulen);
            }
            int nh = skb.networkHeader();
            int saddr = Ipv4.src(b, nh);
            int daddr = Ipv4.dst(b, nh);
            if (skb.ipSummed != CsumState.UNNECESSARY
                    && !io.jnetstack.wire.Udp.checksumOk(b, off, ulen, saddr, daddr)) {
                mib.inc(UdpMib.InCsumErrors);
                mib.inc(UdpMib.InErrors);
                net.drop(skb, DropReason.UDP_CSUM);
                return;
            }
            Rtable rt = skb.dst instanceof Rtable r ? r : null;
            if (rt != null && (rt.flags() & (Rtable.RTCF_BROADCAST | Rtable.RTCF_MULTICAST)) != 0) {
                mcastDeliver(skb, saddr, daddr, t);
                return;
            }
            int sport = io.jnetstack.wire.Udp.srcPort(b, off);
            int dport = io.jnetstack.wire.Udp.dstPort(b, off);
            UdpSock sk = lookup(skb, saddr, sport, daddr, dport, t);
            if (sk != null) {
                queueRcv(sk, skb, t);
                return;
            }
            mib.inc(UdpMib.NoPorts);
            skb.push(off - nh);
            inet.icmp().send(skb, io.jnetstack.wire.Icmp.DEST_UNREACH, io.jnetstack.wire.Icmp.PORT_UNREACH, 0);
            net.drop(skb, DropReason.NO_SOCKET);
        } finally {
            t.exit();
        }
    }

    private UdpSock lookup(SkBuff skb, int saddr, int sport, int daddr, int dport, Tracer t) {
        t.enter(Stage.__UDP4_LIB_LOOKUP, skb, net.name(), skb.dev == null ? "" : skb.dev.name());
        try {
            return table.lookup(saddr, sport, daddr, dport, skb.dev);
        } finally {
            t.exit();
        }
    }

    /**
     * Mirrors {@code __udp4_lib_mcast_deliver()}: a copy to every socket bound to the port whose
     * address, peer and device match ({@code __udp_is_mcast_sock()}) and, for multicast, that
     * accepts the group (IP_MULTICAST_ALL or a membership of its own).
     */
    private void mcastDeliver(SkBuff skb, int saddr, int daddr, Tracer t) {
        t.enter(Stage.__UDP4_LIB_MCAST_DELIVER, skb, net.name(), skb.dev == null ? "" : skb.dev.name());
        try {
            byte[] b = skb.buf();
            int off = skb.data();
            int sport = io.jnetstack.wire.Udp.srcPort(b, off);
            int dport = io.jnetstack.wire.Udp.dstPort(b, off);
            List<UdpSock> l = table.at(dport);
            List<UdpSock> out = mcastScratch;
            out.clear();
            boolean mcast = io.jnetstack.wire.Ipv4Address.isMulticast(daddr);
            NetDevice dev = skb.dev;
            if (l != null) {
                for (UdpSock sk : l) {
                    if (isMcastSock(sk, saddr, sport, daddr, dev, mcast)) {
                        out.add(sk);
                    }
                }
            }
            if (out.isEmpty()) {
                mib.inc(UdpMib.IgnoredMulti);
                net.drop(skb, DropReason.NO_SOCKET);
                return;
            }
            for (int i = 0; i < out.size() - 1; i++) {
                queueRcv(out.get(i), skb.cloneSkb(), t);
            }
            queueRcv(out.get(out.size() - 1), skb, t);
        } finally {
            t.exit();
        }
    }

    private static boolean isMcastSock(UdpSock sk, int saddr, int sport, int daddr, NetDevice dev, boolean mcast) {
        if (sk.localAddress() != 0 && sk.localAddress() != daddr) {
            return false;
        }
        if (sk.isConnected() && (sk.peerAddress() != saddr || sk.peerPort() != sport)) {
            return false;
        }
        if (sk.boundDevice() != null && sk.boundDevice() != dev) {
            return false;
        }
        if (mcast && !sk.multicastAll() && !sk.joined(daddr, dev == null ? 0 : dev.ifindex())) {
            return false;
        }
        return true;
    }

    /**
     * Mirrors {@code udp_queue_rcv_skb()} → {@code __udp_queue_rcv_skb()}: data moved to the
     * payload, then the socket's receive queue; a full queue counts RcvbufErrors and InErrors.
     */
    private void queueRcv(UdpSock sk, SkBuff skb, Tracer t) {
        t.enter(Stage.UDP_QUEUE_RCV_SKB, skb, net.name(), skb.dev == null ? "" : skb.dev.name());
        try {
            if (skb.data() != skb.transportHeader()) {
                skb.resetTransportHeader();
            }
            skb.pull(io.jnetstack.wire.Udp.HEADER_LEN);
            if (!sk.queueRcvOrDrop(skb)) {
                mib.inc(UdpMib.RcvbufErrors);
                mib.inc(UdpMib.InErrors);
            }
        } finally {
            t.exit();
        }
    }

    /**
     * An ICMP error about a datagram we sent. Mirrors {@code __udp4_lib_err()}: find the sending
     * socket from the quoted headers (none: the ICMP message counts as an Icmp InError); with
     * IP_RECVERR queue the error; a hard error on a connected socket becomes its pending error
     * (ECONNREFUSED for port unreachable).
     */
    @Override
    public void error(SkBuff skb, int type, int code, int info) {
        byte[] b = skb.buf();
        int q = skb.networkHeader();
        int ihl = Ipv4.headerLen(b, q);
        if (skb.len() < ihl + io.jnetstack.wire.Udp.HEADER_LEN) {
            return;
        }
        int saddr = Ipv4.src(b, q);
        int daddr = Ipv4.dst(b, q);
        int sport = io.jnetstack.wire.Udp.srcPort(b, q + ihl);
        int dport = io.jnetstack.wire.Udp.dstPort(b, q + ihl);
        UdpSock sk = table.lookup(daddr, dport, saddr, sport, skb.dev);
        if (sk == null) {
            inet.icmpMib().inc(IcmpMib.InErrors);
            return;
        }
        int offender = (int) skb.cb[Icmp.ERROR_CB_OFFENDER];
        int payloadOff = q + ihl + io.jnetstack.wire.Udp.HEADER_LEN;
        int end = Math.max(payloadOff, Math.min(skb.tail(), skb.data() + skb.len()));
        byte[] payload = java.util.Arrays.copyOfRange(b, payloadOff, end);
        sk.icmpError(type, code, info, offender, daddr, dport, payload);
    }

    /** {@code /proc/net/snmp} "Udp:" lines. */
    public String formatSnmp() {
        return mib.format();
    }
}
