package io.jnetstack.cli;

import io.jnetstack.core.Qdisc;

/** Builds the demo's netem qdisc from command-line figures. */
final class NetemSetup {
    private NetemSetup() {}

    static Qdisc netem(double delayMs, double jitterMs, double lossPercent) {
        return io.jnetstack.core.sched.Fifo.pfifo(0); // replaced by netem once it lands
    }
}
