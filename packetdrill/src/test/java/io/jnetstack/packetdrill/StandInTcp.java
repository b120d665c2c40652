package io.jnetstack.packetdrill;

import io.jnetstack.core.Dev;
import io.jnetstack.core.Net;
import io.jnetstack.core.SkBuff;
import io.jnetstack.ipv4.InetProtocol;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Repr;
import io.jnetstack.wire.Tcp;
import io.jnetstack.wire.TcpRepr;

import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for TCP, only for testing the runner's TCP path end to end before the stack has
 * TCP: registered as protocol 6, it answers a SYN with a SYN-ACK (its own ISN, Linux's option
 * layout, timestamps on its clock), acknowledges data, and answers a one-byte segment with a
 * burst of four 1000-byte segments. It records what the runner injected that a real peer would
 * not have (an ack or echoed timestamp that does not match what it sent).
 */
final class StandInTcp implements InetProtocol {

    static final int ISN = 0x7654_3210;
    static final int TS_BASE = 3_000_000;

    private final Net net;
    private final List<String> problems = new ArrayList<>();
    private int peerSeq;
    private int peerTsVal;
    private int lastTsVal;

    private StandInTcp(Net net) {
        this.net = net;
    }

    /** Registers a stand-in in {@code net}; the returned list collects its complaints. */
    static List<String> install(Net net) {
        StandInTcp t = new StandInTcp(net);
        net.inet().addProtocol(Ipv4.PROTO_TCP, t);
        return t.problems;
    }

    @Override
    public void handle(SkBuff skb) {
        byte[] ip = new byte[Ipv4.HEADER_LEN];
        System.arraycopy(skb.buf(), skb.networkHeader(), ip, 0, ip.length);
        byte[] seg = skb.toByteArray();
        skb.free();
        int src = (int) TcpOptionCodec.u32(ip, 12);
        int dst = (int) TcpOptionCodec.u32(ip, 16);
        TcpRepr in = TcpRepr.parse(seg, 0, seg.length, src, dst, true);
        if (in.hasTimestamps()) {
            peerTsVal = in.tsVal();
            if (in.hasFlags(Tcp.ACK) && in.tsEcr() != lastTsVal) {
                problems.add("echoed timestamp " + Integer.toUnsignedString(in.tsEcr()) + ", sent "
                        + Integer.toUnsignedString(lastTsVal));
            }
        }
        if (in.hasFlags(Tcp.SYN)) {
            peerSeq = in.seq() + 1;
            send(src, dst, in, ISN, Tcp.SYN | Tcp.ACK, 0, true);
            return;
        }
        if (in.hasFlags(Tcp.ACK) && in.ack() != ISN + 1) {
            problems.add("ack " + Integer.toUnsignedString(in.ack()) + ", expected ISN + 1");
        }
        if (in.seq() != peerSeq) {
            problems.add("sequence number " + Integer.toUnsignedString(in.seq()) + ", expected "
                    + Integer.toUnsignedString(peerSeq));
        }
        peerSeq += in.payloadLength();
        if (in.payloadLength() == 1) {
            for (int i = 0; i < 4; i++) {
                send(src, dst, in, ISN + 1 + i * 1000, Tcp.ACK | (i == 3 ? Tcp.PSH : 0), 1000, false);
            }
        } else if (in.payloadLength() > 0) {
            send(src, dst, in, ISN + 1, Tcp.ACK, 0, false);
        }
    }

    private void send(int peer, int me, TcpRepr in, int seq, int flags, int len, boolean syn) {
        lastTsVal = TS_BASE + (int) (net.kernel().clock().nanos() / 1_000_000);
        TcpRepr out = TcpRepr.of(in.dstPort(), in.srcPort(), seq, peerSeq, flags, 29200);
        if (syn) {
            out = out.withMss(1460).withSackOk(true).withWscale(7);
        }
        if (in.hasTimestamps()) {
            out = out.withTimestamps(lastTsVal, peerTsVal);
        }
        out = out.withPayloadLength(len);
        byte[] p = new byte[Ipv4.HEADER_LEN + out.headerLen() + len];
        Ipv4Repr.of(me, peer, Ipv4.PROTO_TCP, 64, out.headerLen() + len).emit(p, 0);
        out.emit(p, Ipv4.HEADER_LEN, me, peer);
        SkBuff skb = net.kernel().skbs().alloc(64, p.length);
        skb.putData(p, 0, p.length);
        skb.dev = net.device("tun0");
        Dev.queueXmit(skb);
    }
}
