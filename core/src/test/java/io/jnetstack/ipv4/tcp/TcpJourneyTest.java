package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.link.Veth;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.Socket;
import io.jnetstack.trace.Journey;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static io.jnetstack.ipv4.tcp.TcpHarness.PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seeds' TCP call chains, each checked as an ordered subsequence of a recorded journey
 * ({@link Journey#containsInOrder}): connect through an unresolved neighbour, sendmsg, the
 * established receive path, the listener's SYN path, the reset path and the socket backlog.
 */
class TcpJourneyTest {
    static final int A = Ipv4Address.parse("198.18.0.1");
    static final int B = Ipv4Address.parse("198.18.0.2");

    static void assertChain(Journey j, List<String> chain) {
        int miss = j.firstMissing(chain);
        if (miss >= 0) {
            throw new AssertionError("the journey leaves the chain at " + chain.get(miss) + " (step " + miss + ")\n" + j.tree());
        }
    }

    private static Journey journeyAt(Tracer t, Stage stage, int index) {
        List<Long> ids = t.packetsAt(stage);
        assertFalse(ids.isEmpty(), "no packet passed " + stage.linuxName());
        return t.journey(ids.get(index));
    }

    @Test
    void connectThroughAnUnresolvedNeighbour() {
        Kernel k = Kernel.deterministic(3);
        Net a = k.newNet("a");
        Net b = k.newNet("b");
        Veth va = Veth.createPair(a, "veth0", b, "veth0");
        va.up();
        va.peer().up();
        a.inet().devinet().add(va, A, 24);
        b.inet().devinet().add(va.peer(), B, 24);
        k.runFor(1_000_000L);
        Socket l = b.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
        l.bind(new SockAddrIn(0, PORT));
        l.listen(4);
        Tracer t = k.tracer();
        t.enable(true, false);
        Socket c = a.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
        c.connect(new SockAddrIn(B, PORT));
        assertEquals(TcpState.ESTABLISHED, TcpHarness.sk(c).state());
        Journey syn = journeyAt(t, Stage.TCP_V4_CONNECT, 0);
        assertChain(syn, List.of("tcp_v4_connect", "ip_route_connect", "tcp_connect", "tcp_transmit_skb", "ip_queue_xmit",
                "ip_local_out", "__ip_local_out", "nf_hook", "dst_output", "ip_output", "ip_finish_output",
                "ip_finish_output2", "neigh_resolve_output", "__neigh_event_send", "neigh_probe", "arp_solicit",
                "arp_send_dst", "arp_create", "arp_xmit", "dev_queue_xmit"));
        assertChain(syn, List.of("tcp_v4_connect", "arp_xmit", "neigh_update", "neigh_connect", "neigh_connected_output",
                "dev_queue_xmit"));
        l.accept();
    }

    @Test
    void sendmsgPushesThroughWriteXmit() {
        TcpHarness h = new TcpHarness();
        Socket s = h.passiveOpen();
        h.k.tracer().enable(true, false);
        s.send(ByteBuffer.wrap(new byte[100]), 0);
        h.expect("P. 1:101(100) ack 1");
        Journey j = journeyAt(h.k.tracer(), Stage.TCP_WRITE_XMIT, 0);
        assertChain(j, List.of("tcp_sendmsg", "tcp_push", "tcp_write_xmit", "tcp_transmit_skb", "ip_queue_xmit",
                "ip_local_out", "ip_output", "ip_finish_output2", "dev_queue_xmit"));
    }

    @Test
    void establishedReceivePath() {
        TcpHarness h = new TcpHarness();
        h.passiveOpen();
        h.k.tracer().enable(true, false);
        h.inject("P. 1:101(100) ack 1 win 257");
        h.expect(". 1:1(0) ack 101");
        Journey j = journeyAt(h.k.tracer(), Stage.TCP_V4_RCV, 0);
        assertChain(j, List.of("ip_local_deliver_finish", "tcp_v4_rcv", "__inet_lookup_established", "tcp_v4_do_rcv",
                "tcp_rcv_established"));
    }

    @Test
    void synToAListener() {
        TcpHarness h = new TcpHarness();
        h.listen(PORT, 4);
        h.k.tracer().enable(true, false);
        h.inject("S 0:0(0) win 65535 <mss 1000>");
        h.expect("S. 0:0(0) ack 1 <mss 1460>");
        Journey j = journeyAt(h.k.tracer(), Stage.TCP_V4_RCV, 0);
        assertChain(j, List.of("tcp_v4_rcv", "__inet_lookup_listener", "tcp_v4_do_rcv", "tcp_rcv_state_process",
                "tcp_v4_conn_request", "tcp_v4_send_synack", "ip_build_and_send_pkt", "ip_local_out"));
    }

    @Test
    void resetForAClosedPort() {
        TcpHarness h = new TcpHarness();
        h.k.tracer().enable(true, false);
        h.inject("S 0:0(0) win 65535 <mss 1000>");
        h.expect("R. 0:0(0) ack 1");
        Journey j = journeyAt(h.k.tracer(), Stage.TCP_V4_RCV, 0);
        assertChain(j, List.of("tcp_v4_rcv", "tcp_v4_send_reset", "ip_send_unicast_reply", "ip_local_out",
                "dev_queue_xmit"));
    }

    @Test
    void segmentsForASocketHeldByItsUserGoToTheBacklog() {
        Kernel k = Kernel.deterministic(5);
        Net n = k.newNet("lo");
        n.loopback().up();
        k.runFor(1_000_000L);
        Socket l = n.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
        l.bind(new SockAddrIn(0, PORT));
        l.listen(4);
        Socket c = n.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
        c.connect(new SockAddrIn(Ipv4Address.LOOPBACK, PORT));
        Socket s = l.accept();
        Tracer t = k.tracer();
        t.enable(true, false);
        // The send runs loopback's receive softirq inline: the server's ACK reaches the client
        // while sendmsg holds it, and waits in its backlog until release_sock.
        c.send(ByteBuffer.wrap(new byte[100]), 0);
        List<Long> backlogged = t.packetsAt(Stage.SK_ADD_BACKLOG);
        assertFalse(backlogged.isEmpty(), "nothing went through sk_add_backlog");
        Journey j = t.journey(backlogged.getFirst());
        assertChain(j, List.of("tcp_v4_rcv", "__inet_lookup_established", "sk_add_backlog", "release_sock",
                "tcp_v4_do_rcv", "tcp_rcv_established"));
        assertEquals(100, s.recv(ByteBuffer.allocate(200), Socket.MSG_DONTWAIT));
        assertTrue(TcpHarness.sk(c).sndUna == TcpHarness.sk(c).sndNxt, "the backlogged ACK was processed at release_sock");
    }
}
