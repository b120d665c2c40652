package io.jnetstack.link.tuntap;

import java.util.HexFormat;

/**
 * Hand-written Ethernet, ARP, IPv4 and ICMP encoding for the TUN/TAP interop tests. Deliberately
 * independent of the stack's own header code, so the tests check the wire, not the stack.
 */
final class TestFrames {

    static final int ETH_HLEN = 14;
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_ARP = 0x0806;
    static final int ETHERTYPE_IPV6 = 0x86DD;
    /** IEEE 802 "local experimental" EtherType: no kernel protocol handler claims it. */
    static final int ETHERTYPE_EXPERIMENTAL = 0x88B5;
    static final int ARP_REQUEST = 1;
    static final int ARP_REPLY = 2;
    static final int PROTO_ICMP = 1;
    static final byte[] BROADCAST = mac("ff:ff:ff:ff:ff:ff");

    private TestFrames() {
    }

    /** An ARP packet for IPv4 over Ethernet, as found after the Ethernet header. */
    record Arp(int op, byte[] senderMac, int senderIp, byte[] targetMac, int targetIp) {
        @Override
        public String toString() {
            return (op == ARP_REQUEST ? "who-has " + ip(targetIp) + " tell " + ip(senderIp)
                    : op == ARP_REPLY ? ip(senderIp) + " is-at " + mac(senderMac) : "arp op " + op)
                    + " (" + mac(senderMac) + " -> " + mac(targetMac) + ")";
        }
    }

    /** The fields of an IPv4 header the tests look at. */
    record Ipv4(int version, int headerLength, int totalLength, int protocol, int src, int dst) {
    }

    static byte[] mac(String text) {
        return HexFormat.ofDelimiter(":").parseHex(text);
    }

    static String mac(byte[] mac) {
        return HexFormat.ofDelimiter(":").formatHex(mac);
    }

    static int ip(String dotted) {
        String[] parts = dotted.split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException(dotted);
        }
        int v = 0;
        for (String p : parts) {
            v = (v << 8) | Integer.parseInt(p);
        }
        return v;
    }

    static String ip(int v) {
        return (v >>> 24) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    static int u32(byte[] b, int off) {
        return (u16(b, off) << 16) | u16(b, off + 2);
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void put32(byte[] b, int off, int v) {
        put16(b, off, v >>> 16);
        put16(b, off + 2, v);
    }

    static byte[] slice(byte[] b, int off, int len) {
        byte[] r = new byte[len];
        System.arraycopy(b, off, r, 0, len);
        return r;
    }

    /** Returns the EtherType of a frame, or -1 if it is shorter than an Ethernet header. */
    static int etherType(byte[] frame, int len) {
        return len < ETH_HLEN ? -1 : u16(frame, 12);
    }

    /** Parses the ARP packet of an Ethernet frame, or returns {@code null} if it is not IPv4 ARP. */
    static Arp parseArp(byte[] frame, int len) {
        if (etherType(frame, len) != ETHERTYPE_ARP || len < ETH_HLEN + 28) {
            return null;
        }
        int a = ETH_HLEN;
        // hardware type Ethernet (1), protocol IPv4, address lengths 6 and 4
        if (u16(frame, a) != 1 || u16(frame, a + 2) != ETHERTYPE_IPV4 || frame[a + 4] != 6 || frame[a + 5] != 4) {
            return null;
        }
        return new Arp(u16(frame, a + 6), slice(frame, a + 8, 6), u32(frame, a + 14),
                slice(frame, a + 18, 6), u32(frame, a + 24));
    }

    /** Builds an Ethernet frame carrying an IPv4-over-Ethernet ARP packet, padded to 60 bytes. */
    static byte[] arpFrame(int op, byte[] ethDst, byte[] senderMac, int senderIp, byte[] targetMac, int targetIp) {
        byte[] f = new byte[60];
        ethernetHeader(f, ethDst, senderMac, ETHERTYPE_ARP);
        int a = ETH_HLEN;
        put16(f, a, 1);
        put16(f, a + 2, ETHERTYPE_IPV4);
        f[a + 4] = 6;
        f[a + 5] = 4;
        put16(f, a + 6, op);
        System.arraycopy(senderMac, 0, f, a + 8, 6);
        put32(f, a + 14, senderIp);
        System.arraycopy(targetMac, 0, f, a + 18, 6);
        put32(f, a + 24, targetIp);
        return f;
    }

    static void ethernetHeader(byte[] f, byte[] dst, byte[] src, int etherType) {
        System.arraycopy(dst, 0, f, 0, 6);
        System.arraycopy(src, 0, f, 6, 6);
        put16(f, 12, etherType);
    }

    /** Parses an IPv4 header at {@code off}, or returns {@code null} if there is none. */
    static Ipv4 parseIpv4(byte[] b, int off, int len) {
        if (len < 20 || (b[off] & 0xff) >>> 4 != 4) {
            return null;
        }
        int ihl = (b[off] & 0x0f) * 4;
        return new Ipv4(4, ihl, u16(b, off + 2), b[off + 9] & 0xff, u32(b, off + 12), u32(b, off + 16));
    }

    /** The Internet checksum (RFC 1071) of {@code len} bytes at {@code off}. */
    static int checksum(byte[] b, int off, int len) {
        long sum = 0;
        int i = off;
        for (; len > 1; len -= 2, i += 2) {
            sum += u16(b, i);
        }
        if (len == 1) {
            sum += (b[i] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /**
     * Returns the ICMP type of an IPv4 packet at {@code off}, or -1 if it is not a whole ICMP
     * packet.
     */
    static int icmpType(byte[] b, int off, int len) {
        Ipv4 ip = parseIpv4(b, off, len);
        if (ip == null || ip.protocol() != PROTO_ICMP || ip.totalLength() > len || ip.totalLength() < ip.headerLength() + 8) {
            return -1;
        }
        return b[off + ip.headerLength()] & 0xff;
    }

    /**
     * Turns the ICMP echo request (IPv4 packet at {@code off}, of {@code len} bytes) into an echo
     * reply in place: swaps the addresses, sets type 0, recomputes both checksums.
     *
     * @return the length of the reply, the IPv4 total length
     */
    static int echoReplyInPlace(byte[] b, int off, int len) {
        Ipv4 ip = parseIpv4(b, off, len);
        int ihl = ip.headerLength();
        int total = ip.totalLength();
        put32(b, off + 12, ip.dst());
        put32(b, off + 16, ip.src());
        b[off + 8] = 64; // TTL
        put16(b, off + 10, 0);
        put16(b, off + 10, checksum(b, off, ihl));
        int icmp = off + ihl;
        b[icmp] = 0; // echo reply
        put16(b, icmp + 2, 0);
        put16(b, icmp + 2, checksum(b, icmp, total - ihl));
        return total;
    }
}
