package io.jnetstack.ipv4.tcp.cong;

/** A connection as a congestion control sees it, with every field set by the test. */
final class FakeSock implements CongestionState {
    static final int MSS = 1000;

    int cwnd = 10;
    int ssthresh = Integer.MAX_VALUE;
    int cwndCnt;
    int cwndClamp = Integer.MAX_VALUE;
    boolean cwndLimited = true;
    int packetsInFlight;
    long srttUs;
    long minRttUs;
    long nowUs;
    int sndNxt;
    int sndUna;
    int caState = CA_OPEN;
    int priorCwnd;
    long lastSendUs;

    @Override
    public int cwnd() {
        return cwnd;
    }

    @Override
    public void cwnd(int segments) {
        cwnd = segments;
    }

    @Override
    public int ssthresh() {
        return ssthresh;
    }

    @Override
    public void ssthresh(int segments) {
        ssthresh = segments;
    }

    @Override
    public int cwndCnt() {
        return cwndCnt;
    }

    @Override
    public void cwndCnt(int count) {
        cwndCnt = count;
    }

    @Override
    public int cwndClamp() {
        return cwndClamp;
    }

    @Override
    public boolean isCwndLimited() {
        return cwndLimited;
    }

    @Override
    public int packetsInFlight() {
        return packetsInFlight;
    }

    @Override
    public int mss() {
        return MSS;
    }

    @Override
    public long srttUs() {
        return srttUs;
    }

    @Override
    public long minRttUs() {
        return minRttUs;
    }

    @Override
    public long nowUs() {
        return nowUs;
    }

    @Override
    public int sndNxt() {
        return sndNxt;
    }

    @Override
    public int sndUna() {
        return sndUna;
    }

    @Override
    public int caState() {
        return caState;
    }

    @Override
    public int priorCwnd() {
        return priorCwnd;
    }

    @Override
    public long lastSendUs() {
        return lastSendUs;
    }
}
