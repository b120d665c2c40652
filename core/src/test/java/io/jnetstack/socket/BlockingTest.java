package io.jnetstack.socket;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.sched.Netem;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.jnetstack.socket.Lan.B;
import static io.jnetstack.socket.Lan.buf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Blocking calls in a deterministic kernel: a call from the test thread drives virtual time
 * until it completes; a call on a {@link io.jnetstack.core.Kernel#spawn spawned} thread parks
 * while the test thread drives.
 */
class BlockingTest {
    static final long MS = 1_000_000L;

    final Lan lan = new Lan(15);
    final Socket rx = Lan.udp(lan.b);
    final Socket tx = Lan.udp(lan.a);

    BlockingTest() {
        rx.bind(new SockAddrIn(0, 7000));
    }

    void delayA(int ms) {
        tx.sendto(buf("resolve R first"), 0, new SockAddrIn(B, 9));
        lan.settle();
        lan.k.run(() -> lan.aEth.setQdisc(new Netem(Netem.Config.parse("delay " + ms + "ms"))));
    }

    /** Outcome of a call made on a spawned thread. */
    static final class Outcome {
        final AtomicReference<Object> value = new AtomicReference<>();
        Thread thread;

        boolean done() {
            return value.get() != null;
        }

        int n() {
            return (Integer) value.get();
        }

        Errno errno() {
            return ((ErrnoException) value.get()).errno();
        }
    }

    Outcome spawn(java.util.function.IntSupplier call) {
        Outcome o = new Outcome();
        o.thread = lan.k.spawn("user", () -> {
            try {
                o.value.set(call.getAsInt());
            } catch (ErrnoException e) {
                o.value.set(e);
            }
        });
        return o;
    }

    static void join(Outcome o) throws InterruptedException {
        o.thread.join(10_000);
        assertFalse(o.thread.isAlive());
    }

    @Test
    void aBlockingRecvDrivesTimeUntilTheDelayedDatagramArrives() {
        delayA(200);
        tx.sendto(buf("late"), 0, new SockAddrIn(B, 7000));
        long t0 = lan.k.clock().nanos();
        ByteBuffer in = ByteBuffer.allocate(10);
        assertEquals(4, rx.recv(in, 0));
        long waited = lan.k.clock().nanos() - t0;
        assertTrue(waited >= 200 * MS && waited < 201 * MS, "returned on arrival, after " + waited);
        assertEquals("late", Lan.str(in));
    }

    @Test
    void aBlockingRecvWithNothingComingFailsInsteadOfHanging() {
        ErrnoException x = assertThrows(ErrnoException.class, () -> rx.recv(ByteBuffer.allocate(10), 0));
        assertEquals(Errno.EDEADLK, x.errno(), "the deterministic kernel's guard, not a Linux errno");
    }

    @Test
    void aSpawnedRecvCompletesWhenTheDriverDeliversADatagram() throws InterruptedException {
        ByteBuffer in = ByteBuffer.allocate(10);
        Outcome o = spawn(() -> rx.recv(in, 0));
        assertFalse(o.done(), "parked: nothing to read");
        lan.k.runFor(50 * MS);
        assertFalse(o.done());
        tx.sendto(buf("wake up"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        join(o);
        assertEquals(7, o.n());
        assertEquals("wake up", Lan.str(in));
    }

    @Test
    void aSpawnedRecvTimesOutWithSoRcvtimeo() throws InterruptedException {
        rx.setsockopt(SockOpt.SO_RCVTIMEO, Duration.ofMillis(300));
        long t0 = lan.k.clock().nanos();
        Outcome o = spawn(() -> rx.recv(ByteBuffer.allocate(10), 0));
        lan.k.runFor(299 * MS);
        assertFalse(o.done(), "not yet");
        lan.k.runFor(1 * MS);
        join(o);
        assertEquals(Errno.EAGAIN, o.errno());
        assertEquals(300 * MS, lan.k.clock().nanos() - t0);
    }

    @Test
    void shutdownReleasesASpawnedRecvOnAnUnconnectedSocket() throws InterruptedException {
        Outcome o = spawn(() -> rx.recv(ByteBuffer.allocate(10), 0));
        assertFalse(o.done());
        assertThrows(ErrnoException.class, () -> rx.shutdown(Socket.SHUT_RD), "ENOTCONN, yet the waiter is woken");
        lan.settle();
        join(o);
        assertEquals(0, o.n());
    }

    @Test
    void aSpawnedSendWaitsForRoomInTheSendBuffer() throws InterruptedException {
        Socket s = Lan.udp(lan.a);
        s.setsockopt(SockOpt.SO_SNDBUF, 0);
        Outcome o = spawn(() -> {
            int sent = 0;
            for (int i = 0; i < 4; i++) {
                sent += s.sendto(ByteBuffer.allocate(1000), 0, new SockAddrIn(Lan.C, 7000));
            }
            return sent;
        });
        lan.k.runFor(100 * MS);
        assertFalse(o.done(), "blocked: the first datagrams hold the buffer while ARP resolves C");
        lan.k.runFor(5_000 * MS);
        join(o);
        assertEquals(4000, o.n(), "ARP gave up, the buffer emptied and the send went on");
    }

    @Test
    void aSpawnedPollAndEpollWakeOnArrival() throws InterruptedException {
        Epoll ep = lan.b.sockets().epoll();
        ep.add(rx, Epoll.EPOLLIN, "rx");
        AtomicReference<List<Epoll.Event>> events = new AtomicReference<>();
        Thread waiter = lan.k.spawn("epoll", () -> events.set(ep.await(4, -1)));
        Outcome polled = spawn(() -> lan.b.sockets().poll(new Sockets.PollFd[]{new Sockets.PollFd(rx, Socket.POLLIN)}, 1000)[0]);
        assertNull(events.get());
        assertFalse(polled.done());
        tx.sendto(buf("x"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        waiter.join(10_000);
        join(polled);
        assertEquals(1, events.get().size());
        assertEquals(Socket.POLLIN, polled.n());
    }

    @Test
    void aSpawnedPollTimesOutInVirtualTime() throws InterruptedException {
        long t0 = lan.k.clock().nanos();
        Outcome polled = spawn(() -> lan.b.sockets().poll(new Sockets.PollFd[]{new Sockets.PollFd(rx, Socket.POLLIN)}, 40)[0]);
        lan.k.runFor(100 * MS);
        join(polled);
        assertEquals(0, polled.n());
        assertEquals(100 * MS, lan.k.clock().nanos() - t0);
    }

    @Test
    void twoSpawnedReadersShareTheDatagrams() throws InterruptedException {
        Outcome r1 = spawn(() -> rx.recv(ByteBuffer.allocate(10), 0));
        Outcome r2 = spawn(() -> rx.recv(ByteBuffer.allocate(10), 0));
        tx.sendto(buf("a"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        tx.sendto(buf("bb"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        join(r1);
        join(r2);
        assertEquals(3, r1.n() + r2.n(), "each got one datagram");
    }
}
