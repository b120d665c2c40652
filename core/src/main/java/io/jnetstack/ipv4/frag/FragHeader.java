package io.jnetstack.ipv4.frag;

import io.jnetstack.core.SkBuff;
import io.jnetstack.wire.Ipv4;

/** Small helpers shared by reassembly: header sanity, ECN combination, metadata copying. */
final class FragHeader {
    /** ECN bit for Not-ECT in a queue's codepoint set ({@code IPFRAG_ECN_NOT_ECT}). */
    static final int ECN_BIT_NOT_ECT = 1 << Ipv4.ECN_NOT_ECT;
    /** ECN bit for CE in a queue's codepoint set ({@code IPFRAG_ECN_CE}). */
    static final int ECN_BIT_CE = 1 << Ipv4.ECN_CE;

    private FragHeader() {
    }

    /**
     * The header length when {@code skb}'s data starts with an IPv4 header (made linear) whose
     * Total Length fits the packet; else -1. Bytes past Total Length (link padding) are allowed.
     * A receive path that ran {@code ip_rcv()} has checked this already; reassembly does not
     * rely on it.
     */
    static int check(SkBuff skb) {
        if (!skb.mayPull(Ipv4.HEADER_LEN)) {
            return -1;
        }
        byte[] b = skb.buf();
        int nh = skb.data();
        int hlen = Ipv4.headerLen(b, nh);
        if (Ipv4.version(b, nh) != Ipv4.VERSION || hlen < Ipv4.HEADER_LEN || !skb.mayPull(hlen)) {
            return -1;
        }
        b = skb.buf();
        nh = skb.data();
        int tot = Ipv4.totalLength(b, nh);
        return tot < hlen || tot > skb.len() ? -1 : hlen;
    }

    /**
     * Combines the ECN codepoints of a datagram's fragments (RFC 3168 §5.3): Not-ECT mixed with
     * any ECN-capable codepoint is invalid, the datagram must be dropped; CE in any fragment
     * marks the whole datagram CE. Mirrors {@code ip_frag_ecn_table}.
     *
     * @param seen one bit per codepoint seen
     * @return -1 when invalid, {@link Ipv4#ECN_CE} to set CE, 0 to keep the first fragment's
     */
    static int combineEcn(int seen) {
        if ((seen & ECN_BIT_NOT_ECT) != 0 && (seen & ~ECN_BIT_NOT_ECT) != 0) {
            return -1;
        }
        return (seen & ECN_BIT_CE) != 0 ? Ipv4.ECN_CE : 0;
    }

    /** Copies what a packet keeps across reassembly: route, device, marks, control block. */
    static void copyMetadata(SkBuff from, SkBuff to) {
        to.dev = from.dev;
        to.dst = from.dst;
        to.protocol = from.protocol;
        to.pktType = from.pktType;
        to.priority = from.priority;
        to.mark = from.mark;
        to.tstamp = from.tstamp;
        System.arraycopy(from.cb, 0, to.cb, 0, SkBuff.CB_WORDS);
    }
}
