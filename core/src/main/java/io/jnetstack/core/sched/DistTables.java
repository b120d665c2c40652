package io.jnetstack.core.sched;

/**
 * Quantile tables for netem's delay distributions, computed once when first used.
 *
 * <p>Linux draws a uniform random number and looks up a deviate in a table that iproute2 ships
 * ({@code normal.dist}, {@code pareto.dist}, {@code paretonormal.dist}: 16-bit values in units of
 * 1/8192 standard deviation, so bounded to about ±4). We compute equivalent tables here instead
 * of shipping data: each table holds the distribution's quantile function sampled at
 * {@link #GRID}+1 evenly spaced probabilities, values bounded to ±{@link #CLIP}, and a draw
 * interpolates linearly between neighbours. Each table is then shifted and scaled so that the
 * interpolated distribution has mean exactly 0 and standard deviation exactly 1; a delay is
 * {@code mu + sigma * deviate}. Because a draw is a function of one uniform number, a correlated
 * uniform source ({@link Crandom}) gives correlated delays, as in Linux.
 *
 * <ul>
 *   <li><b>normal</b>: the standard normal quantile, found by inverting the normal CDF computed by
 *   trapezoidal integration of the density on a fine grid over [-8, 8].</li>
 *   <li><b>pareto</b>: the Pareto distribution with shape 3 and scale 1 (quantile
 *   {@code (1-u)^(-1/3)}, mean 3/2, variance 3/4), its long right tail cut at
 *   {@link #CLIP} raw standard deviations as a 16-bit table would; after the cut the table is
 *   standardised again, which puts its largest value near 5.5.</li>
 *   <li><b>paretonormal</b>: one quarter normal, three quarters Pareto, blended quantile by quantile
 *   (both driven by the same uniform number), then standardised again.</li>
 * </ul>
 */
final class DistTables {
    private DistTables() {}

    /** Number of intervals in a table. */
    static final int GRID = 4096;
    /** Bound on table values before standardisation, in standard deviations. */
    static final double CLIP = 4.0;

    /** The standard normal quantile table. */
    static double[] normal() {
        return standardize(rawNormal());
    }

    /** The standardised Pareto (shape 3) quantile table. */
    static double[] pareto() {
        return standardize(rawPareto());
    }

    /** The 1:3 normal/Pareto blend. */
    static double[] paretoNormal() {
        double[] n = normal();
        double[] p = pareto();
        double[] q = new double[GRID + 1];
        for (int k = 0; k <= GRID; k++) {
            q[k] = (n[k] + 3 * p[k]) / 4;
        }
        return standardize(q);
    }

    /** A deviate from table {@code q} for a uniform {@code u} in [0, 1). */
    static double sample(double[] q, double u) {
        double pos = u * GRID;
        int i = (int) pos;
        if (i >= GRID) {
            i = GRID - 1;
        } else if (i < 0) {
            i = 0;
        }
        double f = pos - i;
        return q[i] + f * (q[i + 1] - q[i]);
    }

    private static double[] rawNormal() {
        final double lo = -8.0;
        final double h = 1.0 / 1024;
        final int steps = 16 * 1024;
        double[] cdf = new double[steps + 1];
        double prev = density(lo);
        for (int j = 1; j <= steps; j++) {
            double d = density(lo + j * h);
            cdf[j] = cdf[j - 1] + h * (prev + d) / 2;
            prev = d;
        }
        double total = cdf[steps];
        double[] q = new double[GRID + 1];
        q[0] = -CLIP;
        q[GRID] = CLIP;
        int j = 0;
        for (int k = 1; k < GRID; k++) {
            double u = (double) k / GRID * total;
            while (cdf[j + 1] < u) {
                j++;
            }
            double x = lo + h * (j + (u - cdf[j]) / (cdf[j + 1] - cdf[j]));
            q[k] = Math.max(-CLIP, Math.min(CLIP, x));
        }
        return q;
    }

    private static double density(double x) {
        return Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
    }

    private static double[] rawPareto() {
        final double shape = 3.0;
        final double mean = shape / (shape - 1);
        final double sd = Math.sqrt(shape / ((shape - 1) * (shape - 1) * (shape - 2)));
        double[] q = new double[GRID + 1];
        for (int k = 0; k < GRID; k++) {
            double x = Math.pow(1.0 - (double) k / GRID, -1.0 / shape);
            q[k] = Math.min(CLIP, (x - mean) / sd);
        }
        q[GRID] = CLIP;
        return q;
    }

    /** Shifts and scales {@code q} so its interpolated distribution has mean 0 and variance 1. */
    private static double[] standardize(double[] q) {
        double mean = 0;
        double m2 = 0;
        for (int i = 0; i < GRID; i++) {
            double a = q[i];
            double b = q[i + 1];
            mean += (a + b) / 2;
            m2 += (a * a + a * b + b * b) / 3;
        }
        mean /= GRID;
        m2 /= GRID;
        double sd = Math.sqrt(m2 - mean * mean);
        double[] out = new double[q.length];
        for (int i = 0; i < q.length; i++) {
            out[i] = (q[i] - mean) / sd;
        }
        return out;
    }
}
