package io.jnetstack.core.sched;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Qdisc;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * netem's emulation measured end to end: frames cross a veth pair between two namespaces in
 * virtual time, and the receiver's record is compared with the configuration. Every run is seeded,
 * so each figure is reproducible; the tolerances are several standard deviations of the sampling
 * error wide, yet narrow enough that a wrong model fails.
 */
class NetemTest {
    private static final long MS = 1_000_000L;
    private static final long US = 1_000L;

    private static Netem netem(Netem.Config.Builder b) {
        return new Netem(b.build());
    }

    /** Everything drained, every buffer back in the pool, counters consistent with the receiver. */
    private static void assertSettled(VethRig r, Netem q) {
        r.drain();
        assertEquals(0, q.qlen(), "queue drained");
        assertEquals(0, q.backlog(), "backlog drained");
        assertEquals(0, r.k.skbs().inUse(), "no buffer leaked");
        // A frame whose EtherType was corrupted is dropped by the receiver as unhandled.
        long unhandled = r.b.drops(DropReason.UNHANDLED_PROTO);
        assertEquals(r.count + unhandled, q.stats().packets, "every packet netem sent arrived");
        assertEquals(r.frameBytes + unhandled * r.lastFrameLen, q.stats().bytes, "bytes sent by netem = bytes received");
        assertEquals(r.a.drops(DropReason.QDISC_NETEM_LOSS) + r.a.drops(DropReason.QDISC_DROP), q.stats().drops,
                "qdisc drops = emulated losses + limit drops");
    }

    @Test
    void randomLossOfTenPercent() {
        int n = 100_000;
        Netem q = netem(Netem.Config.builder().loss(0.10));
        VethRig r = new VethRig(1, q);
        for (int i = 0; i < n; i++) {
            assertEquals(Qdisc.NET_XMIT_SUCCESS, r.send(i, 100), "a lost packet still reports success");
        }
        assertSettled(r, q);
        long lost = n - r.count;
        double lossRate = (double) lost / n;
        System.out.printf("netem loss 10%%: %d of %d lost = %.4f%n", lost, n, lossRate);
        assertTrue(lossRate >= 0.09 && lossRate <= 0.11, "loss " + lossRate);
        assertEquals(lost, q.stats().drops, "qdisc drops = frames lost");
        assertEquals(lost, r.a.drops(DropReason.QDISC_NETEM_LOSS));
        assertEquals(n - lost, r.count);
    }

    private static double[] latencyMeanSd(VethRig r) {
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < r.count; i++) {
            double ms = r.latency(i) / (double) MS;
            sum += ms;
            sq += ms * ms;
        }
        double mean = sum / r.count;
        return new double[] {mean, Math.sqrt(sq / r.count - mean * mean)};
    }

    private static VethRig runDelay(Netem.Distribution dist, int n) {
        Netem q = netem(Netem.Config.builder().delay(50 * MS, 10 * MS).distribution(dist));
        VethRig r = new VethRig(2, q);
        for (int i = 0; i < n; i++) {
            r.send(i, 100);
            r.k.runFor(MS);
        }
        assertSettled(r, q);
        assertEquals(n, r.count);
        return r;
    }

    @Test
    void normalDelayHasConfiguredMeanAndDeviation() {
        VethRig r = runDelay(Netem.Distribution.NORMAL, 20_000);
        double[] ms = latencyMeanSd(r);
        System.out.printf("netem delay 50ms 10ms normal: mean %.3f ms sd %.3f ms%n", ms[0], ms[1]);
        assertEquals(50.0, ms[0], 1.0, "mean");
        assertEquals(10.0, ms[1], 0.5, "standard deviation");
        for (int i = 0; i < r.count; i++) {
            assertTrue(Math.abs(r.latency(i) - 50 * MS) <= 45 * MS, "bounded like tc's tables");
        }
    }

    @Test
    void uniformDelayHasConfiguredMeanAndSpread() {
        VethRig r = runDelay(Netem.Distribution.UNIFORM, 20_000);
        double[] ms = latencyMeanSd(r);
        double expectedSd = 10.0 / Math.sqrt(3);
        System.out.printf("netem delay 50ms 10ms uniform: mean %.3f ms sd %.3f ms (expected %.3f)%n", ms[0], ms[1], expectedSd);
        assertEquals(50.0, ms[0], 1.0, "mean");
        assertEquals(expectedSd, ms[1], expectedSd * 0.05, "standard deviation");
        for (int i = 0; i < r.count; i++) {
            assertTrue(r.latency(i) >= 40 * MS && r.latency(i) <= 60 * MS, "within delay ± jitter");
        }
    }

    @Test
    void paretoDelaysAreSkewedWithConfiguredMeanAndDeviation() {
        for (Netem.Distribution d : new Netem.Distribution[] {Netem.Distribution.PARETO, Netem.Distribution.PARETONORMAL}) {
            VethRig r = runDelay(d, 20_000);
            double[] ms = latencyMeanSd(r);
            long[] lat = new long[r.count];
            for (int i = 0; i < r.count; i++) {
                lat[i] = r.latency(i);
            }
            Arrays.sort(lat);
            double median = lat[lat.length / 2] / (double) MS;
            System.out.printf("netem delay 50ms 10ms %s: mean %.3f ms sd %.3f ms median %.3f ms%n", d.tcName(), ms[0], ms[1], median);
            assertEquals(50.0, ms[0], 1.0, d + " mean");
            assertEquals(10.0, ms[1], 1.0, d + " standard deviation");
            assertTrue(median < ms[0] - 1, d + " is right-skewed: median below mean");
        }
    }

    /** Lag-one autocorrelation of the latencies, in send order. */
    private static double latencyAutocorrelation(VethRig r, int n) {
        double[] lat = new double[n];
        for (int i = 0; i < r.count; i++) {
            lat[r.seq[i]] = r.latency(i);
        }
        double mean = Arrays.stream(lat).average().orElse(0);
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            den += (lat[i] - mean) * (lat[i] - mean);
            if (i > 0) {
                num += (lat[i] - mean) * (lat[i - 1] - mean);
            }
        }
        return num / den;
    }

    /** delay 50ms 10ms 50%: each jitter draw leans on the previous one, as get_crandom() makes it. */
    @Test
    void delayCorrelationMakesSuccessiveDelaysAlike() {
        int n = 20_000;
        double[] rho = new double[2];
        for (int c = 0; c < 2; c++) {
            Netem q = netem(Netem.Config.builder().delay(50 * MS, 10 * MS, c * 0.5).distribution(Netem.Distribution.NORMAL));
            VethRig r = new VethRig(13, q);
            for (int i = 0; i < n; i++) {
                r.send(i, 100);
                r.k.runFor(MS);
            }
            assertSettled(r, q);
            rho[c] = latencyAutocorrelation(r, n);
        }
        System.out.printf("netem delay correlation 0%% / 50%%: lag-1 autocorrelation %.3f / %.3f%n", rho[0], rho[1]);
        assertEquals(0, rho[0], 0.05);
        assertTrue(rho[1] > 0.4, "correlated delays");
    }

    @Test
    void duplicateFivePercent() {
        int n = 100_000;
        Netem q = netem(Netem.Config.builder().duplicate(0.05));
        VethRig r = new VethRig(3, q);
        for (int i = 0; i < n; i++) {
            r.send(i, 100);
        }
        assertSettled(r, q);
        boolean[] got = r.arrived(n);
        for (int i = 0; i < n; i++) {
            assertTrue(got[i], "every frame arrives at least once");
        }
        int[] copies = new int[n];
        for (int i = 0; i < r.count; i++) {
            copies[r.seq[i]]++;
        }
        int dups = r.count - n;
        double rate = (double) dups / n;
        System.out.printf("netem duplicate 5%%: %d duplicates of %d = %.4f%n", dups, n, rate);
        assertEquals(0.05, rate, 0.01);
        assertTrue(Arrays.stream(copies).allMatch(c -> c == 1 || c == 2), "a duplicate is never duplicated again");
        assertEquals(0, r.damaged());
    }

    @Test
    void corruptFivePercent() {
        int n = 100_000;
        Netem q = netem(Netem.Config.builder().corrupt(0.05));
        VethRig r = new VethRig(4, q);
        for (int i = 0; i < n; i++) {
            r.send(i, 128);
        }
        assertSettled(r, q);
        // A flipped EtherType bit makes the frame unhandled at the receiver: corrupted too.
        long unhandled = r.b.drops(DropReason.UNHANDLED_PROTO);
        long corrupted = r.damaged() + unhandled;
        assertEquals(n, r.count + unhandled, "corruption loses nothing else");
        double rate = (double) corrupted / n;
        System.out.printf("netem corrupt 5%%: %d corrupted of %d = %.4f (%d unhandled after an EtherType hit)%n",
                corrupted, n, rate, unhandled);
        assertEquals(0.05, rate, 0.01);
    }

    /**
     * reorder 25% (gap 1, tc's default) with delay 10 ms: a quarter of the frames leave at once,
     * ahead of the delayed ones. Frames are spaced 6 ms, so an immediate frame overtakes exactly
     * its predecessor when that one was delayed: the sequence goes backwards there.
     */
    @Test
    void reorderTwentyFivePercent() {
        int n = 100_000;
        Netem q = netem(Netem.Config.builder().delay(10 * MS).reorder(0.25));
        assertEquals(1, q.config().gap(), "tc sets gap 1 when reorder is given alone");
        VethRig r = new VethRig(5, q);
        for (int i = 0; i < n; i++) {
            r.send(i, 100);
            r.k.runFor(6 * MS);
        }
        assertSettled(r, q);
        assertEquals(n, r.count);
        boolean[] immediate = new boolean[n];
        int immediates = 0;
        for (int i = 0; i < r.count; i++) {
            long lat = r.latency(i);
            assertTrue(lat == 0 || lat == 10 * MS, "either sent at once or delayed exactly");
            if (lat == 0) {
                immediate[r.seq[i]] = true;
                immediates++;
            }
        }
        int backwards = 0;
        int maxSeen = -1;
        for (int i = 0; i < r.count; i++) {
            if (r.seq[i] < maxSeen) {
                backwards++;
            }
            maxSeen = Math.max(maxSeen, r.seq[i]);
        }
        int overtakes = 0;
        int delayedWithSuccessor = 0;
        for (int s = 0; s + 1 < n; s++) {
            if (!immediate[s]) {
                delayedWithSuccessor++;
                if (immediate[s + 1]) {
                    overtakes++;
                }
            }
        }
        double rate = (double) immediates / n;
        double backwardsRate = (double) backwards / delayedWithSuccessor;
        System.out.printf("netem reorder 25%%: %.4f sent ahead; sequence went backwards %d times = %.4f of delayed frames%n",
                rate, backwards, backwardsRate);
        assertEquals(0.25, rate, 0.01);
        assertEquals(overtakes, backwards, "each backwards step is a delayed frame overtaken by its successor");
        assertEquals(0.25, backwardsRate, 0.01);
        assertEquals(immediates, q.stats().requeues, "Linux counts reordered packets as requeues");
    }

    /**
     * reorder 25% gap 5: after four delayed frames each frame leaves at once with probability
     * 25%, which restarts the count; so one frame in 4 + 1/0.25 = 8 is sent ahead.
     */
    @Test
    void reorderWithGapFive() {
        int n = 100_000;
        Netem q = netem(Netem.Config.builder().delay(10 * MS).reorder(0.25).gap(5));
        VethRig r = new VethRig(6, q);
        for (int i = 0; i < n; i++) {
            r.send(i, 100);
            r.k.runFor(MS);
        }
        assertSettled(r, q);
        boolean[] immediate = new boolean[n];
        int immediates = 0;
        for (int i = 0; i < r.count; i++) {
            if (r.latency(i) == 0) {
                immediate[r.seq[i]] = true;
                immediates++;
            }
        }
        int last = -1;
        int minRun = Integer.MAX_VALUE;
        for (int s = 0; s < n; s++) {
            if (immediate[s]) {
                minRun = Math.min(minRun, s - last - 1);
                last = s;
            }
        }
        double rate = (double) immediates / n;
        System.out.printf("netem reorder 25%% gap 5: %.4f sent ahead (expected 0.125), shortest delayed run %d%n", rate, minRun);
        assertEquals(0.125, rate, 0.01);
        assertEquals(4, minRun, "at least gap - 1 delayed frames between two sent ahead");
    }

    /** Lengths of the runs of consecutive missing sequence numbers. */
    private static double[] lossAndMeanBurst(VethRig r, int n) {
        boolean[] got = r.arrived(n);
        long lost = 0;
        long bursts = 0;
        for (int s = 0; s < n; s++) {
            if (!got[s]) {
                lost++;
                if (s == 0 || got[s - 1]) {
                    bursts++;
                }
            }
        }
        return new double[] {(double) lost / n, (double) lost / bursts};
    }

    @Test
    void gilbertElliottLossComesInBursts() {
        int n = 500_000;
        double p = 0.01;
        double rr = 0.10;
        Netem q = netem(Netem.Config.builder().lossGemodel(p, rr, 1.0, 0.0));
        VethRig r = new VethRig(7, q);
        for (int i = 0; i < n; i++) {
            r.send(i, 100);
        }
        assertSettled(r, q);
        double[] lb = lossAndMeanBurst(r, n);
        System.out.printf("netem loss gemodel 1%% 10%% 100%% 0%%: loss %.4f (expected %.4f), mean burst %.3f (expected %.1f)%n",
                lb[0], p / (p + rr), lb[1], 1 / rr);
        assertEquals(p / (p + rr), lb[0], 0.01);
        assertEquals(1 / rr, lb[1], 0.1 / rr);
    }

    @Test
    void fourStateLossMatchesItsStationaryDistribution() {
        int n = 500_000;
        // loss state 5% 50%: good->burst 5%, burst->good 50%, p32 = 0, p23 = 1, p14 = 0 (tc's defaults)
        Netem q = netem(Netem.Config.builder().lossState(0.05, 0.5, 0, 1, 0));
        VethRig r = new VethRig(8, q);
        for (int i = 0; i < n; i++) {
            r.send(i, 100);
        }
        assertSettled(r, q);
        double[] lb = lossAndMeanBurst(r, n);
        double expected = 0.05 / (0.05 + 0.5);
        System.out.printf("netem loss state 5%% 50%%: loss %.4f (expected %.4f), mean burst %.3f (expected 2)%n", lb[0], expected, lb[1]);
        assertEquals(expected, lb[0], 0.01);
        assertEquals(2.0, lb[1], 0.2);
    }

    @Test
    void rateSerialisesFramesBackToBack() {
        int n = 10_000;
        Netem q = netem(Netem.Config.builder().rateBits(10_000_000).limit(n));
        VethRig r = new VethRig(9, q);
        long start = r.k.clock().nanos();
        for (int i = 0; i < n; i++) {
            r.send(i, 1000);
        }
        assertSettled(r, q);
        double took = (r.receivedAt[r.count - 1] - start) / 1e9;
        double expected = n * 1000 * 8 / 10e6;
        System.out.printf("netem rate 10mbit: %d frames of 1000 B took %.6f s (expected %.6f s)%n", n, took, expected);
        assertEquals(expected, took, expected * 0.01);
        for (int i = 0; i < r.count; i++) {
            assertEquals(i, r.seq[i], "a rate keeps order");
            assertEquals(start + (i + 1) * 800 * US, r.receivedAt[i], "each frame takes 800 us at 10 Mbit/s");
        }
    }

    @Test
    void rateAddsToDelayWithoutCountingItTwice() {
        Netem q = netem(Netem.Config.builder().delay(10 * MS).rateBits(10_000_000));
        VethRig r = new VethRig(10, q);
        for (int i = 0; i < 100; i++) {
            r.send(i, 1000);
        }
        assertSettled(r, q);
        for (int i = 0; i < r.count; i++) {
            assertEquals(10 * MS + (i + 1) * 800 * US, r.receivedAt[i]);
        }
    }

    @Test
    void limitDropsBeyondItWithQdiscDrop() {
        Netem q = netem(Netem.Config.builder().delay(100 * MS).limit(10));
        VethRig r = new VethRig(11, q);
        int dropped = 0;
        for (int i = 0; i < 15; i++) {
            if (r.send(i, 100) == Qdisc.NET_XMIT_DROP) {
                dropped++;
            }
        }
        assertEquals(5, dropped);
        assertEquals(10, q.qlen());
        assertEquals(5, q.stats().drops);
        assertEquals(5, r.a.drops(DropReason.QDISC_DROP));
        assertTrue(q.format().contains("qdisc netem root dev veth0 limit 10 delay 100ms"), q.format());
        assertSettled(r, q);
        assertEquals(10, r.count);
    }

    private static long[] chaosRun(long kernelSeed, Netem.Config cfg, int n) {
        Netem q = new Netem(cfg);
        VethRig r = new VethRig(kernelSeed, q);
        for (int i = 0; i < n; i++) {
            r.send(i, 200);
            r.k.runFor(2 * MS);
        }
        assertSettled(r, q);
        return r.trace();
    }

    @Test
    void sameSeedSameRunDifferentSeedDifferentRun() {
        Netem.Config cfg = Netem.Config.parse(
                "delay 20ms 5ms distribution normal loss 5% duplicate 2% reorder 10% corrupt 1%");
        long[] first = chaosRun(42, cfg, 5_000);
        long[] again = chaosRun(42, cfg, 5_000);
        long[] other = chaosRun(43, cfg, 5_000);
        assertArrayEquals(first, again, "same kernel seed, same (seq, time) sequence");
        assertFalse(Arrays.equals(first, other), "another kernel seed gives another run");

        Netem.Config seeded = Netem.Config.parse("delay 20ms 5ms loss 5% seed 7");
        assertArrayEquals(chaosRun(1, seeded, 2_000), chaosRun(2, seeded, 2_000),
                "netem's own seed makes the run independent of the kernel's");
    }

    @Test
    void resetAndReplacementFreeEverything() {
        Netem q = netem(Netem.Config.builder().delay(50 * MS, 10 * MS).duplicate(0.5));
        VethRig r = new VethRig(12, q);
        for (int i = 0; i < 500; i++) {
            r.send(i, 100);
        }
        assertTrue(q.qlen() > 500, "duplicates queued too");
        r.tx.setQdisc(null);
        assertEquals(0, r.k.skbs().inUse(), "replacing the qdisc frees what it held");
        r.drain();
        assertEquals(0, r.count);
    }
}
