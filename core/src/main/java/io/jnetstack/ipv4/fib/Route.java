package io.jnetstack.ipv4.fib;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.NetDevice;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One route: a destination prefix in a table and what to do with packets for it. Mirrors a
 * {@code struct fib_alias} (table, prefix, TOS, type) with its {@code struct fib_info}
 * (scope, protocol, priority, preferred source, nexthops, metrics), as {@code ip route add}
 * configures them. Immutable; built with {@link #to(int, int)}.
 *
 * <pre>{@code
 * Route.to(0, 0).via(gw, eth0).build();                        // default via GW dev eth0
 * Route.to(net, 24).dev(eth0).protocol(KERNEL).prefsrc(a).build(); // scope link, as iproute2
 * Route.to(net, 8).type(RouteType.BLACKHOLE).build();
 * }</pre>
 */
public final class Route {
    /** The TOS bits a route may select on: the DSCP field (RFC 2474 §3); the ECN bits are not routing input. */
    public static final int TOS_MASK = 0xFC;

    private final int table;
    private final int prefix;
    private final int len;
    private final int tos;
    private final RouteType type;
    private final Scope scope;
    private final RouteProtocol protocol;
    private final int priority;
    private final int prefsrc;
    private final NextHop[] nexthops;
    private final RouteMetrics metrics;

    private Route(Builder b, RouteType type, Scope scope, int table, NextHop[] nexthops) {
        this.table = table;
        this.prefix = b.prefix;
        this.len = b.len;
        this.tos = b.tos;
        this.type = type;
        this.scope = scope;
        this.protocol = b.protocol == null ? RouteProtocol.BOOT : b.protocol;
        this.priority = b.priority;
        this.prefsrc = b.prefsrc;
        this.nexthops = nexthops;
        this.metrics = b.metrics;
    }

    private Route(Route o, NextHop[] nexthops) {
        this.table = o.table;
        this.prefix = o.prefix;
        this.len = o.len;
        this.tos = o.tos;
        this.type = o.type;
        this.scope = o.scope;
        this.protocol = o.protocol;
        this.priority = o.priority;
        this.prefsrc = o.prefsrc;
        this.nexthops = nexthops;
        this.metrics = o.metrics;
    }

    /** This route with other nexthops (the same number), after resolving their devices. */
    Route withNexthops(NextHop[] nhs) {
        return new Route(this, nhs.clone());
    }

    /**
     * This route using {@code nhs}, an equal nexthop array shared with other routes (as Linux
     * shares a {@code fib_info}); the caller never modifies it.
     */
    Route withSharedNexthops(NextHop[] nhs) {
        return new Route(this, nhs);
    }

    /** The nexthop array itself, for sharing. */
    NextHop[] nexthopArray() {
        return nexthops;
    }

    /** Starts a route to {@code prefix/len} (host bits must be clear). */
    public static Builder to(int prefix, int len) {
        return new Builder(prefix, len);
    }

    /** A builder holding this route's settings, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder(prefix, len).table(table).tos(tos).type(type).scope(scope).protocol(protocol)
                .priority(priority).prefsrc(prefsrc).metrics(metrics);
        for (NextHop nh : nexthops) {
            b.nexthop(nh);
        }
        return b;
    }

    // ---------------------------------------------------------------- attributes

    /** The table id ({@code RTA_TABLE}). */
    public int table() {
        return table;
    }

    /** The destination prefix. */
    public int prefix() {
        return prefix;
    }

    /** The destination prefix length. */
    public int len() {
        return len;
    }

    /** The TOS (DSCP bits) the route selects on, 0 for any. */
    public int tos() {
        return tos;
    }

    /** The route type. */
    public RouteType type() {
        return type;
    }

    /** The scope. */
    public Scope scope() {
        return scope;
    }

    /** Who installed the route. */
    public RouteProtocol protocol() {
        return protocol;
    }

    /** The priority ({@code metric}); lower wins among routes to the same prefix and TOS. Unsigned. */
    public int priority() {
        return priority;
    }

    /** The preferred source address ({@code src}), or 0. */
    public int prefsrc() {
        return prefsrc;
    }

    /** How many nexthops (0 for the reject types, more than 1 for a multipath route). */
    public int nexthopCount() {
        return nexthops.length;
    }

    /** Nexthop {@code i}. */
    public NextHop nexthop(int i) {
        return nexthops[i];
    }

    /** The nexthops. */
    public List<NextHop> nexthops() {
        return List.of(nexthops);
    }

    /** The metrics. */
    public RouteMetrics metrics() {
        return metrics;
    }

    /** True when a nexthop of this route goes through {@code dev}. */
    public boolean usesDevice(NetDevice dev) {
        for (NextHop nh : nexthops) {
            if (nh.dev() == dev) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when {@code o} has the same type and the same {@code fib_info}: scope, protocol,
     * priority, preferred source, nexthops and metrics. Mirrors the {@code fa_info == fi} test of
     * {@code fib_table_insert()} that refuses exact duplicates.
     */
    boolean sameInfo(Route o) {
        return type == o.type && scope == o.scope && protocol == o.protocol && priority == o.priority
                && prefsrc == o.prefsrc && Arrays.equals(nexthops, o.nexthops) && metrics.equals(o.metrics);
    }

    // ---------------------------------------------------------------- formatting

    /**
     * The route as {@code ip route show} prints it, with {@code table NAME} for tables other than
     * main when {@code showTable} (as {@code ip route show table all} does).
     */
    public String format(boolean showTable) {
        StringBuilder sb = new StringBuilder();
        if (type != RouteType.UNICAST) {
            sb.append(type.linuxName()).append(' ');
        }
        sb.append(Prefixes.dst(prefix, len));
        if (tos != 0) {
            sb.append(" tos ").append(Prefixes.tos(tos));
        }
        if (nexthops.length == 1) {
            NextHop nh = nexthops[0];
            if (nh.gateway() != 0) {
                sb.append(" via ").append(Prefixes.addr(nh.gateway()));
            }
            if (nh.dev() != null) {
                sb.append(" dev ").append(nh.dev().name());
            }
        }
        if (showTable && table != FibTable.MAIN) {
            sb.append(" table ").append(FibTable.tableName(table));
        }
        if (protocol != RouteProtocol.BOOT) {
            sb.append(" proto ").append(protocol.linuxName());
        }
        if (scope != Scope.UNIVERSE) {
            sb.append(" scope ").append(scope.linuxName());
        }
        if (prefsrc != 0) {
            sb.append(" src ").append(Prefixes.addr(prefsrc));
        }
        if (priority != 0) {
            sb.append(" metric ").append(Integer.toUnsignedString(priority));
        }
        if (nexthops.length == 1) {
            sb.append(NextHop.formatFlags(nexthops[0].shownFlags()));
        }
        sb.append(metrics.format());
        if (nexthops.length > 1) {
            for (NextHop nh : nexthops) {
                sb.append("\n\tnexthop ").append(nh);
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return format(true);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Route r && table == r.table && prefix == r.prefix && len == r.len && tos == r.tos && sameInfo(r);
    }

    @Override
    public int hashCode() {
        return Objects.hash(table, prefix, len, tos, type, scope, protocol, priority, prefsrc, Arrays.hashCode(nexthops), metrics);
    }

    // ---------------------------------------------------------------- builder

    /**
     * Collects a route's settings, as the arguments of {@code ip route add}. Settings left alone
     * get iproute2's defaults in {@link #build()} and are wildcards in {@link #match()}.
     */
    public static final class Builder {
        private final int prefix;
        private final int len;
        private int table;
        private int tos;
        private RouteType type;
        private Scope scope;
        private RouteProtocol protocol;
        private int priority;
        private int prefsrc;
        private int gateway;
        private NetDevice dev;
        private int nhFlags;
        private final List<NextHop> multipath = new ArrayList<>();
        private RouteMetrics metrics = RouteMetrics.NONE;

        private Builder(int prefix, int len) {
            this.prefix = prefix;
            this.len = len;
        }

        /** The table ({@code table ID}); default main, or local for local, broadcast, anycast and nat routes. */
        public Builder table(int id) {
            this.table = id;
            return this;
        }

        /** The TOS to select on ({@code tos}); 0 matches any. */
        public Builder tos(int t) {
            this.tos = t;
            return this;
        }

        /** The type; default unicast. */
        public Builder type(RouteType t) {
            this.type = t;
            return this;
        }

        /** The scope; default as iproute2: host for local and nat, link for broadcast, anycast, multicast and gatewayless unicast, else global. */
        public Builder scope(Scope s) {
            this.scope = s;
            return this;
        }

        /** Who installs the route ({@code proto}); default boot. */
        public Builder protocol(RouteProtocol p) {
            this.protocol = p;
            return this;
        }

        /** The priority ({@code metric}); default 0. */
        public Builder priority(int p) {
            this.priority = p;
            return this;
        }

        /** The preferred source address ({@code src}). */
        public Builder prefsrc(int addr) {
            this.prefsrc = addr;
            return this;
        }

        /** The output device of the single nexthop ({@code dev}). */
        public Builder dev(NetDevice d) {
            this.dev = d;
            return this;
        }

        /** The gateway of the single nexthop ({@code via}); the device is resolved when not given. */
        public Builder via(int gw) {
            this.gateway = gw;
            return this;
        }

        /** Gateway and device of the single nexthop ({@code via GW dev DEV}). */
        public Builder via(int gw, NetDevice d) {
            this.gateway = gw;
            this.dev = d;
            return this;
        }

        /** Marks the single nexthop {@code onlink}. */
        public Builder onlink() {
            this.nhFlags |= NextHop.ONLINK;
            return this;
        }

        /** Adds a nexthop of a multipath route ({@code nexthop via GW dev DEV weight W}). */
        public Builder nexthop(NextHop nh) {
            multipath.add(Objects.requireNonNull(nh));
            return this;
        }

        /** The metrics. */
        public Builder metrics(RouteMetrics m) {
            this.metrics = Objects.requireNonNull(m);
            return this;
        }

        /** Sets the {@code mtu} metric. */
        public Builder mtu(int mtu) {
            this.metrics = metrics.withMtu(mtu);
            return this;
        }

        /**
         * The route, with iproute2's defaults for what was not set, checked as
         * {@code fib_create_info()} checks a new route.
         *
         * @throws ErrnoException EINVAL for a bad prefix, TOS, scope or nexthop combination;
         *                        ENODEV for a nexthop-based route without device or gateway
         */
        public Route build() {
            checkPrefix();
            RouteType t = type == null ? RouteType.UNICAST : type;
            if (t == RouteType.UNSPEC) {
                throw new ErrnoException(Errno.EINVAL, "a route needs a type (unicast, local, blackhole, ...), not unspec");
            }
            NextHop[] nhs = nexthops(t);
            Scope s = scope != null ? scope : defaultScope(t, nhs);
            if (s == Scope.NOWHERE || s.value() < t.minScope().value()) {
                throw new ErrnoException(Errno.EINVAL, "invalid scope " + s.linuxName() + " for a " + t.linuxName() + " route");
            }
            for (NextHop nh : nhs) {
                if (nh.gateway() != 0 && s.value() >= Scope.LINK.value()) {
                    throw new ErrnoException(Errno.EINVAL, "a route with scope " + s.linuxName() + " can not have a gateway");
                }
            }
            if (s == Scope.HOST && nhs.length > 1) {
                throw new ErrnoException(Errno.EINVAL, "a route with host scope can not have multiple nexthops");
            }
            return new Route(this, t, s, table != 0 ? table : defaultTable(t), nhs);
        }

        /**
         * A pattern for deleting routes ({@code ip route del}): what was set must match, what was
         * not matches anything. The table defaults as in {@link #build()}, the TOS to 0.
         */
        public RouteMatch match() {
            checkPrefix();
            if (!multipath.isEmpty()) {
                throw new ErrnoException(Errno.EINVAL, "delete by the first nexthop's gateway and device, not by a nexthop list");
            }
            int tb = table != 0 ? table : defaultTable(type == null ? RouteType.UNICAST : type);
            return new RouteMatch(tb, prefix, len, tos, type, scope, protocol, priority, prefsrc, gateway, dev);
        }

        private void checkPrefix() {
            if (len < 0 || len > 32) {
                throw new ErrnoException(Errno.EINVAL, "prefix length " + len + " is outside 0..32");
            }
            if ((prefix & ~Prefixes.mask(len)) != 0) {
                throw new ErrnoException(Errno.EINVAL, "invalid prefix for given prefix length: " + Prefixes.format(prefix, len));
            }
            if ((tos & ~TOS_MASK) != 0) {
                throw new ErrnoException(Errno.EINVAL, "invalid tos " + Prefixes.tos(tos) + ": the ECN bits must be clear");
            }
        }

        private NextHop[] nexthops(RouteType t) {
            boolean single = gateway != 0 || dev != null || nhFlags != 0;
            if (!t.hasNexthops()) {
                if (single || !multipath.isEmpty()) {
                    throw new ErrnoException(Errno.EINVAL, "gateway, device and multipath can not be specified for a "
                            + t.linuxName() + " route");
                }
                return new NextHop[0];
            }
            if (single && !multipath.isEmpty()) {
                throw new ErrnoException(Errno.EINVAL, "give either via/dev or a nexthop list, not both");
            }
            if (!multipath.isEmpty()) {
                return multipath.toArray(new NextHop[0]);
            }
            if (gateway == 0 && dev == null) {
                throw new ErrnoException(Errno.ENODEV, "a " + t.linuxName() + " route needs a device or a gateway");
            }
            return new NextHop[] {new NextHop(gateway, dev, 1, nhFlags)};
        }

        private static Scope defaultScope(RouteType t, NextHop[] nhs) {
            switch (t) {
                case LOCAL, NAT -> {
                    return Scope.HOST;
                }
                case BROADCAST, ANYCAST, MULTICAST -> {
                    return Scope.LINK;
                }
                case UNICAST -> {
                    for (NextHop nh : nhs) {
                        if (nh.gateway() != 0) {
                            return Scope.UNIVERSE;
                        }
                    }
                    return Scope.LINK;
                }
                default -> {
                    return Scope.UNIVERSE;
                }
            }
        }

        private static int defaultTable(RouteType t) {
            return switch (t) {
                case LOCAL, BROADCAST, ANYCAST, NAT -> FibTable.LOCAL;
                default -> FibTable.MAIN;
            };
        }
    }
}
