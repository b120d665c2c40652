package io.jnetstack.core.sched;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Qdisc;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.SkbQueue;
import io.jnetstack.core.SockPacing;

import java.util.IdentityHashMap;

/**
 * The Fair Queue packet scheduler with per-flow pacing. Mirrors {@code net/sched/sch_fq.c}
 * (Linux 6.x), as configured by {@code tc qdisc add dev DEV root fq [OPTIONS]} (tc-fq(8)).
 *
 * <pre>
 * enqueue: band limit? → time_to_send = skb.tstamp (the sender's earliest departure time,
 *          beyond the horizon: drop) or now → flow of the socket (or of the flow hash for
 *          packets without a socket, of listeners and unconnected sockets) → flow_limit?
 *          → the flow's queue, in time_to_send order; an idle flow joins its band's new flows
 * dequeue: the fast-path queue first; flows whose time came leave the throttled set for the
 *          old flows; bands in turn by weight; in a band, new flows before old, round robin by
 *          quantum bytes of credit; a flow whose next packet is not due is throttled until
 *          then (the watchdog wakes the device); a flow found empty goes new → old → detached
 * </pre>
 *
 * <p>Departure times: a sender that stamps them (TCP, {@code tcp_wstamp_ns}) is paced by the
 * stamps, and told so ({@code SK_PACING_FQ}, {@link SockPacing#pacingByFq()}); for unstamped
 * packets the flow is paced at the socket's {@code sk_pacing_rate}, after a quantum of credit
 * (or packet by packet below {@code low_rate_threshold}); {@code maxrate} caps every flow.
 * Packets of an idle qdisc that may leave now take the fast path (at most 8 queued there).
 *
 * <p>Flows are objects kept in a table by socket (identity) or in an array by hash; an emptied
 * flow stays for reuse and is collected 3 s after ({@code fq_gc}, up to 8 per enqueue), its
 * object kept on a free list, so steady traffic allocates nothing per packet. The throttled
 * flows wait in a min-heap on their next departure time (Linux's rbtree, ties in insertion
 * order). Not modelled: ECN CE marking ({@code ce_threshold}), pacing offload horizons, the
 * rbtree bucket count ({@code buckets} is accepted and shown).
 */
public final class Fq extends Qdisc {
    /** {@code FQ_BANDS}. */
    public static final int BANDS = 3;
    /** Collected flows per enqueue at most ({@code FQ_GC_MAX}). */
    private static final int GC_MAX = 8;
    /** An emptied flow is collected this long after ({@code FQ_GC_AGE}, 3 s), in jiffies. */
    private static final long GC_AGE_JIFFIES = 3000;
    /** The fast-path queue holds at most this many packets while flows are queued. */
    private static final int FASTPATH_MAX = 8;
    /** qdisc cb words: the time to send and the band. */
    private static final int CB_TIME_TO_SEND = 0;
    private static final int CB_BAND = 1;
    private static final long NS_PER_JIFFY = 1_000_000L;
    private static final long NS_PER_S = 1_000_000_000L;
    private static final long NONE = Long.MAX_VALUE;

    private final Config cfg;
    /** The band of each priority ({@code prio2band}), the configuration's, copied once. */
    private final int[] prio2band;
    private int quantum;
    private int initialQuantum;
    private final Band[] bands = {new Band(), new Band(), new Band()};
    private int bandNr;
    /** {@code q->internal}: the fast-path queue. */
    private final Flow internal = new Flow();
    private final IdentityHashMap<Object, Flow> bySocket = new IdentityHashMap<>();
    private final Flow[] byHash;
    private Flow[] delayed = new Flow[16];
    private int delayedSize;
    private long delayedSeq;
    private long timeNextDelayedFlow = NONE;
    private long unthrottleLatencyNs;
    /** Emptied flows, oldest first, for collection. */
    private Flow detachedHead;
    private Flow detachedTail;
    private Flow freeFlows;
    private final int[] bandPktCount = new int[BANDS];
    private int qlen;
    private long backlogBytes;
    private int flows;
    private int inactiveFlows;
    private int throttledFlows;
    private long statThrottled;
    private long statGcFlows;
    private long statFastpath;
    private long statHorizonDrops;
    private long statHorizonCaps;
    private long statFlowsPlimit;
    private long statPktsTooLong;
    private final long[] statBandDrops = new long[BANDS];

    /** One flow: a socket's packets, or those of one flow hash ({@code struct fq_flow}). */
    private static final class Flow {
        final SkbQueue q = new SkbQueue();
        /** The socket, or null for a flow of a hash. */
        Object sk;
        /** The hash slot of a flow without socket, else -1. */
        int hashSlot = -1;
        int credit;
        int band;
        /** Next in a round-robin list. */
        Flow next;
        boolean detached;
        /** When it was emptied, in jiffies ({@code f->age}). */
        long age;
        Flow detachedPrev;
        Flow detachedNext;
        long timeNextPacket;
        int heapIndex = -1;
        long heapSeq;
    }

    /** A round-robin list ({@code struct fq_flow_head}). */
    private static final class FlowList {
        Flow first;
        Flow last;
    }

    /** A band's flows and byte credit ({@code struct fq_perband_flows}). */
    private static final class Band {
        final FlowList newFlows = new FlowList();
        final FlowList oldFlows = new FlowList();
        int credit;
        int quantum;
    }

    /** An fq with Linux's defaults. */
    public Fq() {
        this(Config.DEFAULT);
    }

    /** An fq with this configuration. */
    public Fq(Config cfg) {
        this.cfg = cfg;
        this.prio2band = cfg.priomap();
        this.byHash = new Flow[cfg.orphanMask() + 1];
        for (int i = 0; i < BANDS; i++) {
            bands[i].quantum = cfg.weights()[i];
        }
    }

    /** The configuration. */
    public Config config() {
        return cfg;
    }

    @Override
    public String kind() {
        return "fq";
    }

    /** quantum and initial_quantum default to 2 and 10 times {@code psched_mtu()} (MTU plus link header). */
    @Override
    protected void onAttach() {
        long mtu = Math.min(Math.max(dev.mtu() + dev.hardHeaderLen(), 1), 1 << 20);
        quantum = cfg.quantum() > 0 ? cfg.quantum() : (int) Math.min(Math.max(2 * mtu, 256), 1 << 20);
        initialQuantum = cfg.initialQuantum() >= 0 ? cfg.initialQuantum() : (int) Math.min(10 * mtu, 1 << 20);
    }

    // ================================================================ enqueue

    /** Mirrors {@code fq_enqueue()}. */
    @Override
    protected int doEnqueue(SkBuff skb) {
        int band = prio2band[skb.priority & 15];
        if (bandPktCount[band] >= cfg.limit()) {
            statBandDrops[band]++;
            drop(skb, DropReason.FQ_BAND_LIMIT);
            return NET_XMIT_DROP;
        }
        long now = now();
        if (skb.tstamp == 0) {
            skb.cb[CB_TIME_TO_SEND] = now;
        } else {
            if (skb.tstamp - now > cfg.horizonNs()) {
                if (cfg.horizonDrop()) {
                    statHorizonDrops++;
                    drop(skb, DropReason.FQ_HORIZON_LIMIT);
                    return NET_XMIT_DROP;
                }
                statHorizonCaps++;
                skb.tstamp = now + cfg.horizonNs();
            }
            skb.cb[CB_TIME_TO_SEND] = skb.tstamp;
        }
        Flow f = classify(skb, now);
        if (f != internal) {
            if (f.q.size() >= cfg.flowLimit()) {
                statFlowsPlimit++;
                drop(skb, DropReason.FQ_FLOW_LIMIT);
                return NET_XMIT_DROP;
            }
            if (f.detached) {
                unlinkDetached(f);
                addTail(f, true);   // in the band the flow last used, as Linux
                if (jiffies(now) > f.age + cfg.refillDelayJiffies()) {
                    f.credit = Math.max(f.credit, quantum);
                }
            }
            f.band = band;
            bandPktCount[band]++;
            skb.cb[CB_BAND] = band;
            if (f.q.isEmpty()) {
                inactiveFlows--;
            }
        }
        queueAdd(f, skb);
        qlen++;
        backlogBytes += skb.len();
        return NET_XMIT_SUCCESS;
    }

    /**
     * The flow of a packet. Mirrors {@code fq_classify()}: by the socket, or by the flow hash
     * for packets without one and for listeners and unconnected sockets; the fast path when the
     * packet may leave now and nothing else may ({@code fq_fastpath_check()}); a socket seen the
     * first time is told that fq paces it.
     */
    private Flow classify(SkBuff skb, long now) {
        SockPacing sp = skb.sk instanceof SockPacing p ? p : null;
        boolean hashed = sp == null || sp.pacingHashed();
        if (fastpathCheck(skb, sp, now)) {
            statFastpath++;
            if (!hashed && cfg.rateEnable() && sp.pacingStatus() != SockPacing.PACING_FQ) {
                sp.pacingByFq();
            }
            return internal;
        }
        int slot = hashed ? flowHash(skb) & cfg.orphanMask() : -1;
        Flow f = hashed ? byHash[slot] : bySocket.get(sp);
        if (f == null) {
            f = newFlow();
            if (hashed) {
                f.hashSlot = slot;
                byHash[slot] = f;
            } else {
                f.sk = sp;
                bySocket.put(sp, f);
                if (cfg.rateEnable()) {
                    sp.pacingByFq();
                }
            }
            f.credit = initialQuantum;
            f.detached = true;
            f.age = jiffies(now);
            linkDetached(f);
            flows++;
            inactiveFlows++;
        }
        gc(f, now);
        return f;
    }

    /** Mirrors {@code fq_fastpath_check()}. */
    private boolean fastpathCheck(SkBuff skb, SockPacing sp, long now) {
        if (skb.cb[CB_TIME_TO_SEND] > now) {
            return false;
        }
        if (qlen != 0 && (flows != inactiveFlows + throttledFlows || internal.q.size() >= FASTPATH_MAX
                || timeNextDelayedFlow <= now)) {
            return false;
        }
        if (sp != null && !sp.pacingIsTcp() && sp.maxPacingRate() != SockPacing.UNLIMITED) {
            return false;
        }
        return cfg.maxRate() == SockPacing.UNLIMITED;
    }

    /** Adds in time-to-send order; equal times keep arrival order ({@code flow_queue_add()}). */
    private static void queueAdd(Flow f, SkBuff skb) {
        SkBuff tail = f.q.peekLast();
        long t = skb.cb[CB_TIME_TO_SEND];
        if (tail == null || t >= tail.cb[CB_TIME_TO_SEND]) {
            f.q.addLast(skb);
            return;
        }
        SkBuff at = tail;
        while (f.q.prev(at) != null && f.q.prev(at).cb[CB_TIME_TO_SEND] > t) {
            at = f.q.prev(at);
        }
        f.q.insertBefore(at, skb);
    }

    // ================================================================ dequeue

    /** Mirrors {@code fq_dequeue()}. */
    @Override
    protected SkBuff doDequeue() {
        if (qlen == 0) {
            return null;
        }
        SkBuff skb = internal.q.poll();
        if (skb != null) {
            qlen--;
            backlogBytes -= skb.len();
            return skb;
        }
        long now = now();
        checkThrottled(now);
        int retry = 0;
        Band pband = bands[bandNr];
        while (true) {
            FlowList head = headSelect(pband);
            if (head == null) {
                boolean found = false;
                while (++retry <= BANDS) {
                    if (++bandNr == BANDS) {
                        bandNr = 0;
                    }
                    pband = bands[bandNr];
                    pband.credit = Math.min(pband.credit + pband.quantum, pband.quantum);
                    if (pband.credit > 0) {
                        found = true;
                        break;
                    }
                    retry = 0;
                }
                if (!found) {
                    if (timeNextDelayedFlow != NONE) {
                        watchdog(timeNextDelayedFlow);
                    }
                    return null;
                }
                continue;
            }
            Flow f = head.first;
            retry = 0;
            if (f.credit <= 0) {
                f.credit += quantum;
                head.first = f.next;
                addTail(f, false);
                continue;
            }
            skb = f.q.peek();
            if (skb == null) {
                head.first = f.next;
                if (head == pband.newFlows) {
                    addTail(f, false);   // a pass through the old flows prevents starvation
                } else {
                    setDetached(f, now);
                }
                continue;
            }
            long timeNextPacket = Math.max(skb.cb[CB_TIME_TO_SEND], f.timeNextPacket);
            if (now < timeNextPacket) {
                head.first = f.next;
                f.timeNextPacket = timeNextPacket;
                setThrottled(f);
                continue;
            }
            f.q.poll();
            qlen--;
            backlogBytes -= skb.len();
            if (f.q.isEmpty()) {
                inactiveFlows++;
            }
            bandPktCount[(int) skb.cb[CB_BAND]]--;
            int plen = skb.len();
            f.credit -= plen;
            pband.credit -= plen;
            if (cfg.rateEnable()) {
                pace(f, skb, plen, now);
            }
            return skb;
        }
    }

    /**
     * The rate part of {@code fq_dequeue()}: a stamped packet is paced by its stamp (and
     * {@code maxrate}); an unstamped one at the socket's rate, after a quantum's credit, or at
     * once below {@code low_rate_threshold}; the delay is at most 1 s, less up to half of it when
     * the flow is late (timer drift).
     */
    private void pace(Flow f, SkBuff skb, int plen, long now) {
        long rate = cfg.maxRate();
        if (skb.tstamp == 0) {
            if (skb.sk instanceof SockPacing sp && Long.compareUnsigned(sp.pacingRate(), rate) < 0) {
                rate = sp.pacingRate();
            }
            if (Long.compareUnsigned(rate, cfg.lowRateThreshold()) <= 0) {
                f.credit = 0;
            } else {
                plen = Math.max(plen, quantum);
                if (f.credit > 0) {
                    return;
                }
            }
        }
        if (rate == SockPacing.UNLIMITED) {
            return;
        }
        long len = plen * NS_PER_S;
        if (rate != 0) {
            len = Long.divideUnsigned(len, rate);
        }
        if (len > NS_PER_S) {
            len = NS_PER_S;
            statPktsTooLong++;
        }
        if (f.timeNextPacket != 0) {
            long drift = now - f.timeNextPacket;
            if (drift > 0) {
                len -= Math.min(len / 2, drift);
            }
        }
        f.timeNextPacket = now + len;
    }

    private static FlowList headSelect(Band b) {
        if (b.credit <= 0) {
            return null;
        }
        if (b.newFlows.first != null) {
            return b.newFlows;
        }
        return b.oldFlows.first != null ? b.oldFlows : null;
    }

    /** Mirrors {@code fq_flow_add_tail()}: in the band the flow is in ({@code f->band}). */
    private void addTail(Flow f, boolean newFlow) {
        FlowList head = newFlow ? bands[f.band].newFlows : bands[f.band].oldFlows;
        if (head.first != null) {
            head.last.next = f;
        } else {
            head.first = f;
        }
        head.last = f;
        f.next = null;
    }

    // ================================================================ throttled flows

    /** Mirrors {@code fq_flow_set_throttled()}. */
    private void setThrottled(Flow f) {
        if (delayedSize == delayed.length) {
            delayed = java.util.Arrays.copyOf(delayed, delayedSize * 2);
        }
        f.heapSeq = delayedSeq++;
        f.heapIndex = delayedSize;
        delayed[delayedSize++] = f;
        siftUp(f.heapIndex);
        throttledFlows++;
        statThrottled++;
        if (timeNextDelayedFlow > f.timeNextPacket) {
            timeNextDelayedFlow = f.timeNextPacket;
        }
    }

    /** Mirrors {@code fq_check_throttled()}: flows whose time came go back to the old flows. */
    private void checkThrottled(long now) {
        if (timeNextDelayedFlow > now) {
            return;
        }
        long sample = now - timeNextDelayedFlow;
        if (sample > 0) {
            unthrottleLatencyNs += (sample >> 3) - (unthrottleLatencyNs >> 3);
        }
        timeNextDelayedFlow = NONE;
        while (delayedSize > 0) {
            Flow f = delayed[0];
            if (f.timeNextPacket > now) {
                timeNextDelayedFlow = f.timeNextPacket;
                break;
            }
            heapRemoveTop();
            throttledFlows--;
            addTail(f, false);
        }
    }

    private boolean heapLess(Flow a, Flow b) {
        return a.timeNextPacket < b.timeNextPacket || (a.timeNextPacket == b.timeNextPacket && a.heapSeq < b.heapSeq);
    }

    private void siftUp(int i) {
        Flow f = delayed[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Flow p = delayed[parent];
            if (!heapLess(f, p)) {
                break;
            }
            delayed[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        delayed[i] = f;
        f.heapIndex = i;
    }

    private void heapRemoveTop() {
        Flow top = delayed[0];
        Flow last = delayed[--delayedSize];
        delayed[delayedSize] = null;
        top.heapIndex = -1;
        if (delayedSize == 0) {
            return;
        }
        int i = 0;
        while (true) {
            int c = 2 * i + 1;
            if (c >= delayedSize) {
                break;
            }
            if (c + 1 < delayedSize && heapLess(delayed[c + 1], delayed[c])) {
                c++;
            }
            if (!heapLess(delayed[c], last)) {
                break;
            }
            delayed[i] = delayed[c];
            delayed[i].heapIndex = i;
            i = c;
        }
        delayed[i] = last;
        last.heapIndex = i;
    }

    // ================================================================ flow lifetime

    private Flow newFlow() {
        Flow f = freeFlows;
        if (f == null) {
            return new Flow();
        }
        freeFlows = f.next;
        f.next = null;
        return f;
    }

    /** Mirrors {@code fq_flow_set_detached()}: emptied, out of every list, aging. */
    private void setDetached(Flow f, long now) {
        f.detached = true;
        f.age = jiffies(now);
        linkDetached(f);
    }

    private void linkDetached(Flow f) {
        f.detachedPrev = detachedTail;
        f.detachedNext = null;
        if (detachedTail != null) {
            detachedTail.detachedNext = f;
        } else {
            detachedHead = f;
        }
        detachedTail = f;
    }

    private void unlinkDetached(Flow f) {
        f.detached = false;
        if (f.detachedPrev != null) {
            f.detachedPrev.detachedNext = f.detachedNext;
        } else {
            detachedHead = f.detachedNext;
        }
        if (f.detachedNext != null) {
            f.detachedNext.detachedPrev = f.detachedPrev;
        } else {
            detachedTail = f.detachedPrev;
        }
        f.detachedPrev = f.detachedNext = null;
    }

    /**
     * Frees up to 8 flows emptied more than 3 s ago, the one in use excepted. Mirrors
     * {@code fq_gc()} (which looks along one tree's search path; here the oldest go first).
     */
    private void gc(Flow inUse, long now) {
        long j = jiffies(now);
        int n = 0;
        Flow f = detachedHead;
        while (f != null && n < GC_MAX && j > f.age + GC_AGE_JIFFIES) {
            Flow next = f.detachedNext;
            if (f != inUse) {
                unlinkDetached(f);
                forget(f);
                n++;
            }
            f = next;
        }
        flows -= n;
        inactiveFlows -= n;
        statGcFlows += n;
    }

    /** Takes an empty flow out of the tables onto the free list. */
    private void forget(Flow f) {
        if (f.hashSlot >= 0) {
            byHash[f.hashSlot] = null;
        } else {
            bySocket.remove(f.sk);
        }
        f.sk = null;
        f.hashSlot = -1;
        f.credit = 0;
        f.band = 0;
        f.timeNextPacket = 0;
        f.detached = false;
        f.heapIndex = -1;
        f.next = freeFlows;
        freeFlows = f;
    }

    /**
     * A flow hash of the packet ({@code skb_get_hash()}): addresses, protocol and, for TCP and
     * UDP, the ports of its IPv4 header; other packets hash by protocol.
     */
    private static int flowHash(SkBuff skb) {
        int nh = skb.networkHeader();
        byte[] b = skb.buf();
        int h = skb.protocol;
        if (skb.protocol == 0x0800 && nh >= 0 && nh + 20 <= skb.tail()) {
            int proto = b[nh + 9] & 0xff;
            h = h * 31 + readInt(b, nh + 12);
            h = h * 31 + readInt(b, nh + 16);
            h = h * 31 + proto;
            int th = nh + ((b[nh] & 0x0f) << 2);
            if ((proto == 6 || proto == 17) && th + 4 <= skb.tail()) {
                h = h * 31 + readInt(b, th);
            }
        }
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }

    private static int readInt(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    private static long jiffies(long nanos) {
        return nanos / NS_PER_JIFFY;
    }

    @Override
    protected int doQlen() {
        return qlen;
    }

    @Override
    protected long doBacklog() {
        return backlogBytes;
    }

    /** Mirrors {@code fq_reset()}: every packet dropped, every flow forgotten. */
    @Override
    protected void doReset() {
        internal.q.purge();
        for (Flow f : bySocket.values().toArray(new Flow[0])) {
            f.q.purge();
            forget(f);
        }
        for (Flow f : byHash) {
            if (f != null) {
                f.q.purge();
                forget(f);
            }
        }
        for (Band b : bands) {
            b.newFlows.first = b.oldFlows.first = null;
            b.newFlows.last = b.oldFlows.last = null;
        }
        java.util.Arrays.fill(delayed, null);
        java.util.Arrays.fill(bandPktCount, 0);
        delayedSize = 0;
        detachedHead = detachedTail = null;
        timeNextDelayedFlow = NONE;
        qlen = 0;
        backlogBytes = 0;
        flows = inactiveFlows = throttledFlows = 0;
    }

    // ================================================================ statistics

    /** {@code struct tc_fq_qd_stats}: what {@code tc -s qdisc show} prints after the counters. */
    public record Stats(int flows, int inactiveFlows, int throttledFlows, long gcFlows, long fastpathPackets,
                        long throttled, long unthrottleLatencyNs, long flowsPlimit, long pktsTooLong,
                        long allocationErrors, long horizonDrops, long horizonCaps, long timeNextDelayedFlowNs,
                        long[] bandDrops, int[] bandPktCount) {
    }

    /** The fq counters now. Mirrors {@code fq_dump_stats()}. */
    public Stats fqStats() {
        long next = timeNextDelayedFlow == NONE ? 0 : timeNextDelayedFlow + cfg.timerSlackNs() - now();
        return new Stats(flows, inactiveFlows, throttledFlows, statGcFlows, statFastpath, statThrottled,
                Math.min(unthrottleLatencyNs, 0xFFFFFFFFL), statFlowsPlimit, statPktsTooLong, 0, statHorizonDrops,
                statHorizonCaps, Math.max(next, 0), statBandDrops.clone(), bandPktCount.clone());
    }

    @Override
    public String params() {
        return cfg.format(quantum, initialQuantum);
    }

    /** Adds the fq lines of iproute2's {@code fq_print_xstats()}. */
    @Override
    public String format() {
        Stats s = fqStats();
        StringBuilder sb = new StringBuilder(super.format());
        sb.append("  flows ").append(s.flows()).append(" (inactive ").append(s.inactiveFlows())
                .append(" throttled ").append(s.throttledFlows()).append(')');
        if (s.timeNextDelayedFlowNs() > 0) {
            sb.append(" next_packet_delay ").append(TcUnits.formatTime(s.timeNextDelayedFlowNs()));
        }
        sb.append("\n  gc ").append(s.gcFlows()).append(" highprio 0");
        if (s.fastpathPackets() > 0) {
            sb.append(" fastpath ").append(s.fastpathPackets());
        }
        sb.append(" throttled ").append(s.throttled());
        if (s.unthrottleLatencyNs() > 0) {
            sb.append(" latency ").append(TcUnits.formatTime(s.unthrottleLatencyNs()));
        }
        if (s.flowsPlimit() > 0) {
            sb.append(" flows_plimit ").append(s.flowsPlimit());
        }
        if (s.pktsTooLong() > 0 || s.horizonDrops() > 0 || s.horizonCaps() > 0) {
            sb.append('\n');
            if (s.pktsTooLong() > 0) {
                sb.append(" pkts_too_long ").append(s.pktsTooLong());
            }
            if (s.horizonDrops() > 0) {
                sb.append(" horizon_drops ").append(s.horizonDrops());
            }
            if (s.horizonCaps() > 0) {
                sb.append(" horizon_caps ").append(s.horizonCaps());
            }
        }
        long bandDrops = s.bandDrops()[0] + s.bandDrops()[1] + s.bandDrops()[2];
        if (bandDrops > 0) {
            sb.append("\n  band0_drops ").append(s.bandDrops()[0]).append(" band1_drops ").append(s.bandDrops()[1])
                    .append(" band2_drops ").append(s.bandDrops()[2]);
        }
        return sb.append('\n').toString();
    }

    /**
     * An fq configuration, as the options of {@code tc qdisc add ... fq} (tc-fq(8)): counts in
     * packets, sizes in bytes, rates in bytes per second ({@link SockPacing#UNLIMITED} for none),
     * times in nanoseconds.
     *
     * @param limit            packets per band ({@code limit}, 10000)
     * @param flowLimit        packets per flow ({@code flow_limit}, 100)
     * @param quantum          bytes a flow may send per round ({@code quantum}); 0: twice the MTU
     * @param initialQuantum   a new flow's first credit ({@code initial_quantum}); -1: ten MTUs
     * @param maxRate          every flow's rate limit ({@code maxrate})
     * @param bucketsLog       log2 of the hash buckets ({@code buckets}), shown only
     * @param orphanMask       flows by hash for packets without socket ({@code orphan_mask}, 1023)
     * @param lowRateThreshold below it, unstamped packets are paced one by one (550 kbit)
     * @param refillDelayJiffies a flow idle that long gets a quantum again ({@code refill_delay}, 40 ms)
     * @param horizonNs        departure times further ahead are dropped or capped ({@code horizon}, 10 s)
     * @param horizonDrop      drop ({@code horizon_drop}) rather than cap ({@code horizon_cap})
     * @param rateEnable       pace ({@code pacing}) or only schedule ({@code nopacing})
     * @param timerSlackNs     the watchdog's slack ({@code timer_slack}, 10 µs), shown only
     * @param priomap          band of each TC_PRIO priority ({@code priomap})
     * @param weights          each band's byte credit per turn ({@code weights})
     */
    public record Config(int limit, int flowLimit, int quantum, int initialQuantum, long maxRate, int bucketsLog,
                         int orphanMask, long lowRateThreshold, long refillDelayJiffies, long horizonNs,
                         boolean horizonDrop, boolean rateEnable, long timerSlackNs, int[] priomap, int[] weights) {
        /** Linux's defaults ({@code fq_init()}). */
        public static final Config DEFAULT = new Config(10000, 100, 0, -1, SockPacing.UNLIMITED, 10, 1023,
                550_000 / 8, 40, 10 * NS_PER_S, true, true, 10_000, new int[]{1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1},
                new int[]{9 << 16, 3 << 16, 1 << 16});

        /** Validates as tc and {@code fq_change()} do. */
        public Config {
            if (limit < 0 || flowLimit < 0) {
                throw new ErrnoException(Errno.EINVAL, "fq: limit and flow_limit must be >= 0");
            }
            if (quantum != 0 && (quantum < 256 || quantum > 1 << 20)) {
                throw new ErrnoException(Errno.EINVAL, "fq: quantum must be 256..1048576");
            }
            if (initialQuantum > 1 << 20) {
                throw new ErrnoException(Errno.EINVAL, "fq: initial_quantum must be at most 1048576");
            }
            if (bucketsLog < 1 || bucketsLog > 18) {
                throw new ErrnoException(Errno.EINVAL, "fq: buckets must be 2..262144");
            }
            if (orphanMask < 0 || orphanMask > 0xFFFF || (orphanMask & (orphanMask + 1)) != 0) {
                throw new ErrnoException(Errno.EINVAL, "fq: orphan_mask must be 2^n - 1, at most 65535 here");
            }
            if (priomap.length != 16 || weights.length != BANDS) {
                throw new ErrnoException(Errno.EINVAL, "fq: priomap takes 16 bands, weights 3");
            }
            for (int b : priomap) {
                if (b < 0 || b >= BANDS) {
                    throw new ErrnoException(Errno.EINVAL, "fq: priomap maps to a band above 2");
                }
            }
            for (int w : weights) {
                if (w < 16_384) {
                    throw new ErrnoException(Errno.EINVAL, "fq: weight " + w + " is below the minimum 16384");
                }
            }
            priomap = priomap.clone();
            weights = weights.clone();
        }

        @Override
        public int[] priomap() {
            return priomap.clone();
        }

        @Override
        public int[] weights() {
            return weights.clone();
        }

        /**
         * Parses tc's words: {@code "limit 1000 flow_limit 50 quantum 3000 maxrate 10mbit
         * horizon 1s horizon_cap nopacing"}, optionally after {@code fq}; EINVAL for anything
         * else.
         */
        public static Config parse(String text) {
            String t = text.strip();
            String[] w = t.isEmpty() ? new String[0] : t.split("\\s+");
            int i = w.length > 0 && w[0].equals("fq") ? 1 : 0;
            Config d = DEFAULT;
            int limit = d.limit;
            int flowLimit = d.flowLimit;
            int quantum = d.quantum;
            int initialQuantum = d.initialQuantum;
            long maxRate = d.maxRate;
            int bucketsLog = d.bucketsLog;
            int orphanMask = d.orphanMask;
            long lowRate = d.lowRateThreshold;
            long refill = d.refillDelayJiffies;
            long horizon = d.horizonNs;
            boolean horizonDrop = d.horizonDrop;
            boolean rateEnable = d.rateEnable;
            long slack = d.timerSlackNs;
            int[] priomap = d.priomap;
            int[] weights = d.weights;
            while (i < w.length) {
                String key = w[i++];
                switch (key) {
                    case "pacing" -> rateEnable = true;
                    case "nopacing" -> rateEnable = false;
                    case "horizon_drop" -> horizonDrop = true;
                    case "horizon_cap" -> horizonDrop = false;
                    case "priomap" -> {
                        priomap = new int[16];
                        for (int k = 0; k < 16; k++) {
                            priomap[k] = (int) number(w, i++, key);
                        }
                    }
                    case "weights" -> {
                        weights = new int[BANDS];
                        for (int k = 0; k < BANDS; k++) {
                            weights[k] = (int) number(w, i++, key);
                        }
                    }
                    default -> {
                        if (i >= w.length) {
                            throw new ErrnoException(Errno.EINVAL, "fq: \"" + key + "\" needs a value");
                        }
                        String v = w[i++];
                        switch (key) {
                            case "limit" -> limit = (int) number(w, i - 1, key);
                            case "flow_limit" -> flowLimit = (int) number(w, i - 1, key);
                            case "quantum" -> quantum = (int) TcUnits.parseSize(v);
                            case "initial_quantum" -> initialQuantum = (int) TcUnits.parseSize(v);
                            case "maxrate" -> maxRate = TcUnits.parseRate(v);
                            case "buckets" -> bucketsLog = 31 - Integer.numberOfLeadingZeros((int) number(w, i - 1, key));
                            case "orphan_mask" -> orphanMask = (int) number(w, i - 1, key);
                            case "low_rate_threshold" -> lowRate = TcUnits.parseRate(v);
                            case "refill_delay" -> refill = (TcUnits.parseTime(v) + NS_PER_JIFFY - 1) / NS_PER_JIFFY;
                            case "horizon" -> horizon = TcUnits.parseTime(v);
                            case "timer_slack" -> slack = TcUnits.parseTime(v);
                            case "bands" -> {
                                if (number(w, i - 1, key) != BANDS) {
                                    throw new ErrnoException(Errno.EINVAL, "fq: only 3 bands");
                                }
                            }
                            case "ce_threshold", "offload_horizon" -> TcUnits.parseTime(v);   // not modelled
                            case "defrate" -> TcUnits.parseRate(v);   // ignored by Linux too
                            default -> throw new ErrnoException(Errno.EINVAL, "What is \"" + key + "\"? (fq option)");
                        }
                    }
                }
            }
            return new Config(limit, flowLimit, quantum, initialQuantum, maxRate, bucketsLog, orphanMask, lowRate,
                    refill, horizon, horizonDrop, rateEnable, slack, priomap, weights);
        }

        private static long number(String[] w, int i, String key) {
            if (i >= w.length || !w[i].matches("\\d+")) {
                throw new ErrnoException(Errno.EINVAL, "fq: \"" + key + "\" takes a number");
            }
            return Long.parseLong(w[i]);
        }

        /** The options as tc prints them ({@code fq_print_opt()}), with the quanta in force. */
        String format(int quantumNow, int initialQuantumNow) {
            StringBuilder sb = new StringBuilder();
            sb.append("limit ").append(limit).append("p flow_limit ").append(flowLimit).append("p buckets ")
                    .append(1 << bucketsLog).append(" orphan_mask ").append(orphanMask).append(" bands 3 priomap");
            for (int b : priomap) {
                sb.append(' ').append(b);
            }
            sb.append(" weights ").append(weights[0]).append(' ').append(weights[1]).append(' ').append(weights[2]);
            sb.append(" quantum ").append(TcUnits.formatSize(quantumNow)).append(" initial_quantum ")
                    .append(TcUnits.formatSize(initialQuantumNow));
            if (maxRate != SockPacing.UNLIMITED) {
                sb.append(" maxrate ").append(TcUnits.formatRate(maxRate));
            }
            sb.append(" low_rate_threshold ").append(TcUnits.formatRate(lowRateThreshold))
                    .append(" refill_delay ").append(TcUnits.formatTime(refillDelayJiffies * NS_PER_JIFFY))
                    .append(" timer_slack ").append(TcUnits.formatTime(timerSlackNs))
                    .append(" horizon ").append(TcUnits.formatTime(horizonNs))
                    .append(horizonDrop ? " horizon_drop" : " horizon_cap");
            if (!rateEnable) {
                sb.append(" nopacing");
            }
            return sb.toString();
        }
    }
}
