package io.jnetstack.ipv4;

import io.jnetstack.core.CsumState;
import io.jnetstack.core.Dev;
import io.jnetstack.core.DropReason;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.PktType;
import io.jnetstack.core.SkBuff;
import io.jnetstack.neigh.Neighbour;
import io.jnetstack.netfilter.NfHook;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.EtherType;
import io.jnetstack.wire.Ipv4;

/**
 * IPv4 send. Mirrors {@code net/ipv4/ip_output.c}:
 * <pre>
 * ip_local_out → __ip_local_out → nf_hook(LOCAL_OUT) → dst_output → ip_output
 *   → nf_hook(POST_ROUTING) → ip_finish_output (ip_fragment when longer than the MTU)
 *   → ip_finish_output2 → neighbour output
 * </pre>
 * Routes that are also for this host (a joined group, a broadcast) leave by ip_mc_output, which
 * first loops a copy back to the receive path.
 */
public final class IpOutput {
    /** Room a buffer needs in front of the IP header: the largest link header plus slack. */
    public static final int LL_RESERVED = 64;

    private final Inet inet;

    IpOutput(Inet inet) {
        this.inet = inet;
    }

    /**
     * Sends a locally generated datagram whose IP header is complete but for the total length
     * and checksum; {@code skb.dst} holds its route. Mirrors {@code ip_local_out()}.
     *
     * @return a NET_XMIT code, or a negative errno
     */
    public int localOut(SkBuff skb) {
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.IP_LOCAL_OUT, skb, inet.net.name(), skb.dst.dev.name());
        try {
            return localOutInner(skb);
        } finally {
            t.exit();
        }
    }

    /** Mirrors {@code __ip_local_out()}: fills length and checksum, runs LOCAL_OUT. */
    private int localOutInner(SkBuff skb) {
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.__IP_LOCAL_OUT, skb, inet.net.name(), skb.dst.dev.name());
        try {
            byte[] b = skb.buf();
            int off = skb.data();
            skb.resetNetworkHeader();
            Ipv4.setTotalLength(b, off, skb.len());
            Ipv4.fillChecksum(b, off);
            skb.protocol = EtherType.IPV4;
            inet.ipMib.inc(IpMib.OutRequests);
            if (!inet.netfilter.run(NfHook.LOCAL_OUT, skb, null, skb.dst.dev)) {
                return 0;
            }
            return dstOutput(skb);
        } finally {
            t.exit();
        }
    }

    /** Mirrors {@code dst_output()}: the route's output function. */
    public int dstOutput(SkBuff skb) {
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.DST_OUTPUT, skb, inet.net.name(), skb.dst.dev.name());
        try {
            return skb.dst.output(skb);
        } finally {
            t.exit();
        }
    }

    /** Mirrors {@code ip_output()}: POST_ROUTING, then ip_finish_output. */
    int output(SkBuff skb) {
        Tracer t = inet.kernel.tracer();
        NetDevice dev = skb.dst.dev;
        t.enter(Stage.IP_OUTPUT, skb, inet.net.name(), dev.name());
        try {
            NetDevice in = skb.dev;
            skb.dev = dev;
            skb.protocol = EtherType.IPV4;
            if (!inet.netfilter.run(NfHook.POST_ROUTING, skb, in == dev ? null : in, dev)) {
                return 0;
            }
            return finishOutput(skb);
        } finally {
            t.exit();
        }
    }

    /**
     * Output for routes that are also for this host: a group the device has joined, or a
     * broadcast. Mirrors {@code ip_mc_output()}: a multicast is looped back to local listeners
     * unless the sending socket turned IP_MULTICAST_LOOP off (RFC 1112 §6.1), and one with TTL 0
     * goes no further than this host; a broadcast is always looped back; then POST_ROUTING and
     * ip_finish_output as {@link #output}.
     */
    int mcOutput(SkBuff skb) {
        Tracer t = inet.kernel.tracer();
        Rtable rt = (Rtable) skb.dst;
        NetDevice dev = rt.dev;
        t.enter(Stage.IP_MC_OUTPUT, skb, inet.net.name(), dev.name());
        try {
            skb.dev = dev;
            skb.protocol = EtherType.IPV4;
            if ((rt.flags() & Rtable.RTCF_MULTICAST) != 0) {
                if (!skb.noMcLoop) {
                    loopback(skb, dev);
                }
                if (Ipv4.ttl(skb.buf(), skb.data()) == 0) {
                    skb.free();
                    return 0;
                }
            }
            if ((rt.flags() & Rtable.RTCF_BROADCAST) != 0) {
                loopback(skb, dev);
            }
            if (!inet.netfilter.run(NfHook.POST_ROUTING, skb, null, dev)) {
                return 0;
            }
            return finishOutput(skb);
        } finally {
            t.exit();
        }
    }

    /**
     * Hands a clone back to this host's receive path as if it had arrived on {@code dev}, route
     * attached, so {@code ip_rcv} delivers it without routing it again. Mirrors
     * {@code ip_mc_finish_output()} → {@code dev_loopback_xmit()}: POST_ROUTING, packet type
     * LOOPBACK (taps do not see it), checksum trusted, {@code netif_rx}.
     */
    private void loopback(SkBuff skb, NetDevice dev) {
        SkBuff c = skb.cloneSkb();
        if (!inet.netfilter.run(NfHook.POST_ROUTING, c, null, dev)) {
            return;
        }
        inet.kernel.tracer().point(Stage.DEV_LOOPBACK_XMIT, c, inet.net.name(), dev.name(), "");
        c.resetMacHeader();
        c.pktType = PktType.LOOPBACK;
        if (c.ipSummed == CsumState.NONE) {
            c.ipSummed = CsumState.UNNECESSARY;
        }
        Dev.netifRx(c);
    }

    /**
     * Fragments datagrams longer than the path MTU (RFC 791 §2.3, RFC 1191: DF set → ICMP
     * fragmentation needed to the source). Mirrors {@code ip_finish_output()} /
     * {@code __ip_finish_output()}.
     */
    private int finishOutput(SkBuff skb) {
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.IP_FINISH_OUTPUT, skb, inet.net.name(), skb.dev.name());
        try {
            int mtu = skb.dst.mtu();
            if (skb.len() > mtu && skb.gsoSize() == 0) {
                return inet.fragmentOut(skb, mtu);
            }
            return finishOutput2(skb);
        } finally {
            t.exit();
        }
    }

    /**
     * Finds the neighbour for the next hop and hands the datagram to it. Mirrors
     * {@code ip_finish_output2()}: headroom for the link header, {@code rt_nexthop()},
     * {@code ip_neigh_for_gw()}, {@code neigh_output()}.
     */
    int finishOutput2(SkBuff skb) {
        Tracer t = inet.kernel.tracer();
        Rtable rt = (Rtable) skb.dst;
        NetDevice dev = rt.dev;
        t.enter(Stage.IP_FINISH_OUTPUT2, skb, inet.net.name(), dev.name());
        try {
            int hh = dev.hardHeaderLen();
            if (skb.headroom() < hh || (hh > 0 && skb.isCloned())) {
                skb.ensureWritable(hh + 16);
            }
            int daddr = Ipv4.dst(skb.buf(), skb.data());
            Neighbour n = inet.arp.neighFor(rt.nexthop(daddr), dev, rt);
            if (n == null) {
                inet.ipMib.inc(IpMib.OutDiscards);
                inet.net.drop(skb, DropReason.NEIGH_CREATEFAIL);
                return -1;
            }
            inet.ipMib.inc(IpMib.OutTransmits);
            return inet.arpTable.output(n, skb);
        } finally {
            t.exit();
        }
    }
}
