package io.jnetstack.ipv4.interop;

import io.jnetstack.link.tuntap.Netns;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;
import io.jnetstack.wire.Ipv4Address;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * UDP between stack sockets and Linux's on one TAP link: Linux 198.18.1.1/24 in a namespace of
 * the test's own, the stack 198.18.1.2/24. {@code nc -u} both ways, 20,000-byte datagrams
 * (fragmented by each side, reassembled by the other), multicast both ways, and the port
 * unreachable a closed stack port answers with.
 */
class UdpInteropTest {
    static final String LINUX = "198.18.1.1";
    static final String STACK = "198.18.1.2";
    static final Duration WAIT = Duration.ofSeconds(10);

    TapLab lab;
    Netns ns;
    TapLab.Host host;

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

    private Socket udp() {
        Socket s = host.net.sockets().socket(Socket.AF_INET, Socket.SOCK_DGRAM, 0);
        s.setsockopt(SockOpt.SO_RCVTIMEO, WAIT);
        return s;
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i % 251);
        }
        return b;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private Netns.Background python(String script) {
        return ns.start(Duration.ofSeconds(30), "python3", "-c", script);
    }

    @Test
    void ncExchangesDatagramsWithAStackSocketBothWays() throws Exception {
        try (Socket s = udp()) {
            s.bind(SockAddrIn.of(STACK, 5000));
            try (Netns.Background nc = ns.start(Duration.ofSeconds(30), "sh", "-c",
                    "printf 'from linux' | nc -u -w 3 -p 6001 " + STACK + " 5000")) {
                ByteBuffer in = ByteBuffer.allocate(100);
                SockAddrIn[] from = new SockAddrIn[1];
                int n = s.recvfrom(in, 0, from);
                assertEquals("from linux", new String(in.array(), 0, n, StandardCharsets.US_ASCII), lab::diagnostics);
                assertEquals(SockAddrIn.of(LINUX, 6001), from[0]);
                s.sendto(ByteBuffer.wrap("from stack".getBytes(StandardCharsets.US_ASCII)), 0, from[0]);
                assertTrue(nc.awaitOutput("from stack", WAIT), () -> nc.stop().describe() + lab.diagnostics());
            }
        }
    }

    @Test
    void twentyThousandByteDatagramsBothWays() throws Exception {
        byte[] data = pattern(20_000);
        try (Socket s = udp()) {
            s.bind(SockAddrIn.of(STACK, 5001));
            String recvScript = "import socket,hashlib\n"
                    + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                    + "s.bind(('" + LINUX + "',6002))\n"
                    + "print('ready',flush=True)\n"
                    + "s.settimeout(10)\n"
                    + "d,a=s.recvfrom(65535)\n"
                    + "print(len(d),hashlib.sha256(d).hexdigest(),flush=True)\n";
            try (Netns.Background rx = python(recvScript)) {
                assertTrue(rx.awaitOutput("ready", WAIT), () -> rx.stop().describe());
                int sent = s.sendto(ByteBuffer.wrap(data), 0, SockAddrIn.of(LINUX, 6002));
                assertEquals(20_000, sent);
                assertTrue(rx.awaitOutput("20000 " + sha256(data), WAIT), () -> rx.stop().describe() + lab.diagnostics());
            }
            Netns.Result tx = ns.run(Duration.ofSeconds(30), "python3", "-c",
                    "import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                            + "s.sendto(bytes(i % 251 for i in range(20000)),('" + STACK + "',5001))\n");
            assertTrue(tx.ok(), tx::describe);
            ByteBuffer in = ByteBuffer.allocate(65536);
            int n = s.recv(in, 0);
            assertEquals(20_000, n, lab::diagnostics);
            byte[] got = new byte[n];
            in.flip();
            in.get(got);
            assertArrayEquals(data, got);
        }
    }

    @Test
    void aClosedStackPortAnswersPortUnreachable() {
        Netns.Result r = ns.run(Duration.ofSeconds(30), "python3", "-c",
                "import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.settimeout(5)\n"
                        + "s.connect(('" + STACK + "',5999))\ns.send(b'anyone?')\n"
                        + "try:\n  s.recv(100)\n  print('answered')\nexcept ConnectionRefusedError:\n  print('refused')\n"
                        + "except socket.timeout:\n  print('timeout')\n");
        assertTrue(r.stdout().contains("refused"), () -> r.describe() + lab.diagnostics());
    }

    @Test
    void multicastBothWays() throws Exception {
        int group = Ipv4Address.parse("239.1.2.3");
        try (Socket s = udp()) {
            s.setsockopt(SockOpt.SO_REUSEADDR, 1);
            s.bind(new SockAddrIn(0, 5002));
            s.setsockopt(SockOpt.IP_ADD_MEMBERSHIP, new SockOpt.IpMreqn(group, 0, host.tap.ifindex()));
            // Linux → stack: a sender with IP_MULTICAST_IF on its end of the TAP.
            Netns.Result tx = ns.run(Duration.ofSeconds(30), "python3", "-c",
                    "import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                            + "s.setsockopt(socket.IPPROTO_IP,socket.IP_MULTICAST_IF,socket.inet_aton('" + LINUX + "'))\n"
                            + "s.sendto(b'to the group',('239.1.2.3',5002))\n");
            assertTrue(tx.ok(), tx::describe);
            ByteBuffer in = ByteBuffer.allocate(100);
            int n = s.recv(in, 0);
            assertEquals("to the group", new String(in.array(), 0, n, StandardCharsets.US_ASCII));

            // Stack → Linux: a receiver joined on its end of the TAP.
            String recvScript = "import socket,struct\n"
                    + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                    + "s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
                    + "s.bind(('',6003))\n"
                    + "s.setsockopt(socket.IPPROTO_IP,socket.IP_ADD_MEMBERSHIP,socket.inet_aton('239.1.2.3')+socket.inet_aton('" + LINUX + "'))\n"
                    + "print('ready',flush=True)\n"
                    + "s.settimeout(10)\n"
                    + "d,a=s.recvfrom(100)\n"
                    + "print('got',d.decode(),a[0],flush=True)\n";
            try (Netns.Background rx = python(recvScript); Socket out = udp()) {
                assertTrue(rx.awaitOutput("ready", WAIT), () -> rx.stop().describe());
                out.setsockopt(SockOpt.IP_MULTICAST_IF, new SockOpt.IpMreqn(0, 0, host.tap.ifindex()));
                out.sendto(ByteBuffer.wrap("from the stack".getBytes(StandardCharsets.US_ASCII)), 0, new SockAddrIn(group, 6003));
                assertTrue(rx.awaitOutput("got from the stack " + STACK, WAIT), () -> rx.stop().describe() + lab.diagnostics());
            }
        }
    }
}
