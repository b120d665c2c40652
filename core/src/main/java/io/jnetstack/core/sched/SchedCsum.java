package io.jnetstack.core.sched;

import io.jnetstack.core.Gso;
import io.jnetstack.core.SkBuff;

/** Finishing an offloaded checksum in software, for qdiscs that alter packet data. */
final class SchedCsum {
    private SchedCsum() {}

    /**
     * Finishes a CHECKSUM_PARTIAL packet's checksum. Mirrors {@code skb_checksum_help()}; see
     * {@link Gso#checksumHelp}.
     *
     * @return false when the offsets do not lie inside the linear data
     */
    static boolean help(SkBuff skb) {
        return Gso.checksumHelp(skb);
    }
}
