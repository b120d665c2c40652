package io.jnetstack.ipv4.ping;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.Sysctls;
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
 * An ICMP ping socket: {@code socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)}, which sends echo
 * requests and receives their replies without CAP_NET_RAW. Mirrors {@code ping_prot} in
 * {@code net/ipv4/ping.c}: creation only for the groups in {@code net.ipv4.ping_group_range}
 * ({@code ping_init_sock}); the echo identifier is the socket's port, chosen by bind() or at
 * the first send or connect ({@code ping_get_port}); {@code ping_v4_sendmsg} takes the user's
 * ICMP header (an echo request: type 8, code 0), writes the identifier and the checksum and
 * sends through {@code ip_append_data}; {@code ping_recvmsg} returns the echo reply from its
 * ICMP header on, with the sender.
 */
public final class PingSock extends InetDatagramSock {
    private final PingTable ping;

    private PingSock(Sockets table, PingTable ping) {
        super(table, Socket.SOCK_DGRAM, Socket.IPPROTO_ICMP);
        this.ping = ping;
    }

    /**
     * Mirrors {@code ping_init_sock()}: EACCES unless the caller's group
     * ({@link Sockets#setCallerGid}) is within {@code net.ipv4.ping_group_range}.
     */
    static PingSock create(Sockets table, PingTable ping) {
        long gid = table.callerGid();
        if (!table.pingAllowed(gid)) {
            Sysctls.Entry range = table.net().sysctls().entry("net.ipv4.ping_group_range");
            throw new ErrnoException(Errno.EACCES, "ICMP ping sockets are for the groups in net.ipv4.ping_group_range ("
                    + range.get(0) + " " + range.get(1) + "), not gid " + gid + ": widen the range (e.g. \"0 2147483647\"),"
                    + " or use a raw socket");
        }
        return new PingSock(table, ping);
    }

    @Override
    public String netid() {
        return "icmp";
    }

    // ================================================================ addresses

    /**
     * Mirrors {@code ping_bind()} with {@code ping_check_bind_addr()}: a local address (not
     * broadcast or multicast; any with IP_FREEBIND) and an identifier (port 0: the next free
     * one); EINVAL when the socket already has one, EADDRINUSE when it is taken.
     */
    @Override
    protected void bind(SockAddrIn addr) {
        int a = addr.addr();
        if (a != 0) {
            int type = inet.routing().addressType(a);
            if (type == Rtable.RTN_MULTICAST || type == Rtable.RTN_BROADCAST || (type != Rtable.RTN_LOCAL && !freebind)) {
                throw new ErrnoException(Errno.EADDRNOTAVAIL, Ipv4Address.format(a) + " is not a unicast address of namespace "
                        + net.name() + " (ping sockets bind to local unicast addresses; IP_FREEBIND allows others)");
            }
        }
        if (num != 0) {
            throw new ErrnoException(Errno.EINVAL, "the ping socket already has identifier " + num);
        }
        int ident = ping.getPort(this, addr.port());
        if (ident < 0) {
            throw new ErrnoException(Errno.EADDRINUSE, addr.port() == 0 ? "all 65,535 echo identifiers are in use"
                    : "echo identifier " + addr.port() + " is held by another ping socket (set SO_REUSEADDR on both)");
        }
        num = ident;
        rcvSaddr = a;
        saddr = a;
        bindAddrLock = a != 0;
        bindPortLock = addr.port() != 0;
    }

    /** Mirrors {@code inet_autobind()}: an identifier for a socket that sends or connects unbound. */
    private void autobind() {
        if (num == 0) {
            int ident = ping.getPort(this, 0);
            if (ident < 0) {
                throw new ErrnoException(Errno.EAGAIN, "all 65,535 echo identifiers are in use");
            }
            num = ident;
        }
    }

    /** Mirrors {@code inet_dgram_connect()} → {@code ip4_datagram_connect()}. */
    @Override
    protected void connect(SockAddrIn addr, long deadline) {
        autobind();
        ip4DatagramConnect(addr);
    }

    /** Mirrors {@code __udp_disconnect()}: an identifier not chosen by bind() is given back. */
    @Override
    protected void disconnect() {
        datagramDisconnect();
        if (!bindPortLock && num != 0) {
            ping.unhash(this, num);
            num = 0;
        }
    }

    // ================================================================ send

    /**
     * Mirrors {@code ping_v4_sendmsg()} with {@code ping_common_sendmsg()} and
     * {@code ping_v4_push_pending_frames()}: at least an ICMP header (EINVAL), an echo request
     * with code 0 (EINVAL), the destination from the message or the connection
     * (EDESTADDRREQ), ancillary data, the route (EACCES for broadcast without SO_BROADCAST);
     * the data after the header goes through {@code ip_append_data}, then the header with this
     * socket's identifier, the user's sequence number and the checksum. Never corked.
     */
    @Override
    protected int sendmsg(Msghdr msg, int flags, long deadline) {
        Tracer t = kernel.tracer();
        t.enter(Stage.PING_V4_SENDMSG, null, net.name(), "");
        try {
            return send(msg, flags, deadline);
        } finally {
            t.exit();
        }
    }

    private int send(Msghdr msg, int flags, long deadline) {
        autobind();
        long total = msg.remaining();
        if (total > 0xFFFF) {
            throw new ErrnoException(Errno.EMSGSIZE, "an ICMP message carries at most 65,535 bytes, not " + total);
        }
        if (total < Icmp.HEADER_LEN) {
            throw new ErrnoException(Errno.EINVAL, "a ping socket sends an 8-byte ICMP header and data; only " + total + " bytes were given");
        }
        if ((flags & Socket.MSG_OOB) != 0) {
            throw new ErrnoException(Errno.EOPNOTSUPP, "ping sockets have no out-of-band data");
        }
        byte[] user = new byte[Icmp.HEADER_LEN];
        copyFromIov(msg.iov(), user, 0, Icmp.HEADER_LEN);
        if (Icmp.type(user, 0) != Icmp.ECHO || Icmp.code(user, 0) != 0) {
            throw new ErrnoException(Errno.EINVAL, "ping sockets send echo requests (type 8, code 0), not type "
                    + Icmp.type(user, 0) + " code " + Icmp.code(user, 0));
        }
        int dst = destination(msg, "ping socket").addr();
        Ipcm ipc = cmsgSend(msg);
        Flow f = routeFlow(dst, ipc.src(), ipc.oif(), ipc.tos(), 0, "pinging");
        allocDeadline = deadline;
        cork.setup(f.rt(), f.src(), dst, Ipv4.PROTO_ICMP, ttlFor(ipc, dst), ipc.tos(), priority, mark, pmtudisc, !mcLoop, Icmp.HEADER_LEN);
        int rc = cork.append(msg.iov(), (int) total - Icmp.HEADER_LEN, this, null);
        if (rc < 0) {
            int mtu = cork.route().mtu();
            cork.flush();
            Errno e = Errno.of(-rc);
            if (e == Errno.EMSGSIZE) {
                localError(e, dst, 0, mtu);
                throw new ErrnoException(e, "the echo request does not fit: " + (pmtudisc >= SockOpt.IP_PMTUDISC_DO
                        ? "path MTU " + mtu + " with DF forced (IP_MTU_DISCOVER)" : "65,535-byte IP limit"));
            }
            throw new ErrnoException(e == null ? Errno.ENOBUFS : e, "no buffer space for the echo request");
        }
        pushPending(Icmp.echoSeq(user, 0));
        return (int) total;
    }

    /** Mirrors {@code ping_v4_push_pending_frames()}: the header, its checksum, then {@code ip_push_pending_frames}. */
    private void pushPending(int seq) {
        SkBuff skb = cork.skb();
        byte[] b = skb.buf();
        int off = skb.data();
        skb.resetTransportHeader();
        Icmp.writeEcho(b, off, Icmp.ECHO, num, seq);
        Icmp.fillChecksum(b, off, skb.len());
        int r = cork.push(connected);
        if (r < 0) {
            Errno e = Errno.of(-r);
            throw new ErrnoException(e == null ? Errno.ENOBUFS : e, "the echo request was not sent: "
                    + (e == null ? "dropped" : e.text()));
        }
    }

    // ================================================================ receive

    /**
     * Mirrors {@code ping_recvmsg()}: one echo reply from its ICMP header on, cut to the buffers
     * (MSG_TRUNC in the flags; the call returns what was copied, even with MSG_TRUNC, as Linux),
     * the sender (port 0), and IP_PKTINFO, IP_TTL, IP_TOS as enabled.
     */
    @Override
    protected int recvmsg(Msghdr msg, int flags, long deadline) {
        Tracer t = kernel.tracer();
        t.enter(Stage.PING_RECVMSG, null, net.name(), "");
        try {
            if ((flags & Socket.MSG_OOB) != 0) {
                throw new ErrnoException(Errno.EOPNOTSUPP, "ping sockets have no out-of-band data");
            }
            SkBuff skb = recvDatagram(flags, deadline);
            if (skb == null) {
                return 0;
            }
            int copied = copyDatagram(msg, skb, 0);
            freeDatagram(skb, flags);
            return copied;
        } finally {
            t.exit();
        }
    }

    /**
     * An ICMP error about one of our echo requests; {@code skb} at the quoted IP header, the
     * quoted ICMP header {@code icmpOff} bytes in. Mirrors the tail of {@code ping_err()}:
     * fragmentation needed is EMSGSIZE (ignored under IP_PMTUDISC_DONT), source quench and
     * redirect the fake EREMOTEIO ping wants to see, parameter problem EPROTO, the rest as
     * {@code icmp_err_convert}. With IP_RECVERR the error is queued with the quoted echo
     * request and becomes the pending error; without it only a hard error on a connected
     * socket does.
     */
    void icmpError(SkBuff skb, int icmpOff, int type, int code, int info, int offender) {
        Errno e;
        boolean hard = false;
        switch (type) {
            case Icmp.SOURCE_QUENCH, Icmp.REDIRECT -> e = Errno.EREMOTEIO;
            case Icmp.PARAMETERPROB -> {
                e = Errno.EPROTO;
                hard = true;
            }
            case Icmp.DEST_UNREACH -> {
                if (code == Icmp.FRAG_NEEDED) {
                    if (pmtudisc == SockOpt.IP_PMTUDISC_DONT) {
                        return;
                    }
                    e = Errno.EMSGSIZE;
                    hard = true;
                } else if (code <= Icmp.PREC_CUTOFF) {
                    IcmpErr ie = IcmpErr.of(type, code);
                    e = ie.errno();
                    hard = ie.fatal();
                } else {
                    e = Errno.EHOSTUNREACH;
                }
            }
            default -> e = Errno.EHOSTUNREACH;
        }
        int qdst = Ipv4.dst(skb.buf(), skb.data());
        ipIcmpError(new SockExtendedErr(e, SockExtendedErr.ORIGIN_ICMP, type, code, info, offender, new SockAddrIn(qdst, 0)),
                recverr ? quotedFrom(skb, icmpOff) : null, hard);
    }

    /** Mirrors {@code ping_close()} → {@code sk_common_release()} with {@code ping_unhash()}. */
    @Override
    protected void close() {
        cork.flush();
        if (num != 0) {
            ping.unhash(this, num);
        }
        purgeQueues();
    }
}
