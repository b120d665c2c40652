package io.jnetstack.cli;

import io.jnetstack.bench.Harness;
import io.jnetstack.bench.Scale;
import io.jnetstack.bench.jmh.JmhMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code jnetstack bench}: the benchmark harness of the {@code bench} module ({@link Harness}),
 * or with {@code --jmh} its JMH micro-benchmarks ({@link JmhMain}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Runs the end-to-end benchmarks: each workload over the JDK's sockets on the kernel's 127.0.0.1 and over"
                + " jnetstack (two namespaces in this JVM joined by a veth pair, one thread) in one run; prints each workload's"
                + " detail, a table of both sides with the ratio jnetstack/kernel, and one line `ratio NAME VALUE` per workload.",
                "veth-frames, fib-lookup, forward: jnetstack alone (frames/s through a veth pair; ns per fib_lookup with"
                        + " 1,000,000 routes; 64-byte packets/s through a router namespace).",
                "udp: 64-byte datagrams/s. bulk: one TCP stream, MB/s. rr: 1-byte request/response per second."
                        + " crr: connect, accept and close per second.",
                "idle-conn-bytes: memory per idle established connection (100,000 of them on jnetstack: retained heap after"
                        + " full GCs; on the kernel, slab memory from /proc, as many as the open-file limit allows); lower is better.",
                "iperf3: the real iperf3, kernel to kernel over a veth pair between two namespaces it creates (root and iperf3"
                        + " needed, else skipped); the jnetstack side is still to come.",
                "With --jmh: the JMH micro-benchmarks (checksum, FIB lookup, TCP segment parse and build); further"
                        + " arguments go to JMH, after `--` when they start with a dash: `bench --jmh -- -f 1 -wi 2 Checksum`."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "smaller workloads: well under two minutes in all")
    boolean quick;

    @Option(names = "--only", paramLabel = "NAME[,NAME...]",
            description = "run only these workloads: veth-frames, fib-lookup, forward, udp, bulk, rr, crr, idle-conn-bytes,"
                    + " iperf3, or tcp for bulk,rr,crr")
    String only;

    @Option(names = "--frames", description = "frames per measured round of veth-frames (default: 20,000,000; 5,000,000 with --quick)")
    long frames = -1;

    @Option(names = "--jmh", description = "run the JMH micro-benchmarks instead (not part of --quick)")
    boolean jmh;

    @Parameters(paramLabel = "JMH_ARG", description = "with --jmh: JMH's arguments, e.g. a benchmark regex")
    List<String> jmhArgs = List.of();

    @Override
    public Integer call() {
        if (jmh) {
            return JmhMain.run(jmhArgs.toArray(String[]::new));
        }
        if (!jmhArgs.isEmpty()) {
            System.err.println("bench: unexpected arguments " + jmhArgs + " (only --jmh takes arguments)");
            return 2;
        }
        List<String> workloads;
        try {
            workloads = Harness.select(only);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            return 2;
        }
        Scale s = quick ? Scale.quick() : Scale.full();
        if (frames > 0) {
            s = s.withVethFrames(frames);
        }
        return new Harness(s, System.out).run(workloads);
    }
}
