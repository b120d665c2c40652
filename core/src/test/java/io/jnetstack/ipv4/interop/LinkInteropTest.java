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
 * The stack and the Linux kernel on one Ethernet link (a TAP): Linux 198.18.1.1/24 in a
 * namespace of the test's own, the stack 198.18.1.2/24. ARP and ICMP echo both ways, and IP
 * fragmentation and reassembly against Linux's.
 */
class LinkInteropTest {
    static final String LINUX = "198.18.1.1";
    static final String STACK = "198.18.1.2";

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

    @Test
    void linuxPingsTheStack() {
        Netns.Result r = LinuxTools.run(ns, 10, LinuxTools.ping(STACK, 3, 56, 10));
        assertTrue(r.ok(), () -> r.describe() + lab.diagnostics());
        assertEquals(3, LinuxTools.pingReceived(r), () -> r.describe() + lab.diagnostics());
        assertTrue(r.stdout().contains("3 received"), r::describe);
        for (String line : LinuxTools.pingReplyLines(r)) {
            assertTrue(line.startsWith("64 bytes from " + STACK + ":") && line.contains("ttl=64"), line);
        }
        assertEquals(3, host.icmp(IcmpMib.InEchos), lab::diagnostics);
        assertEquals(3, host.icmp(IcmpMib.OutEchoReps), lab::diagnostics);
        assertEquals(0, host.icmp(IcmpMib.InErrors), lab::diagnostics);

        // Linux learned the stack's MAC from the stack's ARP reply.
        Netns.Result neigh = ns.check("ip", "neigh", "show", STACK, "dev", host.ifName());
        String entry = neigh.stdout().trim();
        assertTrue(entry.contains("lladdr " + host.mac()), () -> "Linux neighbour entry: " + entry + "\n" + lab.diagnostics());
        assertTrue(entry.endsWith("REACHABLE") || entry.endsWith("STALE"), () -> "Linux neighbour entry: " + entry);
    }

    @Test
    void linuxPingsTheStackWithFragmentedDatagrams() {
        Netns.Result r = LinuxTools.run(ns, 10, LinuxTools.ping(STACK, 2, 4000, 10));
        assertTrue(r.ok(), () -> r.describe() + lab.diagnostics());
        assertEquals(2, LinuxTools.pingReceived(r), () -> r.describe() + lab.diagnostics());
        List<String> lines = LinuxTools.pingReplyLines(r);
        assertFalse(lines.isEmpty(), r::describe);
        for (String line : lines) {
            assertTrue(line.startsWith("4008 bytes from " + STACK + ":"), line);
        }
        // 4028-byte datagrams: Linux sent each in three fragments, the stack put them together ...
        assertTrue(host.ip(IpMib.ReasmOKs) >= 2, lab::diagnostics);
        assertEquals(0, host.ip(IpMib.ReasmFails), lab::diagnostics);
        assertEquals(2, host.icmp(IcmpMib.OutEchoReps), lab::diagnostics);
        // ... and cut its own 4028-byte replies into fragments that Linux reassembled.
        assertTrue(host.ip(IpMib.FragCreates) >= 2, lab::diagnostics);
        assertTrue(host.ip(IpMib.FragOKs) >= 2, lab::diagnostics);
        String snmp = ns.check("cat", "/proc/net/snmp").stdout();
        assertTrue(ipCounter(snmp, "ReasmOKs") >= 2, () -> "Linux did not reassemble the replies:\n" + snmp);
    }

    @Test
    void arpingGetsAnswersFromTheStack() {
        Assumptions.assumeTrue(LinuxTools.arpingInterfaceOption().isPresent(), "arping is not installed or not recognised");
        Netns.Result r = LinuxTools.run(ns, 6, LinuxTools.arping(host.ifName(), STACK, 3, 6));
        assertEquals(3, LinuxTools.arpingReceived(r), () -> r.describe() + lab.diagnostics());
        assertTrue(r.ok(), r::describe);
        assertTrue(r.stdout().toLowerCase(java.util.Locale.ROOT).contains(host.mac()),
                () -> "the replies do not come from the stack's MAC " + host.mac() + "\n" + r.describe());
    }

    @Test
    void theStackPingsLinux() {
        for (int seq = 1; seq <= 3; seq++) {
            host.sendEcho(LINUX, seq, 56, 64, false);
            int n = seq;
            assertTrue(host.awaitReplies(n), () -> "no reply to echo " + n + "\n" + lab.diagnostics());
        }
        assertEquals(List.of(LINUX + " seq=1 ttl=64 len=64", LINUX + " seq=2 ttl=64 len=64", LINUX + " seq=3 ttl=64 len=64"),
                host.replies(), lab::diagnostics);
        assertEquals(3, host.icmp(IcmpMib.OutEchos), lab::diagnostics);
        assertEquals(3, host.icmp(IcmpMib.InEchoReps), lab::diagnostics);
        String entry = host.neighbour(LINUX);
        String linuxMac = ns.check("cat", "/sys/class/net/" + host.ifName() + "/address").stdout().trim();
        assertEquals(LINUX + " dev " + host.ifName() + " lladdr " + linuxMac + " REACHABLE", entry, lab::diagnostics);
        // Linux's counters agree: three echo requests in, three replies out.
        String snmp = ns.check("cat", "/proc/net/snmp").stdout();
        assertEquals(3, icmpCounter(snmp, "InEchos"), snmp);
        assertEquals(3, icmpCounter(snmp, "OutEchoReps"), snmp);
    }

    /** A counter of the "Ip:" lines of {@code /proc/net/snmp}. */
    static long ipCounter(String snmp, String name) {
        return counter(snmp, "Ip:", name);
    }

    /** A counter of the "Icmp:" lines of {@code /proc/net/snmp}. */
    static long icmpCounter(String snmp, String name) {
        return counter(snmp, "Icmp:", name);
    }

    private static long counter(String snmp, String group, String name) {
        String[] lines = snmp.split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith(group) && lines[i + 1].startsWith(group)) {
                String[] names = lines[i].trim().split("\\s+");
                String[] values = lines[i + 1].trim().split("\\s+");
                for (int j = 1; j < names.length && j < values.length; j++) {
                    if (names[j].equals(name)) {
                        return Long.parseLong(values[j]);
                    }
                }
            }
        }
        throw new AssertionError(group + " " + name + " not in /proc/net/snmp:\n" + snmp);
    }
}
