package io.jnetstack.bench;

import io.jnetstack.apps.Iperf3Server;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.link.TunTapDevice;
import io.jnetstack.link.tuntap.TunTapFile;
import io.jnetstack.wire.Ipv4Address;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code iperf3}: the real iperf3 client measuring TCP throughput.
 * <ul>
 * <li>Kernel to kernel: two network namespaces this class creates (and deletes), joined by a
 *     veth pair with the default MTU of 1,500, addresses 198.18.0.1/24 and 198.18.0.2/24 that
 *     exist only inside them; {@code iperf3 -s} in one, {@code iperf3 -c -t N -J} in the other,
 *     once each way ({@code -R} for server to client), the receiver's rate from the JSON.</li>
 * <li>jnetstack: the real iperf3 client in a namespace against {@link Iperf3Server} on a stack
 *     in this JVM behind a TAP device ({@link #stack}).</li>
 * </ul>
 * Needs root (namespaces), {@code ip} and {@code iperf3}; otherwise {@link #unavailableReason}
 * says why and the harness prints it instead of a figure.
 */
final class Iperf3Bench {
    static final int MTU = 1500;
    private static final String SERVER = "198.18.0.1";
    private static final String CLIENT = "198.18.0.2";
    private static final int PORT = 5201;
    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * Receiver-side rates of one measurement.
     *
     * @param forward bits per second client to server
     * @param reverse bits per second server to client ({@code -R})
     * @param seconds seconds per direction
     */
    record Result(double forward, double reverse, int seconds) {
    }

    private Iperf3Bench() {
    }

    /** Why the kernel measurement cannot run here, or {@code null} when it can. */
    static String unavailableReason() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return "not Linux";
        }
        if (!isRoot()) {
            return "needs root to create network namespaces";
        }
        if (tool("ip") == null) {
            return "the ip tool (iproute2) is not installed";
        }
        if (tool("iperf3") == null) {
            return "iperf3 is not installed (apt-get install iperf3)";
        }
        return null;
    }

    /** Kernel to kernel over a veth pair between two namespaces, {@code seconds} each way. */
    static Result kernel(int seconds) throws IOException {
        String tag = Long.toString(ProcessHandle.current().pid());
        String a = "jnsbench-" + tag + "-a";
        String b = "jnsbench-" + tag + "-b";
        List<String> made = new ArrayList<>();
        try {
            for (String ns : List.of(a, b)) {
                check("ip", "netns", "add", ns);
                made.add(ns);
            }
            check("ip", "-n", a, "link", "add", "jb0", "mtu", Integer.toString(MTU), "type", "veth",
                    "peer", "name", "jb1", "mtu", Integer.toString(MTU), "netns", b);
            check("ip", "-n", a, "addr", "add", SERVER + "/24", "dev", "jb0");
            check("ip", "-n", b, "addr", "add", CLIENT + "/24", "dev", "jb1");
            for (String[] d : new String[][]{{a, "lo"}, {a, "jb0"}, {b, "lo"}, {b, "jb1"}}) {
                check("ip", "-n", d[0], "link", "set", d[1], "up");
            }
            double forward = measure(a, b, seconds, false);
            double reverse = measure(a, b, seconds, true);
            return new Result(forward, reverse, seconds);
        } finally {
            for (String ns : made) {
                run(15, "ip", "netns", "del", ns);
            }
        }
    }

    /**
     * jnetstack's iperf3 server ({@link Iperf3Server}) on a stack in this JVM (a real-time
     * kernel) behind a TAP device whose Linux end is moved into a namespace this method creates;
     * the real iperf3 client runs there, once each way, measured as {@link #kernel}. The TAP uses
     * the virtio-net header with TSO offloads (as a veth pair has them), MTU 1,500.
     */
    static Result stack(int seconds) throws IOException {
        String tag = Long.toString(ProcessHandle.current().pid());
        String a = "jnsbench-" + tag + "-t";
        String ifName = "jbtap" + Long.toString(System.nanoTime() & 0xffff, 16);
        Kernel k = Kernel.realtime();
        boolean made = false;
        Iperf3Server srv = null;
        try {
            check("ip", "netns", "add", a);
            made = true;
            check("ip", "-n", a, "link", "set", "lo", "up");
            Net net = k.newNet("iperf3");
            tapInto(k, net, ifName, true, CLIENT, a, SERVER + "/24", null);
            srv = k.call(() -> Iperf3Server.start(net, PORT));
            double forward = client(a, CLIENT, seconds, false);
            double reverse = client(a, CLIENT, seconds, true);
            return new Result(forward, reverse, seconds);
        } finally {
            if (srv != null) {
                Iperf3Server s = srv;
                k.run(s::close);
            }
            k.close();
            if (made) {
                run(15, "ip", "netns", "del", a);
            }
        }
    }

    /**
     * A TAP device of {@code net} (up, with loopback, the stack's end at {@code stackAddr}/24)
     * whose Linux end is moved into namespace {@code ns}, up with MTU 1,500, address
     * {@code linuxCidr} and, when {@code gateway} is not null, a default route through it.
     */
    static TunTapDevice tapInto(Kernel k, Net net, String ifName, boolean vnetHdr, String stackAddr, String ns,
                                String linuxCidr, String gateway) throws IOException {
        TunTapDevice tap = k.call(() -> TunTapDevice.open(net, ifName, TunTapFile.Mode.TAP, vnetHdr));
        check("ip", "link", "set", "dev", ifName, "netns", ns);
        check("ip", "-n", ns, "addr", "add", linuxCidr, "dev", ifName);
        check("ip", "-n", ns, "link", "set", ifName, "mtu", Integer.toString(MTU), "up");
        if (gateway != null) {
            check("ip", "-n", ns, "route", "add", "default", "via", gateway);
        }
        k.run(() -> {
            net.loopback().up();
            tap.up();
            net.inet().devinet().add(tap, Ipv4Address.parse(stackAddr), 24);
        });
        return tap;
    }

    /** One kernel-to-kernel run: {@code iperf3 -s -1} in {@code serverNs}, the client in {@code clientNs}. */
    private static double measure(String serverNs, String clientNs, int seconds, boolean reverse) throws IOException {
        return receiverBitsPerSecond(report(serverNs, SERVER, clientNs, seconds, reverse));
    }

    /**
     * {@code iperf3 -s -1 -B bind} in {@code serverNs}, then {@link #clientReport} from
     * {@code clientNs} to it: the client's {@code -J} report.
     */
    static Object report(String serverNs, String bind, String clientNs, int seconds, boolean reverse, String... extra)
            throws IOException {
        Path out = Files.createTempFile("jnetstack-iperf3", ".out");
        Process server = new ProcessBuilder(tool("ip"), "netns", "exec", serverNs, tool("iperf3"), "-s", "-1",
                "-B", bind, "-p", Integer.toString(PORT))
                .redirectErrorStream(true).redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        try {
            return clientReport(clientNs, bind, seconds, reverse, extra);
        } finally {
            if (!waitFor(server, 5)) {
                server.destroyForcibly();
            }
            Files.deleteIfExists(out);
        }
    }

    /** {@link #clientReport}'s receiver rate. */
    static double client(String ns, String server, int seconds, boolean reverse) throws IOException {
        return receiverBitsPerSecond(clientReport(ns, server, seconds, reverse));
    }

    /**
     * {@code iperf3 -c server -t seconds -J [-R] [extra...]} in namespace {@code ns}, retried while
     * the server is not listening yet (for up to about 5 s): the parsed {@code -J} report.
     *
     * @throws IOException when iperf3 fails or reports an error
     */
    static Object clientReport(String ns, String server, int seconds, boolean reverse, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "iperf3", "-c", server,
                "-p", Integer.toString(PORT), "-t", Integer.toString(seconds), "-J"));
        if (reverse) {
            cmd.add("-R");
        }
        cmd.addAll(List.of(extra));
        for (int attempt = 0; attempt < 50; attempt++) {
            Run r = run(seconds + 20, cmd.toArray(String[]::new));
            // Not listening yet: iperf3 says so in its JSON, with exit status 0 or 1 by version.
            if ((r.out + r.err).contains("unable to connect")) {
                sleep(100);
                continue;
            }
            if (r.exit != 0) {
                throw new IOException("iperf3 failed (exit " + r.exit + "): " + r.out + r.err);
            }
            return parseReport(r.out);
        }
        throw new IOException("no iperf3 server listening on " + server + " port " + PORT);
    }

    /** The receiver's rate in a {@code -J} report: {@code end.sum_received.bits_per_second}. */
    static double receiverBitsPerSecond(Object report) throws IOException {
        if (io.jnetstack.apps.Json.at(report, "end", "sum_received", "bits_per_second") instanceof Number bps) {
            return bps.doubleValue();
        }
        throw new IOException("iperf3 -J output has no end.sum_received.bits_per_second");
    }

    /** {@link #receiverBitsPerSecond(Object)} of {@code iperf3 -J} text. */
    static double receiverBitsPerSecond(String json) throws IOException {
        return receiverBitsPerSecond(parseReport(json));
    }

    /** {@code iperf3 -J} text as a document; the report's own {@code error} as an exception. */
    private static Object parseReport(String json) throws IOException {
        Object doc;
        try {
            doc = io.jnetstack.apps.Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new IOException("iperf3 -J printed no JSON: " + e.getMessage());
        }
        if (io.jnetstack.apps.Json.at(doc, "error") instanceof String err) {
            throw new IOException("iperf3: " + err);
        }
        return doc;
    }

    // ================================================================ processes

    record Run(int exit, String out, String err) {
    }

    static void check(String... cmd) throws IOException {
        Run r = run(15, cmd);
        if (r.exit != 0) {
            throw new IOException("`" + String.join(" ", cmd) + "` failed: " + r.err.strip());
        }
    }

    /** Runs a command with a time limit; output through temporary files, so it never blocks on a pipe. */
    static Run run(int timeoutSeconds, String... cmd) throws IOException {
        List<String> c = new ArrayList<>(List.of(cmd));
        String exe = tool(c.get(0));
        if (exe != null) {
            c.set(0, exe);
        }
        Path out = Files.createTempFile("jnetstack-bench", ".out");
        Path err = Files.createTempFile("jnetstack-bench", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(c).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("PATH", PATH);
            pb.environment().put("LC_ALL", "C");
            Process p = pb.start();
            if (!waitFor(p, timeoutSeconds)) {
                p.destroyForcibly();
                waitFor(p, 5);
                return new Run(-1, Files.readString(out, StandardCharsets.UTF_8), "timed out after " + timeoutSeconds + " s");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static boolean waitFor(Process p, int seconds) {
        try {
            return p.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String tool(String name) {
        for (String dir : PATH.split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    long needed = (1L << 12) | (1L << 21);   // CAP_NET_ADMIN, CAP_SYS_ADMIN (ip netns mounts)
                    return (caps & needed) == needed;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }
}
