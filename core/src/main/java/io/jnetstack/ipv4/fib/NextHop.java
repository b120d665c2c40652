package io.jnetstack.ipv4.fib;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.NetDevice;

/**
 * Where a route sends packets: a gateway (or none, for a directly connected destination) and an
 * output device. Mirrors {@code struct fib_nh} as configured by {@code ip route ... via GW dev
 * DEV} or one {@code nexthop via GW dev DEV weight W} of a multipath route.
 *
 * <p>A nexthop is alive while its device is up ({@code RTNH_F_DEAD} otherwise); the FIB checks
 * that at lookup time rather than keeping a flag, and flushes routes whose nexthops are all dead
 * when told a device went down ({@link Fib#deviceDown}).
 *
 * @param gateway the gateway address, or 0 for a directly connected destination
 * @param dev     the output device; null only before {@link Fib#addRoute} resolves it from the
 *                gateway
 * @param weight  the multipath weight, 1..256 ({@code rtnh_hops + 1})
 * @param flags   configured {@code RTNH_F_*} flags: only {@link #ONLINK}
 */
public record NextHop(int gateway, NetDevice dev, int weight, int flags) {
    /** RTNH_F_DEAD: shown for a nexthop whose device is down. */
    public static final int DEAD = 0x1;
    /** RTNH_F_ONLINK: the gateway is on the link even though no route says so. */
    public static final int ONLINK = 0x4;
    /** RTNH_F_LINKDOWN: shown for a nexthop whose device has no carrier. */
    public static final int LINKDOWN = 0x10;

    /**
     * A nexthop.
     *
     * @throws ErrnoException EINVAL for a weight outside 1..256 or unknown flags
     */
    public NextHop {
        if (weight < 1 || weight > 256) {
            throw new ErrnoException(Errno.EINVAL, "nexthop weight " + weight + " is outside 1..256");
        }
        if ((flags & ~ONLINK) != 0) {
            throw new ErrnoException(Errno.EINVAL, "nexthop flags 0x" + Integer.toHexString(flags) + ": only ONLINK can be set");
        }
    }

    /** A directly connected nexthop on {@code dev} ({@code dev DEV}). */
    public static NextHop dev(NetDevice dev) {
        return new NextHop(0, dev, 1, 0);
    }

    /** A gateway on {@code dev} ({@code via GW dev DEV}); {@code dev} may be null to resolve it. */
    public static NextHop via(int gateway, NetDevice dev) {
        return new NextHop(gateway, dev, 1, 0);
    }

    /** This nexthop with another weight. */
    public NextHop withWeight(int w) {
        return new NextHop(gateway, dev, w, flags);
    }

    /** This nexthop marked {@code onlink}. */
    public NextHop onlink() {
        return new NextHop(gateway, dev, weight, flags | ONLINK);
    }

    /** This nexthop on another device (gateway resolution). */
    public NextHop withDev(NetDevice d) {
        return new NextHop(gateway, d, weight, flags);
    }

    /** The output interface index ({@code nh_oif}), or 0 without a device. */
    public int oif() {
        return dev == null ? 0 : dev.ifindex();
    }

    /** True while the device is up. Mirrors the absence of {@code RTNH_F_DEAD}. */
    public boolean alive() {
        return dev != null && dev.isUp();
    }

    /** The flags {@code ip route} shows now: configured ones plus DEAD and LINKDOWN from the device. */
    public int shownFlags() {
        int f = flags;
        if (dev != null && !dev.isUp()) {
            f |= DEAD | LINKDOWN;
        } else if (dev != null && !dev.isRunning()) {
            f |= LINKDOWN;
        }
        return f;
    }

    /** The flag words in {@code ip route}'s order ({@code " dead onlink linkdown"}). */
    static String formatFlags(int f) {
        StringBuilder sb = new StringBuilder();
        if ((f & DEAD) != 0) {
            sb.append(" dead");
        }
        if ((f & ONLINK) != 0) {
            sb.append(" onlink");
        }
        if ((f & LINKDOWN) != 0) {
            sb.append(" linkdown");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (gateway != 0) {
            sb.append("via ").append(Prefixes.addr(gateway));
        }
        if (dev != null) {
            sb.append(sb.isEmpty() ? "" : " ").append("dev ").append(dev.name());
        }
        sb.append(" weight ").append(weight).append(formatFlags(shownFlags()));
        return sb.toString();
    }
}
