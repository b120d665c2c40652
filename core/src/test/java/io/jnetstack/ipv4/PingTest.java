package io.jnetstack.ipv4;

import io.jnetstack.trace.Journey;
import io.jnetstack.trace.Stage;
import io.jnetstack.wire.Icmp;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PingTest {

    @Test
    void aPingsBThroughR() {
        Topology t = new Topology(1);
        List<String> replies = new ArrayList<>();
        t.a.inet().icmp().setEchoListener(77, (src, id, seq, ttl, skb) -> replies.add(
                io.jnetstack.wire.Ipv4Address.format(src) + " seq=" + seq + " ttl=" + ttl));
        t.k.tracer().enable(true, false);
        assertTrue(t.a.inet().icmp().sendEcho(Topology.B, 77, 1, 56, 64, false, 0));
        t.k.runFor(1_000_000_000L);
        assertEquals(List.of("198.18.2.2 seq=1 ttl=63"), replies, () -> t.a.formatDrops() + t.r.formatDrops() + t.b.formatDrops()
                + t.a.inet().arpTable().format() + t.r.inet().formatNstat());
    }
}
