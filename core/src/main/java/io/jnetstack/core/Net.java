package io.jnetstack.core;

import io.jnetstack.ipv4.Inet;
import io.jnetstack.link.Loopback;
import io.jnetstack.trace.Stage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One network namespace: its devices, protocol handlers, taps, sysctls and counters. Mirrors
 * {@code struct net}. Every namespace starts with a loopback device {@code lo} (ifindex 1),
 * down, as Linux. Two namespaces share nothing but what the caller wires between them (a veth
 * pair) and the {@link Kernel} they run on (clock, timers, CPU, buffer pool).
 *
 * <p>Created by {@link Kernel#newNet}. Operations run under the kernel lock.
 */
public final class Net {
    private static final int MAX_HANDLERS = 16;

    private final Kernel kernel;
    private final String name;
    private final Sysctls sysctls;
    private final ArrayList<NetDevice> devices = new ArrayList<>();
    private int nextIfindex = 1;
    private final int[] handlerTypes = new int[MAX_HANDLERS];
    private final PacketHandler[] handlers = new PacketHandler[MAX_HANDLERS];
    private final PacketOffload[] offloads = new PacketOffload[4];
    private final int[] offloadTypes = new int[4];
    private int offloadCount;
    private int handlerCount;
    private PacketTap[] taps = new PacketTap[0];
    private final long[] drops = new long[DropReason.values().length];
    private final Loopback loopback;
    private NetdevListener[] listeners = new NetdevListener[0];
    private final Inet inet;
    private final io.jnetstack.socket.Sockets sockets;

    Net(Kernel kernel, String name) {
        this.kernel = kernel;
        this.name = name;
        this.sysctls = new Sysctls(kernel.coreSysctls());
        this.loopback = new Loopback();
        register(loopback);
        this.inet = new Inet(this);
        this.sockets = new io.jnetstack.socket.Sockets(this);
        io.jnetstack.ipv4.udp.Udp.install(sockets);
        io.jnetstack.ipv4.tcp.Tcp.install(sockets);
        io.jnetstack.ipv4.raw.Raw.install(sockets);
        io.jnetstack.ipv4.ping.PingTable.install(sockets);
    }

    /** This namespace's sockets: {@code net.sockets().socket(AF_INET, SOCK_DGRAM, 0)}. */
    public io.jnetstack.socket.Sockets sockets() {
        return sockets;
    }

    /** This namespace's IPv4 state: addresses, routes, neighbours, counters. */
    public Inet inet() {
        return inet;
    }

    /** The namespace's name. */
    public String name() {
        return name;
    }

    /** The kernel this namespace runs on. */
    public Kernel kernel() {
        return kernel;
    }

    /** This namespace's sysctls (falling back to the kernel-wide {@code net.core} ones). */
    public Sysctls sysctls() {
        return sysctls;
    }

    /** The loopback device. */
    public Loopback loopback() {
        return loopback;
    }

    // ---------------------------------------------------------------- devices

    /**
     * Registers a device, giving it the next ifindex. Mirrors {@code register_netdevice()}.
     *
     * @throws ErrnoException EEXIST when the name is taken in this namespace, EBUSY when the
     *                        device is registered elsewhere
     */
    public <D extends NetDevice> D register(D dev) {
        if (dev.net != null) {
            throw new ErrnoException(Errno.EBUSY, dev.name() + " is already registered in namespace " + dev.net.name());
        }
        if (device(dev.name()) != null) {
            throw new ErrnoException(Errno.EEXIST, "a device named " + dev.name() + " already exists in " + name);
        }
        dev.net = this;
        dev.ifindex = nextIfindex++;
        devices.add(dev);
        notify(NetdevEvent.REGISTER, dev);
        return dev;
    }

    /** Unregisters a device (brought down first). Mirrors {@code unregister_netdevice()}. */
    public void unregister(NetDevice dev) {
        if (dev.net != this) {
            throw new ErrnoException(Errno.ENODEV, dev.name() + " is not in namespace " + name);
        }
        dev.down();
        notify(NetdevEvent.UNREGISTER, dev);
        dev.setQdisc(null);
        devices.remove(dev);
        dev.net = null;
    }

    /** The device named {@code name}, or null. */
    public NetDevice device(String devName) {
        for (NetDevice d : devices) {
            if (d.name().equals(devName)) {
                return d;
            }
        }
        return null;
    }

    /** The device with index {@code ifindex}, or null. */
    public NetDevice device(int ifindex) {
        for (NetDevice d : devices) {
            if (d.ifindex() == ifindex) {
                return d;
            }
        }
        return null;
    }

    /** All devices, by ifindex. */
    public List<NetDevice> devices() {
        return Collections.unmodifiableList(devices);
    }

    /** Adds a listener for device events. Mirrors {@code register_netdevice_notifier()}. */
    public void addNetdevListener(NetdevListener l) {
        NetdevListener[] n = java.util.Arrays.copyOf(listeners, listeners.length + 1);
        n[listeners.length] = l;
        listeners = n;
    }

    /** Tells every listener about an event. Mirrors {@code call_netdevice_notifiers()}. */
    void notify(NetdevEvent event, NetDevice dev) {
        for (NetdevListener l : listeners) {
            l.event(event, dev);
        }
    }

    // ---------------------------------------------------------------- protocols and taps

    /**
     * Registers the handler for an EtherType, replacing any. Mirrors {@code dev_add_pack()} for
     * {@code ptype_base}, per namespace.
     */
    public void addProtocol(int etherType, PacketHandler handler) {
        for (int i = 0; i < handlerCount; i++) {
            if (handlerTypes[i] == etherType) {
                handlers[i] = handler;
                return;
            }
        }
        if (handlerCount == MAX_HANDLERS) {
            throw new ErrnoException(Errno.ENOSPC, "too many protocol handlers in " + name);
        }
        handlerTypes[handlerCount] = etherType;
        handlers[handlerCount++] = handler;
    }

    /** Removes the handler for an EtherType. Mirrors {@code dev_remove_pack()}. */
    public void removeProtocol(int etherType) {
        for (int i = 0; i < handlerCount; i++) {
            if (handlerTypes[i] == etherType) {
                handlerCount--;
                handlerTypes[i] = handlerTypes[handlerCount];
                handlers[i] = handlers[handlerCount];
                handlers[handlerCount] = null;
                return;
            }
        }
    }

    /**
     * Registers the GSO/GRO callbacks for an EtherType, replacing any. Mirrors
     * {@code dev_add_offload()}, per namespace.
     */
    public void addOffload(int etherType, PacketOffload offload) {
        for (int i = 0; i < offloadCount; i++) {
            if (offloadTypes[i] == etherType) {
                offloads[i] = offload;
                return;
            }
        }
        if (offloadCount == offloads.length) {
            throw new ErrnoException(Errno.ENOSPC, "too many offload handlers in " + name);
        }
        offloadTypes[offloadCount] = etherType;
        offloads[offloadCount++] = offload;
    }

    /** The GSO/GRO callbacks for an EtherType, or null. Mirrors {@code gro_find_receive_by_type()}. */
    public PacketOffload offload(int etherType) {
        for (int i = 0; i < offloadCount; i++) {
            if (offloadTypes[i] == etherType) {
                return offloads[i];
            }
        }
        return null;
    }

    /** The handler for an EtherType, or null. */
    public PacketHandler protocolHandler(int etherType) {
        for (int i = 0; i < handlerCount; i++) {
            if (handlerTypes[i] == etherType) {
                return handlers[i];
            }
        }
        return null;
    }

    /** Adds a tap seeing every device's frames (ETH_P_ALL, {@code ptype_all}). */
    public void addTap(PacketTap tap) {
        PacketTap[] t = java.util.Arrays.copyOf(taps, taps.length + 1);
        t[taps.length] = tap;
        taps = t;
    }

    /** Removes a tap. */
    public void removeTap(PacketTap tap) {
        taps = java.util.Arrays.stream(taps).filter(t -> t != tap).toArray(PacketTap[]::new);
    }

    boolean hasTaps() {
        return taps.length > 0;
    }

    PacketTap[] taps() {
        return taps;
    }

    // ---------------------------------------------------------------- drops

    /**
     * Drops a packet: counts the reason, traces {@code kfree_skb} with it, frees the buffer.
     * Mirrors {@code kfree_skb_reason()}.
     */
    public void drop(SkBuff skb, DropReason reason) {
        drops[reason.ordinal()]++;
        kernel.tracer().point(Stage.KFREE_SKB, skb, name, skb.dev == null ? "" : skb.dev.name(), reason.linuxName());
        skb.free();
    }

    /** How many packets were dropped for {@code reason} in this namespace. */
    public long drops(DropReason reason) {
        return drops[reason.ordinal()];
    }

    /** Non-zero drop counters, as {@code name count} lines. */
    public String formatDrops() {
        StringBuilder sb = new StringBuilder();
        for (DropReason r : DropReason.values()) {
            if (drops[r.ordinal()] != 0) {
                sb.append(String.format("%-40s %d%n", r.linuxName(), drops[r.ordinal()]));
            }
        }
        return sb.toString();
    }

    /** {@code ip -s link} for every device. */
    public String formatLinks(boolean stats) {
        StringBuilder sb = new StringBuilder();
        for (NetDevice d : devices) {
            sb.append(d.format(stats));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "Net[" + name + "]";
    }
}
