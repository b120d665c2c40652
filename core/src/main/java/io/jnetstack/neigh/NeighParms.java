package io.jnetstack.neigh;

import io.jnetstack.core.Sysctls;

import java.util.random.RandomGenerator;

/**
 * A table's parameters, as sysctls with Linux's names, units and defaults under
 * {@code <prefix>.default.} (for ARP {@code net.ipv4.neigh.default.}). Mirrors the default
 * {@code struct neigh_parms} of a table plus the table-wide {@code gc_*} settings, and the
 * randomised {@code reachable_time}.
 *
 * <p>Units are those {@code /proc/sys} shows: {@code base_reachable_time},
 * {@code delay_first_probe_time}, {@code gc_stale_time}, {@code gc_interval} in seconds;
 * {@code retrans_time} and {@code locktime} in USER_HZ ticks (1/100 s, so 100 is one second);
 * {@code *_ms} in milliseconds; {@code unres_qlen_bytes} in bytes of truesize.
 *
 * <p>Linux shows some settings twice: {@code base_reachable_time} and
 * {@code base_reachable_time_ms}, {@code retrans_time} and {@code retrans_time_ms},
 * {@code unres_qlen} and {@code unres_qlen_bytes} (packets of {@link #SKB_TRUESIZE_ETH_FRAME}
 * bytes). Here each twin is its own sysctl entry; whichever was written last wins, and the other
 * is rewritten to match the next time the table reads the setting.
 *
 * <p>Per-device parameters ({@code net.ipv4.neigh.veth0.*}) are not implemented: every device
 * uses the defaults.
 */
final class NeighParms {
    /**
     * {@code SKB_TRUESIZE(ETH_FRAME_LEN)} on x86-64 Linux (1514 + 256 + 320): the packet size by
     * which {@code unres_qlen} converts to and from {@code unres_qlen_bytes}.
     */
    static final long SKB_TRUESIZE_ETH_FRAME = 2090;
    /** Default {@code unres_qlen_bytes}: {@code SK_WMEM_MAX}. */
    static final long UNRES_QLEN_BYTES_DEFAULT = 212_992;
    /** Shortest timer step, {@code HZ/100}: 10 ms. */
    static final long MIN_STEP = 10_000_000L;
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final long USER_HZ_TICK = 10 * MS;
    private static final long INT_MAX = Integer.MAX_VALUE;

    /** A setting shown in two units; the entry written last wins. */
    private static final class Twin {
        private final Sysctls sysctls;
        private final Sysctls.Entry fine;
        private final Sysctls.Entry coarse;
        private final long ratio;
        private long fineSeen;
        private long coarseSeen;

        Twin(Sysctls sysctls, Sysctls.Entry fine, Sysctls.Entry coarse, long ratio) {
            this.sysctls = sysctls;
            this.fine = fine;
            this.coarse = coarse;
            this.ratio = ratio;
            this.fineSeen = fine.get();
            this.coarseSeen = coarse.get();
        }

        /** The value in the fine unit, reconciling the twins first. */
        long get() {
            long f = fine.get();
            long c = coarse.get();
            if (f != fineSeen) {
                fineSeen = f;
                coarseSeen = f / ratio;
                sysctls.set(coarse.name(), Long.toString(coarseSeen));
            } else if (c != coarseSeen) {
                coarseSeen = c;
                fineSeen = Math.min(c * ratio, INT_MAX);
                sysctls.set(fine.name(), Long.toString(fineSeen));
            }
            return fineSeen;
        }
    }

    private final RandomGenerator random;
    private final Twin baseReachableMs;
    private final Twin retransMs;
    private final Twin unresQlenBytes;
    private final Sysctls.Entry delayFirstProbe;
    private final Sysctls.Entry gcStaleTime;
    private final Sysctls.Entry ucastSolicit;
    private final Sysctls.Entry mcastSolicit;
    private final Sysctls.Entry appSolicit;
    private final Sysctls.Entry mcastResolicit;
    private final Sysctls.Entry locktime;
    private final Sysctls.Entry gcThresh1;
    private final Sysctls.Entry gcThresh2;
    private final Sysctls.Entry gcThresh3;
    private long reachableTime;
    private long reachableBaseMs;

    /** Registers the settings in {@code sysctls} under {@code prefix + ".default."}. */
    NeighParms(Sysctls sysctls, String prefix, RandomGenerator random) {
        this.random = random;
        String p = prefix + ".default.";
        baseReachableMs = new Twin(sysctls, sysctls.register(p + "base_reachable_time_ms", 0, INT_MAX, 30_000),
                sysctls.register(p + "base_reachable_time", 0, INT_MAX / 1000, 30), 1000);
        retransMs = new Twin(sysctls, sysctls.register(p + "retrans_time_ms", 0, INT_MAX, 1000),
                sysctls.register(p + "retrans_time", 0, INT_MAX / 10, 100), 10);
        unresQlenBytes = new Twin(sysctls, sysctls.register(p + "unres_qlen_bytes", 0, INT_MAX, UNRES_QLEN_BYTES_DEFAULT),
                sysctls.register(p + "unres_qlen", 0, INT_MAX / SKB_TRUESIZE_ETH_FRAME,
                        UNRES_QLEN_BYTES_DEFAULT / SKB_TRUESIZE_ETH_FRAME), SKB_TRUESIZE_ETH_FRAME);
        delayFirstProbe = sysctls.register(p + "delay_first_probe_time", 0, INT_MAX / 1000, 5);
        gcStaleTime = sysctls.register(p + "gc_stale_time", 0, INT_MAX / 1000, 60);
        ucastSolicit = sysctls.register(p + "ucast_solicit", 0, INT_MAX, 3);
        mcastSolicit = sysctls.register(p + "mcast_solicit", 0, INT_MAX, 3);
        appSolicit = sysctls.register(p + "app_solicit", 0, INT_MAX, 0);
        mcastResolicit = sysctls.register(p + "mcast_resolicit", 0, INT_MAX, 0);
        locktime = sysctls.register(p + "locktime", 0, INT_MAX / 10, 100);
        // Shown and settable as in Linux, where the periodic collector no longer reads it: it
        // runs every base_reachable_time/2 instead.
        sysctls.register(p + "gc_interval", 0, INT_MAX / 1000, 30);
        gcThresh1 = sysctls.register(p + "gc_thresh1", 0, INT_MAX, 128);
        gcThresh2 = sysctls.register(p + "gc_thresh2", 0, INT_MAX, 512);
        gcThresh3 = sysctls.register(p + "gc_thresh3", 0, INT_MAX, 1024);
        reachableBaseMs = baseReachableMs.get();
        reachableTime = randomReachableTime();
    }

    /** {@code BASE_REACHABLE_TIME} in nanoseconds. */
    long baseReachableTime() {
        return baseReachableMs.get() * MS;
    }

    /**
     * The entry's reachable time: random in [base/2, 3·base/2), re-drawn when the base changes
     * and by {@link #rerandomise}. Mirrors {@code neigh_parms.reachable_time}.
     */
    long reachableTime() {
        long base = baseReachableMs.get();
        if (base != reachableBaseMs) {
            // as neigh_proc_base_reachable_time(): a new base takes effect at once
            reachableBaseMs = base;
            reachableTime = randomReachableTime();
        }
        return reachableTime;
    }

    /** Draws a new reachable time, as {@code neigh_periodic_work} does every 300 s. */
    void rerandomise() {
        reachableBaseMs = baseReachableMs.get();
        reachableTime = randomReachableTime();
    }

    /** Mirrors {@code neigh_rand_reach_time()}: uniform in [base/2, 3·base/2), 0 for a zero base. */
    private long randomReachableTime() {
        long base = reachableBaseMs * MS;
        return base == 0 ? 0 : random.nextLong(base) + (base >> 1);
    }

    /** {@code RETRANS_TIME}, never below {@code HZ/100}, in nanoseconds. */
    long retransTime() {
        return Math.max(retransMs.get() * MS, MIN_STEP);
    }

    /** {@code DELAY_PROBE_TIME} in nanoseconds. */
    long delayProbeTime() {
        return delayFirstProbe.get() * S;
    }

    /** {@code GC_STALETIME} in nanoseconds. */
    long gcStaleTime() {
        return gcStaleTime.get() * S;
    }

    /** {@code LOCKTIME} in nanoseconds. */
    long locktime() {
        return locktime.get() * USER_HZ_TICK;
    }

    /** {@code QUEUE_LEN_BYTES}. */
    long queueLenBytes() {
        return unresQlenBytes.get();
    }

    int ucastProbes() {
        return ucastSolicit.getInt();
    }

    int mcastProbes() {
        return mcastSolicit.getInt();
    }

    int appProbes() {
        return appSolicit.getInt();
    }

    int mcastReprobes() {
        return mcastResolicit.getInt();
    }

    int gcThresh1() {
        return gcThresh1.getInt();
    }

    int gcThresh2() {
        return gcThresh2.getInt();
    }

    int gcThresh3() {
        return gcThresh3.getInt();
    }
}
