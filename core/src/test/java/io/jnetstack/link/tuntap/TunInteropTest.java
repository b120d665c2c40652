package io.jnetstack.link.tuntap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A TUN interface in a private namespace, Linux at 198.18.1.1/24; the peer 198.18.1.2 is the
 * Java side. TUN frames are bare IP packets.
 */
class TunInteropTest {

    private static final String LINUX_IP = "198.18.1.1";
    private static final String JAVA_IP = "198.18.1.2";

    @BeforeEach
    void needsNamespaces() {
        Assumptions.assumeTrue(Netns.available(), Netns.unavailableReason());
    }

    @Test
    void pingFromTheNamespaceArrivesAsAnIpv4EchoRequest() throws Exception {
        try (Fixture f = Fixture.open(TunTapFile.Mode.TUN, false, LINUX_IP + "/24")) {
            Netns.Result route = f.ns.check("ip", "route", "get", JAVA_IP);
            assertTrue(route.stdout().contains("dev " + f.name()), route.describe());
            try (Netns.Background ping = f.ns.start(Duration.ofSeconds(30), "ping", "-n", "-c", "1", "-W", "1", JAVA_IP)) {
                byte[] buf = new byte[TunTapFile.BUFFER_SIZE];
                TestFrames.Ipv4 packet = null;
                int length = 0;
                int otherPackets = 0;
                for (int i = 0; i < 200 && packet == null; i++) {
                    int n = f.file.read(buf, 0, buf.length, 100);
                    if (n <= 0) {
                        continue;
                    }
                    if ((buf[0] & 0xff) >>> 4 == 4) {
                        packet = TestFrames.parseIpv4(buf, 0, n);
                        length = n;
                    } else {
                        otherPackets++; // IPv6 on a TUN is possible, not expected
                    }
                }
                int others = otherPackets;
                assertNotNull(packet, () -> "no IPv4 packet arrived (" + others + " others); ping: "
                        + ping.stop().describe());
                assertEquals(4, packet.version());
                assertEquals(TestFrames.PROTO_ICMP, packet.protocol(), packet.toString());
                assertEquals(length, packet.totalLength(), "no packet-info prefix, no padding");
                assertEquals(TestFrames.ip(LINUX_IP), packet.src(), packet.toString());
                assertEquals(TestFrames.ip(JAVA_IP), packet.dst(), packet.toString());
                assertEquals(8, TestFrames.icmpType(buf, 0, length), "ICMP echo request");
                assertEquals(0, TestFrames.checksum(buf, 0, packet.headerLength()), "IPv4 header checksum");
            }
        }
    }

    @Test
    void pingFromTheNamespaceIsAnsweredFromJava() throws Exception {
        try (Fixture f = Fixture.open(TunTapFile.Mode.TUN, false, LINUX_IP + "/24");
                Responder responder = new Responder(f.file, null, TestFrames.ip(JAVA_IP))) {
            Netns.Result ping = f.ns.run(Duration.ofSeconds(20), "ping", "-n", "-c", "1", "-W", "5", JAVA_IP);
            responder.stop();
            assertEquals(0, ping.exitCode(), ping.describe() + "\n" + responder);
            assertTrue(ping.stdout().contains("1 received"), ping.describe());
            assertEquals(1, responder.echoAnswered.get(), responder.toString());
            assertEquals(0, responder.errors().size(), responder.toString());
        }
    }
}
