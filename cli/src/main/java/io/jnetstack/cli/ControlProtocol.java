package io.jnetstack.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The line protocol of a host's control socket ({@code jnetstack host}), one request per
 * connection:
 *
 * <pre>
 * request:   ip route show table all            one line: a subcommand (ip, nstat, sysctl, ping, link, ss)
 *                                               and its arguments, separated by spaces; a word with
 *                                               spaces or quotes in "double quotes" (\" and \\ inside)
 * response:  default via 198.18.0.1 dev tap0    the command's standard output, line by line as it comes
 *            ! RTNETLINK answers: File exists   its standard error, each line after "! "
 *            exit 2                             last line: the exit status; then the server closes
 * </pre>
 *
 * So {@code echo "nstat -z Icmp*" | socat - UNIX-CONNECT:/run/jnetstack/tap0.sock} works too.
 * A client keeps its side of the connection open until the exit line: closing it (or shutting
 * down its sending side) stops a running ping, which then sends its statistics; that is how a
 * ping without {@code -c} or {@code -w} ends when its client is interrupted. For a ping through
 * socat, keep its input open: {@code (echo "ping -c 3 198.18.0.1"; sleep 4) | socat - UNIX-CONNECT:...}.
 * The socket is {@code /run/jnetstack/NAME.sock}, or {@code /tmp/jnetstack/NAME.sock} when
 * {@code /run} is not writable.
 */
final class ControlProtocol {
    /** The subcommands a control socket serves. */
    static final List<String> SERVED = List.of("ip", "nstat", "sysctl", "ping", "link", "ss");
    /** Where sockets live, in order of preference. */
    static final List<Path> DIRECTORIES = List.of(Path.of("/run/jnetstack"), Path.of("/tmp/jnetstack"));
    /** Prefix of a standard-error line in a response. */
    static final String ERR = "! ";
    /** The last line of a response. */
    static final Pattern EXIT = Pattern.compile("exit (\\d{1,3})");
    /** The longest request line accepted. */
    static final int MAX_REQUEST = 65536;
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._/:=+@%,*?\\[\\]^-]+");

    private ControlProtocol() {
    }

    /** The request line for {@code words}. */
    static String join(List<String> words) {
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            if (PLAIN.matcher(w).matches()) {
                sb.append(w);
            } else {
                sb.append('"').append(w.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return sb.toString();
    }

    /** The words of a request line: split at spaces, "double" and 'single' quotes group, \ escapes in double quotes. */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = null;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    w.append(line.charAt(++i));
                } else {
                    w.append(c);
                }
            } else if (Character.isWhitespace(c)) {
                if (w != null) {
                    words.add(w.toString());
                    w = null;
                }
            } else {
                w = w == null ? new StringBuilder() : w;
                if (c == '"' || c == '\'') {
                    quote = c;
                } else {
                    w.append(c);
                }
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unterminated quote in the request");
        }
        if (w != null) {
            words.add(w.toString());
        }
        return words;
    }

    /** The socket of host {@code name}: a path when it contains '/', else the first existing NAME.sock. */
    static Path find(String name) {
        if (name.contains("/")) {
            return Path.of(name);
        }
        for (Path d : DIRECTORIES) {
            Path p = d.resolve(name + ".sock");
            if (Files.exists(p)) {
                return p;
            }
        }
        return null;
    }
}
