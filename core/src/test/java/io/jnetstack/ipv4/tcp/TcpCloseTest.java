package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static io.jnetstack.ipv4.tcp.TcpHarness.PORT;
import static io.jnetstack.ipv4.tcp.TcpHarness.sk;
import static io.jnetstack.ipv4.tcp.TcpOpenTest.errnoOf;
import static io.jnetstack.ipv4.tcp.TcpOpenTest.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closing connections (RFC 9293 §3.6): active, passive and simultaneous close, FIN_WAIT1 straight
 * to TIME_WAIT, TIME_WAIT itself, half-close, aborts (unread data, SO_LINGER 0), lingering
 * close and the orphan FIN_WAIT2 timeout, against Linux's behaviour.
 */
class TcpCloseTest {
    final TcpHarness h = new TcpHarness();

    private TimeWaitSock timeWait() {
        for (Object o : h.tcp.established.values()) {
            if (o instanceof TimeWaitSock tw) {
                return tw;
            }
        }
        return null;
    }

    static int read(Socket s, int max) {
        return s.recv(ByteBuffer.allocate(max), Socket.MSG_DONTWAIT);
    }

    // ================================================================ active close

    @Test
    void activeCloseThroughFinWaitToTimeWaitAndClosed() {
        Socket s = h.passiveOpen();
        TcpSock sk = sk(s);
        s.send(ByteBuffer.wrap(new byte[1000]), 0);
        h.expect("P. 1:1001(1000) ack 1");
        h.inject(". 1:1(0) ack 1001 win 257");
        s.close();
        assertEquals(TcpState.FIN_WAIT1, sk.state());
        h.expect("F. 1001:1001(0) ack 1");
        h.inject(". 1:1(0) ack 1002 win 257");
        assertEquals(TcpState.FIN_WAIT2, sk.state());
        h.inject("F. 1:1(0) ack 1002 win 257");
        h.expect(". 1002:1002(0) ack 2");
        assertEquals(1, h.tcp.timeWaitCount());
        assertFalse(h.tcp.established.values().contains(sk), "the full socket is gone");
        assertEquals(TcpState.TIME_WAIT.ssName(), "TIME-WAIT");
        h.advance(59_999);
        assertEquals(1, h.tcp.timeWaitCount());
        h.advance(1);
        assertEquals(0, h.tcp.timeWaitCount(), "TIME_WAIT lasts 60 s (TCP_TIMEWAIT_LEN)");
        h.noMoreSegments();
        h.inject(". 2:2(0) ack 1002 win 257");
        h.expect("R 1002:1002(0)");
    }

    @Test
    void shutdownWriteKeepsFinWait2ForTheUser() {
        Socket s = h.passiveOpen();
        s.shutdown(Socket.SHUT_WR);
        h.expect("F. 1:1(0) ack 1");
        h.inject(". 1:1(0) ack 2 win 257");
        assertEquals(TcpState.FIN_WAIT2, sk(s).state());
        h.quietFor(600_000);
        assertEquals(TcpState.FIN_WAIT2, sk(s).state(), "no FIN_WAIT2 timeout while the user holds the socket");
        h.inject("F. 1:1(0) ack 2 win 257");
        h.expect(". 2:2(0) ack 2");
        assertEquals(1, h.tcp.timeWaitCount());
        assertEquals(0, read(s, 10));
    }

    @Test
    void finWait1StraightToTimeWaitWhenFinAndAckArriveTogether() {
        Socket s = h.passiveOpen();
        s.close();
        h.expect("F. 1:1(0) ack 1");
        h.inject("F. 1:1(0) ack 2 win 257");
        h.expect(". 2:2(0) ack 2");
        assertEquals(1, h.tcp.timeWaitCount());
    }

    @Test
    void simultaneousCloseThroughClosing() {
        Socket s = h.passiveOpen();
        TcpSock sk = sk(s);
        s.shutdown(Socket.SHUT_WR);
        h.expect("F. 1:1(0) ack 1");
        h.inject("F. 1:1(0) ack 1 win 257");
        assertEquals(TcpState.CLOSING, sk.state());
        h.expect(". 2:2(0) ack 2");
        h.inject(". 2:2(0) ack 2 win 257");
        assertEquals(1, h.tcp.timeWaitCount());
        assertEquals(TcpState.CLOSE, sk.state());
    }

    @Test
    void closingRetransmitsTheFin() {
        Socket s = h.passiveOpen();
        s.close();
        h.expect("F. 1:1(0) ack 1");
        h.inject("F. 1:1(0) ack 1 win 257");
        h.expect(". 2:2(0) ack 2");
        assertEquals(TcpState.CLOSING, sk(s).state());
        TcpHarness.Captured c = h.expectIn(sk(s).rtoNanos() / 1_000_000L, "F. 1:1(0) ack 2");
        assertTrue(c != null);
    }

    // ================================================================ passive close

    @Test
    void passiveCloseThroughCloseWaitAndLastAck() {
        Socket s = h.passiveOpen();
        TcpSock sk = sk(s);
        h.advance(10);
        h.inject("F. 1:1(0) ack 1 win 257");
        h.expect(". 1:1(0) ack 2");
        assertEquals(TcpState.CLOSE_WAIT, sk.state());
        assertTrue((s.poll() & Socket.POLLRDHUP) != 0);
        assertEquals(0, read(s, 1000));
        s.send(ByteBuffer.wrap(new byte[3]), 0);
        h.expect("P. 1:4(3) ack 2");
        h.inject(". 2:2(0) ack 4 win 257");
        h.advance(10);
        s.close();
        assertEquals(TcpState.LAST_ACK, sk.state());
        h.expect("F. 4:4(0) ack 2");
        h.advance(10);
        h.inject(". 2:2(0) ack 5 win 257");
        assertEquals(TcpState.CLOSE, sk.state());
        assertEquals(0, h.tcp.established.size());
        assertEquals(0, h.tcp.timeWaitCount(), "the passive closer keeps no TIME_WAIT");
        h.advance(10);
        h.inject(". 2:2(0) ack 5 win 257");
        h.expect("R 5:5(0)");
    }

    @Test
    void finAheadOfAHoleWaitsForTheData() {
        Socket s = h.passiveOpen();
        h.inject("F. 101:101(0) ack 1 win 257");
        h.expect(". 1:1(0) ack 1");
        assertEquals(TcpState.ESTABLISHED, sk(s).state());
        h.inject("P. 1:101(100) ack 1 win 257");
        h.expect(". 1:1(0) ack 102");
        assertEquals(TcpState.CLOSE_WAIT, sk(s).state());
        assertEquals(100, read(s, 1000));
        assertEquals(0, read(s, 1000));
    }

    @Test
    void retransmittedFinInCloseWaitIsAcknowledged() {
        Socket s = h.passiveOpen();
        h.inject("F. 1:1(0) ack 1 win 257");
        h.expect(". 1:1(0) ack 2");
        h.inject("F. 1:1(0) ack 1 win 257");
        h.expect(". 1:1(0) ack 2");
        assertEquals(TcpState.CLOSE_WAIT, sk(s).state());
    }

    @Test
    void lastAckRetransmitsTheFinUntilAcknowledged() {
        Socket s = h.passiveOpen();
        h.inject("F. 1:1(0) ack 1 win 257");
        h.expect(". 1:1(0) ack 2");
        s.close();
        h.expect("F. 1:1(0) ack 2");
        long rto = sk(s).rtoNanos() / 1_000_000L;
        h.expectIn(rto, "F. 1:1(0) ack 2");
        h.inject(". 2:2(0) ack 2 win 257");
        assertEquals(TcpState.CLOSE, sk(s).state());
    }

    @Test
    void dataAfterFinInCloseWaitIsIgnored() {
        Socket s = h.passiveOpen();
        h.inject("F. 1:1(0) ack 1 win 257");
        h.expect(". 1:1(0) ack 2");
        h.inject("P. 2:12(10) ack 1 win 257");
        h.noMoreSegments();
        assertEquals(0, read(s, 100));
        assertEquals(TcpState.CLOSE_WAIT, sk(s).state());
    }

    // ================================================================ TIME_WAIT

    /** The stack closes first; the connection ends in TIME_WAIT on the stack's side. */
    private TimeWaitSock toTimeWait(Socket s) {
        s.close();
        h.expect("F. 1:1(0) ack 1");
        h.inject("F. 1:1(0) ack 2 win 257");
        h.expect(". 2:2(0) ack 2");
        TimeWaitSock tw = timeWait();
        assertInstanceOf(TimeWaitSock.class, tw);
        return tw;
    }

    @Test
    void retransmittedFinInTimeWaitIsAcknowledgedAndRestartsTheWait() {
        Socket s = h.passiveOpen();
        toTimeWait(s);
        h.advance(30_000);
        h.inject("F. 1:1(0) ack 2 win 257");
        h.expect(". 2:2(0) ack 2");
        h.inject("F. 1:1(0) ack 2 win 257");
        h.expect(". 2:2(0) ack 2");   // a FIN is data: never rate limited
        h.advance(59_999);
        assertEquals(1, h.tcp.timeWaitCount(), "the 60 s started again at the retransmission");
        h.advance(1);
        assertEquals(0, h.tcp.timeWaitCount());
    }

    @Test
    void resetKillsTimeWait() {
        Socket s = h.passiveOpen();
        toTimeWait(s);
        h.inject("R 2:2(0) win 0");
        h.noMoreSegments();
        assertEquals(0, h.tcp.timeWaitCount());
    }

    @Test
    void rfc1337KeepsTimeWaitAgainstResets() {
        h.net.sysctls().set("net.ipv4.tcp_rfc1337", "1");
        Socket s = h.passiveOpen();
        toTimeWait(s);
        h.inject("R 2:2(0) win 0");
        h.noMoreSegments();
        assertEquals(1, h.tcp.timeWaitCount());
    }

    @Test
    void outOfWindowAckInTimeWaitIsAnsweredOncePerRateLimit() {
        Socket s = h.passiveOpen();
        toTimeWait(s);
        h.inject(". 5000:5000(0) ack 2 win 257");
        h.expect(". 2:2(0) ack 2");
        h.inject(". 5000:5000(0) ack 2 win 257");
        h.noMoreSegments();
        assertEquals(1, h.tcp.extMib().get(TcpExtMib.TCPACKSkippedTimeWait));
        h.advance(500);
        h.inject(". 5000:5000(0) ack 2 win 257");
        h.expect(". 2:2(0) ack 2");
    }

    @Test
    void newSynWithHigherSequenceReopensFromTimeWait() {
        Socket l = h.listen(PORT, 4);
        h.inject("S 0:0(0) win 32792 <mss 1000>");
        h.expect("S. 0:0(0) ack 1 <mss 1460>");
        h.inject(". 1:1(0) ack 1 win 257");
        Socket s = l.accept();
        s.send(ByteBuffer.wrap(new byte[100]), 0);
        h.expect("P. 1:101(100) ack 1");
        h.inject(". 1:1(0) ack 101 win 257");
        s.close();
        h.expect("F. 101:101(0) ack 1");
        h.inject("F. 1:1(0) ack 102 win 257");
        h.expect(". 102:102(0) ack 2");
        TimeWaitSock tw = timeWait();
        int twSndNxt = tw.sndNxt;
        h.advance(1000);
        // The client reuses its port with a new ISN above the old connection's.
        h.remoteIsn += 100_000;
        h.forgetIsn();
        h.inject("S 0:0(0) win 32792 <mss 1000>");
        TcpHarness.Captured synAck = h.expect("S. 0:0(0) ack 1 <mss 1460>");
        assertEquals(twSndNxt + 65535 + 2, synAck.seq(),
                "RFC 1122 §4.2.2.13: the new ISN is above the old connection's sequence space (Linux: snd_nxt + 65537)");
        assertEquals(0, h.tcp.timeWaitCount());
        h.inject(". 1:1(0) ack 1 win 257");
        Socket s2 = l.accept();
        assertEquals(TcpState.ESTABLISHED, sk(s2).state());
    }

    @Test
    void oldSynInTimeWaitGetsAnAckAndTimeWaitStays() {
        Socket s = h.passiveOpen();
        toTimeWait(s);
        h.remoteIsn -= 100_000;
        h.inject("S 0:0(0) win 32792 <mss 1000>");
        h.remoteIsn += 100_000;
        h.expect(". 2:2(0) ack 2");
        assertEquals(1, h.tcp.timeWaitCount());
    }

    @Test
    void newSynInTimeWaitWithoutListenerGetsAnAck() {
        Socket s = h.activeOpen();
        s.close();
        h.expect("F. 1:1(0) ack 1");
        h.inject("F. 1:1(0) ack 2 win 65535");
        h.expect(". 2:2(0) ack 2");
        h.remoteIsn += 100_000;
        h.inject("S 0:0(0) win 32792 <mss 1000>");
        h.remoteIsn -= 100_000;
        h.expect(". 2:2(0) ack 2");
        assertEquals(1, h.tcp.timeWaitCount(), "no listener: tcp_v4_rcv answers TCP_TW_SYN with the TIME_WAIT ACK");
    }

    // ================================================================ half close and shutdown

    @Test
    void halfCloseKeepsReceiving() {
        Socket s = h.passiveOpen();
        s.shutdown(Socket.SHUT_WR);
        h.expect("F. 1:1(0) ack 1");
        h.inject(". 1:1(0) ack 2 win 257");
        assertEquals(Errno.EPIPE, errnoOf(() -> s.send(ByteBuffer.allocate(10), 0)));
        h.inject(". 1:1001(1000) ack 2 win 257");
        h.expect(". 2:2(0) ack 1001");
        assertEquals(1000, read(s, 1000));
        s.close();
        h.inject("F. 1001:1001(0) ack 2 win 257");
        h.expect(". 2:2(0) ack 1002");
    }

    @Test
    void shutdownReadThenDataIsStillAckedAndReadable() {
        Socket s = h.passiveOpen();
        s.shutdown(Socket.SHUT_RD);
        assertEquals(0, read(s, 1000));
        h.inject(". 1:1001(1000) ack 1 win 257");
        h.expect(". 1:1(0) ack 1001");
        assertEquals(1000, read(s, 1000), "Linux queues data after SHUT_RD in ESTABLISHED");
    }

    @Test
    void shutdownBothThenDataResets() {
        Socket s = h.passiveOpen();
        s.shutdown(Socket.SHUT_RDWR);
        h.expect("F. 1:1(0) ack 1");
        h.inject(". 1:1(0) ack 2 win 257");
        assertEquals(0, read(s, 1000));
        assertEquals(Errno.EPIPE, errnoOf(() -> s.send(ByteBuffer.allocate(10), 0)));
        h.inject(". 1:1001(1000) ack 2 win 257");
        h.expect("R 2:2(0)");
        assertEquals(TcpState.CLOSE, sk(s).state());
        assertEquals(1, h.tcp.extMib().get(TcpExtMib.TCPAbortOnData));
    }

    // ================================================================ aborts

    @Test
    void closeWithUnreadDataResets() {
        Socket s = h.passiveOpen();
        h.inject("P. 1:101(100) ack 1 win 257");
        h.expect(". 1:1(0) ack 101");
        s.close();
        h.expect("R. 1:1(0) ack 101");
        assertEquals(1, h.tcp.extMib().get(TcpExtMib.TCPAbortOnClose));
        assertEquals(0, h.tcp.established.size());
        assertEquals(1, h.tcp.mib().get(TcpMib.EstabResets));
    }

    @Test
    void closeWithUnreadDataAndPeerFinResets() {
        Socket s = h.passiveOpen();
        h.inject("FP. 1:101(100) ack 1 win 257");
        h.expect(". 1:1(0) ack 102");
        s.close();
        h.expect("R. 1:1(0) ack 102");
        assertEquals(1, h.tcp.extMib().get(TcpExtMib.TCPAbortOnClose));
    }

    @Test
    void closeAfterReadingEverythingIncludingFinSendsFin() {
        Socket s = h.passiveOpen();
        h.inject("FP. 1:101(100) ack 1 win 257");
        h.expect(". 1:1(0) ack 102");
        assertEquals(100, read(s, 1000));
        s.close();
        h.expect("F. 1:1(0) ack 102");
    }

    @Test
    void lingerZeroResets() {
        Socket s = h.passiveOpen();
        s.setsockopt(SockOpt.SO_LINGER, new SockOpt.Linger(true, 0));
        s.send(ByteBuffer.wrap(new byte[10]), 0);
        h.expect("P. 1:11(10) ack 1");
        s.close();
        h.expect("R. 11:11(0) ack 1");
        assertEquals(0, h.tcp.established.size());
        assertEquals(1, h.tcp.extMib().get(TcpExtMib.TCPAbortOnData));
    }

    @Test
    void lingerWaitsForTheFinToBeAcknowledged() {
        Socket s = h.passiveOpen();
        s.setsockopt(SockOpt.SO_LINGER, new SockOpt.Linger(true, 5));
        long[] returned = {-1};
        Thread t = h.spawn("close", () -> {
            s.close();
            returned[0] = h.nowMs();
        });
        h.expect("F. 1:1(0) ack 1");
        h.advance(300);
        assertTrue(t.isAlive(), "close() lingers while the FIN is unacknowledged");
        long at = h.nowMs();
        h.inject(". 1:1(0) ack 2 win 257");
        join(t);
        assertEquals(at, returned[0]);
    }

    @Test
    void lingerGivesUpAfterItsTimeout() {
        Socket s = h.passiveOpen();
        s.setsockopt(SockOpt.SO_LINGER, new SockOpt.Linger(true, 2));
        long start = h.nowMs();
        long[] returned = {-1};
        Thread t = h.spawn("close", () -> {
            s.close();
            returned[0] = h.nowMs();
        });
        h.expect("F. 1:1(0) ack 1");
        h.advance(2500);
        join(t);
        assertEquals(start + 2000, returned[0]);
        assertEquals(TcpState.FIN_WAIT1, sk(s).state(), "the orphan goes on after close() returned");
    }

    // ================================================================ orphans

    @Test
    void orphanInFinWait2TimesOutAfterTcpFinTimeout() {
        h.net.sysctls().set("net.ipv4.tcp_fin_timeout", "5");
        Socket s = h.passiveOpen();
        s.close();
        h.expect("F. 1:1(0) ack 1");
        h.inject(". 1:1(0) ack 2 win 257");
        h.quietFor(4999);
        assertFalse(h.tcp.established.isEmpty(), "still in FIN_WAIT2");
        h.advance(1);
        assertTrue(h.tcp.established.isEmpty(), "gone after tcp_fin_timeout");
        h.noMoreSegments();
        h.inject("F. 1:1(0) ack 2 win 257");
        h.expect("R 2:2(0)");
    }

    @Test
    void finWait2TimeoutIsNeverBelowThreeAndAHalfRto() {
        h.net.sysctls().set("net.ipv4.tcp_fin_timeout", "0");
        Socket s = h.passiveOpen();
        long rto = sk(s).rtoNanos();
        s.close();
        h.expect("F. 1:1(0) ack 1");
        h.inject(". 1:1(0) ack 2 win 257");
        long tmo = (rto << 2) - (rto >> 1);
        h.k.runFor(tmo - 1);
        assertFalse(h.tcp.established.isEmpty(), "tcp_fin_time: at least 3.5 RTO");
        h.k.runFor(1);
        assertTrue(h.tcp.established.isEmpty());
    }

    @Test
    void tcpLinger2ZeroMeansTcpFinTimeoutAndMinusOneAborts() {
        h.net.sysctls().set("net.ipv4.tcp_fin_timeout", "5");
        Socket s = h.passiveOpen();
        s.setsockopt(TcpSock.TCP_LINGER2, 0);
        assertEquals(5, (int) s.getsockopt(TcpSock.TCP_LINGER2));
        s.setsockopt(TcpSock.TCP_LINGER2, -1);
        assertEquals(-1, (int) s.getsockopt(TcpSock.TCP_LINGER2));
        s.close();
        h.expect("F. 1:1(0) ack 1");
        h.inject(". 1:1(0) ack 2 win 257");
        h.expect("R 2:2(0)");
        assertTrue(h.tcp.established.isEmpty());
        assertEquals(1, h.tcp.extMib().get(TcpExtMib.TCPAbortOnData));
    }

    @Test
    void closeInFinWait2WithNegativeLinger2Resets() {
        Socket s = h.passiveOpen();
        s.setsockopt(TcpSock.TCP_LINGER2, -1);
        s.shutdown(Socket.SHUT_WR);
        h.expect("F. 1:1(0) ack 1");
        h.inject(". 1:1(0) ack 2 win 257");
        s.close();
        h.expect("R. 2:2(0) ack 1");
        assertEquals(1, h.tcp.extMib().get(TcpExtMib.TCPAbortOnLinger));
    }

    @Test
    void orphanInFinWait2StillTakesThePeersFin() {
        Socket s = h.passiveOpen();
        s.close();
        h.expect("F. 1:1(0) ack 1");
        h.inject(". 1:1(0) ack 2 win 257");
        h.advance(30_000);
        h.inject("F. 1:1(0) ack 2 win 257");
        h.expect(". 2:2(0) ack 2");
        assertEquals(1, h.tcp.timeWaitCount());
    }

    @Test
    @org.junit.jupiter.api.Disabled("differs from Linux: an orphan in FIN_WAIT2 stays a full socket; Linux turns it into a "
            + "time-wait sock in FIN_WAIT2 (tcp_time_wait(sk, TCP_FIN_WAIT2, tmo)) whose tcp_timewait_state_process "
            + "answers a SYN at or beyond RCV.NXT with RST (TCP_TW_RST) instead of a challenge ACK")
    void synToAnOrphanInFinWait2IsReset() {
        Socket s = h.passiveOpen();
        s.close();
        h.expect("F. 1:1(0) ack 1");
        h.inject(". 1:1(0) ack 2 win 257");
        h.inject("S 1:1(0) win 32792 <mss 1000>");
        h.forgetIsn();
        h.expect("R. 0:0(0) ack 2");
        assertTrue(h.tcp.established.isEmpty());
    }

    @Test
    void orphanInFinWait2ResetsNewData() {
        Socket s = h.passiveOpen();
        s.close();
        h.expect("F. 1:1(0) ack 1");
        h.inject(". 1:1(0) ack 2 win 257");
        h.inject("P. 1:11(10) ack 2 win 257");
        h.expect("R 2:2(0)");
        assertTrue(h.tcp.established.isEmpty());
    }

    @Test
    void closeInSynSentSendsNothingAndTheSynAckIsReset() {
        Socket s = h.connect(PORT);
        h.expect("S 0:0(0) <...>");
        s.close();
        h.noMoreSegments();
        h.advance(100);
        h.inject("S. 0:0(0) ack 1 win 32000 <mss 1460,nop,wscale 7>");
        h.expect("R 1:1(0)");
    }

    @Test
    void closingAListenerResetsQueuedConnections() {
        Socket[] l = new Socket[1];
        h.passiveOpen("<mss 1000>", "<mss 1460>", l);
        h.peer(40001).inject("S 0:0(0) win 32792 <mss 1000>");
        h.expect("S. 0:0(0) ack 1 <mss 1460>");
        h.inject(". 1:1(0) ack 1 win 257");
        h.peer(40002).inject("S 0:0(0) win 32792 <mss 1000>");
        h.expect("S. 0:0(0) ack 1 <mss 1460>");
        l[0].close();
        h.peer(40001).expect("R. 1:1(0) ack 1");
        h.noMoreSegments();
        h.peer(40002).inject(". 1:1(0) ack 1 win 257");
        h.expect("R 1:1(0)");
        try {
            l[0].accept();
        } catch (ErrnoException e) {
            assertEquals(Errno.EBADF, e.errno());
        }
        assertEquals(0, h.tcp.orphans, "the orphan count stays balanced");
    }
}
