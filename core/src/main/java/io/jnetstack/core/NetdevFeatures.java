package io.jnetstack.core;

/**
 * Device offload features. Mirrors {@code netdev_features_t} and the {@code NETIF_F_*} bits of
 * {@code include/linux/netdev_features.h} that this stack models, with the names
 * {@code ethtool -k} shows (from {@code netdev_features_strings[]}).
 *
 * <p>A device has three sets, as Linux: {@code hw_features} (what the user may toggle),
 * {@code features} (what is on) and the fixed rest. The stack reads {@code features} on the way
 * out ({@code validate_xmit_skb}: checksum offload, TSO) and on the way in (GRO).
 */
public final class NetdevFeatures {
    private NetdevFeatures() {}

    /** Scatter/gather: the device takes paged (non-linear) buffers. */
    public static final long SG = 1L;
    /** The device checksums TCP/UDP over IPv4 ({@code NETIF_F_IP_CSUM}). */
    public static final long IP_CSUM = 1L << 1;
    /** The device checksums anything from csum_start/csum_offset ({@code NETIF_F_HW_CSUM}). */
    public static final long HW_CSUM = 1L << 3;
    /** Software GSO is allowed: large segments are built and split at the device. */
    public static final long GSO = 1L << 11;
    /** TCP segmentation offload for IPv4 ({@code NETIF_F_TSO}). */
    public static final long TSO = 1L << 16;
    /** TSO with ECN: the CWR bit goes on the first segment only ({@code NETIF_F_TSO_ECN}). */
    public static final long TSO_ECN = 1L << 18;
    /** Generic receive offload: received TCP segments are merged ({@code NETIF_F_GRO}). */
    public static final long GRO = 1L << 20;
    /** The device verifies receive checksums ({@code NETIF_F_RXCSUM}). */
    public static final long RXCSUM = 1L << 32;

    /** Any checksum offload ({@code NETIF_F_CSUM_MASK}). */
    public static final long CSUM_MASK = IP_CSUM | HW_CSUM;
    /** The GSO types a device may take whole ({@code NETIF_F_GSO_MASK} as modelled). */
    public static final long GSO_MASK = TSO | TSO_ECN;

    private static final long[] BITS = {SG, IP_CSUM, HW_CSUM, TSO, TSO_ECN, GSO, GRO, RXCSUM};
    private static final String[] NAMES = {"scatter-gather", "tx-checksum-ipv4", "tx-checksum-ip-generic",
        "tcp-segmentation-offload", "tx-tcp-ecn-segmentation", "generic-segmentation-offload",
        "generic-receive-offload", "rx-checksumming"};

    /**
     * The feature bit called {@code name} in {@code ethtool -k} listings (also the short names
     * {@code sg}, {@code tso}, {@code gso}, {@code gro}, {@code rx}, {@code tx} of
     * {@code ethtool -K}), or 0 when unknown.
     */
    public static long byName(String name) {
        switch (name) {
            case "sg" -> {
                return SG;
            }
            case "tso" -> {
                return TSO;
            }
            case "gso" -> {
                return GSO;
            }
            case "gro" -> {
                return GRO;
            }
            case "rx" -> {
                return RXCSUM;
            }
            case "tx" -> {
                return HW_CSUM | IP_CSUM;
            }
            default -> {
                for (int i = 0; i < BITS.length; i++) {
                    if (NAMES[i].equals(name)) {
                        return BITS[i];
                    }
                }
                return 0;
            }
        }
    }

    /**
     * True when a device with {@code features} takes a GSO packet of {@code gsoType} whole.
     * Mirrors {@code skb_gso_ok()} / {@code net_gso_ok()}: TCPV4 needs TSO, the ECN flavour TSO_ECN
     * too.
     */
    public static boolean gsoOk(long features, int gsoType) {
        if ((gsoType & SkBuff.GSO_TCPV4) != 0 && (features & TSO) == 0) {
            return false;
        }
        return (gsoType & SkBuff.GSO_TCP_ECN) == 0 || (features & TSO_ECN) != 0;
    }

    /**
     * True when a socket routed out of a device with {@code features} may build large segments.
     * Mirrors {@code sk_can_gso()} after {@code sk_setup_caps()}: software GSO or TSO.
     */
    public static boolean canGso(long features) {
        return (features & (GSO | TSO)) != 0;
    }

    /**
     * The {@code ethtool -k} listing: one line per modelled feature, {@code on}/{@code off}, and
     * {@code [fixed]} for those not in {@code hwFeatures}.
     */
    public static String format(String devName, long features, long hwFeatures) {
        StringBuilder sb = new StringBuilder("Features for ").append(devName).append(":\n");
        for (int i = 0; i < BITS.length; i++) {
            sb.append(NAMES[i]).append(": ").append((features & BITS[i]) != 0 ? "on" : "off");
            if ((hwFeatures & BITS[i]) == 0) {
                sb.append(" [fixed]");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The names of the bits set in {@code features}, space separated (for {@code ip -d link}). */
    public static String names(long features) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < BITS.length; i++) {
            if ((features & BITS[i]) != 0) {
                if (!sb.isEmpty()) {
                    sb.append(' ');
                }
                sb.append(NAMES[i]);
            }
        }
        return sb.toString();
    }
}
