package io.jnetstack.packetdrill;

/**
 * The time column of an event.
 *
 * @param kind  which form the column takes
 * @param start the time, or the start of a range or a blocking call; null for NONE and ANY
 * @param end   the end of a range or blocking call; null otherwise
 */
public record TimeSpec(Kind kind, Moment start, Moment end) {

    /** An event without a time column (a leading shell or code block). */
    public static final TimeSpec NONE = new TimeSpec(Kind.NONE, null, null);

    /** {@code *}: at any time. */
    public static final TimeSpec ANY = new TimeSpec(Kind.ANY, null, null);

    /** The column's forms. */
    public enum Kind {
        /** No time column. */
        NONE,
        /** {@code *}. */
        ANY,
        /** {@code 0.1} or {@code +0.1}. */
        POINT,
        /** {@code 0.1~0.2}: at some time within the range. */
        RANGE,
        /** {@code 0.1...0.2}: a system call that starts at the first time and returns at the second. */
        BLOCKING
    }

    /**
     * One time value.
     *
     * @param relative whether it was written with {@code +} (relative to the previous event)
     * @param micros   the value in microseconds
     * @param text     the value as written, without the {@code +}
     */
    public record Moment(boolean relative, long micros, String text) { }
}
