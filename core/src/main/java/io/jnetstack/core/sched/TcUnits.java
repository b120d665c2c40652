package io.jnetstack.core.sched;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Numbers with units as {@code tc(8)} reads and prints them: times ("50ms"), rates ("10mbit",
 * "125kbps"), sizes ("10kb") and percentages ("0.1%"). Printing is exact (the shortest decimal
 * that parses back to the same value) rather than tc's three significant digits, so a
 * configuration's text form round-trips.
 *
 * <p>Units follow tc(8): times {@code s, sec, ms, msec, us, usec, ns, nsec} (a bare number is
 * microseconds); rates {@code bit, kbit, mbit, gbit, tbit} (decimal, bits per second; a bare
 * number is bits per second), {@code kibit, mibit, gibit, tibit} (binary), and {@code bps, kbps,
 * mbps, gbps, tbps} (bytes per second); sizes {@code b} (or bare), {@code kb/k, mb/m, gb/g}
 * (binary bytes) and {@code kbit, mbit, gbit} (binary bits); percentages with or without "%".
 */
final class TcUnits {
    private TcUnits() {}

    static final long NS_PER_US = 1_000L;
    static final long NS_PER_MS = 1_000_000L;
    static final long NS_PER_S = 1_000_000_000L;

    // ---------------------------------------------------------------- time

    /** Parses a tc time ("50ms", "1.5s", "200us", "100"), in nanoseconds. */
    static long parseTime(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        int split = numberEnd(lower);
        String unit = lower.substring(split);
        long scale = switch (unit) {
            case "s", "sec", "secs" -> NS_PER_S;
            case "ms", "msec", "msecs" -> NS_PER_MS;
            case "", "us", "usec", "usecs" -> NS_PER_US;
            case "ns", "nsec", "nsecs" -> 1L;
            default -> throw bad("time", s);
        };
        return scaled(lower.substring(0, split), scale, "time", s);
    }

    /** Formats nanoseconds exactly, in the largest unit that keeps the value at least 1. */
    static String formatTime(long ns) {
        if (ns >= NS_PER_S) {
            return decimal(ns, NS_PER_S) + "s";
        }
        if (ns >= NS_PER_MS) {
            return decimal(ns, NS_PER_MS) + "ms";
        }
        if (ns >= NS_PER_US) {
            return decimal(ns, NS_PER_US) + "us";
        }
        return ns + "ns";
    }

    // ---------------------------------------------------------------- rate

    /** Parses a tc rate ("10mbit", "1gbit", "125kbps", "8000"), in bytes per second. */
    static long parseRate(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        int split = numberEnd(lower);
        String unit = lower.substring(split);
        String num = lower.substring(0, split);
        long bitScale = switch (unit) {
            case "", "bit" -> 1L;
            case "kbit" -> 1_000L;
            case "mbit" -> 1_000_000L;
            case "gbit" -> 1_000_000_000L;
            case "tbit" -> 1_000_000_000_000L;
            case "kibit" -> 1L << 10;
            case "mibit" -> 1L << 20;
            case "gibit" -> 1L << 30;
            case "tibit" -> 1L << 40;
            default -> -1L;
        };
        if (bitScale > 0) {
            return scaled(num, bitScale, "rate", s) / 8;
        }
        long byteScale = switch (unit) {
            case "bps" -> 1L;
            case "kbps" -> 1_000L;
            case "mbps" -> 1_000_000L;
            case "gbps" -> 1_000_000_000L;
            case "tbps" -> 1_000_000_000_000L;
            default -> throw bad("rate", s);
        };
        return scaled(num, byteScale, "rate", s);
    }

    /** Formats bytes per second as tc does, in decimal bits ("10Mbit", "1.544Mbit", "800bit"). */
    static String formatRate(long bytesPerSec) {
        long bits = bytesPerSec * 8;
        String[] units = {"Tbit", "Gbit", "Mbit", "Kbit"};
        long scale = 1_000_000_000_000L;
        for (String u : units) {
            if (bits >= scale) {
                return decimal(bits, scale) + u;
            }
            scale /= 1000;
        }
        return bits + "bit";
    }

    // ---------------------------------------------------------------- size

    /** Parses a tc size ("10kb", "1500", "1mb", "64kbit"), in bytes. */
    static long parseSize(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        int split = numberEnd(lower);
        String unit = lower.substring(split);
        String num = lower.substring(0, split);
        return switch (unit) {
            case "", "b" -> scaled(num, 1L, "size", s);
            case "k", "kb" -> scaled(num, 1L << 10, "size", s);
            case "m", "mb" -> scaled(num, 1L << 20, "size", s);
            case "g", "gb" -> scaled(num, 1L << 30, "size", s);
            case "kbit" -> scaled(num, 1L << 10, "size", s) / 8;
            case "mbit" -> scaled(num, 1L << 20, "size", s) / 8;
            case "gbit" -> scaled(num, 1L << 30, "size", s) / 8;
            default -> throw bad("size", s);
        };
    }

    /** Formats a size as tc does: "10Kb" or "1Mb" when a whole number of them, else "1500b". */
    static String formatSize(long bytes) {
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "Mb";
        }
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "Kb";
        }
        return bytes + "b";
    }

    // ---------------------------------------------------------------- percent

    /** Parses "10%" or "10" (both 10 percent) as a probability in [0, 1]. */
    static double parsePercent(String s) {
        String num = s.endsWith("%") ? s.substring(0, s.length() - 1) : s;
        double v;
        try {
            v = Double.parseDouble(num);
        } catch (NumberFormatException e) {
            throw bad("percentage", s);
        }
        if (!(v >= 0 && v <= 100)) {
            throw new ErrnoException(Errno.EINVAL, "percentage " + s + " is outside 0%..100%");
        }
        return v / 100.0;
    }

    /** True when the token looks like a percentage ("10%", "0.5"): a digit first. */
    static boolean isNumber(String s) {
        return !s.isEmpty() && (Character.isDigit(s.charAt(0)) || s.charAt(0) == '.');
    }

    /** Formats a probability in [0, 1] as a percentage with up to six decimals ("0.1%"). */
    static String formatPercent(double p) {
        BigDecimal pct = new BigDecimal(p * 100.0).setScale(6, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return pct.toPlainString() + "%";
    }

    // ---------------------------------------------------------------- helpers

    private static int numberEnd(String s) {
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        return i;
    }

    private static long scaled(String num, long scale, String what, String original) {
        if (num.isEmpty()) {
            throw bad(what, original);
        }
        try {
            BigDecimal v = new BigDecimal(num).multiply(BigDecimal.valueOf(scale));
            return v.setScale(0, RoundingMode.HALF_EVEN).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw bad(what, original);
        }
    }

    private static String decimal(long value, long unit) {
        return BigDecimal.valueOf(value).divide(BigDecimal.valueOf(unit)).stripTrailingZeros().toPlainString();
    }

    static ErrnoException bad(String what, String token) {
        return new ErrnoException(Errno.EINVAL, "bad " + what + " \"" + token + "\"");
    }
}
