package io.jnetstack.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VirtualClockTest {

    @Test
    void startsAtZeroOrAtTheGivenTime() {
        assertEquals(0L, new VirtualClock().nanos());
        assertEquals(-42L, new VirtualClock(-42L).nanos());
        assertEquals(7_000L, new VirtualClock(7_000L).nanos());
    }

    @Test
    void advancesOnlyWhenTold() {
        VirtualClock clock = new VirtualClock(100);
        assertEquals(100, clock.nanos());
        assertEquals(100, clock.nanos());
        clock.advanceTo(250);
        assertEquals(250, clock.nanos());
        clock.advanceBy(50);
        assertEquals(300, clock.nanos());
        clock.advanceTo(300); // standing still is allowed
        clock.advanceBy(0);
        assertEquals(300, clock.nanos());
    }

    @Test
    void refusesToGoBack() {
        VirtualClock clock = new VirtualClock(1_000);
        assertThrows(IllegalArgumentException.class, () -> clock.advanceTo(999));
        assertThrows(IllegalArgumentException.class, () -> clock.advanceBy(-1));
        assertEquals(1_000, clock.nanos(), "a refused move must leave time unchanged");
    }

    @Test
    void refusesToOverflow() {
        VirtualClock clock = new VirtualClock(Long.MAX_VALUE - 5);
        assertThrows(IllegalArgumentException.class, () -> clock.advanceBy(6));
        assertEquals(Long.MAX_VALUE - 5, clock.nanos());
        clock.advanceBy(5);
        assertEquals(Long.MAX_VALUE, clock.nanos());
    }

    @Test
    void toStringShowsTime() {
        assertTrue(new VirtualClock(1234).toString().contains("1234"));
    }
}
