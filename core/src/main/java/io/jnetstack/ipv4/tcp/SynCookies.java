package io.jnetstack.ipv4.tcp;

/**
 * SYN cookies (RFC 4987 §3.6): when the SYN queue is full the listener keeps no state and
 * encodes what it must remember (a minute counter and the MSS, from a table of four) in its
 * initial sequence number, protected by a keyed hash; the final ACK returns it plus one.
 * Mirrors {@code net/ipv4/syncookies.c} ({@code __cookie_v4_init_sequence},
 * {@code __cookie_v4_check}); the hash is ours.
 */
final class SynCookies {
    /** The MSS values a cookie can carry ({@code msstab}). */
    static final int[] MSS = {536, 1300, 1440, 1460};
    private static final int COUNT_BITS = 24;
    private static final int COUNT_MASK = (1 << COUNT_BITS) - 1;
    /** Cookies older than this many minutes are refused ({@code MAX_SYNCOOKIE_AGE}). */
    private static final int MAX_AGE = 2;

    private final Tcp tcp;
    private final long secret1;
    private final long secret2;

    SynCookies(Tcp tcp, long secret1, long secret2) {
        this.tcp = tcp;
        this.secret1 = secret1;
        this.secret2 = secret2;
    }

    private int minute() {
        return (int) (tcp.kernel.clock().nanos() / 60_000_000_000L);
    }

    private int hash(long secret, int laddr, int lport, int raddr, int rport, int count) {
        long h = secret ^ ((long) laddr << 32 | (raddr & 0xffffffffL));
        h = Tcp.mix(h ^ ((long) lport << 48 | (long) rport << 32 | (count & 0xffffffffL)));
        return (int) h;
    }

    /** Low TSval bits of a cookie SYN-ACK that hold the peer's window scale (15: none). */
    static final int TS_OPT_WSCALE_MASK = 0xf;
    /** The TSval bit that says the peer offered SACK. */
    static final int TS_OPT_SACK = 1 << 4;
    private static final int TS_BITS = 6;

    /**
     * The TSval (before the connection's offset) of a cookie SYN-ACK: the clock with its low six
     * bits replaced by the peer's options, never ahead of the clock. Mirrors
     * {@code cookie_init_timestamp()}; the ACK echoes it and {@code cookie_timestamp_decode()}
     * reads the options back.
     */
    static int initTimestamp(int nowMs, boolean wscaleOk, int sndWscale, boolean sackOk) {
        int options = wscaleOk ? sndWscale & TS_OPT_WSCALE_MASK : TS_OPT_WSCALE_MASK;
        if (sackOk) {
            options |= TS_OPT_SACK;
        }
        long now = nowMs & 0xffffffffL;
        long ts = (now >>> TS_BITS << TS_BITS) | options;
        if (ts > now) {
            ts -= 1L << TS_BITS;
        }
        return (int) ts;
    }

    /** The MSS table index for a peer MSS: the largest entry not above it. */
    static int mssIndex(int mss) {
        for (int i = MSS.length - 1; i > 0; i--) {
            if (mss >= MSS[i]) {
                return i;
            }
        }
        return 0;
    }

    /** Our ISN for a SYN we keep no state for. */
    int initSequence(int laddr, int lport, int raddr, int rport, int peerIsn, int mssIdx) {
        int count = minute();
        return hash(secret1, laddr, lport, raddr, rport, 0) + peerIsn + (count << COUNT_BITS)
                + ((hash(secret2, laddr, lport, raddr, rport, count) + mssIdx) & COUNT_MASK);
    }

    /**
     * Checks the cookie an ACK returns ({@code ack - 1}) against the peer's ISN
     * ({@code seq - 1}).
     *
     * @return the MSS index, or -1 when the cookie is forged or too old
     */
    int check(int laddr, int lport, int raddr, int rport, int peerIsn, int cookie) {
        int v = cookie - hash(secret1, laddr, lport, raddr, rport, 0) - peerIsn;
        int count = minute();
        int age = (count - (v >>> COUNT_BITS)) & (0xffffffff >>> COUNT_BITS);
        if (age > MAX_AGE) {
            return -1;
        }
        int then = count - age;
        int idx = (v - hash(secret2, laddr, lport, raddr, rport, then)) & COUNT_MASK;
        return idx < MSS.length ? idx : -1;
    }
}
