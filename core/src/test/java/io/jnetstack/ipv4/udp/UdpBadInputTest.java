package io.jnetstack.ipv4.udp;

import io.jnetstack.core.Dev;
import io.jnetstack.core.DropReason;
import io.jnetstack.core.Page;
import io.jnetstack.core.SkBuff;
import io.jnetstack.ipv4.IcmpMib;
import io.jnetstack.socket.FrameLog;
import io.jnetstack.socket.Lan;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.Socket;
import io.jnetstack.wire.EtherType;
import io.jnetstack.wire.Ethernet;
import io.jnetstack.wire.Ipv4;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import static io.jnetstack.socket.Lan.B;
import static io.jnetstack.socket.Lan.R2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crafted UDP datagrams arriving at B from R: bad checksums, bad lengths, truncation, random
 * bytes. Each is dropped with a reason and counted, or delivered as Linux would; nothing throws.
 */
class UdpBadInputTest {
    final Lan lan = new Lan(23);
    final Socket rx = Lan.udp(lan.b);
    final FrameLog bOut = FrameLog.on(lan.bEth);

    UdpBadInputTest() {
        rx.bind(new SockAddrIn(0, 7000));
    }

    Udp udp() {
        return Udp.of(lan.b);
    }

    long mib(UdpMib m) {
        return udp().mib().get(m);
    }

    /** A UDP datagram from R2:5000 to B:{@code dport}, checksum filled, as bytes from the IP header on. */
    static byte[] datagram(int dport, byte[] payload) {
        byte[] b = new byte[20 + 8 + payload.length];
        Ipv4.writeHeader(b, 0, 0, b.length, 77, 0, 64, Ipv4.PROTO_UDP, R2, B);
        io.jnetstack.wire.Udp.writeHeader(b, 20, 5000, dport, 8 + payload.length);
        System.arraycopy(payload, 0, b, 28, payload.length);
        io.jnetstack.wire.Udp.fillChecksum(b, 20, 8 + payload.length, R2, B);
        Ipv4.fillChecksum(b, 0);
        return b;
    }

    /** Sends IP bytes from R's veth1 to B, as one Ethernet frame. */
    void inject(byte[] ip) {
        inject(ip, ip.length, 0);
    }

    /**
     * Sends the first {@code linear} bytes in the frame's linear part and the rest of
     * {@code len} in a page fragment ({@code paged} > 0), as a NIC with scatter-gather would.
     */
    void inject(byte[] ip, int len, int paged) {
        int linear = len - paged;
        SkBuff skb = lan.k.skbs().alloc(64, 14 + linear);
        int off = skb.put(14 + linear);
        Ethernet.writeHeader(skb.buf(), off, lan.bEth.mac().bits(), lan.bEth.peer().mac().bits(), EtherType.IPV4);
        System.arraycopy(ip, 0, skb.buf(), off + 14, linear);
        if (paged > 0) {
            Page p = Page.allocate(paged + 16);
            System.arraycopy(ip, linear, p.bytes(), 16, paged);
            skb.addFrag(p, 16, paged);
        }
        skb.dev = lan.bEth.peer();
        lan.k.run(() -> Dev.queueXmit(skb));
        lan.settle();
    }

    int queued() {
        return (int) rx.ioctl(Socket.FIONREAD, 0);
    }

    @Test
    void aWellFormedDatagramIsDelivered() {
        inject(datagram(7000, "fine".getBytes()));
        SockAddrIn[] from = new SockAddrIn[1];
        ByteBuffer in = ByteBuffer.allocate(10);
        assertEquals(4, rx.recvfrom(in, Socket.MSG_DONTWAIT, from));
        assertEquals(new SockAddrIn(R2, 5000), from[0]);
        assertEquals(1, mib(UdpMib.InDatagrams));
        assertEquals(0, mib(UdpMib.InErrors));
    }

    @Test
    void aBadChecksumIsDroppedSilentlyAndCounted() {
        byte[] d = datagram(7000, "corrupt".getBytes());
        d[30] ^= 0x40;
        inject(d);
        assertEquals(0, queued());
        assertEquals(1, mib(UdpMib.InCsumErrors));
        assertEquals(1, mib(UdpMib.InErrors));
        assertEquals(1, lan.b.drops(DropReason.UDP_CSUM));
        byte[] e = datagram(9, "corrupt, closed port".getBytes());
        e[30] ^= 0x40;
        inject(e);
        assertEquals(0, bOut.icmp().size(), "RFC 1122 §4.1.3.4: silently, no port unreachable");
        assertEquals(0, mib(UdpMib.NoPorts));
        assertEquals(2, mib(UdpMib.InCsumErrors));
    }

    @Test
    void aZeroChecksumMeansNoneAndIsAccepted() {
        byte[] d = datagram(7000, "no checksum".getBytes());
        d[26] = 0;
        d[27] = 0;
        inject(d);
        assertEquals(11, queued());
        assertEquals(0, mib(UdpMib.InCsumErrors));
    }

    @Test
    void aUdpLengthBeyondTheIpPayloadIsDropped() {
        byte[] d = datagram(7000, "0123456789".getBytes());
        io.jnetstack.wire.Udp.setLength(d, 20, 8 + 11);
        inject(d);
        assertEquals(0, queued());
        assertEquals(1, mib(UdpMib.InErrors));
        assertEquals(0, mib(UdpMib.InCsumErrors));
        assertEquals(1, lan.b.drops(DropReason.PKT_TOO_SMALL));
    }

    @Test
    void aUdpLengthBelowTheHeaderIsDropped() {
        for (int bad : new int[]{0, 7}) {
            byte[] d = datagram(7000, "xyz".getBytes());
            io.jnetstack.wire.Udp.setLength(d, 20, bad);
            inject(d);
        }
        assertEquals(0, queued());
        assertEquals(2, mib(UdpMib.InErrors));
        assertEquals(0, bOut.icmp().size());
    }

    @Test
    void aUdpLengthShorterThanThePayloadTrimsIt() {
        byte[] payload = "keep|drop".getBytes();
        byte[] d = datagram(7000, payload);
        io.jnetstack.wire.Udp.setLength(d, 20, 8 + 4);
        io.jnetstack.wire.Udp.fillChecksum(d, 20, 8 + 4, R2, B);
        inject(d);
        ByteBuffer in = ByteBuffer.allocate(20);
        assertEquals(4, rx.recv(in, Socket.MSG_DONTWAIT), "the IP payload beyond the UDP length is padding");
        assertEquals("keep", Lan.str(in));
        assertEquals(0, mib(UdpMib.InErrors));
    }

    @Test
    void aTruncatedHeaderIsDropped() {
        byte[] d = new byte[20 + 5];
        Ipv4.writeHeader(d, 0, 0, d.length, 1, 0, 64, Ipv4.PROTO_UDP, R2, B);
        Ipv4.fillChecksum(d, 0);
        inject(d);
        assertEquals(1, mib(UdpMib.InErrors));
        assertEquals(1, lan.b.drops(DropReason.NOT_SPECIFIED), "as __udp4_lib_rcv when pskb_may_pull fails");
        assertEquals(0, queued());
    }

    @Test
    void zeroLengthDatagramsAreValid() {
        inject(datagram(7000, new byte[0]));
        assertEquals(Socket.POLLIN, rx.poll() & Socket.POLLIN, "readable though empty");
        assertEquals(0, queued());
        SockAddrIn[] from = new SockAddrIn[1];
        assertEquals(0, rx.recvfrom(ByteBuffer.allocate(10), Socket.MSG_DONTWAIT, from));
        assertEquals(new SockAddrIn(R2, 5000), from[0]);
        assertEquals(1, mib(UdpMib.InDatagrams));
    }

    @Test
    void aClosedPortGetsPortUnreachableAndNoPorts() {
        byte[] d = datagram(9, "anyone?".getBytes());
        inject(d);
        assertEquals(1, mib(UdpMib.NoPorts));
        assertEquals(0, mib(UdpMib.InErrors));
        assertEquals(1, lan.b.drops(DropReason.NO_SOCKET));
        assertEquals(1, bOut.icmp().size());
        FrameLog.Frame icmp = bOut.icmp().get(0);
        byte[] f = icmp.bytes();
        int l4 = icmp.l4();
        assertEquals(3, f[l4] & 0xff, "destination unreachable");
        assertEquals(3, f[l4 + 1] & 0xff, "port unreachable");
        byte[] quoted = java.util.Arrays.copyOfRange(f, l4 + 8, l4 + 8 + d.length);
        assertArrayEquals(d, quoted, "the whole datagram is quoted");
        assertEquals(1, lan.b.inet().icmpMib().get(IcmpMib.OutDestUnreachs));
    }

    @Test
    void aDatagramWithIpOptionsIsDelivered() {
        byte[] payload = "opts".getBytes();
        byte[] b = new byte[24 + 8 + payload.length];
        Ipv4.writeHeader(b, 0, 0, b.length, 1, 0, 64, Ipv4.PROTO_UDP, R2, B);
        b[0] = 0x46;
        b[20] = 1;
        b[21] = 1;
        b[22] = 1;
        b[23] = 0;
        io.jnetstack.wire.Udp.writeHeader(b, 24, 5000, 7000, 8 + payload.length);
        System.arraycopy(payload, 0, b, 32, payload.length);
        io.jnetstack.wire.Udp.fillChecksum(b, 24, 8 + payload.length, R2, B);
        Ipv4.fillChecksum(b, 0);
        inject(b);
        SockAddrIn[] from = new SockAddrIn[1];
        assertEquals(4, rx.recvfrom(ByteBuffer.allocate(10), Socket.MSG_DONTWAIT, from));
        assertEquals(new SockAddrIn(R2, 5000), from[0]);
    }

    @Test
    void aDatagramWithItsPayloadInAPageFragmentIsDeliveredWithItsHeaders() {
        byte[] payload = new byte[600];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 13);
        }
        byte[] d = datagram(7000, payload);
        inject(d, d.length, 500);
        rx.sock();
        SockAddrIn[] from = new SockAddrIn[1];
        ByteBuffer in = ByteBuffer.allocate(1000);
        assertEquals(600, rx.recvfrom(in, Socket.MSG_DONTWAIT, from));
        assertEquals(new SockAddrIn(R2, 5000), from[0], "the IP header survives linearising");
        in.flip();
        byte[] got = new byte[600];
        in.get(got);
        assertArrayEquals(payload, got);
        assertEquals(0, mib(UdpMib.InCsumErrors));
    }

    @Test
    void randomBytesNeverThrow() {
        SplittableRandom rnd = new SplittableRandom(99);
        for (int i = 0; i < 400; i++) {
            int len = rnd.nextInt(0, 80);
            byte[] payload = new byte[len];
            rnd.nextBytes(payload);
            byte[] d = datagram(rnd.nextBoolean() ? 7000 : rnd.nextInt(1, 65536), payload);
            int mutations = rnd.nextInt(0, 4);
            for (int m = 0; m < mutations; m++) {
                int at = 20 + rnd.nextInt(0, Math.max(1, d.length - 20));
                d[at] = (byte) rnd.nextInt();
            }
            inject(d, d.length, len > 20 && rnd.nextBoolean() ? rnd.nextInt(1, len) : 0);
            while (rx.ioctl(Socket.FIONREAD, 0) > 0 || (rx.poll() & Socket.POLLIN) != 0) {
                rx.recv(ByteBuffer.allocate(100), Socket.MSG_DONTWAIT);
            }
            lan.k.runFor(1_000_000_000L);
        }
        long in = mib(UdpMib.InDatagrams) + mib(UdpMib.InErrors) + mib(UdpMib.NoPorts);
        assertEquals(400, in, "every datagram accounted for: " + udp().formatSnmp());
        assertTrue(mib(UdpMib.InDatagrams) > 0);
    }
}
