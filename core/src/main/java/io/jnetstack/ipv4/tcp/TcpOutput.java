package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.NetdevFeatures;
import io.jnetstack.core.SkBuff;
import io.jnetstack.ipv4.Inet;
import io.jnetstack.ipv4.IpOutput;
import io.jnetstack.ipv4.Rtable;
import io.jnetstack.ipv4.offload.TcpOffload;
import io.jnetstack.ipv4.tcp.cong.CaEvent;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Tcp;
import io.jnetstack.wire.TcpOptions;

/**
 * Sending segments. Mirrors {@code net/ipv4/tcp_output.c}: {@code tcp_transmit_skb} builds the
 * header of a queued segment into a fresh buffer and hands it to {@code ip_queue_xmit};
 * {@code tcp_write_xmit} sends what the congestion window, the peer's window and Nagle allow;
 * control segments (ACK, FIN, probes, RST, SYN-ACK) are built here too.
 */
final class TcpOutput {
    /** Room in front of a segment: link, IP and the largest TCP header. */
    static final int MAX_HEADER = IpOutput.LL_RESERVED + Ipv4.MAX_HEADER_LEN + Tcp.MAX_HEADER_LEN;

    private final io.jnetstack.ipv4.tcp.Tcp tcp;
    private final TcpOptions opts = new TcpOptions();

    TcpOutput(io.jnetstack.ipv4.tcp.Tcp tcp) {
        this.tcp = tcp;
    }

    // ================================================================ windows and MSS

    /**
     * The window to advertise. Mirrors {@code tcp_select_window()} / {@code __tcp_select_window()}:
     * the payload the free receive buffer can hold ({@link TcpSock#winFromSpace}, half of it until
     * the peer's segments are measured), rounded down to the receive MSS and the scale unit, never
     * less than what was already offered (RFC 9293 §3.8.6.2.2: do not shrink), scaled. Except
     * that as Linux, in-order data refused for want of memory gets window 0 at once
     * ({@code ICSK_ACK_NOMEM}): the peer then probes until the reader frees memory.
     */
    int selectWindow(TcpSock sk) {
        if (sk.ackNomem) {
            // Out of memory for in-order data: window 0 now, even if that shrinks it.
            sk.rcvWnd = 0;
            sk.rcvWup = sk.rcvNxt;
            return 0;
        }
        int free = sk.winFromSpace(sk.rcvbuf() - sk.rmem());
        free = Math.min(free, sk.windowClamp);
        int mss = Math.max(sk.rcvMss, 1);
        int win;
        if (free < mss && free < sk.windowClamp / 2) {
            win = 0;   // receiver silly window avoidance (RFC 1122 §4.2.3.3)
        } else {
            win = free >= mss ? free - free % mss : free;
        }
        int cur = sk.rcvWup + sk.rcvWnd - sk.rcvNxt;
        if (cur < 0) {
            cur = 0;
        }
        if (sk.wscaleOk) {
            // A new window is rounded down to the scale unit, so the peer can never send more
            // than the free buffer backs (rounded up, a full buffer was overrun by a few bytes
            // and a 64 KiB segment pruned); the edge already offered stays, aligned up.
            int unit = 1 << sk.rcvWscale;
            win = Math.min(win, 65535 << sk.rcvWscale);
            win -= win % unit;
            if (win < cur) {
                win = (cur + unit - 1) / unit * unit;
            }
        } else {
            win = Math.min(Math.max(win, cur), 65535);
        }
        if (win == 0 && sk.rcvWnd != 0) {
            tcp.ext.inc(TcpExtMib.TCPToZeroWindowAdv);
        } else if (win != 0 && sk.rcvWnd == 0) {
            tcp.ext.inc(TcpExtMib.TCPFromZeroWindowAdv);
        }
        sk.rcvWnd = win;
        sk.rcvWup = sk.rcvNxt;
        return sk.wscaleOk ? win >>> sk.rcvWscale : win;
    }

    /** The window field of a SYN or SYN-ACK: never scaled (RFC 7323 §2.2). */
    static int synWindow(int rcvWnd) {
        return Math.min(rcvWnd, 65535);
    }

    /**
     * The send MSS for a path MTU. Mirrors {@code tcp_sync_mss()} / {@code tcp_current_mss()}:
     * MTU minus IP and TCP headers, bounded by the peer's MSS option and TCP_MAXSEG, minus the
     * timestamp option when in use.
     */
    int syncMss(TcpSock sk, int pmtu) {
        int mss = pmtu - Ipv4.HEADER_LEN - Tcp.HEADER_LEN;
        if (sk.rxOptMss > 0) {
            mss = Math.min(mss, sk.rxOptMss);
        }
        if (sk.userMss > 0) {
            mss = Math.min(mss, sk.userMss);
        }
        mss = Math.max(mss, (int) tcp.sysctl.minSndMss.get());
        if (sk.tsOk) {
            mss -= TcpOptions.LEN_TIMESTAMP_ALIGNED;
        }
        sk.mssCache = Math.max(mss, 8);
        return sk.mssCache;
    }

    /** The MSS we advertise: the route's MTU minus 40, or TCP_MAXSEG. */
    static int advMss(int mtu, int userMss) {
        int mss = mtu - Ipv4.HEADER_LEN - Tcp.HEADER_LEN;
        if (userMss > 0) {
            mss = Math.min(mss, userMss);
        }
        return mss;
    }

    // ================================================================ building and sending

    /** The route of a connected socket, looked up again when it went stale. */
    Rtable route(TcpSock sk) {
        Rtable rt = sk.rt;
        if (rt == null || rt.obsolete()) {
            rt = tcp.inet.routing().output(sk.peerAddress(), sk.src(), sk.tosValue(), sk.boundDevice(), sk.markValue());
            sk.rt = rt;
            if (rt != null) {
                int mtu = rt.mtu();
                if (sk.state != TcpState.SYN_SENT && sk.state != TcpState.CLOSE) {
                    syncMss(sk, mtu);
                }
            }
        }
        return rt;
    }

    /**
     * Sends the segment {@code data} (a write-queue buffer holding its payload, seq and flags in
     * its control block) or a bare control segment. Mirrors {@code tcp_transmit_skb()}: a new
     * buffer for the header and options whose payload references the queued bytes, not a copy
     * ({@link TcpTso#attachPayload}; {@code payloadLen} may run on through the buffers after
     * {@code data}), then {@code tcp_v4_send_check()} — a GSO packet of MSS segments when longer
     * than the MSS, the checksum left to the device when it can — and {@code ip_queue_xmit()}.
     *
     * @return 0; a negative errno when no route; {@code NET_XMIT_DROP} when the qdisc dropped
     *         it: it did not leave, as {@code tcp_transmit_skb()} reports it
     */
    int transmit(TcpSock sk, int seq, int flags, SkBuff data, int payloadOff, int payloadLen) {
        Tracer t = tcp.kernel.tracer();
        t.enter(Stage.TCP_TRANSMIT_SKB, data, tcp.net.name(), "");
        try {
            Rtable rt = route(sk);
            if (rt == null) {
                return -io.jnetstack.core.Errno.EHOSTUNREACH.code();
            }
            boolean syn = (flags & Tcp.SYN) != 0;
            opts.clear();
            if (syn) {
                synOptions(sk, opts, sk.state == TcpState.SYN_SENT);
            } else {
                if (sk.tsOk) {
                    opts.timestamps(tsVal(sk), sk.tsRecent);
                }
                if ((flags & Tcp.ACK) != 0) {
                    // RFC 2018 §4; blocks that would push a data segment past the MSS stay for
                    // the next segment (Linux shrinks the segment instead, tcp_current_mss()).
                    int segLen = Math.min(payloadLen, sk.mssCache);   // each GSO segment carries them
                    int room = Math.min(40, sk.mssCache + (sk.tsOk ? TcpOptions.LEN_TIMESTAMP_ALIGNED : 0) - segLen);
                    sk.rxSack.write(sk, opts, room);
                }
            }
            int optLen = opts.length();
            int hl = Tcp.HEADER_LEN + optLen;
            SkBuff skb = tcp.kernel.skbs().alloc(MAX_HEADER, 0);
            if (payloadLen > 0) {
                TcpTso.attachPayload(sk, skb, data, payloadOff, payloadLen);
            }
            // The socket it belongs to (sch_fq's flow) and its earliest departure time: a queued
            // segment's send stamp, else tcp_wstamp_ns as of now.
            skb.sk = sk;
            skb.tstamp = data != null ? data.cb[TcpSock.CB_WHEN] : TcpPacing.departure(sk, sk.now());
            if (payloadLen > 0) {
                TcpPacing.charge(sk, skb);
            }
            skb.traceId = data == null ? 0 : data.traceId;
            skb.traceParent = data == null ? 0 : data.traceParent;
            int off = skb.push(hl);
            byte[] b = skb.buf();
            int win = syn ? synWindow(sk.rcvWnd) : selectWindow(sk);
            int ack = (flags & Tcp.ACK) != 0 ? sk.rcvNxt : 0;
            int urg = urgentPointer(sk, seq, flags);
            if (urg != 0) {
                flags |= Tcp.URG;
            }
            Tcp.writeHeader(b, off, sk.localPort(), sk.peerPort(), seq, ack, hl, flags, win, urg);
            if (optLen > 0) {
                opts.write(b, off + Tcp.HEADER_LEN);
            }
            skb.resetTransportHeader();
            // Payload in fragments is checksummed below TCP (skb_checksum_help() in validate_xmit
            // when the device cannot), as Linux's TCP always leaves CHECKSUM_PARTIAL.
            long features = skb.dataLen() > 0 ? rt.dev.features() | NetdevFeatures.HW_CSUM : rt.dev.features();
            int pcount = TcpOffload.sendCheck(skb, off, skb.len(), sk.src(), sk.peerAddress(), sk.mssCache, features);
            if ((flags & Tcp.ACK) != 0) {
                ackSent(sk);
            }
            if (payloadLen > 0 || (flags & (Tcp.SYN | Tcp.FIN)) != 0) {
                sk.lastSendNanos = sk.now();
            }
            sk.segsOut += pcount;
            sk.dataSegsOut += payloadLen > 0 ? pcount : 0;
            tcp.mib.add(TcpMib.OutSegs, pcount);
            if ((flags & Tcp.RST) != 0) {
                tcp.mib.inc(TcpMib.OutRsts);
            }
            return queueXmit(sk, skb, rt, pcount);
        } finally {
            t.exit();
        }
    }

    /** The SYN options: MSS, SACK-permitted, timestamps, window scale, as sysctls allow. */
    private void synOptions(TcpSock sk, TcpOptions o, boolean active) {
        o.mss = sk.advmss;
        if (active ? tcp.sysctl.sack.get() != 0 : sk.sackOk) {
            o.sackOk = true;
        }
        if (active ? tcp.sysctl.timestamps.get() != 0 : sk.tsOk) {
            o.timestamps(tsVal(sk), active ? 0 : sk.tsRecent);
        }
        if (active ? tcp.sysctl.windowScaling.get() != 0 : sk.wscaleOk) {
            o.wscale = sk.rcvWscale;
        }
    }

    int tsVal(TcpSock sk) {
        return tcp.tsNow() + sk.tsOffset;
    }

    /**
     * Mirrors {@code ip_queue_xmit()}: the IP header (DF for path MTU discovery, the socket's TTL
     * and TOS, an ID from the connection's counter, one per segment of a GSO packet as
     * {@code ip_select_ident_segs()}), then {@code ip_local_out()}.
     */
    private int queueXmit(TcpSock sk, SkBuff skb, Rtable rt, int pcount) {
        Tracer t = tcp.kernel.tracer();
        t.enter(Stage.IP_QUEUE_XMIT, skb, tcp.net.name(), rt.dev.name());
        try {
            int off = skb.push(Ipv4.HEADER_LEN);
            int ttl = sk.ttlFor() > 0 ? sk.ttlFor() : tcp.net.sysctls().entry("net.ipv4.ip_default_ttl").getInt();
            Ipv4.writeHeader(skb.buf(), off, sk.tosValue(), skb.len(), sk.ipId & 0xffff, Ipv4.FLAG_DF, ttl,
                    Ipv4.PROTO_TCP, sk.src(), sk.peerAddress());
            sk.ipId += pcount;
            skb.dst = rt;
            skb.priority = sk.priorityValue();
            skb.mark = sk.markValue();
            int rc = tcp.inet.output().localOut(skb);
            if (rc > 0) {
                // __tcp_transmit_skb(): a local drop (or congestion notice) reduces the window,
                // tcp_enter_cwr(); net_xmit_eval(): with NET_XMIT_CN the packet did leave.
                TcpRecovery.enterCwr(sk);
                return rc == io.jnetstack.core.Qdisc.NET_XMIT_CN ? 0 : rc;
            }
            return rc;
        } finally {
            t.exit();
        }
    }

    /**
     * An ACK left. Mirrors {@code tcp_event_ack_sent()} → {@code tcp_dec_quickack_mode()}: a
     * quick ACK is used up only when data was waiting to be acknowledged, not by every segment
     * that happens to carry the ACK flag.
     */
    private void ackSent(TcpSock sk) {
        if (sk.ackPending && sk.quickAcks > 0) {
            sk.quickAcks--;
        }
        sk.ackPending = false;
        sk.ackNomem = false;
        sk.timers.cancelDelack();
    }

    // ================================================================ the write queue

    /** Sends a queued segment (first transmission or retransmission). */
    int transmitQueued(TcpSock sk, SkBuff skb) {
        return transmitQueued(sk, skb, 1);
    }

    /**
     * Sends {@code n} queued segments from {@code skb} on as one packet (a GSO packet when
     * n &gt; 1, see {@link TcpTso}): the first one's flags, PSH when any carries it, FIN from the
     * last; each segment stamped with the send time and delivery count for RTT and rate samples.
     * A GSO packet always carries PSH (segmentation keeps it on its last segment), as
     * {@code __tcp_transmit_skb()} forces PSH on every skb with {@code tcp_skb_pcount() > 1} to
     * flush GRO at the receiver early. Linux also leaves the flag on that skb, so a later
     * retransmission of its tail carries it; with one MSS per buffer here the flag stays on
     * the packet only.
     */
    int transmitQueued(TcpSock sk, SkBuff skb, int n) {
        int seq = (int) skb.cb[TcpSock.CB_SEQ];
        int flags = (int) skb.cb[TcpSock.CB_FLAGS] & 0xff & ~Tcp.FIN;
        if ((flags & Tcp.SYN) == 0 || sk.state != TcpState.SYN_SENT) {
            flags |= Tcp.ACK;
        }
        if (skb.len() > 0 && sk.packetsInFlight() == 0) {
            sk.ca.cwndEvent(sk, CaEvent.TX_START);   // tcp_event_data_sent()
        }
        // Linux stamps in nanoseconds of a real clock, so no two sends share a stamp; in
        // virtual time a burst does: keep the stamps in sending order, or RACK's tie-break by
        // sequence would take a retransmission sent after new data for the older of the two.
        // The segments of one GSO packet share its stamp, as a TSO skb's do.
        // Paced, the stamp is the earliest departure time (tcp_wstamp_ns), maybe ahead of now:
        // RTT samples then count from when the packet may leave, as Linux's skb_mstamp_ns.
        long priorWstamp = TcpPacing.wstamp(sk);
        long now = TcpPacing.departure(sk, Math.max(sk.now(), sk.lastXmitStamp + 1));
        sk.lastXmitStamp = now;
        int len = 0;
        SkBuff b = skb;
        for (int i = 0; i < n; i++, b = sk.writeQueue.next(b)) {
            b.cb[TcpSock.CB_WHEN] = now;
            b.cb[TcpSock.CB_TX_DELIVERED] = sk.delivered;
            flags |= (int) b.cb[TcpSock.CB_FLAGS] & (i == n - 1 ? Tcp.PSH | Tcp.FIN : Tcp.PSH);
            len += b.len();
        }
        if (n > 1) {
            flags |= Tcp.PSH;
        }
        int rc = transmit(sk, seq, flags, skb, 0, len);
        if (rc == 0) {
            TcpPacing.afterSend(sk, len, priorWstamp);   // tcp_update_skb_after_send()
        }
        return rc;
    }

    /** {@link #writeXmit} as the send path calls it ({@code TCP_NAGLE_PUSH} or not). */
    static final int PUSH_NORMAL = 0;
    /** Nagle off for this call ({@code TCP_NAGLE_OFF}): F-RTO's new data. */
    static final int PUSH_NAGLE_OFF = 1;
    /** One segment even past the congestion window ({@code push_one == 2}): a loss probe. */
    static final int PUSH_LOSS_PROBE = 2;

    boolean writeXmit(TcpSock sk, boolean push) {
        return writeXmit(sk, push, PUSH_NORMAL);
    }

    /**
     * Mirrors {@code tcp_write_xmit()}: from the send head, while the congestion window
     * ({@code tcp_cwnd_test}: packets in flight below cwnd), the peer's window
     * ({@code tcp_snd_wnd_test}) and Nagle ({@code tcp_nagle_test}; TCP_CORK holds partial
     * segments) allow; then PRR counts what went ({@code prr_out}), the loss probe is scheduled
     * and the window's use recorded ({@code tcp_cwnd_validate}).
     *
     * @param push whether the caller asks to push a final partial segment (PSH semantics)
     * @param mode {@link #PUSH_NORMAL}, {@link #PUSH_NAGLE_OFF} or {@link #PUSH_LOSS_PROBE}
     * @return true when something was sent
     */
    boolean writeXmit(TcpSock sk, boolean push, int mode) {
        Tracer t = tcp.kernel.tracer();
        t.enter(Stage.TCP_WRITE_XMIT, sk.sendHead, tcp.net.name(), "");
        try {
            int sent = 0;
            boolean cwndLimited = false;
            slowStartAfterIdleCheck(sk);
            Rtable rt = route(sk);
            int goal = TcpTso.segs(sk, rt == null ? null : rt.dev, sk.mssCache);   // tcp_tso_segs()
            while (sk.sendHead != null) {
                if (TcpPacing.pacingCheck(sk)) {
                    break;   // tcp_pacing_check(): the pacing timer sends it
                }
                SkBuff skb = sk.sendHead;
                int mss = sk.mssCache;
                if (skb.len() > mss) {
                    split(sk, skb, mss);
                }
                int seq = (int) skb.cb[TcpSock.CB_SEQ];
                int end = (int) skb.cb[TcpSock.CB_END_SEQ];
                boolean finalFin = (skb.cb[TcpSock.CB_FLAGS] & Tcp.FIN) != 0 && skb.len() <= mss;
                if (sk.packetsInFlight() >= sk.cwnd && !finalFin) {
                    if (mode != PUSH_LOSS_PROBE || sent > 0) {
                        cwndLimited = true;
                        break;   // tcp_cwnd_test(): not strict about the congestion window for the final FIN
                    }
                }
                if (end - (sk.sndUna + sk.sndWnd) > 0 && !(skb.len() == 0 && (skb.cb[TcpSock.CB_FLAGS] & Tcp.FIN) != 0
                        && seq - (sk.sndUna + sk.sndWnd) <= 0)) {
                    // tcp_mss_split_point(): send what the window takes when Nagle allows a
                    // partial segment (nothing in flight, or TCP_NODELAY).
                    int room = sk.sndUna + sk.sndWnd - seq;
                    if (room <= 0 || skb.len() <= room || !(sk.packetsOut == 0 || sk.nodelay)) {
                        break;
                    }
                    split(sk, skb, room);
                    end = (int) skb.cb[TcpSock.CB_END_SEQ];
                }
                boolean last = sk.writeQueue.next(skb) == null;
                if (last && mode == PUSH_NORMAL && !nagleTest(sk, skb, mss, push)) {
                    break;
                }
                int defer = mode == PUSH_NORMAL ? TcpTso.shouldDefer(sk, skb, goal, mss) : TcpTso.SEND_NOW;
                if (defer != TcpTso.SEND_NOW) {
                    cwndLimited |= defer == TcpTso.DEFER_CWND_LIMITED;
                    break;
                }
                // tcp_cwnd_test(): one packet takes at most half the congestion window, so at
                // least two GSO packets are in flight.
                int quota = Math.min(goal, Math.max(sk.cwnd >> 1, 1));
                int n = mode == PUSH_LOSS_PROBE ? 1 : TcpTso.burstEnd(sk, skb, quota, mss, mode == PUSH_NORMAL, push);
                if (TcpPacing.smallQueueCheck(sk, skb, n) || transmitQueued(sk, skb, n) != 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    SkBuff done = sk.sendHead;
                    if (done.len() < mss) {
                        sk.sndSml = (int) done.cb[TcpSock.CB_END_SEQ];   // tcp_minshall_update()
                    }
                    newDataSent(sk, done);
                    sent++;
                }
                if (mode == PUSH_LOSS_PROBE) {
                    break;
                }
            }
            if (sent > 0) {
                if (TcpRecovery.inCwndReduction(sk)) {
                    sk.prrOut += sent;
                }
                if (mode != PUSH_LOSS_PROBE) {
                    sk.rack.scheduleLossProbe(sk, false);   // one probe per tail loss episode
                }
            }
            cwndLimited |= sk.packetsInFlight() >= sk.cwnd;
            if (sent > 0 || cwndLimited) {
                cwndValidate(sk, cwndLimited);
            }
            if (sent == 0 && sk.sendHead != null && sk.packetsOut == 0) {
                // tcp_check_probe_timer(): the window is too small or zero, TCP_CORK, MSG_MORE
                sk.timers.armProbe();
            }
            return sent > 0;
        } finally {
            t.exit();
        }
    }

    /**
     * A segment left the send head. Mirrors {@code tcp_event_new_data_sent()}: SND.NXT and
     * packets_out advance; the RTO starts with the first segment in flight, or replaces a
     * pending loss probe (which {@code tcp_schedule_loss_probe} then sets again).
     */
    private void newDataSent(TcpSock sk, SkBuff skb) {
        int prior = sk.packetsOut;
        sk.sendHead = sk.writeQueue.next(skb);
        int end = (int) skb.cb[TcpSock.CB_END_SEQ];
        if (end - sk.sndNxt > 0) {
            sk.sndNxt = end;
        }
        sk.packetsOut++;
        if (skb.len() > 0) {
            tcp.ext.inc(TcpExtMib.TCPOrigDataSent);
        }
        if (prior == 0 || sk.timers.pending() == TcpTimers.TIME_LOSS_PROBE) {
            TcpRecovery.rearmRto(sk);
        }
    }

    /**
     * Records how much of the window this round used. Mirrors {@code tcp_cwnd_validate()}
     * without RFC 2861's decay of an application-limited window.
     */
    private static void cwndValidate(TcpSock sk, boolean limited) {
        if (sk.sndUna - sk.cwndUsageSeq >= 0 || limited || (!sk.cwndLimited && sk.packetsOut > sk.maxPacketsOut)) {
            sk.cwndLimited = limited;
            sk.maxPacketsOut = sk.packetsOut;
            sk.cwndUsageSeq = sk.sndNxt;
        }
    }

    /** Whether the peer's window takes the next segment of {@code skb} ({@code tcp_snd_wnd_test()}). */
    static boolean sndWndTest(TcpSock sk, SkBuff skb) {
        int end = (int) skb.cb[TcpSock.CB_END_SEQ];
        if (skb.len() > sk.mssCache) {
            end = (int) skb.cb[TcpSock.CB_SEQ] + sk.mssCache;
        }
        return end - (sk.sndUna + sk.sndWnd) <= 0;
    }

    /**
     * Restarts the window after the connection sat idle longer than the RTO (RFC 5681 §4.1):
     * halved per RTO idle, down to the initial window. Mirrors
     * {@code tcp_slow_start_after_idle_check()} → {@code tcp_cwnd_restart()}; called as a new
     * buffer joins the write queue ({@code tcp_skb_entail()}) and again as queued data is sent
     * with nothing in flight, so data that waited behind a zero window longer than the RTO also
     * starts on a restarted window, as Linux does (packetdrill slow-start-after-win-update).
     */
    void slowStartAfterIdleCheck(TcpSock sk) {
        if (tcp.sysctl.slowStartAfterIdle.get() == 0 || sk.packetsOut != 0 || sk.lastSendNanos == 0) {
            return;
        }
        long delta = sk.now() - sk.lastSendNanos;
        long rto = TcpTimers.currentRto(sk);
        if (delta <= rto) {
            return;
        }
        sk.ca.cwndEvent(sk, CaEvent.CWND_RESTART);
        sk.ssthresh = TcpRecovery.currentSsthresh(sk);
        int restart = Math.min(TcpTimers.INIT_CWND, sk.cwnd);
        int cwnd = sk.cwnd;
        while ((delta -= rto) > 0 && cwnd > restart) {
            cwnd >>= 1;
        }
        sk.cwnd(Math.max(cwnd, restart));
    }

    /**
     * Whether the last queued segment may go now. Mirrors {@code tcp_nagle_test()}: urgent data
     * and the FIN always go; a partial segment waits under TCP_CORK or MSG_MORE ({@code push}
     * false), and otherwise, unless TCP_NODELAY, while a partial segment sent earlier is not
     * acknowledged — Nagle (RFC 896, RFC 1122 §4.2.3.4) in Minshall's variant
     * ({@code tcp_minshall_check()}), so a write ending in a partial segment goes out whole.
     */
    static boolean nagleTest(TcpSock sk, SkBuff skb, int mss, boolean push) {
        if (urgentMode(sk) || (skb.cb[TcpSock.CB_FLAGS] & Tcp.FIN) != 0 || skb.len() >= mss) {
            return true;
        }
        if (sk.corked || !push) {
            return false;
        }
        return sk.nodelay || sk.packetsOut == 0 || !(sk.sndSml - sk.sndUna > 0 && sk.sndSml - sk.sndNxt <= 0);
    }

    /**
     * The urgent pointer of a segment starting at {@code seq}, 0 for none. Mirrors the URG part
     * of {@code __tcp_transmit_skb()}: SND.UP - SEG.SEQ while that fits 16 bits; a mark further
     * ahead is announced with 0xFFFF once SND.NXT is within 64 KiB of the segment (RFC 6093 §4:
     * the pointer cannot reach it yet).
     */
    private static int urgentPointer(TcpSock sk, int seq, int flags) {
        if (!urgentMode(sk) || (flags & Tcp.SYN) != 0 || sk.sndUp - seq <= 0) {
            return 0;
        }
        if (sk.sndUp - seq <= 0xFFFF) {
            return sk.sndUp - seq;
        }
        return seq + 0xFFFF - sk.sndNxt > 0 ? 0xFFFF : 0;
    }

    /** Urgent data is unacknowledged ({@code tcp_urg_mode()}: SND.UP after SND.UNA). */
    static boolean urgentMode(TcpSock sk) {
        return sk.urgPending && sk.sndUp - sk.sndUna > 0;
    }

    /** Splits a queued segment at {@code mss}. Mirrors {@code tcp_fragment()}. */
    void split(TcpSock sk, SkBuff skb, int mss) {
        int len = skb.len();
        SkBuff tail = tcp.kernel.skbs().alloc(MAX_HEADER, len - mss);
        int at = tail.put(len - mss);
        skb.copyBits(mss, tail.buf(), at, len - mss);
        skb.trim(mss);
        int seq = (int) skb.cb[TcpSock.CB_SEQ];
        long flags = skb.cb[TcpSock.CB_FLAGS];
        tail.cb[TcpSock.CB_SEQ] = seq + mss;
        tail.cb[TcpSock.CB_END_SEQ] = skb.cb[TcpSock.CB_END_SEQ];
        tail.cb[TcpSock.CB_FLAGS] = flags & (Tcp.FIN | Tcp.PSH | TcpSock.CB_F_EOR) | TcpSock.CB_F_RUN;
        tail.cb[TcpSock.CB_WHEN] = skb.cb[TcpSock.CB_WHEN];
        tail.cb[TcpSock.CB_SACKED] = skb.cb[TcpSock.CB_SACKED];
        tail.cb[TcpSock.CB_TX_DELIVERED] = skb.cb[TcpSock.CB_TX_DELIVERED];
        skb.cb[TcpSock.CB_END_SEQ] = seq + mss;
        skb.cb[TcpSock.CB_FLAGS] = flags & ~(Tcp.FIN | Tcp.PSH | TcpSock.CB_F_EOR);
        // tcp_fragment(): the bytes moved take their share of the charge with them
        // (buff->truesize += nlen, skb->truesize -= nlen); the queue's total is unchanged.
        long moved = Math.min(len - mss, skb.cb[TcpSock.CB_TRUESIZE]);
        skb.cb[TcpSock.CB_TRUESIZE] -= moved;
        tail.cb[TcpSock.CB_TRUESIZE] = moved;
        SkBuff next = sk.writeQueue.next(skb);
        if (next == null) {
            sk.writeQueue.addLast(tail);
        } else {
            sk.writeQueue.insertBefore(next, tail);
        }
    }

    /** Mirrors {@code __tcp_push_pending_frames()} / {@code tcp_push()}. */
    void pushPending(TcpSock sk) {
        Tracer t = tcp.kernel.tracer();
        t.enter(Stage.__TCP_PUSH_PENDING_FRAMES, sk.sendHead, tcp.net.name(), "");
        try {
            if (sk.sendHead != null && sk.state != TcpState.SYN_SENT && sk.state != TcpState.CLOSE) {
                writeXmit(sk, true);
            }
        } finally {
            t.exit();
        }
    }

    /**
     * Cuts a segment already sent at {@code len}: the new piece counts as a packet in every
     * counter its scoreboard bits belong to. Mirrors {@code tcp_fragment()} in the
     * retransmission queue ({@code TCP_FRAG_IN_RTX_QUEUE}, {@code tcp_adjust_pcount()}).
     */
    void fragmentSent(TcpSock sk, SkBuff skb, int len) {
        split(sk, skb, len);
        int sacked = TcpSack.sacked(skb);
        sk.packetsOut++;
        if ((sacked & TcpSock.SACKED_ACKED) != 0) {
            sk.sackedOut++;
        }
        if ((sacked & TcpSock.SACKED_LOST) != 0) {
            sk.lostOut++;
        }
        if ((sacked & TcpSock.SACKED_RETRANS) != 0) {
            sk.retransOut++;
        }
    }

    /**
     * Retransmits one segment. Mirrors {@code tcp_retransmit_skb()} / {@code __tcp_retransmit_skb()}:
     * not beyond the peer's window unless it is the head; cut to the MSS; counted
     * (RetransSegs, {@code total_retrans}) and marked {@code EVER_RETRANS} for Karn. A loss
     * probe ({@code probe}) is not a retransmission of a lost segment: it is not counted in
     * retrans_out nor undo_retrans and does not start the retransmission clock.
     *
     * @return 0 when it went out, else a negative errno
     */
    int retransmitSkb(TcpSock sk, SkBuff skb, boolean probe) {
        int seq = (int) skb.cb[TcpSock.CB_SEQ];
        if (seq - (sk.sndUna + sk.sndWnd) >= 0 && seq != sk.sndUna) {
            return -io.jnetstack.core.Errno.EAGAIN.code();
        }
        if (skb.len() > sk.mssCache) {
            fragmentSent(sk, skb, sk.mssCache);
        }
        int rc = transmitQueued(sk, skb);
        if (rc == 0) {
            int sacked = TcpSack.sacked(skb);
            sk.totalRetrans++;
            tcp.mib.inc(TcpMib.RetransSegs);
            if (!probe && (sacked & TcpSock.SACKED_RETRANS) == 0) {
                sk.retransOut++;
                sacked |= TcpSock.SACKED_RETRANS;
            }
            skb.cb[TcpSock.CB_SACKED] = sacked | TcpSock.EVER_RETRANS;
        } else {
            tcp.ext.inc(TcpExtMib.TCPRetransFail);
        }
        if (!probe) {
            if (sk.retransStamp == 0) {
                sk.retransStamp = sk.now();
            }
            if (sk.undoRetrans < 0) {
                sk.undoRetrans = 0;
            }
            sk.undoRetrans++;
        }
        return rc;
    }

    /**
     * Retransmits the segments marked lost, oldest first, while packets in flight stay below
     * cwnd (RFC 6675 §5 step (C), RFC 6937: PRR counts them in prr_out). Mirrors
     * {@code tcp_xmit_retransmit_queue()}; the RTO restarts when the head went again.
     */
    void xmitRetransmitQueue(TcpSock sk) {
        if (sk.packetsOut == 0) {
            return;
        }
        SkBuff head = sk.writeQueue.peek();
        boolean rearm = false;
        for (SkBuff skb = head; skb != null && skb != sk.sendHead; skb = sk.writeQueue.next(skb)) {
            if (sk.cwnd - sk.packetsInFlight() <= 0 || sk.retransOut >= sk.lostOut || TcpPacing.pacingCheck(sk)) {
                break;
            }
            int sacked = TcpSack.sacked(skb);
            if ((sacked & TcpSock.SACKED_LOST) == 0
                    || (sacked & (TcpSock.SACKED_ACKED | TcpSock.SACKED_RETRANS)) != 0) {
                continue;
            }
            if (retransmitSkb(sk, skb, false) != 0) {
                break;
            }
            tcp.ext.inc(sk.caState != io.jnetstack.ipv4.tcp.cong.CongestionState.CA_LOSS
                    ? TcpExtMib.TCPFastRetrans : TcpExtMib.TCPSlowStartRetrans);
            if (TcpRecovery.inCwndReduction(sk)) {
                sk.prrOut++;
            }
            if (skb == head && sk.timers.pending() != TcpTimers.TIME_REO_TIMEOUT) {
                rearm = true;
            }
        }
        if (rearm) {
            sk.timers.resetXmit(TcpTimers.TIME_RETRANS, TcpTimers.currentRto(sk));
        }
    }

    /** The handshake's SYN (or our SYN-ACK of a simultaneous open) goes again on its timeout. */
    void retransmitSyn(TcpSock sk) {
        SkBuff syn = sk.writeQueue.peek();
        if (syn == null) {
            return;
        }
        if (sk.state == TcpState.SYN_SENT) {
            syn.cb[TcpSock.CB_SACKED] |= TcpSock.EVER_RETRANS;
            sk.totalRetrans++;
        }
        transmitQueued(sk, syn);
        tcp.mib.inc(TcpMib.RetransSegs);
    }

    /**
     * After the path MTU fell (RFC 1191): segments longer than the new MSS are lost and go
     * again, cut to it, without a congestion response, since nothing was lost to congestion.
     * Mirrors {@code tcp_simple_retransmit()}: the Loss state with ssthresh kept and no undo.
     */
    void simpleRetransmit(TcpSock sk) {
        SkBuff head = sk.writeQueue.peek();
        if (head == null || head == sk.sendHead || sk.state == TcpState.SYN_SENT) {
            return;
        }
        int mss = sk.mssCache;
        for (SkBuff skb = head; skb != null && skb != sk.sendHead; skb = sk.writeQueue.next(skb)) {
            if (skb.len() > mss) {
                TcpSack.markLost(sk, skb);
            }
        }
        if (sk.lostOut == 0) {
            return;
        }
        if (!TcpSack.isSack(sk)) {
            TcpSack.limitRenoSacked(sk);
        }
        if (sk.caState != io.jnetstack.ipv4.tcp.cong.CongestionState.CA_LOSS) {
            sk.highSeq = sk.sndNxt;
            sk.ssthresh = TcpRecovery.currentSsthresh(sk);
            sk.priorSsthresh = 0;
            sk.undoOn = false;
            TcpRecovery.setCaState(sk, io.jnetstack.ipv4.tcp.cong.CongestionState.CA_LOSS);
        }
        xmitRetransmitQueue(sk);
    }

    // ================================================================ control segments

    /** Sends an ACK now. Mirrors {@code tcp_send_ack()}. */
    void sendAck(TcpSock sk) {
        if (sk.state == TcpState.CLOSE || sk.state == TcpState.LISTEN || sk.state == TcpState.SYN_SENT) {
            return;
        }
        transmit(sk, sk.sndNxt, Tcp.ACK, null, 0, 0);
    }

    /**
     * A window or keepalive probe: a segment one below SND.UNA, which the peer answers with an
     * ACK. Mirrors {@code tcp_xmit_probe_skb()}.
     */
    int sendProbe(TcpSock sk) {
        return transmit(sk, sk.sndUna - 1, Tcp.ACK, null, 0, 0);
    }

    /**
     * Mirrors {@code tcp_write_wakeup()}: with data and some window, send new data; otherwise a
     * zero-window probe.
     *
     * @return what {@link #transmit} returned: positive when the qdisc dropped it
     */
    int writeWakeup(TcpSock sk) {
        SkBuff skb = sk.sendHead;
        if (skb != null && sk.sndWnd > 0) {
            int room = Math.min(sk.sndUna + sk.sndWnd - (int) skb.cb[TcpSock.CB_SEQ], sk.mssCache);
            if (room > 0) {
                if (skb.len() > room) {
                    split(sk, skb, room);
                }
                skb.cb[TcpSock.CB_FLAGS] |= Tcp.PSH;
                int rc = transmitQueued(sk, skb);
                if (rc == 0) {
                    newDataSent(sk, skb);
                }
                return rc;
            }
        }
        tcp.ext.inc(TcpExtMib.TCPWinProbe);
        return sendProbe(sk);
    }

    /** Queues a FIN after the data and sends it when it may go. Mirrors {@code tcp_send_fin()}. */
    void sendFin(TcpSock sk) {
        SkBuff tail = sk.writeQueue.peekLast();
        if (tail != null && tail == lastUnsent(sk)) {
            tail.cb[TcpSock.CB_FLAGS] |= Tcp.FIN;
            tail.cb[TcpSock.CB_END_SEQ] = (int) tail.cb[TcpSock.CB_END_SEQ] + 1;
        } else {
            SkBuff fin = tcp.kernel.skbs().alloc(MAX_HEADER, 0);
            fin.cb[TcpSock.CB_SEQ] = sk.writeSeq;
            fin.cb[TcpSock.CB_END_SEQ] = sk.writeSeq + 1;
            fin.cb[TcpSock.CB_FLAGS] = Tcp.FIN;
            tcp.mem.forceSchedule(sk, fin.truesize());   // tcp_send_fin: a FIN is never refused
            sk.chargeW(fin);
            sk.writeQueue.addLast(fin);
            if (sk.sendHead == null) {
                sk.sendHead = fin;
            }
        }
        sk.writeSeq++;
        sk.finSent = true;
        pushPending(sk);
    }

    private SkBuff lastUnsent(TcpSock sk) {
        SkBuff h = sk.sendHead;
        if (h == null) {
            return null;
        }
        return sk.writeQueue.peekLast();
    }

    /** Sends RST|ACK for an abort. Mirrors {@code tcp_send_active_reset()}. */
    void sendActiveReset(TcpSock sk) {
        if (sk.state == TcpState.CLOSE || sk.state == TcpState.LISTEN || sk.peerAddress() == 0) {
            return;
        }
        transmit(sk, sk.sndNxt, Tcp.RST | Tcp.ACK, null, 0, 0);
    }

    /** Sends our SYN (the queued one). Mirrors the send in {@code tcp_connect()}. */
    void sendSyn(TcpSock sk) {
        Tracer t = tcp.kernel.tracer();
        SkBuff syn = sk.writeQueue.peek();
        t.enter(Stage.TCP_CONNECT, syn, tcp.net.name(), "");
        try {
            transmitQueued(sk, syn);
            sk.sendHead = null;
            sk.sndNxt = sk.iss + 1;
            sk.packetsOut = 1;
            sk.timers.armRtx();
        } finally {
            t.exit();
        }
    }

    // ================================================================ without a full socket

    /**
     * Answers a segment nobody wants with RST. Mirrors {@code tcp_v4_send_reset()} (RFC 9293
     * §3.10.7.1): ACK set → RST with SEQ=SEG.ACK; else RST|ACK with ACK=SEG.SEQ+SEG.LEN.
     * Never in answer to a RST, nor to broadcast or multicast.
     */
    void sendReset(SkBuff in) {
        Tracer t = tcp.kernel.tracer();
        t.enter(Stage.TCP_V4_SEND_RESET, in, tcp.net.name(), in.dev == null ? "" : in.dev.name());
        try {
            byte[] b = in.buf();
            int off = in.data();
            int flags = Tcp.flags(b, off);
            if ((flags & Tcp.RST) != 0) {
                return;
            }
            int nh = in.networkHeader();
            int saddr = Ipv4.src(b, nh);
            int daddr = Ipv4.dst(b, nh);
            if (io.jnetstack.wire.Ipv4Address.isMulticast(daddr) || io.jnetstack.wire.Ipv4Address.isLbcast(daddr)) {
                return;
            }
            int seq;
            int ack;
            int outFlags;
            if ((flags & Tcp.ACK) != 0) {
                seq = Tcp.ack(b, off);
                ack = 0;
                outFlags = Tcp.RST;
            } else {
                seq = 0;
                ack = Tcp.seq(b, off) + Tcp.segmentSeqLength(b, off, in.len());
                outFlags = Tcp.RST | Tcp.ACK;
            }
            reply(daddr, Tcp.dstPort(b, off), saddr, Tcp.srcPort(b, off), seq, ack, outFlags, 0, null, in);
            tcp.mib.inc(TcpMib.OutRsts);
        } finally {
            t.exit();
        }
    }

    /**
     * An ACK (or RST) with no full socket behind it: time-wait and request socks. Mirrors
     * {@code tcp_v4_send_ack()} → {@code ip_send_unicast_reply()}.
     */
    void reply(int src, int sport, int dst, int dport, int seq, int ack, int flags, int win, TcpOptions o, SkBuff about) {
        Tracer t = tcp.kernel.tracer();
        t.enter(Stage.IP_SEND_UNICAST_REPLY, about, tcp.net.name(), "");
        try {
            Rtable rt = tcp.inet.routing().output(dst, src, 0, null, 0);
            if (rt == null) {
                return;
            }
            int optLen = o == null ? 0 : o.length();
            int hl = Tcp.HEADER_LEN + optLen;
            SkBuff skb = tcp.kernel.skbs().alloc(MAX_HEADER, 0);
            skb.traceParent = about == null ? 0 : about.traceId;
            int off = skb.push(hl);
            byte[] b = skb.buf();
            Tcp.writeHeader(b, off, sport, dport, seq, ack, hl, flags, win, 0);
            if (optLen > 0) {
                o.write(b, off + Tcp.HEADER_LEN);
            }
            skb.resetTransportHeader();
            Tcp.fillChecksum(b, off, skb.len(), src, dst);
            int ipOff = skb.push(Ipv4.HEADER_LEN);
            Ipv4.writeHeader(b, ipOff, 0, skb.len(), 0, Ipv4.FLAG_DF,
                    tcp.net.sysctls().entry("net.ipv4.ip_default_ttl").getInt(), Ipv4.PROTO_TCP, src, dst);
            skb.dst = rt;
            tcp.mib.inc(TcpMib.OutSegs);
            tcp.inet.output().localOut(skb);
        } finally {
            t.exit();
        }
    }

    /**
     * Sends the SYN-ACK of a request sock. Mirrors {@code tcp_v4_send_synack()} →
     * {@code ip_build_and_send_pkt()}.
     */
    void sendSynAck(RequestSock req, SkBuff about) {
        Tracer t = tcp.kernel.tracer();
        t.enter(Stage.TCP_V4_SEND_SYNACK, about, tcp.net.name(), "");
        try {
            Rtable rt = tcp.inet.routing().output(req.raddr, req.laddr, 0, null, 0);
            if (rt == null) {
                return;
            }
            TcpOptions o = opts.clear();
            o.mss = req.mss;
            o.sackOk = req.sackOk;
            if (req.tsOk) {
                int now = req.cookie ? SynCookies.initTimestamp(tcp.tsNow(), req.wscaleOk, req.sndWscale, req.sackOk) : tcp.tsNow();
                o.timestamps(now + req.tsOffset, req.tsRecent);
            }
            if (req.wscaleOk) {
                o.wscale = req.rcvWscale;
            }
            int hl = Tcp.HEADER_LEN + o.length();
            SkBuff skb = tcp.kernel.skbs().alloc(MAX_HEADER, 0);
            skb.traceParent = about == null ? 0 : about.traceId;
            int off = skb.push(hl);
            byte[] b = skb.buf();
            Tcp.writeHeader(b, off, req.lport, req.rport, req.iss, req.irs + 1, hl, Tcp.SYN | Tcp.ACK, synWindow(req.rcvWnd), 0);
            o.write(b, off + Tcp.HEADER_LEN);
            skb.resetTransportHeader();
            Tcp.fillChecksum(b, off, skb.len(), req.laddr, req.raddr);
            t.enter(Stage.IP_BUILD_AND_SEND_PKT, skb, tcp.net.name(), rt.dev.name());
            try {
                int ipOff = skb.push(Ipv4.HEADER_LEN);
                Ipv4.writeHeader(b, ipOff, 0, skb.len(), 0, Ipv4.FLAG_DF,
                        tcp.net.sysctls().entry("net.ipv4.ip_default_ttl").getInt(), Ipv4.PROTO_TCP, req.laddr, req.raddr);
                skb.dst = rt;
                tcp.mib.inc(TcpMib.OutSegs);
                tcp.inet.output().localOut(skb);
            } finally {
                t.exit();
            }
        } finally {
            t.exit();
        }
    }
}

