package io.jnetstack.admin;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** The counters of one {@link Ping} run and its statistics lines, as iputils prints them. */
final class PingStats {
    /** Payloads shorter than this carry no timestamp in iputils, which then shows no times. */
    static final int TIMED_SIZE = 16;

    long transmitted;
    long received;
    long duplicates;
    long errors;
    long min = Long.MAX_VALUE;
    long max;
    /** Sums of round trips and of their squares, in microseconds, for the mean deviation. */
    private double sumUs;
    private double sum2Us;

    /** Counts a first reply with round trip {@code rttNanos}. */
    void reply(long rttNanos) {
        received++;
        min = Math.min(min, rttNanos);
        max = Math.max(max, rttNanos);
        double us = rttNanos / 1000.0;
        sumUs += us;
        sum2Us += us * us;
    }

    /**
     * The statistics block: a blank line, {@code --- DST ping statistics ---}, the counts and, when
     * replies came and {@code timed}, the round-trip line.
     */
    String summary(String dst, long elapsedMs, boolean timed) {
        StringBuilder sb = new StringBuilder("\n--- ").append(dst).append(" ping statistics ---\n");
        sb.append(transmitted).append(" packets transmitted, ").append(received).append(" received");
        if (duplicates > 0) {
            sb.append(", +").append(duplicates).append(" duplicates");
        }
        if (errors > 0) {
            sb.append(", +").append(errors).append(" errors");
        }
        if (transmitted > 0) {
            sb.append(", ").append(loss()).append("% packet loss");
        }
        sb.append(", time ").append(elapsedMs).append("ms\n");
        if (received > 0 && timed) {
            double avg = sumUs / received;
            double mdev = Math.sqrt(Math.max(0, sum2Us / received - avg * avg));
            sb.append("rtt min/avg/max/mdev = ").append(ms(min / 1000.0)).append('/').append(ms(avg)).append('/')
                    .append(ms(max / 1000.0)).append('/').append(ms(mdev)).append(" ms\n");
        }
        return sb.toString();
    }

    /** The loss in percent with up to six significant digits, as C's {@code %g}: 0, 100, 33.3333. */
    String loss() {
        double pct = (transmitted - received) * 100.0 / transmitted;
        return new BigDecimal(pct).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    /** Microseconds as milliseconds with three decimals. */
    private static String ms(double us) {
        return String.format(Locale.ROOT, "%.3f", us / 1000.0);
    }

    /**
     * A round trip as iputils prints it after {@code time=}: three decimals below 1 ms, two below
     * 10 ms, one below 100 ms, none above.
     */
    static String formatRtt(long nanos) {
        double ms = nanos / 1e6;
        if (ms >= 100) {
            return Long.toString(Math.round(ms));
        }
        return String.format(Locale.ROOT, ms >= 10 ? "%.1f" : ms >= 1 ? "%.2f" : "%.3f", ms);
    }
}
