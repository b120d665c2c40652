package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.SkBuff;

/**
 * The sender's scoreboard (RFC 6675 §3): each sent segment in the write queue carries the bits
 * {@link TcpSock#SACKED_ACKED}, {@link TcpSock#SACKED_RETRANS}, {@link TcpSock#SACKED_LOST} and
 * {@link TcpSock#EVER_RETRANS} in {@link TcpSock#CB_SACKED}, and the socket counts them in
 * {@code sackedOut}, {@code lostOut} and {@code retransOut}, so that
 * {@code packets_in_flight = packets_out - (sacked_out + lost_out) + retrans_out} (RFC 6675's
 * "pipe"). Mirrors {@code tcp_sacktag_write_queue()} with {@code tcp_check_dsack()},
 * {@code tcp_sacktag_one()}, {@code tcp_mark_skb_lost()} and {@code tcp_check_sack_reordering()},
 * and the Reno emulation of SACK by duplicate ACKs ({@code tcp_add_reno_sack()}, …).
 *
 * <p>Segments and packets: every sent buffer holds at most one MSS ({@code tcp_write_xmit}
 * cuts the send head to the MSS before it goes), so each counts as one packet
 * ({@code tcp_skb_pcount() == 1}). A SACK block then covers a sent buffer wholly or not at all,
 * as Linux's {@code tcp_match_skb_to_sack()} treats a one-packet skb; a buffer longer than the
 * MSS (left by a fall of the path MTU) is cut with {@link TcpOutput#fragmentSent} before it is
 * retransmitted, which counts the new piece in every counter its bits belong to, as
 * {@code tcp_fragment()} does. Linux's shifting and merging of SACKed skbs
 * ({@code tcp_shift_skb_data}) is a memory optimisation not done here.
 */
final class TcpSack {
    private TcpSack() {
    }

    /** What one ACK's processing found. Mirrors {@code struct tcp_sacktag_state} and the rate sample. */
    static final class State {
        int flag;
        /** Lowest sequence newly (s)acked that was never retransmitted (reordering evidence). */
        int reord;
        /** Send times of the oldest and newest segments newly SACKed, never retransmitted. */
        long firstSackt;
        long lastSackt;
        /** Segments newly SACKed (DSACKed retransmissions included). */
        int sackDelivered;
        /** {@code rs.prior_delivered}: delivered when the last delivered segment was sent, -1 for none. */
        long priorDelivered;

        void clear(int sndNxt) {
            flag = 0;
            reord = sndNxt;
            firstSackt = 0;
            lastSackt = 0;
            sackDelivered = 0;
            priorDelivered = -1;
        }

        void delivered(SkBuff skb) {
            priorDelivered = Math.max(priorDelivered, skb.cb[TcpSock.CB_TX_DELIVERED]);
        }
    }

    static int sacked(SkBuff skb) {
        return (int) skb.cb[TcpSock.CB_SACKED];
    }

    /** Whether SACK was negotiated ({@code tcp_is_sack()}); without it, Reno counts duplicate ACKs. */
    static boolean isSack(TcpSock sk) {
        return sk.sackOk;
    }

    /** {@code tcp_highest_sack_seq()}: the end of the highest SACKed segment, SND.UNA when none. */
    static int highestSackSeq(TcpSock sk) {
        return sk.sackedOut == 0 ? sk.sndUna : sk.highestSack;
    }

    /** {@code tcp_left_out()}. */
    static int leftOut(TcpSock sk) {
        return sk.sackedOut + sk.lostOut;
    }

    // ================================================================ marking

    /**
     * Marks a segment lost, or counts a retransmission of a lost one as lost again. Mirrors
     * {@code tcp_mark_skb_lost()}: a SACKed segment is never lost.
     */
    static void markLost(TcpSock sk, SkBuff skb) {
        int sacked = sacked(skb);
        if ((sacked & TcpSock.SACKED_ACKED) != 0) {
            return;
        }
        if ((sacked & TcpSock.SACKED_LOST) != 0) {
            if ((sacked & TcpSock.SACKED_RETRANS) != 0) {
                skb.cb[TcpSock.CB_SACKED] = sacked & ~TcpSock.SACKED_RETRANS;
                sk.retransOut--;
                sk.tcp.ext.inc(TcpExtMib.TCPLostRetransmit);
                sk.lostTotal++;
            }
        } else {
            sk.lostOut++;
            skb.cb[TcpSock.CB_SACKED] = sacked | TcpSock.SACKED_LOST;
            sk.lostTotal++;
        }
    }

    /**
     * The hole before a SACKed segment was filled by a segment never retransmitted: the network
     * reordered. Mirrors {@code tcp_check_sack_reordering()}: the degree is the distance to the
     * highest SACKed sequence, in segments, up to {@code tcp_max_reordering}.
     */
    static void checkSackReordering(TcpSock sk, int lowSeq, boolean ts) {
        int fack = highestSackSeq(sk);
        if (lowSeq - fack >= 0) {
            return;
        }
        int mss = sk.mssCache;
        long metric = Integer.toUnsignedLong(fack - lowSeq);
        if (mss > 0 && metric > (long) sk.reordering * mss) {
            sk.reordering = (int) Math.min((metric + mss - 1) / mss, sk.tcp.sysctl.maxReordering.get());
        }
        sk.reordSeen++;
        sk.tcp.ext.inc(ts ? TcpExtMib.TCPTSReorder : TcpExtMib.TCPSACKReorder);
    }

    // ================================================================ sacktag

    /**
     * Takes the SACK blocks of an ACK into the scoreboard. Mirrors
     * {@code tcp_sacktag_write_queue()} (RFC 2018 §5, RFC 6675 §4 "Update()"): a first block
     * below the ACK, or inside the second, is a DSACK (RFC 2883 §4); blocks that make no sense
     * are dropped ({@code tcp_is_sackblock_valid}); the rest tag the segments they cover, in
     * sequence order.
     *
     * @return the ACK flags found ({@code FLAG_DATA_SACKED}, {@code FLAG_DSACKING_ACK}, …)
     */
    static int sacktagWriteQueue(TcpSock sk, TcpInput.Seg s, int priorSndUna, State st) {
        int n = s.opts.sackCount;
        int[] l = s.opts.sackLeft;
        int[] r = s.opts.sackRight;
        if (sk.sackedOut == 0) {
            sk.highestSack = sk.sndUna;   // tcp_highest_sack_reset()
        }
        boolean dupSack = checkDsack(sk, s, priorSndUna, st);
        if (s.ack - (priorSndUna - sk.maxWindow) < 0 || sk.packetsOut == 0) {
            return st.flag;
        }
        for (int i = 0; i < n; i++) {
            boolean dup = i == 0 && dupSack;
            if (!blockValid(sk, dup, l[i], r[i])) {
                if (dup) {
                    sk.tcp.ext.inc(sk.undoOn ? TcpExtMib.TCPDSACKIgnoredOld : TcpExtMib.TCPDSACKIgnoredNoUndo);
                } else if (!(s.ack != sk.sndUna && r[i] - sk.sndUna <= 0)) {
                    sk.tcp.ext.inc(TcpExtMib.TCPSACKDiscard);
                }
                continue;
            }
            if (r[i] - priorSndUna <= 0) {
                continue;   // old news
            }
            walk(sk, st, l[i], r[i], dup);
        }
        if (sk.caState != io.jnetstack.ipv4.tcp.cong.CongestionState.CA_LOSS || sk.undoOn) {
            checkSackReordering(sk, st.reord, false);
        }
        return st.flag;
    }

    /** Tags every sent segment wholly inside [start, end). */
    private static void walk(TcpSock sk, State st, int start, int end, boolean dup) {
        for (SkBuff skb = sk.writeQueue.peek(); skb != null && skb != sk.sendHead; skb = sk.writeQueue.next(skb)) {
            int seq = (int) skb.cb[TcpSock.CB_SEQ];
            int endSeq = (int) skb.cb[TcpSock.CB_END_SEQ];
            if (seq - end >= 0) {
                break;
            }
            if (seq - start < 0 || endSeq - end > 0) {
                continue;   // partly covered: a one-packet segment is SACKed whole or not at all
            }
            skb.cb[TcpSock.CB_SACKED] = sacktagOne(sk, st, skb, sacked(skb), seq, endSeq, dup);
            if (seq - highestSackSeq(sk) >= 0) {
                sk.highestSack = endSeq;   // tcp_advance_highest_sack()
            }
        }
    }

    /** Tags one segment. Mirrors {@code tcp_sacktag_one()}. */
    private static int sacktagOne(TcpSock sk, State st, SkBuff skb, int sacked, int start, int end, boolean dup) {
        if (dup && (sacked & TcpSock.SACKED_ANY_RETRANS) != 0) {
            if (sk.undoOn && sk.undoRetrans > 0 && end - sk.undoMarker > 0) {
                sk.undoRetrans = Math.max(0, sk.undoRetrans - 1);
            }
            if ((sacked & TcpSock.SACKED_ACKED) != 0 && start - st.reord < 0) {
                st.reord = start;
            }
        }
        if (end - sk.sndUna <= 0) {
            return sacked;
        }
        if ((sacked & TcpSock.SACKED_ACKED) == 0) {
            long when = skb.cb[TcpSock.CB_WHEN];
            sk.rack.advance(sk, sacked, end, when);
            if ((sacked & TcpSock.SACKED_RETRANS) != 0) {
                // A retransmission not marked lost is thought still in flight: keep RETRANS.
                if ((sacked & TcpSock.SACKED_LOST) != 0) {
                    sacked &= ~(TcpSock.SACKED_LOST | TcpSock.SACKED_RETRANS);
                    sk.lostOut--;
                    sk.retransOut--;
                }
            } else {
                if ((sacked & TcpSock.SACKED_ANY_RETRANS) == 0) {
                    // Never retransmitted and it was in a hole: reordering.
                    if (start - highestSackSeq(sk) < 0 && start - st.reord < 0) {
                        st.reord = start;
                    }
                    if (end - sk.highSeq <= 0) {
                        st.flag |= TcpRecovery.FLAG_ORIG_SACK_ACKED;
                    }
                    if (st.firstSackt == 0) {
                        st.firstSackt = when;
                    }
                    st.lastSackt = when;
                }
                if ((sacked & TcpSock.SACKED_LOST) != 0) {
                    sacked &= ~TcpSock.SACKED_LOST;
                    sk.lostOut--;
                }
            }
            sacked |= TcpSock.SACKED_ACKED;
            st.flag |= TcpRecovery.FLAG_DATA_SACKED;
            sk.sackedOut++;
            st.sackDelivered++;
            st.delivered(skb);
        }
        if (dup && (sacked & TcpSock.SACKED_RETRANS) != 0) {
            sacked &= ~TcpSock.SACKED_RETRANS;
            sk.retransOut--;
        }
        return sacked;
    }

    /**
     * Mirrors {@code tcp_is_sackblock_valid()}: inside what was sent, not reversed; a block at or
     * below SND.UNA only as a DSACK of the current recovery (above undo_marker, or crossing it
     * by less than a window).
     */
    private static boolean blockValid(TcpSock sk, boolean dsack, int start, int end) {
        if (end - sk.sndNxt > 0 || start - end >= 0 || start - sk.sndNxt >= 0) {
            return false;
        }
        if (start - sk.sndUna > 0) {
            return true;
        }
        if (!dsack || !sk.undoOn || end - sk.sndUna > 0) {
            return false;
        }
        if (start - sk.undoMarker >= 0) {
            return true;
        }
        if (end - sk.undoMarker <= 0) {
            return false;
        }
        return start - (end - sk.maxWindow) >= 0;
    }

    /**
     * Whether the first block is a DSACK (RFC 2883 §4: below the cumulative ACK, or inside the
     * second block). Mirrors {@code tcp_check_dsack()} and {@code tcp_dsack_seen()}: a block
     * larger than the largest window, or reporting more duplicates than were ever retransmitted,
     * is dubious and ignored; one matching the tail loss probe is remembered
     * ({@code FLAG_DSACK_TLP}); one below SND.UNA lowers undo_retrans at once.
     */
    private static boolean checkDsack(TcpSock sk, TcpInput.Seg s, int priorSndUna, State st) {
        int[] l = s.opts.sackLeft;
        int[] r = s.opts.sackRight;
        int n = s.opts.sackCount;
        if (l[0] - s.ack < 0) {
            sk.tcp.ext.inc(TcpExtMib.TCPDSACKRecv);
        } else if (n > 1 && !(r[0] - r[1] > 0 || l[0] - l[1] < 0)) {
            sk.tcp.ext.inc(TcpExtMib.TCPDSACKOfoRecv);
        } else {
            return false;
        }
        int dups = dsackSeen(sk, l[0], r[0], st);
        if (dups == 0) {
            sk.tcp.ext.inc(TcpExtMib.TCPDSACKIgnoredDubious);
            return false;
        }
        sk.tcp.ext.add(TcpExtMib.TCPDSACKRecvSegs, dups);
        if (sk.undoOn && sk.undoRetrans > 0 && r[0] - priorSndUna <= 0 && r[0] - sk.undoMarker > 0) {
            sk.undoRetrans = Math.max(0, sk.undoRetrans - dups);
        }
        return true;
    }

    private static int dsackSeen(TcpSock sk, int start, int end, State st) {
        if (start - end >= 0) {
            return 0;
        }
        long len = Integer.toUnsignedLong(end - start);
        if (len > Integer.toUnsignedLong(sk.maxWindow)) {
            return 0;
        }
        int dups = 1;
        if (len > sk.mssCache) {
            dups = (int) ((len + sk.mssCache - 1) / sk.mssCache);
        } else if (sk.rack.tlpOn && sk.rack.tlpHighSeq == end) {
            st.flag |= TcpRecovery.FLAG_DSACK_TLP;
        }
        sk.dsackDups += dups;
        if (sk.dsackDups > sk.totalRetrans) {
            return 0;
        }
        if (sk.reordSeen > 0 && (st.flag & TcpRecovery.FLAG_DSACK_TLP) == 0) {
            sk.rack.dsackSeen = true;
        }
        st.flag |= TcpRecovery.FLAG_DSACKING_ACK;
        st.sackDelivered += dups;
        return dups;
    }

    // ================================================================ Reno: duplicate ACKs as SACKs

    /**
     * Without SACK, each duplicate ACK counts as one segment that left the network. Mirrors
     * {@code tcp_add_reno_sack()}.
     */
    static void addRenoSack(TcpSock sk, int dupAcks) {
        if (dupAcks > 0) {
            int prior = sk.sackedOut;
            sk.sackedOut += dupAcks;
            checkRenoReordering(sk, 0);
            int delivered = sk.sackedOut - prior;
            if (delivered > 0) {
                sk.delivered += delivered;
            }
        }
    }

    /** An ACK covered {@code acked} segments: one filled the hole, the rest were counted. Mirrors {@code tcp_remove_reno_sacks()}. */
    static void removeRenoSacks(TcpSock sk, int acked) {
        if (acked > 0) {
            sk.delivered += Math.max(acked - sk.sackedOut, 1);
            sk.sackedOut = acked - 1 >= sk.sackedOut ? 0 : sk.sackedOut - (acked - 1);
        }
        checkRenoReordering(sk, acked);
    }

    /** More duplicate ACKs than holes allow: reordering. Mirrors {@code tcp_check_reno_reordering()}. */
    private static void checkRenoReordering(TcpSock sk, int addend) {
        if (!limitRenoSacked(sk)) {
            return;
        }
        sk.reordering = (int) Math.min(sk.packetsOut + addend, sk.tcp.sysctl.maxReordering.get());
        sk.reordSeen++;
        sk.tcp.ext.inc(TcpExtMib.TCPRenoReorder);
    }

    /** Mirrors {@code tcp_limit_reno_sacked()}: at least one hole stays. */
    static boolean limitRenoSacked(TcpSock sk) {
        int holes = Math.min(Math.max(sk.lostOut, 1), sk.packetsOut);
        if (sk.sackedOut + holes > sk.packetsOut) {
            sk.sackedOut = sk.packetsOut - holes;
            return true;
        }
        return false;
    }
}
