package io.jnetstack.link.tuntap;

import io.jnetstack.core.CsumState;
import io.jnetstack.core.SkBuff;

/**
 * The {@code struct virtio_net_hdr} in front of every frame of an {@code IFF_VNET_HDR} TAP/TUN
 * file (virtio 1.x §5.1.6; {@code include/uapi/linux/virtio_net.h}), little-endian, 10 bytes:
 *
 * <pre>
 *  0 flags (NEEDS_CSUM 1, DATA_VALID 2)   1 gso_type (NONE 0, TCPV4 1, UDP 3, TCPV6 4, | ECN 0x80)
 *  2 hdr_len       4 gso_size       6 csum_start       8 csum_offset
 * </pre>
 *
 * Converts between it and a buffer's offload state. Mirrors {@code virtio_net_hdr_from_skb()}
 * (stack → Linux) and {@code virtio_net_hdr_to_skb()} (Linux → stack).
 */
public final class VnetHdr {
    private VnetHdr() {}

    /** Length of the header without {@code num_buffers}. */
    public static final int LEN = 10;
    /** {@code VIRTIO_NET_HDR_F_NEEDS_CSUM}: checksum from csum_start, stored at csum_offset. */
    public static final int F_NEEDS_CSUM = 1;
    /** {@code VIRTIO_NET_HDR_F_DATA_VALID}: the checksum was verified. */
    public static final int F_DATA_VALID = 2;
    /** {@code VIRTIO_NET_HDR_GSO_NONE}. */
    public static final int GSO_NONE = 0;
    /** {@code VIRTIO_NET_HDR_GSO_TCPV4}. */
    public static final int GSO_TCPV4 = 1;
    /** {@code VIRTIO_NET_HDR_GSO_ECN}: the TSO packet carries CWR. */
    public static final int GSO_ECN = 0x80;

    /**
     * Writes the header describing {@code skb} (data at the frame) at {@code off}: its GSO
     * metadata (hdr_len up to the end of the TCP header) and, for a partial checksum, where to
     * finish it. Mirrors {@code virtio_net_hdr_from_skb()}.
     *
     * @return false when the buffer's offload state cannot be described (a GSO type other than
     *         TCPv4, or offsets outside the frame)
     */
    public static boolean write(SkBuff skb, byte[] b, int off) {
        int flags = 0;
        int gsoType = GSO_NONE;
        int hdrLen = 0;
        int gsoSize = 0;
        int csumStart = 0;
        int csumOffset = 0;
        if (skb.isGso()) {
            if ((skb.gsoType() & SkBuff.GSO_TCPV4) == 0 || skb.transportHeader() < skb.data()) {
                return false;
            }
            gsoType = GSO_TCPV4 | ((skb.gsoType() & SkBuff.GSO_TCP_ECN) != 0 ? GSO_ECN : 0);
            gsoSize = skb.gsoSize();
            int th = skb.transportHeader();
            hdrLen = th - skb.data() + ((skb.buf()[th + 12] & 0xf0) >>> 2);
        }
        if (skb.ipSummed == CsumState.PARTIAL) {
            flags = F_NEEDS_CSUM;
            csumStart = skb.csumStart - skb.data();
            csumOffset = skb.csumOffset;
            if (csumStart < 0 || csumStart + csumOffset + 2 > skb.len()) {
                return false;
            }
        } else if (skb.ipSummed == CsumState.UNNECESSARY) {
            flags = F_DATA_VALID;
        }
        b[off] = (byte) flags;
        b[off + 1] = (byte) gsoType;
        le16(b, off + 2, hdrLen);
        le16(b, off + 4, gsoSize);
        le16(b, off + 6, csumStart);
        le16(b, off + 8, csumOffset);
        return true;
    }

    /**
     * Applies a received header to {@code skb}, whose data is the frame that followed it: a
     * partial checksum (CHECKSUM_PARTIAL at csum_start), a verified one (UNNECESSARY), a TSO
     * packet (GSO TCPV4, marked DODGY as from a reader, segment count from its length).
     * Mirrors {@code virtio_net_hdr_to_skb()}.
     *
     * @return false when the header is invalid for this frame (the caller drops it)
     */
    public static boolean apply(byte[] b, int off, SkBuff skb) {
        int flags = b[off] & 0xff;
        int gsoType = b[off + 1] & 0xff;
        int hdrLen = le16(b, off + 2);
        int gsoSize = le16(b, off + 4);
        int csumStart = le16(b, off + 6);
        int csumOffset = le16(b, off + 8);
        if ((flags & F_NEEDS_CSUM) != 0) {
            if (csumStart + csumOffset + 2 > skb.headLen()) {
                return false;
            }
            skb.ipSummed = CsumState.PARTIAL;
            skb.csumStart = skb.data() + csumStart;
            skb.csumOffset = csumOffset;
        } else if ((flags & F_DATA_VALID) != 0) {
            skb.ipSummed = CsumState.UNNECESSARY;
        }
        int base = gsoType & ~GSO_ECN;
        if (base == GSO_NONE) {
            return true;
        }
        if (base != GSO_TCPV4 || gsoSize == 0 || hdrLen > skb.len()) {
            return false;
        }
        int payload = skb.len() - Math.max(hdrLen, 0);
        int segs = Math.max(1, (payload + gsoSize - 1) / gsoSize);
        int type = SkBuff.GSO_TCPV4 | SkBuff.GSO_DODGY | ((gsoType & GSO_ECN) != 0 ? SkBuff.GSO_TCP_ECN : 0);
        skb.setGso(gsoSize, segs, type);
        return true;
    }

    private static void le16(byte[] b, int i, int v) {
        b[i] = (byte) v;
        b[i + 1] = (byte) (v >>> 8);
    }

    private static int le16(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
    }
}
