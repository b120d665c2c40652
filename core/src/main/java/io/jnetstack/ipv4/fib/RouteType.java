package io.jnetstack.ipv4.fib;

import io.jnetstack.core.Errno;

/**
 * What a route does with matching packets: the {@code rtm_type} of a route, {@code RTN_*} of
 * {@code <linux/rtnetlink.h>}, with the error a lookup yields and the narrowest scope the type
 * allows (the roles of the kernel's {@code fib_props[]}).
 *
 * <p>Reject types end the lookup with their error: {@link #BLACKHOLE} yields EINVAL (a sender sees
 * EINVAL; a forwarded packet is dropped silently), {@link #UNREACHABLE} EHOSTUNREACH (ICMP host
 * unreachable, RFC 1812 §5.2.7.1), {@link #PROHIBIT} EACCES (ICMP communication administratively
 * prohibited, RFC 1812 §5.2.7.1). {@link #THROW} yields EAGAIN: the table has no answer and
 * policy routing goes on with the next rule.
 */
public enum RouteType {
    /** RTN_UNSPEC: no type; "any type" when deleting. */
    UNSPEC(0, "unspec", null, Scope.NOWHERE),
    /** RTN_UNICAST: a gateway or a directly connected destination. */
    UNICAST(1, "unicast", null, Scope.UNIVERSE),
    /** RTN_LOCAL: an address of this host; packets are delivered locally. */
    LOCAL(2, "local", null, Scope.HOST),
    /** RTN_BROADCAST: a broadcast address, delivered locally and sent as link broadcast. */
    BROADCAST(3, "broadcast", null, Scope.LINK),
    /** RTN_ANYCAST: a local anycast address: delivered locally, never a source. */
    ANYCAST(4, "anycast", null, Scope.LINK),
    /** RTN_MULTICAST: a multicast route. */
    MULTICAST(5, "multicast", null, Scope.UNIVERSE),
    /** RTN_BLACKHOLE: silently discard. */
    BLACKHOLE(6, "blackhole", Errno.EINVAL, Scope.UNIVERSE),
    /** RTN_UNREACHABLE: destination unreachable. */
    UNREACHABLE(7, "unreachable", Errno.EHOSTUNREACH, Scope.UNIVERSE),
    /** RTN_PROHIBIT: administratively prohibited. */
    PROHIBIT(8, "prohibit", Errno.EACCES, Scope.UNIVERSE),
    /** RTN_THROW: not in this table; continue with the next policy rule. */
    THROW(9, "throw", Errno.EAGAIN, Scope.UNIVERSE),
    /** RTN_NAT: stateless NAT, long gone from Linux; lookups yield EINVAL. */
    NAT(10, "nat", Errno.EINVAL, Scope.NOWHERE),
    /** RTN_XRESOLVE: external resolver, never implemented by Linux; lookups yield EINVAL. */
    XRESOLVE(11, "xresolve", Errno.EINVAL, Scope.NOWHERE);

    private final int code;
    private final String linuxName;
    private final Errno error;
    private final Scope minScope;

    RouteType(int code, String linuxName, Errno error, Scope minScope) {
        this.code = code;
        this.linuxName = linuxName;
        this.error = error;
        this.minScope = minScope;
    }

    /** The numeric {@code RTN_*} value. */
    public int code() {
        return code;
    }

    /** The word {@code ip route} prints before the destination (nothing for unicast). */
    public String linuxName() {
        return linuxName;
    }

    /** The error a lookup hitting this type yields, or null when it yields a usable route. */
    public Errno error() {
        return error;
    }

    /** The narrowest scope a route of this type may have (a smaller value is rejected). */
    public Scope minScope() {
        return minScope;
    }

    /** True when the route forwards or delivers through nexthops; false for the reject types. */
    public boolean hasNexthops() {
        return error == null && this != UNSPEC;
    }
}
