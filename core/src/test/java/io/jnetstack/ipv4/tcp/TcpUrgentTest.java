package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.socket.Epoll;
import io.jnetstack.socket.Msghdr;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;
import io.jnetstack.wire.Tcp;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.jnetstack.ipv4.tcp.ReliabilityHarness.MS;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.Out;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.read;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.synOpts;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The peer's urgent data (RFC 9293 §3.8.5, RFC 6093), as Linux receives it: the byte before the
 * urgent pointer leaves the stream for recv(MSG_OOB) unless SO_OOBINLINE; reads stop at the
 * mark; SIOCATMARK, POLLPRI and FIONREAD tell where it is.
 */
class TcpUrgentTest {
    private static final int A = Tcp.ACK;
    private static final int P = Tcp.PSH;
    private static final int U = Tcp.URG;
    private static final int WIN = 65535;

    private ReliabilityHarness h;
    private Socket s;

    private void open(long seed) {
        h = new ReliabilityHarness(seed);
        s = h.passiveOpen(synOpts(1000, false, false, -1), WIN);
    }

    /** The peer sends {@code text} at its next sequence number, with URG and {@code urg} when not negative. */
    private void send(String text, int urg) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        h.injectRaw(A | P | (urg >= 0 ? U : 0), h.riss + h.rseq, b, h.liss + 1, WIN, null, Math.max(urg, 0));
        h.rseq += b.length;
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static String peek(Socket s, int max) {
        ByteBuffer b = ByteBuffer.allocate(max);
        s.recv(b, Socket.MSG_PEEK | Socket.MSG_DONTWAIT);
        return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
    }

    /** recv(MSG_OOB | extra) of one byte, as a char. */
    private static char oob(Socket s, int extra) {
        ByteBuffer b = ByteBuffer.allocate(1);
        assertEquals(1, s.recv(b, Socket.MSG_OOB | Socket.MSG_DONTWAIT | extra));
        return (char) b.get(0);
    }

    private static Errno oobErrno(Socket s) {
        return assertThrows(ErrnoException.class, () -> s.recv(ByteBuffer.allocate(1), Socket.MSG_OOB)).errno();
    }

    private static long atMark(Socket s) {
        return s.ioctl(Socket.SIOCATMARK, 0);
    }

    @Test
    void theByteBeforeThePointerIsTakenOutOfTheStream() {
        open(201);
        send("abcdef", 3);
        assertEquals(0, atMark(s));
        assertEquals(2, s.ioctl(Socket.FIONREAD, 0), "FIONREAD counts up to the mark (tcp_inq)");
        assertEquals("ab", str(read(s, 100)), "a read stops at the mark");
        assertEquals(1, atMark(s));
        Msghdr m = new Msghdr(ByteBuffer.allocate(4));
        assertEquals(1, s.recvmsg(m, Socket.MSG_OOB));
        assertEquals(Socket.MSG_OOB, m.flags() & Socket.MSG_OOB, "msg_flags has MSG_OOB");
        assertEquals('c', m.iov()[0].get(0));
        assertEquals(Errno.EINVAL, oobErrno(s), "the urgent byte is read once");
        assertEquals(1, atMark(s), "still at the mark until the stream moves past it");
        assertEquals("def", str(read(s, 100)), "the urgent byte is not in the stream");
        assertEquals(0, atMark(s));
        assertEquals(Errno.EINVAL, oobErrno(s));
    }

    @Test
    void readingPastTheMarkLosesTheUrgentByte() {
        open(202);
        send("abcdef", 3);
        assertEquals("ab", str(read(s, 100)));
        assertEquals("def", str(read(s, 100)), "at the mark with nothing read, the read steps over the byte");
        assertEquals(Errno.EINVAL, oobErrno(s), "read past: the urgent data is over");
    }

    @Test
    void withoutUrgentDataMsgOobIsEinval() {
        open(203);
        assertEquals(Errno.EINVAL, oobErrno(s));
        send("abc", -1);
        assertEquals(Errno.EINVAL, oobErrno(s));
        assertEquals(0, atMark(s));
        assertEquals("abc", str(read(s, 100)));
    }

    @Test
    void beforeTheUrgentByteArrivesMsgOobIsEagainAndNeverWaits() {
        open(204);
        send("ab", 5);   // the urgent byte is the peer's fifth: not here yet
        assertEquals(Errno.EAGAIN, oobErrno(s), "a blocking MSG_OOB does not wait (tcp_recv_urg)");
        assertEquals(0, s.poll() & Socket.POLLPRI, "no POLLPRI until the byte is here");
        assertEquals("ab", str(read(s, 100)));
        send("cde", -1);   // carries the urgent byte without URG: the slow path still catches it
        assertEquals(Socket.POLLPRI, s.poll() & Socket.POLLPRI);
        assertEquals('e', oob(s, 0));
        assertEquals("cd", str(read(s, 100)));
    }

    @Test
    void pollReportsPriWhileTheByteWaitsAndNoInForTheUrgentByteAlone() {
        open(205);
        send("x", 1);
        int mask = s.poll();
        assertEquals(Socket.POLLPRI, mask & Socket.POLLPRI);
        assertEquals(0, mask & Socket.POLLIN, "the only byte is the out-of-line urgent byte: nothing to read");
        assertEquals(1, atMark(s));
        assertEquals('x', oob(s, 0));
        assertEquals(0, s.poll() & (Socket.POLLPRI | Socket.POLLIN));
        send("yz", -1);
        assertEquals(Socket.POLLIN, s.poll() & (Socket.POLLPRI | Socket.POLLIN));
        assertEquals("yz", str(read(s, 100)));
    }

    @Test
    void epollIsWokenWithPollpri() {
        open(206);
        Epoll ep = h.net.sockets().epoll();
        ep.add(s, Socket.POLLPRI | Epoll.EPOLLET, "s");
        assertTrue(ep.await(4, 0).isEmpty());
        send("abc", 3);
        List<Epoll.Event> ev = ep.await(4, 0);
        assertEquals(1, ev.size());
        assertEquals(Socket.POLLPRI, ev.getFirst().events() & Socket.POLLPRI);
    }

    @Test
    void soOobinlineKeepsTheByteInTheStream() {
        open(207);
        assertEquals(0, s.getsockopt(SockOpt.SO_OOBINLINE));
        s.setsockopt(SockOpt.SO_OOBINLINE, 1);
        assertEquals(1, s.getsockopt(SockOpt.SO_OOBINLINE));
        send("abcdef", 3);
        assertEquals(Socket.POLLPRI | Socket.POLLIN, s.poll() & (Socket.POLLPRI | Socket.POLLIN));
        assertEquals(Errno.EINVAL, oobErrno(s), "inline: MSG_OOB has nothing");
        assertEquals(6, s.ioctl(Socket.FIONREAD, 0), "inline: every byte counts");
        assertEquals("ab", str(read(s, 100)), "the read still stops at the mark");
        assertEquals(1, atMark(s));
        assertEquals("cdef", str(read(s, 100)), "the urgent byte is read as data");
        assertEquals(0, atMark(s));
        assertEquals(0, s.poll() & Socket.POLLPRI);
    }

    @Test
    void aSecondUrgentPointerReplacesTheFirst() {
        open(208);
        send("ab", 2);   // b urgent
        send("cd", 2);   // d urgent: b becomes ordinary data (RFC 6093 §4: one mark)
        assertEquals('d', oob(s, 0));
        assertEquals("abc", str(read(s, 100)));
        assertEquals(1, atMark(s));
        assertEquals(Errno.EINVAL, oobErrno(s));
    }

    @Test
    void aNewPointerWhileTheReaderSitsOnTheOldByteDropsTheOldByte() {
        open(209);
        send("ab", 1);   // a urgent, and the reader is on it
        assertEquals(1, atMark(s));
        send("cd", 2);   // d urgent: a is stepped over now (tcp_check_urg), not read as data later
        assertEquals("bc", str(read(s, 100)));
        assertEquals('d', oob(s, 0));
    }

    @Test
    void msgPeekLeavesTheUrgentByteAndStepsOverItInTheStream() {
        open(210);
        send("abc", 2);   // b urgent
        assertEquals('b', oob(s, Socket.MSG_PEEK));
        assertEquals('b', oob(s, Socket.MSG_PEEK), "a peek does not take it");
        assertEquals(Socket.POLLPRI, s.poll() & Socket.POLLPRI);
        assertEquals("a", peek(s, 100), "a peek stops at the mark too");
        assertEquals("a", str(read(s, 100)));
        assertEquals("c", peek(s, 100), "peeking from the mark steps over the urgent byte");
        assertEquals(1, atMark(s), "a peek does not move the reader");
        assertEquals('b', oob(s, 0));
        assertEquals(Errno.EINVAL, oobErrno(s));
        assertEquals(0, s.poll() & Socket.POLLPRI);
        assertEquals("c", str(read(s, 100)));
    }

    @Test
    void msgOobWithAnEmptyBufferReportsTruncation() {
        open(211);
        send("ab", 2);
        Msghdr m = new Msghdr(ByteBuffer.allocate(0));
        assertEquals(0, s.recvmsg(m, Socket.MSG_OOB));
        assertEquals(Socket.MSG_OOB | Socket.MSG_TRUNC, m.flags() & (Socket.MSG_OOB | Socket.MSG_TRUNC));
        assertEquals(Errno.EINVAL, oobErrno(s), "taken all the same");
    }

    @Test
    void tcpStdurgTakesThePointerAsTheLastUrgentByte() {
        open(212);
        h.net.sysctls().set("net.ipv4.tcp_stdurg", "1");
        send("abcd", 2);   // RFC 1122: the pointer names c itself
        assertEquals('c', oob(s, 0));
        assertEquals("ab", str(read(s, 100)));
        assertEquals("d", str(read(s, 100)));
    }

    @Test
    void fionreadDoesNotCountThePeersFin() {
        open(213);
        h.injectRaw(A | P | Tcp.FIN, h.riss + 1, "abc".getBytes(StandardCharsets.US_ASCII), h.liss + 1, WIN, null, 0);
        assertEquals(3, s.ioctl(Socket.FIONREAD, 0));
        read(s, 100);
        assertEquals(0, s.ioctl(Socket.FIONREAD, 0));
    }

    @Test
    void siocatmarkOnAListenerIsEinval() {
        ReliabilityHarness hh = new ReliabilityHarness(214);
        Socket l = hh.socket();
        l.bind(new SockAddrIn(0, 9000));
        l.listen(1);
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> l.ioctl(Socket.SIOCATMARK, 0)).errno());
        assertEquals(Errno.ENOTCONN, assertThrows(ErrnoException.class,
                () -> l.recv(ByteBuffer.allocate(1), Socket.MSG_OOB)).errno());
    }

    @Test
    void urgentDataBetweenTwoStacks() {
        ReliabilityHarness hh = new ReliabilityHarness(216);
        Socket l = hh.socket();
        l.bind(new SockAddrIn(ReliabilityHarness.LOCAL, 9001));
        l.listen(1);
        Socket c = hh.net.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM | Socket.SOCK_NONBLOCK, 0);
        try {
            c.connect(new SockAddrIn(ReliabilityHarness.LOCAL, 9001));
        } catch (ErrnoException e) {
            assertEquals(Errno.EINPROGRESS, e.errno());
        }
        hh.run(MS);
        Socket srv = l.accept();
        c.send(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), 0);
        c.send(ByteBuffer.wrap("!".getBytes(StandardCharsets.US_ASCII)), Socket.MSG_OOB);
        c.send(ByteBuffer.wrap("world".getBytes(StandardCharsets.US_ASCII)), 0);
        hh.run(10 * MS);
        assertEquals("hello", str(read(srv, 100)));
        assertEquals(1, atMark(srv));
        assertEquals('!', oob(srv, 0));
        assertEquals("world", str(read(srv, 100)));
    }
}
