package io.jnetstack.core.sched;

import java.util.random.RandomGenerator;

/**
 * The running state of one netem loss model: decides, packet by packet, whether to lose it.
 * Mirrors {@code loss_event()} with {@code loss_gilb_ell()} and {@code loss_4state()}.
 */
final class LossGenerator {
    private static final int NONE = 0;
    private static final int RANDOM = 1;
    private static final int GILBERT_ELLIOTT = 2;
    private static final int FOUR_STATE = 3;

    /** Gilbert-Elliott states. */
    private static final int GOOD = 0;
    private static final int BAD = 1;
    /** Four-state (GI) model states, numbered as in tc-netem(8). */
    private static final int GAP_TX = 1;
    private static final int BURST_TX = 2;
    private static final int BURST_LOST = 3;
    private static final int GAP_LOST = 4;

    private final int kind;
    private final double a;
    private final double b;
    private final double c;
    private final double d;
    private final double e;
    private final Crandom cor;
    private int state;

    LossGenerator(Netem.Loss model, RandomGenerator rnd) {
        switch (model) {
            case Netem.Loss.None n -> {
                kind = NONE;
                a = b = c = d = e = 0;
                cor = null;
            }
            case Netem.Loss.Random r -> {
                kind = RANDOM;
                a = r.probability();
                b = c = d = e = 0;
                cor = new Crandom(r.correlation(), rnd);
            }
            case Netem.Loss.GilbertElliott g -> {
                kind = GILBERT_ELLIOTT;
                a = g.p();
                b = g.r();
                c = g.oneMinusH();
                d = g.oneMinusK();
                e = 0;
                cor = null;
                state = GOOD;
            }
            case Netem.Loss.FourState f -> {
                kind = FOUR_STATE;
                a = f.p13();
                b = f.p31();
                c = f.p32();
                d = f.p23();
                e = f.p14();
                cor = null;
                state = GAP_TX;
            }
        }
    }

    /** Whether to lose the next packet. Mirrors {@code loss_event()}. */
    boolean lose(RandomGenerator rnd) {
        return switch (kind) {
            case RANDOM -> a > 0 && cor.next(rnd) < a;
            case GILBERT_ELLIOTT -> gilbertElliott(rnd);
            case FOUR_STATE -> fourState(rnd.nextDouble());
            default -> false;
        };
    }

    /**
     * One step of the Gilbert-Elliott chain: first a possible state change (GOOD→BAD with p,
     * BAD→GOOD with r), then the loss draw with the loss probability of the state the packet
     * found on arrival (1-k in GOOD, 1-h in BAD). Mirrors {@code loss_gilb_ell()}.
     */
    private boolean gilbertElliott(RandomGenerator rnd) {
        int was = state;
        if (rnd.nextDouble() < (was == GOOD ? a : b)) {
            state = was == GOOD ? BAD : GOOD;
        }
        return rnd.nextDouble() < (was == GOOD ? d : c);
    }

    /**
     * One step of the four-state Markov chain (GI model): one uniform draw picks the next state,
     * and the packet is lost when that state is a loss state (3 or 4). Mirrors
     * {@code loss_4state()}.
     */
    private boolean fourState(double u) {
        switch (state) {
            case GAP_TX -> {
                if (u < e) {
                    state = GAP_LOST;
                    return true;
                }
                if (u < e + a) {
                    state = BURST_LOST;
                    return true;
                }
                return false;
            }
            case BURST_TX -> {
                if (u < d) {
                    state = BURST_LOST;
                    return true;
                }
                return false;
            }
            case BURST_LOST -> {
                if (u < c) {
                    state = BURST_TX;
                    return false;
                }
                if (u < c + b) {
                    state = GAP_TX;
                    return false;
                }
                return true;
            }
            default -> {
                state = GAP_TX;
                return false;
            }
        }
    }
}
