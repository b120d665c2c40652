package io.jnetstack.link;

import io.jnetstack.core.Dev;
import io.jnetstack.core.IfFlags;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.NetdevFeatures;
import io.jnetstack.core.SkBuff;
import io.jnetstack.trace.Stage;

/**
 * The loopback device {@code lo}: every frame sent is received again by the same namespace.
 * Mirrors {@code drivers/net/loopback.c}: MTU 65536, no queue, {@code loopback_xmit} hands the
 * frame to {@code netif_rx} after {@code eth_type_trans}. Features as {@code loopback_setup()}:
 * scatter/gather, checksum and TSO offload, all fixed, so GSO packets and partial checksums
 * pass whole; the receiving side trusts them ({@code skb_csum_unnecessary()}).
 */
public final class Loopback extends NetDevice {
    /** Linux's loopback MTU. */
    public static final int LOOPBACK_MTU = 65536;

    /** A loopback device named {@code lo}. */
    public Loopback() {
        super("lo", ARPHRD_LOOPBACK, 14, LOOPBACK_MTU, 0, LOOPBACK_MTU, IfFlags.LOOPBACK);
        // loopback_setup(): everything offloaded and fixed, the data never leaves memory.
        initFeatures(NetdevFeatures.SG | NetdevFeatures.HW_CSUM | NetdevFeatures.TSO | NetdevFeatures.TSO_ECN
                | NetdevFeatures.RXCSUM | NetdevFeatures.GSO | NetdevFeatures.GRO, 0);
    }

    @Override
    public String kind() {
        return "loopback";
    }

    @Override
    protected boolean noQueueByDefault() {
        return true;
    }

    @Override
    protected void open() {
        carrierOn();
    }

    /** Mirrors {@code loopback_xmit()}. */
    @Override
    protected TxResult startXmit(SkBuff skb) {
        net().kernel().tracer().point(Stage.LOOPBACK_XMIT, skb, net().name(), name(), "");
        skb.orphan();
        skb.dst = null;
        if (Dev.ethFrameIn(this, skb)) {
            Dev.netifRx(skb);
        }
        return TxResult.OK;
    }
}
