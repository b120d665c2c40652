package io.jnetstack.ipv4.interop;

import io.jnetstack.apps.Iperf3Server;
import io.jnetstack.apps.Json;
import io.jnetstack.link.tuntap.Netns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real iperf3 client ({@code iperf3 -c ... -J}) against the stack's {@link Iperf3Server}
 * over a TAP device: Linux 198.18.5.1/24 in a namespace of the test's own, the stack
 * 198.18.5.2/24. Both directions, parallel streams, a busy server and a refused UDP test; and
 * the same measurements between two Linux namespaces over a veth pair (198.18.6.0/24), so the
 * report shows the stack next to the kernel in the same run. Rates are printed, never asserted.
 */
class Iperf3InteropTest {
    static final String LINUX = "198.18.5.1";
    static final String STACK = "198.18.5.2";
    static final String VETH_SERVER = "198.18.6.2";
    static final int SECONDS = 3;

    TapLab lab;
    Netns ns;
    TapLab.Host host;
    Iperf3Server iperf;

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeTrue(Netns.available(), Netns::unavailableReason);
        Assumptions.assumeTrue(Netns.findTool("iperf3").isPresent(), "iperf3 is not installed");
        lab = new TapLab();
        ns = lab.namespace();
        host = lab.host("stack", ns, LINUX + "/24", STACK, 24);
        iperf = Iperf3Server.start(host.net, Iperf3Server.PORT);
    }

    @AfterEach
    void tearDown() {
        if (iperf != null) {
            iperf.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    /**
     * Runs {@code iperf3 -c SERVER -J ARGS...} in {@code where} ({@code -t SECONDS} unless ARGS
     * end the test by {@code -n}); returns its JSON report.
     */
    static Map<String, Object> iperf3(Netns where, String server, String... args) {
        List<String> cmd = new ArrayList<>(List.of("iperf3", "-c", server, "-J", "--connect-timeout", "5000"));
        if (!List.of(args).contains("-n")) {
            cmd.addAll(List.of("-t", Integer.toString(SECONDS)));
        }
        cmd.addAll(List.of(args));
        Netns.Result r = where.run(Duration.ofSeconds(SECONDS + 30L), cmd.toArray(new String[0]));
        try {
            return Json.parseObject(r.stdout());
        } catch (IllegalArgumentException e) {
            throw new AssertionError("iperf3 printed no JSON report: " + r.describe(), e);
        }
    }

    /** {@code end.sum_sent} or {@code end.sum_received} of a report. */
    static Map<String, Object> sum(Map<String, Object> report, String which) {
        Map<String, Object> end = Json.getObject(report, "end");
        Map<String, Object> s = end == null ? null : Json.getObject(end, which);
        if (s == null) {
            throw new AssertionError("no end." + which + " in " + Json.write(report));
        }
        return s;
    }

    /** Checks a report: no error, bytes sent and received, the receiver within the sender. */
    static void assertSane(Map<String, Object> report) {
        assertNull(report.get("error"), () -> "iperf3 failed: " + report.get("error"));
        long sent = Json.getLong(sum(report, "sum_sent"), "bytes", 0);
        long received = Json.getLong(sum(report, "sum_received"), "bytes", 0);
        assertTrue(sent > 0 && received > 0, () -> "sent " + sent + ", received " + received);
        assertTrue(received <= sent, () -> "received " + received + " > sent " + sent);
        assertTrue(Json.getDouble(sum(report, "sum_received"), "seconds", 0) > 0);
    }

    static double gbits(Map<String, Object> report) {
        return Json.getDouble(sum(report, "sum_received"), "bits_per_second", 0) / 1e9;
    }

    @Test
    void bothDirectionsWithJsonNextToTheKernelOverVeth() throws IOException {
        Map<String, Object> up = iperf3(ns, STACK);
        assertSane(up);
        Map<String, Object> down = iperf3(ns, STACK, "-R");
        assertSane(down);
        assertEquals(1L, Json.getLong(Json.getObject(Json.getObject(down, "start"), "test_start"), "reverse", 0));
        assertEquals(2, iperf.testsRun());
        assertEquals(Json.getLong(sum(up, "sum_received"), "bytes", 0), iperf.bytesReceived());
        assertEquals(Json.getLong(sum(down, "sum_sent"), "bytes", 0), iperf.bytesSent());

        Netns other = lab.namespace();
        String a = Netns.uniqueLinkName("jvk");
        String b = Netns.uniqueLinkName("jvk");
        ns.check("ip", "link", "add", a, "type", "veth", "peer", "name", b, "netns", other.name());
        ns.check("ip", "addr", "add", "198.18.6.1/24", "dev", a);
        ns.check("ip", "link", "set", a, "up");
        other.check("ip", "addr", "add", VETH_SERVER + "/24", "dev", b);
        other.check("ip", "link", "set", b, "up");
        Map<String, Object> kernelUp;
        Map<String, Object> kernelDown;
        try (Netns.Background srv = other.start(Duration.ofMinutes(2), "iperf3", "-s", "--forceflush", "-B", VETH_SERVER)) {
            assertTrue(srv.awaitOutput("Server listening", Duration.ofSeconds(10)), () -> srv.stop().describe());
            kernelUp = iperf3(ns, VETH_SERVER);
            kernelDown = iperf3(ns, VETH_SERVER, "-R");
        }
        assertSane(kernelUp);
        assertSane(kernelDown);
        System.out.printf(Locale.ROOT, "iperf3 -t %d, Gbit/s at the receiver: stack over TAP: client sends %.3f, -R %.3f;"
                        + " kernel over veth: client sends %.3f, -R %.3f%n",
                SECONDS, gbits(up), gbits(down), gbits(kernelUp), gbits(kernelDown));
    }

    @Test
    void parallelStreamsAndBidirectional() {
        Map<String, Object> p = iperf3(ns, STACK, "-P", "2");
        assertSane(p);
        assertEquals(2, Json.getArray(Json.getObject(p, "end"), "streams").size());
        Map<String, Object> bidir = iperf3(ns, STACK, "--bidir");
        assertNull(bidir.get("error"), () -> "iperf3 failed: " + bidir.get("error"));
        Map<String, Object> end = Json.getObject(bidir, "end");
        assertTrue(Json.getLong(Json.getObject(end, "sum_received"), "bytes", 0) > 0, () -> Json.write(end));
        assertTrue(Json.getLong(Json.getObject(end, "sum_received_bidir_reverse"), "bytes", 0) > 0, () -> Json.write(end));
        assertEquals(2, iperf.testsRun());
    }

    @Test
    void aBusyServerDeniesASecondClientAndUdpIsRefused() {
        try (Netns.Background first = ns.start(Duration.ofMinutes(1), "iperf3", "-c", STACK, "-t", "4", "--forceflush")) {
            assertTrue(first.awaitOutput("sec ", Duration.ofSeconds(10)), () -> first.stop().describe());
            Map<String, Object> second = iperf3(ns, STACK);
            assertTrue(String.valueOf(second.get("error")).contains("busy"), () -> "second client: " + second.get("error"));
            Netns.Result done = first.await(Duration.ofSeconds(30));
            assertTrue(done.ok(), done::describe);
        }
        Map<String, Object> udp = iperf3(ns, STACK, "-u");
        assertTrue(String.valueOf(udp.get("error")).contains("not implemented"), () -> "UDP: " + udp.get("error"));
        Map<String, Object> after = iperf3(ns, STACK, "-n", "1M");
        assertSane(after);
        assertFalse(Json.getLong(sum(after, "sum_sent"), "bytes", 0) < 1 << 20);
        assertEquals(2, iperf.testsRun());
    }
}
