package io.jnetstack.admin;

import io.jnetstack.core.Errno;
import io.jnetstack.ipv4.fib.FibErrors;
import io.jnetstack.wire.Ipv4Address;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link IpTool} on a deterministic three-namespace network: every command, its output and its errors. */
class IpToolTest {
    private Topology t;

    @BeforeEach
    void network() {
        t = Topology.deterministic(10);
        PrintWriter sink = new PrintWriter(new StringWriter());
        new Ping(Ping.Options.defaults().withCount(1)).run(t.alpha, "198.18.2.2", sink, sink);
    }

    private String ip(String args) {
        return t.ip(t.alpha, args);
    }

    private AdminException fails(String args) {
        return assertThrows(AdminException.class, () -> ip(args), args);
    }

    private static void assertFailure(AdminException e, Errno errno, String output, int status) {
        assertEquals(errno, e.errno(), e.output());
        assertEquals(output, e.output());
        assertEquals(status, e.status(), e.output());
    }

    // ---------------------------------------------------------------- addr

    @Test
    void addrShowsDevicesAndAddressesAsIproute2() {
        String out = ip("addr");
        assertTrue(out.startsWith("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN"), out);
        assertTrue(out.contains("\n    inet 127.0.0.1/8 "), out);
        assertTrue(out.contains("2: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500"), out);
        assertTrue(out.contains("\n    link/ether "), out);
        assertTrue(out.contains("\n    inet 198.18.1.2/24 brd 198.18.1.255 scope global veth0\n"
                + "       valid_lft forever preferred_lft forever\n"), out);
        String one = ip("a s dev veth0");
        assertFalse(one.contains("lo:"), one);
        assertEquals(one, ip("address show veth0"));
        assertTrue(ip("-s addr show dev veth0").contains("RX:  bytes packets"));
    }

    @Test
    void addrAddAndDelete() {
        assertEquals("", ip("addr add 198.18.9.1/24 dev veth0"));
        assertTrue(ip("addr show dev veth0").contains("inet 198.18.9.1/24 brd 198.18.9.255 scope global veth0"));
        assertTrue(ip("route").contains("198.18.9.0/24 dev veth0 proto kernel scope link src 198.18.9.1\n"), ip("route"));
        assertFailure(fails("addr add 198.18.9.1/24 dev veth0"), Errno.EEXIST, "RTNETLINK answers: File exists", 2);
        ip("addr del 198.18.9.1/24 dev veth0");
        assertFalse(ip("addr").contains("198.18.9.1"));
        assertFalse(ip("route").contains("198.18.9.0/24"));
        assertFailure(fails("addr del 198.18.9.1/24 dev veth0"), Errno.EADDRNOTAVAIL,
                "RTNETLINK answers: Cannot assign requested address", 2);
        ip("addr add 198.18.9.2 brd + dev veth0");
        assertTrue(ip("addr").contains("inet 198.18.9.2/32 scope global veth0"), ip("addr"));
        ip("addr del 198.18.9.2 dev veth0");
        assertFalse(ip("addr").contains("198.18.9.2"));
        ip("addr add 198.18.9.3/24 dev veth0");
        ip("addr flush dev veth0");
        assertFalse(ip("addr").contains("198.18.1.2"));
        assertFalse(ip("addr").contains("198.18.9.3"));
    }

    @Test
    void addrErrors() {
        assertFailure(fails("addr add 198.18.9.1/24 dev nosuch"), Errno.ENODEV, "Cannot find device \"nosuch\"", 1);
        assertFailure(fails("addr show nosuch"), Errno.ENODEV, "Device \"nosuch\" does not exist.", 1);
        assertFailure(fails("addr add 198.18.9.1/24"), Errno.EINVAL, "Not enough information: \"dev\" argument is required.", 1);
        assertFailure(fails("addr add 198.18.9/24 dev veth0"), Errno.EINVAL,
                "Error: inet prefix is expected rather than \"198.18.9/24\".", 255);
        assertFailure(fails("addr add 198.18.9.1/24 dev veth0 frob"), Errno.EINVAL,
                "Error: either \"to\" is duplicate, or \"frob\" is a garbage.", 255);
        assertFailure(fails("addr frob"), Errno.EINVAL, "Command \"frob\" is unknown, try \"ip address help\".", 255);
        assertFailure(fails("frob"), Errno.EINVAL, "Object \"frob\" is unknown, try \"ip help\".", 1);
        assertFailure(fails("-x addr"), Errno.EINVAL, "Option \"-x\" is unknown, try \"ip -help\".", 255);
    }

    // ---------------------------------------------------------------- link

    @Test
    void linkShowAndStatistics() {
        String out = ip("link");
        assertTrue(out.startsWith("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536"), out);
        assertFalse(out.contains("inet "), out);
        assertFalse(out.contains("RX:"), out);
        for (String stats : new String[] {"-s link", "link show -s", "-stats link show", "-s -s l"}) {
            String s = ip(stats);
            assertTrue(s.contains("RX:  bytes packets errors dropped  missed   mcast"), stats + "\n" + s);
            assertTrue(s.contains("TX:  bytes packets"), s);
        }
        String one = ip("-s link show dev veth0");
        assertTrue(one.startsWith("2: veth0") && !one.contains("lo:") && one.contains("RX:"), one);
        assertTrue(ip("link show veth0").startsWith("2: veth0"));
    }

    @Test
    void linkSetChangesTheDevice() {
        ip("link set veth0 mtu 1400");
        assertTrue(ip("link show dev veth0").contains("mtu 1400 "), ip("link"));
        ip("link set dev veth0 txqueuelen 500");
        assertTrue(ip("link show dev veth0").contains("qlen 500"), ip("link"));
        ip("link set veth0 down");
        assertTrue(ip("link show veth0").contains("state DOWN"), ip("link"));
        assertFalse(ip("route").contains("veth0"), "the routes of a device that is down go: " + ip("route"));
        ip("link set veth0 up");
        assertTrue(ip("link show veth0").contains(",UP,LOWER_UP>"), ip("link"));
        assertTrue(ip("route").contains("198.18.1.0/24 dev veth0 proto kernel scope link src 198.18.1.2"), ip("route"));
        ip("link set veth0 address 02:00:00:00:00:42");
        assertTrue(ip("link show veth0").contains("link/ether 02:00:00:00:00:42 "), ip("link"));
        assertFailure(fails("link set veth0 mtu 10"), Errno.EINVAL, "RTNETLINK answers: Invalid argument", 2);
        assertFailure(fails("link set nosuch up"), Errno.ENODEV, "Cannot find device \"nosuch\"", 1);
        assertFailure(fails("link set veth0 mtu x"), Errno.EINVAL, "Error: argument \"x\" is wrong: \"mtu\" value is invalid", 255);
        assertFailure(fails("link set veth0 up sideways"), Errno.EINVAL,
                "Error: either \"to\" is duplicate, or \"sideways\" is a garbage.", 255);
    }

    // ---------------------------------------------------------------- route

    @Test
    void routeShowsTables() {
        assertEquals("default via 198.18.1.1 dev veth0\n198.18.1.0/24 dev veth0 proto kernel scope link src 198.18.1.2\n",
                ip("route"));
        assertEquals(ip("route"), ip("r s"));
        assertEquals(ip("route"), ip("route show table main"));
        String local = ip("route show table local");
        assertTrue(local.contains("local 198.18.1.2 dev veth0 proto kernel scope host src 198.18.1.2\n"), local);
        assertTrue(local.contains("broadcast 198.18.1.255 dev veth0 proto kernel scope link src 198.18.1.2\n"), local);
        String all = ip("route show table all");
        assertTrue(all.contains("default via 198.18.1.1 dev veth0\n"), all);
        assertTrue(all.contains("local 198.18.1.2 dev veth0 table local proto kernel scope host src 198.18.1.2\n"), all);
        assertEquals("", ip("route show table 100"));
        assertEquals("default via 198.18.1.1 dev veth0\n", ip("route show default"));
        assertEquals("198.18.1.0/24 dev veth0 proto kernel scope link src 198.18.1.2\n", ip("route show proto kernel"));
    }

    @Test
    void routeAddReplaceAppendDelete() {
        ip("route add 10.0.0.0/8 via 198.18.1.1");
        assertTrue(ip("route").contains("10.0.0.0/8 via 198.18.1.1 dev veth0\n"), ip("route"));
        assertFailure(fails("route add 10.0.0.0/8 via 198.18.1.1"), Errno.EEXIST, "RTNETLINK answers: File exists", 2);
        ip("route replace 10.0.0.0/8 dev veth0");
        assertTrue(ip("route").contains("10.0.0.0/8 dev veth0 scope link\n"), ip("route"));
        ip("route append 10.0.0.0/8 via 198.18.1.1");
        assertTrue(ip("route").contains("10.0.0.0/8 dev veth0 scope link\n10.0.0.0/8 via 198.18.1.1 dev veth0\n"), ip("route"));
        ip("route del 10.0.0.0/8 via 198.18.1.1");
        ip("route del 10.0.0.0/8");
        assertFalse(ip("route").contains("10.0.0.0/8"), ip("route"));
        AdminException e = fails("route del 10.0.0.0/8");
        assertFailure(e, FibErrors.ESRCH, "RTNETLINK answers: No such process", 2);
        ip("route add 10.0.0.0/8 via 198.18.1.1 metric 10");
        ip("route add 10.0.0.0/8 via 198.18.1.1 metric 20");
        assertTrue(ip("route").contains("10.0.0.0/8 via 198.18.1.1 dev veth0 metric 10\n10.0.0.0/8 via 198.18.1.1 dev veth0 metric 20\n"),
                ip("route"));
        ip("route delete 10.0.0.0/8 metric 20");
        assertTrue(ip("route").contains("metric 10"));
        assertFalse(ip("route").contains("metric 20"));
    }

    @Test
    void routeWithEveryAttribute() {
        ip("route add 10.1.0.0/16 dev veth0 table 100 metric 7 mtu 1300 src 198.18.1.2 proto static scope link tos 0x10");
        String r = ip("route show table 100");
        assertEquals("10.1.0.0/16 tos 0x10 dev veth0 proto static scope link src 198.18.1.2 metric 7 mtu 1300\n", r);
        assertTrue(ip("route show table all").contains("10.1.0.0/16 tos 0x10 dev veth0 table 100 proto static"), ip("route show table all"));
        ip("route add 10.2.0.0/16 via 198.18.1.1 advmss 1200 window 65535 hoplimit 9 initcwnd 10 initrwnd 20 dev veth0 onlink");
        String two = ip("route show 10.2.0.0/16");
        assertTrue(two.startsWith("10.2.0.0/16 via 198.18.1.1 dev veth0 onlink"), two);
        ip("route add 10.3.0.0/16 nexthop via 198.18.1.1 dev veth0 weight 2 nexthop via 198.18.1.3 dev veth0");
        String mp = ip("route show 10.3.0.0/16");
        assertTrue(mp.contains("\n\tnexthop via 198.18.1.1 dev veth0 weight 2"), mp);
        assertTrue(mp.contains("\n\tnexthop via 198.18.1.3 dev veth0 weight 1"), mp);
        ip("route flush table 100");
        assertEquals("", ip("route show table 100"));
        ip("route flush dev veth0 proto boot");
        assertFalse(ip("route").contains("10.2.0.0"), ip("route"));
        assertTrue(ip("route").contains("198.18.1.0/24"), "kernel routes stay: " + ip("route"));
    }

    @Test
    void routeTypes() {
        ip("route add blackhole 198.18.2.2");
        ip("route add unreachable 203.0.113.0/24");
        ip("route add prohibit 198.51.100.0/24");
        ip("route add to throw 192.0.2.0/24");
        String out = ip("route");
        assertTrue(out.contains("blackhole 198.18.2.2\n"), out);
        assertTrue(out.contains("unreachable 203.0.113.0/24\n"), out);
        assertTrue(out.contains("prohibit 198.51.100.0/24\n"), out);
        assertTrue(out.contains("throw 192.0.2.0/24\n"), out);
        assertFailure(fails("route get 198.18.2.2"), Errno.EINVAL, "RTNETLINK answers: Invalid argument", 2);
        assertFailure(fails("route get 203.0.113.1"), Errno.EHOSTUNREACH, "RTNETLINK answers: No route to host", 2);
        assertFailure(fails("route get 198.51.100.1"), Errno.EACCES, "RTNETLINK answers: Permission denied", 2);
        ip("route add local 198.18.7.7 dev veth0");
        assertTrue(ip("route show table local").contains("local 198.18.7.7 dev veth0 scope host\n"), ip("route show table local"));
        ip("route add broadcast 198.18.7.255 dev veth0");
        assertTrue(ip("route show table local").contains("broadcast 198.18.7.255 dev veth0 scope link\n"), ip("route show table local"));
        assertTrue(ip("route get 198.18.7.7").startsWith("local 198.18.7.7 dev lo"), ip("route get 198.18.7.7"));
        assertEquals("", ip("route show type unicast proto static"));
        assertEquals("blackhole 198.18.2.2\n", ip("route show type blackhole"));
    }

    @Test
    void routeErrors() {
        assertFailure(fails("route add 10.0.0.0/8 via 203.0.113.1"), Errno.ENETUNREACH, "RTNETLINK answers: Network is unreachable", 2);
        assertFailure(fails("route add 10.0.0.0/8 via 198.18.1.1 frob"), Errno.EINVAL,
                "Error: either \"to\" is duplicate, or \"frob\" is a garbage.", 255);
        assertFailure(fails("route add 10.0.0.0/8 10.1.0.0/16 dev veth0"), Errno.EINVAL,
                "Error: either \"to\" is duplicate, or \"10.1.0.0/16\" is a garbage.", 255);
        assertFailure(fails("route add 10.0.0.1/8 dev veth0"), Errno.EINVAL, "RTNETLINK answers: Invalid argument", 2);
        assertFailure(fails("route add 10.0.0.0/8 dev nosuch"), Errno.ENODEV, "Cannot find device \"nosuch\"", 1);
        assertFailure(fails("route add 10.0.0.0/8 via 198.18.1.1 table x"), Errno.EINVAL,
                "Error: argument \"x\" is wrong: \"table\" value is invalid", 255);
        assertFailure(fails("route add 10.0.0.0/8 via"), Errno.EINVAL, "Error: argument for \"via\" is required.", 255);
        assertFailure(fails("route add 10.0.0.0/8 via 198.18.1.256"), Errno.EINVAL,
                "Error: inet address is expected rather than \"198.18.1.256\".", 255);
        assertFailure(fails("route get 192.0.2.1 from"), Errno.EINVAL, "Error: either \"to\" is duplicate, or \"from\" is a garbage.", 255);
        assertFailure(fails("route get x"), Errno.EINVAL, "Error: inet prefix is expected rather than \"x\".", 255);
        assertFailure(fails("route frob"), Errno.EINVAL, "Command \"frob\" is unknown, try \"ip route help\".", 255);
        assertFailure(fails("route flush"), Errno.EINVAL, "Error: \"ip route flush\" requires arguments.", 255);
    }

    @Test
    void routeGetAndTheCache() {
        assertEquals("198.18.2.2 via 198.18.1.1 dev veth0 src 198.18.1.2\n", ip("route get 198.18.2.2"));
        assertEquals(ip("route get 198.18.2.2"), ip("r g to 198.18.2.2"));
        assertEquals("", ip("route show cache"));
        t.kernel.run(() -> t.alpha.inet().routing().updatePmtu(Ipv4Address.parse("198.18.2.2"), 1300));
        String cache = ip("route show cache");
        assertTrue(cache.startsWith("198.18.2.2 cache expires 600sec mtu 1300"), cache);
        assertTrue(ip("route get 198.18.2.2").contains("mtu 1300"), ip("route get 198.18.2.2"));
        assertEquals("", ip("route flush cache"));
    }

    // ---------------------------------------------------------------- rule

    @Test
    void rules() {
        assertEquals("0:\tfrom all lookup local\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n", ip("rule"));
        ip("rule add from 198.18.1.0/24 table 100 pref 100");
        assertTrue(ip("rule show").contains("100:\tfrom 198.18.1.0/24 lookup 100\n"), ip("rule"));
        assertFailure(fails("rule add from 198.18.1.0/24 table 100 pref 100"), Errno.EEXIST, "RTNETLINK answers: File exists", 2);
        ip("rule del from 198.18.1.0/24 table 100");
        assertFalse(ip("rule").contains("100:"), ip("rule"));
        assertFailure(fails("rule del pref 100"), Errno.ENOENT, "RTNETLINK answers: No such file or directory", 2);
        ip("rule add not to 198.18.2.0/24 iif lo oif veth0 fwmark 0x10/0xff tos 0x10 ipproto icmp priority 200 prohibit");
        assertTrue(ip("rule").contains(
                "200:\tnot from all to 198.18.2.0/24 tos 0x10 fwmark 0x10/0xff iif lo oif veth0 ipproto icmp prohibit\n"), ip("rule"));
        ip("rule add lookup main suppress_prefixlength 0 pref 300");
        assertTrue(ip("rule").contains("300:\tfrom all lookup main suppress_prefixlength 0\n"), ip("rule"));
        ip("rule add from all to 198.18.2.2 type unreachable");
        assertTrue(ip("rule").contains("199:\tfrom all to 198.18.2.2 unreachable\n"), "one below the second rule: " + ip("rule"));
        assertFailure(fails("route get 198.18.2.2"), Errno.ENETUNREACH, "RTNETLINK answers: Network is unreachable", 2);
        ip("rule del to 198.18.2.2");
        assertFailure(fails("route get 198.18.2.2"), Errno.EACCES, "RTNETLINK answers: Permission denied", 2);
        ip("rule del pref 200");
        assertEquals("198.18.2.2 via 198.18.1.1 dev veth0 src 198.18.1.2\n", ip("route get 198.18.2.2"));
        assertFailure(fails("rule add frob"), Errno.EINVAL, "Error: either \"to\" is duplicate, or \"frob\" is a garbage.", 255);
        assertFailure(fails("rule add pref x lookup main"), Errno.EINVAL,
                "Error: argument \"x\" is wrong: \"preference\" value is invalid", 255);
    }

    @Test
    void policyRoutingThroughAnotherTable() {
        ip("route add blackhole default table 100");
        ip("rule add to 198.18.2.0/24 lookup 100 pref 10");
        assertFailure(fails("route get 198.18.2.2"), Errno.EINVAL, "RTNETLINK answers: Invalid argument", 2);
        ip("rule del pref 10");
        assertEquals("198.18.2.2 via 198.18.1.1 dev veth0 src 198.18.1.2\n", ip("route get 198.18.2.2"));
    }

    // ---------------------------------------------------------------- neigh

    @Test
    void neighbours() {
        String out = ip("neigh");
        assertTrue(out.matches("198\\.18\\.1\\.1 dev veth0 lladdr ([0-9a-f]{2}:){5}[0-9a-f]{2} (REACHABLE|STALE|DELAY)\n"), out);
        assertEquals(out, ip("n show dev veth0"));
        ip("neigh add 198.18.1.99 lladdr 02:00:00:00:00:99 dev veth0");
        assertTrue(ip("neigh").contains("198.18.1.99 dev veth0 lladdr 02:00:00:00:00:99 PERMANENT\n"), ip("neigh"));
        assertFailure(fails("neigh add 198.18.1.99 lladdr 02:00:00:00:00:99 dev veth0"), Errno.EEXIST,
                "RTNETLINK answers: File exists", 2);
        ip("neigh replace 198.18.1.99 lladdr 02:00:00:00:00:98 dev veth0 nud stale");
        assertTrue(ip("neigh").contains("198.18.1.99 dev veth0 lladdr 02:00:00:00:00:98 STALE\n"), ip("neigh"));
        ip("neigh change 198.18.1.99 lladdr 02:00:00:00:00:97 dev veth0 nud reachable");
        assertTrue(ip("neigh").contains("198.18.1.99 dev veth0 lladdr 02:00:00:00:00:97 REACHABLE\n"), ip("neigh"));
        ip("neigh del 198.18.1.99 dev veth0");
        assertFalse(ip("neigh").contains("198.18.1.99"), ip("neigh"));
        assertFailure(fails("neigh del 198.18.1.99 dev veth0"), Errno.ENOENT, "RTNETLINK answers: No such file or directory", 2);
        ip("neigh add 198.18.1.98 lladdr 02:00:00:00:00:98 dev veth0 nud permanent");
        ip("neigh add 198.18.1.97 lladdr 02:00:00:00:00:97 dev veth0 nud noarp");
        assertFalse(ip("neigh").contains("198.18.1.97"), "NOARP entries are hidden: " + ip("neigh"));
        assertTrue(ip("neigh show nud all").contains("198.18.1.97 dev veth0 lladdr 02:00:00:00:00:97 NOARP"), ip("neigh show nud all"));
        ip("neigh flush dev veth0");
        assertEquals("198.18.1.98 dev veth0 lladdr 02:00:00:00:00:98 PERMANENT\n", ip("neigh"));
        ip("neigh flush dev veth0 nud all");
        assertEquals("", ip("neigh show nud all"));
    }

    @Test
    void neighbourErrors() {
        assertFailure(fails("neigh add 198.18.1.99 lladdr 02:00:00:00:00:99"), Errno.EINVAL,
                "Device and destination are required arguments.", 255);
        assertFailure(fails("neigh add 198.18.1.99 lladdr 02:00:00:00:99 dev veth0"), Errno.EINVAL,
                "Error: \"02:00:00:00:99\" is invalid lladdr.", 255);
        assertFailure(fails("neigh add 198.18.1.99 lladdr 02:00:00:00:00:99 dev veth0 nud sleepy"), Errno.EINVAL,
                "Error: argument \"sleepy\" is wrong: nud state is bad", 255);
        assertFailure(fails("neigh flush"), Errno.EINVAL, "Flush requires arguments.", 255);
        assertFailure(fails("neigh show dev nosuch"), Errno.ENODEV, "Cannot find device \"nosuch\"", 1);
    }

    @Test
    void helpAndOptions() {
        assertTrue(ip("help").startsWith("Usage: ip "));
        assertEquals(ip("route"), ip("-4 -d route"));
    }
}
