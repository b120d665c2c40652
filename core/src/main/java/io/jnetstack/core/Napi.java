package io.jnetstack.core;

/**
 * A device's receive poller. Mirrors {@code struct napi_struct}: a driver schedules it when
 * frames are waiting ({@link #schedule()}, {@code napi_schedule()}), and the receive softirq
 * ({@code net_rx_action}) calls {@link #poll} with a budget; a poll that does less work than its
 * weight is complete ({@code napi_complete_done()}) and the NAPI leaves the poll list.
 */
public abstract class Napi {
    final NetDevice dev;
    final int weight;
    boolean scheduled;
    boolean polling;
    boolean missed;
    Napi nextPoll;
    /** The flows GRO holds ({@code napi->gro}); flushed at the end of every poll. */
    final Gro gro;

    /** A NAPI context for {@code dev} polled at most {@code weight} frames at a time (Linux: 64). */
    protected Napi(NetDevice dev, int weight) {
        this.dev = dev;
        this.weight = weight;
        this.gro = dev == null ? null : new Gro(dev);
    }

    /**
     * Receives a frame from the poll through GRO (data at the network header, after
     * {@code eth_type_trans()}). Mirrors {@code napi_gro_receive()}.
     */
    public final void groReceive(SkBuff skb) {
        gro.receive(skb);
    }

    /** This context's GRO state and counters. */
    public Gro gro() {
        return gro;
    }

    /**
     * Receives up to {@code budget} frames, handing each to {@link Dev#netifReceiveSkb}.
     *
     * @return the number of frames processed
     */
    protected abstract int poll(int budget);

    /** Asks the receive softirq to poll this context. Mirrors {@code napi_schedule()}. */
    public final void schedule() {
        if (polling) {
            missed = true;
            return;
        }
        if (!scheduled) {
            scheduled = true;
            dev.net().kernel().softnet().napiSchedule(this);
        }
    }

    /** The device polled. */
    public NetDevice dev() {
        return dev;
    }

    /** True when on the poll list or being polled. */
    public boolean isScheduled() {
        return scheduled;
    }
}
