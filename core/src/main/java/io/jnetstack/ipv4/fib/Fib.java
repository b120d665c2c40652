package io.jnetstack.ipv4.fib;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The IPv4 forwarding information base of one namespace: its routing tables and policy rules.
 * Mirrors the per-namespace FIB of {@code net/ipv4/fib_frontend.c} and {@code fib_rules.c}:
 * {@link #lookup} is {@code fib_lookup()}, {@link #addRoute} and {@link #deleteRoute} are
 * {@code inet_rtm_newroute()} and {@code inet_rtm_delroute()}, and the {@code device*} methods
 * are what {@code fib_netdev_event()} does on device events.
 *
 * <p>A new FIB has the local (255) and main (254) tables and the three default rules; other
 * tables are created when a route is added to them. Lookups walk the rules in priority order
 * and return the first table's answer (RFC 1812 §5.2.4.3: the longest match wins within a table;
 * policy chooses the table).
 *
 * <p>Not thread-safe: used under the kernel lock. {@link #lookup} allocates nothing.
 */
public final class Fib {
    private final Net net;
    private final FibRules rules;
    private final TreeMap<Integer, FibTable> tables = new TreeMap<>();
    private final int hashSeed;
    private final int loopbackIfindex;
    /** Scratch for {@link #addressType}, which runs per received packet (rp_filter, accept_local). */
    private final FlowKey typeKey = new FlowKey();
    private final FibResult typeRes = new FibResult();

    /** The FIB of {@code net}, with the local and main tables and the default rules. Mirrors {@code ip_fib_net_init()}. */
    public Fib(Net net) {
        this.net = Objects.requireNonNull(net);
        this.hashSeed = net.kernel().random("fib_multipath_hash_seed " + net.name()).nextInt();
        this.loopbackIfindex = net.loopback().ifindex();
        this.rules = new FibRules(this);
        newTable(FibTable.LOCAL);
        newTable(FibTable.MAIN);
        rules.addDefaults();
    }

    /** The namespace. */
    public Net net() {
        return net;
    }

    /** The policy rules ({@code ip rule}). */
    public FibRules rules() {
        return rules;
    }

    /** Table {@code id}, or null when it does not exist. Mirrors {@code fib_get_table()}. */
    public FibTable table(int id) {
        return tables.get(id);
    }

    /** Table {@code id}, created when it does not exist. Mirrors {@code fib_new_table()}. */
    public FibTable newTable(int id) {
        if (id == FibTable.UNSPEC) {
            throw new ErrnoException(Errno.EINVAL, "table 0 (unspec) cannot hold routes");
        }
        FibTable t = tables.get(id);
        if (t == null) {
            t = new FibTable(id);
            tables.put(id, t);
            rules.rebind();
        }
        return t;
    }

    /** The local table. */
    public FibTable local() {
        return tables.get(FibTable.LOCAL);
    }

    /** The main table. */
    public FibTable main() {
        return tables.get(FibTable.MAIN);
    }

    /** Every table, by id. */
    public List<FibTable> tables() {
        return new ArrayList<>(tables.values());
    }

    // ---------------------------------------------------------------- routes

    /** Adds a route as {@code ip route add}. */
    public void addRoute(Route route) {
        addRoute(route, FibTable.ADD);
    }

    /**
     * Adds, replaces or appends a route ({@link FibTable#ADD}, {@link FibTable#REPLACE},
     * {@link FibTable#APPEND}, ...) in its table, creating the table if needed. Checks it first
     * as {@code fib_create_info()} does: each nexthop's device must be in this namespace and up,
     * a gateway must be reachable through a route of narrower scope (and gives the device when
     * none was named) unless {@code onlink}, and a preferred source must be a local address.
     *
     * @throws ErrnoException ENODEV for a device of another namespace; ENETDOWN for a device
     *                        that is down; ENETUNREACH when a gateway has no route; EINVAL for an
     *                        invalid gateway or preferred source; and what
     *                        {@link FibTable#add(Route, int)} throws
     */
    public void addRoute(Route route, int flags) {
        Route r = resolveNexthops(route);
        checkPrefsrc(r);
        newTable(r.table()).add(r, flags);
    }

    /**
     * Deletes the first route selected by {@code m}, as {@code ip route del}.
     *
     * @return the route deleted
     * @throws ErrnoException ESRCH ({@link FibErrors#ESRCH}) when the table or the route does not exist
     */
    public Route deleteRoute(RouteMatch m) {
        FibTable t = tables.get(m.table());
        if (t == null) {
            throw new ErrnoException(FibErrors.ESRCH, "table " + FibTable.tableName(m.table()) + " does not exist");
        }
        return t.delete(m);
    }

    private Route resolveNexthops(Route route) {
        NextHop[] nhs = new NextHop[route.nexthopCount()];
        boolean changed = false;
        for (int i = 0; i < nhs.length; i++) {
            NextHop nh = route.nexthop(i);
            nhs[i] = checkNexthop(route, nh);
            changed |= nhs[i] != nh;
        }
        return changed ? route.withNexthops(nhs) : route;
    }

    /** Mirrors {@code fib_check_nh()}: {@code fib_check_nh_nongw()} and {@code fib_check_nh_v4_gw()}. */
    private NextHop checkNexthop(Route route, NextHop nh) {
        NetDevice dev = nh.dev();
        if (dev != null && dev.net() != net) {
            throw new ErrnoException(Errno.ENODEV, "device " + dev.name() + " is not in namespace " + net.name());
        }
        if (nh.gateway() == 0 || (nh.flags() & NextHop.ONLINK) != 0) {
            if (dev == null) {
                throw new ErrnoException(Errno.EINVAL, "an onlink nexthop needs a device");
            }
            if (!dev.isUp()) {
                throw new ErrnoException(Errno.ENETDOWN, "device " + dev.name() + " for the nexthop is not up");
            }
            if (nh.gateway() != 0 && addressType(nh.gateway(), FibTable.LOCAL) != RouteType.UNICAST) {
                throw new ErrnoException(Errno.EINVAL, "nexthop has invalid gateway " + Prefixes.addr(nh.gateway()));
            }
            return nh;
        }
        // The gateway must be reachable through a route of narrower scope than this one's.
        FlowKey k = new FlowKey().dst(nh.gateway()).oif(dev == null ? 0 : dev.ifindex()).scope(route.scope().value() + 1);
        FibResult res = new FibResult();
        FibTable own = route.table() != FibTable.MAIN ? tables.get(route.table()) : null;
        boolean found = own != null && own.lookup(k, res);
        if (!found && !lookup(k, res)) {
            Errno e = res.error() == null || res.error() == Errno.EAGAIN ? Errno.ENETUNREACH : res.error();
            throw new ErrnoException(e, "nexthop has invalid gateway " + Prefixes.addr(nh.gateway())
                    + ": no directly connected route reaches it" + (dev == null ? "" : " on " + dev.name()));
        }
        if (res.type() != RouteType.UNICAST && res.type() != RouteType.LOCAL) {
            throw new ErrnoException(Errno.EINVAL, "nexthop has invalid gateway " + Prefixes.addr(nh.gateway()) + " (a "
                    + res.type().linuxName() + " address)");
        }
        return dev == null ? nh.withDev(res.nexthop().dev()) : nh;
    }

    /** Mirrors {@code fib_valid_prefsrc()}. */
    private void checkPrefsrc(Route r) {
        int src = r.prefsrc();
        if (src == 0 || (r.type() == RouteType.LOCAL && r.len() == 32 && r.prefix() == src)) {
            return;
        }
        int tb = r.table() == FibTable.MAIN ? FibTable.LOCAL : r.table();
        RouteType t = addressType(src, tb);
        if (t != RouteType.LOCAL && tb != FibTable.LOCAL) {
            t = addressType(src, FibTable.LOCAL);
        }
        if (t != RouteType.LOCAL) {
            throw new ErrnoException(Errno.EINVAL, "invalid prefsrc address " + Prefixes.addr(src) + ": not a local address");
        }
    }

    /**
     * The type of {@code addr} according to table {@code tableId}: local, broadcast, multicast or
     * unicast. Mirrors {@code inet_addr_type_table()}.
     */
    public RouteType addressType(int addr, int tableId) {
        if (addr == 0 || addr == -1) {
            return RouteType.BROADCAST;
        }
        if ((addr & 0xF0000000) == 0xE0000000) {
            return RouteType.MULTICAST;
        }
        FibTable t = tables.get(tableId);
        FibResult res = typeRes;   // reused: callers hold the kernel lock; nothing per packet
        res.reset();
        if (t != null && t.lookup(typeKey.reset().dst(addr), res)) {
            return res.type();
        }
        return RouteType.UNICAST;
    }

    // ---------------------------------------------------------------- lookup

    /**
     * Looks up the route for {@code key}. Mirrors {@code fib_lookup()}: the policy rules in
     * priority order, each rule's table with {@link FibTable#lookup}, the first answer wins; then,
     * for a multipath route, {@code fib_select_multipath()} picks a nexthop by a hash of the
     * addresses, in proportion to the weights of the live nexthops. Allocates nothing and never
     * throws.
     *
     * @return true with {@code out} describing the route; false with {@code out.error()}
     *         ENETUNREACH (no route), EHOSTUNREACH (unreachable), EACCES (prohibit) or EINVAL
     *         (blackhole)
     */
    public boolean lookup(FlowKey key, FibResult out) {
        if (!rules.lookup(key, out, loopbackIfindex)) {
            return false;
        }
        if (out.multipath) {
            selectMultipath(key, out);
        }
        return true;
    }

    /** Mirrors {@code fib_select_multipath()} with the L3 hash policy ({@code fib_multipath_hash_policy} 0). */
    private void selectMultipath(FlowKey key, FibResult out) {
        Route r = out.route;
        int oif = (key.flags() & FlowKey.SKIP_NH_OIF) != 0 ? 0 : key.oif();
        long total = 0;
        for (int i = 0, n = r.nexthopCount(); i < n; i++) {
            NextHop nh = r.nexthop(i);
            if (nh.alive() && (oif == 0 || nh.oif() == oif)) {
                total += nh.weight();
            }
        }
        if (total == 0) {
            return;
        }
        long point = (Integer.toUnsignedLong(flowHash(key.src(), key.dst())) * total) >>> 32;
        for (int i = 0, n = r.nexthopCount(); i < n; i++) {
            NextHop nh = r.nexthop(i);
            if (nh.alive() && (oif == 0 || nh.oif() == oif)) {
                point -= nh.weight();
                if (point < 0) {
                    out.nhSel = i;
                    out.nexthop = nh;
                    return;
                }
            }
        }
    }

    private int flowHash(int src, int dst) {
        int h = hashSeed ^ (src * 0x9E3779B1) ^ Integer.rotateLeft(dst * 0x85EBCA77, 16);
        h ^= h >>> 15;
        h *= 0x2C1B3C6D;
        h ^= h >>> 12;
        h *= 0x297A2D39;
        return h ^ (h >>> 15);
    }

    // ---------------------------------------------------------------- device events

    /**
     * A device went down ({@code NETDEV_DOWN}): removes the routes whose nexthops are now all
     * dead. Mirrors {@code fib_disable_ip()}: {@code fib_sync_down_dev()} and {@code fib_flush()}.
     *
     * @return how many routes were removed
     */
    public int deviceDown(NetDevice dev) {
        int n = 0;
        for (FibTable t : tables.values()) {
            n += t.flushDevice(dev, false);
        }
        return n;
    }

    /**
     * A device is being unregistered ({@code NETDEV_UNREGISTER}): removes every route through it
     * and detaches rules naming it.
     *
     * @return how many routes were removed
     */
    public int deviceUnregistered(NetDevice dev) {
        int n = 0;
        for (FibTable t : tables.values()) {
            n += t.flushDevice(dev, true);
        }
        rules.rebind();
        return n;
    }

    /**
     * A device was registered or renamed: rules naming it by {@code iif}/{@code oif} attach to
     * it. Mirrors {@code fib_rules_event()}.
     */
    public void devicesChanged() {
        rules.rebind();
    }

    // ---------------------------------------------------------------- listing

    /** {@code ip route show table ID}: the table's routes, without the {@code table} word; empty for a missing table. */
    public String formatRoutes(int tableId) {
        FibTable t = tables.get(tableId);
        return t == null ? "" : t.format();
    }

    /** {@code ip route show table all}: every table's routes, naming tables other than main. */
    public String formatAllRoutes() {
        StringBuilder sb = new StringBuilder();
        for (FibTable t : tables.values()) {
            for (Route r : t.routes()) {
                sb.append(r.format(true)).append('\n');
            }
        }
        return sb.toString();
    }

    /** {@code ip rule show}. */
    public String formatRules() {
        return rules.format();
    }

    @Override
    public String toString() {
        return "Fib[" + net.name() + ", " + tables.size() + " tables, " + rules.size() + " rules]";
    }
}
