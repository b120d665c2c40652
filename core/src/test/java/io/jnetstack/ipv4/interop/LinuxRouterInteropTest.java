package io.jnetstack.ipv4.interop;

import io.jnetstack.ipv4.IcmpMib;
import io.jnetstack.ipv4.IpMib;
import io.jnetstack.link.tuntap.Netns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Linux as the router between two stack hosts, one realtime kernel with two namespaces:
 * <pre>
 *   stack hostA 198.18.10.2 ── tapA 198.18.10.1 [Linux, ip_forward=1] tapB 198.18.20.1 ── 198.18.20.2 stack hostB
 * </pre>
 * Both TAPs' Linux ends live in one namespace of the test's own; the hosts' default routes
 * point at Linux.
 */
class LinuxRouterInteropTest {
    static final String A = "198.18.10.2";
    static final String R_A = "198.18.10.1";
    static final String R_B = "198.18.20.1";
    static final String B = "198.18.20.2";

    TapLab lab;
    Netns router;
    TapLab.Host hostA;
    TapLab.Host hostB;

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeTrue(Netns.available(), Netns::unavailableReason);
        lab = new TapLab();
        router = lab.namespace();
        router.check("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        hostA = lab.host("hostA", router, R_A + "/24", A, 24);
        hostB = lab.host("hostB", router, R_B + "/24", B, 24);
        hostA.defaultVia(R_A);
        hostB.defaultVia(R_B);
    }

    @AfterEach
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void hostAPingsHostBThroughLinux() {
        for (int seq = 1; seq <= 3; seq++) {
            hostA.sendEcho(B, seq, 56, 64, false);
            int n = seq;
            assertTrue(hostA.awaitReplies(n), () -> "no reply to echo " + n + "\n" + lab.diagnostics());
        }
        assertEquals(List.of(B + " seq=1 ttl=63 len=64", B + " seq=2 ttl=63 len=64", B + " seq=3 ttl=63 len=64"),
                hostA.replies(), lab::diagnostics);
        assertEquals(3, hostB.icmp(IcmpMib.InEchos), lab::diagnostics);
        assertEquals(3, hostB.icmp(IcmpMib.OutEchoReps), lab::diagnostics);
        // hostA resolved the router's MAC by ARP; hostB learned it from Linux's ARP request (STALE,
        // then DELAY once its replies used it, as Linux does).
        assertEquals(R_A + " dev " + hostA.ifName() + " lladdr " + hostA.linuxMac() + " REACHABLE", hostA.neighbour(R_A),
                lab::diagnostics);
        String b = hostB.neighbour(R_B);
        assertTrue(b.startsWith(R_B + " dev " + hostB.ifName() + " lladdr " + hostB.linuxMac() + " ")
                && List.of("REACHABLE", "STALE", "DELAY", "PROBE").contains(b.substring(b.lastIndexOf(' ') + 1)),
                () -> b + "\n" + lab.diagnostics());
        // Linux forwarded six datagrams.
        String snmp = router.check("cat", "/proc/net/snmp").stdout();
        assertEquals(6, LinkInteropTest.ipCounter(snmp, "ForwDatagrams"), snmp);
    }

    @Test
    void anEchoWithTtl1DiesAtLinuxWithTimeExceeded() {
        hostA.sendEcho(B, 1, 56, 1, false);
        assertTrue(TapLab.await(() -> hostA.icmp(IcmpMib.InTimeExcds) >= 1, TapLab.WAIT),
                () -> "no ICMP time exceeded from Linux\n" + lab.diagnostics());
        assertEquals(1, hostA.icmp(IcmpMib.InTimeExcds), lab::diagnostics);
        assertEquals(1, hostA.icmpMsgIn(11), lab::diagnostics);
        assertEquals(List.of("11/0 from " + R_A), hostA.icmpErrorsIn(), lab::diagnostics);
        assertTrue(hostA.replies().isEmpty(), lab::diagnostics);
        assertEquals(0, hostB.icmp(IcmpMib.InEchos), lab::diagnostics);
        String snmp = router.check("cat", "/proc/net/snmp").stdout();
        assertEquals(1, LinkInteropTest.icmpCounter(snmp, "OutTimeExcds"), snmp);
        // The same echo with room for one hop gets through.
        hostA.sendEcho(B, 2, 56, 2, false);
        assertTrue(hostA.awaitReplies(1), lab::diagnostics);
        assertEquals(List.of(B + " seq=2 ttl=63 len=64"), hostA.replies(), lab::diagnostics);
    }

    @Test
    void anEchoToANetworkLinuxCannotReachGetsNetUnreachable() {
        hostA.sendEcho("198.18.30.1", 1, 56, 64, false);
        assertTrue(TapLab.await(() -> hostA.icmp(IcmpMib.InDestUnreachs) >= 1, TapLab.WAIT),
                () -> "no ICMP destination unreachable from Linux\n" + lab.diagnostics());
        assertEquals(1, hostA.icmpMsgIn(3), lab::diagnostics);
        assertEquals(List.of("3/0 from " + R_A), hostA.icmpErrorsIn(), lab::diagnostics);
        assertTrue(hostA.replies().isEmpty(), lab::diagnostics);
        String snmp = router.check("cat", "/proc/net/snmp").stdout();
        assertEquals(1, LinkInteropTest.icmpCounter(snmp, "OutDestUnreachs"), snmp);
        assertEquals(0, LinkInteropTest.ipCounter(snmp, "ForwDatagrams"), snmp);
    }

    @Test
    void fragmentationNeededFromLinuxTeachesThePathMtu() {
        router.check("ip", "link", "set", "dev", hostB.ifName(), "mtu", "1280");
        hostB.setMtu(1280);   // both ends of link B agree

        // 1428-byte datagram with DF: Linux cannot forward it onto link B and says so.
        hostA.sendEcho(B, 1, 1400, 64, true);
        assertTrue(TapLab.await(() -> hostA.icmp(IcmpMib.InDestUnreachs) >= 1, TapLab.WAIT),
                () -> "no ICMP fragmentation needed from Linux\n" + lab.diagnostics());
        assertEquals(List.of("3/4 from " + R_A + " mtu 1280"), hostA.icmpErrorsIn(), lab::diagnostics);
        assertTrue(hostA.replies().isEmpty(), lab::diagnostics);
        assertEquals(0, hostB.icmp(IcmpMib.InEchos), lab::diagnostics);
        String route = hostA.routeGet(B);
        assertTrue(route.contains("mtu 1280"), () -> "hostA's route to B: " + route + "\n" + lab.diagnostics());
        assertTrue(route.startsWith(B + " via " + R_A + " dev " + hostA.ifName()), route);

        // Without DF, 4008 bytes of ICMP go: hostA fragments to the learned 1280, hostB reassembles,
        // hostB's reply is fragmented at its 1280 and reassembled by hostA.
        long fragsBefore = hostA.ip(IpMib.FragCreates);
        hostA.sendEcho(B, 2, 4000, 64, false);
        assertTrue(hostA.awaitReplies(1), () -> "no reply to the 4000-byte echo\n" + lab.diagnostics());
        assertEquals(List.of(B + " seq=2 ttl=63 len=4008"), hostA.replies(), lab::diagnostics);
        // 4008 bytes in fragments of at most 1280 - 20 (a multiple of 8: 1256) make four.
        assertEquals(4, hostA.ip(IpMib.FragCreates) - fragsBefore, lab::diagnostics);
        assertEquals(4, hostB.ip(IpMib.FragCreates), lab::diagnostics);
        assertTrue(hostB.ip(IpMib.ReasmOKs) >= 1, lab::diagnostics);
        assertTrue(hostA.ip(IpMib.ReasmOKs) >= 1, lab::diagnostics);
        // Linux forwarded them as they were: it did not have to fragment anything itself.
        String snmp = router.check("cat", "/proc/net/snmp").stdout();
        assertEquals(0, LinkInteropTest.ipCounter(snmp, "FragCreates"), snmp);
        assertEquals(1, LinkInteropTest.icmpCounter(snmp, "OutDestUnreachs"), snmp);
    }
}
