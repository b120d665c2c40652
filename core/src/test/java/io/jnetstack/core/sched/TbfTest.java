package io.jnetstack.core.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Qdisc;

import org.junit.jupiter.api.Test;

/** The token bucket filter shaping a veth pair in virtual time. */
class TbfTest {
    private static final long MS = 1_000_000L;
    private static final long US = 1_000L;
    private static final long S = 1_000_000_000L;

    private static void assertSettled(VethRig r, Tbf q) {
        r.drain();
        assertEquals(0, q.qlen());
        assertEquals(0, r.k.skbs().inUse(), "no buffer leaked");
        assertEquals(r.count, q.stats().packets);
        assertEquals(r.frameBytes, q.stats().bytes);
        assertEquals(r.a.drops(DropReason.QDISC_DROP), q.stats().drops);
    }

    /** tbf rate 1mbit burst 10kb latency 50ms, a sender that keeps it full for 60 s. */
    @Test
    void saturatingSenderGetsTheRate() {
        Tbf q = new Tbf(Tbf.Config.parse("rate 1mbit burst 10kb latency 50ms"));
        assertEquals(125_000, q.config().rateBytesPerSec());
        assertEquals(10_240, q.config().burstBytes());
        assertEquals(125_000 / 20 + 10_240, q.config().limitBytes());
        VethRig r = new VethRig(21, q);
        int frame = 1000;
        int seq = 0;
        long end = 60 * S;
        while (r.k.clock().nanos() < end) {
            while (q.backlog() + frame <= q.config().limitBytes()) {
                assertEquals(Qdisc.NET_XMIT_SUCCESS, r.send(seq++, frame));
            }
            r.k.runFor(MS);
        }
        long bytesIn60s = r.frameBytes;
        double rate = bytesIn60s / 60.0;
        System.out.printf("tbf rate 1mbit burst 10kb: %.1f B/s over 60 s (configured 125000), overlimits %d, drops %d%n",
                rate, q.stats().overlimits, q.stats().drops);
        assertEquals(125_000, rate, 125_000 * 0.02);
        assertTrue(q.stats().overlimits > 0, "held-back dequeues counted as overlimits");
        assertEquals(0, q.stats().drops, "the sender never overfilled it");
        assertSettled(r, q);
    }

    @Test
    void packetLargerThanTheBucketIsDropped() {
        Tbf q = new Tbf(Tbf.Config.builder().rateBits(1_000_000).burst(10_240).limit(100_000).build());
        VethRig r = new VethRig(22, q);
        r.tx.setMtu(16_000);
        r.rx.setMtu(16_000);
        assertEquals(Qdisc.NET_XMIT_DROP, r.send(0, 12_000));
        assertEquals(Qdisc.NET_XMIT_SUCCESS, r.send(1, 10_240));
        assertSettled(r, q);
        assertEquals(1, q.stats().drops);
        assertEquals(1, r.a.drops(DropReason.QDISC_DROP));
        assertEquals(1, r.count);
        assertEquals(1, r.seq[0]);
    }

    @Test
    void byteLimitTailDrops() {
        Tbf q = new Tbf(Tbf.Config.builder().rateBits(1_000_000).burst(1500).limit(3000).build());
        VethRig r = new VethRig(23, q);
        int dropped = 0;
        for (int i = 0; i < 5; i++) {
            if (r.send(i, 1000) == Qdisc.NET_XMIT_DROP) {
                dropped++;
            }
        }
        // the first leaves on the full bucket; three fit in 3000 bytes; the fifth does not
        assertEquals(1, dropped);
        assertEquals(3000, q.backlog());
        assertSettled(r, q);
        assertEquals(4, r.count);
    }

    /** A full bucket lets burst bytes through at once; the next packet waits for its tokens. */
    @Test
    void burstLeavesAtOnceThenTheRateHolds() {
        Tbf q = new Tbf(Tbf.Config.builder().rateBits(1_000_000).burst(10_240).limit(100_000).build());
        VethRig r = new VethRig(24, q);
        r.k.runFor(S);
        long t0 = r.k.clock().nanos();
        for (int i = 0; i < 20; i++) {
            r.send(i, 1000);
        }
        assertSettled(r, q);
        for (int i = 0; i < 10; i++) {
            assertEquals(t0, r.receivedAt[i], "within the burst");
        }
        // 10 packets left 240 bytes of tokens; the 11th needs 760 more: 6.08 ms at 125000 B/s
        assertEquals(t0 + 6_080 * US, r.receivedAt[10]);
        for (int i = 11; i < 20; i++) {
            assertEquals(8 * MS, r.receivedAt[i] - r.receivedAt[i - 1], "then one per 8 ms");
        }
    }

    /** With a peak rate, even a full bucket drains no faster than the peak. */
    @Test
    void peakRateSpacesTheBurst() {
        Tbf q = new Tbf(Tbf.Config.parse("rate 1mbit burst 10kb peakrate 2mbit mtu 1500 limit 100000"));
        VethRig r = new VethRig(25, q);
        r.k.runFor(S);
        for (int i = 0; i < 40; i++) {
            r.send(i, 1000);
        }
        assertSettled(r, q);
        assertEquals(40, r.count);
        // peak bucket: 1500 B = 6 ms at 2 Mbit/s; a 1000 B frame costs 4 ms of it
        assertEquals(2 * MS, r.receivedAt[1] - r.receivedAt[0]);
        long minGap = Long.MAX_VALUE;
        for (int i = 2; i < r.count; i++) {
            minGap = Math.min(minGap, r.receivedAt[i] - r.receivedAt[i - 1]);
        }
        assertEquals(4 * MS, minGap, "never faster than the peak rate");
        assertEquals(8 * MS, r.receivedAt[39] - r.receivedAt[38], "the rate once the bucket is empty");
    }

    @Test
    void configurationPrintsAndParsesLikeTc() {
        Tbf.Config c = Tbf.Config.parse("rate 1mbit burst 10kb latency 50ms");
        assertEquals("rate 1Mbit burst 10Kb limit 16490b", c.toString());
        assertEquals(c, Tbf.Config.parse(c.toString()));
        Tbf.Config p = Tbf.Config.parse("rate 1mbit burst 10kb peakrate 2mbit mtu 1500 latency 50ms");
        assertEquals("rate 1Mbit burst 10Kb peakrate 2Mbit minburst 1500b limit 14000b", p.toString());
        assertEquals(p, Tbf.Config.parse(p.toString()));
        assertThrows(ErrnoException.class, () -> Tbf.Config.parse("rate 1mbit burst 10kb"), "limit or latency");
        assertThrows(ErrnoException.class, () -> Tbf.Config.parse("burst 10kb limit 1000"), "rate");
        assertThrows(ErrnoException.class, () -> Tbf.Config.parse("rate 1mbit burst 10kb limit 1000 peakrate 1mbit mtu 1500"),
                "peakrate must exceed rate");
        assertThrows(ErrnoException.class, () -> Tbf.Config.parse("rate 1mbit burst 10kb limit 1000 peakrate 2mbit"),
                "mtu with peakrate");
    }
}
