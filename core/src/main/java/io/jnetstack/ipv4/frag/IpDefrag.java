package io.jnetstack.ipv4.frag;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Net;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.Sysctls;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Ipv4;

import java.util.HashMap;

/**
 * Reassembles IPv4 datagrams from their fragments (RFC 791 §3.2, RFC 815, RFC 1122 §3.3.2).
 * Mirrors {@code ip_defrag()} and the queue machinery of {@code inet_fragment.c}, one instance
 * per namespace and per reassembly user (local delivery; connection tracking would have its own,
 * as Linux keys queues by {@code user} too).
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>Queues are keyed by (source, destination, identification, protocol), RFC 791 §3.2.</li>
 *   <li>Every fragment counts ReasmReqds. A reassembled datagram counts ReasmOKs; a discarded
 *   queue, a timed-out queue and a fragment refused for memory count ReasmFails.</li>
 *   <li>A fragment whose bytes are all here already is dropped alone (DUP_FRAG, no counter).
 *   One overlapping received data discards the whole queue: ReasmOverlaps and ReasmFails
 *   (RFC 5722 §4's rule, which Linux applies to IPv4 too).</li>
 *   <li>Length inconsistencies discard the whole queue (ReasmFails): a datagram that would
 *   exceed 65535 bytes (FRAG_TOO_FAR), a second last fragment with a different end, a fragment
 *   past a known end, a last fragment short of data already received, and a fragment with no
 *   data (whose end, rounded down to 8 bytes when MF is set, equals its offset), as
 *   {@code ip_frag_queue()} does.</li>
 *   <li>A queue lives {@code ipfrag_time} seconds from its first fragment, not refreshed by
 *   later ones. At expiry ({@code ip_expire()}): ReasmTimeout and ReasmFails, and, when the
 *   fragment at offset 0 is here, an ICMP time exceeded / fragment reassembly time exceeded
 *   quoting it (RFC 1122 §3.3.2, RFC 792).</li>
 * </ul>
 *
 * <h2>Memory</h2>
 * Each queue accounts the truesize of its buffers plus {@link #QUEUE_TRUESIZE}. A fragment that
 * would take the total past {@code ipfrag_high_thresh} is dropped (NOMEM, ReasmFails), whether or
 * not its queue exists, as Linux since 4.17, whose {@code inet_frag_find()} gives no queue while
 * over the limit; Linux checks before adding, so may end one fragment above the limit, while the
 * check here includes the new fragment, so {@link #memory()} never exceeds the limit. Nothing is
 * evicted early: queues leave by completing, failing or timing out. {@code ipfrag_low_thresh} is
 * registered with its Linux default and, as in Linux since 4.17, not used.
 *
 * <h2>ipfrag_max_dist</h2>
 * Implemented as {@code ip_frag_too_far()}: each source counts the fragments it sends; when
 * {@code ipfrag_max_dist} or more other fragments from that source arrived since a queue's
 * previous fragment, that queue's fragments are dropped (FRAG_TOO_FAR, ReasmFails) and it starts
 * again with the new fragment ({@code ip_frag_reinit()}). 0 disables it. A reassembly of many
 * interleaved datagrams from one source can trip it, as on Linux.
 *
 * <p>Not thread-safe: used under the kernel lock. Nothing is thrown on the data path.
 */
public final class IpDefrag {
    /** {@code net.ipv4.ipfrag_high_thresh} default: 4 MiB. */
    public static final long DEFAULT_HIGH_THRESH = 4L << 20;
    /** {@code net.ipv4.ipfrag_low_thresh} default: 3 MiB (unused, as in Linux since 4.17). */
    public static final long DEFAULT_LOW_THRESH = 3L << 20;
    /** {@code net.ipv4.ipfrag_time} default, seconds (RFC 1122 §3.3.2 suggests 60 to 120; Linux uses 30). */
    public static final int DEFAULT_TIME = 30;
    /** {@code net.ipv4.ipfrag_max_dist} default. */
    public static final int DEFAULT_MAX_DIST = 64;
    /** Bytes accounted per queue for its own bookkeeping, as Linux adds {@code sizeof(struct ipq)}. */
    public static final int QUEUE_TRUESIZE = 256;
    /** ICMP Time Exceeded (RFC 792). */
    public static final int ICMP_TIME_EXCEEDED = 11;
    /** ICMP code "fragment reassembly time exceeded" (RFC 792). */
    public static final int ICMP_EXC_FRAGTIME = 1;
    /** Headroom of a reassembled datagram, for link headers if it is forwarded. */
    static final int REASM_HEADROOM = 128;
    /** Largest IPv4 datagram: the Total Length field is 16 bits (RFC 791 §3.1). */
    static final int MAX_DATAGRAM = 0xFFFF;

    private static final String HIGH = "net.ipv4.ipfrag_high_thresh";
    private static final String LOW = "net.ipv4.ipfrag_low_thresh";
    private static final String TIME = "net.ipv4.ipfrag_time";
    private static final String MAX_DIST = "net.ipv4.ipfrag_max_dist";

    private final Net net;
    private final Sysctls.Entry highThresh;
    private final Sysctls.Entry time;
    private final Sysctls.Entry maxDist;
    private final int hashSeed;
    private final HashMap<Integer, FragPeer> peers = new HashMap<>();
    private FragQueue[] buckets = new FragQueue[64];
    private int queues;
    private long mem;
    private boolean closed;
    private int lastFragMaxSize;

    /**
     * Reassembly for {@code net}; registers the {@code net.ipv4.ipfrag_*} sysctls there (or uses
     * them when another instance already did). Mirrors {@code ipv4_frags_init_net()}.
     */
    public IpDefrag(Net net) {
        this.net = net;
        Sysctls s = net.sysctls();
        this.highThresh = sysctl(s, HIGH, DEFAULT_HIGH_THRESH);
        sysctl(s, LOW, DEFAULT_LOW_THRESH);  // registered for compatibility; unused, see above
        this.time = sysctl(s, TIME, DEFAULT_TIME);
        this.maxDist = sysctl(s, MAX_DIST, DEFAULT_MAX_DIST);
        this.hashSeed = net.kernel().random("ipfrag " + net.name()).nextInt();
    }

    private static Sysctls.Entry sysctl(Sysctls s, String name, long dflt) {
        Sysctls.Entry e = s.entries().get(name);
        return e != null ? e : s.register(name, 0, Integer.MAX_VALUE, dflt);
    }

    /** Queues in progress. */
    public int queues() {
        return queues;
    }

    /** Memory accounted to the queues, in bytes of truesize. */
    public long memory() {
        return mem;
    }

    /**
     * The largest fragment size (header plus data) of the datagram just returned by
     * {@link #defrag}, for {@code IPCB(skb)->frag_max_size}: forwarding must not send anything
     * larger without DF-aware fragmentation.
     */
    public int lastFragMaxSize() {
        return lastFragMaxSize;
    }

    /** The {@code FRAG:} line of {@code /proc/net/sockstat}. */
    public String sockstat() {
        return "FRAG: inuse " + queues + " memory " + mem + "\n";
    }

    /**
     * Takes one fragment; returns the whole datagram once every fragment is here. Mirrors
     * {@code ip_defrag()}. A datagram that is not a fragment (no MF, offset 0) is returned
     * untouched and uncounted: callers test {@code ip_is_fragment()} first, as
     * {@code ip_local_deliver()} does.
     *
     * <p>The reassembled datagram is a new linear buffer: the first fragment's header (options
     * included) with MF and the offset cleared, DF set only when the largest fragment had it
     * ({@code IPSKB_FRAG_PMTU}), Total Length and checksum fixed, CE set when any fragment had it
     * (RFC 3168 §5.3); network header marked at data, transport header after the IP header.
     * Its device is the completing fragment's; route, mark, priority, control block and time stamp
     * are the first fragment's, as {@code ip_frag_reasm()} leaves them.
     *
     * @param skb data at the IPv4 header; consumed
     * @return the reassembled datagram, or null when the fragment was queued or dropped
     */
    public SkBuff defrag(FragContext ctx, SkBuff skb) {
        Tracer t = net.kernel().tracer();
        t.enter(Stage.IP_DEFRAG, skb, net.name(), skb.dev == null ? "" : skb.dev.name());
        try {
            return find(ctx, skb);
        } finally {
            t.exit();
        }
    }

    /** Checks the header, finds or creates the queue under the memory limit. Mirrors {@code ip_find()}. */
    private SkBuff find(FragContext ctx, SkBuff skb) {
        int hlen = FragHeader.check(skb);
        if (hlen > 0 && !Ipv4.isFragment(skb.buf(), skb.data())) {
            return skb;
        }
        ctx.count(FragCounter.ReasmReqds);
        if (hlen < 0) {
            ctx.count(FragCounter.ReasmFails);
            net.drop(skb, FragReasons.BAD_FRAG);
            return null;
        }
        skb.resetNetworkHeader();
        byte[] b = skb.buf();
        int nh = skb.data();
        int src = Ipv4.src(b, nh);
        int dst = Ipv4.dst(b, nh);
        int id = Ipv4.id(b, nh);
        int proto = Ipv4.protocol(b, nh);
        int hash = hash(src, dst, id, proto);
        FragQueue q = lookup(hash, src, dst, id, proto);
        long cost = skb.truesize() + (q == null ? QUEUE_TRUESIZE : 0);
        if (closed || mem + cost > highThresh.get()) {
            ctx.count(FragCounter.ReasmFails);
            net.drop(skb, FragReasons.NOMEM);
            return null;
        }
        if (q == null) {
            q = create(ctx, hash, src, dst, id, proto);
        }
        return queue(ctx, q, skb, hlen);
    }

    /**
     * Adds a fragment to its queue, and reassembles when it completes it. Mirrors
     * {@code ip_frag_queue()}.
     */
    private SkBuff queue(FragContext ctx, FragQueue q, SkBuff skb, int hlen) {
        if (tooFar(ctx, q)) {
            reinit(q);
        }
        byte[] b = skb.buf();
        int nh = skb.data();
        int offset = Ipv4.fragOffset(b, nh);
        int end = offset + Ipv4.totalLength(b, nh) - hlen;
        if (end + hlen > MAX_DATAGRAM) {
            return discard(ctx, q, skb, FragReasons.FRAG_TOO_FAR);
        }
        if (!Ipv4.moreFragments(b, nh)) {
            // The last fragment fixes the length: nothing may lie beyond it, nor may it move.
            if (end < q.len || (q.has(FragQueue.LAST_IN) && end != q.len)) {
                return discard(ctx, q, skb, FragReasons.BAD_FRAG);
            }
            q.flags |= FragQueue.LAST_IN;
            q.len = end;
        } else {
            // Non-last fragments carry multiples of 8 bytes (RFC 791 §3.2); drop any tail.
            end &= ~7;
            if (end > q.len) {
                if (q.has(FragQueue.LAST_IN)) {
                    return discard(ctx, q, skb, FragReasons.BAD_FRAG);
                }
                q.len = end;
            }
        }
        if (end == offset) {
            return discard(ctx, q, skb, FragReasons.BAD_FRAG);
        }
        int r = q.insert(skb, offset, end);
        if (r == FragQueue.DUP) {
            net.drop(skb, FragReasons.DUP_FRAG);
            return null;
        }
        if (r == FragQueue.OVERLAP) {
            ctx.count(FragCounter.ReasmOverlaps);
            return discard(ctx, q, skb, FragReasons.DUP_FRAG);
        }
        mem += skb.truesize();
        noteFragment(q, b, nh, hlen + end - offset);
        return q.complete() ? reasm(ctx, q, skb) : null;
    }

    /** Records a queued fragment's ECN codepoint and size ({@code qp->ecn}, {@code max_size}). */
    private static void noteFragment(FragQueue q, byte[] b, int nh, int fragSize) {
        q.ecn |= 1 << Ipv4.ecn(b, nh);
        q.maxSize = Math.max(q.maxSize, fragSize);
        if (Ipv4.dontFragment(b, nh)) {
            q.maxDfSize = Math.max(q.maxDfSize, fragSize);
        }
    }

    /**
     * Joins the fragments of a complete queue into one new buffer and frees them. Mirrors
     * {@code ip_frag_reasm()}.
     */
    private SkBuff reasm(FragContext ctx, FragQueue q, SkBuff last) {
        SkBuff first = q.first();
        byte[] fb = first.buf();
        int fhlen = Ipv4.headerLen(fb, first.data());
        int total = fhlen + q.len;
        int ecn = FragHeader.combineEcn(q.ecn);
        if (total > MAX_DATAGRAM || ecn < 0) {
            // The first fragment's options made it too long, or ECN codepoints mix (RFC 3168 §5.3).
            ctx.count(FragCounter.ReasmFails);
            kill(q);
            q.purge(net, total > MAX_DATAGRAM ? FragReasons.FRAG_TOO_FAR : FragReasons.BAD_FRAG);
            return null;
        }
        SkBuff out = net.kernel().skbs().alloc(REASM_HEADROOM, total);
        int at = out.put(total);
        byte[] ob = out.buf();
        System.arraycopy(fb, first.data(), ob, at, fhlen);
        for (int i = 0; i < q.count; i++) {
            SkBuff f = q.frags[i];
            int hl = Ipv4.headerLen(f.buf(), f.data());
            f.copyBits(hl, ob, at + fhlen + q.starts[i], q.ends[i] - q.starts[i]);
        }
        Ipv4.setTotalLength(ob, at, total);
        Ipv4.setFlagsFrag(ob, at, q.maxDfSize == q.maxSize ? Ipv4.FLAG_DF : 0);
        if (ecn == Ipv4.ECN_CE) {
            Ipv4.setEcn(ob, at, Ipv4.ECN_CE);
        }
        Ipv4.fillChecksum(ob, at);
        out.resetNetworkHeader();
        out.setTransportHeader(at + fhlen);
        FragHeader.copyMetadata(first, out);
        out.dev = last.dev;
        lastFragMaxSize = Math.max(q.maxDfSize, q.maxSize);
        kill(q);
        q.consumeAll();
        ctx.count(FragCounter.ReasmOKs);
        return out;
    }

    /** Drops {@code skb} and the whole queue: {@code discard_qp} in {@code ip_frag_queue()}. */
    private SkBuff discard(FragContext ctx, FragQueue q, SkBuff skb, DropReason reason) {
        ctx.count(FragCounter.ReasmFails);
        kill(q);
        q.purge(net, reason);
        net.drop(skb, reason);
        return null;
    }

    /**
     * The {@code ipfrag_max_dist} test, {@code ip_frag_too_far()}: true (and ReasmFails) when
     * more than max_dist fragments from this source arrived since this queue's last one.
     */
    private boolean tooFar(FragContext ctx, FragQueue q) {
        FragPeer peer = q.peer;
        long max = maxDist.get();
        if (peer == null || max == 0) {
            return false;
        }
        int start = q.rid;
        int end = ++peer.rid;
        q.rid = end;
        boolean far = q.count > 0 && Integer.toUnsignedLong(end - start) > max;
        if (far) {
            ctx.count(FragCounter.ReasmFails);
        }
        return far;
    }

    /** Restarts a queue that fell too far behind. Mirrors {@code ip_frag_reinit()}. */
    private void reinit(FragQueue q) {
        mem -= q.purge(net, FragReasons.FRAG_TOO_FAR);
        q.timer.armAfter(timeoutNanos());
    }

    // ---------------------------------------------------------------- queue table

    private FragQueue lookup(int hash, int src, int dst, int id, int proto) {
        for (FragQueue q = buckets[hash & (buckets.length - 1)]; q != null; q = q.next) {
            if (q.matches(src, dst, id, proto)) {
                return q;
            }
        }
        return null;
    }

    /** A new queue with its timer armed. Mirrors {@code inet_frag_create()}. */
    private FragQueue create(FragContext ctx, int hash, int src, int dst, int id, int proto) {
        FragQueue q = new FragQueue(src, dst, id, proto, hash);
        q.ctx = ctx;
        if (maxDist.get() > 0) {
            q.peer = peers.computeIfAbsent(src, FragPeer::new);
            q.peer.refs++;
        }
        q.timer = net.kernel().timers().newTimer("ip_expire", () -> expire(q));
        q.timer.armAfter(timeoutNanos());
        if (queues >= buckets.length) {
            grow();
        }
        int i = hash & (buckets.length - 1);
        q.next = buckets[i];
        buckets[i] = q;
        queues++;
        mem += QUEUE_TRUESIZE;
        return q;
    }

    private long timeoutNanos() {
        return time.get() * 1_000_000_000L;
    }

    private void grow() {
        FragQueue[] old = buckets;
        buckets = new FragQueue[old.length * 2];
        for (FragQueue head : old) {
            FragQueue q = head;
            while (q != null) {
                FragQueue next = q.next;
                int i = q.hash & (buckets.length - 1);
                q.next = buckets[i];
                buckets[i] = q;
                q = next;
            }
        }
    }

    /**
     * Takes a queue out of the table, stops its timer and gives back its own accounting; its
     * fragments are the caller's to free. Mirrors {@code inet_frag_kill()}.
     */
    private void kill(FragQueue q) {
        if (!q.live) {
            return;
        }
        q.live = false;
        q.timer.cancel();
        int i = q.hash & (buckets.length - 1);
        if (buckets[i] == q) {
            buckets[i] = q.next;
        } else {
            FragQueue p = buckets[i];
            while (p.next != q) {
                p = p.next;
            }
            p.next = q.next;
        }
        q.next = null;
        queues--;
        mem -= QUEUE_TRUESIZE + q.mem;
        if (q.peer != null && --q.peer.refs == 0) {
            peers.remove(q.peer.addr);
        }
    }

    /**
     * The {@code ipfrag_time} timer: ReasmFails and ReasmTimeout, ICMP time exceeded when the
     * first fragment is here (RFC 1122 §3.3.2), then the fragments are dropped. Mirrors
     * {@code ip_expire()}.
     */
    private void expire(FragQueue q) {
        if (!q.live) {
            return;
        }
        kill(q);
        FragContext ctx = q.ctx;
        ctx.count(FragCounter.ReasmFails);
        ctx.count(FragCounter.ReasmTimeout);
        SkBuff first = q.first();
        if (first != null) {
            ctx.sendIcmp(first, ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, 0);
        }
        q.purge(net, FragReasons.FRAG_REASM_TIMEOUT);
    }

    /**
     * Drops every queue and refuses fragments from now on, for a namespace going away. Mirrors
     * {@code fqdir_pre_exit()} (high_thresh to 0) and {@code fqdir_exit()}. No counters move.
     */
    public void flush() {
        closed = true;
        for (FragQueue head : buckets) {
            FragQueue q = head;
            while (q != null) {
                FragQueue next = q.next;
                kill(q);
                q.purge(net, DropReason.NOT_SPECIFIED);
                q = next;
            }
        }
    }

    private int hash(int src, int dst, int id, int proto) {
        int h = hashSeed;
        h = mix(h ^ src);
        h = mix(h ^ dst);
        h = mix(h ^ (id << 8 | proto));
        return h;
    }

    /** A murmur3-style finaliser round: every input bit reaches every output bit. */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }
}
