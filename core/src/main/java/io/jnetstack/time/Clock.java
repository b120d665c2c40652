package io.jnetstack.time;

/**
 * A source of monotonic time in nanoseconds.
 *
 * <p>Plays the role of the kernel's monotonic clock ({@code ktime_get()}): values only ever
 * increase (or stay equal) and have no relation to the wall-clock date. Only differences between
 * two readings are meaningful.
 */
public interface Clock {

    /**
     * Returns the current time.
     *
     * @return monotonic time in nanoseconds; never smaller than an earlier reading of this clock
     */
    long nanos();

    /**
     * Wall-clock time in milliseconds since the Unix epoch ({@code CLOCK_REALTIME}), for the few
     * protocol fields that carry the time of day (ICMP timestamps, RFC 792). A virtual clock
     * starts its day at the epoch and runs with virtual time.
     */
    default long realtimeMillis() {
        return nanos() / 1_000_000L;
    }
}
