package io.jnetstack.socket;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;
import io.jnetstack.ipv4.Inet;
import io.jnetstack.ipv4.IpCork;
import io.jnetstack.ipv4.IpMib;
import io.jnetstack.ipv4.Rtable;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Address;

/**
 * What the IPv4 datagram sockets (UDP, raw, ping) share: the datagram being built, the output
 * route, the datagram connect, the ancillary data of a send and of a receive, the receive
 * queue, and local and ICMP errors. Mirrors {@code net/ipv4/datagram.c}
 * ({@code ip4_datagram_connect}) and the parts of {@code net/ipv4/ip_sockglue.c} these sockets
 * call ({@code ip_cmsg_send}, {@code ip_cmsg_recv}, {@code ip_local_error},
 * {@code ip_icmp_error}).
 */
public abstract class InetDatagramSock extends Sock implements IpCork.Allocator {
    /** The datagram being built ({@code inet->cork}): one send's, or several corked ones'. */
    protected final IpCork cork;
    /** The deadline of the send whose data the cork is taking ({@link #alloc}). */
    protected long allocDeadline;
    /** An address given to bind() (SOCK_BINDADDR_LOCK): kept by disconnect. */
    protected boolean bindAddrLock;
    /** A port given to bind() (SOCK_BINDPORT_LOCK): kept by disconnect. */
    protected boolean bindPortLock;

    /**
     * The per-send parameters. Mirrors {@code struct ipcm_cookie}: start from the socket
     * ({@code ipcm_init_sk}), overridden by the message's ancillary data.
     *
     * @param oif  output interface index, 0 for any
     * @param src  source address asked for, 0 for the route's
     * @param tos  TOS byte
     * @param ttl  TTL from IP_TTL ancillary data, 0 when none was given
     */
    protected record Ipcm(int oif, int src, int tos, int ttl) {
    }

    /**
     * A routed datagram: its route and the source address it goes out with (the flow's
     * {@code saddr} after {@code ip_route_output_flow()}).
     */
    protected record Flow(Rtable rt, int src) {
    }

    protected InetDatagramSock(Sockets table, int type, int protocol) {
        super(table, type, protocol);
        this.cork = new IpCork(net.inet());
    }

    /**
     * A buffer for the datagram being built, charged to the socket's send buffer. Mirrors
     * {@code sock_alloc_send_skb()} as {@code __ip_append_data()} calls it.
     */
    @Override
    public SkBuff alloc(int headroom, int size) {
        return allocSendSkb(headroom, size, allocDeadline);
    }

    /** The interface bound by SO_BINDTODEVICE ({@code sk_bound_dev_if}), 0 for any. */
    protected int boundOif() {
        return boundDev == null ? 0 : boundDev.ifindex();
    }

    /**
     * The destination of a send: the message's address, else the connected peer; EDESTADDRREQ
     * without either. As {@code udp_sendmsg()}, {@code raw_sendmsg()} and
     * {@code ping_v4_sendmsg()} begin.
     *
     * @param what the socket as the error names it ("raw socket")
     */
    protected SockAddrIn destination(Msghdr msg, String what) {
        if (msg.name() != null) {
            return msg.name();
        }
        if (!connected) {
            throw new ErrnoException(Errno.EDESTADDRREQ, "the " + what + " is not connected: give an address (sendto) or connect() first");
        }
        return new SockAddrIn(daddr, dport);
    }

    /**
     * The socket's send parameters with the message's IP_PKTINFO, IP_TOS and IP_TTL applied.
     * Mirrors {@code ipcm_init_sk()} and {@code ip_cmsg_send()}.
     */
    protected Ipcm cmsgSend(Msghdr msg) {
        int oif = boundOif();
        int src = saddr;
        int sendTos = tos;
        int sendTtl = 0;
        for (Cmsg c : msg.control()) {
            switch (c) {
                case Cmsg.IpPktinfo p -> {
                    if (p.ifindex() != 0) {
                        oif = p.ifindex();
                    }
                    if (p.specDst() != 0) {
                        src = p.specDst();
                    }
                }
                case Cmsg.IpTos x -> sendTos = cmsgTos(x.tos());
                case Cmsg.IpTtl x -> {
                    if (x.ttl() < 1 || x.ttl() > 255) {
                        throw new ErrnoException(Errno.EINVAL, "IP_TTL ancillary data must be 1..255");
                    }
                    sendTtl = x.ttl();
                }
                case Cmsg.IpRecvErr x -> throw new ErrnoException(Errno.EINVAL, "IP_RECVERR is not ancillary data to send");
            }
        }
        return new Ipcm(oif, src, sendTos, sendTtl);
    }

    /**
     * The TOS byte an IP_TOS ancillary datum asks for: here its low byte. UDP overrides this to
     * refuse values outside 0..255, as {@code ip_cmsg_send()} does.
     */
    protected int cmsgTos(int value) {
        return value & 0xff;
    }

    /**
     * The TTL of a datagram to {@code dst}, as {@code __ip_make_skb()} chooses it: the
     * ancillary IP_TTL, else IP_MULTICAST_TTL for multicast, else IP_TTL or
     * {@code net.ipv4.ip_default_ttl} ({@code ip_select_ttl()}).
     */
    protected int ttlFor(Ipcm ipc, int dst) {
        if (ipc.ttl() != 0) {
            return ipc.ttl();
        }
        if (Ipv4Address.isMulticast(dst)) {
            return mcTtl;
        }
        return ttl >= 0 ? ttl : inet.net().sysctls().entry("net.ipv4.ip_default_ttl").getInt();
    }

    /**
     * Routes a datagram to {@code dst} as the datagram senders and {@code ip4_datagram_connect()}
     * do: for a multicast destination, IP_MULTICAST_IF's interface and address stand in for
     * those not chosen; then the route ({@link #routeOutput}), EACCES for a broadcast route
     * without SO_BROADCAST, and the source: the one asked for, else the route's.
     *
     * @param tosByte the TOS the route is looked up with
     * @param traceId the journey id the lookup is traced under, 0 for none
     * @param what    how the EACCES message names the act ("sending to")
     */
    protected Flow routeFlow(int dst, int src, int oif, int tosByte, long traceId, String what) {
        if (Ipv4Address.isMulticast(dst)) {
            if (oif == 0) {
                oif = mcIndex;
            }
            if (src == 0) {
                src = mcAddr;
            }
        }
        Rtable rt = routeOutput(dst, src, tosByte, oif, traceId);
        if ((rt.flags() & Rtable.RTCF_BROADCAST) != 0 && !broadcast) {
            throw new ErrnoException(Errno.EACCES, what + " broadcast " + Ipv4Address.format(dst) + " needs SO_BROADCAST");
        }
        return new Flow(rt, src != 0 ? src : sourceFor(rt, dst));
    }

    /**
     * Routes a datagram. Mirrors {@code ip_route_output_flow()} as the datagram senders call
     * it: ENODEV when the output interface (SO_BINDTODEVICE, IP_PKTINFO, IP_MULTICAST_IF) no
     * longer exists; no route is the routing error as an errno (ENETUNREACH counted in
     * OutNoRoutes).
     */
    protected Rtable routeOutput(int dst, int src, int tosByte, int oif, long traceId) {
        NetDevice dev = oif == 0 ? null : net.device(oif);
        if (oif != 0 && dev == null) {
            throw new ErrnoException(Errno.ENODEV, "no interface with index " + oif + " in namespace " + net.name());
        }
        Tracer t = kernel.tracer();
        t.enter(Stage.IP_ROUTE_OUTPUT_FLOW, traceId, net.name(), dev == null ? "" : dev.name());
        Rtable rt;
        try {
            rt = inet.routing().output(dst, src, tosByte, dev, mark);
        } finally {
            t.exit();
        }
        if (rt == null) {
            Errno e = inet.routing().lastError();
            if (e == null || e == Errno.ENETUNREACH) {
                inet.ipMib().inc(IpMib.OutNoRoutes);
            }
            throw new ErrnoException(e == null ? Errno.ENETUNREACH : e, "no route to " + Ipv4Address.format(dst)
                    + (dev == null ? "" : " via " + dev.name()) + " in namespace " + net.name());
        }
        return rt;
    }

    /** The source address the route gives for {@code dst} (its preferred source, else the device's). */
    protected int sourceFor(Rtable rt, int dst) {
        if (rt.prefsrc() != 0) {
            return rt.prefsrc();
        }
        return inet.devinet().selectAddress(rt.dev, dst, Inet.SCOPE_UNIVERSE);
    }

    /**
     * Sets the default peer. Mirrors {@code ip4_datagram_connect()}: the route to the peer
     * ({@link #routeFlow}: EACCES for broadcast without SO_BROADCAST), its source address kept
     * as the socket's when none was bound, the peer remembered (0.0.0.0 as 127.0.0.1).
     */
    protected void ip4DatagramConnect(SockAddrIn addr) {
        Flow f = routeFlow(addr.addr(), saddr, boundOif(), tos, 0, "connect to");
        if (saddr == 0) {
            // The route's source even where IP_MULTICAST_IF named one (UdpSock takes that one).
            saddr = sourceFor(f.rt(), addr.addr());
        }
        setPeer(addr.addr() == 0 ? Ipv4Address.LOOPBACK : addr.addr(), addr.port());
    }

    /**
     * The end of {@code ip4_datagram_connect()}: the bound address follows the source when none
     * was bound, and the peer is remembered.
     */
    protected void setPeer(int dst, int port) {
        if (rcvSaddr == 0) {
            rcvSaddr = saddr;
        }
        daddr = dst;
        dport = port;
        connected = true;
    }

    /**
     * Dissolves the association. Mirrors the address part of {@code __udp_disconnect()}: the
     * peer is forgotten, and the source address too unless bind() chose it.
     */
    protected void datagramDisconnect() {
        connected = false;
        daddr = 0;
        dport = 0;
        if (!bindAddrLock) {
            rcvSaddr = 0;
            saddr = 0;
        }
    }

    /**
     * Queues a received datagram, traced as {@code sock_queue_rcv_skb}; one the receive queue
     * refuses is dropped with the reason ({@code kfree_skb_reason}), as {@code raw_rcv_skb()},
     * {@code __ping_queue_rcv_skb()} and {@code __udp_queue_rcv_skb()} do.
     *
     * @return whether it was queued
     */
    public boolean queueRcvOrDrop(SkBuff skb) {
        Tracer t = kernel.tracer();
        t.enter(Stage.SOCK_QUEUE_RCV_SKB, skb, net.name(), skb.dev == null ? "" : skb.dev.name());
        DropReason r;
        try {
            r = queueRcvSkb(skb);
        } finally {
            t.exit();
        }
        if (r != null) {
            net.drop(skb, r);
            return false;
        }
        return true;
    }

    /**
     * Hands a received datagram to the user: its data cut to the buffers (MSG_TRUNC in the
     * message's flags when cut), the sender ({@code msg_name}, with {@code srcPort}) and the
     * ancillary data asked for ({@link #cmsgRecv}). What {@code udp_recvmsg()},
     * {@code raw_recvmsg()} and {@code ping_recvmsg()} share.
     *
     * @return the bytes copied
     */
    protected int copyDatagram(Msghdr msg, SkBuff skb, int srcPort) {
        int len = skb.len();
        int copied = (int) Math.min(len, msg.remaining());
        copyToIov(skb, 0, copied, msg.iov());
        msg.name(new SockAddrIn(Ipv4.src(skb.buf(), skb.networkHeader()), srcPort));
        cmsgRecv(msg, skb);
        msg.flags(copied < len ? Socket.MSG_TRUNC : 0);
        return copied;
    }

    /**
     * Adds the ancillary data the socket asked for about a received datagram (network header
     * marked). Mirrors {@code ip_cmsg_recv()}: IP_PKTINFO, IP_TTL, IP_TOS.
     */
    protected void cmsgRecv(Msghdr msg, SkBuff skb) {
        byte[] b = skb.buf();
        int nh = skb.networkHeader();
        if (pktinfo) {
            int dst = Ipv4.dst(b, nh);
            int spec = inet.routing().addressType(dst) == Rtable.RTN_LOCAL ? dst
                    : inet.devinet().selectAddress(skb.dev, Ipv4.src(b, nh), Inet.SCOPE_UNIVERSE);
            msg.control().add(new Cmsg.IpPktinfo(skb.dev == null ? 0 : skb.dev.ifindex(), spec, dst));
        }
        if (recvTtl) {
            msg.control().add(new Cmsg.IpTtl(Ipv4.ttl(b, nh)));
        }
        if (recvTos) {
            msg.control().add(new Cmsg.IpTos(Ipv4.tos(b, nh)));
        }
    }

    /**
     * Queues a local error for IP_RECVERR. Mirrors {@code ip_local_error()}: nothing without
     * IP_RECVERR.
     */
    protected void localError(Errno e, int dst, int port, int info) {
        if (recverr) {
            queueError(new SockExtendedErr(e, SockExtendedErr.ORIGIN_LOCAL, 0, 0, info, 0, new SockAddrIn(dst, port)), new byte[0]);
        }
    }

    /**
     * Reports an ICMP error about a datagram this socket sent. Mirrors {@code ip_icmp_error()}
     * with the end the protocols' error handlers ({@code __udp4_lib_err}, {@code raw_err},
     * {@code ping_err}) share: with IP_RECVERR the error is queued with {@code payload} and
     * becomes the pending error; without it only a hard error on a connected socket does.
     *
     * @param payload the quoted datagram the error queue returns (unused without IP_RECVERR)
     */
    protected void ipIcmpError(SockExtendedErr ee, byte[] payload, boolean hard) {
        if (recverr) {
            queueError(ee, payload);
        } else if (!hard || !connected) {
            return;
        }
        reportError(ee.errno());
    }

    /** The bytes of {@code skb} from {@code from} on: the part of a quoted datagram IP_RECVERR returns. */
    protected static byte[] quotedFrom(SkBuff skb, int from) {
        byte[] payload = new byte[Math.max(0, skb.len() - from)];
        skb.copyBits(from, payload, 0, payload.length);
        return payload;
    }

    /** Whether IP_RECVERR is on. */
    public boolean recvErr() {
        return recverr;
    }

    /** Whether IP_HDRINCL is on. */
    public boolean hdrIncl() {
        return hdrincl;
    }

    /** Bytes of the datagram being built (corked). */
    public int corkedBytes() {
        return cork.length();
    }

    @Override
    protected int poll() {
        return datagramPoll();
    }
}
