package io.jnetstack.packetdrill;

/**
 * One lexical token of a .pkt script.
 *
 * @param kind   the token's class
 * @param text   the token's text: the lexeme, or for raw blocks (shell, code, option) their body
 * @param line   1-based line where the token starts
 * @param start  offset of the token's first character in the source
 * @param end    offset just past the token's last character in the source
 * @param spaceBefore whether white space or a comment separates it from the previous token
 */
public record Token(Kind kind, String text, int line, int start, int end, boolean spaceBefore) {

    /** Token classes. */
    public enum Kind {
        /** A name: letters, digits and underscores, not starting with a digit. */
        IDENT,
        /** A decimal or hexadecimal integer, or a decimal fraction such as {@code 0.100} or {@code .1}. */
        NUMBER,
        /** A run of letters and digits that starts with a digit but is not a number (a hex cookie). */
        WORD,
        /** A double-quoted string; {@code text} holds the decoded contents. */
        STRING,
        /** A back-quoted shell block; {@code text} holds the commands. */
        SHELL,
        /** A {@code %{ ... }%} block; {@code text} holds the code. */
        CODE,
        /** A {@code --name[=value]} line; {@code text} holds {@code name[=value]}. */
        OPTION,
        /** {@code ...}, the "any value" marker. */
        ELLIPSIS,
        /** Any other single character. */
        PUNCT,
        /** The end of a line outside brackets (events end at line ends). */
        NEWLINE,
        /** The end of the script. */
        EOF
    }

    /** @return whether this is the punctuation character {@code c} */
    public boolean is(char c) {
        return kind == Kind.PUNCT && text.length() == 1 && text.charAt(0) == c;
    }

    /** @return whether this is the identifier {@code name} */
    public boolean isIdent(String name) {
        return kind == Kind.IDENT && text.equals(name);
    }

    /** @return a short description for error messages */
    public String describe() {
        return switch (kind) {
            case NEWLINE -> "end of line";
            case EOF -> "end of file";
            case SHELL -> "shell block";
            case CODE -> "code block";
            case STRING -> "string \"" + text + "\"";
            default -> "'" + text + "'";
        };
    }
}
