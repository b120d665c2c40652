package io.jnetstack.ipv4.udp;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.socket.Cmsg;
import io.jnetstack.socket.FrameLog;
import io.jnetstack.socket.Lan;
import io.jnetstack.socket.Msghdr;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;
import io.jnetstack.wire.Ipv4Address;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static io.jnetstack.socket.Lan.A;
import static io.jnetstack.socket.Lan.B;
import static io.jnetstack.socket.Lan.buf;
import static io.jnetstack.socket.Lan.str;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** udp_sendmsg as seen on the wire: headers, checksums, ancillary data, corking, fragments, broadcast. */
class UdpSendTest {
    static final int A2 = Ipv4Address.parse("198.18.1.2");

    final Lan lan = new Lan(21);
    final FrameLog out = FrameLog.on(lan.aEth);
    final Socket rx = Lan.udp(lan.b);
    final Socket tx = Lan.udp(lan.a);

    UdpSendTest() {
        rx.bind(new SockAddrIn(0, 7000));
        tx.bind(new SockAddrIn(0, 4000));
    }

    static Errno errno(Runnable r) {
        return assertThrows(ErrnoException.class, r::run).errno();
    }

    Udp udpOf(io.jnetstack.core.Net n) {
        return Udp.of(n);
    }

    @Test
    void theEmittedDatagramHasPortsLengthAndAChecksumThatVerifies() {
        tx.sendto(buf("checksummed"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        FrameLog.Frame f = out.lastUdp();
        assertEquals(4000, f.udpSrcPort());
        assertEquals(7000, f.udpDstPort());
        assertEquals(8 + 11, f.udpLength());
        assertEquals(20 + 8 + 11, f.ipTotalLength());
        assertEquals(A, f.src());
        assertEquals(B, f.dst());
        assertTrue(f.udpChecksumVerifies(), "RFC 768 checksum over the pseudo-header");
        assertArrayEquals("checksummed".getBytes(), f.udpPayload());
        assertEquals(1, udpOf(lan.a).mib().get(UdpMib.OutDatagrams));
    }

    @Test
    void ancillaryIpTtlAndIpTosApplyToOneDatagram() {
        tx.sendmsg(new Msghdr(buf("special")).name(new SockAddrIn(B, 7000)).add(new Cmsg.IpTtl(3)).add(new Cmsg.IpTos(0x28)), 0);
        lan.settle();
        assertEquals(3, out.lastUdp().ttl());
        assertEquals(0x28, out.lastUdp().tos());
        tx.sendto(buf("plain"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        assertEquals(64, out.lastUdp().ttl(), "only that datagram");
        assertEquals(0, out.lastUdp().tos());
    }

    @Test
    void ancillaryIpTtlAlsoBeatsTheMulticastTtl() {
        tx.setsockopt(SockOpt.IP_MULTICAST_TTL, 4);
        tx.sendmsg(new Msghdr(buf("m")).name(SockAddrIn.of("239.1.1.1", 5000)).add(new Cmsg.IpTtl(33)), 0);
        lan.settle();
        assertEquals(33, out.lastUdp().ttl(), "cork->ttl wins in __ip_make_skb");
        tx.sendto(buf("m"), 0, SockAddrIn.of("239.1.1.1", 5000));
        lan.settle();
        assertEquals(4, out.lastUdp().ttl());
    }

    @Test
    void dontrouteReachesOnlyConnectedNetworks() {
        assertEquals(Errno.ENETUNREACH, errno(() -> tx.sendto(buf("x"), Socket.MSG_DONTROUTE, new SockAddrIn(B, 7000))),
                "B is behind a gateway");
        assertEquals(1, tx.sendto(buf("x"), Socket.MSG_DONTROUTE, new SockAddrIn(Lan.R1, 7000)), "R1 is on link");
        Socket d = Lan.udp(lan.a);
        d.setsockopt(SockOpt.SO_DONTROUTE, 1);
        assertEquals(1, d.getsockopt(SockOpt.SO_DONTROUTE));
        assertEquals(Errno.ENETUNREACH, errno(() -> d.sendto(buf("x"), 0, new SockAddrIn(B, 7000))));
        assertEquals(Errno.ENETUNREACH, errno(() -> d.connect(new SockAddrIn(B, 7000))));
        assertEquals(1, tx.sendto(buf("x"), 0, new SockAddrIn(B, 7000)), "MSG_DONTROUTE is for one call");
    }

    @Test
    void ancillaryValuesOutOfRangeAreEinval() {
        SockAddrIn to = new SockAddrIn(B, 7000);
        assertEquals(Errno.EINVAL, errno(() -> tx.sendmsg(new Msghdr(buf("x")).name(to).add(new Cmsg.IpTtl(256)), 0)));
        assertEquals(Errno.EINVAL, errno(() -> tx.sendmsg(new Msghdr(buf("x")).name(to).add(new Cmsg.IpTos(256)), 0)));
        assertEquals(Errno.EINVAL, errno(() -> tx.sendmsg(new Msghdr(buf("x")).name(to).add(new Cmsg.IpTos(-1)), 0)));
        assertEquals(0, out.udp().size());
    }

    @Test
    void ancillaryIpPktinfoChoosesTheSourceAddressAndInterface() {
        lan.a.inet().devinet().add(lan.aEth, A2, 24);
        tx.sendmsg(new Msghdr(buf("from .2")).name(new SockAddrIn(B, 7000)).add(new Cmsg.IpPktinfo(0, A2, 0)), 0);
        SockAddrIn[] from = new SockAddrIn[1];
        rx.recvfrom(ByteBuffer.allocate(10), 0, from);
        assertEquals(A2, out.lastUdp().src(), "ipi_spec_dst is the source");
        assertEquals(new SockAddrIn(A2, 4000), from[0]);
        assertTrue(out.lastUdp().udpChecksumVerifies(), "the checksum covers the chosen source");
        tx.sendmsg(new Msghdr(buf("by index")).name(new SockAddrIn(B, 7000))
                .add(new Cmsg.IpPktinfo(lan.aEth.ifindex(), 0, 0)), 0);
        lan.settle();
        assertEquals(A, out.lastUdp().src());
        assertEquals(Errno.ENODEV, errno(() -> tx.sendmsg(new Msghdr(buf("x")).name(new SockAddrIn(B, 7000))
                .add(new Cmsg.IpPktinfo(99, 0, 0)), 0)), "no interface 99");
    }

    @Test
    void udpCorkBuildsOneDatagramFromSeveralSends() {
        tx.setsockopt(SockOpt.UDP_CORK, 1);
        assertEquals(3, tx.sendto(buf("one"), 0, new SockAddrIn(B, 7000)));
        assertEquals(4, tx.sendto(buf(",two"), 0, new SockAddrIn(B, 7001)), "the address of a later send is ignored");
        assertEquals(6, tx.sendto(buf(",three"), 0, null));
        lan.settle();
        assertEquals(0, out.udp().size(), "nothing leaves while corked");
        assertEquals(8 + 13, ((UdpSock) tx.sock()).corkedBytes());
        assertTrue(tx.ioctl(Socket.SIOCOUTQ, 0) > 0, "the corked datagram is charged to the send buffer");
        tx.setsockopt(SockOpt.UDP_CORK, 0);
        lan.settle();
        assertEquals(1, out.udp().size(), "uncorking pushes");
        FrameLog.Frame f = out.lastUdp();
        assertEquals(8 + 13, f.udpLength());
        assertEquals(7000, f.udpDstPort());
        assertTrue(f.udpChecksumVerifies());
        ByteBuffer in = ByteBuffer.allocate(100);
        assertEquals(13, rx.recv(in, 0));
        assertEquals("one,two,three", str(in));
        assertEquals(1, udpOf(lan.a).mib().get(UdpMib.OutDatagrams));
    }

    @Test
    void msgMoreBuildsOneDatagramUntilASendWithoutIt() {
        tx.sendto(buf("a"), Socket.MSG_MORE, new SockAddrIn(B, 7000));
        tx.sendto(buf("b"), Socket.MSG_MORE, null);
        lan.settle();
        assertEquals(0, out.udp().size());
        tx.sendto(buf("c"), 0, null);
        lan.settle();
        assertEquals(1, out.udp().size());
        ByteBuffer in = ByteBuffer.allocate(10);
        assertEquals(3, rx.recv(in, 0));
        assertEquals("abc", str(in));
    }

    @Test
    void corkedDataIsLostWhenItOutgrowsTheDatagram() {
        tx.setsockopt(SockOpt.UDP_CORK, 1);
        tx.sendto(ByteBuffer.allocate(40000), 0, new SockAddrIn(B, 7000));
        assertEquals(Errno.EMSGSIZE, errno(() -> tx.sendto(ByteBuffer.allocate(30000), 0, null)));
        assertEquals(0, ((UdpSock) tx.sock()).corkedBytes(), "udp_flush_pending_frames");
        tx.setsockopt(SockOpt.UDP_CORK, 0);
        lan.settle();
        assertEquals(0, out.udp().size());
    }

    @Test
    void closeDiscardsACorkedDatagram() {
        tx.setsockopt(SockOpt.UDP_CORK, 1);
        tx.sendto(buf("never"), 0, new SockAddrIn(B, 7000));
        tx.close();
        lan.settle();
        assertEquals(0, out.udp().size());
        assertEquals(0, tx.sock().wmemAlloc());
    }

    @Test
    void aDatagramAboveTheMtuLeavesInFragmentsAndArrivesWhole() {
        byte[] data = new byte[20000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        assertEquals(20000, tx.sendto(ByteBuffer.wrap(data), 0, new SockAddrIn(B, 7000)));
        ByteBuffer in = ByteBuffer.allocate(30000);
        SockAddrIn[] from = new SockAddrIn[1];
        assertEquals(20000, rx.recvfrom(in, 0, from));
        assertEquals(new SockAddrIn(A, 4000), from[0], "the reassembled datagram keeps its headers");
        in.flip();
        byte[] got = new byte[in.remaining()];
        in.get(got);
        assertArrayEquals(data, got);
        List<FrameLog.Frame> frags = out.udp();
        assertEquals((20008 + 1479) / 1480, frags.size(), "1480 bytes of payload per 1500-byte fragment");
        int expectOffset = 0;
        for (int i = 0; i < frags.size(); i++) {
            FrameLog.Frame f = frags.get(i);
            assertTrue(f.ipTotalLength() <= 1500, "fragment " + i + " fits the MTU");
            assertEquals(expectOffset, f.fragOffset());
            assertEquals(i < frags.size() - 1, f.mf());
            assertFalse(f.df(), "a datagram that does not fit is sent without DF (PMTUDISC_WANT)");
            assertEquals(frags.get(0).id(), f.id(), "one IP ID for all fragments");
            expectOffset += f.ipTotalLength() - 20;
        }
        assertEquals(20008, expectOffset);
        assertEquals(20008, frags.get(0).udpLength(), "the UDP header is in the first fragment");
    }

    @Test
    void sendtoAnUnreachableNetwork() {
        lan.dropDefaultRouteOfA();
        assertEquals(Errno.ENETUNREACH, errno(() -> tx.sendto(buf("x"), 0, new SockAddrIn(B, 7000))));
        assertEquals(0, udpOf(lan.a).mib().get(UdpMib.OutDatagrams));
    }

    @Test
    void sendtoPortZeroIsEinval() {
        assertEquals(Errno.EINVAL, errno(() -> tx.sendto(buf("x"), 0, new SockAddrIn(B, 0))));
    }

    @Test
    void sendtoAnyGoesOutOfLoopbackAddressedToLoopback() {
        FrameLog lo = FrameLog.on(lan.a.loopback());
        Socket self = Lan.udp(lan.a);
        self.bind(new SockAddrIn(0, 7000));
        tx.sendto(buf("me"), 0, new SockAddrIn(0, 7000));
        lan.settle();
        assertEquals(Ipv4Address.LOOPBACK, lo.lastUdp().dst());
        assertEquals(Ipv4Address.LOOPBACK, lo.lastUdp().src());
        assertEquals(2, self.recv(ByteBuffer.allocate(4), Socket.MSG_DONTWAIT));
        assertEquals(0, out.udp().size(), "nothing on the wire");
    }

    @Test
    void sendtoABoundSourceWithAnyDestinationGoesToThatSource() {
        Socket self = Lan.udp(lan.a);
        self.bind(new SockAddrIn(A, 7000));
        Socket bound = Lan.udp(lan.a);
        bound.bind(new SockAddrIn(A, 0));
        bound.sendto(buf("me"), 0, new SockAddrIn(0, 7000));
        SockAddrIn[] from = new SockAddrIn[1];
        assertEquals(2, self.recvfrom(ByteBuffer.allocate(4), 0, from));
        assertEquals(A, from[0].addr());
    }

    @Test
    void broadcastWithSoBroadcastReachesTheLink() {
        Socket onR = Lan.udp(lan.r);
        onR.bind(new SockAddrIn(0, 6000));
        Socket onRbcast = Lan.udp(lan.r);
        onRbcast.setsockopt(SockOpt.SO_REUSEADDR, 1);
        onR.close();
        onR = Lan.udp(lan.r);
        onR.setsockopt(SockOpt.SO_REUSEADDR, 1);
        onR.bind(new SockAddrIn(0, 6000));
        onRbcast.bind(new SockAddrIn(Lan.BCAST1, 6000));
        Socket onRunicast = Lan.udp(lan.r);
        onRunicast.setsockopt(SockOpt.SO_REUSEADDR, 1);
        onRunicast.bind(new SockAddrIn(Lan.R1, 6000));
        tx.setsockopt(SockOpt.SO_BROADCAST, 1);
        tx.sendto(buf("all of you"), 0, new SockAddrIn(Lan.BCAST1, 6000));
        lan.settle();
        FrameLog.Frame f = out.lastUdp();
        assertEquals(0xffffffffffffL, f.dstMac());
        assertEquals(Lan.BCAST1, f.dst());
        assertEquals(A, f.src());
        assertEquals(10, onR.recv(ByteBuffer.allocate(20), Socket.MSG_DONTWAIT), "a wildcard socket gets it");
        assertEquals(10, onRbcast.recv(ByteBuffer.allocate(20), Socket.MSG_DONTWAIT), "a socket bound to the broadcast address too");
        assertEquals(Errno.EAGAIN, errno(() -> onRunicast.recv(ByteBuffer.allocate(20), Socket.MSG_DONTWAIT)),
                "not one bound to a unicast address");
    }

    @Test
    void limitedBroadcastLeavesByTheDefaultRoute() {
        Socket onR = Lan.udp(lan.r);
        onR.bind(new SockAddrIn(0, 6000));
        tx.setsockopt(SockOpt.SO_BROADCAST, 1);
        tx.sendto(buf("everyone"), 0, SockAddrIn.of("255.255.255.255", 6000));
        lan.settle();
        assertEquals(0xffffffffffffL, out.lastUdp().dstMac());
        assertEquals(8, onR.recv(ByteBuffer.allocate(20), Socket.MSG_DONTWAIT));
    }

    @Test
    void aSentMulticastIsLoopedBackToLocalMembers() {
        int group = Ipv4Address.parse("239.5.5.5");
        Socket member = Lan.udp(lan.a);
        member.bind(new SockAddrIn(0, 5000));
        member.setsockopt(SockOpt.IP_ADD_MEMBERSHIP, new SockOpt.IpMreqn(group, A, 0));
        tx.sendto(buf("loop"), 0, new SockAddrIn(group, 5000));
        lan.settle();
        assertEquals(4, member.recv(ByteBuffer.allocate(10), Socket.MSG_DONTWAIT));
        tx.setsockopt(SockOpt.IP_MULTICAST_LOOP, 0);
        tx.sendto(buf("loop"), 0, new SockAddrIn(group, 5000));
        lan.settle();
        assertEquals(Errno.EAGAIN, errno(() -> member.recv(ByteBuffer.allocate(10), Socket.MSG_DONTWAIT)));
    }

    @Test
    void aSentBroadcastIsAlsoDeliveredLocally() {
        Socket local = Lan.udp(lan.a);
        local.bind(new SockAddrIn(0, 6000));
        tx.setsockopt(SockOpt.SO_BROADCAST, 1);
        tx.sendto(buf("me too"), 0, new SockAddrIn(Lan.BCAST1, 6000));
        lan.settle();
        assertEquals(6, local.recv(ByteBuffer.allocate(20), Socket.MSG_DONTWAIT));
    }
}
