package io.jnetstack.bench.jmh;

import io.jnetstack.bench.RandomFib;
import io.jnetstack.ipv4.fib.Fib;
import io.jnetstack.ipv4.fib.FibResult;
import io.jnetstack.ipv4.fib.FlowKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * {@code fib_lookup()}: the default policy rules, then longest-prefix match in the main table's
 * trie, over tables of 1,000 and 1,000,000 random routes. {@code random} walks 1M random
 * destinations (cache-cold with the big table); {@code cached} cycles over 256 of them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
public class FibLookupBenchmark {
    private static final int DESTINATIONS = 1 << 20;

    @Param({"1000", "1000000"})
    int routes;

    Fib fib;
    int[] destinations;
    final FlowKey key = new FlowKey();
    final FibResult res = new FibResult();
    int next;

    @Setup(Level.Trial)
    public void setup() {
        fib = RandomFib.build(routes, 42);
        destinations = RandomFib.destinations(DESTINATIONS, 42);
    }

    @Benchmark
    public int random() {
        int addr = destinations[next++ & (DESTINATIONS - 1)];
        key.reset().dst(addr);
        return fib.lookup(key, res) ? res.prefixLen() : -1;
    }

    @Benchmark
    public int cached() {
        int addr = destinations[next++ & 255];
        key.reset().dst(addr);
        return fib.lookup(key, res) ? res.prefixLen() : -1;
    }
}
