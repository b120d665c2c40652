package io.jnetstack.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Drives a {@link TimerWheel} with a long seeded random sequence of arm, cancel, advance and
 * idle-jump operations, and checks every firing, in lock step, against a plain ordered-set model:
 * the model's smallest (expiry, arming sequence) entry must be exactly the timer that fires, no
 * timer may fire before its expiry, and after each run nothing due may be left.
 */
class TimerWheelRandomizedTest {

    private static final int OPERATIONS = 200_000;
    private static final int TIMERS = 512;
    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;
    private static final long TEN_HOURS = 36_000_000_000_000L;

    /** One pending timer in the model. */
    private record Entry(long expires, long seq, int id) { }

    /** The wheel under test, the model, and the random source shared by driver and actions. */
    private static final class Run {
        final VirtualClock clock;
        final TimerWheel wheel;
        final SplittableRandom rng;
        final Timer[] timers = new Timer[TIMERS];
        final TreeSet<Entry> model = new TreeSet<>(
                Comparator.comparingLong(Entry::expires).thenComparingLong(Entry::seq));
        final Entry[] byId = new Entry[TIMERS];
        final long[] recentExpiries = new long[16];
        long modelSeq;
        long now;
        int firedThisRun;
        long firedTotal;
        long firedInSameCallAsArmed;
        boolean quiet;

        Run(long seed, long start) {
            clock = new VirtualClock(start);
            wheel = new TimerWheel(clock);
            rng = new SplittableRandom(seed);
            now = start;
            java.util.Arrays.fill(recentExpiries, start);
            for (int i = 0; i < TIMERS; i++) {
                final int id = i;
                timers[i] = wheel.newTimer("r" + i, () -> onFire(id));
            }
        }

        void arm(int id, long expires) {
            Entry old = byId[id];
            if (old != null) {
                model.remove(old);
            }
            Entry e = new Entry(expires, ++modelSeq, id);
            byId[id] = e;
            model.add(e);
            timers[id].arm(expires);
            assertTrue(timers[id].pending());
            assertEquals(expires, timers[id].expires());
        }

        void cancel(int id) {
            Entry old = byId[id];
            if (old != null) {
                model.remove(old);
                byId[id] = null;
            }
            assertEquals(old != null, timers[id].cancel(), "cancel() result for r" + id);
            assertFalse(timers[id].pending());
        }

        long modelNext() {
            return model.isEmpty() ? Long.MAX_VALUE : model.first().expires();
        }

        void run() {
            now = clock.nanos();
            firedThisRun = 0;
            int n = wheel.runExpired(now);
            assertEquals(firedThisRun, n, "runExpired() count");
            assertTrue(modelNext() > now, "a due timer was left unfired at " + now);
            assertEquals(model.size(), wheel.pendingCount());
        }

        void onFire(int id) {
            Entry expected = model.pollFirst();
            assertNotNull(expected, "fired r" + id + " with nothing pending in the model");
            assertEquals(expected.id(), id, "wrong timer fired at " + now + ", expected " + expected);
            assertEquals(expected.expires(), timers[id].expires());
            assertTrue(expected.expires() <= now, "fired early: " + expected + " at " + now);
            assertFalse(timers[id].pending(), "pending inside its own action");
            byId[id] = null;
            firedThisRun++;
            firedTotal++;
            if (!quiet) {
                sideEffects(id);
            }
        }

        /** What an action may do: re-arm itself (maybe already due), touch others, ask the wheel. */
        private void sideEffects(int id) {
            int r = rng.nextInt(100);
            if (r < 15) {
                long expires = now - rng.nextLong(3 * US) + rng.nextLong(5 * US);
                if (expires <= now) {
                    firedInSameCallAsArmed++;
                }
                arm(id, expires);
            } else if (r < 22) {
                cancel(rng.nextInt(TIMERS));
            } else if (r < 30) {
                arm(rng.nextInt(TIMERS), pickExpiry());
            } else if (r < 33) {
                assertEquals(modelNext(), wheel.nextExpiry(), "nextExpiry() inside an action");
            }
        }

        long pickExpiry() {
            int r = rng.nextInt(100);
            long e;
            if (r < 5) {
                e = now - rng.nextLong(10 * MS); // already due
            } else if (r < 15) {
                e = recentExpiries[rng.nextInt(recentExpiries.length)]; // deliberate ties
            } else if (r < 25) {
                e = now + rng.nextLong(4_096); // same or neighbouring ticks
            } else {
                e = now + logUniform(US, TEN_HOURS);
            }
            recentExpiries[rng.nextInt(recentExpiries.length)] = e;
            return e;
        }

        long pickAdvance() {
            int r = rng.nextInt(100);
            if (r < 60) {
                return logUniform(1, MS);
            } else if (r < 90) {
                return logUniform(MS, 60_000 * MS);
            }
            return logUniform(60_000 * MS, TEN_HOURS);
        }

        long logUniform(long lo, long hi) {
            return (long) Math.exp(rng.nextDouble(Math.log(lo), Math.log(hi)));
        }

        void step() {
            int r = rng.nextInt(100);
            if (r < 45) {
                arm(rng.nextInt(TIMERS), pickExpiry());
            } else if (r < 58) {
                cancel(rng.nextInt(TIMERS));
            } else if (r < 64) {
                long next = wheel.nextExpiry(); // idle: jump straight to the next expiry
                assertEquals(modelNext(), next, "nextExpiry()");
                if (next != Long.MAX_VALUE && next > clock.nanos()) {
                    clock.advanceTo(next);
                }
                int before = model.size();
                run();
                assertTrue(next == Long.MAX_VALUE || firedThisRun > 0 || before == 0,
                        "jumping to nextExpiry() fired nothing");
            } else if (r < 82) {
                clock.advanceBy(pickAdvance());
                run();
            } else if (r < 92) {
                assertEquals(modelNext(), wheel.nextExpiry(), "nextExpiry()");
                assertEquals(model.size(), wheel.pendingCount());
            } else {
                int id = rng.nextInt(TIMERS);
                assertEquals(byId[id] != null, timers[id].pending(), "pending() of r" + id);
                if (byId[id] != null) {
                    assertEquals(byId[id].expires(), timers[id].expires());
                }
            }
        }

        void drain() {
            quiet = true;
            while (wheel.pendingCount() > 0) {
                long next = wheel.nextExpiry();
                assertEquals(modelNext(), next);
                clock.advanceTo(Math.max(next, clock.nanos()));
                run();
            }
            assertTrue(model.isEmpty());
            assertEquals(Long.MAX_VALUE, wheel.nextExpiry());
        }
    }

    @ParameterizedTest(name = "seed {0}, start {1} ns")
    @CsvSource({
        "1, 0",
        "2, -7200000000000",      // starts 2 h before zero: the sign change is crossed
        "3, 288226776151711744",  // 1 h before 2^58 ns: crosses a whole-wheel span (overflow)
        "4, 123456789",
    })
    void matchesReferenceModel(long seed, long start) {
        Run run = new Run(seed, start);
        for (int op = 0; op < OPERATIONS; op++) {
            run.step();
            if (op % 101 == 0) {
                run.wheel.checkInvariants();
            }
        }
        run.wheel.checkInvariants();
        run.drain();
        run.wheel.checkInvariants();
        // The run must have been meaningful, not vacuous.
        assertTrue(run.firedTotal > 40_000, "fired only " + run.firedTotal);
        assertTrue(run.firedInSameCallAsArmed > 1_000, "few same-call firings: "
                + run.firedInSameCallAsArmed);
        assertTrue(run.clock.nanos() - start > 24 * 3_600_000 * MS, "virtual time barely moved");
    }
}
