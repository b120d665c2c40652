package io.jnetstack.ipv4.fib;

import java.util.SplittableRandom;

/**
 * Random prefixes with lengths spread like an Internet routing table: about half /24, most of
 * the rest /16../23, a few /8../15 and /25../32.
 */
final class RandomPrefixes {
    /** Cumulative weights (per mille) of lengths 0..32. */
    private static final int[] CUMULATIVE = new int[33];

    static {
        int[] w = new int[33];
        for (int l = 8; l <= 15; l++) {
            w[l] = 2;                  // 1.6 %
        }
        w[16] = 20;
        w[17] = 8;
        w[18] = 14;
        w[19] = 28;
        w[20] = 40;
        w[21] = 50;
        w[22] = 100;
        w[23] = 90;
        w[24] = 586;
        for (int l = 25; l <= 32; l++) {
            w[l] = 6;                  // 4.8 %
        }
        int sum = 0;
        for (int l = 0; l <= 32; l++) {
            sum += w[l];
            CUMULATIVE[l] = sum;
        }
        if (sum != 1000) {
            throw new AssertionError("weights sum to " + sum);
        }
    }

    private RandomPrefixes() {}

    /** A random prefix length from the distribution. */
    static int length(SplittableRandom rnd) {
        int x = rnd.nextInt(1000);
        int l = 0;
        while (CUMULATIVE[l] <= x) {
            l++;
        }
        return l;
    }

    /** A random prefix of length {@code len}. */
    static int prefix(SplittableRandom rnd, int len) {
        return rnd.nextInt() & Prefixes.mask(len);
    }
}
