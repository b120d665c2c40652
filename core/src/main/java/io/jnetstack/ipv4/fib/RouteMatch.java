package io.jnetstack.ipv4.fib;

import io.jnetstack.core.NetDevice;

/**
 * Which route to delete, as the arguments of {@code ip route del}: the table, prefix and TOS
 * must be equal; every other field matches anything when unset (null or 0). Built with
 * {@link Route.Builder#match()}. Mirrors the tests of {@code fib_table_delete()} and
 * {@code fib_nh_match()}.
 *
 * @param table    the table id
 * @param prefix   the destination prefix
 * @param len      the destination prefix length
 * @param tos      the TOS, compared exactly (0 selects routes without TOS)
 * @param type     the type, or null for any
 * @param scope    the scope, or null for any
 * @param protocol the protocol, or null for any
 * @param priority the priority, or 0 for any
 * @param prefsrc  the preferred source, or 0 for any
 * @param gateway  the first nexthop's gateway, or 0 for any
 * @param dev      the first nexthop's device, or null for any
 */
public record RouteMatch(int table, int prefix, int len, int tos, RouteType type, Scope scope, RouteProtocol protocol,
                         int priority, int prefsrc, int gateway, NetDevice dev) {

    /** True when {@code r} (already known to have this prefix) is selected. */
    boolean matches(Route r) {
        if (r.tos() != tos) {
            return false;
        }
        if ((type != null && type != RouteType.UNSPEC && r.type() != type) || (scope != null && scope != Scope.NOWHERE && r.scope() != scope)) {
            return false;
        }
        if ((prefsrc != 0 && r.prefsrc() != prefsrc) || (protocol != null && protocol != RouteProtocol.UNSPEC && r.protocol() != protocol)) {
            return false;
        }
        if (priority != 0 && r.priority() != priority) {
            return false;
        }
        if (gateway == 0 && dev == null) {
            return true;
        }
        int gw = r.nexthopCount() == 0 ? 0 : r.nexthop(0).gateway();
        NetDevice d = r.nexthopCount() == 0 ? null : r.nexthop(0).dev();
        return (dev == null || d == dev) && (gateway == 0 || gw == gateway);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (type != null && type != RouteType.UNICAST) {
            sb.append(type.linuxName()).append(' ');
        }
        sb.append(Prefixes.dst(prefix, len));
        if (tos != 0) {
            sb.append(" tos ").append(Prefixes.tos(tos));
        }
        if (gateway != 0) {
            sb.append(" via ").append(Prefixes.addr(gateway));
        }
        if (dev != null) {
            sb.append(" dev ").append(dev.name());
        }
        sb.append(" table ").append(FibTable.tableName(table));
        if (priority != 0) {
            sb.append(" metric ").append(Integer.toUnsignedString(priority));
        }
        return sb.toString();
    }
}
