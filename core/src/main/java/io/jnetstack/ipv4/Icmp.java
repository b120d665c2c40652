package io.jnetstack.ipv4;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.PktType;
import io.jnetstack.core.SkBuff;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Address;

import java.util.HashMap;
import java.util.Map;

/**
 * ICMP (RFC 792, RFC 1122 §3.2.2). Mirrors {@code net/ipv4/icmp.c}: {@code icmp_rcv} with its
 * per-type handlers ({@code icmp_echo}, {@code icmp_unreach}, {@code icmp_redirect},
 * {@code icmp_timestamp}, {@code icmp_discard}), and {@code icmp_send} for errors, which never
 * answers an ICMP error, a broadcast or multicast, a non-first fragment, or a source that does
 * not name one host, and is rate-limited globally ({@code icmp_msgs_per_sec}/{@code burst}) and
 * per destination ({@code icmp_ratelimit} for the types in {@code icmp_ratemask}).
 */
public final class Icmp implements InetProtocol {
    /** The {@code cb} word where {@link InetProtocol#error} finds the ICMP sender's address. */
    public static final int ERROR_CB_OFFENDER = 0;
    /**
     * A hook for echo replies by identifier, beside the sockets: the demo uses it. Programs
     * should use an ICMP ping socket ({@code SOCK_DGRAM}, {@code IPPROTO_ICMP}) or a raw one.
     */
    @FunctionalInterface
    public interface EchoReplyListener {
        /** An echo reply with {@code id} arrived; the buffer (data at the ICMP header) is lent. */
        void reply(int src, int id, int seq, int ttl, SkBuff skb);

        /**
         * An ICMP error about one of our echo requests arrived (time exceeded, unreachable,
         * fragmentation needed), as {@code ping_err()} reports it to a ping socket.
         *
         * @param from who sent the error
         * @param info the next-hop MTU for fragmentation needed, else 0
         */
        default void error(int from, int id, int seq, int type, int code, int info) {
        }
    }

    /** ICMP errors quote at most this much of the offending datagram (RFC 1812 §4.3.2.3: 576). */
    static final int MAX_ERROR_SIZE = 576;
    private static final int XRLIM_BURST_FACTOR = 6;

    private final Inet inet;
    private final Map<Integer, EchoReplyListener> echoListeners = new HashMap<>();
    private PingHandler ping;
    private final Map<Integer, long[]> peers = new HashMap<>();
    private long globalCredit = -1;
    private long globalStamp;

    Icmp(Inet inet) {
        this.inet = inet;
    }

    /** Receives echo replies with identifier {@code id}; null removes. */
    public void setEchoListener(int id, EchoReplyListener l) {
        if (l == null) {
            echoListeners.remove(id & 0xffff);
        } else {
            echoListeners.put(id & 0xffff, l);
        }
    }

    /** How many echo listeners (running pings) are registered. */
    public int echoListenerCount() {
        return echoListeners.size();
    }

    /** Installs the ping sockets: echo replies and errors about echo requests go to them. */
    public void setPingHandler(PingHandler handler) {
        this.ping = handler;
    }

    // ================================================================ receive

    /** Mirrors {@code icmp_rcv()}: checksum, counters, dispatch by type. */
    @Override
    public void handle(SkBuff skb) {
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.ICMP_RCV, skb, inet.net.name(), skb.dev == null ? "" : skb.dev.name());
        try {
            rcv(skb);
        } finally {
            t.exit();
        }
    }

    private void rcv(SkBuff skb) {
        inet.icmpMib.inc(IcmpMib.InMsgs);
        int len = skb.len();
        if (len < io.jnetstack.wire.Icmp.HEADER_LEN || !skb.mayPull(len)) {
            inet.icmpMib.inc(IcmpMib.InErrors);
            inet.net.drop(skb, DropReason.PKT_TOO_SMALL);
            return;
        }
        byte[] b = skb.buf();
        int off = skb.data();
        if (!io.jnetstack.wire.Icmp.checksumOk(b, off, len)) {
            inet.icmpMib.inc(IcmpMib.InCsumErrors);
            inet.icmpMib.inc(IcmpMib.InErrors);
            inet.net.drop(skb, DropReason.ICMP_CSUM);
            return;
        }
        int type = b[off] & 0xff;
        inet.icmpMsg.in(type);
        Rtable rt = (Rtable) skb.dst;
        if (rt != null && (rt.flags() & (Rtable.RTCF_BROADCAST | Rtable.RTCF_MULTICAST)) != 0) {
            // RFC 1122 §3.2.2.6: echo to broadcast may be ignored; only echo and timestamp are answered.
            if ((type == io.jnetstack.wire.Icmp.ECHO && inet.icmpEchoIgnoreBroadcasts.get() != 0)
                    || (type != io.jnetstack.wire.Icmp.ECHO && type != io.jnetstack.wire.Icmp.TIMESTAMP
                    && type != io.jnetstack.wire.Icmp.ECHOREPLY)) {
                inet.net.drop(skb, DropReason.ICMP_DISCARD);
                return;
            }
        }
        switch (type) {
            case io.jnetstack.wire.Icmp.ECHO -> echo(skb);
            case io.jnetstack.wire.Icmp.ECHOREPLY -> echoReply(skb);
            case io.jnetstack.wire.Icmp.DEST_UNREACH, io.jnetstack.wire.Icmp.TIME_EXCEEDED,
                 io.jnetstack.wire.Icmp.PARAMETERPROB, io.jnetstack.wire.Icmp.SOURCE_QUENCH -> unreach(skb, type);
            case io.jnetstack.wire.Icmp.REDIRECT -> redirect(skb);
            case io.jnetstack.wire.Icmp.TIMESTAMP -> timestamp(skb);
            default -> {
                countIn(type);
                inet.kernel.tracer().point(Stage.ICMP_DISCARD, skb, inet.net.name(), "", "");
                inet.net.drop(skb, DropReason.ICMP_DISCARD);
            }
        }
    }

    private void countIn(int type) {
        switch (type) {
            case io.jnetstack.wire.Icmp.ECHOREPLY -> inet.icmpMib.inc(IcmpMib.InEchoReps);
            case io.jnetstack.wire.Icmp.DEST_UNREACH -> inet.icmpMib.inc(IcmpMib.InDestUnreachs);
            case io.jnetstack.wire.Icmp.SOURCE_QUENCH -> inet.icmpMib.inc(IcmpMib.InSrcQuenchs);
            case io.jnetstack.wire.Icmp.REDIRECT -> inet.icmpMib.inc(IcmpMib.InRedirects);
            case io.jnetstack.wire.Icmp.ECHO -> inet.icmpMib.inc(IcmpMib.InEchos);
            case io.jnetstack.wire.Icmp.TIME_EXCEEDED -> inet.icmpMib.inc(IcmpMib.InTimeExcds);
            case io.jnetstack.wire.Icmp.PARAMETERPROB -> inet.icmpMib.inc(IcmpMib.InParmProbs);
            case io.jnetstack.wire.Icmp.TIMESTAMP -> inet.icmpMib.inc(IcmpMib.InTimestamps);
            case io.jnetstack.wire.Icmp.TIMESTAMPREPLY -> inet.icmpMib.inc(IcmpMib.InTimestampReps);
            case 17 -> inet.icmpMib.inc(IcmpMib.InAddrMasks);
            case 18 -> inet.icmpMib.inc(IcmpMib.InAddrMaskReps);
            default -> {
            }
        }
    }

    /** Mirrors {@code icmp_echo()}: answer with the same identifier, sequence and data (RFC 792). */
    private void echo(SkBuff skb) {
        inet.kernel.tracer().point(Stage.ICMP_ECHO, skb, inet.net.name(), skb.dev == null ? "" : skb.dev.name(), "");
        countIn(io.jnetstack.wire.Icmp.ECHO);
        if (inet.icmpEchoIgnoreAll.get() != 0) {
            inet.net.drop(skb, DropReason.ICMP_DISCARD);
            return;
        }
        reply(skb, io.jnetstack.wire.Icmp.ECHOREPLY, skb.len(), null);
        skb.free();
    }

    /**
     * An echo reply: to the echo listener of its identifier, then to the ping socket of that
     * identifier ({@code ping_rcv}); one nobody asked for is dropped (NO_SOCKET).
     */
    private void echoReply(SkBuff skb) {
        countIn(io.jnetstack.wire.Icmp.ECHOREPLY);
        byte[] b = skb.buf();
        int off = skb.data();
        int id = io.jnetstack.wire.Icmp.echoId(b, off);
        EchoReplyListener l = echoListeners.get(id);
        if (l != null) {
            int nh = skb.networkHeader();
            l.reply(Ipv4.src(b, nh), id, io.jnetstack.wire.Icmp.echoSeq(b, off), Ipv4.ttl(b, nh), skb);
        }
        if (ping != null && ping.rcv(skb)) {
            return;
        }
        if (l != null) {
            skb.free();
        } else {
            inet.net.drop(skb, DropReason.NO_SOCKET);
        }
    }

    /** Mirrors {@code icmp_timestamp()}: RFC 792 times in ms since midnight UT, from the stack clock. */
    private void timestamp(SkBuff skb) {
        inet.kernel.tracer().point(Stage.ICMP_TIMESTAMP, skb, inet.net.name(), "", "");
        countIn(io.jnetstack.wire.Icmp.TIMESTAMP);
        if (skb.len() < 20) {
            inet.icmpMib.inc(IcmpMib.InErrors);
            inet.net.drop(skb, DropReason.PKT_TOO_SMALL);
            return;
        }
        int ms = (int) (inet.kernel.clock().realtimeMillis() % 86_400_000L);
        reply(skb, io.jnetstack.wire.Icmp.TIMESTAMPREPLY, 20, ms);
        skb.free();
    }

    /**
     * Destination unreachable, time exceeded, parameter problem, source quench. Mirrors
     * {@code icmp_unreach()}: checks the quoted header, learns the path MTU from fragmentation
     * needed (RFC 1191 §4), then tells the quoted datagram's protocol ({@code err_handler}).
     */
    private void unreach(SkBuff skb, int type) {
        inet.kernel.tracer().point(Stage.ICMP_UNREACH, skb, inet.net.name(), "", "");
        countIn(type);
        byte[] b = skb.buf();
        int off = skb.data();
        int code = b[off + 1] & 0xff;
        int q = off + io.jnetstack.wire.Icmp.HEADER_LEN;
        int avail = skb.len() - io.jnetstack.wire.Icmp.HEADER_LEN;
        if (avail < Ipv4.HEADER_LEN || Ipv4.check(b, q, avail) < 0 && avail < Ipv4.headerLen(b, q)) {
            inet.icmpMib.inc(IcmpMib.InErrors);
            inet.net.drop(skb, DropReason.PKT_TOO_SMALL);
            return;
        }
        int ihl = Ipv4.headerLen(b, q);
        if ((b[q] & 0xf0) != 0x40 || ihl < Ipv4.HEADER_LEN || avail < ihl + 8) {
            inet.icmpMib.inc(IcmpMib.InErrors);
            inet.net.drop(skb, DropReason.PKT_TOO_SMALL);
            return;
        }
        int info = 0;
        int qdst = Ipv4.dst(b, q);
        if (type == io.jnetstack.wire.Icmp.DEST_UNREACH && code == io.jnetstack.wire.Icmp.FRAG_NEEDED) {
            info = io.jnetstack.wire.Icmp.nextHopMtu(b, off);
            if (inet.noPmtuDisc.get() != 2) {
                inet.routing.updatePmtu(qdst, info);
            }
        }
        deliverError(skb, q, type, code, info);
    }

    /**
     * Tells the sender of the quoted datagram. Mirrors {@code icmp_socket_deliver()}: the raw
     * sockets of the quoted protocol ({@code raw_icmp_error}), then its error handler; for a
     * quoted ICMP message that is {@code icmp_err()}, which passes everything but our own echo
     * replies to the ping sockets ({@code ping_err}). Echo listeners hear of errors about
     * their echo requests.
     */
    private void deliverError(SkBuff skb, int quoted, int type, int code, int info) {
        byte[] b = skb.buf();
        int qproto = Ipv4.protocol(b, quoted);
        int offender = Ipv4.src(b, skb.networkHeader());
        int qi = quoted + Ipv4.headerLen(b, quoted);
        int qtype = b[qi] & 0xff;
        int qid = io.jnetstack.wire.Icmp.echoId(b, qi);
        int qseq = io.jnetstack.wire.Icmp.echoSeq(b, qi);
        skb.cb[ERROR_CB_OFFENDER] = offender & 0xffffffffL;
        skb.pull(io.jnetstack.wire.Icmp.HEADER_LEN);
        skb.resetNetworkHeader();
        RawHandler raw = inet.rawHandler();
        if (raw != null) {
            raw.icmpError(skb, qproto, type, code, info);
        }
        if (qproto == Ipv4.PROTO_ICMP) {
            EchoReplyListener l = qtype == io.jnetstack.wire.Icmp.ECHO ? echoListeners.get(qid) : null;
            if (l != null) {
                l.error(offender, qid, qseq, type, code, info);
            }
            if (ping != null && qtype != io.jnetstack.wire.Icmp.ECHOREPLY) {
                ping.error(skb, type, code, info);
            }
        } else {
            InetProtocol p = inet.protocol(qproto);
            if (p != null) {
                p.error(skb, type, code, info);
            }
        }
        skb.free();
    }

    /** Mirrors {@code icmp_redirect()} → {@code ip_rt_redirect()}: RFC 1122 §3.2.2.2. */
    private void redirect(SkBuff skb) {
        inet.kernel.tracer().point(Stage.ICMP_REDIRECT, skb, inet.net.name(), "", "");
        countIn(io.jnetstack.wire.Icmp.REDIRECT);
        byte[] b = skb.buf();
        int off = skb.data();
        int q = off + io.jnetstack.wire.Icmp.HEADER_LEN;
        if (skb.len() < io.jnetstack.wire.Icmp.HEADER_LEN + Ipv4.HEADER_LEN) {
            inet.icmpMib.inc(IcmpMib.InErrors);
            inet.net.drop(skb, DropReason.PKT_TOO_SMALL);
            return;
        }
        int code = b[off + 1] & 0xff;
        int newGw = io.jnetstack.wire.Icmp.gateway(b, off);
        int oldGw = Ipv4.src(b, skb.networkHeader());
        if (code <= 3) {
            inet.routing.redirect(Ipv4.dst(b, q), oldGw, newGw, skb.dev);
        }
        skb.free();
    }

    // ================================================================ send

    /**
     * Builds and sends a reply to the datagram {@code in} (data at its ICMP header, network
     * header marked), copying its ICMP body. Mirrors {@code icmp_reply()}.
     *
     * @param bodyLen     bytes of the request to echo back (header included)
     * @param timestampMs for a timestamp reply, the receive/transmit time; else null
     */
    private void reply(SkBuff in, int type, int bodyLen, Integer timestampMs) {
        byte[] b = in.buf();
        int nh = in.networkHeader();
        int src = Ipv4.src(b, nh);
        int dst = Ipv4.dst(b, nh);
        Rtable inRt = (Rtable) in.dst;
        int saddr = dst;
        if (inRt != null && (inRt.flags() & (Rtable.RTCF_BROADCAST | Rtable.RTCF_MULTICAST)) != 0) {
            saddr = inet.devinet.selectAddress(in.dev, src, Inet.SCOPE_UNIVERSE);
        }
        Rtable rt = inet.routing.output(src, saddr, Ipv4.tos(b, nh), null, 0);
        if (rt == null) {
            return;
        }
        SkBuff skb = inet.kernel.skbs().alloc(IpOutput.LL_RESERVED + Ipv4.HEADER_LEN, bodyLen);
        int at = skb.put(bodyLen);
        in.copyBits(0, skb.buf(), at, bodyLen);
        byte[] o = skb.buf();
        o[at] = (byte) type;
        o[at + 1] = 0;
        if (timestampMs != null) {
            io.jnetstack.wire.Ipv4Address.write(o, at + 12, timestampMs);
            io.jnetstack.wire.Ipv4Address.write(o, at + 16, timestampMs);
        }
        io.jnetstack.wire.Icmp.fillChecksum(o, at, bodyLen);
        push(skb, rt, saddr != 0 ? saddr : rt.prefsrc(), src, Ipv4.tos(b, nh), type);
    }

    /**
     * Sends an ICMP error about {@code in} (data at its IP header, or the network header mark
     * pointing at it). Mirrors {@code icmp_send()} / {@code __icmp_send()}. The buffer is lent.
     *
     * @param info the next-hop MTU for fragmentation needed, the gateway for a redirect, the
     *             pointer (in the top byte) for a parameter problem
     */
    public void send(SkBuff in, int type, int code, int info) {
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.ICMP_SEND, in, inet.net.name(), in.dev == null ? "" : in.dev.name());
        try {
            sendChecked(in, type, code, info);
        } finally {
            t.exit();
        }
    }

    private void sendChecked(SkBuff in, int type, int code, int info) {
        byte[] b = in.buf();
        int nh = in.networkHeader() >= 0 ? in.networkHeader() : in.data();
        if (nh + Ipv4.HEADER_LEN > in.tail()) {
            return;
        }
        Rtable inRt = (Rtable) in.dst;
        if (inRt == null || (inRt.flags() & (Rtable.RTCF_BROADCAST | Rtable.RTCF_MULTICAST)) != 0) {
            return;
        }
        if (in.pktType != PktType.HOST && in.pktType != PktType.LOOPBACK) {
            return;
        }
        if (Ipv4.fragOffset(b, nh) != 0) {
            return;  // RFC 1122 §3.2.2: never about a non-first fragment
        }
        int ihl = Ipv4.headerLen(b, nh);
        if (Ipv4.protocol(b, nh) == Ipv4.PROTO_ICMP && nh + ihl + 1 <= in.tail()
                && io.jnetstack.wire.Icmp.isError(b[nh + ihl] & 0xff)) {
            return;  // never an error about an error
        }
        int src = Ipv4.src(b, nh);
        if (src == 0 || Ipv4Address.isLbcast(src) || Ipv4Address.isMulticast(src)) {
            return;  // the source must name one host
        }
        if (!globalAllow(type, code) || !peerAllow(src, type, code)) {
            return;
        }
        int saddr = Ipv4.dst(b, nh);
        if ((inRt.flags() & Rtable.RTCF_LOCAL) == 0) {
            NetDevice dev = inRt.isInputRoute() && inet.icmpErrorsUseInboundIfaddr.get() != 0 ? in.dev : null;
            saddr = dev != null ? inet.devinet.selectAddress(dev, src, Inet.SCOPE_LINK) : 0;
        }
        int tos = (Ipv4.tos(b, nh) & 0x1E) | 0xC0;
        Rtable rt = inet.routing.output(src, saddr, tos, null, 0);
        if (rt == null) {
            return;
        }
        if (saddr == 0) {
            saddr = rt.prefsrc() != 0 ? rt.prefsrc() : inet.devinet.selectAddress(rt.dev, src, Inet.SCOPE_UNIVERSE);
        }
        int room = Math.min(rt.mtu(), MAX_ERROR_SIZE) - Ipv4.HEADER_LEN - io.jnetstack.wire.Icmp.HEADER_LEN;
        int quoteLen = Math.min(Ipv4.totalLength(b, nh), Math.min(room, in.tail() - nh + in.dataLen()));
        quoteLen = Math.min(quoteLen, in.len() + (in.data() - nh));
        SkBuff skb = inet.kernel.skbs().alloc(IpOutput.LL_RESERVED + Ipv4.HEADER_LEN, io.jnetstack.wire.Icmp.HEADER_LEN + quoteLen);
        int at = skb.put(io.jnetstack.wire.Icmp.HEADER_LEN + quoteLen);
        byte[] o = skb.buf();
        o[at] = (byte) type;
        o[at + 1] = (byte) code;
        o[at + 2] = 0;
        o[at + 3] = 0;
        Ipv4Address.write(o, at + 4, info);
        if (type == io.jnetstack.wire.Icmp.DEST_UNREACH && code == io.jnetstack.wire.Icmp.FRAG_NEEDED) {
            Ipv4Address.write(o, at + 4, info & 0xffff);
        }
        in.copyBits(nh - in.data(), o, at + io.jnetstack.wire.Icmp.HEADER_LEN, quoteLen);
        io.jnetstack.wire.Icmp.fillChecksum(o, at, io.jnetstack.wire.Icmp.HEADER_LEN + quoteLen);
        push(skb, rt, saddr, src, tos, type);
    }

    /** Wraps an ICMP message in IP and sends it. Mirrors {@code icmp_push_reply()}. */
    private void push(SkBuff skb, Rtable rt, int saddr, int daddr, int tos, int type) {
        inet.kernel.tracer().point(Stage.ICMP_PUSH_REPLY, skb, inet.net.name(), rt.dev.name(), "");
        int off = skb.push(Ipv4.HEADER_LEN);
        Ipv4.writeHeader(skb.buf(), off, tos, skb.len(), inet.nextIdent(saddr, daddr, Ipv4.PROTO_ICMP), 0,
                (int) inet.defaultTtl.get(), Ipv4.PROTO_ICMP, saddr, daddr);
        skb.dst = rt;
        inet.icmpMib.inc(IcmpMib.OutMsgs);
        countOut(type);
        inet.icmpMsg.out(type);
        inet.output.localOut(skb);
    }

    /**
     * Counts an ICMP message a socket sent (raw, ping, or an IP_HDRINCL header). Mirrors
     * {@code icmp_out_count()}.
     */
    public void outCount(int type) {
        inet.icmpMib.inc(IcmpMib.OutMsgs);
        countOut(type);
        inet.icmpMsg.out(type);
    }

    private void countOut(int type) {
        switch (type) {
            case io.jnetstack.wire.Icmp.ECHOREPLY -> inet.icmpMib.inc(IcmpMib.OutEchoReps);
            case io.jnetstack.wire.Icmp.DEST_UNREACH -> inet.icmpMib.inc(IcmpMib.OutDestUnreachs);
            case io.jnetstack.wire.Icmp.REDIRECT -> inet.icmpMib.inc(IcmpMib.OutRedirects);
            case io.jnetstack.wire.Icmp.ECHO -> inet.icmpMib.inc(IcmpMib.OutEchos);
            case io.jnetstack.wire.Icmp.TIME_EXCEEDED -> inet.icmpMib.inc(IcmpMib.OutTimeExcds);
            case io.jnetstack.wire.Icmp.PARAMETERPROB -> inet.icmpMib.inc(IcmpMib.OutParmProbs);
            case io.jnetstack.wire.Icmp.TIMESTAMPREPLY -> inet.icmpMib.inc(IcmpMib.OutTimestampReps);
            default -> {
            }
        }
    }

    /**
     * Sends an echo request without a socket (for the demo and link tests; ping uses a socket).
     *
     * @return false when there is no route to {@code dst}
     */
    public boolean sendEcho(int dst, int id, int seq, int payloadLen, int ttl, boolean dontFragment, int tos) {
        Rtable rt = inet.routing.output(dst, 0, tos, null, 0);
        if (rt == null) {
            return false;
        }
        int saddr = rt.prefsrc() != 0 ? rt.prefsrc() : inet.devinet.selectAddress(rt.dev, dst, Inet.SCOPE_UNIVERSE);
        int len = io.jnetstack.wire.Icmp.HEADER_LEN + payloadLen;
        SkBuff skb = inet.kernel.skbs().alloc(IpOutput.LL_RESERVED + Ipv4.HEADER_LEN, len);
        int at = skb.put(len);
        byte[] o = skb.buf();
        o[at] = (byte) io.jnetstack.wire.Icmp.ECHO;
        o[at + 1] = 0;
        o[at + 4] = (byte) (id >>> 8);
        o[at + 5] = (byte) id;
        o[at + 6] = (byte) (seq >>> 8);
        o[at + 7] = (byte) seq;
        for (int i = 0; i < payloadLen; i++) {
            o[at + 8 + i] = (byte) (0x10 + i);
        }
        io.jnetstack.wire.Icmp.fillChecksum(o, at, len);
        int off = skb.push(Ipv4.HEADER_LEN);
        Ipv4.writeHeader(o, off, tos, skb.len(), inet.nextIdent(saddr, dst, Ipv4.PROTO_ICMP),
                dontFragment ? Ipv4.FLAG_DF : 0, ttl, Ipv4.PROTO_ICMP, saddr, dst);
        skb.dst = rt;
        inet.icmpMib.inc(IcmpMib.OutMsgs);
        inet.icmpMib.inc(IcmpMib.OutEchos);
        inet.icmpMsg.out(io.jnetstack.wire.Icmp.ECHO);
        inet.output.localOut(skb);
        return true;
    }

    // ================================================================ rate limits

    private boolean limited(int type, int code) {
        if (type > 18 || type < 0) {
            return false;
        }
        if (type == io.jnetstack.wire.Icmp.DEST_UNREACH && code == io.jnetstack.wire.Icmp.FRAG_NEEDED) {
            return false;  // PMTU discovery must not be starved
        }
        return (inet.icmpRatemask.get() & (1L << type)) != 0;
    }

    /** Mirrors {@code icmp_global_allow()}: a token bucket of icmp_msgs_per_sec with icmp_msgs_burst. */
    private boolean globalAllow(int type, int code) {
        if (!limited(type, code)) {
            return true;
        }
        long now = inet.kernel.clock().nanos();
        long perSec = inet.icmpMsgsPerSec.get();
        long burst = inet.icmpMsgsBurst.get();
        if (globalCredit < 0) {
            globalCredit = burst;
            globalStamp = now;
        }
        long add = (now - globalStamp) * perSec / 1_000_000_000L;
        if (add > 0) {
            globalCredit = Math.min(burst, globalCredit + add);
            globalStamp = now;
        }
        if (globalCredit > 0) {
            globalCredit--;
            return true;
        }
        inet.icmpMib.inc(IcmpMib.OutRateLimitGlobal);
        return false;
    }

    /** Mirrors {@code icmpv4_xrlim_allow()} / {@code inet_peer_xrlim_allow()}: per destination. */
    private boolean peerAllow(int dst, int type, int code) {
        if (!limited(type, code)) {
            return true;
        }
        long timeout = inet.icmpRatelimit.get() * 1_000_000L;
        if (timeout == 0) {
            return true;
        }
        long now = inet.kernel.clock().nanos();
        long[] p = peers.get(dst);
        if (p == null) {
            if (peers.size() > 65536) {
                peers.clear();
            }
            p = new long[]{XRLIM_BURST_FACTOR * timeout, now};
            peers.put(dst, p);
        }
        p[0] = Math.min(XRLIM_BURST_FACTOR * timeout, p[0] + now - p[1]);
        p[1] = now;
        if (p[0] >= timeout) {
            p[0] -= timeout;
            return true;
        }
        inet.icmpMib.inc(IcmpMib.OutRateLimitHost);
        return false;
    }
}
