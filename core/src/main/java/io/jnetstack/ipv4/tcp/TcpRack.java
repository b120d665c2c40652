package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.SkBuff;
import io.jnetstack.ipv4.tcp.cong.CongestionState;

/**
 * RACK-TLP (RFC 8985): time-based loss detection and the tail loss probe, one per connection.
 * Mirrors {@code net/ipv4/tcp_recovery.c} ({@code struct tcp_rack}, {@code tcp_rack_advance()},
 * {@code tcp_rack_detect_loss()}, {@code tcp_rack_mark_lost()}, {@code tcp_rack_reo_timeout()},
 * {@code tcp_rack_update_reo_wnd()}) and the TLP of {@code tcp_output.c}
 * ({@code tcp_schedule_loss_probe()}, {@code tcp_send_loss_probe()}) and {@code tcp_input.c}
 * ({@code tcp_process_tlp_ack()}); also the windowed minimum RTT ({@code tcp_update_rtt_min()}).
 *
 * <p>RFC 8985 §6.2: a segment is lost when a segment sent after it was delivered and more than
 * RACK.rtt + RACK.reo_wnd passed since it was sent; reo_wnd is min_RTT/4 times reo_wnd_steps,
 * at most SRTT, grown a step per round with a DSACK (§6.2 step 4) and zero before any
 * reordering was seen when in recovery or past the DUPACK threshold (§6.2 step 4, Linux's
 * {@code tcp_rack_reo_wnd()}).
 */
final class TcpRack {
    /** {@code TCP_RACK_LOSS_DETECTION}: tcp_recovery bit 0. */
    static final int LOSS_DETECTION = 0x1;
    /** {@code TCP_RACK_STATIC_REO_WND}: tcp_recovery bit 1. */
    static final int STATIC_REO_WND = 0x2;
    /** {@code TCP_RACK_NO_DUPTHRESH}: tcp_recovery bit 2. */
    static final int NO_DUPTHRESH = 0x4;
    /** {@code TCP_RACK_RECOVERY_THRESH}: recoveries a grown reo_wnd persists. */
    static final int RECOVERY_THRESH = 16;

    /** Send time (clock nanoseconds) of the most recently sent segment (s)acked ({@code rack.mstamp}). */
    long mstamp;
    /** Its end sequence ({@code rack.end_seq}). */
    int endSeq;
    /** RTT of that segment in microseconds ({@code rack.rtt_us}). */
    long rttUs;
    /** A newer segment was delivered: worth scanning ({@code rack.advanced}). */
    boolean advanced;
    int reoWndSteps = 1;
    int reoWndPersist;
    boolean dsackSeen;
    long lastDelivered;
    /** Windowed minimum RTT, microseconds; 0 before a sample. */
    long minRttUs;
    private long minRttStamp;
    /** A tail loss probe is out ({@code tlp_high_seq != 0}), SND.NXT then in {@link #tlpHighSeq}. */
    boolean tlpOn;
    int tlpHighSeq;
    /** The probe was a retransmission ({@code tlp_retrans}). */
    boolean tlpRetrans;

    static boolean enabled(TcpSock sk) {
        return (sk.tcp.sysctl.recovery.get() & LOSS_DETECTION) != 0;
    }

    /**
     * A new RTT sample for the minimum. Linux keeps a three-sample windowed filter over
     * {@code tcp_min_rtt_wlen} seconds; this keeps the minimum and restarts it when the window
     * (300 s) passed since it was taken.
     */
    void updateMinRtt(TcpSock sk, long rttUs) {
        long now = sk.now();
        long wlen = sk.tcp.sysctl.minRttWlen.get() * 1_000_000_000L;
        if (minRttUs == 0 || rttUs <= minRttUs || now - minRttStamp > wlen) {
            minRttUs = Math.max(rttUs, 1);
            minRttStamp = now;
        }
    }

    private static boolean sentAfter(long t1, long t2, int seq1, int seq2) {
        return t1 > t2 || (t1 == t2 && seq1 - seq2 > 0);
    }

    /**
     * A segment sent at {@code xmit} was (s)acked: remember the most recently sent one
     * (RFC 8985 §6.1 step 2). Mirrors {@code tcp_rack_advance()}: a retransmitted segment whose
     * RTT is below the minimum is ambiguous (the original may have been SACKed) and not taken.
     */
    void advance(TcpSock sk, int sacked, int end, long xmit) {
        long rtt = Math.max(sk.now() / 1000 - xmit / 1000, 0);
        if (rtt < minRttUs && (sacked & TcpSock.SACKED_ANY_RETRANS) != 0) {
            return;
        }
        advanced = true;
        rttUs = rtt;
        if (sentAfter(xmit, mstamp, end, endSeq)) {
            mstamp = xmit;
            endSeq = end;
        }
    }

    /**
     * Microseconds until a segment sent at {@code when} (clock nanoseconds) is overdue: the RACK
     * RTT plus the reordering window minus its age. Mirrors {@code tcp_rack_skb_timeout()},
     * which truncates both stamps to microseconds first ({@code tcp_skb_timestamp_us}): packets
     * of one burst, stamped a nanosecond apart here, are as old as each other, as on Linux.
     */
    long timeLeftUs(long now, long when, long reoWndUs) {
        return rttUs + reoWndUs - (now / 1000 - when / 1000);
    }

    /** Mirrors {@code tcp_rack_reo_wnd()}, microseconds. */
    private long reoWnd(TcpSock sk) {
        if (sk.reordSeen == 0) {
            if (sk.caState >= CongestionState.CA_RECOVERY) {
                return 0;
            }
            if (sk.sackedOut >= sk.reordering && (sk.tcp.sysctl.recovery.get() & NO_DUPTHRESH) == 0) {
                return 0;
            }
        }
        return Math.min((minRttUs >> 2) * reoWndSteps, sk.srttUs >> 3);
    }

    /**
     * Marks lost every segment sent before the most recently delivered one whose time is up
     * (RFC 8985 §6.2 step 5). Mirrors {@code tcp_rack_detect_loss()}.
     *
     * @return microseconds until the next one's time is up, 0 for none
     */
    private long detectLoss(TcpSock sk) {
        long reoTimeout = 0;
        long reoWnd = reoWnd(sk);
        long now = sk.now();
        for (SkBuff skb = sk.writeQueue.peek(); skb != null && skb != sk.sendHead; skb = sk.writeQueue.next(skb)) {
            int sacked = TcpSack.sacked(skb);
            if ((sacked & TcpSock.SACKED_LOST) != 0 && (sacked & TcpSock.SACKED_RETRANS) == 0
                    || (sacked & TcpSock.SACKED_ACKED) != 0) {
                continue;   // lost and not resent yet, or delivered: not in the time-sorted list
            }
            long when = skb.cb[TcpSock.CB_WHEN];
            if (!sentAfter(mstamp, when, endSeq, (int) skb.cb[TcpSock.CB_END_SEQ])) {
                continue;
            }
            long remaining = timeLeftUs(now, when, reoWnd);
            if (remaining <= 0) {
                TcpSack.markLost(sk, skb);
            } else {
                reoTimeout = Math.max(reoTimeout, remaining);
            }
        }
        return reoTimeout;
    }

    /**
     * Runs loss detection after an ACK that delivered something newer. Mirrors
     * {@code tcp_rack_mark_lost()}: segments whose time is not up yet arm the reordering timer
     * (RFC 8985 §6.3) to look again then.
     *
     * @return whether the timer was armed
     */
    boolean markLost(TcpSock sk) {
        if (!advanced) {
            return false;
        }
        advanced = false;
        long timeout = detectLoss(sk);
        if (timeout > 0) {
            long ns = (timeout + 999) / 1000 * 1_000_000L + TcpTimers.TIMEOUT_MIN;
            sk.timers.resetXmit(TcpTimers.TIME_REO_TIMEOUT, Math.min(ns, TcpTimers.currentRto(sk)));
        }
        return timeout > 0;
    }

    /** The reordering timer. Mirrors {@code tcp_rack_reo_timeout()} (RFC 8985 §6.3). */
    void reoTimeout(TcpSock sk) {
        int priorInflight = sk.packetsInFlight();
        long lost = sk.lostTotal;
        detectLoss(sk);
        if (priorInflight != sk.packetsInFlight()) {
            if (sk.caState != CongestionState.CA_RECOVERY) {
                TcpRecovery.enterRecovery(sk, false);
                TcpRecovery.cwndReduction(sk, 1, (int) (sk.lostTotal - lost), 0);
            }
            sk.tcp.output.xmitRetransmitQueue(sk);
        }
        if (sk.timers.pending() != TcpTimers.TIME_RETRANS) {
            TcpRecovery.rearmRto(sk);
        }
    }

    /**
     * Grows reo_wnd a step when a DSACK arrived in a round (RFC 8985 §6.2 step 4), keeps it for
     * 16 recoveries, then goes back to one step. Mirrors {@code tcp_rack_update_reo_wnd()}.
     */
    void updateReoWnd(TcpSock sk, long priorDelivered) {
        if ((sk.tcp.sysctl.recovery.get() & STATIC_REO_WND) != 0 || priorDelivered < 0) {
            return;
        }
        if (priorDelivered < lastDelivered) {
            dsackSeen = false;   // a round has not passed since the last step
        }
        if (dsackSeen) {
            reoWndSteps = Math.min(0xFF, reoWndSteps + 1);
            dsackSeen = false;
            lastDelivered = sk.delivered;
            reoWndPersist = RECOVERY_THRESH;
        } else if (reoWndPersist == 0) {
            reoWndSteps = 1;
        }
    }

    // ================================================================ TLP

    /**
     * Arms the probe timeout instead of the RTO (RFC 8985 §7.2): for a SACK connection in Open
     * or CWR with data out and {@code tcp_early_retrans} 3 or 4, PTO = 2·SRTT, plus the
     * delayed-ACK allowance ({@code tcp_rto_min}, 200 ms) when a single segment is out, else plus
     * 2 ms; 1 s before an RTT sample; never later than the RTO would fire. Mirrors
     * {@code tcp_schedule_loss_probe()}.
     *
     * @param advancingRto the RTO restarts now (an ACK advanced), rather than running on
     * @return whether the probe timer was armed
     */
    boolean scheduleLossProbe(TcpSock sk, boolean advancingRto) {
        long er = sk.tcp.sysctl.earlyRetrans.get();
        if ((er != 3 && er != 4) || sk.packetsOut == 0 || !TcpSack.isSack(sk)
                || (sk.caState != CongestionState.CA_OPEN && sk.caState != CongestionState.CA_CWR)) {
            return false;
        }
        long timeout;
        if (sk.srttUs != 0) {
            long us = sk.srttUs >> 2;
            us += sk.packetsOut == 1 ? TcpTimers.RTO_MIN / 1000 : TcpTimers.TIMEOUT_MIN / 1000;
            timeout = (us + 999) / 1000 * 1_000_000L;
        } else {
            timeout = TcpTimers.TIMEOUT_INIT;
        }
        long rtoDelta = advancingRto ? TcpTimers.currentRto(sk) : TcpRecovery.rtoDeltaNanos(sk);
        if (rtoDelta > 0) {
            timeout = Math.min(timeout, rtoDelta);
        }
        sk.timers.resetXmit(TcpTimers.TIME_LOSS_PROBE, timeout);
        return true;
    }

    /**
     * The probe timeout fired (RFC 8985 §7.3): send new data if the peer's window takes it, else
     * retransmit the last segment sent; one probe per tail loss episode. Mirrors
     * {@code tcp_send_loss_probe()}.
     */
    void sendLossProbe(TcpSock sk) {
        if (!tlpOn) {
            tlpRetrans = false;
            boolean sent = false;
            SkBuff head = sk.sendHead;
            if (head != null && TcpOutput.sndWndTest(sk, head)) {
                int before = sk.packetsOut;
                sk.tcp.output.writeXmit(sk, true, TcpOutput.PUSH_LOSS_PROBE);
                sent = sk.packetsOut > before;
            } else {
                SkBuff last = head == null ? sk.writeQueue.peekLast() : sk.writeQueue.prev(head);
                if (last == null) {
                    sk.timers.clearPending();
                    return;
                }
                if (sk.tcp.output.retransmitSkb(sk, last, true) == 0) {
                    tlpRetrans = true;
                    sent = true;
                }
            }
            if (sent) {
                tlpOn = true;
                tlpHighSeq = sk.sndNxt;
                sk.tcp.ext.inc(TcpExtMib.TCPLossProbes);
                sk.timers.clearPending();
            }
        }
        TcpRecovery.rearmRto(sk);
    }

    /**
     * An ACK at or past the probe's SND.NXT ends the episode (RFC 8985 §7.4): with a DSACK of
     * the probe, or a pure duplicate ACK, both copies arrived and nothing was lost; an ACK
     * beyond it means the probe repaired a loss, and the window is reduced once (CWR).
     * Mirrors {@code tcp_process_tlp_ack()}.
     */
    void processTlpAck(TcpSock sk, int ack, int flag) {
        if (ack - tlpHighSeq < 0) {
            return;
        }
        if (!tlpRetrans || (flag & TcpRecovery.FLAG_DSACK_TLP) != 0) {
            tlpOn = false;
        } else if (ack - tlpHighSeq > 0) {
            TcpRecovery.initCwndReduction(sk);
            TcpRecovery.setCaState(sk, CongestionState.CA_CWR);
            TcpRecovery.endCwndReduction(sk);
            TcpRecovery.tryKeepOpen(sk);
            sk.tcp.ext.inc(TcpExtMib.TCPLossProbeRecovery);
        } else if ((flag & (TcpRecovery.FLAG_SND_UNA_ADVANCED | TcpRecovery.FLAG_NOT_DUP | TcpRecovery.FLAG_DATA_SACKED)) == 0) {
            tlpOn = false;
        }
    }
}
