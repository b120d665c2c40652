package io.jnetstack.cli;

import io.jnetstack.capture.PcapNgReader;
import io.jnetstack.capture.Tshark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DemoCommandTest {

    static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int rc = new CommandLine(new Main()).execute(args);
            assertEquals(0, rc, () -> buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void demoPrintsTheExchangeTheJourneyAndTheStatistics() {
        String out = run("demo", "--frames", "300");
        assertTrue(out.contains("alpha sent 300 frames"), out);
        assertTrue(out.matches("(?s).*alpha got (\\d+) back.*"), out);
        assertTrue(out.contains("Journey of frame #0"), out);
        int q = out.indexOf("dev_queue_xmit()");
        int h = out.indexOf("dev_hard_start_xmit()", q);
        int r = out.indexOf("netif_receive_skb()", h);
        assertTrue(q >= 0 && h > q && r > h, out);
        assertTrue(out.contains("ip -s link   (namespace alpha)"), out);
        assertTrue(out.contains("veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP>"), out);
        assertTrue(out.contains("tc -s qdisc"), out);
    }

    @Test
    void sameSeedSameCaptureByteForByte(@TempDir Path dir) throws Exception {
        Path p1 = dir.resolve("a.pcapng");
        Path p2 = dir.resolve("b.pcapng");
        Path p3 = dir.resolve("c.pcapng");
        run("demo", "--frames", "200", "--seed", "7", "--pcap", p1.toString());
        run("demo", "--frames", "200", "--seed", "7", "--pcap", p2.toString());
        run("demo", "--frames", "200", "--seed", "8", "--pcap", p3.toString());
        assertArrayEquals(Files.readAllBytes(p1), Files.readAllBytes(p2));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(p1), Files.readAllBytes(p3)), "another seed, another run");
        PcapNgReader.Capture c = PcapNgReader.read(p1);
        assertEquals(2, c.interfaces().size());
        assertTrue(c.packets().size() >= 2 * 200, "each frame is seen leaving alpha and arriving at beta, at least");
    }

    @Test
    void tsharkDissectsEveryFrameOfTheDemoCapture(@TempDir Path dir) throws Exception {
        Tshark.assumeAvailable();
        Path p = dir.resolve("demo.pcapng");
        run("demo", "--frames", "100", "--pcap", p.toString());
        int packets = PcapNgReader.read(p).packets().size();
        List<List<String>> rows = Tshark.rows(p, "frame.number", "frame.protocols", "frame.interface_name", "_ws.expert.severity");
        assertEquals(packets, rows.size());
        for (List<String> row : rows) {
            assertEquals("eth:ethertype:data", row.get(1), row.toString());
            assertTrue(row.get(2).equals("veth0") || row.get(2).equals("veth1"), row.toString());
            assertTrue(row.size() < 4 || row.get(3).isEmpty(), "no expert info: " + row);
        }
        assertFalse(Tshark.verbose(p).contains("Malformed"));
    }

    @Test
    void linkListsTheDemoDevices() {
        String out = run("link", "-s", "--frames", "50");
        assertTrue(out.contains("# namespace alpha"), out);
        assertTrue(out.contains("# namespace beta"), out);
        assertTrue(out.contains("1: lo:"), out);
        assertTrue(out.contains("RX:  bytes packets"), out);
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : List.of("demo", "link", "bench", "test")) {
            String out = run(c, "--help");
            assertTrue(out.contains("Usage: jnetstack " + c), out);
        }
    }
}
