package io.jnetstack.link;

import io.jnetstack.core.IfFlags;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;

/**
 * A device that accepts every frame and discards it, counting it as sent. Mirrors
 * {@code drivers/net/dummy.c}: useful as a route target, and to measure a path up to the driver
 * without a receiver. Ethernet-like, NOARP, no qdisc by default.
 */
public final class Dummy extends NetDevice {
    /** A dummy device named {@code name}. */
    public Dummy(String name) {
        super(name, ARPHRD_ETHER, 14, 1500, 0, 65535, IfFlags.BROADCAST | IfFlags.NOARP);
    }

    @Override
    public String kind() {
        return "dummy";
    }

    @Override
    protected boolean noQueueByDefault() {
        return true;
    }

    @Override
    protected void open() {
        carrierOn();
    }

    /** Mirrors {@code dummy_xmit()}: free and report success. */
    @Override
    protected TxResult startXmit(SkBuff skb) {
        skb.free();
        return TxResult.OK;
    }
}
