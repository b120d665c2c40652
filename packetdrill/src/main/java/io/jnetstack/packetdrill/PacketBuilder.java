package io.jnetstack.packetdrill;

import io.jnetstack.wire.Checksum;
import io.jnetstack.wire.Icmp;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Repr;
import io.jnetstack.wire.Tcp;
import io.jnetstack.wire.Udp;
import io.jnetstack.wire.UdpRepr;

/**
 * Builds the IPv4 packets {@code <} lines inject, from the remote address and port to the
 * stack's, numbers remapped by the {@link Flow}. The payload is zeros; TTL 64; an injected
 * segment without {@code win} advertises 65535.
 */
final class PacketBuilder {

    private static final int TTL = 64;
    private static final int DEFAULT_WINDOW = 65535;

    private final int localIp;
    private final int remoteIp;
    private final int defaultLocalPort;

    /**
     * @param localIp          the stack's address
     * @param remoteIp         the script's address
     * @param defaultLocalPort the stack's port while the connection's is not known yet
     */
    PacketBuilder(int localIp, int remoteIp, int defaultLocalPort) {
        this.localIp = localIp;
        this.remoteIp = remoteIp;
        this.defaultLocalPort = defaultLocalPort;
    }

    /**
     * @param p    the line's packet
     * @param flow the connection
     * @param line the script line
     * @return the IPv4 packet to inject
     */
    byte[] build(Packet p, Flow flow, int line) {
        if (p.ip().encap() != null) {
            throw new UnsupportedConstruct(line, "ip encap " + p.ip().encap().protocol());
        }
        int tos = tos(p.ip().ecn(), line);
        return switch (p) {
            case Packet.Tcp t -> tcp(t, flow, tos, line);
            case Packet.Udp u -> udp(u, flow, tos);
            case Packet.Icmp i -> icmp(i, flow, tos, line);
        };
    }

    private static int tos(String ecn, int line) {
        if (ecn == null) {
            return 0;
        }
        Integer cp = PacketText.ecnCodepoint(ecn);
        if (cp == null || cp < 0) {
            throw new UnsupportedConstruct(line, "ip ecn " + ecn + " on an injected packet");
        }
        return cp;
    }

    private byte[] tcp(Packet.Tcp t, Flow flow, int tos, int line) {
        int flags = PacketText.flagBits(t.flags());
        byte[] options = t.options() == null ? new byte[0] : TcpOptionCodec.encode(t.options(), flow, line);
        int hlen = Tcp.HEADER_LEN + options.length;
        int len = hlen + (int) t.seq().length();
        byte[] pkt = ipHeader(tos, Ipv4.PROTO_TCP, len);
        int off = Ipv4.HEADER_LEN;
        long seq = flow.inboundSeq(t.seq().start(), (flags & 0x02) != 0);
        long ack = t.ack() == null ? 0 : flow.inboundAck(t.ack());
        Tcp.writeHeader(pkt, off, flow.remotePort(), localPort(flow), (int) seq, (int) ack, hlen, flags,
                t.win() == null ? DEFAULT_WINDOW : (int) (long) t.win(), t.urg() == null ? 0 : (int) (long) t.urg());
        System.arraycopy(options, 0, pkt, off + Tcp.HEADER_LEN, options.length);
        Tcp.fillChecksum(pkt, off, len, remoteIp, localIp);
        return pkt;
    }

    private byte[] udp(Packet.Udp u, Flow flow, int tos) {
        UdpRepr repr = new UdpRepr(flow.remotePort(), localPort(flow), (int) u.length());
        byte[] pkt = ipHeader(tos, Ipv4.PROTO_UDP, repr.length());
        repr.emit(pkt, Ipv4.HEADER_LEN, remoteIp, localIp);
        return pkt;
    }

    private byte[] icmp(Packet.Icmp i, Flow flow, int tos, int line) {
        int type = IcmpNames.type(i.type());
        int code = IcmpNames.code(type, i.code());
        if (type < 0 || code < 0) {
            throw new UnsupportedConstruct(line, "packet icmp " + i.type() + (i.code() == null ? "" : " " + i.code()));
        }
        boolean echo = type == Icmp.ECHO || type == Icmp.ECHOREPLY;
        byte[] body = echo ? new byte[0] : quoted(i, flow);
        int len = Icmp.HEADER_LEN + body.length;
        byte[] pkt = ipHeader(tos, Ipv4.PROTO_ICMP, len);
        int off = Ipv4.HEADER_LEN;
        pkt[off] = (byte) type;
        pkt[off + 1] = (byte) code;
        if (i.mtu() != null) {
            pkt[off + 6] = (byte) (i.mtu() >>> 8);
            pkt[off + 7] = (byte) (long) i.mtu();
        }
        System.arraycopy(body, 0, pkt, off + Icmp.HEADER_LEN, body.length);
        int csum = Checksum.compute(pkt, off, len);
        pkt[off + 2] = (byte) (csum >>> 8);
        pkt[off + 3] = (byte) csum;
        return pkt;
    }

    /**
     * What an ICMP error quotes: the IPv4 header of a packet the stack sent and the first eight
     * bytes after it (RFC 792). TCP unless the line quotes nothing and the connection is UDP.
     */
    private byte[] quoted(Packet.Icmp i, Flow flow) {
        boolean udp = i.embedded() == null && flow.isUdp();
        int proto = udp ? Ipv4.PROTO_UDP : Ipv4.PROTO_TCP;
        int innerLen = Ipv4.HEADER_LEN + (udp ? Udp.HEADER_LEN : Tcp.HEADER_LEN);
        byte[] q = new byte[Ipv4.HEADER_LEN + 8];
        byte[] hdr = new byte[Ipv4.HEADER_LEN];
        Ipv4Repr.of(localIp, remoteIp, proto, TTL, innerLen - Ipv4.HEADER_LEN).emit(hdr, 0);
        System.arraycopy(hdr, 0, q, 0, hdr.length);
        int o = Ipv4.HEADER_LEN;
        q[o] = (byte) (localPort(flow) >>> 8);
        q[o + 1] = (byte) localPort(flow);
        q[o + 2] = (byte) (flow.remotePort() >>> 8);
        q[o + 3] = (byte) flow.remotePort();
        if (!udp) {
            long start = i.embedded() == null ? 0 : i.embedded().seq().start();
            long seq = (flow.localIsn() + start) & 0xffffffffL;
            System.arraycopy(TcpOptionCodec.u32(seq), 0, q, o + 4, 4);
        } else {
            q[o + 5] = (byte) Udp.HEADER_LEN;
        }
        return q;
    }

    private int localPort(Flow flow) {
        return flow.localPort() == 0 ? defaultLocalPort : flow.localPort();
    }

    private byte[] ipHeader(int tos, int protocol, int payloadLength) {
        byte[] pkt = new byte[Ipv4.HEADER_LEN + payloadLength];
        new Ipv4Repr(remoteIp, localIp, protocol, tos, TTL, 0, false, false, 0, payloadLength, new byte[0])
                .emit(pkt, 0);
        return pkt;
    }
}
