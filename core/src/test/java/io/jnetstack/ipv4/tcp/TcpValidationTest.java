package io.jnetstack.ipv4.tcp;

import io.jnetstack.socket.Socket;
import io.jnetstack.wire.Tcp;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import static io.jnetstack.ipv4.tcp.TcpHarness.PORT;
import static io.jnetstack.ipv4.tcp.TcpHarness.sk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Validation of arriving segments: RFC 5961 (blind RST, SYN and data injection), sequence and
 * acknowledgment acceptability (RFC 9293 §3.10.7.4), PAWS (RFC 7323 §5), and bad input (data
 * offset, checksum, flag combinations, malformed options), each counted as Linux counts it and
 * never escaping as an exception.
 */
class TcpValidationTest {
    final TcpHarness h = new TcpHarness();

    private long ext(TcpExtMib m) {
        return h.tcp.extMib().get(m);
    }

    private long mib(TcpMib m) {
        return h.tcp.mib().get(m);
    }

    private static long inq(Socket s) {
        return s.ioctl(Socket.FIONREAD, 0);
    }

    // ================================================================ RFC 5961

    @Test
    void resetInWindowButNotExactIsChallenged() {
        Socket s = h.passiveOpen();
        h.inject("R 100:100(0) win 0");
        h.expect(". 1:1(0) ack 1");
        assertEquals(TcpState.ESTABLISHED, sk(s).state(), "RFC 5961 §3.2: the connection survives");
        assertEquals(1, ext(TcpExtMib.TCPChallengeACK));
        h.inject("R 1:1(0) win 0");
        assertEquals(TcpState.CLOSE, sk(s).state());
    }

    @Test
    void resetOutOfWindowIsDroppedSilently() {
        Socket s = h.passiveOpen();
        h.inject("R 1000000:1000000(0) win 0");
        h.noMoreSegments();
        assertEquals(TcpState.ESTABLISHED, sk(s).state());
    }

    @Test
    void synInEstablishedIsChallenged() {
        Socket s = h.passiveOpen();
        h.inject("S 0:0(0) win 65535 <mss 1000>");
        h.expect(". 1:1(0) ack 1");
        assertEquals(TcpState.ESTABLISHED, sk(s).state(), "RFC 5961 §4.2");
        assertEquals(1, ext(TcpExtMib.TCPSYNChallenge));
        assertEquals(1, ext(TcpExtMib.TCPChallengeACK));
        assertEquals(1, mib(TcpMib.InErrs), "tcp_rcv_established counts a SYN challenge in InErrs");
        h.advance(500);
        h.inject("S 5000:5000(0) win 65535 <mss 1000>");
        h.expect(". 1:1(0) ack 1");
        assertEquals(2, ext(TcpExtMib.TCPSYNChallenge));
    }

    @Test
    void challengeAcksAreRateLimitedPerSocket() {
        Socket s = h.passiveOpen();
        h.inject("R 100:100(0) win 0");
        h.expect(". 1:1(0) ack 1");
        h.inject("R 200:200(0) win 0");
        h.inject("S 300:300(0) win 0");
        h.noMoreSegments();
        assertEquals(2, ext(TcpExtMib.TCPACKSkippedChallenge), "tcp_invalid_ratelimit: one per 500 ms");
        h.advance(500);
        h.inject("R 100:100(0) win 0");
        h.expect(". 1:1(0) ack 1");
        assertEquals(TcpState.ESTABLISHED, sk(s).state());
    }

    @Test
    void challengeAckLimitPerSecondWhenSet() {
        h.net.sysctls().set("net.ipv4.tcp_invalid_ratelimit", "0");
        h.net.sysctls().set("net.ipv4.tcp_challenge_ack_limit", "1");
        h.passiveOpen();
        h.inject("R 100:100(0) win 0");
        h.expect(". 1:1(0) ack 1");
        h.inject("R 101:101(0) win 0");
        h.inject("R 102:102(0) win 0");
        h.noMoreSegments();
        assertEquals(1, ext(TcpExtMib.TCPChallengeACK));
        h.advance(1000);
        h.inject("R 103:103(0) win 0");
        h.expect(". 1:1(0) ack 1");
    }

    @Test
    void challengeAckLimitIsOffByDefault() {
        h.net.sysctls().set("net.ipv4.tcp_invalid_ratelimit", "0");
        assertEquals(String.valueOf(Integer.MAX_VALUE), h.net.sysctls().get("net.ipv4.tcp_challenge_ack_limit"),
                "Linux 6.0+: tcp_challenge_ack_limit defaults to INT_MAX (per-socket limits only)");
        h.passiveOpen();
        for (int i = 0; i < 50; i++) {
            h.inject("R " + (100 + i) + ":" + (100 + i) + "(0) win 0");
            h.expect(". 1:1(0) ack 1");
        }
    }

    // ================================================================ sequence and ACK checks

    @Test
    void outOfWindowDataAlwaysGetsADuplicateAck() {
        Socket s = h.passiveOpen();
        int beyond = 1_000_000;
        assertTrue(beyond > sk(s).rcvWnd);
        h.inject("P. " + beyond + ":" + (beyond + 10) + "(10) ack 1 win 257");
        h.expect(". 1:1(0) ack 1");
        h.inject("P. " + beyond + ":" + (beyond + 10) + "(10) ack 1 win 257");
        h.expect(". 1:1(0) ack 1");
        assertEquals(0, inq(s));
    }

    @Test
    void outOfWindowPureAcksAreRateLimited() {
        h.passiveOpen();
        int beyond = 1_000_000;
        h.inject(". " + beyond + ":" + beyond + "(0) ack 1 win 257");
        h.expect(". 1:1(0) ack 1");
        h.inject(". " + beyond + ":" + beyond + "(0) ack 1 win 257");
        h.noMoreSegments();
        assertEquals(1, ext(TcpExtMib.TCPACKSkippedSeq));
    }

    @Test
    void oldDuplicateDataIsAcknowledgedAtOnce() {
        Socket s = h.passiveOpen();
        h.inject("P. 1:101(100) ack 1 win 257");
        h.expect(". 1:1(0) ack 101");
        h.inject("P. 1:101(100) ack 1 win 257");
        h.expect(". 1:1(0) ack 101");
        assertEquals(100, inq(s));
    }

    @Test
    void duplicateDataIsReportedWithADsackBlockAndOutOfOrderDataWithASackBlock() {
        Socket s = h.passiveOpen("<mss 1000,sackOK,nop,wscale 7>", "<mss 1460,nop,nop,sackOK,nop,wscale 7>", null);
        h.inject("P. 1:101(100) ack 1 win 257");
        h.expect(". 1:1(0) ack 101");
        h.inject("P. 1:101(100) ack 1 win 257");
        h.expect(". 1:1(0) ack 101 <nop,nop,sack 1:101>");
        h.inject("P. 201:301(100) ack 1 win 257");
        h.expect(". 1:1(0) ack 101 <nop,nop,sack 201:301>");
        assertEquals(100, inq(s));
    }

    @Test
    void ackOfUnsentDataIsDroppedInEstablished() {
        Socket s = h.passiveOpen();
        h.inject("P. 1:11(10) ack 100 win 257");
        h.noMoreSegments();
        assertEquals(0, inq(s), "RFC 9293 §3.10.7.4 fifth: dropped");
        assertEquals(TcpState.ESTABLISHED, sk(s).state());
    }

    @Test
    void ackOfUnsentDataInCloseWaitIsChallenged() {
        Socket s = h.passiveOpen();
        h.inject("F. 1:1(0) ack 1 win 257");
        h.expect(". 1:1(0) ack 2");
        h.advance(600);
        h.inject(". 2:2(0) ack 100 win 257");
        h.expect(". 1:1(0) ack 2");
        assertEquals(TcpState.CLOSE_WAIT, sk(s).state());
    }

    @Test
    void oldAckWithinTheWindowIsIgnoredButTheDataIsTaken() {
        Socket s = h.passiveOpen();
        s.send(ByteBuffer.wrap(new byte[1000]), 0);
        h.expect("P. 1:1001(1000) ack 1");
        h.inject(". 1:1(0) ack 1001 win 257");
        h.inject("P. 1:11(10) ack 500 win 257");
        h.expect(". 1001:1001(0) ack 11");
        assertEquals(10, inq(s));
    }

    @Test
    void ackOlderThanAnythingSentIsChallenged() {
        Socket s = h.passiveOpen();
        h.inject("P. 1:11(10) ack 0 win 257");
        h.expect(". 1:1(0) ack 1");
        assertEquals(0, inq(s), "RFC 5961 §5.2: older than SND.UNA - MAX.SND.WND (Linux: bytes acked so far)");
        assertEquals(1, ext(TcpExtMib.TCPChallengeACK));
    }

    // ================================================================ PAWS

    private Socket timestamped() {
        return h.passiveOpen("<mss 1000,sackOK,TS val 100 ecr 0,nop,wscale 7>",
                "<mss 1460,sackOK,TS val 100 ecr 100,nop,wscale 7>", null);
    }

    @Test
    void pawsDropsOldTimestamps() {
        Socket s = timestamped();
        h.inject("P. 1:11(10) ack 1 win 257 <nop,nop,TS val 300 ecr 100>");
        h.expect(". 1:1(0) ack 11 <nop,nop,TS val 100 ecr 300>");
        h.inject("P. 11:21(10) ack 1 win 257 <nop,nop,TS val 290 ecr 100>");
        h.expect(". 1:1(0) ack 11 <nop,nop,TS val 100 ecr 300>");
        assertEquals(10, inq(s));
        assertEquals(1, ext(TcpExtMib.PAWSEstab));
    }

    @Test
    void pawsToleratesOneTick() {
        Socket s = timestamped();
        h.inject("P. 1:11(10) ack 1 win 257 <nop,nop,TS val 300 ecr 100>");
        h.expect(". 1:1(0) ack 11 <...>");
        h.inject("P. 11:21(10) ack 1 win 257 <nop,nop,TS val 299 ecr 100>");
        h.expect(". 1:1(0) ack 21 <...>");
        assertEquals(20, inq(s), "TCP_PAWS_WINDOW: one tick back is not a replay");
    }

    @Test
    void resetIsAcceptedEvenIfItFailsPaws() {
        Socket s = timestamped();
        h.inject("P. 1:11(10) ack 1 win 257 <nop,nop,TS val 300 ecr 100>");
        h.expect(". 1:1(0) ack 11 <...>");
        h.inject("R 11:11(0) win 0 <nop,nop,TS val 5 ecr 0>");
        assertEquals(TcpState.CLOSE, sk(s).state());
    }

    @Test
    void synFailingPawsIsChallenged() {
        timestamped();
        h.inject("P. 1:11(10) ack 1 win 257 <nop,nop,TS val 300 ecr 100>");
        h.expect(". 1:1(0) ack 11 <...>");
        h.advance(600);
        h.inject("S 0:0(0) win 65535 <mss 1000,nop,nop,TS val 5 ecr 0>");
        h.expect(". 1:1(0) ack 11 <...>");
        assertEquals(1, ext(TcpExtMib.TCPSYNChallenge));
        assertEquals(0, ext(TcpExtMib.PAWSEstab));
    }

    @Test
    void invalidAckDoesNotUpdateTsRecent() {
        // As packetdrill's ts_recent/invalid_ack.pkt.
        Socket s = timestamped();
        h.inject("F. 1:1(0) ack 9999 win 20000 <nop,nop,TS val 200000 ecr 100>");
        h.noMoreSegments();
        h.inject(". 1:1001(1000) ack 1 win 20000 <nop,nop,TS val 201 ecr 100>");
        h.expect(". 1:1(0) ack 1001 <nop,nop,TS val 100 ecr 201>");
        assertEquals(1000, inq(s));
    }

    // ================================================================ bad input

    @Test
    void dataOffsetBelowFiveIsAnInputError() {
        h.listen(PORT, 1);
        byte[] b = h.build("S 0:0(0) win 65535");
        b[12] = 0x40;
        Tcp.setChecksum(b, 0, 0);
        Tcp.fillChecksum(b, 0, b.length, TcpHarness.REMOTE, TcpHarness.LOCAL);
        h.injectTcp(b);
        h.noMoreSegments();
        assertEquals(1, mib(TcpMib.InErrs));
        assertEquals(1, mib(TcpMib.InSegs));
    }

    @Test
    void headerLongerThanTheSegmentIsDropped() {
        byte[] b = h.build("S 0:0(0) win 65535");
        b[12] = (byte) 0xf0;
        h.injectTcp(b);
        h.noMoreSegments();
        assertEquals(0, mib(TcpMib.InErrs), "Linux: discard_it, not counted as an error");
    }

    @Test
    void truncatedHeaderIsDropped() {
        byte[] b = h.build("S 0:0(0) win 65535");
        h.injectTcp(java.util.Arrays.copyOf(b, 12));
        h.noMoreSegments();
    }

    @Test
    void badChecksumIsCountedAndNeverAnswered() {
        h.listen(PORT, 1);
        byte[] b = h.build("S 0:0(0) win 65535 <mss 1000>");
        b[16] ^= 0x5a;
        h.injectTcp(b);
        h.peer(40001);
        byte[] c = h.build(". 1:1(0) ack 1 win 65535");
        c[17] ^= 1;
        h.injectTcp(c);
        h.noMoreSegments();
        assertEquals(2, mib(TcpMib.InCsumErrors));
        assertEquals(2, mib(TcpMib.InErrs));
        assertEquals(0, h.tcp.established.size());
    }

    @Test
    void illegalFlagsAtAListener() {
        Socket l = h.listen(PORT, 1);
        h.inject("SF 0:0(0) win 65535");
        h.inject("SR 0:0(0) win 65535");
        h.inject("- 0:10(10) win 65535");
        h.inject("F 0:0(0) win 65535");
        h.inject("P 0:10(10) win 65535");
        h.noMoreSegments();
        assertEquals(0, h.tcp.established.size());
        h.inject("F. 0:0(0) ack 1 win 65535");
        h.expect("R 1:1(0)");
        assertEquals(TcpState.LISTEN, sk(l).state());
    }

    @Test
    void illegalFlagsInSynSent() {
        Socket s = h.connect(PORT);
        h.expect("S 0:0(0) <...>");
        h.inject("SR 0:0(0) win 65535");
        h.inject("- 0:0(0) win 65535");
        h.inject("F 0:0(0) win 65535");
        h.inject("P 0:10(10) win 65535");
        h.noMoreSegments();
        assertEquals(TcpState.SYN_SENT, sk(s).state());
        h.inject("F. 0:0(0) ack 1 win 65535");
        h.noMoreSegments();
        assertEquals(TcpState.SYN_SENT, sk(s).state(), "an acceptable ACK without SYN or RST is dropped");
    }

    @Test
    void illegalFlagsInEstablished() {
        Socket s = h.passiveOpen();
        h.inject("- 1:1001(1000) win 20000");
        assertEquals(0, inq(s), "validate-established-no-flags: not queued");
        h.inject("F 1:1(0) win 20000");
        h.noMoreSegments();
        assertEquals(TcpState.ESTABLISHED, sk(s).state(), "a FIN without ACK is dropped");
        h.inject(". 1:1001(1000) ack 1 win 20000");
        h.expect(". 1:1(0) ack 1001");
        assertEquals(1000, inq(s));
        h.inject("SF 1001:1001(0) win 20000");
        h.expect(". 1:1(0) ack 1001");
        assertEquals(TcpState.ESTABLISHED, sk(s).state());
        h.inject("SR 1001:1001(0) win 20000");
        assertEquals(TcpState.CLOSE, sk(s).state(), "RST is checked before SYN (RFC 9293 §3.10.7.4)");
    }

    @Test
    void zeroLengthOptionEndsOptionParsing() {
        h.listen(PORT, 1);
        byte[] b = h.build("S 0:0(0) win 65535 <nop,wscale 7,sackOK,nop,nop,nop,nop>");
        // Replace the SACK-permitted option (4, 2) by a zero-length MSS option (2, 0).
        b[24] = 2;
        b[25] = 0;
        Tcp.setChecksum(b, 0, 0);
        Tcp.fillChecksum(b, 0, b.length, TcpHarness.REMOTE, TcpHarness.LOCAL);
        h.injectTcp(b);
        h.expect("S. 0:0(0) ack 1 <mss 1460,nop,wscale 7>");
    }

    @Test
    void optionRunningPastTheHeaderIsIgnored() {
        h.listen(PORT, 1);
        byte[] b = h.build("S 0:0(0) win 65535 <mss 1000,nop,nop,sackOK,nop,nop,nop,nop>");
        // The last word becomes a timestamp option claiming 10 bytes where 4 are left.
        b[28] = 8;
        b[29] = 10;
        Tcp.setChecksum(b, 0, 0);
        Tcp.fillChecksum(b, 0, b.length, TcpHarness.REMOTE, TcpHarness.LOCAL);
        h.injectTcp(b);
        h.expect("S. 0:0(0) ack 1 <mss 1460,sackOK>");
    }

    /** Random segments in every state: dropped or handled, never thrown. */
    @Test
    void randomSegmentsNeverThrow() {
        SplittableRandom r = new SplittableRandom(7);
        String[] flags = {"S", "S.", ".", "P.", "F.", "R", "R.", "SF", "SR", "-", "F", "FP.", "SRF."};
        for (int round = 0; round < 6; round++) {
            TcpHarness t = new TcpHarness(round);
            Socket s = switch (round) {
                case 0 -> t.listen(PORT, 2);
                case 1 -> {
                    Socket c = t.connect(PORT);
                    t.expect("S 0:0(0) <...>");
                    yield c;
                }
                default -> t.passiveOpen();
            };
            if (round == 3) {
                s.close();
            } else if (round == 4) {
                t.inject("F. 1:1(0) ack 1 win 257");
            } else if (round == 5) {
                s.shutdown(Socket.SHUT_WR);
                t.inject("F. 1:1(0) ack 2 win 257");
            }
            for (int i = 0; i < 400; i++) {
                String f = flags[r.nextInt(flags.length)];
                int seq = r.nextInt(-5000, 70000);
                int len = r.nextInt(4) == 0 ? r.nextInt(1, 200) : 0;
                String spec = f + " " + seq + ":" + (seq + len) + "(" + len + ")"
                        + (f.contains(".") ? " ack " + r.nextInt(-100, 100) : "") + " win " + r.nextInt(65536);
                byte[] b = t.build(spec);
                if (r.nextInt(8) == 0) {
                    b[12] = (byte) (r.nextInt(16) << 4);
                }
                if (r.nextInt(8) == 0 && b.length > 21) {
                    b[20 + r.nextInt(b.length - 20)] = (byte) r.nextInt(256);
                }
                Tcp.setChecksum(b, 0, 0);
                Tcp.fillChecksum(b, 0, b.length, TcpHarness.REMOTE, TcpHarness.LOCAL);
                t.injectTcp(b);
                if (r.nextInt(50) == 0) {
                    t.advance(r.nextInt(5000));
                }
                t.drain();
            }
            t.advance(200_000);
            assertTrue(t.tcp.mib().get(TcpMib.InSegs) >= 400);
        }
    }
}
