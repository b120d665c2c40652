package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;
import io.jnetstack.wire.Tcp;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;

import static io.jnetstack.ipv4.tcp.ReliabilityHarness.MS;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.SEC;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.fill;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.read;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.sk;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.synOpts;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TCP's memory against net.ipv4.tcp_mem (min, pressure, max pages), counted over every TCP socket
 * of the namespace as Linux counts {@code tcp_memory_allocated}: the truesize of receive,
 * out-of-order and write queues in 4096-byte pages; pressure above tcp_mem[1]; refusals above
 * tcp_mem[2]; everything given back as it is freed.
 */
class TcpMemTest {
    private static final int A = Tcp.ACK;
    private static final int WIN = 65535;

    private static long pagesOf(TcpSock k) {
        return (k.rmem() + k.wmemQueued + TcpMem.PAGE - 1) / TcpMem.PAGE;
    }

    private static long ext(ReliabilityHarness h, TcpExtMib c) {
        return h.tcp().extMib().get(c);
    }

    @Test
    void everyQueueIsChargedInPagesAndTheCounterReturnsToZeroWhenTheSocketsClose() {
        ReliabilityHarness h = new ReliabilityHarness(301);
        assertEquals(0, h.tcp().memoryPages());
        Socket s = h.passiveOpen(synOpts(1000, false, false, -1), WIN);
        TcpSock k = sk(s);
        assertEquals("TCP: inuse 2 orphan 0 tw 0 alloc 2 mem 0\n", h.tcp().sockstat());
        for (int i = 0; i < 5; i++) {
            h.data(1000, 1, WIN);   // receive queue
        }
        h.inject(A, 8001, 1000, 1, WIN);   // out-of-order queue
        write(s, 30_000);                    // write queue
        assertEquals(1, k.ofo().size());
        assertTrue(k.rmem() > 6 * 1000 && k.wmemQueued > 30_000);
        assertEquals(pagesOf(k), h.tcp().memoryPages(), "the pages cover the truesize, less than a page to spare");
        assertTrue(k.forwardAlloc >= 0 && k.forwardAlloc < TcpMem.PAGE);
        read(s, 2000);
        assertEquals(pagesOf(k), h.tcp().memoryPages(), "a read gives pages back");
        h.ack(10_001, WIN);
        assertEquals(pagesOf(k), h.tcp().memoryPages(), "an ACK gives pages back");
        s.close();   // unread data: RST, everything freed
        assertEquals(TcpState.CLOSE, k.state());
        assertEquals(0, h.tcp().memoryPages());
        assertEquals("TCP: inuse 1 orphan 0 tw 0 alloc 1 mem 0\n", h.tcp().sockstat());
    }

    @Test
    void twoStacksTransferringGiveEveryPageBack() {
        ReliabilityHarness h = new ReliabilityHarness(302);
        Socket l = h.socket();
        l.bind(new io.jnetstack.socket.SockAddrIn(ReliabilityHarness.LOCAL, 9100));
        l.listen(4);
        Socket c = h.net.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM | Socket.SOCK_NONBLOCK, 0);
        try {
            c.connect(new io.jnetstack.socket.SockAddrIn(ReliabilityHarness.LOCAL, 9100));
        } catch (ErrnoException e) {
            assertEquals(Errno.EINPROGRESS, e.errno());
        }
        h.run(MS);
        Socket srv = l.accept();
        long sent = 0;
        long got = 0;
        long peak = 0;
        while (got < 500_000) {
            if (sent < 500_000) {
                try {
                    sent += c.send(ByteBuffer.wrap(new byte[(int) Math.min(64_000, 500_000 - sent)]), 0);
                } catch (ErrnoException e) {
                    assertEquals(Errno.EAGAIN, e.errno());
                }
            }
            peak = Math.max(peak, h.tcp().memoryPages());
            h.run(MS);
            got += read(srv, 1 << 16).length;
        }
        assertTrue(peak > 10, "peak " + peak);
        c.close();
        srv.close();
        l.close();
        h.run(120 * SEC);
        assertEquals(0, h.tcp().memoryPages());
        assertEquals("TCP: inuse 0 orphan 0 tw 0 alloc 0 mem 0\n", h.tcp().sockstat());
    }

    @Test
    void aSmallTcpMemDropsIncomingDataUntilTheReaderFreesMemory() {
        ReliabilityHarness h = new ReliabilityHarness(303);
        Socket s = h.passiveOpen(synOpts(1000, false, false, -1), WIN);
        TcpSock k = sk(s);
        h.net.sysctls().set("net.ipv4.tcp_mem", "4 6 8");
        int segs = 40;
        int seq = 1;
        while (h.net.drops(DropReason.PROTO_MEM) == 0) {
            assertTrue(seq < segs * 1000, "never refused");
            h.clear();
            h.inject(A | Tcp.PSH, seq, 1000, 1, WIN);
            seq += 1000;
        }
        assertTrue(h.tcp().memoryPressure(), "above tcp_mem[1]");
        assertEquals(1, ext(h, TcpExtMib.TCPMemoryPressures));
        assertEquals(1, ext(h, TcpExtMib.TCPRcvQDrop));
        assertTrue(h.tcp().memoryPages() <= 8, "pages " + h.tcp().memoryPages());
        int have = k.rcvNxt - (h.riss + 1);
        assertEquals(seq - 1000 - 1, have, "all but the last segment were taken");
        ReliabilityHarness.Out nomem = h.next();
        assertEquals(have + 1, nomem.tcp().ack() - h.riss);
        assertEquals(0, nomem.tcp().window(), "refused for memory: window 0 at once (ICSK_ACK_NOMEM)");
        h.inject(A | Tcp.PSH, seq - 1000, 1000, 1, WIN);   // beyond window 0: not taken, answered
        assertEquals(have, k.rcvNxt - (h.riss + 1));
        assertEquals(1, h.net.drops(DropReason.PROTO_MEM));
        assertEquals(have + 1, h.next().tcp().ack() - h.riss);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        got.writeBytes(read(s, 1 << 20));
        assertEquals(have, got.size());
        assertFalse(h.tcp().memoryPressure(), "the reader freed the memory: below tcp_mem[0]");
        assertTrue(ext(h, TcpExtMib.TCPMemoryPressuresChrono) >= 0);
        // The peer sends again what was dropped, and the rest; nothing is lost.
        for (seq = 1 + have; seq < 1 + segs * 1000; seq += 1000) {
            h.inject(A | Tcp.PSH, seq, 1000, 1, WIN);
            got.writeBytes(read(s, 1 << 20));
        }
        assertArrayEquals(fill(1, segs * 1000), got.toByteArray());
        assertEquals(1, ext(h, TcpExtMib.TCPMemoryPressures), "no new pressure episode");
        s.close();
        assertEquals(1, h.tcp().memoryPages(), "the FIN waits for its ACK");
        h.inject(A, 1 + segs * 1000, 0, 2, WIN);
        assertEquals(TcpState.FIN_WAIT2, k.state());
        assertEquals(0, h.tcp().memoryPages());
    }

    @Test
    void theFirstSegmentOfAnEmptyReceiveQueueIsAlwaysTaken() {
        ReliabilityHarness h = new ReliabilityHarness(304);
        Socket s = h.passiveOpen(synOpts(1000, false, false, -1), WIN);
        h.net.sysctls().set("net.ipv4.tcp_mem", "1 1 1");
        h.data(1000, 1, WIN);
        assertEquals(1000, read(s, 2000).length, "sk_forced_mem_schedule: a connection always moves");
        h.data(1000, 1, WIN);
        h.data(1000, 1, WIN);
        assertEquals(1, h.net.drops(DropReason.PROTO_MEM), "the second of two is refused");
        assertEquals(1000, read(s, 4000).length);
    }

    @Test
    void outOfOrderDataIsPrunedToMakeRoomForTheSegmentFillingTheHole() {
        ReliabilityHarness h = new ReliabilityHarness(305);
        Socket s = h.passiveOpen(synOpts(1000, false, false, -1), WIN);
        TcpSock k = sk(s);
        h.net.sysctls().set("net.ipv4.tcp_mem", "2 4 6");
        h.inject(A | Tcp.PSH, 1, 1000, 1, WIN);                  // in order
        for (int i = 0; i < 20; i++) {
            h.inject(A | Tcp.PSH, 2001 + i * 1000, 1000, 1, WIN); // after a hole at 1001
        }
        assertTrue(ext(h, TcpExtMib.TCPOFODrop) > 0, "out-of-order data above tcp_mem[2] is dropped");
        assertTrue(k.ofo().size() > 0);
        assertEquals(0, h.net.drops(DropReason.TCP_OFO_QUEUE_PRUNE), "nothing after a later segment to prune");
        long pruneCalls = ext(h, TcpExtMib.OfoPruned);
        h.inject(A | Tcp.PSH, 1001, 1000, 1, WIN);               // fills the hole
        assertEquals(pruneCalls + 1, ext(h, TcpExtMib.OfoPruned));
        assertTrue(h.net.drops(DropReason.TCP_OFO_QUEUE_PRUNE) > 0, "out-of-order data went for the hole");
        assertTrue(k.rcvNxt - (h.riss + 1) >= 2000, "the hole was filled");
        assertEquals(0, h.net.drops(DropReason.PROTO_MEM) - ext(h, TcpExtMib.TCPOFODrop));
        byte[] got = read(s, 1 << 20);
        assertArrayEquals(fill(1, got.length), got);
    }

    @Test
    void theSegmentFillingTheHoleDisplacesOutOfOrderDataFromAFullReceiveBuffer() {
        ReliabilityHarness h = new ReliabilityHarness(309);
        Socket l = h.socket();
        l.setsockopt(SockOpt.SO_RCVBUF, 8192);   // 16 KiB, inherited
        l.bind(new io.jnetstack.socket.SockAddrIn(0, ReliabilityHarness.PORT));
        l.listen(4);
        Socket s = h.passiveOpen(l, synOpts(1000, false, false, -1), WIN);
        TcpSock k = sk(s);
        h.inject(A | Tcp.PSH, 1, 1000, 1, WIN);
        for (int seq = 2001; seq < 9001; seq += 1000) {
            h.inject(A | Tcp.PSH, seq, 1000, 1, WIN);   // a hole at 1001; the buffer fills
        }
        assertTrue(ext(h, TcpExtMib.TCPOFODrop) > 0, "the buffer is full");
        int ofo = k.ofo().size();
        h.clear();
        h.inject(A | Tcp.PSH, 1001, 1000, 1, WIN);
        // tcp_prune_queue: collapsing is not enough, so out-of-order data goes (tcp_prune_ofo_queue)
        // and the segment the connection needs is taken; refusing it would close the window on
        // the hole for good.
        assertTrue(h.net.drops(DropReason.TCP_OFO_QUEUE_PRUNE) > 0);
        assertTrue(k.ofo().size() < ofo);
        assertTrue(k.rcvNxt - (h.riss + 1) >= 2000, "the hole was filled");
        assertEquals(0, ext(h, TcpExtMib.TCPRcvQDrop));
        assertTrue(h.next().tcp().window() > 0);
        byte[] got = read(s, 1 << 20);
        assertArrayEquals(fill(1, got.length), got);
    }

    @Test
    void underPressureTheSendBufferShrinksAndTheWriterIsStopped() {
        ReliabilityHarness h = new ReliabilityHarness(306);
        Socket s = h.passiveOpen(synOpts(1000, false, false, -1), WIN);
        TcpSock k = sk(s);
        int sndbuf = k.sndbuf();
        h.net.sysctls().set("net.ipv4.tcp_mem", "2 3 4");
        int taken = write(s, 200_000);
        assertTrue(taken < 200_000);
        assertTrue(h.tcp().memoryPressure());
        assertEquals(1, ext(h, TcpExtMib.TCPMemoryPressures));
        assertTrue(k.sndbuf() < sndbuf, "sk_stream_moderate_sndbuf: " + k.sndbuf() + " < " + sndbuf);
        assertEquals(Errno.EAGAIN, assertThrows(ErrnoException.class, () -> write(s, 1000)).errno());
        assertEquals(0, s.poll() & Socket.POLLOUT, "the moderated send buffer is full");
        h.ack(1 + taken, WIN);
        h.run(MS);
        assertEquals(0, h.tcp().memoryPages());
        assertFalse(h.tcp().memoryPressure());
        assertTrue(write(s, 1000) > 0, "memory given back: the writer goes on");
    }

    @Test
    void aWriterWithAFixedSendBufferWaitsForMemory() {
        ReliabilityHarness h = new ReliabilityHarness(307);
        Socket s = h.passiveOpen(synOpts(1000, false, false, -1), WIN);
        s.setsockopt(SockOpt.SO_SNDBUF, 100_000);
        h.net.sysctls().set("net.ipv4.tcp_mem", "2 3 4");
        int taken = write(s, 100_000);
        assertTrue(taken < 20_000, "taken " + taken);
        ErrnoException e = assertThrows(ErrnoException.class, () -> write(s, 1000));
        assertEquals(Errno.EAGAIN, e.errno());
        assertTrue(e.getMessage().contains("tcp_mem"), e.getMessage());
        // Blocking: sk_stream_wait_memory sleeps and tries again until SO_SNDTIMEO.
        s.setsockopt(SockOpt.SO_SNDTIMEO, Duration.ofMillis(800));
        long t0 = h.now();
        ErrnoException timeout = assertThrows(ErrnoException.class, () -> s.send(ByteBuffer.allocate(1000), 0));
        assertEquals(Errno.EAGAIN, timeout.errno());
        assertTrue(h.now() - t0 >= 800 * MS, "waited " + (h.now() - t0) / MS + " ms");
        h.ack(1 + taken, WIN);
        assertEquals(1000, s.send(ByteBuffer.allocate(1000), 0));
    }

    @Test
    void anOrphanAboveTcpMemMaxIsReset() {
        ReliabilityHarness h = new ReliabilityHarness(308);
        Socket s = h.passiveOpen(synOpts(1000, false, false, -1), 1000);
        write(s, 20_000);
        h.clear();
        h.net.sysctls().set("net.ipv4.tcp_mem", "1 1 1");
        s.close();
        ReliabilityHarness.Out rst = h.next();
        assertEquals(Tcp.RST, rst.tcp().flags() & Tcp.RST);
        assertEquals(1, ext(h, TcpExtMib.TCPAbortOnMemory));
        assertEquals(0, h.tcp().memoryPages());
    }
}
