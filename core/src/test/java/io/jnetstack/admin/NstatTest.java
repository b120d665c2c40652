package io.jnetstack.admin;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Nstat} after three pings from alpha to beta. */
class NstatTest {
    private static Topology pinged() {
        Topology t = Topology.deterministic(10);
        PrintWriter sink = new PrintWriter(new StringWriter());
        new Ping(Ping.Options.defaults().withCount(3)).run(t.alpha, "198.18.2.2", sink, sink);
        return t;
    }

    @Test
    void countersByName() {
        Topology t = pinged();
        Map<String, Long> beta = t.kernel.call(() -> Nstat.counters(t.beta));
        assertEquals(3L, beta.get("IcmpInEchos"));
        assertEquals(3L, beta.get("IcmpOutEchoReps"));
        assertEquals(3L, beta.get("IcmpMsgInType8"));
        assertEquals(3L, beta.get("IcmpMsgOutType0"));
        assertEquals(2L, beta.get("IpForwarding"));
        assertEquals(64L, beta.get("IpDefaultTTL"));
        assertEquals(0L, beta.get("IcmpInErrors"));
        assertFalse(beta.containsKey("IcmpMsgInType3"), "IcmpMsg lists only the types seen");
        Map<String, Long> router = t.kernel.call(() -> Nstat.counters(t.router));
        assertEquals(1L, router.get("IpForwarding"));
        assertEquals(6L, router.get("IpForwDatagrams"));
    }

    @Test
    void nstatFormat() {
        Topology t = pinged();
        String all = t.kernel.call(() -> Nstat.format(t.beta, false, List.of()));
        assertTrue(all.startsWith("#kernel\n"), all);
        assertTrue(all.contains("IcmpInEchos                     3                  0.0\n"), all);
        assertFalse(all.contains("IcmpInErrors"), "zeros only with -z: " + all);
        String zeros = t.kernel.call(() -> Nstat.format(t.beta, true, List.of()));
        assertTrue(zeros.contains("IcmpInErrors                    0                  0.0\n"), zeros);
        String some = t.kernel.call(() -> Nstat.format(t.beta, true, List.of("Icmp*Echo*", "IpInReceives")));
        assertEquals("""
                #kernel
                IpInReceives                    3                  0.0
                IcmpInEchos                     3                  0.0
                IcmpInEchoReps                  0                  0.0
                IcmpOutEchos                    0                  0.0
                IcmpOutEchoReps                 3                  0.0
                """, some);
    }

    @Test
    void procNetSnmp() {
        Topology t = pinged();
        String snmp = t.kernel.call(() -> Nstat.snmp(t.beta));
        String[] lines = snmp.split("\n");
        assertEquals(10, lines.length, snmp);
        assertTrue(lines[6].startsWith("Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens"), snmp);
        assertTrue(lines[7].startsWith("Tcp: 1 200 120000 -1 0 "), snmp);
        assertTrue(lines[8].startsWith("Udp: InDatagrams NoPorts InErrors OutDatagrams"), snmp);
        assertTrue(lines[0].startsWith("Ip: Forwarding DefaultTTL InReceives"), snmp);
        assertTrue(lines[1].startsWith("Ip: 2 64 3 "), snmp);
        assertTrue(lines[2].startsWith("Icmp: InMsgs InErrors InCsumErrors"), snmp);
        assertEquals("IcmpMsg: InType8 OutType0", lines[4]);
        assertEquals("IcmpMsg: 3 3", lines[5]);
        assertEquals(lines[0].split(" ").length, lines[1].split(" ").length);
    }
}
