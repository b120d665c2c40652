package io.jnetstack.core;

/**
 * A device's receive hook, as a bridge or bond port installs it. Mirrors
 * {@code rx_handler_func_t} and {@code netdev_rx_handler_register()}.
 */
@FunctionalInterface
public interface RxHandler {
    /** What the hook did with a frame. Mirrors {@code enum rx_handler_result}. */
    enum Result {
        /** Taken: the handler owns the buffer. */
        CONSUMED,
        /** skb.dev was changed: run the receive path again for the new device. */
        ANOTHER,
        /** Deliver it exactly as if the hook did not exist. */
        PASS
    }

    /** Handles a received frame (data at the network header, mac header marked). */
    Result handle(SkBuff skb);
}
