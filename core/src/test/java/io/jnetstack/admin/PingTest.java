package io.jnetstack.admin;

import io.jnetstack.core.Errno;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.sched.Netem;
import io.jnetstack.netfilter.NfHook;
import io.jnetstack.trace.Stage;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Ping} in virtual time on the three-namespace network (10 ms per router port), and once in real time. */
class PingTest {
    /** One run's exit status and what it printed. */
    private record Run(int status, String out, String err) {
    }

    private static Run ping(Topology t, Ping.Options o, String dst) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = new Ping(o).run(t.alpha, dst, new PrintWriter(out), new PrintWriter(err));
        return new Run(status, out.toString(), err.toString());
    }

    private static Ping.Options count(int n) {
        return Ping.Options.defaults().withCount(n);
    }

    @Test
    void repliesWithRoundTripsAndStatistics() {
        Topology t = Topology.deterministic(10);
        Run r = ping(t, count(3), "198.18.2.2");
        assertEquals("""
                PING 198.18.2.2 (198.18.2.2) 56(84) bytes of data.
                64 bytes from 198.18.2.2: icmp_seq=1 ttl=63 time=40.0 ms
                64 bytes from 198.18.2.2: icmp_seq=2 ttl=63 time=20.0 ms
                64 bytes from 198.18.2.2: icmp_seq=3 ttl=63 time=20.0 ms

                --- 198.18.2.2 ping statistics ---
                3 packets transmitted, 3 received, 0% packet loss, time 2000ms
                rtt min/avg/max/mdev = 20.000/26.667/40.000/9.428 ms
                """, r.out(), "the first round trip waits for ARP on both links");
        assertEquals("", r.err());
        assertEquals(0, r.status());
        Run again = ping(t, count(2), "198.18.2.2");
        assertTrue(again.out().contains("icmp_seq=1 ttl=63 time=20.0 ms"), again.out());
    }

    @Test
    void timeToLiveExceededAtTheRouter() {
        Topology t = Topology.deterministic(10);
        Run r = ping(t, new Ping.Options(2, 1, 56, 1, Ping.Pmtu.WANT, 0, 0, false), "198.18.2.2");
        assertTrue(r.out().contains("From 198.18.1.1 icmp_seq=1 Time to live exceeded\n"
                + "From 198.18.1.1 icmp_seq=2 Time to live exceeded\n"), r.out());
        assertTrue(r.out().contains("2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 1000ms\n"), r.out());
        assertFalse(r.out().contains("rtt"), r.out());
        assertEquals(1, r.status());
    }

    @Test
    void lossBehindABlackholeRoute() {
        Topology t = Topology.deterministic(10);
        t.ip(t.router, "route add blackhole 198.18.2.2");
        long before = t.kernel.clock().nanos();
        Run r = ping(t, count(3), "198.18.2.2");
        assertEquals("""
                PING 198.18.2.2 (198.18.2.2) 56(84) bytes of data.

                --- 198.18.2.2 ping statistics ---
                3 packets transmitted, 0 received, 100% packet loss, time 2000ms
                """, r.out());
        assertEquals(1, r.status());
        assertEquals(12_000_000_000L, t.kernel.clock().nanos() - before, "two intervals, then the 10 s timeout");
        Run w = ping(t, new Ping.Options(3, 1, 56, 0, Ping.Pmtu.WANT, 2, 0, false), "198.18.2.2");
        assertTrue(w.out().contains("3 packets transmitted, 0 received, 100% packet loss"), w.out());
    }

    @Test
    void partialLossIsCountedAndFormattedAsPing() {
        Topology t = Topology.deterministic(10);
        ping(t, count(1), "198.18.2.2");   // ARP first, so that the loss hits echoes only
        t.kernel.run(() -> t.routerEth1.setQdisc(new Netem(Netem.Config.parse("delay 10ms loss 50%"))));
        Run r = ping(t, new Ping.Options(20, 0.2, 56, 0, Ping.Pmtu.WANT, 0, 0, true), "198.18.2.2");
        String stats = r.out().lines().filter(l -> l.contains("transmitted")).findFirst().orElseThrow();
        var m = java.util.regex.Pattern.compile("20 packets transmitted, (\\d+) received, ([0-9.]+)% packet loss, time 3800ms")
                .matcher(stats);
        assertTrue(m.matches(), stats);
        int received = Integer.parseInt(m.group(1));
        assertTrue(received > 0 && received < 20, stats);
        PingStats s = new PingStats();
        s.transmitted = 20;
        s.received = received;
        assertEquals(s.loss(), m.group(2));
        assertEquals(4, r.out().lines().filter(l -> !l.isEmpty()).count(), "quiet: the header and the statistics only\n" + r.out());
        assertEquals(0, r.status());
    }

    @Test
    void duplicatesAreMarkedAndCounted() {
        Topology t = Topology.deterministic(10);
        ping(t, count(1), "198.18.2.2");
        t.kernel.run(() -> t.routerEth0.setQdisc(new Netem(Netem.Config.parse("delay 10ms duplicate 100%"))));
        Run r = ping(t, count(3), "198.18.2.2");
        assertTrue(r.out().contains("64 bytes from 198.18.2.2: icmp_seq=1 ttl=63 time=20.0 ms\n"
                + "64 bytes from 198.18.2.2: icmp_seq=1 ttl=63 time=20.0 ms (DUP!)\n"), r.out());
        assertTrue(r.out().matches("(?s).*3 packets transmitted, 3 received, \\+[23] duplicates, 0% packet loss, time 2000ms\n.*"), r.out());
        assertEquals(0, r.status());
    }

    @Test
    void unreachableNeighbourAndLocalRouteErrors() {
        Topology t = Topology.deterministic(10);
        Run r = ping(t, count(2), "198.18.1.77");
        assertTrue(r.out().contains("From 198.18.1.2 icmp_seq=1 Destination Host Unreachable\n"), r.out());
        assertEquals(1, r.status());
        t.ip(t.alpha, "route add blackhole 203.0.113.0/24");
        t.ip(t.alpha, "route add unreachable 198.51.100.0/24");
        t.ip(t.alpha, "route add prohibit 192.0.2.0/24");
        assertEquals(new Run(2, "", "ping: connect: Invalid argument\n"), ping(t, count(1), "203.0.113.1"));
        assertEquals(new Run(2, "", "ping: connect: No route to host\n"), ping(t, count(1), "198.51.100.1"));
        assertEquals(new Run(2, "", "ping: connect: Permission denied\n"), ping(t, count(1), "192.0.2.1"));
        assertEquals(new Run(2, "", "ping: nowhere: Name or service not known\n"), ping(t, count(1), "nowhere"));
        t.ip(t.alpha, "route del default");
        assertEquals(new Run(2, "", "ping: connect: Network is unreachable\n"), ping(t, count(1), "198.18.2.2"));
    }

    @Test
    void sizesFragmentationAndDontFragment() {
        Topology t = Topology.deterministic(10);
        Run big = ping(t, new Ping.Options(2, 1, 3000, 0, Ping.Pmtu.WANT, 0, 0, false), "198.18.2.2");
        assertTrue(big.out().startsWith("PING 198.18.2.2 (198.18.2.2) 3000(3028) bytes of data.\n"), big.out());
        assertTrue(big.out().contains("3008 bytes from 198.18.2.2: icmp_seq=2 ttl=63 time=20.0 ms"), big.out());
        Run df = ping(t, new Ping.Options(2, 1, 3000, 0, Ping.Pmtu.DO, 0, 0, false), "198.18.2.2");
        assertEquals("ping: local error: message too long, mtu=1500\nping: local error: message too long, mtu=1500\n", df.err());
        assertTrue(df.out().contains("2 packets transmitted, 0 received, +2 errors, 100% packet loss"), df.out());
        assertEquals(1, df.status());
        t.ip(t.router, "link set veth1 mtu 1200");
        t.ip(t.beta, "link set veth0 mtu 1200");
        Run frag = ping(t, new Ping.Options(1, 1, 1400, 0, Ping.Pmtu.DO, 0, 0, false), "198.18.2.2");
        assertTrue(frag.out().contains("From 198.18.1.1 icmp_seq=1 Frag needed and DF set (mtu = 1200)"), frag.out());
        Run dont = ping(t, new Ping.Options(1, 1, 1400, 0, Ping.Pmtu.DONT, 0, 0, false), "198.18.2.2");
        assertTrue(dont.out().contains("1408 bytes from 198.18.2.2: icmp_seq=1 ttl=63"), dont.out());
        Run tiny = ping(t, new Ping.Options(1, 1, 8, 0, Ping.Pmtu.WANT, 0, 0, false), "198.18.2.2");
        assertTrue(tiny.out().contains("16 bytes from 198.18.2.2: icmp_seq=1 ttl=63\n"), "no time under 16 bytes: " + tiny.out());
        assertFalse(tiny.out().contains("rtt"), tiny.out());
    }

    @Test
    void deadlineStopsSending() {
        Topology t = Topology.deterministic(10);
        Run r = ping(t, new Ping.Options(0, 1, 56, 0, Ping.Pmtu.WANT, 0, 3, false), "198.18.2.2");
        assertTrue(r.out().contains("3 packets transmitted, 3 received, 0% packet loss, time 2000ms"), r.out());
        assertEquals(0, r.status());
        Run short_ = ping(t, new Ping.Options(5, 1, 56, 0, Ping.Pmtu.WANT, 0, 2, false), "198.18.2.2");
        assertTrue(short_.out().contains("2 packets transmitted, 2 received"), short_.out());
        assertEquals(1, short_.status(), "with a deadline, fewer replies than the count is a failure, as iputils");
        Run dflt = ping(t, Ping.Options.defaults(), "198.18.2.2");
        assertTrue(dflt.out().contains(Ping.VIRTUAL_DEFAULT_COUNT + " packets transmitted"), dflt.out());
    }

    /** The same runs on a fresh network, through a ping socket or through the raw fallback. */
    private static List<Run> scenario(boolean pingSockets) {
        Topology t = Topology.deterministic(10);
        if (!pingSockets) {
            t.kernel.run(() -> t.alpha.sysctls().set("net.ipv4.ping_group_range", "1 0"));
        }
        t.kernel.tracer().enable(true, false);
        List<Run> runs = List.of(ping(t, count(3), "198.18.2.2"),
                ping(t, new Ping.Options(2, 1, 56, 1, Ping.Pmtu.WANT, 0, 0, false), "198.18.2.2"),
                ping(t, count(1), "198.18.1.77"),
                ping(t, new Ping.Options(1, 1, 3000, 0, Ping.Pmtu.DO, 0, 0, false), "198.18.2.2"));
        boolean sawPing = t.kernel.tracer().events().stream().anyMatch(e -> e.stage() == Stage.PING_V4_SENDMSG);
        boolean sawRaw = t.kernel.tracer().events().stream().anyMatch(e -> e.stage() == Stage.RAW_SENDMSG);
        assertEquals(pingSockets, sawPing);
        assertEquals(!pingSockets, sawRaw);
        assertEquals(0, (int) t.kernel.call(() -> t.alpha.sockets().list().size()), "the socket is closed after the run");
        return runs;
    }

    @Test
    void aRawSocketStandsInWhenPingSocketsAreRefused() {
        List<Run> viaPing = scenario(true);
        List<Run> viaRaw = scenario(false);
        assertEquals(viaPing, viaRaw, "iputils' fallback prints the same");
        assertTrue(viaRaw.get(1).out().contains("From 198.18.1.1 icmp_seq=1 Time to live exceeded"), viaRaw.get(1).out());
        assertTrue(viaRaw.get(2).out().contains("From 198.18.1.2 icmp_seq=1 Destination Host Unreachable"), viaRaw.get(2).out());
        assertEquals("ping: local error: message too long, mtu=1500\n", viaRaw.get(3).err());
    }

    @Test
    void withoutPingSocketsOrCapNetRawPingCannotStart() {
        Topology t = Topology.deterministic(10);
        t.kernel.run(() -> {
            t.alpha.sysctls().set("net.ipv4.ping_group_range", "1 0");
            t.alpha.sockets().setCallerCapNetRaw(false);
        });
        assertEquals(new Run(2, "", "ping: socket: Operation not permitted\n"), ping(t, count(1), "198.18.2.2"));
        t.kernel.run(() -> t.alpha.sockets().setCallerGid(4242));
        t.kernel.run(() -> t.alpha.sysctls().set("net.ipv4.ping_group_range", "4000 5000"));
        assertEquals(0, ping(t, count(1), "198.18.2.2").status(), "the caller's group is in the range again");
    }

    @Test
    void badOptionsAreRefusedAsPingDoes() {
        AdminException e = assertThrows(AdminException.class, () -> new Ping.Options(1, 1, 70000, 0, Ping.Pmtu.WANT, 0, 0, false));
        assertEquals("ping: packet size 70000 is too large. Maximum is 65507", e.output());
        assertEquals(2, e.status());
        assertEquals(Errno.EINVAL, e.errno());
        assertThrows(AdminException.class, () -> new Ping.Options(1, 1, 56, 256, Ping.Pmtu.WANT, 0, 0, false));
        assertThrows(AdminException.class, () -> new Ping.Options(1, -1, 56, 0, Ping.Pmtu.WANT, 0, 0, false));
        assertThrows(AdminException.class, () -> new Ping.Options(-1, 1, 56, 0, Ping.Pmtu.WANT, 0, 0, false));
        assertThrows(AdminException.class, () -> new Ping.Options(1, 1, 56, 0, null, 0, 0, false));
    }

    @Test
    void statisticsFormats() {
        assertEquals("0.043", PingStats.formatRtt(43_210));
        assertEquals("4.32", PingStats.formatRtt(4_321_000));
        assertEquals("43.2", PingStats.formatRtt(43_210_000));
        assertEquals("432", PingStats.formatRtt(432_100_000));
        PingStats s = new PingStats();
        s.transmitted = 3;
        s.received = 1;
        assertEquals("66.6667", s.loss());
        s.received = 0;
        assertEquals("100", s.loss());
        s.received = 3;
        assertEquals("0", s.loss());
        s.transmitted = 8;
        s.received = 7;
        assertEquals("12.5", s.loss());
    }

    @Test
    void realTimeKernelRepliesArriveWithoutDrivingTime() throws Exception {
        try (Kernel k = Kernel.realtime()) {
            Topology t = new Topology(k, 0);
            Run r = ping(t, new Ping.Options(3, 0.05, 56, 0, Ping.Pmtu.WANT, 2, 0, false), "198.18.2.2");
            assertEquals(0, r.status(), r.out() + r.err());
            assertTrue(r.out().contains("3 packets transmitted, 3 received, 0% packet loss"), r.out());
            assertEquals(3, r.out().lines().filter(l -> l.startsWith("64 bytes from 198.18.2.2: icmp_seq=")).count(), r.out());
            assertFalse(k.call(() -> t.alpha.inet().netfilter().active(NfHook.LOCAL_IN)), "the error hook is removed");
        }
    }
}
