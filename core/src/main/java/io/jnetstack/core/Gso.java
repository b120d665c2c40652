package io.jnetstack.core;

import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Checksum;

/**
 * Transmit-side offload in software: what a device cannot do is done before the driver sees the
 * packet. Mirrors {@code validate_xmit_skb()} in {@code net/core/dev.c}, {@code skb_gso_segment()}
 * in {@code net/core/gso.c}, {@code skb_segment()} and {@code skb_checksum_help()}.
 *
 * <pre>
 * validate_xmit_skb
 *   ├─ GSO packet, device without the TSO feature for its type (netif_needs_gso)
 *   │    → skb_gso_segment → callbacks.gso_segment (inet_gso_segment → tcp4_gso_segment
 *   │      → skb_segment) → a list of MTU-sized segments, each checksummed per the features
 *   └─ CHECKSUM_PARTIAL, device without checksum offload → skb_checksum_help
 * </pre>
 *
 * Segments come from the kernel's {@link SkBuffPool}: in steady state nothing is allocated.
 * Each segment is a linear copy of the headers and its share of the payload (Linux shares the
 * payload pages; here a linear buffer is what every driver and the receive path handle best).
 */
public final class Gso {
    private Gso() {}

    /** Headroom every segment gets for link headers pushed later (a vnet header, a VLAN tag). */
    public static final int SEGMENT_HEADROOM = 64;

    /** {@link #validateXmit}: send the packet as it is. */
    static final int XMIT_AS_IS = 0;
    /** {@link #validateXmit}: the packet was cut into the device's segment list and freed. */
    static final int XMIT_SEGMENTED = 1;
    /** {@link #validateXmit}: the packet was dropped (counted, reason recorded). */
    static final int XMIT_DROPPED = 2;

    /**
     * Readies a packet for {@code dev}'s driver. Mirrors {@code validate_xmit_skb()}: GSO packets
     * the device cannot take whole are segmented ({@code netif_needs_gso()} →
     * {@code skb_gso_segment()}) into {@code dev}'s segment list; partial checksums the device
     * cannot finish are finished here ({@code skb_checksum_help()}).
     *
     * @return {@link #XMIT_AS_IS}, {@link #XMIT_SEGMENTED} or {@link #XMIT_DROPPED}
     */
    static int validateXmit(SkBuff skb, NetDevice dev) {
        long features = dev.features();
        if (skb.isGso()) {
            if (NetdevFeatures.gsoOk(features, skb.gsoType()) && skb.len() - dev.hardHeaderLen() <= dev.gsoMaxSize()) {
                return XMIT_AS_IS;
            }
            Tracer t = dev.net().kernel().tracer();
            t.enter(Stage.VALIDATE_XMIT_SKB, skb, dev.net().name(), dev.name());
            try {
                return segmentForXmit(skb, dev, features);
            } finally {
                t.exit();
            }
        }
        if (skb.ipSummed == CsumState.PARTIAL && !canChecksum(features, skb.protocol)) {
            dev.net().kernel().tracer().point(Stage.SKB_CHECKSUM_HELP, skb, dev.net().name(), dev.name(), "");
            if (!checksumHelp(skb)) {
                dev.stats().txDropped++;
                dev.net().drop(skb, DropReason.SKB_CSUM);
                return XMIT_DROPPED;
            }
        }
        return XMIT_AS_IS;
    }

    private static int segmentForXmit(SkBuff skb, NetDevice dev, long features) {
        SkbQueue out = dev.gsoSegs;
        if (!out.isEmpty()) {
            // A driver re-entered its own transmit with segments still pending: a loop.
            dev.stats().txDropped++;
            dev.net().drop(skb, DropReason.SKB_GSO_SEG);
            return XMIT_DROPPED;
        }
        DropReason r = segment(skb, dev.net(), macLen(skb, dev), features, out);
        if (r != null) {
            out.purge();
            dev.stats().txDropped++;
            dev.net().drop(skb, r);
            return XMIT_DROPPED;
        }
        skb.free();
        return XMIT_SEGMENTED;
    }

    /** The link-layer header length: up to the network header mark when it is set sensibly. */
    private static int macLen(SkBuff skb, NetDevice dev) {
        int nh = skb.networkHeader();
        if (nh >= skb.data() && nh < skb.tail()) {
            return nh - skb.data();
        }
        return dev.hardHeaderLen();
    }

    /**
     * Cuts a GSO packet (data at the link-layer header, {@code macLen} bytes of it) into
     * segments appended to {@code out}, through the offload registered for its protocol.
     * Mirrors {@code skb_gso_segment()} / {@code __skb_gso_segment()}. The original is untouched.
     *
     * @return null, or why it could not be done (nothing appended)
     */
    public static DropReason segment(SkBuff skb, Net net, int macLen, long features, SkbQueue out) {
        Tracer t = net.kernel().tracer();
        t.enter(Stage.SKB_GSO_SEGMENT, skb, net.name(), skb.dev == null ? "" : skb.dev.name());
        try {
            PacketOffload o = net.offload(skb.protocol);
            if (o == null || skb.gsoSize() <= 0 || macLen < 0 || macLen > skb.headLen()) {
                return DropReason.SKB_GSO_SEG;
            }
            return o.gsoSegment(skb, macLen, features, out);
        } finally {
            t.exit();
        }
    }

    /**
     * The generic part of segmentation: {@code hdrLen} bytes of headers copied in front of each
     * {@code mss}-byte share of the payload that follows them. Segments get the original's
     * metadata, data at the copied headers, and are appended to {@code out}; protocol code then
     * fixes each one's headers. Mirrors {@code skb_segment()}.
     *
     * @return the number of segments appended, or -1 when the packet is shorter than its headers
     */
    public static int skbSegment(SkBuff skb, int hdrLen, int mss, SkbQueue out) {
        int payload = skb.len() - hdrLen;
        if (payload < 0 || mss <= 0) {
            return -1;
        }
        int n = 0;
        int off = 0;
        do {
            int chunk = Math.min(mss, payload - off);
            SkBuff seg = skb.pool.alloc(SEGMENT_HEADROOM, hdrLen + chunk);
            int at = seg.put(hdrLen + chunk);
            skb.copyBits(0, seg.buf(), at, hdrLen);
            skb.copyBits(hdrLen + off, seg.buf(), at + hdrLen, chunk);
            seg.copyMetadataFrom(skb);
            seg.setMacHeader(at);
            out.addLast(seg);
            off += chunk;
            n++;
        } while (off < payload);
        return n;
    }

    /**
     * True when a device with {@code features} finishes a partial checksum of a packet of
     * {@code protocol}. Mirrors {@code can_checksum_protocol()}: HW_CSUM takes any, IP_CSUM IPv4.
     */
    public static boolean canChecksum(long features, int protocol) {
        if ((features & NetdevFeatures.HW_CSUM) != 0) {
            return true;
        }
        return (features & NetdevFeatures.IP_CSUM) != 0 && protocol == 0x0800;
    }

    /**
     * Computes the checksum of a CHECKSUM_PARTIAL packet from {@code csumStart} to its end (linear
     * part and fragments), stores it at {@code csumStart + csumOffset} and marks the packet
     * CHECKSUM_NONE. Unshares the linear data first. As Linux, a result of 0 is sent as 0xFFFF.
     * Mirrors {@code skb_checksum_help()}.
     *
     * @return false when the offsets do not lie inside the linear data
     */
    public static boolean checksumHelp(SkBuff skb) {
        if (skb.ipSummed != CsumState.PARTIAL) {
            return true;
        }
        if (skb.isCloned()) {
            skb.ensureWritable(skb.headroom());
        }
        byte[] buf = skb.buf();
        int start = skb.csumStart;
        int field = start + skb.csumOffset;
        if (start < skb.data() || start > skb.tail() || skb.csumOffset < 0 || field + 2 > skb.tail()) {
            return false;
        }
        int linear = skb.tail() - start;
        int sum = Checksum.sum(buf, start, linear, 0);
        int pos = linear;
        for (int i = 0; i < skb.nrFrags(); i++) {
            int size = skb.fragSize(i);
            int piece = Checksum.sum(skb.fragPage(i).bytes(), skb.fragOffset(i), size, 0);
            sum = Checksum.combine(sum, piece, pos);
            pos += size;
        }
        int csum = Checksum.finish(sum);
        if (csum == 0) {
            csum = 0xFFFF;
        }
        buf[field] = (byte) (csum >>> 8);
        buf[field + 1] = (byte) csum;
        skb.ipSummed = CsumState.NONE;
        return true;
    }
}
