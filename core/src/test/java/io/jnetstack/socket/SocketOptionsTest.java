package io.jnetstack.socket;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.ipv4.udp.Udp;
import io.jnetstack.ipv4.udp.UdpMib;
import io.jnetstack.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.jnetstack.socket.Lan.A;
import static io.jnetstack.socket.Lan.B;
import static io.jnetstack.socket.Lan.buf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** setsockopt(2)/getsockopt(2) at SOL_SOCKET, SOL_IP and SOL_UDP on UDP sockets, values and effects. */
class SocketOptionsTest {
    final Lan lan = new Lan(12);

    static Errno errno(Runnable r) {
        return assertThrows(ErrnoException.class, r::run).errno();
    }

    // ================================================================ SO_REUSEADDR, SO_REUSEPORT

    @Test
    void soReuseaddrOnBothSharesAPort() {
        Socket s1 = Lan.udp(lan.b);
        Socket s2 = Lan.udp(lan.b);
        assertEquals(0, s1.getsockopt(SockOpt.SO_REUSEADDR));
        s1.setsockopt(SockOpt.SO_REUSEADDR, 1);
        assertEquals(1, s1.getsockopt(SockOpt.SO_REUSEADDR));
        s1.bind(new SockAddrIn(0, 7000));
        assertEquals(Errno.EADDRINUSE, errno(() -> s2.bind(new SockAddrIn(0, 7000))), "only one side set it");
        s2.setsockopt(SockOpt.SO_REUSEADDR, 1);
        s2.bind(new SockAddrIn(0, 7000));
        assertEquals(7000, s2.getsockname().port());
    }

    @Test
    void differentAddressesOrDevicesDoNotConflict() {
        Socket any = Lan.udp(lan.r);
        any.bind(new SockAddrIn(Lan.R1, 7000));
        Socket other = Lan.udp(lan.r);
        other.bind(new SockAddrIn(Lan.R2, 7000));
        Socket wild = Lan.udp(lan.r);
        assertEquals(Errno.EADDRINUSE, errno(() -> wild.bind(new SockAddrIn(0, 7000))), "0.0.0.0 overlaps both");
        Socket d0 = Lan.udp(lan.r);
        d0.setsockopt(SockOpt.SO_BINDTODEVICE, "veth0");
        d0.bind(new SockAddrIn(0, 7001));
        Socket d1 = Lan.udp(lan.r);
        d1.setsockopt(SockOpt.SO_BINDTODEVICE, "veth1");
        d1.bind(new SockAddrIn(0, 7001));
        assertEquals("veth1", d1.getsockopt(SockOpt.SO_BINDTODEVICE));
    }

    @Test
    void soReuseportSpreadsFlowsByHashAndKeepsEachFlowOnOneSocket() {
        List<Socket> group = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Socket s = Lan.udp(lan.b);
            s.setsockopt(SockOpt.SO_REUSEPORT, 1);
            s.bind(new SockAddrIn(0, 7000));
            group.add(s);
        }
        assertEquals(1, group.get(0).getsockopt(SockOpt.SO_REUSEPORT));
        Socket loner = Lan.udp(lan.b);
        assertEquals(Errno.EADDRINUSE, errno(() -> loner.bind(new SockAddrIn(0, 7000))), "without SO_REUSEPORT");

        Set<Integer> used = new HashSet<>();
        for (int flow = 0; flow < 32; flow++) {
            Socket tx = Lan.udp(lan.a);
            tx.bind(new SockAddrIn(0, 20000 + flow));
            for (int i = 0; i < 3; i++) {
                tx.sendto(buf("flow " + flow), 0, new SockAddrIn(B, 7000));
            }
            lan.settle();
            int holder = -1;
            for (int g = 0; g < group.size(); g++) {
                long n = group.get(g).ioctl(Socket.FIONREAD, 0);
                if (n > 0) {
                    assertEquals(-1, holder, "flow " + flow + " reached two sockets");
                    holder = g;
                    for (int i = 0; i < 3; i++) {
                        assertEquals(("flow " + flow).length(), group.get(g).recv(ByteBuffer.allocate(64), Socket.MSG_DONTWAIT),
                                "every datagram of the flow on the same socket");
                    }
                }
            }
            assertTrue(holder >= 0, "flow " + flow + " was delivered");
            used.add(holder);
            tx.close();
        }
        assertTrue(used.size() >= 3, "32 flows spread over the group, used " + used);
    }

    @Test
    void aConnectedSocketBeatsTheWildcardOne() {
        Socket wild = Lan.udp(lan.b);
        wild.setsockopt(SockOpt.SO_REUSEADDR, 1);
        wild.bind(new SockAddrIn(0, 7000));
        Socket conn = Lan.udp(lan.b);
        conn.setsockopt(SockOpt.SO_REUSEADDR, 1);
        conn.bind(new SockAddrIn(0, 7000));
        conn.connect(new SockAddrIn(A, 4000));
        Socket fromA4000 = Lan.udp(lan.a);
        fromA4000.bind(new SockAddrIn(0, 4000));
        Socket fromA4001 = Lan.udp(lan.a);
        fromA4001.bind(new SockAddrIn(0, 4001));
        fromA4000.sendto(buf("to conn"), 0, new SockAddrIn(B, 7000));
        fromA4001.sendto(buf("to wild"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        assertEquals(7, conn.ioctl(Socket.FIONREAD, 0));
        assertEquals(7, wild.ioctl(Socket.FIONREAD, 0));
        ByteBuffer in = ByteBuffer.allocate(10);
        conn.recv(in, 0);
        assertEquals("to conn", Lan.str(in));
    }

    // ================================================================ SO_BROADCAST

    @Test
    void soBroadcastValue() {
        Socket s = Lan.udp(lan.a);
        assertEquals(0, s.getsockopt(SockOpt.SO_BROADCAST));
        s.setsockopt(SockOpt.SO_BROADCAST, 1);
        assertEquals(1, s.getsockopt(SockOpt.SO_BROADCAST));
        s.setsockopt(SockOpt.SO_BROADCAST, 0);
        assertEquals(0, s.getsockopt(SockOpt.SO_BROADCAST));
    }

    // ================================================================ SO_RCVBUF, SO_SNDBUF

    @Test
    void bufferSizesDefaultToTheSysctls() {
        Socket s = Lan.udp(lan.a);
        assertEquals(212992, s.getsockopt(SockOpt.SO_RCVBUF), "net.core.rmem_default");
        assertEquals(212992, s.getsockopt(SockOpt.SO_SNDBUF), "net.core.wmem_default");
    }

    @Test
    void bufferSizesAreDoubledClampedToTheMaxAndFloored() {
        Socket s = Lan.udp(lan.a);
        s.setsockopt(SockOpt.SO_RCVBUF, 10000);
        assertEquals(20000, s.getsockopt(SockOpt.SO_RCVBUF), "doubled for bookkeeping overhead");
        s.setsockopt(SockOpt.SO_SNDBUF, 10000);
        assertEquals(20000, s.getsockopt(SockOpt.SO_SNDBUF));
        s.setsockopt(SockOpt.SO_RCVBUF, 1 << 30);
        assertEquals(2 * 212992, s.getsockopt(SockOpt.SO_RCVBUF), "net.core.rmem_max, doubled");
        s.setsockopt(SockOpt.SO_SNDBUF, 1 << 30);
        assertEquals(2 * 212992, s.getsockopt(SockOpt.SO_SNDBUF), "net.core.wmem_max, doubled");
        s.setsockopt(SockOpt.SO_RCVBUF, 0);
        assertEquals(2304, s.getsockopt(SockOpt.SO_RCVBUF), "SOCK_MIN_RCVBUF");
        s.setsockopt(SockOpt.SO_SNDBUF, 1);
        assertEquals(4608, s.getsockopt(SockOpt.SO_SNDBUF), "SOCK_MIN_SNDBUF");
        s.setsockopt(SockOpt.SO_RCVBUF, -1);
        assertEquals(2 * 212992, s.getsockopt(SockOpt.SO_RCVBUF), "a negative size is a huge unsigned one");
        s.setsockopt(SockOpt.SO_SNDBUF, -5);
        assertEquals(2 * 212992, s.getsockopt(SockOpt.SO_SNDBUF));
    }

    @Test
    void raisingRmemMaxAllowsLargerBuffers() {
        lan.k.coreSysctls().set("net.core.rmem_max", "1000000");
        Socket s = Lan.udp(lan.a);
        s.setsockopt(SockOpt.SO_RCVBUF, 800000);
        assertEquals(1600000, s.getsockopt(SockOpt.SO_RCVBUF));
    }

    // ================================================================ SO_RCVTIMEO, SO_SNDTIMEO

    @Test
    void timeoutsReadBackAsSet() {
        Socket s = Lan.udp(lan.a);
        assertEquals(Duration.ZERO, s.getsockopt(SockOpt.SO_RCVTIMEO), "none");
        assertEquals(Duration.ZERO, s.getsockopt(SockOpt.SO_SNDTIMEO));
        s.setsockopt(SockOpt.SO_RCVTIMEO, Duration.ofMillis(1500));
        s.setsockopt(SockOpt.SO_SNDTIMEO, Duration.ofSeconds(2));
        assertEquals(Duration.ofMillis(1500), s.getsockopt(SockOpt.SO_RCVTIMEO));
        assertEquals(Duration.ofSeconds(2), s.getsockopt(SockOpt.SO_SNDTIMEO));
        s.setsockopt(SockOpt.SO_RCVTIMEO, Duration.ZERO);
        assertEquals(Duration.ZERO, s.getsockopt(SockOpt.SO_RCVTIMEO), "zero: wait forever");
    }

    @Test
    void aNegativeTimeoutMeansNoTimeoutAndAHugeOneForever() {
        Socket s = Lan.udp(lan.a);
        s.setsockopt(SockOpt.SO_RCVTIMEO, Duration.ofSeconds(3));
        s.setsockopt(SockOpt.SO_RCVTIMEO, Duration.ofSeconds(-1));
        assertEquals(Duration.ZERO, s.getsockopt(SockOpt.SO_RCVTIMEO), "sock_set_timeout: a negative time is 0");
        s.setsockopt(SockOpt.SO_SNDTIMEO, Duration.ofSeconds(Long.MAX_VALUE));
        assertEquals(Duration.ZERO, s.getsockopt(SockOpt.SO_SNDTIMEO), "beyond MAX_SCHEDULE_TIMEOUT: forever");
    }

    // ================================================================ SO_ERROR, SO_TYPE, read-only options

    @Test
    void soErrorIsZeroUntilAnErrorAndReadOnlyOptionsCannotBeSet() {
        Socket s = Lan.udp(lan.a);
        assertEquals(0, s.getsockopt(SockOpt.SO_ERROR));
        assertEquals(Socket.SOCK_DGRAM, s.getsockopt(SockOpt.SO_TYPE));
        assertEquals(0, s.getsockopt(SockOpt.SO_ACCEPTCONN));
        assertEquals(Errno.ENOPROTOOPT, errno(() -> s.setsockopt(SockOpt.SO_ERROR, 0)));
        assertEquals(Errno.ENOPROTOOPT, errno(() -> s.setsockopt(SockOpt.SO_TYPE, Socket.SOCK_RAW)));
    }

    @Test
    void soErrorReportsAndClearsThePendingError() {
        Socket s = Lan.udp(lan.a);
        s.connect(new SockAddrIn(B, 9));
        s.send(buf("refused"), 0);
        lan.settle();
        assertEquals(Errno.ECONNREFUSED.code(), s.getsockopt(SockOpt.SO_ERROR));
        assertEquals(0, s.getsockopt(SockOpt.SO_ERROR), "reading it clears it");
        s.send(buf("refused"), 0);
        lan.k.runFor(2_000_000_000L);
        assertEquals(Errno.ECONNREFUSED.code(), s.getsockopt(SockOpt.SO_ERROR));
    }

    // ================================================================ SO_BINDTODEVICE

    @Test
    void soBindtodeviceNamesADevice() {
        Socket s = Lan.udp(lan.r);
        assertEquals("", s.getsockopt(SockOpt.SO_BINDTODEVICE));
        assertEquals(Errno.ENODEV, errno(() -> s.setsockopt(SockOpt.SO_BINDTODEVICE, "eth9")));
        s.setsockopt(SockOpt.SO_BINDTODEVICE, "veth0");
        assertEquals("veth0", s.getsockopt(SockOpt.SO_BINDTODEVICE));
        s.setsockopt(SockOpt.SO_BINDTODEVICE, "");
        assertEquals("", s.getsockopt(SockOpt.SO_BINDTODEVICE));
    }

    @Test
    void soBindtodeviceReceivesOnlyFromItsDevice() {
        Socket onA = Lan.udp(lan.r);
        onA.setsockopt(SockOpt.SO_BINDTODEVICE, "veth0");
        onA.bind(new SockAddrIn(0, 7000));
        Socket fromA = Lan.udp(lan.a);
        Socket fromB = Lan.udp(lan.b);
        fromA.sendto(buf("via veth0"), 0, new SockAddrIn(Lan.R1, 7000));
        fromB.sendto(buf("via veth1"), 0, new SockAddrIn(Lan.R2, 7000));
        lan.settle();
        assertEquals(9, onA.recv(ByteBuffer.allocate(20), Socket.MSG_DONTWAIT));
        assertEquals(Errno.EAGAIN, errno(() -> onA.recv(ByteBuffer.allocate(20), Socket.MSG_DONTWAIT)));
        assertEquals(1, Udp.of(lan.r).mib().get(UdpMib.NoPorts), "the datagram from B found no socket");
    }

    @Test
    void soBindtodeviceSendsOutOfItsDeviceEvenWithoutARoute() {
        lan.dropDefaultRouteOfA();
        Socket s = Lan.udp(lan.a);
        assertEquals(Errno.ENETUNREACH, errno(() -> s.sendto(buf("x"), 0, new SockAddrIn(B, 7000))));
        FrameLog out = FrameLog.on(lan.aEth);
        s.setsockopt(SockOpt.SO_BINDTODEVICE, "veth0");
        assertEquals(1, s.sendto(buf("x"), 0, new SockAddrIn(B, 7000)),
                "with a device and no route the destination is taken to be on link");
        lan.settle();
        assertTrue(out.all().stream().anyMatch(f -> io.jnetstack.wire.Ethernet.etherType(f.bytes(), 0)
                == io.jnetstack.wire.EtherType.ARP), "B is looked for on veth0");
    }

    @Test
    void disconnectAlsoForgetsTheBoundDevice() {
        Socket s = Lan.udp(lan.a);
        s.setsockopt(SockOpt.SO_BINDTODEVICE, "veth0");
        s.connect(new SockAddrIn(B, 7000));
        s.disconnect();
        assertEquals("", s.getsockopt(SockOpt.SO_BINDTODEVICE), "udp_disconnect clears sk_bound_dev_if");
    }

    // ================================================================ IP_TTL, IP_TOS, IP_HDRINCL

    @Test
    void ipTtlValues() {
        Socket s = Lan.udp(lan.a);
        assertEquals(64, s.getsockopt(SockOpt.IP_TTL), "net.ipv4.ip_default_ttl");
        s.setsockopt(SockOpt.IP_TTL, 200);
        assertEquals(200, s.getsockopt(SockOpt.IP_TTL));
        assertEquals(Errno.EINVAL, errno(() -> s.setsockopt(SockOpt.IP_TTL, 0)));
        assertEquals(Errno.EINVAL, errno(() -> s.setsockopt(SockOpt.IP_TTL, 256)));
        s.setsockopt(SockOpt.IP_TTL, -1);
        lan.a.sysctls().set("net.ipv4.ip_default_ttl", "99");
        assertEquals(99, s.getsockopt(SockOpt.IP_TTL), "-1 follows the sysctl");
    }

    @Test
    void ipTtlAndIpTosAreInTheEmittedPackets() {
        FrameLog out = FrameLog.on(lan.aEth);
        Socket s = Lan.udp(lan.a);
        s.sendto(buf("default"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        assertEquals(64, out.lastUdp().ttl());
        assertEquals(0, out.lastUdp().tos());
        s.setsockopt(SockOpt.IP_TTL, 7);
        s.setsockopt(SockOpt.IP_TOS, 0xb8);
        assertEquals(0xb8, s.getsockopt(SockOpt.IP_TOS));
        s.sendto(buf("marked"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        assertEquals(7, out.lastUdp().ttl());
        assertEquals(0xb8, out.lastUdp().tos(), "the whole byte, ECN bits included, for a datagram socket");
    }

    @Test
    void ipTosSetsThePriorityAsRtTos2priority() {
        Socket s = Lan.udp(lan.a);
        s.setsockopt(SockOpt.IP_TOS, 0x10);
        assertEquals(6, s.getsockopt(SockOpt.SO_PRIORITY), "IPTOS_LOWDELAY: TC_PRIO_INTERACTIVE");
        s.setsockopt(SockOpt.IP_TOS, 0x08);
        assertEquals(2, s.getsockopt(SockOpt.SO_PRIORITY), "IPTOS_THROUGHPUT: TC_PRIO_BULK");
        s.setsockopt(SockOpt.IP_TOS, 0x1ff);
        assertEquals(0xff, s.getsockopt(SockOpt.IP_TOS), "stored as a byte");
    }

    @Test
    void ipHdrinclIsForRawSocketsOnly() {
        Socket s = Lan.udp(lan.a);
        assertEquals(Errno.ENOPROTOOPT, errno(() -> s.setsockopt(SockOpt.IP_HDRINCL, 1)));
        assertEquals(0, s.getsockopt(SockOpt.IP_HDRINCL), "readable, and off");
    }

    // ================================================================ multicast options

    @Test
    void multicastOptionDefaultsAndRanges() {
        Socket s = Lan.udp(lan.a);
        assertEquals(1, s.getsockopt(SockOpt.IP_MULTICAST_TTL));
        assertEquals(1, s.getsockopt(SockOpt.IP_MULTICAST_LOOP));
        assertEquals(1, s.getsockopt(SockOpt.IP_MULTICAST_ALL));
        assertEquals(new SockOpt.IpMreqn(0, 0, 0), s.getsockopt(SockOpt.IP_MULTICAST_IF));
        s.setsockopt(SockOpt.IP_MULTICAST_TTL, 0);
        assertEquals(0, s.getsockopt(SockOpt.IP_MULTICAST_TTL), "0 keeps it on this host");
        s.setsockopt(SockOpt.IP_MULTICAST_TTL, -1);
        assertEquals(1, s.getsockopt(SockOpt.IP_MULTICAST_TTL), "-1 is the default");
        assertEquals(Errno.EINVAL, errno(() -> s.setsockopt(SockOpt.IP_MULTICAST_TTL, 256)));
        assertEquals(Errno.EINVAL, errno(() -> s.setsockopt(SockOpt.IP_MULTICAST_TTL, -2)));
        s.setsockopt(SockOpt.IP_MULTICAST_LOOP, 0);
        assertEquals(0, s.getsockopt(SockOpt.IP_MULTICAST_LOOP));
    }

    @Test
    void ipMulticastIfByAddressOrIndex() {
        Socket s = Lan.udp(lan.a);
        int idx = lan.aEth.ifindex();
        s.setsockopt(SockOpt.IP_MULTICAST_IF, new SockOpt.IpMreqn(0, A, 0));
        assertEquals(new SockOpt.IpMreqn(0, A, idx), s.getsockopt(SockOpt.IP_MULTICAST_IF));
        s.setsockopt(SockOpt.IP_MULTICAST_IF, new SockOpt.IpMreqn(0, 0, idx));
        assertEquals(new SockOpt.IpMreqn(0, 0, idx), s.getsockopt(SockOpt.IP_MULTICAST_IF));
        s.setsockopt(SockOpt.IP_MULTICAST_IF, new SockOpt.IpMreqn(0, 0, 0));
        assertEquals(new SockOpt.IpMreqn(0, 0, 0), s.getsockopt(SockOpt.IP_MULTICAST_IF), "any: routing decides");
        assertEquals(Errno.EADDRNOTAVAIL, errno(() -> s.setsockopt(SockOpt.IP_MULTICAST_IF, new SockOpt.IpMreqn(0, B, 0))));
        assertEquals(Errno.EADDRNOTAVAIL, errno(() -> s.setsockopt(SockOpt.IP_MULTICAST_IF, new SockOpt.IpMreqn(0, 0, 99))));
        s.setsockopt(SockOpt.SO_BINDTODEVICE, "lo");
        assertEquals(Errno.EINVAL, errno(() -> s.setsockopt(SockOpt.IP_MULTICAST_IF, new SockOpt.IpMreqn(0, 0, idx))),
                "another device than SO_BINDTODEVICE");
    }

    @Test
    void multicastSendUsesTheMulticastTtlAndInterface() {
        lan.dropDefaultRouteOfA();
        FrameLog out = FrameLog.on(lan.aEth);
        Socket s = Lan.udp(lan.a);
        int group = Ipv4Address.parse("239.1.2.3");
        assertEquals(Errno.ENETUNREACH, errno(() -> s.sendto(buf("x"), 0, new SockAddrIn(group, 5000))),
                "no route for the group and no IP_MULTICAST_IF");
        s.setsockopt(SockOpt.IP_MULTICAST_IF, new SockOpt.IpMreqn(0, 0, lan.aEth.ifindex()));
        s.setsockopt(SockOpt.IP_TTL, 100);
        s.sendto(buf("to the group"), 0, new SockAddrIn(group, 5000));
        lan.settle();
        FrameLog.Frame f = out.lastUdp();
        assertEquals(1, f.ttl(), "IP_MULTICAST_TTL (default 1), not IP_TTL");
        assertEquals(group, f.dst());
        assertEquals(A, f.src(), "the interface's address");
        assertEquals(0x01005e010203L, f.dstMac(), "the group's MAC (RFC 1112 §6.4)");
        s.setsockopt(SockOpt.IP_MULTICAST_TTL, 9);
        s.sendto(buf("further"), 0, new SockAddrIn(group, 5000));
        lan.settle();
        assertEquals(9, out.lastUdp().ttl());
    }

    @Test
    void multicastSendFollowsTheRouteWithoutAnInterface() {
        FrameLog out = FrameLog.on(lan.aEth);
        Socket s = Lan.udp(lan.a);
        s.sendto(buf("by route"), 0, SockAddrIn.of("239.9.9.9", 5000));
        lan.settle();
        assertEquals(1, out.udp().size(), "the default route's device");
        assertEquals(1, out.lastUdp().ttl());
    }

    @Test
    void membershipErrors() {
        Socket s = Lan.udp(lan.a);
        int group = Ipv4Address.parse("239.1.1.1");
        assertEquals(Errno.EINVAL, errno(() -> s.setsockopt(SockOpt.IP_ADD_MEMBERSHIP, new SockOpt.IpMreqn(B, 0, 0))),
                "not a multicast address");
        s.setsockopt(SockOpt.IP_ADD_MEMBERSHIP, new SockOpt.IpMreqn(group, A, 0));
        assertTrue(lan.a.inet().igmp().isMember(lan.aEth, group));
        assertEquals(Errno.EADDRINUSE, errno(() -> s.setsockopt(SockOpt.IP_ADD_MEMBERSHIP, new SockOpt.IpMreqn(group, 0, lan.aEth.ifindex()))),
                "the same group on the same interface twice");
        assertEquals(Errno.EADDRNOTAVAIL, errno(() -> s.setsockopt(SockOpt.IP_DROP_MEMBERSHIP,
                new SockOpt.IpMreqn(Ipv4Address.parse("239.1.1.2"), 0, 0))), "not joined");
        s.setsockopt(SockOpt.IP_DROP_MEMBERSHIP, new SockOpt.IpMreqn(group, 0, 0));
        assertFalse(lan.a.inet().igmp().isMember(lan.aEth, group));
        assertEquals(Errno.EADDRNOTAVAIL, errno(() -> s.setsockopt(SockOpt.IP_DROP_MEMBERSHIP, new SockOpt.IpMreqn(group, 0, 0))),
                "dropped already");
    }

    @Test
    void membershipsAreLimitedByIgmpMaxMemberships() {
        lan.a.sysctls().set("net.ipv4.igmp_max_memberships", "2");
        Socket s = Lan.udp(lan.a);
        s.setsockopt(SockOpt.IP_ADD_MEMBERSHIP, new SockOpt.IpMreqn(Ipv4Address.parse("239.0.0.1"), 0, 0));
        s.setsockopt(SockOpt.IP_ADD_MEMBERSHIP, new SockOpt.IpMreqn(Ipv4Address.parse("239.0.0.2"), 0, 0));
        assertEquals(Errno.ENOBUFS, errno(() -> s.setsockopt(SockOpt.IP_ADD_MEMBERSHIP,
                new SockOpt.IpMreqn(Ipv4Address.parse("239.0.0.3"), 0, 0))));
        Socket other = Lan.udp(lan.a);
        other.setsockopt(SockOpt.IP_ADD_MEMBERSHIP, new SockOpt.IpMreqn(Ipv4Address.parse("239.0.0.3"), 0, 0));
    }

    @Test
    void aJoinNeedsAnInterface() {
        lan.dropDefaultRouteOfA();
        Socket s = Lan.udp(lan.a);
        assertEquals(Errno.ENODEV, errno(() -> s.setsockopt(SockOpt.IP_ADD_MEMBERSHIP,
                new SockOpt.IpMreqn(Ipv4Address.parse("239.0.0.1"), 0, 0))), "no route for the group");
        assertEquals(Errno.ENODEV, errno(() -> s.setsockopt(SockOpt.IP_DROP_MEMBERSHIP,
                new SockOpt.IpMreqn(Ipv4Address.parse("239.0.0.1"), 0, 0))));
    }

    @Test
    void closeLeavesTheGroups() {
        Socket s = Lan.udp(lan.a);
        Socket t = Lan.udp(lan.a);
        int group = Ipv4Address.parse("239.1.1.1");
        s.setsockopt(SockOpt.IP_ADD_MEMBERSHIP, new SockOpt.IpMreqn(group, 0, 0));
        t.setsockopt(SockOpt.IP_ADD_MEMBERSHIP, new SockOpt.IpMreqn(group, 0, 0));
        s.close();
        assertTrue(lan.a.inet().igmp().isMember(lan.aEth, group), "t still is a member");
        t.close();
        assertFalse(lan.a.inet().igmp().isMember(lan.aEth, group));
    }

    // ================================================================ IP_PKTINFO, IP_RECVTTL, IP_RECVTOS

    @Test
    void ipPktinfoTellsTheInterfaceAndDestination() {
        Socket rx = Lan.udp(lan.b);
        rx.bind(new SockAddrIn(0, 7000));
        assertEquals(0, rx.getsockopt(SockOpt.IP_PKTINFO));
        rx.setsockopt(SockOpt.IP_PKTINFO, 1);
        rx.setsockopt(SockOpt.IP_RECVTTL, 1);
        rx.setsockopt(SockOpt.IP_RECVTOS, 1);
        Socket tx = Lan.udp(lan.a);
        tx.setsockopt(SockOpt.IP_TOS, 0x20);
        tx.sendto(buf("info"), 0, new SockAddrIn(B, 7000));
        Msghdr m = new Msghdr(ByteBuffer.allocate(10));
        rx.recvmsg(m, 0);
        assertTrue(m.control().contains(new Cmsg.IpPktinfo(lan.bEth.ifindex(), B, B)), m.control().toString());
        assertTrue(m.control().contains(new Cmsg.IpTtl(63)), "one router hop");
        assertTrue(m.control().contains(new Cmsg.IpTos(0x20)));
        rx.setsockopt(SockOpt.IP_PKTINFO, 0);
        rx.setsockopt(SockOpt.IP_RECVTTL, 0);
        rx.setsockopt(SockOpt.IP_RECVTOS, 0);
        tx.sendto(buf("none"), 0, new SockAddrIn(B, 7000));
        Msghdr m2 = new Msghdr(ByteBuffer.allocate(10));
        rx.recvmsg(m2, 0);
        assertTrue(m2.control().isEmpty());
    }

    // ================================================================ IP_RECVERR, IP_MTU_DISCOVER, IP_MTU

    @Test
    void ipRecverrOffPurgesTheErrorQueue() {
        Socket s = Lan.udp(lan.a);
        assertEquals(0, s.getsockopt(SockOpt.IP_RECVERR));
        s.setsockopt(SockOpt.IP_RECVERR, 1);
        s.sendto(buf("x"), 0, new SockAddrIn(B, 9));
        lan.settle();
        s.getsockopt(SockOpt.SO_ERROR);
        assertTrue((s.poll() & Socket.POLLERR) != 0);
        s.setsockopt(SockOpt.IP_RECVERR, 0);
        assertEquals(0, s.poll() & Socket.POLLERR);
        assertEquals(Errno.EAGAIN, errno(() -> s.recvmsg(new Msghdr(ByteBuffer.allocate(4)), Socket.MSG_ERRQUEUE)));
    }

    @Test
    void ipMtuDiscoverValuesAndDf() {
        FrameLog out = FrameLog.on(lan.aEth);
        Socket s = Lan.udp(lan.a);
        assertEquals(SockOpt.IP_PMTUDISC_WANT, s.getsockopt(SockOpt.IP_MTU_DISCOVER));
        assertEquals(Errno.EINVAL, errno(() -> s.setsockopt(SockOpt.IP_MTU_DISCOVER, 6)));
        assertEquals(Errno.EINVAL, errno(() -> s.setsockopt(SockOpt.IP_MTU_DISCOVER, -1)));
        s.sendto(buf("want"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        assertTrue(out.lastUdp().df(), "WANT: DF when it fits");
        s.setsockopt(SockOpt.IP_MTU_DISCOVER, SockOpt.IP_PMTUDISC_DONT);
        s.sendto(buf("dont"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        assertFalse(out.lastUdp().df());
        s.setsockopt(SockOpt.IP_MTU_DISCOVER, SockOpt.IP_PMTUDISC_DO);
        s.sendto(buf("do"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        assertTrue(out.lastUdp().df());
        assertEquals(0, out.lastUdp().id(), "an unconnected DO datagram carries IP ID 0");
        s.setsockopt(SockOpt.IP_MTU_DISCOVER, 5);
        s.sendto(buf("omit"), 0, new SockAddrIn(B, 7000));
        lan.settle();
        assertFalse(out.lastUdp().df(), "IP_PMTUDISC_OMIT never sets DF");
    }

    @Test
    void ipMtuIsThePathMtuOfAConnectedSocket() {
        Socket s = Lan.udp(lan.a);
        assertEquals(Errno.ENOTCONN, errno(() -> s.getsockopt(SockOpt.IP_MTU)));
        s.connect(new SockAddrIn(B, 7000));
        assertEquals(1500, s.getsockopt(SockOpt.IP_MTU));
        assertEquals(Errno.ENOPROTOOPT, errno(() -> s.setsockopt(SockOpt.IP_MTU, 1000)));
    }

    // ================================================================ UDP_CORK, levels, numbers

    @Test
    void udpCorkValue() {
        Socket s = Lan.udp(lan.a);
        assertEquals(0, s.getsockopt(SockOpt.UDP_CORK));
        s.setsockopt(SockOpt.UDP_CORK, 1);
        assertEquals(1, s.getsockopt(SockOpt.UDP_CORK));
    }

    @Test
    void optionsByLevelAndNumber() {
        Socket s = Lan.udp(lan.a);
        s.setsockopt(SockOpt.SOL_SOCKET, 2, 1);
        assertEquals(1, s.getsockopt(SockOpt.SO_REUSEADDR));
        s.setsockopt(SockOpt.SOL_IP, 2, 33);
        assertEquals(33, s.getsockopt(SockOpt.IP_TTL));
        assertEquals(Errno.ENOPROTOOPT, errno(() -> s.setsockopt(SockOpt.SOL_SOCKET, 999, 1)));
        assertEquals(Errno.ENOPROTOOPT, errno(() -> s.setsockopt(SockOpt.ICMP_FILTER, 1)), "a raw option");
        SockOpt<Integer> nodelay = SockOpt.define(SockOpt.SOL_TCP, 1, "TCP_NODELAY", Integer.class);
        assertEquals(Errno.ENOPROTOOPT, errno(() -> s.setsockopt(nodelay, 1)), "a TCP option");
        assertEquals(Errno.ENOPROTOOPT, errno(() -> s.getsockopt(nodelay)));
        assertEquals(Errno.EFAULT, errno(() -> s.setsockopt(SockOpt.IP_TTL, null)));
    }
}
