package io.jnetstack.time;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SystemClockTest {

    @Test
    void startsAtOrAboveZeroAndNeverGoesBack() {
        SystemClock clock = new SystemClock();
        long previous = clock.nanos();
        assertTrue(previous >= 0, "reading before the origin: " + previous);
        for (int i = 0; i < 10_000; i++) {
            long now = clock.nanos();
            assertTrue(now >= previous, "went back from " + previous + " to " + now);
            previous = now;
        }
    }
}
