package io.jnetstack.core;

import io.jnetstack.core.sched.PfifoFast;
import io.jnetstack.time.Timer;
import io.jnetstack.trace.Stage;

/**
 * A queueing discipline on a device's transmit path. Mirrors {@code struct Qdisc} with its
 * {@code Qdisc_ops}: {@link #doEnqueue} and {@link #doDequeue} are the discipline; this base
 * class does the accounting ({@code tc -s qdisc} statistics), requeueing, drops with a reason,
 * and the watchdog that reschedules the device when a discipline holds packets until a later
 * time ({@code qdisc_watchdog_schedule_ns()}).
 *
 * <p>Implementations live in {@code io.jnetstack.core.sched}.
 */
public abstract class Qdisc {
    /** Mirrors NET_XMIT_SUCCESS. */
    public static final int NET_XMIT_SUCCESS = 0;
    /** Mirrors NET_XMIT_DROP: the packet was dropped. */
    public static final int NET_XMIT_DROP = 1;
    /** Mirrors NET_XMIT_CN: congestion notification, a packet (maybe another) was dropped. */
    public static final int NET_XMIT_CN = 2;

    /** Counters, as {@code tc -s qdisc} prints them ({@code gnet_stats_basic/queue}). */
    public static final class Stats {
        public long bytes;
        public long packets;
        public long drops;
        public long overlimits;
        public long requeues;
    }

    protected NetDevice dev;
    protected Kernel kernel;
    private final Stats stats = new Stats();
    private final SkbQueue requeued = new SkbQueue();
    private Timer watchdog;
    boolean running;
    boolean scheduled;
    Qdisc nextScheduled;

    /** The discipline's name as {@code tc} spells it ("pfifo_fast", "netem"). */
    public abstract String kind();

    /**
     * Queues a packet. On refusal the implementation drops it with {@link #drop} and returns
     * {@link #NET_XMIT_DROP}.
     */
    protected abstract int doEnqueue(SkBuff skb);

    /** The next packet to send now, or null (none, or none due yet: arm {@link #watchdog}). */
    protected abstract SkBuff doDequeue();

    /** Packets held by the discipline itself (not counting requeued ones). */
    protected abstract int doQlen();

    /** Bytes held by the discipline itself. */
    protected abstract long doBacklog();

    /** Drops every held packet. */
    protected abstract void doReset();

    /** Called once attached: dev and kernel are set. */
    protected void onAttach() {
    }

    /** Parameters as {@code tc qdisc show} prints them after the kind ("limit 1000"). */
    public String params() {
        return "";
    }

    /** True when an empty qdisc may send directly (TCQ_F_CAN_BYPASS). */
    public boolean canBypass() {
        return false;
    }

    final void attach(NetDevice d) {
        this.dev = d;
        this.kernel = d.net().kernel();
        onAttach();
    }

    final void destroy() {
        reset();
        if (watchdog != null) {
            watchdog.cancel();
        }
    }

    /** Drops everything queued. Mirrors {@code qdisc_reset()}. */
    public final void reset() {
        SkBuff s;
        while ((s = requeued.poll()) != null) {
            s.free();
        }
        doReset();
    }

    /** Enqueues with accounting and a {@code qdisc_enqueue} trace point. */
    public final int enqueue(SkBuff skb) {
        kernel.tracer().point(Stage.QDISC_ENQUEUE, skb, dev.net().name(), dev.name(), kind());
        return doEnqueue(skb);
    }

    /** The next packet to send, requeued ones first; counts it as sent by the qdisc. */
    public final SkBuff dequeue() {
        SkBuff skb = requeued.poll();
        if (skb == null) {
            skb = doDequeue();
        }
        if (skb != null) {
            stats.packets++;
            stats.bytes += skb.len();
        }
        return skb;
    }

    /** Puts back a packet the driver refused. Mirrors {@code dev_requeue_skb()}. */
    final void requeue(SkBuff skb) {
        stats.requeues++;
        stats.packets--;
        stats.bytes -= skb.len();
        requeued.addFirst(skb);
    }

    /** Packets held. */
    public final int qlen() {
        return doQlen() + requeued.size();
    }

    /** Bytes held. */
    public final long backlog() {
        return doBacklog() + requeued.bytes();
    }

    /** The counters. */
    public final Stats stats() {
        return stats;
    }

    /** The device this qdisc is attached to. */
    public final NetDevice dev() {
        return dev;
    }

    /** Drops a packet with a reason, counting it. Mirrors {@code qdisc_drop()}. */
    protected final void drop(SkBuff skb, DropReason reason) {
        stats.drops++;
        dev.net().drop(skb, reason);
    }

    /** Counts a packet held back by a rate limit. */
    protected final void overlimit() {
        stats.overlimits++;
    }

    /**
     * Arranges for the device to be serviced again at {@code timeNanos}. Mirrors
     * {@code qdisc_watchdog_schedule_ns()}.
     */
    protected final void watchdog(long timeNanos) {
        if (watchdog == null) {
            watchdog = kernel.timers().newTimer("qdisc_watchdog " + dev.name(), () -> kernel.softnet().schedule(this));
        }
        if (!watchdog.pending() || watchdog.expires() > timeNanos) {
            watchdog.arm(timeNanos);
        }
    }

    /** The clock time now. */
    protected final long now() {
        return kernel.clock().nanos();
    }

    /** The {@code tc -s qdisc show} text for this qdisc. */
    public String format() {
        return String.format("qdisc %s root dev %s %s%n Sent %d bytes %d pkt (dropped %d, overlimits %d requeues %d)%n backlog %db %dp requeues %d%n",
                kind(), dev == null ? "-" : dev.name(), params(), stats.bytes, stats.packets, stats.drops, stats.overlimits,
                stats.requeues, backlog(), qlen(), stats.requeues);
    }

    /** The qdisc a new device gets: noqueue (null) for software devices, else pfifo_fast. */
    static Qdisc defaultFor(NetDevice d) {
        return d.noQueueByDefault() ? null : new PfifoFast();
    }
}
