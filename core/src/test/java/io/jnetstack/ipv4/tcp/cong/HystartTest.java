package io.jnetstack.ipv4.tcp.cong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * HyStart ending CUBIC's slow start. Each round the window's ACKs come back as a train, one
 * every {@code spacing}; a round ends when snd_una passes the snd_nxt of its start, so round k
 * holds 10 * 2^(k-1) ACKs from an initial window of 10.
 */
class HystartTest {
    private static final long RTT = 100_000;

    private final FakeSock sk = new FakeSock();
    private final List<String> exits = new ArrayList<>();
    private final HystartListener listener = (how, cwnd) -> exits.add(how + " " + cwnd);

    private Cubic start(CubicParams params) {
        Cubic cubic = new Cubic(params, listener);
        cubic.init(sk);
        // The initial window goes out at once.
        sk.sndNxt = sk.cwnd * FakeSock.MSS;
        return cubic;
    }

    /**
     * Slow-start rounds from 100 ms: round k's ACKs {@code spacing} apart with RTT samples
     * {@code rtts[k - 1]}; the next round starts an RTT after this one or after its last ACK.
     *
     * @return per round, the window at its start
     */
    private List<Integer> rounds(Cubic cubic, long spacing, long... rtts) {
        return roundsFrom(cubic, RTT, spacing, rtts);
    }

    private List<Integer> roundsFrom(Cubic cubic, long startUs, long spacing, long... rtts) {
        AckClock clock = new AckClock(sk, cubic);
        List<Integer> windows = new ArrayList<>();
        long t = startUs;
        for (long rtt : rtts) {
            windows.add(sk.cwnd);
            long last = clock.train(sk.cwnd, t, spacing, rtt, i -> { });
            t = Math.max(t + RTT, last + spacing);
        }
        return windows;
    }

    @Test
    void ackTrainEndsSlowStartWhenTheTrainSpansHalfTheMinimumRtt() {
        Cubic cubic = start(CubicParams.DEFAULTS);
        List<Integer> windows = rounds(cubic, 1000, RTT, RTT, RTT);
        assertEquals(List.of(10, 20, 40), windows);
        assertEquals(80, sk.cwnd);
        // Rounds of 10, 20 and 40 ACKs last at most 39 ms: no train long enough.
        assertEquals(Integer.MAX_VALUE, sk.ssthresh);
        assertFalse(cubic.hystartFound());

        // Round 4: 80 ACKs 1 ms apart. The 52nd (51 ms after the round began) is past
        // delay_min / 2 = 50 ms; the window is 80 + 51 then.
        int[] firedAt = {-1};
        AckClock clock = new AckClock(sk, cubic);
        long start = 4 * RTT;
        clock.train(80, start, 1000, RTT, i -> {
            if (firedAt[0] < 0 && sk.ssthresh != Integer.MAX_VALUE) {
                firedAt[0] = i;
            }
        });
        assertEquals(51, firedAt[0]);
        assertEquals(131, sk.ssthresh);
        assertEquals(List.of("ACK_TRAIN 131"), exits);
        assertTrue(cubic.hystartFound());
        // The rest of the round is congestion avoidance: the window barely moves.
        assertTrue(sk.cwnd <= 133, "cwnd " + sk.cwnd);
    }

    @Test
    void acksFartherApartThanTheAckDeltaFormNoTrain() {
        Cubic cubic = start(CubicParams.DEFAULTS);
        rounds(cubic, 3000, RTT, RTT, RTT, RTT, RTT, RTT);
        assertEquals(640, sk.cwnd);
        assertEquals(Integer.MAX_VALUE, sk.ssthresh);
        assertEquals(List.of(), exits);
    }

    @Test
    void delayEndsSlowStartAtTheNinthSampleOfARoundWhoseMinimumRttRose() {
        // ACKs 3 ms apart form no train; RTT 100 ms, then 113 ms from round 3: above
        // 100 + clamp(100 / 8, 4, 16) = 112.5 ms.
        Cubic cubic = start(CubicParams.DEFAULTS);
        rounds(cubic, 3000, RTT, RTT);
        assertEquals(40, sk.cwnd);
        assertEquals(Integer.MAX_VALUE, sk.ssthresh);
        int[] firedAt = {-1};
        new AckClock(sk, cubic).train(40, 3 * RTT + 60_000, 3000, 113_000, i -> {
            if (firedAt[0] < 0 && sk.ssthresh != Integer.MAX_VALUE) {
                firedAt[0] = i;
            }
        });
        // Eight samples make the round's minimum; the ninth is compared, at window 40 + 8.
        assertEquals(8, firedAt[0]);
        assertEquals(48, sk.ssthresh);
        assertEquals(List.of("DELAY 48"), exits);
    }

    @Test
    void delayBelowTheThresholdDoesNotEndSlowStart() {
        Cubic cubic = start(CubicParams.DEFAULTS);
        rounds(cubic, 3000, RTT, RTT, 112_500, 112_500);
        assertEquals(160, sk.cwnd);
        assertEquals(Integer.MAX_VALUE, sk.ssthresh);
        assertEquals(List.of(), exits);
    }

    @Test
    void theRoundMinimumKeepsOneLowSampleFromEndingSlowStart() {
        // Round 3's first sample is at the base RTT; the later ones are high but the minimum is not.
        Cubic cubic = start(CubicParams.DEFAULTS);
        rounds(cubic, 3000, RTT, RTT);
        AckClock clock = new AckClock(sk, cubic);
        long t = 3 * RTT + 60_000;
        clock.ack(t, RTT);
        for (int i = 1; i < 40; i++) {
            clock.ack(t + i * 3000, 150_000);
        }
        assertEquals(Integer.MAX_VALUE, sk.ssthresh);
        // The next round starts afresh and its minimum is high.
        for (int i = 0; i < 9; i++) {
            clock.ack(t + 200_000 + i * 3000, 150_000);
        }
        assertEquals(List.of("DELAY 88"), exits);
    }

    @Test
    void delayThresholdIsAnEighthOfTheMinimumRttClampedToFourAndSixteenMs() {
        assertEquals(4000, Cubic.delayThreshold(10_000 >> 3));
        assertEquals(12_500, Cubic.delayThreshold(100_000 >> 3));
        assertEquals(16_000, Cubic.delayThreshold(200_000 >> 3));
        // Behaviour at a 10 ms minimum RTT: 14 ms is not above 10 + 4, 14.001 is.
        assertFalse(delayExitAt(10_000, 14_000));
        assertTrue(delayExitAt(10_000, 14_001));
        // And at 200 ms: the threshold is 16 ms, not 25.
        assertFalse(delayExitAt(200_000, 216_000));
        assertTrue(delayExitAt(200_000, 216_001));
    }

    /** Whether nine samples of {@code rtt} in one round exit slow start after a minimum of {@code base}, at window 16. */
    private boolean delayExitAt(long base, long rtt) {
        FakeSock s = new FakeSock();
        Cubic cubic = new Cubic(CubicParams.DEFAULTS.withHystartDetect(CubicParams.HYSTART_DELAY), HystartListener.NONE);
        s.cwnd = 16;
        cubic.init(s);
        s.sndNxt = 1_000_000;
        s.nowUs = 1_000_000;
        s.sndUna = 1;
        cubic.pktsAcked(s, 1, base);
        s.sndNxt = 2_000_000;
        s.sndUna = 1_000_001;
        for (int i = 0; i < 9; i++) {
            s.nowUs += 10_000;
            cubic.pktsAcked(s, 1, rtt);
        }
        return s.ssthresh == 16;
    }

    @Test
    void noDetectionBelowTheLowWindow() {
        for (int detect : new int[]{CubicParams.HYSTART_ACK_TRAIN, CubicParams.HYSTART_DELAY}) {
            assertFalse(exitsInOneRoundAt(15, detect), "window 15, detect " + detect);
            assertTrue(exitsInOneRoundAt(16, detect), "window 16, detect " + detect);
        }
    }

    /**
     * A round of one 100 ms sample, then a round of 60 samples 1 ms apart at 150 ms, the window
     * held at {@code cwnd} (the application, not the window, limits the sender, so it does not
     * grow).
     */
    private boolean exitsInOneRoundAt(int cwnd, int detect) {
        FakeSock s = new FakeSock();
        Cubic cubic = new Cubic(CubicParams.DEFAULTS.withHystartDetect(detect), HystartListener.NONE);
        s.cwnd = cwnd;
        s.cwndLimited = false;
        cubic.init(s);
        s.sndNxt = FakeSock.MSS;
        s.nowUs = 1_000_000;
        s.sndUna = FakeSock.MSS;
        cubic.pktsAcked(s, 1, 100_000);
        s.sndNxt = 100 * FakeSock.MSS;
        for (int i = 1; i <= 60; i++) {
            s.nowUs = 1_000_000 + i * 1000L;
            s.sndUna += FakeSock.MSS;
            cubic.pktsAcked(s, 1, 150_000);
        }
        assertEquals(cwnd, s.cwnd);
        return s.ssthresh == cwnd;
    }

    @Test
    void hystartOffLeavesSlowStartToLoss() {
        Cubic cubic = start(CubicParams.DEFAULTS.withHystart(false));
        rounds(cubic, 1000, RTT, RTT, RTT, RTT, RTT, 200_000);
        assertEquals(640, sk.cwnd);
        assertEquals(Integer.MAX_VALUE, sk.ssthresh);
        assertEquals(List.of(), exits);
    }

    @Test
    void initialSsthreshAppliesOnlyWithoutHystart() {
        CubicParams withInitial = new CubicParams(true, 717, 50, 41, true, true, 3, 16, 2000);
        start(withInitial);
        assertEquals(Integer.MAX_VALUE, sk.ssthresh);
        start(withInitial.withHystart(false));
        assertEquals(50, sk.ssthresh);
    }

    @Test
    void onceFoundHystartStaysQuietUntilATimeoutResetsIt() {
        Cubic cubic = start(CubicParams.DEFAULTS);
        rounds(cubic, 1000, RTT, RTT, RTT, RTT);
        assertEquals(List.of("ACK_TRAIN 131"), exits);
        // A later slow start (ssthresh raised by hand) sees no HyStart until CA_Loss.
        sk.ssthresh = Integer.MAX_VALUE;
        long t = sk.nowUs + 2_000_000;
        new AckClock(sk, cubic).train(100, t, 1000, RTT, i -> { });
        assertEquals(1, exits.size());
        // The timeout: nothing left in flight, the window back to 20 (set here by hand).
        sk.sndNxt = sk.sndUna;
        cubic.setState(sk, CongestionState.CA_LOSS);
        assertFalse(cubic.hystartFound());
        sk.cwnd = 20;
        sk.sndNxt = sk.sndUna + 20 * FakeSock.MSS;
        // Rounds of 20, 40 and 80 ACKs: the third one's train is long enough again.
        roundsFrom(cubic, t + 1_000_000, 1000, RTT, RTT, RTT);
        assertEquals(List.of("ACK_TRAIN 131", "ACK_TRAIN 131"), exits);
    }

    @Test
    void exitsNameTheirTcpExtCounters() {
        assertEquals("TCPHystartTrainDetect", HystartListener.Exit.ACK_TRAIN.detectCounter());
        assertEquals("TCPHystartTrainCwnd", HystartListener.Exit.ACK_TRAIN.cwndCounter());
        assertEquals("TCPHystartDelayDetect", HystartListener.Exit.DELAY.detectCounter());
        assertEquals("TCPHystartDelayCwnd", HystartListener.Exit.DELAY.cwndCounter());
    }
}
