package io.jnetstack.ipv4.fib;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;

/**
 * Per-route transport parameters: the {@code RTAX_*} metrics of {@code <linux/rtnetlink.h>} that
 * {@code ip route ... mtu 1280 advmss 1240 initcwnd 10} sets and TCP reads when it connects
 * through the route. A zero means "not set": the layer reading it uses its default.
 *
 * @param mtu       RTAX_MTU: path MTU for the route
 * @param mtuLocked RTAX_LOCK of RTAX_MTU: path MTU discovery may not lower it ({@code mtu lock})
 * @param window    RTAX_WINDOW: largest receive window to advertise
 * @param advmss    RTAX_ADVMSS: MSS to advertise (RFC 9293 §3.7.1)
 * @param hoplimit  RTAX_HOPLIMIT: TTL of packets sent through the route, 1..255
 * @param initcwnd  RTAX_INITCWND: initial congestion window in segments (RFC 5681 §3.1 IW)
 * @param initrwnd  RTAX_INITRWND: initial receive window in segments
 * @param rtoMinMs  RTAX_RTO_MIN: lower bound of the retransmission timeout, in milliseconds
 * @param quickack  RTAX_QUICKACK: acknowledge without delay
 */
public record RouteMetrics(int mtu, boolean mtuLocked, int window, int advmss, int hoplimit, int initcwnd, int initrwnd,
                           int rtoMinMs, boolean quickack) {
    /** No metric set. */
    public static final RouteMetrics NONE = new RouteMetrics(0, false, 0, 0, 0, 0, 0, 0, false);

    /**
     * Metrics.
     *
     * @throws ErrnoException EINVAL for a negative value, an MTU above 65535 or a hop limit above 255
     */
    public RouteMetrics {
        if (mtu < 0 || mtu > 65535 || window < 0 || advmss < 0 || hoplimit < 0 || hoplimit > 255 || initcwnd < 0
                || initrwnd < 0 || rtoMinMs < 0) {
            throw new ErrnoException(Errno.EINVAL, "bad route metrics: mtu 0..65535, hoplimit 0..255, others >= 0");
        }
    }

    /** These metrics with {@code mtu}. */
    public RouteMetrics withMtu(int v) {
        return new RouteMetrics(v, mtuLocked, window, advmss, hoplimit, initcwnd, initrwnd, rtoMinMs, quickack);
    }

    /** These metrics with the MTU locked ({@code mtu lock N}). */
    public RouteMetrics withMtuLocked(boolean locked) {
        return new RouteMetrics(mtu, locked, window, advmss, hoplimit, initcwnd, initrwnd, rtoMinMs, quickack);
    }

    /** These metrics with {@code window}. */
    public RouteMetrics withWindow(int v) {
        return new RouteMetrics(mtu, mtuLocked, v, advmss, hoplimit, initcwnd, initrwnd, rtoMinMs, quickack);
    }

    /** These metrics with {@code advmss}. */
    public RouteMetrics withAdvmss(int v) {
        return new RouteMetrics(mtu, mtuLocked, window, v, hoplimit, initcwnd, initrwnd, rtoMinMs, quickack);
    }

    /** These metrics with {@code hoplimit}. */
    public RouteMetrics withHoplimit(int v) {
        return new RouteMetrics(mtu, mtuLocked, window, advmss, v, initcwnd, initrwnd, rtoMinMs, quickack);
    }

    /** These metrics with {@code initcwnd}. */
    public RouteMetrics withInitcwnd(int v) {
        return new RouteMetrics(mtu, mtuLocked, window, advmss, hoplimit, v, initrwnd, rtoMinMs, quickack);
    }

    /** These metrics with {@code initrwnd}. */
    public RouteMetrics withInitrwnd(int v) {
        return new RouteMetrics(mtu, mtuLocked, window, advmss, hoplimit, initcwnd, v, rtoMinMs, quickack);
    }

    /** These metrics with {@code rto_min} in milliseconds. */
    public RouteMetrics withRtoMinMs(int v) {
        return new RouteMetrics(mtu, mtuLocked, window, advmss, hoplimit, initcwnd, initrwnd, v, quickack);
    }

    /** These metrics with {@code quickack}. */
    public RouteMetrics withQuickack(boolean v) {
        return new RouteMetrics(mtu, mtuLocked, window, advmss, hoplimit, initcwnd, initrwnd, rtoMinMs, v);
    }

    /** The metrics as {@code ip route} appends them ({@code " mtu 1280 advmss 1240"}), in RTAX order. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        if (mtu != 0) {
            sb.append(" mtu ").append(mtuLocked ? "lock " : "").append(mtu);
        }
        append(sb, "window", window);
        append(sb, "advmss", advmss);
        append(sb, "hoplimit", hoplimit);
        append(sb, "initcwnd", initcwnd);
        if (rtoMinMs != 0) {
            sb.append(" rto_min ").append(rtoMinMs).append("ms");
        }
        append(sb, "initrwnd", initrwnd);
        if (quickack) {
            sb.append(" quickack 1");
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, String name, int v) {
        if (v != 0) {
            sb.append(' ').append(name).append(' ').append(v);
        }
    }
}
