package io.jnetstack.ipv4.tcp.cong;

/**
 * Drives an algorithm the way a window-limited sender's ACKs would: each ACK covers one
 * segment, is processed as {@code tcp_ack()} does (snd_una advances, then
 * {@code pkts_acked}, then {@code cong_avoid}), and the sender refills the window at once.
 */
final class AckClock {
    final FakeSock sk;
    final CongestionControl cc;

    AckClock(FakeSock sk, CongestionControl cc) {
        this.sk = sk;
        this.cc = cc;
    }

    /** One ACK at {@code atUs} carrying an RTT sample of {@code rttUs}. */
    void ack(long atUs, long rttUs) {
        sk.nowUs = atUs;
        sk.sndUna += FakeSock.MSS;
        cc.pktsAcked(sk, 1, rttUs);
        cc.congAvoid(sk, sk.sndUna, 1);
        sk.sndNxt = sk.sndUna + sk.cwnd * FakeSock.MSS;
        sk.lastSendUs = atUs;
    }

    /**
     * One round trip of congestion avoidance: the window's ACKs spread evenly over
     * {@code rttUs}, starting one spacing after now; returns with the clock at the round's end.
     */
    void round(long rttUs) {
        int acks = sk.cwnd;
        long start = sk.nowUs;
        for (int i = 1; i <= acks; i++) {
            ack(start + rttUs * i / acks, rttUs);
        }
    }

    /**
     * A slow-start round: {@code acks} ACKs from {@code startUs}, {@code spacingUs} apart, each
     * with RTT sample {@code rttUs}; {@code onAck} sees the index after each one.
     *
     * @return the time of the last ACK
     */
    long train(int acks, long startUs, long spacingUs, long rttUs, java.util.function.IntConsumer onAck) {
        long t = startUs;
        for (int i = 0; i < acks; i++) {
            t = startUs + i * spacingUs;
            ack(t, rttUs);
            onAck.accept(i);
        }
        return t;
    }
}
