package io.jnetstack.ipv4.udp;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.SkBuff;
import io.jnetstack.ipv4.IpCork;
import io.jnetstack.ipv4.IpMib;
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
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Address;

/**
 * A UDP socket. Mirrors {@code struct udp_sock} with {@code udp_prot}: {@code udp_sendmsg}
 * (corking with UDP_CORK and MSG_MORE through {@link IpCork}), {@code udp_recvmsg},
 * {@code udp_v4_get_port}, {@code ip4_datagram_connect}, {@code udp_disconnect}.
 *
 * <p>The connect, ancillary data, receive copy and errors are {@link InetDatagramSock}'s. Where
 * it still differs from raw and ping sockets here, though in Linux these share the same
 * functions: 0.0.0.0 addresses this host (the source, else 127.0.0.1) on connect and send, as
 * {@code ip_route_output_key_hash_rcu()} makes it; SO_DONTROUTE and MSG_DONTROUTE refuse
 * gateways; connect keeps IP_MULTICAST_IF's address as the source; an IP_TOS ancillary value
 * outside 0..255 is EINVAL; a send's route is looked up with the socket's TOS, not the
 * ancillary one; disconnect forgets the bound device.
 */
public final class UdpSock extends InetDatagramSock {
    private final Udp udp;
    private boolean corkOpt;
    private int pendingDport;
    /** Journey id of the datagram being sent, reserved by {@link #sendmsg} (0: not tracing). */
    private long traceId;

    UdpSock(Sockets table, Udp udp) {
        super(table, Socket.SOCK_DGRAM, Socket.IPPROTO_UDP);
        this.udp = udp;
    }

    @Override
    public String netid() {
        return "udp";
    }

    // ================================================================ addresses

    /** Mirrors {@code inet_bind()} → {@code __inet_bind()} → {@code udp_v4_get_port()}. */
    @Override
    protected void bind(SockAddrIn addr) {
        if (num != 0) {
            throw new ErrnoException(Errno.EINVAL, "the socket is already bound to port " + num);
        }
        int a = addr.addr();
        if (a != 0) {
            int type = inet.routing().addressType(a);
            if (!freebind && type != Rtable.RTN_LOCAL && type != Rtable.RTN_MULTICAST && type != Rtable.RTN_BROADCAST) {
                throw new ErrnoException(Errno.EADDRNOTAVAIL, Ipv4Address.format(a)
                        + " is not an address of namespace " + net.name() + " (add it, or set IP_FREEBIND)");
            }
        }
        rcvSaddr = a;
        saddr = Ipv4Address.isMulticast(a) || inet.routing().addressType(a) == Rtable.RTN_BROADCAST ? 0 : a;
        int p = udp.table.getPort(this, addr.port(), table.localPortLow(), table.localPortHigh());
        if (p < 0) {
            rcvSaddr = 0;
            saddr = 0;
            throw new ErrnoException(Errno.EADDRINUSE, addr.port() == 0
                    ? "no free port in net.ipv4.ip_local_port_range"
                    : "port " + addr.port() + " is already bound by another socket (set SO_REUSEADDR or SO_REUSEPORT on both)");
        }
        num = p;
        bindAddrLock = a != 0;
        bindPortLock = addr.port() != 0;
    }

    /** Mirrors {@code inet_autobind()}: an ephemeral port for an unbound socket that sends. */
    private void autobind() {
        if (num == 0) {
            int p = udp.table.getPort(this, 0, table.localPortLow(), table.localPortHigh());
            if (p < 0) {
                throw new ErrnoException(Errno.EAGAIN, "no free port in net.ipv4.ip_local_port_range");
            }
            num = p;
        }
    }

    /**
     * Mirrors {@code inet_dgram_connect()} → {@code ip4_datagram_connect()}: autobind first (so
     * a connect that fails still leaves a port), route to the peer (EACCES for broadcast
     * without SO_BROADCAST), take the route's source address, remember the peer.
     */
    @Override
    protected void connect(SockAddrIn addr, long deadline) {
        autobind();
        int dst = addr.addr();
        int src = saddr;
        if (dst == 0) {
            dst = src != 0 ? src : Ipv4Address.LOOPBACK;
            src = dst;
        }
        Flow f = routeFlow(dst, src, boundOif(), tos, 0, "connect to");
        if (dontRoute && f.rt().gateway() != 0) {
            throw notOnLink(dst);
        }
        if (saddr == 0) {
            saddr = f.src();
        }
        setPeer(dst, addr.port());
    }

    /**
     * Mirrors {@code __udp_disconnect()}: keep explicit bindings, forget the rest; as on Linux
     * the bound device (SO_BINDTODEVICE) is forgotten too.
     */
    @Override
    protected void disconnect() {
        datagramDisconnect();
        boundDev = null;
        if (!bindPortLock && num != 0) {
            udp.table.unhash(this, num);
            num = 0;
        }
    }

    /**
     * SO_DONTROUTE and MSG_DONTROUTE look the route up with link scope (RTO_ONLINK): only
     * destinations on a connected network can be reached; ENETUNREACH for the rest.
     */
    private ErrnoException notOnLink(int dst) {
        inet.ipMib().inc(IpMib.OutNoRoutes);
        return new ErrnoException(Errno.ENETUNREACH, Ipv4Address.format(dst)
                + " is not on a connected network and SO_DONTROUTE/MSG_DONTROUTE forbids gateways");
    }

    /** As {@code ip_cmsg_send()}: an IP_TOS value outside 0..255 is EINVAL. */
    @Override
    protected int cmsgTos(int value) {
        if (value < 0 || value > 255) {
            throw new ErrnoException(Errno.EINVAL, "IP_TOS ancillary data must be 0..255");
        }
        return value;
    }

    // ================================================================ send

    /**
     * Mirrors {@code udp_sendmsg()}: destination from the message or the connection
     * (EDESTADDRREQ without either), ancillary IP_PKTINFO/IP_TOS/IP_TTL, multicast interface and
     * TTL, the route (EACCES for broadcast without SO_BROADCAST), then {@code ip_append_data} and,
     * unless corked, {@code udp_push_pending_frames}.
     */
    @Override
    protected int sendmsg(Msghdr msg, int flags, long deadline) {
        Tracer t = kernel.tracer();
        // The datagram's buffer is allocated by ip_append_data, after the route lookup: its
        // journey id is reserved now so that udp_sendmsg and the lookup are part of it.
        traceId = !t.enabled() ? 0 : cork.pending() ? cork.skb().traceId : t.reserveId();
        t.enter(Stage.UDP_SENDMSG, traceId, net.name(), "");
        try {
            return send(msg, flags, deadline);
        } finally {
            traceId = 0;
            t.exit();
        }
    }

    private int send(Msghdr msg, int flags, long deadline) {
        long total = msg.remaining();
        if (total > 0xFFFF) {
            throw new ErrnoException(Errno.EMSGSIZE, "a UDP datagram carries at most 65,507 bytes, not " + total);
        }
        int len = (int) total;
        if ((flags & Socket.MSG_OOB) != 0) {
            throw new ErrnoException(Errno.EOPNOTSUPP, "UDP has no out-of-band data");
        }
        // A pending error (sk_err) is reported where Linux finds it: when the datagram's buffer
        // is allocated (sock_alloc_send_skb), after the address, route and size checks.
        boolean corkreq = corkOpt || (flags & Socket.MSG_MORE) != 0;
        allocDeadline = deadline;
        if (cork.pending()) {
            return appendAndMaybePush(msg, len, corkreq);
        }
        if (msg.name() != null && msg.name().port() == 0) {
            throw new ErrnoException(Errno.EINVAL, "cannot send to port 0");
        }
        SockAddrIn to = destination(msg, "socket");
        Ipcm ipc = cmsgSend(msg);
        int dst = to.addr();
        int src = ipc.src();
        if (dst == 0) {
            // ip_route_output_key_hash_rcu(): no destination means this host, sent from and to
            // the source chosen, or 127.0.0.1; udp_sendmsg then takes both from the flow.
            dst = src != 0 ? src : Ipv4Address.LOOPBACK;
            src = dst;
        }
        autobind();
        Flow f = routeFlow(dst, src, ipc.oif(), tos, traceId, "sending to");
        if ((dontRoute || (flags & Socket.MSG_DONTROUTE) != 0) && f.rt().gateway() != 0) {
            throw notOnLink(dst);
        }
        cork.setup(f.rt(), f.src(), dst, Ipv4.PROTO_UDP, ttlFor(ipc, dst), ipc.tos(), priority, mark, pmtudisc, !mcLoop,
                io.jnetstack.wire.Udp.HEADER_LEN);
        pendingDport = to.port();
        return appendAndMaybePush(msg, len, corkreq);
    }

    private int appendAndMaybePush(Msghdr msg, int len, boolean corkreq) {
        int rc;
        try {
            rc = cork.append(msg.iov(), len, this, traceId);
        } catch (ErrnoException e) {
            // sock_alloc_send_skb failed (full send buffer, pending error, shut down): as
            // udp_sendmsg, the datagram being built is dropped, and a send that found no
            // room (SOCK_NOSPACE) counts as a SndbufError.
            cork.flush();
            if (e.errno() == Errno.EAGAIN) {
                udp.mib.inc(UdpMib.SndbufErrors);
            }
            throw e;
        }
        if (rc < 0) {
            int mtu = cork.mtu();
            int dst = cork.daddr();
            cork.flush();
            Errno e = Errno.of(-rc);
            if (e == Errno.EMSGSIZE) {
                // ip_local_error() is given inet_dport: the connected peer's port, 0 when the
                // socket is not connected, whatever port the sendto named.
                localError(e, dst, dport, mtu);
            }
            if (e == Errno.ENOBUFS) {
                udp.mib.inc(UdpMib.SndbufErrors);
            }
            throw new ErrnoException(e, e == Errno.EMSGSIZE
                    ? "the datagram does not fit: " + (cork.maxSize() < Ipv4.MAX_TOTAL_LEN
                            ? "MTU " + mtu + " and it may not be fragmented (IP_MTU_DISCOVER " + pmtudisc + ")"
                            : "65,535-byte IP limit")
                    : "no buffer space");
        }
        if (!corkreq) {
            pushPending();
        }
        return len;
    }

    /**
     * Mirrors {@code udp_push_pending_frames()} → {@code udp_send_skb()}: the UDP header with
     * the checksum over the pseudo-header, then {@code ip_push_pending_frames()}.
     */
    private void pushPending() {
        SkBuff skb = cork.skb();
        if (skb == null) {
            return;
        }
        Tracer t = kernel.tracer();
        t.enter(Stage.UDP_PUSH_PENDING_FRAMES, skb, net.name(), cork.route().dev.name());
        try {
            byte[] b = skb.buf();
            int off = skb.data();
            skb.resetTransportHeader();
            io.jnetstack.wire.Udp.writeHeader(b, off, num, pendingDport, skb.len());
            io.jnetstack.wire.Udp.fillChecksum(b, off, skb.len(), cork.saddr(), cork.daddr());
            int rc = cork.push(connected);
            if (rc == 0) {
                udp.mib.inc(UdpMib.OutDatagrams);
            } else if (rc == -Errno.ENOBUFS.code()) {
                udp.mib.inc(UdpMib.SndbufErrors);
            }
        } finally {
            t.exit();
        }
    }

    // ================================================================ receive

    /**
     * Mirrors {@code udp_recvmsg()}: one datagram, cut to the buffers (MSG_TRUNC in the flags;
     * with MSG_TRUNC in the call the full length is returned), the sender, and IP_PKTINFO,
     * IP_TTL, IP_TOS ancillary data as enabled.
     */
    @Override
    protected int recvmsg(Msghdr msg, int flags, long deadline) {
        Tracer t = kernel.tracer();
        t.enter(Stage.UDP_RECVMSG, null, net.name(), "");
        try {
            SkBuff skb = recvDatagram(flags, deadline);
            if (skb == null) {
                return 0;
            }
            t.point(Stage.__SKB_RECV_UDP, skb, net.name(), skb.dev == null ? "" : skb.dev.name(),
                    (flags & Socket.MSG_PEEK) != 0 ? "peek" : "");
            int ulen = skb.len();
            int copied = copyDatagram(msg, skb, io.jnetstack.wire.Udp.srcPort(skb.buf(), skb.transportHeader()));
            if ((flags & Socket.MSG_PEEK) == 0) {
                udp.mib.inc(UdpMib.InDatagrams);
            }
            freeDatagram(skb, flags);
            return (flags & Socket.MSG_TRUNC) != 0 ? ulen : copied;
        } finally {
            t.exit();
        }
    }

    /**
     * Mirrors {@code __udp_enqueue_schedule_skb()}: a datagram is refused only when the memory
     * already charged exceeds {@code sk_rcvbuf}, so a small buffer still takes one datagram.
     */
    @Override
    protected boolean rcvbufFull() {
        return rmemAlloc() > rcvbuf;
    }

    /**
     * Called by {@link Udp#error}. Mirrors {@code __udp4_lib_err()}: fragmentation needed is a
     * hard EMSGSIZE unless the socket does no path MTU discovery (the path MTU itself was
     * learnt by {@code icmp_unreach}); other types as {@link IcmpErr}.
     */
    void icmpError(int type, int code, int info, int offender, int dst, int port, byte[] payload) {
        IcmpErr e = IcmpErr.of(type, code);
        if (type == io.jnetstack.wire.Icmp.DEST_UNREACH && code == io.jnetstack.wire.Icmp.FRAG_NEEDED) {
            if (pmtudisc == SockOpt.IP_PMTUDISC_DONT) {
                return;
            }
            e = new IcmpErr(Errno.EMSGSIZE, true);
        }
        if (e == null) {
            return;
        }
        ipIcmpError(new SockExtendedErr(e.errno(), SockExtendedErr.ORIGIN_ICMP, type, code, info, offender,
                new SockAddrIn(dst, port)), payload, e.fatal());
    }

    /** Mirrors {@code udp_lib_close()} → {@code sk_common_release()}. */
    @Override
    protected void close() {
        cork.flush();
        if (num != 0) {
            udp.table.unhash(this, num);
        }
        purgeQueues();
    }

    @Override
    protected boolean setProtoOption(SockOpt<?> opt, Object value) {
        if (opt.level() != SockOpt.SOL_UDP) {
            return false;
        }
        if (opt != SockOpt.UDP_CORK) {
            throw new ErrnoException(Errno.ENOPROTOOPT, opt + " is not a UDP option");
        }
        corkOpt = (Integer) value != 0;
        if (!corkOpt && cork.pending()) {
            pushPending();
        }
        return true;
    }

    @Override
    protected Object getProtoOption(SockOpt<?> opt) {
        if (opt == SockOpt.UDP_CORK) {
            return corkOpt ? 1 : 0;
        }
        return null;
    }

    @Override
    protected long ioctl(int request) {
        return super.ioctl(request);
    }
}
