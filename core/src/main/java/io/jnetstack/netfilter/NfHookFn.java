package io.jnetstack.netfilter;

import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;

/** A hook function. Mirrors {@code nf_hookfn}. Must not throw and must not keep the buffer unless it returns STOLEN. */
@FunctionalInterface
public interface NfHookFn {
    /**
     * Judges a packet at a hook point; data starts at the IP header.
     *
     * @param skb  the packet
     * @param hook where it is
     * @param in   the device it came in on, or null
     * @param out  the device it will leave by, or null
     */
    Verdict hook(SkBuff skb, NfHook hook, NetDevice in, NetDevice out);
}
