package io.jnetstack.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the harness with tiny sizes, so a broken workload or a malformed output line fails the
 * build cheaply. The figures are not looked at: only that each workload ran and printed its
 * line {@code ratio NAME NUMBER}.
 */
class HarnessTest {
    private static final Pattern RATIO = Pattern.compile("ratio (\\S+) (\\S+)");

    @Test
    void everyWorkloadPrintsOneWellFormedRatioLine() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<String> workloads = Harness.select("veth-frames,fib-lookup,forward,udp,tcp,idle-conn-bytes");
        int rc = new Harness(Scale.tiny(), new PrintStream(buf, true, StandardCharsets.UTF_8)).run(workloads);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, out);

        List<String> names = new ArrayList<>();
        for (String line : out.lines().toList()) {
            if (!line.startsWith("ratio ")) {
                continue;
            }
            Matcher m = RATIO.matcher(line);
            assertTrue(m.matches(), "malformed: " + line);
            assertTrue(m.group(2).matches("\\d+\\.\\d\\d"), "not a number with two decimals: " + line);
            assertTrue(Double.parseDouble(m.group(2)) > 0, line);
            names.add(m.group(1));
        }
        List<String> expected = new ArrayList<>(List.of("udp", "bulk", "rr", "crr"));
        if (KernelMemory.available()) {
            expected.add("idle-conn-bytes");
        }
        assertEquals(expected, names, out);

        for (String prefix : List.of("veth-frames: ", "fib-lookup: ", "forward: ", "forward-router: ", "udp: ", "bulk: ", "rr: ",
                "crr: ", "idle-conn-bytes: jnetstack ")) {
            assertTrue(out.lines().anyMatch(l -> l.startsWith(prefix)), "no line starting '" + prefix + "' in\n" + out);
        }
        assertTrue(out.lines().anyMatch(l -> l.matches("workload +kernel +jnetstack +ratio +unit")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("idle-conn-bytes +[0-9,.-]+ +[0-9,.]+ +[0-9.-]+ +bytes per socket, lower is better")), out);
    }

    /** The netem workload: the stack side always; the kernel side where root has ip and iperf3. */
    @Test
    void netemPrintsTheStackAndTheKernelOrWhyNot() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = new Harness(Scale.tiny(), new PrintStream(buf, true, StandardCharsets.UTF_8)).run(List.of("netem"));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, out);
        assertTrue(out.lines().anyMatch(l -> l.matches("netem: jnetstack \\d+\\.\\d\\d Mbit/s .*; kernel .*")), out);
        if (out.contains("kernel not measured")) {
            return;
        }
        assertTrue(out.lines().anyMatch(l -> l.matches("ratio netem \\d+\\.\\d\\d")), out);
    }

    @Test
    void selectExpandsTcpAndKeepsTheRunningOrder() {
        assertEquals(List.of("udp", "bulk", "rr", "crr"), Harness.select("tcp,udp"));
        assertEquals(Harness.WORKLOADS, Harness.select(null));
        assertEquals(List.of("idle-conn-bytes"), Harness.select("idle-conn-bytes"));
        assertThrows(IllegalArgumentException.class, () -> Harness.select("nope"));
    }

    @Test
    void comparisonRatioNeedsBothSides() {
        assertEquals(0.5, new Comparison("x", "u", 4, 2, true).ratio());
        assertTrue(Double.isNaN(new Comparison("x", "u", 4, Double.NaN, false).ratio()));
        assertEquals("1,234,568", Comparison.format(1_234_567.8));
        assertEquals("12.3", Comparison.format(12.34));
        assertEquals("-", Comparison.format(Double.NaN));
    }
}
