package io.jnetstack.core;

/**
 * Sees every frame crossing a device, both ways, like a packet socket bound to
 * {@code ETH_P_ALL} ({@code deliver_skb} on receive, {@code dev_queue_xmit_nit} on send).
 * The buffer is lent for the duration of the call: read it, copy what is needed, do not keep it.
 * A capture writer is a tap.
 */
@FunctionalInterface
public interface PacketTap {
    /**
     * Observes a frame.
     *
     * @param skb      the frame; for both directions data starts at the link-layer header
     * @param dev      the device
     * @param outgoing true for a frame being sent, false for one received
     */
    void tap(SkBuff skb, NetDevice dev, boolean outgoing);
}
