package io.jnetstack.core.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetstack.core.ErrnoException;

import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/** netem's configuration: tc's words in, tc's words out, tc's refusals. */
class NetemConfigTest {
    private static final long MS = 1_000_000L;

    @Test
    void printsLikeTc() {
        Netem.Config c = Netem.Config.builder()
                .delay(50 * MS, 10 * MS).distribution(Netem.Distribution.NORMAL)
                .loss(0.10).duplicate(0.01).reorder(0.25).gap(5).corrupt(0.001)
                .rateBits(10_000_000).seed(7).build();
        assertEquals("limit 1000 delay 50ms 10ms distribution normal loss 10% duplicate 1% reorder 25% gap 5"
                + " corrupt 0.1% rate 10Mbit seed 7", c.toString());
        assertEquals("limit 1000", Netem.Config.builder().build().toString());
    }

    @Test
    void parsesTcWordsAndItsOwnOutput() {
        Netem.Config c = Netem.Config.parse("netem delay 50ms 10ms 25% distribution pareto loss random 1% 30%"
                + " duplicate 2 reorder 5% 10% gap 3 corrupt 0.5% rate 1.5mbit 4 53 5 seed 18446744073709551615 limit 500");
        assertEquals(500, c.limit());
        assertEquals(50 * MS, c.delayNanos());
        assertEquals(10 * MS, c.jitterNanos());
        assertEquals(0.25, c.delayCorrelation());
        assertEquals(Netem.Distribution.PARETO, c.distribution());
        assertEquals(new Netem.Loss.Random(0.01, 0.30), c.loss());
        assertEquals(0.02, c.duplicate());
        assertEquals(0.05, c.reorder());
        assertEquals(0.10, c.reorderCorrelation());
        assertEquals(3, c.gap());
        assertEquals(187_500, c.rateBytesPerSec());
        assertEquals(4, c.packetOverhead());
        assertEquals(53, c.cellSize());
        assertEquals(5, c.cellOverhead());
        assertEquals(OptionalLong.of(-1L), c.seed());
        assertEquals("limit 500 delay 50ms 10ms 25% distribution pareto loss 1% 30% duplicate 2% reorder 5% 10% gap 3"
                + " corrupt 0.5% rate 1.5Mbit packetoverhead 4 cellsize 53 celloverhead 5 seed 18446744073709551615",
                c.toString());
        assertEquals(c, Netem.Config.parse(c.toString()), "round trip");
    }

    @Test
    void lossModelsTakeTcDefaults() {
        Netem.Config ge = Netem.Config.parse("loss gemodel 1%");
        assertEquals(new Netem.Loss.GilbertElliott(0.01, 0.99, 1.0, 0.0), ge.loss());
        assertEquals("limit 1000 loss gemodel p 1% r 99% 1-h 100% 1-k 0%", ge.toString());
        assertEquals(ge, Netem.Config.parse(ge.toString()));
        Netem.Config ge4 = Netem.Config.parse("loss gemodel 1% 10% 70% 0.1%");
        assertEquals(new Netem.Loss.GilbertElliott(0.01, 0.10, 0.70, 0.001), ge4.loss());

        Netem.Config st = Netem.Config.parse("loss state 5%");
        assertEquals(new Netem.Loss.FourState(0.05, 0.95, 0, 1, 0), st.loss());
        assertEquals("limit 1000 loss state p13 5% p31 95% p32 0% p23 100% p14 0%", st.toString());
        assertEquals(st, Netem.Config.parse(st.toString()));
        assertEquals(new Netem.Loss.Random(0.03, 0), Netem.Config.parse("drop 3%").loss());
    }

    @Test
    void refusesWhatTcRefuses() {
        assertThrows(ErrnoException.class, () -> Netem.Config.parse("reorder 25%"), "reorder needs a delay");
        assertThrows(ErrnoException.class, () -> Netem.Config.parse("delay 10ms gap 5"), "gap needs reorder");
        assertThrows(ErrnoException.class, () -> Netem.Config.parse("delay 10ms distribution normal"), "needs jitter");
        assertThrows(ErrnoException.class, () -> Netem.Config.parse("loss 101%"));
        assertThrows(ErrnoException.class, () -> Netem.Config.parse("delay 10parsecs"));
        assertThrows(ErrnoException.class, () -> Netem.Config.parse("delay 1ms 1ms distribution cauchy"));
        assertThrows(ErrnoException.class, () -> Netem.Config.parse("jitter 5ms"));
        assertThrows(ErrnoException.class, () -> Netem.Config.parse("loss"));
        assertThrows(ErrnoException.class, () -> Netem.Config.parse("delay 10ms slot 1ms"));
        assertThrows(ErrnoException.class, () -> Netem.Config.builder().lossState(0.6, 0.5, 0, 1, 0.5).build());
        assertThrows(ErrnoException.class, () -> Netem.Config.builder().limit(-1).build());
    }

    @Test
    void unitsReadAndPrintLikeTc() {
        assertEquals(1_500_000, TcUnits.parseTime("1.5ms"));
        assertEquals(200_000, TcUnits.parseTime("200"), "a bare time is microseconds");
        assertEquals(2 * 1_000_000_000L, TcUnits.parseTime("2s"));
        assertEquals("1.5ms", TcUnits.formatTime(1_500_000));
        assertEquals("100us", TcUnits.formatTime(100_000));
        assertEquals("7ns", TcUnits.formatTime(7));
        assertEquals(1_250_000, TcUnits.parseRate("10mbit"));
        assertEquals(1_000, TcUnits.parseRate("1kbps"));
        assertEquals(128, TcUnits.parseRate("1kibit"));
        assertEquals("10Mbit", TcUnits.formatRate(1_250_000));
        assertEquals("1.544Mbit", TcUnits.formatRate(193_000));
        assertEquals(10_240, TcUnits.parseSize("10kb"));
        assertEquals("10Kb", TcUnits.formatSize(10_240));
        assertEquals("1500b", TcUnits.formatSize(1500));
        assertEquals(0.001, TcUnits.parsePercent("0.1%"), 1e-15);
        assertEquals("0.1%", TcUnits.formatPercent(0.001));
        assertEquals("33.333333%", TcUnits.formatPercent(1.0 / 3));
    }

    /**
     * Each table distribution has mean 0 and standard deviation 1 (by construction) and is bounded:
     * normal to ±4, Pareto's right tail cut at 4 of its raw deviations (5.46 once standardised).
     */
    @Test
    void distributionTablesAreStandardised() {
        for (Netem.Distribution d : Netem.Distribution.values()) {
            int steps = 1_000_000;
            double sum = 0;
            double sq = 0;
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (int i = 0; i < steps; i++) {
                double z = d.deviate((i + 0.5) / steps);
                sum += z;
                sq += z * z;
                min = Math.min(min, z);
                max = Math.max(max, z);
            }
            double mean = sum / steps;
            double sd = Math.sqrt(sq / steps - mean * mean);
            assertEquals(0, mean, 1e-4, d + " mean");
            double expectedSd = d == Netem.Distribution.UNIFORM ? 1 / Math.sqrt(3) : 1;
            assertEquals(expectedSd, sd, 1e-4, d + " sd");
            System.out.printf("%s: deviates in [%.3f, %.3f]%n", d.tcName(), min, max);
            assertTrue(min >= -4 && max <= 5.5, d + " bounded");
        }
        // the normal quantile at 97.5% is 1.95996...
        assertEquals(1.95996, Netem.Distribution.NORMAL.deviate(0.975), 2e-3);
        assertEquals(-1.95996, Netem.Distribution.NORMAL.deviate(0.025), 2e-3);
        assertTrue(Netem.Distribution.PARETO.deviate(0) > -0.8, "pareto has a short left tail");
    }
}
