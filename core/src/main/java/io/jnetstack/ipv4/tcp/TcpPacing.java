package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.SkBuff;
import io.jnetstack.core.SockPacing;
import io.jnetstack.time.Timer;

/**
 * Pacing as Linux (4.20 and later, "earliest departure time") does it. Mirrors the pacing parts of
 * {@code tcp_input.c} and {@code tcp_output.c}:
 * <ul>
 *   <li>{@code tcp_update_pacing_rate()}: after each ACK, {@code sk_pacing_rate} becomes
 *       mss·max(cwnd, packets_out)/srtt, doubled in slow start (cwnd below ssthresh/2,
 *       {@code tcp_pacing_ss_ratio} 200 %), ×1.2 after ({@code tcp_pacing_ca_ratio}), at most
 *       SO_MAX_PACING_RATE. {@link TcpTso} sizes TSO packets from it on every path.</li>
 *   <li>{@code __tcp_transmit_skb()}: a packet leaves no earlier than {@code tcp_wstamp_ns}
 *       ({@link #departure}), which becomes its time stamp ({@code skb->tstamp}) and its send
 *       time for RTT and RACK.</li>
 *   <li>{@code tcp_update_skb_after_send()}: while someone paces ({@code sk_pacing_status} not
 *       NONE), each packet pushes {@code tcp_wstamp_ns} on by len/rate, less up to half of that
 *       when the flow is late; the first ten segments are not paced.</li>
 *   <li>{@code tcp_pacing_check()} with the pacing hrtimer ({@code tcp_pace_kick()}): with
 *       SO_MAX_PACING_RATE ({@code SK_PACING_NEEDED}) TCP holds the next packet itself until
 *       {@code tcp_wstamp_ns}; under sch_fq ({@code SK_PACING_FQ}) the qdisc does, from the
 *       stamps.</li>
 *   <li>{@code tcp_small_queue_check()} / {@code tcp_wfree()} (TCP Small Queues): at most
 *       about a millisecond of the pacing rate waits below TCP (in the qdisc); when packets
 *       leave, TCP sends more ({@code tcp_tsq_handler()}). Here only while the socket is paced:
 *       the in-JVM devices free a packet as they send it, so TSQ would never act on the
 *       default path anyway.</li>
 * </ul>
 * Nothing here runs, and nothing is allocated, while nobody paces the socket: the object is
 * made the first time it is (SO_MAX_PACING_RATE, or its packets seen by sch_fq).
 */
final class TcpPacing {
    /** {@code sk_pacing_shift}: TSO and TSQ budgets are 2^-10 s (about 1 ms) of the rate. */
    static final int PACING_SHIFT = 10;
    /** {@code tcp_update_skb_after_send()}: the first segments leave unpaced, as sch_fq once did. */
    private static final int UNPACED_SEGS = 10;
    private static final long USEC_PER_SEC = 1_000_000L;

    private final TcpSock sk;
    /** {@code tcp_wstamp_ns}: the earliest departure time of the next packet, clock nanoseconds. */
    long wstampNs;
    /** The pacing hrtimer and the TSQ tasklet in one ({@code pacing_timer}, {@code tsq_tasklet}). */
    private final Timer timer;
    /** Bytes of this socket's packets below TCP, not yet sent by the device ({@code sk_wmem_alloc}). */
    private long tsqBytes;
    /** {@code TSQF_THROTTLED}: TCP stopped for them; their departure sends more. */
    private boolean tsqThrottled;

    private TcpPacing(TcpSock sk) {
        this.sk = sk;
        this.wstampNs = sk.lastXmitStamp;   // unpaced, each packet's departure was its send time
        this.timer = sk.kernel().timers().newTimer("tcp pacing", this::kick);
    }

    /** The socket's pacing state, made at its first use. */
    private static TcpPacing of(TcpSock sk) {
        TcpPacing p = sk.pacing;
        if (p == null) {
            p = sk.pacing = new TcpPacing(sk);
        }
        return p;
    }

    /**
     * Mirrors {@code tcp_update_pacing_rate()}: in u64 arithmetic as Linux, with {@code srtt_us}
     * holding 8·SRTT; without an RTT sample yet the rate is not divided (so, very high).
     */
    static void updatePacingRate(TcpSock sk) {
        long rate = (long) sk.mssCache * ((USEC_PER_SEC / 100) << 3);
        TcpSysctls s = sk.tcp.sysctl;
        rate *= sk.cwnd < sk.ssthresh / 2 ? s.pacingSsRatio.get() : s.pacingCaRatio.get();
        rate *= Math.max(sk.cwnd, sk.packetsOut);
        if (sk.srttUs != 0) {
            rate = Long.divideUnsigned(rate, sk.srttUs);
        }
        long max = sk.maxPacingRate();
        sk.pacingRate(Long.compareUnsigned(rate, max) < 0 ? rate : max);
    }

    /**
     * The departure time of a packet sent now. Mirrors the start of {@code __tcp_transmit_skb()}:
     * {@code tcp_wstamp_ns = max(tcp_wstamp_ns, now)}; while nobody paces, that is now.
     */
    static long departure(TcpSock sk, long now) {
        if (sk.pacingStatus() == SockPacing.PACING_NONE) {
            return now;
        }
        TcpPacing p = of(sk);
        if (p.wstampNs < now) {
            p.wstampNs = now;
        }
        return p.wstampNs;
    }

    /** {@code tcp_wstamp_ns} before a send ({@code prior_wstamp}): unpaced, the last send time. */
    static long wstamp(TcpSock sk) {
        TcpPacing p = sk.pacing;
        return p == null ? sk.lastXmitStamp : p.wstampNs;
    }

    /**
     * A packet of {@code len} payload bytes left. Mirrors {@code tcp_update_skb_after_send()}:
     * the next may leave len/rate later, minus up to half of that as credit for the time the
     * flow was behind its schedule ({@code tcp_wstamp_ns} moved up to now at this send).
     */
    static void afterSend(TcpSock sk, int len, long priorWstamp) {
        if (sk.pacingStatus() == SockPacing.PACING_NONE) {
            return;
        }
        long rate = sk.pacingRate();
        if (rate == SockPacing.UNLIMITED || rate == 0 || Integer.toUnsignedLong(sk.dataSegsOut) < UNPACED_SEGS) {
            return;
        }
        TcpPacing p = of(sk);
        long lenNs = Long.divideUnsigned(len * 1_000_000_000L, rate);
        long credit = p.wstampNs - priorWstamp;
        lenNs -= Math.min(lenNs / 2, credit);
        p.wstampNs += lenNs;
    }

    /**
     * Whether TCP must hold its next packet. Mirrors {@code tcp_pacing_check()}: only with
     * internal pacing ({@code SK_PACING_NEEDED}) and while {@code tcp_wstamp_ns} is ahead of
     * now; the pacing timer is armed for it then.
     */
    static boolean pacingCheck(TcpSock sk) {
        TcpPacing p = sk.pacing;
        if (p == null || sk.pacingStatus() != SockPacing.PACING_NEEDED || p.wstampNs <= sk.now()) {
            return false;
        }
        if (!p.timer.pending() || p.timer.expires() > p.wstampNs) {
            p.timer.arm(p.wstampNs);
        }
        return true;
    }

    /**
     * Whether TCP Small Queues stops the send of the {@code segs} queued buffers from
     * {@code next} (one packet). Mirrors {@code tcp_small_queue_check()}: more than
     * max(2·truesize of the packet, rate/1024) bytes of the socket wait below TCP, and
     * something is in flight.
     */
    static boolean smallQueueCheck(TcpSock sk, SkBuff next, int segs) {
        TcpPacing p = sk.pacing;
        if (p == null || sk.pacingStatus() == SockPacing.PACING_NONE) {
            return false;
        }
        long limit = Math.max(2L * segs * next.truesize(), sk.pacingRate() >>> PACING_SHIFT);
        if (p.tsqBytes <= limit || sk.packetsOut == 0) {
            return false;
        }
        p.tsqThrottled = true;
        return true;
    }

    /**
     * Charges a packet leaving TCP to the socket until the device sends it. Mirrors
     * {@code skb_set_owner_w()} with {@code tcp_wfree} in {@code __tcp_transmit_skb()}.
     */
    static void charge(TcpSock sk, SkBuff skb) {
        if (sk.pacingStatus() == SockPacing.PACING_NONE) {
            return;
        }
        TcpPacing p = of(sk);
        skb.destructor = TSQ_FREE;
        p.tsqBytes += skb.truesize();
    }

    /** {@code tcp_wfree}, one for all sockets: the buffer's {@code sk} names the socket. */
    private static final SkBuff.Destructor TSQ_FREE = skb -> ((TcpSock) skb.sk).pacing.wfree(skb);

    /** Mirrors {@code tcp_wfree()}: the packet left; a throttled socket sends more soon. */
    private void wfree(SkBuff skb) {
        tsqBytes = Math.max(0, tsqBytes - skb.truesize());
        if (tsqThrottled) {
            tsqThrottled = false;
            long now = sk.now();
            if (!timer.pending() || timer.expires() > now) {
                timer.arm(now);
            }
        }
    }

    /**
     * The pacing timer or the TSQ tasklet ran. Mirrors {@code tcp_pace_kick()} →
     * {@code tcp_tsq_handler()} → {@code tcp_tsq_write()}: in a state that sends data, the
     * retransmissions the window allows, then new data.
     */
    private void kick() {
        switch (sk.state) {
            case ESTABLISHED, FIN_WAIT1, CLOSING, CLOSE_WAIT, LAST_ACK -> {
                if (sk.lostOut > sk.retransOut && sk.cwnd > sk.packetsInFlight()) {
                    sk.tcp.output.xmitRetransmitQueue(sk);
                }
                sk.tcp.output.writeXmit(sk, true);
            }
            default -> {
            }
        }
    }
}
