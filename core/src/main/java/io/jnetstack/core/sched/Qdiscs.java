package io.jnetstack.core.sched;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Qdisc;

/**
 * The queueing disciplines by the names {@code tc} gives them. Mirrors {@code qdisc_lookup_ops()}
 * over the registered {@code Qdisc_ops} and their {@code init} with tc's options: a fixed set,
 * nothing registered at run time.
 */
public final class Qdiscs {
    private Qdiscs() {
    }

    /** The kinds {@link #parse} knows. */
    public static final java.util.List<String> KINDS = java.util.List.of("pfifo_fast", "pfifo", "bfifo", "tbf", "netem",
            "fq", "noqueue");

    /**
     * A qdisc from the words after {@code root} in {@code tc qdisc add|replace dev DEV root ...}:
     * the kind and its options ({@code "fq maxrate 10mbit"}, {@code "pfifo limit 0"},
     * {@code "netem delay 10ms"}). {@code noqueue} gives null (no qdisc).
     *
     * @throws ErrnoException EINVAL for an unknown kind or a bad option, as tc reports them
     */
    public static Qdisc parse(String spec) {
        String s = spec.strip();
        int sp = s.indexOf(' ');
        String kind = sp < 0 ? s : s.substring(0, sp);
        String opts = sp < 0 ? "" : s.substring(sp + 1).strip();
        return switch (kind) {
            case "pfifo_fast" -> {
                if (!opts.isEmpty()) {
                    throw new ErrnoException(Errno.EINVAL, "pfifo_fast takes no options");
                }
                yield new PfifoFast();
            }
            case "pfifo", "bfifo" -> Fifo.parse(s);
            case "tbf" -> new Tbf(Tbf.Config.parse(opts));
            case "netem" -> new Netem(Netem.Config.parse(opts));
            case "fq" -> new Fq(Fq.Config.parse(opts));
            case "noqueue" -> null;
            default -> throw new ErrnoException(Errno.EINVAL, "Unknown qdisc \"" + kind + "\" (known: " + KINDS + ")");
        };
    }
}
