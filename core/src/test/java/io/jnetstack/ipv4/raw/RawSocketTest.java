package io.jnetstack.ipv4.raw;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Net;
import io.jnetstack.ipv4.IcmpMib;
import io.jnetstack.ipv4.IpMib;
import io.jnetstack.socket.Cmsg;
import io.jnetstack.socket.Lan;
import io.jnetstack.socket.Msghdr;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.SockExtendedErr;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;
import io.jnetstack.wire.Icmp;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Raw sockets on the test network A — R — B: what {@code raw_sendmsg}, {@code raw_send_hdrinc},
 * {@code raw_local_deliver}, {@code raw_recvmsg} and {@code raw_err} do, in virtual time.
 */
class RawSocketTest {
    static final int EXPERIMENTAL = 253;

    static Socket raw(Net n, int protocol) {
        Socket s = n.sockets().socket(Socket.AF_INET, Socket.SOCK_RAW, protocol);
        s.setsockopt(SockOpt.SO_RCVTIMEO, Duration.ofSeconds(5));
        return s;
    }

    /** An ICMP echo request with a correct checksum. */
    static byte[] echo(int id, int seq, String data) {
        byte[] d = data.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] m = new byte[Icmp.HEADER_LEN + d.length];
        Icmp.writeEcho(m, 0, Icmp.ECHO, id, seq);
        System.arraycopy(d, 0, m, Icmp.HEADER_LEN, d.length);
        Icmp.fillChecksum(m, 0, m.length);
        return m;
    }

    /** Receives one datagram (5 s timeout) and returns its bytes. */
    static byte[] recv(Socket s) {
        ByteBuffer b = ByteBuffer.allocate(70000);
        int n = s.recv(b, 0);
        return Arrays.copyOf(b.array(), n);
    }

    static void assertNothing(Socket s) {
        ErrnoException e = assertThrows(ErrnoException.class, () -> s.recv(ByteBuffer.allocate(100), Socket.MSG_DONTWAIT));
        assertEquals(Errno.EAGAIN, e.errno());
    }

    @Test
    void everyMatchingSocketGetsACopyOfTheEchoReply() {
        Lan lan = new Lan(1);
        Socket s1 = raw(lan.a, Socket.IPPROTO_ICMP);
        Socket s2 = raw(lan.a, Socket.IPPROTO_ICMP);
        Socket udpRaw = raw(lan.a, Socket.IPPROTO_UDP);
        Socket boundElsewhere = raw(lan.a, Socket.IPPROTO_ICMP);
        boundElsewhere.bind(new SockAddrIn(Ipv4Address.LOOPBACK, 0));
        Socket otherPeer = raw(lan.a, Socket.IPPROTO_ICMP);
        otherPeer.connect(new SockAddrIn(Lan.C, 0));
        Socket otherDev = raw(lan.a, Socket.IPPROTO_ICMP);
        otherDev.setsockopt(SockOpt.SO_BINDTODEVICE, "lo");

        assertEquals(16, s1.sendto(ByteBuffer.wrap(echo(7, 1, "payload!")), 0, new SockAddrIn(Lan.B, 0)));
        for (Socket s : List.of(s1, s2)) {
            byte[] d = recv(s);
            assertEquals(Ipv4.HEADER_LEN + 16, d.length, "the IP header comes first");
            assertEquals(Ipv4.PROTO_ICMP, Ipv4.protocol(d, 0));
            assertEquals(Lan.B, Ipv4.src(d, 0));
            assertEquals(Lan.A, Ipv4.dst(d, 0));
            assertEquals(Icmp.ECHOREPLY, Icmp.type(d, 20));
            assertEquals(7, Icmp.echoId(d, 20));
        }
        lan.k.runFor(1_000_000_000L);
        for (Socket s : List.of(udpRaw, boundElsewhere, otherPeer, otherDev)) {
            assertNothing(s);
        }
        assertEquals(1, lan.a.inet().icmpMib().get(IcmpMib.OutEchos), "icmp_out_count for the raw socket's request");
        assertEquals(1, lan.b.inet().icmpMib().get(IcmpMib.InEchos));
    }

    @Test
    void icmpFilterDropsTheChosenTypesOnIcmpSocketsOnly() {
        Lan lan = new Lan(2);
        Socket filtered = raw(lan.a, Socket.IPPROTO_ICMP);
        Socket open = raw(lan.a, Socket.IPPROTO_ICMP);
        filtered.setsockopt(SockOpt.ICMP_FILTER, 1 << Icmp.ECHOREPLY);
        assertEquals(1 << Icmp.ECHOREPLY, filtered.getsockopt(SockOpt.ICMP_FILTER));
        open.sendto(ByteBuffer.wrap(echo(9, 1, "x")), 0, new SockAddrIn(Lan.B, 0));
        assertEquals(Icmp.ECHOREPLY, Icmp.type(recv(open), 20));
        assertNothing(filtered);

        Socket udp = raw(lan.a, Socket.IPPROTO_UDP);
        ErrnoException e = assertThrows(ErrnoException.class, () -> udp.setsockopt(SockOpt.ICMP_FILTER, 1));
        assertEquals(Errno.EOPNOTSUPP, e.errno());
        assertEquals(Errno.EOPNOTSUPP, assertThrows(ErrnoException.class, () -> udp.getsockopt(SockOpt.ICMP_FILTER)).errno());
        SockOpt<Integer> other = SockOpt.define(SockOpt.SOL_RAW, 2, "ICMPV6_FILTER_LIKE", Integer.class);
        assertEquals(Errno.ENOPROTOOPT, assertThrows(ErrnoException.class, () -> open.setsockopt(other, 1)).errno());
        Socket dgram = Lan.udp(lan.a);
        assertEquals(Errno.ENOPROTOOPT, assertThrows(ErrnoException.class, () -> dgram.setsockopt(SockOpt.ICMP_FILTER, 1)).errno());
    }

    @Test
    void aRawSocketTakingTheDatagramSuppressesProtocolUnreachable() {
        Lan lan = new Lan(3);
        Socket sender = raw(lan.a, EXPERIMENTAL);
        sender.setsockopt(SockOpt.IP_RECVERR, 1);
        Socket icmpWatch = raw(lan.a, Socket.IPPROTO_ICMP);
        Socket receiver = raw(lan.b, EXPERIMENTAL);
        sender.sendto(Lan.buf("to a raw socket"), 0, new SockAddrIn(Lan.B, 0));
        byte[] d = recv(receiver);
        assertEquals("to a raw socket", new String(d, 20, d.length - 20, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(EXPERIMENTAL, Ipv4.protocol(d, 0));
        lan.k.runFor(1_000_000_000L);
        assertNothing(icmpWatch);
        assertEquals(0, lan.b.inet().ipMib().get(IpMib.InUnknownProtos));
        assertEquals(0, lan.b.inet().icmpMib().get(IcmpMib.OutDestUnreachs));

        receiver.close();
        sender.sendto(Lan.buf("to nobody"), 0, new SockAddrIn(Lan.B, 0));
        byte[] u = recv(icmpWatch);
        assertEquals(Icmp.DEST_UNREACH, Icmp.type(u, 20));
        assertEquals(Icmp.PROT_UNREACH, Icmp.code(u, 20));
        assertEquals(1, lan.b.inet().ipMib().get(IpMib.InUnknownProtos));
        Msghdr m = new Msghdr(ByteBuffer.allocate(100));
        int n = sender.recvmsg(m, Socket.MSG_ERRQUEUE);
        SockExtendedErr ee = ((Cmsg.IpRecvErr) m.control().getFirst()).err();
        assertEquals(Errno.ENOPROTOOPT, ee.errno(), "raw_icmp_error: protocol unreachable is a hard ENOPROTOOPT");
        assertEquals(SockExtendedErr.ORIGIN_ICMP, ee.origin());
        assertEquals(Lan.B, ee.offender());
        assertEquals(new SockAddrIn(Lan.B, 0), m.name());
        assertEquals("to nobody", Lan.str(m.iov()[0]), "the quoted payload from its transport header on");
        assertEquals(9, n);
    }

    @Test
    void ipprotoRawImpliesHdrinclAndTheHeaderIsFixedUpAsLinuxDoes() {
        Lan lan = new Lan(4);
        Socket s = raw(lan.a, Socket.IPPROTO_RAW);
        assertEquals(1, s.getsockopt(SockOpt.IP_HDRINCL));
        Socket receiver = raw(lan.b, EXPERIMENTAL);

        byte[] pkt = header(0, 0, 0xDEAD, 0, Lan.B, "hello");
        s.sendto(ByteBuffer.wrap(pkt), 0, new SockAddrIn(Lan.B, 0));
        byte[] d = recv(receiver);
        assertEquals(25, Ipv4.totalLength(d, 0), "total length filled");
        assertEquals(Lan.A, Ipv4.src(d, 0), "source 0 filled with the route's");
        assertNotEquals(0, Ipv4.id(d, 0), "ID 0 without DF is chosen");
        assertTrue(Ipv4.checksumOk(d, 0), "checksum always filled");
        assertEquals(32, Ipv4.ttl(d, 0), "the user's TTL, less the router's hop");
        assertEquals(0x10, Ipv4.tos(d, 0));

        s.sendto(ByteBuffer.wrap(header(0, Ipv4.FLAG_DF, 0, 0, Lan.B, "df")), 0, new SockAddrIn(Lan.B, 0));
        byte[] df = recv(receiver);
        assertEquals(0, Ipv4.id(df, 0), "DF and no socket ID: ip_select_ident leaves 0");
        assertTrue(Ipv4.dontFragment(df, 0));

        s.sendto(ByteBuffer.wrap(header(0x1234, 0, 0, Lan.A, Lan.B, "given")), 0, new SockAddrIn(Lan.B, 0));
        byte[] given = recv(receiver);
        assertEquals(0x1234, Ipv4.id(given, 0), "an ID given is kept");
        assertEquals(Lan.A, Ipv4.src(given, 0));

        Socket proto = raw(lan.a, EXPERIMENTAL);
        proto.setsockopt(SockOpt.IP_HDRINCL, 1);
        proto.sendto(ByteBuffer.wrap(header(0, 0, 0, 0, Lan.B, "on a 253 socket")), 0, new SockAddrIn(Lan.B, 0));
        assertEquals(20 + 15, recv(receiver).length);
        lan.k.runFor(1_000_000_000L);
        assertNothing(s);   // IPPROTO_RAW sockets see no traffic of real protocols
    }

    /** An IP header (TTL 33, TOS 0x10, protocol 253) with a wrong length and checksum, then {@code data}. */
    static byte[] header(int id, int flags, int checksum, int src, int dst, String data) {
        byte[] d = data.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] p = new byte[20 + d.length];
        Ipv4.writeHeader(p, 0, 0x10, 0, id, flags, 33, EXPERIMENTAL, src, dst);
        Ipv4.setChecksum(p, 0, checksum);
        System.arraycopy(d, 0, p, 20, d.length);
        return p;
    }

    @Test
    void hdrinclLengthChecks() {
        Lan lan = new Lan(5);
        Socket s = raw(lan.a, Socket.IPPROTO_RAW);
        SockAddrIn to = new SockAddrIn(Lan.B, 0);
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> s.sendto(ByteBuffer.allocate(19), 0, to)).errno(),
                "shorter than an IP header");
        byte[] longIhl = header(0, 0, 0, 0, Lan.B, "0123456789");
        longIhl[0] = 0x4f;   // IHL 15: 60 bytes of header in a 30-byte datagram
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> s.sendto(ByteBuffer.wrap(longIhl), 0, to)).errno(),
                "shorter than its own IHL");
        s.setsockopt(SockOpt.IP_RECVERR, 1);
        byte[] big = new byte[1501];
        System.arraycopy(header(0, 0, 0, 0, Lan.B, ""), 0, big, 0, 20);
        ErrnoException e = assertThrows(ErrnoException.class, () -> s.sendto(ByteBuffer.wrap(big), 0, to));
        assertEquals(Errno.EMSGSIZE, e.errno(), "longer than the device MTU: never fragmented");
        Msghdr m = new Msghdr(ByteBuffer.allocate(10));
        s.recvmsg(m, Socket.MSG_ERRQUEUE);
        SockExtendedErr ee = ((Cmsg.IpRecvErr) m.control().getFirst()).err();
        assertEquals(new SockExtendedErr(Errno.EMSGSIZE, SockExtendedErr.ORIGIN_LOCAL, 0, 0, 1500, 0, to), ee);
        assertEquals(Errno.EMSGSIZE, assertThrows(ErrnoException.class,
                () -> s.sendto(ByteBuffer.allocate(65536), 0, to)).errno());
        byte[] exact = new byte[1500];
        System.arraycopy(header(0, 0, 0, 0, Lan.B, ""), 0, exact, 0, 20);
        assertEquals(1500, s.sendto(ByteBuffer.wrap(exact), 0, to), "exactly the MTU goes");
    }

    @Test
    void creationBindConnectAndTheErrnosOfMisuse() {
        Lan lan = new Lan(6);
        Errno noProto = assertThrows(ErrnoException.class,
                () -> lan.a.sockets().socket(Socket.AF_INET, Socket.SOCK_RAW, 0)).errno();
        assertEquals(Errno.EPROTONOSUPPORT, noProto);
        lan.a.sockets().setCallerCapNetRaw(false);
        assertEquals(Errno.EPERM, assertThrows(ErrnoException.class, () -> raw(lan.a, Socket.IPPROTO_ICMP)).errno());
        lan.a.sockets().setCallerCapNetRaw(true);

        Socket s = raw(lan.a, Socket.IPPROTO_ICMP);
        assertEquals(Errno.EADDRNOTAVAIL, assertThrows(ErrnoException.class, () -> s.bind(new SockAddrIn(Lan.B, 0))).errno());
        s.bind(new SockAddrIn(Lan.A, 0));
        assertEquals(new SockAddrIn(Lan.A, Socket.IPPROTO_ICMP), s.getsockname(), "the protocol is the port");
        assertEquals(Errno.EDESTADDRREQ, assertThrows(ErrnoException.class, () -> s.send(ByteBuffer.wrap(echo(1, 1, "")), 0)).errno());
        assertEquals(Errno.EOPNOTSUPP, assertThrows(ErrnoException.class,
                () -> s.sendto(ByteBuffer.wrap(echo(1, 1, "")), Socket.MSG_OOB, new SockAddrIn(Lan.B, 0))).errno());
        assertEquals(Errno.EACCES, assertThrows(ErrnoException.class,
                () -> s.sendto(ByteBuffer.wrap(echo(1, 1, "")), 0, new SockAddrIn(Lan.BCAST1, 0))).errno());
        assertNothing(s);
        assertTrue(lan.a.sockets().formatSs("raw").contains("raw    UNCONN  0       0       198.18.1.1:1"), lan.a.sockets().formatSs("raw"));

        s.connect(new SockAddrIn(Lan.B, 0));
        assertEquals(new SockAddrIn(Lan.B, 0), s.getpeername());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> s.bind(new SockAddrIn(Lan.A, 0))).errno());
        s.send(ByteBuffer.wrap(echo(3, 1, "connected")), 0);
        assertEquals(Lan.B, Ipv4.src(recv(s), 0));
        assertTrue(lan.a.sockets().formatSs("raw").matches("(?s).*\nraw +ESTAB +0 +0 +198\\.18\\.1\\.1:1 +198\\.18\\.2\\.1:\\* .*"),
                lan.a.sockets().formatSs("raw"));
        s.disconnect();
        assertEquals(new SockAddrIn(Lan.A, Socket.IPPROTO_ICMP), s.getsockname(), "an explicit bind survives disconnect");
        s.close();
        assertFalse(Raw.of(lan.a).has(Socket.IPPROTO_ICMP));
    }

    @Test
    void recvmsgTruncatesLikeUdpAndReportsSenderAndAncillaryData() {
        Lan lan = new Lan(7);
        Socket s = raw(lan.a, Socket.IPPROTO_ICMP);
        s.setsockopt(SockOpt.IP_PKTINFO, 1);
        s.setsockopt(SockOpt.IP_RECVTTL, 1);
        s.setsockopt(SockOpt.IP_RECVTOS, 1);
        s.sendto(ByteBuffer.wrap(echo(5, 1, "0123456789")), 0, new SockAddrIn(Lan.B, 0));
        Msghdr m = new Msghdr(ByteBuffer.allocate(10));
        assertEquals(10, s.recvmsg(m, Socket.MSG_PEEK));
        assertEquals(Socket.MSG_TRUNC, m.flags());
        assertEquals(new SockAddrIn(Lan.B, 0), m.name());
        assertEquals(List.of(new Cmsg.IpPktinfo(lan.aEth.ifindex(), Lan.A, Lan.A), new Cmsg.IpTtl(63), new Cmsg.IpTos(0)), m.control());
        assertEquals(38, s.recvmsg(new Msghdr(ByteBuffer.allocate(10)), Socket.MSG_TRUNC | Socket.MSG_PEEK),
                "MSG_TRUNC asks for the real length");
        assertEquals(38, s.ioctl(Socket.FIONREAD, 0));
        assertEquals(38, s.recv(ByteBuffer.allocate(100), 0));
        assertNothing(s);
    }

    @Test
    void msgMoreCorksOneDatagram() {
        Lan lan = new Lan(8);
        Socket s = raw(lan.a, EXPERIMENTAL);
        Socket receiver = raw(lan.b, EXPERIMENTAL);
        s.sendto(Lan.buf("first "), Socket.MSG_MORE, new SockAddrIn(Lan.B, 0));
        assertEquals(6, ((RawSock) s.sock()).corkedBytes());
        s.sendto(Lan.buf("second"), 0, new SockAddrIn(Lan.B, 0));
        byte[] d = recv(receiver);
        assertEquals("first second", new String(d, 20, d.length - 20, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aRawUdpSocketSeesDatagramsBesideUdp() {
        Lan lan = new Lan(9);
        Socket rawUdp = raw(lan.b, Socket.IPPROTO_UDP);
        Socket icmpWatch = raw(lan.a, Socket.IPPROTO_ICMP);
        Socket u = Lan.udp(lan.a);
        u.sendto(Lan.buf("udp"), 0, new SockAddrIn(Lan.B, 9999));
        byte[] d = recv(rawUdp);
        assertEquals(Ipv4.PROTO_UDP, Ipv4.protocol(d, 0));
        assertEquals(20 + 8 + 3, d.length);
        byte[] unreach = recv(icmpWatch);
        assertEquals(Icmp.PORT_UNREACH, Icmp.code(unreach, 20), "UDP still answers: the raw socket only took a copy");
        assertInstanceOf(RawSock.class, rawUdp.sock());
    }
}
