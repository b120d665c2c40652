package io.jnetstack.ipv4.tcp;

import io.jnetstack.socket.Socket;
import io.jnetstack.wire.Tcp;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.jnetstack.ipv4.tcp.ReliabilityHarness.MS;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.Out;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.sk;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.synOpts;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sending data path: segmentation at the effective MSS, Nagle (Minshall's variant, as Linux),
 * TCP_NODELAY, TCP_CORK, MSG_MORE, the congestion and peer windows as limits, the initial window
 * (RFC 6928), slow start and congestion avoidance (RFC 5681 §3.1), urgent data.
 */
class TcpDataPathTest {
    private static final int P = Tcp.PSH;
    private static final int A = Tcp.ACK;
    private static final int WIN = 65535;

    private static Socket server(ReliabilityHarness h, int peerMss) {
        return h.passiveOpen(synOpts(peerMss, false, false, -1), WIN);
    }

    /** Tops the send buffer up, so the connection is never application-limited. */
    private static void fill(Socket s) {
        try {
            write(s, 1 << 20);
        } catch (io.jnetstack.core.ErrnoException e) {
            assertEquals(io.jnetstack.core.Errno.EAGAIN, e.errno());
        }
    }

    // ---------------------------------------------------------------- the effective MSS

    @Test
    void segmentsAtThePeersMss() {
        ReliabilityHarness h = new ReliabilityHarness(31);
        Socket s = server(h, 1000);
        assertEquals(1000, s.getsockopt(TcpSock.TCP_MAXSEG));
        assertEquals(2500, write(s, 2500));
        Out first = h.expect(A, 1, 1000, 1);
        assertTrue(first.ip().dontFragment(), "DF: path MTU discovery (RFC 1191)");
        h.expect(A, 1001, 1000, 1);
        h.expect(A | P, 2001, 500, 1);   // Minshall: no partial segment was outstanding
        h.none();
    }

    @Test
    void timestampsTakeTwelveBytesOfEachSegment() {
        ReliabilityHarness h = new ReliabilityHarness(32);
        Socket s = h.passiveOpen(synOpts(1000, false, true, -1), WIN);
        write(s, 2000);
        Out o = h.expect(A, 1, 988, 1);
        assertTrue(o.tcp().hasTimestamps());
        h.expect(A, 989, 988, 1);
        h.expect(A | P, 1977, 24, 1);
    }

    @Test
    void theRouteMtuBoundsBothMss() {
        ReliabilityHarness h = new ReliabilityHarness(33);
        h.dev.setMtu(1200);
        Socket s = h.passiveOpen(synOpts(1460, false, false, -1), WIN);
        assertEquals(1160, h.log.getFirst().tcp().mss(), "the SYN-ACK advertises MTU - 40");
        write(s, 2000);
        h.expect(A, 1, 1160, 1);
        h.expect(A | P, 1161, 840, 1);
    }

    @Test
    void tcpMaxsegOnAClientBoundsWhatItAdvertisesAndSends() {
        ReliabilityHarness h = new ReliabilityHarness(34);
        Socket c = h.socket();
        c.setsockopt(TcpSock.TCP_MAXSEG, 1100);
        assertEquals(1100, c.getsockopt(TcpSock.TCP_MAXSEG));
        c.fcntl(Socket.F_SETFL, Socket.O_NONBLOCK);
        try {
            c.connect(new io.jnetstack.socket.SockAddrIn(ReliabilityHarness.REMOTE, ReliabilityHarness.PORT));
        } catch (io.jnetstack.core.ErrnoException e) {
            assertEquals(io.jnetstack.core.Errno.EINPROGRESS, e.errno());
        }
        Out syn = h.next();
        assertEquals(1100, syn.tcp().mss());
        h.liss = syn.tcp().seq();
        h.lport = syn.tcp().srcPort();
        h.rport = ReliabilityHarness.PORT;
        h.run(100 * MS);
        h.injectRaw(Tcp.SYN | A, h.riss, new byte[0], h.liss + 1, WIN, synOpts(1460, false, false, -1), 0);
        h.expect(A, 1, 0, 1);
        c.fcntl(Socket.F_SETFL, 0);
        assertEquals(1100, c.getsockopt(TcpSock.TCP_MAXSEG));
        write(c, 2000);
        h.expect(A, 1, 1100, 1);
        h.expect(A | P, 1101, 900, 1);
    }

    @Test
    void tcpMaxsegOnAListenerIsInherited() {
        ReliabilityHarness h = new ReliabilityHarness(35);
        Socket l = h.socket();
        l.bind(new io.jnetstack.socket.SockAddrIn(0, ReliabilityHarness.PORT));
        l.setsockopt(TcpSock.TCP_MAXSEG, 1100);
        l.listen(4);
        Socket s = h.passiveOpen(l, synOpts(1300, false, false, -1), WIN);
        assertEquals(1100, h.log.getFirst().tcp().mss());
        assertEquals(1100, s.getsockopt(TcpSock.TCP_MAXSEG));
        write(s, 2000);
        h.expect(A, 1, 1100, 1);
        h.expect(A | P, 1101, 900, 1);
    }

    // ---------------------------------------------------------------- Nagle, NODELAY, CORK, MSG_MORE

    @Test
    void nagleHoldsASecondSmallWriteUntilTheAck() {
        ReliabilityHarness h = new ReliabilityHarness(36);
        Socket s = server(h, 1000);
        write(s, 100);
        h.expect(A | P, 1, 100, 1);
        write(s, 100);
        write(s, 50);
        h.none();
        h.run(30 * MS);
        h.none();
        h.ack(101, WIN);
        h.expect(A | P, 101, 150, 1);
    }

    @Test
    void minshallOnlyWaitsForAnOutstandingPartialSegment() {
        ReliabilityHarness h = new ReliabilityHarness(37);
        Socket s = server(h, 1000);
        write(s, 2500);
        h.expect(A, 1, 1000, 1);
        h.expect(A, 1001, 1000, 1);
        h.expect(A | P, 2001, 500, 1);
        write(s, 100);
        h.none();
        h.ack(2001, WIN);
        h.none();   // the 500-byte segment is still out
        h.ack(2501, WIN);
        h.expect(A | P, 2501, 100, 1);
        write(s, 1500);   // a full segment goes at once; the partial one waits for 2501:2601
        h.expect(A, 2601, 1000, 1);
        h.none();
        h.ack(2601, WIN);
        h.expect(A | P, 3601, 500, 1);
    }

    @Test
    void nodelaySendsEverySmallWrite() {
        ReliabilityHarness h = new ReliabilityHarness(38);
        Socket s = server(h, 1000);
        s.setsockopt(TcpSock.TCP_NODELAY, 1);
        write(s, 100);
        write(s, 100);
        h.expect(A | P, 1, 100, 1);
        h.expect(A | P, 101, 100, 1);
    }

    @Test
    void settingNodelayPushesWhatNagleHeld() {
        ReliabilityHarness h = new ReliabilityHarness(39);
        Socket s = server(h, 1000);
        write(s, 100);
        h.expect(A | P, 1, 100, 1);
        write(s, 40);
        h.none();
        s.setsockopt(TcpSock.TCP_NODELAY, 1);
        h.expect(A | P, 101, 40, 1);
    }

    @Test
    void corkHoldsPartialSegmentsUntilUncorked() {
        ReliabilityHarness h = new ReliabilityHarness(40);
        Socket s = server(h, 1000);
        s.setsockopt(TcpSock.TCP_CORK, 1);
        write(s, 40);
        h.run(50 * MS);
        write(s, 40);
        h.none();
        h.run(10 * MS);
        s.setsockopt(TcpSock.TCP_CORK, 0);
        h.expect(A | P, 1, 80, 1);
        h.ack(81, WIN);
        s.setsockopt(TcpSock.TCP_CORK, 1);
        write(s, 2500);   // full segments are not held
        h.expect(A, 81, 1000, 1);
        h.expect(A, 1081, 1000, 1);
        h.none();
    }

    @Test
    void corkedDataLeavesAfterTheProbeTimer() {
        ReliabilityHarness h = new ReliabilityHarness(41);
        Socket s = server(h, 1000);
        long rto = sk(s).rtoNanos();
        s.setsockopt(TcpSock.TCP_CORK, 1);
        write(s, 40);
        long t0 = h.now();
        h.none();
        // tcp(7): "a 200 millisecond ceiling on the time for which output is corked"; Linux sends
        // it from the probe timer, one RTO (at least 200 ms) later.
        Out o = h.await(2_000 * MS);
        assertEquals(1, o.tcp().seq() - h.liss);
        assertEquals(40, o.len());
        assertEquals(rto, o.time() - t0);
        // It is in flight now: lost, it is retransmitted.
        Out re = h.await(5_000 * MS);
        assertEquals(1, re.tcp().seq() - h.liss);
        assertEquals(40, re.len());
    }

    @Test
    void msgMoreHoldsUntilAWriteWithout() {
        ReliabilityHarness h = new ReliabilityHarness(42);
        Socket s = server(h, 1000);
        s.setsockopt(TcpSock.TCP_NODELAY, 1);
        write(s, 40, Socket.MSG_MORE);
        write(s, 100, Socket.MSG_MORE);
        h.none();
        write(s, 5);
        h.expect(A | P, 1, 145, 1);
        h.ack(146, WIN);
        write(s, 2100, Socket.MSG_MORE);
        h.expect(A, 146, 1000, 1);
        h.expect(A, 1146, 1000, 1);   // MSG_MORE holds only the partial tail, without PSH
        h.none();
    }

    // ---------------------------------------------------------------- windows

    @Test
    void theInitialWindowIsTenSegments() {
        ReliabilityHarness h = new ReliabilityHarness(43);
        Socket s = server(h, 1000);
        assertTrue(write(s, 20_000) > 10_000, "the send buffer holds more than the initial window");
        for (int i = 0; i < 10; i++) {
            h.expect(A, 1 + 1000 * i, 1000, 1);
        }
        h.none();
        assertEquals(10, sk(s).cwnd());
    }

    @Test
    void thePeersWindowLimitsTooAndAWindowUpdateReleasesMore() {
        ReliabilityHarness h = new ReliabilityHarness(44);
        Socket s = h.passiveOpen(synOpts(1000, false, false, -1), 3000);
        write(s, 10_000);
        h.expect(A, 1, 1000, 1);
        h.expect(A, 1001, 1000, 1);
        h.expect(A, 2001, 1000, 1);
        h.none();
        h.run(20 * MS);
        h.ack(1, 5000);   // a pure window update
        h.expect(A, 3001, 1000, 1);
        h.expect(A, 4001, 1000, 1);
        h.none();
    }

    @Test
    void slowStartGrowsByOneSegmentPerAck() {
        ReliabilityHarness h = new ReliabilityHarness(45);
        Socket s = server(h, 1000);
        write(s, 30_000);
        for (int i = 0; i < 10; i++) {
            h.next();
        }
        h.run(100 * MS);
        int next = 10_001;
        for (int i = 1; i <= 10; i++) {
            h.ack(1 + 1000 * i, WIN);
            fill(s);
            h.expectData(next, 1000);
            h.expectData(next + 1000, 1000);
            next += 2000;
            h.none();
            assertEquals(10 + i, sk(s).cwnd(), "RFC 5681 (2): cwnd += SMSS per ACK in slow start");
        }
    }

    @Test
    void congestionAvoidanceAddsOneSegmentPerWindow() {
        ReliabilityHarness h = new ReliabilityHarness(46).reno();
        Socket s = server(h, 1000);
        TcpSock k = sk(s);
        fill(s);
        h.clear();
        h.k.run(() -> {
            k.ssthresh = 10;   // as if a loss had halved it
        });
        // The peer acknowledges each segment as it arrives, one per ACK.
        List<Integer> cwnds = new ArrayList<>();
        int acked = 1;
        for (int i = 0; i < 60; i++) {
            acked += 1000;
            h.run(MS);
            h.ack(acked, WIN);
            cwnds.add(k.cwnd());
            fill(s);
            h.clear();
        }
        // cwnd = 10 from the start; each increment needs cwnd ACKs (RFC 5681 (3), tcp_cong_avoid_ai).
        int expectCwnd = 10;
        int cnt = 0;
        for (int i = 0; i < cwnds.size(); i++) {
            cnt++;
            if (cnt >= expectCwnd) {
                cnt = 0;
                expectCwnd++;
            }
            assertEquals(expectCwnd, cwnds.get(i), "after ACK " + (i + 1) + ": " + cwnds);
        }
        assertEquals(15, expectCwnd);
    }

    // ---------------------------------------------------------------- urgent data

    @Test
    void msgOobSetsUrgAndThePointerPastTheLastUrgentByte() {
        ReliabilityHarness h = new ReliabilityHarness(47);
        Socket s = server(h, 1000);
        write(s, 100);
        h.expect(A | P, 1, 100, 1);
        assertEquals(3, write(s, 3, Socket.MSG_OOB));
        // Urgent data is not held by Nagle (tcp_nagle_test); the pointer is SND.UP - SEG.SEQ
        // (RFC 9293 §3.8.5, Linux's BSD-style "one past the urgent byte").
        Out o = h.expect(A | P | Tcp.URG, 101, 3, 1);
        assertEquals(3, o.tcp().urgent());
        // A retransmission of earlier data carries the pointer too: SND.UP is ahead of it.
        Out re = h.await(2_000 * MS);
        assertEquals(1, re.tcp().seq() - h.liss);
        assertEquals(Tcp.URG, re.tcp().flags() & Tcp.URG);
        assertEquals(103, re.tcp().urgent());
        h.ack(104, WIN);
        h.clear();
        write(s, 10);
        Out after = h.expect(A | P, 104, 10, 1);
        assertEquals(0, after.tcp().urgent());
    }

    @Test
    void thePeersUrgentDataDoesNotEndOurUrgentMode() {
        ReliabilityHarness h = new ReliabilityHarness(48);
        Socket s = server(h, 1000);
        write(s, 100);
        h.expect(A | P, 1, 100, 1);
        write(s, 1, Socket.MSG_OOB);
        h.expect(A | P | Tcp.URG, 101, 1, 1);
        h.injectRaw(A | P | Tcp.URG, h.riss + 1, new byte[] {'x'}, h.liss + 1, WIN, null, 1);
        h.clear();
        Out re = h.await(2_000 * MS);   // the retransmission of 1:101 still points at SND.UP
        assertEquals(1, re.tcp().seq() - h.liss);
        assertEquals(101, re.tcp().urgent());
    }

    @Test
    void anUrgentMarkBeyond64KiBIsAnnouncedWith0xffff() {
        ReliabilityHarness h = new ReliabilityHarness(49);
        Socket s = server(h, 1000);
        s.setsockopt(io.jnetstack.socket.SockOpt.SO_SNDBUF, 1 << 20);
        assertEquals(100_000, write(s, 100_000, Socket.MSG_OOB));
        // SND.UP - SEG.SEQ does not fit 16 bits: 0xFFFF says "further on" (RFC 6093 §4,
        // as __tcp_transmit_skb does).
        Out first = h.expect(A | Tcp.URG, 1, 1000, 1);
        assertEquals(0xFFFF, first.tcp().urgent());
    }

    @Test
    void aZeroLengthMsgOobMarksNothing() {
        ReliabilityHarness h = new ReliabilityHarness(50);
        Socket s = server(h, 1000);
        assertEquals(0, write(s, 0, Socket.MSG_OOB));
        write(s, 10);
        Out o = h.expect(A | P, 1, 10, 1);
        assertEquals(0, o.tcp().urgent());
    }
}
