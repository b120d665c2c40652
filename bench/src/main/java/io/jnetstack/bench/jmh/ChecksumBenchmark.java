package io.jnetstack.bench.jmh;

import io.jnetstack.wire.Checksum;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The Internet checksum (RFC 1071) over a header, a small packet, a full Ethernet frame and a
 * 64 KiB GSO super-segment, plus the RFC 1624 incremental update a router does per hop.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChecksumBenchmark {
    /** {@code size} random bytes. */
    @State(Scope.Thread)
    public static class Data {
        @Param({"20", "64", "1500", "65535"})
        int size;

        byte[] bytes;

        @Setup
        public void setup() {
            bytes = new byte[size];
            new SplittableRandom(7).nextBytes(bytes);
        }
    }

    /** The 16-bit word that changes, different each call. */
    @State(Scope.Thread)
    public static class Word {
        int value;
    }

    /** {@code csum_partial()} then fold: the full sum of {@code size} bytes. */
    @Benchmark
    public int compute(Data d) {
        return Checksum.compute(d.bytes, 0, d.size);
    }

    /** Receive-side check: the sum of the bytes with the checksum in place folds to 0xFFFF. */
    @Benchmark
    public boolean verify(Data d) {
        return Checksum.verify(d.bytes, 0, d.size);
    }

    /** RFC 1624 eqn. 3: the TTL decrement of {@code ip_decrease_ttl()}, independent of any size. */
    @Benchmark
    public int update16(Word w) {
        int word = w.value = (w.value + 1) & 0xFFFF;
        return Checksum.update16(0x1C46, word, (word - 0x100) & 0xFFFF);
    }
}
