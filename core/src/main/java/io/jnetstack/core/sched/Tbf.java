package io.jnetstack.core.sched;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Qdisc;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.SkbQueue;

/**
 * The token bucket filter: shapes a device's output to a rate, letting bursts of up to
 * {@code burst} bytes through at once, optionally capped by a second, smaller bucket at a peak
 * rate. Mirrors {@code net/sched/sch_tbf.c} as configured by
 * {@code tc qdisc add dev DEV root tbf rate R burst B (limit L | latency T) [peakrate P mtu M]}
 * (tc-tbf(8)).
 *
 * <p>Tokens are counted in time, as Linux does: the bucket holds at most the time the rate needs
 * to send {@code burst} bytes, and a packet of {@code len} bytes costs {@code len / rate}
 * seconds of tokens. Tokens accrue with the clock since the last packet left. The head packet
 * leaves when both buckets cover it; otherwise the qdisc counts an overlimit and arms the
 * watchdog for the moment they will. Packets wait in a byte-limited FIFO (Linux's inner bfifo);
 * a packet larger than the bucket can ever hold is dropped at enqueue (Linux would segment a GSO
 * packet instead; GSO packets are dropped too here).
 */
public final class Tbf extends Qdisc {
    private final Config cfg;
    private final SkbQueue q = new SkbQueue();
    /** Bucket depth in nanoseconds of the rate ({@code q->buffer}). */
    private final long bufferNs;
    /** Peak bucket depth in nanoseconds of the peak rate ({@code q->mtu}), 0 without a peak rate. */
    private final long mtuNs;
    /** Largest packet that can ever pass ({@code q->max_size}). */
    private final long maxSize;
    private long tokens;
    private long ptokens;
    private long checkpoint;

    /** A tbf with this configuration. */
    public Tbf(Config cfg) {
        if (cfg == null) {
            throw new ErrnoException(Errno.EINVAL, "tbf needs a configuration");
        }
        this.cfg = cfg;
        this.bufferNs = lengthToTime(cfg.burstBytes(), cfg.rateBytesPerSec());
        this.mtuNs = cfg.peakrateBytesPerSec() > 0 ? lengthToTime(cfg.mtuBytes(), cfg.peakrateBytesPerSec()) : 0;
        this.maxSize = cfg.peakrateBytesPerSec() > 0 ? Math.min(cfg.burstBytes(), cfg.mtuBytes()) : cfg.burstBytes();
    }

    /** The configuration. */
    public Config config() {
        return cfg;
    }

    @Override
    public String kind() {
        return "tbf";
    }

    @Override
    public String params() {
        return cfg.toString();
    }

    /** Starts with full buckets. Mirrors {@code tbf_change()}'s reset of the token state. */
    @Override
    protected void onAttach() {
        tokens = bufferNs;
        ptokens = mtuNs;
        checkpoint = now();
    }

    /** Mirrors {@code tbf_enqueue()} with its inner {@code bfifo_enqueue()}. */
    @Override
    protected int doEnqueue(SkBuff skb) {
        int len = skb.len();
        if (len > maxSize || q.bytes() + len > cfg.limitBytes()) {
            drop(skb, DropReason.QDISC_DROP);
            return NET_XMIT_DROP;
        }
        q.addLast(skb);
        return NET_XMIT_SUCCESS;
    }

    /** Mirrors {@code tbf_dequeue()}. */
    @Override
    protected SkBuff doDequeue() {
        SkBuff skb = q.peek();
        if (skb == null) {
            return null;
        }
        long now = now();
        long len = skb.len();
        long elapsed = Math.min(now - checkpoint, bufferNs);
        long ptoks = 0;
        if (mtuNs > 0) {
            ptoks = Math.min(elapsed + ptokens, mtuNs) - lengthToTime(len, cfg.peakrateBytesPerSec());
        }
        long toks = Math.min(elapsed + tokens, bufferNs) - lengthToTime(len, cfg.rateBytesPerSec());
        if ((toks | ptoks) >= 0) {
            q.poll();
            checkpoint = now;
            tokens = toks;
            ptokens = ptoks;
            return skb;
        }
        watchdog(now + Math.max(-toks, -ptoks));
        overlimit();
        return null;
    }

    @Override
    protected int doQlen() {
        return q.size();
    }

    @Override
    protected long doBacklog() {
        return q.bytes();
    }

    /** Mirrors {@code tbf_reset()}: empties the queue and refills the buckets. */
    @Override
    protected void doReset() {
        q.purge();
        if (kernel != null) {
            onAttach();
        }
    }

    /** Nanoseconds to send {@code len} bytes at {@code rate} bytes/s. Mirrors {@code psched_l2t_ns()}. */
    static long lengthToTime(long len, long rate) {
        long ns = len * TcUnits.NS_PER_S;
        if (Math.multiplyHigh(len, TcUnits.NS_PER_S) != 0 || ns < 0) {
            return Long.MAX_VALUE / 4;
        }
        return ns / rate;
    }

    /**
     * A tbf configuration, as the options of {@code tc qdisc add ... tbf}: rates in bytes per
     * second, sizes in bytes.
     *
     * @param rateBytesPerSec     the long-run rate (tc {@code rate})
     * @param burstBytes          bucket size (tc {@code burst}, {@code buffer}, {@code maxburst})
     * @param limitBytes          bytes that may wait for tokens (tc {@code limit}, or derived from
     *                            {@code latency})
     * @param peakrateBytesPerSec peak rate (tc {@code peakrate}), 0 for none
     * @param mtuBytes            peak bucket size (tc {@code mtu} or {@code minburst}), with a peak rate
     */
    public record Config(long rateBytesPerSec, long burstBytes, long limitBytes, long peakrateBytesPerSec,
                         long mtuBytes) {

        /** Validates as tc and the kernel do. */
        public Config {
            if (rateBytesPerSec <= 0 || burstBytes <= 0) {
                throw new ErrnoException(Errno.EINVAL, "tbf: both \"rate\" and \"burst\" are required and must be > 0");
            }
            if (limitBytes <= 0) {
                throw new ErrnoException(Errno.EINVAL, "tbf: either \"limit\" or \"latency\" is required");
            }
            if (peakrateBytesPerSec < 0 || mtuBytes < 0) {
                throw new ErrnoException(Errno.EINVAL, "tbf: peakrate and mtu must be >= 0");
            }
            if (peakrateBytesPerSec > 0) {
                if (mtuBytes == 0) {
                    throw new ErrnoException(Errno.EINVAL, "tbf: \"mtu\" is required with \"peakrate\"");
                }
                if (peakrateBytesPerSec <= rateBytesPerSec) {
                    throw new ErrnoException(Errno.EINVAL, "tbf: peakrate " + peakrateBytesPerSec
                            + " B/s must exceed rate " + rateBytesPerSec + " B/s");
                }
            }
        }

        /** A builder. */
        public static Builder builder() {
            return new Builder();
        }

        /**
         * Parses tc's words: {@code "rate 1mbit burst 10kb latency 50ms [peakrate 2mbit mtu 1500]"}
         * or with {@code limit BYTES}. Accepts what {@link #toString()} prints.
         */
        public static Config parse(String text) {
            String t = text.strip();
            String[] w = t.isEmpty() ? new String[0] : t.split("\\s+");
            Builder b = builder();
            int i = w.length > 0 && w[0].equals("tbf") ? 1 : 0;
            while (i < w.length) {
                String key = w[i++];
                if (i >= w.length) {
                    throw new ErrnoException(Errno.EINVAL, "\"" + key + "\" needs a value");
                }
                String v = w[i++];
                switch (key) {
                    case "rate" -> b.rate(TcUnits.parseRate(v));
                    case "burst", "buffer", "maxburst" -> b.burst(TcUnits.parseSize(v));
                    case "limit" -> b.limit(TcUnits.parseSize(v));
                    case "latency", "lat" -> b.latency(TcUnits.parseTime(v));
                    case "peakrate" -> b.peakrate(TcUnits.parseRate(v));
                    case "mtu", "minburst" -> b.mtu(TcUnits.parseSize(v));
                    default -> throw new ErrnoException(Errno.EINVAL, "What is \"" + key + "\"? (tbf option)");
                }
            }
            return b.build();
        }

        /** The options as tc prints them: "rate 1Mbit burst 10Kb limit 16490b". */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("rate ").append(TcUnits.formatRate(rateBytesPerSec))
                    .append(" burst ").append(TcUnits.formatSize(burstBytes));
            if (peakrateBytesPerSec > 0) {
                sb.append(" peakrate ").append(TcUnits.formatRate(peakrateBytesPerSec))
                        .append(" minburst ").append(TcUnits.formatSize(mtuBytes));
            }
            return sb.append(" limit ").append(TcUnits.formatSize(limitBytes)).toString();
        }

        /** Builds a {@link Config}; each setter mirrors a tc-tbf(8) option. */
        public static final class Builder {
            private long rate;
            private long burst;
            private long limit;
            private long latency = -1;
            private long peakrate;
            private long mtu;

            private Builder() {
            }

            /** tc {@code rate}, bytes per second. */
            public Builder rate(long bytesPerSec) {
                this.rate = bytesPerSec;
                return this;
            }

            /** tc {@code rate}, bits per second. */
            public Builder rateBits(long bitsPerSec) {
                return rate(bitsPerSec / 8);
            }

            /** tc {@code burst}, bytes. */
            public Builder burst(long bytes) {
                this.burst = bytes;
                return this;
            }

            /** tc {@code limit}, bytes; replaces a latency. */
            public Builder limit(long bytes) {
                this.limit = bytes;
                this.latency = -1;
                return this;
            }

            /**
             * tc {@code latency}: the limit becomes what the rate sends in that time plus the
             * burst (and, with a peak rate, no more than the peak rate sends in that time plus
             * the mtu), as tc computes it.
             */
            public Builder latency(long nanos) {
                this.latency = nanos;
                this.limit = 0;
                return this;
            }

            /** tc {@code peakrate}, bytes per second. */
            public Builder peakrate(long bytesPerSec) {
                this.peakrate = bytesPerSec;
                return this;
            }

            /** tc {@code peakrate}, bits per second. */
            public Builder peakrateBits(long bitsPerSec) {
                return peakrate(bitsPerSec / 8);
            }

            /** tc {@code mtu} / {@code minburst}, bytes. */
            public Builder mtu(long bytes) {
                this.mtu = bytes;
                return this;
            }

            /** The configuration; EINVAL where tc would refuse it. */
            public Config build() {
                long lim = limit;
                if (latency >= 0) {
                    lim = (long) ((double) rate * latency / TcUnits.NS_PER_S) + burst;
                    if (peakrate > 0) {
                        long lim2 = (long) ((double) peakrate * latency / TcUnits.NS_PER_S) + mtu;
                        lim = Math.min(lim, lim2);
                    }
                }
                return new Config(rate, burst, lim, peakrate, mtu);
            }
        }
    }
}
