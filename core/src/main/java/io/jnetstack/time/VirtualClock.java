package io.jnetstack.time;

/**
 * Virtual time, advanced only by its owner. Starts at 0 unless given.
 *
 * <p>Used to run the stack deterministically: nothing moves until the owner calls
 * {@link #advanceTo(long)} or {@link #advanceBy(long)}, and time never goes back. There is a
 * single writer (the owner); other threads may read {@link #nanos()} and see the latest value.
 */
public final class VirtualClock implements Clock {

    private volatile long now;

    /** Creates a virtual clock reading 0. */
    public VirtualClock() {
        this(0L);
    }

    /**
     * Creates a virtual clock reading {@code startNanos}.
     *
     * @param startNanos the initial reading, in nanoseconds (may be negative)
     */
    public VirtualClock(long startNanos) {
        this.now = startNanos;
    }

    /**
     * Returns the current virtual time.
     *
     * @return the virtual time in nanoseconds
     */
    @Override
    public long nanos() {
        return now;
    }

    /**
     * Moves time forward to {@code t}. Moving to the current time is allowed and does nothing.
     *
     * @param t the new time in nanoseconds
     * @throws IllegalArgumentException if {@code t} is before the current time (time never goes
     *     back)
     */
    public void advanceTo(long t) {
        long current = now;
        if (t < current) {
            throw new IllegalArgumentException(
                    "virtual time cannot go back: now=" + current + " requested=" + t);
        }
        now = t;
    }

    /**
     * Moves time forward by {@code deltaNanos}.
     *
     * @param deltaNanos how far to move, in nanoseconds; must not be negative
     * @throws IllegalArgumentException if {@code deltaNanos} is negative or the result would
     *     overflow a {@code long}
     */
    public void advanceBy(long deltaNanos) {
        if (deltaNanos < 0) {
            throw new IllegalArgumentException("negative delta: " + deltaNanos);
        }
        long current = now;
        long target = current + deltaNanos;
        if (target < current) {
            throw new IllegalArgumentException(
                    "virtual time overflow: now=" + current + " delta=" + deltaNanos);
        }
        now = target;
    }

    /**
     * Describes this clock for debugging.
     *
     * @return a short description including the current time
     */
    @Override
    public String toString() {
        return "VirtualClock[" + now + "ns]";
    }
}
