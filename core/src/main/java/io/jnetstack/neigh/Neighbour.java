package io.jnetstack.neigh;

import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkbQueue;
import io.jnetstack.time.Timer;
import io.jnetstack.wire.MacAddress;

/**
 * One entry of a {@link NeighTable}: a protocol address on a device, its link-layer address, its
 * NUD state, the packets waiting for resolution and a cached link-layer header. Mirrors
 * {@code struct neighbour} with its {@code hh_cache}.
 *
 * <p>Entries are created, changed and removed by their table only; this class exposes what
 * {@code ip neigh} and the protocol ({@link NeighOps}) read. Do not keep a reference across
 * calls the way a cache would: look the entry up for each packet, as {@code ip_finish_output2}
 * does. An entry removed from its table (garbage collected, deleted, flushed) is dead and its
 * output drops everything.
 *
 * <p>Times are the kernel clock's nanoseconds. Not thread-safe: read under the kernel lock.
 */
public final class Neighbour {
    /** What {@code n->output} points to. */
    enum Output {
        /** {@code neigh_blackhole}: dead or not yet constructed. */
        BLACKHOLE,
        /** {@code neigh_resolve_output}: check the state, maybe queue and resolve. */
        RESOLVE,
        /** {@code neigh_connected_output}: build the header from the known address. */
        CONNECTED,
        /** {@code neigh_direct_output}: no link-layer header at all. */
        DIRECT
    }

    final NeighTable table;
    final int key;
    final NetDevice dev;
    final Timer timer;

    NudState state = NudState.NONE;
    long ha;
    int probes;
    long confirmed;
    long updated;
    long used;
    boolean dead;
    /** Not counted against gc_thresh2/3 and never force-collected (permanent, loopback). */
    boolean exempt;
    Output output = Output.BLACKHOLE;

    /** The cached link-layer header ({@code hh_cache.hh_data}); valid when {@link #hhLen} > 0. */
    final byte[] hh;
    int hhLen;
    /** The device address the cached header was built with. */
    long hhSrc;

    final SkbQueue arpQueue = new SkbQueue();
    long arpQueueBytes;

    /** Hash chain. */
    Neighbour hashNext;
    /** The table's list of all entries, oldest first (also the gc list order). */
    Neighbour allPrev;
    Neighbour allNext;

    Neighbour(NeighTable table, int key, NetDevice dev, long now) {
        this.table = table;
        this.key = key;
        this.dev = dev;
        this.hh = new byte[Math.max(dev.hardHeaderLen(), 0)];
        this.updated = now;
        this.used = now;
        this.timer = table.kernel().timers().newTimer("neigh_timer " + NeighTable.formatKey(key) + " " + dev.name(),
                () -> table.nud().timerHandler(this));
    }

    /** The protocol address (an IPv4 address, host order, for ARP). */
    public int key() {
        return key;
    }

    /** The device this entry is for. */
    public NetDevice dev() {
        return dev;
    }

    /** The table holding (or having held) this entry. */
    public NeighTable table() {
        return table;
    }

    /**
     * The link-layer address bits ({@code neigh->ha}). Meaningful when {@link #state()} is
     * {@link NudState#valid() valid}; otherwise the last address known, or 0 if none ever was.
     */
    public long lladdr() {
        return ha;
    }

    /** The NUD state. */
    public NudState state() {
        return state;
    }

    /** Solicitations sent in the current INCOMPLETE or PROBE round ({@code neigh->probes}). */
    public int probes() {
        return probes;
    }

    /** When reachability was last confirmed ({@code neigh->confirmed}). */
    public long confirmedAt() {
        return confirmed;
    }

    /** When the state or address last changed ({@code neigh->updated}). */
    public long updatedAt() {
        return updated;
    }

    /** When the entry was last used to send through the slow path ({@code neigh->used}). */
    public long usedAt() {
        return used;
    }

    /** Packets waiting for resolution ({@code arp_queue}). */
    public int queueLength() {
        return arpQueue.size();
    }

    /** Sum of the waiting packets' truesize ({@code arp_queue_len_bytes}). */
    public long queueBytes() {
        return arpQueueBytes;
    }

    /** True once removed from its table. */
    public boolean isDead() {
        return dead;
    }

    /** True when the cached header is built, so connected output takes {@code neigh_hh_output}. */
    public boolean hasCachedHeader() {
        return hhLen > 0;
    }

    /** One line as {@code ip neigh show} prints it (no trailing space). */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(NeighTable.formatKey(key)).append(" dev ").append(dev.name());
        if (state.valid() && dev.hardHeaderLen() > 0) {
            sb.append(" lladdr ").append(new MacAddress(ha & MacAddress.MASK));
        }
        if (state != NudState.NONE) {
            sb.append(' ').append(state.name());
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "Neighbour[" + format() + (dead ? " dead" : "") + "]";
    }
}
