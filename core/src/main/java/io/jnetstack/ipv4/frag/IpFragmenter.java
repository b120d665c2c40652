package io.jnetstack.ipv4.frag;

import io.jnetstack.core.CsumState;
import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.SkBuffPool;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Checksum;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Options;

import java.util.Arrays;

/**
 * Splits an IPv4 datagram that is longer than the path MTU into fragments (RFC 791 §3.2
 * "Fragmentation and Reassembly", RFC 1122 §3.3.2). Mirrors {@code ip_fragment()} and the
 * copying ("slow") path of {@code ip_do_fragment()}: every fragment is a new linear buffer, so
 * the source may be a clone and may keep its payload in page fragments.
 *
 * <pre>
 *   source:   | IP hdr + options | payload ........................................ |
 *   fragment: | IP hdr + options | payload[0, n)        |  MF, offset 0
 *   fragment: | IP hdr, NOP'ed   | payload[n, 2n)       |  MF, offset n
 *   fragment: | IP hdr, NOP'ed   | payload[2n, end)     |  offset 2n (MF if the source had it)
 * </pre>
 *
 * n is the room left by the MTU after the header, rounded down to a multiple of 8 (the unit of
 * the fragment offset field). Options without the copied flag go only into the first fragment;
 * later fragments carry NOPs in their place, so every fragment has the same header length, as
 * Linux's {@code ip_options_fragment()} does.
 *
 * <p>Stateless, so re-entry is safe: an {@code output} that loops a fragment straight back into
 * another fragmentation (loopback, veth run inline) does not disturb the first. Used under the
 * kernel lock. Nothing thrown: failures are counted, traced as drops and returned as a negative
 * errno.
 */
public final class IpFragmenter {
    /** Returned when DF forbids fragmenting: {@code -EMSGSIZE}. */
    public static final int EMSGSIZE = -Errno.EMSGSIZE.code();
    /** Returned for a malformed datagram or an MTU too small for one 8-byte piece: {@code -EINVAL}. */
    public static final int EINVAL = -Errno.EINVAL.code();
    /** ICMP Destination Unreachable (RFC 792). */
    public static final int ICMP_DEST_UNREACH = 3;
    /** ICMP code "fragmentation needed and DF set" (RFC 792, RFC 1191 §4). */
    public static final int ICMP_FRAG_NEEDED = 4;
    /** Headroom every fragment gets beyond the device's link-layer header. */
    static final int EXTRA_HEADROOM = 64;

    /**
     * Fragments {@code skb} to fit {@code mtu} and passes each fragment, in order, to
     * {@link FragContext#output}. Consumes {@code skb}. Mirrors {@code ip_fragment()}: with DF set
     * and {@code ignoreDf} false the datagram is refused with ICMP "fragmentation needed" carrying
     * the MTU (RFC 1191 §4), counted FragFails and dropped as PKT_TOO_BIG.
     *
     * <p>When {@code ignoreDf} lets a DF datagram through, its fragments keep DF: that is what
     * Linux does for a reassembled datagram whose fragments had DF ({@code IPSKB_FRAG_PMTU}), the
     * case forwarding meets. (Linux clears DF for a locally generated {@code ignore_df} packet;
     * the caller can clear DF before calling to get that.) The reserved flag is always cleared.
     *
     * @param skb data at the IPv4 header (network header marked); {@code dev} and {@code dst} set
     * @param mtu the path MTU (bytes of IP header plus data per fragment)
     * @param ignoreDf fragment even when DF is set ({@code skb->ignore_df})
     * @return 0, the first non-zero result of {@link FragContext#output}, {@link #EMSGSIZE} or
     *     {@link #EINVAL}
     */
    public int fragment(FragContext ctx, SkBuff skb, int mtu, boolean ignoreDf) {
        Net net = ctx.net();
        Tracer t = net.kernel().tracer();
        t.enter(Stage.IP_FRAGMENT, skb, net.name(), skb.dev == null ? "" : skb.dev.name());
        try {
            int hlen = checkHeader(skb);
            if (hlen < 0) {
                return fail(ctx, skb, DropReason.IP_INHDR, EINVAL);
            }
            byte[] b = skb.buf();
            int nh = skb.data();
            boolean df = Ipv4.dontFragment(b, nh);
            if (df && !ignoreDf) {
                ctx.count(FragCounter.FragFails);
                ctx.sendIcmp(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, mtu);
                net.drop(skb, DropReason.PKT_TOO_BIG);
                return EMSGSIZE;
            }
            return doFragment(ctx, skb, hlen, mtu, df);
        } finally {
            t.exit();
        }
    }

    /**
     * The header length when {@code skb} starts with a sane IPv4 header whose Total Length fits
     * the buffer and whose data ends within the 64 KiB a fragment offset can address (the header
     * itself made linear), else -1.
     */
    private static int checkHeader(SkBuff skb) {
        int hlen = FragHeader.check(skb);
        if (hlen < 0) {
            return -1;
        }
        byte[] b = skb.buf();
        int nh = skb.data();
        return Ipv4.fragOffset(b, nh) + Ipv4.totalLength(b, nh) - hlen > Ipv4.MAX_TOTAL_LEN ? -1 : hlen;
    }

    /**
     * The copying loop of {@code ip_do_fragment()}: {@code ip_frag_init()}, then
     * {@code ip_frag_next()} and {@code output} per fragment. Fragments get offsets relative to
     * the source's own offset, so re-fragmenting a fragment keeps its place, and the last piece
     * keeps MF when the source had it (RFC 791 §3.2, "fragmenting a fragment").
     */
    private int doFragment(FragContext ctx, SkBuff skb, int hlen, int mtu, boolean df) {
        byte[] b = skb.buf();
        int nh = skb.data();
        int left = Ipv4.totalLength(b, nh) - hlen;
        int space = mtu - hlen;
        if (left > space && space < 8) {
            return fail(ctx, skb, DropReason.PKT_TOO_BIG, EINVAL);
        }
        // CHECKSUM_PARTIAL: finish the transport checksum now, fragments cannot carry the offload.
        int csumAt = -1;
        int csum = 0;
        if (skb.ipSummed == CsumState.PARTIAL) {
            csumAt = skb.csumStart + skb.csumOffset - nh;
            csum = partialChecksum(skb);
            if (csum < 0) {
                return fail(ctx, skb, DropReason.NOT_SPECIFIED, EINVAL);
            }
        }
        int offset = Ipv4.fragOffset(b, nh);
        boolean notLastFrag = Ipv4.moreFragments(b, nh);
        int headroom = EXTRA_HEADROOM + linkReserve(skb.dev);
        SkBuffPool pool = ctx.net().kernel().skbs();
        int ptr = hlen;
        do {
            int len = Math.min(left, space);
            if (len < left) {
                len &= ~7;
            }
            left -= len;
            SkBuff frag = newFragment(pool, skb, headroom, hlen, ptr, len);
            int at = frag.data();
            if (csumAt >= 0) {
                patch16(frag.buf(), at + hlen - ptr, ptr, ptr + len, csumAt, csum);
            }
            boolean mf = left > 0 || notLastFrag;
            Ipv4.setFlagsFrag(frag.buf(), at, (offset >>> 3) | (df ? Ipv4.FLAG_DF : 0) | (mf ? Ipv4.FLAG_MF : 0));
            Ipv4.setTotalLength(frag.buf(), at, hlen + len);
            Ipv4.fillChecksum(frag.buf(), at);
            ptr += len;
            offset += len;
            int err = ctx.output(frag);
            if (err != 0) {
                return fail(ctx, skb, DropReason.NOT_SPECIFIED, err);
            }
            ctx.count(FragCounter.FragCreates);
        } while (left > 0);
        skb.free();
        ctx.count(FragCounter.FragOKs);
        return 0;
    }

    /**
     * A new buffer holding the source's IP header and {@code len} payload bytes taken {@code ptr}
     * bytes after the header's start, with the source's metadata. Fragments after the first get
     * their non-copied options replaced. Mirrors the allocation and copying of
     * {@code ip_frag_next()} and {@code ip_copy_metadata()}.
     */
    private SkBuff newFragment(SkBuffPool pool, SkBuff skb, int headroom, int hlen, int ptr, int len) {
        SkBuff frag = pool.alloc(headroom, hlen + len);
        int at = frag.put(hlen + len);
        frag.resetNetworkHeader();
        frag.setTransportHeader(at + hlen);
        System.arraycopy(skb.buf(), skb.data(), frag.buf(), at, hlen);
        if (ptr > hlen && hlen > Ipv4.HEADER_LEN) {
            optionsFragment(frag.buf(), at);
        }
        skb.copyBits(ptr, frag.buf(), at + hlen, len);
        frag.dev = skb.dev;
        frag.dst = skb.dst;
        frag.protocol = skb.protocol;
        frag.pktType = skb.pktType;
        frag.priority = skb.priority;
        frag.mark = skb.mark;
        frag.tstamp = skb.tstamp;
        return frag;
    }

    /**
     * Replaces, in a fragment's own copy of the header at {@code off}, every option whose copied
     * flag is clear with NOPs, for the fragments after the first (RFC 791 §3.1 "copied flag",
     * §3.2). Mirrors {@code ip_options_fragment()}; the header keeps its length. The walk stops
     * at End of Option List or at a malformed option, leaving the rest as it is.
     */
    static void optionsFragment(byte[] b, int off) {
        for (int p = Ipv4Options.firstOption(b, off); p >= 0; p = Ipv4Options.nextOption(b, off, p)) {
            int type = Ipv4Options.optionType(b, off, p);
            if (type != Ipv4Options.OPT_NOP && !Ipv4Options.isCopied(type)) {
                Arrays.fill(b, off + p, off + p + Ipv4Options.optionLength(b, off, p), (byte) Ipv4Options.OPT_NOP);
            }
        }
    }

    /**
     * Writes the 16-bit value {@code v}, which belongs at payload position {@code field}, into
     * the part of it that falls in this fragment's payload range [from, to); {@code base} maps a
     * payload position to an index in {@code b}.
     */
    private static void patch16(byte[] b, int base, int from, int to, int field, int v) {
        if (field >= from && field < to) {
            b[base + field] = (byte) (v >>> 8);
        }
        if (field + 1 >= from && field + 1 < to) {
            b[base + field + 1] = (byte) v;
        }
    }

    /**
     * The finished transport checksum of a CHECKSUM_PARTIAL packet, summed from
     * {@code csumStart} over the linear part and the page fragments without writing to the
     * (possibly shared) source. Mirrors the arithmetic of {@code skb_checksum_help()}.
     *
     * @return the 16-bit checksum, or -1 when the offsets do not lie inside the linear data
     */
    static int partialChecksum(SkBuff skb) {
        int start = skb.csumStart;
        int field = start + skb.csumOffset;
        if (start < skb.data() || start > skb.tail() || skb.csumOffset < 0 || field + 2 > skb.tail()) {
            return -1;
        }
        int linear = skb.tail() - start;
        int sum = Checksum.sum(skb.buf(), start, linear, 0);
        int pos = linear;
        for (int i = 0; i < skb.nrFrags(); i++) {
            int size = skb.fragSize(i);
            sum = Checksum.combine(sum, Checksum.sum(skb.fragPage(i).bytes(), skb.fragOffset(i), size, 0), pos);
            pos += size;
        }
        int csum = Checksum.finish(sum);
        return csum == 0 ? 0xFFFF : csum;
    }

    /** {@code LL_RESERVED_SPACE()}: the link header rounded up to 16 bytes. */
    private static int linkReserve(NetDevice dev) {
        return dev == null ? 0 : (dev.hardHeaderLen() + 15) & ~15;
    }

    /** The common failure exit: FragFails, the source dropped, the error returned. */
    private static int fail(FragContext ctx, SkBuff skb, DropReason reason, int err) {
        ctx.count(FragCounter.FragFails);
        ctx.net().drop(skb, reason);
        return err;
    }
}
