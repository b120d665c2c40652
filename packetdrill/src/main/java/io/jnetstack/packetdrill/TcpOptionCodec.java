package io.jnetstack.packetdrill;

import io.jnetstack.wire.TcpOptions;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * TCP options between a script's {@code <...>} and the wire, kept in order and byte for byte
 * (unlike {@link TcpOptions}, which keeps values and forgets layout): encoding the options of an
 * injected segment, splitting a sent segment's option bytes into a list, and comparing that list
 * with the options a {@code >} line expects.
 *
 * <p>Numbers are remapped by the {@link Flow}: in injected segments SACK edges are the stack's
 * sequence numbers and the echoed timestamp is the stack's clock; in sent segments SACK edges are
 * the script's. The first TS val the stack sends fixes the offset between the script's timestamps
 * and the stack's; later ones are compared only with {@code --tcp_ts_tick_usecs}, as packetdrill.
 */
final class TcpOptionCodec {

    /** The magic that starts an experimental (kind 254) Fast Open option, RFC 6994. */
    static final int FASTOPEN_EXP_MAGIC = 0xF989;

    private TcpOptionCodec() {
    }

    /**
     * One option as sent: its kind and the bytes after its length octet.
     *
     * @param kind the option kind
     * @param data the value; empty for NOP and EOL
     */
    record WireOption(int kind, byte[] data) {

        boolean sameAs(WireOption o) {
            return kind == o.kind && java.util.Arrays.equals(data, o.data);
        }
    }

    /**
     * Splits option bytes into options. EOL ends the list (the bytes after it are padding); a
     * truncated option is kept as a kind with what remains.
     *
     * @param buf the segment
     * @param off where the options start
     * @param len how many option bytes there are
     * @return the options in order
     */
    static List<WireOption> parse(byte[] buf, int off, int len) {
        List<WireOption> out = new ArrayList<>();
        int p = off;
        int end = off + len;
        while (p < end) {
            int kind = buf[p] & 0xff;
            if (kind == TcpOptions.KIND_EOL || kind == TcpOptions.KIND_NOP) {
                out.add(new WireOption(kind, new byte[0]));
                p++;
                if (kind == TcpOptions.KIND_EOL) {
                    break;
                }
                continue;
            }
            int size = p + 1 < end ? buf[p + 1] & 0xff : 0;
            if (size < 2 || p + size > end) {
                out.add(new WireOption(kind, java.util.Arrays.copyOfRange(buf, Math.min(p + 2, end), end)));
                break;
            }
            out.add(new WireOption(kind, java.util.Arrays.copyOfRange(buf, p + 2, p + size)));
            p += size;
        }
        return out;
    }

    /**
     * Encodes the options of an injected segment, padded with EOL to a multiple of 4 bytes.
     *
     * @param options the script's options
     * @param flow    the connection, for SACK edges and the echoed timestamp
     * @param line    the script line, for errors
     * @return the option bytes
     */
    static byte[] encode(List<TcpOption> options, Flow flow, int line) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (TcpOption o : options) {
            switch (o) {
                case TcpOption.Nop n -> out.write(TcpOptions.KIND_NOP);
                case TcpOption.Eol e -> out.write(TcpOptions.KIND_EOL);
                case TcpOption.SackPermitted s -> write(out, TcpOptions.KIND_SACK_PERM, new byte[0]);
                case TcpOption.Mss m -> write(out, TcpOptions.KIND_MSS, u16(mss(m, line)));
                case TcpOption.WindowScale w -> write(out, TcpOptions.KIND_WSCALE, new byte[]{(byte) w.shift()});
                case TcpOption.Timestamp t -> write(out, TcpOptions.KIND_TIMESTAMP,
                        concat(u32(t.val()), u32(flow.inboundEcr(t.ecr()))));
                case TcpOption.Sack s -> write(out, TcpOptions.KIND_SACK, sackBlocks(s, flow::inboundSackEdge));
                case TcpOption.FastOpen f -> write(out, f.experimental() ? TcpOptions.KIND_EXP
                        : TcpOptions.KIND_FASTOPEN, fastOpenData(f, line));
                default -> throw new UnsupportedConstruct(line, "tcp-option " + describe(o));
            }
        }
        while (out.size() % 4 != 0) {
            out.write(TcpOptions.KIND_EOL);
        }
        if (out.size() > 40) {
            throw new ScriptFailure(line, "the TCP options take " + out.size() + " bytes; at most 40 fit");
        }
        return out.toByteArray();
    }

    /**
     * Compares the options a stack sent with those a {@code >} line expects.
     *
     * @param expected the script's options; null when the line has none
     * @param live     what was sent
     * @param flow     the connection (learns the timestamp offset from the first TS val)
     * @param line     the script line, for errors
     * @return null when they match, else why not
     */
    static String compare(List<TcpOption> expected, List<WireOption> live, Flow flow, int line) {
        if (expected == null) {
            return live.isEmpty() ? null : "expected no TCP options";
        }
        if (expected.size() == 1 && expected.getFirst() instanceof TcpOption.Other o && o.name().equals("...")) {
            return null;
        }
        if (expected.size() != live.size()) {
            return "expected " + expected.size() + " TCP options, found " + live.size();
        }
        for (int i = 0; i < expected.size(); i++) {
            String why = compareOne(expected.get(i), live.get(i), flow, line);
            if (why != null) {
                return "TCP option " + (i + 1) + ": " + why;
            }
        }
        learnTimestamp(expected, live, flow);
        return null;
    }

    private static String compareOne(TcpOption exp, WireOption got, Flow flow, int line) {
        return switch (exp) {
            case TcpOption.Nop n -> kind(got, TcpOptions.KIND_NOP, "nop");
            case TcpOption.Eol e -> kind(got, TcpOptions.KIND_EOL, "eol");
            case TcpOption.SackPermitted s -> bytes(got, TcpOptions.KIND_SACK_PERM, new byte[0], "sackOK");
            case TcpOption.Mss m -> bytes(got, TcpOptions.KIND_MSS, u16(mss(m, line)), "mss " + mss(m, line));
            case TcpOption.WindowScale w -> bytes(got, TcpOptions.KIND_WSCALE, new byte[]{(byte) w.shift()},
                    "wscale " + w.shift());
            case TcpOption.Timestamp t -> timestamp(t, got, flow);
            case TcpOption.Sack s -> bytes(got, TcpOptions.KIND_SACK, sackBlocks(s, flow::outboundSackEdge),
                    "sack " + sackText(s));
            case TcpOption.FastOpen f -> bytes(got, f.experimental() ? TcpOptions.KIND_EXP : TcpOptions.KIND_FASTOPEN,
                    fastOpenData(f, line), describe(f));
            default -> throw new UnsupportedConstruct(line, "tcp-option " + describe(exp));
        };
    }

    private static String timestamp(TcpOption.Timestamp t, WireOption got, Flow flow) {
        if (got.kind() != TcpOptions.KIND_TIMESTAMP || got.data().length != 8) {
            return "expected TS val " + t.val() + " ecr " + t.ecr();
        }
        long ecr = u32(got.data(), 4);
        if (ecr != (t.ecr() & 0xffffffffL)) {
            return "expected TS ecr " + t.ecr() + ", found ecr " + ecr;
        }
        return flow.tsValMismatch(t.val() & 0xffffffffL, u32(got.data(), 0));
    }

    /** The first TS val the stack sends fixes the offset between its clock and the script's. */
    private static void learnTimestamp(List<TcpOption> expected, List<WireOption> live, Flow flow) {
        for (int i = 0; i < expected.size(); i++) {
            if (expected.get(i) instanceof TcpOption.Timestamp t) {
                flow.learnTimestamp(t.val(), u32(live.get(i).data(), 0));
            }
        }
    }

    private static String kind(WireOption got, int kind, String name) {
        return got.kind() == kind ? null : "expected " + name;
    }

    private static String bytes(WireOption got, int kind, byte[] data, String name) {
        return got.sameAs(new WireOption(kind, data)) ? null : "expected " + name;
    }

    private static int mss(TcpOption.Mss m, int line) {
        if (m.value() instanceof Expr.Int(long v, String text) && v >= 0 && v <= 0xffff) {
            return (int) v;
        }
        throw new UnsupportedConstruct(line, "tcp-option mss " + m.value() + " (a symbolic MSS)");
    }

    private static byte[] fastOpenData(TcpOption.FastOpen f, int line) {
        byte[] cookie = new byte[0];
        if (f.cookie() != null) {
            try {
                cookie = HexFormat.of().parseHex(f.cookie());
            } catch (IllegalArgumentException e) {
                throw new UnsupportedConstruct(line, "tcp-option " + describe(f) + " (a symbolic cookie)");
            }
        }
        return f.experimental() ? concat(u16(FASTOPEN_EXP_MAGIC), cookie) : cookie;
    }

    private static byte[] sackBlocks(TcpOption.Sack s, java.util.function.LongUnaryOperator map) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (TcpOption.Sack.Block b : s.blocks()) {
            out.writeBytes(u32(map.applyAsLong(b.left())));
            out.writeBytes(u32(map.applyAsLong(b.right())));
        }
        return out.toByteArray();
    }

    private static String sackText(TcpOption.Sack s) {
        StringBuilder sb = new StringBuilder();
        for (TcpOption.Sack.Block b : s.blocks()) {
            sb.append(sb.isEmpty() ? "" : " ").append(b.left()).append(':').append(b.right());
        }
        return sb.toString();
    }

    /**
     * Writes the options as a script would, numbers in the script's space.
     *
     * @param live the options sent
     * @param flow the connection
     * @return such as {@code mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 8}
     */
    static String format(List<WireOption> live, Flow flow) {
        StringBuilder sb = new StringBuilder();
        for (WireOption o : live) {
            sb.append(sb.isEmpty() ? "" : ",").append(formatOne(o, flow));
        }
        return sb.toString();
    }

    private static String formatOne(WireOption o, Flow flow) {
        byte[] d = o.data();
        return switch (o.kind()) {
            case TcpOptions.KIND_NOP -> "nop";
            case TcpOptions.KIND_EOL -> "eol";
            case TcpOptions.KIND_SACK_PERM -> "sackOK";
            case TcpOptions.KIND_MSS -> d.length == 2 ? "mss " + u16(d, 0) : raw(o);
            case TcpOptions.KIND_WSCALE -> d.length == 1 ? "wscale " + (d[0] & 0xff) : raw(o);
            case TcpOptions.KIND_TIMESTAMP -> d.length == 8
                    ? "TS val " + flow.scriptTsVal(u32(d, 0)) + " ecr " + u32(d, 4) : raw(o);
            case TcpOptions.KIND_SACK -> sackFormat(d, flow);
            case TcpOptions.KIND_FASTOPEN -> d.length == 0 ? "FO" : "FO " + HexFormat.of().formatHex(d);
            default -> raw(o);
        };
    }

    private static String sackFormat(byte[] d, Flow flow) {
        StringBuilder sb = new StringBuilder("sack");
        for (int i = 0; i + 8 <= d.length; i += 8) {
            sb.append(' ').append(flow.scriptSackEdge(u32(d, i))).append(':')
                    .append(flow.scriptSackEdge(u32(d, i + 4)));
        }
        return sb.toString();
    }

    private static String raw(WireOption o) {
        return "kind " + o.kind() + (o.data().length == 0 ? "" : " " + HexFormat.of().formatHex(o.data()));
    }

    static String describe(TcpOption o) {
        return switch (o) {
            case TcpOption.FastOpen f -> (f.experimental() ? "FOEXP" : "FO")
                    + (f.cookie() == null ? "" : " " + f.cookie());
            case TcpOption.Md5 m -> "md5";
            case TcpOption.Other x -> x.name();
            default -> o.getClass().getSimpleName();
        };
    }

    private static void write(ByteArrayOutputStream out, int kind, byte[] data) {
        out.write(kind);
        out.write(data.length + 2);
        out.writeBytes(data);
    }

    static byte[] u16(long v) {
        return new byte[]{(byte) (v >>> 8), (byte) v};
    }

    static byte[] u32(long v) {
        return new byte[]{(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    static long u32(byte[] b, int off) {
        return ((long) (b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8)
                | (b[off + 3] & 0xff);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
