package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.SkBuff;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Tcp;

import static io.jnetstack.ipv4.tcp.TcpRecovery.FLAG_ACKED;
import static io.jnetstack.ipv4.tcp.TcpRecovery.FLAG_CA_ALERT;
import static io.jnetstack.ipv4.tcp.TcpRecovery.FLAG_DATA;
import static io.jnetstack.ipv4.tcp.TcpRecovery.FLAG_DATA_ACKED;
import static io.jnetstack.ipv4.tcp.TcpRecovery.FLAG_DSACKING_ACK;
import static io.jnetstack.ipv4.tcp.TcpRecovery.FLAG_NOT_DUP;
import static io.jnetstack.ipv4.tcp.TcpRecovery.FLAG_ORIG_SACK_ACKED;
import static io.jnetstack.ipv4.tcp.TcpRecovery.FLAG_RETRANS_DATA_ACKED;
import static io.jnetstack.ipv4.tcp.TcpRecovery.FLAG_SACK_RENEGING;
import static io.jnetstack.ipv4.tcp.TcpRecovery.FLAG_SET_XMIT_TIMER;
import static io.jnetstack.ipv4.tcp.TcpRecovery.FLAG_SND_UNA_ADVANCED;
import static io.jnetstack.ipv4.tcp.TcpRecovery.FLAG_SYN_ACKED;
import static io.jnetstack.ipv4.tcp.TcpRecovery.FLAG_WIN_UPDATE;

/**
 * Processing the acknowledgment of an incoming segment. Mirrors {@code tcp_ack()} with
 * {@code tcp_ack_update_window()}, {@code tcp_clean_rtx_queue()}, {@code tcp_ack_update_rtt()}
 * and {@code tcp_rtt_estimator()} (RFC 6298); the scoreboard is {@link TcpSack}, the decisions
 * {@link TcpRecovery} and {@link TcpRack}.
 */
final class TcpAck {
    private TcpAck() {
    }

    /**
     * Mirrors {@code tcp_ack()}: an old ACK is ignored (challenged when older than the window
     * allows, RFC 5961 §5.2) though its SACK blocks are taken; an ACK of unsent data is
     * dropped; else the window, the scoreboard, the retransmission queue, RACK and TLP, the
     * loss recovery state machine on dubious ACKs ({@code tcp_ack_is_dubious}), the congestion
     * window and the retransmissions it allows.
     *
     * @return 1 when processed, 0 for an old ACK, -1 to drop the segment
     */
    static int ack(TcpSock sk, SkBuff skb, TcpInput.Seg s, boolean challenge) {
        Tracer t = sk.tcp.kernel.tracer();
        t.enter(Stage.TCP_ACK, skb, sk.tcp.net.name(), "");
        try {
            TcpSack.State st = s.ackState;
            st.clear(sk.sndNxt);
            int priorUna = sk.sndUna;
            boolean sack = sk.sackOk && s.opts.sackCount > 0;   // RFC 2018 §3: only once negotiated
            if (s.ack - priorUna < 0) {
                int maxWindow = (int) Math.min(sk.maxWindow & 0xffffffffL, sk.bytesAcked);
                if (s.ack - (priorUna - maxWindow) < 0) {
                    if (challenge) {
                        sk.tcp.validate.challengeAck(sk);
                    }
                    return -1;
                }
                if (sack) {
                    // old_ack: its SACK blocks still count.
                    long priorDelivered = sk.delivered;
                    TcpSack.sacktagWriteQueue(sk, s, priorUna, st);
                    sk.delivered += st.sackDelivered;
                    int rexmit = TcpRecovery.fastretransAlert(sk, priorUna, 0, st, s);
                    newlyDelivered(sk, priorDelivered);
                    TcpRecovery.xmitRecovery(sk, rexmit);
                }
                return 0;
            }
            if (s.ack - sk.sndNxt > 0) {
                return -1;
            }
            int priorFack = TcpSack.isSack(sk) ? TcpSack.highestSackSeq(sk) : priorUna;
            int priorPackets = sk.packetsOut;
            long priorDelivered = sk.delivered;
            long priorLost = sk.lostTotal;
            if (s.ack != priorUna) {
                st.flag |= FLAG_SND_UNA_ADVANCED;
                sk.retransmits = 0;
            }
            if (s.endSeq != s.seq) {
                st.flag |= FLAG_DATA;
            }
            if (updateWindow(sk, s)) {
                st.flag |= FLAG_WIN_UPDATE;
            }
            sk.bytesAcked += s.ack - priorUna;
            sk.sndUna = s.ack;
            if (sack) {
                TcpSack.sacktagWriteQueue(sk, s, priorUna, st);
                sk.delivered += st.sackDelivered;
            }
            sk.probesOut = 0;   // the peer is alive (RFC 1122 §4.2.2.17)
            if (priorPackets == 0) {
                if ((st.flag & FLAG_DSACKING_ACK) != 0) {
                    TcpRecovery.fastretransAlert(sk, priorUna, 0, st, s);
                    newlyDelivered(sk, priorDelivered);
                }
                if (sk.sendHead != null) {
                    ackProbe(sk);
                }
                if (sk.rack.tlpOn) {
                    sk.rack.processTlpAck(sk, s.ack, st.flag);
                }
                return 1;
            }
            st.flag |= cleanRtxQueue(sk, priorFack, priorUna, st, s);
            sk.rack.updateReoWnd(sk, st.priorDelivered);
            if (sk.rack.tlpOn) {
                sk.rack.processTlpAck(sk, s.ack, st.flag);
            }
            int rexmit = TcpRecovery.REXMIT_NONE;
            if ((st.flag & FLAG_NOT_DUP) == 0 || (st.flag & FLAG_CA_ALERT) != 0 || sk.caState != io.jnetstack.ipv4.tcp.cong.CongestionState.CA_OPEN) {
                int numDupack = (st.flag & (FLAG_SND_UNA_ADVANCED | FLAG_NOT_DUP | FLAG_DSACKING_ACK)) == 0 ? 1 : 0;
                rexmit = TcpRecovery.fastretransAlert(sk, priorUna, numDupack, st, s);
            }
            if ((st.flag & FLAG_SET_XMIT_TIMER) != 0) {
                TcpRecovery.setXmitTimer(sk);
            }
            int delivered = newlyDelivered(sk, priorDelivered);
            TcpRecovery.congControl(sk, s.ack, delivered, (int) (sk.lostTotal - priorLost), st.flag);
            TcpRecovery.xmitRecovery(sk, rexmit);
            if ((st.flag & FLAG_SND_UNA_ADVANCED) != 0) {
                sk.wakeWriters();
            }
            return 1;
        } finally {
            t.exit();
        }
    }

    /** Mirrors {@code tcp_newly_delivered()}: counts TCPDelivered. */
    private static int newlyDelivered(TcpSock sk, long prior) {
        int delivered = (int) (sk.delivered - prior);
        if (delivered > 0) {
            sk.tcp.ext.add(TcpExtMib.TCPDelivered, delivered);
        }
        return delivered;
    }

    /**
     * An ACK while data waits with nothing in flight. Mirrors {@code tcp_ack_probe()}: when the
     * window now takes the next segment, probing is over (the caller sends it); else the probe
     * timer restarts from now with the current backoff.
     */
    private static void ackProbe(TcpSock sk) {
        SkBuff head = sk.sendHead;
        int end = (int) head.cb[TcpSock.CB_SEQ] + Math.min(head.len(), sk.mssCache);
        if (end - (sk.sndUna + sk.sndWnd) <= 0) {
            sk.timers.cancelProbe();
            sk.backoff = 0;
            sk.probesStamp = 0;
        } else {
            sk.timers.resetProbe();
        }
    }

    /**
     * Mirrors {@code tcp_ack_update_window()} / {@code tcp_may_update_window()} (RFC 9293
     * §3.10.7.4 fifth, SND.WL1/WL2): a newer ACK, a newer segment, or the same segment with a
     * larger (or zero) window.
     *
     * @return whether the window was updated ({@code FLAG_WIN_UPDATE})
     */
    private static boolean updateWindow(TcpSock sk, TcpInput.Seg s) {
        int nwin = s.window << sk.sndWscale;
        if (s.ack - sk.sndUna > 0 || s.seq - sk.sndWl1 > 0 || (s.seq == sk.sndWl1 && (nwin > sk.sndWnd || nwin == 0))) {
            sk.sndWnd = nwin;
            sk.sndWl1 = s.seq;
            sk.sndWl2 = s.ack;
            if (nwin > sk.maxWindow) {
                sk.maxWindow = nwin;
            }
            return true;
        }
        return false;
    }

    /**
     * The handshake's ACK of our SYN: the SYN leaves the queue, with its RTT sample.
     * {@link #cleanRtxQueue} for the callers that set SND.UNA after.
     */
    static void cleanSyn(TcpSock sk, int ack, TcpInput.Seg s) {
        int una = sk.sndUna;
        long delivered = sk.delivered;
        sk.sndUna = ack;
        s.ackState.clear(sk.sndNxt);
        cleanRtxQueue(sk, una, una, s.ackState, s);
        sk.sndUna = una;
        sk.delivered = delivered;   // the SYN is counted in tcpi_delivered by TcpInfo
    }

    /**
     * Removes what SND.UNA now covers from the write queue, trimming a partly acknowledged
     * segment, and settles the scoreboard. Mirrors {@code tcp_clean_rtx_queue()}: the RTT
     * sample is the time since the oldest newly acknowledged segment was sent, none when the
     * ACK covers a retransmitted one (RFC 6298 §3, Karn), else the newest SACKed one's, else the
     * timestamp echo (RFC 7323 §4); a hole filled by a never-retransmitted segment below the
     * highest SACK is reordering.
     *
     * @return the ACK flags it found
     */
    static int cleanRtxQueue(TcpSock sk, int priorFack, int priorSndUna, TcpSack.State st, TcpInput.Seg s) {
        int flag = 0;
        int ack = sk.sndUna;
        long now = sk.now();
        long firstAckt = 0;
        long lastAckt = 0;
        int reord = sk.sndNxt;
        int pktsAcked = 0;
        boolean sack = TcpSack.isSack(sk);
        SkBuff skb = sk.writeQueue.peek();
        while (skb != null && skb != sk.sendHead) {
            int seq = (int) skb.cb[TcpSock.CB_SEQ];
            int end = (int) skb.cb[TcpSock.CB_END_SEQ];
            if (end - ack > 0) {
                if (ack - seq > 0 && skb.len() > 0) {
                    int n = Math.min(ack - seq, skb.len());
                    skb.pull(n);
                    skb.cb[TcpSock.CB_SEQ] = seq + n;
                    skb.cb[TcpSock.CB_FLAGS] &= ~Tcp.SYN;
                }
                break;
            }
            int sacked = TcpSack.sacked(skb);
            long when = skb.cb[TcpSock.CB_WHEN];
            if ((sacked & TcpSock.SACKED_ANY_RETRANS) != 0) {
                if ((sacked & TcpSock.SACKED_RETRANS) != 0) {
                    sk.retransOut--;
                }
                flag |= FLAG_RETRANS_DATA_ACKED;
            } else if ((sacked & TcpSock.SACKED_ACKED) == 0) {
                lastAckt = when;
                if (firstAckt == 0) {
                    firstAckt = when;
                }
                if (seq - reord < 0) {
                    reord = seq;
                }
                if (end - sk.highSeq <= 0) {
                    flag |= FLAG_ORIG_SACK_ACKED;
                }
            }
            boolean syn = (skb.cb[TcpSock.CB_FLAGS] & Tcp.SYN) != 0;
            if ((sacked & TcpSock.SACKED_ACKED) != 0) {
                sk.sackedOut--;
            } else if (sack) {
                if (!syn) {
                    sk.delivered++;
                }
                if (!spuriousRetrans(sk, skb, s)) {
                    sk.rack.advance(sk, sacked, end, when);
                }
            }
            if ((sacked & TcpSock.SACKED_LOST) != 0) {
                sk.lostOut--;
            }
            sk.packetsOut = Math.max(sk.packetsOut - 1, 0);
            pktsAcked++;
            st.delivered(skb);
            if (!syn) {
                flag |= FLAG_DATA_ACKED;
            } else {
                flag |= FLAG_SYN_ACKED;
                sk.retransStamp = 0;
            }
            SkBuff next = sk.writeQueue.next(skb);
            sk.writeQueue.unlink(skb);
            sk.freeW(skb);
            skb = next;
        }
        if (sk.sndUp - priorSndUna >= 0 && sk.sndUp - ack <= 0) {
            sk.sndUp = ack;
        }
        if (skb != null && skb != sk.sendHead && (TcpSack.sacked(skb) & TcpSock.SACKED_ACKED) != 0) {
            flag |= FLAG_SACK_RENEGING;
        }
        long seqRtt = -1;
        long sackRtt = -1;
        long caRtt = -1;
        if (firstAckt != 0 && (flag & FLAG_RETRANS_DATA_ACKED) == 0) {
            seqRtt = (now - firstAckt) / 1000;
            caRtt = (now - lastAckt) / 1000;
        }
        if (st.firstSackt != 0) {
            sackRtt = (now - st.firstSackt) / 1000;
            caRtt = (now - st.lastSackt) / 1000;
        }
        boolean rttUpdate = updateRtt(sk, flag | st.flag, seqRtt, sackRtt, caRtt, s);
        if ((flag & FLAG_ACKED) != 0) {
            flag |= FLAG_SET_XMIT_TIMER;
            if (!sack) {
                TcpSack.removeRenoSacks(sk, pktsAcked);
                if ((flag & FLAG_RETRANS_DATA_ACKED) != 0) {
                    flag &= ~FLAG_ORIG_SACK_ACKED;
                }
            } else if (reord - priorFack < 0) {
                TcpSack.checkSackReordering(sk, reord, false);
            }
        } else if (skb != null && skb != sk.sendHead && rttUpdate && sackRtt >= 0
                && sackRtt > (now - skb.cb[TcpSock.CB_WHEN]) / 1000) {
            flag |= FLAG_SET_XMIT_TIMER;
        }
        sk.ca.pktsAcked(sk, pktsAcked, rttUpdate ? caRtt : -1);
        return flag;
    }

    /** An ACK for the original of a retransmitted segment ({@code tcp_skb_spurious_retrans()}). */
    private static boolean spuriousRetrans(TcpSock sk, SkBuff skb, TcpInput.Seg s) {
        if ((TcpSack.sacked(skb) & TcpSock.SACKED_ANY_RETRANS) == 0 || s == null || !sk.tsOk
                || !s.opts.hasTimestamps || s.opts.tsEcr == 0) {
            return false;
        }
        return s.opts.tsEcr - sk.tsOffset - (int) (skb.cb[TcpSock.CB_WHEN] / 1_000_000L) < 0;
    }

    /**
     * Mirrors {@code tcp_ack_update_rtt()}: the ACK's own sample first, then the SACK's, then
     * (RFC 7323 §4, only for an ACK of new data) the timestamp echo; the minimum RTT; a valid
     * sample ends the backoff (RFC 6298 §5, Karn).
     *
     * @return whether the estimator took a sample
     */
    private static boolean updateRtt(TcpSock sk, int flag, long seqRtt, long sackRtt, long caRtt, TcpInput.Seg s) {
        if (seqRtt < 0) {
            seqRtt = sackRtt;
        }
        if (seqRtt < 0 && sk.tsOk && s != null && s.opts.hasTimestamps && s.opts.tsEcr != 0 && (flag & FLAG_ACKED) != 0) {
            long ms = (long) (sk.tcp.tsNow() + sk.tsOffset - s.opts.tsEcr);
            if (ms >= 0 && ms < 3_600_000) {
                seqRtt = Math.max(ms, 1) * 1000;
                caRtt = seqRtt;
            }
        }
        if (seqRtt < 0) {
            return false;
        }
        sk.rack.updateMinRtt(sk, caRtt < 0 ? seqRtt : caRtt);
        rttSample(sk, seqRtt * 1000);
        sk.backoff = 0;
        return true;
    }

    /**
     * An RTT measurement. Mirrors {@code tcp_rtt_estimator()} / {@code tcp_set_rto()} (RFC 6298
     * §2): SRTT and RTTVAR with gains 1/8 and 1/4; RTO = SRTT + max(4·RTTVAR, 200 ms), at most
     * 120 s. {@code srttUs} holds 8·SRTT and {@code rttvarUs} 4·RTTVAR, so (2.3)'s
     * RTTVAR ← 3/4·RTTVAR + 1/4·|SRTT − R'| becomes rttvarUs ← 3/4·rttvarUs + |SRTT − R'|.
     */
    static void rttSample(TcpSock sk, long nanos) {
        long m = Math.max(nanos / 1000, 1);
        if (sk.srttUs == 0) {
            sk.srttUs = m << 3;
            sk.rttvarUs = m << 1;
        } else {
            long srtt = sk.srttUs >> 3;
            long err = Math.abs(srtt - m);
            sk.rttvarUs = sk.rttvarUs - (sk.rttvarUs >> 2) + err;
            sk.srttUs = sk.srttUs - (sk.srttUs >> 3) + m;
        }
        long rto = (sk.srttUs >> 3) * 1000 + Math.max(sk.rttvarUs * 1000, TcpTimers.RTO_MIN);
        sk.rtoNanos = Math.min(Math.max(rto, TcpTimers.RTO_MIN), TcpTimers.RTO_MAX);
    }
}
