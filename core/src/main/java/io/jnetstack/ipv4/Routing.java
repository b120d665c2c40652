package io.jnetstack.ipv4;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.IfFlags;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;
import io.jnetstack.ipv4.fib.FibResult;
import io.jnetstack.ipv4.fib.FibTable;
import io.jnetstack.ipv4.fib.Route;
import io.jnetstack.ipv4.fib.RouteMatch;
import io.jnetstack.ipv4.fib.RouteProtocol;
import io.jnetstack.ipv4.fib.Scope;
import io.jnetstack.ipv4.fib.FlowKey;
import io.jnetstack.ipv4.fib.RouteType;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Icmp;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Address;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Route lookups for input and output, their cached results, and per-destination exceptions
 * (path MTU, redirects). Mirrors {@code net/ipv4/route.c}: {@code ip_route_input_slow} with its
 * martian checks (RFC 1122 §3.2.1.3, RFC 1812 §5.3.7), {@code ip_mkroute_input},
 * {@code ip_route_output_key}, {@code ip_rt_update_pmtu} (RFC 1191), {@code ip_rt_redirect}
 * (RFC 1122 §3.2.2.2), {@code ip_rt_send_redirect}, and for groups {@code ip_route_input_mc}
 * (RFC 1112 §7.2: only those the input device joined). Like Linux 6.x there is no route cache:
 * each lookup walks the FIB, and the resulting {@link Rtable} is cached on the next hop so the
 * data path allocates nothing.
 */
public final class Routing {
    /** A learned exception for one destination. Mirrors {@code struct fib_nh_exception}. */
    static final class Exception {
        int gateway;
        int pmtu;
        long expires;
        Rtable out;
    }

    private final Inet inet;
    private final FlowKey flow = new FlowKey();
    private final FibResult res = new FibResult();
    private final FlowKey rpFlow = new FlowKey();
    private final FibResult rpRes = new FibResult();
    private final IdentityHashMap<Object, Rtable> outCache = new IdentityHashMap<>();
    private final IdentityHashMap<Object, Rtable[]> forwardCache = new IdentityHashMap<>();
    private final Map<Integer, Exception> exceptions = new HashMap<>();
    private final Map<Integer, long[]> redirectPeers = new HashMap<>();
    private Rtable[] localIn = new Rtable[8];
    private Rtable[] broadcastIn = new Rtable[8];
    private Rtable[] multicastIn = new Rtable[8];
    private final Map<Errno, Rtable[]> errorIn = new HashMap<>();
    private Errno lastError;

    Routing(Inet inet) {
        this.inet = inet;
    }

    /** Why the last {@link #output} returned null. */
    public Errno lastError() {
        return lastError;
    }

    // ================================================================ input

    /**
     * Routes a received datagram and attaches the decision to it. Mirrors
     * {@code ip_route_input_noref()} → {@code ip_route_input_slow()}.
     *
     * @return null on success, else why the datagram must be dropped
     */
    DropReason input(SkBuff skb, int daddr, int saddr, int tos, NetDevice dev) {
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.IP_ROUTE_INPUT_SLOW, skb, inet.net.name(), dev.name());
        try {
            return inputSlow(skb, daddr, saddr, tos, dev);
        } finally {
            t.exit();
        }
    }

    private DropReason inputSlow(SkBuff skb, int daddr, int saddr, int tos, NetDevice dev) {
        if (Ipv4Address.isMulticast(daddr)) {
            return multicastInput(skb, daddr, saddr, dev);
        }
        if (Ipv4Address.isMulticast(saddr) || Ipv4Address.isLbcast(saddr)) {
            return DropReason.IP_INVALID_SOURCE;
        }
        if (Ipv4Address.isLbcast(daddr) || (saddr == 0 && daddr == 0)) {
            return broadcastInput(skb, dev);
        }
        if (Ipv4Address.isZeronet(saddr)) {
            return DropReason.IP_INVALID_SOURCE;
        }
        if (Ipv4Address.isZeronet(daddr)) {
            return DropReason.IP_INVALID_DEST;
        }
        boolean localnet = inet.routeLocalnet.get() != 0;
        if (Ipv4Address.isLoopback(daddr) && !localnet && (dev.flags() & IfFlags.LOOPBACK) == 0) {
            return DropReason.IP_INVALID_DEST;
        }
        if (Ipv4Address.isLoopback(saddr) && !localnet && (dev.flags() & IfFlags.LOOPBACK) == 0) {
            return DropReason.IP_INVALID_SOURCE;
        }
        flow.reset().dst(daddr).src(saddr).tos(tos).iif(dev.ifindex()).mark(skb.mark);
        if (!fibLookup(skb)) {
            Errno e = inet.forwarding() ? res.error() : Errno.EHOSTUNREACH;
            if (e == Errno.EINVAL) {
                return DropReason.IP_INADDRERRORS;
            }
            skb.dst = errorRoute(dev, e == null ? Errno.ENETUNREACH : e);
            return null;
        }
        RouteType type = res.type();
        if (type == RouteType.BROADCAST) {
            return broadcastInput(skb, dev);
        }
        if (type == RouteType.LOCAL) {
            DropReason bad = validateSource(saddr, daddr, dev, skb);
            if (bad != null) {
                return bad;
            }
            skb.dst = localRoute(dev);
            return null;
        }
        if (!inet.forwarding()) {
            skb.dst = errorRoute(dev, Errno.EHOSTUNREACH);
            return null;
        }
        if (type != RouteType.UNICAST) {
            return DropReason.IP_INVALID_DEST;
        }
        DropReason bad = validateSource(saddr, daddr, dev, skb);
        if (bad != null) {
            return bad;
        }
        skb.dst = forwardRoute(dev, daddr, saddr);
        return null;
    }

    private boolean fibLookup(SkBuff skb) {
        inet.kernel.tracer().point(Stage.FIB_LOOKUP, skb, inet.net.name(), "", "");
        return inet.fib.lookup(flow, res);
    }

    /**
     * Mirrors {@code fib_validate_source()}: a source that is one of our addresses is refused
     * unless accept_local; with rp_filter, the way back to the source must leave by the input
     * device (strict, 1) or exist at all (loose, 2) — RFC 3704.
     */
    private DropReason validateSource(int saddr, int daddr, NetDevice dev, SkBuff skb) {
        if (inet.acceptLocal.get() == 0 && (dev.flags() & IfFlags.LOOPBACK) == 0 && addressType(saddr) == Rtable.RTN_LOCAL) {
            return DropReason.IP_LOCAL_SOURCE;
        }
        long rp = inet.rpFilter.get();
        if (rp == 0) {
            return null;
        }
        rpFlow.reset().dst(saddr).src(daddr).mark(skb.mark).iif(dev.ifindex());
        if (!inet.fib.lookup(rpFlow, rpRes)) {
            return DropReason.IP_RPFILTER;
        }
        if (rp == 1 && rpRes.nexthop() != null && rpRes.nexthop().dev() != dev) {
            return DropReason.IP_RPFILTER;
        }
        return null;
    }

    /**
     * A datagram to a group: delivered here when the input device has joined it, else dropped,
     * since this host routes no multicast. Mirrors the multicast branch of
     * {@code ip_route_input_rcu()} ({@code ip_check_mc_rcu()}) and {@code ip_route_input_mc()}
     * with {@code ip_mc_validate_source()}: no multicast, broadcast or (without route_localnet)
     * loopback source; 0.0.0.0 only towards 224.0.0.x or from IGMP (RFC 2236 §3 allows a host
     * without an address to report); any other source passes {@code fib_validate_source()}.
     */
    private DropReason multicastInput(SkBuff skb, int daddr, int saddr, NetDevice dev) {
        if (Ipv4Address.isMulticast(saddr) || Ipv4Address.isLbcast(saddr)) {
            return DropReason.IP_INVALID_SOURCE;   // martian whatever the group (Linux tests it second)
        }
        if (!inet.igmp.isMember(dev, daddr)) {
            return DropReason.IP_MC_NOT_MEMBER;
        }
        inet.kernel.tracer().point(Stage.IP_ROUTE_INPUT_MC, skb, inet.net.name(), dev.name(), "");
        if (Ipv4Address.isLoopback(saddr) && inet.routeLocalnet.get() == 0) {
            return DropReason.IP_INVALID_SOURCE;
        }
        if (Ipv4Address.isZeronet(saddr)) {
            if (!Ipv4Address.isLocalMulticast(daddr) && Ipv4.protocol(skb.buf(), skb.data()) != Ipv4.PROTO_IGMP) {
                return DropReason.IP_INVALID_SOURCE;
            }
        } else {
            DropReason bad = validateSource(saddr, 0, dev, skb);
            if (bad != null) {
                return bad;
            }
        }
        int i = dev.ifindex();
        if (i >= multicastIn.length) {
            multicastIn = java.util.Arrays.copyOf(multicastIn, i * 2);
        }
        Rtable rt = multicastIn[i];
        if (rt == null) {
            rt = new Rtable(inet, inet.net.loopback(), Rtable.RTN_MULTICAST, Rtable.RTCF_MULTICAST | Rtable.RTCF_LOCAL,
                    0, 0, 0, 0, 0, Rtable.In.LOCAL, Rtable.Out.DISCARD, null, true);
            multicastIn[i] = rt;
        }
        skb.dst = rt;
        return null;
    }

    private DropReason broadcastInput(SkBuff skb, NetDevice dev) {
        int i = dev.ifindex();
        if (i >= broadcastIn.length) {
            broadcastIn = java.util.Arrays.copyOf(broadcastIn, i * 2);
        }
        Rtable rt = broadcastIn[i];
        if (rt == null) {
            rt = new Rtable(inet, inet.net.loopback(), Rtable.RTN_BROADCAST, Rtable.RTCF_BROADCAST | Rtable.RTCF_LOCAL,
                    0, 0, 0, 0, 0, Rtable.In.LOCAL, Rtable.Out.DISCARD, null, true);
            broadcastIn[i] = rt;
        }
        skb.dst = rt;
        return null;
    }

    private Rtable localRoute(NetDevice dev) {
        int i = dev.ifindex();
        if (i >= localIn.length) {
            localIn = java.util.Arrays.copyOf(localIn, i * 2);
        }
        Rtable rt = localIn[i];
        if (rt == null) {
            rt = new Rtable(inet, inet.net.loopback(), Rtable.RTN_LOCAL, Rtable.RTCF_LOCAL, 0, 0, 0, 0, 0,
                    Rtable.In.LOCAL, Rtable.Out.IP_OUTPUT, null, true);
            localIn[i] = rt;
        }
        return rt;
    }

    private Rtable errorRoute(NetDevice dev, Errno e) {
        Rtable[] byIf = errorIn.computeIfAbsent(e, k -> new Rtable[Math.max(8, dev.ifindex() * 2)]);
        if (dev.ifindex() >= byIf.length) {
            byIf = java.util.Arrays.copyOf(byIf, dev.ifindex() * 2);
            errorIn.put(e, byIf);
        }
        Rtable rt = byIf[dev.ifindex()];
        if (rt == null) {
            // ip_route_input_slow() clears RTCF_LOCAL on RTN_UNREACHABLE input routes, so that
            // the ICMP error ip_error() sends comes from our address, not the one unreachable.
            rt = new Rtable(inet, inet.net.loopback(), Rtable.RTN_UNREACHABLE, 0, 0, 0, 0, 0, 0,
                    Rtable.In.ERROR, Rtable.Out.DISCARD, e, true);
            byIf[dev.ifindex()] = rt;
        }
        return rt;
    }

    /** Mirrors {@code ip_mkroute_input()} / {@code __mkroute_input()}. */
    private Rtable forwardRoute(NetDevice in, int daddr, int saddr) {
        Exception ex = exception(daddr);
        Object key = res.nexthop();
        Rtable[] byIf = ex == null ? forwardCache.get(key) : null;
        if (byIf != null && in.ifindex() < byIf.length && byIf[in.ifindex()] != null) {
            return byIf[in.ifindex()];
        }
        NetDevice out = res.nexthop().dev();
        int gw = res.nexthop().gateway();
        int flags = 0;
        if (out == in && onLink(in, saddr)) {
            flags |= Rtable.RTCF_DOREDIRECT;
        }
        int mtu = res.metrics().mtu();
        Rtable rt = new Rtable(inet, out, Rtable.RTN_UNICAST, flags, ex != null && ex.gateway != 0 ? ex.gateway : gw, 0, mtu,
                ex == null ? 0 : ex.pmtu, ex == null ? 0 : ex.expires, Rtable.In.FORWARD, Rtable.Out.IP_OUTPUT, null, true);
        if (ex == null) {
            if (byIf == null || in.ifindex() >= byIf.length) {
                Rtable[] n = new Rtable[Math.max(8, in.ifindex() * 2)];
                if (byIf != null) {
                    System.arraycopy(byIf, 0, n, 0, byIf.length);
                }
                byIf = n;
                forwardCache.put(key, byIf);
            }
            byIf[in.ifindex()] = rt;
        }
        return rt;
    }

    private boolean onLink(NetDevice dev, int addr) {
        for (IfAddr a : inet.devinet.addresses(dev)) {
            if (a.covers(addr)) {
                return true;
            }
        }
        return false;
    }

    // ================================================================ output

    /**
     * Routes a locally generated datagram. Mirrors {@code ip_route_output_key()}.
     *
     * @param saddr a source address of ours, or 0 to let routing choose
     * @param oif   the device the caller is bound to (SO_BINDTODEVICE), or null
     * @return the route, or null with {@link #lastError()} set (ENETUNREACH, EHOSTUNREACH,
     *         EACCES, EINVAL)
     */
    public Rtable output(int daddr, int saddr, int tos, NetDevice oif, int mark) {
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.IP_ROUTE_OUTPUT_KEY, null, inet.net.name(), oif == null ? "" : oif.name());
        try {
            return outputSlow(daddr, saddr, tos, oif, mark);
        } finally {
            t.exit();
        }
    }

    private Rtable outputSlow(int daddr, int saddr, int tos, NetDevice oif, int mark) {
        lastError = null;
        if (saddr != 0 && (Ipv4Address.isMulticast(saddr) || Ipv4Address.isLbcast(saddr) || addressType(saddr) != Rtable.RTN_LOCAL)) {
            return fail(Errno.EINVAL);
        }
        if (daddr == 0) {
            daddr = 0x7F000001;
        }
        if (oif != null && (Ipv4Address.isLbcast(daddr) || Ipv4Address.isMulticast(daddr))) {
            return direct(oif, daddr, saddr);
        }
        flow.reset().dst(daddr).src(saddr).tos(tos).oif(oif == null ? 0 : oif.ifindex()).mark(mark);
        if (!fibLookup(null)) {
            if (oif != null && res.error() == Errno.ENETUNREACH) {
                return direct(oif, daddr, saddr);
            }
            return fail(res.error() == null ? Errno.ENETUNREACH : res.error());
        }
        RouteType type = res.type();
        if (type == RouteType.LOCAL) {
            Object key = res.route();
            Rtable rt = cached(key);
            if (rt == null) {
                rt = store(key, new Rtable(inet, inet.net.loopback(), Rtable.RTN_LOCAL, Rtable.RTCF_LOCAL, 0,
                        res.prefsrc(), 0, 0, 0, Rtable.In.LOCAL, Rtable.Out.IP_OUTPUT, null, false));
            }
            return rt;
        }
        if (type == RouteType.BROADCAST || Ipv4Address.isLbcast(daddr) || Ipv4Address.isMulticast(daddr)) {
            // A group is on-link whatever route found it: no gateway (__mkroute_output, RTN_MULTICAST).
            return res.nexthop() == null ? fail(Errno.EINVAL) : direct(res.nexthop().dev(), daddr, saddr);
        }
        if (type != RouteType.UNICAST) {
            return fail(Errno.EINVAL);
        }
        Exception ex = exception(daddr);
        if (ex != null) {
            if (ex.out == null || ex.out.obsolete()) {
                ex.out = unicastOut(ex);
            }
            return ex.out;
        }
        Object key = res.nexthop();
        Rtable rt = cached(key);
        return rt != null ? rt : store(key, unicastOut(null));
    }

    private Rtable unicastOut(Exception ex) {
        NetDevice dev = res.nexthop().dev();
        int gw = ex != null && ex.gateway != 0 ? ex.gateway : res.nexthop().gateway();
        int prefsrc = res.prefsrc();
        int flags = (ex != null && ex.gateway != 0 ? Rtable.RTCF_REDIRECTED : 0)
                | ((dev.flags() & IfFlags.LOOPBACK) != 0 ? Rtable.RTCF_LOCAL : 0);
        return new Rtable(inet, dev, Rtable.RTN_UNICAST, flags, gw, prefsrc, res.metrics().mtu(),
                ex == null ? 0 : ex.pmtu, ex == null ? 0 : ex.expires, (flags & Rtable.RTCF_LOCAL) != 0 ? Rtable.In.LOCAL : Rtable.In.DISCARD,
                Rtable.Out.IP_OUTPUT, null, false);
    }

    private Rtable cached(Object key) {
        Rtable rt = outCache.get(key);
        return rt == null || rt.obsolete() ? null : rt;
    }

    private Rtable store(Object key, Rtable rt) {
        outCache.put(key, rt);
        return rt;
    }

    /**
     * A route straight out of {@code dev}: broadcast and multicast, or on-link for a bound socket.
     * Mirrors that part of {@code __mkroute_output()}: a broadcast is also for us, a group only
     * when {@code dev} has joined it ({@code ip_check_mc_rcu}); either then leaves by
     * {@code ip_mc_output}, which loops a copy back, unless {@code dev} is the loopback.
     */
    private Rtable direct(NetDevice dev, int daddr, int saddr) {
        boolean bcast = Ipv4Address.isLbcast(daddr) || isBroadcastOn(dev, daddr);
        boolean mcast = Ipv4Address.isMulticast(daddr);
        int type = bcast ? Rtable.RTN_BROADCAST : mcast ? Rtable.RTN_MULTICAST : Rtable.RTN_UNICAST;
        boolean local = bcast || (mcast && inet.igmp.isMember(dev, daddr));
        int flags = (bcast ? Rtable.RTCF_BROADCAST : mcast ? Rtable.RTCF_MULTICAST : 0) | (local ? Rtable.RTCF_LOCAL : 0);
        Rtable.Out out = local && (dev.flags() & IfFlags.LOOPBACK) == 0 ? Rtable.Out.IP_MC_OUTPUT : Rtable.Out.IP_OUTPUT;
        int src = saddr != 0 ? saddr : inet.devinet.selectAddress(dev, daddr, Inet.SCOPE_LINK);
        return new Rtable(inet, dev, type, flags, 0, src, 0, 0, 0, Rtable.In.LOCAL, out, null, false);
    }

    private boolean isBroadcastOn(NetDevice dev, int addr) {
        for (IfAddr a : inet.devinet.addresses(dev)) {
            if (a.broadcast() == addr) {
                return true;
            }
        }
        return false;
    }

    private Rtable fail(Errno e) {
        lastError = e;
        return null;
    }

    /**
     * What kind of address {@code addr} is here. Mirrors {@code inet_addr_type()}: LOCAL for our
     * addresses (the local table says so), BROADCAST, MULTICAST, else UNICAST.
     */
    public int addressType(int addr) {
        if (Ipv4Address.isZeronet(addr) || Ipv4Address.isLbcast(addr)) {
            return Rtable.RTN_BROADCAST;
        }
        if (Ipv4Address.isMulticast(addr)) {
            return Rtable.RTN_MULTICAST;
        }
        RouteType t = inet.fib.addressType(addr, io.jnetstack.ipv4.fib.FibTable.LOCAL);
        if (t == RouteType.LOCAL) {
            return Rtable.RTN_LOCAL;
        }
        if (t == RouteType.BROADCAST) {
            return Rtable.RTN_BROADCAST;
        }
        return Rtable.RTN_UNICAST;
    }

    // ================================================================ exceptions

    private Exception exception(int daddr) {
        if (exceptions.isEmpty()) {
            return null;
        }
        Exception ex = exceptions.get(daddr);
        if (ex != null && ex.gateway == 0 && ex.pmtu != 0 && inet.kernel.clock().nanos() >= ex.expires) {
            exceptions.remove(daddr);
            return null;
        }
        return ex;
    }

    /**
     * Learns a smaller path MTU towards {@code daddr} (RFC 1191 §6.3), for
     * {@code net.ipv4.route.mtu_expires} seconds, never below {@code min_pmtu}. Mirrors
     * {@code __ip_rt_update_pmtu()}.
     */
    public void updatePmtu(int daddr, int mtu) {
        mtu = Math.max(mtu, (int) inet.minPmtu.get());
        Rtable current = output(daddr, 0, 0, null, 0);
        if (current == null || current.mtu() <= mtu && current.pmtu == 0) {
            if (current == null || current.mtu() <= mtu) {
                return;
            }
        }
        Exception ex = exceptions.computeIfAbsent(daddr, k -> new Exception());
        ex.pmtu = mtu;
        ex.expires = inet.kernel.clock().nanos() + inet.mtuExpires.get() * 1_000_000_000L;
        if (ex.out != null) {
            ex.out.markObsolete();
            ex.out = null;
        }
    }

    /**
     * Accepts an ICMP redirect for {@code daddr} from {@code oldGw} to {@code newGw}. Mirrors
     * {@code __ip_do_redirect()}: only from the current gateway, only to an on-link, unicast
     * new gateway, only when accept_redirects.
     */
    void redirect(int daddr, int oldGw, int newGw, NetDevice dev) {
        if (inet.acceptRedirects.get() == 0 || inet.forwarding() || newGw == oldGw || newGw == 0
                || Ipv4Address.isMulticast(newGw) || Ipv4Address.isLbcast(newGw) || Ipv4Address.isZeronet(newGw)) {
            return;
        }
        Rtable rt = output(daddr, 0, 0, null, 0);
        if (rt == null || rt.gateway() != oldGw || rt.dev != dev || !onLink(dev, newGw)) {
            return;
        }
        Exception ex = exceptions.computeIfAbsent(daddr, k -> new Exception());
        ex.gateway = newGw;
        if (ex.out != null) {
            ex.out.markObsolete();
            ex.out = null;
        }
    }

    /**
     * Sends a host redirect (RFC 1812 §5.2.7.2) to a source that sent us a datagram we forward
     * back out of the same interface, with Linux's backoff: at most {@code redirect_number} (9)
     * then silence. Mirrors {@code ip_rt_send_redirect()}.
     */
    void sendRedirect(SkBuff skb, Rtable rt) {
        int src = Ipv4.src(skb.buf(), skb.data());
        long now = inet.kernel.clock().nanos();
        long[] peer = redirectPeers.computeIfAbsent(src, k -> new long[]{0, 0});
        long silence = 20_480_000_000L;
        if (now - peer[1] > silence) {
            peer[0] = 0;
        }
        if (peer[0] >= 9) {
            return;
        }
        long load = 20_000_000L << peer[0];
        if (peer[0] == 0 || now - peer[1] >= load) {
            inet.icmp.send(skb, Icmp.REDIRECT, Icmp.REDIR_HOST, rt.nexthop(Ipv4.dst(skb.buf(), skb.data())));
            peer[0]++;
            peer[1] = now;
        }
    }

    // ================================================================ maintenance

    /** Forgets every cached decision (after any change of addresses, routes or devices). */
    public void flushCache() {
        for (Rtable rt : outCache.values()) {
            rt.markObsolete();
        }
        outCache.clear();
        forwardCache.clear();
        java.util.Arrays.fill(localIn, null);
        java.util.Arrays.fill(broadcastIn, null);
        java.util.Arrays.fill(multicastIn, null);
        errorIn.clear();
        for (Exception ex : exceptions.values()) {
            if (ex.out != null) {
                ex.out.markObsolete();
                ex.out = null;
            }
        }
    }

    /**
     * Forgets the learned exceptions (path MTUs, redirects) as well as the cached decisions, as
     * {@code ip route flush cache} does.
     */
    public void flushExceptions() {
        flushCache();
        exceptions.clear();
    }

    /** A device went down: routes through it go (fib_disable_ip), and cached decisions. */
    void deviceDown(NetDevice dev) {
        inet.fib.deviceDown(dev);
        flushCache();
    }

    /** A device is leaving the namespace. */
    void deviceUnregistered(NetDevice dev) {
        inet.fib.deviceUnregistered(dev);
        flushCache();
    }

    /**
     * Adds or removes the kernel routes of an address. Mirrors {@code fib_add_ifaddr()} /
     * {@code fib_del_ifaddr()}: {@code local ADDR} and {@code broadcast BRD} in table local; the
     * subnet's prefix route ({@code proto kernel scope link src ADDR}) in table main, or for a
     * loopback device a {@code local} route for the whole subnet in table local.
     *
     * @param withPrefix whether to touch the prefix route (only while the device is up)
     */
    void addressRoutes(IfAddr a, boolean add, boolean withPrefix) {
        NetDevice dev = a.dev();
        boolean loop = (dev.flags() & IfFlags.LOOPBACK) != 0;
        List<Route> routes = new ArrayList<>();
        routes.add(Route.to(a.local(), 32).table(FibTable.LOCAL).type(RouteType.LOCAL).scope(Scope.HOST)
                .protocol(RouteProtocol.KERNEL).prefsrc(a.local()).dev(dev).build());
        if (a.broadcast() != 0 && !loop) {
            routes.add(Route.to(a.broadcast(), 32).table(FibTable.LOCAL).type(RouteType.BROADCAST).scope(Scope.LINK)
                    .protocol(RouteProtocol.KERNEL).prefsrc(a.local()).dev(dev).build());
        }
        if (withPrefix && !a.secondary() && a.prefixLen() < 32 && !Ipv4Address.isZeronet(a.network())) {
            routes.add(loop
                    ? Route.to(a.network(), a.prefixLen()).table(FibTable.LOCAL).type(RouteType.LOCAL).scope(Scope.HOST)
                            .protocol(RouteProtocol.KERNEL).prefsrc(a.local()).dev(dev).build()
                    : Route.to(a.network(), a.prefixLen()).table(FibTable.MAIN).type(RouteType.UNICAST).scope(Scope.LINK)
                            .protocol(RouteProtocol.KERNEL).prefsrc(a.local()).dev(dev).build());
        }
        for (Route r : routes) {
            if (add) {
                try {
                    inet.fib.addRoute(r, FibTable.REPLACE);
                } catch (io.jnetstack.core.ErrnoException e) {
                    // a route of another address already covers it
                }
            } else {
                try {
                    inet.fib.deleteRoute(new RouteMatch(r.table(), r.prefix(), r.len(), 0, r.type(), null,
                            RouteProtocol.KERNEL, 0, a.local(), 0, dev));
                } catch (io.jnetstack.core.ErrnoException e) {
                    // already gone with its device
                }
            }
        }
        flushCache();
    }

    /** {@code ip route show cache}: the exceptions. */
    public String formatExceptions() {
        List<String> lines = new ArrayList<>();
        long now = inet.kernel.clock().nanos();
        for (Map.Entry<Integer, Exception> e : exceptions.entrySet()) {
            Exception ex = e.getValue();
            StringBuilder sb = new StringBuilder(Ipv4Address.format(e.getKey()));
            if (ex.gateway != 0) {
                sb.append(" via ").append(Ipv4Address.format(ex.gateway)).append(" redirected");
            }
            if (ex.pmtu != 0) {
                sb.append(" cache expires ").append(Math.max(0, (ex.expires - now) / 1_000_000_000L)).append("sec mtu ").append(ex.pmtu);
            }
            lines.add(sb.toString());
        }
        return String.join("\n", lines) + (lines.isEmpty() ? "" : "\n");
    }

    /** {@code ip route get ADDR}: the decision for an output to {@code daddr}. */
    public String get(int daddr) {
        Rtable rt = output(daddr, 0, 0, null, 0);
        if (rt == null) {
            return "RTNETLINK answers: " + lastError.text();
        }
        StringBuilder sb = new StringBuilder();
        if (rt.type() == Rtable.RTN_LOCAL) {
            sb.append("local ");
        } else if (rt.type() == Rtable.RTN_BROADCAST) {
            sb.append("broadcast ");
        }
        sb.append(Ipv4Address.format(daddr));
        if (rt.gateway() != 0) {
            sb.append(" via ").append(Ipv4Address.format(rt.gateway()));
        }
        sb.append(" dev ").append(rt.dev.name());
        int src = rt.prefsrc() != 0 ? rt.prefsrc() : inet.devinet.selectAddress(rt.dev, daddr, Inet.SCOPE_UNIVERSE);
        if (src != 0) {
            sb.append(" src ").append(Ipv4Address.format(src));
        }
        Exception ex = exception(daddr);
        if (ex != null && ex.pmtu != 0) {
            sb.append("\n    cache expires ").append(Math.max(0, (ex.expires - inet.kernel.clock().nanos()) / 1_000_000_000L))
                    .append("sec mtu ").append(ex.pmtu);
        }
        return sb.toString();
    }
}
