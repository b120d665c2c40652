package io.jnetstack.ipv4.fib;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.NetDevice;

import java.util.ArrayList;
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

    /** A nexthop array shared by the routes that use it, with their count. */
    private static final class SharedNexthops {
        final NextHop[] nexthops;
        int users;

        SharedNexthops(NextHop[] nexthops) {
            this.nexthops = nexthops;
        }
    }

    private final int id;
    /** Per prefix: a {@link Route}, or a {@code Route[]} of two or more in lookup order. */
    private final FibTrie<Object> trie = new FibTrie<>();
    private final HashMap<List<NextHop>, SharedNexthops> shared = new HashMap<>();
    private int routeCount;

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

    /** Stores the routes of a prefix: none removes it, one is stored bare, more as an array. */
    private void store(int prefix, int len, Route[] rs) {
        if (rs.length == 0) {
            trie.remove(prefix, len);
        } else {
            trie.insert(prefix, len, rs.length == 1 ? rs[0] : rs);
        }
    }

    /** {@code r} using the shared nexthop array equal to its own. Mirrors {@code fib_find_info()}. */
    private Route share(Route r) {
        NextHop[] nhs = r.nexthopArray();
        if (nhs.length == 0) {
            return r;
        }
        SharedNexthops s = shared.computeIfAbsent(List.of(nhs), k -> new SharedNexthops(nhs));
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
        }
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
        Object v = trie.lookup(dst);
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
        res.route = null;
        res.error = Errno.EAGAIN;
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
