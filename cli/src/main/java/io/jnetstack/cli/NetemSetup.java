package io.jnetstack.cli;

import io.jnetstack.core.Qdisc;
import io.jnetstack.core.sched.Netem;

/** Builds the demo's netem qdisc from command-line figures. */
final class NetemSetup {
    private NetemSetup() {}

    /** netem with {@code delay DELAYms JITTERms loss LOSS%}, jitter normally distributed. */
    static Qdisc netem(double delayMs, double jitterMs, double lossPercent) {
        Netem.Config.Builder b = Netem.Config.builder();
        if (delayMs > 0 || jitterMs > 0) {
            b.delay(Math.round(delayMs * 1e6), Math.round(jitterMs * 1e6));
            if (jitterMs > 0) {
                b.distribution(Netem.Distribution.NORMAL);
            }
        }
        if (lossPercent > 0) {
            b.loss(lossPercent / 100.0);
        }
        return new Netem(b.build());
    }
}
