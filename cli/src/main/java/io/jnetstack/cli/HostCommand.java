package io.jnetstack.cli;

import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.ipv4.fib.NextHop;
import io.jnetstack.ipv4.fib.Route;
import io.jnetstack.link.TunTapDevice;
import io.jnetstack.link.tuntap.TunTapFile;
import io.jnetstack.wire.Ipv4Address;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code jnetstack host --tap NAME --addr CIDR [--gateway IP]}: one stack in real time on a TAP
 * device of the current network namespace, answering ARP and ping, echoing on port 7 and serving
 * iperf3 on port 5201 until SIGINT or SIGTERM, with a
 * control socket ({@link ControlProtocol}) for {@code ip}, {@code nstat}, {@code sysctl},
 * {@code ping}, {@code link} and {@code ss}. This command line is a contract: tools and tests outside the
 * project use it, and the ready line
 * {@code jnetstack host: tap NAME up, ADDR/LEN, gateway GW; control socket PATH}.
 */
@Command(name = "host", mixinStandardHelpOptions = true,
        description = {"Runs one jnetstack stack on the TAP device NAME of the current network namespace (created when"
                + " absent, attached when it exists) with the address CIDR and a default route via the gateway;"
                + " it answers ARP and ping and serves echo (RFC 862, UDP and TCP port 7), discard (TCP 9), iperf3 (TCP 5201) and, with --www DIR,"
                + " HTTP/1.1 on port 80, until SIGINT or SIGTERM; with --fetch URL it downloads one URL through the stack and exits, then closes the TAP and removes its control socket.",
                "When ready it prints one line: `jnetstack host: tap NAME up, ADDR/LEN, gateway GW; control socket PATH`.",
                "The control socket (/run/jnetstack/NAME.sock, or /tmp/jnetstack/NAME.sock when /run is not writable)"
                        + " serves `jnetstack ip|nstat|sysctl|ping|link --host NAME ...`: one request line per connection,"
                        + " answered with the output and a last line `exit STATUS`.",
                "Needs root (or CAP_NET_ADMIN) for the TAP device."})
final class HostCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--tap", required = true, paramLabel = "NAME", description = "the TAP interface to create or attach")
    String tap;

    @Option(names = "--addr", required = true, paramLabel = "CIDR", description = "the stack's address, e.g. 198.18.0.2/24")
    String addr;

    @Option(names = "--gateway", paramLabel = "IP", description = "the default route's gateway, e.g. 198.18.0.1")
    String gateway;

    @Option(names = "--www", paramLabel = "DIR", description = "serve the files under DIR over HTTP/1.1 on port 80 (GET and HEAD)")
    Path www;

    @Option(names = "--fetch", paramLabel = "URL", description = "download http://ADDR[:PORT]/PATH through the stack, print a summary and exit")
    String fetch;

    @Option(names = "--out", paramLabel = "FILE", description = "where --fetch writes the body (default: discard it)")
    Path out;

    @Option(names = "--socket", paramLabel = "PATH", description = "the control socket's path (default: /run/jnetstack/NAME.sock)")
    Path socket;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int[] cidr;
        Integer gw;
        try {
            cidr = cidr(addr);
            gw = gateway == null ? null : gateway(gateway);
        } catch (IllegalArgumentException e) {
            err.println("jnetstack host: " + e.getMessage());
            err.flush();
            return 2;
        }
        Kernel k = Kernel.realtime();
        Net net = k.newNet("host");
        ControlServer server;
        io.jnetstack.admin.EchoService echo;
        java.util.List<AutoCloseable> services = new java.util.ArrayList<>();
        try {
            k.run(() -> setUp(net, cidr, gw));
            if (fetch != null) {
                return fetch(k, net, out(), err);
            }
            echo = io.jnetstack.admin.EchoService.udp(net, io.jnetstack.admin.EchoService.PORT);
            services.add(io.jnetstack.apps.StreamServices.echo(net, 7));
            services.add(io.jnetstack.apps.StreamServices.discard(net, 9));
            services.add(io.jnetstack.apps.Iperf3Server.start(net, io.jnetstack.apps.Iperf3Server.PORT));
            if (www != null) {
                services.add(io.jnetstack.apps.HttpServer.start(net, 80, www));
            }
            server = ControlServer.start(net, tap, socket);
        } catch (ErrnoException | IOException e) {
            for (AutoCloseable c : services) {
                closeQuietly(c);
            }
            k.close();
            err.println("jnetstack host: " + e.getMessage());
            err.flush();
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (AutoCloseable c : services) {
                closeQuietly(c);
            }
            echo.close();
            server.close();
            k.close();
            stopped.countDown();
        }, "jnetstack-host-shutdown"));
        out.println("jnetstack host: tap " + tap + " up, " + Ipv4Address.format(cidr[0]) + "/" + cidr[1] + ", "
                + (gw == null ? "no gateway" : "gateway " + Ipv4Address.format(gw)) + "; control socket " + server.path());
        out.flush();
        stopped.await();
        return 0;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            System.err.println("jnetstack host: closing " + c + ": " + e.getMessage());
        }
    }

    /** {@code --fetch}: one HTTP download through the stack, then exit (0 for status 200). */
    private int fetch(Kernel k, Net net, PrintWriter o, PrintWriter err) {
        try (java.io.OutputStream file = out == null ? java.io.OutputStream.nullOutputStream()
                : new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(out), 1 << 20)) {
            io.jnetstack.apps.HttpClient.Result r = io.jnetstack.apps.HttpClient.fetch(net, fetch, file);
            double secs = Math.max(r.nanos(), 1) / 1e9;
            o.printf("jnetstack host: fetched %s: status %d, %d bytes in %.3f s (%.1f MB/s), sha256 %s%s%n", fetch, r.status(),
                    r.bytes(), secs, r.bytes() / secs / 1e6, r.sha256(), out == null ? "" : ", written to " + out);
            o.flush();
            return r.status() == 200 ? 0 : 1;
        } catch (ErrnoException | IOException | IllegalArgumentException e) {
            err.println("jnetstack host: fetch " + fetch + ": " + e.getMessage());
            err.flush();
            return 1;
        } finally {
            k.close();
        }
    }

    /**
     * Loopback up; the TAP opened with a virtio-net header and offloads (so Linux and the stack
     * exchange 64 KiB TSO/GSO frames with partial checksums, as with a virtio NIC), up, with the
     * address; the default route.
     */
    private void setUp(Net net, int[] cidr, Integer gw) {
        net.loopback().up();
        net.sysctls().set("net.ipv4.ping_group_range", "0 2147483647");   // ping uses ICMP ping sockets
        TunTapDevice dev = TunTapDevice.open(net, tap, TunTapFile.Mode.TAP, true);
        dev.up();
        net.inet().devinet().add(dev, cidr[0], cidr[1]);
        if (gw != null) {
            net.inet().fib().addRoute(Route.to(0, 0).nexthop(NextHop.via(gw, dev)).build());
        }
    }

    private static int gateway(String text) {
        try {
            return Ipv4Address.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--gateway wants an IPv4 address, e.g. 198.18.0.1, not \"" + text + "\"");
        }
    }

    /** {@code A.B.C.D/LEN}. */
    static int[] cidr(String text) {
        int slash = text.indexOf('/');
        try {
            if (slash < 0) {
                throw new IllegalArgumentException(text);
            }
            int len = Integer.parseInt(text.substring(slash + 1));
            if (len < 0 || len > 32) {
                throw new IllegalArgumentException(text);
            }
            return new int[] {Ipv4Address.parse(text.substring(0, slash)), len};
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--addr wants ADDRESS/PREFIXLEN, e.g. 198.18.0.2/24, not \"" + text + "\"");
        }
    }
}
