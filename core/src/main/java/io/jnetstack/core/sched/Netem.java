package io.jnetstack.core.sched;

import io.jnetstack.core.CsumState;
import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Qdisc;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.SkbQueue;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The network emulator: delays, jitters, loses, duplicates, corrupts, reorders and rate-limits
 * the packets leaving a device. Mirrors {@code net/sched/sch_netem.c} as configured by
 * {@code tc qdisc add dev DEV root netem ...} (tc-netem(8)); the configuration is an immutable
 * {@link Config}, built with {@link Config#builder()} or parsed from tc's words with
 * {@link Config#parse}.
 *
 * <pre>
 * enqueue:  duplicate?  → loss?  → (lost: drop, QDISC_NETEM_LOSS)
 *           → corrupt? (one bit flipped) → limit? (QDISC_DROP)
 *           → the duplicate re-enters enqueue, never duplicated again
 *           → reorder this one? → head queue, sent at once
 *             else time_to_send = now + delay ± jitter (after the previous one's
 *                  serialisation when a rate is set) → time-ordered queue
 * dequeue:  head queue first, then the earliest packet whose time_to_send has come;
 *           otherwise the watchdog is armed for that time
 * </pre>
 *
 * <p>Packets wait in a binary min-heap ordered by (time_to_send, arrival order), stored in the
 * packet's control block ({@code cb[0]}, {@code cb[1]}): as Linux's rbtree "tfifo", equal times
 * leave in arrival order. Randomness comes from the configured seed or, without one, from
 * {@code kernel.random("netem NET DEV")}, so a deterministic kernel reproduces every decision.
 * Steady state allocates nothing: duplicates are pooled clones and the heap only grows while
 * warming up.
 *
 * <p>Not implemented: ECN marking instead of loss, slotting ({@code slot}), a child qdisc,
 * segmenting GSO packets before corrupting them (a GSO packet gets one flipped bit as a whole).
 */
public final class Netem extends Qdisc {
    /** {@code cb} word holding the time to send, in clock nanoseconds ({@code netem_skb_cb}). */
    static final int CB_TIME_TO_SEND = 0;
    /** {@code cb} word holding the arrival number, for a stable order among equal times. */
    static final int CB_ORDER = 1;

    private final Config cfg;
    private RandomGenerator rnd;
    private Crandom delayCor;
    private Crandom dupCor;
    private Crandom corruptCor;
    private Crandom reorderCor;
    private LossGenerator loss;
    private final SkbQueue head = new SkbQueue();
    private SkBuff[] heap = new SkBuff[16];
    private int heapSize;
    private long heapBytes;
    private long heapMaxTime;
    private long arrivals;
    private int counter;
    private boolean enqueuingDuplicate;

    /** A netem qdisc with this configuration. */
    public Netem(Config cfg) {
        if (cfg == null) {
            throw new ErrnoException(Errno.EINVAL, "netem needs a configuration");
        }
        this.cfg = cfg;
    }

    /** The configuration. */
    public Config config() {
        return cfg;
    }

    @Override
    public String kind() {
        return "netem";
    }

    @Override
    public String params() {
        return cfg.toString();
    }

    /** Seeds the random source and the correlated sources. Mirrors {@code netem_init()}. */
    @Override
    protected void onAttach() {
        rnd = cfg.seed().isPresent()
                ? new SplittableRandom(cfg.seed().getAsLong())
                : kernel.random("netem " + dev.net().name() + " " + dev.name());
        delayCor = new Crandom(cfg.delayCorrelation(), rnd);
        dupCor = new Crandom(cfg.duplicateCorrelation(), rnd);
        corruptCor = new Crandom(cfg.corruptCorrelation(), rnd);
        reorderCor = new Crandom(cfg.reorderCorrelation(), rnd);
        loss = new LossGenerator(cfg.loss(), rnd);
    }

    // ---------------------------------------------------------------- enqueue

    /** Mirrors {@code netem_enqueue()}. */
    @Override
    protected int doEnqueue(SkBuff skb) {
        int count = 1;
        if (cfg.duplicate() > 0 && !enqueuingDuplicate && dupCor.next(rnd) < cfg.duplicate()) {
            count++;
        }
        if (loss.lose(rnd)) {
            count--;
        }
        if (count == 0) {
            // Linux reports success (__NET_XMIT_BYPASS): the sender must not see emulated loss.
            drop(skb, DropReason.QDISC_NETEM_LOSS);
            return NET_XMIT_SUCCESS;
        }
        SkBuff dup = count > 1 ? skb.cloneSkb() : null;
        if (cfg.corrupt() > 0 && corruptCor.next(rnd) < cfg.corrupt() && !corrupt(skb)) {
            if (dup != null) {
                dup.free();
            }
            return NET_XMIT_DROP;
        }
        if (qlen() >= cfg.limit()) {
            drop(skb, DropReason.QDISC_DROP);
            if (dup != null) {
                dup.free();
            }
            return NET_XMIT_DROP;
        }
        if (dup != null) {
            enqueueDuplicate(dup);
        }
        if (cfg.gap() == 0 || counter < cfg.gap() - 1 || reorderCor.next(rnd) >= cfg.reorder()) {
            long now = now();
            long time = sendTime(skb, now, delay());
            counter++;
            heapInsert(skb, time);
        } else {
            // Reordering: this one jumps the queue and leaves at once.
            skb.cb[CB_TIME_TO_SEND] = now();
            counter = 0;
            head.addFirst(skb);
            stats().requeues++;
        }
        return NET_XMIT_SUCCESS;
    }

    /** The copy re-enters the qdisc from the top, flagged so it is not duplicated again. */
    private void enqueueDuplicate(SkBuff dup) {
        enqueuingDuplicate = true;
        try {
            enqueue(dup);
        } finally {
            enqueuingDuplicate = false;
        }
    }

    /**
     * Flips one random bit in the linear data after making it private; finishes a pending
     * checksum first so the damage is not papered over. Mirrors the corruption step of
     * {@code netem_enqueue()}.
     *
     * @return false when the packet was dropped instead
     */
    private boolean corrupt(SkBuff skb) {
        skb.ensureWritable(skb.headroom());
        if (skb.ipSummed == CsumState.PARTIAL && !SchedCsum.help(skb)) {
            drop(skb, DropReason.QDISC_DROP);
            return false;
        }
        int hl = skb.headLen();
        if (hl > 0) {
            int at = skb.data() + rnd.nextInt(hl);
            skb.buf()[at] ^= (byte) (1 << rnd.nextInt(8));
        }
        return true;
    }

    /**
     * The delay drawn for one packet: {@code delay} plus a deviate of the configured
     * distribution scaled by {@code jitter}. Mirrors {@code tabledist()}.
     */
    private long delay() {
        long mu = cfg.delayNanos();
        long sigma = cfg.jitterNanos();
        if (sigma == 0) {
            return mu;
        }
        double z = cfg.distribution().deviate(delayCor.next(rnd));
        return mu + Math.round(sigma * z);
    }

    /**
     * The time to send: now plus the delay; with a rate, counted from the end of the last queued
     * packet's transmission (the delay it already waited is credited) plus this packet's own
     * serialisation time. Mirrors the rate step of {@code netem_enqueue()}.
     */
    private long sendTime(SkBuff skb, long now, long delay) {
        if (cfg.rateBytesPerSec() == 0) {
            return now + delay;
        }
        boolean haveLast = false;
        long last = 0;
        SkBuff tail = head.peekLast();
        if (tail != null) {
            last = tail.cb[CB_TIME_TO_SEND];
            haveLast = true;
        }
        if (heapSize > 0 && (!haveLast || heapMaxTime > last)) {
            last = heapMaxTime;
            haveLast = true;
        }
        if (haveLast) {
            delay = Math.max(0, delay - (last - now));
            now = last;
        }
        return now + delay + packetTime(skb.len());
    }

    /** Serialisation time of {@code len} bytes at the rate. Mirrors {@code packet_time_ns()}. */
    long packetTime(long len) {
        long bytes = Math.max(0, len + cfg.packetOverhead());
        if (cfg.cellSize() > 0) {
            long cells = (bytes + cfg.cellSize() - 1) / cfg.cellSize();
            bytes = Math.max(0, cells * (cfg.cellSize() + cfg.cellOverhead()));
        }
        long ns = bytes * TcUnits.NS_PER_S;
        if (Math.multiplyHigh(bytes, TcUnits.NS_PER_S) != 0 || ns < 0) {
            return Long.MAX_VALUE / 4;
        }
        return ns / cfg.rateBytesPerSec();
    }

    // ---------------------------------------------------------------- dequeue

    /** Mirrors {@code netem_dequeue()}. */
    @Override
    protected SkBuff doDequeue() {
        SkBuff skb = head.poll();
        if (skb != null) {
            return skb;
        }
        if (heapSize == 0) {
            return null;
        }
        SkBuff first = heap[0];
        long t = first.cb[CB_TIME_TO_SEND];
        if (t <= now()) {
            return heapPoll();
        }
        watchdog(t);
        return null;
    }

    @Override
    protected int doQlen() {
        return head.size() + heapSize;
    }

    @Override
    protected long doBacklog() {
        return head.bytes() + heapBytes;
    }

    /** Mirrors {@code netem_reset()}. */
    @Override
    protected void doReset() {
        head.purge();
        for (int i = 0; i < heapSize; i++) {
            SkBuff s = heap[i];
            heap[i] = null;
            s.free();
        }
        heapSize = 0;
        heapBytes = 0;
    }

    /** Packets waiting for their time (not counting reordered ones about to leave). */
    public int delayedCount() {
        return heapSize;
    }

    // ---------------------------------------------------------------- time-ordered heap

    private void heapInsert(SkBuff skb, long time) {
        skb.cb[CB_TIME_TO_SEND] = time;
        skb.cb[CB_ORDER] = arrivals++;
        if (heapSize == heap.length) {
            heap = java.util.Arrays.copyOf(heap, heap.length * 2);
        }
        heapMaxTime = heapSize == 0 ? time : Math.max(heapMaxTime, time);
        heapBytes += skb.len();
        int i = heapSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            SkBuff p = heap[parent];
            if (!before(skb, p)) {
                break;
            }
            heap[i] = p;
            i = parent;
        }
        heap[i] = skb;
    }

    private SkBuff heapPoll() {
        SkBuff top = heap[0];
        SkBuff last = heap[--heapSize];
        heap[heapSize] = null;
        heapBytes -= top.len();
        if (heapSize > 0) {
            int i = 0;
            int half = heapSize >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                int right = child + 1;
                if (right < heapSize && before(heap[right], heap[child])) {
                    child = right;
                }
                if (!before(heap[child], last)) {
                    break;
                }
                heap[i] = heap[child];
                i = child;
            }
            heap[i] = last;
        }
        return top;
    }

    private static boolean before(SkBuff a, SkBuff b) {
        long ta = a.cb[CB_TIME_TO_SEND];
        long tb = b.cb[CB_TIME_TO_SEND];
        return ta < tb || (ta == tb && a.cb[CB_ORDER] < b.cb[CB_ORDER]);
    }

    // ================================================================= configuration

    /**
     * How delay jitter is distributed. {@link #UNIFORM} spreads delays evenly over
     * {@code delay ± jitter} (Linux's default when no table is loaded); the others are tables
     * with mean 0 and standard deviation 1, so jitter is their standard deviation; like
     * iproute2's 16-bit tables they are bounded (normal to ±4 jitters, Pareto's tail to about
     * 5.5). See {@link DistTables}.
     */
    public enum Distribution {
        /** Even over [delay - jitter, delay + jitter). */
        UNIFORM(null),
        /** Gaussian; iproute2's {@code normal.dist}. */
        NORMAL(DistTables.normal()),
        /** Pareto with shape 3, standardised; iproute2's {@code pareto.dist}. */
        PARETO(DistTables.pareto()),
        /** A 1:3 blend of normal and Pareto; iproute2's {@code paretonormal.dist}. */
        PARETONORMAL(DistTables.paretoNormal());

        private final double[] table;

        Distribution(double[] table) {
            this.table = table;
        }

        /** The name tc uses. */
        public String tcName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The distribution tc calls {@code name}. */
        public static Distribution ofTcName(String name) {
            for (Distribution d : values()) {
                if (d.tcName().equals(name)) {
                    return d;
                }
            }
            throw new ErrnoException(Errno.EINVAL, "no distribution named \"" + name
                    + "\": uniform, normal, pareto or paretonormal");
        }

        /** The deviate for a uniform {@code u} in [0, 1): in [-1, 1) for uniform, else N(0,1)-like. */
        public double deviate(double u) {
            return table == null ? 2 * u - 1 : DistTables.sample(table, u);
        }
    }

    /** A loss model, as {@code loss random|state|gemodel}. */
    public sealed interface Loss {
        /** No loss. */
        Loss NONE = new None();

        /** No loss. */
        record None() implements Loss {
        }

        /**
         * Independent loss with {@code probability}, each draw optionally correlated with the
         * previous one ({@code loss random P [CORR]}).
         */
        record Random(double probability, double correlation) implements Loss {
            /** Validates. */
            public Random {
                checkProbability(probability, "loss");
                checkProbability(correlation, "loss correlation");
            }
        }

        /**
         * The Gilbert-Elliott two-state model ({@code loss gemodel p r 1-h 1-k}): GOOD→BAD with
         * {@code p}, BAD→GOOD with {@code r}; a packet is lost with {@code oneMinusH} in BAD and
         * {@code oneMinusK} in GOOD. The long-run loss with 1-h = 1 and 1-k = 0 is p/(p+r), in
         * bursts of mean length 1/r.
         */
        record GilbertElliott(double p, double r, double oneMinusH, double oneMinusK) implements Loss {
            /** Validates. */
            public GilbertElliott {
                checkProbability(p, "gemodel p");
                checkProbability(r, "gemodel r");
                checkProbability(oneMinusH, "gemodel 1-h");
                checkProbability(oneMinusK, "gemodel 1-k");
            }

            /** tc's defaults for {@code loss gemodel p}: r = 1 - p, 1-h = 100%, 1-k = 0%. */
            public static GilbertElliott of(double p) {
                return new GilbertElliott(p, 1 - p, 1, 0);
            }
        }

        /**
         * The four-state Markov model ({@code loss state p13 p31 p32 p23 p14}): states 1
         * (received, gap), 2 (received, burst), 3 (lost, burst), 4 (lost, isolated), with the
         * transition probabilities named after their states.
         */
        record FourState(double p13, double p31, double p32, double p23, double p14) implements Loss {
            /** Validates. */
            public FourState {
                checkProbability(p13, "state p13");
                checkProbability(p31, "state p31");
                checkProbability(p32, "state p32");
                checkProbability(p23, "state p23");
                checkProbability(p14, "state p14");
                if (p13 + p14 > 1 || p31 + p32 > 1) {
                    throw new ErrnoException(Errno.EINVAL, "loss state: p13 + p14 and p31 + p32 must not exceed 100%");
                }
            }

            /** tc's defaults for {@code loss state p13}: p31 = 1 - p13, p32 = 0, p23 = 1, p14 = 0. */
            public static FourState of(double p13) {
                return new FourState(p13, 1 - p13, 0, 1, 0);
            }
        }
    }

    static void checkProbability(double p, String what) {
        if (!(p >= 0 && p <= 1)) {
            throw new ErrnoException(Errno.EINVAL, what + " must be a probability in [0, 1], got " + p);
        }
    }

    /**
     * A netem configuration, as the options of {@code tc qdisc add ... netem}. Probabilities are
     * fractions in [0, 1] (0.1 is tc's "10%"); times are nanoseconds; the rate is bytes per
     * second. Defaults: limit 1000 packets, everything else off, uniform jitter, no seed (the
     * kernel's seed is used).
     *
     * @param limit                packets held at most (tc {@code limit}); beyond it, QDISC_DROP
     * @param delayNanos           added delay (tc {@code delay TIME})
     * @param jitterNanos          jitter around it (tc {@code delay TIME JITTER})
     * @param delayCorrelation     correlation between successive jitter draws
     * @param distribution         jitter distribution (tc {@code distribution})
     * @param loss                 the loss model, {@link Loss#NONE} for none
     * @param duplicate            probability of sending a packet twice
     * @param duplicateCorrelation correlation of successive duplicate draws
     * @param reorder              probability of sending a packet at once, ahead of delayed ones
     * @param reorderCorrelation   correlation of successive reorder draws
     * @param gap                  reorder only after {@code gap - 1} delayed packets; tc makes it 1
     *                             when reorder is given without it
     * @param corrupt              probability of flipping one bit
     * @param corruptCorrelation   correlation of successive corrupt draws
     * @param rateBytesPerSec      link rate (tc {@code rate}), 0 for none
     * @param packetOverhead       bytes added to each packet for the rate (may be negative)
     * @param cellSize             cell size for the rate, 0 for none (e.g. 53 for ATM)
     * @param cellOverhead         bytes added to each cell
     * @param seed                 seed of the random source, or empty for the kernel's
     */
    public record Config(int limit, long delayNanos, long jitterNanos, double delayCorrelation,
                         Distribution distribution, Loss loss, double duplicate, double duplicateCorrelation,
                         double reorder, double reorderCorrelation, int gap, double corrupt,
                         double corruptCorrelation, long rateBytesPerSec, int packetOverhead, int cellSize,
                         int cellOverhead, OptionalLong seed) {

        /** Validates as tc does, and sets gap to 1 when reordering without one, as tc does. */
        public Config {
            if (limit < 0 || delayNanos < 0 || jitterNanos < 0 || gap < 0 || rateBytesPerSec < 0 || cellSize < 0) {
                throw new ErrnoException(Errno.EINVAL, "netem: limit, delay, jitter, gap, rate and cell size must be >= 0");
            }
            if (distribution == null || loss == null || seed == null) {
                throw new ErrnoException(Errno.EINVAL, "netem: distribution, loss and seed must not be null");
            }
            checkProbability(delayCorrelation, "delay correlation");
            checkProbability(duplicate, "duplicate");
            checkProbability(duplicateCorrelation, "duplicate correlation");
            checkProbability(reorder, "reorder");
            checkProbability(reorderCorrelation, "reorder correlation");
            checkProbability(corrupt, "corrupt");
            checkProbability(corruptCorrelation, "corrupt correlation");
            if (reorder > 0) {
                if (delayNanos == 0) {
                    throw new ErrnoException(Errno.EINVAL, "reordering not possible without specifying some delay");
                }
                if (gap == 0) {
                    gap = 1;
                }
            } else if (gap > 0) {
                throw new ErrnoException(Errno.EINVAL, "gap specified without reorder probability");
            }
            if (distribution != Distribution.UNIFORM && (delayNanos == 0 || jitterNanos == 0)) {
                throw new ErrnoException(Errno.EINVAL, "distribution specified but no latency and jitter values");
            }
        }

        /** A builder with tc's defaults. */
        public static Builder builder() {
            return new Builder();
        }

        /**
         * Parses tc's words, as after {@code tc qdisc add dev DEV root netem}:
         * {@code "delay 50ms 10ms distribution normal loss 10% rate 10mbit"}. Accepts what
         * {@link #toString()} prints.
         *
         * @throws ErrnoException EINVAL on a word or value tc would refuse
         */
        public static Config parse(String text) {
            return NetemParser.parse(text);
        }

        /** The options as tc prints them: "limit 1000 delay 50ms 10ms distribution normal loss 10% ...". */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("limit ").append(limit);
            if (delayNanos > 0 || jitterNanos > 0) {
                sb.append(" delay ").append(TcUnits.formatTime(delayNanos));
                if (jitterNanos > 0) {
                    sb.append(' ').append(TcUnits.formatTime(jitterNanos));
                    appendCorrelation(sb, delayCorrelation);
                }
                if (distribution != Distribution.UNIFORM) {
                    sb.append(" distribution ").append(distribution.tcName());
                }
            }
            appendLoss(sb);
            appendProbability(sb, "duplicate", duplicate, duplicateCorrelation);
            appendProbability(sb, "reorder", reorder, reorderCorrelation);
            if (gap > 0) {
                sb.append(" gap ").append(gap);
            }
            appendProbability(sb, "corrupt", corrupt, corruptCorrelation);
            if (rateBytesPerSec > 0) {
                sb.append(" rate ").append(TcUnits.formatRate(rateBytesPerSec));
                if (packetOverhead != 0) {
                    sb.append(" packetoverhead ").append(packetOverhead);
                }
                if (cellSize != 0) {
                    sb.append(" cellsize ").append(cellSize);
                }
                if (cellOverhead != 0) {
                    sb.append(" celloverhead ").append(cellOverhead);
                }
            }
            seed.ifPresent(s -> sb.append(" seed ").append(Long.toUnsignedString(s)));
            return sb.toString();
        }

        private void appendLoss(StringBuilder sb) {
            switch (loss) {
                case Loss.None n -> {
                }
                case Loss.Random r -> {
                    if (r.probability() > 0) {
                        appendProbability(sb, "loss", r.probability(), r.correlation());
                    }
                }
                case Loss.GilbertElliott g -> sb.append(" loss gemodel p ").append(TcUnits.formatPercent(g.p()))
                        .append(" r ").append(TcUnits.formatPercent(g.r()))
                        .append(" 1-h ").append(TcUnits.formatPercent(g.oneMinusH()))
                        .append(" 1-k ").append(TcUnits.formatPercent(g.oneMinusK()));
                case Loss.FourState f -> sb.append(" loss state p13 ").append(TcUnits.formatPercent(f.p13()))
                        .append(" p31 ").append(TcUnits.formatPercent(f.p31()))
                        .append(" p32 ").append(TcUnits.formatPercent(f.p32()))
                        .append(" p23 ").append(TcUnits.formatPercent(f.p23()))
                        .append(" p14 ").append(TcUnits.formatPercent(f.p14()));
            }
        }

        private static void appendProbability(StringBuilder sb, String word, double p, double corr) {
            if (p > 0) {
                sb.append(' ').append(word).append(' ').append(TcUnits.formatPercent(p));
                appendCorrelation(sb, corr);
            }
        }

        private static void appendCorrelation(StringBuilder sb, double corr) {
            if (corr > 0) {
                sb.append(' ').append(TcUnits.formatPercent(corr));
            }
        }

        /** Builds a {@link Config}; every setter mirrors a tc-netem(8) option. */
        public static final class Builder {
            private int limit = 1000;
            private long delay;
            private long jitter;
            private double delayCorrelation;
            private Distribution distribution = Distribution.UNIFORM;
            private Loss loss = Loss.NONE;
            private double duplicate;
            private double duplicateCorrelation;
            private double reorder;
            private double reorderCorrelation;
            private int gap;
            private double corrupt;
            private double corruptCorrelation;
            private long rate;
            private int packetOverhead;
            private int cellSize;
            private int cellOverhead;
            private OptionalLong seed = OptionalLong.empty();

            private Builder() {
            }

            /** tc {@code limit PACKETS}. */
            public Builder limit(int packets) {
                this.limit = packets;
                return this;
            }

            /** tc {@code delay TIME}. */
            public Builder delay(long nanos) {
                return delay(nanos, 0, 0);
            }

            /** tc {@code delay TIME JITTER}. */
            public Builder delay(long nanos, long jitterNanos) {
                return delay(nanos, jitterNanos, 0);
            }

            /** tc {@code delay TIME JITTER CORRELATION}. */
            public Builder delay(long nanos, long jitterNanos, double correlation) {
                this.delay = nanos;
                this.jitter = jitterNanos;
                this.delayCorrelation = correlation;
                return this;
            }

            /** tc {@code distribution NAME}. */
            public Builder distribution(Distribution d) {
                this.distribution = d;
                return this;
            }

            /** tc {@code loss random PERCENT}, as a probability. */
            public Builder loss(double probability) {
                return loss(probability, 0);
            }

            /** tc {@code loss random PERCENT CORRELATION}. */
            public Builder loss(double probability, double correlation) {
                return loss(new Loss.Random(probability, correlation));
            }

            /** Any loss model. */
            public Builder loss(Loss model) {
                this.loss = model;
                return this;
            }

            /** tc {@code loss gemodel p r 1-h 1-k}. */
            public Builder lossGemodel(double p, double r, double oneMinusH, double oneMinusK) {
                return loss(new Loss.GilbertElliott(p, r, oneMinusH, oneMinusK));
            }

            /** tc {@code loss state p13 p31 p32 p23 p14}. */
            public Builder lossState(double p13, double p31, double p32, double p23, double p14) {
                return loss(new Loss.FourState(p13, p31, p32, p23, p14));
            }

            /** tc {@code duplicate PERCENT}. */
            public Builder duplicate(double probability) {
                return duplicate(probability, 0);
            }

            /** tc {@code duplicate PERCENT CORRELATION}. */
            public Builder duplicate(double probability, double correlation) {
                this.duplicate = probability;
                this.duplicateCorrelation = correlation;
                return this;
            }

            /** tc {@code reorder PERCENT}. */
            public Builder reorder(double probability) {
                return reorder(probability, 0);
            }

            /** tc {@code reorder PERCENT CORRELATION}. */
            public Builder reorder(double probability, double correlation) {
                this.reorder = probability;
                this.reorderCorrelation = correlation;
                return this;
            }

            /** tc {@code gap DISTANCE}. */
            public Builder gap(int distance) {
                this.gap = distance;
                return this;
            }

            /** tc {@code corrupt PERCENT}. */
            public Builder corrupt(double probability) {
                return corrupt(probability, 0);
            }

            /** tc {@code corrupt PERCENT CORRELATION}. */
            public Builder corrupt(double probability, double correlation) {
                this.corrupt = probability;
                this.corruptCorrelation = correlation;
                return this;
            }

            /** tc {@code rate RATE}, in bytes per second. */
            public Builder rate(long bytesPerSec) {
                return rate(bytesPerSec, 0, 0, 0);
            }

            /** tc {@code rate RATE}, in bits per second ({@code rateBits(10_000_000)} is "10mbit"). */
            public Builder rateBits(long bitsPerSec) {
                return rate(bitsPerSec / 8);
            }

            /** tc {@code rate RATE PACKETOVERHEAD CELLSIZE CELLOVERHEAD}, rate in bytes per second. */
            public Builder rate(long bytesPerSec, int packetOverhead, int cellSize, int cellOverhead) {
                this.rate = bytesPerSec;
                this.packetOverhead = packetOverhead;
                this.cellSize = cellSize;
                this.cellOverhead = cellOverhead;
                return this;
            }

            /** tc {@code seed SEED}. */
            public Builder seed(long seed) {
                this.seed = OptionalLong.of(seed);
                return this;
            }

            /** The configuration; EINVAL where tc would refuse it. */
            public Config build() {
                return new Config(limit, delay, jitter, delayCorrelation, distribution, loss, duplicate,
                        duplicateCorrelation, reorder, reorderCorrelation, gap, corrupt, corruptCorrelation,
                        rate, packetOverhead, cellSize, cellOverhead, seed);
            }
        }
    }
}
