package io.jnetstack.ipv4.tcp;

import io.jnetstack.wire.Tcp;

import java.util.ArrayList;
import java.util.List;

/**
 * One TCP segment written the way packetdrill scripts write them, with sequence numbers relative
 * to the sender's ISN:
 * <pre>
 * S 0:0(0) win 65535 &lt;mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7&gt;
 * S. 0:0(0) ack 1 &lt;...&gt;
 * P. 1:1001(1000) ack 1 win 257
 * - 1:1001(1000) win 20000          (no flags at all)
 * </pre>
 * Flags are the letters {@code F S R P U E W} and {@code .} for ACK, or {@code -} for none. The
 * parts after the sequence range are optional: {@code ack N}, {@code win N}, {@code urg N} and
 * the options in angle brackets ({@code <...>} for "any options"). In options, {@code TS val *}
 * matches any TSval of an outgoing segment; {@code sack A:B C:D} lists SACK blocks.
 *
 * <p>Written for this project's tests from packetdrill's documented syntax; it is not
 * packetdrill's grammar, only the segment lines.
 */
final class SegmentSpec {
    /** One option, in the order written. */
    record Opt(String kind, long a, long b, boolean anyA, List<long[]> blocks) {
        static Opt of(String kind) {
            return new Opt(kind, 0, 0, false, List.of());
        }
    }

    int flags;
    long seq;
    long end;
    int len;
    Long ack;
    Integer win;
    Integer urg;
    /** Null when the spec has no option part; empty for {@code <>}. */
    List<Opt> options;
    /** {@code <...>}: options not checked. */
    boolean anyOptions;
    final String text;

    private SegmentSpec(String text) {
        this.text = text.trim();
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    static SegmentSpec parse(String text) {
        SegmentSpec s = new SegmentSpec(text);
        String t = s.text;
        int lt = t.indexOf('<');
        String head = lt < 0 ? t : t.substring(0, lt).trim();
        if (lt >= 0) {
            int gt = t.lastIndexOf('>');
            if (gt < lt) {
                throw new IllegalArgumentException("unclosed options in: " + text);
            }
            s.parseOptions(t.substring(lt + 1, gt).trim());
        }
        String[] w = head.split("\\s+");
        if (w.length < 2) {
            throw new IllegalArgumentException("want FLAGS SEQ:END(LEN) ...: " + text);
        }
        s.flags = parseFlags(w[0], text);
        s.parseRange(w[1], text);
        for (int i = 2; i < w.length; i += 2) {
            if (i + 1 >= w.length) {
                throw new IllegalArgumentException("'" + w[i] + "' needs a value: " + text);
            }
            long v = Long.parseLong(w[i + 1]);
            switch (w[i]) {
                case "ack" -> s.ack = v;
                case "win" -> s.win = (int) v;
                case "urg" -> s.urg = (int) v;
                default -> throw new IllegalArgumentException("unknown word '" + w[i] + "': " + text);
            }
        }
        if (s.ack != null && !s.has(Tcp.ACK)) {
            throw new IllegalArgumentException("'ack' without the ACK flag '.': " + text);
        }
        return s;
    }

    private static int parseFlags(String w, String text) {
        if (w.equals("-")) {
            return 0;
        }
        int f = 0;
        for (char c : w.toCharArray()) {
            f |= switch (c) {
                case 'F' -> Tcp.FIN;
                case 'S' -> Tcp.SYN;
                case 'R' -> Tcp.RST;
                case 'P' -> Tcp.PSH;
                case '.' -> Tcp.ACK;
                case 'U' -> Tcp.URG;
                case 'E' -> Tcp.ECE;
                case 'W' -> Tcp.CWR;
                default -> throw new IllegalArgumentException("bad flag '" + c + "': " + text);
            };
        }
        return f;
    }

    private void parseRange(String w, String text) {
        int colon = w.indexOf(':');
        int open = w.indexOf('(');
        int close = w.indexOf(')');
        if (colon < 0 || open < colon || close < open) {
            throw new IllegalArgumentException("want SEQ:END(LEN): " + text);
        }
        seq = Long.parseLong(w.substring(0, colon));
        end = Long.parseLong(w.substring(colon + 1, open));
        len = Integer.parseInt(w.substring(open + 1, close));
        if (end - seq != len) {
            throw new IllegalArgumentException("END - SEQ must equal LEN: " + text);
        }
    }

    private void parseOptions(String body) {
        options = new ArrayList<>();
        if (body.equals("...")) {
            anyOptions = true;
            return;
        }
        if (body.isEmpty()) {
            return;
        }
        for (String part : body.split(",")) {
            String[] w = part.trim().split("\\s+");
            switch (w[0]) {
                case "nop", "eol", "sackOK" -> options.add(Opt.of(w[0]));
                case "mss", "wscale" -> options.add(new Opt(w[0], Long.parseLong(w[1]), 0, false, List.of()));
                case "TS" -> {
                    // TS val V ecr E
                    boolean any = w[2].equals("*");
                    options.add(new Opt("TS", any ? 0 : Long.parseLong(w[2]), Long.parseLong(w[4]), any, List.of()));
                }
                case "sack" -> {
                    List<long[]> blocks = new ArrayList<>();
                    for (int i = 1; i < w.length; i++) {
                        String[] ab = w[i].split(":");
                        blocks.add(new long[]{Long.parseLong(ab[0]), Long.parseLong(ab[1])});
                    }
                    options.add(new Opt("sack", 0, 0, false, blocks));
                }
                default -> throw new IllegalArgumentException("unknown option '" + part.trim() + "'");
            }
        }
    }

    Opt option(String kind) {
        if (options == null) {
            return null;
        }
        for (Opt o : options) {
            if (o.kind().equals(kind)) {
                return o;
            }
        }
        return null;
    }

    /** The flag letters as packetdrill prints them ({@code -} for none). */
    static String flagLetters(int flags) {
        StringBuilder sb = new StringBuilder();
        int[] bits = {Tcp.FIN, Tcp.SYN, Tcp.RST, Tcp.PSH, Tcp.URG, Tcp.ECE, Tcp.CWR, Tcp.ACK};
        String letters = "FSRPUEW.";
        for (int i = 0; i < bits.length; i++) {
            if ((flags & bits[i]) != 0) {
                sb.append(letters.charAt(i));
            }
        }
        return sb.isEmpty() ? "-" : sb.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
