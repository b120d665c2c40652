package io.jnetstack.socket;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.NetDevice;
import io.jnetstack.ipv4.IfAddr;
import io.jnetstack.ipv4.IpForward;
import io.jnetstack.ipv4.Rtable;
import io.jnetstack.wire.Ipv4Address;

/**
 * The SOL_IP options of a socket. Mirrors {@code do_ip_setsockopt()} / {@code do_ip_getsockopt()}
 * and the socket's multicast list ({@code ip_mc_join_group()}, {@code ip_mc_leave_group()},
 * {@code ip_mc_drop_socket()}).
 */
final class SockIpOptions {
    private SockIpOptions() {
    }

    static void set(Sock sk, SockOpt<?> opt, Object value) {
        int v = value instanceof Integer i ? i : 0;
        switch (opt.label()) {
            case "IP_TTL" -> {
                if (v != -1 && (v < 1 || v > 255)) {
                    throw new ErrnoException(Errno.EINVAL, "IP_TTL must be 1..255, or -1 for the default");
                }
                sk.ttl = (short) v;
            }
            case "IP_TOS" -> {
                // __ip_sock_set_tos(): the whole byte for datagram sockets, and the queueing
                // priority follows it (rt_tos2priority).
                sk.tos = (short) (v & 0xff);
                sk.priority = IpForward.tos2priority(sk.tos);
            }
            case "IP_HDRINCL" -> {
                if (sk.type != Socket.SOCK_RAW) {
                    throw new ErrnoException(Errno.ENOPROTOOPT, "IP_HDRINCL is for raw sockets");
                }
                sk.hdrincl = v != 0;
            }
            case "IP_PKTINFO" -> sk.pktinfo = v != 0;
            case "IP_RECVTTL" -> sk.recvTtl = v != 0;
            case "IP_RECVTOS" -> sk.recvTos = v != 0;
            case "IP_RECVERR" -> {
                sk.recverr = v != 0;
                if (!sk.recverr) {
                    sk.errorQueue = null;
                    sk.errQueueBytes = 0;
                }
            }
            case "IP_FREEBIND" -> sk.freebind = v != 0;
            case "IP_MTU_DISCOVER" -> {
                if (v < SockOpt.IP_PMTUDISC_DONT || v > 5) {
                    throw new ErrnoException(Errno.EINVAL, "IP_MTU_DISCOVER must be IP_PMTUDISC_DONT, WANT, DO or PROBE");
                }
                sk.pmtudisc = (byte) v;
            }
            case "IP_MULTICAST_TTL" -> {
                if (v == -1) {
                    v = 1;
                }
                if (v < 0 || v > 255) {
                    throw new ErrnoException(Errno.EINVAL, "IP_MULTICAST_TTL must be 0..255");
                }
                sk.mcTtl = (short) v;
            }
            case "IP_MULTICAST_LOOP" -> sk.mcLoop = v != 0;
            case "IP_MULTICAST_ALL" -> sk.mcAll = v != 0;
            case "IP_MULTICAST_IF" -> multicastIf(sk, (SockOpt.IpMreqn) value);
            case "IP_ADD_MEMBERSHIP" -> join(sk, (SockOpt.IpMreqn) value);
            case "IP_DROP_MEMBERSHIP" -> leave(sk, (SockOpt.IpMreqn) value);
            case "IP_MTU" -> throw new ErrnoException(Errno.ENOPROTOOPT, "IP_MTU can only be read");
            default -> throw new ErrnoException(Errno.ENOPROTOOPT, opt + " is not supported");
        }
    }

    static Object get(Sock sk, SockOpt<?> opt) {
        return switch (opt.label()) {
            case "IP_TTL" -> sk.ttl == -1 ? sk.inet.net().sysctls().entry("net.ipv4.ip_default_ttl").getInt() : sk.ttl;
            case "IP_TOS" -> (int) sk.tos;
            case "IP_HDRINCL" -> sk.hdrincl ? 1 : 0;
            case "IP_PKTINFO" -> sk.pktinfo ? 1 : 0;
            case "IP_RECVTTL" -> sk.recvTtl ? 1 : 0;
            case "IP_RECVTOS" -> sk.recvTos ? 1 : 0;
            case "IP_RECVERR" -> sk.recverr ? 1 : 0;
            case "IP_FREEBIND" -> sk.freebind ? 1 : 0;
            case "IP_MTU_DISCOVER" -> (int) sk.pmtudisc;
            case "IP_MULTICAST_TTL" -> (int) sk.mcTtl;
            case "IP_MULTICAST_LOOP" -> sk.mcLoop ? 1 : 0;
            case "IP_MULTICAST_ALL" -> sk.mcAll ? 1 : 0;
            case "IP_MULTICAST_IF" -> new SockOpt.IpMreqn(0, sk.mcAddr, sk.mcIndex);
            case "IP_MTU" -> pathMtu(sk);
            default -> throw new ErrnoException(Errno.ENOPROTOOPT, opt + " is not supported");
        };
    }

    private static int pathMtu(Sock sk) {
        if (!sk.connected) {
            throw new ErrnoException(Errno.ENOTCONN, "IP_MTU needs a connected socket");
        }
        Rtable rt = sk.inet.routing().output(sk.daddr, sk.saddr, sk.tos, sk.boundDev, sk.mark);
        if (rt == null) {
            throw new ErrnoException(Errno.ENOTCONN, "no route to the peer any more");
        }
        return rt.mtu();
    }

    private static void multicastIf(Sock sk, SockOpt.IpMreqn m) {
        if (m.ifindex() == 0 && m.address() == 0) {
            sk.mcIndex = 0;
            sk.mcAddr = 0;
            return;
        }
        NetDevice dev = m.ifindex() != 0 ? sk.net.device(m.ifindex()) : deviceOf(sk, m.address());
        if (dev == null) {
            throw new ErrnoException(Errno.EADDRNOTAVAIL, "IP_MULTICAST_IF: no interface "
                    + (m.ifindex() != 0 ? "with index " + m.ifindex() : "with address " + Ipv4Address.format(m.address())));
        }
        if (sk.boundDev != null && sk.boundDev != dev) {
            throw new ErrnoException(Errno.EINVAL, "IP_MULTICAST_IF names another device than SO_BINDTODEVICE");
        }
        sk.mcIndex = dev.ifindex();
        sk.mcAddr = m.address();
    }

    private static NetDevice deviceOf(Sock sk, int addr) {
        for (IfAddr a : sk.inet.devinet().all()) {
            if (a.local() == addr) {
                return a.dev();
            }
        }
        return null;
    }

    /** Mirrors {@code ip_mc_find_dev()}: by index, by address, else by the route to the group. */
    private static NetDevice findDev(Sock sk, SockOpt.IpMreqn m) {
        if (m.ifindex() != 0) {
            return sk.net.device(m.ifindex());
        }
        if (m.address() != 0) {
            return deviceOf(sk, m.address());
        }
        Rtable rt = sk.inet.routing().output(m.multiaddr(), 0, 0, null, 0);
        return rt == null ? null : rt.dev;
    }

    /** Mirrors {@code ip_mc_join_group()}. */
    private static void join(Sock sk, SockOpt.IpMreqn m) {
        if (!Ipv4Address.isMulticast(m.multiaddr())) {
            throw new ErrnoException(Errno.EINVAL, Ipv4Address.format(m.multiaddr()) + " is not a multicast group");
        }
        NetDevice dev = findDev(sk, m);
        if (dev == null) {
            throw new ErrnoException(Errno.ENODEV, "no interface to join " + Ipv4Address.format(m.multiaddr())
                    + " on: name one by index or address, or add a route for the group");
        }
        for (int[] e : sk.mcList()) {
            if (e[0] == m.multiaddr() && e[1] == dev.ifindex()) {
                throw new ErrnoException(Errno.EADDRINUSE, "this socket already joined " + Ipv4Address.format(m.multiaddr()) + " on " + dev.name());
            }
        }
        if (sk.mcList().size() >= sk.table.igmpMaxMemberships()) {
            throw new ErrnoException(Errno.ENOBUFS, "net.ipv4.igmp_max_memberships (" + sk.table.igmpMaxMemberships() + ") groups already joined");
        }
        sk.inet.igmp().join(dev, m.multiaddr());
        if (sk.mcList == null) {
            sk.mcList = new java.util.ArrayList<>(1);
        }
        sk.mcList.add(new int[]{m.multiaddr(), dev.ifindex(), m.address()});
    }

    /**
     * Mirrors {@code ip_mc_leave_group()}: the interface is found as for a join (by index, by
     * address, else by the route to the group: ENODEV when none names one); a membership
     * matches by group and interface index or, when no interface was found for an address, by
     * that address.
     */
    private static void leave(Sock sk, SockOpt.IpMreqn m) {
        NetDevice dev = findDev(sk, m);
        if (dev == null && m.ifindex() == 0 && m.address() == 0) {
            throw new ErrnoException(Errno.ENODEV, "no interface to leave " + Ipv4Address.format(m.multiaddr())
                    + " on: name one by index or address, or add a route for the group");
        }
        int ifindex = m.ifindex() != 0 ? m.ifindex() : dev != null ? dev.ifindex() : 0;
        java.util.List<int[]> joined = sk.mcList();
        for (int i = 0; i < joined.size(); i++) {
            int[] e = joined.get(i);
            if (e[0] != m.multiaddr()) {
                continue;
            }
            if (ifindex != 0 ? e[1] != ifindex : m.address() != 0 && m.address() != e[2]) {
                continue;
            }
            joined.remove(i);
            NetDevice d = sk.net.device(e[1]);
            if (d != null) {
                sk.inet.igmp().leave(d, e[0]);
            }
            return;
        }
        throw new ErrnoException(Errno.EADDRNOTAVAIL, "this socket has not joined " + Ipv4Address.format(m.multiaddr()));
    }

    /** Leaves every group the socket joined. Mirrors {@code ip_mc_drop_socket()}. */
    static void dropAll(Sock sk) {
        for (int[] e : sk.mcList()) {
            NetDevice d = sk.net.device(e[1]);
            if (d != null) {
                sk.inet.igmp().leave(d, e[0]);
            }
        }
        sk.mcList = null;
    }
}
