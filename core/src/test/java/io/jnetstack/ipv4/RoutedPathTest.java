package io.jnetstack.ipv4;

import io.jnetstack.core.Net;
import io.jnetstack.ipv4.fib.FibRule;
import io.jnetstack.ipv4.fib.Route;
import io.jnetstack.ipv4.fib.RouteType;
import io.jnetstack.trace.Journey;
import io.jnetstack.trace.TraceEvent;
import io.jnetstack.wire.Icmp;
import io.jnetstack.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The routed path A — R — B, in virtual time: ping, TTL, fragmentation, PMTU, journeys. */
class RoutedPathTest {
    static final int ID = 0x1234;
    final Topology t = new Topology(7);
    final List<String> got = new ArrayList<>();

    RoutedPathTest() {
        t.a.inet().icmp().setEchoListener(ID, listener());
    }

    private io.jnetstack.ipv4.Icmp.EchoReplyListener listener() {
        return new io.jnetstack.ipv4.Icmp.EchoReplyListener() {
            @Override
            public void reply(int src, int id, int seq, int ttl, io.jnetstack.core.SkBuff skb) {
                got.add("reply " + Ipv4Address.format(src) + " seq=" + seq + " ttl=" + ttl + " len=" + skb.len());
            }

            @Override
            public void error(int from, int id, int seq, int type, int code, int info) {
                got.add("error " + Ipv4Address.format(from) + " seq=" + seq + " " + Icmp.name(type, code) + " info=" + info);
            }
        };
    }

    private void ping(int seq, int payload, int ttl, boolean df) {
        assertTrue(t.a.inet().icmp().sendEcho(Topology.B, ID, seq, payload, ttl, df, 0));
        t.k.runFor(2_000_000_000L);
    }

    private String diag() {
        StringBuilder sb = new StringBuilder();
        for (Net n : t.k.nets()) {
            sb.append("== ").append(n.name()).append('\n').append(n.formatDrops()).append(n.inet().formatNstat());
        }
        return sb.toString();
    }

    @Test
    void pingCrossesTheRouter() {
        ping(1, 56, 64, false);
        assertEquals(List.of("reply 198.18.2.2 seq=1 ttl=63 len=64"), got, this::diag);
        assertEquals(2, t.r.inet().ipMib().get(IpMib.ForwDatagrams), "the request and the reply");
        assertEquals(1, t.b.inet().icmpMib().get(IcmpMib.InEchos));
        assertEquals(1, t.a.inet().icmpMib().get(IcmpMib.InEchoReps));
        assertTrue(t.a.inet().arpTable().format().contains("198.18.1.1 dev veth0 lladdr " + t.rEthA.mac() + " REACHABLE"),
                t.a.inet().arpTable().format());
    }

    @Test
    void ttlOneGetsTimeExceededFromTheRouter() {
        ping(1, 56, 1, false);
        assertEquals(List.of("error 198.18.1.1 seq=1 Time to live exceeded info=0"), got, this::diag);
        assertEquals(1, t.r.inet().icmpMib().get(IcmpMib.OutTimeExcds));
        assertEquals(0, t.b.inet().icmpMib().get(IcmpMib.InEchos));
    }

    @Test
    void aBigPingIsFragmentedAndReassembledBothWays() {
        ping(1, 4000 - 28, 64, false);
        assertEquals(List.of("reply 198.18.2.2 seq=1 ttl=63 len=3980"), got, this::diag);
        assertEquals(1, t.a.inet().ipMib().get(IpMib.FragOKs));
        assertEquals(3, t.a.inet().ipMib().get(IpMib.FragCreates));
        assertEquals(1, t.b.inet().ipMib().get(IpMib.ReasmOKs));
        assertEquals(1, t.b.inet().ipMib().get(IpMib.FragOKs), "the reply is fragmented too");
        assertEquals(1, t.a.inet().ipMib().get(IpMib.ReasmOKs));
    }

    @Test
    void theRouterRefragmentsForASmallerSecondHop() {
        t.rEthB.setMtu(1280);
        t.bEth.setMtu(1280);
        ping(1, 4000 - 28, 64, false);
        assertEquals(List.of("reply 198.18.2.2 seq=1 ttl=63 len=3980"), got, this::diag);
        assertTrue(t.r.inet().ipMib().get(IpMib.FragCreates) >= 4, this::diag);
        assertEquals(1, t.b.inet().ipMib().get(IpMib.ReasmOKs));
    }

    @Test
    void dontFragmentLearnsThePathMtu() {
        t.rEthB.setMtu(1280);
        t.bEth.setMtu(1280);
        ping(1, 1400 - 28, 64, true);
        assertEquals(List.of("error 198.18.1.1 seq=1 Frag needed and DF set info=1280"), got, this::diag);
        String route = t.a.inet().routing().get(Topology.B);
        assertTrue(route.contains("mtu 1280"), route);
        assertTrue(t.a.inet().routing().formatExceptions().matches("(?s)198\\.18\\.2\\.2 cache expires 5\\d\\dsec mtu 1280\n"),
                t.a.inet().routing().formatExceptions());
        got.clear();
        ping(2, 1400 - 28, 64, false);
        assertEquals(List.of("reply 198.18.2.2 seq=2 ttl=63 len=1380"), got, this::diag);
        assertEquals(1, t.a.inet().ipMib().get(IpMib.FragOKs), "A now fragments to the learned MTU itself");
        t.k.runFor(601_000_000_000L);
        assertFalse(t.a.inet().routing().get(Topology.B).contains("mtu 1280"), "the exception expires");
        ping(3, 1400 - 28, 64, true);
        assertTrue(t.a.inet().routing().get(Topology.B).contains("mtu 1280"), "learned again");
        t.a.inet().routing().flushExceptions();
        assertFalse(t.a.inet().routing().get(Topology.B).contains("mtu 1280"), "ip route flush cache forgets it");
    }

    @Test
    void theJourneyOfTheFirstPingFollowsTheSeedChains() {
        t.k.tracer().enable(true, false);
        t.a.inet().icmp().sendEcho(Topology.B, ID, 1, 56, 64, false, 0);
        long id = t.k.tracer().packetsAt(io.jnetstack.trace.Stage.IP_LOCAL_OUT).getFirst();
        t.k.runFor(1_000_000_000L);
        Journey j = t.k.tracer().journey(id);
        assertChain(j, null, "ip_output", "ip_finish_output", "ip_finish_output2", "neigh_resolve_output",
                "__neigh_event_send", "neigh_probe", "arp_solicit", "arp_send_dst", "arp_create", "arp_xmit", "dev_queue_xmit");
        assertChain(j, "A", "arp_rcv", "arp_process", "neigh_update", "neigh_connect", "neigh_connected_output", "dev_queue_xmit");
        assertChain(j, "R", "ip_rcv", "ip_rcv_finish", "ip_route_input_slow", "ip_forward", "ip_forward_finish",
                "dst_output", "ip_output");
        assertChain(j, "B", "ip_rcv", "ip_local_deliver", "ip_local_deliver_finish", "icmp_rcv", "icmp_echo");
        assertEquals(List.of("reply 198.18.2.2 seq=1 ttl=63 len=64"), got);
    }

    private static void assertChain(Journey j, String netns, String... chain) {
        List<TraceEvent> ev = netns == null ? j.events() : j.events().stream().filter(e -> e.netns().equals(netns)).toList();
        Journey sub = new Journey(j.packetId(), ev);
        int miss = sub.firstMissing(List.of(chain));
        assertEquals(-1, miss, () -> "chain broken at " + (miss < 0 ? "" : chain[miss]) + " in " + netns + ":\n" + j.tree());
    }

    @Test
    void policyRulesPickTables() {
        // Table 100 sends B's subnet into a blackhole; until a rule selects it, the ping works.
        // (A "from" selector would not match: an unbound sender's lookup has no source yet, as in Linux.)
        t.a.inet().fib().addRoute(Route.to(Ipv4Address.parse("198.18.2.0"), 24).table(100).type(RouteType.BLACKHOLE).build());
        ping(1, 56, 64, false);
        assertEquals(1, got.size(), this::diag);
        t.a.inet().fib().rules().add(FibRule.builder().priority(100).to(Ipv4Address.parse("198.18.2.0"), 24).lookup(100).build());
        t.a.inet().routing().flushCache();
        assertFalse(t.a.inet().icmp().sendEcho(Topology.B, ID, 2, 56, 64, false, 0), "a blackhole route refuses the send");
        assertEquals(io.jnetstack.core.Errno.EINVAL, t.a.inet().routing().lastError());
    }

    @Test
    void aFailedNeighbourAnswersQueuedSendersWithHostUnreachable() {
        // A host that does not exist behind the router: R's ARP fails after 3 probes, 1 s apart,
        // and R tells A (RFC 1122 §2.3.2.2) from its address towards A; one on A's own link: A tells itself.
        assertTrue(t.a.inet().icmp().sendEcho(Ipv4Address.parse("198.18.2.99"), ID, 1, 56, 64, false, 0));
        assertTrue(t.a.inet().icmp().sendEcho(Ipv4Address.parse("198.18.1.99"), ID, 2, 56, 64, false, 0));
        t.k.runFor(2_500_000_000L);
        assertTrue(got.isEmpty(), "nothing before the third probe times out: " + got);
        t.k.runFor(2_000_000_000L);
        assertEquals(List.of("error 198.18.1.1 seq=1 Destination Host Unreachable info=0",
                "error 198.18.1.2 seq=2 Destination Host Unreachable info=0"), got.stream().sorted().toList(), this::diag);
        assertTrue(t.r.inet().arpTable().format().contains("198.18.2.99 dev veth1  FAILED")
                || t.r.inet().arpTable().format().contains("198.18.2.99 dev veth1 FAILED"), t.r.inet().arpTable().format());
        assertEquals(1, t.r.drops(io.jnetstack.core.DropReason.NEIGH_FAILED));
    }

    @Test
    void forwardingBackOutTheInputLinkSendsARedirectThatTheHostLearns() {
        // R reaches 198.18.9.0/24 through 198.18.1.7, on A's own link: A should talk to .7 directly.
        int gw = Ipv4Address.parse("198.18.1.7");
        int far = Ipv4Address.parse("198.18.9.1");
        t.r.inet().fib().addRoute(Route.to(Ipv4Address.parse("198.18.9.0"), 24).via(gw, t.rEthA).build());
        assertTrue(t.a.inet().icmp().sendEcho(far, ID, 1, 56, 64, false, 0));
        t.k.runFor(100_000_000L);
        assertEquals(1, t.r.inet().icmpMib().get(IcmpMib.OutRedirects), this::diag);
        assertEquals(1, t.a.inet().icmpMib().get(IcmpMib.InRedirects), this::diag);
        String route = t.a.inet().routing().get(far);
        assertTrue(route.startsWith("198.18.9.1 via 198.18.1.7 dev veth0"), route);
        assertTrue(t.a.inet().routing().formatExceptions().contains("198.18.9.1 via 198.18.1.7 redirected"),
                t.a.inet().routing().formatExceptions());
        assertTrue(t.a.inet().routing().get(Topology.B).startsWith("198.18.2.2 via 198.18.1.1"), "other destinations keep R");
    }

    @Test
    void noRedirectWhenSendRedirectsIsOff() {
        t.r.sysctls().set("net.ipv4.conf.all.send_redirects", "0");
        int gw = Ipv4Address.parse("198.18.1.7");
        int far = Ipv4Address.parse("198.18.9.1");
        t.r.inet().fib().addRoute(Route.to(Ipv4Address.parse("198.18.9.0"), 24).via(gw, t.rEthA).build());
        assertTrue(t.a.inet().icmp().sendEcho(far, ID, 1, 56, 64, false, 0));
        t.k.runFor(100_000_000L);
        assertEquals(0, t.r.inet().icmpMib().get(IcmpMib.OutRedirects), "send_redirects=0");
        assertTrue(t.a.inet().routing().get(far).startsWith("198.18.9.1 via 198.18.1.1"));
    }

    @Test
    void strictReversePathFilteringDropsSpoofedSources() {
        t.r.sysctls().set("net.ipv4.conf.all.rp_filter", "1");
        // From A's link, a datagram claiming to come from B's subnet: R's way back is veth1.
        byte[] frame = new byte[14 + 28];
        io.jnetstack.wire.Ethernet.writeHeader(frame, 0, t.rEthA.mac().bits(), t.aEth.mac().bits(), 0x0800);
        io.jnetstack.wire.Ipv4.writeHeader(frame, 14, 0, 28, 1, 0, 64, 253, Ipv4Address.parse("198.18.2.50"), Topology.B);
        io.jnetstack.core.SkBuff skb = t.k.skbs().alloc(64, frame.length);
        skb.putData(frame, 0, frame.length);
        skb.dev = t.aEth;
        io.jnetstack.core.Dev.queueXmit(skb);
        t.k.runFor(1_000_000L);
        assertEquals(1, t.r.drops(io.jnetstack.core.DropReason.IP_RPFILTER), this::diag);
        assertEquals(0, t.r.inet().ipMib().get(IpMib.ForwDatagrams));
        t.r.sysctls().set("net.ipv4.conf.all.rp_filter", "0");
        ping(1, 56, 64, false);
        assertEquals(1, got.size(), "genuine traffic still flows");
    }
}
