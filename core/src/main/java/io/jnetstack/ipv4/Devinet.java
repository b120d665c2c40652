package io.jnetstack.ipv4;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.IfFlags;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.NetdevEvent;
import io.jnetstack.wire.Ipv4Address;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Interface addresses. Mirrors {@code net/ipv4/devinet.c} (addresses, {@code inet_select_addr})
 * with the route side of {@code fib_frontend.c} ({@code fib_add_ifaddr}/{@code fib_del_ifaddr}):
 * adding an address creates, as Linux does, a {@code local} route for it and a
 * {@code broadcast} route for its subnet's broadcast address in table local, and a prefix
 * route ({@code proto kernel scope link src ADDR}) in table main while the device is up. The
 * loopback device gets 127.0.0.1/8 when it comes up. A gratuitous ARP announces each address.
 */
public final class Devinet {
    private final Inet inet;
    private final Map<NetDevice, List<IfAddr>> addrs = new IdentityHashMap<>();

    Devinet(Inet inet) {
        this.inet = inet;
    }

    /**
     * Adds {@code local/prefixLen} to {@code dev}, as {@code ip addr add}.
     *
     * @throws ErrnoException EEXIST when the address is already there, EINVAL for a bad prefix
     */
    public IfAddr add(NetDevice dev, int local, int prefixLen) {
        if (prefixLen < 0 || prefixLen > 32) {
            throw new ErrnoException(Errno.EINVAL, "prefix length " + prefixLen + " is outside 0..32");
        }
        if (dev.net() != inet.net) {
            throw new ErrnoException(Errno.ENODEV, dev.name() + " is not in namespace " + inet.net.name());
        }
        List<IfAddr> list = addrs.computeIfAbsent(dev, d -> new ArrayList<>());
        boolean secondary = false;
        for (IfAddr a : list) {
            if (a.local() == local && a.prefixLen() == prefixLen) {
                throw new ErrnoException(Errno.EEXIST, Ipv4Address.format(local) + "/" + prefixLen + " is already on " + dev.name());
            }
            if (a.prefixLen() == prefixLen && a.covers(local)) {
                secondary = true;
            }
        }
        int mask = Ipv4Address.prefixMask(prefixLen);
        int brd = prefixLen >= 31 ? 0 : (local & mask) | ~mask;
        int scope = Ipv4Address.isLoopback(local) ? Inet.SCOPE_HOST : Inet.SCOPE_UNIVERSE;
        IfAddr a = new IfAddr(dev, local, prefixLen, brd, scope, dev.name(), secondary);
        list.add(a);
        inet.routing.addressRoutes(a, true, dev.isUp());
        if (dev.isUp()) {
            inet.arp.gratuitous(a);
        }
        inet.routing.flushCache();
        return a;
    }

    /** Removes an address, as {@code ip addr del}; EADDRNOTAVAIL when absent. */
    public void delete(NetDevice dev, int local, int prefixLen) {
        List<IfAddr> list = addrs.getOrDefault(dev, List.of());
        for (IfAddr a : list) {
            if (a.local() == local && a.prefixLen() == prefixLen) {
                list.remove(a);
                inet.routing.addressRoutes(a, false, dev.isUp());
                inet.routing.flushCache();
                return;
            }
        }
        throw new ErrnoException(Errno.EADDRNOTAVAIL, Ipv4Address.format(local) + "/" + prefixLen + " is not on " + dev.name());
    }

    /** The addresses of {@code dev}, primary first. */
    public List<IfAddr> addresses(NetDevice dev) {
        return Collections.unmodifiableList(addrs.getOrDefault(dev, List.of()));
    }

    /** Every address in the namespace. */
    public List<IfAddr> all() {
        List<IfAddr> out = new ArrayList<>();
        for (NetDevice d : inet.net.devices()) {
            out.addAll(addresses(d));
        }
        return out;
    }

    /** True when {@code addr} is configured on any interface of the namespace. */
    public boolean isLocal(int addr) {
        for (List<IfAddr> l : addrs.values()) {
            for (IfAddr a : l) {
                if (a.local() == addr) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A source address for talking to {@code dst} through {@code dev} within {@code scope}.
     * Mirrors {@code inet_select_addr()}: a primary address of {@code dev} whose subnet holds
     * {@code dst}, else its first primary address of a fitting scope, else one of another
     * device (loopback's last); 0 when there is none.
     */
    public int selectAddress(NetDevice dev, int dst, int scope) {
        int any = 0;
        if (dev != null) {
            for (IfAddr a : addresses(dev)) {
                if (a.secondary() || a.scope() > scope) {
                    continue;
                }
                if (dst == 0 || a.covers(dst)) {
                    return a.local();
                }
                if (any == 0) {
                    any = a.local();
                }
            }
            if (any != 0) {
                return any;
            }
        }
        for (NetDevice d : inet.net.devices()) {
            if (d == dev || (d.flags() & IfFlags.LOOPBACK) != 0) {
                continue;
            }
            for (IfAddr a : addresses(d)) {
                if (!a.secondary() && a.scope() <= scope && a.scope() != Inet.SCOPE_LINK) {
                    return a.local();
                }
            }
        }
        return 0;
    }

    /** Device events: prefix routes and 127.0.0.1 on up, their removal and a neighbour flush on down. */
    void netdevEvent(NetdevEvent e, NetDevice dev) {
        switch (e) {
            case UP -> {
                if ((dev.flags() & IfFlags.LOOPBACK) != 0 && addresses(dev).isEmpty()) {
                    add(dev, 0x7F000001, 8);
                }
                for (IfAddr a : addresses(dev)) {
                    inet.routing.addressRoutes(a, true, true);
                    inet.arp.gratuitous(a);
                }
                inet.routing.flushCache();
            }
            case DOWN -> {
                for (IfAddr a : addresses(dev)) {
                    inet.routing.addressRoutes(a, false, true);
                    inet.routing.addressRoutes(a, true, false);
                }
                inet.routing.deviceDown(dev);
                inet.arpTable.flush(dev);
                inet.routing.flushCache();
            }
            case CHANGE, CHANGEMTU -> inet.routing.flushCache();
            case REGISTER -> inet.fib.devicesChanged();
            case UNREGISTER -> {
                for (IfAddr a : List.copyOf(addresses(dev))) {
                    inet.routing.addressRoutes(a, false, false);
                }
                addrs.remove(dev);
                inet.routing.deviceUnregistered(dev);
                inet.arpTable.flush(dev);
            }
            default -> {
            }
        }
    }

    /** {@code ip addr} for every device. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        for (NetDevice d : inet.net.devices()) {
            sb.append(d.format(false));
            for (IfAddr a : addresses(d)) {
                sb.append("    ").append(a.format()).append('\n');
            }
        }
        return sb.toString();
    }
}
