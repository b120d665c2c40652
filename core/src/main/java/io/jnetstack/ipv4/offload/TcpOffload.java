package io.jnetstack.ipv4.offload;

import io.jnetstack.core.CsumState;
import io.jnetstack.core.Gro;
import io.jnetstack.core.Gso;
import io.jnetstack.core.NetdevFeatures;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.SkbQueue;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Tcp;

/**
 * TCP's share of segmentation and receive merging over IPv4. Mirrors
 * {@code net/ipv4/tcp_offload.c} ({@code tcp4_gso_segment}, {@code tcp_gso_segment},
 * {@code tcp4_gro_receive}, {@code tcp_gro_receive}, {@code tcp4_gro_complete}) and the
 * GSO branch of {@code tcp_v4_send_check()}.
 *
 * <p>Segmenting keeps the stream intact (RFC 9293 §3.4): segment i carries sequence number
 * {@code seq + i * mss}; FIN and PSH stay on the last segment, CWR on the first (RFC 3168 §6.1.2:
 * CWR is set on one new data segment only). Merging accepts only what can be split back into
 * the same segments: contiguous sequence numbers, the same ACK, window, flags (but FIN/PSH on
 * the last) and byte-identical options (timestamps included, as Linux), payloads of exactly the
 * first segment's size but for a shorter last one.
 */
public final class TcpOffload {
    private TcpOffload() {}

    /** Flags that end a merged packet: it goes up with the segment that carries them. */
    private static final int FLUSH_FLAGS = Tcp.URG | Tcp.PSH | Tcp.RST | Tcp.SYN | Tcp.FIN;

    /**
     * Prepares a TCP segment {@code tcpLen} bytes long (header at {@code thOff} in the buffer) for
     * a device with {@code features}: more payload than {@code mss} makes it a GSO packet of
     * {@code mss}-byte segments; the checksum is left CHECKSUM_PARTIAL (pseudo-header seed)
     * when the device finishes it or the packet is cut in software anyway, else computed here.
     * Mirrors {@code tcp_v4_send_check()} and {@code tcp_set_skb_tso_segs()}. This is the hook
     * {@code tcp_transmit_skb()} calls in place of a full checksum.
     *
     * @return the number of segments the packet stands for ({@code tcp_skb_pcount})
     */
    public static int sendCheck(SkBuff skb, int thOff, int tcpLen, int src, int dst, int mss, long features) {
        byte[] b = skb.buf();
        int payload = tcpLen - Tcp.headerLen(b, thOff);
        int segs = 1;
        if (mss > 0 && payload > mss) {
            segs = (payload + mss - 1) / mss;
            skb.setGso(mss, segs, SkBuff.GSO_TCPV4);
        }
        setChecksum(skb, b, thOff, tcpLen, src, dst, segs > 1 || Gso.canChecksum(features, 0x0800));
        return segs;
    }

    /**
     * Cuts a TCP/IPv4 GSO packet: headers at {@code macLen} (IP, {@code ihl} bytes) and after,
     * into segments of gso_size payload, appended to {@code out}; TCP fields fixed here, IP
     * fields by the caller. Mirrors {@code tcp4_gso_segment()} → {@code tcp_gso_segment()}.
     *
     * @return the number of segments, or -1 when the TCP header is malformed
     */
    static int gsoSegment(SkBuff skb, int macLen, int ihl, long features, SkbQueue out) {
        int thOff = macLen + ihl;
        byte[] b = skb.buf();
        int th = skb.data() + thOff;
        if (skb.headLen() < thOff + Tcp.HEADER_LEN) {
            return -1;
        }
        int thl = Tcp.headerLen(b, th);
        if (thl < Tcp.HEADER_LEN || skb.headLen() < thOff + thl) {
            return -1;
        }
        int src = Ipv4.src(b, skb.data() + macLen);
        int dst = Ipv4.dst(b, skb.data() + macLen);
        int seq = Tcp.seq(b, th);
        int flags = Tcp.flags(b, th);
        int mss = skb.gsoSize();
        SkBuff last = out.peekLast();
        int n = Gso.skbSegment(skb, thOff + thl, mss, out);
        if (n < 0) {
            return -1;
        }
        boolean partial = Gso.canChecksum(features, 0x0800);
        SkBuff seg = last == null ? out.peek() : out.next(last);
        for (int i = 0; i < n; i++, seg = out.next(seg)) {
            byte[] sb = seg.buf();
            int sth = seg.data() + thOff;
            int f = flags;
            if (i > 0) {
                f &= ~Tcp.CWR;
            }
            if (i < n - 1) {
                f &= ~(Tcp.FIN | Tcp.PSH);
            }
            Tcp.setSeq(sb, sth, seq + i * mss);
            Tcp.setFlags(sb, sth, f);
            seg.setTransportHeader(sth);
            setChecksum(seg, sb, sth, seg.len() - thOff, src, dst, partial);
        }
        return n;
    }

    /**
     * Offers a TCP segment (IP header of 20 bytes at data, {@code ipFlush} when IP already
     * refuses to merge it) to the held flows. Mirrors {@code tcp4_gro_receive()} (checksum
     * validated once here) and {@code tcp_gro_receive()}.
     */
    static void groReceive(Gro gro, SkBuff skb, boolean ipFlush) {
        byte[] b = skb.buf();
        int ip = skb.data();
        int tcpLen = skb.len() - Ipv4.HEADER_LEN;
        if (tcpLen < Tcp.HEADER_LEN || !skb.mayPull(Ipv4.HEADER_LEN + Tcp.HEADER_LEN)) {
            gro.deliver(skb);
            return;
        }
        b = skb.buf();
        int th = ip + Ipv4.HEADER_LEN;
        int thl = Tcp.headerLen(b, th);
        if (thl < Tcp.HEADER_LEN || thl > tcpLen || !skb.mayPull(Ipv4.HEADER_LEN + thl)) {
            flushFlowAndDeliver(gro, skb);
            return;
        }
        b = skb.buf();
        int src = Ipv4.src(b, ip);
        int dst = Ipv4.dst(b, ip);
        if (skb.dataLen() > 0) {
            flushFlowAndDeliver(gro, skb);
            return;
        }
        if (!skb.csumUnnecessary()) {
            if (!Tcp.checksumOk(b, th, tcpLen, src, dst)) {
                flushFlowAndDeliver(gro, skb);   // tcp_v4_rcv drops and counts it
                return;
            }
            skb.ipSummed = CsumState.UNNECESSARY;
        }
        int len = tcpLen - thl;
        int flags = Tcp.flags(b, th);
        int pi = lookup(gro, b, ip);
        int mss = 1;
        boolean merged = false;
        if (pi >= 0) {
            SkBuff p = gro.held(pi);
            boolean flush = ipFlush || InetOffload.ipFlush(p, gro.count(pi), b, ip)
                    || tcpFlush(p, b, th, thl, flags, len, gro.mss(pi));
            if (!flush && gro.merge(pi, skb, Ipv4.HEADER_LEN + thl, len)) {
                merged = true;
                byte[] pb = p.buf();
                int pth = p.data() + Ipv4.HEADER_LEN;
                Tcp.setFlags(pb, pth, Tcp.flags(pb, pth) | (flags & (Tcp.FIN | Tcp.PSH)));
                mss = gro.mss(pi);
            }
        }
        boolean finalFlush = len < mss || (flags & FLUSH_FLAGS) != 0;
        if (pi >= 0 && (!merged || finalFlush)) {
            gro.flush(pi);
        }
        if (merged) {
            return;
        }
        if (finalFlush || ipFlush) {
            gro.deliver(skb);
        } else {
            gro.hold(skb, len);
        }
    }

    /** The segment cannot be merged: the flow it belongs to goes up first, to keep the order. */
    private static void flushFlowAndDeliver(Gro gro, SkBuff skb) {
        flushFlowAndDeliver(gro, skb, Ipv4.HEADER_LEN);
    }

    /** As above for a TCP segment behind an IP header of {@code ihl} bytes. */
    static void flushFlowAndDeliver(Gro gro, SkBuff skb, int ihl) {
        int pi = skb.headLen() >= ihl + 4 ? lookup(gro, skb.buf(), skb.data(), ihl) : -1;
        if (pi >= 0) {
            gro.flush(pi);
        }
        gro.deliver(skb);
    }

    /** The held flow with the same addresses and ports, or -1. Mirrors {@code tcp_gro_lookup()}. */
    private static int lookup(Gro gro, byte[] b, int ip) {
        return lookup(gro, b, ip, Ipv4.HEADER_LEN);
    }

    private static int lookup(Gro gro, byte[] b, int ip, int ihl) {
        int src = Ipv4.src(b, ip);
        int dst = Ipv4.dst(b, ip);
        int ports = be32(b, ip + ihl);
        for (int i = 0; i < gro.size(); i++) {
            SkBuff p = gro.held(i);
            byte[] pb = p.buf();
            int pip = p.data();
            if (Ipv4.src(pb, pip) == src && Ipv4.dst(pb, pip) == dst && be32(pb, pip + Ipv4.HEADER_LEN) == ports
                    && pb[pip + Ipv4.PROTOCOL] == b[ip + Ipv4.PROTOCOL]) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The TCP reasons not to merge a segment into flow p. Mirrors the checks of
     * {@code tcp_gro_receive()}: a CWR segment; any difference in header length, flags (but
     * CWR/FIN/PSH) or window (the 32-bit word at offset 12); another ACK; other option bytes;
     * an empty or oversized payload; a gap or overlap in sequence numbers.
     */
    private static boolean tcpFlush(SkBuff p, byte[] b, int th, int thl, int flags, int len, int mss) {
        byte[] pb = p.buf();
        int pth = p.data() + Ipv4.HEADER_LEN;
        int pthl = Tcp.headerLen(pb, pth);
        if ((flags & Tcp.CWR) != 0) {
            return true;
        }
        int word = be32(b, th + Tcp.DATA_OFFSET);
        int pword = be32(pb, pth + Tcp.DATA_OFFSET);
        if (((word ^ pword) & ~((Tcp.CWR | Tcp.FIN | Tcp.PSH) << 16)) != 0) {
            return true;
        }
        if (Tcp.ack(b, th) != Tcp.ack(pb, pth) || pthl != thl) {
            return true;
        }
        for (int i = Tcp.HEADER_LEN; i < thl; i++) {
            if (b[th + i] != pb[pth + i]) {
                return true;
            }
        }
        if (len == 0 || len > mss) {
            return true;
        }
        int pPayload = p.len() - Ipv4.HEADER_LEN - pthl;
        return Tcp.seq(pb, pth) + pPayload != Tcp.seq(b, th);
    }

    /**
     * Finishes a merged TCP packet: checksum field seeded for the new length and left
     * CHECKSUM_PARTIAL (checked once, on receipt of each segment), GSO metadata so it can be cut
     * back into the same segments if forwarded. Mirrors {@code tcp4_gro_complete()}.
     */
    static void groComplete(SkBuff p, int segs, int mss) {
        byte[] b = p.buf();
        int ip = p.data();
        int th = ip + Ipv4.HEADER_LEN;
        int tcpLen = p.len() - Ipv4.HEADER_LEN;
        Tcp.fillPseudoHeaderChecksum(b, th, tcpLen, Ipv4.src(b, ip), Ipv4.dst(b, ip));
        p.ipSummed = CsumState.PARTIAL;
        p.csumStart = th;
        p.csumOffset = Tcp.CHECKSUM;
        int type = SkBuff.GSO_TCPV4;
        if ((Tcp.flags(b, th) & Tcp.CWR) != 0) {
            type |= SkBuff.GSO_TCP_ECN;
        }
        p.setGso(mss, segs, type);
    }

    private static int be32(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }

    /** True when a device with these features lets TCP build GSO packets ({@code sk_can_gso()}). */
    public static boolean canGso(long features) {
        return NetdevFeatures.canGso(features);
    }

    /**
     * The TCP checksum of the segment at {@code th}: only the pseudo-header's sum with
     * CHECKSUM_PARTIAL when the device (or segmentation) finishes it, else in full. Mirrors
     * {@code __tcp_v4_send_check()}.
     */
    private static void setChecksum(SkBuff skb, byte[] b, int th, int tcpLen, int src, int dst, boolean partial) {
        if (partial) {
            Tcp.fillPseudoHeaderChecksum(b, th, tcpLen, src, dst);
            skb.ipSummed = CsumState.PARTIAL;
            skb.csumStart = th;
            skb.csumOffset = Tcp.CHECKSUM;
        } else {
            Tcp.fillChecksum(b, th, tcpLen, src, dst);
            skb.ipSummed = CsumState.NONE;
        }
    }
}
