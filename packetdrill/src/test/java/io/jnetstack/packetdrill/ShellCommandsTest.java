package io.jnetstack.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which shell commands the runner emulates, and how it reads them. */
class ShellCommandsTest {

    @Test
    void supportedCommands() {
        for (String c : List.of("../common/defaults.sh", "../../common/defaults.sh",
                "sysctl -q net.ipv4.tcp_ecn=1 # fully enabled", "sysctl -q -e net.ipv4.a=1 net.ipv4.b=2",
                "sysctl -q net.ipv4.tcp_notsent_lowat=4294967295 > /dev/null 2>&1",
                "../common/set_sysctls.py /proc/sys/net/ipv4/tcp_wmem=\"4096 50000 4194304\"",
                "/tmp/sysctl_restore_${PPID}.sh", "ethtool -K tun0 gso off tso off",
                "echo 3 > /sys/module/tcp_cubic/parameters/hystart_detect",
                "tc qdisc replace dev tun0 root fq", "tc qdisc add dev tun0 root fq maxrate 10mbit horizon 2s",
                "tc qdisc replace dev tun0 root pfifo limit 0",
                "tc qdisc delete dev tun0 root 2>/dev/null ; tc qdisc add dev tun0 root pfifo limit 0",
                "sysctl -q net/ipv4/tcp_pacing_ss_ratio=200")) {
            assertTrue(ShellCommands.supported(c), c);
        }
        for (String c : List.of("tc qdisc replace dev tun0 root fq_codel", "tc qdisc replace dev tun0 root fq speed 3",
                "tc qdisc show dev tun0", "tc qdisc del dev tun0 root fq", "tc qdisc add dev tun0 root", "nstat > /dev/null",
                "sysctl -q net.ipv4.a=1 ; nstat",
                "echo 3 > /sys/module/tcp_vegas/parameters/alpha", "sysctl -q net.ipv4.a=1 || ip x",
                "ethtool -K tun0 gso on", "sysctl -a", "../common/set_sysctls.py net.ipv4.a=1")) {
            assertFalse(ShellCommands.supported(c), c);
        }
    }

    /** CUBIC's module parameters reach the namespace's registry; an unknown one is UNSUPPORTED. */
    @Test
    void cubicModuleParametersAreTheNamespaces() {
        io.jnetstack.core.Kernel k = io.jnetstack.core.Kernel.deterministic(1);
        io.jnetstack.core.Net net = k.newNet("pd");
        io.jnetstack.ipv4.tcp.cong.CongestionControls cc = io.jnetstack.ipv4.tcp.Tcp.of(net).congestionControls();
        assertEquals(3, cc.cubicParams().hystartDetect());
        ShellCommands.run(net, "echo 2 > /sys/module/tcp_cubic/parameters/hystart_detect\necho 0 > /sys/module/tcp_cubic/parameters/fast_convergence",
                1, false);
        assertEquals(2, cc.cubicParams().hystartDetect());
        assertFalse(cc.cubicParams().fastConvergence());
        UnsupportedConstruct e = org.junit.jupiter.api.Assertions.assertThrows(UnsupportedConstruct.class,
                () -> ShellCommands.run(net, "echo 1 > /sys/module/tcp_cubic/parameters/nope", 4, false));
        assertTrue(e.getMessage().contains("no parameter nope"), e.getMessage());
    }

    /** {@code tc qdisc} sets the device's root qdisc, {@code del} removes it. */
    @Test
    void tcSetsTheRootQdisc() {
        io.jnetstack.core.Kernel k = io.jnetstack.core.Kernel.deterministic(1);
        io.jnetstack.core.Net net = k.newNet("pd");
        io.jnetstack.core.NetDevice dev = net.register(new ScriptTun("tun0", 1500));
        ShellCommands.run(net, "tc qdisc replace dev tun0 root fq", 1, false);
        assertTrue(dev.qdisc() instanceof io.jnetstack.core.sched.Fq);
        ShellCommands.run(net, "tc qdisc delete dev tun0 root 2>/dev/null ; tc qdisc add dev tun0 root pfifo limit 0", 2, false);
        assertEquals("pfifo", dev.qdisc().kind());
        assertEquals("limit 0p", dev.qdisc().params());
        ShellCommands.run(net, "tc qdisc del dev tun0 root", 3, false);
        assertNull(dev.qdisc());
        UnsupportedConstruct e = org.junit.jupiter.api.Assertions.assertThrows(UnsupportedConstruct.class,
                () -> ShellCommands.run(net, "tc qdisc add dev eth9 root fq", 4, false));
        assertTrue(e.getMessage().contains("no device eth9"), e.getMessage());
        ShellCommands.run(net, "sysctl -q net/ipv4/tcp_min_tso_segs=10", 5, false);
        assertEquals("10", net.sysctls().get("net.ipv4.tcp_min_tso_segs"));
        ShellCommands.run(net, "../common/set_sysctls.py /proc/sys/net/ipv4/tcp_min_tso_segs=4 "
                + "/proc/sys/net/ipv4/tcp_tso_rtt_log=0", 6, false);
        assertEquals("4", net.sysctls().get("net.ipv4.tcp_min_tso_segs"));
        assertEquals("0", net.sysctls().get("net.ipv4.tcp_tso_rtt_log"));
    }

    @Test
    void wordsFollowShellQuoting() {
        assertEquals(List.of("sysctl", "-q", "net.ipv4.tcp_rmem=4096 540000 15728640"),
                ShellCommands.words("sysctl -q net.ipv4.tcp_rmem=\"4096 540000 15728640\""));
        assertEquals(List.of("a", "b c"), ShellCommands.words("a 'b c' &> /dev/null"));
        assertNull(ShellCommands.words("a \"b"));
        assertNull(ShellCommands.words("a; b"));
    }

    @Test
    void hexBecomesDecimal() {
        assertEquals("459779", SysctlWriter.decimal("0x70403"));
        assertEquals("4096 87380 6291456", SysctlWriter.decimal("4096 87380 6291456"));
        assertEquals("cubic", SysctlWriter.decimal("cubic"));
    }

    @Test
    void aLenientPresetSkipsWhatTheStackLacks() {
        Outcome o = Packetdrill.run("d.pkt", "`../common/defaults.sh`\n0 socket(..., SOCK_DGRAM, IPPROTO_UDP) = 3\n",
                RunConfig.DEFAULTS.withLenientPreset(true));
        assertEquals(Outcome.passed(), o);
    }

    @Test
    void thePresetAppliesToTheStack() {
        Outcome o = Packetdrill.run("d.pkt", "`../common/defaults.sh`\n", RunConfig.DEFAULTS);
        assertEquals(Outcome.Status.PASSED, o.status(), o.message());
    }

}
