package io.jnetstack.cli;

import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.link.Veth;
import io.jnetstack.wire.Ipv4Address;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static io.jnetstack.cli.AdminCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control socket of {@code jnetstack host}, served in this JVM for alpha of the demo network
 * (virtual time), and the {@code --host} side of the commands talking to it.
 */
class ControlSocketTest {
    @TempDir
    Path dir;
    private ControlServer server;
    private String sock;

    @BeforeEach
    void serve() throws IOException {
        DemoNetwork demo = new DemoNetwork(1, NetemSetup.netem(10, 0, 0));
        demo.ping(1);
        server = ControlServer.start(demo.alpha, "unused", dir.resolve("alpha.sock"));
        sock = server.path().toString();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** The raw response to one request line. */
    private String raw(String line) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(server.path()));
            ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            return in.lines().collect(Collectors.joining("\n", "", "\n"));
        }
    }

    @Test
    void commandsRunOnTheServedNamespace() {
        AdminCommandsTest.Run r = run("ip", "--host", sock, "route");
        assertEquals(0, r.status(), r.all());
        assertEquals("default via 198.18.1.1 dev veth0\n198.18.1.0/24 dev veth0 proto kernel scope link src 198.18.1.2\n", r.out());
        AdminCommandsTest.Run two = run("ip", "--host", sock, "route", "add", "10.0.0.0/8", "via", "198.18.1.1", "--", "route", "show",
                "10.0.0.0/8");
        assertEquals("10.0.0.0/8 via 198.18.1.1 dev veth0\n", two.out(), two.all());
        AdminCommandsTest.Run fail = run("ip", "--host", sock, "route", "add", "10.0.0.0/8", "via", "198.18.1.1");
        assertEquals(new AdminCommandsTest.Run(2, "", "RTNETLINK answers: File exists\n"), fail);
        AdminCommandsTest.Run stats = run("ip", "-s", "--host", sock, "link", "show", "veth0");
        assertTrue(stats.out().startsWith("2: veth0@if2:") && stats.out().contains("RX:  bytes"), stats.all());
        AdminCommandsTest.Run ping = run("ping", "--host", sock, "-c", "2", "-i", "0.5", "198.18.2.2");
        assertEquals(0, ping.status(), ping.all());
        assertTrue(ping.out().contains("2 packets transmitted, 2 received, 0% packet loss, time 500ms\n"), ping.all());
        AdminCommandsTest.Run nstat = run("nstat", "--host", sock, "-z", "IcmpOutEchos", "IcmpInErrors");
        assertEquals("#kernel\nIcmpInErrors                    0                  0.0\nIcmpOutEchos                    3                  0.0\n",
                nstat.out(), "in /proc/net/snmp order: " + nstat.all());
        assertEquals("net.ipv4.ip_forward = 1\n", run("sysctl", "--host", sock, "-w", "net.ipv4.ip_forward=1").out());
        AdminCommandsTest.Run link = run("link", "--host", sock);
        assertTrue(link.out().startsWith("# namespace alpha\n1: lo:"), link.all());
    }

    @Test
    void batchOverTheSocket() throws IOException {
        Path batch = dir.resolve("b.ip");
        Files.writeString(batch, "route add blackhole 203.0.113.0/24\n\nroute add blackhole 203.0.113.0/24\n");
        AdminCommandsTest.Run r = run("ip", "--host", sock, "--batch", batch.toString());
        assertEquals(1, r.status(), r.all());
        assertEquals("RTNETLINK answers: File exists\nCommand failed " + batch + ":3\n", r.err());
    }

    @Test
    void theLineProtocol() throws IOException {
        assertEquals("0:\tfrom all lookup local\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\nexit 0\n",
                raw("ip rule"));
        assertEquals("! RTNETLINK answers: No such process\nexit 2\n", raw("ip route del 192.0.2.0/24"));
        assertEquals("! jnetstack: a control socket serves ip, nstat, sysctl, ping, link, ss, not \"demo\"\nexit 2\n", raw("demo"));
        assertEquals("! jnetstack: a control socket serves ip, nstat, sysctl, ping, link, ss; the request was empty\nexit 2\n", raw(""));
        assertTrue(raw("ip -n beta route").startsWith("! jnetstack: -n and --host choose a stack"), raw("ip -n beta route"));
        assertEquals("! jnetstack: unterminated quote in the request\nexit 2\n", raw("ip \"route"));
        assertEquals("net.ipv4.ip_default_ttl = 64\nexit 0\n", raw("sysctl 'net.ipv4.ip_default_ttl'"));
        assertTrue(raw("ping -c 1 198.18.2.2").matches("(?s)PING .*\n64 bytes from 198.18.2.2: icmp_seq=1 ttl=63 .*exit 0\n"));
    }

    @Test
    void aPingWithoutEndStopsWhenItsClientLeaves() throws Exception {
        try (Kernel k = Kernel.realtime()) {
            Net a = k.newNet("a");
            Net b = k.newNet("b");
            k.run(() -> {
                Veth v = Veth.createPair(a, "veth0", b, "veth0");
                v.up();
                v.peer().up();
                a.inet().devinet().add(v, Ipv4Address.parse("198.18.1.2"), 24);
                b.inet().devinet().add(v.peer(), Ipv4Address.parse("198.18.1.1"), 24);
                b.sysctls().set("net.ipv4.icmp_echo_ignore_all", "1");
            });
            try (ControlServer s = ControlServer.start(a, "unused", dir.resolve("rt.sock"))) {
                try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    ch.connect(UnixDomainSocketAddress.of(s.path()));
                    ch.write(ByteBuffer.wrap("ping -i 0.05 198.18.1.1\n".getBytes(StandardCharsets.UTF_8)));
                    BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
                    assertTrue(in.readLine().startsWith("PING 198.18.1.1 "));
                    assertTrue(k.call(() -> !a.sockets().list().isEmpty()), "the ping runs, its socket open");
                }
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (k.call(() -> !a.sockets().list().isEmpty()) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertFalse(k.call(() -> !a.sockets().list().isEmpty()), "the ping ended with its client and closed its socket");
            }
        }
    }

    @Test
    void wordsRoundTrip() {
        List<String> words = List.of("ip", "route", "add", "10.0.0.0/8", "a b", "q\"uote", "back\\slash", "Icmp*", "");
        assertEquals(words, ControlProtocol.split(ControlProtocol.join(words)));
        assertEquals("ip route add \"a b\"", ControlProtocol.join(List.of("ip", "route", "add", "a b")));
        assertEquals(List.of("a", "b c", "d"), ControlProtocol.split("  a 'b c'\td  "));
    }

    @Test
    void socketFileLifeCycle() throws IOException {
        IOException busy = assertThrows(IOException.class, () -> ControlServer.start(null, "x", server.path()));
        assertTrue(busy.getMessage().contains("another jnetstack host already serves"), busy.getMessage());
        Path stale = dir.resolve("stale.sock");
        Files.writeString(stale, "left behind");
        try (ControlServer s = ControlServer.start(null, "x", stale)) {
            assertTrue(Files.exists(s.path()));
        }
        assertFalse(Files.exists(stale), "removed on close");
    }
}
