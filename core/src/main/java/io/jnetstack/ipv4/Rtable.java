package io.jnetstack.ipv4;

import io.jnetstack.core.Dst;
import io.jnetstack.core.Errno;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;
import io.jnetstack.trace.Stage;

/**
 * An IPv4 routing decision. Mirrors {@code struct rtable}: the route type, flags
 * ({@code RTCF_*}), the gateway ({@code rt_gw4}, 0 when the destination is on-link), the path MTU
 * when a PMTU exception applies, the preferred source, and which input and output functions
 * {@code dst_input()}/{@code dst_output()} call. Built and cached by {@link Routing}.
 */
public final class Rtable extends Dst {
    /** RTN_UNICAST. */
    public static final int RTN_UNICAST = 1;
    /** RTN_LOCAL. */
    public static final int RTN_LOCAL = 2;
    /** RTN_BROADCAST. */
    public static final int RTN_BROADCAST = 3;
    /** RTN_MULTICAST. */
    public static final int RTN_MULTICAST = 5;
    /** RTN_BLACKHOLE. */
    public static final int RTN_BLACKHOLE = 6;
    /** RTN_UNREACHABLE. */
    public static final int RTN_UNREACHABLE = 7;
    /** RTN_PROHIBIT. */
    public static final int RTN_PROHIBIT = 8;

    /** RTCF_LOCAL: for us. */
    public static final int RTCF_LOCAL = 0x80000000;
    /** RTCF_BROADCAST. */
    public static final int RTCF_BROADCAST = 0x10000000;
    /** RTCF_MULTICAST. */
    public static final int RTCF_MULTICAST = 0x20000000;
    /** RTCF_DOREDIRECT: forwarded back out of its input device; send a redirect. */
    public static final int RTCF_DOREDIRECT = 0x01000000;
    /** RTCF_REDIRECTED: learned from an ICMP redirect. */
    public static final int RTCF_REDIRECTED = 0x00040000;

    /** What {@link #input} does. */
    enum In { LOCAL, FORWARD, ERROR, DISCARD }

    /** What {@link #output} does: ip_output, ip_mc_output (a copy looped back first), or drop. */
    enum Out { IP_OUTPUT, IP_MC_OUTPUT, DISCARD }

    final Inet inet;
    final int type;
    final int flags;
    final int gateway;
    final int prefsrc;
    final int metricMtu;
    final int pmtu;
    final long pmtuExpires;
    final In in;
    final Out out;
    final Errno error;
    final boolean input;

    Rtable(Inet inet, NetDevice dev, int type, int flags, int gateway, int prefsrc, int metricMtu, int pmtu,
           long pmtuExpires, In in, Out out, Errno error, boolean input) {
        super(dev);
        this.inet = inet;
        this.type = type;
        this.flags = flags;
        this.gateway = gateway;
        this.prefsrc = prefsrc;
        this.metricMtu = metricMtu;
        this.pmtu = pmtu;
        this.pmtuExpires = pmtuExpires;
        this.in = in;
        this.out = out;
        this.error = error;
        this.input = input;
    }

    /** The route type (RTN_*). */
    public int type() {
        return type;
    }

    /** RTCF_* flags. */
    public int flags() {
        return flags;
    }

    /** The gateway, or 0 for an on-link destination. */
    public int gateway() {
        return gateway;
    }

    /** The preferred source address (0 when none). */
    public int prefsrc() {
        return prefsrc;
    }

    /** The next hop for {@code daddr}: the gateway, or daddr itself. Mirrors {@code rt_nexthop()}. */
    public int nexthop(int daddr) {
        return gateway != 0 ? gateway : daddr;
    }

    /** The error an input lookup failed with (for ip_error), else null. */
    public Errno error() {
        return error;
    }

    /** True for a route made by an input lookup. Mirrors {@code rt_is_input_route()}. */
    public boolean isInputRoute() {
        return input;
    }

    /**
     * The path MTU: a PMTU exception's while it lasts, else the route's mtu metric, else the
     * device's. Mirrors {@code ipv4_mtu()}.
     */
    @Override
    public int mtu() {
        if (pmtu != 0 && inet.kernel.clock().nanos() < pmtuExpires) {
            return pmtu;
        }
        if (metricMtu != 0) {
            return Math.min(metricMtu, dev.mtu());
        }
        return dev.mtu();
    }

    /** Mirrors {@code dst_input()} → ip_local_deliver / ip_forward / ip_error. */
    @Override
    public void input(SkBuff skb) {
        inet.kernel.tracer().enter(Stage.DST_INPUT, skb, inet.net.name(), skb.dev == null ? "" : skb.dev.name());
        try {
            switch (in) {
                case LOCAL -> inet.input.localDeliver(skb);
                case FORWARD -> inet.forward.forward(skb);
                case ERROR -> inet.input.error(skb, this);
                case DISCARD -> inet.net.drop(skb, io.jnetstack.core.DropReason.IP_INADDRERRORS);
            }
        } finally {
            inet.kernel.tracer().exit();
        }
    }

    /** Mirrors {@code dst_output()} → ip_output or ip_mc_output. */
    @Override
    public int output(SkBuff skb) {
        return switch (out) {
            case IP_OUTPUT -> inet.output.output(skb);
            case IP_MC_OUTPUT -> inet.output.mcOutput(skb);
            case DISCARD -> {
                inet.net.drop(skb, io.jnetstack.core.DropReason.IP_OUTNOROUTES);
                yield -1;
            }
        };
    }

    @Override
    public String toString() {
        return "Rtable[type=" + type + " dev=" + dev + " gw=" + io.jnetstack.wire.Ipv4Address.format(gateway)
                + " mtu=" + mtu() + "]";
    }
}
