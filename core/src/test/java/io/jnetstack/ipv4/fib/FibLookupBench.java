package io.jnetstack.ipv4.fib;

import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;

import java.util.SplittableRandom;

/**
 * Prints lookup cost and memory with a million Internet-like routes: {@link FibTrie#lookup}
 * alone, {@link FibTable#lookup} of the main table, and {@link Fib#lookup} through the default
 * rules, single-threaded, after warm-up, over 10M random addresses (so nearly every lookup misses
 * the CPU caches), then {@link Fib#lookup} cycling over 256 destinations (cache and TLB resident:
 * the CPU cost). Not a test: run it by hand.
 *
 * <pre>
 * mvn -q -o -pl core test-compile
 * java -Xmx3g -cp core/target/classes:core/target/test-classes io.jnetstack.ipv4.fib.FibLookupBench [routes] [lookups]
 * </pre>
 */
public final class FibLookupBench {
    private FibLookupBench() {}

    /** Runs the benchmark; optional arguments: route count, lookup count. */
    public static void main(String[] args) {
        int routes = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int lookups = args.length > 1 ? Integer.parseInt(args[1]) : 10_000_000;
        SplittableRandom rnd = new SplittableRandom(42);
        int[] prefixes = new int[routes];
        int[] lens = new int[routes];
        for (int i = 0; i < routes; i++) {
            lens[i] = RandomPrefixes.length(rnd);
            prefixes[i] = RandomPrefixes.prefix(rnd, lens[i]);
        }
        int[] addrs = new int[lookups];
        for (int i = 0; i < lookups; i++) {
            addrs[i] = rnd.nextInt();
        }
        System.out.printf("%,d random prefixes (mostly /16../24), %,d random lookups, Java %s%n", routes, lookups, Runtime.version());
        benchTrie(prefixes, lens, addrs);
        benchFib(prefixes, lens, addrs);
    }

    private static void benchTrie(int[] prefixes, int[] lens, int[] addrs) {
        long heap0 = usedHeap();
        long t0 = System.nanoTime();
        FibTrie<Integer> trie = new FibTrie<>();
        for (int i = 0; i < prefixes.length; i++) {
            trie.insert(prefixes[i], lens[i], i);
        }
        long insertNs = System.nanoTime() - t0;
        long heap1 = usedHeap();
        System.out.printf("FibTrie: %,d prefixes inserted in %.2f s (%.0f ns each); %,d chunks; arrays %.1f MiB; heap +%.1f MiB%n",
                trie.size(), insertNs / 1e9, (double) insertNs / prefixes.length, trie.chunks(), trie.memoryBytes() / 1048576.0,
                (heap1 - heap0) / 1048576.0);
        for (int round = 0; round < 6; round++) {
            long s = System.nanoTime();
            long hits = trieRound(trie, addrs);
            report("FibTrie.lookup", round, System.nanoTime() - s, addrs.length, hits);
        }
    }

    private static void benchFib(int[] prefixes, int[] lens, int[] addrs) {
        Net net = Kernel.deterministic(1).newNet("bench");
        NetDevice eth0 = FibTestSupport.dev(net, "eth0");
        Fib fib = new Fib(net);
        long heap0 = usedHeap();
        long t0 = System.nanoTime();
        FibTable main = fib.main();
        int gw = FibTestSupport.ip("198.18.0.1");
        for (int i = 0; i < prefixes.length; i++) {
            main.add(Route.to(prefixes[i], lens[i]).via(gw, eth0).build(), FibTable.REPLACE);
        }
        long insertNs = System.nanoTime() - t0;
        long heap1 = usedHeap();
        System.out.printf("Fib: %,d routes added in %.2f s; trie arrays %.1f MiB; heap +%.1f MiB (routes and trie)%n",
                main.size(), insertNs / 1e9, main.trie().memoryBytes() / 1048576.0, (heap1 - heap0) / 1048576.0);
        FlowKey key = new FlowKey();
        FibResult res = new FibResult();
        for (int round = 0; round < 4; round++) {
            long s = System.nanoTime();
            long hits = tableRound(main, key, res, addrs);
            report("FibTable.lookup (main alone)", round, System.nanoTime() - s, addrs.length, hits);
        }
        for (int round = 0; round < 6; round++) {
            long s = System.nanoTime();
            long hits = fibRound(fib, key, res, addrs);
            report("Fib.lookup", round, System.nanoTime() - s, addrs.length, hits);
        }
        for (int round = 0; round < 4; round++) {
            long s = System.nanoTime();
            long hits = hotRound(fib, key, res, addrs, addrs.length);
            report("Fib.lookup, 256 hot destinations", round, System.nanoTime() - s, addrs.length, hits);
        }
    }

    private static void report(String what, int round, long ns, int lookups, long hits) {
        System.out.printf("  %s round %d: %.1f ns/lookup (%,d hits)%n", what, round, (double) ns / lookups, hits);
    }

    private static long tableRound(FibTable t, FlowKey key, FibResult res, int[] addrs) {
        long hits = 0;
        for (int a : addrs) {
            key.dst(a);
            if (t.lookup(key, res)) {
                hits++;
            }
        }
        return hits;
    }

    private static long hotRound(Fib fib, FlowKey key, FibResult res, int[] addrs, int n) {
        long hits = 0;
        for (int i = 0; i < n; i++) {
            key.dst(addrs[i & 255]);
            if (fib.lookup(key, res)) {
                hits++;
            }
        }
        return hits;
    }

    private static long trieRound(FibTrie<Integer> trie, int[] addrs) {
        long hits = 0;
        for (int a : addrs) {
            if (trie.lookup(a) != null) {
                hits++;
            }
        }
        return hits;
    }

    private static long fibRound(Fib fib, FlowKey key, FibResult res, int[] addrs) {
        long hits = 0;
        for (int a : addrs) {
            key.dst(a);
            if (fib.lookup(key, res)) {
                hits++;
            }
        }
        return hits;
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
