package io.jnetstack.time;

/**
 * Real monotonic time (System.nanoTime based), nanos() starting near 0 at construction.
 *
 * <p>The counterpart of {@link VirtualClock} for running against the real world. Readings are
 * {@link System#nanoTime()} minus the value sampled when this clock was created, so two
 * {@code SystemClock} instances do not share an origin.
 */
public final class SystemClock implements Clock {

    private final long origin;

    /** Creates a clock whose readings start near 0 now. */
    public SystemClock() {
        this.origin = System.nanoTime();
    }

    /**
     * Returns nanoseconds elapsed since this clock was created.
     *
     * @return elapsed monotonic time in nanoseconds
     */
    @Override
    public long nanos() {
        return System.nanoTime() - origin;
    }

    /**
     * Describes this clock for debugging.
     *
     * @return a short description including the current reading
     */
    @Override
    public String toString() {
        return "SystemClock[" + nanos() + "ns]";
    }

    /** The system's wall clock. */
    @Override
    public long realtimeMillis() {
        return System.currentTimeMillis();
    }
}
