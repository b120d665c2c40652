package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.socket.Socket;
import io.jnetstack.wire.Tcp;
import io.jnetstack.wire.TcpOptions;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static io.jnetstack.ipv4.tcp.ReliabilityHarness.MS;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.SEC;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.Out;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.sk;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.synOpts;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retransmission: the RTT estimator and RTO (RFC 6298 with Linux's 200 ms floor on the variance
 * term and 120 s ceiling), Karn's rule, exponential backoff in exact virtual time, the
 * {@code tcp_retries2} time model and TCP_USER_TIMEOUT, fast retransmit and NewReno partial ACKs
 * (RFC 5681 §3.2, RFC 6582 §3.2).
 */
class TcpRetransmitTest {
    private static final int WIN = 65535;

    /** An established client whose SYN took {@code rtt}; peer MSS 1000, no options besides. */
    private static Socket client(ReliabilityHarness h, long rtt) {
        return h.activeOpen(synOpts(1000, false, false, -1), WIN, rtt);
    }

    /** RFC 6298 §2 in floating point, with Linux's floor on the variance term. */
    private static final class Rfc6298 {
        double srtt = -1;
        double rttvar;

        double sample(double r) {
            if (srtt < 0) {
                srtt = r;
                rttvar = r / 2;
            } else {
                rttvar = 0.75 * rttvar + 0.25 * Math.abs(srtt - r);
                srtt = 0.875 * srtt + 0.125 * r;
            }
            return rto();
        }

        double rto() {
            return Math.min(srtt + Math.max(4 * rttvar, 200 * MS), 120_000 * MS);
        }
    }

    @Test
    void rtoFollowsRfc6298ForEverySample() {
        ReliabilityHarness h = new ReliabilityHarness(11);
        Socket s = client(h, 100 * MS);
        Rfc6298 model = new Rfc6298();
        double rto = model.sample(100 * MS);
        assertEquals(rto, sk(s).rtoNanos(), 0.01 * MS, "after the SYN's sample");
        int seq = 1;
        long[] rtts = {100 * MS, 250 * MS, 50 * MS, 350 * MS, 20 * MS, 20 * MS, 20 * MS, 300 * MS, 5 * MS};
        for (long rtt : rtts) {
            assertTrue(rtt < sk(s).rtoNanos(), "the ACK comes before the RTO");
            write(s, 100);
            h.expect(Tcp.ACK | Tcp.PSH, seq, 100, 1);
            h.run(rtt);
            seq += 100;
            h.ack(seq, WIN);
            rto = model.sample(rtt);
            assertEquals(model.srtt / 1000, sk(s).srttMicros(), 10, "SRTT after a sample of " + rtt / MS + " ms");
            assertEquals(rto, sk(s).rtoNanos(), 0.01 * MS, "RTO after a sample of " + rtt / MS + " ms");
        }
        h.none();
    }

    @Test
    void rtoHasLinuxFloorAndCeiling() {
        ReliabilityHarness h = new ReliabilityHarness(12);
        Socket s = client(h, MS);
        // RFC 6298 (2.4) would round up to 1 s; Linux's floor applies to the variance term: SRTT + 200 ms.
        assertEquals(201 * MS, sk(s).rtoNanos(), 0.01 * MS);
        TcpSock k = sk(s);
        h.k.run(() -> {
            for (int i = 0; i < 50; i++) {
                TcpAck.rttSample(k, 200 * SEC);
            }
        });
        assertEquals(120 * SEC, k.rtoNanos(), "RFC 6298 (2.5): a maximum may be placed; Linux's is 120 s");
    }

    /** Sends one segment that the peer never acknowledges and returns the times it went out. */
    private static List<Long> retransmissionTimes(ReliabilityHarness h, Socket s, int count) {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Out o = h.await(200 * SEC);
            assertEquals(1, o.tcp().seq() - h.liss, h.describe(o));
            times.add(o.time());
        }
        return times;
    }

    @Test
    void karnIgnoresSamplesOfRetransmittedSegmentsAndKeepsTheBackoff() {
        ReliabilityHarness h = new ReliabilityHarness(13);
        Socket s = client(h, 100 * MS);
        TcpSock k = sk(s);
        long rto = k.rtoNanos();
        long srtt = k.srttMicros();
        write(s, 100);
        Out first = h.expect(Tcp.ACK | Tcp.PSH, 1, 100, 1);
        Out re = h.await(10 * SEC);
        assertEquals(rto, re.time() - first.time(), "the first retransmission after one RTO");
        h.run(10 * MS);
        h.ack(101, WIN);
        assertEquals(srtt, k.srttMicros(), "RFC 6298 §3 (Karn): no sample from a retransmitted segment");
        // RFC 6298 §5 / Karn: the backed-off RTO is kept until a sample from a segment sent once.
        write(s, 100);
        Out second = h.expect(Tcp.ACK | Tcp.PSH, 101, 100, 1);
        Out re2 = h.await(10 * SEC);
        assertEquals(2 * rto, re2.time() - second.time(), "the backed-off RTO survives until a valid sample");
        h.run(10 * MS);
        h.ack(201, WIN);
        write(s, 100);
        h.expect(Tcp.ACK | Tcp.PSH, 201, 100, 1);
        h.run(50 * MS);
        h.ack(301, WIN);
        assertTrue(k.srttMicros() < srtt, "a segment sent once gives a sample: " + k.srttMicros());
        write(s, 100);
        Out third = h.expect(Tcp.ACK | Tcp.PSH, 301, 100, 1);
        Out re3 = h.await(10 * SEC);
        assertEquals(k.rtoNanos(), re3.time() - third.time(), "a valid sample ends the backoff");
    }

    @Test
    void timestampsGiveSamplesForRetransmissions() {
        ReliabilityHarness h = new ReliabilityHarness(14);
        Socket s = h.activeOpen(synOpts(1000, false, true, -1), WIN, 100 * MS);
        TcpSock k = sk(s);
        assertTrue(k.tsOk);
        long srtt = k.srttMicros();
        write(s, 100);
        h.expect(Tcp.ACK | Tcp.PSH, 1, 100, 1);
        Out re = h.await(10 * SEC);
        h.run(400 * MS);
        h.peerTsVal += 500;
        h.ack(101, WIN);   // echoes the retransmission's TSval (RFC 7323 §4.1)
        long expected = (7 * srtt + 400_000) / 8;
        assertEquals(expected, k.srttMicros(), 1000, "the timestamp echo measures from the retransmission: " + re);
    }

    @Test
    void backoffDoublesUpToTwoMinutesThenRetries2TimesOut() {
        ReliabilityHarness h = new ReliabilityHarness(15);
        Socket s = client(h, 100 * MS);
        long rto = sk(s).rtoNanos();
        assertEquals(300 * MS, rto);
        write(s, 100);
        Out orig = h.expect(Tcp.ACK | Tcp.PSH, 1, 100, 1);
        // Linux: ETIMEDOUT at the first RTO expiry at least tcp_model_timeout(15, 200 ms) = 924.6 s
        // after the first retransmission.
        long model = TcpTimers.modelTimeout(15, 200 * MS);
        assertEquals(924_600 * MS, model);
        List<Long> fires = new ArrayList<>();
        long t = orig.time();
        long interval = rto;
        long firstRetx = t + rto;
        while (true) {
            t += interval;
            fires.add(t);
            if (t - firstRetx >= model) {
                break;
            }
            interval = Math.min(interval * 2, 120 * SEC);
        }
        int retransmissions = fires.size() - 1;
        List<Long> seen = retransmissionTimes(h, s, retransmissions);
        for (int i = 0; i < retransmissions; i++) {
            assertEquals(fires.get(i), seen.get(i), "retransmission " + (i + 1));
        }
        h.k.runUntilTime(fires.getLast() - 1);
        assertEquals(TcpState.ESTABLISHED, sk(s).state(), "alive until the last expiry");
        h.run(1);
        h.none();
        assertEquals(TcpState.CLOSE, sk(s).state());
        ErrnoException e = assertThrows(ErrnoException.class, () -> s.recv(ByteBuffer.allocate(10), Socket.MSG_DONTWAIT));
        assertEquals(Errno.ETIMEDOUT, e.errno());
        assertEquals(1, h.tcp().extMib().get(TcpExtMib.TCPAbortOnTimeout));
        assertEquals(15, retransmissions, "with a 300 ms RTO: " + seen);
        assertEquals(993_300 * MS, fires.getLast() - orig.time(), "the first expiry 924.6 s or more after the first retransmission");
    }

    @Test
    void smallerRetries2TimesOutSooner() {
        ReliabilityHarness h = new ReliabilityHarness(16);
        h.net.sysctls().set("net.ipv4.tcp_retries2", "3");
        Socket s = client(h, 100 * MS);
        write(s, 100);
        Out orig = h.expect(Tcp.ACK | Tcp.PSH, 1, 100, 1);
        // model(3, 200 ms) = 3 s; fires at +0.3, +0.9, +2.1, +4.5 (4.2 s after the first retransmission)
        List<Long> seen = retransmissionTimes(h, s, 3);
        assertEquals(List.of(orig.time() + 300 * MS, orig.time() + 900 * MS, orig.time() + 2100 * MS), seen);
        h.k.runUntilTime(orig.time() + 4500 * MS);
        h.none();
        assertEquals(TcpState.CLOSE, sk(s).state());
        assertEquals(Errno.ETIMEDOUT, assertThrows(ErrnoException.class, () -> write(s, 1)).errno());
    }

    @Test
    void userTimeoutEndsTheConnectionExactlyThen() {
        ReliabilityHarness h = new ReliabilityHarness(17);
        Socket s = client(h, 100 * MS);
        s.setsockopt(TcpSock.TCP_USER_TIMEOUT, 5000);
        write(s, 100);
        Out orig = h.expect(Tcp.ACK | Tcp.PSH, 1, 100, 1);
        long firstRetx = orig.time() + 300 * MS;
        // Retransmissions at +0.3, +0.9, +2.1, +4.5; Linux clamps the next timer to the user timeout
        // (tcp_clamp_rto_to_user_timeout): it ends at the first retransmission + 5 s.
        List<Long> seen = retransmissionTimes(h, s, 4);
        assertEquals(firstRetx, seen.getFirst());
        h.k.runUntilTime(firstRetx + 5 * SEC - 1);
        assertEquals(TcpState.ESTABLISHED, sk(s).state());
        h.run(1);
        h.none();
        assertEquals(TcpState.CLOSE, sk(s).state());
        assertEquals(Errno.ETIMEDOUT, assertThrows(ErrnoException.class, () -> write(s, 1)).errno());
    }

    @Test
    void userTimeoutLongerThanTheModelWins() {
        ReliabilityHarness h = new ReliabilityHarness(18);
        h.net.sysctls().set("net.ipv4.tcp_retries2", "3");
        Socket s = client(h, 100 * MS);
        s.setsockopt(TcpSock.TCP_USER_TIMEOUT, 20_000);
        write(s, 100);
        Out orig = h.expect(Tcp.ACK | Tcp.PSH, 1, 100, 1);
        h.k.runUntilTime(orig.time() + 300 * MS + 20 * SEC - 1);
        assertEquals(TcpState.ESTABLISHED, sk(s).state(), "TCP_USER_TIMEOUT replaces tcp_retries2");
        h.run(1);
        assertEquals(TcpState.CLOSE, sk(s).state());
    }

    // ---------------------------------------------------------------- fast retransmit, NewReno

    /** An established server (peer MSS 1000) that has sent ten segments (the initial window). */
    private static Socket tenInFlight(ReliabilityHarness h, int bytes) {
        Socket s = h.passiveOpen(synOpts(1000, false, false, -1), WIN);
        assertTrue(write(s, bytes) >= Math.min(bytes, 12_000), "at least a window and a bit more queued");
        for (int i = 0; i < 10; i++) {
            h.expect(Tcp.ACK | (bytes == 10_000 && i == 9 ? Tcp.PSH : 0), 1 + 1000 * i, 1000, 1);
        }
        h.none();
        return s;
    }

    @Test
    void threeDuplicateAcksTriggerFastRetransmit() {
        ReliabilityHarness h = new ReliabilityHarness(21).reno();
        Socket s = tenInFlight(h, 20_000);
        TcpSock k = sk(s);
        h.run(20 * MS);
        // RFC 3042 limited transmit: each of the first two duplicates lets a new segment out
        // (without SACK Linux counts them in sacked_out, so packets in flight fall).
        h.ack(1, WIN);
        h.expect(Tcp.ACK, 10_001, 1000, 1);
        assertEquals(TcpInfo.CA_DISORDER, k.caState);
        h.ack(1, WIN);
        h.expect(Tcp.ACK, 11_001, 1000, 1);
        h.none();
        h.ack(1, WIN);
        h.expect(Tcp.ACK, 1, 1000, 1);
        assertEquals(TcpInfo.CA_RECOVERY, k.caState);
        assertEquals(5, k.ssthresh, "Reno: max(cwnd / 2, 2)");
        // RFC 6937: pipe = 12 - (3 dup + 1 lost) = 8 > ssthresh; sndcnt = ceil(1 * 5 / 10) = 1.
        assertEquals(9, k.cwnd(), "PRR: pipe + sndcnt");
        assertEquals(1, h.tcp().extMib().get(TcpExtMib.TCPFastRetrans));
        assertEquals(1, h.tcp().extMib().get(TcpExtMib.TCPRenoRecovery));
        // The next duplicate: prr_delivered 2, ceil(2 * 5 / 10) - prr_out 1 = 0: nothing goes.
        h.ack(1, WIN);
        h.none();
        // The one after: ceil(3 * 5 / 10) - 1 = 1: one new segment.
        h.ack(1, WIN);
        h.expect(Tcp.ACK, 12_001, 1000, 1);
        // The ACK of everything sent before recovery began ends it: cwnd = ssthresh (RFC 6937).
        h.ack(13_001, WIN);
        assertEquals(TcpInfo.CA_OPEN, k.caState);
        assertEquals(5, k.ssthresh);
        // cwnd = ssthresh at the end of recovery, then the same ACK's 8 delivered segments are
        // one congestion-avoidance step (tcp_cong_control after tcp_fastretrans_alert).
        assertEquals(6, k.cwnd());
        assertEquals(1, h.tcp().mib().get(TcpMib.RetransSegs));
    }

    /** The default, CUBIC (RFC 9438 §4.6): the reduction is to 717/1024 of the window, not half. */
    @Test
    void cubicReducesTheWindowByItsBetaOnFastRetransmit() {
        ReliabilityHarness h = new ReliabilityHarness(24);
        Socket s = tenInFlight(h, 20_000);
        TcpSock k = sk(s);
        assertEquals("cubic", s.getsockopt(TcpSock.TCP_CONGESTION));
        h.run(20 * MS);
        h.ack(1, WIN);
        h.expect(Tcp.ACK, 10_001, 1000, 1);
        h.ack(1, WIN);
        h.expect(Tcp.ACK, 11_001, 1000, 1);
        h.ack(1, WIN);
        h.expect(Tcp.ACK, 1, 1000, 1);
        assertEquals(TcpInfo.CA_RECOVERY, k.caState);
        assertEquals(10 * 717 / 1024, k.ssthresh, "CUBIC: max(cwnd * beta_cubic, 2), beta 717/1024");
        // RFC 6937: pipe = 12 - (3 dup + 1 lost) = 8 > ssthresh 7; sndcnt = ceil(1 * 7 / 10) = 1.
        assertEquals(9, k.cwnd(), "PRR: pipe + sndcnt");
    }

    @Test
    void newRenoRetransmitsTheNextHoleOnAPartialAck() {
        ReliabilityHarness h = new ReliabilityHarness(22);
        Socket s = tenInFlight(h, 10_000);
        TcpSock k = sk(s);
        // Segments 1 and 5 are lost: 2, 3, 4 give three duplicates.
        h.run(20 * MS);
        for (int i = 0; i < 3; i++) {
            h.ack(1, WIN);
        }
        h.expect(Tcp.ACK, 1, 1000, 1);
        for (int i = 0; i < 5; i++) {
            h.ack(1, WIN);   // 6..10
        }
        h.none();
        // The retransmission fills the first hole: the ACK stops at the second (RFC 6582 §3.2 step 5).
        h.run(20 * MS);
        h.ack(4001, WIN);
        h.expect(Tcp.ACK, 4001, 1000, 1);
        assertEquals(TcpInfo.CA_RECOVERY, k.caState, "a partial ACK does not end recovery");
        h.ack(10_001, WIN);
        // Without SACK Linux holds Recovery until data above high_seq is acknowledged
        // (tcp_is_non_sack_preventing_reopen; RFC 6582 §3.2 step 4 against false fast retransmits).
        assertEquals(TcpInfo.CA_RECOVERY, k.caState);
        assertEquals(0, k.retransOut);
        assertEquals(2, h.tcp().mib().get(TcpMib.RetransSegs));
        assertEquals(0, h.tcp().extMib().get(TcpExtMib.TCPTimeouts), "no timeout was needed");
    }

    @Test
    void timeoutRetransmitsEverythingInSlowStart() {
        ReliabilityHarness h = new ReliabilityHarness(23).reno();
        Socket s = tenInFlight(h, 10_000);
        TcpSock k = sk(s);
        long rto = k.rtoNanos();
        Out re = h.await(2 * SEC);
        assertEquals(1, re.tcp().seq() - h.liss);
        assertEquals(1, k.cwnd(), "RFC 5681 (5): cwnd = 1 after a timeout");
        assertEquals(5, k.ssthresh);
        h.none();
        h.ack(1001, WIN);
        h.expect(Tcp.ACK, 1001, 1000, 1);
        h.expect(Tcp.ACK, 2001, 1000, 1);
        h.none();
        assertTrue(rto > 0);
    }
}
