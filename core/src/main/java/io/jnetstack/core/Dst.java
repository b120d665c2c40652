package io.jnetstack.core;

/**
 * A routing decision attached to a packet: where it goes and how. Mirrors {@code struct
 * dst_entry}: {@link #input} is what {@code dst_input()} calls (local delivery or forwarding),
 * {@link #output} what {@code dst_output()} calls ({@code ip_output}). Protocol families extend
 * it ({@code ipv4.Rtable}). Shared by many packets; immutable once built, except for being
 * marked obsolete when the routing state it was derived from changes.
 */
public abstract class Dst {
    /** The device the packet leaves by (or, for local delivery, the loopback/receiving device). */
    public final NetDevice dev;
    private boolean obsolete;

    /** A decision sending through {@code dev}. */
    protected Dst(NetDevice dev) {
        this.dev = dev;
    }

    /** Mirrors {@code dst->input}: consumes the packet. */
    public abstract void input(SkBuff skb);

    /** Mirrors {@code dst->output}: consumes the packet; returns a NET_XMIT code or a negative errno. */
    public abstract int output(SkBuff skb);

    /** The path MTU for packets on this route. Mirrors {@code dst_mtu()}. */
    public abstract int mtu();

    /** True when routing changed since this decision was made: it must be looked up again. */
    public boolean obsolete() {
        return obsolete;
    }

    /** Marks this decision as out of date. Mirrors {@code dst_dev_put()}/genid bumps. */
    public void markObsolete() {
        obsolete = true;
    }
}
