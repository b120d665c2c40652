package io.jnetstack.ipv4.raw;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;
import io.jnetstack.ipv4.IpMib;
import io.jnetstack.ipv4.IpOutput;
import io.jnetstack.ipv4.Rtable;
import io.jnetstack.socket.IcmpErr;
import io.jnetstack.socket.InetDatagramSock;
import io.jnetstack.socket.Msghdr;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.SockExtendedErr;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;
import io.jnetstack.socket.Sockets;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Icmp;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Address;

/**
 * A raw IPv4 socket ({@code raw(7)}). Mirrors {@code struct raw_sock} with {@code raw_prot}:
 * {@code raw_sendmsg} (the stack builds the IP header through {@code ip_append_data}, or with
 * IP_HDRINCL the user's header goes out as {@code raw_send_hdrinc} fixes it up),
 * {@code raw_recvmsg} (the whole datagram, IP header first), {@code raw_bind},
 * {@code ip4_datagram_connect}, {@code raw_err} and ICMP_FILTER.
 *
 * <p>The socket's protocol is its "port" ({@code inet_num}): {@code getsockname} and {@code ss}
 * show it there. IPPROTO_RAW (255) implies IP_HDRINCL; such a socket matches only datagrams of
 * protocol 255, so in practice it only sends, as {@code raw(7)} says.
 */
public final class RawSock extends InetDatagramSock {
    private final Raw raw;
    /** ICMP_FILTER: bit {@code t} set drops ICMP type {@code t} (types under 32). */
    private int icmpFilter;

    RawSock(Sockets table, Raw raw, int protocol) {
        super(table, Socket.SOCK_RAW, protocol);
        this.raw = raw;
        this.num = protocol;
        this.hdrincl = protocol == Socket.IPPROTO_RAW;
        raw.hash(this);
    }

    @Override
    public String netid() {
        return "raw";
    }

    // ================================================================ addresses

    /**
     * Mirrors {@code raw_bind()}: only the address matters (a local, multicast or broadcast one,
     * or any with IP_FREEBIND); a connected socket cannot be bound (EINVAL).
     */
    @Override
    protected void bind(SockAddrIn addr) {
        if (connected) {
            throw new ErrnoException(Errno.EINVAL, "the raw socket is connected: disconnect it before bind()");
        }
        int a = addr.addr();
        int type = inet.routing().addressType(a);
        if (!freebind && a != 0 && type != Rtable.RTN_LOCAL && type != Rtable.RTN_MULTICAST && type != Rtable.RTN_BROADCAST) {
            throw new ErrnoException(Errno.EADDRNOTAVAIL, Ipv4Address.format(a)
                    + " is not an address of namespace " + net.name() + " (add it, or set IP_FREEBIND)");
        }
        rcvSaddr = a;
        saddr = type == Rtable.RTN_MULTICAST || type == Rtable.RTN_BROADCAST ? 0 : a;
        bindAddrLock = a != 0;
    }

    /** Mirrors {@code ip4_datagram_connect()}: the peer filters what is received. */
    @Override
    protected void connect(SockAddrIn addr, long deadline) {
        ip4DatagramConnect(addr);
    }

    /** Mirrors {@code __udp_disconnect()}; the socket keeps its protocol binding. */
    @Override
    protected void disconnect() {
        datagramDisconnect();
    }

    /** {@code raw_v4_match()} for a datagram from {@code raddr} to {@code laddr} received on {@code dev}. */
    boolean matches(int raddr, int laddr, NetDevice dev) {
        return !(connected && daddr != raddr)
                && !(rcvSaddr != 0 && rcvSaddr != laddr)
                && (boundDev == null || boundDev == dev);
    }

    /** Mirrors {@code icmp_filter()}: true drops; unknown types (32 and up) pass, a cut header does not. */
    boolean icmpFiltered(int icmpType) {
        if (icmpType < 0) {
            return true;
        }
        return icmpType < 32 && (icmpFilter & (1 << icmpType)) != 0;
    }

    // ================================================================ send

    /**
     * Mirrors {@code raw_sendmsg()}: the destination from the message or the connection
     * (EDESTADDRREQ), ancillary data, the multicast interface, the route (EACCES for broadcast
     * without SO_BROADCAST); then {@code raw_send_hdrinc} with IP_HDRINCL, else
     * {@code ip_append_data} with no transport header and, unless MSG_MORE,
     * {@code ip_push_pending_frames}. ENOBUFS from the device is reported only with IP_RECVERR.
     */
    @Override
    protected int sendmsg(Msghdr msg, int flags, long deadline) {
        Tracer t = kernel.tracer();
        t.enter(Stage.RAW_SENDMSG, null, net.name(), "");
        try {
            return send(msg, flags, deadline);
        } finally {
            t.exit();
        }
    }

    private int send(Msghdr msg, int flags, long deadline) {
        long total = msg.remaining();
        if (total > 0xFFFF) {
            throw new ErrnoException(Errno.EMSGSIZE, "a raw datagram carries at most 65,535 bytes, not " + total);
        }
        int len = (int) total;
        if ((flags & Socket.MSG_OOB) != 0) {
            throw new ErrnoException(Errno.EOPNOTSUPP, "raw sockets have no out-of-band data");
        }
        int dst = destination(msg, "raw socket").addr();
        Ipcm ipc = cmsgSend(msg);
        Flow f = routeFlow(dst, ipc.src(), ipc.oif(), ipc.tos(), 0, "sending to");
        allocDeadline = deadline;
        if (hdrincl) {
            return sendHdrinc(msg, len, f.rt(), f.src(), dst, deadline);
        }
        if (!cork.pending()) {
            cork.setup(f.rt(), f.src(), dst, protocol, ttlFor(ipc, dst), ipc.tos(), priority, mark, pmtudisc, !mcLoop, 0);
        }
        int rc = cork.append(msg.iov(), len, this, null);
        if (rc < 0) {
            int mtu = cork.route().mtu();
            int to = cork.daddr();
            cork.flush();
            Errno e = Errno.of(-rc);
            if (e == Errno.EMSGSIZE) {
                localError(e, to, 0, mtu);
                throw new ErrnoException(e, "the datagram does not fit: " + (pmtudisc >= SockOpt.IP_PMTUDISC_DO
                        ? "path MTU " + mtu + " with DF forced (IP_MTU_DISCOVER)" : "65,535-byte IP limit"));
            }
            throw new ErrnoException(e == null ? Errno.ENOBUFS : e, "no buffer space for the datagram");
        }
        if ((flags & Socket.MSG_MORE) == 0) {
            int r = cork.push(connected);
            if (r == -Errno.ENOBUFS.code() && recverr) {
                throw new ErrnoException(Errno.ENOBUFS, "the device queue dropped the datagram");
            }
        }
        return len;
    }

    /**
     * Sends a datagram whose IP header the user wrote. Mirrors {@code raw_send_hdrinc()}: longer
     * than the device MTU → EMSGSIZE (never fragmented; an IP_RECVERR local error too), shorter
     * than an IP header or than its own IHL → EINVAL. Otherwise the header goes out as given but
     * for the fix-ups Linux makes: the source when 0 (the route's), the total length and the
     * checksum always, the ID when 0 and DF is clear. A header whose IHL is under 5 gets no
     * fix-ups in Linux; here {@code __ip_local_out} still writes its length and checksum.
     */
    private int sendHdrinc(Msghdr msg, int len, Rtable rt, int flowSaddr, int dst, long deadline) {
        int devMtu = rt.dev.mtu();
        if (len > devMtu) {
            localError(Errno.EMSGSIZE, dst, dport, devMtu);
            throw new ErrnoException(Errno.EMSGSIZE, "the " + len + "-byte datagram is longer than the MTU of " + rt.dev.name()
                    + " (" + devMtu + "); IP_HDRINCL datagrams are not fragmented");
        }
        if (len < Ipv4.HEADER_LEN) {
            throw new ErrnoException(Errno.EINVAL, "with IP_HDRINCL the data starts with a 20-byte IP header; only " + len + " bytes were given");
        }
        SkBuff skb = allocSendSkb(IpOutput.LL_RESERVED, len, deadline);
        Tracer t = kernel.tracer();
        t.enter(Stage.RAW_SEND_HDRINC, skb, net.name(), rt.dev.name());
        try {
            int off = skb.put(len);
            copyFromIov(msg.iov(), skb.buf(), off, len);
            skb.resetNetworkHeader();
            skb.resetTransportHeader();
            byte[] b = skb.buf();
            int iphlen = (b[off] & 0x0f) * 4;
            if (iphlen > len) {
                skb.free();
                throw new ErrnoException(Errno.EINVAL, "the header's IHL says " + iphlen + " bytes but only " + len + " were given");
            }
            if (iphlen >= Ipv4.HEADER_LEN) {
                fixUp(b, off, len, iphlen, flowSaddr);
                skb.setTransportHeader(off + iphlen);
            }
            skb.dst = rt;
            skb.priority = priority;
            skb.mark = mark;
            skb.noMcLoop = !mcLoop;
            int rc = inet.output().localOut(skb);
            if (rc != 0) {
                inet.ipMib().inc(IpMib.OutDiscards);
                Errno e = rc > 0 ? Errno.ENOBUFS : Errno.of(-rc);
                if (e == null || (e == Errno.ENOBUFS && !recverr)) {
                    return len;
                }
                throw new ErrnoException(e, "the datagram was not sent: " + e.text());
            }
            return len;
        } finally {
            t.exit();
        }
    }

    private void fixUp(byte[] b, int off, int len, int iphlen, int flowSaddr) {
        if (Ipv4.src(b, off) == 0) {
            Ipv4.setSrc(b, off, flowSaddr);
        }
        Ipv4.setTotalLength(b, off, len);
        if (Ipv4.id(b, off) == 0 && !Ipv4.dontFragment(b, off)) {
            // ip_select_ident() without a socket: DF datagrams keep ID 0.
            Ipv4.setId(b, off, inet.nextIdent(Ipv4.src(b, off), Ipv4.dst(b, off), Ipv4.protocol(b, off)));
        }
        Ipv4.fillChecksum(b, off);
        if (Ipv4.protocol(b, off) == Ipv4.PROTO_ICMP && len >= iphlen + Icmp.HEADER_LEN) {
            inet.icmp().outCount(b[off + iphlen] & 0xff);
        }
    }

    // ================================================================ receive

    /**
     * Mirrors {@code raw_recvmsg()}: one datagram from its IP header on, cut to the buffers
     * (MSG_TRUNC in the flags; with MSG_TRUNC in the call the full length is returned), the
     * sender (port 0), and IP_PKTINFO, IP_TTL, IP_TOS as enabled.
     */
    @Override
    protected int recvmsg(Msghdr msg, int flags, long deadline) {
        Tracer t = kernel.tracer();
        t.enter(Stage.RAW_RECVMSG, null, net.name(), "");
        try {
            if ((flags & Socket.MSG_OOB) != 0) {
                throw new ErrnoException(Errno.EOPNOTSUPP, "raw sockets have no out-of-band data");
            }
            SkBuff skb = recvDatagram(flags, deadline);
            if (skb == null) {
                return 0;
            }
            int len = skb.len();
            int copied = copyDatagram(msg, skb, 0);
            freeDatagram(skb, flags);
            return (flags & Socket.MSG_TRUNC) != 0 ? len : copied;
        } finally {
            t.exit();
        }
    }

    /**
     * An ICMP error about a datagram this socket may have sent; {@code skb} at the quoted IP
     * header. Mirrors {@code raw_err()}: only with IP_RECVERR or when connected; with
     * IP_RECVERR the error is queued with the quoted datagram from its transport header (from
     * its IP header with IP_HDRINCL) and becomes the pending error; without it only hard errors
     * do. Source quench is ignored.
     */
    void icmpError(SkBuff skb, int type, int code, int info, int offender) {
        if (type == Icmp.SOURCE_QUENCH || type == Icmp.REDIRECT || (!recverr && !connected)) {
            return;
        }
        Errno e = Errno.EHOSTUNREACH;
        boolean hard = false;
        if (type == Icmp.PARAMETERPROB) {
            e = Errno.EPROTO;
            hard = true;
        } else if (type == Icmp.DEST_UNREACH && code <= Icmp.PREC_CUTOFF) {
            if (code == Icmp.FRAG_NEEDED) {
                e = Errno.EMSGSIZE;
                hard = pmtudisc != SockOpt.IP_PMTUDISC_DONT;
            } else {
                IcmpErr ie = IcmpErr.of(type, code);
                e = ie.errno();
                hard = ie.fatal();
            }
        }
        byte[] b = skb.buf();
        int q = skb.data();
        byte[] payload = recverr ? quotedFrom(skb, hdrincl ? 0 : Ipv4.headerLen(b, q)) : null;
        ipIcmpError(new SockExtendedErr(e, SockExtendedErr.ORIGIN_ICMP, type, code, info, offender,
                new SockAddrIn(Ipv4.dst(b, q), 0)), payload, hard);
    }

    /** Mirrors {@code raw_close()} → {@code sk_common_release()}. */
    @Override
    protected void close() {
        cork.flush();
        raw.unhash(this);
        purgeQueues();
    }

    // ================================================================ options

    /** Mirrors {@code do_raw_setsockopt()}: ICMP_FILTER, on IPPROTO_ICMP sockets only (EOPNOTSUPP). */
    @Override
    protected boolean setProtoOption(SockOpt<?> opt, Object value) {
        if (opt.level() != SockOpt.SOL_RAW) {
            return false;
        }
        if (opt != SockOpt.ICMP_FILTER) {
            throw new ErrnoException(Errno.ENOPROTOOPT, opt + " is not a SOL_RAW option");
        }
        if (protocol != Socket.IPPROTO_ICMP) {
            throw new ErrnoException(Errno.EOPNOTSUPP, "ICMP_FILTER applies to IPPROTO_ICMP raw sockets, not protocol " + protocol);
        }
        icmpFilter = (Integer) value;
        return true;
    }

    /** Mirrors {@code do_raw_getsockopt()}. */
    @Override
    protected Object getProtoOption(SockOpt<?> opt) {
        if (opt.level() != SockOpt.SOL_RAW) {
            return null;
        }
        if (opt != SockOpt.ICMP_FILTER) {
            throw new ErrnoException(Errno.ENOPROTOOPT, opt + " is not a SOL_RAW option");
        }
        if (protocol != Socket.IPPROTO_ICMP) {
            throw new ErrnoException(Errno.EOPNOTSUPP, "ICMP_FILTER applies to IPPROTO_ICMP raw sockets, not protocol " + protocol);
        }
        return icmpFilter;
    }
}
