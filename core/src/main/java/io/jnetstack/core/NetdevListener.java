package io.jnetstack.core;

/** Hears device events of a namespace. Mirrors a {@code notifier_block} on {@code netdev_chain}. */
@FunctionalInterface
public interface NetdevListener {
    /** Called after {@code event} happened to {@code dev}. */
    void event(NetdevEvent event, NetDevice dev);
}
