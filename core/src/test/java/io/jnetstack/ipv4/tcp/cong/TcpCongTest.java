package io.jnetstack.ipv4.tcp.cong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TcpCongTest {
    private final FakeSock sk = new FakeSock();

    @Test
    void slowStartGrowsOnePerSegmentAckedUpToSsthresh() {
        sk.cwnd = 10;
        sk.ssthresh = 14;
        assertTrue(TcpCong.inSlowStart(sk));
        assertEquals(0, TcpCong.slowStart(sk, 3));
        assertEquals(13, sk.cwnd);
        // Two ACKed: one reaches ssthresh, one is left for congestion avoidance.
        assertEquals(1, TcpCong.slowStart(sk, 2));
        assertEquals(14, sk.cwnd);
        assertFalse(TcpCong.inSlowStart(sk));
    }

    @Test
    void slowStartStopsAtTheClamp() {
        sk.cwnd = 10;
        sk.cwndClamp = 11;
        assertEquals(0, TcpCong.slowStart(sk, 5));
        assertEquals(11, sk.cwnd);
    }

    @Test
    void additiveIncreaseIsOnePerWAcked() {
        sk.cwnd = 10;
        TcpCong.congAvoidAi(sk, 10, 9);
        assertEquals(10, sk.cwnd);
        assertEquals(9, sk.cwndCnt);
        TcpCong.congAvoidAi(sk, 10, 1);
        assertEquals(11, sk.cwnd);
        assertEquals(0, sk.cwndCnt);
        // A stretch ACK of 25 at w = 10: two segments, 5 counted.
        TcpCong.congAvoidAi(sk, 10, 25);
        assertEquals(13, sk.cwnd);
        assertEquals(5, sk.cwndCnt);
    }

    @Test
    void creditFromALargerWIsSpentAsOneSegment() {
        sk.cwnd = 20;
        sk.cwndCnt = 30;
        TcpCong.congAvoidAi(sk, 4, 1);
        assertEquals(21, sk.cwnd);
        assertEquals(1, sk.cwndCnt);
    }

    @Test
    void additiveIncreaseStopsAtTheClamp() {
        sk.cwnd = 10;
        sk.cwndClamp = 10;
        TcpCong.congAvoidAi(sk, 2, 10);
        assertEquals(10, sk.cwnd);
    }
}
