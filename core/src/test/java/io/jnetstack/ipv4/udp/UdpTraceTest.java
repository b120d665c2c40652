package io.jnetstack.ipv4.udp;

import io.jnetstack.socket.Lan;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;
import io.jnetstack.trace.Journey;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.TraceEvent;
import io.jnetstack.trace.Tracer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static io.jnetstack.socket.Lan.B;
import static io.jnetstack.socket.Lan.buf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seeds' UDP call chains, checked as ordered subsequences of recorded journeys. */
class UdpTraceTest {
    static final List<String> SEND = List.of("udp_sendmsg", "ip_route_output_flow", "ip_append_data",
            "udp_push_pending_frames", "ip_push_pending_frames", "ip_local_out");
    static final List<String> RECEIVE = List.of("udp_rcv", "__udp4_lib_rcv", "__udp4_lib_lookup",
            "udp_queue_rcv_skb", "sock_queue_rcv_skb");
    static final List<String> READ = List.of("udp_recvmsg", "__skb_recv_udp");

    final Lan lan = new Lan(24);
    final Tracer tracer = lan.k.tracer();
    final Socket rx = Lan.udp(lan.b);
    final Socket tx = Lan.udp(lan.a);

    UdpTraceTest() {
        rx.bind(new SockAddrIn(0, 7000));
        tx.sendto(buf("warm the neighbour caches"), 0, new SockAddrIn(B, 7000));
        rx.recv(ByteBuffer.allocate(100), 0);
        tracer.enable(true, false);
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> l = new java.util.ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    Journey theDatagram() {
        List<Long> ids = tracer.packetsAt(Stage.UDP_PUSH_PENDING_FRAMES);
        assertEquals(1, ids.size(), "one datagram sent");
        return tracer.journey(ids.get(0));
    }

    void check(Journey j, List<String> chain) {
        int miss = j.firstMissing(chain);
        assertEquals(-1, miss, () -> "left the chain at " + chain.get(miss) + ":\n" + j.tree());
    }

    @Test
    void aDatagramsJourneyFromSendmsgToRecvmsg() {
        tx.sendto(buf("traced"), 0, new SockAddrIn(B, 7000));
        rx.recv(ByteBuffer.allocate(100), 0);
        Journey j = theDatagram();
        check(j, SEND);
        check(j, List.of("sock_sendmsg", "udp_sendmsg"));
        check(j, concat(List.of("ip_local_out", "dev_queue_xmit", "ip_forward"), RECEIVE));
        check(j, concat(RECEIVE, READ));
        check(j, concat(concat(SEND, RECEIVE), READ));
        assertTrue(j.tree().contains("udp_sendmsg()"), j.tree());
    }

    @Test
    void aBlockedReaderSeesTheDatagramInItsJourney() {
        lan.k.run(() -> lan.aEth.setQdisc(new io.jnetstack.core.sched.Netem(io.jnetstack.core.sched.Netem.Config.parse("delay 5ms"))));
        tx.sendto(buf("traced"), 0, new SockAddrIn(B, 7000));
        rx.recv(ByteBuffer.allocate(100), 0);
        Journey j = theDatagram();
        check(j, SEND);
        check(j, RECEIVE);
        check(j, List.of("sock_queue_rcv_skb", "__skb_recv_udp"));
        assertTrue(j.names().contains("udp_recvmsg"), "the waiting udp_recvmsg is the context of the dequeue");
    }

    @Test
    void theSendChainIsAlsoInTheFlatEventOrder() {
        tx.sendto(buf("flat"), 0, new SockAddrIn(B, 7000));
        List<String> names = tracer.events().stream().map(e -> e.stage().linuxName()).toList();
        int i = 0;
        for (String n : names) {
            if (i < SEND.size() && n.equals(SEND.get(i))) {
                i++;
            }
        }
        assertEquals(SEND.size(), i, names.toString());
        long id = theDatagram().packetId();
        for (TraceEvent e : tracer.events()) {
            if (e.stage() == Stage.UDP_SENDMSG || e.stage() == Stage.IP_ROUTE_OUTPUT_FLOW || e.stage() == Stage.IP_APPEND_DATA) {
                assertEquals(id, e.packetId(), e.stage() + " is recorded under the datagram's id");
            }
        }
    }

    @Test
    void corkedSendsShareOneJourney() {
        tx.sendto(buf("a"), Socket.MSG_MORE, new SockAddrIn(B, 7000));
        tx.sendto(buf("b"), 0, null);
        Journey j = theDatagram();
        check(j, List.of("udp_sendmsg", "ip_route_output_flow", "ip_append_data", "udp_sendmsg", "ip_append_data",
                "udp_push_pending_frames", "ip_push_pending_frames", "ip_local_out"));
    }

    @Test
    void aBroadcastIsDeliveredThroughMcastDeliver() {
        Socket onR = Lan.udp(lan.r);
        onR.bind(new SockAddrIn(0, 6000));
        tx.setsockopt(SockOpt.SO_BROADCAST, 1);
        tx.sendto(buf("all"), 0, new SockAddrIn(Lan.BCAST1, 6000));
        onR.recv(ByteBuffer.allocate(10), 0);
        Journey j = theDatagram();
        check(j, concat(SEND, List.of("udp_rcv", "__udp4_lib_rcv", "__udp4_lib_mcast_deliver", "udp_queue_rcv_skb",
                "sock_queue_rcv_skb", "udp_recvmsg", "__skb_recv_udp")));
    }

    @Test
    void aRefusedDatagramLeadsToThePortUnreachable() {
        tx.sendto(buf("closed"), 0, new SockAddrIn(B, 9));
        lan.settle();
        Journey j = theDatagram();
        check(j, List.of("udp_sendmsg", "udp_rcv", "__udp4_lib_rcv", "__udp4_lib_lookup", "icmp_send", "icmp_rcv", "icmp_unreach"));
    }
}
