package io.jnetstack.packetdrill;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a .pkt script into a {@link Script}.
 *
 * <p>A script is a sequence of events, each on its own line (a system call's arguments may run
 * over several lines inside brackets). An event is an option line {@code --name=value}, or an
 * optional time column followed by a shell block, a code block, a system call
 * {@code name(args) = result [ERRNO] [(note)]}, or a packet line starting with {@code <} (injected)
 * or {@code >} (expected). Packet lines are parsed by {@link PacketParser}.
 */
public final class Parser {

    private final TokenStream ts;

    private Parser(TokenStream ts) {
        this.ts = ts;
    }

    /**
     * Reads and parses a script file.
     *
     * @param path the file
     * @return the script, named by {@code path}
     * @throws IOException    if the file cannot be read
     * @throws ParseException if it is not a valid script
     */
    public static Script parse(Path path) throws IOException, ParseException {
        String src = new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
        return parse(path.toString(), src);
    }

    /**
     * Parses a script's text.
     *
     * @param file the name used in error messages
     * @param src  the text
     * @return the script
     * @throws ParseException if it is not a valid script
     */
    public static Script parse(String file, String src) throws ParseException {
        List<Token> tokens = Lexer.tokenize(file, src);
        return new Parser(new TokenStream(file, src, tokens)).script();
    }

    private Script script() throws ParseException {
        List<Event> events = new ArrayList<>();
        List<EventKind.OptionEvent> options = new ArrayList<>();
        while (!ts.at(Token.Kind.EOF)) {
            if (ts.at(Token.Kind.NEWLINE)) {
                ts.next();
                continue;
            }
            Event event = event();
            if (event.kind() instanceof EventKind.OptionEvent option) {
                options.add(option);
            }
            events.add(event);
            if (!ts.at(Token.Kind.NEWLINE) && !ts.at(Token.Kind.EOF)) {
                throw ts.error("unexpected " + ts.peek().describe() + " after the event; expected end of line");
            }
        }
        return new Script(ts.file(), options, events);
    }

    private Event event() throws ParseException {
        int line = ts.peek().line();
        if (ts.at(Token.Kind.OPTION)) {
            return new Event(TimeSpec.NONE, option(ts.next().text()), line);
        }
        TimeSpec time = TimeSpec.NONE;
        if (ts.at(Token.Kind.NUMBER) || ts.at('+') || ts.at('*')) {
            time = time();
        }
        Token t = ts.peek();
        if (t.kind() == Token.Kind.SHELL) {
            return new Event(time, new EventKind.ShellEvent(ts.next().text()), line);
        }
        if (t.kind() == Token.Kind.CODE) {
            return new Event(time, new EventKind.CodeEvent(ts.next().text()), line);
        }
        if (time.kind() == TimeSpec.Kind.NONE) {
            throw ts.error("expected a time, an option, a shell or a code block but found " + t.describe());
        }
        if (t.is('<') || t.is('>')) {
            ts.next();
            return new Event(time, new EventKind.PacketEvent(t.is('<'), new PacketParser(ts).packet()), line);
        }
        if (t.kind() == Token.Kind.IDENT && ts.peek(1).is('(')) {
            return new Event(time, syscall(), line);
        }
        throw ts.error("expected a system call, a packet ('<' or '>'), a shell or a code block after the time"
                + " but found " + t.describe());
    }

    private static EventKind.OptionEvent option(String text) {
        int eq = text.indexOf('=');
        return eq < 0
                ? new EventKind.OptionEvent(text, null)
                : new EventKind.OptionEvent(text.substring(0, eq), text.substring(eq + 1));
    }

    private TimeSpec time() throws ParseException {
        if (ts.accept('*')) {
            return TimeSpec.ANY;
        }
        TimeSpec.Moment start = moment();
        if (ts.accept('~')) {
            return new TimeSpec(TimeSpec.Kind.RANGE, start, moment());
        }
        if (ts.at(Token.Kind.ELLIPSIS)) {
            ts.next();
            return new TimeSpec(TimeSpec.Kind.BLOCKING, start, moment());
        }
        return new TimeSpec(TimeSpec.Kind.POINT, start, null);
    }

    private TimeSpec.Moment moment() throws ParseException {
        boolean relative = ts.accept('+');
        Token t = ts.expect(Token.Kind.NUMBER, "a time in seconds");
        try {
            long micros = new BigDecimal(t.text()).movePointRight(6).setScale(0, RoundingMode.HALF_UP)
                    .longValueExact();
            return new TimeSpec.Moment(relative, micros, t.text());
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ParseException(ts.file(), t.line(), "bad time '" + t.text() + "'");
        }
    }

    private EventKind.SyscallEvent syscall() throws ParseException {
        String name = ts.next().text();
        Token open = ts.expect('(', "after the system call's name");
        List<Expr> args = exprList(open, ')', false);
        ts.expect('=', "after " + name + "(...)");
        Expr result = expr(false);
        String errno = null;
        if (ts.at(Token.Kind.IDENT)) {
            errno = ts.next().text();
        }
        String note = ts.at('(') ? note() : null;
        return new EventKind.SyscallEvent(name, args, result, errno, note);
    }

    /** The free text in parentheses after a result: taken verbatim from the source. */
    private String note() throws ParseException {
        Token open = ts.next();
        int depth = 1;
        while (true) {
            Token t = ts.next();
            if (t.kind() == Token.Kind.EOF) {
                throw new ParseException(ts.file(), open.line(), "'(' after the result is not closed");
            }
            if (t.is('(')) {
                depth++;
            } else if (t.is(')') && --depth == 0) {
                return ts.slice(open.end(), t.start()).strip();
            }
        }
    }

    /**
     * Comma-separated expressions up to {@code close}, which is consumed. When the closing
     * bracket is missing, the error names the line of {@code open} as well, since the lexer
     * has joined the lines that follow it.
     */
    private List<Expr> exprList(Token open, char close, boolean fields) throws ParseException {
        List<Expr> items = new ArrayList<>();
        while (!ts.accept(close)) {
            items.add(expr(fields));
            if (!ts.accept(',')) {
                if (!ts.at(close) && ts.peek().line() != open.line()) {
                    throw ts.error("expected '" + close + "' or ',' in a list but found " + ts.peek().describe()
                            + " (the '" + open.text() + "' on line " + open.line() + " is not closed)");
                }
                ts.expect(close, "or ',' in a list");
                break;
            }
        }
        return items;
    }

    /** An expression; when {@code fields}, also {@code key=value}. */
    Expr expr(boolean fields) throws ParseException {
        List<Expr> terms = new ArrayList<>();
        terms.add(term());
        while (ts.accept('|')) {
            terms.add(term());
        }
        Expr e = terms.size() == 1 ? terms.getFirst() : new Expr.BitOr(terms);
        if (fields && ts.at('=')) {
            if (!(e instanceof Expr.Ident) && !(e instanceof Expr.Call)) {
                throw ts.error("a struct field's name must be a name, not " + e);
            }
            ts.next();
            return new Expr.Field(e, expr(false));
        }
        return e;
    }

    private Expr term() throws ParseException {
        if (ts.accept('-')) {
            Expr operand = term();
            if (operand instanceof Expr.Int(long v, String text)) {
                return new Expr.Int(-v, "-" + text);
            }
            return new Expr.Negate(operand);
        }
        Token t = ts.peek();
        return switch (t.kind()) {
            case NUMBER -> number(ts.next());
            case STRING -> new Expr.Str(ts.next().text());
            case ELLIPSIS -> {
                ts.next();
                yield new Expr.Ellipsis();
            }
            case IDENT -> identOrCall(ts.next());
            case PUNCT -> bracketed(t);
            default -> throw ts.error("expected an expression but found " + t.describe());
        };
    }

    private Expr bracketed(Token t) throws ParseException {
        if (t.is('[')) {
            return new Expr.ListExpr(exprList(ts.next(), ']', false));
        }
        if (t.is('{')) {
            return new Expr.Struct(exprList(ts.next(), '}', true));
        }
        if (ts.accept('(')) {
            Expr inner = expr(false);
            ts.expect(')', "to close '('");
            return inner;
        }
        throw ts.error("expected an expression but found " + t.describe());
    }

    private Expr identOrCall(Token name) throws ParseException {
        if (ts.at('(') && !ts.peek().spaceBefore()) {
            return new Expr.Call(name.text(), exprList(ts.next(), ')', false));
        }
        return new Expr.Ident(name.text());
    }

    private Expr number(Token t) throws ParseException {
        if (t.text().indexOf('.') >= 0) {
            return new Expr.Fraction(t.text());
        }
        try {
            return new Expr.Int(TokenStream.parseInteger(t.text()), t.text());
        } catch (NumberFormatException e) {
            throw new ParseException(ts.file(), t.line(), "integer out of range '" + t.text() + "'");
        }
    }
}
