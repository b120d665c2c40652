package io.jnetstack.ipv4.fib;

import io.jnetstack.core.Errno;

/**
 * The answer of a FIB lookup: mirrors {@code struct fib_result}. Reusable: a lookup fills in the
 * caller's instance, so it allocates nothing.
 *
 * <p>On a hit {@link #error()} is null and {@link #route()}, {@link #nexthop()} and the rest
 * describe the route chosen. On a miss {@link #error()} says why: ENETUNREACH (no route),
 * EINVAL (blackhole), EHOSTUNREACH (unreachable), EACCES (prohibit), or, from a single
 * {@link FibTable}, EAGAIN (no route there, or a throw route). For a reject route
 * {@link #route()}, {@link #type()} and the prefix are filled in too.
 */
public final class FibResult {
    Errno error;
    Route route;
    RouteType type;
    int prefix;
    int prefixLen;
    int table;
    NextHop nexthop;
    int nhSel = -1;
    /** True when the route has more than one nexthop, so {@link Fib} picks one (saves a read of the route). */
    boolean multipath;
    FibRule rule;

    /** An empty result. */
    public FibResult() {
    }

    /** Clears the result. */
    public void reset() {
        error = null;
        route = null;
        type = null;
        prefix = 0;
        prefixLen = 0;
        table = 0;
        nexthop = null;
        nhSel = -1;
        multipath = false;
        rule = null;
    }

    /*
     * The lookup fills this object in place, usually many times with the same type, nexthop,
     * error and rule. Reference fields are written only when they change: under G1 each
     * reference store into an old object pays a post-write barrier (a card check and a memory
     * fence), several nanoseconds per field on the hot path.
     */

    /**
     * A hit on {@code r}, nexthop 0 being {@code nh} and the only one: what the single-route fast
     * path of {@link FibTable#lookup} knows without reading the route.
     */
    void setHit(Route r, RouteType t, int pfx, int len, int tableId, NextHop nh) {
        if (route != r) {
            route = r;
        }
        if (type != t) {
            type = t;
        }
        if (nexthop != nh) {
            nexthop = nh;
        }
        if (error != null) {
            error = null;
        }
        prefix = pfx;
        prefixLen = len;
        table = tableId;
        nhSel = 0;
        multipath = false;
    }

    /** No route in a table: the route is null and the error EAGAIN; the other fields are stale. */
    void setNoRoute() {
        if (route != null) {
            route = null;
        }
        if (error != Errno.EAGAIN) {
            error = Errno.EAGAIN;
        }
    }

    /** The policy rule that gave the answer. */
    void setRule(FibRule r) {
        if (rule != r) {
            rule = r;
        }
    }

    void set(int tableId, Route r, int nh) {
        route = r;
        type = r.type();
        prefix = r.prefix();
        prefixLen = r.len();
        table = tableId;
        nhSel = nh;
        nexthop = nh < 0 ? null : r.nexthop(nh);
        multipath = r.nexthopCount() > 1;
    }

    /** Null on a hit; otherwise why there is no usable route. */
    public Errno error() {
        return error;
    }

    /** True on a hit. */
    public boolean ok() {
        return error == null && route != null;
    }

    /** The route matched ({@code fi} with its alias), or null. */
    public Route route() {
        return route;
    }

    /** The route's type ({@code res->type}), or null. */
    public RouteType type() {
        return type;
    }

    /** The route's scope, or null. */
    public Scope scope() {
        return route == null ? null : route.scope();
    }

    /** The matched prefix ({@code res->prefix}). */
    public int prefix() {
        return prefix;
    }

    /** The matched prefix length ({@code res->prefixlen}). */
    public int prefixLen() {
        return prefixLen;
    }

    /** The id of the table the route came from ({@code res->table}). */
    public int table() {
        return table;
    }

    /** The nexthop chosen ({@code res->nhc}), or null for a reject route. */
    public NextHop nexthop() {
        return nexthop;
    }

    /** The index of the chosen nexthop in the route ({@code res->nh_sel}), or -1. */
    public int nhSel() {
        return nhSel;
    }

    /** The policy rule that led to the answer, or null for a lookup in one table. */
    public FibRule rule() {
        return rule;
    }

    /** The route's metrics, or {@link RouteMetrics#NONE}. */
    public RouteMetrics metrics() {
        return route == null ? RouteMetrics.NONE : route.metrics();
    }

    /** The route's preferred source address, or 0. Mirrors {@code fib_result_prefsrc()} without address selection. */
    public int prefsrc() {
        return route == null ? 0 : route.prefsrc();
    }

    @Override
    public String toString() {
        if (route == null) {
            return "FibResult[" + (error == null ? "empty" : error.name()) + "]";
        }
        return "FibResult[" + (error == null ? "" : error.name() + " ") + route.format(true)
                + (nexthop == null ? "" : " (nexthop " + nhSel + ")") + "]";
    }
}
