package io.jnetstack.admin;

import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.ipv4.Routing;
import io.jnetstack.ipv4.fib.Fib;
import io.jnetstack.ipv4.fib.FibTable;
import io.jnetstack.ipv4.fib.NextHop;
import io.jnetstack.ipv4.fib.Route;
import io.jnetstack.ipv4.fib.RouteMatch;
import io.jnetstack.ipv4.fib.RouteMetrics;
import io.jnetstack.ipv4.fib.RouteProtocol;
import io.jnetstack.ipv4.fib.RouteType;
import io.jnetstack.ipv4.fib.Scope;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code ip route}: shows the tables, adds, replaces, appends and deletes routes, asks the routing
 * decision for an address ({@code get}) and shows or flushes the cached exceptions. Part of
 * {@link IpTool}.
 */
final class IpRoute {
    /** {@code table all} in a listing. */
    private static final int ALL_TABLES = -1;

    private final Net net;
    private final Fib fib;

    IpRoute(Net net) {
        this.net = net;
        this.fib = net.inet().fib();
    }

    String run(Args a) {
        String cmd = a.next();
        if (cmd == null || Args.matches(cmd, "show") || Args.matches(cmd, "list") || cmd.equals("lst")) {
            return show(a);
        }
        if (Args.matches(cmd, "add")) {
            change(a, FibTable.ADD);
        } else if (Args.matches(cmd, "change") || cmd.equals("chg")) {
            change(a, FibTable.CHANGE);
        } else if (Args.matches(cmd, "replace")) {
            change(a, FibTable.REPLACE);
        } else if (Args.matches(cmd, "prepend")) {
            change(a, FibTable.PREPEND);
        } else if (Args.matches(cmd, "append")) {
            change(a, FibTable.APPEND);
        } else if (Args.matches(cmd, "delete")) {
            delete(a);
        } else if (Args.matches(cmd, "get")) {
            return get(a);
        } else if (Args.matches(cmd, "flush")) {
            flush(a);
        } else {
            throw IpTool.unknownCommand(cmd, "route");
        }
        return "";
    }

    // ---------------------------------------------------------------- show

    /** What a listing selects. */
    private static final class Filter {
        int table = FibTable.MAIN;
        NetDevice dev;
        RouteProtocol protocol;
        RouteType type;
        Scope scope;
        int[] prefix;

        boolean selects(Route r) {
            return (dev == null || r.usesDevice(dev)) && (protocol == null || r.protocol() == protocol)
                    && (type == null || r.type() == type) && (scope == null || r.scope() == scope)
                    && (prefix == null || (r.prefix() == prefix[0] && r.len() == prefix[1]));
        }
    }

    private String show(Args a) {
        Filter f = new Filter();
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "cache" -> {
                    return net.inet().routing().formatExceptions();
                }
                case "table" -> f.table = showTable(a.value("table"));
                case "dev", "oif" -> f.dev = Args.device(net, a.value(w));
                case "proto", "protocol" -> f.protocol = protocol(a.value(w));
                case "scope" -> f.scope = scope(a.value("scope"));
                case "type" -> f.type = type(a.value("type"));
                case "to" -> f.prefix = Args.prefix(a.value("to"));
                default -> {
                    if (f.prefix != null) {
                        throw AdminException.garbage(w);
                    }
                    f.prefix = Args.prefix(w);
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        for (FibTable t : fib.tables()) {
            if (f.table != ALL_TABLES && t.id() != f.table) {
                continue;
            }
            for (Route r : t.routes()) {
                if (f.selects(r)) {
                    sb.append(r.format(f.table == ALL_TABLES)).append('\n');
                }
            }
        }
        return sb.toString();
    }

    private static int showTable(String word) {
        return word.equals("all") ? ALL_TABLES : Args.table(word);
    }

    // ---------------------------------------------------------------- changes

    /** Parses the route of {@code ip route add/del ...} into a builder. */
    private Route.Builder parse(Args a) {
        RouteType type = null;
        int[] prefix = null;
        List<Setting> settings = new ArrayList<>();
        RouteMetrics metrics = RouteMetrics.NONE;
        while (a.more()) {
            String w = a.next();
            Setting s = setting(a, w);
            if (s != null) {
                settings.add(s);
                continue;
            }
            if (METRICS.contains(w)) {
                metrics = metric(a, w, metrics);
                continue;
            }
            if (prefix != null) {
                throw AdminException.garbage(w);
            }
            String p = w.equals("to") ? a.value("to") : w;
            if (type == null && isType(p)) {
                type = type(p);
                p = w.equals("to") ? a.value("to") : null;
            }
            if (p != null) {
                prefix = Args.prefix(p);
            }
        }
        int[] p = prefix == null ? new int[] {0, 0} : prefix;
        Route.Builder b;
        try {
            b = Route.to(p[0], p[1]);
        } catch (ErrnoException e) {
            throw AdminException.refused(e);
        }
        if (type != null) {
            b.type(type);
        }
        for (Setting s : settings) {
            s.apply(b);
        }
        return b.metrics(metrics);
    }

    /** The metrics keywords ({@code mtu [lock] N}, ...). */
    private static final List<String> METRICS = List.of("mtu", "advmss", "window", "hoplimit", "initcwnd", "initrwnd");

    /** The setting keyword {@code w} with its value, or null when {@code w} is not one. */
    private Setting setting(Args a, String w) {
        return switch (w) {
            case "via" -> {
                String v = a.value("via");
                int gw = Args.address(v.equals("inet") ? a.value("via") : v);
                yield b -> b.via(gw);
            }
            case "dev", "oif" -> {
                NetDevice d = Args.device(net, a.value(w));
                yield b -> b.dev(d);
            }
            case "table" -> {
                int t = Args.table(a.value("table"));
                yield b -> b.table(t);
            }
            case "metric", "priority", "preference" -> {
                int m = (int) Args.u32(w, a.value(w));
                yield b -> b.priority(m);
            }
            case "src" -> {
                int src = Args.address(a.value("src"));
                yield b -> b.prefsrc(src);
            }
            case "proto", "protocol" -> {
                RouteProtocol p = protocol(a.value(w));
                yield b -> b.protocol(p);
            }
            case "scope" -> {
                Scope sc = scope(a.value("scope"));
                yield b -> b.scope(sc);
            }
            case "tos", "dsfield" -> {
                int t = Args.tos(a.value(w));
                yield b -> b.tos(t);
            }
            case "onlink" -> Route.Builder::onlink;
            case "nexthop" -> {
                NextHop nh = nexthop(a);
                yield b -> b.nexthop(nh);
            }
            default -> null;
        };
    }

    /** One keyword's effect on the route being built. */
    private interface Setting {
        void apply(Route.Builder b);
    }

    private static RouteMetrics metric(Args a, String w, RouteMetrics m) {
        String v = a.value(w);
        if (w.equals("mtu") && v.equals("lock")) {
            return m.withMtuLocked(true).withMtu(Args.intIn("mtu", a.value("mtu"), 0, 65535));
        }
        return switch (w) {
            case "mtu" -> m.withMtu(Args.intIn("mtu", v, 0, 65535));
            case "advmss" -> m.withAdvmss(Args.intIn("advmss", v, 0, 65535));
            case "window" -> m.withWindow(Args.intIn("window", v, 0, Integer.MAX_VALUE));
            case "hoplimit" -> m.withHoplimit(Args.intIn("hoplimit", v, 0, 255));
            case "initcwnd" -> m.withInitcwnd(Args.intIn("initcwnd", v, 0, Integer.MAX_VALUE));
            default -> m.withInitrwnd(Args.intIn("initrwnd", v, 0, Integer.MAX_VALUE));
        };
    }

    /** {@code nexthop via GW dev D weight W onlink}, up to the next {@code nexthop}. */
    private NextHop nexthop(Args a) {
        int gw = 0;
        NetDevice dev = null;
        int weight = 1;
        boolean onlink = false;
        while (a.more()) {
            String w = a.peek();
            if (w.equals("via")) {
                a.next();
                gw = Args.address(a.value("via"));
            } else if (w.equals("dev")) {
                a.next();
                dev = Args.device(net, a.value("dev"));
            } else if (w.equals("weight")) {
                a.next();
                weight = Args.intIn("weight", a.value("weight"), 1, 256);
            } else if (w.equals("onlink")) {
                a.next();
                onlink = true;
            } else {
                break;
            }
        }
        NextHop nh = new NextHop(gw, dev, weight, 0);
        return onlink ? nh.onlink() : nh;
    }

    private void change(Args a, int flags) {
        Route.Builder b = parse(a);
        try {
            fib.addRoute(b.build(), flags);
        } catch (ErrnoException e) {
            throw AdminException.refused(e);
        } finally {
            net.inet().routing().flushCache();
        }
    }

    private void delete(Args a) {
        Route.Builder b = parse(a);
        try {
            fib.deleteRoute(b.match());
        } catch (ErrnoException e) {
            throw AdminException.refusedRouteDelete(e);
        } finally {
            net.inet().routing().flushCache();
        }
    }

    /** {@code ip route flush cache | [table T] [dev D] [proto P] [type T] [scope S] [PREFIX]}. */
    private void flush(Args a) {
        if (!a.more()) {
            throw AdminException.syntax("\"ip route flush\" requires arguments.");
        }
        Routing routing = net.inet().routing();
        if (a.peek().equals("cache")) {
            a.next();
            if (a.more()) {
                throw AdminException.garbage(a.next());
            }
            routing.flushExceptions();
            return;
        }
        Filter f = new Filter();
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "table" -> f.table = showTable(a.value("table"));
                case "dev", "oif" -> f.dev = Args.device(net, a.value(w));
                case "proto", "protocol" -> f.protocol = protocol(a.value(w));
                case "scope" -> f.scope = scope(a.value("scope"));
                case "type" -> f.type = type(a.value("type"));
                default -> {
                    if (f.prefix != null) {
                        throw AdminException.garbage(w);
                    }
                    f.prefix = Args.prefix(w);
                }
            }
        }
        for (FibTable t : fib.tables()) {
            if (f.table != ALL_TABLES && t.id() != f.table) {
                continue;
            }
            for (Route r : t.routes()) {
                if (f.selects(r)) {
                    deleteExactly(r);
                }
            }
        }
        routing.flushCache();
    }

    private void deleteExactly(Route r) {
        int gw = r.nexthopCount() == 0 ? 0 : r.nexthop(0).gateway();
        NetDevice dev = r.nexthopCount() == 0 ? null : r.nexthop(0).dev();
        try {
            fib.deleteRoute(new RouteMatch(r.table(), r.prefix(), r.len(), r.tos(), r.type(), r.scope(), r.protocol(),
                    r.priority(), r.prefsrc(), gw, dev));
        } catch (ErrnoException e) {
            // gone already, with a device or an address
        }
    }

    // ---------------------------------------------------------------- get

    private String get(Args a) {
        Integer dst = null;
        while (a.more()) {
            String w = a.next();
            if (w.equals("to")) {
                w = a.value("to");
            }
            if (dst != null) {
                throw AdminException.garbage(w);
            }
            int[] p = Args.prefix(w);
            dst = p[0];
        }
        if (dst == null) {
            throw AdminException.syntax("need at least a destination address");
        }
        Routing routing = net.inet().routing();
        if (routing.output(dst, 0, 0, null, 0) == null) {
            throw AdminException.refused(new ErrnoException(routing.lastError(), "no route"));
        }
        return routing.get(dst) + "\n";
    }

    // ---------------------------------------------------------------- words

    private static boolean isType(String w) {
        for (RouteType t : RouteType.values()) {
            if (t.linuxName().equals(w) && t != RouteType.UNSPEC) {
                return true;
            }
        }
        return false;
    }

    private static RouteType type(String w) {
        for (RouteType t : RouteType.values()) {
            if (t.linuxName().equals(w)) {
                return t;
            }
        }
        throw AdminException.invalidArg("\"type\" value is invalid", w);
    }

    static RouteProtocol protocol(String w) {
        for (RouteProtocol p : RouteProtocol.values()) {
            if (p.linuxName().equals(w) || Integer.toString(p.code()).equals(w)) {
                return p;
            }
        }
        throw AdminException.invalidArg("\"protocol\" value is invalid", w);
    }

    static Scope scope(String w) {
        if (w.equals("universe")) {
            return Scope.UNIVERSE;
        }
        for (Scope s : Scope.values()) {
            if (s.linuxName().equals(w)) {
                return s;
            }
        }
        Scope s = w.matches("\\d{1,3}") ? Scope.of(Integer.parseInt(w)) : null;
        if (s == null) {
            throw AdminException.invalidArg("invalid \"scope\" value", w);
        }
        return s;
    }
}
