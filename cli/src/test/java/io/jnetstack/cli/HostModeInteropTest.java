package io.jnetstack.cli;

import io.jnetstack.link.tuntap.Netns;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.jnetstack.cli.AdminCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jnetstack host} as the contract says: started as its own process inside a namespace this
 * test creates (so its TAP is created there), it answers Linux's ping and arping, serves its
 * control socket, and on SIGTERM exits, taking the TAP and the socket file with it. Linux plays
 * 198.18.0.1/24 on the TAP, the stack 198.18.0.2/24.
 */
class HostModeInteropTest {
    private static final Duration READY = Duration.ofSeconds(60);

    @BeforeEach
    void needsNamespaces() {
        Assumptions.assumeTrue(Netns.available(), Netns.unavailableReason());
    }

    /** {@code java ... io.jnetstack.cli.Main host ...} with this JVM and the test class path. */
    private static String[] hostCommand(String tap) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.jnetstack.cli.Main", "host", "--tap", tap, "--addr", "198.18.0.2/24", "--gateway", "198.18.0.1"));
        return cmd.toArray(String[]::new);
    }

    @Test
    void answersPingAndArpServesItsSocketAndLeavesOnSigterm() throws Exception {
        String tap = Netns.uniqueLinkName("jh");
        try (Netns ns = Netns.create(); Netns.Background host = ns.start(Duration.ofMinutes(3), hostCommand(tap))) {
            String ready = "jnetstack host: tap " + tap + " up, 198.18.0.2/24, gateway 198.18.0.1; control socket ";
            assertTrue(host.awaitOutput(ready, READY), () -> "no ready line: " + host.stop().describe());
            Path socket = Path.of(host.stdout().substring(host.stdout().indexOf(ready) + ready.length()).trim());
            assertTrue(Files.exists(socket), socket::toString);
            ns.check("ip", "addr", "add", "198.18.0.1/24", "dev", tap);
            ns.check("ip", "link", "set", tap, "up");

            Netns.Result ping = ns.run(Duration.ofSeconds(30), "ping", "-c", "3", "-W", "5", "198.18.0.2");
            assertTrue(ping.ok(), ping::describe);
            assertTrue(ping.stdout().contains("3 packets transmitted, 3 received"), ping::describe);
            arping(ns, tap);

            AdminCommandsTest.Run addr = run("ip", "--host", tap, "addr");
            assertEquals(0, addr.status(), () -> addr.all() + "\nhost stderr:\n" + host.stderr());
            assertTrue(addr.out().contains("inet 198.18.0.2/24 brd 198.18.0.255 scope global " + tap), addr.all());
            AdminCommandsTest.Run nstat = run("nstat", "--host", tap);
            assertEquals(0, nstat.status(), nstat.all());
            assertTrue(counter(nstat.out(), "IcmpInEchos") >= 3, nstat.all());
            AdminCommandsTest.Run back = run("ping", "--host", tap, "-c", "2", "-i", "0.2", "-W", "5", "198.18.0.1");
            assertEquals(0, back.status(), back.all());
            assertTrue(back.out().contains("64 bytes from 198.18.0.1: icmp_seq=1 ttl=64 time="), back.all());
            // RFC 862 echo over UDP: Linux nc -u gets its datagram back from port 7.
            Netns.Result echo = ns.run(Duration.ofSeconds(30), "sh", "-c", "printf 'echo me' | nc -u -w 2 198.18.0.2 7");
            assertTrue(echo.stdout().contains("echo me"), echo::describe);
            AdminCommandsTest.Run ss = run("ss", "--host", tap, "-uaw");
            assertEquals(0, ss.status(), ss.all());
            assertTrue(ss.out().matches("(?s).*udp\\s+UNCONN\\s+0\\s+0\\s+0\\.0\\.0\\.0:7\\s+0\\.0\\.0\\.0:\\*.*"), ss.all());
            AdminCommandsTest.Run udp = run("nstat", "--host", tap, "Udp*");
            assertTrue(counter(udp.out(), "UdpInDatagrams") >= 1 && counter(udp.out(), "UdpOutDatagrams") >= 1, udp.all());
            AdminCommandsTest.Run route = run("ip", "--host", socket.toString(), "route");
            assertTrue(route.out().startsWith("default via 198.18.0.1 dev " + tap + "\n"), route.all());

            Netns.Result stopped = host.stop();
            assertEquals(143, stopped.exitCode(), () -> "ends on SIGTERM, not by SIGKILL: " + stopped.describe());
            assertFalse(Files.exists(socket), "the control socket is removed");
            assertFalse(ns.run("ip", "link", "show", tap).ok(), "the TAP went with the process");
        }
    }

    /**
     * {@code host --fetch}: the stack's HTTP client downloads from Linux's {@code python3 -m
     * http.server} through the TAP and prints the SHA-256, which matches the file's.
     */
    @Test
    void fetchDownloadsFromALinuxHttpServer(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Netns.findTool("python3").isPresent(), "python3 is not installed");
        byte[] data = new byte[5 << 20];
        new java.util.SplittableRandom(5).nextBytes(data);
        Files.write(dir.resolve("file"), data);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
        String tap = Netns.uniqueLinkName("jf");
        Path out = dir.resolve("fetched");
        List<String> cmd = new ArrayList<>(List.of(hostCommand(tap)));
        cmd.remove(cmd.size() - 1);
        cmd.remove(cmd.size() - 1);   // no --gateway
        cmd.addAll(List.of("--fetch", "http://198.18.0.1:8000/file", "--out", out.toString()));
        try (Netns ns = Netns.create();
             Netns.Background srv = ns.start(Duration.ofMinutes(2), "python3", "-u", "-m", "http.server", "8000", "--bind",
                     "0.0.0.0", "--directory", dir.toString())) {
            // The server listens before the stack exists, so the stack's SYN never meets a closed port.
            assertTrue(srv.awaitOutput("Serving HTTP", Duration.ofSeconds(30)), () -> srv.stop().describe());
            try (Netns.Background host = ns.start(Duration.ofMinutes(2), cmd.toArray(String[]::new))) {
                long deadline = System.nanoTime() + READY.toNanos();
                while (!ns.run("ip", "link", "show", tap).ok()) {
                    assertTrue(System.nanoTime() < deadline && host.isAlive(), () -> "no TAP: " + host.stop().describe());
                    Thread.sleep(50);
                }
                ns.check("ip", "addr", "add", "198.18.0.1/24", "dev", tap);
                ns.check("ip", "link", "set", tap, "up");
                Netns.Result r = host.await(Duration.ofSeconds(90));
                assertEquals(0, r.exitCode(), r::describe);
                assertTrue(r.stdout().contains("status 200, " + data.length + " bytes"), r::describe);
                assertTrue(r.stdout().contains("sha256 " + sha), r::describe);
                assertArrayEquals(data, Files.readAllBytes(out));
            }
        }
    }

    @Test
    void withoutPrivilegeOrWithABadNameItSaysWhy() throws Exception {
        try (Netns ns = Netns.create()) {
            List<String> cmd = new ArrayList<>(List.of(hostCommand("bad/name")));
            Netns.Result r = ns.run(Duration.ofSeconds(60), cmd.toArray(String[]::new));
            assertEquals(1, r.exitCode(), r::describe);
            assertTrue(r.stderr().startsWith("jnetstack host: "), r::describe);
        }
    }

    /** arping from Linux gets the stack's ARP replies (either arping flavour). */
    private static void arping(Netns ns, String tap) {
        if (Netns.findTool("arping").isEmpty()) {
            System.out.println("arping is not installed: ARP replies checked through ping only");
            return;
        }
        Netns.Result help = Netns.runHost(Duration.ofSeconds(10), "arping", "-h");
        boolean habets = (help.stdout() + help.stderr()).contains("Habets");
        Netns.Result r = ns.run(Duration.ofSeconds(30), "arping", "-c", "3", "-w", "10", habets ? "-i" : "-I", tap, "198.18.0.2");
        Matcher m = Pattern.compile("(?:Received (\\d+) response|(\\d+) packets received)").matcher(r.stdout());
        assertTrue(m.find(), r::describe);
        int replies = Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
        assertTrue(replies >= 1, r::describe);
    }

    private static long counter(String nstat, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\s+(\\d+)").matcher(nstat);
        assertTrue(m.find(), nstat);
        String v = m.group(1);
        assertNotNull(v);
        return Long.parseLong(v);
    }
}
