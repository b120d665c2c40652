package io.jnetstack.socket;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static io.jnetstack.socket.Lan.A;
import static io.jnetstack.socket.Lan.B;
import static io.jnetstack.socket.Lan.buf;
import static io.jnetstack.socket.Lan.str;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The socket calls of socket(2), bind(2), connect(2), send(2), recv(2), read/write(v),
 * shutdown(2), close(2), getsockname(2), getpeername(2), ioctl(2) and fcntl(2) on UDP sockets,
 * each checked against what Linux returns.
 */
class SocketCallsTest {
    final Lan lan = new Lan(11);

    static Errno errno(Runnable r) {
        return assertThrows(ErrnoException.class, r::run).errno();
    }

    // ================================================================ socket()

    @Test
    void socketRejectsWhatInetCreateRejects() {
        Sockets s = lan.a.sockets();
        assertEquals(Errno.EAFNOSUPPORT, errno(() -> s.socket(10, Socket.SOCK_DGRAM, 0)), "AF_INET6 is not implemented");
        assertEquals(Errno.EAFNOSUPPORT, errno(() -> s.socket(-1, Socket.SOCK_DGRAM, 0)));
        assertEquals(Errno.EINVAL, errno(() -> s.socket(Socket.AF_INET, 11, 0)), "type >= SOCK_MAX");
        assertEquals(Errno.EINVAL, errno(() -> s.socket(Socket.AF_INET, Socket.SOCK_DGRAM | 0x1000, 0)), "unknown type flag");
        assertEquals(Errno.ESOCKTNOSUPPORT, errno(() -> s.socket(Socket.AF_INET, 5, 0)), "SOCK_SEQPACKET has no inet protocol");
        assertEquals(Errno.EPROTONOSUPPORT, errno(() -> s.socket(Socket.AF_INET, Socket.SOCK_DGRAM, Socket.IPPROTO_TCP)));
        assertEquals(Errno.EPROTONOSUPPORT, errno(() -> s.socket(Socket.AF_INET, Socket.SOCK_RAW, 0)), "raw needs a protocol");
        assertEquals(Errno.EINVAL, errno(() -> s.socket(Socket.AF_INET, Socket.SOCK_DGRAM, -1)));
        assertEquals(Errno.EINVAL, errno(() -> s.socket(Socket.AF_INET, Socket.SOCK_DGRAM, 263)), "protocol >= IPPROTO_MAX");
        assertEquals(Errno.EPROTONOSUPPORT, errno(() -> s.socket(Socket.AF_INET, Socket.SOCK_DGRAM, 262)));
        assertTrue(s.list().isEmpty(), "no descriptor leaks from a failed socket()");
    }

    @Test
    void socketGivesDgramUdpWithProtocolZeroOrUdp() {
        Socket s0 = lan.a.sockets().socket(Socket.AF_INET, Socket.SOCK_DGRAM, 0);
        Socket s17 = lan.a.sockets().socket(Socket.AF_INET, Socket.SOCK_DGRAM | Socket.SOCK_CLOEXEC, Socket.IPPROTO_UDP);
        for (Socket s : new Socket[]{s0, s17}) {
            assertEquals(Socket.SOCK_DGRAM, s.getsockopt(SockOpt.SO_TYPE));
            assertEquals(Socket.IPPROTO_UDP, s.getsockopt(SockOpt.SO_PROTOCOL));
            assertEquals(Socket.AF_INET, s.getsockopt(SockOpt.SO_DOMAIN));
            assertFalse(s.isNonBlocking());
        }
        assertEquals(3, s0.fd(), "descriptors start after stdin, stdout, stderr");
        assertEquals(4, s17.fd());
        s0.close();
        assertEquals(3, Lan.udp(lan.a).fd(), "the lowest free descriptor is reused");
    }

    @Test
    void sockNonblockMakesTheSocketNonBlocking() {
        Socket s = lan.a.sockets().socket(Socket.AF_INET, Socket.SOCK_DGRAM | Socket.SOCK_NONBLOCK, 0);
        assertTrue(s.isNonBlocking());
        assertEquals(Socket.O_RDWR | Socket.O_NONBLOCK, s.fcntl(Socket.F_GETFL, 0));
        s.bind(new SockAddrIn(0, 5000));
        long t0 = lan.k.clock().nanos();
        assertEquals(Errno.EAGAIN, errno(() -> s.recv(ByteBuffer.allocate(10), 0)));
        assertEquals(t0, lan.k.clock().nanos(), "no time passes");
    }

    // ================================================================ bind, getsockname

    @Test
    void bindToAnAddressAndPort() {
        Socket s = Lan.udp(lan.a);
        assertEquals(new SockAddrIn(0, 0), s.getsockname(), "unbound");
        s.bind(new SockAddrIn(A, 5000));
        assertEquals(new SockAddrIn(A, 5000), s.getsockname());
        assertEquals(Errno.EINVAL, errno(() -> s.bind(new SockAddrIn(A, 5001))), "already bound");
    }

    @Test
    void bindPortZeroPicksAnEphemeralPort() {
        Socket s = Lan.udp(lan.a);
        s.bind(new SockAddrIn(0, 0));
        int port = s.getsockname().port();
        assertTrue(port >= 32768 && port <= 60999, "port " + port + " in net.ipv4.ip_local_port_range");
        lan.a.sysctls().set("net.ipv4.ip_local_port_range", "40000 40000");
        Socket t = Lan.udp(lan.a);
        t.bind(SockAddrIn.ANY);
        assertEquals(40000, t.getsockname().port());
        Socket u = Lan.udp(lan.a);
        assertEquals(Errno.EADDRINUSE, errno(() -> u.bind(SockAddrIn.ANY)), "the range is exhausted");
    }

    @Test
    void bindNeedsALocalAddressUnlessFreebind() {
        Socket s = Lan.udp(lan.a);
        assertEquals(Errno.EADDRNOTAVAIL, errno(() -> s.bind(new SockAddrIn(B, 5000))));
        assertEquals(new SockAddrIn(0, 0), s.getsockname(), "a failed bind leaves the socket unbound");
        s.setsockopt(SockOpt.IP_FREEBIND, 1);
        s.bind(new SockAddrIn(B, 5000));
        assertEquals(new SockAddrIn(B, 5000), s.getsockname());
    }

    @Test
    void bindWithoutAnAddressIsEinval() {
        Socket s = Lan.udp(lan.a);
        assertEquals(Errno.EINVAL, errno(() -> s.bind(null)));
    }

    @Test
    void bindToLoopbackAndBroadcast() {
        Socket lo = Lan.udp(lan.a);
        lo.bind(SockAddrIn.of("127.0.0.1", 5000));
        assertEquals(SockAddrIn.of("127.0.0.1", 5000), lo.getsockname());
        Socket bc = Lan.udp(lan.a);
        bc.bind(new SockAddrIn(Lan.BCAST1, 5001));
        assertEquals(new SockAddrIn(Lan.BCAST1, 5001), bc.getsockname(), "bound to a broadcast address (receive only)");
    }

    // ================================================================ connect, getpeername

    @Test
    void connectSetsThePeerAndAutobinds() {
        Socket s = Lan.udp(lan.a);
        assertEquals(Errno.ENOTCONN, errno(s::getpeername));
        s.connect(new SockAddrIn(B, 7000));
        assertEquals(new SockAddrIn(B, 7000), s.getpeername());
        SockAddrIn local = s.getsockname();
        assertEquals(A, local.addr(), "the route's source address");
        assertTrue(local.port() >= 32768, "autobound to an ephemeral port");
        s.connect(new SockAddrIn(Lan.R1, 7001));
        assertEquals(new SockAddrIn(Lan.R1, 7001), s.getpeername(), "connect again replaces the peer");
        assertEquals(local, s.getsockname());
    }

    @Test
    void connectToAnyMeansLoopback() {
        Socket s = Lan.udp(lan.a);
        s.connect(new SockAddrIn(0, 7000));
        assertEquals(SockAddrIn.of("127.0.0.1", 7000), s.getpeername());
        assertEquals(Ipv4Address.LOOPBACK, s.getsockname().addr());
    }

    @Test
    void disconnectForgetsThePeerAndWhatConnectChose() {
        Socket s = Lan.udp(lan.a);
        s.connect(new SockAddrIn(B, 7000));
        s.connect(null);
        assertEquals(Errno.ENOTCONN, errno(s::getpeername));
        assertEquals(new SockAddrIn(0, 0), s.getsockname(), "address and autobound port are released (udp_disconnect)");
        Socket t = Lan.udp(lan.a);
        t.bind(new SockAddrIn(A, 6000));
        t.connect(new SockAddrIn(B, 7000));
        t.disconnect();
        assertEquals(new SockAddrIn(A, 6000), t.getsockname(), "an explicit bind stays");
        Socket u = Lan.udp(lan.a);
        u.bind(new SockAddrIn(0, 6001));
        u.connect(new SockAddrIn(B, 7000));
        u.disconnect();
        assertEquals(new SockAddrIn(0, 6001), u.getsockname(), "the port stays, the address chosen by connect goes");
    }

    @Test
    void disconnectOnAnUnconnectedSocketIsHarmless() {
        Socket s = Lan.udp(lan.a);
        s.bind(new SockAddrIn(0, 6000));
        s.disconnect();
        assertEquals(new SockAddrIn(0, 6000), s.getsockname());
    }

    @Test
    void aFailedConnectLeavesTheSocketAutobound() {
        lan.dropDefaultRouteOfA();
        Socket s = Lan.udp(lan.a);
        assertEquals(Errno.ENETUNREACH, errno(() -> s.connect(new SockAddrIn(B, 7000))));
        assertTrue(s.getsockname().port() != 0, "inet_dgram_connect autobinds before routing");
        assertEquals(Errno.ENOTCONN, errno(s::getpeername));
    }

    // ================================================================ send, sendto, sendmsg, write, writev

    @Test
    void sendmsgGathersTheIovIntoOneDatagram() {
        Socket rx = Lan.udp(lan.b);
        rx.bind(new SockAddrIn(0, 7000));
        Socket tx = Lan.udp(lan.a);
        ByteBuffer p1 = buf("one,");
        ByteBuffer p2 = buf("");
        ByteBuffer p3 = buf("two,three");
        int n = tx.sendmsg(new Msghdr(p1, p2, p3).name(new SockAddrIn(B, 7000)), 0);
        assertEquals(13, n);
        assertFalse(p1.hasRemaining() || p3.hasRemaining(), "the buffers are consumed");
        ByteBuffer in = ByteBuffer.allocate(100);
        assertEquals(13, rx.recv(in, 0));
        assertEquals("one,two,three", str(in));
    }

    @Test
    void writeAndWritevGoToTheConnectedPeer() {
        Socket rx = Lan.udp(lan.b);
        rx.bind(new SockAddrIn(0, 7000));
        Socket tx = Lan.udp(lan.a);
        tx.connect(new SockAddrIn(B, 7000));
        assertEquals(5, tx.write(buf("write")));
        assertEquals(6, tx.writev(buf("wri"), buf("tev")));
        assertEquals(4, tx.send(buf("send"), 0));
        assertEquals(6, tx.sendto(buf("sendto"), 0, null));
        for (String want : new String[]{"write", "writev", "send", "sendto"}) {
            ByteBuffer in = ByteBuffer.allocate(100);
            assertEquals(want.length(), rx.read(in));
            assertEquals(want, str(in));
        }
    }

    @Test
    void sendtoOnAConnectedSocketMayNameAnotherPeer() {
        Socket rx = Lan.udp(lan.b);
        rx.bind(new SockAddrIn(0, 7001));
        Socket tx = Lan.udp(lan.a);
        tx.connect(new SockAddrIn(B, 7000));
        tx.sendto(buf("elsewhere"), 0, new SockAddrIn(B, 7001));
        ByteBuffer in = ByteBuffer.allocate(100);
        assertEquals(9, rx.recv(in, 0));
    }

    // ================================================================ recv, recvfrom, recvmsg, read, readv

    @Test
    void recvfromTellsTheSender() {
        Socket rx = Lan.udp(lan.b);
        rx.bind(new SockAddrIn(0, 7000));
        Socket tx = Lan.udp(lan.a);
        tx.bind(new SockAddrIn(0, 4242));
        tx.sendto(buf("hi"), 0, new SockAddrIn(B, 7000));
        SockAddrIn[] from = new SockAddrIn[1];
        assertEquals(2, rx.recvfrom(ByteBuffer.allocate(10), 0, from));
        assertEquals(new SockAddrIn(A, 4242), from[0]);
        tx.sendto(buf("again"), 0, new SockAddrIn(B, 7000));
        assertEquals(5, rx.recvfrom(ByteBuffer.allocate(10), 0, null), "the sender may be ignored");
    }

    @Test
    void msgPeekLeavesTheDatagramQueued() {
        Socket rx = Lan.udp(lan.b);
        rx.bind(new SockAddrIn(0, 7000));
        Socket tx = Lan.udp(lan.a);
        tx.sendto(buf("first"), 0, new SockAddrIn(B, 7000));
        tx.sendto(buf("second"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        for (int i = 0; i < 2; i++) {
            ByteBuffer in = ByteBuffer.allocate(100);
            assertEquals(5, rx.recv(in, Socket.MSG_PEEK));
            assertEquals("first", str(in));
        }
        ByteBuffer in = ByteBuffer.allocate(100);
        assertEquals(5, rx.recv(in, 0));
        assertEquals("first", str(in));
        ByteBuffer in2 = ByteBuffer.allocate(100);
        assertEquals(6, rx.recv(in2, 0));
        assertEquals("second", str(in2));
    }

    @Test
    void msgDontwaitOnAnEmptyQueueIsEagain() {
        Socket rx = Lan.udp(lan.b);
        rx.bind(new SockAddrIn(0, 7000));
        long t0 = lan.k.clock().nanos();
        assertEquals(Errno.EAGAIN, errno(() -> rx.recv(ByteBuffer.allocate(10), Socket.MSG_DONTWAIT)));
        assertEquals(t0, lan.k.clock().nanos());
        assertFalse(rx.isNonBlocking(), "MSG_DONTWAIT is for one call");
    }

    @Test
    void aShortBufferCutsTheDatagramAndSaysMsgTrunc() {
        Socket rx = Lan.udp(lan.b);
        rx.bind(new SockAddrIn(0, 7000));
        Socket tx = Lan.udp(lan.a);
        tx.sendto(buf("0123456789"), 0, new SockAddrIn(B, 7000));
        Msghdr m = new Msghdr(ByteBuffer.allocate(4));
        assertEquals(4, rx.recvmsg(m, 0));
        assertEquals(Socket.MSG_TRUNC, m.flags() & Socket.MSG_TRUNC, "msg_flags says the datagram was cut");
        assertEquals("0123", str(m.iov()[0]));
        assertEquals(Errno.EAGAIN, errno(() -> rx.recv(ByteBuffer.allocate(10), Socket.MSG_DONTWAIT)),
                "the rest of a cut datagram is gone");
        tx.sendto(buf("abc"), 0, new SockAddrIn(B, 7000));
        Msghdr whole = new Msghdr(ByteBuffer.allocate(4));
        assertEquals(3, rx.recvmsg(whole, 0));
        assertEquals(0, whole.flags() & Socket.MSG_TRUNC);
    }

    @Test
    void msgTruncAsInputFlagReturnsTheRealLength() {
        Socket rx = Lan.udp(lan.b);
        rx.bind(new SockAddrIn(0, 7000));
        Socket tx = Lan.udp(lan.a);
        tx.sendto(buf("0123456789"), 0, new SockAddrIn(B, 7000));
        Msghdr m = new Msghdr(ByteBuffer.allocate(4));
        assertEquals(10, rx.recvmsg(m, Socket.MSG_TRUNC | Socket.MSG_PEEK), "the datagram's length, not the bytes copied");
        assertEquals(Socket.MSG_TRUNC, m.flags() & Socket.MSG_TRUNC);
        assertEquals(10, rx.recv(ByteBuffer.allocate(0), Socket.MSG_TRUNC), "a zero-length buffer learns the size");
    }

    @Test
    void msgWaitallIsHarmlessOnUdp() {
        Socket rx = Lan.udp(lan.b);
        rx.bind(new SockAddrIn(0, 7000));
        Socket tx = Lan.udp(lan.a);
        tx.sendto(buf("short"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        long t0 = lan.k.clock().nanos();
        ByteBuffer in = ByteBuffer.allocate(1000);
        assertEquals(5, rx.recv(in, Socket.MSG_WAITALL), "one datagram, not a full buffer");
        assertEquals(t0, lan.k.clock().nanos());
    }

    @Test
    void readvScattersOneDatagram() {
        Socket rx = Lan.udp(lan.b);
        rx.bind(new SockAddrIn(0, 7000));
        Socket tx = Lan.udp(lan.a);
        tx.sendto(buf("abcdefghij"), 0, new SockAddrIn(B, 7000));
        ByteBuffer x = ByteBuffer.allocate(3);
        ByteBuffer y = ByteBuffer.allocate(0);
        ByteBuffer z = ByteBuffer.allocateDirect(20);
        assertEquals(10, rx.readv(x, y, z));
        assertEquals("abc", str(x));
        z.flip();
        byte[] rest = new byte[z.remaining()];
        z.get(rest);
        assertArrayEquals("defghij".getBytes(), rest);
    }

    @Test
    void msgErrqueueReadsQueuedIcmpErrors() {
        Socket tx = Lan.udp(lan.a);
        tx.setsockopt(SockOpt.IP_RECVERR, 1);
        assertEquals(Errno.EAGAIN, errno(() -> tx.recvmsg(new Msghdr(ByteBuffer.allocate(10)), Socket.MSG_ERRQUEUE)),
                "an empty error queue");
        tx.sendto(buf("nobody home"), 0, new SockAddrIn(B, 9));
        lan.settle();
        assertTrue((tx.poll() & Socket.POLLERR) != 0);
        assertEquals(Errno.ECONNREFUSED.code(), tx.getsockopt(SockOpt.SO_ERROR), "also the pending error, cleared by reading it");
        assertTrue((tx.poll() & Socket.POLLERR) != 0, "the error queue still holds it");
        Msghdr m = new Msghdr(ByteBuffer.allocate(100));
        int n = tx.recvmsg(m, Socket.MSG_ERRQUEUE);
        assertEquals(11, n, "the payload of the datagram that failed");
        assertEquals("nobody home", str(m.iov()[0]));
        assertEquals(Socket.MSG_ERRQUEUE, m.flags() & Socket.MSG_ERRQUEUE);
        assertEquals(new SockAddrIn(B, 9), m.name(), "where the failed datagram went");
        Cmsg.IpRecvErr e = (Cmsg.IpRecvErr) m.control().get(0);
        assertEquals(Errno.ECONNREFUSED, e.err().errno());
        assertEquals(SockExtendedErr.ORIGIN_ICMP, e.err().origin());
        assertEquals(3, e.err().icmpType());
        assertEquals(3, e.err().icmpCode());
        assertEquals(B, e.err().offender());
        assertEquals(0, tx.poll() & Socket.POLLERR, "nothing left");
    }

    @Test
    void msgErrqueueWithAShortBufferTruncates() {
        Socket tx = Lan.udp(lan.a);
        tx.setsockopt(SockOpt.IP_RECVERR, 1);
        tx.sendto(buf("0123456789"), 0, new SockAddrIn(B, 9));
        lan.settle();
        Msghdr m = new Msghdr(ByteBuffer.allocate(4));
        assertEquals(4, tx.recvmsg(m, Socket.MSG_ERRQUEUE | Socket.MSG_TRUNC), "ip_recv_error returns the bytes copied");
        assertEquals(Socket.MSG_ERRQUEUE | Socket.MSG_TRUNC, m.flags());
    }

    // ================================================================ shutdown

    @Test
    void shutdownRdEndsReceivingOnceTheQueueIsEmpty() {
        Socket rx = Lan.udp(lan.b);
        rx.bind(new SockAddrIn(0, 7000));
        rx.connect(new SockAddrIn(A, 4000));
        Socket tx = Lan.udp(lan.a);
        tx.bind(new SockAddrIn(0, 4000));
        tx.sendto(buf("queued"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        rx.shutdown(Socket.SHUT_RD);
        assertEquals(6, rx.recv(ByteBuffer.allocate(10), 0), "what was queued can still be read");
        assertEquals(0, rx.recv(ByteBuffer.allocate(10), 0), "then end of file, without blocking");
        int ev = rx.poll();
        assertTrue((ev & Socket.POLLIN) != 0 && (ev & Socket.POLLRDHUP) != 0);
        assertEquals(0, ev & Socket.POLLHUP, "only one direction is shut");
    }

    @Test
    void shutdownWrMakesSendsFailWithEpipe() {
        Socket tx = Lan.udp(lan.a);
        tx.connect(new SockAddrIn(B, 7000));
        tx.shutdown(Socket.SHUT_WR);
        assertEquals(Errno.EPIPE, errno(() -> tx.send(buf("x"), 0)));
        tx.shutdown(Socket.SHUT_RD);
        assertTrue((tx.poll() & Socket.POLLHUP) != 0, "both directions shut: POLLHUP");
    }

    @Test
    void shutdownRdwrOnAConnectedSocket() {
        Socket s = Lan.udp(lan.a);
        s.connect(new SockAddrIn(B, 7000));
        s.shutdown(Socket.SHUT_RDWR);
        assertTrue((s.poll() & Socket.POLLHUP) != 0);
        assertEquals(0, s.recv(ByteBuffer.allocate(10), 0));
    }

    @Test
    void shutdownOfAnUnconnectedSocketIsEnotconnYetShutsIt() {
        Socket s = Lan.udp(lan.a);
        s.bind(new SockAddrIn(0, 7000));
        assertEquals(Errno.ENOTCONN, errno(() -> s.shutdown(Socket.SHUT_RD)));
        assertEquals(0, s.recv(ByteBuffer.allocate(10), 0),
                "inet_shutdown sets sk_shutdown anyway so that waiters wake up");
    }

    @Test
    void shutdownWithABadHowIsEinval() {
        Socket s = Lan.udp(lan.a);
        assertEquals(Errno.EINVAL, errno(() -> s.shutdown(3)));
        assertEquals(Errno.EINVAL, errno(() -> s.shutdown(-1)));
    }

    // ================================================================ close

    @Test
    void afterCloseEveryCallIsEbadf() {
        Socket s = Lan.udp(lan.a);
        s.bind(new SockAddrIn(0, 7000));
        s.close();
        s.close();
        assertTrue(s.isClosed());
        assertEquals(Socket.POLLNVAL, s.poll());
        assertEquals(Errno.EBADF, errno(() -> s.bind(new SockAddrIn(0, 7001))));
        assertEquals(Errno.EBADF, errno(() -> s.connect(new SockAddrIn(B, 1))));
        assertEquals(Errno.EBADF, errno(() -> s.sendto(buf("x"), 0, new SockAddrIn(B, 1))));
        assertEquals(Errno.EBADF, errno(() -> s.recv(ByteBuffer.allocate(1), 0)));
        assertEquals(Errno.EBADF, errno(s::getsockname));
        assertEquals(Errno.EBADF, errno(s::getpeername));
        assertEquals(Errno.EBADF, errno(() -> s.shutdown(Socket.SHUT_RD)));
        assertEquals(Errno.EBADF, errno(() -> s.shutdown(7)), "the descriptor is checked first");
        assertEquals(Errno.EBADF, errno(() -> s.setsockopt(SockOpt.SO_REUSEADDR, 1)));
        assertEquals(Errno.EBADF, errno(() -> s.getsockopt(SockOpt.SO_TYPE)));
        assertEquals(Errno.EBADF, errno(() -> s.ioctl(Socket.FIONREAD, 0)));
        assertEquals(Errno.EBADF, errno(() -> s.fcntl(Socket.F_GETFL, 0)));
    }

    @Test
    void closeReleasesThePortAndTheQueuedDatagrams() {
        Socket rx = Lan.udp(lan.b);
        rx.bind(new SockAddrIn(0, 7000));
        Socket tx = Lan.udp(lan.a);
        tx.sendto(buf("left behind"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        assertTrue(rx.sock().rmemAlloc() > 0);
        rx.close();
        assertEquals(0, rx.sock().rmemAlloc(), "queued datagrams are freed");
        Socket again = Lan.udp(lan.b);
        again.bind(new SockAddrIn(0, 7000));
        assertEquals(7000, again.getsockname().port());
    }

    // ================================================================ ioctl, fcntl

    @Test
    void fionreadIsTheSizeOfTheNextDatagram() {
        Socket rx = Lan.udp(lan.b);
        rx.bind(new SockAddrIn(0, 7000));
        assertEquals(0, rx.ioctl(Socket.FIONREAD, 0));
        Socket tx = Lan.udp(lan.a);
        tx.sendto(buf("12345"), 0, new SockAddrIn(B, 7000));
        tx.sendto(buf("1234567890"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        assertEquals(5, rx.ioctl(Socket.FIONREAD, 0), "the first datagram only (SIOCINQ)");
        rx.recv(ByteBuffer.allocate(100), 0);
        assertEquals(10, rx.ioctl(Socket.FIONREAD, 0));
    }

    @Test
    void siocoutqCountsWhatIsNotSentYet() {
        Socket tx = Lan.udp(lan.a);
        assertEquals(0, tx.ioctl(Socket.SIOCOUTQ, 0));
        tx.sendto(buf("to nobody on the link"), 0, new SockAddrIn(Lan.C, 7000));
        assertTrue(tx.ioctl(Socket.SIOCOUTQ, 0) > 0, "held in the neighbour queue while ARP resolves C");
        lan.k.runFor(5_000_000_000L);
        assertEquals(0, tx.ioctl(Socket.SIOCOUTQ, 0), "freed when resolution fails");
    }

    @Test
    void fionbioAndFcntlSwitchBlocking() {
        Socket s = Lan.udp(lan.a);
        s.bind(new SockAddrIn(0, 7000));
        assertEquals(0, s.ioctl(Socket.FIONBIO, 1));
        assertTrue(s.isNonBlocking());
        assertEquals(Errno.EAGAIN, errno(() -> s.recv(ByteBuffer.allocate(1), 0)));
        s.ioctl(Socket.FIONBIO, 0);
        assertFalse(s.isNonBlocking());
        s.fcntl(Socket.F_SETFL, Socket.O_NONBLOCK);
        assertEquals(Socket.O_RDWR | Socket.O_NONBLOCK, s.fcntl(Socket.F_GETFL, 0));
        assertEquals(Errno.EAGAIN, errno(() -> s.recv(ByteBuffer.allocate(1), 0)));
        s.fcntl(Socket.F_SETFL, 0);
        assertEquals(Socket.O_RDWR, s.fcntl(Socket.F_GETFL, 0));
    }

    @Test
    void unknownIoctlIsEnottyAndUnknownFcntlEinval() {
        Socket s = Lan.udp(lan.a);
        assertEquals(Errno.ENOTTY, errno(() -> s.ioctl(0x1234, 0)));
        assertEquals(Errno.EINVAL, errno(() -> s.fcntl(99, 0)));
    }
}
