package io.jnetstack.packetdrill;

/**
 * A script that does not follow the .pkt grammar. The message reads {@code file:line: message},
 * the form compilers use, so that editors and humans can jump to the offending line.
 */
public final class ParseException extends Exception {

    private final String file;
    private final int line;
    private final String detail;

    /**
     * @param file   the script's name as given to the parser
     * @param line   1-based line of the offending token
     * @param detail what was wrong, without the location prefix
     */
    public ParseException(String file, int line, String detail) {
        super(file + ":" + line + ": " + detail);
        this.file = file;
        this.line = line;
        this.detail = detail;
    }

    /** @return the script's name as given to the parser */
    public String file() {
        return file;
    }

    /** @return the 1-based line of the error */
    public int line() {
        return line;
    }

    /** @return the message without the {@code file:line: } prefix */
    public String detail() {
        return detail;
    }
}
