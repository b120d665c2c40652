package io.jnetstack.trace;

import io.jnetstack.time.Clock;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Records packet journeys: which stage (Linux function) each packet passed, where and when.
 *
 * <p>Call sites bracket a traced function with {@link #enter} and {@link #exit}, or mark a leaf
 * with {@link #point}. When tracing is off each call is one field test and a return, so the
 * data path pays nothing measurable. Events go to an in-memory recording (for printing and for
 * assertions in tests) and/or to JDK Flight Recorder as {@code io.jnetstack.Journey} events.
 *
 * <p>A packet created while another is being handled (an ARP request sent because a SYN needs
 * a neighbour) records that packet as its parent, so its journey nests inside the other's, as
 * in the seeds' notes. One tracer per {@code Kernel}; not thread-safe (the kernel lock guards it).
 */
public final class Tracer {
    private static final int MAX_DEPTH = 256;

    private final Clock clock;
    private boolean enabled;
    private boolean record;
    private boolean jfr;
    private int maxEvents = 1_000_000;
    private final ArrayList<TraceEvent> events = new ArrayList<>();
    private long lost;
    private long seq;
    private long nextPacketId;
    private int depth;
    private final long[] packetAtDepth = new long[MAX_DEPTH];

    /** A tracer timing events with {@code clock}; off until {@link #enable}. */
    public Tracer(Clock clock) {
        this.clock = clock;
    }

    /**
     * Turns tracing on.
     *
     * @param record keep events in memory ({@link #events()}, {@link #journey(long)})
     * @param jfr    emit JDK Flight Recorder events
     */
    public void enable(boolean record, boolean jfr) {
        this.record = record;
        this.jfr = jfr;
        this.enabled = record || jfr;
        this.depth = 0;
    }

    /** Turns tracing off; the recording is kept. */
    public void disable() {
        enabled = false;
    }

    /** True when tracing is on. */
    public boolean enabled() {
        return enabled;
    }

    /** Caps the in-memory recording; later events are counted in {@link #lost()}. */
    public void setMaxEvents(int max) {
        this.maxEvents = max;
    }

    /** Marks entry into {@code stage} for {@code skb} (which may be null). Pair with {@link #exit()}. */
    public void enter(Stage stage, io.jnetstack.core.SkBuff skb, String netns, String device) {
        if (!enabled) {
            return;
        }
        emit(stage, skb, netns, device, "");
        if (depth < MAX_DEPTH - 1) {
            depth++;
        }
    }

    /**
     * A journey id for a packet whose buffer does not exist yet: a send traces its socket call,
     * route lookup and first {@code ip_append_data} under the id its buffer adopts
     * ({@code skb.traceId}) once allocated, so the packet's journey starts at the system call as
     * the seeds draw it. 0 when tracing is off.
     */
    public long reserveId() {
        return enabled ? ++nextPacketId : 0;
    }

    /**
     * Marks entry into {@code stage} for the packet with journey id {@code packetId} (from
     * {@link #reserveId()}, or 0 for none). Pair with {@link #exit()}.
     */
    public void enter(Stage stage, long packetId, String netns, String device) {
        if (!enabled) {
            return;
        }
        record(stage, packetId, 0, netns, device, "");
        if (depth < MAX_DEPTH - 1) {
            depth++;
        }
    }

    /** Marks the return from the stage last entered. */
    public void exit() {
        if (!enabled) {
            return;
        }
        if (depth > 0) {
            depth--;
        }
    }

    /** Records a leaf step (entered and left at once), with optional detail words. */
    public void point(Stage stage, io.jnetstack.core.SkBuff skb, String netns, String device, String detail) {
        if (!enabled) {
            return;
        }
        emit(stage, skb, netns, device, detail);
    }

    private void emit(Stage stage, io.jnetstack.core.SkBuff skb, String netns, String device, String detail) {
        long id = 0;
        long parent = 0;
        if (skb != null) {
            if (skb.traceId == 0) {
                skb.traceId = ++nextPacketId;
                skb.traceParent = enclosingPacket(skb.traceId);
            }
            id = skb.traceId;
            parent = skb.traceParent;
        }
        record(stage, id, parent, netns, device, detail);
    }

    private void record(Stage stage, long id, long parent, String netns, String device, String detail) {
        packetAtDepth[depth] = id;
        long now = clock.nanos();
        if (record) {
            if (events.size() < maxEvents) {
                events.add(new TraceEvent(++seq, id, parent, stage, netns, device == null ? "" : device,
                        now, depth, detail == null ? "" : detail));
            } else {
                lost++;
            }
        }
        if (jfr) {
            JourneyEvent e = new JourneyEvent();
            if (e.shouldCommit()) {
                e.packetId = id;
                e.parentId = parent;
                e.stage = stage.linuxName();
                e.netns = netns;
                e.device = device;
                e.stackTimeNanos = now;
                e.depth = depth;
                e.detail = detail;
                e.commit();
            }
        }
    }

    private long enclosingPacket(long self) {
        for (int d = depth - 1; d >= 0; d--) {
            long p = packetAtDepth[d];
            if (p != 0 && p != self) {
                return p;
            }
        }
        return 0;
    }

    /** Every recorded event, in order. */
    public List<TraceEvent> events() {
        return Collections.unmodifiableList(events);
    }

    /** Events not recorded because the cap was reached. */
    public long lost() {
        return lost;
    }

    /** Forgets the recording. */
    public void clear() {
        events.clear();
        lost = 0;
    }

    /**
     * The journey of packet {@code id}: its own events and those of the packets it caused
     * (transitively), in recording order.
     */
    public Journey journey(long id) {
        List<TraceEvent> out = new ArrayList<>();
        java.util.Set<Long> family = new java.util.HashSet<>();
        family.add(id);
        // Packet-less events (net_rx_action, __qdisc_run) still open around a journey event are
        // its context: they are shown so the tree says which softirq sent or received it.
        TraceEvent[] context = new TraceEvent[MAX_DEPTH];
        boolean[] shown = new boolean[MAX_DEPTH];
        for (TraceEvent e : events) {
            int d = e.depth();
            for (int i = d; i < MAX_DEPTH && (context[i] != null || shown[i]); i++) {
                context[i] = null;
                shown[i] = false;
            }
            if (e.packetId() == 0) {
                context[d] = e;
                continue;
            }
            if (family.contains(e.packetId()) || family.contains(e.parentId())) {
                family.add(e.packetId());
                for (int i = 0; i < d; i++) {
                    if (context[i] != null && !shown[i]) {
                        out.add(context[i]);
                        shown[i] = true;
                    }
                }
                out.add(e);
            }
        }
        return new Journey(id, out);
    }

    /** Journey ids of all packets that passed {@code stage}, in order of first passage. */
    public List<Long> packetsAt(Stage stage) {
        List<Long> ids = new ArrayList<>();
        for (TraceEvent e : events) {
            if (e.stage() == stage && e.packetId() != 0 && !ids.contains(e.packetId())) {
                ids.add(e.packetId());
            }
        }
        return ids;
    }
}
