package io.jnetstack.socket;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;
import io.jnetstack.ipv4.Inet;
import io.jnetstack.ipv4.IpMib;
import io.jnetstack.ipv4.Rtable;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Address;

/**
 * What the IPv4 datagram sockets other than UDP (raw, ping) share: the output route, the
 * datagram connect, the ancillary data of a send and of a receive, and local errors. Mirrors
 * {@code net/ipv4/datagram.c} ({@code ip4_datagram_connect}) and the parts of
 * {@code net/ipv4/ip_sockglue.c} these sockets call ({@code ip_cmsg_send},
 * {@code ip_cmsg_recv}, {@code ip_local_error}).
 */
public abstract class InetDatagramSock extends Sock {
    /** An address given to bind() (SOCK_BINDADDR_LOCK): kept by disconnect. */
    protected boolean bindAddrLock;

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

    protected InetDatagramSock(Sockets table, int type, int protocol) {
        super(table, type, protocol);
    }

    /**
     * The socket's send parameters with the message's IP_PKTINFO, IP_TOS and IP_TTL applied.
     * Mirrors {@code ipcm_init_sk()} and {@code ip_cmsg_send()}.
     */
    protected Ipcm cmsgSend(Msghdr msg) {
        int oif = boundDev == null ? 0 : boundDev.ifindex();
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
                case Cmsg.IpTos x -> sendTos = x.tos() & 0xff;
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
     * Routes a datagram. Mirrors {@code ip_route_output_flow()} as the datagram senders call
     * it: no route is the routing error as an errno (ENETUNREACH counted in OutNoRoutes).
     */
    protected Rtable routeOutput(int dst, int src, int tosByte, int oif) {
        NetDevice dev = oif == 0 ? null : net.device(oif);
        if (oif != 0 && dev == null) {
            throw new ErrnoException(Errno.ENODEV, "no interface with index " + oif + " in namespace " + net.name());
        }
        Tracer t = kernel.tracer();
        t.enter(Stage.IP_ROUTE_OUTPUT_FLOW, null, net.name(), dev == null ? "" : dev.name());
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
     * (EACCES for broadcast without SO_BROADCAST), its source address kept as the socket's when
     * none was bound, the peer remembered.
     */
    protected void ip4DatagramConnect(SockAddrIn addr) {
        int oif = boundDev == null ? 0 : boundDev.ifindex();
        int src = saddr;
        if (Ipv4Address.isMulticast(addr.addr())) {
            if (oif == 0) {
                oif = mcIndex;
            }
            if (src == 0) {
                src = mcAddr;
            }
        }
        Rtable rt = routeOutput(addr.addr(), src, tos, oif);
        if ((rt.flags() & Rtable.RTCF_BROADCAST) != 0 && !broadcast) {
            throw new ErrnoException(Errno.EACCES, "connect to broadcast " + Ipv4Address.format(addr.addr()) + " needs SO_BROADCAST");
        }
        if (saddr == 0) {
            saddr = sourceFor(rt, addr.addr());
        }
        if (rcvSaddr == 0) {
            rcvSaddr = saddr;
        }
        daddr = addr.addr() == 0 ? Ipv4Address.LOOPBACK : addr.addr();
        dport = addr.port();
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

    /** Whether IP_RECVERR is on. */
    public boolean recvErr() {
        return recverr;
    }

    /** Whether IP_HDRINCL is on. */
    public boolean hdrIncl() {
        return hdrincl;
    }

    @Override
    protected int poll() {
        return datagramPoll();
    }
}
