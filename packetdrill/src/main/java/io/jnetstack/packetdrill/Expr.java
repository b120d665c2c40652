package io.jnetstack.packetdrill;

import java.util.List;

/** An expression in a system call's arguments or result. */
public sealed interface Expr {

    /** An integer, written in decimal or hex; {@code text} is as written. */
    record Int(long value, String text) implements Expr { }

    /** A decimal fraction such as {@code 0.5}, kept as written. */
    record Fraction(String text) implements Expr { }

    /** A symbolic constant or file-descriptor name, such as {@code SOL_SOCKET} or {@code NULL}. */
    record Ident(String name) implements Expr { }

    /** A double-quoted string, decoded. */
    record Str(String value) implements Expr { }

    /** {@code ...}: any value (an address, a buffer the script does not care about). */
    record Ellipsis() implements Expr { }

    /** {@code -x} for a non-literal x. */
    record Negate(Expr operand) implements Expr { }

    /** {@code a|b|c}, a bitwise or of flags. */
    record BitOr(List<Expr> terms) implements Expr { }

    /** {@code name(args)}, such as {@code htonl(1)} or the field key {@code msg_iov(1)}. */
    record Call(String name, List<Expr> args) implements Expr { }

    /** {@code [a, b]}: a pointer to one value or an array. */
    record ListExpr(List<Expr> elements) implements Expr { }

    /** {@code {a=1, b=2}} or {@code {..., 10}}: a struct, with named or positional members. */
    record Struct(List<Expr> members) implements Expr { }

    /** {@code key=value} inside a struct; the key is an {@link Ident} or a {@link Call}. */
    record Field(Expr key, Expr value) implements Expr {

        /** @return the key's name, without arguments */
        public String name() {
            return switch (key) {
                case Ident i -> i.name();
                case Call c -> c.name();
                default -> key.toString();
            };
        }
    }
}
