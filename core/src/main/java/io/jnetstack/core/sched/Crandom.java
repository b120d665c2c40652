package io.jnetstack.core.sched;

import java.util.random.RandomGenerator;

/**
 * A uniform random source in [0, 1) whose successive values may be correlated. Mirrors netem's
 * {@code get_crandom()}: with correlation {@code rho} each value is
 * {@code (1 - rho) * fresh + rho * previous}, so {@code rho = 0} gives independent draws and
 * values near 1 make the source drift slowly. As in Linux, the mean stays 1/2 but the spread
 * shrinks as {@code rho} grows, so a correlated probability test ({@code u < p}) fires less often
 * than {@code p} for {@code p} far from 1/2; tc-netem(8) documents the same caveat.
 */
final class Crandom {
    private final double rho;
    private double last;

    /** A source with correlation {@code rho} in [0, 1], its history seeded from {@code rnd}. */
    Crandom(double rho, RandomGenerator rnd) {
        this.rho = rho;
        this.last = rho == 0 ? 0 : rnd.nextDouble();
    }

    /** The next value. Mirrors {@code get_crandom()}. */
    double next(RandomGenerator rnd) {
        double u = rnd.nextDouble();
        if (rho == 0) {
            return u;
        }
        last = (1 - rho) * u + rho * last;
        return last;
    }
}
