package io.jnetstack.core;

import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;

/**
 * The generic device layer, both directions. Mirrors {@code net/core/dev.c} and the transmit
 * half of {@code net/sched/sch_generic.c}.
 *
 * <pre>
 * send:    dev_queue_xmit → __dev_queue_xmit → __dev_xmit_skb → qdisc_enqueue → __qdisc_run
 *            → qdisc_restart → sch_direct_xmit → dev_hard_start_xmit → xmit_one
 *            → (dev_queue_xmit_nit: taps) → netdev_start_xmit → driver
 * receive: driver → netif_rx → enqueue_to_backlog … net_rx_action → process_backlog
 *            → __netif_receive_skb,  or driver NAPI poll → netif_receive_skb
 *          __netif_receive_skb → __netif_receive_skb_core → (deliver_skb: taps)
 *            → rx_handler → protocol handler by EtherType (ip_rcv, arp_rcv)
 * </pre>
 *
 * Every function runs under the kernel lock. No exception escapes: bad frames are dropped
 * with a {@link DropReason} and counted.
 */
public final class Dev {
    private Dev() {}

    /** Mirrors VLAN_HLEN. */
    static final int VLAN_HLEN = 4;
    /** Mirrors ETH_HLEN. */
    static final int ETH_HLEN = 14;

    // ================================================================= transmit

    /**
     * Queues a frame for transmission on {@code skb.dev}; data starts at the link-layer header.
     * Mirrors {@code dev_queue_xmit()}. The buffer is consumed whatever the outcome.
     *
     * @return {@link Qdisc#NET_XMIT_SUCCESS}, {@link Qdisc#NET_XMIT_DROP} or {@link Qdisc#NET_XMIT_CN}
     */
    public static int queueXmit(SkBuff skb) {
        NetDevice dev = skb.dev;
        Net net = dev.net();
        Tracer t = net.kernel().tracer();
        t.enter(Stage.DEV_QUEUE_XMIT, skb, net.name(), dev.name());
        try {
            return devQueueXmit(skb, dev, net);
        } finally {
            t.exit();
        }
    }

    /** Mirrors {@code __dev_queue_xmit()}. */
    private static int devQueueXmit(SkBuff skb, NetDevice dev, Net net) {
        Softnet sn = net.kernel().softnet();
        Tracer t = net.kernel().tracer();
        sn.bhDisable();
        t.enter(Stage.__DEV_QUEUE_XMIT, skb, net.name(), dev.name());
        try {
            skb.resetMacHeader();
            if (!dev.isUp()) {
                dev.stats().txDropped++;
                net.drop(skb, DropReason.DEV_READY);
                return Qdisc.NET_XMIT_DROP;
            }
            Qdisc q = dev.qdisc;
            if (q != null) {
                return devXmitSkb(skb, q, dev);
            }
            // noqueue: straight to the driver (loopback, veth by default)
            if (dev.queueStopped || !dev.isRunning()) {
                dev.stats().txDropped++;
                net.drop(skb, DropReason.DEV_READY);
                return Qdisc.NET_XMIT_DROP;
            }
            return xmitNoQueue(skb, dev, net);
        } finally {
            t.exit();
            sn.bhEnable();
        }
    }

    /**
     * The noqueue branch of {@code __dev_queue_xmit()}: {@code validate_xmit_skb()}, then the
     * driver, segment by segment when the packet was segmented; what the driver refuses is dropped.
     */
    private static int xmitNoQueue(SkBuff skb, NetDevice dev, Net net) {
        int v = Gso.validateXmit(skb, dev);
        if (v == Gso.XMIT_DROPPED) {
            return Qdisc.NET_XMIT_DROP;
        }
        if (v == Gso.XMIT_AS_IS) {
            if (hardStartXmit(skb, dev) == NetDevice.TxResult.BUSY) {
                dev.stats().txDropped++;
                net.drop(skb, DropReason.FULL_RING);
                return Qdisc.NET_XMIT_DROP;
            }
            return Qdisc.NET_XMIT_SUCCESS;
        }
        int rc = Qdisc.NET_XMIT_SUCCESS;
        SkBuff seg;
        while ((seg = dev.gsoSegs.poll()) != null) {
            if (hardStartXmit(seg, dev) == NetDevice.TxResult.BUSY) {
                dev.stats().txDropped++;
                net.drop(seg, DropReason.FULL_RING);
                rc = Qdisc.NET_XMIT_DROP;
            }
        }
        return rc;
    }

    /** Mirrors {@code __dev_xmit_skb()}: bypass an idle qdisc, else enqueue and run it. */
    private static int devXmitSkb(SkBuff skb, Qdisc q, NetDevice dev) {
        Tracer t = dev.net().kernel().tracer();
        t.enter(Stage.__DEV_XMIT_SKB, skb, dev.net().name(), dev.name());
        try {
            if (q.canBypass() && q.qlen() == 0 && !q.running) {
                q.running = true;
                q.stats().packets++;
                q.stats().bytes += skb.len();
                boolean more;
                try {
                    more = directXmit(skb, q, dev);
                } finally {
                    q.running = false;
                }
                if (more) {
                    qdiscRun(q);
                }
                return Qdisc.NET_XMIT_SUCCESS;
            }
            int rc = q.enqueue(skb);
            qdiscRun(q);
            return rc;
        } finally {
            t.exit();
        }
    }

    /**
     * Sends what the qdisc releases, up to the transmit quota, then yields to the transmit
     * softirq. Mirrors {@code qdisc_run()} / {@code __qdisc_run()}.
     */
    static void qdiscRun(Qdisc q) {
        if (q.running) {
            return;
        }
        NetDevice dev = q.dev();
        Softnet sn = dev.net().kernel().softnet();
        Tracer t = dev.net().kernel().tracer();
        q.running = true;
        t.enter(Stage.__QDISC_RUN, null, dev.net().name(), dev.name());
        try {
            int quota = sn.txQuota();
            while (true) {
                if (dev.queueStopped) {
                    return;
                }
                SkBuff skb = q.dequeue();   // qdisc_restart()
                if (skb == null) {
                    return;
                }
                if (!directXmit(skb, q, dev)) {
                    return;
                }
                if (--quota <= 0) {
                    sn.schedule(q);
                    return;
                }
            }
        } finally {
            t.exit();
            q.running = false;
        }
    }

    /**
     * Hands one dequeued frame to the driver. Mirrors {@code sch_direct_xmit()}.
     *
     * @return true when the qdisc may go on sending
     */
    private static boolean directXmit(SkBuff skb, Qdisc q, NetDevice dev) {
        Tracer t = dev.net().kernel().tracer();
        t.enter(Stage.SCH_DIRECT_XMIT, skb, dev.net().name(), dev.name());
        try {
            if (!dev.isRunning()) {
                dev.stats().txDropped++;
                dev.net().drop(skb, DropReason.DEV_READY);
                return true;
            }
            if (dev.queueStopped) {
                q.requeue(skb);
                return false;
            }
            int v = Gso.validateXmit(skb, dev);
            if (v == Gso.XMIT_DROPPED) {
                return true;
            }
            if (v == Gso.XMIT_AS_IS) {
                if (hardStartXmit(skb, dev) == NetDevice.TxResult.BUSY) {
                    q.requeue(skb);
                    return false;
                }
                return !dev.queueStopped;
            }
            return xmitSegments(q, dev);
        } finally {
            t.exit();
        }
    }

    /**
     * Hands the segments of a GSO packet to the driver one by one. Mirrors the loop of
     * {@code dev_hard_start_xmit()} over a segment list: when the driver refuses one or stops
     * its queue, the rest go back to the qdisc in order ({@code dev_requeue_skb()}).
     *
     * @return true when the qdisc may go on sending
     */
    private static boolean xmitSegments(Qdisc q, NetDevice dev) {
        SkbQueue segs = dev.gsoSegs;
        SkBuff seg;
        while ((seg = segs.poll()) != null) {
            if (hardStartXmit(seg, dev) == NetDevice.TxResult.BUSY) {
                requeueRest(q, segs);
                q.requeue(seg);
                return false;
            }
            if (dev.queueStopped && !segs.isEmpty()) {
                requeueRest(q, segs);
                return false;
            }
        }
        return !dev.queueStopped;
    }

    private static void requeueRest(Qdisc q, SkbQueue segs) {
        SkBuff s;
        while ((s = segs.pollLast()) != null) {
            q.requeue(s);
        }
    }

    /**
     * Shows the frame to the taps, then to the driver. Mirrors {@code dev_hard_start_xmit()} →
     * {@code xmit_one()} → {@code netdev_start_xmit()}. On OK the device's TX counters grow.
     */
    static NetDevice.TxResult hardStartXmit(SkBuff skb, NetDevice dev) {
        Net net = dev.net();
        Tracer t = net.kernel().tracer();
        t.enter(Stage.DEV_HARD_START_XMIT, skb, net.name(), dev.name());
        try {
            // A multicast looped back by this host (dev_loopback_xmit) was seen leaving; packet
            // sockets ignore PACKET_LOOPBACK (packet_rcv), and so do taps.
            if ((net.hasTaps() || dev.taps().length > 0) && skb.pktType != PktType.LOOPBACK) {
                t.point(Stage.DEV_QUEUE_XMIT_NIT, skb, net.name(), dev.name(), "");
                deliverTaps(skb, dev, true);
            }
            int len = skb.len();
            NetDevice.TxResult r;
            t.enter(Stage.NETDEV_START_XMIT, skb, net.name(), dev.name());
            try {
                r = dev.startXmit(skb);
            } finally {
                t.exit();
            }
            if (r == NetDevice.TxResult.OK) {
                dev.stats().tx(len);
            }
            return r;
        } finally {
            t.exit();
        }
    }

    // ================================================================= receive

    /**
     * Checks a frame a driver received and classifies it: length against the header and the
     * MTU, the device being up, then {@code eth_type_trans()}; counts it. Drivers of Ethernet-like
     * devices call this before {@link #netifRx} or {@link #netifReceiveSkb}.
     *
     * @return false when the frame was dropped (counted, reason recorded)
     */
    public static boolean ethFrameIn(NetDevice dev, SkBuff skb) {
        Net net = dev.net();
        skb.dev = dev;
        if (!dev.isUp()) {
            dev.stats().rxDropped++;
            net.drop(skb, DropReason.DEV_READY);
            return false;
        }
        int len = skb.len();
        if (len < ETH_HLEN || !skb.mayPull(ETH_HLEN)) {
            dev.stats().rxErrors++;
            dev.stats().rxLengthErrors++;
            net.drop(skb, DropReason.PKT_TOO_SMALL);
            return false;
        }
        if (len > dev.mtu() + dev.hardHeaderLen() + VLAN_HLEN && skb.gsoSize() == 0) {
            dev.stats().rxErrors++;
            dev.stats().rxLengthErrors++;
            net.drop(skb, DropReason.PKT_TOO_BIG);
            return false;
        }
        dev.stats().rx(len);
        Eth.typeTrans(skb, dev);
        if (skb.pktType == PktType.MULTICAST || skb.pktType == PktType.BROADCAST) {
            dev.stats().multicast++;
        }
        return true;
    }

    /**
     * Checks a packet a TUN device received (no link-layer header) and sets its protocol from the
     * IP version nibble. Mirrors the classification in {@code tun_get_user()} for IFF_NO_PI.
     *
     * @return false when the packet was dropped (counted, reason recorded)
     */
    public static boolean ipPacketIn(NetDevice dev, SkBuff skb) {
        Net net = dev.net();
        skb.dev = dev;
        if (!dev.isUp()) {
            dev.stats().rxDropped++;
            net.drop(skb, DropReason.DEV_READY);
            return false;
        }
        int len = skb.len();
        if (len < 1 || !skb.mayPull(1)) {
            dev.stats().rxErrors++;
            dev.stats().rxLengthErrors++;
            net.drop(skb, DropReason.PKT_TOO_SMALL);
            return false;
        }
        if (len > dev.mtu() && skb.gsoSize() == 0) {
            dev.stats().rxErrors++;
            dev.stats().rxLengthErrors++;
            net.drop(skb, DropReason.PKT_TOO_BIG);
            return false;
        }
        int version = (skb.buf()[skb.data()] & 0xff) >>> 4;
        skb.protocol = version == 4 ? 0x0800 : version == 6 ? 0x86DD : 0;
        skb.pktType = PktType.HOST;
        skb.resetMacHeader();
        dev.stats().rx(len);
        return true;
    }

    /**
     * Queues a received frame (data at the network header, after {@link #ethFrameIn}) to the
     * CPU backlog for the receive softirq. Mirrors {@code netif_rx()}.
     *
     * @return false when the backlog was full and the frame dropped
     */
    public static boolean netifRx(SkBuff skb) {
        NetDevice dev = skb.dev;
        Kernel k = dev.net().kernel();
        k.tracer().point(Stage.NETIF_RX, skb, dev.net().name(), dev.name(), "");
        k.softnet().bhDisable();
        try {
            return k.softnet().enqueueToBacklog(skb);
        } finally {
            k.softnet().bhEnable();
        }
    }

    /**
     * Delivers a received frame now, from a NAPI poll. Mirrors {@code netif_receive_skb()}.
     */
    public static void netifReceiveSkb(SkBuff skb) {
        NetDevice dev = skb.dev;
        Tracer t = dev.net().kernel().tracer();
        t.enter(Stage.NETIF_RECEIVE_SKB, skb, dev.net().name(), dev.name());
        try {
            receiveSkb(skb);
        } finally {
            t.exit();
        }
    }

    /** Mirrors {@code __netif_receive_skb()}. */
    static void receiveSkb(SkBuff skb) {
        NetDevice dev = skb.dev;
        Tracer t = dev.net().kernel().tracer();
        t.enter(Stage.__NETIF_RECEIVE_SKB, skb, dev.net().name(), dev.name());
        dev.net().kernel().softnet().processed++;
        try {
            receiveSkbCore(skb);
        } finally {
            t.exit();
        }
    }

    /**
     * Taps, receive hook, then the protocol handler for the frame's EtherType. Mirrors
     * {@code __netif_receive_skb_core()}.
     */
    private static void receiveSkbCore(SkBuff skb) {
        for (int hops = 0; hops < 8; hops++) {
            NetDevice dev = skb.dev;
            Net net = dev.net();
            Tracer t = net.kernel().tracer();
            t.enter(Stage.__NETIF_RECEIVE_SKB_CORE, skb, net.name(), dev.name());
            try {
                if (receiveOnce(skb, dev, net, t)) {
                    return;
                }
            } finally {
                t.exit();
            }
        }
        skb.dev.net().drop(skb, DropReason.NOT_SPECIFIED);
    }

    /**
     * One pass of {@code __netif_receive_skb_core()} for the current {@code skb.dev}.
     *
     * @return true when the frame was consumed, false to go again for a new device
     */
    private static boolean receiveOnce(SkBuff skb, NetDevice dev, Net net, Tracer t) {
        {
            skb.resetNetworkHeader();
            skb.resetTransportHeader();
            if (net.hasTaps() || dev.taps().length > 0) {
                t.point(Stage.DELIVER_SKB, skb, net.name(), dev.name(), "");
                deliverTaps(skb, dev, false);
            }
            RxHandler h = dev.rxHandler;
            if (h != null) {
                RxHandler.Result r = h.handle(skb);
                if (r == RxHandler.Result.CONSUMED) {
                    return true;
                }
                if (r == RxHandler.Result.ANOTHER) {
                    return false;
                }
            }
            PacketHandler ph = net.protocolHandler(skb.protocol);
            if (ph == null) {
                dev.stats().rxNohandler++;
                net.drop(skb, DropReason.UNHANDLED_PROTO);
                return true;
            }
            ph.receive(skb, dev);
            return true;
        }
    }

    /**
     * Shows a frame to the namespace's and the device's taps with data at the link-layer header.
     * Mirrors {@code deliver_skb()} (receive) and {@code dev_queue_xmit_nit()} (send).
     */
    private static void deliverTaps(SkBuff skb, NetDevice dev, boolean outgoing) {
        int pushed = 0;
        if (!outgoing && skb.macHeader() >= 0) {
            pushed = skb.data() - skb.macHeader();
            if (pushed > 0 && pushed <= skb.headroom()) {
                skb.push(pushed);
            } else {
                pushed = 0;
            }
        }
        try {
            for (PacketTap tap : dev.net().taps()) {
                tap.tap(skb, dev, outgoing);
            }
            for (PacketTap tap : dev.taps()) {
                tap.tap(skb, dev, outgoing);
            }
        } finally {
            if (pushed > 0) {
                skb.pull(pushed);
            }
        }
    }
}
