package io.jnetstack.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ip, ping, nstat and sysctl subcommands on the demo network, run through picocli. */
class AdminCommandsTest {
    /** Exit status, standard output and standard error of one run. */
    record Run(int status, String out, String err) {
        String all() {
            return "exit " + status + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    /** Runs the command line, with a quick demo warm-up unless the arguments set one. */
    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    /** {@code CMD --frames 0 --pings 1 ARGS...}: the demo network with little warm-up. */
    static Run quick(String cmd, String... args) {
        String[] a = new String[args.length + 5];
        a[0] = cmd;
        a[1] = "--frames";
        a[2] = "0";
        a[3] = "--pings";
        a[4] = "1";
        System.arraycopy(args, 0, a, 5, args.length);
        return run(a);
    }

    @Test
    void ipShowsTheDemoNamespaces() {
        Run r = quick("ip", "route");
        assertEquals(0, r.status(), r.all());
        assertEquals("default via 198.18.1.1 dev veth0\n198.18.1.0/24 dev veth0 proto kernel scope link src 198.18.1.2\n", r.out());
        Run router = quick("ip", "-n", "router", "route", "show");
        assertTrue(router.out().contains("198.18.2.0/24 dev veth1 proto kernel scope link src 198.18.2.1\n"), router.all());
        Run neigh = quick("ip", "-n", "beta", "neigh");
        assertTrue(neigh.out().startsWith("198.18.2.1 dev veth0 lladdr "), neigh.all());
        Run stats = quick("ip", "-s", "-n", "router", "link");
        assertTrue(stats.out().contains("3: veth1@if2:"), stats.all());
        assertTrue(stats.out().contains("RX:  bytes packets"), stats.all());
        Run addr = quick("ip", "-n", "alpha", "a");
        assertTrue(addr.out().contains("inet 198.18.1.2/24 brd 198.18.1.255 scope global veth0\n"), addr.all());
        Run rules = quick("ip", "rule");
        assertEquals("0:\tfrom all lookup local\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n", rules.out());
    }

    @Test
    void severalCommandsInOneRun() {
        Run r = quick("ip", "-n", "alpha", "route", "add", "10.0.0.0/8", "via", "198.18.1.1", "--", "route", "show",
                "--", "route", "get", "10.1.2.3");
        assertEquals(0, r.status(), r.all());
        assertEquals("default via 198.18.1.1 dev veth0\n10.0.0.0/8 via 198.18.1.1 dev veth0\n"
                + "198.18.1.0/24 dev veth0 proto kernel scope link src 198.18.1.2\n"
                + "10.1.2.3 via 198.18.1.1 dev veth0 src 198.18.1.2\n", r.out());
        Run stop = quick("ip", "route", "add", "default", "via", "198.18.1.1", "--", "route", "show");
        assertEquals(2, stop.status(), stop.all());
        assertEquals("RTNETLINK answers: File exists\n", stop.err());
        assertEquals("", stop.out(), "the commands after a failure do not run");
    }

    @Test
    void batchFile(@TempDir Path dir) throws Exception {
        Path ok = dir.resolve("ok.ip");
        Files.writeString(ok, """
                # a comment
                route add blackhole 203.0.113.0/24

                -s link show dev lo
                route show type blackhole
                """);
        Run r = quick("ip", "--batch", ok.toString());
        assertEquals(0, r.status(), r.all());
        assertTrue(r.out().startsWith("1: lo: <LOOPBACK,UP,LOWER_UP>"), r.all());
        assertTrue(r.out().endsWith("blackhole 203.0.113.0/24\n"), r.all());
        Path bad = dir.resolve("bad.ip");
        Files.writeString(bad, "route add blackhole 203.0.113.0/24\nroute add blackhole 203.0.113.0/24\nroute show\n");
        Run b = quick("ip", "-batch", bad.toString());
        assertEquals(1, b.status(), b.all());
        assertEquals("RTNETLINK answers: File exists\nCommand failed " + bad + ":2\n", b.err());
        assertEquals("", b.out());
        Run missing = quick("ip", "-batch", dir.resolve("nope").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().startsWith("Cannot open file \"" + dir.resolve("nope") + "\" for batch mode"), missing.all());
    }

    @Test
    void ipErrorsAsIproute2() {
        Run garbage = quick("ip", "route", "add", "10.0.0.0/8", "via", "198.18.1.1", "sideways");
        assertEquals(255, garbage.status());
        assertEquals("Error: either \"to\" is duplicate, or \"sideways\" is a garbage.\n", garbage.err());
        Run del = quick("ip", "route", "del", "10.0.0.0/8");
        assertEquals(2, del.status());
        assertEquals("RTNETLINK answers: No such process\n", del.err());
        Run dev = quick("ip", "link", "set", "eth7", "up");
        assertEquals(1, dev.status());
        assertEquals("Cannot find device \"eth7\"\n", dev.err());
        Run ns = quick("ip", "-n", "gamma", "route");
        assertEquals(2, ns.status());
        assertEquals("jnetstack: no namespace named gamma (the demo has alpha, router and beta)\n", ns.err());
    }

    @Test
    void pingOnTheDemoNetwork() {
        Run r = quick("ping", "-c", "3", "198.18.2.2");
        assertEquals(0, r.status(), r.all());
        assertTrue(r.out().startsWith("PING 198.18.2.2 (198.18.2.2) 56(84) bytes of data.\n"), r.all());
        assertTrue(r.out().matches("(?s).*64 bytes from 198\\.18\\.2\\.2: icmp_seq=\\d ttl=63 time=\\d+\\.\\d ms\n.*"), r.all());
        assertTrue(r.out().contains("\n--- 198.18.2.2 ping statistics ---\n3 packets transmitted, "), r.all());
        assertTrue(r.out().contains("rtt min/avg/max/mdev = "), r.all());
        assertEquals(r, quick("ping", "-c", "3", "198.18.2.2"), "virtual time: the same run twice");
        Run ttl = quick("ping", "-n", "beta", "-c", "2", "-t", "1", "198.18.1.2");
        assertEquals(1, ttl.status(), ttl.all());
        assertTrue(ttl.out().contains("From 198.18.2.1 icmp_seq=1 Time to live exceeded\n"), ttl.all());
        Run big = quick("ping", "-n", "router", "-c", "1", "-s", "3000", "-M", "do", "198.18.2.2");
        assertEquals("ping: local error: message too long, mtu=1500\n", big.err());
        Run badM = quick("ping", "-M", "maybe", "198.18.2.2");
        assertEquals(2, badM.status());
        assertEquals("ping: wrong value for -M: do, dont, want are valid ones.\n", badM.err());
        Run badC = quick("ping", "-c", "0", "198.18.2.2");
        assertEquals(2, badC.status());
        Run name = quick("ping", "-c", "1", "beta");
        assertEquals(2, name.status());
        assertEquals("ping: beta: Name or service not known\n", name.err());
    }

    @Test
    void nstatAndSysctl() {
        Run n = quick("nstat", "-n", "beta");
        assertEquals(0, n.status(), n.all());
        assertTrue(n.out().startsWith("#kernel\n"), n.all());
        assertTrue(n.out().contains("IcmpInEchos                     1                  0.0\n"), n.all());
        Run z = quick("nstat", "-n", "beta", "-az", "IcmpInErrors", "IcmpOutEchoReps");
        assertEquals("#kernel\nIcmpInErrors                    0                  0.0\nIcmpOutEchoReps                 1                  0.0\n",
                z.out());
        Run snmp = quick("nstat", "--snmp", "-n", "router");
        assertTrue(snmp.out().startsWith("Ip: Forwarding DefaultTTL"), snmp.all());
        assertTrue(snmp.out().contains("\nIp: 1 64 "), snmp.all());
        assertEquals("net.ipv4.ip_forward = 1\n", quick("sysctl", "-n", "router", "net.ipv4.ip_forward").out());
        assertEquals("net.ipv4.ip_forward = 0\n", quick("sysctl", "net.ipv4.ip_forward").out());
        Run w = quick("sysctl", "-n", "beta", "-w", "net.ipv4.icmp_echo_ignore_all=1");
        assertEquals("net.ipv4.icmp_echo_ignore_all = 1\n", w.out());
        assertEquals("64\n", quick("sysctl", "--values", "net.ipv4.ip_default_ttl").out());
        Run unknown = quick("sysctl", "net.ipv4.nope");
        assertEquals(255, unknown.status());
        assertEquals("sysctl: cannot stat /proc/sys/net/ipv4/nope: No such file or directory\n", unknown.err());
        assertTrue(quick("sysctl", "-a").out().contains("net.core.netdev_budget = 300\n"));
    }

    @Test
    void hostOptionWithoutAHost(@TempDir Path dir) {
        Run r = quick("ip", "--host", "jt-none-here", "addr");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("jnetstack: no control socket for host jt-none-here"), r.all());
        Run stale = quick("nstat", "--host", dir.resolve("x.sock").toString());
        assertEquals(2, stale.status());
        assertTrue(stale.err().startsWith("jnetstack: cannot talk to host"), stale.all());
    }

    @Test
    void hostRefusesBadArguments() {
        Run r = run("host", "--tap", "jt0", "--addr", "198.18.0.2");
        assertEquals(2, r.status());
        assertEquals("jnetstack host: --addr wants ADDRESS/PREFIXLEN, e.g. 198.18.0.2/24, not \"198.18.0.2\"\n", r.err());
        Run g = run("host", "--tap", "jt0", "--addr", "198.18.0.2/24", "--gateway", "gw");
        assertEquals(2, g.status());
        assertEquals("jnetstack host: --gateway wants an IPv4 address, e.g. 198.18.0.1, not \"gw\"\n", g.err());
        Run missing = run("host", "--addr", "198.18.0.2/24");
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("Missing required option: '--tap=NAME'"), missing.all());
    }

    @Test
    void everyNewCommandHasHelp() {
        for (String c : List.of("ip", "ping", "nstat", "sysctl", "host", "link")) {
            Run r = run(c, "--help");
            assertEquals(0, r.status(), r.all());
            assertTrue(r.out().contains("Usage: jnetstack " + c), r.all());
        }
        assertTrue(run("ip", "--help").out().contains("--batch"));
        assertFalse(run("--help").out().isEmpty());
    }
}
