package io.jnetstack.packetdrill;

import java.util.List;

/** A cursor over a script's tokens with the helpers both parsers share. */
final class TokenStream {

    private final String file;
    private final String src;
    private final List<Token> tokens;
    private int pos;

    TokenStream(String file, String src, List<Token> tokens) {
        this.file = file;
        this.src = src;
        this.tokens = tokens;
    }

    Token peek() {
        return tokens.get(pos);
    }

    Token peek(int ahead) {
        return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
    }

    Token next() {
        Token t = tokens.get(pos);
        if (t.kind() != Token.Kind.EOF) {
            pos++;
        }
        return t;
    }

    boolean at(Token.Kind kind) {
        return peek().kind() == kind;
    }

    boolean at(char c) {
        return peek().is(c);
    }

    boolean atIdent(String name) {
        return peek().isIdent(name);
    }

    /** Consumes the punctuation {@code c} if it is next. */
    boolean accept(char c) {
        if (at(c)) {
            pos++;
            return true;
        }
        return false;
    }

    Token expect(char c, String context) throws ParseException {
        if (!at(c)) {
            throw error("expected '" + c + "' " + context + " but found " + peek().describe());
        }
        return next();
    }

    Token expect(Token.Kind kind, String what) throws ParseException {
        if (!at(kind)) {
            throw error("expected " + what + " but found " + peek().describe());
        }
        return next();
    }

    /** Reads an integer literal, decimal or hex. */
    long integer(String what) throws ParseException {
        Token t = expect(Token.Kind.NUMBER, what);
        try {
            return parseInteger(t.text());
        } catch (NumberFormatException e) {
            throw new ParseException(file, t.line(), "bad " + what + " '" + t.text() + "'");
        }
    }

    /** The source text between two offsets (for free-text notes). */
    String slice(int from, int to) {
        return src.substring(from, to);
    }

    ParseException error(String message) {
        return new ParseException(file, peek().line(), message);
    }

    String file() {
        return file;
    }

    static long parseInteger(String text) {
        if (text.startsWith("0x") || text.startsWith("0X")) {
            return Long.parseUnsignedLong(text.substring(2), 16);
        }
        return Long.parseLong(text);
    }
}
