package io.jnetstack.ipv4.fib;

import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import static io.jnetstack.ipv4.fib.FibTestSupport.ip;
import static org.junit.jupiter.api.Assertions.*;

/** A route lookup allocates nothing once warm (DESIGN: performance rules). */
class FibAllocationTest {

    @Test
    void fibLookupAllocatesNothing() {
        Net net = Kernel.deterministic(5).newNet("alloc");
        NetDevice eth0 = FibTestSupport.dev(net, "eth0");
        NetDevice eth1 = FibTestSupport.dev(net, "eth1");
        Fib fib = new Fib(net);
        SplittableRandom rnd = new SplittableRandom(5);
        RouteType[] types = {RouteType.UNICAST, RouteType.UNICAST, RouteType.UNICAST, RouteType.BLACKHOLE,
            RouteType.UNREACHABLE, RouteType.THROW};
        for (int i = 0; i < 20_000; i++) {
            int len = RandomPrefixes.length(rnd);
            int p = RandomPrefixes.prefix(rnd, len) & 0x7FFFFFFF;     // leave half the space without routes
            RouteType t = types[rnd.nextInt(types.length)];
            int table = rnd.nextInt(4) == 0 ? 100 : FibTable.MAIN;
            Route.Builder b = Route.to(p, len).type(t).table(table).tos(rnd.nextInt(8) == 0 ? 0x10 : 0);
            if (t == RouteType.UNICAST) {
                if (rnd.nextInt(10) == 0) {
                    b.nexthop(NextHop.dev(eth0)).nexthop(NextHop.dev(eth1).withWeight(2));
                } else {
                    b.dev(rnd.nextBoolean() ? eth0 : eth1);
                }
            }
            fib.addRoute(b.build(), FibTable.REPLACE);
        }
        fib.addRoute(Route.to(0, 1).dev(eth0).build(), FibTable.REPLACE);    // misses in the lower half back off to here
        fib.rules().add(FibRule.builder().priority(100).fwmark(1).lookup(100).build());
        fib.rules().add(FibRule.builder().priority(200).from(ip("10.0.0.0"), 8).lookup(100).suppressPrefixLength(8).build());
        eth1.down();     // some routes now need backtracking

        int[] dsts = new int[1 << 16];
        for (int i = 0; i < dsts.length; i++) {
            dsts[i] = rnd.nextInt();
        }
        FlowKey key = new FlowKey();
        FibResult res = new FibResult();
        long hits = run(fib, key, res, dsts, 300_000);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int lookups = 1_000_000;
        long before = mx.getCurrentThreadAllocatedBytes();
        hits += run(fib, key, res, dsts, lookups);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("Fib.lookup: %d bytes allocated over %d lookups (%d hits)%n", allocated, lookups, hits);
        assertTrue(hits > 0);
        assertTrue(allocated < lookups, "allocated " + allocated + " bytes for " + lookups + " lookups");
    }

    private static long run(Fib fib, FlowKey key, FibResult res, int[] dsts, int n) {
        long hits = 0;
        for (int i = 0; i < n; i++) {
            int d = dsts[i & (dsts.length - 1)];
            key.reset().dst(d).src(d * 31).tos((i & 7) == 0 ? 0x10 : 0).mark(i & 1);
            if (fib.lookup(key, res)) {
                hits++;
            }
        }
        return hits;
    }
}
