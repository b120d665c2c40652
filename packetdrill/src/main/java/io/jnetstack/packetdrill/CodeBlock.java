package io.jnetstack.packetdrill;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The part of Python that {@code %{ }%} blocks use, evaluated against a TCP_INFO snapshot taken
 * at the block's time: statements {@code assert EXPR[, message]}, {@code NAME = EXPR},
 * {@code NAME += EXPR} (and {@code -=}, {@code *=}), {@code print(...)} (ignored), separated by
 * new lines or {@code ;}, with {@code #} comments. Expressions are integers with
 * {@code or and not}, chained comparisons ({@code 5000 <= tcpi_rtt <= 20000}), {@code | ^ &},
 * shifts, {@code + - * // %}, unary minus and parentheses. Names are the script's variables
 * (kept from block to block), {@code tcpi_*} fields, and constants such as {@code TCP_CA_Open}.
 * The message after an assertion's comma is not evaluated.
 */
final class CodeBlock {

    /** An expression node. */
    private sealed interface Node permits Num, Name, Unary, Binary, Chain, Not, Bool { }

    private record Num(long value) implements Node { }

    private record Name(String name) implements Node { }

    private record Unary(char op, Node operand) implements Node { }

    private record Binary(String op, Node left, Node right) implements Node { }

    private record Chain(List<Node> operands, List<String> ops) implements Node { }

    private record Not(Node operand) implements Node { }

    private record Bool(boolean and, Node left, Node right) implements Node { }

    /**
     * One statement.
     *
     * @param text   as written
     * @param assign the variable assigned, or null for an assertion
     * @param op     {@code =}, {@code +=}, ... for an assignment
     * @param expr   the value or the asserted condition; null for a statement that does nothing
     */
    private record Statement(String text, String assign, String op, Node expr) { }

    private final List<Statement> statements;

    private CodeBlock(List<Statement> statements) {
        this.statements = statements;
    }

    /**
     * Parses a block.
     *
     * @param code the block's text
     * @return the block
     * @throws IllegalArgumentException naming the statement this subset cannot read
     */
    static CodeBlock parse(String code) {
        List<Statement> out = new ArrayList<>();
        for (String raw : code.replace("\\\n", " ").split("[\n;]")) {
            String text = stripComment(raw).strip();
            if (!text.isEmpty()) {
                out.add(statement(text));
            }
        }
        return new CodeBlock(out);
    }

    /** @return whether any statement reads a {@code tcpi_} field */
    boolean readsTcpInfo() {
        return statements.stream().anyMatch(s -> s.expr() != null && mentionsTcpInfo(s.expr()));
    }

    /**
     * Runs the block.
     *
     * @param vars    the script's variables, updated by assignments
     * @param lookup  values of other names (tcp_info fields, constants); null when unknown
     * @param line    the script line
     */
    void run(Map<String, Long> vars, Function<String, Long> lookup, int line) {
        for (Statement s : statements) {
            if (s.expr() == null) {
                continue;
            }
            Map<String, Long> seen = new LinkedHashMap<>();
            long v = eval(s.expr(), name -> resolve(name, vars, lookup, line, seen));
            if (s.assign() == null) {
                if (v == 0) {
                    throw new ScriptFailure(line, "assertion failed: " + s.text() + (seen.isEmpty() ? "" : " " + seen));
                }
            } else {
                vars.put(s.assign(), assign(s, vars, v, line));
            }
        }
    }

    private static long assign(Statement s, Map<String, Long> vars, long v, int line) {
        if (s.op().equals("=")) {
            return v;
        }
        Long old = vars.get(s.assign());
        if (old == null) {
            throw new ScriptFailure(line, "NameError: name '" + s.assign() + "' is not defined in: " + s.text());
        }
        return switch (s.op()) {
            case "+=" -> old + v;
            case "-=" -> old - v;
            default -> old * v;
        };
    }

    private static long resolve(String name, Map<String, Long> vars, Function<String, Long> lookup, int line,
                                Map<String, Long> seen) {
        Long v = vars.get(name);
        if (v == null) {
            v = lookup.apply(name);
        }
        if (v == null) {
            if (name.startsWith("tcpi_")) {
                throw new UnsupportedConstruct(line, "tcp_info field " + name + " (not in the stack's TCP_INFO)");
            }
            throw new ScriptFailure(line, "NameError: name '" + name + "' is not defined");
        }
        if (!name.equals(name.toUpperCase(java.util.Locale.ROOT))) {
            seen.put(name, v);
        }
        return v;
    }

    private static String stripComment(String s) {
        int hash = s.indexOf('#');
        return hash < 0 ? s : s.substring(0, hash);
    }

    private static Statement statement(String text) {
        if (text.startsWith("print(") || text.startsWith("print ")) {
            return new Statement(text, null, null, null);
        }
        if (text.startsWith("assert ") || text.startsWith("assert(")) {
            String body = text.substring("assert".length());
            int comma = topLevelComma(body);
            String cond = comma < 0 ? body : body.substring(0, comma);
            return new Statement(text, null, null, new ExprParser(cond, text).parseAll());
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([A-Za-z_]\\w*)\\s*([-+*]?=)(?!=)(.*)")
                .matcher(text);
        if (m.matches()) {
            return new Statement(text, m.group(1), m.group(2), new ExprParser(m.group(3), text).parseAll());
        }
        throw new IllegalArgumentException("code statement '" + text + "'");
    }

    private static int topLevelComma(String s) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static boolean mentionsTcpInfo(Node n) {
        return switch (n) {
            case Name(String name) -> name.startsWith("tcpi_");
            case Num x -> false;
            case Unary u -> mentionsTcpInfo(u.operand());
            case Binary b -> mentionsTcpInfo(b.left()) || mentionsTcpInfo(b.right());
            case Chain c -> c.operands().stream().anyMatch(CodeBlock::mentionsTcpInfo);
            case Not x -> mentionsTcpInfo(x.operand());
            case Bool b -> mentionsTcpInfo(b.left()) || mentionsTcpInfo(b.right());
        };
    }

    private static long eval(Node n, Function<String, Long> names) {
        return switch (n) {
            case Num(long v) -> v;
            case Name(String name) -> names.apply(name);
            case Unary(char op, Node x) -> op == '-' ? -eval(x, names) : op == '~' ? ~eval(x, names) : eval(x, names);
            case Not(Node x) -> eval(x, names) == 0 ? 1 : 0;
            case Bool(boolean and, Node l, Node r) -> {
                long a = eval(l, names);
                yield and ? (a == 0 ? a : eval(r, names)) : (a != 0 ? a : eval(r, names));
            }
            case Binary b -> binary(b.op(), eval(b.left(), names), eval(b.right(), names));
            case Chain c -> chain(c, names);
        };
    }

    private static long chain(Chain c, Function<String, Long> names) {
        long left = eval(c.operands().getFirst(), names);
        for (int i = 0; i < c.ops().size(); i++) {
            long right = eval(c.operands().get(i + 1), names);
            boolean ok = switch (c.ops().get(i)) {
                case "==" -> left == right;
                case "!=" -> left != right;
                case "<" -> left < right;
                case "<=" -> left <= right;
                case ">" -> left > right;
                default -> left >= right;
            };
            if (!ok) {
                return 0;
            }
            left = right;
        }
        return 1;
    }

    private static long binary(String op, long a, long b) {
        return switch (op) {
            case "|" -> a | b;
            case "^" -> a ^ b;
            case "&" -> a & b;
            case "<<" -> a << b;
            case ">>" -> a >> b;
            case "+" -> a + b;
            case "-" -> a - b;
            case "*" -> a * b;
            case "//", "/" -> Math.floorDiv(a, b);
            default -> Math.floorMod(a, b);
        };
    }

    /** A precedence-climbing parser over one expression's text. */
    private static final class ExprParser {
        private static final List<List<String>> LEVELS = List.of(List.of("|"), List.of("^"), List.of("&"),
                List.of("<<", ">>"), List.of("+", "-"), List.of("*", "//", "/", "%"));
        private static final List<String> COMPARE = List.of("==", "!=", "<=", ">=", "<", ">");

        private final List<String> tokens = new ArrayList<>();
        private final String statement;
        private int pos;

        ExprParser(String text, String statement) {
            this.statement = statement;
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("\\s*(0[xX][0-9a-fA-F]+|\\d+|[A-Za-z_]\\w*|//|<<|>>|==|!=|<=|>=|[-+*/%|^&~()<>])")
                    .matcher(text);
            int at = 0;
            while (at < text.length() && m.find(at) && m.start() == at) {
                tokens.add(m.group(1));
                at = m.end();
            }
            if (!text.substring(at).isBlank()) {
                throw new IllegalArgumentException("code statement '" + statement + "'");
            }
        }

        Node parseAll() {
            Node n = or();
            if (pos != tokens.size()) {
                throw new IllegalArgumentException("code statement '" + statement + "'");
            }
            return n;
        }

        private String peek() {
            return pos < tokens.size() ? tokens.get(pos) : "";
        }

        private boolean accept(String t) {
            if (peek().equals(t)) {
                pos++;
                return true;
            }
            return false;
        }

        private Node or() {
            Node n = and();
            while (accept("or")) {
                n = new Bool(false, n, and());
            }
            return n;
        }

        private Node and() {
            Node n = not();
            while (accept("and")) {
                n = new Bool(true, n, not());
            }
            return n;
        }

        private Node not() {
            return accept("not") ? new Not(not()) : comparison();
        }

        private Node comparison() {
            List<Node> operands = new ArrayList<>(List.of(level(0)));
            List<String> ops = new ArrayList<>();
            while (COMPARE.contains(peek())) {
                ops.add(tokens.get(pos++));
                operands.add(level(0));
            }
            return ops.isEmpty() ? operands.getFirst() : new Chain(operands, ops);
        }

        private Node level(int i) {
            if (i == LEVELS.size()) {
                return unary();
            }
            Node n = level(i + 1);
            while (LEVELS.get(i).contains(peek())) {
                String op = tokens.get(pos++);
                n = new Binary(op, n, level(i + 1));
            }
            return n;
        }

        private Node unary() {
            String t = peek();
            if (t.equals("-") || t.equals("+") || t.equals("~")) {
                pos++;
                return new Unary(t.charAt(0), unary());
            }
            return atom();
        }

        private Node atom() {
            String t = peek();
            pos++;
            if (t.equals("(")) {
                Node n = or();
                if (!accept(")")) {
                    throw new IllegalArgumentException("code statement '" + statement + "'");
                }
                return n;
            }
            if (t.matches("0[xX][0-9a-fA-F]+")) {
                return new Num(Long.parseLong(t.substring(2), 16));
            }
            if (t.matches("\\d+")) {
                return new Num(Long.parseLong(t));
            }
            if (t.equals("True") || t.equals("False")) {
                return new Num(t.equals("True") ? 1 : 0);
            }
            if (t.matches("[A-Za-z_]\\w*") && !List.of("and", "or", "not").contains(t) && !peek().equals("(")) {
                return new Name(t);
            }
            throw new IllegalArgumentException("code statement '" + statement + "'");
        }
    }
}
