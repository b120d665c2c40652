package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.SkBuff;
import io.jnetstack.ipv4.tcp.cong.CaEvent;

import static io.jnetstack.ipv4.tcp.cong.CongestionState.CA_CWR;
import static io.jnetstack.ipv4.tcp.cong.CongestionState.CA_DISORDER;
import static io.jnetstack.ipv4.tcp.cong.CongestionState.CA_LOSS;
import static io.jnetstack.ipv4.tcp.cong.CongestionState.CA_OPEN;
import static io.jnetstack.ipv4.tcp.cong.CongestionState.CA_RECOVERY;

/**
 * Loss recovery: the congestion state machine Open → Disorder → Recovery / Loss (and CWR) as
 * Linux runs it on every dubious ACK. Mirrors {@code tcp_fastretrans_alert()} with
 * {@code tcp_time_to_recover()}, {@code tcp_enter_recovery()}, {@code tcp_process_loss()} (F-RTO,
 * RFC 5682 §3.1 with SACK), the undo family ({@code tcp_try_undo_recovery/_dsack/_partial/_loss},
 * RFC 2883 §5's DSACK undo and the timestamp check of RFC 3522), Proportional Rate Reduction
 * ({@code tcp_cwnd_reduction()}, RFC 6937), {@code tcp_enter_loss()} (RFC 5681 §3.1, RFC 6675
 * §5.1: the RTO marks the queue lost instead of going back N) and the congestion-control calls
 * ({@code tcp_cong_control()}, {@code tcp_set_ca_state()}). With SACK it is RFC 6675 recovery with
 * RACK (RFC 8985) deciding losses ({@code tcp_recovery=1}); without, NewReno (RFC 6582) on
 * duplicate ACKs counted as SACKs.
 */
final class TcpRecovery {
    private TcpRecovery() {
    }

    // The FLAG_* of tcp_input.c: what an ACK did.
    static final int FLAG_DATA = 0x01;
    static final int FLAG_WIN_UPDATE = 0x02;
    static final int FLAG_DATA_ACKED = 0x04;
    static final int FLAG_RETRANS_DATA_ACKED = 0x08;
    static final int FLAG_SYN_ACKED = 0x10;
    static final int FLAG_DATA_SACKED = 0x20;
    static final int FLAG_ECE = 0x40;
    static final int FLAG_LOST_RETRANS = 0x80;
    static final int FLAG_SLOWPATH = 0x100;
    static final int FLAG_ORIG_SACK_ACKED = 0x200;
    static final int FLAG_SND_UNA_ADVANCED = 0x400;
    static final int FLAG_DSACKING_ACK = 0x800;
    static final int FLAG_SET_XMIT_TIMER = 0x1000;
    static final int FLAG_SACK_RENEGING = 0x2000;
    static final int FLAG_DSACK_TLP = 0x20000;
    static final int FLAG_ACKED = FLAG_DATA_ACKED | FLAG_SYN_ACKED;
    static final int FLAG_NOT_DUP = FLAG_DATA | FLAG_WIN_UPDATE | FLAG_ACKED;
    static final int FLAG_CA_ALERT = FLAG_DATA_SACKED | FLAG_ECE | FLAG_DSACKING_ACK;
    static final int FLAG_FORWARD_PROGRESS = FLAG_ACKED | FLAG_DATA_SACKED;

    /** What {@code tcp_xmit_recovery()} sends after the ACK. */
    static final int REXMIT_NONE = 0;
    static final int REXMIT_LOST = 1;
    static final int REXMIT_NEW = 2;

    // ================================================================ state and window

    /** Mirrors {@code tcp_set_ca_state()}: the congestion control hears first. */
    static void setCaState(TcpSock sk, int state) {
        sk.ca.setState(sk, state);
        sk.caState = state;
    }

    /** Mirrors {@code tcp_in_cwnd_reduction()}: CWR or Recovery. */
    static boolean inCwndReduction(TcpSock sk) {
        return sk.caState == CA_CWR || sk.caState == CA_RECOVERY;
    }

    /** Mirrors {@code tcp_current_ssthresh()}: in a reduction ssthresh, else at least 3/4 of cwnd. */
    static int currentSsthresh(TcpSock sk) {
        if (inCwndReduction(sk)) {
            return sk.ssthresh;
        }
        return Math.max(sk.ssthresh, (sk.cwnd >> 1) + (sk.cwnd >> 2));
    }

    /** Mirrors {@code tcp_init_undo()}: undo what follows if it proves spurious. */
    static void initUndo(TcpSock sk) {
        sk.undoMarker = sk.sndUna;
        sk.undoOn = true;
        sk.undoRetrans = sk.retransOut != 0 ? sk.retransOut : -1;
    }

    /**
     * A reduction starts: ssthresh from the congestion control, PRR's counters from zero
     * (RFC 6937 §3 "on entering recovery"). Mirrors {@code tcp_init_cwnd_reduction()}.
     */
    static void initCwndReduction(TcpSock sk) {
        sk.highSeq = sk.sndNxt;
        sk.rack.tlpOn = false;
        sk.cwndCnt = 0;
        sk.priorCwnd = sk.cwnd;
        sk.prrDelivered = 0;
        sk.prrOut = 0;
        sk.ssthresh = sk.ca.ssthresh(sk);
    }

    /**
     * A local congestion signal (the qdisc dropped a packet of ours): the window is reduced by
     * PRR as in recovery, nothing retransmitted, no undo. Mirrors {@code tcp_enter_cwr()}.
     */
    static void enterCwr(TcpSock sk) {
        sk.priorSsthresh = 0;
        if (sk.caState < CA_CWR) {
            sk.undoOn = false;
            initCwndReduction(sk);
            setCaState(sk, CA_CWR);
        }
    }

    /**
     * Proportional Rate Reduction (RFC 6937 §3.1): while pipe > ssthresh, send
     * ceil(prr_delivered·ssthresh/RecoverFS) − prr_out; below it, slow-start back up (PRR-SSRB:
     * at most max(prr_delivered − prr_out, DeliveredData) + 1 when SND.UNA advanced and nothing
     * new was lost), never more than ssthresh − pipe; the first ACK always allows the fast
     * retransmit. cwnd becomes pipe + sndcnt. Mirrors {@code tcp_cwnd_reduction()}.
     */
    static void cwndReduction(TcpSock sk, int newlyAckedSacked, int newlyLost, int flag) {
        if (newlyAckedSacked <= 0 || sk.priorCwnd == 0) {
            return;
        }
        int sndcnt;
        int delta = sk.ssthresh - sk.packetsInFlight();
        sk.prrDelivered += newlyAckedSacked;
        if (delta < 0) {
            long dividend = (long) sk.ssthresh * sk.prrDelivered + sk.priorCwnd - 1;
            sndcnt = (int) (dividend / sk.priorCwnd) - sk.prrOut;
        } else {
            sndcnt = Math.max(sk.prrOut - sk.prrDelivered, newlyAckedSacked);
            if ((flag & FLAG_SND_UNA_ADVANCED) != 0 && newlyLost == 0) {
                sndcnt++;
            }
            sndcnt = Math.min(delta, sndcnt);
        }
        sndcnt = Math.max(sndcnt, sk.prrOut != 0 ? 0 : 1);
        sk.cwnd(sk.packetsInFlight() + sndcnt);
    }

    /**
     * The reduction ends: cwnd = ssthresh (RFC 6937 §3 "on exiting recovery") unless undone.
     * Mirrors {@code tcp_end_cwnd_reduction()}.
     */
    static void endCwndReduction(TcpSock sk) {
        if (sk.ssthresh != Integer.MAX_VALUE && (sk.caState == CA_CWR || sk.undoOn)) {
            sk.cwnd(sk.ssthresh);
        }
        sk.ca.cwndEvent(sk, CaEvent.COMPLETE_CWR);
    }

    /**
     * The window after an ACK: PRR while reducing, else growth by the congestion control when
     * the ACK delivered in order (or anything once reordering was seen to exceed
     * tcp_reordering); then the pacing rate follows the window. Mirrors {@code tcp_cong_control()} /
     * {@code tcp_may_raise_cwnd()} / {@code tcp_cong_avoid()} / {@code tcp_update_pacing_rate()}.
     */
    static void congControl(TcpSock sk, int ack, int ackedSacked, int newlyLost, int flag) {
        if (inCwndReduction(sk)) {
            cwndReduction(sk, ackedSacked, newlyLost, flag);
        } else if (sk.reordering > sk.tcp.sysctl.reordering.get()
                ? (flag & FLAG_FORWARD_PROGRESS) != 0 : (flag & FLAG_DATA_ACKED) != 0) {
            int before = sk.cwnd;
            if (ackedSacked > 0) {
                sk.ca.congAvoid(sk, ack, ackedSacked);
            }
            if (sk.cwnd > before) {
                sk.expandSndbuf();   // tcp_new_space → tcp_sndbuf_expand
            }
        }
        TcpPacing.updatePacingRate(sk);
    }

    // ================================================================ undo

    /** Mirrors {@code tcp_any_retrans_done()}. */
    static boolean anyRetransDone(TcpSock sk) {
        if (sk.retransOut != 0) {
            return true;
        }
        SkBuff head = sk.writeQueue.peek();
        return head != null && head != sk.sendHead && (TcpSack.sacked(head) & TcpSock.EVER_RETRANS) != 0;
    }

    /**
     * The peer echoes a timestamp older than our first retransmission: what it acknowledges
     * is the original, so the retransmission was not needed (RFC 3522). Mirrors
     * {@code tcp_packet_delayed()}.
     */
    static boolean packetDelayed(TcpSock sk, TcpInput.Seg s) {
        if (sk.retransStamp != 0) {
            if (s == null || !sk.tsOk || !s.opts.hasTimestamps || s.opts.tsEcr == 0) {
                return false;
            }
            int ecr = s.opts.tsEcr - sk.tsOffset;
            return ecr - (int) (sk.retransStamp / 1_000_000L) < 0;
        }
        if (!TcpSack.isSack(sk) && sk.sndUna - sk.highSeq >= 0) {
            return false;
        }
        return sk.state != TcpState.SYN_RECV;
    }

    /** Mirrors {@code tcp_may_undo()}: every retransmission DSACKed, or the original proven delayed. */
    static boolean mayUndo(TcpSock sk, TcpInput.Seg s) {
        return sk.undoOn && (sk.undoRetrans == 0 || packetDelayed(sk, s));
    }

    /**
     * Restores the window from before the reduction. Mirrors {@code tcp_undo_cwnd_reduction()}:
     * cwnd from the congestion control's undo, ssthresh back when it was higher; with
     * {@code unmarkLoss} nothing stays marked lost.
     */
    static void undoCwndReduction(TcpSock sk, boolean unmarkLoss) {
        if (unmarkLoss) {
            for (SkBuff skb = sk.writeQueue.peek(); skb != null && skb != sk.sendHead; skb = sk.writeQueue.next(skb)) {
                skb.cb[TcpSock.CB_SACKED] &= ~TcpSock.SACKED_LOST;
            }
            sk.lostOut = 0;
        }
        if (sk.priorSsthresh != 0) {
            sk.cwnd(sk.ca.undoCwnd(sk));
            if (sk.priorSsthresh > sk.ssthresh) {
                sk.ssthresh = sk.priorSsthresh;
            }
        }
        sk.undoOn = false;
        sk.rack.advanced = true;   // let RACK look at the losses again
    }

    /**
     * Without SACK, hold the state until something above high_seq is acknowledged (RFC 6582
     * §3.2 step 4's caution against false fast retransmits). Mirrors
     * {@code tcp_is_non_sack_preventing_reopen()}.
     */
    private static boolean nonSackPreventingReopen(TcpSock sk) {
        if (sk.sndUna == sk.highSeq && !TcpSack.isSack(sk)) {
            if (!anyRetransDone(sk)) {
                sk.retransStamp = 0;
            }
            return true;
        }
        return false;
    }

    /** Recovery ended: undo when spurious, then Open. Mirrors {@code tcp_try_undo_recovery()}. */
    static boolean tryUndoRecovery(TcpSock sk, TcpInput.Seg s) {
        if (mayUndo(sk, s)) {
            undoCwndReduction(sk, false);
            sk.tcp.ext.inc(sk.caState == CA_LOSS ? TcpExtMib.TCPLossUndo : TcpExtMib.TCPFullUndo);
        } else if (sk.rack.reoWndPersist > 0) {
            sk.rack.reoWndPersist--;
        }
        if (nonSackPreventingReopen(sk)) {
            return true;
        }
        setCaState(sk, CA_OPEN);
        sk.sackReneg = false;
        return false;
    }

    /** Every retransmission was DSACKed (RFC 2883 §5): undo. Mirrors {@code tcp_try_undo_dsack()}. */
    static boolean tryUndoDsack(TcpSock sk) {
        if (sk.undoOn && sk.undoRetrans == 0) {
            sk.rack.reoWndPersist = Math.min(TcpRack.RECOVERY_THRESH, sk.rack.reoWndPersist + 1);
            undoCwndReduction(sk, false);
            sk.tcp.ext.inc(TcpExtMib.TCPDSACKUndo);
            return true;
        }
        return false;
    }

    /**
     * A partial ACK in Recovery. Mirrors {@code tcp_try_undo_partial()}: when the hole was
     * filled by the delayed original, it was reordering; with no retransmission left in flight,
     * undo.
     *
     * @return true when the caller stops (retransmissions still out)
     */
    private static boolean tryUndoPartial(TcpSock sk, int priorSndUna, TcpInput.Seg s) {
        if (sk.undoOn && packetDelayed(sk, s)) {
            TcpSack.checkSackReordering(sk, priorSndUna, true);
            if (sk.retransOut != 0) {
                return true;
            }
            if (!anyRetransDone(sk)) {
                sk.retransStamp = 0;
            }
            undoCwndReduction(sk, true);
            sk.tcp.ext.inc(TcpExtMib.TCPPartialUndo);
            tryKeepOpen(sk);
        }
        return false;
    }

    /** After an RTO: undo when spurious. Mirrors {@code tcp_try_undo_loss()}. */
    private static boolean tryUndoLoss(TcpSock sk, TcpInput.Seg s, boolean frtoUndo) {
        if (frtoUndo || mayUndo(sk, s)) {
            undoCwndReduction(sk, true);
            sk.tcp.ext.inc(TcpExtMib.TCPLossUndo);
            if (frtoUndo) {
                sk.tcp.ext.inc(TcpExtMib.TCPSpuriousRTOs);
            }
            sk.retransmits = 0;
            if (nonSackPreventingReopen(sk)) {
                return true;
            }
            if (frtoUndo || TcpSack.isSack(sk)) {
                setCaState(sk, CA_OPEN);
                sk.sackReneg = false;
            }
            return true;
        }
        return false;
    }

    /** Mirrors {@code tcp_try_keep_open()}: Disorder while anything is SACKed, lost or retransmitted. */
    static void tryKeepOpen(TcpSock sk) {
        int state = TcpSack.leftOut(sk) != 0 || anyRetransDone(sk) ? CA_DISORDER : CA_OPEN;
        if (sk.caState != state) {
            setCaState(sk, state);
            sk.highSeq = sk.sndNxt;
        }
    }

    /** Mirrors {@code tcp_try_to_open()}. */
    private static void tryToOpen(TcpSock sk) {
        if (!anyRetransDone(sk)) {
            sk.retransStamp = 0;
        }
        if (sk.caState != CA_CWR) {
            tryKeepOpen(sk);
        }
    }

    // ================================================================ recovery

    /**
     * Fast recovery starts (RFC 6675 §5 step 4.1, RFC 6582 §3.2 step 2): ssthresh from the
     * congestion control, PRR from zero, undo armed. Mirrors {@code tcp_enter_recovery()}.
     */
    static void enterRecovery(TcpSock sk, boolean ece) {
        sk.tcp.ext.inc(TcpSack.isSack(sk) ? TcpExtMib.TCPSackRecovery : TcpExtMib.TCPRenoRecovery);
        sk.priorSsthresh = 0;
        initUndo(sk);
        if (!inCwndReduction(sk)) {
            if (!ece) {
                sk.priorSsthresh = currentSsthresh(sk);
            }
            initCwndReduction(sk);
        }
        setCaState(sk, CA_RECOVERY);
    }

    /** Mirrors {@code tcp_force_fast_retransmit()}: SACKed data lies more than reordering segments above SND.UNA. */
    private static boolean forceFastRetransmit(TcpSock sk) {
        return TcpSack.highestSackSeq(sk) - (sk.sndUna + sk.reordering * sk.mssCache) > 0;
    }

    /**
     * Mirrors {@code tcp_time_to_recover()}: a segment is marked lost; or, without RACK, more
     * than tcp_reordering segments were SACKed or duplicate-ACKed (RFC 6675 §5 step 3's
     * DupThresh, RFC 5681 §3.2's third duplicate ACK).
     */
    private static boolean timeToRecover(TcpSock sk) {
        if (sk.lostOut != 0) {
            return true;
        }
        return !TcpRack.enabled(sk) && sk.sackedOut + 1 > sk.reordering;
    }

    /**
     * Decides which segments are lost. Mirrors {@code tcp_identify_packet_loss()}: without SACK
     * NewReno marks the head ({@code tcp_newreno_mark_lost()}); with it RACK decides.
     */
    private static int identifyPacketLoss(TcpSock sk, int flag) {
        SkBuff head = sk.writeQueue.peek();
        if (head == null || head == sk.sendHead) {
            return flag;
        }
        if (!TcpSack.isSack(sk)) {
            boolean advanced = (flag & FLAG_SND_UNA_ADVANCED) != 0;
            if ((sk.caState < CA_RECOVERY && sk.sackedOut >= sk.reordering) || (sk.caState == CA_RECOVERY && advanced)) {
                if ((TcpSack.sacked(head) & TcpSock.SACKED_LOST) == 0) {
                    TcpSack.markLost(sk, head);
                }
            }
        } else if (TcpRack.enabled(sk)) {
            int priorRetrans = sk.retransOut;
            if (sk.rack.markLost(sk)) {
                flag &= ~FLAG_SET_XMIT_TIMER;
            }
            if (priorRetrans > sk.retransOut) {
                flag |= FLAG_LOST_RETRANS;
            }
        }
        return flag;
    }

    /**
     * Without RACK: RFC 6675's loss rule for the head ({@code tcp_update_scoreboard()} reduced
     * to marking the first unSACKed segment and, with SACK, every one with tcp_reordering SACKed
     * segments above it).
     */
    private static void updateScoreboard(TcpSock sk, boolean fastRexmit) {
        SkBuff head = sk.writeQueue.peek();
        if (head == null || head == sk.sendHead) {
            return;
        }
        if (!TcpSack.isSack(sk)) {
            if (fastRexmit || sk.lostOut == 0) {
                TcpSack.markLost(sk, head);
            }
            return;
        }
        int sackedAbove = sk.sackedOut;
        for (SkBuff skb = head; skb != null && skb != sk.sendHead && sackedAbove >= sk.reordering; skb = sk.writeQueue.next(skb)) {
            int sacked = TcpSack.sacked(skb);
            if ((sacked & TcpSock.SACKED_ACKED) != 0) {
                sackedAbove--;
            } else if ((sacked & TcpSock.SACKED_LOST) == 0) {
                TcpSack.markLost(sk, skb);
            }
        }
        if (fastRexmit && sk.lostOut == 0) {
            TcpSack.markLost(sk, head);
        }
    }

    /**
     * The heart of loss recovery, run on every dubious ACK. Mirrors
     * {@code tcp_fastretrans_alert()}: end the state once high_seq is acknowledged (undoing a
     * spurious one), then per state: in Recovery, partial ACKs and DSACK undo; in Loss, F-RTO
     * and the end of the episode; else decide whether to start recovery.
     *
     * @param st the ACK's flags in and out ({@code *ack_flag})
     * @return what {@code tcp_xmit_recovery()} should send
     */
    static int fastretransAlert(TcpSock sk, int priorSndUna, int numDupack, TcpSack.State st, TcpInput.Seg s) {
        int flag = st.flag;
        boolean ece = (flag & FLAG_ECE) != 0;
        boolean doLost = numDupack > 0 || ((flag & FLAG_DATA_SACKED) != 0 && forceFastRetransmit(sk));
        boolean fastRexmit = false;
        if (sk.packetsOut == 0 && sk.sackedOut != 0) {
            sk.sackedOut = 0;
        }
        if (ece) {
            sk.priorSsthresh = 0;
        }
        if (checkSackReneging(sk, flag)) {
            return REXMIT_NONE;
        }
        if (sk.caState == CA_OPEN) {
            sk.retransStamp = 0;
        } else if (sk.sndUna - sk.highSeq >= 0) {
            if (sk.caState == CA_CWR) {
                if (sk.sndUna != sk.highSeq) {
                    endCwndReduction(sk);
                    setCaState(sk, CA_OPEN);
                }
            } else if (sk.caState == CA_RECOVERY) {
                if (!TcpSack.isSack(sk)) {
                    sk.sackedOut = 0;
                }
                if (tryUndoRecovery(sk, s)) {
                    return REXMIT_NONE;
                }
                endCwndReduction(sk);
            }
        }
        switch (sk.caState) {
            case CA_RECOVERY -> {
                if ((flag & FLAG_SND_UNA_ADVANCED) == 0) {
                    if (!TcpSack.isSack(sk)) {
                        TcpSack.addRenoSack(sk, numDupack);
                    }
                } else {
                    if (tryUndoPartial(sk, priorSndUna, s)) {
                        return REXMIT_NONE;
                    }
                    doLost |= sk.caState == CA_RECOVERY && forceFastRetransmit(sk);
                }
                if (tryUndoDsack(sk)) {
                    tryToOpen(sk);
                }
                flag = identifyPacketLoss(sk, flag);
                if (sk.caState != CA_RECOVERY) {
                    if (!timeToRecover(sk)) {
                        st.flag = flag;
                        return REXMIT_NONE;
                    }
                    enterRecovery(sk, ece);
                }
            }
            case CA_LOSS -> {
                int rexmit = processLoss(sk, flag, numDupack, s);
                flag = identifyPacketLoss(sk, flag);
                if (!(sk.caState == CA_OPEN || (flag & FLAG_LOST_RETRANS) != 0)) {
                    st.flag = flag;
                    return rexmit;
                }
                // The window was undone or retransmissions were lost: as in the other states.
                flag = openStates(sk, flag, numDupack, ece);
                fastRexmit = (flag & ENTERED_RECOVERY) != 0;
                flag &= ~ENTERED_RECOVERY;
            }
            default -> {
                flag = openStates(sk, flag, numDupack, ece);
                fastRexmit = (flag & ENTERED_RECOVERY) != 0;
                flag &= ~ENTERED_RECOVERY;
            }
        }
        st.flag = flag;
        if (sk.caState < CA_RECOVERY && !fastRexmit) {
            return REXMIT_NONE;
        }
        if (!TcpRack.enabled(sk) && doLost) {
            updateScoreboard(sk, fastRexmit);
        }
        return REXMIT_LOST;
    }

    /** Not an ACK flag: {@link #openStates} entered Recovery. */
    private static final int ENTERED_RECOVERY = 0x40000000;

    /**
     * Open, Disorder and CWR (and Loss once it ended): count Reno's duplicate ACKs, DSACK undo,
     * and enter Recovery when it is time. The default branch of {@code tcp_fastretrans_alert()}.
     *
     * @return the ACK's flags, with {@link #ENTERED_RECOVERY} when Recovery began (the fast retransmit goes)
     */
    private static int openStates(TcpSock sk, int flag, int numDupack, boolean ece) {
        if (!TcpSack.isSack(sk)) {
            if ((flag & FLAG_SND_UNA_ADVANCED) != 0) {
                sk.sackedOut = 0;
            }
            TcpSack.addRenoSack(sk, numDupack);
        }
        if (sk.caState <= CA_DISORDER) {
            tryUndoDsack(sk);
        }
        flag = identifyPacketLoss(sk, flag);
        if (!timeToRecover(sk)) {
            tryToOpen(sk);
            return flag;
        }
        enterRecovery(sk, ece);
        return flag | ENTERED_RECOVERY;
    }

    /**
     * The head segment the peer SACKed is not acknowledged after all: the receiver dropped
     * SACKed data (RFC 2018 §8). Mirrors {@code tcp_check_sack_reneging()}: wait half an RTT
     * for the ACK that would fix it, then act as on an RTO.
     */
    private static boolean checkSackReneging(TcpSock sk, int flag) {
        if ((flag & FLAG_SACK_RENEGING) != 0 && (flag & FLAG_SND_UNA_ADVANCED) != 0) {
            long delay = Math.max((sk.srttUs >> 4) * 1000, 10_000_000L);
            sk.timers.resetXmit(TcpTimers.TIME_RETRANS, Math.min(delay, TcpTimers.RTO_MAX));
            return true;
        }
        return false;
    }

    /**
     * An ACK in the Loss state. Mirrors {@code tcp_process_loss()}: undo a spurious timeout
     * (RFC 5682 §3.1 step 3.b: never-retransmitted data was (s)acked after the RTO), send new
     * data instead of retransmissions on the first ACK (step 2.b), and end Loss once high_seq is
     * acknowledged.
     */
    private static int processLoss(TcpSock sk, int flag, int numDupack, TcpInput.Seg s) {
        boolean recovered = sk.sndUna - sk.highSeq >= 0;
        if ((flag & FLAG_SND_UNA_ADVANCED) != 0 && tryUndoLoss(sk, s, false)) {
            return REXMIT_NONE;
        }
        if (sk.frto) {
            if ((flag & FLAG_ORIG_SACK_ACKED) != 0 && tryUndoLoss(sk, s, true)) {
                return REXMIT_NONE;
            }
            if (sk.sndNxt - sk.highSeq > 0) {
                if ((flag & FLAG_DATA_SACKED) != 0 || numDupack > 0) {
                    sk.frto = false;   // step 3.a: the loss was real
                }
            } else if ((flag & FLAG_SND_UNA_ADVANCED) != 0 && !recovered) {
                sk.highSeq = sk.sndNxt;
                if (sk.sendHead != null && sk.sndUna + sk.sndWnd - sk.sndNxt > 0) {
                    return REXMIT_NEW;   // step 2.b: new data first, once tcp_ack set the window
                }
                sk.frto = false;
            }
        }
        if (recovered) {
            tryUndoRecovery(sk, s);
            return REXMIT_NONE;
        }
        if (!TcpSack.isSack(sk)) {
            if (sk.sndNxt - sk.highSeq > 0 && numDupack > 0) {
                TcpSack.addRenoSack(sk, numDupack);
            } else if ((flag & FLAG_SND_UNA_ADVANCED) != 0) {
                sk.sackedOut = 0;
            }
        }
        return REXMIT_LOST;
    }

    /**
     * Sends what recovery decided. Mirrors {@code tcp_xmit_recovery()}: new data first for
     * F-RTO, then the lost segments under the window.
     */
    static void xmitRecovery(TcpSock sk, int rexmit) {
        if (rexmit == REXMIT_NONE || sk.state == TcpState.SYN_SENT) {
            return;
        }
        if (rexmit == REXMIT_NEW) {
            sk.tcp.output.writeXmit(sk, true, TcpOutput.PUSH_NAGLE_OFF);
            if (sk.sndNxt - sk.highSeq > 0) {
                return;
            }
            sk.frto = false;
        }
        sk.tcp.output.xmitRetransmitQueue(sk);
    }

    // ================================================================ timeout

    /**
     * The retransmission timeout. Mirrors {@code tcp_enter_loss()} and
     * {@code tcp_timeout_mark_lost()}: everything not SACKed is lost except what was sent within
     * the last RACK RTT (the head always); ssthresh falls once per window (RFC 5681 §3.1 (4));
     * cwnd = pipe + 1; F-RTO (RFC 5682 §3.1 step 1) unless a recovery was under way. A head
     * marked SACKed means the receiver reneged: its SACKs are forgotten.
     */
    static void enterLoss(TcpSock sk) {
        boolean newRecovery = sk.caState < CA_RECOVERY;
        timeoutMarkLost(sk);
        if (sk.caState <= CA_DISORDER || sk.highSeq - sk.sndUna <= 0 || (sk.caState == CA_LOSS && sk.retransmits == 0)) {
            sk.priorSsthresh = currentSsthresh(sk);
            sk.priorCwnd = sk.cwnd;
            sk.ssthresh = sk.ca.ssthresh(sk);
            sk.ca.cwndEvent(sk, CaEvent.LOSS);
            initUndo(sk);
        }
        sk.cwnd(sk.packetsInFlight() + 1);
        sk.cwndCnt = 0;
        int sysReordering = (int) sk.tcp.sysctl.reordering.get();
        if (sk.caState <= CA_DISORDER && sk.sackedOut >= sysReordering) {
            sk.reordering = Math.min(sk.reordering, sysReordering);
        }
        setCaState(sk, CA_LOSS);
        sk.highSeq = sk.sndNxt;
        sk.rack.tlpOn = false;
        sk.frto = sk.tcp.sysctl.frto.get() != 0 && (newRecovery || sk.retransmits != 0);
    }

    private static void timeoutMarkLost(TcpSock sk) {
        SkBuff head = sk.writeQueue.peek();
        if (head == null || head == sk.sendHead) {
            return;
        }
        boolean reneg = (TcpSack.sacked(head) & TcpSock.SACKED_ACKED) != 0;
        if (reneg) {
            sk.tcp.ext.inc(TcpExtMib.TCPSACKReneging);
            sk.sackedOut = 0;
            sk.sackReneg = true;
        } else if (!TcpSack.isSack(sk)) {
            sk.sackedOut = 0;
        }
        long now = sk.now();
        for (SkBuff skb = head; skb != null && skb != sk.sendHead; skb = sk.writeQueue.next(skb)) {
            if (reneg) {
                skb.cb[TcpSock.CB_SACKED] &= ~TcpSock.SACKED_ACKED;
            } else if (skb != head && sk.rack.timeLeftUs(now, skb.cb[TcpSock.CB_WHEN], 0) > 0) {
                continue;   // sent within the last RTT: not known lost yet
            }
            TcpSack.markLost(sk, skb);
        }
    }

    /** The write queue was purged or the connection ended: nothing is out any more. */
    static void resetScoreboard(TcpSock sk) {
        sk.packetsOut = 0;
        sk.sackedOut = 0;
        sk.lostOut = 0;
        sk.retransOut = 0;
        sk.undoOn = false;
        sk.frto = false;
        sk.rack.tlpOn = false;
        if (sk.caState != CA_OPEN) {
            setCaState(sk, CA_OPEN);
        }
    }

    // ================================================================ timers

    /** Nanoseconds until the RTO of the head would fire ({@code tcp_rto_delta_us()}). */
    static long rtoDeltaNanos(TcpSock sk) {
        SkBuff head = sk.writeQueue.peek();
        long sent = head == null ? sk.now() : head.cb[TcpSock.CB_WHEN];
        return sent + TcpTimers.currentRto(sk) - sk.now();
    }

    /**
     * Restarts the retransmission timer, or stops it with nothing in flight. Mirrors
     * {@code tcp_rearm_rto()}: after a probe or reordering timer, the RTO keeps counting from the
     * head's transmission.
     */
    static void rearmRto(TcpSock sk) {
        if (sk.packetsOut == 0) {
            sk.timers.cancelRtx();
            return;
        }
        long rto = TcpTimers.currentRto(sk);
        int pending = sk.timers.pending();
        if (pending == TcpTimers.TIME_REO_TIMEOUT || pending == TcpTimers.TIME_LOSS_PROBE) {
            rto = Math.max(rtoDeltaNanos(sk), 1000);
        }
        sk.timers.resetXmit(TcpTimers.TIME_RETRANS, rto);
    }

    /** After an ACK that acknowledged data: the probe timer, else the RTO ({@code tcp_set_xmit_timer()}). */
    static void setXmitTimer(TcpSock sk) {
        if (!sk.rack.scheduleLossProbe(sk, true)) {
            rearmRto(sk);
        }
    }
}
