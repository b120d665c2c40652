package io.jnetstack.ipv4;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.PktType;
import io.jnetstack.core.SkBuff;
import io.jnetstack.netfilter.NfHook;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Icmp;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Options;

/**
 * Forwarding, when {@code net.ipv4.ip_forward=1}. Mirrors {@code net/ipv4/ip_forward.c}:
 * <pre>
 * ip_forward → (ip_call_ra_chain) → TTL check (RFC 1812 §5.3.1: ICMP time exceeded)
 *   → MTU check (DF set → ICMP fragmentation needed, RFC 1191) → ip_decrease_ttl
 *   → redirect when leaving by the input device (RFC 1812 §5.2.7.2)
 *   → nf_hook(FORWARD) → ip_forward_finish → dst_output
 * </pre>
 */
public final class IpForward {
    private final Inet inet;

    IpForward(Inet inet) {
        this.inet = inet;
    }

    /** Mirrors {@code ip_forward()}. */
    void forward(SkBuff skb) {
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.IP_FORWARD, skb, inet.net.name(), skb.dev.name());
        try {
            forwardChecked(skb);
        } finally {
            t.exit();
        }
    }

    private void forwardChecked(SkBuff skb) {
        if (skb.pktType != PktType.HOST) {
            inet.net.drop(skb, DropReason.OTHERHOST);
            return;
        }
        byte[] b = skb.buf();
        int off = skb.data();
        if (Ipv4.headerLen(b, off) > Ipv4.HEADER_LEN && Ipv4Options.findRouterAlert(b, off) >= 0) {
            inet.kernel.tracer().point(Stage.IP_CALL_RA_CHAIN, skb, inet.net.name(), skb.dev.name(), "");
        }
        if ((Ipv4.ttl(b, off)) <= 1) {
            inet.ipMib.inc(IpMib.InHdrErrors);
            inet.icmp.send(skb, Icmp.TIME_EXCEEDED, Icmp.EXC_TTL, 0);
            inet.net.drop(skb, DropReason.IP_TTL_EXCEEDED);
            return;
        }
        Rtable rt = (Rtable) skb.dst;
        int mtu = rt.mtu();
        if (networkSegLen(skb, b, off) > mtu && Ipv4.dontFragment(b, off)) {
            inet.ipMib.inc(IpMib.FragFails);
            inet.icmp.send(skb, Icmp.DEST_UNREACH, Icmp.FRAG_NEEDED, mtu);
            inet.net.drop(skb, DropReason.PKT_TOO_BIG);
            return;
        }
        skb.ensureWritable(rt.dev.hardHeaderLen() + 16);
        b = skb.buf();
        off = skb.data();
        inet.kernel.tracer().point(Stage.IP_DECREASE_TTL, skb, inet.net.name(), skb.dev.name(), "");
        Ipv4.decrementTtl(b, off);
        if ((rt.flags() & Rtable.RTCF_DOREDIRECT) != 0 && inet.sendRedirects.get() != 0) {
            inet.routing.sendRedirect(skb, rt);
        }
        skb.priority = tos2priority(Ipv4.tos(b, off));
        if (inet.netfilter.run(NfHook.FORWARD, skb, skb.dev, rt.dev)) {
            forwardFinish(skb);
        }
    }

    /** Mirrors {@code ip_forward_finish()}. */
    private void forwardFinish(SkBuff skb) {
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.IP_FORWARD_FINISH, skb, inet.net.name(), skb.dev.name());
        try {
            inet.ipMib.inc(IpMib.ForwDatagrams);
            inet.output.dstOutput(skb);
        } finally {
            t.exit();
        }
    }

    /** The queueing priority for a TOS byte. Mirrors {@code rt_tos2priority()} / {@code ip_tos2prio}. */
    public static int tos2priority(int tos) {
        return TOS2PRIO[(tos & 0x1E) >> 1];
    }

    /** TC_PRIO_BESTEFFORT 0, BULK 2, INTERACTIVE_BULK 4, INTERACTIVE 6, indexed by the TOS bits. */
    private static final int[] TOS2PRIO = {0, 0, 0, 0, 2, 2, 2, 2, 6, 6, 6, 6, 4, 4, 4, 4};

    /**
     * The length of the datagrams this packet becomes: itself, or for a TCP GSO packet the IP and
     * TCP headers plus gso_size, so a merged or TSO packet whose segments would not fit the next
     * hop still gets ICMP fragmentation needed. Mirrors {@code ip_exceeds_mtu()} →
     * {@code skb_gso_validate_network_len()}.
     */
    private static int networkSegLen(SkBuff skb, byte[] b, int off) {
        if (skb.gsoSize() == 0) {
            return skb.len();
        }
        int ihl = Ipv4.headerLen(b, off);
        if (Ipv4.protocol(b, off) != Ipv4.PROTO_TCP || skb.headLen() < ihl + 20) {
            return 0;   // not ours to judge: segmentation checks it
        }
        return ihl + ((b[off + ihl + 12] & 0xf0) >>> 2) + skb.gsoSize();
    }
}
