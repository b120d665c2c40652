package io.jnetstack.core;

import io.jnetstack.time.Timer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class KernelTest {

    @Test
    void idleVirtualTimeJumpsToTheNextTimer() {
        Kernel k = Kernel.deterministic(1);
        List<Long> fired = new ArrayList<>();
        Timer t = k.timers().newTimer("t", () -> fired.add(k.clock().nanos()));
        t.arm(3_600_000_000_000L); // one hour
        k.runUntilIdle(Long.MAX_VALUE / 2);
        assertEquals(List.of(3_600_000_000_000L), fired);
        assertEquals(3_600_000_000_000L, k.clock().nanos());
    }

    @Test
    void runForEndsExactlyAtTheDeadline() {
        Kernel k = Kernel.deterministic(1);
        List<Long> fired = new ArrayList<>();
        Timer[] t = new Timer[1];
        t[0] = k.timers().newTimer("periodic", () -> {
            fired.add(k.clock().nanos());
            t[0].armAfter(10_000_000);
        });
        t[0].armAfter(10_000_000);
        k.runFor(55_000_000);
        assertEquals(List.of(10_000_000L, 20_000_000L, 30_000_000L, 40_000_000L, 50_000_000L), fired);
        assertEquals(55_000_000L, k.clock().nanos());
        assertTrue(k.runUntil(() -> fired.size() == 7, 1_000_000_000L));
        assertEquals(70_000_000L, k.clock().nanos());
    }

    @Test
    void randomnessIsDerivedFromTheSeedAndThePurpose() {
        long x1 = Kernel.deterministic(42).random("netem veth0").nextLong();
        long x2 = Kernel.deterministic(42).random("netem veth0").nextLong();
        long y = Kernel.deterministic(42).random("netem veth1").nextLong();
        long z = Kernel.deterministic(43).random("netem veth0").nextLong();
        assertEquals(x1, x2);
        assertNotEquals(x1, y);
        assertNotEquals(x1, z);
    }

    @Test
    void namespacesAreIndependentAndStartWithLoopback() {
        Kernel k = Kernel.deterministic(1);
        Net a = k.newNet("a");
        Net b = k.newNet("b");
        assertNotSame(a.loopback(), b.loopback());
        assertEquals(1, a.devices().size());
        assertFalse(a.loopback().isUp(), "lo starts down, as in a new Linux namespace");
        ErrnoException e = assertThrows(ErrnoException.class, () -> k.newNet("a"));
        assertEquals(Errno.EEXIST, e.errno());
        a.sysctls().set("net.core.netdev_max_backlog", "10");
        assertEquals("10", b.sysctls().get("net.core.netdev_max_backlog"), "net.core is kernel-wide");
        ErrnoException bad = assertThrows(ErrnoException.class, () -> a.sysctls().set("net.core.netdev_budget", "x"));
        assertEquals(Errno.EINVAL, bad.errno());
        assertEquals(Errno.ENOENT, assertThrows(ErrnoException.class, () -> a.sysctls().get("net.core.nope")).errno());
    }

    @Test
    void deviceNamesAreCheckedAndUnique() {
        Kernel k = Kernel.deterministic(1);
        Net a = k.newNet("a");
        Net b = k.newNet("b");
        io.jnetstack.link.Veth.createPair(a, "v0", b, "v1");
        assertEquals(Errno.EEXIST, assertThrows(ErrnoException.class,
                () -> io.jnetstack.link.Veth.createPair(a, "v0", b, "v2")).errno());
        assertNull(b.device("v2"), "a failed pair leaves nothing behind");
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class,
                () -> io.jnetstack.link.Veth.createPair(a, "a-name-longer-than-15", b, "v3")).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> a.device("v0").setMtu(67)).errno());
    }

    @Test
    void backlogOverflowIsCountedAsCpuBacklogDrops() {
        Kernel k = Kernel.deterministic(1);
        Net a = k.newNet("a");
        a.sysctls().set("net.core.netdev_max_backlog", "5");
        a.loopback().up();
        List<Integer> got = new ArrayList<>();
        a.addProtocol(Frames.ETH_P_TEST, (skb, dev) -> {
            got.add(Frames.seq(skb));
            skb.free();
        });
        k.softnet().bhDisable();
        for (int i = 0; i < 8; i++) {
            Dev.queueXmit(Frames.frame(a.loopback(), io.jnetstack.wire.MacAddress.ZERO, Frames.ETH_P_TEST, 60, i));
        }
        k.softnet().bhEnable();
        assertEquals(List.of(0, 1, 2, 3, 4), got);
        assertEquals(3, a.drops(DropReason.CPU_BACKLOG));
        assertEquals(3, k.softnet().dropped);
        assertEquals(3, a.loopback().stats().rxDropped);
    }

    @Test
    void softirqRestartsAreBoundedAndTheRestWaitsForKsoftirqd() {
        Kernel k = Kernel.deterministic(1);
        Net a = k.newNet("a");
        a.sysctls().set("net.core.netdev_budget", "5");
        a.sysctls().set("net.core.dev_weight", "5");
        a.loopback().up();
        List<Integer> got = new ArrayList<>();
        a.addProtocol(Frames.ETH_P_TEST, (skb, dev) -> {
            got.add(Frames.seq(skb));
            skb.free();
        });
        k.softnet().bhDisable();
        for (int i = 0; i < 200; i++) {
            Dev.queueXmit(Frames.frame(a.loopback(), io.jnetstack.wire.MacAddress.ZERO, Frames.ETH_P_TEST, 60, i));
        }
        k.softnet().bhEnable();
        assertEquals(50, got.size(), "10 restarts of a 5-frame budget run inline");
        assertTrue(k.softnet().pending());
        k.runPending();
        assertEquals(200, got.size());
        assertEquals(200, k.softnet().processed);
    }

    @Test
    void realTimeKernelFiresTimersOnItsOwnThread() throws Exception {
        try (Kernel k = Kernel.realtime()) {
            CountDownLatch done = new CountDownLatch(1);
            k.run(() -> k.timers().newTimer("rt", done::countDown).armAfter(5_000_000));
            assertTrue(done.await(30, TimeUnit.SECONDS), "the timer thread fires armed timers");
            assertThrows(IllegalStateException.class, () -> k.runFor(1));
        }
    }
}
