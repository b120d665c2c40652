package io.jnetstack.core;

import io.jnetstack.link.Veth;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Device offload features: per-type defaults as Linux, ethtool -k/-K semantics. */
class NetdevFeaturesTest {
    final Kernel k = Kernel.deterministic(1);
    final Net a = k.newNet("a");

    @Test
    void loopbackOffloadsEverythingFixed() {
        NetDevice lo = a.loopback();
        assertTrue(lo.hasFeatures(NetdevFeatures.SG | NetdevFeatures.HW_CSUM | NetdevFeatures.TSO | NetdevFeatures.RXCSUM));
        String listing = lo.formatFeatures();
        assertTrue(listing.startsWith("Features for lo:\n"), listing);
        assertTrue(listing.contains("tcp-segmentation-offload: on [fixed]\n"), listing);
        assertTrue(listing.contains("generic-receive-offload: on\n"), listing);
        ErrnoException e = assertThrows(ErrnoException.class, () -> lo.setFeatures(0, NetdevFeatures.TSO));
        assertEquals(Errno.EOPNOTSUPP, e.errno());
        assertTrue(e.getMessage().contains("tcp-segmentation-offload"), e.getMessage());
        assertEquals(65536, lo.mtu());
    }

    @Test
    void vethOffloadsAreToggleableAndTsoNeedsSgAndChecksum() {
        Veth v = Veth.createPair(a, "v0", a, "v1");
        assertTrue(v.hasFeatures(Veth.FEATURES));
        assertFalse(v.hasFeatures(NetdevFeatures.GRO), "veth GRO is off by default, as Linux");
        assertEquals(NetdevFeatures.TSO, NetdevFeatures.byName("tso"));
        assertEquals(NetdevFeatures.GRO, NetdevFeatures.byName("generic-receive-offload"));
        v.setFeatures(0, NetdevFeatures.byName("tx"));
        assertFalse(v.hasFeatures(NetdevFeatures.TSO), "netdev_fix_features(): no TSO without checksum offload");
        v.setFeatures(NetdevFeatures.HW_CSUM | NetdevFeatures.TSO, 0);
        assertTrue(v.hasFeatures(NetdevFeatures.TSO));
        v.setFeatures(0, NetdevFeatures.SG);
        assertFalse(v.hasFeatures(NetdevFeatures.TSO), "no TSO without scatter/gather");
        v.setMtu(65535);
        assertEquals(65535, v.mtu());
        assertTrue(v.formatFeatures().contains("scatter-gather: off\n"));
        assertTrue(v.format(false, true).contains("    veth gso_max_size 65536 gso_max_segs 65535 gro_max_size 65536\n"),
                v.format(false, true));
    }

    @Test
    void gsoOkFollowsTheTsoBits() {
        long tso = NetdevFeatures.SG | NetdevFeatures.HW_CSUM | NetdevFeatures.TSO;
        assertTrue(NetdevFeatures.gsoOk(tso, SkBuff.GSO_TCPV4));
        assertFalse(NetdevFeatures.gsoOk(tso, SkBuff.GSO_TCPV4 | SkBuff.GSO_TCP_ECN));
        assertTrue(NetdevFeatures.gsoOk(tso | NetdevFeatures.TSO_ECN, SkBuff.GSO_TCPV4 | SkBuff.GSO_TCP_ECN));
        assertFalse(NetdevFeatures.gsoOk(NetdevFeatures.GSO, SkBuff.GSO_TCPV4));
        assertTrue(NetdevFeatures.canGso(NetdevFeatures.GSO));
        assertFalse(NetdevFeatures.canGso(0));
    }
}
