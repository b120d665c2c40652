package io.jnetstack.bench;

import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.ipv4.fib.Fib;
import io.jnetstack.ipv4.fib.FibTable;
import io.jnetstack.ipv4.fib.Route;
import io.jnetstack.link.Veth;
import io.jnetstack.wire.Ipv4Address;

import java.util.SplittableRandom;

/**
 * A namespace whose main table holds random routes with prefix lengths spread like a real
 * Internet table (mostly /24, then /16 to /23, a few shorter and longer), all via one gateway:
 * the table of the {@code fib-lookup} workload and of the JMH FIB benchmark.
 */
public final class RandomFib {
    private RandomFib() {
    }

    /**
     * A FIB with {@code routes} random routes (fewer distinct ones if prefixes repeat: a repeat
     * replaces).
     *
     * @param routes routes to add
     * @param seed the random seed: the same seed gives the same table
     */
    public static Fib build(int routes, long seed) {
        Kernel k = Kernel.deterministic(seed);
        Net net = k.newNet("bench");
        Veth v = Veth.createPair(net, "eth0", k.newNet("peer"), "eth0");
        v.up();
        v.peer().up();
        Fib fib = net.inet().fib();
        SplittableRandom rnd = new SplittableRandom(seed);
        int gw = Ipv4Address.parse("198.18.0.1");
        FibTable main = fib.main();
        for (int i = 0; i < routes; i++) {
            int len = prefixLength(rnd);
            int prefix = len == 0 ? 0 : rnd.nextInt() & (int) (0xFFFFFFFFL << (32 - len));
            main.add(Route.to(prefix, len).via(gw, v).build(), FibTable.REPLACE);
        }
        return fib;
    }

    /** {@code n} random destination addresses. */
    public static int[] destinations(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int[] addrs = new int[n];
        for (int i = 0; i < n; i++) {
            addrs[i] = rnd.nextInt();
        }
        return addrs;
    }

    private static int prefixLength(SplittableRandom rnd) {
        int p = rnd.nextInt(100);
        if (p < 60) {
            return 24;
        }
        if (p < 90) {
            return rnd.nextInt(16, 24);
        }
        if (p < 97) {
            return rnd.nextInt(8, 16);
        }
        return rnd.nextInt(25, 33);
    }
}
