package io.jnetstack.ipv4.fib;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static io.jnetstack.ipv4.fib.FibTestSupport.ip;
import static org.junit.jupiter.api.Assertions.*;

/** One table: insert flags, delete matching, lookup semantics, flushing and listing. */
class FibTableTest {
    private static final int GW0 = ip("198.18.0.1");
    private static final int GW1 = ip("198.18.1.1");

    private Net net;
    private NetDevice eth0;
    private NetDevice eth1;
    private FibTable main;
    private final FlowKey key = new FlowKey();
    private final FibResult res = new FibResult();

    @BeforeEach
    void setUp() {
        net = Kernel.deterministic(1).newNet("t");
        eth0 = FibTestSupport.dev(net, "eth0");
        eth1 = FibTestSupport.dev(net, "eth1");
        main = new FibTable(FibTable.MAIN);
    }

    private boolean lookup(String dst) {
        key.reset().dst(ip(dst));
        return main.lookup(key, res);
    }

    private static Errno errno(Executable e) {
        return assertThrows(ErrnoException.class, e).errno();
    }

    @Test
    void longestPrefixWinsThenShorterOnes() {
        main.add(Route.to(0, 0).via(GW0, eth0).build());
        main.add(Route.to(ip("10.0.0.0"), 8).dev(eth1).build());
        main.add(Route.to(ip("10.1.0.0"), 16).via(GW1, eth1).build());

        assertTrue(lookup("10.1.2.3"));
        assertNull(res.error());
        assertEquals(16, res.prefixLen());
        assertEquals(ip("10.1.0.0"), res.prefix());
        assertEquals(FibTable.MAIN, res.table());
        assertEquals(RouteType.UNICAST, res.type());
        assertEquals(GW1, res.nexthop().gateway());
        assertEquals(eth1, res.nexthop().dev());
        assertEquals(0, res.nhSel());

        assertTrue(lookup("10.2.0.1"));
        assertEquals(8, res.prefixLen());
        assertEquals(0, res.nexthop().gateway(), "directly connected");
        assertEquals(Scope.LINK, res.scope(), "iproute2's default scope for a route without gateway");

        assertTrue(lookup("11.0.0.1"));
        assertEquals(0, res.prefixLen());
        assertEquals(GW0, res.nexthop().gateway());
    }

    @Test
    void missIsEagain() {
        main.add(Route.to(ip("10.0.0.0"), 8).dev(eth0).build());
        assertFalse(lookup("11.0.0.1"));
        assertEquals(Errno.EAGAIN, res.error());
        assertNull(res.route());
    }

    @Test
    void tosSpecificRoutesComeFirstAndMatchOnlyTheirTos() {
        main.add(Route.to(ip("10.0.0.0"), 8).dev(eth0).build());
        main.add(Route.to(ip("10.0.0.0"), 8).tos(0x10).dev(eth1).build());
        assertEquals(List.of(0x10, 0), main.routes(ip("10.0.0.0"), 8).stream().map(Route::tos).toList());

        key.reset().dst(ip("10.0.0.1")).tos(0x10);
        assertTrue(main.lookup(key, res));
        assertEquals(eth1, res.nexthop().dev());
        key.tos(0x12);
        assertTrue(main.lookup(key, res));
        assertEquals(eth1, res.nexthop().dev(), "ECN bits do not select routes");
        key.tos(0x08);
        assertTrue(main.lookup(key, res));
        assertEquals(eth0, res.nexthop().dev());
        key.tos(0);
        assertTrue(main.lookup(key, res));
        assertEquals(eth0, res.nexthop().dev());
    }

    @Test
    void tosMismatchBacksOffToAShorterPrefix() {
        main.add(Route.to(0, 0).via(GW0, eth0).build());
        main.add(Route.to(ip("10.0.0.0"), 8).tos(0x10).dev(eth1).build());
        assertTrue(lookup("10.0.0.1"));
        assertEquals(0, res.prefixLen());
    }

    @Test
    void lowestMetricWins() {
        main.add(Route.to(ip("10.0.0.0"), 8).dev(eth0).priority(200).build());
        main.add(Route.to(ip("10.0.0.0"), 8).dev(eth1).priority(100).build());
        assertEquals(List.of(100, 200), main.routes(ip("10.0.0.0"), 8).stream().map(Route::priority).toList());
        assertTrue(lookup("10.9.9.9"));
        assertEquals(eth1, res.nexthop().dev());
        assertEquals(100, res.route().priority());
    }

    @Test
    void addOfTheSameTosAndMetricIsEexist() {
        main.add(Route.to(ip("10.0.0.0"), 8).dev(eth0).build());
        assertEquals(Errno.EEXIST, errno(() -> main.add(Route.to(ip("10.0.0.0"), 8).dev(eth1).build())));
        assertEquals(Errno.EEXIST, errno(() -> main.add(Route.to(ip("10.0.0.0"), 8).type(RouteType.BLACKHOLE).build())));
        main.add(Route.to(ip("10.0.0.0"), 8).dev(eth1).priority(5).build());
        main.add(Route.to(ip("10.0.0.0"), 8).dev(eth1).tos(0x10).build());
        assertEquals(3, main.size());
        assertEquals(1, main.prefixes());
    }

    @Test
    void replaceAppendPrependAndChange() {
        int p = ip("10.0.0.0");
        main.add(Route.to(p, 8).dev(eth0).build());
        main.add(Route.to(p, 8).dev(eth1).build(), FibTable.REPLACE);
        assertEquals(1, main.size());
        assertEquals(eth1, main.routes(p, 8).get(0).nexthop(0).dev());

        main.add(Route.to(p, 8).via(GW0, eth0).build(), FibTable.APPEND);
        main.add(Route.to(p, 8).via(GW1, eth1).build(), FibTable.PREPEND);
        assertEquals(List.of("10.0.0.0/8 via 198.18.1.1 dev eth1", "10.0.0.0/8 dev eth1 scope link", "10.0.0.0/8 via 198.18.0.1 dev eth0"),
                main.routes(p, 8).stream().map(r -> r.format(false)).toList());
        assertEquals(Errno.EEXIST, errno(() -> main.add(Route.to(p, 8).via(GW0, eth0).build(), FibTable.APPEND)),
                "an identical route is refused");

        main.add(Route.to(p, 8).via(GW0, eth1).build(), FibTable.CHANGE);
        assertEquals("10.0.0.0/8 via 198.18.0.1 dev eth1", main.routes(p, 8).get(0).format(false), "change replaces the first");
        assertEquals(Errno.ENOENT, errno(() -> main.add(Route.to(ip("11.0.0.0"), 8).dev(eth0).build(), FibTable.CHANGE)));
        assertEquals(Errno.ENOENT, errno(() -> main.add(Route.to(p, 8).dev(eth0).priority(9).build(), FibTable.CHANGE)));

        main.add(Route.to(ip("11.0.0.0"), 8).dev(eth0).build(), FibTable.REPLACE);
        assertEquals(4, main.size(), "replace creates what does not exist");
    }

    @Test
    void replaceByAnIdenticalRouteIsANoOp() {
        Route r = Route.to(ip("10.0.0.0"), 8).dev(eth0).build();
        main.add(r);
        main.add(Route.to(ip("10.0.0.0"), 8).dev(eth0).build(), FibTable.REPLACE);
        assertEquals(List.of(r), main.routes(ip("10.0.0.0"), 8));
    }

    @Test
    void deleteMatchesWhatIsGivenAndFailsWithEsrch() {
        int p = ip("10.0.0.0");
        main.add(Route.to(p, 8).via(GW0, eth0).priority(10).build());
        main.add(Route.to(p, 8).dev(eth1).priority(20).build());

        assertEquals(FibErrors.ESRCH, errno(() -> main.delete(Route.to(ip("11.0.0.0"), 8).match())));
        assertEquals(FibErrors.ESRCH, errno(() -> main.delete(Route.to(p, 16).match())));
        assertEquals(FibErrors.ESRCH, errno(() -> main.delete(Route.to(p, 8).priority(30).match())));
        assertEquals(FibErrors.ESRCH, errno(() -> main.delete(Route.to(p, 8).via(GW1).match())));
        assertEquals(FibErrors.ESRCH, errno(() -> main.delete(Route.to(p, 8).tos(0x10).match())), "tos is compared exactly");
        assertEquals(FibErrors.ESRCH, errno(() -> main.delete(Route.to(p, 8).type(RouteType.BLACKHOLE).match())));
        assertEquals(2, main.size());

        Route gone = main.delete(Route.to(p, 8).dev(eth1).match());
        assertEquals(20, gone.priority());
        gone = main.delete(Route.to(p, 8).match());
        assertEquals(GW0, gone.nexthop(0).gateway());
        assertEquals(0, main.size());
        assertEquals(0, main.prefixes());
        assertFalse(lookup("10.0.0.1"));
    }

    @Test
    void esrchIsNamedForLinux() {
        // Linux answers "No such process"; Errno lacks ESRCH until core adds it, ENOENT stands in.
        assertTrue(FibErrors.ESRCH == Errno.ENOENT || FibErrors.ESRCH.code() == 3);
    }

    @Test
    void routesThroughADownDeviceAreSkipped() {
        main.add(Route.to(0, 0).via(GW0, eth0).build());
        main.add(Route.to(ip("10.1.0.0"), 16).dev(eth1).build());
        main.add(Route.to(ip("10.2.0.0"), 16).dev(eth1).priority(10).build());
        main.add(Route.to(ip("10.2.0.0"), 16).dev(eth0).priority(20).build());
        eth1.down();
        assertTrue(lookup("10.1.2.3"));
        assertEquals(0, res.prefixLen(), "backs off to the default route");
        assertTrue(lookup("10.2.2.3"));
        assertEquals(20, res.route().priority(), "the next route of the same prefix");
        eth1.up();
        assertTrue(lookup("10.2.2.3"));
        assertEquals(10, res.route().priority());
    }

    @Test
    void rejectRoutesDoNotDependOnDevices() {
        main.add(Route.to(ip("10.0.0.0"), 8).type(RouteType.UNREACHABLE).build());
        eth0.down();
        eth1.down();
        assertFalse(lookup("10.0.0.1"));
        assertEquals(Errno.EHOSTUNREACH, res.error());
    }

    @Test
    void outputInterfaceRestrictsNexthops() {
        main.add(Route.to(0, 0).via(GW0, eth0).build());
        main.add(Route.to(ip("10.1.0.0"), 16).dev(eth1).build());
        key.reset().dst(ip("10.1.0.9")).oif(eth0.ifindex());
        assertTrue(main.lookup(key, res));
        assertEquals(0, res.prefixLen(), "the /16 is not on eth0");
        key.flags(FlowKey.SKIP_NH_OIF);
        assertTrue(main.lookup(key, res));
        assertEquals(16, res.prefixLen());
        key.flags(0).oif(eth1.ifindex());
        assertTrue(main.lookup(key, res));
        assertEquals(16, res.prefixLen());
    }

    @Test
    void flowScopeSkipsWiderRoutes() {
        main.add(Route.to(0, 0).via(GW0, eth0).build());
        main.add(Route.to(ip("198.18.0.0"), 24).dev(eth0).build());
        key.reset().dst(ip("198.18.0.9")).scope(Scope.LINK);
        assertTrue(main.lookup(key, res));
        assertEquals(24, res.prefixLen());
        key.dst(ip("8.8.8.8"));
        assertFalse(main.lookup(key, res), "the default route has scope global");
        key.scope(Scope.HOST).dst(ip("198.18.0.9"));
        assertFalse(main.lookup(key, res));
    }

    @Test
    void rejectTypesYieldTheirErrors() {
        main.add(Route.to(ip("10.0.0.0"), 8).type(RouteType.BLACKHOLE).build());
        main.add(Route.to(ip("10.1.0.0"), 16).dev(eth0).build());
        main.add(Route.to(ip("172.16.0.0"), 12).type(RouteType.UNREACHABLE).build());
        main.add(Route.to(ip("192.168.0.0"), 16).type(RouteType.PROHIBIT).build());
        main.add(Route.to(ip("100.64.0.0"), 10).type(RouteType.THROW).build());

        assertFalse(lookup("10.2.0.1"));
        assertEquals(Errno.EINVAL, res.error());
        assertEquals(RouteType.BLACKHOLE, res.type());
        assertEquals(8, res.prefixLen());
        assertNull(res.nexthop());
        assertTrue(lookup("10.1.0.1"), "a longer unicast route inside the blackhole");

        assertFalse(lookup("172.20.0.1"));
        assertEquals(Errno.EHOSTUNREACH, res.error());
        assertFalse(lookup("192.168.1.1"));
        assertEquals(Errno.EACCES, res.error());
        assertFalse(lookup("100.100.0.1"));
        assertEquals(Errno.EAGAIN, res.error());
        assertEquals(RouteType.THROW, res.type());
    }

    @Test
    void multipathLookupTakesTheFirstLiveNexthop() {
        main.add(Route.to(ip("10.5.0.0"), 16).nexthop(NextHop.via(GW0, eth0)).nexthop(NextHop.via(GW1, eth1)).build());
        assertTrue(lookup("10.5.0.1"));
        assertEquals(0, res.nhSel());
        eth0.down();
        assertTrue(lookup("10.5.0.1"));
        assertEquals(1, res.nhSel());
        assertEquals(eth1, res.nexthop().dev());
        eth1.down();
        assertFalse(lookup("10.5.0.1"));
    }

    @Test
    void flushByDevice() {
        main.add(Route.to(0, 0).via(GW0, eth0).build());
        main.add(Route.to(ip("10.1.0.0"), 16).dev(eth1).build());
        main.add(Route.to(ip("10.5.0.0"), 16).nexthop(NextHop.via(GW0, eth0)).nexthop(NextHop.via(GW1, eth1)).build());
        main.add(Route.to(ip("10.9.0.0"), 16).type(RouteType.BLACKHOLE).build());
        eth1.down();
        assertEquals(1, main.flushDevice(eth1, false), "only the route whose nexthops all died");
        assertEquals(3, main.size());
        assertEquals(1, main.flushDevice(eth1, true), "unregistering removes multipath routes through it too");
        assertEquals(List.of("default via 198.18.0.1 dev eth0", "blackhole 10.9.0.0/16"),
                main.routes().stream().map(r -> r.format(false)).toList());
    }

    @Test
    void formatsLikeIpRouteShow() {
        main.add(Route.to(0, 0).via(GW0, eth0).build());
        main.add(Route.to(ip("198.18.0.0"), 24).dev(eth0).protocol(RouteProtocol.KERNEL).prefsrc(ip("198.18.0.2")).build());
        main.add(Route.to(ip("10.0.0.0"), 8).type(RouteType.BLACKHOLE).build());
        main.add(Route.to(ip("10.1.0.0"), 16).type(RouteType.UNREACHABLE).build());
        main.add(Route.to(ip("10.2.0.0"), 16).type(RouteType.PROHIBIT).build());
        main.add(Route.to(ip("10.3.0.0"), 16).via(GW0, eth0).priority(100).mtu(1280).build());
        main.add(Route.to(ip("10.4.0.0"), 16).tos(0x10).via(GW0, eth0).protocol(RouteProtocol.STATIC).build());
        main.add(Route.to(ip("10.5.0.0"), 16).protocol(RouteProtocol.STATIC)
                .nexthop(NextHop.via(GW0, eth0)).nexthop(NextHop.via(GW1, eth1).withWeight(2)).build());
        main.add(Route.to(ip("10.6.0.0"), 16).via(GW1, eth1).metrics(RouteMetrics.NONE.withMtu(1400).withMtuLocked(true)
                .withAdvmss(1360).withInitcwnd(10)).build());
        main.add(Route.to(ip("10.7.0.1"), 32).dev(eth1).build());
        assertEquals("""
                default via 198.18.0.1 dev eth0
                blackhole 10.0.0.0/8
                unreachable 10.1.0.0/16
                prohibit 10.2.0.0/16
                10.3.0.0/16 via 198.18.0.1 dev eth0 metric 100 mtu 1280
                10.4.0.0/16 tos 0x10 via 198.18.0.1 dev eth0 proto static
                10.5.0.0/16 proto static
                \tnexthop via 198.18.0.1 dev eth0 weight 1
                \tnexthop via 198.18.1.1 dev eth1 weight 2
                10.6.0.0/16 via 198.18.1.1 dev eth1 mtu lock 1400 advmss 1360 initcwnd 10
                10.7.0.1 dev eth1 scope link
                198.18.0.0/24 dev eth0 proto kernel scope link src 198.18.0.2
                """, main.format());
        eth1.carrierOff();
        assertEquals("10.7.0.1 dev eth1 scope link linkdown", main.routes(ip("10.7.0.1"), 32).get(0).format(false));
    }

    @Test
    void listingPutsLongerPrefixesOfOneAddressFirst() {
        main.add(Route.to(ip("10.0.0.0"), 8).dev(eth0).build());
        main.add(Route.to(ip("10.0.0.0"), 24).dev(eth0).build());
        main.add(Route.to(ip("10.0.0.0"), 16).dev(eth0).priority(2).build());
        main.add(Route.to(ip("10.0.0.0"), 16).dev(eth1).priority(1).build());
        main.add(Route.to(ip("9.0.0.0"), 8).dev(eth0).build());
        main.add(Route.to(0, 0).via(GW0, eth0).build());
        assertEquals("""
                default via 198.18.0.1 dev eth0
                9.0.0.0/8 dev eth0 scope link
                10.0.0.0/24 dev eth0 scope link
                10.0.0.0/16 dev eth1 scope link metric 1
                10.0.0.0/16 dev eth0 scope link metric 2
                10.0.0.0/8 dev eth0 scope link
                """, main.format());
    }

    @Test
    void localTableRoutesNameTheirTable() {
        FibTable local = new FibTable(FibTable.LOCAL);
        int a = ip("198.18.0.2");
        local.add(Route.to(a, 32).type(RouteType.LOCAL).dev(eth0).protocol(RouteProtocol.KERNEL).prefsrc(a).build());
        local.add(Route.to(ip("198.18.0.255"), 32).type(RouteType.BROADCAST).dev(eth0).protocol(RouteProtocol.KERNEL)
                .prefsrc(a).build());
        assertEquals(List.of("local 198.18.0.2 dev eth0 table local proto kernel scope host src 198.18.0.2",
                "broadcast 198.18.0.255 dev eth0 table local proto kernel scope link src 198.18.0.2"),
                local.routes().stream().map(Route::toString).toList());
        assertEquals("local 198.18.0.2 dev eth0 proto kernel scope host src 198.18.0.2\n"
                + "broadcast 198.18.0.255 dev eth0 proto kernel scope link src 198.18.0.2\n", local.format());
    }

    @Test
    void builderChecksLikeFibCreateInfo() {
        assertEquals(Errno.EINVAL, errno(() -> Route.to(ip("10.0.0.1"), 8).dev(eth0).build()));
        assertEquals(Errno.EINVAL, errno(() -> Route.to(0, 33).dev(eth0).build()));
        assertEquals(Errno.EINVAL, errno(() -> Route.to(0, 0).tos(0x11).dev(eth0).build()));
        assertEquals(Errno.EINVAL, errno(() -> Route.to(0, 0).type(RouteType.BLACKHOLE).dev(eth0).build()));
        assertEquals(Errno.ENODEV, errno(() -> Route.to(0, 0).build()));
        assertEquals(Errno.EINVAL, errno(() -> Route.to(0, 0).via(GW0, eth0).scope(Scope.LINK).build()));
        assertEquals(Errno.EINVAL, errno(() -> Route.to(ip("198.18.0.2"), 32).type(RouteType.LOCAL).dev(eth0).scope(Scope.LINK).build()));
        assertEquals(Errno.EINVAL, errno(() -> Route.to(0, 0).dev(eth0).scope(Scope.NOWHERE).build()));
        assertEquals(Errno.EINVAL, errno(() -> Route.to(0, 0).type(RouteType.UNSPEC).build()));
        assertEquals(Errno.EINVAL, errno(() -> Route.to(0, 0).dev(eth0).nexthop(NextHop.dev(eth1)).build()));
        assertEquals(Errno.EINVAL, errno(() -> NextHop.dev(eth0).withWeight(0)));
        assertEquals(Errno.EINVAL, errno(() -> main.add(Route.to(0, 0).dev(eth0).table(100).build())), "wrong table");
        assertEquals(Errno.ENODEV, errno(() -> main.add(Route.to(0, 0).via(GW0).build())), "a table needs resolved devices");
        assertEquals(FibTable.LOCAL, Route.to(ip("198.18.0.2"), 32).type(RouteType.LOCAL).dev(eth0).build().table());
        assertEquals(Scope.HOST, Route.to(ip("198.18.0.2"), 32).type(RouteType.LOCAL).dev(eth0).build().scope());
        assertEquals(RouteProtocol.BOOT, Route.to(0, 0).dev(eth0).build().protocol());
    }

    @Test
    void equalNexthopsAreSharedBetweenRoutes() {
        Route a = Route.to(ip("10.0.0.0"), 8).via(GW0, eth0).build();
        Route b = Route.to(ip("11.0.0.0"), 8).via(GW0, eth0).build();
        main.add(a);
        main.add(b);
        Route sa = main.routes(ip("10.0.0.0"), 8).get(0);
        Route sb = main.routes(ip("11.0.0.0"), 8).get(0);
        assertEquals(a, sa);
        assertEquals(b, sb);
        assertSame(sa.nexthopArray(), sb.nexthopArray());
        main.delete(Route.to(ip("10.0.0.0"), 8).match());
        main.delete(Route.to(ip("11.0.0.0"), 8).match());
        main.add(b);
        assertSame(b.nexthopArray(), main.routes(ip("11.0.0.0"), 8).get(0).nexthopArray(), "released arrays are forgotten");
    }
}
