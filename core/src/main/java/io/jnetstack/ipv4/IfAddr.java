package io.jnetstack.ipv4;

import io.jnetstack.core.NetDevice;
import io.jnetstack.wire.Ipv4Address;

/**
 * An IPv4 address on an interface. Mirrors {@code struct in_ifaddr}.
 *
 * @param dev       the interface
 * @param local     the address
 * @param prefixLen the prefix length of its subnet
 * @param broadcast the subnet's broadcast address (0 for /31 and /32)
 * @param scope     RT_SCOPE_* (host for 127/8, else universe)
 * @param label     the label ({@code eth0}, {@code eth0:1})
 * @param secondary true when another address of the same subnet came first
 */
public record IfAddr(NetDevice dev, int local, int prefixLen, int broadcast, int scope, String label, boolean secondary) {

    /** The subnet mask. */
    public int mask() {
        return Ipv4Address.prefixMask(prefixLen);
    }

    /** The subnet's network address. */
    public int network() {
        return local & mask();
    }

    /** True when {@code addr} is in this address's subnet. */
    public boolean covers(int addr) {
        return ((addr ^ local) & mask()) == 0;
    }

    /** As {@code ip addr} prints it: {@code inet 198.18.0.2/24 brd 198.18.0.255 scope global eth0}. */
    public String format() {
        StringBuilder sb = new StringBuilder("inet ").append(Ipv4Address.format(local)).append('/').append(prefixLen);
        if (broadcast != 0) {
            sb.append(" brd ").append(Ipv4Address.format(broadcast));
        }
        sb.append(" scope ").append(scope == Inet.SCOPE_HOST ? "host" : scope == Inet.SCOPE_LINK ? "link" : "global");
        if (secondary) {
            sb.append(" secondary");
        }
        sb.append(' ').append(label);
        return sb.toString();
    }
}
