package io.jnetstack.socket;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.ipv4.IpMib;
import io.jnetstack.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;

import static io.jnetstack.socket.Lan.A;
import static io.jnetstack.socket.Lan.B;
import static io.jnetstack.socket.Lan.buf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each errno a socket call can fail with (UDP mostly; TCP for the timeouts), in the situation
 * Linux returns it, with its message.
 */
class SocketErrnoTest {
    final Lan lan = new Lan(13);

    static ErrnoException fails(Errno e, Runnable r) {
        ErrnoException x = assertThrows(ErrnoException.class, r::run);
        assertEquals(e, x.errno(), x.getMessage());
        assertTrue(x.getMessage().length() > 20, "an actionable message: " + x.getMessage());
        return x;
    }

    @Test
    void eaddrinuse() {
        Lan.udp(lan.b).bind(new SockAddrIn(0, 7000));
        ErrnoException x = fails(Errno.EADDRINUSE, () -> Lan.udp(lan.b).bind(new SockAddrIn(B, 7000)));
        assertTrue(x.getMessage().contains("SO_REUSEADDR"), x.getMessage());
    }

    @Test
    void eaddrnotavail() {
        fails(Errno.EADDRNOTAVAIL, () -> Lan.udp(lan.a).bind(new SockAddrIn(B, 7000)));
        fails(Errno.EADDRNOTAVAIL, () -> Lan.udp(lan.a).setsockopt(SockOpt.IP_MULTICAST_IF, new SockOpt.IpMreqn(0, B, 0)));
    }

    @Test
    void eaccesForBroadcastWithoutSoBroadcast() {
        Socket s = Lan.udp(lan.a);
        fails(Errno.EACCES, () -> s.sendto(buf("x"), 0, new SockAddrIn(Lan.BCAST1, 7000)));
        fails(Errno.EACCES, () -> s.sendto(buf("x"), 0, SockAddrIn.of("255.255.255.255", 7000)));
        fails(Errno.EACCES, () -> s.connect(new SockAddrIn(Lan.BCAST1, 7000)));
        s.setsockopt(SockOpt.SO_BROADCAST, 1);
        s.connect(new SockAddrIn(Lan.BCAST1, 7000));
        assertEquals(1, s.send(buf("x"), 0));
    }

    @Test
    void econnrefusedFailsTheNextCallOfAConnectedSocket() {
        Socket s = Lan.udp(lan.a);
        s.connect(new SockAddrIn(B, 9));
        assertEquals(5, s.send(buf("first"), 0), "the send itself succeeds");
        lan.settle();
        assertTrue((s.poll() & Socket.POLLERR) != 0, "the ICMP port unreachable came back");
        fails(Errno.ECONNREFUSED, () -> s.send(buf("second"), 0));
        assertEquals(6, s.send(buf("third!"), 0), "reported once");
        lan.k.runFor(2_000_000_000L);
        fails(Errno.ECONNREFUSED, () -> s.recv(ByteBuffer.allocate(10), 0));
        assertEquals(0, s.getsockopt(SockOpt.SO_ERROR));
    }

    @Test
    void econnrefusedIsInSoError() {
        Socket s = Lan.udp(lan.a);
        s.connect(new SockAddrIn(B, 9));
        s.send(buf("x"), 0);
        lan.settle();
        assertEquals(Errno.ECONNREFUSED.code(), s.getsockopt(SockOpt.SO_ERROR));
        assertEquals(1, s.send(buf("x"), 0), "SO_ERROR consumed it");
    }

    @Test
    void anUnconnectedSocketIgnoresPortUnreachableWithoutIpRecverr() {
        Socket s = Lan.udp(lan.a);
        s.sendto(buf("x"), 0, new SockAddrIn(B, 9));
        lan.settle();
        assertEquals(0, s.poll() & Socket.POLLERR, "__udp4_lib_err: only connected sockets take hard errors");
        assertEquals(1, s.sendto(buf("y"), 0, new SockAddrIn(B, 9)));
    }

    @Test
    void softIcmpErrorsNeedIpRecverr() {
        Socket quiet = Lan.udp(lan.a);
        quiet.connect(SockAddrIn.of("203.0.113.1", 9));
        quiet.send(buf("x"), 0);
        lan.settle();
        assertEquals(0, quiet.getsockopt(SockOpt.SO_ERROR), "net unreachable is a soft error");
        Socket loud = Lan.udp(lan.a);
        loud.setsockopt(SockOpt.IP_RECVERR, 1);
        loud.connect(SockAddrIn.of("203.0.113.1", 9));
        lan.k.runFor(2_000_000_000L);
        loud.send(buf("x"), 0);
        lan.settle();
        fails(Errno.ENETUNREACH, () -> loud.send(buf("y"), 0));
    }

    @Test
    void emsgsizeAboveTheUdpLimit() {
        Socket s = Lan.udp(lan.a);
        assertEquals(65507, s.sendto(ByteBuffer.allocate(65507), 0, new SockAddrIn(B, 7000)), "65,535 - 20 - 8");
        fails(Errno.EMSGSIZE, () -> s.sendto(ByteBuffer.allocate(65508), 0, new SockAddrIn(B, 7000)));
        fails(Errno.EMSGSIZE, () -> s.sendto(ByteBuffer.allocate(70000), 0, new SockAddrIn(B, 7000)));
    }

    @Test
    void emsgsizeAboveTheMtuWithPmtudiscDo() {
        Lan.udp(lan.b).bind(new SockAddrIn(0, 7000));
        Socket s = Lan.udp(lan.a);
        s.setsockopt(SockOpt.IP_MTU_DISCOVER, SockOpt.IP_PMTUDISC_DO);
        s.setsockopt(SockOpt.IP_RECVERR, 1);
        assertEquals(1472, s.sendto(ByteBuffer.allocate(1472), 0, new SockAddrIn(B, 7000)), "1500 - 20 - 8 fits");
        fails(Errno.EMSGSIZE, () -> s.sendto(ByteBuffer.allocate(1473), 0, new SockAddrIn(B, 7000)));
        Msghdr m = new Msghdr(ByteBuffer.allocate(10));
        assertEquals(0, s.recvmsg(m, Socket.MSG_ERRQUEUE), "ip_local_error queues no payload");
        SockExtendedErr e = ((Cmsg.IpRecvErr) m.control().get(0)).err();
        assertEquals(Errno.EMSGSIZE, e.errno());
        assertEquals(SockExtendedErr.ORIGIN_LOCAL, e.origin());
        assertEquals(1500, e.info(), "the MTU");
        assertEquals(new SockAddrIn(B, 0), m.name(), "ip_local_error reports inet_dport: 0 on an unconnected socket");
        assertEquals(0, s.getsockopt(SockOpt.SO_ERROR), "a local error sets no pending error");
    }

    @Test
    void aPendingErrorComesAfterTheSizeCheck() {
        Socket s = Lan.udp(lan.a);
        s.setsockopt(SockOpt.IP_RECVERR, 1);
        s.sendto(buf("refused"), 0, new SockAddrIn(B, 9));
        lan.settle();
        fails(Errno.EMSGSIZE, () -> s.sendto(ByteBuffer.allocate(65508), 0, new SockAddrIn(B, 9)));
        fails(Errno.ECONNREFUSED, () -> s.sendto(buf("x"), 0, new SockAddrIn(B, 9)));
    }

    @Test
    void enotconn() {
        Socket s = Lan.udp(lan.a);
        fails(Errno.ENOTCONN, s::getpeername);
        fails(Errno.ENOTCONN, () -> s.shutdown(Socket.SHUT_WR));
        fails(Errno.ENOTCONN, () -> s.getsockopt(SockOpt.IP_MTU));
    }

    @Test
    void edestaddrreq() {
        Socket s = Lan.udp(lan.a);
        fails(Errno.EDESTADDRREQ, () -> s.send(buf("where to?"), 0));
        fails(Errno.EDESTADDRREQ, () -> s.write(buf("where to?")));
    }

    @Test
    void einval() {
        Socket s = Lan.udp(lan.a);
        fails(Errno.EINVAL, () -> s.sendto(buf("x"), 0, new SockAddrIn(B, 0)));
        fails(Errno.EINVAL, () -> s.setsockopt(SockOpt.IP_TTL, 0));
        s.bind(new SockAddrIn(0, 7000));
        fails(Errno.EINVAL, () -> s.bind(new SockAddrIn(0, 7001)));
        fails(Errno.EINVAL, () -> s.sendmsg(new Msghdr(buf("x")).name(new SockAddrIn(B, 7))
                .add(new Cmsg.IpTtl(0)), 0));
    }

    @Test
    void ebadfAfterClose() {
        Socket s = Lan.udp(lan.a);
        s.close();
        ErrnoException x = fails(Errno.EBADF, () -> s.send(buf("x"), 0));
        assertTrue(x.getMessage().contains("closed"));
    }

    @Test
    void eagainOnANonBlockingRecv() {
        Socket s = lan.a.sockets().socket(Socket.AF_INET, Socket.SOCK_DGRAM | Socket.SOCK_NONBLOCK, 0);
        s.bind(new SockAddrIn(0, 7000));
        fails(Errno.EAGAIN, () -> s.recv(ByteBuffer.allocate(1), 0));
        Socket t = Lan.udp(lan.a);
        t.bind(new SockAddrIn(0, 7001));
        fails(Errno.EAGAIN, () -> t.recv(ByteBuffer.allocate(1), Socket.MSG_DONTWAIT));
    }

    @Test
    void eagainWhenTheSendBufferIsFullAndTheSocketNonBlocking() {
        Socket s = lan.a.sockets().socket(Socket.AF_INET, Socket.SOCK_DGRAM | Socket.SOCK_NONBLOCK, 0);
        s.setsockopt(SockOpt.SO_SNDBUF, 0);
        int sent = 0;
        ErrnoException x = null;
        for (int i = 0; i < 20 && x == null; i++) {
            try {
                s.sendto(ByteBuffer.allocate(1000), 0, new SockAddrIn(Lan.C, 7000));
                sent++;
            } catch (ErrnoException e) {
                x = e;
            }
        }
        assertTrue(x != null && x.errno() == Errno.EAGAIN, "the datagrams wait for ARP and hold the buffer: " + x);
        assertTrue(sent >= 2, "sent " + sent);
        assertEquals(0, s.poll() & Socket.POLLOUT, "not writable");
        assertTrue(x.getMessage().contains("SO_SNDBUF"), x.getMessage());
        assertEquals(1, io.jnetstack.ipv4.udp.Udp.of(lan.a).mib().get(io.jnetstack.ipv4.udp.UdpMib.SndbufErrors));
        lan.k.runFor(5_000_000_000L);
        assertTrue((s.poll() & Socket.POLLOUT) != 0, "writable again once ARP gave up and the buffers were freed");
    }

    @Test
    void eagainWhenSoRcvtimeoExpires() {
        Socket s = Lan.udp(lan.a);
        s.bind(new SockAddrIn(0, 7000));
        s.setsockopt(SockOpt.SO_RCVTIMEO, Duration.ofMillis(250));
        long t0 = lan.k.clock().nanos();
        ErrnoException x = fails(Errno.EAGAIN, () -> s.recv(ByteBuffer.allocate(10), 0));
        assertEquals(250_000_000L, lan.k.clock().nanos() - t0, "exactly the timeout passed");
        assertTrue(x.getMessage().contains("timed out"), x.getMessage());
        // Linux's errno (sock_rcvtimeo ends the wait with -EAGAIN), with a type that says "timeout".
        SocketTimeoutException t = assertInstanceOf(SocketTimeoutException.class, x);
        assertEquals("SO_RCVTIMEO", t.option());
        assertEquals(Duration.ofMillis(250), t.timeout());
        // A non-blocking call that finds nothing is plain EAGAIN, not a timeout.
        ErrnoException now = fails(Errno.EAGAIN, () -> s.recv(ByteBuffer.allocate(10), Socket.MSG_DONTWAIT));
        assertFalse(now instanceof SocketTimeoutException, now.getMessage());
    }

    @Test
    void soRcvtimeoAndSoSndtimeoEndTcpCallsTheSameWay() {
        Socket l = lan.b.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
        l.bind(new SockAddrIn(0, 80));
        l.listen(4);
        l.setsockopt(SockOpt.SO_RCVTIMEO, Duration.ofMillis(100));
        long t0 = lan.k.clock().nanos();
        ErrnoException acc = fails(Errno.EAGAIN, () -> l.accept());
        assertEquals(100_000_000L, lan.k.clock().nanos() - t0);
        assertEquals("SO_RCVTIMEO", assertInstanceOf(SocketTimeoutException.class, acc).option());

        Socket c = lan.a.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
        c.connect(new SockAddrIn(B, 80));
        Socket srv = l.accept();
        c.setsockopt(SockOpt.SO_RCVTIMEO, Duration.ofMillis(300));
        t0 = lan.k.clock().nanos();
        ErrnoException rx = fails(Errno.EAGAIN, () -> c.recv(ByteBuffer.allocate(10), 0));
        assertEquals(300_000_000L, lan.k.clock().nanos() - t0);
        assertEquals(Duration.ofMillis(300), assertInstanceOf(SocketTimeoutException.class, rx).timeout());

        // The server never reads: the client's send buffer fills and SO_SNDTIMEO ends the wait.
        c.setsockopt(SockOpt.SO_SNDTIMEO, Duration.ofMillis(200));
        ErrnoException tx = null;
        for (int i = 0; i < 10_000 && tx == null; i++) {
            try {
                c.send(ByteBuffer.allocate(65_536), 0);
            } catch (ErrnoException e) {
                tx = e;
            }
        }
        assertTrue(tx != null && tx.errno() == Errno.EAGAIN, String.valueOf(tx));
        assertEquals("SO_SNDTIMEO", assertInstanceOf(SocketTimeoutException.class, tx).option());
        srv.close();
        c.close();
        l.close();
    }

    @Test
    void etimedoutWhenAConnectionAttemptIsNeverAnswered() {
        // B drops everything it receives: the SYN goes unanswered. TCP_SYNCNT 1 plus
        // tcp_syn_linear_timeouts 4 allow five retransmissions one second apart; the connect
        // fails with ETIMEDOUT when the next, doubled, timeout expires: 7 s after the SYN.
        lan.b.inet().netfilter().register(io.jnetstack.netfilter.NfHook.LOCAL_IN,
                io.jnetstack.netfilter.Netfilter.PRI_FILTER, (skb, h, in, out) -> io.jnetstack.netfilter.Verdict.DROP);
        Socket s = lan.a.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
        s.setsockopt(SockOpt.TCP_SYNCNT, 1);
        long t0 = lan.k.clock().nanos();
        ErrnoException x = fails(Errno.ETIMEDOUT, () -> s.connect(new SockAddrIn(B, 80)));
        assertFalse(x instanceof SocketTimeoutException, "a connection timeout is not a socket-option timeout");
        assertEquals(7_000_000_000L, lan.k.clock().nanos() - t0, x.getMessage());
    }

    @Test
    void eagainWhenSoSndtimeoExpiresOnAFullSendBuffer() {
        Socket s = Lan.udp(lan.a);
        s.setsockopt(SockOpt.SO_SNDBUF, 0);
        s.setsockopt(SockOpt.SO_SNDTIMEO, Duration.ofMillis(100));
        long t0 = lan.k.clock().nanos();
        ErrnoException x = null;
        for (int i = 0; i < 20 && x == null; i++) {
            try {
                s.sendto(ByteBuffer.allocate(1000), 0, new SockAddrIn(Lan.C, 7000));
            } catch (ErrnoException e) {
                x = e;
            }
        }
        assertTrue(x != null && x.errno() == Errno.EAGAIN, String.valueOf(x));
        assertEquals(100_000_000L, lan.k.clock().nanos() - t0);
        assertTrue(x.getMessage().contains("timed out"), x.getMessage());
    }

    @Test
    void efaultForMissingOrReadOnlyBuffers() {
        Socket s = Lan.udp(lan.a);
        s.bind(new SockAddrIn(0, 7000));
        fails(Errno.EFAULT, () -> s.sendto(null, 0, new SockAddrIn(B, 7000)));
        fails(Errno.EFAULT, () -> s.recv(ByteBuffer.allocate(4).asReadOnlyBuffer(), Socket.MSG_DONTWAIT));
        fails(Errno.EFAULT, () -> s.sendmsg(null, 0));
        s.close();
        fails(Errno.EBADF, () -> s.sendmsg(null, 0));
    }

    @Test
    void enetunreach() {
        lan.dropDefaultRouteOfA();
        Socket s = Lan.udp(lan.a);
        fails(Errno.ENETUNREACH, () -> s.sendto(buf("x"), 0, new SockAddrIn(B, 7000)));
        fails(Errno.ENETUNREACH, () -> s.connect(new SockAddrIn(B, 7000)));
        assertEquals(2, lan.a.inet().ipMib().get(IpMib.OutNoRoutes));
    }

    @Test
    void eopnotsupp() {
        Socket s = Lan.udp(lan.a);
        fails(Errno.EOPNOTSUPP, () -> s.sendto(buf("x"), Socket.MSG_OOB, new SockAddrIn(B, 7000)));
        fails(Errno.EOPNOTSUPP, () -> s.listen(5));
        fails(Errno.EOPNOTSUPP, s::accept);
    }

    @Test
    void epipeAfterShutWr() {
        Socket s = Lan.udp(lan.a);
        s.connect(new SockAddrIn(B, 7000));
        s.shutdown(Socket.SHUT_WR);
        fails(Errno.EPIPE, () -> s.send(buf("x"), 0));
    }

    @Test
    void enodevAndEnoprotoopt() {
        Socket s = Lan.udp(lan.a);
        fails(Errno.ENODEV, () -> s.setsockopt(SockOpt.SO_BINDTODEVICE, "nope0"));
        fails(Errno.ENOPROTOOPT, () -> s.setsockopt(SockOpt.IP_HDRINCL, 1));
        fails(Errno.ENOBUFS, () -> {
            lan.a.sysctls().set("net.ipv4.igmp_max_memberships", "0");
            s.setsockopt(SockOpt.IP_ADD_MEMBERSHIP, new SockOpt.IpMreqn(Ipv4Address.parse("239.1.1.1"), A, 0));
        });
    }

    @Test
    void sendtoAnyAddressGoesToLoopback() {
        Socket rx = Lan.udp(lan.a);
        rx.bind(new SockAddrIn(0, 7000));
        Socket tx = Lan.udp(lan.a);
        assertEquals(4, tx.sendto(buf("self"), 0, new SockAddrIn(0, 7000)));
        SockAddrIn[] from = new SockAddrIn[1];
        assertEquals(4, rx.recvfrom(ByteBuffer.allocate(10), 0, from));
        assertEquals(Ipv4Address.LOOPBACK, from[0].addr(), "0.0.0.0 is sent as 127.0.0.1 from 127.0.0.1");
    }
}
