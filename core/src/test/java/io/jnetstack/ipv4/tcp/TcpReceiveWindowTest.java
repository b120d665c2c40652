package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.socket.Socket;
import io.jnetstack.wire.Tcp;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import static io.jnetstack.ipv4.tcp.ReliabilityHarness.MS;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.Out;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.SEC;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.read;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.sk;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.synOpts;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Windows and acknowledgments: the receive window as data waits and as the reader drains it
 * (RFC 9293 §3.8.6.2.2 and RFC 1122 §4.2.3.3 silly-window avoidance, {@code tcp_cleanup_rbuf}),
 * the sender's zero-window probes (RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17), delayed and quick
 * ACKs (RFC 1122 §4.2.3.2, RFC 5681 §4.2), the out-of-order queue and urgent data.
 */
class TcpReceiveWindowTest {
    private static final int A = Tcp.ACK;
    private static final int WIN = 65535;

    // ---------------------------------------------------------------- zero window, sender side

    @Test
    void zeroWindowProbesBackOffAndDataResumesWhenTheWindowOpens() {
        ReliabilityHarness h = new ReliabilityHarness(51);
        Socket s = h.passiveOpen(synOpts(1000, false, false, -1), 2000);
        TcpSock k = sk(s);
        write(s, 5000);
        h.expect(A, 1, 1000, 1);
        h.expect(A, 1001, 1000, 1);
        h.none();
        h.run(10 * MS);
        h.ack(2001, 0);
        long rto = k.rtoNanos();
        long closed = h.now();
        h.none();
        // Probes: one RTO after the window closed, then backed off (doubling) after each answer.
        long expectAt = closed + rto;
        for (int i = 0; i < 5; i++) {
            Out p = h.await(200 * SEC);
            assertEquals(2000, p.tcp().seq() - h.liss, "a probe is SND.UNA - 1 without data: " + h.describe(p));
            assertEquals(0, p.len());
            assertEquals(expectAt, p.time(), "probe " + (i + 1));
            h.run(10 * MS);
            h.ack(2001, 0);   // the peer answers; the window stays closed
            expectAt = h.now() + (rto << (i + 1));
        }
        assertEquals(TcpState.ESTABLISHED, k.state(), "RFC 1122 §4.2.2.17: answered probes keep it open");
        assertEquals(5, h.tcp().extMib().get(TcpExtMib.TCPWinProbe));
        h.run(5 * MS);
        h.ack(2001, 3000);   // a window update
        h.expect(A, 2001, 1000, 1);
        h.expect(A, 3001, 1000, 1);
        h.expectData(4001, 1000);
        h.none();
    }

    @Test
    void unansweredZeroWindowProbesTimeOut() {
        ReliabilityHarness h = new ReliabilityHarness(52);
        h.net.sysctls().set("net.ipv4.tcp_retries2", "4");
        Socket s = h.passiveOpen(synOpts(1000, false, false, -1), 1000);
        write(s, 3000);
        h.expect(A, 1, 1000, 1);
        h.run(10 * MS);
        h.ack(1001, 0);
        for (int i = 0; i < 4; i++) {
            Out p = h.await(200 * SEC);
            assertEquals(0, p.len());
        }
        h.k.runUntil(() -> sk(s).state() == TcpState.CLOSE, 200 * SEC);
        h.none();
        assertEquals(Errno.ETIMEDOUT, assertThrows(ErrnoException.class, () -> write(s, 1)).errno());
    }

    // ---------------------------------------------------------------- the receive window

    @Test
    void theWindowNeverShrinksClosesAndReopensWithoutSillyUpdates() {
        ReliabilityHarness h = new ReliabilityHarness(53);
        Socket s = h.passiveOpen(synOpts(1460, false, false, -1), WIN);
        TcpSock k = sk(s);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        int rightEdge = 1 + h.log.getFirst().tcp().window();
        int lastWin = -1;
        // The peer sends full segments while the advertised window takes them; nobody reads.
        for (int i = 0; i < 200; i++) {
            int room = rightEdge - h.rseq;
            if (room < 1460) {
                break;
            }
            sent.writeBytes(ReliabilityHarness.fill(h.rseq, 1460));
            h.data(1460, 1, WIN);
            h.run(50 * MS);
            Out ack;
            while ((ack = h.out.poll()) != null) {
                int edge = ack.tcp().ack() - h.riss + ack.tcp().window();
                assertTrue(edge - rightEdge >= 0, "RFC 9293 §3.8.6.2.2: the right edge never moves left: " + h.describe(ack));
                rightEdge = edge;
                lastWin = ack.tcp().window();
            }
        }
        assertEquals(0, h.tcp().extMib().get(TcpExtMib.TCPRcvQDrop), "nothing in the window was dropped");
        assertTrue(lastWin < 1460, "the window closed: " + lastWin);
        int queued = h.rseq - 1;
        // Reading less than a segment's worth opens no window (no silly window update).
        assertEquals(1000, read(s, 1000).length);
        h.none();
        // Reading enough to double the window sends an update at once (tcp_cleanup_rbuf).
        byte[] got = read(s, 30_000);
        Out update = h.next();
        assertEquals(queued + 1, update.tcp().ack() - h.riss);
        assertTrue(update.tcp().window() >= 1460, h.describe(update));
        byte[] rest = read(s, 1 << 20);
        byte[] expected = sent.toByteArray();
        assertEquals(queued, 1000 + got.length + rest.length);
        assertArrayEquals(java.util.Arrays.copyOfRange(expected, 1000, 1000 + got.length), got);
        assertTrue(k.rcvWnd > 0);
    }

    @Test
    void aScaledWindowFilledToItsEdgeIsNeverDropped() {
        // Window scaling on: the advertised window is a multiple of 1 << wscale. Rounded up, a
        // peer filling it to the edge overran the full buffer by a few bytes and lost a
        // segment; a new window is rounded down, and a segment is taken while the memory already
        // charged plus its payload fits SO_RCVBUF (tcp_can_ingest).
        ReliabilityHarness h = new ReliabilityHarness(61);
        Socket s = h.passiveOpen(synOpts(1460, false, false, 7), WIN);
        TcpSock k = sk(s);
        int wscale = k.rcvWscale;
        assertTrue(wscale > 0, "scaling on: " + wscale);
        int edge = 1 + h.log.getFirst().tcp().window();
        int segments = 0;
        while (edge - h.rseq > 0 && segments < 2000) {
            int len = Math.min(1460, edge - h.rseq);
            h.data(len, 1, WIN);
            segments++;
            h.run(50 * MS);
            for (Out o; (o = h.out.poll()) != null; ) {
                int newEdge = o.tcp().ack() - h.riss + (o.tcp().window() << wscale);
                assertTrue(newEdge - edge >= 0, "the right edge never moves left: " + h.describe(o));
                edge = newEdge;
            }
        }
        assertEquals(0, h.tcp().extMib().get(TcpExtMib.TCPRcvQDrop), "nothing the window offered was dropped");
        assertEquals(0, h.tcp().extMib().get(TcpExtMib.RcvPruned));
        assertEquals(h.rseq, k.rcvNxt - h.riss, "everything up to the edge was kept");
        assertTrue(edge - h.rseq <= 0, "the window was filled to its edge");
        assertArrayEquals(ReliabilityHarness.fill(1, h.rseq - 1), read(s, 1 << 22));
    }

    @Test
    void smallSegmentsAreNeverDroppedInsideTheOfferedWindow() {
        ReliabilityHarness h = new ReliabilityHarness(59);
        Socket s = h.passiveOpen(synOpts(536, false, false, -1), WIN);
        TcpSock k = sk(s);
        int edge = 1 + h.log.getFirst().tcp().window();
        // Each 536-byte segment holds a 2 KiB buffer: the window must follow what memory holds.
        while (edge - h.rseq >= 536) {
            h.data(536, 1, WIN);
            h.run(50 * MS);
            for (Out o; (o = h.out.poll()) != null; ) {
                edge = o.tcp().ack() - h.riss + o.tcp().window();
            }
        }
        assertEquals(h.rseq, k.rcvNxt - h.riss, "everything the window admitted was kept");
        assertEquals(0, h.tcp().extMib().get(TcpExtMib.TCPRcvQDrop) + h.tcp().extMib().get(TcpExtMib.TCPOFODrop));
        assertTrue(k.rmem() <= k.rcvbuf() + 3000, "within SO_RCVBUF: " + k.rmem());
        assertTrue(h.tcp().extMib().get(TcpExtMib.TCPRcvCollapsed) > 0, "the first window was kept by collapsing");
        byte[] got = read(s, 1 << 20);
        assertArrayEquals(ReliabilityHarness.fill(1, h.rseq - 1), got);
    }

    @Test
    void aSegmentIntoAZeroWindowIsDroppedAndAcked() {
        ReliabilityHarness h = new ReliabilityHarness(54);
        Socket s = h.passiveOpen(synOpts(1460, false, false, -1), WIN);
        TcpSock k = sk(s);
        int edge = 1 + h.log.getFirst().tcp().window();
        while (edge - h.rseq >= 1460) {
            h.data(1460, 1, WIN);
            h.run(50 * MS);
            for (Out o; (o = h.out.poll()) != null; ) {
                edge = o.tcp().ack() - h.riss + o.tcp().window();
            }
        }
        int rcvNxt = k.rcvNxt;
        h.inject(A, h.rseq, edge - h.rseq + 100, 1, WIN);   // beyond the right edge
        Out o = h.next();
        assertEquals(rcvNxt - h.riss, o.tcp().ack() - h.riss, "acknowledges only what it has");
        assertEquals(rcvNxt, k.rcvNxt);
    }

    // ---------------------------------------------------------------- delayed and quick ACKs

    @Test
    void quickAcksAtTheStartThenDelayedAcksEverySecondSegmentOrAfter40ms() {
        ReliabilityHarness h = new ReliabilityHarness(55);
        Socket s = h.passiveOpen(synOpts(1000, false, false, -1), WIN);
        // Quick-ACK mode at the start (tcp_incr_quickack): every segment is acknowledged at once.
        for (int i = 0; i < 16; i++) {
            h.data(500, 1, WIN);
            h.expect(A, 1, 0, h.rseq);
            h.run(5 * MS);
            read(s, 10_000);
        }
        // Then a lone segment waits for the delayed-ACK timer: 40 ms (TCP_DELACK_MIN).
        h.data(500, 1, WIN);
        long t = h.now();
        h.none();
        Out d = h.await(SEC);
        assertEquals(h.rseq, d.tcp().ack() - h.riss);
        assertEquals(40 * MS, d.time() - t);
        read(s, 10_000);
        h.run(5 * MS);
        // Two full segments: the second is acknowledged at once (RFC 1122 §4.2.3.2, RFC 5681 §4.2).
        h.data(1000, 1, WIN);
        h.none();
        h.data(1000, 1, WIN);
        Out two = h.next();
        assertEquals(h.rseq, two.tcp().ack() - h.riss);
        assertEquals(h.now(), two.time());
    }

    @Test
    void sendingDataDoesNotUseUpTheQuickAcks() {
        ReliabilityHarness h = new ReliabilityHarness(60);
        Socket s = h.passiveOpen(synOpts(1000, false, false, -1), WIN);
        s.setsockopt(TcpSock.TCP_NODELAY, 1);
        for (int i = 0; i < 20; i++) {
            write(s, 10);
            h.next();
            h.ack(1 + 10 * (i + 1), WIN);
        }
        h.data(100, 201, WIN);
        h.expect(A, 201, 0, h.rseq);   // still quick-ACK mode: nothing had been waiting for an ACK
    }

    @Test
    void outOfOrderSegmentsGetImmediateDuplicateAcksAndTheHoleFillsAtOnce() {
        ReliabilityHarness h = new ReliabilityHarness(56);
        Socket s = h.passiveOpen(synOpts(1000, false, false, -1), WIN);
        for (int i = 0; i < 16; i++) {   // leave quick-ACK mode
            h.data(100, 1, WIN);
            h.clear();
        }
        read(s, 1 << 20);
        int base = h.rseq;
        h.run(100 * MS);
        h.clear();
        h.inject(A, base + 1000, 1000, 1, WIN);
        h.expect(A, 1, 0, base);
        h.inject(A, base + 2000, 1000, 1, WIN);
        h.expect(A, 1, 0, base);
        assertEquals(2, h.tcp().extMib().get(TcpExtMib.TCPOFOQueue));
        h.inject(A, base, 1000, 1, WIN);
        h.expect(A, 1, 0, base + 3000);   // RFC 5681 §4.2: the hole filled, ACK at once
        byte[] got = read(s, 10_000);
        assertArrayEquals(ReliabilityHarness.fill(base, 3000), got);
        // An old duplicate gets a duplicate ACK at once.
        h.inject(A, base + 1000, 1000, 1, WIN);
        h.expect(A, 1, 0, base + 3000);
    }

    @Test
    void overlappingOutOfOrderSegmentsDeliverEachByteOnce() {
        ReliabilityHarness h = new ReliabilityHarness(57);
        Socket s = h.passiveOpen(synOpts(1000, false, false, -1), WIN);
        int b = h.rseq;
        h.inject(A, b + 1500, ReliabilityHarness.fill(b + 1500, 1000), 1, WIN);
        h.inject(A, b + 1000, ReliabilityHarness.fill(b + 1000, 1000), 1, WIN);
        h.inject(A, b + 2800, ReliabilityHarness.fill(b + 2800, 700), 1, WIN);
        h.inject(A, b + 2000, ReliabilityHarness.fill(b + 2000, 200), 1, WIN);
        h.inject(A, b + 2400, ReliabilityHarness.fill(b + 2400, 500), 1, WIN);
        h.inject(A, b + 500, ReliabilityHarness.fill(b + 500, 1400), 1, WIN);
        h.inject(A, b, ReliabilityHarness.fill(b, 600), 1, WIN);
        byte[] got = read(s, 10_000);
        assertArrayEquals(ReliabilityHarness.fill(b, 3500), got);
        assertEquals(b + 3500, sk(s).rcvNxt - h.riss);
    }

    // ---------------------------------------------------------------- urgent data, receive side

    @Test
    void msgOobReceivesTheUrgentByte() {
        ReliabilityHarness h = new ReliabilityHarness(58);
        Socket s = h.passiveOpen(synOpts(1000, false, false, -1), WIN);
        h.injectRaw(A | Tcp.PSH | Tcp.URG, h.riss + 1, "abc".getBytes(), h.liss + 1, WIN, null, 3);
        ByteBuffer oob = ByteBuffer.allocate(1);
        assertEquals(1, s.recv(oob, Socket.MSG_OOB | Socket.MSG_DONTWAIT));
        assertEquals('c', oob.get(0));
        assertArrayEquals("ab".getBytes(), read(s, 10));
    }
}
