package io.jnetstack.packetdrill;

import io.jnetstack.wire.Ipv4Address;

import java.util.List;

/**
 * A packet the stack sent, decoded for matching: the IPv4 fields the runner checks and the
 * transport header. Checksums are not verified (the stack's own tests do that).
 */
sealed interface LivePacket {

    /** @return the IP header fields */
    Ip ip();

    /** @return when the device sent it, in kernel nanoseconds */
    long nanos();

    /**
     * The IPv4 header fields.
     *
     * @param src      source address
     * @param dst      destination address
     * @param tos      the TOS byte (ECN in its low two bits)
     * @param protocol the protocol number
     */
    record Ip(int src, int dst, int tos, int protocol) {

        /** @return {@code src > dst} */
        String addresses() {
            return Ipv4Address.format(src) + " > " + Ipv4Address.format(dst);
        }
    }

    /**
     * A TCP segment.
     *
     * @param ip            IP fields
     * @param nanos         send time
     * @param srcPort       source port
     * @param dstPort       destination port
     * @param seq           sequence number (unsigned)
     * @param ack           acknowledgment number (unsigned)
     * @param flags         flags, FIN to CWR in the low byte
     * @param window        window
     * @param urgent        urgent pointer
     * @param options       the options in order
     * @param payloadLength data bytes
     */
    record Tcp(Ip ip, long nanos, int srcPort, int dstPort, long seq, long ack, int flags, int window, int urgent,
               List<TcpOptionCodec.WireOption> options, int payloadLength) implements LivePacket {

        /** Copies the options. */
        public Tcp {
            options = List.copyOf(options);
        }

        /** @return the same segment with other flags and data length (a merged burst) */
        Tcp merged(int newFlags, int newLength) {
            return new Tcp(ip, nanos, srcPort, dstPort, seq, ack, newFlags, window, urgent, options, newLength);
        }
    }

    /**
     * A UDP datagram.
     *
     * @param ip            IP fields
     * @param nanos         send time
     * @param srcPort       source port
     * @param dstPort       destination port
     * @param payloadLength data bytes
     */
    record Udp(Ip ip, long nanos, int srcPort, int dstPort, int payloadLength) implements LivePacket { }

    /**
     * An ICMP message.
     *
     * @param ip    IP fields
     * @param nanos send time
     * @param type  type
     * @param code  code
     * @param rest  the four bytes after the checksum
     * @param body  the bytes after the eight-byte header
     */
    record Icmp(Ip ip, long nanos, int type, int code, long rest, byte[] body) implements LivePacket { }

    /**
     * Anything else, or a packet too short to decode.
     *
     * @param ip     IP fields (zeros when even the IP header is short)
     * @param nanos  send time
     * @param length the packet's length
     */
    record Other(Ip ip, long nanos, int length) implements LivePacket { }

    /**
     * Decodes a sent IPv4 packet.
     *
     * @param nanos when it was sent
     * @param p     its bytes
     * @return the packet
     */
    static LivePacket decode(long nanos, byte[] p) {
        if (p.length < 20 || (p[0] & 0xf0) != 0x40) {
            return new Other(new Ip(0, 0, 0, 0), nanos, p.length);
        }
        int ihl = (p[0] & 0x0f) * 4;
        int total = Math.min(p.length, TcpOptionCodec.u16(p, 2));
        Ip ip = new Ip((int) TcpOptionCodec.u32(p, 12), (int) TcpOptionCodec.u32(p, 16), p[1] & 0xff, p[9] & 0xff);
        if (ihl < 20 || total < ihl) {
            return new Other(ip, nanos, p.length);
        }
        return switch (ip.protocol()) {
            case 6 -> tcp(ip, nanos, p, ihl, total);
            case 17 -> total - ihl < 8 ? new Other(ip, nanos, p.length) : new Udp(ip, nanos,
                    TcpOptionCodec.u16(p, ihl), TcpOptionCodec.u16(p, ihl + 2), total - ihl - 8);
            case 1 -> total - ihl < 8 ? new Other(ip, nanos, p.length) : new Icmp(ip, nanos, p[ihl] & 0xff,
                    p[ihl + 1] & 0xff, TcpOptionCodec.u32(p, ihl + 4), java.util.Arrays.copyOfRange(p, ihl + 8, total));
            default -> new Other(ip, nanos, p.length);
        };
    }

    private static LivePacket tcp(Ip ip, long nanos, byte[] p, int ihl, int total) {
        if (total - ihl < 20) {
            return new Other(ip, nanos, p.length);
        }
        int t = ihl;
        int hlen = ((p[t + 12] & 0xf0) >>> 4) * 4;
        if (hlen < 20 || t + hlen > total) {
            return new Other(ip, nanos, p.length);
        }
        int flags = TcpOptionCodec.u16(p, t + 12) & 0x1ff;
        return new Tcp(ip, nanos, TcpOptionCodec.u16(p, t), TcpOptionCodec.u16(p, t + 2), TcpOptionCodec.u32(p, t + 4),
                TcpOptionCodec.u32(p, t + 8), flags, TcpOptionCodec.u16(p, t + 14), TcpOptionCodec.u16(p, t + 18),
                TcpOptionCodec.parse(p, t + 20, hlen - 20), total - t - hlen);
    }
}
