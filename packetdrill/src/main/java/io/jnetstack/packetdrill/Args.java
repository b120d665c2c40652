package io.jnetstack.packetdrill;

import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.wire.Ipv4Address;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates a system call's argument expressions: integers and symbolic constants, or-ed flags,
 * {@code [N]} pointers to one integer, buffers ({@code ...} or a string), {@code sockaddr_in}
 * structs and {@code iovec} arrays. What a script writes that has no meaning here is an
 * {@link UnsupportedConstruct} naming it.
 */
final class Args {

    private final int line;

    /** @param line the script line the arguments are on */
    Args(int line) {
        this.line = line;
    }

    /** @return whether {@code e} is {@code ...} */
    static boolean isEllipsis(Expr e) {
        return e instanceof Expr.Ellipsis;
    }

    /**
     * @param e an integer expression: a number, a constant, {@code a|b}, {@code -x},
     *          {@code htons(x)}, {@code htonl(x)}, {@code inet_addr("a.b.c.d")}, or {@code [x]}
     * @return its value
     */
    long integer(Expr e) {
        return switch (e) {
            case Expr.Int i -> i.value();
            case Expr.Ident id -> constant(id.name());
            case Expr.BitOr b -> {
                long v = 0;
                for (Expr t : b.terms()) {
                    v |= integer(t);
                }
                yield v;
            }
            case Expr.Negate n -> -integer(n.operand());
            case Expr.ListExpr l when l.elements().size() == 1 -> integer(l.elements().getFirst());
            case Expr.Call c -> call(c);
            default -> throw new UnsupportedConstruct(line, "argument " + show(e) + " (not an integer)");
        };
    }

    private long constant(String name) {
        Long v = Constants.value(name);
        if (v == null) {
            throw new UnsupportedConstruct(line, "constant " + name);
        }
        return v;
    }

    private long call(Expr.Call c) {
        if (c.args().size() == 1) {
            switch (c.name()) {
                case "htons", "htonl", "ntohs", "ntohl" -> {
                    return integer(c.args().getFirst());
                }
                case "inet_addr" -> {
                    if (c.args().getFirst() instanceof Expr.Str(String s)) {
                        try {
                            return Ipv4Address.parse(s) & 0xffffffffL;
                        } catch (IllegalArgumentException ex) {
                            throw new UnsupportedConstruct(line, "address \"" + s + "\" (IPv4 only)");
                        }
                    }
                }
                default -> { }
            }
        }
        throw new UnsupportedConstruct(line, "expression " + c.name() + "(...)");
    }

    /** @return {@code e} as an int-sized integer */
    int integer32(Expr e) {
        return (int) integer(e);
    }

    /**
     * A buffer for a send or receive of {@code length} bytes. {@code ...} gives zeros (or room);
     * a string gives its bytes.
     *
     * @param e      the buffer argument
     * @param length the length argument
     * @return a buffer positioned at 0 with {@code length} bytes remaining
     */
    ByteBuffer buffer(Expr e, long length) {
        if (length < 0 || length > 64L << 20) {
            throw new UnsupportedConstruct(line, "buffer length " + length);
        }
        return switch (e) {
            case Expr.Ellipsis x -> ByteBuffer.allocate((int) length);
            case Expr.Str(String s) -> {
                ByteBuffer b = ByteBuffer.allocate((int) length);
                byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
                b.put(bytes, 0, Math.min(bytes.length, (int) length));
                yield b.clear();
            }
            case Expr.Ident(String n) when n.equals("NULL") ->
                    throw new UnsupportedConstruct(line, "a NULL buffer (EFAULT is the kernel's copy_from_user)");
            default -> throw new UnsupportedConstruct(line, "buffer " + show(e));
        };
    }

    /**
     * An address argument.
     *
     * @param e        {@code ...}, {@code NULL}, or
     *                 {@code {sin_family=AF_INET, sin_port=htons(N), sin_addr=inet_addr("a")}}
     * @param fallback what {@code ...} means for this call
     * @return the address; null for {@code NULL} and for {@code {sa_family=AF_UNSPEC}} (no address:
     *         the connected peer, or for connect, dissolving the association)
     */
    SockAddrIn sockaddr(Expr e, SockAddrIn fallback) {
        if (e instanceof Expr.Ellipsis) {
            return fallback;
        }
        if (e instanceof Expr.Ident(String n) && n.equals("NULL")) {
            return null;
        }
        if (e instanceof Expr.Struct s && s.members().size() == 1 && Args.field(s, "sa_family") != null
                && integer(Args.field(s, "sa_family")) == 0) {
            return null;
        }
        if (!(e instanceof Expr.Struct s)) {
            throw new UnsupportedConstruct(line, "address " + show(e));
        }
        int port = 0;
        int addr = 0;
        for (Expr m : s.members()) {
            if (!(m instanceof Expr.Field f)) {
                throw new UnsupportedConstruct(line, "address " + show(e) + " (fields must be named)");
            }
            switch (f.name()) {
                case "sin_family", "sa_family" -> {
                    if (integer(f.value()) != 2) {
                        throw new UnsupportedConstruct(line, "address family " + show(f.value()) + " (AF_INET only)");
                    }
                }
                case "sin_port" -> port = integer32(f.value());
                case "sin_addr" -> addr = integer32(f.value());
                default -> throw new UnsupportedConstruct(line, "sockaddr field " + f.name());
            }
        }
        return new SockAddrIn(addr, port & 0xffff);
    }

    /**
     * The lengths of an {@code iovec} array such as {@code [{..., 10}, {iov_base=..., iov_len=5}]}.
     *
     * @param e the array
     * @return one buffer per element
     */
    ByteBuffer[] iovec(Expr e) {
        if (!(e instanceof Expr.ListExpr l)) {
            throw new UnsupportedConstruct(line, "iovec " + show(e));
        }
        List<ByteBuffer> out = new ArrayList<>();
        for (Expr el : l.elements()) {
            if (!(el instanceof Expr.Struct s) || s.members().size() != 2) {
                throw new UnsupportedConstruct(line, "iovec element " + show(el));
            }
            Expr base = value(s.members().get(0));
            Expr len = value(s.members().get(1));
            out.add(buffer(base, integer(len)));
        }
        return out.toArray(ByteBuffer[]::new);
    }

    /** @return a struct member's value, whether written {@code name=value} or by position */
    static Expr value(Expr member) {
        return member instanceof Expr.Field f ? f.value() : member;
    }

    /**
     * @param s    a struct
     * @param name a field name
     * @return the field's value, or null when the struct has no such named field
     */
    static Expr field(Expr.Struct s, String name) {
        for (Expr m : s.members()) {
            if (m instanceof Expr.Field f && f.name().equals(name)) {
                return f.value();
            }
        }
        return null;
    }

    /** @return {@code e} roughly as written, for messages */
    static String show(Expr e) {
        return switch (e) {
            case Expr.Int i -> i.text();
            case Expr.Fraction f -> f.text();
            case Expr.Ident i -> i.name();
            case Expr.Str s -> "\"" + s.value() + "\"";
            case Expr.Ellipsis x -> "...";
            case Expr.Negate n -> "-" + show(n.operand());
            case Expr.BitOr b -> String.join("|", b.terms().stream().map(Args::show).toList());
            case Expr.Call c -> c.name() + "(" + String.join(", ", c.args().stream().map(Args::show).toList()) + ")";
            case Expr.ListExpr l -> "[" + String.join(", ", l.elements().stream().map(Args::show).toList()) + "]";
            case Expr.Struct s -> "{" + String.join(", ", s.members().stream().map(Args::show).toList()) + "}";
            case Expr.Field f -> show(f.key()) + "=" + show(f.value());
        };
    }
}
