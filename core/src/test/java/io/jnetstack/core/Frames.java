package io.jnetstack.core;

import io.jnetstack.wire.Ethernet;
import io.jnetstack.wire.MacAddress;

/** Builds test frames. */
public final class Frames {
    private Frames() {}

    /** The IEEE local experimental EtherType, used by tests for their own frames. */
    public static final int ETH_P_TEST = 0x88B5;

    /**
     * A frame of {@code len} bytes in total (header included) from {@code dev} to {@code dst},
     * EtherType {@code type}, payload bytes = low byte of the index, with {@code seq} in the
     * first four payload bytes.
     */
    public static SkBuff frame(NetDevice dev, MacAddress dst, int type, int len, int seq) {
        SkBuff skb = dev.net().kernel().skbs().alloc(64, Math.max(len, 14));
        int off = skb.put(len);
        byte[] b = skb.buf();
        if (len >= 14) {
            Ethernet.writeHeader(b, off, dst.bits(), dev.mac().bits(), type);
            for (int i = 14; i < len; i++) {
                b[off + i] = (byte) i;
            }
            if (len >= 18) {
                b[off + 14] = (byte) (seq >>> 24);
                b[off + 15] = (byte) (seq >>> 16);
                b[off + 16] = (byte) (seq >>> 8);
                b[off + 17] = (byte) seq;
            }
        }
        skb.dev = dev;
        return skb;
    }

    /** The sequence number {@link #frame} put in a received packet (data at the network header). */
    public static int seq(SkBuff skb) {
        byte[] b = skb.buf();
        int o = skb.data();
        return (b[o] & 0xff) << 24 | (b[o + 1] & 0xff) << 16 | (b[o + 2] & 0xff) << 8 | (b[o + 3] & 0xff);
    }
}
