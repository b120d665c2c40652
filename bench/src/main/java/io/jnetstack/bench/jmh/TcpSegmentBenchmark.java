package io.jnetstack.bench.jmh;

import io.jnetstack.wire.Checksum;
import io.jnetstack.wire.Ipv4Address;
import io.jnetstack.wire.Tcp;
import io.jnetstack.wire.TcpOptions;
import io.jnetstack.wire.TcpRepr;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * TCP segments on the wire ({@code io.jnetstack.wire.Tcp} and {@code TcpOptions}): parsing a SYN
 * with every option and an established data segment with the aligned Timestamps (the receive
 * path's header prediction case), checking a data segment's checksum, and building a SYN and a
 * data segment's header the way {@code tcp_transmit_skb()} does (the payload's sum already known
 * from the copy). The {@code repr} pair measures the value-type API ({@link TcpRepr}), which
 * allocates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TcpSegmentBenchmark {
    private static final int PAYLOAD = 1448;
    private static final int SRC = Ipv4Address.parse("198.18.0.1");
    private static final int DST = Ipv4Address.parse("198.18.0.2");

    final byte[] syn = new byte[60];
    final byte[] data = new byte[32 + PAYLOAD];
    final byte[] out = new byte[32 + PAYLOAD];
    final TcpOptions options = new TcpOptions();
    final TcpOptions synOptions = new TcpOptions();
    int synLen;
    int payloadSum;
    int seq;

    @Setup
    public void setup() {
        synOptions.clear();
        synOptions.mss = 1460;
        synOptions.sackOk = true;
        synOptions.wscale = 7;
        synOptions.timestamps(0x01020304, 0);
        synLen = Tcp.HEADER_LEN + synOptions.length();
        Tcp.writeHeader(syn, 0, 40000, 80, 0x11223344, 0, synLen, Tcp.SYN, 64240, 0);
        synOptions.write(syn, Tcp.OPTIONS);
        Tcp.fillChecksum(syn, 0, synLen, SRC, DST);

        new SplittableRandom(7).nextBytes(data);
        Tcp.writeHeader(data, 0, 40000, 80, 0x11223344, 0x55667788, 32, Tcp.ACK | Tcp.PSH, 502, 0);
        new TcpOptions().timestamps(1000, 2000).write(data, Tcp.OPTIONS);
        Tcp.fillChecksum(data, 0, data.length, SRC, DST);
        System.arraycopy(data, 32, out, 32, PAYLOAD);
        payloadSum = Checksum.sum(data, 32, PAYLOAD);
    }

    /** A SYN with MSS, SACK-Permitted, Timestamps and Window Scale: the full option parser. */
    @Benchmark
    public void parseSyn(Blackhole bh) {
        int hlen = Tcp.check(syn, 0, synLen);
        options.parse(syn, 0);
        bh.consume(hlen);
        bh.consume(Tcp.seq(syn, 0));
        bh.consume(Tcp.flags(syn, 0));
        bh.consume(options.mss + options.wscale + options.tsVal);
    }

    /** A data segment with the aligned Timestamps: the option parser's fast path. */
    @Benchmark
    public void parseData(Blackhole bh) {
        int hlen = Tcp.check(data, 0, data.length);
        options.parse(data, 0);
        bh.consume(hlen);
        bh.consume(Tcp.seq(data, 0));
        bh.consume(Tcp.ack(data, 0));
        bh.consume(Tcp.flags(data, 0));
        bh.consume(Tcp.window(data, 0));
        bh.consume(options.tsVal ^ options.tsEcr);
    }

    /** The receive checksum over a 1,480-byte segment and its pseudo-header. */
    @Benchmark
    public boolean verifyData() {
        return Tcp.checksumOk(data, 0, data.length, SRC, DST);
    }

    /** Build a SYN: the header, every option, the checksum. */
    @Benchmark
    public int buildSyn() {
        Tcp.writeHeader(out, 0, 40000, 80, seq++, 0, synLen, Tcp.SYN, 64240, 0);
        synOptions.write(out, Tcp.OPTIONS);
        return Tcp.fillChecksum(out, 0, synLen, SRC, DST);
    }

    /** Build a data segment's header with Timestamps, its checksum from the header and the payload's known sum. */
    @Benchmark
    public int buildData() {
        int s = seq;
        seq += PAYLOAD;
        Tcp.writeHeader(out, 0, 40000, 80, s, 0x55667788, 32, Tcp.ACK | Tcp.PSH, 502, 0);
        options.clear().timestamps(s, 2000).write(out, Tcp.OPTIONS);
        return Tcp.fillChecksum(out, 0, 32, payloadSum, 32 + PAYLOAD, SRC, DST);
    }

    /** {@link TcpRepr#parse} of the SYN, checksum verified: the value-type API. */
    @Benchmark
    public TcpRepr reprParse() {
        return TcpRepr.parse(syn, 0, synLen, SRC, DST, true);
    }

    /** {@link TcpRepr#emit} of a SYN with every option. */
    @Benchmark
    public int reprEmit(ReprState st) {
        return st.repr.emit(out, 0, SRC, DST);
    }

    /** A SYN as a value. */
    @State(Scope.Thread)
    public static class ReprState {
        TcpRepr repr;

        @Setup
        public void setup() {
            repr = TcpRepr.of(40000, 80, 0x11223344, 0, Tcp.SYN, 64240).withMss(1460).withSackOk(true).withWscale(7)
                    .withTimestamps(0x01020304, 0);
        }
    }
}
