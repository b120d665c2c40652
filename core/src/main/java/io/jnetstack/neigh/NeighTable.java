package io.jnetstack.neigh;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.IfFlags;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;
import io.jnetstack.time.Timer;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.MacAddress;

import java.util.ArrayList;
import java.util.List;

/**
 * A neighbour table: protocol addresses on a device mapped to link-layer addresses, resolved on
 * demand, validated by Neighbour Unreachability Detection and garbage collected. One per
 * namespace per protocol ({@code arp_tbl} for IPv4). Mirrors {@code struct neigh_table} and
 * {@code net/core/neighbour.c}; the protocol plugs in through {@link NeighOps}.
 *
 * <pre>
 * ip_finish_output2 → output (neigh_output)
 *     connected, header cached → neigh_hh_output → dev_queue_xmit
 *     else n->output:  neigh_resolve_output → neigh_event_send → __neigh_event_send
 *                          (NONE/FAILED: INCOMPLETE, queue, neigh_probe → ops.solicit;
 *                           STALE: DELAY, send with the old address)
 *                      neigh_connected_output → dev_hard_header → dev_queue_xmit
 * answer → update (neigh_update) → neigh_connect → each queued packet: n->output
 * timer  → neigh_timer_handler: REACHABLE→STALE|DELAY, DELAY→REACHABLE|PROBE,
 *          INCOMPLETE/PROBE: probe again every retrans_time, or FAILED (ops.errorReport)
 * </pre>
 *
 * <p>The states follow RFC 4861 §7.3 as Linux applies them to ARP, which gives RFC 1122
 * §2.3.2.1's cache validation: entries are confirmed by the protocol (an ARP reply) or by upper
 * layers ({@link #confirm}, TCP making progress), and re-probed with unicast before being
 * trusted again. Parameters are sysctls with Linux's names and defaults under
 * {@code <sysctlPrefix>.default.} (see {@link NeighParms}).
 *
 * <p>Concurrency: everything runs under the kernel lock (timers included). No exception escapes
 * the data path ({@link #output}, {@link #update}, {@link #lookupOrCreate}): drops are counted
 * with a {@link DropReason}. Administrative calls ({@link #addStatic}, {@link #replace},
 * {@link #delete}) throw {@link ErrnoException} on misuse.
 */
public final class NeighTable {
    /** May replace a different known address. Mirrors {@code NEIGH_UPDATE_F_OVERRIDE}. */
    public static final int UPDATE_F_OVERRIDE = 0x01;
    /**
     * A different address does not replace a connected one but makes it STALE, so it is
     * re-probed. Mirrors {@code NEIGH_UPDATE_F_WEAK_OVERRIDE}.
     */
    public static final int UPDATE_F_WEAK_OVERRIDE = 0x02;
    /** An administrative change: may touch NOARP and PERMANENT entries. Mirrors {@code NEIGH_UPDATE_F_ADMIN}. */
    public static final int UPDATE_F_ADMIN = 0x80;

    /** Forced collection only when the last one was longer ago than this (5 s, as Linux). */
    static final long FORCED_GC_INTERVAL = 5_000_000_000L;
    /** How often the reachable time is drawn again (300 s, as Linux). */
    static final long RERANDOMISE_INTERVAL = 300_000_000_000L;
    private static final int INITIAL_BUCKETS = 8;

    /**
     * Counters, as {@code /proc/net/stat/arp_cache} shows them. Mirrors
     * {@code struct neigh_statistics}. Public fields; the protocol counts the received probes.
     */
    public static final class Stats {
        /** Entries allocated. */
        public long allocs;
        /** Entries destroyed. */
        public long destroys;
        /** Times the hash table grew. */
        public long hashGrows;
        /** Calls of {@link NeighTable#lookup}. */
        public long lookups;
        /** Lookups that found an entry. */
        public long hits;
        /** Resolutions that failed (entries turned FAILED with their queue reported). */
        public long resFailed;
        /** Multicast/broadcast probes received (counted by the protocol). */
        public long rcvProbesMcast;
        /** Unicast probes received (counted by the protocol). */
        public long rcvProbesUcast;
        /** Runs of the periodic collector ({@code neigh_periodic_work}). */
        public long periodicGcRuns;
        /** Runs of the forced collector ({@code neigh_forced_gc}). */
        public long forcedGcRuns;
        /** Queued packets dropped because the unresolved queue was full. */
        public long unresDiscards;
        /** Allocations refused because the table was full (gc_thresh3). */
        public long tableFulls;
    }

    private final Net net;
    private final Kernel kernel;
    private final String name;
    private final int protocol;
    private final NeighOps ops;
    private final NeighParms parms;
    private final Stats stats = new Stats();
    private final NeighNud nud;
    private final NeighOutput out;
    private final Tracer tracer;
    private final Timer gcTimer;
    private final int hashRnd;
    private Neighbour[] buckets = new Neighbour[INITIAL_BUCKETS];
    private Neighbour head;
    private Neighbour tail;
    private int entries;
    private int gcEntries;
    private long lastFlush;
    private long lastRand;

    /**
     * A table for one protocol in {@code net}. Mirrors {@code neigh_table_init()} and
     * {@code neigh_sysctl_register()} for the default parameters.
     *
     * @param net          the namespace
     * @param name         the table's name, as {@code /proc/net/stat} names it ("arp_cache")
     * @param sysctlPrefix where the parameters live ("net.ipv4.neigh")
     * @param protocol     the EtherType put in link-layer headers (0x0800)
     * @param ops          the protocol's solicit and error report
     * @throws IllegalStateException when a table with this prefix exists in {@code net} already
     */
    public NeighTable(Net net, String name, String sysctlPrefix, int protocol, NeighOps ops) {
        this.net = net;
        this.kernel = net.kernel();
        this.name = name;
        this.protocol = protocol;
        this.ops = ops;
        this.tracer = kernel.tracer();
        this.parms = new NeighParms(net.sysctls(), sysctlPrefix, kernel.random("neigh " + name + " " + net.name()));
        this.hashRnd = kernel.random("neigh hash " + name + " " + net.name()).nextInt() | 1;
        this.out = new NeighOutput(this);
        this.nud = new NeighNud(this);
        this.gcTimer = kernel.timers().newTimer("neigh_periodic_work " + name + " " + net.name(), this::periodicWork);
        long now = now();
        this.lastFlush = now;
        this.lastRand = now + parms.reachableTime() * 20;
    }

    // ---------------------------------------------------------------- accessors

    /** The namespace. */
    public Net net() {
        return net;
    }

    /** The table's name ("arp_cache"). */
    public String name() {
        return name;
    }

    /** The EtherType of link-layer headers built for this table. */
    public int protocol() {
        return protocol;
    }

    /** The counters. */
    public Stats stats() {
        return stats;
    }

    /** The current randomised reachable time in nanoseconds ({@code neigh_parms.reachable_time}). */
    public long reachableTime() {
        return parms.reachableTime();
    }

    /** Number of entries ({@code tbl->entries}). */
    public int size() {
        return entries;
    }

    Kernel kernel() {
        return kernel;
    }

    NeighParms parms() {
        return parms;
    }

    NeighNud nud() {
        return nud;
    }

    NeighOutput out() {
        return out;
    }

    NeighOps ops() {
        return ops;
    }

    Tracer tracer() {
        return tracer;
    }

    long now() {
        return kernel.clock().nanos();
    }

    // ---------------------------------------------------------------- data path

    /**
     * The entry for {@code key} on {@code dev}, or null, counting a lookup (and a hit). Mirrors
     * {@code neigh_lookup()}. The output path uses {@link #lookupOrCreate}, which counts nothing.
     */
    public Neighbour lookup(int key, NetDevice dev) {
        stats.lookups++;
        Neighbour n = find(key, dev);
        if (n != null) {
            stats.hits++;
        }
        return n;
    }

    /**
     * The entry for {@code key} on {@code dev}, created (state NONE, or NOARP where no
     * resolution is needed) when absent. Mirrors {@code __ipv4_neigh_lookup_noref()} followed by
     * {@code __neigh_create()}: creation may run the forced collector, and returns null when the
     * table is full (gc_thresh3 entries that cannot be collected; counted in
     * {@link Stats#tableFulls}). The caller then drops its packet (Linux:
     * {@code SKB_DROP_REASON_NEIGH_CREATEFAIL}). Allocates nothing when the entry exists.
     */
    public Neighbour lookupOrCreate(int key, NetDevice dev) {
        Neighbour n = find(key, dev);
        if (n != null) {
            return n;
        }
        return create(key, dev, (dev.flags() & IfFlags.LOOPBACK) != 0);
    }

    /**
     * Sends {@code skb} (data at the network header) to neighbour {@code n}. Mirrors
     * {@code neigh_output()}: a connected entry with a cached header goes through
     * {@code neigh_hh_output} (no allocation); anything else through the entry's output function
     * ({@code neigh_resolve_output}, {@code neigh_connected_output}, {@code neigh_direct_output}),
     * which may queue the packet while the address is resolved. The buffer is consumed whatever
     * happens.
     *
     * <p>A null {@code n} (what {@link #lookupOrCreate} returns for a full table) drops the
     * packet, so {@code output(lookupOrCreate(key, dev), skb)} is safe.
     *
     * @return a {@code NET_XMIT_*} code; {@code NET_XMIT_SUCCESS} also when the packet was queued
     *         or dropped by resolution (as Linux); a negative errno ({@code -ENETDOWN}) for a
     *         dead entry, {@code -ENOBUFS} for a null one
     */
    public int output(Neighbour n, SkBuff skb) {
        if (n == null) {
            net.drop(skb, DropReason.NEIGH_CREATEFAIL);
            return -Errno.ENOBUFS.code();
        }
        tracer.enter(Stage.NEIGH_OUTPUT, skb, net.name(), n.dev.name());
        try {
            if (n.state.connected() && n.hhLen > 0 && n.hhSrc == n.dev.mac().bits()) {
                return out.hhOutput(n, skb);
            }
            return out.call(n, skb);
        } finally {
            tracer.exit();
        }
    }

    /**
     * Makes sure {@code n} is being resolved before a packet is sent: STALE becomes DELAY, NONE or
     * FAILED becomes INCOMPLETE (the packet is queued and a solicitation sent). Mirrors
     * {@code neigh_event_send()}.
     *
     * @param skb the packet to queue while unresolved, or null
     * @return 0 when the caller may send now, 1 when the packet was queued or dropped
     */
    public int eventSend(Neighbour n, SkBuff skb) {
        return nud.eventSend(n, skb);
    }

    /**
     * Changes an entry's address and state. Mirrors {@code neigh_update()}: without
     * {@link #UPDATE_F_ADMIN}, NOARP and PERMANENT entries are left alone; a different address
     * replaces a valid one only with {@link #UPDATE_F_OVERRIDE} (with
     * {@link #UPDATE_F_WEAK_OVERRIDE} a connected entry becomes STALE instead); a STALE update
     * with the same address leaves the state as is. Becoming valid releases the queued packets
     * through the entry's output; becoming FAILED from INCOMPLETE or PROBE reports them.
     * RFC 4861 §7.2.5 and §7.3.3 describe the same rules for Neighbor Advertisements.
     *
     * @param lladdr the new address bits, or -1 for none
     * @param state  the new state
     * @param flags  {@code UPDATE_F_*}
     * @return 0, or a negative errno: {@code -EPERM} (dead entry, or NOARP/PERMANENT without
     *         ADMIN), {@code -EINVAL} (a valid state with no address known, or a null entry or
     *         state)
     */
    public int update(Neighbour n, long lladdr, NudState state, int flags) {
        if (n == null || state == null) {
            return -Errno.EINVAL.code();
        }
        return nud.update(n, lladdr, state, flags);
    }

    /**
     * Records that the address of {@code n} was learnt from the neighbour's own solicitation:
     * looks the entry up (creating it when an address is given) and makes it STALE with that
     * address. Mirrors {@code neigh_event_ns()}, which {@code arp_process} calls for requests.
     *
     * @return the entry, or null when absent and not created
     */
    public Neighbour eventNs(long lladdr, int key, NetDevice dev) {
        Neighbour n = lladdr >= 0 || dev.hardHeaderLen() == 0 ? lookupOrCreate(key, dev) : find(key, dev);
        if (n != null) {
            nud.update(n, lladdr, NudState.STALE, UPDATE_F_OVERRIDE);
        }
        return n;
    }

    /**
     * Records forward progress to {@code n} (a TCP ACK for new data), so DELAY returns to
     * REACHABLE without probing and REACHABLE lasts another reachable time. Mirrors
     * {@code neigh_confirm()} (RFC 4861 §7.3.1 upper-layer hints): only the confirmation time is
     * set; the state changes when the entry's timer next looks at it.
     */
    public void confirm(Neighbour n) {
        if (n != null) {
            n.confirmed = now();
        }
    }

    /**
     * True when {@code n} was last updated longer ago than {@code locktime}, so an ARP reply may
     * replace its address. Mirrors the test in {@code arp_process()} that guards against
     * flip-flopping between two answers (the protocol passes {@link #UPDATE_F_OVERRIDE} when
     * this holds, or for a gratuitous ARP).
     */
    public boolean pastLocktime(Neighbour n) {
        return now() - (n.updated + parms.locktime()) > 0;
    }

    // ---------------------------------------------------------------- administration

    /**
     * Adds an entry, as {@code ip neigh add KEY lladdr ADDR dev DEV nud STATE}. Mirrors
     * {@code neigh_add()} without {@code NLM_F_REPLACE}. PERMANENT entries are exempt from
     * garbage collection.
     *
     * @param lladdr the address, or -1 for states that need none (NONE, INCOMPLETE, FAILED)
     * @throws ErrnoException EEXIST when the entry exists, ENODEV when {@code dev} is not in this
     *                        namespace, EINVAL for a bad address, ENOBUFS when the table is full
     */
    public Neighbour addStatic(int key, NetDevice dev, long lladdr, NudState state) {
        checkAdmin(dev, lladdr, state);
        if (find(key, dev) != null) {
            throw new ErrnoException(Errno.EEXIST, formatKey(key) + " dev " + dev.name()
                    + " already has an entry: delete it or use replace");
        }
        return addOrReplace(key, dev, lladdr, state);
    }

    /**
     * Adds or replaces an entry, as {@code ip neigh replace}. Mirrors {@code neigh_add()} with
     * {@code NLM_F_CREATE | NLM_F_REPLACE}.
     *
     * @throws ErrnoException as {@link #addStatic}, but never EEXIST
     */
    public Neighbour replace(int key, NetDevice dev, long lladdr, NudState state) {
        checkAdmin(dev, lladdr, state);
        return addOrReplace(key, dev, lladdr, state);
    }

    private void checkAdmin(NetDevice dev, long lladdr, NudState state) {
        if (dev.net() != net) {
            throw new ErrnoException(Errno.ENODEV, dev.name() + " is not in namespace " + net.name());
        }
        if (lladdr < -1 || lladdr > MacAddress.MASK) {
            throw new ErrnoException(Errno.EINVAL, "link-layer address 0x" + Long.toHexString(lladdr) + " is not 48 bits");
        }
        if (state == null) {
            throw new ErrnoException(Errno.EINVAL, "a NUD state is required");
        }
    }

    private Neighbour addOrReplace(int key, NetDevice dev, long lladdr, NudState state) {
        Neighbour n = find(key, dev);
        boolean created = n == null;
        if (created) {
            n = create(key, dev, state == NudState.PERMANENT);
            if (n == null) {
                throw new ErrnoException(Errno.ENOBUFS, name + " is full (gc_thresh3 entries in use)");
            }
        }
        int err = nud.update(n, lladdr, state, UPDATE_F_ADMIN | UPDATE_F_OVERRIDE);
        if (err != 0) {
            if (created) {
                remove(n);
            }
            throw new ErrnoException(err == -Errno.EINVAL.code() ? Errno.EINVAL : Errno.EPERM,
                    "cannot set " + formatKey(key) + " dev " + dev.name() + " to " + state
                            + (lladdr < 0 ? " without a link-layer address" : ""));
        }
        return n;
    }

    /**
     * Deletes an entry, as {@code ip neigh del}: it becomes FAILED (reporting queued packets if it
     * was resolving) and is removed. Mirrors {@code neigh_delete()}.
     *
     * @return false when there was no such entry (Linux: ENOENT)
     */
    public boolean delete(int key, NetDevice dev) {
        Neighbour n = find(key, dev);
        if (n == null) {
            return false;
        }
        nud.update(n, -1, NudState.FAILED, UPDATE_F_OVERRIDE | UPDATE_F_ADMIN);
        if (!n.dead) {
            remove(n);
        }
        return true;
    }

    /**
     * Removes every entry of {@code dev} (every entry when null), permanent ones included, and
     * drops their queued packets. Mirrors {@code neigh_ifdown()}, which Linux runs when a device
     * goes down or is unregistered (and {@code neigh_changeaddr()} when its address changes).
     */
    public void flush(NetDevice dev) {
        flushDev(dev, false);
    }

    /**
     * Removes the entries of {@code dev} except permanent ones, as Linux does when a device loses
     * its carrier. Mirrors {@code neigh_carrier_down()}.
     */
    public void carrierDown(NetDevice dev) {
        flushDev(dev, true);
    }

    /** Mirrors {@code neigh_flush_dev()}. */
    private void flushDev(NetDevice dev, boolean skipPermanent) {
        for (Neighbour n = head, next; n != null; n = next) {
            next = n.allNext;
            if (dev != null && n.dev != dev) {
                continue;
            }
            if (skipPermanent && n.state == NudState.PERMANENT) {
                continue;
            }
            remove(n);
        }
    }

    /** The entries, oldest first. */
    public List<Neighbour> entries() {
        List<Neighbour> l = new ArrayList<>(entries);
        for (Neighbour n = head; n != null; n = n.allNext) {
            l.add(n);
        }
        return l;
    }

    /**
     * The table as {@code ip neigh show} prints it, one entry per line, oldest first; NOARP and
     * NONE entries are hidden as {@code ip neigh} hides them by default:
     * {@code 198.18.0.1 dev veth0 lladdr 02:00:00:00:00:01 REACHABLE}.
     */
    public String format() {
        return format(false);
    }

    /** The table as {@code ip neigh show} prints it, with {@code all} as {@code nud all}. */
    public String format(boolean all) {
        StringBuilder sb = new StringBuilder();
        for (Neighbour n = head; n != null; n = n.allNext) {
            if (all || (n.state != NudState.NOARP && n.state != NudState.NONE)) {
                sb.append(n.format()).append('\n');
            }
        }
        return sb.toString();
    }

    /** The counters as {@code /proc/net/stat/arp_cache} prints them (one CPU). */
    public String formatStats() {
        Stats s = stats;
        return "entries  allocs   destroys hash_grows lookups  hits     res_failed rcv_probes_mcast "
                + "rcv_probes_ucast periodic_gc_runs forced_gc_runs unresolved_discards table_fulls\n"
                + String.format("%08x %08x %08x %08x   %08x %08x %08x   %08x         %08x         %08x         "
                                + "%08x       %08x            %08x%n", entries, s.allocs, s.destroys, s.hashGrows,
                        s.lookups, s.hits, s.resFailed, s.rcvProbesMcast, s.rcvProbesUcast, s.periodicGcRuns,
                        s.forcedGcRuns, s.unresDiscards, s.tableFulls);
    }

    /** Dotted-quad text of an IPv4 key. */
    static String formatKey(int key) {
        return (key >>> 24) + "." + ((key >>> 16) & 0xff) + "." + ((key >>> 8) & 0xff) + "." + (key & 0xff);
    }

    // ---------------------------------------------------------------- hash table and lifetime

    private int bucket(int key, int length) {
        int h = key * hashRnd;
        return (h ^ (h >>> 16)) & (length - 1);
    }

    private Neighbour find(int key, NetDevice dev) {
        Neighbour[] b = buckets;
        for (Neighbour n = b[bucket(key, b.length)]; n != null; n = n.hashNext) {
            if (n.key == key && n.dev == dev) {
                return n;
            }
        }
        return null;
    }

    /**
     * Allocates, constructs and inserts an entry. Mirrors {@code neigh_alloc()} (with the forced
     * collection at gc_thresh2/gc_thresh3) and {@code ___neigh_create()}.
     */
    private Neighbour create(int key, NetDevice dev, boolean exempt) {
        long now = now();
        if (!exempt) {
            int before = gcEntries;
            int thresh3 = parms.gcThresh3();
            if (before >= thresh3 || (before >= parms.gcThresh2() && now - (lastFlush + FORCED_GC_INTERVAL) > 0)) {
                if (forcedGc(before + 1) == 0 && before >= thresh3) {
                    stats.tableFulls++;
                    return null;
                }
            }
        }
        Neighbour n = new Neighbour(this, key, dev, now);
        stats.allocs++;
        construct(n);
        n.confirmed = now - (parms.baseReachableTime() << 1);
        n.exempt = exempt;
        if (entries > buckets.length) {
            growHash();
        }
        int b = bucket(key, buckets.length);
        n.hashNext = buckets[b];
        buckets[b] = n;
        n.allPrev = tail;
        if (tail == null) {
            head = n;
        } else {
            tail.allNext = n;
        }
        tail = n;
        entries++;
        if (!exempt) {
            gcEntries++;
        }
        if (!gcTimer.pending()) {
            gcTimer.arm(now + periodicInterval());
        }
        return n;
    }

    /**
     * Decides whether {@code n} needs resolution. Mirrors {@code arp_constructor()}: devices
     * without a link-layer header get NOARP entries that send without one; addresses the protocol
     * maps itself (multicast, broadcast), and NOARP or loopback devices, get NOARP entries with a
     * fixed address (the device's own for loopback: all zeros); point-to-point links the
     * broadcast address; everything else starts NONE and resolves.
     */
    private void construct(Neighbour n) {
        NetDevice dev = n.dev;
        if (dev.hardHeaderLen() == 0) {
            n.state = NudState.NOARP;
            n.output = Neighbour.Output.DIRECT;
            return;
        }
        long fixed = ops.fixedAddress(n.key, dev);
        if (fixed < 0 && (dev.flags() & (IfFlags.NOARP | IfFlags.LOOPBACK)) != 0) {
            fixed = dev.mac().bits();
        } else if (fixed < 0 && (dev.flags() & IfFlags.POINTOPOINT) != 0) {
            fixed = MacAddress.MASK;
        }
        if (fixed >= 0) {
            n.state = NudState.NOARP;
            n.ha = fixed & MacAddress.MASK;
            n.output = Neighbour.Output.CONNECTED;
        } else {
            n.output = Neighbour.Output.RESOLVE;
        }
    }

    /** Mirrors {@code neigh_hash_grow()}: doubles the buckets. */
    private void growHash() {
        stats.hashGrows++;
        Neighbour[] nb = new Neighbour[buckets.length * 2];
        for (Neighbour n = head; n != null; n = n.allNext) {
            int b = bucket(n.key, nb.length);
            n.hashNext = nb[b];
            nb[b] = n;
        }
        buckets = nb;
    }

    /**
     * Takes {@code n} out of the table and kills it: timer stopped, queue dropped, output a black
     * hole. Mirrors {@code neigh_mark_dead()} with {@code neigh_cleanup_and_release()} and
     * {@code neigh_destroy()}.
     */
    void remove(Neighbour n) {
        if (n.dead) {
            return;
        }
        int b = bucket(n.key, buckets.length);
        if (buckets[b] == n) {
            buckets[b] = n.hashNext;
        } else {
            for (Neighbour p = buckets[b]; p != null; p = p.hashNext) {
                if (p.hashNext == n) {
                    p.hashNext = n.hashNext;
                    break;
                }
            }
        }
        if (n.allPrev == null) {
            head = n.allNext;
        } else {
            n.allPrev.allNext = n.allNext;
        }
        if (n.allNext == null) {
            tail = n.allPrev;
        } else {
            n.allNext.allPrev = n.allPrev;
        }
        n.hashNext = n.allPrev = n.allNext = null;
        entries--;
        if (!n.exempt) {
            gcEntries--;
        }
        n.dead = true;
        n.timer.cancel();
        n.output = Neighbour.Output.BLACKHOLE;
        n.hhLen = 0;
        nud.purge(n, DropReason.NEIGH_DEAD);
        stats.destroys++;
    }

    /**
     * Keeps the gc accounting right when an entry becomes or stops being PERMANENT. Mirrors
     * {@code neigh_update_gc_list()}.
     */
    void updateGcList(Neighbour n) {
        if (n.dead) {
            return;
        }
        boolean exempt = n.state == NudState.PERMANENT;
        if (exempt && !n.exempt) {
            n.exempt = true;
            gcEntries--;
        } else if (!exempt && n.exempt) {
            n.exempt = false;
            gcEntries++;
        }
    }

    // ---------------------------------------------------------------- garbage collection

    /**
     * Removes unreferenced entries that are FAILED, NOARP or not updated for 5 s, oldest first,
     * until at most gc_thresh2 collectable entries remain. An entry whose timer runs is in use
     * and kept; permanent and loopback entries are never candidates. Mirrors
     * {@code neigh_forced_gc()}.
     *
     * @param gcCount the collectable entries counted, including one about to be allocated
     * @return how many were removed
     */
    private int forcedGc(int gcCount) {
        stats.forcedGcRuns++;
        long now = now();
        int maxClean = gcCount - parms.gcThresh2();
        long tref = now - FORCED_GC_INTERVAL;
        int shrunk = 0;
        for (Neighbour n = head, next; n != null; n = next) {
            next = n.allNext;
            if (n.exempt || n.timer.pending()) {
                continue;
            }
            boolean recent = n.updated - tref >= 0 && now - n.updated >= 0;
            if (n.state == NudState.FAILED || n.state == NudState.NOARP || !recent) {
                remove(n);
                shrunk++;
            }
            if (shrunk >= maxClean) {
                break;
            }
        }
        lastFlush = now;
        return shrunk;
    }

    /**
     * The periodic collector: re-draws the reachable time every 300 s and, with at least
     * gc_thresh1 entries, removes FAILED entries and entries not used for gc_stale_time (neither
     * permanent nor in a timer state). Runs every base_reachable_time/2 while the table has
     * entries. Mirrors {@code neigh_periodic_work()}.
     */
    private void periodicWork() {
        stats.periodicGcRuns++;
        long now = now();
        if (now - (lastRand + RERANDOMISE_INTERVAL) > 0) {
            lastRand = now;
            parms.rerandomise();
        }
        if (entries >= parms.gcThresh1()) {
            collectStale(now);
        }
        if (entries > 0) {
            gcTimer.arm(now + periodicInterval());
        }
    }

    private void collectStale(long now) {
        long staleTime = parms.gcStaleTime();
        for (Neighbour n = head, next; n != null; n = next) {
            next = n.allNext;
            if (n.state.in(NudState.PERMANENT.bits() | NudState.IN_TIMER_BITS)) {
                continue;
            }
            if (n.used - n.confirmed < 0 && n.confirmed - now <= 0) {
                n.used = n.confirmed;
            }
            boolean fresh = now - n.used >= 0 && now - (n.used + staleTime) < 0;
            if (!n.timer.pending() && (n.state == NudState.FAILED || !fresh)) {
                remove(n);
            }
        }
    }

    /** base_reachable_time/2, at least 10 ms (Linux would spin on a zero base). */
    private long periodicInterval() {
        return Math.max(parms.baseReachableTime() >> 1, NeighParms.MIN_STEP);
    }

    @Override
    public String toString() {
        return "NeighTable[" + name + " " + net.name() + " entries=" + entries + "]";
    }
}
