package io.jnetstack.ipv4.udp;

import io.jnetstack.core.DropReason;
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

import static io.jnetstack.socket.Lan.A;
import static io.jnetstack.socket.Lan.B;
import static io.jnetstack.socket.Lan.buf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The UDP receive path through sockets: lookup, filtering, queue limits, counters, ICMP both ways. */
class UdpReceiveTest {
    final Lan lan = new Lan(22);
    final Socket rx = Lan.udp(lan.b);

    UdpReceiveTest() {
        rx.bind(new SockAddrIn(0, 7000));
    }

    static Errno errno(Runnable r) {
        return assertThrows(ErrnoException.class, r::run).errno();
    }

    long mib(io.jnetstack.core.Net n, UdpMib m) {
        return Udp.of(n).mib().get(m);
    }

    Socket from(int port) {
        Socket s = Lan.udp(lan.a);
        s.bind(new SockAddrIn(0, port));
        return s;
    }

    @Test
    void aConnectedSocketTakesOnlyItsPeersDatagrams() {
        FrameLog bOut = FrameLog.on(lan.bEth);
        rx.connect(new SockAddrIn(A, 4000));
        Socket peer = from(4000);
        Socket stranger = from(4001);
        stranger.sendto(buf("let me in"), 0, new SockAddrIn(B, 7000));
        peer.sendto(buf("it's me"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        ByteBuffer in = ByteBuffer.allocate(20);
        assertEquals(7, rx.recv(in, Socket.MSG_DONTWAIT));
        assertEquals("it's me", Lan.str(in));
        assertEquals(Errno.EAGAIN, errno(() -> rx.recv(ByteBuffer.allocate(20), Socket.MSG_DONTWAIT)));
        assertEquals(1, mib(lan.b, UdpMib.NoPorts), "the stranger's datagram matched no socket");
        assertEquals(1, bOut.icmp().size(), "and was answered with port unreachable");
    }

    @Test
    void aSocketBoundToTheAddressBeatsTheWildcard() {
        Socket exact = Lan.udp(lan.b);
        rx.setsockopt(SockOpt.SO_REUSEADDR, 1);
        exact.setsockopt(SockOpt.SO_REUSEADDR, 1);
        rx.close();
        Socket wild = Lan.udp(lan.b);
        wild.setsockopt(SockOpt.SO_REUSEADDR, 1);
        wild.bind(new SockAddrIn(0, 7000));
        exact.bind(new SockAddrIn(B, 7000));
        from(4000).sendto(buf("exact"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        assertEquals(5, exact.ioctl(Socket.FIONREAD, 0));
        assertEquals(0, wild.ioctl(Socket.FIONREAD, 0));
    }

    @Test
    void aFullReceiveBufferDropsAndCounts() {
        rx.setsockopt(SockOpt.SO_RCVBUF, 0);
        int rcvbuf = rx.getsockopt(SockOpt.SO_RCVBUF);
        Socket tx = from(4000);
        for (int i = 0; i < 10; i++) {
            tx.sendto(ByteBuffer.allocate(500), 0, new SockAddrIn(B, 7000));
        }
        lan.settle();
        int queued = 0;
        while ((rx.poll() & Socket.POLLIN) != 0) {
            rx.recv(ByteBuffer.allocate(600), 0);
            queued++;
        }
        long dropped = mib(lan.b, UdpMib.RcvbufErrors);
        assertTrue(queued >= 1 && dropped >= 1, queued + " queued, " + dropped + " dropped with SO_RCVBUF " + rcvbuf);
        assertEquals(10, queued + dropped);
        assertEquals(dropped, mib(lan.b, UdpMib.InErrors), "each refusal also counts as an InError");
        assertEquals(dropped, lan.b.drops(DropReason.SOCKET_RCVBUFF));
        assertEquals(dropped, rx.sock().drops(), "sk_drops");
        assertEquals(queued, mib(lan.b, UdpMib.InDatagrams));
        tx.sendto(ByteBuffer.allocate(500), 0, new SockAddrIn(B, 7000));
        lan.settle();
        assertEquals(500, rx.ioctl(Socket.FIONREAD, 0), "room again once read");
    }

    @Test
    void aSmallReceiveBufferStillTakesOneLargeDatagram() {
        rx.setsockopt(SockOpt.SO_RCVBUF, 0);
        from(4000).sendto(ByteBuffer.allocate(3000), 0, new SockAddrIn(B, 7000));
        lan.settle();
        assertEquals(3000, rx.ioctl(Socket.FIONREAD, 0), "larger than SO_RCVBUF, but the queue was empty");
        assertTrue(rx.sock().rmemAlloc() > rx.getsockopt(SockOpt.SO_RCVBUF));
    }

    @Test
    void zeroLengthDatagramsGoBothWays() {
        Socket tx = from(4000);
        assertEquals(0, tx.sendto(ByteBuffer.allocate(0), 0, new SockAddrIn(B, 7000)));
        SockAddrIn[] who = new SockAddrIn[1];
        assertEquals(0, rx.recvfrom(ByteBuffer.allocate(10), 0, who));
        assertEquals(new SockAddrIn(A, 4000), who[0]);
        assertEquals(0, rx.sendto(ByteBuffer.allocate(0), 0, who[0]));
        assertEquals(0, tx.recvfrom(ByteBuffer.allocate(10), 0, who));
        assertEquals(new SockAddrIn(B, 7000), who[0]);
    }

    @Test
    void inDatagramsIsCountedWhenReadNotWhenPeeked() {
        from(4000).sendto(buf("x"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        assertEquals(0, mib(lan.b, UdpMib.InDatagrams), "queued, not yet received by the user");
        rx.recv(ByteBuffer.allocate(4), Socket.MSG_PEEK);
        assertEquals(0, mib(lan.b, UdpMib.InDatagrams));
        rx.recv(ByteBuffer.allocate(4), 0);
        assertEquals(1, mib(lan.b, UdpMib.InDatagrams));
    }

    @Test
    void aClosedPortIsAnsweredButABroadcastNever() {
        FrameLog rOut = FrameLog.on(lan.aEth.peer());
        Socket tx = from(4000);
        tx.sendto(buf("unicast"), 0, new SockAddrIn(Lan.R1, 6000));
        lan.settle();
        assertEquals(1, rOut.icmp().size());
        assertEquals(1, mib(lan.r, UdpMib.NoPorts));
        lan.k.runFor(2_000_000_000L);
        tx.setsockopt(SockOpt.SO_BROADCAST, 1);
        tx.sendto(buf("broadcast"), 0, new SockAddrIn(Lan.BCAST1, 6000));
        tx.sendto(buf("limited"), 0, SockAddrIn.of("255.255.255.255", 6000));
        lan.settle();
        assertEquals(1, rOut.icmp().size(), "RFC 1122 §4.1.3.1: no port unreachable for broadcasts");
        assertEquals(1, mib(lan.r, UdpMib.NoPorts));
        assertEquals(2, mib(lan.r, UdpMib.IgnoredMulti));
    }

    @Test
    void ipPktinfoOfABroadcast() {
        Socket onR = Lan.udp(lan.r);
        onR.bind(new SockAddrIn(0, 6000));
        onR.setsockopt(SockOpt.IP_PKTINFO, 1);
        Socket tx = from(4000);
        tx.setsockopt(SockOpt.SO_BROADCAST, 1);
        tx.sendto(buf("b"), 0, new SockAddrIn(Lan.BCAST1, 6000));
        lan.settle();
        Msghdr m = new Msghdr(ByteBuffer.allocate(4));
        onR.recvmsg(m, Socket.MSG_DONTWAIT);
        assertEquals(new Cmsg.IpPktinfo(lan.aEth.peer().ifindex(), Lan.R1, Lan.BCAST1), m.control().get(0),
                "the destination was the broadcast address; R1 would answer");
    }

    @Test
    void aLocalDatagramCrossesLoopback() {
        Socket self = Lan.udp(lan.a);
        self.bind(new SockAddrIn(A, 7000));
        from(4000).sendto(buf("local"), 0, new SockAddrIn(A, 7000));
        SockAddrIn[] who = new SockAddrIn[1];
        assertEquals(5, self.recvfrom(ByteBuffer.allocate(10), 0, who));
        assertEquals(new SockAddrIn(A, 4000), who[0]);
    }

    @Test
    void fragmentationNeededIsEmsgsizeForAConnectedSocket() {
        lan.k.run(() -> lan.bEth.peer().setMtu(1000));
        Socket tx = Lan.udp(lan.a);
        tx.connect(new SockAddrIn(B, 7000));
        assertEquals(1500, tx.getsockopt(SockOpt.IP_MTU));
        tx.send(ByteBuffer.allocate(1400), 0);
        lan.settle();
        assertEquals(Errno.EMSGSIZE.code(), tx.getsockopt(SockOpt.SO_ERROR), "R could not forward the DF datagram");
        assertEquals(1000, tx.getsockopt(SockOpt.IP_MTU), "the path MTU was learnt");
        tx.send(ByteBuffer.allocate(1400), 0);
        ByteBuffer in = ByteBuffer.allocate(2000);
        assertEquals(1400, rx.recv(in, 0), "the next one is fragmented at A and arrives");
    }

    @Test
    void afterALearntPathMtuDoRefusesWhatProbeAccepts() {
        lan.k.run(() -> lan.bEth.peer().setMtu(1000));
        FrameLog aOut = FrameLog.on(lan.aEth);
        Socket tx = Lan.udp(lan.a);
        tx.connect(new SockAddrIn(B, 7000));
        tx.send(ByteBuffer.allocate(1400), 0);
        lan.settle();
        tx.getsockopt(SockOpt.SO_ERROR);
        assertEquals(1000, tx.getsockopt(SockOpt.IP_MTU));
        tx.setsockopt(SockOpt.IP_MTU_DISCOVER, SockOpt.IP_PMTUDISC_DO);
        assertEquals(Errno.EMSGSIZE, errno(() -> tx.send(ByteBuffer.allocate(1000 - 28 + 1), 0)), "DO: the path MTU");
        assertEquals(972, tx.send(ByteBuffer.allocate(972), 0));
        tx.setsockopt(SockOpt.IP_MTU_DISCOVER, SockOpt.IP_PMTUDISC_PROBE);
        assertEquals(1400, tx.send(ByteBuffer.allocate(1400), 0), "PROBE: the device MTU bounds the datagram");
    }

    @Test
    @Disabled("IpOutput.finishOutput cuts by the route's path MTU for every socket; Linux's ip_skb_dst_mtu uses the"
            + " device MTU for IP_PMTUDISC_PROBE/INTERFACE/OMIT sockets, so the DF datagram leaves whole")
    void aProbeDatagramAboveTheLearntPathMtuLeavesWhole() {
        lan.k.run(() -> lan.bEth.peer().setMtu(1000));
        FrameLog aOut = FrameLog.on(lan.aEth);
        Socket tx = Lan.udp(lan.a);
        tx.connect(new SockAddrIn(B, 7000));
        tx.send(ByteBuffer.allocate(1400), 0);
        lan.settle();
        tx.getsockopt(SockOpt.SO_ERROR);
        tx.setsockopt(SockOpt.IP_MTU_DISCOVER, SockOpt.IP_PMTUDISC_PROBE);
        aOut.clear();
        assertEquals(1400, tx.send(ByteBuffer.allocate(1400), 0), "PROBE: the device MTU");
        lan.settle();
        assertEquals(1, aOut.udp().size());
        assertTrue(aOut.lastUdp().df());
        assertEquals(1428, aOut.lastUdp().ipTotalLength(), "one datagram with DF, not fragments");
    }

    @Test
    void fragmentationNeededIsIgnoredWithPmtudiscDont() {
        lan.k.run(() -> lan.bEth.peer().setMtu(1000));
        Socket tx = Lan.udp(lan.a);
        tx.setsockopt(SockOpt.IP_MTU_DISCOVER, SockOpt.IP_PMTUDISC_DONT);
        tx.connect(new SockAddrIn(B, 7000));
        tx.send(ByteBuffer.allocate(1400), 0);
        assertEquals(1400, rx.recv(ByteBuffer.allocate(2000), 0), "no DF: R fragments it");
        assertEquals(0, tx.getsockopt(SockOpt.SO_ERROR));
    }

    @Test
    void ssListsUdpSocketsWithTheirQueues() {
        from(4000).sendto(buf("12345"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        Socket c = Lan.udp(lan.b);
        c.connect(new SockAddrIn(A, 4000));
        String ss = lan.b.sockets().formatSs("udp");
        assertTrue(ss.contains("UNCONN"), ss);
        assertTrue(ss.contains("0.0.0.0:7000"), ss);
        assertTrue(ss.contains("ESTAB"), ss);
        assertTrue(ss.contains("198.18.1.1:4000"), ss);
        assertTrue(ss.lines().anyMatch(l -> l.contains(":7000") && !l.contains(" 0       0 ")), "Recv-Q is not zero: " + ss);
    }

    @Test
    void aJoinedGroupIsReceived() {
        Socket member = Lan.udp(lan.r);
        member.bind(new SockAddrIn(0, 5000));
        int group = Ipv4Address.parse("239.1.2.3");
        member.setsockopt(SockOpt.IP_ADD_MEMBERSHIP, new SockOpt.IpMreqn(group, Lan.R1, 0));
        Socket tx = from(4000);
        tx.sendto(buf("group"), 0, new SockAddrIn(group, 5000));
        lan.settle();
        assertEquals(5, member.recv(ByteBuffer.allocate(10), Socket.MSG_DONTWAIT));
    }
}
