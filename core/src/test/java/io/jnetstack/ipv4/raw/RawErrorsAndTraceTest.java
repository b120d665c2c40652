package io.jnetstack.ipv4.raw;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.socket.Cmsg;
import io.jnetstack.socket.Lan;
import io.jnetstack.socket.Msghdr;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.SockExtendedErr;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;
import io.jnetstack.trace.Journey;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Icmp;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static io.jnetstack.ipv4.raw.RawSocketTest.EXPERIMENTAL;
import static io.jnetstack.ipv4.raw.RawSocketTest.echo;
import static io.jnetstack.ipv4.raw.RawSocketTest.header;
import static io.jnetstack.ipv4.raw.RawSocketTest.raw;
import static io.jnetstack.ipv4.raw.RawSocketTest.recv;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ICMP errors to raw sockets ({@code raw_icmp_error} → {@code raw_err}) and the seeds' raw chains in the trace. */
class RawErrorsAndTraceTest {
    private static SockExtendedErr readError(Socket s, ByteBuffer into) {
        Msghdr m = new Msghdr(into);
        s.recvmsg(m, Socket.MSG_ERRQUEUE);
        assertEquals(Socket.MSG_ERRQUEUE, m.flags() & Socket.MSG_ERRQUEUE);
        return ((Cmsg.IpRecvErr) m.control().getFirst()).err();
    }

    @Test
    void timeExceededAtTheRouterIsQueuedWithIpRecverr() {
        Lan lan = new Lan(11);
        Socket s = raw(lan.a, Socket.IPPROTO_ICMP);
        s.setsockopt(SockOpt.IP_RECVERR, 1);
        s.setsockopt(SockOpt.IP_TTL, 1);
        s.sendto(ByteBuffer.wrap(echo(21, 4, "ttl")), 0, new SockAddrIn(Lan.B, 0));
        lan.k.runFor(1_000_000_000L);
        ErrnoException pending = assertThrows(ErrnoException.class, () -> s.recv(ByteBuffer.allocate(100), 0));
        assertEquals(Errno.EHOSTUNREACH, pending.errno(), "with IP_RECVERR the error is also the pending one");
        ByteBuffer quoted = ByteBuffer.allocate(100);
        SockExtendedErr ee = readError(s, quoted);
        assertEquals(new SockExtendedErr(Errno.EHOSTUNREACH, SockExtendedErr.ORIGIN_ICMP, Icmp.TIME_EXCEEDED, Icmp.EXC_TTL, 0,
                Lan.R1, new SockAddrIn(Lan.B, 0)), ee);
        assertArrayEquals(echo(21, 4, "ttl"), java.util.Arrays.copyOf(quoted.array(), quoted.position()),
                "the quoted datagram from its ICMP header on");
        byte[] msg = recv(s);
        assertEquals(Icmp.TIME_EXCEEDED, Icmp.type(msg, 20), "the ICMP error itself is a datagram for the raw socket too");
        assertEquals(Lan.R1, Ipv4.src(msg, 0));
    }

    @Test
    void hostUnreachableFromTheLocalNeighbourLayer() {
        Lan lan = new Lan(12);
        Socket s = raw(lan.a, Socket.IPPROTO_ICMP);
        s.setsockopt(SockOpt.IP_RECVERR, 1);
        s.setsockopt(SockOpt.ICMP_FILTER, ~(1 << Icmp.ECHOREPLY));
        int nobody = Ipv4Address.parse("198.18.1.77");
        s.sendto(ByteBuffer.wrap(echo(22, 1, "anyone?")), 0, new SockAddrIn(nobody, 0));
        lan.k.runFor(10_000_000_000L);
        SockExtendedErr ee = readError(s, ByteBuffer.allocate(100));
        assertEquals(Errno.EHOSTUNREACH, ee.errno());
        assertEquals(Icmp.DEST_UNREACH, ee.icmpType());
        assertEquals(Icmp.HOST_UNREACH, ee.icmpCode());
        assertEquals(Lan.A, ee.offender(), "the stack itself reports the failed ARP");
        assertEquals(new SockAddrIn(nobody, 0), ee.dest());
    }

    @Test
    void withoutRecverrOnlyHardErrorsReachConnectedSockets() {
        Lan lan = new Lan(13);
        Socket unconnected = raw(lan.a, EXPERIMENTAL);
        Socket connected = raw(lan.a, EXPERIMENTAL);
        connected.connect(new SockAddrIn(Lan.B, 0));
        connected.send(Lan.buf("nobody listens"), 0);
        lan.k.runFor(1_000_000_000L);
        assertEquals(Errno.ENOPROTOOPT, assertThrows(ErrnoException.class,
                () -> connected.recv(ByteBuffer.allocate(10), Socket.MSG_DONTWAIT)).errno(), "protocol unreachable is hard");
        assertEquals(Errno.EAGAIN, assertThrows(ErrnoException.class,
                () -> unconnected.recv(ByteBuffer.allocate(10), Socket.MSG_DONTWAIT)).errno());
        assertEquals(0, unconnected.getsockopt(SockOpt.SO_ERROR));

        connected.setsockopt(SockOpt.IP_TTL, 1);
        connected.send(Lan.buf("short-lived"), 0);
        lan.k.runFor(1_000_000_000L);
        assertEquals(0, connected.getsockopt(SockOpt.SO_ERROR), "time exceeded is soft: nothing without IP_RECVERR");
    }

    @Test
    void seedChainRawSendmsgToRawSendHdrincAndOnToTheDevice() {
        Lan lan = new Lan(14);
        Socket s = raw(lan.a, Socket.IPPROTO_RAW);
        Socket receiver = raw(lan.b, EXPERIMENTAL);
        Tracer t = lan.k.tracer();
        t.enable(true, false);
        s.sendto(ByteBuffer.wrap(header(0, 0, 0, 0, Lan.B, "traced")), 0, new SockAddrIn(Lan.B, 0));
        recv(receiver);
        long id = t.packetsAt(Stage.RAW_SEND_HDRINC).getFirst();
        Journey j = t.journey(id);
        List<String> out = List.of("raw_sendmsg", "raw_send_hdrinc", "ip_local_out", "__ip_local_out", "nf_hook",
                "dst_output", "ip_output", "ip_finish_output", "ip_finish_output2", "dev_queue_xmit");
        assertTrue(j.containsInOrder(out), "missing " + (j.firstMissing(out) < 0 ? "" : out.get(j.firstMissing(out))) + "\n" + j.tree());
        List<String> in = List.of("ip_rcv", "ip_local_deliver", "ip_local_deliver_finish", "raw_local_deliver", "raw_rcv",
                "sock_queue_rcv_skb", "raw_recvmsg");
        long rcvd = t.packetsAt(Stage.RAW_RCV).getFirst();
        Journey r = t.journey(rcvd);
        assertTrue(r.containsInOrder(in.subList(0, 6)), r.tree());
        assertTrue(t.events().stream().anyMatch(e -> e.stage() == Stage.RAW_RECVMSG && e.netns().equals("B")));
    }

    @Test
    void seedChainWithoutHdrinclGoesThroughTheCork() {
        Lan lan = new Lan(15);
        Socket s = raw(lan.a, Socket.IPPROTO_ICMP);
        Tracer t = lan.k.tracer();
        t.enable(true, false);
        s.sendto(ByteBuffer.wrap(echo(1, 1, "cork")), 0, new SockAddrIn(Lan.B, 0));
        recv(s);
        long id = t.packetsAt(Stage.IP_PUSH_PENDING_FRAMES).getFirst();
        Journey j = t.journey(id);
        List<String> chain = List.of("raw_sendmsg", "ip_append_data", "ip_push_pending_frames", "ip_local_out", "dev_queue_xmit");
        assertTrue(j.containsInOrder(chain), j.tree());
        long back = t.packetsAt(Stage.RAW_RCV).getFirst();
        assertTrue(t.journey(back).containsInOrder(List.of("ip_local_deliver_finish", "raw_local_deliver", "raw_rcv")),
                t.journey(back).tree());
    }
}
