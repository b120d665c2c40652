package io.jnetstack.link;

import io.jnetstack.core.Dev;
import io.jnetstack.core.DropReason;
import io.jnetstack.core.IfFlags;
import io.jnetstack.core.Napi;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.NetdevFeatures;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.SkbQueue;
import io.jnetstack.trace.Stage;
import io.jnetstack.wire.MacAddress;

/**
 * One end of a virtual Ethernet pair: what one end sends, the other receives. The two ends may
 * live in two namespaces. Mirrors {@code drivers/net/veth.c} in its NAPI mode:
 * {@code veth_xmit} checks and classifies the frame for the peer ({@code __dev_forward_skb}),
 * puts it on the peer's ring and schedules the peer's NAPI; {@code veth_poll} hands frames to
 * {@code napi_gro_receive}. Default MTU 1500 (up to 65535); no qdisc unless one is attached. With
 * TSO on (the default) a GSO packet crosses whole, as Linux's veth passes GSO skbs.
 */
public final class Veth extends NetDevice {
    /** Mirrors VETH_RING_SIZE. */
    public static final int RING_SIZE = 256;
    /** Largest MTU a veth accepts. */
    public static final int MAX_MTU = 65535;

    private Veth peer;
    private final SkbQueue ring = new SkbQueue();
    private Napi napi;

    private Veth(String name) {
        super(name, ARPHRD_ETHER, 14, 1500, 68, MAX_MTU, IfFlags.BROADCAST | IfFlags.MULTICAST);
        initFeatures(FEATURES, FEATURES | NetdevFeatures.GRO);
    }

    /**
     * Mirrors VETH_FEATURES: scatter/gather, any checksum, TSO, receive checksum; all
     * toggleable with {@link #setFeatures}. GRO is off by default as on Linux (the peer's GSO
     * packets cross whole anyway); {@code ethtool -K veth gro on} merges segments from a peer
     * that cuts its packets.
     */
    public static final long FEATURES = NetdevFeatures.SG | NetdevFeatures.HW_CSUM | NetdevFeatures.TSO
            | NetdevFeatures.TSO_ECN | NetdevFeatures.RXCSUM | NetdevFeatures.GSO;

    /**
     * Creates a pair, as {@code ip link add NAME type veth peer name PEER netns ...}: {@code name}
     * in {@code net}, {@code peerName} in {@code peerNet}, each with a random locally
     * administered MAC from the kernel's seed.
     *
     * @return the end in {@code net}; {@link #peer()} is the other
     */
    public static Veth createPair(Net net, String name, Net peerNet, String peerName) {
        Veth a = new Veth(name);
        Veth b = new Veth(peerName);
        a.peer = b;
        b.peer = a;
        a.setMac(MacAddress.random(net.kernel().random("veth mac " + net.name() + " " + name)));
        b.setMac(MacAddress.random(peerNet.kernel().random("veth mac " + peerNet.name() + " " + peerName)));
        net.register(a);
        try {
            peerNet.register(b);
        } catch (RuntimeException e) {
            net.unregister(a);
            throw e;
        }
        a.napi = a.newNapi();
        b.napi = b.newNapi();
        return a;
    }

    private Napi newNapi() {
        return new Napi(this, 64) {
            @Override
            protected int poll(int budget) {
                return veth().poll(budget);
            }
        };
    }

    private Veth veth() {
        return this;
    }

    /** The other end. */
    public Veth peer() {
        return peer;
    }

    @Override
    public String kind() {
        return "veth";
    }

    @Override
    protected boolean noQueueByDefault() {
        return true;
    }

    @Override
    protected String linkSuffix() {
        return peer.net() == net() ? "@" + peer.name() : "@if" + peer.ifindex();
    }

    @Override
    protected void open() {
        // carrier on both ends once both are up, as veth_open()
        if (peer.isUp()) {
            carrierOn();
            peer.carrierOn();
        }
    }

    @Override
    protected void stop() {
        carrierOff();
        peer.carrierOff();
        ring.purge();
    }

    /** Mirrors {@code veth_xmit()}: forward to the peer's ring and kick its NAPI. */
    @Override
    protected TxResult startXmit(SkBuff skb) {
        net().kernel().tracer().enter(Stage.VETH_XMIT, skb, net().name(), name());
        skb.orphan();
        try {
            return forward(skb);
        } finally {
            net().kernel().tracer().exit();
        }
    }

    /** Mirrors {@code veth_forward_skb()}. */
    private TxResult forward(SkBuff skb) {
        Veth rcv = peer;
        if (!rcv.isUp()) {
            stats().txDropped++;
            net().drop(skb, DropReason.DEV_READY);
            return TxResult.OK;
        }
        if (rcv.ring.size() >= RING_SIZE) {
            stats().txDropped++;
            net().drop(skb, DropReason.FULL_RING);
            return TxResult.OK;
        }
        // __dev_forward_skb(): scrub what must not cross namespaces, then classify for the peer.
        skb.dst = null;
        skb.mark = 0;
        skb.priority = 0;
        if (Dev.ethFrameIn(rcv, skb)) {
            rcv.ring.addLast(skb);
            rcv.napi.schedule();
        }
        return TxResult.OK;
    }

    /**
     * Mirrors {@code veth_poll()}: up to budget frames from the ring to the stack, through GRO
     * ({@code napi_gro_receive}); GSO packets from the peer go up whole.
     */
    private int poll(int budget) {
        int done = 0;
        SkBuff skb;
        while (done < budget && (skb = ring.poll()) != null) {
            net().kernel().tracer().enter(Stage.VETH_POLL, skb, net().name(), name());
            try {
                napi.groReceive(skb);
            } finally {
                net().kernel().tracer().exit();
            }
            done++;
        }
        return done;
    }

    /** This end's receive NAPI context (its GRO state and counters). */
    public Napi napi() {
        return napi;
    }

    /** Frames waiting on this end's receive ring. */
    public int ringLength() {
        return ring.size();
    }
}
