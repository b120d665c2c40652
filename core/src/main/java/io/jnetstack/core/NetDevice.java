package io.jnetstack.core;

import io.jnetstack.wire.MacAddress;

/**
 * A network interface. Mirrors {@code struct net_device} with its {@code net_device_ops}.
 *
 * <p>Drivers extend this class and implement {@link #startXmit} ({@code ndo_start_xmit}); they
 * hand received frames to {@link Dev#netifRx} or a {@link Napi} poll. The device layer does the
 * rest: qdiscs, taps, statistics, protocol demultiplexing.
 */
public abstract class NetDevice {
    /** Result of {@link #startXmit}. Mirrors {@code netdev_tx_t}. */
    public enum TxResult {
        /** The driver took the buffer (sent, queued or freed it). */
        OK,
        /** The driver is full; the caller keeps the buffer and requeues it. */
        BUSY
    }

    /** Mirrors GSO_MAX_SIZE: the largest GSO packet, IP header included. */
    public static final int GSO_MAX_SIZE = 65536;

    /** Mirrors ARPHRD_ETHER. */
    public static final int ARPHRD_ETHER = 1;
    /** Mirrors ARPHRD_LOOPBACK. */
    public static final int ARPHRD_LOOPBACK = 772;
    /** Mirrors ARPHRD_NONE (TUN). */
    public static final int ARPHRD_NONE = 0xFFFE;

    Net net;
    private String name;
    int ifindex;
    private MacAddress mac = MacAddress.ZERO;
    private int mtu;
    private final int minMtu;
    private final int maxMtu;
    int flags;
    private final int type;
    private final int hardHeaderLen;
    private int txQueueLen;
    private final DeviceStats stats = new DeviceStats();
    Qdisc qdisc;
    boolean queueStopped;
    private PacketTap[] taps = new PacketTap[0];
    RxHandler rxHandler;
    /** Offloads on ({@code dev->features}); software GSO and GRO by default, as Linux. */
    private long features = NetdevFeatures.GSO | NetdevFeatures.GRO;
    /** Offloads the user may toggle ({@code dev->hw_features}). */
    private long hwFeatures = NetdevFeatures.GSO | NetdevFeatures.GRO;
    /** The largest GSO packet the device takes ({@code dev->gso_max_size}). */
    private int gsoMaxSize = GSO_MAX_SIZE;
    /** Segments of the GSO packet being transmitted ({@code skb_gso_segment()}'s list). */
    final SkbQueue gsoSegs = new SkbQueue();

    /**
     * A device not yet registered.
     *
     * @param name          the interface name (at most 15 bytes, as IFNAMSIZ)
     * @param type          ARPHRD_* link type
     * @param hardHeaderLen link-layer header length (14 for Ethernet, 0 for TUN)
     * @param mtu           initial MTU
     * @param minMtu        smallest MTU accepted
     * @param maxMtu        largest MTU accepted
     * @param flags         initial IFF_* flags (not UP)
     */
    protected NetDevice(String name, int type, int hardHeaderLen, int mtu, int minMtu, int maxMtu, int flags) {
        checkName(name);
        this.name = name;
        this.type = type;
        this.hardHeaderLen = hardHeaderLen;
        this.mtu = mtu;
        this.minMtu = minMtu;
        this.maxMtu = maxMtu;
        this.flags = flags & ~(IfFlags.UP | IfFlags.RUNNING | IfFlags.LOWER_UP);
        this.txQueueLen = 1000;
    }

    static void checkName(String name) {
        if (name == null || name.isEmpty() || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 15
                || name.contains("/") || name.contains(" ") || name.equals(".") || name.equals("..")) {
            throw new ErrnoException(Errno.EINVAL, "bad interface name \"" + name + "\": 1 to 15 bytes, no '/' or spaces");
        }
    }

    // ---------------------------------------------------------------- driver hooks

    /**
     * Sends one frame, data at the link-layer header. Mirrors {@code ndo_start_xmit}. Must not
     * throw; on failure the driver frees the buffer and counts the error.
     */
    protected abstract TxResult startXmit(SkBuff skb);

    /** Brings the hardware up. Mirrors {@code ndo_open}. */
    protected void open() {
    }

    /** Brings the hardware down. Mirrors {@code ndo_stop}. */
    protected void stop() {
    }

    /** The qdisc a device gets when brought up: {@code default_qdisc}, or noqueue for software devices. */
    protected Qdisc defaultQdisc() {
        return Qdisc.defaultFor(this);
    }

    /** Linux's IFF_NO_QUEUE: software devices (loopback, veth) default to no qdisc. */
    protected boolean noQueueByDefault() {
        return false;
    }

    /** Short kind word for listings ("veth", "loopback", "tap"). */
    public abstract String kind();

    // ---------------------------------------------------------------- state

    /** Opens the device, as {@code ip link set NAME up}. Mirrors {@code dev_open()}. */
    public void up() {
        if ((flags & IfFlags.UP) != 0) {
            return;
        }
        if (qdisc == null) {
            setQdisc(defaultQdisc());
        }
        flags |= IfFlags.UP;
        open();
        refreshRunning();
        notifyNet(NetdevEvent.UP);
    }

    private void notifyNet(NetdevEvent e) {
        if (net != null) {
            net.notify(e, this);
        }
    }

    /** Closes the device, as {@code ip link set NAME down}. Mirrors {@code dev_close()}. */
    public void down() {
        if ((flags & IfFlags.UP) == 0) {
            return;
        }
        stop();
        flags &= ~IfFlags.UP;
        if (qdisc != null) {
            qdisc.reset();
        }
        refreshRunning();
        notifyNet(NetdevEvent.DOWN);
    }

    /** Marks the link as having carrier. Mirrors {@code netif_carrier_on()}. */
    public void carrierOn() {
        boolean was = (flags & IfFlags.LOWER_UP) != 0;
        flags |= IfFlags.LOWER_UP;
        refreshRunning();
        if (!was) {
            notifyNet(NetdevEvent.CHANGE);
        }
    }

    /** Marks the link as without carrier. Mirrors {@code netif_carrier_off()}. */
    public void carrierOff() {
        boolean was = (flags & IfFlags.LOWER_UP) != 0;
        flags &= ~IfFlags.LOWER_UP;
        refreshRunning();
        if (was) {
            notifyNet(NetdevEvent.CHANGE);
        }
    }

    private void refreshRunning() {
        if (isUp() && (flags & IfFlags.LOWER_UP) != 0) {
            flags |= IfFlags.RUNNING;
        } else {
            flags &= ~IfFlags.RUNNING;
        }
    }

    /** True when administratively up. */
    public boolean isUp() {
        return (flags & IfFlags.UP) != 0;
    }

    /** True when up with carrier: frames may flow. Mirrors {@code netif_running() && netif_carrier_ok()}. */
    public boolean isRunning() {
        return (flags & IfFlags.RUNNING) != 0;
    }

    /** Stops the transmit queue: the qdisc holds packets. Mirrors {@code netif_stop_queue()}. */
    public void stopQueue() {
        queueStopped = true;
    }

    /** Restarts the transmit queue and reschedules the qdisc. Mirrors {@code netif_wake_queue()}. */
    public void wakeQueue() {
        queueStopped = false;
        if (qdisc != null && net != null) {
            net.kernel().softnet().schedule(qdisc);
        }
    }

    /** True when the driver stopped the queue. */
    public boolean queueStopped() {
        return queueStopped;
    }

    // ---------------------------------------------------------------- attributes

    /** The owning namespace, or null before registration. */
    public Net net() {
        return net;
    }

    /** The interface name. */
    public String name() {
        return name;
    }

    /** Renames the device (only while down, as Linux). */
    public void rename(String newName) {
        checkName(newName);
        if (isUp()) {
            throw new ErrnoException(Errno.EBUSY, "cannot rename " + name + " while it is up: bring it down first");
        }
        if (net != null && net.device(newName) != null) {
            throw new ErrnoException(Errno.EEXIST, "a device named " + newName + " already exists in " + net.name());
        }
        name = newName;
    }

    /** The interface index, unique in its namespace (1 is loopback). */
    public int ifindex() {
        return ifindex;
    }

    /** The hardware address. */
    public MacAddress mac() {
        return mac;
    }

    /** Sets the hardware address. */
    public void setMac(MacAddress mac) {
        this.mac = mac;
        notifyNet(NetdevEvent.CHANGEADDR);
    }

    /** The MTU: the largest network-layer packet the link carries. */
    public int mtu() {
        return mtu;
    }

    /** Sets the MTU; EINVAL outside the device's range. Mirrors {@code dev_set_mtu()}. */
    public void setMtu(int newMtu) {
        if (newMtu < minMtu || newMtu > maxMtu) {
            throw new ErrnoException(Errno.EINVAL, "MTU " + newMtu + " is outside " + name + "'s range " + minMtu + ".." + maxMtu);
        }
        mtu = newMtu;
        notifyNet(NetdevEvent.CHANGEMTU);
    }

    /** The IFF_* flags. */
    public int flags() {
        return flags;
    }

    /** Sets or clears IFF_PROMISC. */
    public void setPromisc(boolean on) {
        flags = on ? flags | IfFlags.PROMISC : flags & ~IfFlags.PROMISC;
    }

    /** The ARPHRD_* type. */
    public int type() {
        return type;
    }

    /** Link-layer header length. */
    public int hardHeaderLen() {
        return hardHeaderLen;
    }

    /** Transmit queue length (qdisc limit for pfifo_fast). */
    public int txQueueLen() {
        return txQueueLen;
    }

    /** Sets the transmit queue length, as {@code ip link set NAME txqueuelen N}. */
    public void setTxQueueLen(int n) {
        if (n < 0) {
            throw new ErrnoException(Errno.EINVAL, "txqueuelen must be >= 0");
        }
        txQueueLen = n;
    }

    /** The counters. */
    public DeviceStats stats() {
        return stats;
    }

    /** The root qdisc, or null for noqueue. */
    public Qdisc qdisc() {
        return qdisc;
    }

    /**
     * Replaces the root qdisc (null for noqueue), as {@code tc qdisc replace dev NAME root ...}.
     * Packets queued in the old one are dropped.
     */
    public void setQdisc(Qdisc q) {
        if (qdisc != null) {
            qdisc.destroy();
        }
        qdisc = q;
        if (q != null) {
            q.attach(this);
        }
    }

    /** Adds a tap that sees this device's frames both ways. */
    public void addTap(PacketTap tap) {
        PacketTap[] t = java.util.Arrays.copyOf(taps, taps.length + 1);
        t[taps.length] = tap;
        taps = t;
    }

    /** Removes a tap added with {@link #addTap}. */
    public void removeTap(PacketTap tap) {
        taps = java.util.Arrays.stream(taps).filter(t -> t != tap).toArray(PacketTap[]::new);
    }

    PacketTap[] taps() {
        return taps;
    }

    /** Installs the receive hook (bridge/bond port); EBUSY if one is present. */
    public void setRxHandler(RxHandler h) {
        if (h != null && rxHandler != null) {
            throw new ErrnoException(Errno.EBUSY, name + " already has a receive handler (is it enslaved?)");
        }
        rxHandler = h;
    }

    // ---------------------------------------------------------------- offload features

    /** The offloads that are on ({@code dev->features}, {@link NetdevFeatures} bits). */
    public long features() {
        return features;
    }

    /** The offloads the user may change ({@code dev->hw_features}). */
    public long hwFeatures() {
        return hwFeatures;
    }

    /** True when every bit of {@code f} is on. */
    public boolean hasFeatures(long f) {
        return (features & f) == f;
    }

    /**
     * Sets what the driver supports and what is on at creation, as a driver's probe fills
     * {@code hw_features} and {@code features}. The software features (GSO, GRO) stay toggleable.
     */
    protected final void initFeatures(long on, long changeable) {
        hwFeatures = changeable | NetdevFeatures.GSO | NetdevFeatures.GRO;
        features = fixFeatures(on);
    }

    /**
     * Turns offloads on or off, as {@code ethtool -K NAME feature on|off}: only bits in
     * {@link #hwFeatures()} change; the result is made consistent (TSO needs scatter/gather and a
     * checksum offload). Mirrors {@code __netdev_update_features()} / {@code netdev_fix_features()}.
     *
     * @throws ErrnoException EOPNOTSUPP when a bit asked for is fixed on this device
     */
    public void setFeatures(long on, long off) {
        long fixed = (((features | on) & ~off) ^ features) & ~hwFeatures;
        if (fixed != 0) {
            throw new ErrnoException(Errno.EOPNOTSUPP, "cannot change " + NetdevFeatures.names(fixed)
                    + " on " + name + ": fixed for a " + kind() + " device");
        }
        long was = features;
        features = fixFeatures((features | on) & ~off);
        if (was != features) {
            notifyNet(NetdevEvent.CHANGE);
        }
    }

    /** Mirrors {@code netdev_fix_features()}: TSO without SG or without checksum offload is dropped. */
    private static long fixFeatures(long f) {
        if ((f & NetdevFeatures.SG) == 0 || (f & NetdevFeatures.CSUM_MASK) == 0) {
            f &= ~NetdevFeatures.GSO_MASK;
        }
        return f;
    }

    /** The largest GSO packet this device takes ({@code gso_max_size}). */
    public int gsoMaxSize() {
        return gsoMaxSize;
    }

    /** Sets {@code gso_max_size}, as {@code ip link set NAME gso_max_size N}. */
    public void setGsoMaxSize(int n) {
        if (n < 0 || n > GSO_MAX_SIZE) {
            throw new ErrnoException(Errno.EINVAL, "gso_max_size must be 0.." + GSO_MAX_SIZE);
        }
        gsoMaxSize = n;
    }

    /** The {@code ethtool -k NAME} listing of this device's offloads. */
    public String formatFeatures() {
        return NetdevFeatures.format(name, features, hwFeatures);
    }

    /** The {@code ip link} line for this device, with statistics when asked. */
    public String format(boolean withStats) {
        return format(withStats, false);
    }

    /**
     * The {@code ip link} lines for this device, with statistics and, for {@code ip -d link},
     * the kind and GSO/GRO limits when asked.
     */
    public String format(boolean withStats, boolean details) {
        StringBuilder sb = new StringBuilder();
        String state = isRunning() ? "UP" : isUp() ? "DOWN" : "DOWN";
        if (type == ARPHRD_LOOPBACK && isUp()) {
            state = "UNKNOWN";
        }
        sb.append(ifindex).append(": ").append(name).append(linkSuffix()).append(": ").append(IfFlags.format(flags))
                .append(" mtu ").append(mtu).append(" qdisc ").append(qdisc == null ? "noqueue" : qdisc.kind())
                .append(" state ").append(state).append(" qlen ").append(txQueueLen).append('\n');
        if (type == ARPHRD_ETHER) {
            sb.append("    link/ether ").append(mac).append(" brd ff:ff:ff:ff:ff:ff\n");
        } else if (type == ARPHRD_LOOPBACK) {
            sb.append("    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n");
        } else {
            sb.append("    link/none\n");
        }
        if (details) {
            sb.append("    ").append(kind()).append(" gso_max_size ").append(gsoMaxSize).append(" gso_max_segs 65535")
                    .append(" gro_max_size ").append(Gro.MAX_SIZE).append('\n');
        }
        if (withStats) {
            sb.append(stats.format(true));
        }
        return sb.toString();
    }

    /** What follows the name in listings ("@veth1" for a veth end). */
    protected String linkSuffix() {
        return "";
    }

    @Override
    public String toString() {
        return name;
    }
}
