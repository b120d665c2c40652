package io.jnetstack.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The end-to-end benchmark harness behind {@code jnetstack bench}: each workload over the JDK's
 * own sockets on the kernel's 127.0.0.1 and over jnetstack (two namespaces in this JVM joined by
 * a veth pair, one thread, a deterministic kernel) in one run, then a table of both with the
 * ratio jnetstack/kernel, and one line {@code ratio NAME VALUE} per workload for scripts.
 *
 * <p>Workloads, in running order: {@code veth-frames}, {@code fib-lookup} and {@code forward}
 * (jnetstack alone: the kernel has nothing to compare in-process), then {@code udp},
 * {@code bulk}, {@code rr}, {@code crr}, {@code idle-conn-bytes} (lower is better) and
 * {@code iperf3} (the real iperf3 client against the stack over TAP, next to kernel to kernel
 * over a veth pair) and {@code netem} (goodput at 20 ms RTT and 1% loss each way: the stack in
 * virtual time next to the kernel through a netem path). The micro-benchmarks of hot paths are JMH's,
 * in {@code io.jnetstack.bench.jmh}, not run here.
 */
public final class Harness {
    /** Every workload, in running order. */
    public static final List<String> WORKLOADS = List.of("veth-frames", "fib-lookup", "forward", "udp", "bulk", "rr", "crr",
            "idle-conn-bytes", "iperf3", "netem");

    private final Scale scale;
    private final PrintStream out;
    private final List<Comparison> table = new ArrayList<>();
    private boolean failed;

    public Harness(Scale scale, PrintStream out) {
        this.scale = scale;
        this.out = out;
    }

    /**
     * The workloads a {@code --only} argument names: a comma-separated list of workloads, where
     * {@code tcp} stands for {@code bulk,rr,crr}; every workload when {@code only} is null.
     *
     * @throws IllegalArgumentException naming an unknown workload
     */
    public static List<String> select(String only) {
        if (only == null || only.isBlank()) {
            return WORKLOADS;
        }
        Set<String> want = new LinkedHashSet<>();
        for (String s : only.split(",")) {
            String n = s.trim();
            if (n.equals("tcp")) {
                want.addAll(List.of("bulk", "rr", "crr"));
            } else if (WORKLOADS.contains(n)) {
                want.add(n);
            } else {
                throw new IllegalArgumentException("unknown workload '" + n + "'; one of " + String.join(", ", WORKLOADS) + ", tcp");
            }
        }
        return WORKLOADS.stream().filter(want::contains).toList();
    }

    /**
     * Runs the workloads, printing each one's detail as it ends, then the table and the ratio lines.
     *
     * @return 0, or 1 when a workload failed (its message printed)
     */
    public int run(List<String> workloads) {
        printf("jnetstack bench (%s sizes): each workload over the JDK's sockets on the kernel's 127.0.0.1 and over jnetstack"
                + " (two namespaces in this JVM joined by a veth pair, one thread), in this run%n", scale.name());
        for (String w : workloads) {
            try {
                runOne(w);
            } catch (IOException | RuntimeException e) {
                failed = true;
                printf("%s: failed: %s%n", w, e);
            }
        }
        printTable();
        return failed ? 1 : 0;
    }

    private void runOne(String w) throws IOException {
        switch (w) {
            case "veth-frames" -> vethFrames();
            case "fib-lookup" -> fibLookup();
            case "forward" -> forward();
            case "udp" -> udp();
            case "bulk" -> bulk();
            case "rr" -> rr();
            case "crr" -> crr();
            case "idle-conn-bytes" -> idleConnBytes();
            case "iperf3" -> iperf3();
            case "netem" -> netem();
            default -> throw new IllegalArgumentException("unknown workload " + w);
        }
    }

    // ================================================================ jnetstack alone

    private void vethFrames() {
        VethFrames.Result r = VethFrames.run(scale.vethFrames(), scale.rounds());
        printf("veth-frames: %,.0f frames/s (best of %d rounds of %,d 64-byte frames), %.3f heap bytes/frame%n",
                r.framesPerSecond(), r.rounds(), scale.vethFrames(), r.bytesPerFrame());
        printf("metric veth-frames-per-second %.0f%n", r.framesPerSecond());
        printf("metric veth-bytes-allocated-per-frame %.4f%n", r.bytesPerFrame());
    }

    private void fibLookup() {
        RoutingBench.Figure f = RoutingBench.fibLookup(scale.fibRoutes(), scale.fibLookups(), scale.rounds());
        printf("fib-lookup: %.1f ns per lookup with %,d routes (random destinations, cache-cold);"
                + " %.1f ns over 256 cached destinations; %.3f heap bytes/lookup%n", f.value(), scale.fibRoutes(), f.other(), f.bytesPerOp());
        printf("metric fib-lookup-ns %.2f%n", f.value());
        printf("metric fib-lookup-cached-ns %.2f%n", f.other());
    }

    private void forward() {
        RoutingBench.Figure f = RoutingBench.forward(scale.forwardPackets(), scale.rounds());
        printf("forward: %,.0f packets/s of 64 bytes through a router (one thread for all three hosts), %.3f heap bytes/packet%n",
                f.value(), f.bytesPerOp());
        printf("metric forward-packets-per-second %.0f%n", f.value());
        RoutingBench.Figure g = RoutingBench.forwardRouterOnly(scale.forwardPackets(), scale.rounds());
        printf("forward-router: %,.0f packets/s of 64 bytes forwarded by the router alone (from netif_receive_skb"
                + " to a dummy device's driver), %.3f heap bytes/packet%n", g.value(), g.bytesPerOp());
        printf("metric forward-router-packets-per-second %.0f%n", g.value());
    }

    // ================================================================ the kernel and jnetstack

    private void udp() throws IOException {
        UdpBench.Result u = UdpBench.run(scale.udpDatagrams(), scale.rounds());
        printf("udp: %,.0f datagrams/s of 64 bytes stack-to-stack (two namespaces, veth, one thread), %.1f heap bytes/datagram;"
                + " kernel (DatagramChannel over 127.0.0.1): %,.0f datagrams/s%n", u.stackPerSecond(), u.stackBytesPerDatagram(), u.kernelPerSecond());
        table.add(new Comparison("udp", "64-byte datagrams/s", u.kernelPerSecond(), u.stackPerSecond(), false));
    }

    private void bulk() throws IOException {
        TcpBench.Figure f = TcpBench.bulk(scale);
        printf("bulk: jnetstack %,.0f MB/s (two namespaces, veth MTU 65535, one thread); kernel %,.0f MB/s"
                + " (SocketChannel over 127.0.0.1); best of %d rounds of %,d MB%n", f.stack() / 1e6, f.kernel() / 1e6,
                scale.rounds(), scale.bulkBytes() >> 20);
        table.add(new Comparison("bulk", "MB/s, one TCP stream", f.kernel() / 1e6, f.stack() / 1e6, false));
    }

    private void rr() throws IOException {
        TcpBench.Figure f = TcpBench.rr(scale);
        printf("rr: jnetstack %,.0f transactions/s; kernel %,.0f transactions/s (1 byte each way, TCP_NODELAY, one connection)%n",
                f.stack(), f.kernel());
        table.add(new Comparison("rr", "1-byte transactions/s", f.kernel(), f.stack(), false));
    }

    private void crr() throws IOException {
        TcpBench.Figure f = TcpBench.crr(scale);
        printf("crr: jnetstack %,.0f connections/s; kernel %,.0f connections/s (connect, accept, close)%n", f.stack(), f.kernel());
        table.add(new Comparison("crr", "connections/s", f.kernel(), f.stack(), false));
    }

    private void idleConnBytes() throws IOException {
        IdleConnBench.StackResult s = IdleConnBench.stack(scale.idleConnections());
        printf("idle-conn-bytes: jnetstack %,.0f heap bytes per endpoint, %,.0f per connection: %,d idle established connections"
                + " between two namespaces in this JVM (%d listening ports), retained heap after full GCs after less before (%,.1f MB),"
                + " divided by 2 endpoints (connecting and accepted socket) per connection%s%n",
                s.perEndpoint(), 2 * s.perEndpoint(), s.connections(), s.ports(), s.heapBytes() / 1e6,
                s.connections() < Scale.full().idleConnections() ? " (fewer connections than the full run's "
                        + String.format(Locale.ROOT, "%,d", Scale.full().idleConnections()) + ")" : "");
        if (!KernelMemory.available()) {
            printf("idle-conn-bytes: kernel not measured: no /proc/meminfo and /proc/net/sockstat (not Linux?)%n");
            table.add(new Comparison("idle-conn-bytes", "bytes per socket, lower is better", Double.NaN, s.perEndpoint(), true));
            return;
        }
        IdleConnBench.KernelResult k = IdleConnBench.kernel(scale.idleConnections(), scale.rounds());
        String capped = k.connections() < k.wanted()
                ? String.format(Locale.ROOT, " (not %,d: the open-file limit, %,d, allows no more at 2 descriptors per connection;"
                        + " the cost per socket does not depend on the count)", k.wanted(), KernelMemory.openFileLimit())
                : "";
        printf("idle-conn-bytes: kernel %,.0f bytes per socket, %,.0f per connection: %,d idle established connections over 127.0.0.1"
                + " with the JDK's SocketChannel%s, lowest of %d rounds; growth of Slab in /proc/meminfo (%,.1f MB) plus TCP socket-buffer pages in"
                + " /proc/net/sockstat (%,d bytes), divided by 2 sockets per connection%n",
                k.perEndpoint(), 2 * k.perEndpoint(), k.connections(), capped, scale.rounds(), k.slabBytes() / 1e6, k.tcpMemBytes());
        if (k.caches().isEmpty()) {
            printf("idle-conn-bytes: kernel slab caches: /proc/slabinfo is not readable (root only)%n");
        } else {
            StringBuilder sb = new StringBuilder();
            for (KernelMemory.CacheDelta c : k.caches()) {
                sb.append(sb.isEmpty() ? "" : ", ").append(c.name()).append(' ')
                        .append(String.format(Locale.ROOT, "%,.0f", c.bytes() / (2.0 * k.connections())));
            }
            printf("idle-conn-bytes: kernel slab caches that grew most (/proc/slabinfo), bytes per socket: %s%n", sb);
        }
        table.add(new Comparison("idle-conn-bytes", "bytes per socket, lower is better", k.perEndpoint(), s.perEndpoint(), true));
    }

    private void iperf3() throws IOException {
        String why = Iperf3Bench.unavailableReason();
        if (why != null) {
            printf("iperf3: skipped: %s%n", why);
            return;
        }
        Iperf3Bench.Result k = Iperf3Bench.kernel(scale.iperf3Seconds());
        Iperf3Bench.Result s = Iperf3Bench.stack(scale.iperf3Seconds());
        printf("iperf3: kernel to kernel over a veth pair (two namespaces, MTU %d, %d s each way): %.2f Gbit/s client to server,"
                + " %.2f Gbit/s server to client (-R), receiver's rate from iperf3 -J%n",
                Iperf3Bench.MTU, k.seconds(), k.forward() / 1e9, k.reverse() / 1e9);
        printf("iperf3: jnetstack's Iperf3Server behind a TAP (virtio-net header, TSO offloads, MTU %d), the real iperf3 client in a"
                + " namespace: %.2f Gbit/s client to server, %.2f Gbit/s server to client (-R)%n",
                Iperf3Bench.MTU, s.forward() / 1e9, s.reverse() / 1e9);
        table.add(new Comparison("iperf3", "Gbit/s client to server", k.forward() / 1e9, s.forward() / 1e9, false));
        table.add(new Comparison("iperf3-reverse", "Gbit/s server to client", k.reverse() / 1e9, s.reverse() / 1e9, false));
    }

    private void netem() {
        int kernelRuns = scale.name().equals("full") ? 3 : 1;
        NetemCompare.Result r = NetemCompare.run(scale.netemSeconds(), 3, kernelRuns);
        printf("netem: jnetstack %.2f Mbit/s (two stacks on a veth pair with netem \"%s\" on both ends, MTU 1500, %d virtual seconds,"
                + " mean of 3 seeds, the default congestion control); kernel %s%n", r.stackBitsPerSec() / 1e6, NetemCompare.NETEM,
                scale.netemSeconds(), Double.isNaN(r.kernelBitsPerSec()) ? "not measured: " + r.kernelNote()
                        : String.format(Locale.ROOT, "%.2f Mbit/s (iperf3 -C cubic, %d s, mean of %d: %s)", r.kernelBitsPerSec() / 1e6,
                                scale.netemSeconds(), kernelRuns, r.kernelNote()));
        if (!Double.isNaN(r.kernelBitsPerSec())) {
            printf("netem: jnetstack/kernel %.2f: %s 20%% of the kernel%n", r.ratio(),
                    Math.abs(r.ratio() - 1) <= 0.2 ? "within" : "NOT within");
        }
        table.add(new Comparison("netem", "Mbit/s, 20 ms RTT, 1% loss", r.kernelBitsPerSec() / 1e6, r.stackBitsPerSec() / 1e6, false));
    }

    // ================================================================ the table

    private void printTable() {
        if (table.isEmpty()) {
            return;
        }
        printf("%n%-16s %14s %14s %8s  %s%n", "workload", "kernel", "jnetstack", "ratio", "unit");
        for (Comparison c : table) {
            printf("%-16s %14s %14s %8s  %s%n", c.name(), Comparison.format(c.kernel()), Comparison.format(c.stack()),
                    c.hasRatio() ? String.format(Locale.ROOT, "%.2f", c.ratio()) : "-", c.unit());
        }
        printf("(ratio = jnetstack/kernel: higher is better, except for idle-conn-bytes)%n%n");
        for (Comparison c : table) {
            if (c.hasRatio()) {
                printf("ratio %s %.2f%n", c.name(), c.ratio());
            }
        }
    }

    private void printf(String format, Object... args) {
        out.printf(Locale.ROOT, format, args);
        out.flush();
    }
}
