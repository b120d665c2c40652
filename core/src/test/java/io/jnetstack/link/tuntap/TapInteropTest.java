package io.jnetstack.link.tuntap;

import static io.jnetstack.link.tuntap.TestFrames.ARP_REPLY;
import static io.jnetstack.link.tuntap.TestFrames.ARP_REQUEST;
import static io.jnetstack.link.tuntap.TestFrames.BROADCAST;
import static io.jnetstack.link.tuntap.TestFrames.ETHERTYPE_ARP;
import static io.jnetstack.link.tuntap.TestFrames.ETHERTYPE_IPV6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A TAP interface in a private namespace, Linux at 198.18.0.1/24, the Java side playing
 * 198.18.0.2 with MAC 02:00:00:00:00:02. Frames go both ways and are checked field by field.
 */
class TapInteropTest {

    private static final String LINUX_IP = "198.18.0.1";
    private static final String JAVA_IP = "198.18.0.2";
    private static final byte[] JAVA_MAC = TestFrames.mac("02:00:00:00:00:02");
    /** Upper bound on read attempts of 100 ms each: 20 s. Never a duration assertion. */
    private static final int MAX_READS = 200;

    @BeforeEach
    void needsNamespaces() {
        Assumptions.assumeTrue(Netns.available(), Netns.unavailableReason());
    }

    @Test
    void arpingFromTheNamespaceArrivesAsAnArpRequestFrame() throws Exception {
        Assumptions.assumeTrue(Arping.flavour().isPresent(), "arping is not installed");
        try (Fixture f = Fixture.open(TunTapFile.Mode.TAP, false, LINUX_IP + "/24")) {
            byte[] linuxMac = TestFrames.mac(f.mac());
            try (Netns.Background arping = f.ns.start(Duration.ofSeconds(30),
                    Arping.command(f.name(), JAVA_IP, 3, 5).toArray(String[]::new))) {
                byte[] buf = new byte[TunTapFile.BUFFER_SIZE];
                Map<String, Integer> seen = new TreeMap<>();
                TestFrames.Arp request = null;
                int requestLength = 0;
                for (int i = 0; i < MAX_READS && request == null; i++) {
                    int n = f.file.read(buf, 0, buf.length, 100);
                    if (n < 0) {
                        continue;
                    }
                    int type = TestFrames.etherType(buf, n);
                    seen.merge(String.format("0x%04x", type), 1, Integer::sum);
                    if (type == ETHERTYPE_ARP) {
                        request = TestFrames.parseArp(buf, n);
                        requestLength = n;
                        assertArrayEquals(BROADCAST, TestFrames.slice(buf, 0, 6), "Ethernet destination");
                        assertArrayEquals(linuxMac, TestFrames.slice(buf, 6, 6), "Ethernet source");
                    }
                }
                TestFrames.Arp found = request;
                assertNotNull(found, () -> "no ARP frame within " + MAX_READS + " reads; EtherTypes seen: " + seen
                        + "; arping: " + arping.stop().describe());
                assertTrue(requestLength >= 42, "ARP frame of " + requestLength + " bytes");
                assertEquals(ARP_REQUEST, request.op(), request.toString());
                assertEquals(TestFrames.ip(JAVA_IP), request.targetIp(), request.toString());
                assertEquals(TestFrames.ip(LINUX_IP), request.senderIp(), request.toString());
                assertArrayEquals(linuxMac, request.senderMac(), request.toString());
                // IPv6 router solicitations, MLD reports and DAD probes may or may not show up:
                // reported, not required.
                System.out.println("TAP frames seen before the ARP request (EtherType=count): " + seen
                        + (seen.containsKey(String.format("0x%04x", ETHERTYPE_IPV6)) ? " incl. IPv6" : ""));
            }
        }
    }

    @Test
    void arpingGetsRepliesAnsweredFromJava() throws Exception {
        Assumptions.assumeTrue(Arping.flavour().isPresent(), "arping is not installed");
        try (Fixture f = Fixture.open(TunTapFile.Mode.TAP, false, LINUX_IP + "/24");
                Responder responder = new Responder(f.file, JAVA_MAC, TestFrames.ip(JAVA_IP))) {
            Netns.Result arping = f.ns.run(Duration.ofSeconds(20),
                    Arping.command(f.name(), JAVA_IP, 3, 5).toArray(String[]::new));
            responder.stop();
            assertEquals(0, arping.exitCode(), arping.describe() + "\n" + responder);
            int replies = Arping.repliesReceived(arping);
            assertTrue(replies >= 1, "arping reports " + replies + " replies: " + arping.describe());
            assertTrue(arping.stdout().contains("02:00:00:00:00:02"), arping.describe());
            assertTrue(responder.arpAnswered.get() >= replies, responder.toString());
            assertEquals(0, responder.errors().size(), responder.toString());
        }
    }

    @Test
    void kernelCountsAFrameWrittenFromJava() throws Exception {
        try (Fixture f = Fixture.open(TunTapFile.Mode.TAP, false, LINUX_IP + "/24")) {
            long before = f.statistic("rx_packets");
            byte[] frame = new byte[60];
            TestFrames.ethernetHeader(frame, BROADCAST, JAVA_MAC, TestFrames.ETHERTYPE_EXPERIMENTAL);
            byte[] payload = "jnetstack tuntap test".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            System.arraycopy(payload, 0, frame, 14, payload.length);
            f.file.write(frame, 0, frame.length);
            long after = before;
            for (int i = 0; i < 50 && after <= before; i++) {
                after = f.statistic("rx_packets");
                if (after <= before) {
                    Thread.sleep(100);
                }
            }
            assertTrue(after > before, "rx_packets stayed at " + before + "; "
                    + f.ns.run("ip", "-s", "link", "show", "dev", f.name()).stdout());
        }
    }

    @Test
    void aCaptureInTheNamespaceSeesAFrameWrittenFromJava() throws Exception {
        Assumptions.assumeTrue(Netns.findTool("tshark").isPresent(), "tshark is not installed");
        // Capture until our frame shows up, then stop tshark (no fixed packet count to wait for).
        try (Fixture f = Fixture.open(TunTapFile.Mode.TAP, false, LINUX_IP + "/24");
                Netns.Background tshark = f.ns.start(Duration.ofSeconds(60), "tshark", "-n", "-l", "-i", f.name(),
                        "-f", "ether proto 0x88b5", "-T", "fields", "-e", "eth.src", "-e", "eth.type")) {
            assertTrue(tshark.awaitOutput("Capturing on", Duration.ofSeconds(30)),
                    () -> "tshark did not start: " + tshark.stop().describe());
            byte[] frame = new byte[60];
            TestFrames.ethernetHeader(frame, BROADCAST, JAVA_MAC, TestFrames.ETHERTYPE_EXPERIMENTAL);
            String expected = "02:00:00:00:00:02\t0x88b5";
            // The filter may be attached a moment after "Capturing on": repeat until captured.
            for (int i = 0; i < 100 && tshark.isAlive() && !tshark.stdout().contains(expected); i++) {
                f.file.write(frame, 0, frame.length);
                Thread.sleep(100);
            }
            Netns.Result captured = tshark.stop();
            assertTrue(captured.stdout().lines().anyMatch(expected::equals), captured.describe());
            assertTrue(captured.stdout().lines().allMatch(expected::equals), "filter let other frames through: "
                    + captured.describe());
        }
    }

    @Test
    void kernelAnswersAnArpRequestWrittenFromJavaAndLearnsOurMac() throws Exception {
        try (Fixture f = Fixture.open(TunTapFile.Mode.TAP, false, LINUX_IP + "/24")) {
            byte[] linuxMac = TestFrames.mac(f.mac());
            byte[] request = TestFrames.arpFrame(ARP_REQUEST, BROADCAST, JAVA_MAC, TestFrames.ip(JAVA_IP),
                    new byte[6], TestFrames.ip(LINUX_IP));
            byte[] buf = new byte[TunTapFile.BUFFER_SIZE];
            TestFrames.Arp reply = null;
            for (int i = 0; i < MAX_READS && reply == null; i++) {
                if (i % 20 == 0) {
                    f.file.write(request, 0, request.length); // again every 2 s, in case one was lost
                }
                int n = f.file.read(buf, 0, buf.length, 100);
                TestFrames.Arp arp = n < 0 ? null : TestFrames.parseArp(buf, n);
                if (arp != null && arp.op() == ARP_REPLY) {
                    reply = arp;
                    assertArrayEquals(JAVA_MAC, TestFrames.slice(buf, 0, 6), "Ethernet destination");
                }
            }
            assertNotNull(reply, "the kernel sent no ARP reply");
            assertEquals(TestFrames.ip(LINUX_IP), reply.senderIp(), reply.toString());
            assertArrayEquals(linuxMac, reply.senderMac(), reply.toString());
            assertEquals(TestFrames.ip(JAVA_IP), reply.targetIp(), reply.toString());
            assertArrayEquals(JAVA_MAC, reply.targetMac(), reply.toString());
            Netns.Result neigh = f.ns.check("ip", "neigh", "show", JAVA_IP, "dev", f.name());
            assertTrue(neigh.stdout().contains("lladdr 02:00:00:00:00:02"), neigh.describe());
        }
    }

    @Test
    void withVnetHdrEveryFrameCarriesAVirtioNetHeaderBothWays() throws Exception {
        int hdr = 10; // sizeof(struct virtio_net_hdr), the default header length
        try (Fixture f = Fixture.open(TunTapFile.Mode.TAP, true, LINUX_IP + "/24")) {
            byte[] linuxMac = TestFrames.mac(f.mac());
            byte[] arp = TestFrames.arpFrame(ARP_REQUEST, BROADCAST, JAVA_MAC, TestFrames.ip(JAVA_IP),
                    new byte[6], TestFrames.ip(LINUX_IP));
            byte[] request = new byte[hdr + arp.length]; // all-zero header: no checksum, no GSO
            System.arraycopy(arp, 0, request, hdr, arp.length);
            byte[] buf = new byte[TunTapFile.BUFFER_SIZE];
            byte[] frame = null;
            for (int i = 0; i < MAX_READS && frame == null; i++) {
                if (i % 20 == 0) {
                    f.file.write(request, 0, request.length);
                }
                int n = f.file.read(buf, 0, buf.length, 100);
                if (n > hdr) {
                    byte[] eth = TestFrames.slice(buf, hdr, n - hdr);
                    TestFrames.Arp a = TestFrames.parseArp(eth, eth.length);
                    if (a != null && a.op() == ARP_REPLY) {
                        frame = eth;
                        assertEquals(0, buf[2] | buf[3] | buf[4] | buf[5], "gso_type/hdr_len of a small frame");
                    }
                }
            }
            assertNotNull(frame, "no ARP reply after a virtio-net header");
            TestFrames.Arp reply = TestFrames.parseArp(frame, frame.length);
            assertArrayEquals(linuxMac, reply.senderMac(), reply.toString());
            assertEquals(TestFrames.ip(JAVA_IP), reply.targetIp(), reply.toString());
        }
    }

    @Test
    void pingFromTheNamespaceIsAnsweredFromJava() throws Exception {
        try (Fixture f = Fixture.open(TunTapFile.Mode.TAP, false, LINUX_IP + "/24");
                Responder responder = new Responder(f.file, JAVA_MAC, TestFrames.ip(JAVA_IP))) {
            Netns.Result ping = f.ns.run(Duration.ofSeconds(20), "ping", "-n", "-c", "1", "-W", "5", JAVA_IP);
            Netns.Result neigh = f.ns.check("ip", "neigh", "show", JAVA_IP, "dev", f.name());
            responder.stop();
            assertEquals(0, ping.exitCode(), ping.describe() + "\n" + responder);
            assertTrue(ping.stdout().contains("1 received"), ping.describe());
            assertTrue(neigh.stdout().contains("lladdr 02:00:00:00:00:02"), neigh.describe());
            assertTrue(responder.arpAnswered.get() >= 1 && responder.echoAnswered.get() >= 1, responder.toString());
            assertEquals(0, responder.errors().size(), responder.toString());
        }
    }
}
