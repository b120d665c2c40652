package io.jnetstack.ipv4.fib;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.NetDevice;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;

/**
 * One routing table ({@code ip route show table NAME}). Mirrors {@code struct fib_table} with
 * {@code fib_table_insert()}, {@code fib_table_delete()}, {@code fib_table_lookup()} and
 * {@code fib_table_flush()}.
 *
 * <p>Routes are kept per prefix in a {@link FibTrie}: the value of a prefix is its {@link Route}
 * when it has one (the common case, one memory access from the trie to the route), or a
 * {@code Route[]} in lookup order when it has several. The routes to one prefix (Linux's aliases
 * in a leaf) are ordered by TOS, highest first, then by priority, lowest first; routes with equal
 * TOS and priority stay in insertion order ({@code append}) or go first ({@code prepend}). Routes
 * with equal nexthops share one nexthop array, as Linux routes share a {@code fib_info}
 * ({@code fib_find_info()}), so a full table's lookups find nexthops and devices in cache.
 *
 * <p>A lookup takes the longest prefix containing the destination, then the first of its routes
 * that fits the flow: its TOS is 0 or equals the flow's DSCP bits, its scope is at least the
 * flow's, and (for nexthop-based types) it has a nexthop whose device is up and, when the flow
 * names an output interface, is that interface. A reject route that fits ends the lookup with its
 * error. When no route of the prefix fits, the lookup backs off to the next shorter prefix
 * containing the destination, down to the default route.
 *
 * <p><b>Fast path.</b> Most prefixes of a large table have one route of tos 0 with one nexthop.
 * For those the table keeps, in arrays indexed by the trie's prefix id ({@link FibTrie#lookupId}),
 * a packed <em>hot word</em> (prefix length, scope, type, and the slot of the route's nexthop in a
 * small table-wide array) and the route reference itself. A lookup for such a prefix then reads
 * the trie, the two per-id array slots (independent loads the CPU overlaps), the nexthop and its
 * device (few and shared, so in cache), and fills the {@link FibResult} with references only: it
 * never touches the {@link Route} object, which for a large table is a cache miss. Every other
 * case (several routes, tos, reject types, multipath, a failed check needing backtracking) takes
 * the general walk, with the same results.
 *
 * <p>Not thread-safe: used under the kernel lock. Lookups allocate nothing.
 */
public final class FibTable {
    /** RT_TABLE_UNSPEC. */
    public static final int UNSPEC = 0;
    /** RT_TABLE_DEFAULT: looked up last by the default rules. */
    public static final int DEFAULT = 253;
    /** RT_TABLE_MAIN: where {@code ip route add} puts routes. */
    public static final int MAIN = 254;
    /** RT_TABLE_LOCAL: local and broadcast addresses, looked up first. */
    public static final int LOCAL = 255;

    /** NLM_F_REPLACE: replace the first route with the same TOS and priority. */
    public static final int NLM_F_REPLACE = 0x100;
    /** NLM_F_EXCL: fail with EEXIST when a route with the same TOS and priority exists. */
    public static final int NLM_F_EXCL = 0x200;
    /** NLM_F_CREATE: create the route when none with the same TOS and priority exists. */
    public static final int NLM_F_CREATE = 0x400;
    /** NLM_F_APPEND: add after the routes with the same TOS and priority. */
    public static final int NLM_F_APPEND = 0x800;

    /** {@code ip route add}. */
    public static final int ADD = NLM_F_CREATE | NLM_F_EXCL;
    /** {@code ip route replace}. */
    public static final int REPLACE = NLM_F_CREATE | NLM_F_REPLACE;
    /** {@code ip route append}. */
    public static final int APPEND = NLM_F_CREATE | NLM_F_APPEND;
    /** {@code ip route prepend}. */
    public static final int PREPEND = NLM_F_CREATE;
    /** {@code ip route change}. */
    public static final int CHANGE = NLM_F_REPLACE;

    private static final int HIT = 1;
    private static final int REJECT = 2;
    private static final int NEXT = 0;
    private static final Route[] NO_ROUTES = new Route[0];

    /** Hot word: the prefix length (bits 0..5). */
    private static final long HOT_LEN = 0x3F;
    /** Hot word: the fast path applies (one route, tos 0, no error type, one nexthop with a slot). */
    private static final long HOT_FAST = 0x40;
    /** Hot word: shift of the route's scope value (8 bits). */
    private static final int HOT_SCOPE_SHIFT = 8;
    /** Hot word: shift of the route type's ordinal (8 bits). */
    private static final int HOT_TYPE_SHIFT = 16;
    /** Hot word: shift of the nexthop slot (32 bits). */
    private static final int HOT_SLOT_SHIFT = 32;

    /**
     * A nexthop array shared by the routes that use it, with their count. A single-nexthop array
     * also owns a slot of {@link #slotNexthop} for the fast path.
     */
    private static final class SharedNexthops {
        final NextHop[] nexthops;
        int users;
        int slot = -1;

        SharedNexthops(NextHop[] nexthops) {
            this.nexthops = nexthops;
        }
    }

    private final int id;
    /** Per prefix: a {@link Route}, or a {@code Route[]} of two or more in lookup order. */
    private final FibTrie<Object> trie = new FibTrie<>();
    private final HashMap<List<NextHop>, SharedNexthops> shared = new HashMap<>();
    private int routeCount;
    /** Per trie prefix id: the hot word of the prefix (see {@code HOT_*}); 0 (no fast path) for id 0 and unused ids. */
    private long[] hot = new long[16];
    /** Per trie prefix id: the prefix's only route when its hot word has {@link #HOT_FAST}, else null. */
    private Route[] single = new Route[16];
    /** By slot: the nexthop of a shared single-nexthop array; null for a free slot. */
    private NextHop[] slotNexthop = new NextHop[16];
    private int slotHigh;
    private int[] freeSlots = new int[16];
    private int freeSlotCount;
    /** The route types by ordinal, to decode hot words. */
    private final RouteType[] types = RouteType.values();

    /** An empty table with id {@code id}. Mirrors {@code fib_trie_table()}. */
    public FibTable(int id) {
        this.id = id;
    }

    /** The table id. */
    public int id() {
        return id;
    }

    /** The table's name: local, main, default, or its number. */
    public String name() {
        return tableName(id);
    }

    /** The name of table {@code id} as iproute2 prints it. */
    public static String tableName(int id) {
        return switch (id) {
            case LOCAL -> "local";
            case MAIN -> "main";
            case DEFAULT -> "default";
            case UNSPEC -> "unspec";
            default -> Integer.toUnsignedString(id);
        };
    }

    /** How many routes the table holds. */
    public int size() {
        return routeCount;
    }

    /** How many distinct prefixes the table holds. */
    public int prefixes() {
        return trie.size();
    }

    /** The trie under the table (for diagnostics: memory, shape). */
    FibTrie<Object> trie() {
        return trie;
    }

    // ---------------------------------------------------------------- changes

    /** Adds a route as {@code ip route add}: EEXIST when one with the same TOS and priority exists. */
    public void add(Route route) {
        add(route, ADD);
    }

    /**
     * Adds or replaces a route, with {@code NLM_F_*} flags as {@code ip route} sends them
     * ({@link #ADD}, {@link #REPLACE}, {@link #APPEND}, {@link #PREPEND}, {@link #CHANGE}).
     * Mirrors {@code fib_table_insert()}.
     *
     * @throws ErrnoException EEXIST with {@code NLM_F_EXCL} when a route with the same TOS and
     *                        priority exists, or without it when an identical route does;
     *                        ENOENT without {@code NLM_F_CREATE} when there is nothing to
     *                        replace; EINVAL when the route belongs to another table; ENODEV
     *                        when a nexthop has no device
     */
    public void add(Route route, int flags) {
        checkRoute(route);
        Route[] rs = routesOf(trie.get(route.prefix(), route.len()));
        int pos = 0;
        while (pos < rs.length && !(rs[pos].tos() < route.tos()
                || (rs[pos].tos() == route.tos() && Integer.compareUnsigned(rs[pos].priority(), route.priority()) >= 0))) {
            pos++;
        }
        int insertAt = pos;
        if (pos < rs.length && sameKey(rs[pos], route)) {
            if ((flags & NLM_F_EXCL) != 0) {
                throw new ErrnoException(Errno.EEXIST, "a route to " + describe(route) + " with tos " + Prefixes.tos(route.tos())
                        + " and metric " + Integer.toUnsignedString(route.priority()) + " exists in table " + name()
                        + ": use replace or append, or another metric");
            }
            int runEnd = pos;
            int identical = -1;
            while (runEnd < rs.length && sameKey(rs[runEnd], route)) {
                if (identical < 0 && rs[runEnd].sameInfo(route)) {
                    identical = runEnd;
                }
                runEnd++;
            }
            if ((flags & NLM_F_REPLACE) != 0) {
                if (identical > pos) {
                    throw new ErrnoException(Errno.EEXIST, "an identical route exists in table " + name() + ": " + route.format(false));
                }
                Route[] copy = rs.clone();
                copy[pos] = share(route);
                release(rs[pos]);
                store(route.prefix(), route.len(), copy);
                return;
            }
            if (identical >= 0) {
                throw new ErrnoException(Errno.EEXIST, "an identical route exists in table " + name() + ": " + route.format(false));
            }
            if ((flags & NLM_F_APPEND) != 0) {
                insertAt = runEnd;
            }
        }
        if ((flags & NLM_F_CREATE) == 0) {
            throw new ErrnoException(Errno.ENOENT, "no route to " + describe(route) + " with that tos and metric in table "
                    + name() + " to change; use add or replace");
        }
        Route[] grown = new Route[rs.length + 1];
        System.arraycopy(rs, 0, grown, 0, insertAt);
        grown[insertAt] = share(route);
        System.arraycopy(rs, insertAt, grown, insertAt + 1, rs.length - insertAt);
        store(route.prefix(), route.len(), grown);
        routeCount++;
    }

    /**
     * Deletes the first route selected by {@code m}, as {@code ip route del}. Mirrors
     * {@code fib_table_delete()}.
     *
     * @return the route deleted
     * @throws ErrnoException ESRCH (see {@link FibErrors#ESRCH}) when no route matches
     */
    public Route delete(RouteMatch m) {
        for (Route r : routesOf(trie.get(m.prefix(), m.len()))) {
            if (m.matches(r)) {
                removeRoute(r);
                return r;
            }
        }
        throw new ErrnoException(FibErrors.ESRCH, "no such route in table " + name() + ": " + m);
    }

    /**
     * Removes the routes through {@code dev} that die with it: on unregister every route with a
     * nexthop on {@code dev}; on down those whose every nexthop is on {@code dev} or on another
     * device that is down. Routes without nexthops stay. Mirrors {@code fib_sync_down_dev()}
     * followed by {@code fib_table_flush()}.
     *
     * @return how many routes were removed
     */
    public int flushDevice(NetDevice dev, boolean unregister) {
        List<Route> doomed = new ArrayList<>();
        trie.forEach((p, l, v) -> {
            for (Route r : routesOf(v)) {
                if (diesWith(r, dev, unregister)) {
                    doomed.add(r);
                }
            }
        });
        for (Route r : doomed) {
            removeRoute(r);
        }
        return doomed.size();
    }

    /** Removes every route. */
    public void clear() {
        trie.clear();
        shared.clear();
        routeCount = 0;
        hot = new long[16];
        single = new Route[16];
        slotNexthop = new NextHop[16];
        slotHigh = 0;
        freeSlotCount = 0;
    }

    private static boolean diesWith(Route r, NetDevice dev, boolean unregister) {
        if (!r.usesDevice(dev)) {
            return false;
        }
        if (unregister) {
            return true;
        }
        for (int i = 0; i < r.nexthopCount(); i++) {
            NextHop nh = r.nexthop(i);
            if (nh.dev() != dev && nh.alive()) {
                return false;
            }
        }
        return true;
    }

    /** Removes {@code r}, a route stored in this table. */
    private void removeRoute(Route r) {
        Route[] rs = routesOf(trie.get(r.prefix(), r.len()));
        int i = 0;
        while (rs[i] != r) {
            i++;
        }
        Route[] shrunk = new Route[rs.length - 1];
        System.arraycopy(rs, 0, shrunk, 0, i);
        System.arraycopy(rs, i + 1, shrunk, i, rs.length - i - 1);
        store(r.prefix(), r.len(), shrunk);
        release(r);
        routeCount--;
    }

    /** The routes to a prefix from its trie value. */
    private static Route[] routesOf(Object v) {
        if (v == null) {
            return NO_ROUTES;
        }
        return v instanceof Route r ? new Route[] {r} : (Route[]) v;
    }

    /**
     * Stores the routes of a prefix: none removes it, one is stored bare, more as an array. Keeps
     * the prefix's hot word and single-route slot (indexed by its trie id) in step.
     */
    private void store(int prefix, int len, Route[] rs) {
        if (rs.length == 0) {
            int id = trie.idOf(prefix, len);
            trie.remove(prefix, len);
            hot[id] = 0;
            single[id] = null;
        } else {
            trie.insert(prefix, len, rs.length == 1 ? rs[0] : rs);
            int id = trie.idOf(prefix, len);
            if (id >= hot.length) {
                int cap = Math.max(trie.idCapacity(), hot.length * 2);
                hot = Arrays.copyOf(hot, cap);
                single = Arrays.copyOf(single, cap);
            }
            long h = hotWord(rs);
            hot[id] = h;
            single[id] = (h & HOT_FAST) != 0 ? rs[0] : null;
        }
    }

    /** The hot word of a prefix with routes {@code rs} (see {@code HOT_*}). */
    private long hotWord(Route[] rs) {
        Route r = rs[0];
        long h = r.len() | ((long) r.scope().value() << HOT_SCOPE_SHIFT) | ((long) r.type().ordinal() << HOT_TYPE_SHIFT);
        if (rs.length == 1 && r.tos() == 0 && r.type().error() == null && r.nexthopCount() == 1) {
            SharedNexthops s = shared.get(List.of(r.nexthopArray()));
            if (s != null && s.nexthops == r.nexthopArray() && s.slot >= 0) {
                h |= HOT_FAST | ((long) s.slot << HOT_SLOT_SHIFT);
            }
        }
        return h;
    }

    /** {@code r} using the shared nexthop array equal to its own. Mirrors {@code fib_find_info()}. */
    private Route share(Route r) {
        NextHop[] nhs = r.nexthopArray();
        if (nhs.length == 0) {
            return r;
        }
        SharedNexthops s = shared.computeIfAbsent(List.of(nhs), k -> new SharedNexthops(nhs));
        if (s.users == 0 && nhs.length == 1) {
            s.slot = newSlot(nhs[0]);
        }
        s.users++;
        return s.nexthops == nhs ? r : r.withSharedNexthops(s.nexthops);
    }

    /** Drops a stored route's use of its shared nexthop array. Mirrors {@code fib_release_info()}. */
    private void release(Route r) {
        NextHop[] nhs = r.nexthopArray();
        if (nhs.length == 0) {
            return;
        }
        List<NextHop> key = List.of(nhs);
        SharedNexthops s = shared.get(key);
        if (--s.users == 0) {
            shared.remove(key);
            if (s.slot >= 0) {
                freeSlot(s.slot);
            }
        }
    }

    /** A free slot of {@link #slotNexthop} holding {@code nh}. */
    private int newSlot(NextHop nh) {
        int slot;
        if (freeSlotCount > 0) {
            slot = freeSlots[--freeSlotCount];
        } else {
            if (slotHigh == slotNexthop.length) {
                slotNexthop = Arrays.copyOf(slotNexthop, slotHigh * 2);
            }
            slot = slotHigh++;
        }
        slotNexthop[slot] = nh;
        return slot;
    }

    private void freeSlot(int slot) {
        slotNexthop[slot] = null;
        if (freeSlotCount == freeSlots.length) {
            freeSlots = Arrays.copyOf(freeSlots, freeSlotCount * 2);
        }
        freeSlots[freeSlotCount++] = slot;
    }

    private void checkRoute(Route route) {
        if (route.table() != id) {
            throw new ErrnoException(Errno.EINVAL, "route " + route.format(true) + " belongs to table " + tableName(route.table())
                    + ", not " + name());
        }
        for (int i = 0; i < route.nexthopCount(); i++) {
            if (route.nexthop(i).dev() == null) {
                throw new ErrnoException(Errno.ENODEV, "nexthop " + route.nexthop(i) + " has no device: give one, or add the route"
                        + " through Fib.addRoute to resolve it from the gateway");
            }
        }
    }

    private static boolean sameKey(Route a, Route b) {
        return a.tos() == b.tos() && a.priority() == b.priority();
    }

    private static String describe(Route r) {
        return Prefixes.dst(r.prefix(), r.len());
    }

    // ---------------------------------------------------------------- lookup

    /**
     * Looks up {@code key} in this table alone. Mirrors {@code fib_table_lookup()}: the longest
     * prefix first, the first fitting route of it, backtracking to shorter prefixes. Allocates
     * nothing and never throws.
     *
     * @return true with {@code res} filled in when a usable route was found; false otherwise,
     *         with {@code res.error()} EAGAIN when the table has no answer (no route: the route
     *         is null and the other fields are stale; or a throw route: it is filled in) or the
     *         reject route's error (EINVAL, EHOSTUNREACH, EACCES) with the route filled in
     */
    public boolean lookup(FlowKey key, FibResult res) {
        int dst = key.dst();
        int pid = trie.lookupId(dst);
        long h = hot[pid];
        if ((h & HOT_FAST) != 0 && ((int) (h >>> HOT_SCOPE_SHIFT) & 0xFF) >= key.scope()) {
            // One route, tos 0, one nexthop: decided without reading the Route (see the class comment).
            NextHop nh = slotNexthop[(int) (h >>> HOT_SLOT_SHIFT)];
            NetDevice dev = nh.dev();
            int oif = (key.flags() & FlowKey.SKIP_NH_OIF) != 0 ? 0 : key.oif();
            if (dev.isUp() && (oif == 0 || dev.ifindex() == oif)) {
                int len = (int) (h & HOT_LEN);
                res.setHit(single[pid], types[(int) (h >>> HOT_TYPE_SHIFT) & 0xFF], dst & Prefixes.mask(len), len, id, nh);
                return true;
            }
        }
        return walk(key, res, dst, trie.valueOf(pid));
    }

    /**
     * The general lookup from {@code v}, the routes of the longest matching prefix: the first
     * fitting route of each prefix, backtracking to shorter ones.
     */
    private boolean walk(FlowKey key, FibResult res, int dst, Object v) {
        while (v != null) {
            int verdict;
            int len;
            if (v instanceof Route r) {
                verdict = checkRoute(r, key, res);
                len = r.len();
            } else {
                Route[] rs = (Route[]) v;
                verdict = NEXT;
                for (int i = 0; i < rs.length && verdict == NEXT; i++) {
                    verdict = checkRoute(rs[i], key, res);
                }
                len = rs[0].len();
            }
            if (verdict != NEXT) {
                return verdict == HIT;
            }
            v = trie.lookupShorter(dst, len);
        }
        res.setNoRoute();
        return false;
    }

    /** Tries one route of the matching prefix. Mirrors the alias walk of {@code fib_table_lookup()}. */
    private int checkRoute(Route r, FlowKey key, FibResult res) {
        if ((r.tos() != 0 && r.tos() != (key.tos() & Route.TOS_MASK)) || r.scope().value() < key.scope()) {
            return NEXT;
        }
        Errno err = r.type().error();
        if (err != null) {
            res.set(id, r, -1);
            res.error = err;
            return REJECT;
        }
        int nh = goodNexthop(r, key);
        if (nh < 0) {
            return NEXT;
        }
        res.set(id, r, nh);
        res.error = null;
        return HIT;
    }

    /** The first nexthop that is alive and on the flow's output interface, or -1. Mirrors {@code fib_lookup_good_nhc()}. */
    private static int goodNexthop(Route r, FlowKey key) {
        int oif = (key.flags() & FlowKey.SKIP_NH_OIF) != 0 ? 0 : key.oif();
        for (int i = 0, n = r.nexthopCount(); i < n; i++) {
            NextHop nh = r.nexthop(i);
            NetDevice dev = nh.dev();
            if (dev.isUp() && (oif == 0 || dev.ifindex() == oif)) {
                return i;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- listing

    /**
     * Every route in the order {@code ip route show} dumps them: by prefix address; for one
     * address, longer prefixes first (a Linux leaf keeps its aliases by prefix length, longest
     * first); for one prefix, in lookup order.
     */
    public List<Route> routes() {
        List<Route> out = new ArrayList<>(routeCount);
        List<Route[]> sameAddress = new ArrayList<>();
        trie.forEach((p, l, v) -> {
            if (!sameAddress.isEmpty() && sameAddress.get(0)[0].prefix() != p) {
                flushReversed(sameAddress, out);
            }
            sameAddress.add(routesOf(v));
        });
        flushReversed(sameAddress, out);
        return out;
    }

    private static void flushReversed(List<Route[]> groups, List<Route> out) {
        for (int i = groups.size() - 1; i >= 0; i--) {
            Collections.addAll(out, groups.get(i));
        }
        groups.clear();
    }

    /** The routes to exactly {@code prefix/len}, in lookup order. */
    public List<Route> routes(int prefix, int len) {
        return List.of(routesOf(trie.get(prefix, len)));
    }

    /**
     * The table as {@code ip route show table NAME} prints it: one line per route (a multipath
     * route continues on {@code nexthop} lines), without the {@code table} word.
     */
    public String format() {
        StringBuilder sb = new StringBuilder();
        for (Route r : routes()) {
            sb.append(r.format(false)).append('\n');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "FibTable[" + name() + ", " + routeCount + " routes]";
    }
}
