package io.jnetstack.ipv4.tcp;

import io.jnetstack.socket.Socket;
import io.jnetstack.wire.TcpOptions;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loss recovery as Linux runs it, packetdrill-style: the SACK scoreboard (RFC 2018, RFC 6675),
 * the receiver's SACK and DSACK blocks (RFC 2883), PRR (RFC 6937), DSACK undo, RACK's
 * reordering window and TLP's probe timeout (RFC 8985), F-RTO (RFC 5682) and the RTO that
 * marks the queue lost instead of going back N. The windows expected are Reno's (the harness
 * selects it): the mechanics, not the congestion control, are under test.
 */
class TcpRecoveryTest {
    private static final String SYN_SACK = "<mss 1000,sackOK,nop,nop,nop,wscale 7>";

    /** A passive open with SACK (peer MSS 1000, our window scale 7) whose handshake took {@code rttMs}. */
    private static Socket open(TcpHarness h, long rttMs) {
        Socket l = h.listen(TcpHarness.PORT, 16);
        h.inject("S 0:0(0) win 32792 " + SYN_SACK);
        h.expect("S. 0:0(0) ack 1 <...>");
        h.advance(rttMs);
        h.inject(". 1:1(0) ack 1 win 320");
        h.noMoreSegments();
        return l.accept();
    }

    /** Writes up to {@code n} bytes without blocking and returns how many the send buffer took. */
    private static int write(Socket s, int n) {
        return s.send(ByteBuffer.allocate(n), Socket.MSG_DONTWAIT);
    }

    /** The initial flight: full segments, the last with PSH when it ends the write. */
    private static void expectFlight(TcpHarness h, int from, int segments, boolean endsWrite) {
        for (int i = 0; i < segments; i++) {
            int seq = from + 1000 * i;
            h.expect((i == segments - 1 && endsWrite ? "P." : ".") + " " + seq + ":" + (seq + 1000) + "(1000) ack 1");
        }
    }

    private static void expectFlight(TcpHarness h, int from, int segments) {
        expectFlight(h, from, segments, true);
    }

    private static TcpInfo info(Socket s) {
        return s.getsockopt(io.jnetstack.socket.SockOpt.TCP_INFO);
    }

    // ================================================================ the scoreboard

    @Test
    void sackBlocksTagTheScoreboardAndRackMarksTheHolesLost() {
        TcpHarness h = new TcpHarness(1).reno();
        Socket s = open(h, 100);
        TcpSock k = TcpHarness.sk(s);
        write(s, 10_000);
        expectFlight(h, 1, 10);
        h.advance(100);
        // A block that covers half a segment tags nothing: a one-packet segment is SACKed whole.
        h.inject(". 1:1(0) ack 1 win 320 <sack 2001:2501,nop,nop>");
        assertEquals(0, k.sackedOut);
        // Two blocks, three segments: sacked_out 3 reaches tcp_reordering, so RACK's window is
        // 0 and the four unSACKed segments sent before 7001 are lost: Recovery (RFC 6675 §5).
        h.inject(". 1:1(0) ack 1 win 320 <sack 2001:3001 5001:7001,nop,nop>");
        TcpInfo i = info(s);
        assertEquals(3, i.sacked());
        assertEquals(4, i.lost());
        assertEquals(TcpInfo.CA_RECOVERY, i.caState());
        assertEquals(5, k.ssthresh, "Reno: cwnd / 2");
        // PRR: pipe 10 - (3 + 4) = 3 <= ssthresh; sndcnt = min(ssthresh - pipe 2, max(0, 3)) = 2.
        h.expect(". 1:1001(1000) ack 1");
        h.expect(". 1001:2001(1000) ack 1");
        h.noMoreSegments();
        assertEquals(2, info(s).retrans());
        assertEquals(1, h.tcp.extMib().get(TcpExtMib.TCPSackRecovery));
        // One more segment SACKed: pipe 10 - (4 + 4) + 2 = 4, one goes (the next hole).
        h.inject(". 1:1(0) ack 1 win 320 <sack 2001:3001 5001:8001,nop,nop>");
        h.expect(". 3001:4001(1000) ack 1");
        h.noMoreSegments();
        // The cumulative ACK of the first two retransmissions takes them off the scoreboard;
        // PRR-SSRB (pipe 3 <= ssthresh 5) lets the last hole go.
        h.inject(". 1:1(0) ack 3001 win 320 <sack 5001:8001,nop,nop>");
        h.expect(". 4001:5001(1000) ack 1");
        h.noMoreSegments();
        i = info(s);
        assertEquals(3, i.sacked());
        assertEquals(2, i.lost(), "3001 and 4001, both retransmitted");
        assertEquals(2, i.retrans());
    }

    @Test
    void dsackOfARetransmissionUndoesTheReduction() {
        TcpHarness h = new TcpHarness(2).reno();
        Socket s = open(h, 100);
        TcpSock k = TcpHarness.sk(s);
        write(s, 10_000);
        expectFlight(h, 1, 10);
        h.advance(100);
        h.inject(". 1:1(0) ack 1 win 320 <sack 1001:2001,nop,nop>");
        h.inject(". 1:1(0) ack 1 win 320 <sack 1001:3001,nop,nop>");
        h.inject(". 1:1(0) ack 1 win 320 <sack 1001:4001,nop,nop>");
        h.expect(". 1:1001(1000) ack 1");
        assertEquals(TcpInfo.CA_RECOVERY, k.caState);
        assertEquals(5, k.ssthresh);
        // The original was only delayed: it arrives, then the retransmission, which the peer
        // reports as a duplicate (RFC 2883 §4.1.3, a DSACK below the cumulative ACK).
        h.inject(". 1:1(0) ack 4001 win 320");
        h.inject(". 1:1(0) ack 4001 win 320 <sack 1:1001,nop,nop>");
        assertEquals(1, h.tcp.extMib().get(TcpExtMib.TCPDSACKRecv));
        assertEquals(1, h.tcp.extMib().get(TcpExtMib.TCPDSACKUndo), "RFC 2883 §5: every retransmission was DSACKed");
        assertEquals(10, k.cwnd(), "cwnd back to the window before the reduction");
        assertEquals(Integer.MAX_VALUE, k.ssthresh, "ssthresh back too");
        assertTrue(k.caState == TcpInfo.CA_OPEN || k.caState == TcpInfo.CA_DISORDER, "state " + k.caState);
    }

    @Test
    void aDubiousDsackIsIgnored() {
        TcpHarness h = new TcpHarness(3).reno();
        Socket s = open(h, 100);
        write(s, 2000);
        expectFlight(h, 1, 2);
        h.inject(". 1:1(0) ack 2001 win 320 <sack 1:1001,nop,nop>");
        assertEquals(1, h.tcp.extMib().get(TcpExtMib.TCPDSACKRecv));
        assertEquals(1, h.tcp.extMib().get(TcpExtMib.TCPDSACKIgnoredDubious), "nothing was ever retransmitted");
    }

    // ================================================================ the receiver

    @Test
    void outOfOrderDataIsReportedInSackBlocksMostRecentFirst() {
        TcpHarness h = new TcpHarness(4).reno();
        Socket s = h.passiveOpen("<mss 1000,sackOK,nop,nop,nop,wscale 7>", "<mss 1460,nop,nop,sackOK,nop,wscale 7>", null);
        h.inject("P. 1001:2001(1000) ack 1 win 257");
        h.expect(". 1:1(0) ack 1 <nop,nop,sack 1001:2001>");
        h.inject("P. 3001:4001(1000) ack 1 win 257");
        h.expect(". 1:1(0) ack 1 <nop,nop,sack 3001:4001 1001:2001>");
        h.inject("P. 5001:6001(1000) ack 1 win 257");
        h.inject("P. 7001:8001(1000) ack 1 win 257");
        h.inject("P. 9001:10001(1000) ack 1 win 257");
        h.drain();
        // The hole between two blocks fills: they merge into the first block.
        h.inject("P. 2001:3001(1000) ack 1 win 257");
        // Four blocks are kept: 1001:2001, the oldest, was forgotten when 9001 came (tcp_sack_new_ofo_skb).
        h.expect(". 1:1(0) ack 1 <nop,nop,sack 2001:4001 9001:10001 7001:8001 5001:6001>");
        // A segment we hold out of order arrives again: a DSACK block in front (RFC 2883 §4).
        h.inject("P. 1001:2001(1000) ack 1 win 257");
        h.expect(". 1:1(0) ack 1 <nop,nop,sack 1001:2001 1001:4001 9001:10001 7001:8001>");
        assertEquals(1, h.tcp.extMib().get(TcpExtMib.TCPDSACKOfoSent));
        // The first hole fills: RCV.NXT passes the first block, which goes.
        h.inject("P. 1:1001(1000) ack 1 win 257");
        h.expect(". 1:1(0) ack 4001 <nop,nop,sack 9001:10001 7001:8001 5001:6001>");
        // Old data again: a DSACK block below the cumulative ACK, sent once.
        h.inject("P. 1:1001(1000) ack 1 win 257");
        h.expect(". 1:1(0) ack 4001 <nop,nop,sack 1:1001 9001:10001 7001:8001 5001:6001>");
        assertEquals(1, h.tcp.extMib().get(TcpExtMib.TCPDSACKOldSent));
        h.inject("P. 1001:2001(1000) ack 1 win 257");
        h.expect(". 1:1(0) ack 4001 <nop,nop,sack 1001:2001 9001:10001 7001:8001 5001:6001>");
        assertEquals(4, s.recv(ByteBuffer.allocate(10_000), 0) / 1000);
    }

    @Test
    void withTimestampsThreeBlocksFit() {
        TcpHarness h = new TcpHarness(5).reno();
        h.passiveOpen("<mss 1000,sackOK,TS val 100 ecr 0,nop,wscale 7>", "<...>", null);
        for (int seq = 1001; seq <= 7001; seq += 2000) {
            h.inject("P. " + seq + ":" + (seq + 1000) + "(1000) ack 1 win 257 <nop,nop,TS val 300 ecr 0>");
        }
        h.drain();
        h.inject("P. 9001:10001(1000) ack 1 win 257 <nop,nop,TS val 300 ecr 0>");
        TcpHarness.Captured c = h.poll();
        TcpOptions o = c.options();
        assertEquals(3, o.sackCount, "RFC 2018 §3: 40 option bytes hold 3 blocks next to timestamps");
        assertEquals(h.remoteIsn + 9001, o.sackLeft[0]);
    }

    @Test
    void noSackBlocksWithoutSackPermitted() {
        TcpHarness h = new TcpHarness(6).reno();
        h.passiveOpen();
        h.inject("P. 1001:2001(1000) ack 1 win 257");
        assertEquals(0, h.poll().options().sackCount);
    }

    // ================================================================ PRR

    /** RFC 6937 §3.1 as written (with PRR-SSRB), the test's own model of what each ACK may send. */
    private static final class Prr {
        final int ssthresh;
        final int recoverFs;
        int delivered;
        int out;

        Prr(int ssthresh, int recoverFs) {
            this.ssthresh = ssthresh;
            this.recoverFs = recoverFs;
        }

        int sndcnt(int deliveredData, int pipe) {
            delivered += deliveredData;
            int n;
            if (pipe > ssthresh) {
                n = (int) Math.ceil((double) delivered * ssthresh / recoverFs) - out;
            } else {
                n = Math.min(ssthresh - pipe, Math.max(delivered - out, deliveredData) + 1);
            }
            n = Math.max(n, out == 0 ? 1 : 0);
            out += Math.max(n, 0);
            return Math.max(n, 0);
        }
    }

    @Test
    void prrSendsWhatRfc6937Allows() {
        TcpHarness h = new TcpHarness(7).reno();
        Socket s = open(h, 100);
        TcpSock k = TcpHarness.sk(s);
        // Room for all of it: PRR's sends below must find new data to send.
        s.setsockopt(io.jnetstack.socket.SockOpt.SO_SNDBUF, 1 << 20);
        assertEquals(30_000, write(s, 30_000));
        expectFlight(h, 1, 10, false);
        h.drain();
        h.advance(100);
        // Segment 1 is lost; SACKs arrive one segment at a time. The third starts recovery.
        h.inject(". 1:1(0) ack 1 win 320 <sack 1001:2001,nop,nop>");
        h.inject(". 1:1(0) ack 1 win 320 <sack 1001:3001,nop,nop>");
        h.drain();   // limited transmit: new data while in Disorder
        int out = 12;   // segments sent, none cumulatively acknowledged
        h.inject(". 1:1(0) ack 1 win 320 <sack 1001:4001,nop,nop>");
        assertEquals(TcpInfo.CA_RECOVERY, k.caState);
        Prr prr = new Prr(5, 10);
        int sacked = 3;
        // On entry: pipe = out - sacked - lost(1); the first send is the retransmission.
        int pipe = out - sacked - 1;
        int n = prr.sndcnt(1, pipe);
        assertEquals(n, h.drain().size(), "segments sent on the ACK that entered recovery");
        pipe += n;
        out += n - 1;   // the retransmission is not new
        for (int right = 5001; right <= 12_001; right += 1000) {
            h.inject(". 1:1(0) ack 1 win 320 <sack 1001:" + right + ",nop,nop>");
            sacked++;
            pipe--;
            n = prr.sndcnt(1, pipe);
            assertEquals(n, h.drain().size(), "segments sent on the ACK SACKing up to " + right);
            pipe += n;
            out += n;
        }
        assertTrue(prr.out >= 5, "PRR sent " + prr.out);
    }

    // ================================================================ RACK

    @Test
    void aSegmentReorderedWithinTheWindowIsNotRetransmitted() {
        TcpHarness h = new TcpHarness(8).reno();
        Socket s = open(h, 100);
        write(s, 4000);
        expectFlight(h, 1, 4);
        h.advance(100);
        h.inject(". 1:1(0) ack 1 win 320 <sack 3001:4001,nop,nop>");
        // min_RTT / 4 = 25 ms of reordering window: the rest arrives 10 ms later.
        h.advance(10);
        h.inject(". 1:1(0) ack 4001 win 320");
        h.quietFor(150);
        assertEquals(0, h.tcp.mib().get(TcpMib.RetransSegs));
        assertEquals(1, h.tcp.extMib().get(TcpExtMib.TCPSACKReorder), "the hole filled by originals: reordering");
        assertTrue(TcpHarness.sk(s).reordSeen > 0);
    }

    @Test
    void aSegmentBeyondTheReorderingWindowIsRetransmittedAtTheRackTimer() {
        TcpHarness h = new TcpHarness(9).reno();
        Socket s = open(h, 100);
        write(s, 4000);
        expectFlight(h, 1, 4);
        h.advance(100);
        h.inject(". 1:1(0) ack 1 win 320 <sack 3001:4001,nop,nop>");
        h.noMoreSegments();
        // RACK.rtt 100 + reo_wnd 25 - 100 elapsed = 25 ms, plus Linux's 2 ms timer slack.
        h.expectIn(27, ". 1:1001(1000) ack 1");
        assertEquals(TcpInfo.CA_RECOVERY, TcpHarness.sk(s).caState);
        assertEquals(3, info(s).lost());
    }

    // ================================================================ TLP

    @Test
    void theLossProbeFollowsTwiceTheSrtt() {
        TcpHarness h = new TcpHarness(10).reno();
        Socket s = open(h, 300);
        write(s, 4000);
        expectFlight(h, 1, 4);
        // PTO = 2 * SRTT + 2 ms, before the RTO (300 + 4 * 150 = 900 ms): the last segment again.
        h.expectIn(602, "P. 3001:4001(1000) ack 1");
        assertEquals(1, h.tcp.extMib().get(TcpExtMib.TCPLossProbes));
        // Both the original and the probe arrived: the DSACK of the probe ends the episode, no reduction.
        h.inject(". 1:1(0) ack 4001 win 320 <sack 3001:4001,nop,nop>");
        assertEquals(10, TcpHarness.sk(s).cwnd());
        assertEquals(0, h.tcp.extMib().get(TcpExtMib.TCPLossProbeRecovery));
        assertTrue(!TcpHarness.sk(s).rack.tlpOn);
    }

    @Test
    void aSingleSegmentProbeWaitsForTheDelayedAck() {
        TcpHarness h = new TcpHarness(11).reno();
        Socket s = open(h, 300);
        write(s, 1000);
        h.expect("P. 1:1001(1000) ack 1");
        // One segment out: PTO = 2 * SRTT + tcp_rto_min (the peer may delay its ACK), 800 ms.
        h.expectIn(800, "P. 1:1001(1000) ack 1");
    }

    @Test
    void aProbeThatRepairedALossReducesTheWindowOnce() {
        TcpHarness h = new TcpHarness(12).reno();
        Socket s = open(h, 300);
        write(s, 4000);
        expectFlight(h, 1, 4);
        h.expectIn(602, "P. 3001:4001(1000) ack 1");
        write(s, 1000);
        h.expect("P. 4001:5001(1000) ack 1");
        // The ACK passes the probe's SND.NXT without a DSACK: the probe repaired a loss.
        h.inject(". 1:1(0) ack 5001 win 320");
        assertEquals(1, h.tcp.extMib().get(TcpExtMib.TCPLossProbeRecovery));
        assertEquals(5, TcpHarness.sk(s).ssthresh);
    }

    // ================================================================ RTO and F-RTO

    @Test
    void theRtoMarksEverythingLostAndRetransmitsUnderCwnd() {
        TcpHarness h = new TcpHarness(13).reno();
        h.net.sysctls().set("net.ipv4.tcp_frto", "0");
        h.net.sysctls().set("net.ipv4.tcp_early_retrans", "0");
        Socket s = open(h, 100);
        TcpSock k = TcpHarness.sk(s);
        write(s, 10_000);
        expectFlight(h, 1, 10);
        long rto = k.rtoNanos() / 1_000_000;
        h.expectIn(rto, ". 1:1001(1000) ack 1");
        assertEquals(TcpInfo.CA_LOSS, k.caState);
        assertEquals(10, info(s).lost(), "every segment (RFC 6675 §5.1)");
        assertEquals(1, k.cwnd());
        h.noMoreSegments();
        // The ACK delivers two (one acknowledged, one SACKed): slow start opens cwnd to 3 and
        // the next three lost segments go, skipping the SACKed one (no going back N).
        h.inject(". 1:1(0) ack 1001 win 320 <sack 2001:3001,nop,nop>");
        assertEquals(3, k.cwnd());
        h.expect(". 1001:2001(1000) ack 1");
        h.expect(". 3001:4001(1000) ack 1");
        h.expect(". 4001:5001(1000) ack 1");
        h.noMoreSegments();
        assertEquals(3, h.tcp.extMib().get(TcpExtMib.TCPSlowStartRetrans));
    }

    @Test
    void fRtoUndoesASpuriousTimeout() {
        TcpHarness h = new TcpHarness(14).reno();
        Socket s = open(h, 100);
        TcpSock k = TcpHarness.sk(s);
        h.net.sysctls().set("net.ipv4.tcp_early_retrans", "0");
        assertTrue(write(s, 20_000) > 12_000);
        expectFlight(h, 1, 10, false);
        long rto = k.rtoNanos() / 1_000_000;
        h.expectIn(rto, ". 1:1001(1000) ack 1");
        assertEquals(TcpInfo.CA_LOSS, k.caState);
        // RFC 5682 §3.1 step 2.b: the first ACK after the timeout sends new data, not retransmissions.
        h.inject(". 1:1(0) ack 1001 win 320");
        h.expect(". 10001:11001(1000) ack 1");
        h.expect(". 11001:12001(1000) ack 1");
        h.noMoreSegments();
        // Step 3.b: the next ACK acknowledges a segment never retransmitted: the timeout was spurious.
        h.inject(". 1:1(0) ack 2001 win 320");
        assertEquals(1, h.tcp.extMib().get(TcpExtMib.TCPSpuriousRTOs));
        assertEquals(TcpInfo.CA_OPEN, k.caState);
        assertEquals(0, info(s).lost());
        assertTrue(k.cwnd() >= 10, "cwnd undone to " + k.cwnd());
    }

    // ================================================================ congestion control wiring

    @Test
    void tcpCongestionNamesTheAlgorithm() {
        TcpHarness h = new TcpHarness(15);
        Socket s = h.socket();
        assertEquals("cubic", s.getsockopt(TcpSock.TCP_CONGESTION), "Linux's default");
        s.setsockopt(TcpSock.TCP_CONGESTION, "reno");
        assertEquals("reno", s.getsockopt(TcpSock.TCP_CONGESTION));
        assertEquals("reno cubic", h.k.call(() -> h.net.sysctls().get("net.ipv4.tcp_available_congestion_control")));
        io.jnetstack.core.ErrnoException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.jnetstack.core.ErrnoException.class, () -> s.setsockopt(TcpSock.TCP_CONGESTION, "vegas"));
        assertEquals(io.jnetstack.core.Errno.ENOENT, e.errno());
    }
}
