package io.jnetstack.ipv4;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.PktType;
import io.jnetstack.core.SkBuff;
import io.jnetstack.netfilter.NfHook;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Icmp;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Options;

/**
 * IPv4 receive. Mirrors {@code net/ipv4/ip_input.c}:
 * <pre>
 * ip_rcv (RFC 1122 §3.2.1 checks) → nf_hook(PRE_ROUTING) → ip_rcv_finish → route input
 *   → dst_input → ip_local_deliver (reassembly) → nf_hook(LOCAL_IN)
 *   → ip_local_deliver_finish → protocol handler (icmp_rcv, udp_rcv, tcp_v4_rcv)
 *               or ip_forward, or ip_error
 * </pre>
 * Every bad datagram is dropped with a reason and counted; nothing throws.
 */
public final class IpInput {
    private final Inet inet;

    IpInput(Inet inet) {
        this.inet = inet;
    }

    /**
     * Receives a datagram from the device layer; data at the IP header. Mirrors {@code ip_rcv()}
     * and {@code ip_rcv_core()}: RFC 1122 §3.2.1.1 (version), §3.2.1.2 (checksum: silently
     * discard), total length and header length consistency, Ethernet padding trimmed.
     */
    public void rcv(SkBuff skb, NetDevice dev) {
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.IP_RCV, skb, inet.net.name(), dev.name());
        try {
            DropReason bad = check(skb);
            if (bad != null) {
                inet.net.drop(skb, bad);
                return;
            }
            if (inet.netfilter.run(NfHook.PRE_ROUTING, skb, dev, null)) {
                rcvFinish(skb);
            }
        } finally {
            t.exit();
        }
    }

    /** The checks of {@code ip_rcv_core()}; null when the datagram may go on. */
    private DropReason check(SkBuff skb) {
        if (skb.pktType == PktType.OTHERHOST) {
            return DropReason.OTHERHOST;
        }
        inet.ipMib.inc(IpMib.InReceives);
        if (!skb.mayPull(Ipv4.HEADER_LEN)) {
            inet.ipMib.inc(IpMib.InHdrErrors);
            return DropReason.PKT_TOO_SMALL;
        }
        byte[] b = skb.buf();
        int off = skb.data();
        int vihl = b[off] & 0xff;
        int ihl = (vihl & 0x0f) * 4;
        if ((vihl >>> 4) != 4 || ihl < Ipv4.HEADER_LEN) {
            inet.ipMib.inc(IpMib.InHdrErrors);
            return DropReason.IP_INHDR;
        }
        if (!skb.mayPull(ihl)) {
            inet.ipMib.inc(IpMib.InHdrErrors);
            return DropReason.IP_INHDR;
        }
        b = skb.buf();
        off = skb.data();
        if (!Ipv4.checksumOk(b, off)) {
            inet.ipMib.inc(IpMib.InHdrErrors);
            return DropReason.IP_CSUM;
        }
        int totLen = Ipv4.totalLength(b, off);
        if (skb.len() < totLen) {
            inet.ipMib.inc(IpMib.InHdrErrors);
            return DropReason.PKT_TOO_SMALL;
        }
        if (totLen < ihl) {
            inet.ipMib.inc(IpMib.InHdrErrors);
            return DropReason.IP_INHDR;
        }
        if (skb.len() > totLen) {
            skb.trim(totLen);
        }
        skb.resetNetworkHeader();
        skb.setTransportHeader(off + ihl);
        return null;
    }

    /**
     * Routes the datagram and passes it on. Mirrors {@code ip_rcv_finish()}: route input when no
     * route is attached yet, IP options checked, then {@code dst_input()}.
     */
    void rcvFinish(SkBuff skb) {
        Tracer t = inet.kernel.tracer();
        NetDevice dev = skb.dev;
        t.enter(Stage.IP_RCV_FINISH, skb, inet.net.name(), dev.name());
        try {
            byte[] b = skb.buf();
            int off = skb.data();
            if (skb.dst == null) {
                DropReason r = inet.routing.input(skb, Ipv4.dst(b, off), Ipv4.src(b, off), Ipv4.tos(b, off), dev);
                if (r != null) {
                    inet.net.drop(skb, r);
                    return;
                }
            }
            if (Ipv4.headerLen(b, off) > Ipv4.HEADER_LEN && Ipv4Options.checkOptions(b, off) < 0) {
                inet.ipMib.inc(IpMib.InHdrErrors);
                int pointer = Math.max(Ipv4Options.optionErrorPointer(b, off), Ipv4.HEADER_LEN);
                inet.icmp.send(skb, Icmp.PARAMETERPROB, 0, pointer << 24);
                inet.net.drop(skb, DropReason.IP_INHDR);
                return;
            }
            skb.dst.input(skb);
        } finally {
            t.exit();
        }
    }

    /**
     * Delivers a datagram addressed to this host: reassembles fragments first. Mirrors
     * {@code ip_local_deliver()}.
     */
    void localDeliver(SkBuff skb) {
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.IP_LOCAL_DELIVER, skb, inet.net.name(), skb.dev == null ? "" : skb.dev.name());
        try {
            byte[] b = skb.buf();
            int off = skb.data();
            if (Ipv4.moreFragments(b, off) || Ipv4.fragOffset(b, off) != 0) {
                skb = inet.defragment(skb);
                if (skb == null) {
                    return;
                }
            }
            if (inet.netfilter.run(NfHook.LOCAL_IN, skb, skb.dev, null)) {
                localDeliverFinish(skb);
            }
        } finally {
            t.exit();
        }
    }

    /**
     * Hands the payload to its protocol. Mirrors {@code ip_local_deliver_finish()} and
     * {@code ip_protocol_deliver_rcu()}: first a copy to every matching raw socket
     * ({@code raw_local_deliver}), then the protocol handler; no handler and no raw socket →
     * ICMP protocol unreachable (RFC 1122 §3.2.2.1), counted in InUnknownProtos. A datagram
     * only raw sockets took counts as delivered.
     */
    private void localDeliverFinish(SkBuff skb) {
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.IP_LOCAL_DELIVER_FINISH, skb, inet.net.name(), skb.dev == null ? "" : skb.dev.name());
        try {
            byte[] b = skb.buf();
            int off = skb.data();
            int proto = Ipv4.protocol(b, off);
            int ihl = Ipv4.headerLen(b, off);
            skb.resetNetworkHeader();
            skb.pull(ihl);
            skb.resetTransportHeader();
            if (skb.ipSummed == io.jnetstack.core.CsumState.PARTIAL) {
                // skb_csum_unnecessary(): a partial checksum never left this host's memory (looped
                // back by lo or veth, or merged by GRO after each segment was checked).
                skb.ipSummed = io.jnetstack.core.CsumState.UNNECESSARY;
            }
            RawHandler raw = inet.rawHandler();
            boolean rawTook = raw != null && raw.localDeliver(skb, proto);
            InetProtocol p = inet.protocol(proto);
            if (p == null && rawTook) {
                inet.ipMib.inc(IpMib.InDelivers);
                skb.free();
                return;
            }
            if (p == null) {
                inet.ipMib.inc(IpMib.InUnknownProtos);
                skb.push(ihl);
                inet.icmp.send(skb, Icmp.DEST_UNREACH, Icmp.PROT_UNREACH, 0);
                inet.net.drop(skb, DropReason.IP_NOPROTO);
                return;
            }
            inet.ipMib.inc(IpMib.InDelivers);
            p.handle(skb);
        } finally {
            t.exit();
        }
    }

    /**
     * A datagram whose input route is an error (no route while forwarding, unreachable,
     * prohibit). Mirrors {@code ip_error()}: counted, and when forwarding, answered with a
     * destination unreachable of the matching code.
     */
    void error(SkBuff skb, Rtable rt) {
        io.jnetstack.core.Errno e = rt.error();
        int code;
        switch (e) {
            case EHOSTUNREACH -> {
                inet.ipMib.inc(IpMib.InAddrErrors);
                code = Icmp.HOST_UNREACH;
            }
            case ENETUNREACH -> code = Icmp.NET_UNREACH;
            case EACCES -> code = Icmp.PKT_FILTERED;
            default -> {
                inet.net.drop(skb, DropReason.IP_INADDRERRORS);
                return;
            }
        }
        if (inet.forwarding()) {
            inet.icmp.send(skb, Icmp.DEST_UNREACH, code, 0);
        }
        inet.net.drop(skb, code == Icmp.NET_UNREACH ? DropReason.IP_INNOROUTES : DropReason.IP_INADDRERRORS);
    }
}
