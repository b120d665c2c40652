package io.jnetstack.packetdrill;

import io.jnetstack.socket.SockOpt;

import java.time.Duration;

/**
 * Socket options named as a script names them ({@code SOL_SOCKET, SO_REUSEADDR}), found among
 * the stack's options by level and number ({@link SockOpt#lookup}), with their values converted
 * between the script's forms and the stack's types: {@code [1]} for integers,
 * {@code {onoff=1, linger=0}} for {@code struct linger}, {@code {tv_sec=1, tv_usec=0}} for a
 * {@code struct timeval}, a string for string options. An option the stack does not define is
 * unsupported, naming it.
 */
final class Sockopts {

    private Sockopts() {
    }

    /**
     * @param args  the call's arguments (level at 1, name at 2)
     * @param a     argument evaluation
     * @param line  the script line
     * @return the stack's option
     * @throws UnsupportedConstruct when the stack has no such option
     */
    static SockOpt<?> find(java.util.List<Expr> args, Args a, int line) {
        int level = a.integer32(args.get(1));
        int name = a.integer32(args.get(2));
        SockOpt<?> opt = SockOpt.lookup(level, name);
        if (opt == null) {
            throw new UnsupportedConstruct(line, "sockopt " + Args.show(args.get(1)) + "." + Args.show(args.get(2))
                    + " (not in the stack)");
        }
        return opt;
    }

    /**
     * @param opt the option
     * @param e   the script's value
     * @param a   argument evaluation
     * @param line the script line
     * @return the value in the option's type
     */
    static Object value(SockOpt<?> opt, Expr e, Args a, int line) {
        return value(opt, e, null, a, line);
    }

    /**
     * @param len the call's optlen, or null: a u64 option given 4 bytes is read as a u32 whose
     *            all-ones value means all ones in 64 bits, as {@code sk_setsockopt()} does
     */
    static Object value(SockOpt<?> opt, Expr e, Expr len, Args a, int line) {
        Class<?> type = opt.type();
        if (type == Integer.class) {
            return a.integer32(e);
        }
        if (type == Long.class) {
            long v = a.integer(e);
            if (len != null && a.integer(len) == Integer.BYTES) {
                v = (v & 0xFFFFFFFFL) == 0xFFFFFFFFL ? -1L : v & 0xFFFFFFFFL;
            }
            return v;
        }
        if (type == String.class && e instanceof Expr.Str(String s)) {
            return s;
        }
        if (type == SockOpt.Linger.class && e instanceof Expr.Struct s) {
            return new SockOpt.Linger(member(s, a, 0, "onoff", "l_onoff") != 0,
                    (int) member(s, a, 1, "linger", "l_linger"));
        }
        if (type == Duration.class && e instanceof Expr.Struct s) {
            return Duration.ofSeconds(member(s, a, 0, "tv_sec"), member(s, a, 1, "tv_usec") * 1000);
        }
        throw new UnsupportedConstruct(line, "sockopt " + opt.label() + " value " + Args.show(e));
    }

    /**
     * Compares a value read with what the script expects.
     *
     * @return null when they agree (or the script does not say), else the value as the script would write it
     */
    static String compare(Object actual, Expr expected, Args a) {
        if (Args.isEllipsis(expected)) {
            return null;
        }
        return switch (actual) {
            case Integer i -> i == a.integer(expected) ? null : "[" + i + "]";
            case Long l -> l == a.integer(expected) ? null : "[" + Long.toUnsignedString(l) + "]";
            case SockOpt.Linger l -> expected instanceof Expr.Struct s
                    && (member(s, a, 0, "onoff", "l_onoff") != 0) == l.onoff()
                    && member(s, a, 1, "linger", "l_linger") == l.seconds()
                    ? null : "{onoff=" + (l.onoff() ? 1 : 0) + ", linger=" + l.seconds() + "}";
            case Duration d -> expected instanceof Expr.Struct s && member(s, a, 0, "tv_sec") == d.toSeconds()
                    && member(s, a, 1, "tv_usec") == d.toNanosPart() / 1000
                    ? null : "{tv_sec=" + d.toSeconds() + ", tv_usec=" + d.toNanosPart() / 1000 + "}";
            case String s -> expected instanceof Expr.Str(String x) && x.equals(s) ? null : "\"" + s + "\"";
            default -> String.valueOf(actual);
        };
    }

    private static long member(Expr.Struct s, Args a, int position, String... names) {
        for (String n : names) {
            Expr v = Args.field(s, n);
            if (v != null) {
                return a.integer(v);
            }
        }
        if (position < s.members().size() && !(s.members().get(position) instanceof Expr.Field)) {
            return a.integer(s.members().get(position));
        }
        return 0;
    }
}
