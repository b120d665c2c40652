package io.jnetstack.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TimerWheelTest {

    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;
    private static final long SEC = 1_000_000_000L;
    private static final long HOUR = 3_600 * SEC;

    private final VirtualClock clock = new VirtualClock();
    private final TimerWheel wheel = new TimerWheel(clock);
    /** Names of fired timers, each with the expiry it fired for. */
    private final List<String> fired = new ArrayList<>();

    private Timer recording(String name) {
        Timer[] self = new Timer[1];
        self[0] = wheel.newTimer(name, () -> {
            assertFalse(self[0].pending(), "action must run with its timer not pending");
            fired.add(name + "@" + self[0].expires());
        });
        return self[0];
    }

    private int advanceAndRun(long to) {
        clock.advanceTo(to);
        int n = wheel.runExpired(to);
        wheel.checkInvariants();
        return n;
    }

    @Test
    void firesInExpiryOrderAcrossLevels() {
        long[] expiries = {2 * HOUR + 3, 7 * US, 1, 3 * MS + 1, 90 * SEC, 3 * MS, 65 * US, 20 * HOUR};
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < expiries.length; i++) {
            recording("t" + i).arm(expiries[i]);
        }
        long[] sorted = expiries.clone();
        java.util.Arrays.sort(sorted);
        for (long e : sorted) {
            for (int i = 0; i < expiries.length; i++) {
                if (expiries[i] == e) {
                    expected.add("t" + i + "@" + e);
                }
            }
        }
        assertEquals(expiries.length, wheel.pendingCount());
        assertEquals(expiries.length, advanceAndRun(21 * HOUR));
        assertEquals(expected, fired);
        assertEquals(0, wheel.pendingCount());
    }

    @Test
    void equalExpiriesFireInArmingOrder() {
        Timer[] timers = new Timer[20];
        for (int i = 0; i < timers.length; i++) {
            timers[i] = recording("t" + i);
        }
        long at = 5 * MS + 17;
        int[] armOrder = {13, 2, 19, 0, 7, 11, 4, 16, 1, 9, 18, 3, 6, 15, 10, 5, 12, 8, 17, 14};
        for (int i : armOrder) {
            timers[i].arm(at);
        }
        timers[2].arm(at); // re-arming at the same time makes it the latest armed
        List<String> expected = new ArrayList<>();
        for (int i : armOrder) {
            if (i != 2) {
                expected.add("t" + i + "@" + at);
            }
        }
        expected.add("t2@" + at);
        assertEquals(20, advanceAndRun(6 * MS));
        assertEquals(expected, fired);
    }

    @Test
    void sameTickDifferentNanosAreSortedExactly() {
        long base = 40 * MS; // tick-aligned region: several expiries inside one 1024 ns tick
        long[] expiries = {base + 1000, base + 3, base + 500, base + 1, base + 999, base + 2};
        for (int i = 0; i < expiries.length; i++) {
            recording("t" + i).arm(expiries[i]);
        }
        assertEquals(base + 1, wheel.nextExpiry());
        assertEquals(2, advanceAndRun(base + 2));
        assertEquals(List.of("t3@" + (base + 1), "t5@" + (base + 2)), fired);
        assertEquals(base + 3, wheel.nextExpiry());
        assertEquals(4, advanceAndRun(base + 1000));
        assertEquals(List.of("t3@" + (base + 1), "t5@" + (base + 2), "t1@" + (base + 3),
                "t2@" + (base + 500), "t4@" + (base + 999), "t0@" + (base + 1000)), fired);
    }

    @Test
    void neverFiresEarlyAtAnyDistance() {
        long[] delays = {1, 1023, 1024, 1025, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 5 * MS + 3,
            (1L << 28) + 7, 3 * SEC, 17 * 60 * SEC + 9, 5 * HOUR + 1, 70 * 24 * HOUR, (1L << 58) + 12345};
        for (long delay : delays) {
            Timer t = recording("d" + delay);
            long start = clock.nanos();
            t.arm(start + delay);
            // Walk towards the expiry in a few uneven steps, each must leave it pending.
            long[] fractions = {delay / 3, delay / 2, delay - delay / 7, delay - 1};
            for (long f : fractions) {
                if (f < delay && start + f > clock.nanos()) {
                    assertEquals(0, advanceAndRun(start + f), "fired early, delay " + delay);
                    assertTrue(t.pending());
                    assertEquals(start + delay, wheel.nextExpiry());
                }
            }
            assertEquals(1, advanceAndRun(start + delay), "did not fire on time, delay " + delay);
            assertFalse(t.pending());
        }
        assertEquals(delays.length, fired.size());
    }

    @Test
    void cancelAndRearm() {
        Timer a = recording("a");
        Timer b = recording("b");
        assertFalse(a.cancel(), "cancelling an idle timer");
        a.arm(10 * MS);
        b.arm(20 * MS);
        assertTrue(a.pending());
        assertEquals(2, wheel.pendingCount());
        assertTrue(a.cancel());
        assertFalse(a.pending());
        assertFalse(a.cancel(), "second cancel");
        assertEquals(1, wheel.pendingCount());
        assertEquals(20 * MS, wheel.nextExpiry());
        assertEquals(0, advanceAndRun(15 * MS));
        a.arm(18 * MS);
        b.arm(16 * MS); // moving a pending timer earlier
        assertEquals(2, wheel.pendingCount());
        assertEquals(16 * MS, wheel.nextExpiry());
        assertEquals(1, advanceAndRun(17 * MS));
        a.arm(3 * HOUR); // moving a pending timer later
        assertEquals(0, advanceAndRun(2 * HOUR));
        assertEquals(1, advanceAndRun(3 * HOUR));
        assertEquals(List.of("b@" + 16 * MS, "a@" + 3 * HOUR), fired);
        assertEquals(3 * HOUR, a.expires(), "expires() stays readable after firing");
    }

    @Test
    void cancelOfAPulledTimer() {
        Timer a = recording("a");
        Timer b = recording("b");
        a.arm(2 * HOUR);
        b.arm(2 * HOUR + 5);
        assertEquals(2 * HOUR, wheel.nextExpiry()); // moves their slot to the due heap
        assertTrue(a.cancel());
        assertEquals(2 * HOUR + 5, wheel.nextExpiry());
        Timer c = recording("c");
        c.arm(MS); // armed after the pull, earlier than both
        assertEquals(MS, wheel.nextExpiry());
        assertEquals(2, advanceAndRun(3 * HOUR));
        assertEquals(List.of("c@" + MS, "b@" + (2 * HOUR + 5)), fired);
    }

    @Test
    void periodicTimerRearmsFromItsActionAndCatchesUpInOneCall() {
        List<Long> seen = new ArrayList<>();
        Timer[] self = new Timer[1];
        self[0] = wheel.newTimer("tick", () -> {
            assertFalse(self[0].pending());
            seen.add(self[0].expires());
            self[0].arm(self[0].expires() + MS);
            assertTrue(self[0].pending());
        });
        self[0].arm(MS);
        assertEquals(10, advanceAndRun(10 * MS + 999));
        List<Long> expected = new ArrayList<>();
        for (long i = 1; i <= 10; i++) {
            expected.add(i * MS);
        }
        assertEquals(expected, seen);
        assertEquals(11 * MS, wheel.nextExpiry());
    }

    @Test
    void timerArmedByAnActionFiresInOrderWithinTheSameCall() {
        Timer c = recording("c");
        Timer a = wheel.newTimer("a", () -> {
            fired.add("a");
            c.arm(2 * MS); // earlier than b, already due
        });
        Timer b = recording("b");
        a.arm(5 * MS);
        b.arm(6 * MS);
        assertEquals(3, advanceAndRun(10 * MS));
        assertEquals(List.of("a", "c@" + 2 * MS, "b@" + 6 * MS), fired);
    }

    @Test
    void actionMayCancelAnotherDueTimer() {
        Timer b = recording("b");
        Timer a = wheel.newTimer("a", () -> {
            fired.add("a");
            assertTrue(b.cancel());
        });
        a.arm(MS);
        b.arm(MS);
        assertEquals(1, advanceAndRun(2 * MS));
        assertEquals(List.of("a"), fired);
        assertEquals(0, wheel.pendingCount());
    }

    @Test
    void nextExpiryIsExactAcrossLevels() {
        assertEquals(Long.MAX_VALUE, wheel.nextExpiry());
        long[] expiries = {3, 1_000_003, 70_000_001, 5 * SEC + 7, 2 * HOUR + 11, 200 * 24 * HOUR + 1,
            (1L << 59) + 5};
        Timer[] timers = new Timer[expiries.length];
        for (int i = expiries.length - 1; i >= 0; i--) {
            timers[i] = recording("t" + i);
            timers[i].arm(expiries[i]);
        }
        // Cancel from the front: each time the next one must be reported to the nanosecond.
        for (int i = 0; i < expiries.length; i++) {
            assertEquals(expiries[i], wheel.nextExpiry());
            timers[i].cancel();
            wheel.checkInvariants();
        }
        assertEquals(Long.MAX_VALUE, wheel.nextExpiry());
        // Re-arm all and jump idle-style from one expiry to the next.
        for (int i = 0; i < expiries.length; i++) {
            timers[i].arm(expiries[i]);
        }
        for (long e : expiries) {
            long next = wheel.nextExpiry();
            assertEquals(e, next);
            assertEquals(0, advanceAndRun(next - 1));
            assertEquals(1, advanceAndRun(next));
        }
        assertEquals(Long.MAX_VALUE, wheel.nextExpiry());
    }

    @Test
    void farJumpOf24Hours() {
        long day = 24 * HOUR;
        long[] expiries = {MS, 90 * 60 * SEC, day - 1, day, day + 1, 30 * HOUR};
        for (int i = 0; i < expiries.length; i++) {
            recording("t" + i).arm(expiries[i]);
        }
        assertEquals(4, advanceAndRun(day));
        assertEquals(List.of("t0@" + MS, "t1@" + 90 * 60 * SEC, "t2@" + (day - 1), "t3@" + day), fired);
        assertEquals(2, wheel.pendingCount());
        assertEquals(day + 1, wheel.nextExpiry());
        assertEquals(2, advanceAndRun(2 * day));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS) // a tick-by-tick walk would take centuries
    void jumpOverCenturiesSkipsEmptySpans() {
        long year = 365 * 24 * HOUR;
        long[] expiries = {US, year, 100 * year, 250 * year, Long.MAX_VALUE - 1};
        for (int i = 0; i < expiries.length; i++) {
            recording("t" + i).arm(expiries[i]);
        }
        assertEquals(4, advanceAndRun(Long.MAX_VALUE - 2));
        assertEquals(Long.MAX_VALUE - 1, wheel.nextExpiry());
        assertEquals(1, advanceAndRun(Long.MAX_VALUE));
        assertEquals(expiries.length, fired.size());
    }

    @Test
    void pastExpiryFiresOnNextRun() {
        clock.advanceTo(10 * SEC);
        wheel.runExpired(clock.nanos());
        Timer t = recording("late");
        t.arm(3 * SEC);
        assertEquals(3 * SEC, wheel.nextExpiry());
        assertEquals(1, wheel.runExpired(clock.nanos()));
        assertEquals(List.of("late@" + 3 * SEC), fired);
    }

    @Test
    void negativeTimesAndCrossingZero() {
        VirtualClock negative = new VirtualClock(-3 * SEC);
        TimerWheel w = new TimerWheel(negative);
        List<Long> order = new ArrayList<>();
        long[] expiries = {SEC, -SEC, 0, -1, -3 * SEC + 1, 7 * HOUR};
        for (long e : expiries) {
            w.newTimer("n" + e, () -> order.add(e)).arm(e);
        }
        w.checkInvariants();
        assertEquals(-3 * SEC + 1, w.nextExpiry());
        negative.advanceTo(SEC);
        assertEquals(5, w.runExpired(SEC));
        w.checkInvariants();
        assertEquals(List.of(-3 * SEC + 1, -SEC, -1L, 0L, SEC), order);
        assertEquals(7 * HOUR, w.nextExpiry());
    }

    @Test
    void selfRearmingAtNowIsBoundedPerCall() {
        Timer[] self = new Timer[1];
        int[] runs = {0};
        self[0] = wheel.newTimer("spin", () -> {
            runs[0]++;
            self[0].arm(clock.nanos());
        });
        self[0].arm(0);
        assertEquals(TimerWheel.MAX_FIRED_PER_RUN, wheel.runExpired(0));
        assertEquals(TimerWheel.MAX_FIRED_PER_RUN, runs[0]);
        assertTrue(self[0].pending(), "still due, left for the next call");
    }

    @Test
    void runExpiredFromAnActionIsRefused() {
        Timer t = wheel.newTimer("nested", () -> wheel.runExpired(clock.nanos()));
        t.arm(0);
        assertThrows(IllegalStateException.class, () -> wheel.runExpired(0));
        assertFalse(t.pending());
        assertEquals(0, wheel.runExpired(0), "the wheel must be usable after the failure");
    }

    @Test
    void armAfterIsRelativeToTheClockAndSaturates() {
        clock.advanceTo(5_000);
        Timer t = recording("t");
        t.armAfter(100);
        assertEquals(5_100, t.expires());
        t.armAfter(Long.MAX_VALUE);
        assertEquals(Long.MAX_VALUE, t.expires());
        t.armAfter(-10_000);
        assertEquals(-5_000, t.expires());
        assertEquals(1, wheel.runExpired(5_000));
    }

    @Test
    void namesAndToString() {
        Timer t = recording("retransmit");
        assertEquals("retransmit", t.name());
        assertEquals(0, t.expires());
        assertTrue(t.toString().contains("retransmit"));
        t.arm(42);
        assertTrue(t.toString().contains("42"));
        assertEquals(clock, wheel.clock());
    }
}
