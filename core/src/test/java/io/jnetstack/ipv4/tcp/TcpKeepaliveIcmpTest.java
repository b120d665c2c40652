package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.socket.Lan;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;
import io.jnetstack.wire.Icmp;
import io.jnetstack.wire.Tcp;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.SplittableRandom;

import static io.jnetstack.ipv4.tcp.ReliabilityHarness.MS;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.Out;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.SEC;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.sk;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.synOpts;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keepalive (RFC 1122 §4.2.3.6 with Linux's TCP_KEEPIDLE/INTVL/CNT), ICMP fragmentation needed
 * (RFC 1191) through a router with a smaller next-hop MTU, and ICMP errors during connect.
 */
class TcpKeepaliveIcmpTest {
    private static final int A = Tcp.ACK;
    private static final int WIN = 65535;

    private static Socket keepaliveServer(ReliabilityHarness h) {
        Socket s = h.passiveOpen(synOpts(1000, false, false, -1), WIN);
        s.setsockopt(TcpSock.TCP_KEEPIDLE, 10);
        s.setsockopt(TcpSock.TCP_KEEPINTVL, 5);
        s.setsockopt(TcpSock.TCP_KEEPCNT, 3);
        s.setsockopt(SockOpt.SO_KEEPALIVE, 1);
        return s;
    }

    @Test
    void unansweredKeepalivesResetAndTimeOut() {
        ReliabilityHarness h = new ReliabilityHarness(61);
        Socket s = keepaliveServer(h);
        long t0 = h.now();   // the last segment received: the handshake's ACK
        for (int i = 0; i < 3; i++) {
            Out p = h.await(60 * SEC);
            assertEquals(0, p.tcp().seq() - h.liss, "a keepalive is SND.UNA - 1 without data");
            assertEquals(0, p.len());
            assertEquals(A, p.tcp().flags());
            assertEquals(t0 + (10 + 5L * i) * SEC, p.time(), "probe " + (i + 1));
        }
        Out rst = h.await(60 * SEC);
        assertEquals(Tcp.RST | A, rst.tcp().flags(), h.describe(rst));
        assertEquals(1, rst.tcp().seq() - h.liss);
        assertEquals(t0 + 25 * SEC, rst.time(), "after TCP_KEEPCNT unanswered probes, one interval later");
        assertEquals(TcpState.CLOSE, sk(s).state());
        ErrnoException e = assertThrows(ErrnoException.class, () -> s.recv(ByteBuffer.allocate(1), Socket.MSG_DONTWAIT));
        assertEquals(Errno.ETIMEDOUT, e.errno());
        assertEquals(3, h.tcp().extMib().get(TcpExtMib.TCPKeepAlive));
    }

    @Test
    void answeredKeepalivesKeepTheConnection() {
        ReliabilityHarness h = new ReliabilityHarness(62);
        Socket s = keepaliveServer(h);
        long last = h.now();
        for (int i = 0; i < 10; i++) {
            Out p = h.await(60 * SEC);
            assertEquals(last + 10 * SEC, p.time(), "keepalive idle counts from the last answer");
            h.run(20 * MS);
            h.ack(1, WIN);
            last = h.now();
        }
        assertEquals(TcpState.ESTABLISHED, sk(s).state());
        // Traffic postpones the next probe.
        h.run(8 * SEC);
        h.data(10, 1, WIN);
        h.clear();
        long data = h.now();
        Out p = h.await(60 * SEC);
        assertEquals(data + 10 * SEC, p.time());
    }

    @Test
    void keepaliveDefaultsAreLinuxs() {
        ReliabilityHarness h = new ReliabilityHarness(63);
        Socket s = h.passiveOpen(synOpts(1000, false, false, -1), WIN);
        assertEquals(7200, s.getsockopt(TcpSock.TCP_KEEPIDLE));
        assertEquals(75, s.getsockopt(TcpSock.TCP_KEEPINTVL));
        assertEquals(9, s.getsockopt(TcpSock.TCP_KEEPCNT));
        long t0 = h.now();
        s.setsockopt(SockOpt.SO_KEEPALIVE, 1);
        Out p = h.await(3 * 3600 * SEC);
        assertEquals(t0 + 7200 * SEC, p.time());
    }

    // ---------------------------------------------------------------- ICMP

    @Test
    void fragmentationNeededLowersTheMssAndResendsAtOnce() {
        ReliabilityHarness h = new ReliabilityHarness(64);
        Socket s = h.passiveOpen(synOpts(1460, false, false, -1), WIN);
        write(s, 4380);
        Out first = h.expect(A, 1, 1460, 1);
        h.expect(A, 1461, 1460, 1);
        h.expect(A | Tcp.PSH, 2921, 1460, 1);
        h.run(5 * MS);
        h.injectIcmpError(ReliabilityHarness.GATEWAY, Icmp.DEST_UNREACH, Icmp.FRAG_NEEDED, 1200, first);
        assertEquals(1160, sk(s).mss(), "RFC 1191: MSS = next-hop MTU - 40");
        // tcp_simple_retransmit(): everything in flight again in 1160-byte segments, no slow start.
        // Each 1460-byte segment is cut at the new MSS (tcp_fragment), as Linux resends them.
        for (int seq = 1; seq < 4381; seq += 1460) {
            h.expect(A, seq, 1160, 1);
            h.expectData(seq + 1160, 300);
        }
        h.none();
        assertEquals(10, sk(s).cwnd(), "no congestion response to an MTU drop");
        h.ack(4381, WIN);
        assertEquals(0, sk(s).packetsOut);
    }

    @Test
    void anIcmpAboutDataNotInFlightIsIgnored() {
        ReliabilityHarness h = new ReliabilityHarness(65);
        Socket s = h.passiveOpen(synOpts(1460, false, false, -1), WIN);
        write(s, 1000);
        Out o = h.expect(A | Tcp.PSH, 1, 1000, 1);
        h.ack(1001, WIN);
        h.injectIcmpError(ReliabilityHarness.GATEWAY, Icmp.DEST_UNREACH, Icmp.FRAG_NEEDED, 1200, o);
        assertEquals(1, h.tcp().extMib().get(TcpExtMib.OutOfWindowIcmps), "RFC 5927 §4.1");
        h.none();
        h.injectIcmpError(ReliabilityHarness.GATEWAY, Icmp.DEST_UNREACH, Icmp.HOST_UNREACH, 0, o);
        assertEquals(TcpState.ESTABLISHED, sk(s).state());
    }

    /** Sends the SYN of a non-blocking connect and returns it. */
    private static Out connectSyn(ReliabilityHarness h, Socket c) {
        try {
            c.connect(new SockAddrIn(ReliabilityHarness.REMOTE, ReliabilityHarness.PORT));
        } catch (ErrnoException e) {
            assertEquals(Errno.EINPROGRESS, e.errno());
        }
        Out syn = h.next();
        h.liss = syn.tcp().seq();
        return syn;
    }

    @Test
    void icmpUnreachablesDuringConnectAbortItWithTheirErrno() {
        int[][] cases = {
            {Icmp.DEST_UNREACH, Icmp.HOST_UNREACH}, {Icmp.DEST_UNREACH, Icmp.NET_UNREACH},
            {Icmp.DEST_UNREACH, Icmp.PORT_UNREACH}, {Icmp.DEST_UNREACH, Icmp.PROT_UNREACH},
            {Icmp.TIME_EXCEEDED, 0},
        };
        Errno[] expected = {Errno.EHOSTUNREACH, Errno.ENETUNREACH, Errno.ECONNREFUSED, Errno.ENOPROTOOPT, Errno.EHOSTUNREACH};
        for (int i = 0; i < cases.length; i++) {
            ReliabilityHarness h = new ReliabilityHarness(66 + i);
            Socket c = h.net.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM | Socket.SOCK_NONBLOCK, 0);
            Out syn = connectSyn(h, c);
            h.run(10 * MS);
            h.injectIcmpError(ReliabilityHarness.GATEWAY, cases[i][0], cases[i][1], 0, syn);
            // tcp_v4_err(): in SYN_SENT any unreachable ends the attempt with its errno.
            assertEquals(TcpState.CLOSE, sk(c).state(), "type " + cases[i][0] + " code " + cases[i][1]);
            assertEquals(expected[i].code(), c.getsockopt(SockOpt.SO_ERROR), expected[i].name());
            assertTrue((c.poll() & Socket.POLLERR) != 0 || c.getsockopt(SockOpt.SO_ERROR) == 0);
            h.run(5 * SEC);
            h.none();   // no more SYNs
        }
    }

    @Test
    void aBlockingConnectReportsTheUnreachable() {
        ReliabilityHarness h = new ReliabilityHarness(71);
        Socket c = h.socket();
        Errno[] got = new Errno[1];
        h.k.spawn("connect", () -> {
            try {
                c.connect(new SockAddrIn(ReliabilityHarness.REMOTE, ReliabilityHarness.PORT));
            } catch (ErrnoException e) {
                got[0] = e.errno();
            }
        });
        Out syn = h.next();
        h.liss = syn.tcp().seq();
        h.run(10 * MS);
        h.injectIcmpError(ReliabilityHarness.GATEWAY, Icmp.DEST_UNREACH, Icmp.HOST_UNREACH, 0, syn);
        h.k.runUntil(() -> got[0] != null, SEC);
        assertEquals(Errno.EHOSTUNREACH, got[0]);
    }

    @Test
    void softErrorsOnAnEstablishedConnectionExplainTheTimeout() {
        ReliabilityHarness h = new ReliabilityHarness(72);
        h.net.sysctls().set("net.ipv4.tcp_retries2", "2");
        Socket s = h.passiveOpen(synOpts(1000, false, false, -1), WIN);
        write(s, 100);
        Out o = h.expect(A | Tcp.PSH, 1, 100, 1);
        h.injectIcmpError(ReliabilityHarness.GATEWAY, Icmp.DEST_UNREACH, Icmp.HOST_UNREACH, 0, o);
        assertEquals(TcpState.ESTABLISHED, sk(s).state(), "RFC 1122 §4.2.3.9: soft for a connection");
        h.k.runUntil(() -> sk(s).state() == TcpState.CLOSE, 100 * SEC);
        ErrnoException e = assertThrows(ErrnoException.class, () -> s.recv(ByteBuffer.allocate(1), Socket.MSG_DONTWAIT));
        assertEquals(Errno.EHOSTUNREACH, e.errno(), "tcp_write_err(): the soft error says why");
    }

    /** Path MTU discovery end to end: A sends to B through R whose link to B has MTU 1200. */
    @Test
    void pathMtuDiscoveryThroughARouterDeliversEverything() throws Exception {
        Lan lan = new Lan(73);
        lan.r.device("veth1").setMtu(1200);
        Socket l = lan.b.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
        l.bind(new SockAddrIn(0, 80));
        l.listen(4);
        Socket c = lan.a.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
        c.connect(new SockAddrIn(Lan.B, 80));
        Socket srv = l.accept();
        assertEquals(1448, sk(c).mss(), "both ends' MTU is 1500 (MSS 1460 less the timestamps): they cannot know");
        byte[] data = new byte[300_000];
        new SplittableRandom(1).nextBytes(data);
        ByteBuffer out = ByteBuffer.wrap(data);
        ByteBuffer in = ByteBuffer.allocate(data.length);
        while (in.hasRemaining()) {
            if (out.hasRemaining()) {
                try {
                    c.send(out, Socket.MSG_DONTWAIT);
                } catch (ErrnoException e) {
                    assertEquals(Errno.EAGAIN, e.errno());
                }
            }
            lan.k.runFor(MS);
            try {
                srv.recv(in, Socket.MSG_DONTWAIT);
            } catch (ErrnoException e) {
                assertEquals(Errno.EAGAIN, e.errno());
            }
        }
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), MessageDigest.getInstance("SHA-256").digest(in.array()));
        assertEquals(1148, sk(c).mss(), "lowered by the router's ICMP fragmentation needed");
        assertTrue(lan.a.inet().icmpMib().get(io.jnetstack.ipv4.IcmpMib.InDestUnreachs) >= 1);
    }
}
