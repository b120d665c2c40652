package io.jnetstack.neigh;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.Net;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.Softnet;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.MacAddress;

/**
 * The NUD state machine of a table's entries: what sending, answers and timers do to an entry.
 * Mirrors {@code __neigh_event_send()}, {@code neigh_probe()}, {@code neigh_timer_handler()},
 * {@code __neigh_update()}, {@code neigh_invalidate()}, {@code neigh_connect()} and
 * {@code neigh_suspect()}, which implement RFC 4861 §7.3.3's transitions (applied by Linux to ARP
 * as well):
 *
 * <pre>
 * NONE/FAILED --packet--> INCOMPLETE (queue, solicit now and every retrans_time)
 * INCOMPLETE --answer--> REACHABLE (queue released) | --mcast_solicit probes unanswered--> FAILED
 * REACHABLE --reachable_time without confirmation--> STALE (or DELAY if used lately)
 * STALE --packet--> DELAY (sent with the old address)
 * DELAY --confirmed within delay_first_probe_time--> REACHABLE | --else--> PROBE
 * PROBE --answer--> REACHABLE | --ucast_solicit unicast probes unanswered--> FAILED
 * </pre>
 *
 * <p>Times are kernel clock nanoseconds, compared by difference so that wrap-around cannot
 * matter (as {@code time_after}). Timer expiries are never less than 10 ms ahead ({@code HZ/100}).
 */
final class NeighNud {
    private final NeighTable table;
    private final NeighParms parms;
    private final Net net;
    private final Tracer tracer;
    private final Softnet softnet;

    NeighNud(NeighTable table) {
        this.table = table;
        this.parms = table.parms();
        this.net = table.net();
        this.tracer = table.tracer();
        this.softnet = table.kernel().softnet();
    }

    // ---------------------------------------------------------------- sending

    /**
     * Marks the entry used and starts resolution unless it is CONNECTED, DELAY or PROBE. Mirrors
     * {@code neigh_event_send()}.
     *
     * @return 0 when the packet may be sent now, 1 when it was queued or dropped
     */
    int eventSend(Neighbour n, SkBuff skb) {
        tracer.enter(Stage.NEIGH_EVENT_SEND, skb, net.name(), n.dev.name());
        try {
            n.used = table.now();
            if (n.state.in(NudState.CONNECTED_BITS | NudState.DELAY.bits() | NudState.PROBE.bits())) {
                return 0;
            }
            return eventSendSlow(n, skb);
        } finally {
            tracer.exit();
        }
    }

    /** Mirrors {@code __neigh_event_send()}, bottom halves disabled as there. */
    private int eventSendSlow(Neighbour n, SkBuff skb) {
        tracer.enter(Stage.__NEIGH_EVENT_SEND, skb, net.name(), n.dev.name());
        softnet.bhDisable();
        try {
            if (n.state.in(NudState.CONNECTED_BITS | NudState.DELAY.bits() | NudState.PROBE.bits())) {
                return 0;
            }
            if (n.dead) {
                if (n.state == NudState.STALE) {
                    return 0;
                }
                dropOrIgnore(skb, DropReason.NEIGH_DEAD);
                return 1;
            }
            long now = table.now();
            boolean immediateProbe = false;
            if (!n.state.in(NudState.STALE.bits() | NudState.INCOMPLETE.bits())) {
                if (parms.mcastProbes() + parms.appProbes() == 0) {
                    n.state = NudState.FAILED;
                    n.updated = now;
                    dropOrIgnore(skb, DropReason.NEIGH_FAILED);
                    return 1;
                }
                n.probes = parms.ucastProbes();
                n.timer.cancel();
                n.state = NudState.INCOMPLETE;
                n.updated = now;
                immediateProbe = true;
                n.timer.arm(now + parms.retransTime());
            } else if (n.state == NudState.STALE) {
                n.timer.cancel();
                n.state = NudState.DELAY;
                n.updated = now;
                n.timer.arm(now + Math.max(parms.delayProbeTime(), NeighParms.MIN_STEP));
            }
            int rc = 0;
            if (n.state == NudState.INCOMPLETE) {
                if (skb != null) {
                    enqueue(n, skb);
                }
                rc = 1;
            }
            if (immediateProbe) {
                probe(n);
            }
            return rc;
        } finally {
            softnet.bhEnable();
            tracer.exit();
        }
    }

    private void dropOrIgnore(SkBuff skb, DropReason reason) {
        if (skb != null) {
            net.drop(skb, reason);
        }
    }

    /**
     * Appends to the unresolved queue, first dropping the oldest packets until the new one fits
     * in unres_qlen_bytes. Mirrors the queueing in {@code __neigh_event_send()}.
     */
    private void enqueue(Neighbour n, SkBuff skb) {
        long limit = parms.queueLenBytes();
        int size = skb.truesize();
        while (n.arpQueueBytes + size > limit) {
            SkBuff old = poll(n);
            if (old == null) {
                break;
            }
            table.stats().unresDiscards++;
            net.drop(old, DropReason.NEIGH_QUEUEFULL);
        }
        n.arpQueue.addLast(skb);
        n.arpQueueBytes += size;
    }

    /** Takes the oldest queued packet, or null. */
    private SkBuff poll(Neighbour n) {
        SkBuff skb = n.arpQueue.poll();
        if (skb != null) {
            n.arpQueueBytes -= skb.truesize();
        }
        if (n.arpQueue.isEmpty()) {
            n.arpQueueBytes = 0;
        }
        return skb;
    }

    /** Drops every queued packet with {@code reason}. Mirrors {@code __skb_queue_purge()}. */
    void purge(Neighbour n, DropReason reason) {
        SkBuff skb;
        while ((skb = poll(n)) != null) {
            net.drop(skb, reason);
        }
    }

    /**
     * Sends one solicitation, handing the protocol a clone of the newest queued packet.
     * Mirrors {@code neigh_probe()}.
     */
    private void probe(Neighbour n) {
        SkBuff tail = n.arpQueue.peekLast();
        SkBuff trigger = tail == null ? null : tail.cloneSkb();
        tracer.enter(Stage.NEIGH_PROBE, trigger, net.name(), n.dev.name());
        try {
            table.ops().solicit(n, trigger);
        } finally {
            tracer.exit();
            n.probes++;
            if (trigger != null) {
                trigger.free();
            }
        }
    }

    private int maxProbes(Neighbour n) {
        return parms.ucastProbes() + parms.appProbes()
                + (n.state == NudState.PROBE ? parms.mcastReprobes() : parms.mcastProbes());
    }

    // ---------------------------------------------------------------- timer

    /**
     * The entry's timer fired. Mirrors {@code neigh_timer_handler()}: REACHABLE either lives on
     * (confirmed lately), becomes DELAY (used lately) or STALE; DELAY becomes REACHABLE (confirmed
     * meanwhile) or PROBE; INCOMPLETE and PROBE probe again, or fail once the probes are used up.
     */
    void timerHandler(Neighbour n) {
        NudState st = n.state;
        if (!st.inTimer()) {
            return;
        }
        long now = table.now();
        long next;
        if (st == NudState.REACHABLE) {
            next = reachableExpired(n, now);
        } else if (st == NudState.DELAY) {
            next = delayExpired(n, now);
        } else {
            next = now + parms.retransTime();
        }
        if (n.state.in(NudState.INCOMPLETE.bits() | NudState.PROBE.bits()) && n.probes >= maxProbes(n)) {
            n.state = NudState.FAILED;
            invalidate(n);
            return;
        }
        if (n.state.inTimer()) {
            if (next - (now + NeighParms.MIN_STEP) < 0) {
                next = now + NeighParms.MIN_STEP;
            }
            n.timer.arm(next);
        }
        if (n.state.in(NudState.INCOMPLETE.bits() | NudState.PROBE.bits())) {
            softnet.bhDisable();
            try {
                probe(n);
            } finally {
                softnet.bhEnable();
            }
        }
    }

    private long reachableExpired(Neighbour n, long now) {
        long reachableUntil = n.confirmed + parms.reachableTime();
        if (now - reachableUntil <= 0) {
            return reachableUntil;
        }
        long delay = parms.delayProbeTime();
        if (now - (n.used + delay) <= 0) {
            n.state = NudState.DELAY;
            n.updated = now;
            suspect(n);
            return now + delay;
        }
        n.state = NudState.STALE;
        n.updated = now;
        suspect(n);
        return now;
    }

    private long delayExpired(Neighbour n, long now) {
        if (now - (n.confirmed + parms.delayProbeTime()) <= 0) {
            n.state = NudState.REACHABLE;
            n.updated = now;
            connect(n);
            return n.confirmed + parms.reachableTime();
        }
        n.state = NudState.PROBE;
        n.updated = now;
        n.probes = 0;
        return now + parms.retransTime();
    }

    /**
     * Resolution failed: count it, then report each queued packet and drop it. Mirrors
     * {@code neigh_invalidate()}; the protocol's report may change the entry, so the loop stops
     * as soon as it is no longer FAILED.
     */
    void invalidate(Neighbour n) {
        table.stats().resFailed++;
        n.updated = table.now();
        SkBuff skb;
        while (n.state == NudState.FAILED && (skb = poll(n)) != null) {
            table.ops().errorReport(n, skb);
            net.drop(skb, DropReason.NEIGH_FAILED);
        }
        purge(n, DropReason.NEIGH_FAILED);
    }

    /** The address is trusted: connected output. Mirrors {@code neigh_connect()}. */
    private void connect(Neighbour n) {
        // Traced with the first packet it releases, so that packet's journey shows it.
        tracer.point(Stage.NEIGH_CONNECT, n.arpQueue.peek(), net.name(), n.dev.name(), "");
        n.output = Neighbour.Output.CONNECTED;
    }

    /** The address is in doubt: every packet checks the state. Mirrors {@code neigh_suspect()}. */
    private void suspect(Neighbour n) {
        n.output = Neighbour.Output.RESOLVE;
    }

    // ---------------------------------------------------------------- update

    /** Mirrors {@code neigh_update()}; see {@link NeighTable#update}. */
    int update(Neighbour n, long lladdr, NudState newState, int flags) {
        tracer.enter(Stage.NEIGH_UPDATE, null, net.name(), n.dev.name());
        try {
            return doUpdate(n, lladdr, newState, flags);
        } finally {
            tracer.exit();
        }
    }

    private int doUpdate(Neighbour n, long lladdr, NudState nw, int flags) {
        NudState old = n.state;
        if (n.dead) {
            return -Errno.EPERM.code();
        }
        if ((flags & NeighTable.UPDATE_F_ADMIN) == 0 && old.in(NudState.NOARP.bits() | NudState.PERMANENT.bits())) {
            return -Errno.EPERM.code();
        }
        if (!nw.valid()) {
            toInvalid(n, old, nw);
            return 0;
        }
        // Which address: "change" stands for Linux's lladdr != neigh->ha.
        long addr = n.ha;
        boolean change = false;
        if (n.dev.hardHeaderLen() > 0) {
            if (lladdr >= 0) {
                addr = lladdr & MacAddress.MASK;
                change = !(old.valid() && addr == n.ha);
            } else if (!old.valid()) {
                return -Errno.EINVAL.code();
            }
        }
        long now = table.now();
        if (nw.connected()) {
            n.confirmed = now;
        }
        if (old.valid()) {
            if (change && (flags & NeighTable.UPDATE_F_OVERRIDE) == 0) {
                if ((flags & NeighTable.UPDATE_F_WEAK_OVERRIDE) == 0 || !old.connected()) {
                    return 0;
                }
                addr = n.ha;
                change = false;
                nw = NudState.STALE;
            } else if (!change && nw == NudState.STALE && (flags & NeighTable.UPDATE_F_ADMIN) == 0) {
                nw = old;
            }
        }
        apply(n, old, nw, addr, change, now);
        return 0;
    }

    /** The part of {@code __neigh_update()} for a state without an address (FAILED, NONE, INCOMPLETE). */
    private void toInvalid(Neighbour n, NudState old, NudState nw) {
        n.timer.cancel();
        if (old.connected()) {
            suspect(n);
        }
        n.state = nw;
        if (old.in(NudState.INCOMPLETE.bits() | NudState.PROBE.bits()) && nw == NudState.FAILED) {
            invalidate(n);
        }
        if (((old.bits() ^ nw.bits()) & NudState.PERMANENT.bits()) != 0) {
            table.updateGcList(n);
        }
    }

    /** Applies a decided update: state, timer, address, output, and the queue if newly valid. */
    private void apply(Neighbour n, NudState old, NudState nw, long addr, boolean change, long now) {
        if (nw != old || change) {
            n.updated = now;
        }
        if (nw != old) {
            n.timer.cancel();
            if (nw == NudState.PROBE) {
                n.probes = 0;
            }
            if (nw.inTimer()) {
                n.timer.arm(now + (nw == NudState.REACHABLE ? parms.reachableTime() : 0));
            }
            n.state = nw;
        }
        if (change) {
            n.ha = addr;
            table.out().updateHeaderCache(n);
            if (!nw.connected()) {
                n.confirmed = now - (parms.baseReachableTime() << 1);
            }
        }
        if (((old.bits() ^ nw.bits()) & NudState.PERMANENT.bits()) != 0) {
            table.updateGcList(n);
        }
        if (nw == old) {
            return;
        }
        if (nw.connected()) {
            connect(n);
        } else {
            suspect(n);
        }
        if (!old.valid()) {
            SkBuff skb;
            while (n.state.valid() && (skb = poll(n)) != null) {
                table.out().call(n, skb);
            }
            purge(n, DropReason.NOT_SPECIFIED);
        }
    }
}
