package io.jnetstack.socket;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.sched.Netem;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static io.jnetstack.socket.Lan.B;
import static io.jnetstack.socket.Lan.buf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Readiness: Socket.poll, poll(2) over several sockets, and epoll level-, edge-triggered and one-shot, in virtual time. */
class PollEpollTest {
    static final int OUT = Socket.POLLOUT | Socket.POLLWRNORM | Socket.POLLWRBAND;
    static final int IN = Socket.POLLIN | Socket.POLLRDNORM;
    static final long MS = 1_000_000L;

    final Lan lan = new Lan(14);
    final Socket rx = Lan.udp(lan.b);
    final Socket tx = Lan.udp(lan.a);

    PollEpollTest() {
        rx.bind(new SockAddrIn(0, 7000));
    }

    static Errno errno(Runnable r) {
        return assertThrows(ErrnoException.class, r::run).errno();
    }

    /** Every frame A sends takes {@code ms} more to leave A (once A knows R's MAC address). */
    void delayA(int ms) {
        tx.sendto(buf("resolve R first"), 0, new SockAddrIn(B, 9));
        lan.settle();
        lan.k.run(() -> lan.aEth.setQdisc(new Netem(Netem.Config.parse("delay " + ms + "ms"))));
    }

    void send(String s) {
        tx.sendto(buf(s), 0, new SockAddrIn(B, 7000));
    }

    // ================================================================ Socket.poll

    @Test
    void readinessOfOneSocket() {
        assertEquals(OUT, rx.poll(), "an idle socket can be written, not read");
        send("x");
        lan.settle();
        assertEquals(OUT | IN, rx.poll());
        rx.recv(ByteBuffer.allocate(4), 0);
        assertEquals(OUT, rx.poll(), "nothing left to read");
    }

    @Test
    void pollerrWhileAnErrorIsPending() {
        Socket s = Lan.udp(lan.a);
        s.connect(new SockAddrIn(B, 9));
        s.send(buf("x"), 0);
        lan.settle();
        assertEquals(OUT | Socket.POLLERR, s.poll());
        s.getsockopt(SockOpt.SO_ERROR);
        assertEquals(OUT, s.poll());
    }

    @Test
    void pollhupAfterShutdownOfBothDirectionsAndPollnvalAfterClose() {
        Socket s = Lan.udp(lan.a);
        s.connect(new SockAddrIn(B, 7000));
        s.shutdown(Socket.SHUT_RDWR);
        assertEquals(OUT | IN | Socket.POLLRDHUP | Socket.POLLHUP, s.poll());
        s.close();
        assertEquals(Socket.POLLNVAL, s.poll());
    }

    // ================================================================ poll(2)

    @Test
    void pollWithTimeoutZeroJustLooks() {
        long t0 = lan.k.clock().nanos();
        int[] r = lan.b.sockets().poll(new Sockets.PollFd[]{new Sockets.PollFd(rx, Socket.POLLIN)}, 0);
        assertArrayEquals(new int[]{0}, r);
        assertEquals(t0, lan.k.clock().nanos());
    }

    @Test
    void pollTimesOutInVirtualTime() {
        long t0 = lan.k.clock().nanos();
        int[] r = lan.b.sockets().poll(new Sockets.PollFd[]{new Sockets.PollFd(rx, Socket.POLLIN)}, 100);
        assertArrayEquals(new int[]{0}, r);
        assertEquals(100 * MS, lan.k.clock().nanos() - t0, "exactly the timeout");
    }

    @Test
    void pollWakesWhenADelayedDatagramArrives() {
        delayA(30);
        Socket other = Lan.udp(lan.b);
        other.bind(new SockAddrIn(0, 7001));
        send("late");
        long t0 = lan.k.clock().nanos();
        int[] r = lan.b.sockets().poll(new Sockets.PollFd[]{
                new Sockets.PollFd(other, Socket.POLLIN), new Sockets.PollFd(rx, Socket.POLLIN)}, 1000);
        long waited = lan.k.clock().nanos() - t0;
        assertArrayEquals(new int[]{0, Socket.POLLIN}, r, "only the events asked for");
        assertTrue(waited >= 30 * MS && waited < 31 * MS, "woken when it arrived, after " + waited);
    }

    @Test
    void pollAlwaysReportsErrHupAndNval() {
        Socket s = Lan.udp(lan.a);
        s.connect(new SockAddrIn(B, 9));
        s.send(buf("x"), 0);
        lan.settle();
        Socket shut = Lan.udp(lan.a);
        shut.connect(new SockAddrIn(B, 7000));
        shut.shutdown(Socket.SHUT_RDWR);
        Socket closed = Lan.udp(lan.a);
        closed.close();
        int[] r = lan.a.sockets().poll(new Sockets.PollFd[]{
                new Sockets.PollFd(s, 0), new Sockets.PollFd(shut, 0), new Sockets.PollFd(closed, Socket.POLLIN)}, -1);
        assertArrayEquals(new int[]{Socket.POLLERR, Socket.POLLHUP, Socket.POLLNVAL}, r);
    }

    @Test
    void pollForPolloutIsReadyAtOnce() {
        int[] r = lan.a.sockets().poll(new Sockets.PollFd[]{new Sockets.PollFd(tx, Socket.POLLOUT | Socket.POLLIN)}, -1);
        assertArrayEquals(new int[]{Socket.POLLOUT}, r);
    }

    // ================================================================ epoll

    @Test
    void epollLevelTriggeredReportsUntilRead() {
        Epoll ep = lan.b.sockets().epoll();
        Object tag = "rx";
        ep.add(rx, Epoll.EPOLLIN, tag);
        assertTrue(ep.await(8, 0).isEmpty());
        send("x");
        lan.settle();
        for (int i = 0; i < 3; i++) {
            List<Epoll.Event> ev = ep.await(8, 0);
            assertEquals(1, ev.size(), "round " + i);
            assertSame(rx, ev.get(0).socket());
            assertEquals(Epoll.EPOLLIN, ev.get(0).events());
            assertSame(tag, ev.get(0).attachment());
        }
        rx.recv(ByteBuffer.allocate(4), 0);
        assertTrue(ep.await(8, 0).isEmpty(), "read: no longer ready");
    }

    @Test
    void epollEdgeTriggeredReportsEachArrivalOnce() {
        Epoll ep = lan.b.sockets().epoll();
        ep.add(rx, Epoll.EPOLLIN | Epoll.EPOLLET, null);
        send("one");
        lan.settle();
        assertEquals(1, ep.await(8, 0).size());
        assertTrue(ep.await(8, 0).isEmpty(), "still unread, but no new edge");
        send("two");
        lan.settle();
        assertEquals(1, ep.await(8, 0).size(), "a new datagram is a new edge");
        assertTrue(ep.await(8, 0).isEmpty());
    }

    @Test
    void epollOneshotDisarmsUntilModified() {
        Epoll ep = lan.b.sockets().epoll();
        ep.add(rx, Epoll.EPOLLIN | Epoll.EPOLLONESHOT, null);
        send("one");
        lan.settle();
        assertEquals(1, ep.await(8, 0).size());
        send("two");
        lan.settle();
        assertTrue(ep.await(8, 0).isEmpty(), "disarmed");
        ep.modify(rx, Epoll.EPOLLIN | Epoll.EPOLLONESHOT, null);
        assertEquals(1, ep.await(8, 0).size(), "re-armed and ready");
        assertTrue(ep.await(8, 0).isEmpty());
    }

    @Test
    void epollWaitsInVirtualTime() {
        delayA(40);
        Epoll ep = lan.b.sockets().epoll();
        ep.add(rx, Epoll.EPOLLIN, null);
        long t0 = lan.k.clock().nanos();
        assertTrue(ep.await(8, 25).isEmpty());
        assertEquals(25 * MS, lan.k.clock().nanos() - t0);
        send("late");
        long t1 = lan.k.clock().nanos();
        List<Epoll.Event> ev = ep.await(8, -1);
        long waited = lan.k.clock().nanos() - t1;
        assertEquals(1, ev.size());
        assertTrue(waited >= 40 * MS && waited < 41 * MS, "woken on arrival, after " + waited);
    }

    @Test
    void epollReportsAtMostMaxEventsAndPollout() {
        Epoll ep = lan.a.sockets().epoll();
        Socket s1 = Lan.udp(lan.a);
        Socket s2 = Lan.udp(lan.a);
        ep.add(s1, Epoll.EPOLLOUT, 1);
        ep.add(s2, Epoll.EPOLLOUT, 2);
        assertEquals(2, ep.size());
        List<Epoll.Event> first = ep.await(1, 0);
        assertEquals(1, first.size());
        assertEquals(Epoll.EPOLLOUT, first.get(0).events());
        assertEquals(2, ep.await(8, 0).size(), "level-triggered: both again");
        ep.remove(s1);
        assertEquals(1, ep.await(8, 0).size());
    }

    @Test
    void epollErrorsAndHangups() {
        Epoll ep = lan.a.sockets().epoll();
        Socket s = Lan.udp(lan.a);
        ep.add(s, Epoll.EPOLLIN, null);
        s.connect(new SockAddrIn(B, 9));
        s.send(buf("x"), 0);
        lan.settle();
        List<Epoll.Event> ev = ep.await(8, 0);
        assertEquals(1, ev.size());
        assertEquals(Epoll.EPOLLERR, ev.get(0).events(), "EPOLLERR without asking");
        s.getsockopt(SockOpt.SO_ERROR);
        s.shutdown(Socket.SHUT_RDWR);
        ev = ep.await(8, 0);
        assertEquals(Epoll.EPOLLIN | Epoll.EPOLLHUP, ev.get(0).events());
    }

    @Test
    void epollCtlErrors() {
        Epoll ep = lan.a.sockets().epoll();
        Socket s = Lan.udp(lan.a);
        ep.add(s, Epoll.EPOLLIN, null);
        assertEquals(Errno.EEXIST, errno(() -> ep.add(s, Epoll.EPOLLIN, null)));
        Socket t = Lan.udp(lan.a);
        assertEquals(Errno.ENOENT, errno(() -> ep.modify(t, Epoll.EPOLLIN, null)));
        assertEquals(Errno.ENOENT, errno(() -> ep.remove(t)));
        t.close();
        assertEquals(Errno.EBADF, errno(() -> ep.add(t, Epoll.EPOLLIN, null)));
        assertEquals(Errno.EINVAL, errno(() -> ep.await(0, 0)));
    }

    @Test
    void aClosedSocketLeavesTheEpollSet() {
        Epoll ep = lan.a.sockets().epoll();
        Socket s = Lan.udp(lan.a);
        ep.add(s, Epoll.EPOLLOUT, null);
        s.close();
        assertTrue(ep.await(8, 0).isEmpty(), "close removes it, as the last close of a file does");
        assertEquals(0, ep.size());
    }
}
