package io.jnetstack.packetdrill;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a .pkt script into {@link Token}s.
 *
 * <p>Comments ({@code //} to the end of the line and {@code /* ... *}{@code /}) are dropped. Shell
 * blocks (back quotes), code blocks ({@code %{ ... }%}) and option lines ({@code --name=value}) are
 * kept whole as single tokens, since their contents belong to other languages. Line ends become
 * {@link Token.Kind#NEWLINE} tokens only outside parentheses, brackets and braces, so a system call
 * whose arguments span several lines is still one event.
 */
public final class Lexer {

    private final String file;
    private final String src;
    private final List<Token> out = new ArrayList<>();
    private int pos;
    private int line = 1;
    private int depth;
    private boolean space = true;
    private boolean lineStart = true;

    private Lexer(String file, String src) {
        this.file = file;
        this.src = src;
    }

    /**
     * Tokenizes a whole script.
     *
     * @param file name used in error messages
     * @param src  the script's text
     * @return the tokens, ending with {@link Token.Kind#EOF}
     * @throws ParseException on an unterminated string, comment or block
     */
    public static List<Token> tokenize(String file, String src) throws ParseException {
        Lexer lexer = new Lexer(file, src);
        lexer.run();
        return lexer.out;
    }

    private void run() throws ParseException {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\n') {
                newline();
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                pos++;
                space = true;
            } else if (c == '\\' && peek(1) == '\n') {
                pos += 2;
                line++;
                space = true;
            } else if (src.startsWith("//", pos)) {
                skipLineComment();
            } else if (src.startsWith("/*", pos)) {
                skipBlockComment();
            } else {
                token(c);
                lineStart = false;
            }
        }
        if (out.isEmpty() || out.getLast().kind() != Token.Kind.NEWLINE) {
            add(Token.Kind.NEWLINE, "\n", line, pos, pos);
        }
        add(Token.Kind.EOF, "", line, pos, pos);
    }

    private void token(char c) throws ParseException {
        if (c == '`') {
            rawBlock(Token.Kind.SHELL, 1, "`", "shell block (`) is not terminated");
        } else if (c == '%' && peek(1) == '{') {
            rawBlock(Token.Kind.CODE, 2, "}%", "code block %{ is not terminated by }%");
        } else if (c == '-' && peek(1) == '-' && lineStart && Character.isLetter(peek(2))) {
            option();
        } else if (c == '"') {
            string();
        } else if (src.startsWith("...", pos)) {
            add(Token.Kind.ELLIPSIS, "...", line, pos, pos + 3);
            pos += 3;
        } else if (Character.isDigit(c) || (c == '.' && Character.isDigit(peek(1)))) {
            number();
        } else if (Character.isLetter(c) || c == '_') {
            int s = pos;
            while (pos < src.length() && isWordChar(src.charAt(pos))) {
                pos++;
            }
            add(Token.Kind.IDENT, src.substring(s, pos), line, s, pos);
        } else {
            punct(c);
        }
    }

    private void punct(char c) {
        if (c == '(' || c == '[' || c == '{') {
            depth++;
        } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
            depth--;
        }
        add(Token.Kind.PUNCT, String.valueOf(c), line, pos, pos + 1);
        pos++;
    }

    private void newline() {
        if (depth == 0 && !out.isEmpty() && out.getLast().kind() != Token.Kind.NEWLINE) {
            add(Token.Kind.NEWLINE, "\n", line, pos, pos + 1);
        }
        pos++;
        line++;
        space = true;
        lineStart = true;
    }

    private void skipLineComment() {
        while (pos < src.length() && src.charAt(pos) != '\n') {
            pos++;
        }
        space = true;
    }

    private void skipBlockComment() throws ParseException {
        int startLine = line;
        int close = src.indexOf("*/", pos + 2);
        if (close < 0) {
            throw new ParseException(file, startLine, "comment /* is not terminated by */");
        }
        line += count(pos, close);
        pos = close + 2;
        space = true;
    }

    private void rawBlock(Token.Kind kind, int openLen, String close, String error) throws ParseException {
        int startLine = line;
        int s = pos;
        int end = src.indexOf(close, pos + openLen);
        if (end < 0) {
            throw new ParseException(file, startLine, error);
        }
        line += count(pos, end);
        pos = end + close.length();
        add(kind, src.substring(s + openLen, end), startLine, s, pos);
    }

    private void option() {
        int s = pos;
        int end = src.indexOf('\n', pos);
        end = end < 0 ? src.length() : end;
        int comment = src.indexOf("//", pos);
        if (comment >= 0 && comment < end) {
            end = comment;
        }
        pos = end;
        add(Token.Kind.OPTION, src.substring(s + 2, end).strip(), line, s, end);
    }

    private void string() throws ParseException {
        int s = pos;
        StringBuilder sb = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= src.length() || src.charAt(pos) == '\n') {
                throw new ParseException(file, line, "string is not terminated");
            }
            char c = src.charAt(pos++);
            if (c == '"') {
                break;
            }
            if (c == '\\' && pos < src.length()) {
                sb.append(escape());
            } else {
                sb.append(c);
            }
        }
        add(Token.Kind.STRING, sb.toString(), line, s, pos);
    }

    private char escape() throws ParseException {
        char e = src.charAt(pos++);
        return switch (e) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            case '0' -> '\0';
            case 'x' -> hexEscape();
            default -> e;
        };
    }

    private char hexEscape() throws ParseException {
        int s = pos;
        while (pos < src.length() && pos - s < 2 && Character.digit(src.charAt(pos), 16) >= 0) {
            pos++;
        }
        if (pos == s) {
            throw new ParseException(file, line, "\\x escape without hex digits");
        }
        return (char) Integer.parseInt(src.substring(s, pos), 16);
    }

    private void number() {
        int s = pos;
        if (src.startsWith("0x", pos) || src.startsWith("0X", pos)) {
            pos += 2;
        }
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
            pos++;
        }
        if (pos < src.length() && src.charAt(pos) == '.' && Character.isDigit(peek(1))) {
            pos++;
            while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                pos++;
            }
        }
        Token.Kind kind = Token.Kind.NUMBER;
        while (pos < src.length() && isWordChar(src.charAt(pos))) {
            pos++;
            kind = Token.Kind.WORD;
        }
        String text = src.substring(s, pos);
        if (kind == Token.Kind.WORD && text.matches("0[xX][0-9a-fA-F]+")) {
            kind = Token.Kind.NUMBER;
        }
        add(kind, text, line, s, pos);
    }

    private void add(Token.Kind kind, String text, int tokenLine, int s, int e) {
        out.add(new Token(kind, text, tokenLine, s, e, space));
        space = false;
    }

    private char peek(int ahead) {
        int i = pos + ahead;
        return i < src.length() ? src.charAt(i) : '\0';
    }

    private int count(int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (src.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
