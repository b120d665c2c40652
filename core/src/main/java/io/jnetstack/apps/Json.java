package io.jnetstack.apps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON (RFC 8259) reader and writer, enough for the iperf3 control protocol's
 * parameters and results and for reading iperf3's {@code -J} reports. Values map to Java as:
 * object → {@code Map<String, Object>} (insertion-ordered), array → {@code List<Object>},
 * string → {@link String}, number → {@link Long} when integral and in range, else
 * {@link Double}, {@code true}/{@code false} → {@link Boolean}, {@code null} → {@code null}.
 *
 * <p>The reader takes untrusted input: it checks everything, limits nesting to
 * {@value #MAX_DEPTH} levels and reports any defect as an {@link IllegalArgumentException}
 * naming the offset, never anything else.
 */
public final class Json {
    /** Deepest nesting of objects and arrays the reader accepts. */
    public static final int MAX_DEPTH = 64;

    private final String in;
    private int pos;

    private Json(String in) {
        this.in = in;
    }

    // ================================================================ reading

    /**
     * Parses one JSON text (surrounding white space allowed).
     *
     * @throws IllegalArgumentException when {@code text} is not valid JSON
     */
    public static Object parse(String text) {
        Json p = new Json(text);
        p.skipSpace();
        Object v = p.value(0);
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the value");
        }
        return v;
    }

    /**
     * Parses a JSON text that must be an object.
     *
     * @throws IllegalArgumentException when {@code text} is not a JSON object
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object v = parse(text);
        if (!(v instanceof Map)) {
            throw new IllegalArgumentException("JSON: an object was expected, not " + describe(v));
        }
        return (Map<String, Object>) v;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH + " levels");
        }
        if (pos >= in.length()) {
            throw error("a value was expected");
        }
        char c = in.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        pos++;
        skipSpace();
        if (peek() == '}') {
            pos++;
            return m;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("a member name in quotes was expected");
            }
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            m.put(key, value(depth + 1));
            skipSpace();
            char c = next();
            if (c == '}') {
                return m;
            }
            if (c != ',') {
                throw error("',' or '}' was expected");
            }
        }
    }

    private List<Object> array(int depth) {
        List<Object> a = new ArrayList<>();
        pos++;
        skipSpace();
        if (peek() == ']') {
            pos++;
            return a;
        }
        while (true) {
            skipSpace();
            a.add(value(depth + 1));
            skipSpace();
            char c = next();
            if (c == ']') {
                return a;
            }
            if (c != ',') {
                throw error("',' or ']' was expected");
            }
        }
    }

    private String string() {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("a control character inside a string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> sb.append(hex4());
                default -> throw error("a bad escape '\\" + e + "'");
            }
        }
    }

    private char hex4() {
        if (pos + 4 > in.length()) {
            throw error("a truncated \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(in.charAt(pos++), 16);
            if (d < 0) {
                throw error("a bad hex digit in a \\u escape");
            }
            v = v << 4 | d;
        }
        return (char) v;
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        boolean integral = true;
        if (peek() == '0') {
            pos++;
        } else if (!digits()) {
            throw error("a digit was expected");
        }
        if (peek() == '.') {
            pos++;
            integral = false;
            if (!digits()) {
                throw error("a digit was expected after '.'");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            integral = false;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digits()) {
                throw error("a digit was expected in the exponent");
            }
        }
        String t = in.substring(start, pos);
        if (integral && t.length() <= 18) {
            return Long.parseLong(t);
        }
        return Double.parseDouble(t);
    }

    private boolean digits() {
        int start = pos;
        while (pos < in.length() && in.charAt(pos) >= '0' && in.charAt(pos) <= '9') {
            pos++;
        }
        return pos > start;
    }

    private Object literal(String word, Object v) {
        if (!in.startsWith(word, pos)) {
            throw error("'" + word + "' was expected");
        }
        pos += word.length();
        return v;
    }

    private void skipSpace() {
        while (pos < in.length()) {
            char c = in.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private char peek() {
        return pos < in.length() ? in.charAt(pos) : '\0';
    }

    private char next() {
        if (pos >= in.length()) {
            throw error("the text ends too early");
        }
        return in.charAt(pos++);
    }

    private void expect(char c) {
        if (next() != c) {
            throw error("'" + c + "' was expected");
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("JSON: " + what + " at offset " + pos);
    }

    private static String describe(Object v) {
        return v == null ? "null" : v instanceof List ? "an array" : v.getClass().getSimpleName();
    }

    // ================================================================ member access

    /**
     * The value at a path of object keys ({@code at(doc, "end", "sum_received")}), or null when
     * a key is missing or a step is not an object.
     */
    public static Object at(Object doc, String... path) {
        Object v = doc;
        for (String key : path) {
            if (!(v instanceof Map<?, ?> m)) {
                return null;
            }
            v = m.get(key);
        }
        return v;
    }

    /** Member {@code key} of {@code obj} as a long (a fractional number is truncated), or {@code dflt} when absent or not a number. */
    public static long getLong(Map<String, Object> obj, String key, long dflt) {
        return obj.get(key) instanceof Number n ? (n instanceof Long l ? l : (long) n.doubleValue()) : dflt;
    }

    /** Member {@code key} of {@code obj} as a double, or {@code dflt} when absent or not a number. */
    public static double getDouble(Map<String, Object> obj, String key, double dflt) {
        return obj.get(key) instanceof Number n ? n.doubleValue() : dflt;
    }

    /** Member {@code key} of {@code obj} as a string, or {@code dflt} when absent or not a string. */
    public static String getString(Map<String, Object> obj, String key, String dflt) {
        return obj.get(key) instanceof String s ? s : dflt;
    }

    /** Member {@code key} of {@code obj} as an object, or null when absent or not an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> getObject(Map<String, Object> obj, String key) {
        return obj.get(key) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    /** Member {@code key} of {@code obj} as an array, or an empty list when absent or not an array. */
    @SuppressWarnings("unchecked")
    public static List<Object> getArray(Map<String, Object> obj, String key) {
        return obj.get(key) instanceof List<?> l ? (List<Object>) l : List.of();
    }

    // ================================================================ writing

    /**
     * Writes {@code value} (built of maps with string keys, lists, strings, numbers, booleans
     * and nulls) as compact JSON. Non-finite numbers become {@code null}, as JSON has none.
     *
     * @throws IllegalArgumentException for any other kind of value
     */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> quote(sb, s);
            case Boolean b -> sb.append(b);
            case Long l -> sb.append(l);
            case Integer i -> sb.append(i);
            case Number n -> number(sb, n.doubleValue());
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    quote(sb, String.valueOf(e.getKey()));
                    sb.append(':');
                    write(sb, e.getValue());
                }
                sb.append('}');
            }
            case List<?> l -> {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    write(sb, l.get(i));
                }
                sb.append(']');
            }
            default -> throw new IllegalArgumentException("JSON: cannot write a " + v.getClass().getName());
        }
    }

    private static void number(StringBuilder sb, double d) {
        if (!Double.isFinite(d)) {
            sb.append("null");
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            sb.append((long) d);
        } else {
            sb.append(d);
        }
    }

    /** Appends {@code s} as a JSON string: quoted, with quotes, backslashes and controls escaped. */
    public static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
