package io.jnetstack.ipv4.interop;

import io.jnetstack.apps.HttpClient;
import io.jnetstack.apps.HttpServer;
import io.jnetstack.apps.StreamServices;
import io.jnetstack.ipv4.tcp.Tcp;
import io.jnetstack.ipv4.tcp.TcpExtMib;
import io.jnetstack.link.tuntap.Netns;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TCP between the stack and the Linux kernel on one TAP link: Linux 198.18.1.1/24 in a
 * namespace of the test's own, the stack 198.18.1.2/24. curl against the stack's HTTP server
 * (100 MiB), the stack's client against Python's http.server, nc with half-close both ways, a
 * transfer through Linux-side netem loss, and a SYN flood that SYN cookies absorb.
 */
class TcpInteropTest {
    static final String LINUX = "198.18.1.1";
    static final String STACK = "198.18.1.2";
    /** An on-link address nobody answers for: the SYN flood's spoofed source. */
    static final String SPOOFED = "198.18.1.77";
    static final Duration WAIT = Duration.ofSeconds(60);

    TapLab lab;
    Netns ns;
    TapLab.Host host;
    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeTrue(Netns.available(), Netns::unavailableReason);
        lab = new TapLab();
        ns = lab.namespace();
        host = lab.host("stack", ns, LINUX + "/24", STACK, 24);
    }

    @AfterEach
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    /** A file of {@code size} seeded random bytes; returns its SHA-256. */
    static String makeFile(Path f, long size) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SplittableRandom r = new SplittableRandom(size);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(f)) {
            for (long done = 0; done < size; done += chunk.length) {
                r.nextBytes(chunk);
                int n = (int) Math.min(chunk.length, size - done);
                out.write(chunk, 0, n);
                sha.update(chunk, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static String sha256(Path f) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(f)) {
            byte[] b = new byte[1 << 20];
            int n;
            while ((n = in.read(b)) > 0) {
                sha.update(b, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private Netns.Result curl(String url, Path out, int seconds) {
        return ns.run(Duration.ofSeconds(seconds + 10), "curl", "-s", "-S", "--max-time", Integer.toString(seconds),
                "-o", out.toString(), "-w", "%{http_code} %{size_download}", url);
    }

    @Test
    void curlDownloads100MiBFromTheStacksHttpServer() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        String sha = makeFile(www.resolve("big"), 100L << 20);
        try (HttpServer http = HttpServer.start(host.net, 80, www)) {
            Path got = dir.resolve("got");
            Netns.Result r = curl("http://" + STACK + "/big", got, 120);
            assertTrue(r.ok(), () -> r.describe() + lab.diagnostics());
            assertEquals("200 " + (100L << 20), r.stdout().trim(), r::describe);
            assertEquals(sha, sha256(got));
            Netns.Result head = ns.run(Duration.ofSeconds(20), "curl", "-s", "-I", "http://" + STACK + "/big");
            assertTrue(head.stdout().contains("Content-Length: " + (100L << 20)), head::describe);
        }
    }

    @Test
    void theStacksClientFetchesFromLinuxHttpServer() throws Exception {
        Path www = Files.createDirectories(dir.resolve("srv"));
        String sha = makeFile(www.resolve("file"), 20L << 20);
        try (Netns.Background srv = ns.start(Duration.ofMinutes(2), "python3", "-u", "-m", "http.server", "8000", "--bind", LINUX,
                "--directory", www.toString())) {
            assertTrue(srv.awaitOutput("Serving HTTP", Duration.ofSeconds(20)) || waitPort(), () -> srv.stop().describe());
            Path out = dir.resolve("fetched");
            HttpClient.Result r;
            try (OutputStream o = Files.newOutputStream(out)) {
                r = HttpClient.fetch(host.net, "http://" + LINUX + ":8000/file", o);
            }
            assertEquals(200, r.status());
            assertEquals(20L << 20, r.bytes());
            assertEquals(sha, r.sha256());
            assertEquals(sha, sha256(out));
        }
    }

    private boolean waitPort() {
        return TapLab.await(() -> ns.run(Duration.ofSeconds(5), "sh", "-c", "nc -z " + LINUX + " 8000").ok(), Duration.ofSeconds(20));
    }

    @Test
    void ncAndTheStackExchangeDataWithHalfClose() throws Exception {
        // Linux client → stack server: nc -N sends, shuts its write side; the stack reads to EOF,
        // answers, closes.
        try (Socket l = host.net.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0)) {
            l.setsockopt(SockOpt.SO_RCVTIMEO, WAIT);
            l.bind(new SockAddrIn(0, 5001));
            l.listen(4);
            try (Netns.Background nc = ns.start(Duration.ofSeconds(60), "sh", "-c", "printf 'hello stack' | nc -N " + STACK + " 5001")) {
                try (Socket c = l.accept()) {
                    c.setsockopt(SockOpt.SO_RCVTIMEO, WAIT);
                    String got = readToEof(c);
                    assertEquals("hello stack", got);
                    c.send(ByteBuffer.wrap("hello linux, bye".getBytes(StandardCharsets.US_ASCII)), 0);
                    c.shutdown(Socket.SHUT_WR);
                }
                assertTrue(nc.awaitOutput("hello linux, bye", WAIT), () -> nc.stop().describe() + lab.diagnostics());
            }
        }
        // Stack client → Linux server: the stack sends and half-closes; Linux answers after EOF.
        try (Netns.Background srv = ns.start(Duration.ofSeconds(60), "sh", "-c", "nc -l -N " + LINUX + " 5002 < /dev/null | tr a-z A-Z")) {
            Thread.sleep(300);
            try (Socket c = host.net.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0)) {
                c.setsockopt(SockOpt.SO_RCVTIMEO, WAIT);
                connectRetrying(c, new SockAddrIn(io.jnetstack.wire.Ipv4Address.parse(LINUX), 5002));
                c.send(ByteBuffer.wrap("shout this".getBytes(StandardCharsets.US_ASCII)), 0);
                c.shutdown(Socket.SHUT_WR);
                assertEquals("", readToEof(c));
            }
            assertTrue(srv.awaitOutput("SHOUT THIS", WAIT), () -> srv.stop().describe() + lab.diagnostics());
        }
    }

    private static void connectRetrying(Socket c, SockAddrIn to) throws InterruptedException {
        for (int i = 0; ; i++) {
            try {
                c.connect(to);
                return;
            } catch (io.jnetstack.core.ErrnoException e) {
                if (e.errno() != io.jnetstack.core.Errno.ECONNREFUSED || i > 20) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static String readToEof(Socket c) {
        StringBuilder sb = new StringBuilder();
        ByteBuffer b = ByteBuffer.allocate(4096);
        while (true) {
            b.clear();
            int n = c.recv(b, 0);
            if (n == 0) {
                return sb.toString();
            }
            sb.append(new String(b.array(), 0, n, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aTransferSurvivesLinuxSideNetemLoss() throws Exception {
        Netns.Result tc = ns.run(Duration.ofSeconds(10), "tc", "qdisc", "add", "dev", host.ifName(), "root", "netem", "loss", "3%",
                "delay", "5ms");
        Assumptions.assumeTrue(tc.ok() || !tc.stderr().contains("unknown"),
                "this kernel has no netem qdisc (sch_netem): " + tc.stderr().trim());
        assertTrue(tc.ok(), tc::describe);
        download8MiB();
    }

    /**
     * Loss on the Linux side where the kernel has no sch_netem: Linux's egress on the TAP is an
     * htb whose cls_bpf classifier (classic BPF, {@code ld rand}) sends 3% of the packets to a
     * class whose pfifo holds nothing, so they are dropped; the 5 ms delay is the stack's own
     * netem on its side. Linux's ACKs (and requests) are lost, and the transfer still completes
     * intact; the qdisc's drop counter proves the loss happened.
     */
    @Test
    void aTransferSurvivesLinuxSideRandomLossWithoutNetem() throws Exception {
        String dev = host.ifName();
        long threshold = (long) (0.03 * (1L << 32));
        String prog = "4,32 0 0 4294963256,53 1 0 " + threshold + ",6 0 0 65538,6 0 0 65537";
        for (String[] cmd : new String[][] {
                {"tc", "qdisc", "replace", "dev", dev, "root", "handle", "1:", "htb", "default", "1"},
                {"tc", "class", "add", "dev", dev, "parent", "1:", "classid", "1:1", "htb", "rate", "10gbit", "quantum", "60000"},
                {"tc", "class", "add", "dev", dev, "parent", "1:", "classid", "1:2", "htb", "rate", "10gbit", "quantum", "60000"},
                {"tc", "qdisc", "add", "dev", dev, "parent", "1:2", "handle", "2:", "pfifo", "limit", "0"},
                {"tc", "filter", "add", "dev", dev, "parent", "1:", "bpf", "bytecode", prog}}) {
            Netns.Result r = ns.run(Duration.ofSeconds(10), cmd);
            Assumptions.assumeTrue(r.ok() || !r.stderr().contains("not found") && !r.stderr().contains("unknown"),
                    "this kernel lacks htb, pfifo or cls_bpf: " + r.stderr().trim());
            assertTrue(r.ok(), r::describe);
        }
        lab.k.run(() -> host.tap.setQdisc(new io.jnetstack.core.sched.Netem(io.jnetstack.core.sched.Netem.Config.parse("delay 5ms"))));
        download8MiB();
        Netns.Result stats = ns.run(Duration.ofSeconds(10), "tc", "-s", "qdisc", "show", "dev", dev);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("qdisc pfifo 2:.*?dropped (\\d+)", java.util.regex.Pattern.DOTALL)
                .matcher(stats.stdout());
        assertTrue(m.find() && Long.parseLong(m.group(1)) > 0, () -> "Linux dropped nothing:\n" + stats.stdout());
    }

    /**
     * The same loss and delay on the stack's side of the link (its own netem on the TAP): the
     * stack's data segments are lost and delayed, Linux's ACKs are not, so the stack's
     * retransmission does the work. Runs where the kernel lacks sch_netem too.
     */
    @Test
    void aTransferSurvivesStackSideNetemLoss() throws Exception {
        lab.k.run(() -> host.tap.setQdisc(new io.jnetstack.core.sched.Netem(
                io.jnetstack.core.sched.Netem.Config.parse("loss 3% delay 5ms"))));
        download8MiB();
        assertTrue(lab.k.call(() -> Tcp.of(host.net).mib().get(io.jnetstack.ipv4.tcp.TcpMib.RetransSegs)) > 0);
    }

    private void download8MiB() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        String sha = makeFile(www.resolve("f"), 8L << 20);
        try (HttpServer http = HttpServer.start(host.net, 80, www)) {
            Path got = dir.resolve("got");
            Netns.Result r = curl("http://" + STACK + "/f", got, 60);
            assertTrue(r.ok(), () -> r.describe() + lab.k.call(() -> io.jnetstack.admin.Ss.run(host.net, java.util.List.of("-tani"))
                    + Tcp.of(host.net).mib().formatNonZero() + Tcp.of(host.net).extMib().formatNonZero()));
            assertEquals(sha, sha256(got));
        }
    }

    @Test
    void synFloodIsAbsorbedBySynCookies() throws Exception {
        Assumptions.assumeTrue(Netns.findTool("hping3").isPresent(), "hping3 is not installed");
        Path www = Files.createDirectories(dir.resolve("www"));
        makeFile(www.resolve("small"), 100_000);
        try (HttpServer http = HttpServer.start(host.net, 80, www); StreamServices echo = StreamServices.echo(host.net, 7)) {
            String client = "import socket,time\n"
                    + "s=socket.create_connection(('" + STACK + "',7),timeout=60)\n"
                    + "print('connected',flush=True)\n"
                    + "total=0\nend=time.time()+12\nb=b'x'*16384\n"
                    + "while time.time()<end:\n"
                    + "  s.sendall(b)\n  n=0\n"
                    + "  while n<len(b):\n    n+=len(s.recv(65536))\n"
                    + "  total+=n\n"
                    + "print('echoed',total,flush=True)\n";
            try (Netns.Background mover = ns.start(Duration.ofSeconds(120), "python3", "-c", client)) {
                assertTrue(mover.awaitOutput("connected", Duration.ofSeconds(20)), () -> mover.stop().describe());
                Thread.sleep(500);
                long before = echo.bytes();
                long during;
                // The flood comes from a spoofed on-link address that never answers (as a real
                // flood does): from Linux's own address, hping3's source ports would sweep curl's,
                // and a flood SYN on curl's 4-tuple, answered before curl's lost handshake ACK
                // arrives, draws a challenge ACK that the listener resets, as Linux's would.
                try (Netns.Background flood = ns.start(Duration.ofSeconds(30), "timeout", "10", "hping3", "-q", "-S", "-p", "80",
                        "-a", SPOOFED, "--flood", STACK)) {
                    Thread.sleep(3000);
                    Path got = dir.resolve("small");
                    Netns.Result r = curl("http://" + STACK + "/small", got, 20);
                    assertTrue(r.ok() && r.stdout().startsWith("200"), () -> r.describe() + lab.diagnostics());
                    flood.await(Duration.ofSeconds(20));
                    during = echo.bytes() - before;
                }
                assertTrue(mover.awaitOutput("echoed", Duration.ofSeconds(90)), () -> mover.stop().describe());
                // Bytes echoed while hping3 flooded: the established connection did not stall.
                assertTrue(during > 64 * 1024, "the established connection kept moving data: " + during + " bytes during the flood");
            }
            long cookies = lab.k.call(() -> Tcp.of(host.net).extMib().get(TcpExtMib.SyncookiesSent));
            assertTrue(cookies > 0, "SYN cookies were sent: " + cookies + "\n" + lab.k.call(() -> Tcp.of(host.net).extMib().formatNonZero()));
        }
    }
}
