package io.jnetstack.core.sched;

import io.jnetstack.core.CsumState;
import io.jnetstack.core.SkBuff;
import io.jnetstack.wire.Checksum;

/**
 * Finishing an offloaded checksum in software, for qdiscs that alter packet data. Mirrors
 * {@code skb_checksum_help()}; it belongs in the device layer and lives here until the core
 * grows one.
 */
final class SchedCsum {
    private SchedCsum() {}

    /**
     * Computes the checksum of a CHECKSUM_PARTIAL packet from {@code csumStart} to its end (linear
     * part and fragments), stores it at {@code csumStart + csumOffset} and marks the packet
     * CHECKSUM_NONE. The linear data must be private ({@link SkBuff#ensureWritable}). As Linux, a
     * result of 0 is sent as 0xFFFF.
     *
     * @return false when the offsets do not lie inside the linear data
     */
    static boolean help(SkBuff skb) {
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
