package io.jnetstack.ipv4.offload;

import io.jnetstack.core.CsumState;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;
import io.jnetstack.wire.Checksum;
import io.jnetstack.wire.Ethernet;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Address;
import io.jnetstack.wire.MacAddress;
import io.jnetstack.wire.Tcp;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Builds TCP/IPv4 Ethernet frames for offload tests, and parses what comes out. Payload byte
 * {@code k} of a segment starting at sequence number {@code seq} is {@code (byte) (seq + k)}, so
 * any merged or cut stream can be checked byte by byte against its sequence numbers.
 */
final class TcpFrames {
    static final int SRC = Ipv4Address.parse("198.18.0.1");
    static final int DST = Ipv4Address.parse("198.18.0.2");

    int sport = 40000;
    int dport = 9;
    int seq = 1000;
    int ack = 77;
    int flags = Tcp.ACK;
    int window = 512;
    boolean timestamps = true;
    int tsval = 5;
    int tsecr = 6;
    int ttl = 64;
    int tos = 0;
    boolean df = true;
    int id = 100;
    int payload = 1448;
    boolean badChecksum;
    boolean ipOption;

    /** A frame from {@code dev} to {@code dstMac} with the fields above, full checksums. */
    SkBuff build(NetDevice dev, MacAddress dstMac) {
        int ihl = ipOption ? 24 : 20;
        int thl = timestamps ? 32 : 20;
        int len = 14 + ihl + thl + payload;
        SkBuff skb = dev.net().kernel().skbs().alloc(64, len);
        int off = skb.put(len);
        byte[] b = skb.buf();
        Ethernet.writeHeader(b, off, dstMac.bits(), dev.mac().bits(), 0x0800);
        int ip = off + 14;
        Ipv4.writeHeader(b, ip, tos, ihl + thl + payload, id, df ? Ipv4.FLAG_DF : 0, ttl, Ipv4.PROTO_TCP, SRC, DST);
        if (ipOption) {
            Ipv4.setVersionIhl(b, ip, 6);
            b[ip + 20] = 1;   // NOP
            b[ip + 21] = 1;
            b[ip + 22] = 1;
            b[ip + 23] = 0;   // EOL
            Ipv4.fillChecksum(b, ip);
        }
        int th = ip + ihl;
        Tcp.writeHeader(b, th, sport, dport, seq, ack, thl, flags, window, 0);
        if (timestamps) {
            b[th + 20] = 1;
            b[th + 21] = 1;
            b[th + 22] = 8;
            b[th + 23] = 10;
            put32(b, th + 24, tsval);
            put32(b, th + 28, tsecr);
        }
        for (int k = 0; k < payload; k++) {
            b[th + thl + k] = (byte) (seq + k);
        }
        Tcp.fillChecksum(b, th, thl + payload, SRC, DST);
        if (badChecksum) {
            b[th + Tcp.CHECKSUM] ^= 0x55;
        }
        skb.dev = dev;
        skb.protocol = 0x0800;
        skb.setNetworkHeader(ip);
        skb.setTransportHeader(th);
        return skb;
    }

    /** Like {@link #build}, made a GSO packet of {@code mss}-byte segments with a partial checksum. */
    SkBuff buildGso(NetDevice dev, MacAddress dstMac, int mss) {
        SkBuff skb = build(dev, dstMac);
        int th = skb.transportHeader();
        TcpOffload.sendCheck(skb, th, skb.len() - (th - skb.data()), SRC, DST, mss, 0);
        return skb;
    }

    private static void put32(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    /** One received IPv4 packet (data at the IP header), parsed. */
    record Got(byte[] ip, int gsoSize, int gsoSegs, int gsoType, CsumState csum, int csumStart) {
        int ihl() {
            return Ipv4.headerLen(ip, 0);
        }

        int th() {
            return ihl();
        }

        int seq() {
            return Tcp.seq(ip, th());
        }

        int flags() {
            return Tcp.flags(ip, th());
        }

        int payloadLen() {
            return ip.length - ihl() - Tcp.headerLen(ip, th());
        }

        int id() {
            return Ipv4.id(ip, 0);
        }

        /** Checks the IP header and length, the TCP checksum (finishing a partial one), and the payload pattern. */
        void assertValid() {
            assertTrue(Ipv4.checksumOk(ip, 0), "IP header checksum");
            assertEquals(ip.length, Ipv4.totalLength(ip, 0), "IP total length");
            byte[] copy = ip.clone();
            if (csum == CsumState.PARTIAL) {
                // skb_checksum_help(): the seed in place, sum from csum_start to the end.
                int field = csumStart + Tcp.CHECKSUM;
                int c = Checksum.finish(Checksum.sum(copy, csumStart, copy.length - csumStart, 0));
                copy[field] = (byte) (c >>> 8);
                copy[field + 1] = (byte) c;
            }
            assertTrue(Tcp.checksumOk(copy, th(), ip.length - ihl(), Ipv4.src(ip, 0), Ipv4.dst(ip, 0)), "TCP checksum");
            int p = th() + Tcp.headerLen(ip, th());
            for (int k = 0; k < payloadLen(); k++) {
                if (ip[p + k] != (byte) (seq() + k)) {
                    fail("payload byte " + k + " of segment seq " + seq());
                }
            }
        }
    }

    /** Records a received packet and frees it. */
    static Got record(SkBuff skb) {
        Got g = new Got(skb.toByteArray(), skb.gsoSize(), skb.gsoSegs(), skb.gsoType(), skb.ipSummed,
                skb.csumStart - skb.data());
        skb.free();
        return g;
    }
}
