package io.jnetstack.ipv4.fib;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.link.Veth;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static io.jnetstack.ipv4.fib.FibTestSupport.ip;
import static org.junit.jupiter.api.Assertions.*;

/** The namespace FIB: tables, policy rules, route checks, device events, listings. */
class FibTest {
    private static final int TCP = 6;
    private static final int UDP = 17;

    private Kernel kernel;
    private Net net;
    private NetDevice eth0;
    private NetDevice eth1;
    private Fib fib;
    private final FlowKey key = new FlowKey();
    private final FibResult res = new FibResult();

    @BeforeEach
    void setUp() {
        kernel = Kernel.deterministic(1);
        net = kernel.newNet("host");
        eth0 = FibTestSupport.dev(net, "eth0");
        eth1 = FibTestSupport.dev(net, "eth1");
        fib = new Fib(net);
        address(eth0, "198.18.0.2", 24);
        address(eth1, "198.18.1.2", 24);
        fib.addRoute(Route.to(0, 0).via(ip("198.18.0.1")).build());
    }

    /** What the address layer does for {@code ip addr add A/LEN dev DEV}: local, broadcast and connected routes. */
    private void address(NetDevice dev, String addr, int len) {
        int a = ip(addr);
        int net0 = a & Prefixes.mask(len);
        fib.addRoute(Route.to(a, 32).type(RouteType.LOCAL).dev(dev).protocol(RouteProtocol.KERNEL).prefsrc(a).build());
        fib.addRoute(Route.to(net0 | ~Prefixes.mask(len), 32).type(RouteType.BROADCAST).dev(dev).protocol(RouteProtocol.KERNEL)
                .prefsrc(a).build());
        fib.addRoute(Route.to(net0, len).dev(dev).protocol(RouteProtocol.KERNEL).prefsrc(a).build());
    }

    private boolean out(String dst) {
        key.reset().dst(ip(dst));
        return fib.lookup(key, res);
    }

    private static Errno errno(Executable e) {
        return assertThrows(ErrnoException.class, e).errno();
    }

    // ---------------------------------------------------------------- tables

    @Test
    void defaultRules() {
        assertEquals("0:\tfrom all lookup local\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n", fib.formatRules());
        assertNotNull(fib.local());
        assertNotNull(fib.main());
        assertNull(fib.table(FibTable.DEFAULT), "the default table is created on demand");
    }

    @Test
    void listingsLikeIpRouteShow() {
        assertEquals("""
                default via 198.18.0.1 dev eth0
                198.18.0.0/24 dev eth0 proto kernel scope link src 198.18.0.2
                198.18.1.0/24 dev eth1 proto kernel scope link src 198.18.1.2
                """, fib.formatRoutes(FibTable.MAIN));
        assertEquals("""
                local 198.18.0.2 dev eth0 proto kernel scope host src 198.18.0.2
                broadcast 198.18.0.255 dev eth0 proto kernel scope link src 198.18.0.2
                local 198.18.1.2 dev eth1 proto kernel scope host src 198.18.1.2
                broadcast 198.18.1.255 dev eth1 proto kernel scope link src 198.18.1.2
                """, fib.formatRoutes(FibTable.LOCAL));
        assertTrue(fib.formatAllRoutes().contains("local 198.18.0.2 dev eth0 table local proto kernel scope host src 198.18.0.2\n"));
        assertTrue(fib.formatAllRoutes().startsWith("default via 198.18.0.1 dev eth0\n"));
        assertEquals("", fib.formatRoutes(100));
    }

    @Test
    void localTableFirstThenMain() {
        assertTrue(out("198.18.0.2"));
        assertEquals(RouteType.LOCAL, res.type());
        assertEquals(FibTable.LOCAL, res.table());
        assertEquals(FibRules.LOCAL_PRIORITY, res.rule().priority());

        assertTrue(out("198.18.0.77"));
        assertEquals(RouteType.UNICAST, res.type());
        assertEquals(24, res.prefixLen());
        assertEquals(ip("198.18.0.2"), res.prefsrc());
        assertEquals(FibTable.MAIN, res.table());

        assertTrue(out("8.8.8.8"));
        assertEquals(0, res.prefixLen());
        assertEquals(ip("198.18.0.1"), res.nexthop().gateway());
        assertEquals(eth0, res.nexthop().dev(), "the device was resolved from the gateway");
        assertEquals(FibRules.MAIN_PRIORITY, res.rule().priority());

        assertTrue(out("198.18.1.255"));
        assertEquals(RouteType.BROADCAST, res.type());
    }

    @Test
    void noRouteIsEnetunreach() {
        fib.deleteRoute(Route.to(0, 0).match());
        assertFalse(out("8.8.8.8"));
        assertEquals(Errno.ENETUNREACH, res.error());
        assertNull(res.route());
    }

    @Test
    void tablesAreCreatedOnDemand() {
        fib.addRoute(Route.to(0, 0).via(ip("198.18.1.1"), eth1).table(100).build());
        assertNotNull(fib.table(100));
        assertEquals("default via 198.18.1.1 dev eth1\n", fib.formatRoutes(100));
        assertTrue(fib.formatAllRoutes().contains("default via 198.18.1.1 dev eth1 table 100\n"));
        assertEquals(FibErrors.ESRCH, errno(() -> fib.deleteRoute(Route.to(0, 0).table(101).match())));
    }

    // ---------------------------------------------------------------- route checks

    @Test
    void gatewaysMustBeDirectlyReachable() {
        fib.addRoute(Route.to(ip("10.0.0.0"), 8).via(ip("198.18.1.1")).build());
        assertEquals(eth1, fib.main().routes(ip("10.0.0.0"), 8).get(0).nexthop(0).dev());
        assertEquals(Errno.ENETUNREACH, errno(() -> fib.addRoute(Route.to(ip("11.0.0.0"), 8).via(ip("203.0.113.1")).build())),
                "RTNETLINK answers: Network is unreachable");
        assertEquals(Errno.ENETUNREACH, errno(() -> fib.addRoute(Route.to(ip("11.0.0.0"), 8).via(ip("198.18.1.1"), eth0).build())),
                "the gateway is not on eth0");
        assertEquals(Errno.ENETUNREACH, errno(() -> fib.addRoute(Route.to(ip("11.0.0.0"), 8).via(ip("10.0.0.1")).build())),
                "a gateway behind another gateway is not directly reachable");
        fib.addRoute(Route.to(ip("11.0.0.0"), 8).via(ip("203.0.113.1"), eth0).onlink().build());
        assertEquals("11.0.0.0/8 via 203.0.113.1 dev eth0 onlink", fib.main().routes(ip("11.0.0.0"), 8).get(0).format(false));
        assertEquals(Errno.EINVAL, errno(() -> fib.addRoute(Route.to(ip("12.0.0.0"), 8).via(ip("198.18.0.255"), eth0).onlink().build())),
                "a broadcast address is not a gateway");
    }

    @Test
    void devicesMustBeUpAndOurs() {
        eth1.down();
        assertEquals(Errno.ENETDOWN, errno(() -> fib.addRoute(Route.to(ip("10.0.0.0"), 8).dev(eth1).build())));
        Net other = kernel.newNet("other");
        NetDevice foreign = FibTestSupport.dev(other, "eth9");
        assertEquals(Errno.ENODEV, errno(() -> fib.addRoute(Route.to(ip("10.0.0.0"), 8).dev(foreign).build())));
    }

    @Test
    void preferredSourceMustBeLocal() {
        fib.addRoute(Route.to(ip("10.0.0.0"), 8).via(ip("198.18.0.1")).prefsrc(ip("198.18.1.2")).build());
        assertEquals(Errno.EINVAL, errno(() -> fib.addRoute(Route.to(ip("11.0.0.0"), 8).via(ip("198.18.0.1"))
                .prefsrc(ip("198.18.0.9")).build())));
    }

    @Test
    void addAndDeleteThroughTheFib() {
        assertEquals(Errno.EEXIST, errno(() -> fib.addRoute(Route.to(0, 0).via(ip("198.18.1.1")).build())));
        fib.addRoute(Route.to(0, 0).via(ip("198.18.1.1")).build(), FibTable.REPLACE);
        assertTrue(out("8.8.8.8"));
        assertEquals(eth1, res.nexthop().dev());
        fib.deleteRoute(Route.to(0, 0).match());
        assertEquals(FibErrors.ESRCH, errno(() -> fib.deleteRoute(Route.to(0, 0).match())));
    }

    // ---------------------------------------------------------------- policy rules

    @Test
    void fromSelectsATable() {
        fib.addRoute(Route.to(0, 0).via(ip("198.18.1.1")).table(100).build());
        FibRule r = fib.rules().add(FibRule.builder().from(ip("10.9.0.0"), 16).lookup(100).build());
        assertEquals(32765, r.priority(), "one below the second rule, as Linux");
        assertTrue(fib.formatRules().contains("32765:\tfrom 10.9.0.0/16 lookup 100\n"));

        key.reset().dst(ip("8.8.8.8")).src(ip("10.9.3.4"));
        assertTrue(fib.lookup(key, res));
        assertEquals(100, res.table());
        assertEquals(eth1, res.nexthop().dev());
        assertEquals(r, res.rule());
        key.src(ip("10.8.3.4"));
        assertTrue(fib.lookup(key, res));
        assertEquals(FibTable.MAIN, res.table());
    }

    @Test
    void toTosFwmarkAndIpprotoSelectors() {
        fib.addRoute(Route.to(0, 0).via(ip("198.18.1.1")).table(100).build());
        fib.rules().add(FibRule.builder().priority(10).to(ip("8.8.0.0"), 16).tos(0x10).lookup(100).build());
        fib.rules().add(FibRule.builder().priority(20).fwmark(0x100, 0xF00).lookup(100).build());
        fib.rules().add(FibRule.builder().priority(30).ipProto(UDP).to(ip("9.9.9.9"), 32).lookup(100).build());

        assertEquals(100, tableFor(new FlowKey().dst(ip("8.8.1.1")).tos(0x10)));
        assertEquals(FibTable.MAIN, tableFor(new FlowKey().dst(ip("8.8.1.1"))));
        assertEquals(FibTable.MAIN, tableFor(new FlowKey().dst(ip("8.9.1.1")).tos(0x10)));
        assertEquals(100, tableFor(new FlowKey().dst(ip("1.1.1.1")).mark(0x1123)));
        assertEquals(FibTable.MAIN, tableFor(new FlowKey().dst(ip("1.1.1.1")).mark(0x1223)));
        assertEquals(100, tableFor(new FlowKey().dst(ip("9.9.9.9")).proto(UDP)));
        assertEquals(FibTable.MAIN, tableFor(new FlowKey().dst(ip("9.9.9.9")).proto(TCP)));
        assertTrue(fib.formatRules().contains("10:\tfrom all to 8.8.0.0/16 tos 0x10 lookup 100\n"));
        assertTrue(fib.formatRules().contains("20:\tfrom all fwmark 0x100/0xf00 lookup 100\n"));
        assertTrue(fib.formatRules().contains("30:\tfrom all to 9.9.9.9 ipproto udp lookup 100\n"));
    }

    private int tableFor(FlowKey k) {
        assertTrue(fib.lookup(k, res), () -> "lookup " + k + ": " + res);
        return res.table();
    }

    @Test
    void iifSelectsInputAndLoSelectsLocalTraffic() {
        fib.addRoute(Route.to(0, 0).via(ip("198.18.1.1")).table(100).build());
        fib.addRoute(Route.to(0, 0).type(RouteType.PROHIBIT).table(200).build());
        fib.rules().add(FibRule.builder().priority(10).iif("eth1").lookup(100).build());
        fib.rules().add(FibRule.builder().priority(11).iif("lo").fwmark(7).lookup(200).build());

        assertEquals(100, tableFor(new FlowKey().dst(ip("8.8.8.8")).iif(eth1.ifindex())));
        assertEquals(FibTable.MAIN, tableFor(new FlowKey().dst(ip("8.8.8.8")).iif(eth0.ifindex())));
        key.reset().dst(ip("8.8.8.8")).mark(7);
        assertFalse(fib.lookup(key, res), "output lookups come from lo");
        assertEquals(Errno.EACCES, res.error());
        assertEquals(FibTable.MAIN, tableFor(new FlowKey().dst(ip("8.8.8.8")).mark(7).iif(eth0.ifindex())));
    }

    @Test
    void oifSelector() {
        fib.addRoute(Route.to(0, 0).via(ip("198.18.1.1")).table(100).build());
        fib.rules().add(FibRule.builder().priority(10).oif("eth1").lookup(100).build());
        assertEquals(100, tableFor(new FlowKey().dst(ip("8.8.8.8")).oif(eth1.ifindex())));
        assertEquals(FibTable.MAIN, tableFor(new FlowKey().dst(ip("8.8.8.8"))));
    }

    @Test
    void notInvertsTheSelectors() {
        fib.addRoute(Route.to(0, 0).via(ip("198.18.1.1")).table(100).build());
        fib.rules().add(FibRule.builder().priority(10).not().from(ip("198.18.0.0"), 24).lookup(100).build());
        assertEquals(100, tableFor(new FlowKey().dst(ip("8.8.8.8")).src(ip("203.0.113.5"))));
        assertEquals(FibTable.MAIN, tableFor(new FlowKey().dst(ip("8.8.8.8")).src(ip("198.18.0.2"))));
        assertTrue(fib.formatRules().contains("10:\tnot from 198.18.0.0/24 lookup 100\n"));
    }

    @Test
    void lowerPriorityWinsAndDeletingRestoresTheNext() {
        fib.addRoute(Route.to(0, 0).via(ip("198.18.1.1")).table(100).build());
        fib.addRoute(Route.to(0, 0).via(ip("198.18.0.1")).table(200).build());
        fib.rules().add(FibRule.builder().priority(200).fwmark(1).lookup(200).build());
        fib.rules().add(FibRule.builder().priority(100).fwmark(1).lookup(100).build());
        assertEquals(100, tableFor(new FlowKey().dst(ip("8.8.8.8")).mark(1)));
        fib.rules().delete(FibRule.builder().priority(100).match());
        assertEquals(200, tableFor(new FlowKey().dst(ip("8.8.8.8")).mark(1)));
    }

    @Test
    void ruleAddAndDeleteErrors() {
        FibRule a = fib.rules().add(FibRule.builder().from(ip("10.0.0.0"), 8).lookup(100).build());
        FibRule b = fib.rules().add(FibRule.builder().from(ip("10.0.0.0"), 8).lookup(100).build());
        assertEquals(32765, a.priority());
        assertEquals(32764, b.priority(), "without a priority, Linux accepts the same rule again below the last");
        assertEquals(Errno.EEXIST, errno(() -> fib.rules().add(FibRule.builder().priority(32765).from(ip("10.0.0.0"), 8).lookup(100).build())));
        assertEquals(Errno.ENOENT, errno(() -> fib.rules().delete(FibRule.builder().priority(5).match())));
        assertEquals(Errno.ENOENT, errno(() -> fib.rules().delete(FibRule.builder().from(ip("11.0.0.0"), 8).match())));
        assertEquals(b, fib.rules().delete(FibRule.builder().from(ip("10.0.0.0"), 8).lookup(100).match()), "the first match goes");
        assertEquals(Errno.EINVAL, errno(() -> fib.rules().add(FibRule.builder().priority(50).gotoPriority(40).build())));
        assertEquals(Errno.EINVAL, errno(() -> FibRule.builder().from(ip("10.0.0.1"), 8)));
        assertEquals(Errno.EINVAL, errno(() -> fib.rules().add(FibRule.builder().match())));
    }

    @Test
    void deletingTheMainRuleHidesTheMainTable() {
        fib.rules().delete(FibRule.builder().priority(FibRules.MAIN_PRIORITY).match());
        assertFalse(out("8.8.8.8"));
        assertEquals(Errno.ENETUNREACH, res.error());
        assertTrue(out("198.18.0.2"), "the local table still answers");
    }

    @Test
    void throwRoutesFallThroughToTheNextRule() {
        fib.addRoute(Route.to(0, 0).via(ip("198.18.1.1")).table(100).build());
        fib.addRoute(Route.to(ip("8.8.8.0"), 24).type(RouteType.THROW).table(100).build());
        fib.rules().add(FibRule.builder().priority(1000).lookup(100).build());
        assertTrue(out("8.8.8.8"));
        assertEquals(FibTable.MAIN, res.table());
        assertEquals(eth0, res.nexthop().dev());
        assertTrue(out("9.9.9.9"));
        assertEquals(100, res.table());
        assertEquals(eth1, res.nexthop().dev());
    }

    @Test
    void rejectRoutesEndTheRuleWalk() {
        fib.addRoute(Route.to(ip("8.8.8.0"), 24).type(RouteType.UNREACHABLE).table(100).build());
        fib.addRoute(Route.to(ip("8.8.9.0"), 24).type(RouteType.BLACKHOLE).table(100).build());
        fib.addRoute(Route.to(ip("8.8.10.0"), 24).type(RouteType.PROHIBIT).table(100).build());
        fib.rules().add(FibRule.builder().priority(1000).lookup(100).build());
        assertFalse(out("8.8.8.8"));
        assertEquals(Errno.EHOSTUNREACH, res.error());
        assertEquals(24, res.prefixLen());
        assertEquals(100, res.table());
        assertFalse(out("8.8.9.8"));
        assertEquals(Errno.EINVAL, res.error());
        assertFalse(out("8.8.10.8"));
        assertEquals(Errno.EACCES, res.error());
        assertTrue(out("8.8.11.8"), "table 100 has no answer: main does");
    }

    @Test
    void rejectActions() {
        fib.rules().add(FibRule.builder().priority(10).to(ip("10.1.0.0"), 16).action(RuleAction.UNREACHABLE).build());
        fib.rules().add(FibRule.builder().priority(11).to(ip("10.2.0.0"), 16).action(RuleAction.PROHIBIT).build());
        fib.rules().add(FibRule.builder().priority(12).to(ip("10.3.0.0"), 16).action(RuleAction.BLACKHOLE).build());
        fib.rules().add(FibRule.builder().priority(13).to(ip("10.4.0.0"), 16).action(RuleAction.NOP).build());
        assertFalse(out("10.1.0.1"));
        assertEquals(Errno.ENETUNREACH, res.error());
        assertEquals(10, res.rule().priority());
        assertFalse(out("10.2.0.1"));
        assertEquals(Errno.EACCES, res.error());
        assertFalse(out("10.3.0.1"));
        assertEquals(Errno.EINVAL, res.error());
        assertTrue(out("10.4.0.1"), "nop goes on");
        assertTrue(fib.formatRules().contains("10:\tfrom all to 10.1.0.0/16 unreachable\n"));
        assertTrue(fib.formatRules().contains("13:\tfrom all to 10.4.0.0/16 nop\n"));
    }

    @Test
    void suppressPrefixLengthIgnoresShortAnswers() {
        fib.addRoute(Route.to(0, 0).via(ip("198.18.1.1")).table(100).build());
        fib.rules().add(FibRule.builder().priority(100).lookup(FibTable.MAIN).suppressPrefixLength(0).build());
        fib.rules().add(FibRule.builder().priority(200).lookup(100).build());
        assertTrue(out("8.8.8.8"));
        assertEquals(100, res.table(), "main's default route is suppressed");
        assertTrue(out("198.18.0.9"));
        assertEquals(FibTable.MAIN, res.table());
        assertEquals(100, res.rule().priority());
        assertTrue(fib.formatRules().contains("100:\tfrom all lookup main suppress_prefixlength 0\n"));
    }

    @Test
    void gotoJumpsForward() {
        fib.addRoute(Route.to(0, 0).via(ip("198.18.1.1")).table(100).build());
        fib.addRoute(Route.to(0, 0).type(RouteType.PROHIBIT).table(200).build());
        fib.rules().add(FibRule.builder().priority(10).fwmark(1).gotoPriority(300).build());
        fib.rules().add(FibRule.builder().priority(20).lookup(200).build());
        fib.rules().add(FibRule.builder().priority(300).lookup(100).build());
        assertEquals(100, tableFor(new FlowKey().dst(ip("8.8.8.8")).mark(1)));
        key.reset().dst(ip("8.8.8.8"));
        assertFalse(fib.lookup(key, res));
        assertEquals(Errno.EACCES, res.error());
        assertTrue(fib.formatRules().contains("10:\tfrom all fwmark 0x1 goto 300\n"));
        fib.rules().delete(FibRule.builder().priority(300).match());
        assertTrue(fib.formatRules().contains("10:\tfrom all fwmark 0x1 goto 300 [unresolved]\n"));
        key.mark(1);
        assertFalse(fib.lookup(key, res), "an unresolved goto is skipped");
        assertEquals(Errno.EACCES, res.error());
    }

    @Test
    void rulesNamingAbsentDevicesAreDetached() {
        fib.addRoute(Route.to(0, 0).via(ip("198.18.1.1")).table(100).build());
        fib.rules().add(FibRule.builder().priority(10).iif("wlan0").lookup(100).build());
        assertTrue(fib.formatRules().contains("10:\tfrom all iif wlan0 [detached] lookup 100\n"));
        NetDevice wlan0 = FibTestSupport.dev(net, "wlan0");
        fib.devicesChanged();
        assertTrue(fib.formatRules().contains("10:\tfrom all iif wlan0 lookup 100\n"));
        assertEquals(100, tableFor(new FlowKey().dst(ip("8.8.8.8")).iif(wlan0.ifindex())));
        net.unregister(wlan0);
        fib.deviceUnregistered(wlan0);
        assertTrue(fib.formatRules().contains("iif wlan0 [detached]"));
    }

    // ---------------------------------------------------------------- devices and multipath

    @Test
    void deviceDownFlushesItsRoutes() {
        fib.addRoute(Route.to(ip("10.5.0.0"), 16).nexthop(NextHop.via(ip("198.18.0.1"), eth0))
                .nexthop(NextHop.via(ip("198.18.1.1"), eth1)).build());
        fib.addRoute(Route.to(ip("10.6.0.0"), 16).via(ip("198.18.1.1")).build());
        eth1.down();
        assertEquals(4, fib.deviceDown(eth1), "local, broadcast, connected and 10.6/16");
        assertEquals("""
                default via 198.18.0.1 dev eth0
                10.5.0.0/16
                \tnexthop via 198.18.0.1 dev eth0 weight 1
                \tnexthop via 198.18.1.1 dev eth1 weight 1 dead linkdown
                198.18.0.0/24 dev eth0 proto kernel scope link src 198.18.0.2
                """, fib.formatRoutes(FibTable.MAIN));
        assertTrue(out("10.5.1.1"));
        assertEquals(eth0, res.nexthop().dev());
        assertEquals(1, fib.deviceUnregistered(eth1));
    }

    @Test
    void multipathSpreadsFlowsByWeight() {
        fib.addRoute(Route.to(ip("10.5.0.0"), 16).nexthop(NextHop.via(ip("198.18.0.1"), eth0))
                .nexthop(NextHop.via(ip("198.18.1.1"), eth1).withWeight(3)).build());
        int onEth1 = 0;
        int flows = 20_000;
        for (int i = 0; i < flows; i++) {
            key.reset().dst(ip("10.5.0.1") + (i & 0xFF)).src(ip("192.0.2.0") + i * 7919);
            assertTrue(fib.lookup(key, res));
            NextHop first = res.nexthop();
            assertTrue(fib.lookup(key, res));
            assertSame(first, res.nexthop(), "a flow keeps its nexthop");
            if (first.dev() == eth1) {
                onEth1++;
            }
        }
        assertEquals(0.75, (double) onEth1 / flows, 0.02);
        eth1.down();
        for (int i = 0; i < 1000; i++) {
            key.reset().dst(ip("10.5.0.1")).src(ip("192.0.2.0") + i);
            assertTrue(fib.lookup(key, res));
            assertEquals(eth0, res.nexthop().dev());
        }
        key.reset().dst(ip("10.5.0.1")).src(ip("192.0.2.0")).oif(eth1.ifindex());
        eth1.up();
        assertTrue(fib.lookup(key, res));
        assertEquals(eth1, res.nexthop().dev(), "an output interface pins the nexthop");
    }

    @Test
    void vethDevicesWork() {
        Net peer = kernel.newNet("peer");
        Veth v = Veth.createPair(net, "veth0", peer, "veth1");
        v.up();
        v.peer().up();
        address(v, "198.18.7.1", 30);
        fib.addRoute(Route.to(ip("10.7.0.0"), 16).via(ip("198.18.7.2")).build());
        assertTrue(out("10.7.1.1"));
        assertEquals(v, res.nexthop().dev());
        v.down();
        assertTrue(out("10.7.1.1"));
        assertEquals(eth0, res.nexthop().dev(), "down: the default route takes over");
        fib.deviceDown(v);
        assertFalse(fib.formatAllRoutes().contains("veth0"));
    }
}
