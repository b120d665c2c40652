package io.jnetstack.ipv4.ping;

import io.jnetstack.admin.IpTool;
import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Net;
import io.jnetstack.ipv4.IcmpMib;
import io.jnetstack.socket.Cmsg;
import io.jnetstack.socket.Lan;
import io.jnetstack.socket.Msghdr;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.SockExtendedErr;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Icmp;
import io.jnetstack.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ICMP ping sockets ({@code net/ipv4/ping.c}) on the test network A — R — B, in virtual time. */
class PingSocketTest {
    static final SockAddrIn TO_B = new SockAddrIn(Lan.B, 0);

    /** The network with ping sockets allowed to everyone in A, as systemd configures it. */
    static Lan lan(long seed) {
        Lan lan = new Lan(seed);
        lan.a.sysctls().set("net.ipv4.ping_group_range", "0 2147483647");
        return lan;
    }

    static Socket ping(Net n) {
        Socket s = n.sockets().socket(Socket.AF_INET, Socket.SOCK_DGRAM, Socket.IPPROTO_ICMP);
        s.setsockopt(SockOpt.SO_RCVTIMEO, Duration.ofSeconds(5));
        return s;
    }

    /** An echo request as a ping socket's user writes it: identifier and checksum left 0. */
    static ByteBuffer request(int seq, String data) {
        byte[] d = data.getBytes(StandardCharsets.US_ASCII);
        byte[] m = new byte[Icmp.HEADER_LEN + d.length];
        Icmp.writeEcho(m, 0, Icmp.ECHO, 0, seq);
        System.arraycopy(d, 0, m, Icmp.HEADER_LEN, d.length);
        return ByteBuffer.wrap(m);
    }

    static byte[] recv(Socket s, Msghdr m) {
        int n = s.recvmsg(m, 0);
        return Arrays.copyOf(m.iov()[0].array(), n);
    }

    static Errno errno(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(ErrnoException.class, e).errno();
    }

    @Test
    void pingGroupRangeGatesCreation() {
        Lan lan = new Lan(1);
        ErrnoException e = assertThrows(ErrnoException.class, () -> ping(lan.a));
        assertEquals(Errno.EACCES, e.errno(), "Linux's default range \"1 0\" admits nobody");
        assertTrue(e.getMessage().contains("net.ipv4.ping_group_range"), e.getMessage());
        lan.a.sysctls().set("net.ipv4.ping_group_range", "0 0");
        ping(lan.a).close();
        lan.a.sockets().setCallerGid(1000);
        assertEquals(Errno.EACCES, errno(() -> ping(lan.a)));
        lan.a.sysctls().set("net.ipv4.ping_group_range", "100 2000");
        ping(lan.a).close();
        assertEquals(Errno.EACCES, errno(() -> ping(lan.b)), "the range is per namespace");
        assertEquals(Errno.EINVAL, errno(() -> lan.a.sockets().setCallerGid(-1)));
    }

    @Test
    void echoRoundTripAcrossTheRouter() {
        Lan lan = lan(2);
        Socket s = ping(lan.a);
        s.setsockopt(SockOpt.IP_RECVTTL, 1);
        Tracer t = lan.k.tracer();
        t.enable(true, false);
        assertEquals(8 + 5, s.sendto(request(1, "hello"), 0, TO_B));
        int ident = s.getsockname().port();
        assertEquals(1, ident, "the first identifier after the rover's start");
        Msghdr m = new Msghdr(ByteBuffer.allocate(100));
        byte[] reply = recv(s, m);
        assertEquals(13, reply.length, "the ICMP header and data, no IP header");
        assertEquals(Icmp.ECHOREPLY, Icmp.type(reply, 0));
        assertEquals(ident, Icmp.echoId(reply, 0));
        assertEquals(1, Icmp.echoSeq(reply, 0));
        assertTrue(Icmp.checksumOk(reply, 0, reply.length), "the kernel filled the request's checksum");
        assertEquals("hello", new String(reply, 8, 5, StandardCharsets.US_ASCII));
        assertEquals(TO_B, m.name());
        assertEquals(List.of(new Cmsg.IpTtl(63)), m.control());
        assertEquals(1, lan.a.inet().icmpMib().get(IcmpMib.OutEchos));
        assertEquals(1, lan.a.inet().icmpMib().get(IcmpMib.InEchoReps));

        long out = t.packetsAt(Stage.IP_PUSH_PENDING_FRAMES).getFirst();
        assertTrue(t.journey(out).containsInOrder(List.of("ping_v4_sendmsg", "ip_append_data", "ip_push_pending_frames",
                "ip_local_out", "ip_finish_output2", "dev_queue_xmit")), t.journey(out).tree());
        long in = t.packetsAt(Stage.PING_RCV).getFirst();
        assertTrue(t.journey(in).containsInOrder(List.of("ip_local_deliver_finish", "icmp_rcv", "ping_rcv", "sock_queue_rcv_skb")),
                t.journey(in).tree());

        Msghdr small = new Msghdr(ByteBuffer.allocate(4));
        s.sendto(request(2, "truncated"), 0, TO_B);
        assertEquals(4, s.recvmsg(small, Socket.MSG_TRUNC), "ping_recvmsg returns what it copied, even with MSG_TRUNC");
        assertEquals(Socket.MSG_TRUNC, small.flags());
    }

    @Test
    void identifiersAreAllocatedAndConflictAsLinuxDoes() {
        Lan lan = lan(3);
        Socket s1 = ping(lan.a);
        s1.sendto(request(1, ""), 0, TO_B);
        assertEquals(1, s1.getsockname().port(), "autobind at the first send");
        Socket s2 = ping(lan.a);
        s2.bind(SockAddrIn.ANY);
        assertEquals(2, s2.getsockname().port());
        Socket s3 = ping(lan.a);
        assertEquals(Errno.EADDRINUSE, errno(() -> s3.bind(new SockAddrIn(Lan.A, 2))), "the address does not matter");
        assertEquals(Errno.EADDRNOTAVAIL, errno(() -> s3.bind(new SockAddrIn(Lan.B, 7))));
        assertEquals(Errno.EADDRNOTAVAIL, errno(() -> s3.bind(new SockAddrIn(Lan.BCAST1, 7))));
        s2.setsockopt(SockOpt.SO_REUSEADDR, 1);
        s3.setsockopt(SockOpt.SO_REUSEADDR, 1);
        s3.bind(new SockAddrIn(Lan.A, 2));
        assertEquals(new SockAddrIn(Lan.A, 2), s3.getsockname());
        assertEquals(Errno.EINVAL, errno(() -> s3.bind(new SockAddrIn(0, 9))), "already has an identifier");

        s3.sendto(request(7, "newest"), 0, TO_B);
        assertEquals(7, Icmp.echoSeq(recv(s3, new Msghdr(ByteBuffer.allocate(64))), 0), "the newest holder of the identifier");
        lan.k.runFor(100_000_000L);
        assertEquals(Errno.EAGAIN, errno(() -> s2.recv(ByteBuffer.allocate(64), Socket.MSG_DONTWAIT)));

        s1.close();
        Socket s4 = ping(lan.a);
        s4.connect(TO_B);
        assertEquals(3, s4.getsockname().port(), "the rover goes on; connect binds an identifier");
        assertEquals(TO_B, s4.getpeername());
        s4.disconnect();
        assertEquals(0, s4.getsockname().port(), "an identifier not chosen by bind() is given back");
        Socket s5 = ping(lan.a);
        s5.bind(new SockAddrIn(0, 1));
        assertEquals(1, s5.getsockname().port(), "a closed socket's identifier is free again");
        assertTrue(lan.a.sockets().formatSs("icmp").matches("(?s).*\\nicmp +UNCONN +0 +0 +0\\.0\\.0\\.0:1 .*"),
                lan.a.sockets().formatSs("icmp"));
        assertEquals(3, PingTable.of(lan.a).boundSockets(), "s2, s3 and s5");
    }

    @Test
    void whatASendMayNotBe() {
        Lan lan = lan(4);
        Socket s = ping(lan.a);
        assertEquals(Errno.EINVAL, errno(() -> s.sendto(ByteBuffer.allocate(7), 0, TO_B)), "shorter than an ICMP header");
        ByteBuffer reply = request(1, "");
        reply.put(0, (byte) Icmp.ECHOREPLY);
        assertEquals(Errno.EINVAL, errno(() -> s.sendto(reply, 0, TO_B)), "only echo requests");
        ByteBuffer code1 = request(1, "");
        code1.put(1, (byte) 1);
        assertEquals(Errno.EINVAL, errno(() -> s.sendto(code1, 0, TO_B)), "with code 0");
        assertEquals(Errno.EDESTADDRREQ, errno(() -> s.send(request(1, ""), 0)));
        assertEquals(Errno.EOPNOTSUPP, errno(() -> s.sendto(request(1, ""), Socket.MSG_OOB, TO_B)));
        assertEquals(Errno.EACCES, errno(() -> s.sendto(request(1, ""), 0, new SockAddrIn(Lan.BCAST1, 0))));
        assertEquals(Errno.EMSGSIZE, errno(() -> s.sendto(ByteBuffer.allocate(65536), 0, TO_B)));
        s.setsockopt(SockOpt.IP_MTU_DISCOVER, SockOpt.IP_PMTUDISC_DO);
        s.setsockopt(SockOpt.IP_RECVERR, 1);
        ByteBuffer big = ByteBuffer.allocate(3008);
        big.put(0, (byte) Icmp.ECHO);
        assertEquals(Errno.EMSGSIZE, errno(() -> s.sendto(big, 0, TO_B)));
        Msghdr m = new Msghdr(ByteBuffer.allocate(10));
        s.recvmsg(m, Socket.MSG_ERRQUEUE);
        assertEquals(new SockExtendedErr(Errno.EMSGSIZE, SockExtendedErr.ORIGIN_LOCAL, 0, 0, 1500, 0, TO_B),
                ((Cmsg.IpRecvErr) m.control().getFirst()).err(), "ip_local_error with the path MTU");
    }

    @Test
    void otherIdentifiersAndRawSocketsSeeTheRightReplies() {
        Lan lan = lan(5);
        Socket p = ping(lan.a);
        p.bind(new SockAddrIn(Lan.A, 0));
        Socket raw = lan.a.sockets().socket(Socket.AF_INET, Socket.SOCK_RAW, Socket.IPPROTO_ICMP);
        raw.setsockopt(SockOpt.SO_RCVTIMEO, Duration.ofSeconds(5));
        byte[] foreign = new byte[8];
        Icmp.writeEcho(foreign, 0, Icmp.ECHO, 999, 1);
        Icmp.fillChecksum(foreign, 0, 8);
        raw.sendto(ByteBuffer.wrap(foreign), 0, TO_B);
        ByteBuffer rb = ByteBuffer.allocate(100);
        assertEquals(28, raw.recv(rb, 0));
        assertEquals(999, Icmp.echoId(rb.array(), 20));
        lan.k.runFor(100_000_000L);
        assertEquals(Errno.EAGAIN, errno(() -> p.recv(ByteBuffer.allocate(64), Socket.MSG_DONTWAIT)), "not its identifier");

        p.sendto(request(3, "both"), 0, TO_B);
        assertEquals(3, Icmp.echoSeq(recv(p, new Msghdr(ByteBuffer.allocate(64))), 0));
        rb.clear();
        raw.recv(rb, 0);
        assertEquals(p.getsockname().port(), Icmp.echoId(rb.array(), 20), "a raw ICMP socket sees every echo reply");
    }

    @Test
    void timeExceededAndHostUnreachableThroughIpRecverr() {
        Lan lan = lan(6);
        Socket s = ping(lan.a);
        s.setsockopt(SockOpt.IP_RECVERR, 1);
        s.setsockopt(SockOpt.IP_TTL, 1);
        s.sendto(request(4, "ttl"), 0, TO_B);
        lan.k.runFor(1_000_000_000L);
        assertEquals(Errno.EHOSTUNREACH, errno(() -> s.recv(ByteBuffer.allocate(64), 0)), "the pending error first");
        Msghdr m = new Msghdr(ByteBuffer.allocate(64));
        int n = s.recvmsg(m, Socket.MSG_ERRQUEUE);
        SockExtendedErr ee = ((Cmsg.IpRecvErr) m.control().getFirst()).err();
        assertEquals(new SockExtendedErr(Errno.EHOSTUNREACH, SockExtendedErr.ORIGIN_ICMP, Icmp.TIME_EXCEEDED, Icmp.EXC_TTL, 0,
                Lan.R1, TO_B), ee);
        byte[] quoted = Arrays.copyOf(m.iov()[0].array(), n);
        assertEquals(11, n, "the echo request from its ICMP header on");
        assertEquals(Icmp.ECHO, Icmp.type(quoted, 0));
        assertEquals(s.getsockname().port(), Icmp.echoId(quoted, 0));
        assertEquals(4, Icmp.echoSeq(quoted, 0));
        assertEquals(Errno.EAGAIN, errno(() -> s.recvmsg(new Msghdr(ByteBuffer.allocate(8)), Socket.MSG_ERRQUEUE)));

        s.setsockopt(SockOpt.IP_TTL, -1);
        s.sendto(request(5, "nobody"), 0, new SockAddrIn(Ipv4Address.parse("198.18.1.77"), 0));
        lan.k.runFor(10_000_000_000L);
        Msghdr h = new Msghdr(ByteBuffer.allocate(64));
        s.recvmsg(h, Socket.MSG_ERRQUEUE);
        SockExtendedErr hu = ((Cmsg.IpRecvErr) h.control().getFirst()).err();
        assertEquals(new SockExtendedErr(Errno.EHOSTUNREACH, SockExtendedErr.ORIGIN_ICMP, Icmp.DEST_UNREACH, Icmp.HOST_UNREACH, 0,
                Lan.A, new SockAddrIn(Ipv4Address.parse("198.18.1.77"), 0)), hu);
    }

    /** A 1400-byte echo request with DF: too big for the 1200-byte link behind the router. */
    static ByteBuffer big() {
        ByteBuffer b = ByteBuffer.allocate(1400);
        b.put(0, (byte) Icmp.ECHO);
        return b;
    }

    @Test
    void withoutIpRecverrOnlyHardErrorsOnConnectedSockets() {
        Lan lan = lan(7);
        lan.k.call(() -> new IpTool().run(lan.r, List.of("link", "set", "veth1", "mtu", "1200")));
        Socket unconnected = ping(lan.a);
        Socket connected = ping(lan.a);
        connected.connect(TO_B);
        for (Socket s : List.of(unconnected, connected)) {
            s.setsockopt(SockOpt.IP_MTU_DISCOVER, SockOpt.IP_PMTUDISC_DO);
        }
        connected.send(big(), 0);
        lan.k.runFor(1_000_000_000L);
        assertEquals(Errno.EMSGSIZE, errno(() -> connected.recv(ByteBuffer.allocate(64), Socket.MSG_DONTWAIT)),
                "fragmentation needed is hard: the pending error of a connected socket");
        assertEquals(Errno.EMSGSIZE, errno(() -> connected.send(big(), 0)), "and the learned path MTU applies at once");

        lan.k.call(() -> new IpTool().run(lan.a, List.of("route", "flush", "cache")));
        unconnected.sendto(big(), 0, TO_B);
        lan.k.runFor(1_000_000_000L);
        assertEquals(Errno.EAGAIN, errno(() -> unconnected.recv(ByteBuffer.allocate(64), Socket.MSG_DONTWAIT)),
                "unconnected sockets hear of errors only with IP_RECVERR");
        assertEquals(0, unconnected.getsockopt(SockOpt.SO_ERROR));

        connected.setsockopt(SockOpt.IP_TTL, 1);
        connected.setsockopt(SockOpt.IP_MTU_DISCOVER, SockOpt.IP_PMTUDISC_WANT);
        connected.send(request(2, ""), 0);
        lan.k.runFor(1_000_000_000L);
        assertEquals(0, connected.getsockopt(SockOpt.SO_ERROR), "time exceeded is soft: nothing without IP_RECVERR");
    }

    @Test
    void fragmentationNeededIsAHardEmsgsize() {
        Lan lan = lan(8);
        lan.k.call(() -> new IpTool().run(lan.r, List.of("link", "set", "veth1", "mtu", "1200")));
        lan.k.call(() -> new IpTool().run(lan.b, List.of("link", "set", "veth0", "mtu", "1200")));
        Socket s = ping(lan.a);
        s.setsockopt(SockOpt.IP_RECVERR, 1);
        s.setsockopt(SockOpt.IP_MTU_DISCOVER, SockOpt.IP_PMTUDISC_DO);
        s.sendto(big(), 0, TO_B);
        lan.k.runFor(1_000_000_000L);
        Msghdr m = new Msghdr(ByteBuffer.allocate(64));
        s.recvmsg(m, Socket.MSG_ERRQUEUE);
        SockExtendedErr ee = ((Cmsg.IpRecvErr) m.control().getFirst()).err();
        assertEquals(new SockExtendedErr(Errno.EMSGSIZE, SockExtendedErr.ORIGIN_ICMP, Icmp.DEST_UNREACH, Icmp.FRAG_NEEDED, 1200,
                Lan.R1, TO_B), ee);
        assertArrayEquals(new byte[]{(byte) Icmp.ECHO, 0}, Arrays.copyOf(m.iov()[0].array(), 2));
    }
}
