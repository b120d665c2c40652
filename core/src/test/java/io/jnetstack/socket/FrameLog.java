package io.jnetstack.socket;

import io.jnetstack.core.NetDevice;
import io.jnetstack.core.PacketTap;
import io.jnetstack.core.SkBuff;
import io.jnetstack.wire.EtherType;
import io.jnetstack.wire.Ethernet;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Udp;

import java.util.ArrayList;
import java.util.List;

/**
 * Records copies of the Ethernet frames a device sends (like {@code tcpdump -i dev -Q out}), for
 * tests that check the emitted bytes: IP TTL, TOS, DF, fragments, UDP ports and checksums.
 */
public final class FrameLog implements PacketTap {
    /** One frame as it left the device. */
    public record Frame(byte[] bytes) {
        /** Offset of the IP header. */
        public static final int IP = Ethernet.HEADER_LEN;

        public boolean isIpv4() {
            return bytes.length >= IP + Ipv4.HEADER_LEN && Ethernet.etherType(bytes, 0) == EtherType.IPV4;
        }

        public int protocol() {
            return Ipv4.protocol(bytes, IP);
        }

        public boolean isUdp() {
            return isIpv4() && protocol() == Ipv4.PROTO_UDP;
        }

        public boolean isIcmp() {
            return isIpv4() && protocol() == Ipv4.PROTO_ICMP;
        }

        public int ttl() {
            return Ipv4.ttl(bytes, IP);
        }

        public int tos() {
            return Ipv4.tos(bytes, IP);
        }

        public int src() {
            return Ipv4.src(bytes, IP);
        }

        public int dst() {
            return Ipv4.dst(bytes, IP);
        }

        public int id() {
            return Ipv4.id(bytes, IP);
        }

        public boolean df() {
            return (Ipv4.flagsFrag(bytes, IP) & Ipv4.FLAG_DF) != 0;
        }

        public boolean mf() {
            return (Ipv4.flagsFrag(bytes, IP) & Ipv4.FLAG_MF) != 0;
        }

        public int fragOffset() {
            return Ipv4.fragOffset(bytes, IP);
        }

        public int ipTotalLength() {
            return Ipv4.totalLength(bytes, IP);
        }

        /** Offset of the transport header. */
        public int l4() {
            return IP + Ipv4.headerLen(bytes, IP);
        }

        public long dstMac() {
            return Ethernet.dst(bytes, 0);
        }

        public int udpSrcPort() {
            return Udp.srcPort(bytes, l4());
        }

        public int udpDstPort() {
            return Udp.dstPort(bytes, l4());
        }

        public int udpLength() {
            return Udp.length(bytes, l4());
        }

        public int udpChecksum() {
            return Udp.checksum(bytes, l4());
        }

        /** Whether the UDP checksum verifies over the pseudo-header (an unfragmented datagram). */
        public boolean udpChecksumVerifies() {
            return Udp.checksum(bytes, l4()) != 0 && Udp.checksumOk(bytes, l4(), udpLength(), src(), dst());
        }

        /** The UDP payload. */
        public byte[] udpPayload() {
            int from = l4() + Udp.HEADER_LEN;
            return java.util.Arrays.copyOfRange(bytes, from, l4() + udpLength());
        }
    }

    private final List<Frame> frames = new ArrayList<>();

    private FrameLog() {
    }

    /** Starts recording what {@code dev} sends. */
    public static FrameLog on(NetDevice dev) {
        FrameLog log = new FrameLog();
        dev.addTap(log);
        return log;
    }

    @Override
    public void tap(SkBuff skb, NetDevice dev, boolean outgoing) {
        if (!outgoing) {
            return;
        }
        byte[] b = new byte[skb.len()];
        skb.copyBits(0, b, 0, b.length);
        frames.add(new Frame(b));
    }

    /** Every frame sent so far. */
    public List<Frame> all() {
        return frames;
    }

    /** The UDP frames sent so far (fragments included). */
    public List<Frame> udp() {
        return frames.stream().filter(Frame::isUdp).toList();
    }

    /** The ICMP frames sent so far. */
    public List<Frame> icmp() {
        return frames.stream().filter(Frame::isIcmp).toList();
    }

    /** The last UDP frame. */
    public Frame lastUdp() {
        List<Frame> u = udp();
        if (u.isEmpty()) {
            throw new AssertionError("no UDP frame was sent");
        }
        return u.get(u.size() - 1);
    }

    /** Forgets what was recorded. */
    public void clear() {
        frames.clear();
    }
}
