package io.jnetstack.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Steady-state arming, cancelling and firing must not allocate: measured with the per-thread
 * allocation counter around a long loop, after a warm-up that lets the wheel's due heap reach its
 * final size.
 */
class TimerWheelAllocationTest {

    private static final int PAIRS = 1_000_000;
    private static final int WARMUP = 300_000;
    /** Fixed allowance for the measurement itself (e.g. the counter's own bookkeeping). */
    private static final long SLACK_BYTES = 16 * 1024;
    /** Delays covering every wheel level, the overflow list, and "already due" (due heap). */
    private static final long[] DELAYS = {
        -5, 0, 700, 3_000, 150_000, 7_000_000, 400_000_000, 30_000_000_000L,
        2_000_000_000_000L, 36_000_000_000_000L, 1L << 59,
    };

    private static ThreadMXBean allocationBean() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof ThreadMXBean, "no com.sun.management.ThreadMXBean");
        ThreadMXBean sun = (ThreadMXBean) bean;
        assumeTrue(sun.isThreadAllocatedMemorySupported(), "allocation counter unsupported");
        if (!sun.isThreadAllocatedMemoryEnabled()) {
            sun.setThreadAllocatedMemoryEnabled(true);
        }
        return sun;
    }

    private static void armCancelLoop(Timer[] timers, int pairs) {
        for (int i = 0; i < pairs; i++) {
            Timer t = timers[i & (timers.length - 1)];
            t.armAfter(DELAYS[i % DELAYS.length] + (i & 1023));
            t.cancel();
        }
    }

    @Test
    void armAndCancelDoNotAllocate() {
        ThreadMXBean bean = allocationBean();
        VirtualClock clock = new VirtualClock(5_000_000_000L);
        TimerWheel wheel = new TimerWheel(clock);
        Runnable noop = () -> { };
        Timer[] timers = new Timer[64];
        for (int i = 0; i < timers.length; i++) {
            timers[i] = wheel.newTimer("a" + i, noop);
        }
        // Background population, left pending, so lists and heap are never trivially empty.
        Timer[] background = new Timer[256];
        for (int i = 0; i < background.length; i++) {
            background[i] = wheel.newTimer("b" + i, noop);
            background[i].armAfter(DELAYS[i % DELAYS.length] + i);
        }
        wheel.nextExpiry();
        armCancelLoop(timers, WARMUP);
        bean.getCurrentThreadAllocatedBytes();

        long before = bean.getCurrentThreadAllocatedBytes();
        armCancelLoop(timers, PAIRS);
        long allocated = bean.getCurrentThreadAllocatedBytes() - before;

        assertEquals(background.length, wheel.pendingCount());
        assertTrue(allocated < PAIRS + SLACK_BYTES,
                "arm/cancel allocated " + allocated + " bytes over " + PAIRS + " pairs");
    }

    @Test
    void periodicFiringDoesNotAllocate() {
        ThreadMXBean bean = allocationBean();
        VirtualClock clock = new VirtualClock();
        TimerWheel wheel = new TimerWheel(clock);
        Timer[] timers = new Timer[128];
        long[] fires = {0};
        for (int i = 0; i < timers.length; i++) {
            final int id = i;
            final long period = 1_000 + 7_919L * i;
            timers[i] = wheel.newTimer("p" + i, () -> {
                fires[0]++;
                timers[id].arm(timers[id].expires() + period);
            });
            timers[i].arm(period);
        }
        runIdleLoop(clock, wheel, WARMUP);
        bean.getCurrentThreadAllocatedBytes();

        long firesBefore = fires[0];
        long before = bean.getCurrentThreadAllocatedBytes();
        runIdleLoop(clock, wheel, PAIRS);
        long allocated = bean.getCurrentThreadAllocatedBytes() - before;

        assertTrue(fires[0] - firesBefore >= PAIRS, "loop did not fire enough");
        assertTrue(allocated < PAIRS + SLACK_BYTES,
                "firing allocated " + allocated + " bytes over " + PAIRS + " steps");
    }

    /** The virtual-time idle loop: jump to the next expiry, fire what is due. */
    private static void runIdleLoop(VirtualClock clock, TimerWheel wheel, int steps) {
        for (int i = 0; i < steps; i++) {
            clock.advanceTo(wheel.nextExpiry());
            wheel.runExpired(clock.nanos());
        }
    }
}
