package io.jnetstack.admin;

import io.jnetstack.core.Errno;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SysctlTool} over a namespace's sysctls. */
class SysctlToolTest {
    private final Topology t = Topology.deterministic(0);

    private String sysctl(String... args) {
        return t.kernel.call(() -> SysctlTool.run(t.alpha, List.of(args)));
    }

    private AdminException fails(String... args) {
        return assertThrows(AdminException.class, () -> sysctl(args));
    }

    @Test
    void readsAndWrites() {
        assertEquals("net.ipv4.ip_forward = 0\n", sysctl("net.ipv4.ip_forward"));
        assertEquals("net.ipv4.ip_forward = 1\n", sysctl("-w", "net.ipv4.ip_forward=1"));
        assertTrue(t.kernel.call(() -> t.alpha.inet().forwarding()));
        assertEquals("net.ipv4.ip_default_ttl = 64\nnet.ipv4.ip_forward = 1\n",
                sysctl("net/ipv4/ip_default_ttl", "net.ipv4.ip_forward"));
        assertEquals("0\n", sysctl("net.ipv4.ip_forward=0", "-n"));
        assertEquals("", sysctl("-q", "-w", "net.ipv4.ip_default_ttl=32"));
        assertEquals("32\n", sysctl("-n", "net.ipv4.ip_default_ttl"));
        assertEquals("net.ipv4.ip_default_ttl\n", sysctl("-N", "net.ipv4.ip_default_ttl"));
        assertEquals("net.ipv4.ip_forward = 0\n", t.kernel.call(() -> SysctlTool.run(t.router, List.of("-w", "net.ipv4.ip_forward=0"))));
        assertEquals("net.ipv4.ip_default_ttl = 64\n", t.kernel.call(() -> SysctlTool.run(t.beta, List.of("net.ipv4.ip_default_ttl"))),
                "each namespace has its own");
    }

    @Test
    void kernelWideSettingsAndListing() {
        assertEquals("net.core.netdev_max_backlog = 1000\n", sysctl("net.core.netdev_max_backlog"));
        String all = sysctl("-a");
        assertTrue(all.contains("net.core.netdev_budget = 300\n"), all);
        assertTrue(all.contains("net.ipv4.icmp_echo_ignore_all = 0\n"), all);
        assertTrue(all.indexOf("net.core.") < all.indexOf("net.ipv4."), "sorted by name");
    }

    @Test
    void errorsAsProcpsWordsThem() {
        AdminException unknown = fails("net.ipv4.nope");
        assertEquals("sysctl: cannot stat /proc/sys/net/ipv4/nope: No such file or directory", unknown.output());
        assertEquals(Errno.ENOENT, unknown.errno());
        assertEquals(255, unknown.status());
        AdminException bad = fails("-w", "net.ipv4.ip_forward=7");
        assertEquals("sysctl: setting key \"net.ipv4.ip_forward\": Invalid argument", bad.output());
        assertEquals(Errno.EINVAL, bad.errno());
        assertEquals("sysctl: \"net.ipv4.ip_forward\" must be of the form name=value", fails("-w", "net.ipv4.ip_forward").output());
        assertEquals(Errno.EINVAL, fails().errno());
        assertEquals(Errno.EINVAL, fails("-z").errno());
    }
}
