package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.SkBuff;
import io.jnetstack.wire.Tcp;

/**
 * Whether an arriving segment may be processed at all, on a synchronized connection. Mirrors
 * {@code tcp_validate_incoming()} and its helpers in {@code net/ipv4/tcp_input.c}: PAWS
 * (RFC 7323 §5), sequence acceptability (RFC 9293 §3.10.7.4 first), RST and SYN against blind
 * attacks with challenge ACKs (RFC 5961 §3, §4, §7), and TS.Recent bookkeeping.
 */
final class TcpValidate {
    private final io.jnetstack.ipv4.tcp.Tcp tcp;
    private long challengeSecond = -1;
    private long challengeCount;
    private java.util.random.RandomGenerator challengeRandom;

    TcpValidate(io.jnetstack.ipv4.tcp.Tcp tcp) {
        this.tcp = tcp;
    }

    /**
     * Mirrors {@code tcp_validate_incoming()}: PAWS (RFC 7323 §5.3), sequence acceptability
     * (RFC 9293 §3.10.7.4 first), RST (RFC 5961 §3: exact → reset, in window → challenge ACK),
     * SYN in a synchronized state (RFC 5961 §4: challenge ACK).
     *
     * @return whether processing goes on (false: the buffer was consumed)
     */
    boolean incoming(TcpSock sk, SkBuff skb, TcpInput.Seg s, boolean synInErrs) {
        if (sk.tsOk && s.opts.hasTimestamps && pawsDiscard(sk, s) && (s.flags & Tcp.RST) == 0) {
            // A RST is taken even if it fails PAWS; a SYN is challenged.
            if ((s.flags & Tcp.SYN) != 0) {
                return synChallenge(sk, skb, synInErrs);
            }
            tcp.ext.inc(TcpExtMib.PAWSEstab);
            sendDupAck(sk, s, TcpExtMib.TCPACKSkippedPAWS);
            tcp.net.drop(skb, DropReason.TCP_RFC7323_PAWS);
            return false;
        }
        boolean inWindow = s.endSeq - sk.rcvWup >= 0 && s.seq - (sk.rcvNxt + TcpInput.receiveWindow(sk)) <= 0
                || (s.len == 0 && s.seq == sk.rcvNxt);
        if (!inWindow) {
            if ((s.flags & Tcp.RST) == 0) {
                if ((s.flags & Tcp.SYN) != 0) {
                    return synChallenge(sk, skb, synInErrs);
                }
                sendDupAck(sk, s, TcpExtMib.TCPACKSkippedSeq);
            } else if (resetCheck(sk, s)) {
                tcp.input.reset(sk);
            }
            tcp.net.drop(skb, s.endSeq - sk.rcvWup < 0 ? DropReason.TCP_OLD_DATA : DropReason.TCP_OVERWINDOW);
            return false;
        }
        if ((s.flags & Tcp.RST) != 0) {
            if (s.seq == sk.rcvNxt || resetCheck(sk, s)) {
                tcp.input.reset(sk);
            } else {
                challengeAck(sk);
            }
            tcp.net.drop(skb, DropReason.TCP_RESET);
            return false;
        }
        if ((s.flags & Tcp.SYN) != 0 && !crossedSynAck(sk, s)) {
            return synChallenge(sk, skb, synInErrs);
        }
        return true;
    }

    /**
     * The peer's SYN-ACK crossing ours in a simultaneous open: it acknowledges our SYN and
     * repeats its own, which we have. Linux (6.11+) lets it through to complete the open.
     */
    private static boolean crossedSynAck(TcpSock sk, TcpInput.Seg s) {
        return sk.state == TcpState.SYN_RECV && !sk.orphan && (s.flags & Tcp.ACK) != 0 && s.seq + 1 == s.endSeq
                && s.seq + 1 == sk.rcvNxt && s.ack == sk.sndNxt;
    }

    /**
     * A RST at RCV.NXT - 1 once the peer's FIN is in (CLOSE_WAIT, LAST_ACK, CLOSING) is taken as
     * exact: some stacks (macOS) send FIN then RST with the FIN's sequence number, and the
     * challenge ACK RFC 5961 §3.2 would ask for may never be answered. Mirrors
     * {@code tcp_reset_check()}.
     */
    private static boolean resetCheck(TcpSock sk, TcpInput.Seg s) {
        return s.seq == sk.rcvNxt - 1 && (sk.state == TcpState.CLOSE_WAIT || sk.state == TcpState.LAST_ACK
                || sk.state == TcpState.CLOSING);
    }

    /**
     * RFC 5961 §4.2: a SYN on a synchronized connection gets a challenge ACK and is dropped
     * (counted in InErrs when it came through {@code tcp_rcv_established}).
     */
    private boolean synChallenge(TcpSock sk, SkBuff skb, boolean inErrs) {
        if (inErrs) {
            tcp.mib.inc(TcpMib.InErrs);
        }
        tcp.ext.inc(TcpExtMib.TCPSYNChallenge);
        challengeAck(sk);
        tcp.net.drop(skb, DropReason.TCP_INVALID_SYN);
        return false;
    }

    /** RFC 7323 §5.5: TS.Recent older than 24 days is invalid ({@code TCP_PAWS_24DAYS}). */
    private static final long PAWS_24DAYS = 24L * 24 * 3600 * 1_000_000_000L;

    /**
     * Whether {@code s}'s TSval passes PAWS with a replay window of {@code win} ticks. Mirrors
     * {@code tcp_paws_check()}: also when TS.Recent is stale or zero (some stacks send TSval 0
     * on SYNs).
     */
    private static boolean pawsCheck(TcpSock sk, TcpInput.Seg s, int win) {
        return sk.tsRecent - s.opts.tsVal <= win || sk.now() - sk.tsRecentStamp >= PAWS_24DAYS || sk.tsRecent == 0;
    }

    /**
     * RFC 7323 §5.3: a segment whose timestamp is older than TS.Recent is an old duplicate.
     * Mirrors {@code tcp_paws_discard()}: one tick of tolerance ({@code TCP_PAWS_WINDOW}), and
     * a duplicate pure ACK that only arrived late ({@code tcp_disordered_ack()}) is let through.
     */
    private static boolean pawsDiscard(TcpSock sk, TcpInput.Seg s) {
        return !pawsCheck(sk, s, 1) && !disorderedAck(sk, s);
    }

    /** Mirrors {@code tcp_disordered_ack()}: a pure duplicate ACK in sequence, within one RTO of TS.Recent. */
    private static boolean disorderedAck(TcpSock sk, TcpInput.Seg s) {
        if ((s.flags & Tcp.ACK) == 0 || s.seq != s.endSeq || s.seq != sk.rcvNxt || s.ack != sk.sndUna) {
            return false;
        }
        int nwin = s.window << sk.sndWscale;
        boolean mayUpdateWindow = s.ack - sk.sndUna > 0 || s.seq - sk.sndWl1 > 0
                || (s.seq == sk.sndWl1 && (nwin > sk.sndWnd || nwin == 0));
        return !mayUpdateWindow && sk.tsRecent - s.opts.tsVal <= (int) (sk.rtoNanos / 1_000_000L * 1024 / 1000);
    }

    /**
     * Takes the segment's TSval as TS.Recent once its ACK was accepted. Mirrors
     * {@code tcp_replace_ts_recent()} (RFC 7323 §4.3: only for a segment at or left of
     * Last.ACK.sent, and not older than TS.Recent).
     */
    static void replaceTsRecent(TcpSock sk, TcpInput.Seg s) {
        if (sk.tsOk && s.opts.hasTimestamps && s.seq - sk.rcvWup <= 0 && pawsCheck(sk, s, 0)) {
            storeTsRecent(sk, s);
        }
    }

    static void storeTsRecent(TcpSock sk, TcpInput.Seg s) {
        sk.tsRecent = s.opts.tsVal;
        sk.tsRecentStamp = sk.now();
    }

    /**
     * An ACK in answer to a suspicious segment (RFC 5961 §7). Mirrors
     * {@code tcp_send_challenge_ack()}: first the socket's own rate limit; then, only when
     * {@code tcp_challenge_ack_limit} is set below INT_MAX (Linux's default since 6.0 is
     * INT_MAX: a shared budget is a side channel), a per-second budget for the namespace drawn
     * at random between half the limit and one and a half times it.
     */
    void challengeAck(TcpSock sk) {
        if (sk.oow().limited(tcp, TcpExtMib.TCPACKSkippedChallenge)) {
            return;
        }
        long limit = tcp.sysctl.challengeAckLimit.get();
        if (limit < Integer.MAX_VALUE) {
            long second = sk.now() / 1_000_000_000L;
            if (second != challengeSecond) {
                if (challengeRandom == null) {
                    challengeRandom = tcp.kernel.random("tcp challenge ack " + tcp.net.name());
                }
                long half = (limit + 1) >> 1;
                challengeSecond = second;
                challengeCount = limit == 0 ? 0 : half + challengeRandom.nextLong(limit);
            }
            if (challengeCount <= 0) {
                return;
            }
            challengeCount--;
        }
        tcp.ext.inc(TcpExtMib.TCPChallengeACK);
        tcp.output.sendAck(sk);
    }

    /** A duplicate ACK for an unacceptable segment, unless rate limited ({@link OowLimit}). */
    private void sendDupAck(TcpSock sk, TcpInput.Seg s, TcpExtMib skipped) {
        if (!sk.oow().limited(tcp, s, skipped)) {
            TcpRcvSack.dupAckDsack(sk, s);   // tcp_send_dupack()
            tcp.output.sendAck(sk);
        }
    }
}
