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
        String out = run("demo", "--frames", "300", "--pings", "3");
        assertTrue(out.contains("alpha sent 300 raw frames"), out);
        assertTrue(out.matches("(?s).*alpha got (\\d+) back.*"), out);
        assertTrue(out.contains("Journey of frame #0"), out);
        assertTrue(out.contains("Ping: alpha -> beta 198.18.2.2: 3 sent, 3 received, ttl 63"), out);
        int p = out.indexOf("Journey of the first ping");
        for (String stage : List.of("ip_local_out()", "neigh_resolve_output()", "arp_solicit()", "arp_process()",
                "neigh_update()", "ip_route_input_slow()", "ip_forward()", "ip_forward_finish()", "icmp_rcv()", "icmp_echo()")) {
            int at = out.indexOf(stage, p);
            assertTrue(at > p, stage + " missing in order:\n" + out);
            p = at;
        }
        int q = out.indexOf("dev_queue_xmit()");
        int h = out.indexOf("dev_hard_start_xmit()", q);
        int r = out.indexOf("netif_receive_skb()", h);
        assertTrue(q >= 0 && h > q && r > h, out);
        assertTrue(out.contains("== namespace router"), out);
        assertTrue(out.contains("veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP>"), out);
        assertTrue(out.contains("default via 198.18.1.1 dev veth0"), out);
        assertTrue(out.contains("IpForwDatagrams"), out);
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
        assertEquals(4, c.interfaces().size());
        assertTrue(c.packets().size() >= 2 * 200, "each frame is seen leaving alpha and arriving at the router, at least");
    }

    @Test
    void tsharkDissectsEveryFrameOfTheDemoCapture(@TempDir Path dir) throws Exception {
        Tshark.assumeAvailable();
        Path p = dir.resolve("demo.pcapng");
        run("demo", "--frames", "100", "--pcap", p.toString());
        int packets = PcapNgReader.read(p).packets().size();
        List<List<String>> rows = tsharkRows(p, "frame.number", "frame.protocols", "frame.interface_name", "_ws.expert.severity",
                "_ws.expert.message");
        assertEquals(packets, rows.size());
        java.util.Set<String> protocols = new java.util.TreeSet<>();
        for (List<String> row : rows) {
            protocols.add(row.get(1));
            assertTrue(row.get(2).equals("veth0") || row.get(2).equals("veth1"), row.toString());
            // A DSACK (RFC 2883) of a segment netem duplicated or delayed is the receiver doing its job.
            boolean dsack = row.size() > 4 && row.get(4).replace("D-SACK Sequence", "").replace(",", "").isBlank();
            assertTrue(row.size() < 4 || noWarning(row.get(3)) || dsack, "no expert warning or error: " + row);
        }
        assertEquals(java.util.Set.of("eth:ethertype:data", "eth:ethertype:arp", "eth:ethertype:ip:icmp:data",
                "eth:ethertype:ip:udp:echo", "eth:ethertype:ip:tcp", "eth:ethertype:ip:tcp:data"), protocols);
        assertFalse(Tshark.run(p, with(TSHARK_DEMO_OPTIONS, "-V")).contains("Malformed"));
    }

    /**
     * How tshark reads the demo capture. The TCP transfer crosses netem (loss, jitter) and each
     * segment is captured on several interfaces, so TCP sequence analysis would flag losses,
     * reordering and "retransmissions" that are the demo's point, not faults of the frames; and
     * its payload is random bytes to port 80, which the HTTP dissector would call malformed.
     * Checksums stay validated ({@link Tshark}), so a bad frame still shows as an error.
     */
    private static final List<String> TSHARK_DEMO_OPTIONS = List.of(
            "-o", "tcp.analyze_sequence_numbers:FALSE", "--disable-protocol", "http");

    private static List<String> with(List<String> options, String... more) {
        List<String> all = new java.util.ArrayList<>(options);
        all.addAll(List.of(more));
        return all;
    }

    /** As {@link Tshark#rows}, with {@link #TSHARK_DEMO_OPTIONS}. */
    private static List<List<String>> tsharkRows(Path p, String... fields) {
        List<String> args = with(TSHARK_DEMO_OPTIONS, "-T", "fields", "-E", "header=n", "-E", "separator=/t",
                "-E", "occurrence=a", "-E", "aggregator=,");
        for (String f : fields) {
            args.add("-e");
            args.add(f);
        }
        List<List<String>> rows = new java.util.ArrayList<>();
        for (String line : Tshark.run(p, args).split("\n")) {
            if (!line.isEmpty()) {
                rows.add(java.util.Arrays.asList(line.split("\t", -1)));
            }
        }
        return rows;
    }

    /** Wireshark's PI_WARN: expert info below it (chat, such as a TCP SYN or FIN, and notes) is informational. */
    private static final int EXPERT_WARN = 0x00600000;

    /** Whether a frame's expert severities (comma-separated; none at all: empty) stay below a warning. */
    private static boolean noWarning(String severities) {
        for (String s : severities.split(",")) {
            if (!s.isBlank() && Integer.decode(s.trim()) >= EXPERT_WARN) {
                return false;
            }
        }
        return true;
    }

    @Test
    void linkListsTheDemoDevices() {
        String out = run("link", "-s", "--frames", "50");
        assertTrue(out.contains("# namespace alpha"), out);
        assertTrue(out.contains("# namespace beta"), out);
        assertTrue(out.contains("# namespace router"), out);
        assertTrue(out.contains("1: lo:"), out);
        assertTrue(out.contains("RX:  bytes packets"), out);
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : List.of("demo", "link", "bench", "packetdrill", "test")) {
            String out = run(c, "--help");
            assertTrue(out.contains("Usage: jnetstack " + c), out);
        }
    }
}
