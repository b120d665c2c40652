package io.jnetstack.bench;

/**
 * How big each workload of the harness is: the full run, {@code --quick}, and a tiny one that
 * only proves the code paths work (the harness's own test).
 *
 * @param name printed in the header: {@code full}, {@code quick} or {@code tiny}
 * @param rounds measured rounds per workload; each figure is the best round
 * @param vethFrames 64-byte frames per round of {@code veth-frames}
 * @param fibRoutes routes in the table of {@code fib-lookup}
 * @param fibLookups lookups per round of {@code fib-lookup}
 * @param forwardPackets packets per round of {@code forward} and {@code forward-router}
 * @param udpDatagrams datagrams per round of {@code udp}
 * @param bulkBytes bytes per round of {@code bulk}
 * @param rrTransactions transactions per round of {@code rr}
 * @param crrConnections connections per round of {@code crr}
 * @param idleConnections idle connections of {@code idle-conn-bytes} (the kernel side may be
 *     held lower by the process's open-file limit, and says so)
 * @param iperf3Seconds seconds per direction of {@code iperf3}
 * @param netemSeconds seconds of {@code netem} (the kernel's run; the stack runs as long in
 *     virtual time, per seed)
 */
public record Scale(String name, int rounds, long vethFrames, int fibRoutes, int fibLookups, long forwardPackets,
        long udpDatagrams, long bulkBytes, long rrTransactions, long crrConnections, int idleConnections,
        int iperf3Seconds, int netemSeconds) {

    /** The full run: the figures README quotes come from here or from {@link #quick()}. */
    public static Scale full() {
        return new Scale("full", 3, 20_000_000, 1_000_000, 10_000_000, 10_000_000, 5_000_000, 4L << 30,
                200_000, 20_000, 100_000, 10, 30);
    }

    /** {@code --quick}: well under two minutes on a 2-core machine. */
    public static Scale quick() {
        return new Scale("quick", 2, 5_000_000, 1_000_000, 2_000_000, 2_000_000, 1_000_000, 1L << 30,
                50_000, 5_000, 100_000, 3, 15);
    }

    /** Tiny sizes for tests: the figures mean nothing, the code paths all run. */
    public static Scale tiny() {
        return new Scale("tiny", 1, 20_000, 1_000, 20_000, 20_000, 20_000, 4L << 20, 500, 50, 300, 1, 1);
    }

    /** This scale with another {@code veth-frames} size. */
    public Scale withVethFrames(long frames) {
        return new Scale(name, rounds, frames, fibRoutes, fibLookups, forwardPackets, udpDatagrams, bulkBytes,
                rrTransactions, crrConnections, idleConnections, iperf3Seconds, netemSeconds);
    }

    /** The warm-up size of a workload measured with {@code n}: at most {@code cap}. */
    static long warmup(long n, long cap) {
        return Math.min(n, cap);
    }
}
