package io.jnetstack.core.sched;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;

/**
 * Reads netem options in tc's words into a {@link Netem.Config}. Mirrors the option grammar of
 * tc-netem(8) ({@code netem_parse_opt()} in iproute2), and also accepts the labelled forms tc
 * prints ({@code loss gemodel p 1% r 10% 1-h 100% 1-k 0%}, {@code rate 1mbit packetoverhead 4}).
 */
final class NetemParser {
    private final String[] words;
    private int pos;
    private final Netem.Config.Builder b = Netem.Config.builder();

    private NetemParser(String text) {
        String t = text.strip();
        this.words = t.isEmpty() ? new String[0] : t.split("\\s+");
    }

    static Netem.Config parse(String text) {
        NetemParser p = new NetemParser(text);
        p.run();
        return p.b.build();
    }

    private void run() {
        if (pos < words.length && words[pos].equals("netem")) {
            pos++;
        }
        while (pos < words.length) {
            String w = words[pos++];
            switch (w) {
                case "limit" -> b.limit((int) Math.min(Integer.MAX_VALUE, TcUnits.parseSize(next(w))));
                case "delay", "latency" -> delay(w);
                case "distribution" -> b.distribution(Netem.Distribution.ofTcName(next(w)));
                case "loss", "drop" -> loss(w);
                case "duplicate" -> {
                    double p = TcUnits.parsePercent(next(w));
                    b.duplicate(p, optionalPercent());
                }
                case "reorder" -> {
                    double p = TcUnits.parsePercent(next(w));
                    b.reorder(p, optionalPercent());
                }
                case "corrupt" -> {
                    double p = TcUnits.parsePercent(next(w));
                    b.corrupt(p, optionalPercent());
                }
                case "gap" -> b.gap(parseInt(next(w), w));
                case "rate" -> rate(w);
                case "seed" -> b.seed(parseSeed(next(w)));
                case "ecn", "slot" -> throw new ErrnoException(Errno.EOPNOTSUPP, "netem " + w + " is not supported");
                default -> throw new ErrnoException(Errno.EINVAL, "What is \"" + w + "\"? (netem option)");
            }
        }
    }

    private void delay(String w) {
        long delay = TcUnits.parseTime(next(w));
        long jitter = 0;
        double corr = 0;
        if (nextIsNumber()) {
            jitter = TcUnits.parseTime(words[pos++]);
            corr = optionalPercent();
        }
        b.delay(delay, jitter, corr);
    }

    private void loss(String w) {
        String kind = next(w);
        if (TcUnits.isNumber(kind)) {
            double p = TcUnits.parsePercent(kind);
            b.loss(p, optionalPercent());
            return;
        }
        switch (kind) {
            case "random" -> {
                double p = TcUnits.parsePercent(next("loss random"));
                b.loss(p, optionalPercent());
            }
            case "gemodel" -> gemodel();
            case "state" -> state();
            default -> throw new ErrnoException(Errno.EINVAL, "Unknown loss parameter: " + kind);
        }
    }

    private void gemodel() {
        double p = labelled("p");
        double r = 1 - p;
        double oneMinusH = 1;
        double oneMinusK = 0;
        if (hasValue("r")) {
            r = labelled("r");
            if (hasValue("1-h")) {
                oneMinusH = labelled("1-h");
                if (hasValue("1-k")) {
                    oneMinusK = labelled("1-k");
                }
            }
        }
        b.lossGemodel(p, r, oneMinusH, oneMinusK);
    }

    private void state() {
        double p13 = labelled("p13");
        double p31 = 1 - p13;
        double p32 = 0;
        double p23 = 1;
        double p14 = 0;
        if (hasValue("p31")) {
            p31 = labelled("p31");
            if (hasValue("p32")) {
                p32 = labelled("p32");
                if (hasValue("p23")) {
                    p23 = labelled("p23");
                    if (hasValue("p14")) {
                        p14 = labelled("p14");
                    }
                }
            }
        }
        b.lossState(p13, p31, p32, p23, p14);
    }

    private void rate(String w) {
        long rate = TcUnits.parseRate(next(w));
        int overhead = 0;
        int cellSize = 0;
        int cellOverhead = 0;
        if (hasSignedValue("packetoverhead")) {
            overhead = parseInt(labelledWord("packetoverhead"), "packetoverhead");
        }
        if (hasSignedValue("cellsize")) {
            cellSize = parseInt(labelledWord("cellsize"), "cellsize");
        }
        if (hasSignedValue("celloverhead")) {
            cellOverhead = parseInt(labelledWord("celloverhead"), "celloverhead");
        }
        b.rate(rate, overhead, cellSize, cellOverhead);
    }

    /** A percentage, preceded by its optional label. */
    private double labelled(String label) {
        return TcUnits.parsePercent(labelledWord(label));
    }

    private String labelledWord(String label) {
        if (pos < words.length && words[pos].equals(label)) {
            pos++;
        }
        return next(label);
    }

    /** True when a value (labelled or a bare number) follows. */
    private boolean hasValue(String label) {
        return pos < words.length && (words[pos].equals(label) || TcUnits.isNumber(words[pos]));
    }

    private boolean hasSignedValue(String label) {
        return pos < words.length && (words[pos].equals(label) || TcUnits.isNumber(words[pos])
                || (words[pos].startsWith("-") && words[pos].length() > 1 && Character.isDigit(words[pos].charAt(1))));
    }

    private boolean nextIsNumber() {
        return pos < words.length && TcUnits.isNumber(words[pos]);
    }

    private double optionalPercent() {
        return nextIsNumber() ? TcUnits.parsePercent(words[pos++]) : 0;
    }

    private String next(String after) {
        if (pos >= words.length) {
            throw new ErrnoException(Errno.EINVAL, "\"" + after + "\" needs a value");
        }
        return words[pos++];
    }

    private static int parseInt(String s, String what) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw TcUnits.bad(what, s);
        }
    }

    private static long parseSeed(String s) {
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            throw TcUnits.bad("seed", s);
        }
    }
}
