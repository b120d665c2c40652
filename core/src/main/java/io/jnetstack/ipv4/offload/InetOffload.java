package io.jnetstack.ipv4.offload;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Gro;
import io.jnetstack.core.Net;
import io.jnetstack.core.PacketOffload;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.SkbQueue;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Ipv4;

/**
 * IPv4's segmentation and receive-merging callbacks, registered for EtherType 0x0800 in every
 * namespace. Mirrors {@code inet_gso_segment()}, {@code inet_gro_receive()} and
 * {@code inet_gro_complete()} of {@code net/ipv4/af_inet.c} (the {@code ip_packet_offload}),
 * with TCP as the only transport offload ({@link TcpOffload}).
 *
 * <p>Each segment gets its own total length, header checksum and identification: the first
 * keeps the packet's, the next ones count up from it (RFC 6864 §4.1: DF datagrams may reuse or
 * count; counting is what {@code ip_select_ident_segs()} reserved for them). Merging requires
 * what makes segments of one datagram stream: same addresses, protocol, TTL, TOS and DF, no
 * fragments, no IP options, and identifications that count up (or, with DF, stay fixed).
 */
public final class InetOffload implements PacketOffload {
    private final Net net;

    /** The IPv4 offload of {@code net}. */
    public InetOffload(Net net) {
        this.net = net;
    }

    /** Mirrors {@code inet_gso_segment()}. */
    @Override
    public DropReason gsoSegment(SkBuff skb, int macLen, long features, SkbQueue out) {
        Tracer t = net.kernel().tracer();
        t.enter(Stage.INET_GSO_SEGMENT, skb, net.name(), skb.dev == null ? "" : skb.dev.name());
        try {
            byte[] b = skb.buf();
            int ip = skb.data() + macLen;
            if (skb.headLen() < macLen + Ipv4.HEADER_LEN || Ipv4.version(b, ip) != 4) {
                return DropReason.SKB_GSO_SEG;
            }
            int ihl = Ipv4.headerLen(b, ip);
            if (ihl < Ipv4.HEADER_LEN || skb.headLen() < macLen + ihl || Ipv4.protocol(b, ip) != Ipv4.PROTO_TCP
                    || (skb.gsoType() & SkBuff.GSO_TCPV4) == 0) {
                return DropReason.SKB_GSO_SEG;
            }
            int id = Ipv4.id(b, ip);
            SkBuff last = out.peekLast();
            t.enter(Stage.TCP4_GSO_SEGMENT, skb, net.name(), skb.dev == null ? "" : skb.dev.name());
            int n;
            try {
                n = TcpOffload.gsoSegment(skb, macLen, ihl, features, out);
            } finally {
                t.exit();
            }
            if (n < 0) {
                return DropReason.SKB_GSO_SEG;
            }
            SkBuff seg = last == null ? out.peek() : out.next(last);
            for (int i = 0; i < n; i++, seg = out.next(seg)) {
                byte[] sb = seg.buf();
                int sip = seg.data() + macLen;
                Ipv4.setId(sb, sip, id + i);
                Ipv4.setTotalLength(sb, sip, seg.len() - macLen);
                Ipv4.fillChecksum(sb, sip);
                seg.setNetworkHeader(sip);
            }
            return null;
        } finally {
            t.exit();
        }
    }

    /**
     * Mirrors {@code inet_gro_receive()}: only plain TCP datagrams (20-byte header, valid
     * checksum) take part; a fragment or a length that disagrees with the frame is not merged.
     */
    @Override
    public void groReceive(Gro gro, SkBuff skb) {
        Tracer t = net.kernel().tracer();
        t.enter(Stage.INET_GRO_RECEIVE, skb, net.name(), skb.dev.name());
        try {
            if (!skb.mayPull(Ipv4.HEADER_LEN)) {
                gro.deliver(skb);
                return;
            }
            byte[] b = skb.buf();
            int ip = skb.data();
            if (Ipv4.protocol(b, ip) != Ipv4.PROTO_TCP || (b[ip] & 0xf0) != 0x40 || !Ipv4.checksumOk(b, ip)) {
                gro.deliver(skb);   // other protocols, bad headers: the normal path decides
                return;
            }
            if ((b[ip] & 0xff) != 0x45) {
                // IP options: not merged. Linux lets it overtake its flow; going up behind it keeps the order.
                TcpOffload.flushFlowAndDeliver(gro, skb, Ipv4.headerLen(b, ip));
                return;
            }
            boolean flush = Ipv4.totalLength(b, ip) != skb.len()
                    || (Ipv4.flagsFrag(b, ip) & (Ipv4.FLAG_MF | Ipv4.FRAG_OFFSET_MASK)) != 0;
            t.enter(Stage.TCP4_GRO_RECEIVE, skb, net.name(), skb.dev.name());
            try {
                TcpOffload.groReceive(gro, skb, flush);
            } finally {
                t.exit();
            }
        } finally {
            t.exit();
        }
    }

    /**
     * The IP reasons not to merge a datagram into flow p holding {@code count} segments. Mirrors
     * {@code inet_gro_flush()}: TTL, TOS or DF differ; the identification neither counts up
     * from p's nor, both with DF, stays equal to it.
     */
    static boolean ipFlush(SkBuff p, int count, byte[] b, int ip) {
        byte[] pb = p.buf();
        int pip = p.data();
        if (Ipv4.ttl(pb, pip) != Ipv4.ttl(b, ip) || Ipv4.tos(pb, pip) != Ipv4.tos(b, ip)
                || Ipv4.dontFragment(pb, pip) != Ipv4.dontFragment(b, ip)) {
            return true;
        }
        int pid = Ipv4.id(pb, pip);
        int id = Ipv4.id(b, ip);
        if (((pid + count) & 0xFFFF) == id) {
            return false;
        }
        return !(Ipv4.dontFragment(b, ip) && id == pid);
    }

    /** Mirrors {@code inet_gro_complete()}: total length and header checksum, then TCP's part. */
    @Override
    public void groComplete(SkBuff skb, int segs, int mss) {
        byte[] b = skb.buf();
        int ip = skb.data();
        Ipv4.setTotalLength(b, ip, skb.len());
        Ipv4.fillChecksum(b, ip);
        TcpOffload.groComplete(skb, segs, mss);
    }
}
