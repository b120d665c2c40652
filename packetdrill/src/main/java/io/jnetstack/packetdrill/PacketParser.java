package io.jnetstack.packetdrill;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the part of a packet line after the direction ({@code <} or {@code >}):
 * <pre>
 *   [ecn] [encap NAME (KEY N)*] tcp | udp | icmp
 *   tcp  := FLAGS start:end(len) (ack N | win N | urg N)* [&lt;option, ...&gt;]
 *   udp  := udp (len)
 *   icmp := icmp TYPE [CODE] [mtu N] [\[[FLAGS] start:end(len)\]]
 * </pre>
 */
final class PacketParser {

    /** Letters a TCP flags word may contain: F S R P U E W, {@code .} for ACK, {@code -} for none. */
    private static final String FLAG_CHARS = "FSRPUEW.-";

    private final TokenStream ts;

    PacketParser(TokenStream ts) {
        this.ts = ts;
    }

    Packet packet() throws ParseException {
        Packet.IpPrefix ip = prefix();
        if (ts.atIdent("udp")) {
            ts.next();
            ts.expect('(', "after 'udp'");
            long length = ts.integer("UDP payload length");
            ts.expect(')', "after the UDP length");
            return new Packet.Udp(ip, length);
        }
        if (ts.atIdent("icmp")) {
            ts.next();
            return icmp(ip);
        }
        return tcp(ip);
    }

    private Packet.IpPrefix prefix() throws ParseException {
        String ecn = null;
        if (ts.at('[') && ts.peek(1).kind() == Token.Kind.IDENT && ts.peek(2).is(']')) {
            ts.next();
            ecn = ts.next().text();
            ts.next();
        }
        Packet.Encapsulation encap = null;
        if (ts.atIdent("encap")) {
            ts.next();
            String protocol = ts.expect(Token.Kind.IDENT, "an encapsulation name after 'encap'").text();
            Map<String, Long> params = new LinkedHashMap<>();
            while (ts.at(Token.Kind.IDENT) && ts.peek(1).kind() == Token.Kind.NUMBER && !ts.peek(2).is(':')) {
                String key = ts.next().text();
                params.put(key, ts.integer("value of '" + key + "'"));
            }
            encap = new Packet.Encapsulation(protocol, params);
        }
        return ecn == null && encap == null ? Packet.IpPrefix.NONE : new Packet.IpPrefix(ecn, encap);
    }

    private Packet.Tcp tcp(Packet.IpPrefix ip) throws ParseException {
        String flags = flags();
        if (flags == null) {
            throw ts.error("expected TCP flags, 'udp' or 'icmp' after the direction but found " + ts.peek().describe());
        }
        Packet.SeqRange seq = seqRange();
        Long ack = null;
        Long win = null;
        Long urg = null;
        while (ts.at(Token.Kind.IDENT)) {
            String word = ts.peek().text();
            switch (word) {
                case "ack" -> ack = attribute(word, ack);
                case "win" -> win = attribute(word, win);
                case "urg" -> urg = attribute(word, urg);
                default -> throw ts.error("unknown TCP field '" + word + "'; expected ack, win, urg or '<'");
            }
        }
        List<TcpOption> options = ts.at('<') ? options() : null;
        return new Packet.Tcp(ip, flags, seq, ack, win, urg, options);
    }

    private Long attribute(String word, Long previous) throws ParseException {
        if (previous != null) {
            throw ts.error("'" + word + "' given twice");
        }
        ts.next();
        return ts.integer("number after '" + word + "'");
    }

    /** A flags word such as {@code S.}, {@code P.}, {@code .} or {@code -}; null if none is next. */
    private String flags() throws ParseException {
        StringBuilder sb = new StringBuilder();
        while (ts.at(Token.Kind.IDENT) || ts.at('.') || ts.at('-')) {
            if (!sb.isEmpty() && ts.peek().spaceBefore()) {
                break;
            }
            Token t = ts.peek();
            for (char c : t.text().toCharArray()) {
                if (FLAG_CHARS.indexOf(c) < 0) {
                    throw ts.error("unknown TCP flag '" + c + "' in '" + t.text() + "'");
                }
            }
            sb.append(ts.next().text());
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    private Packet.SeqRange seqRange() throws ParseException {
        long start = ts.integer("start sequence number");
        ts.expect(':', "between the start and end sequence numbers");
        long end = ts.integer("end sequence number");
        ts.expect('(', "before the payload length");
        long length = ts.integer("payload length");
        ts.expect(')', "after the payload length");
        return new Packet.SeqRange(start, end, length);
    }

    private Packet.Icmp icmp(Packet.IpPrefix ip) throws ParseException {
        String type = ts.expect(Token.Kind.IDENT, "an ICMP type after 'icmp'").text();
        String code = null;
        if (ts.at(Token.Kind.IDENT) && !ts.atIdent("mtu")) {
            code = ts.next().text();
        }
        Long mtu = null;
        if (ts.atIdent("mtu")) {
            ts.next();
            mtu = ts.integer("MTU");
        }
        Packet.Embedded embedded = null;
        if (ts.accept('[')) {
            String flags = flags();
            Packet.SeqRange seq = seqRange();
            ts.expect(']', "after the quoted segment");
            embedded = new Packet.Embedded(flags, seq);
        }
        return new Packet.Icmp(ip, type, code, mtu, embedded);
    }

    private List<TcpOption> options() throws ParseException {
        ts.expect('<', "to open TCP options");
        List<TcpOption> options = new ArrayList<>();
        if (ts.at(Token.Kind.ELLIPSIS)) {
            ts.next();
            options.add(new TcpOption.Other("...", List.of()));
            ts.expect('>', "after '<...'");
            return options;
        }
        do {
            options.add(option());
        } while (ts.accept(','));
        ts.expect('>', "or ',' in TCP options");
        return options;
    }

    private TcpOption option() throws ParseException {
        Token nameToken = ts.expect(Token.Kind.IDENT, "a TCP option name");
        String name = nameToken.text();
        return switch (name) {
            case "nop" -> new TcpOption.Nop();
            case "eol" -> new TcpOption.Eol();
            case "sackOK" -> new TcpOption.SackPermitted();
            case "mss" -> new TcpOption.Mss(mssValue());
            case "wscale" -> new TcpOption.WindowScale(ts.integer("window scale shift"));
            case "TS" -> timestamp();
            case "sack" -> sack();
            case "FO", "FOEXP" -> new TcpOption.FastOpen(name.equals("FOEXP"), optionalWord());
            case "md5" -> md5();
            default -> new TcpOption.Other(name, words());
        };
    }

    private Expr mssValue() throws ParseException {
        if (ts.at(Token.Kind.IDENT)) {
            return new Expr.Ident(ts.next().text());
        }
        long v = ts.integer("MSS value");
        return new Expr.Int(v, Long.toString(v));
    }

    private TcpOption.Timestamp timestamp() throws ParseException {
        keyword("val", "'val' after 'TS'");
        long val = ts.integer("TS val");
        keyword("ecr", "'ecr' after the TS value");
        long ecr = ts.integer("TS ecr");
        return new TcpOption.Timestamp(val, ecr);
    }

    private void keyword(String word, String what) throws ParseException {
        if (!ts.atIdent(word)) {
            throw ts.error("expected " + what + " but found " + ts.peek().describe());
        }
        ts.next();
    }

    private TcpOption.Sack sack() throws ParseException {
        List<TcpOption.Sack.Block> blocks = new ArrayList<>();
        while (ts.at(Token.Kind.NUMBER)) {
            long left = ts.integer("SACK block start");
            ts.expect(':', "in a SACK block");
            blocks.add(new TcpOption.Sack.Block(left, ts.integer("SACK block end")));
        }
        return new TcpOption.Sack(blocks);
    }

    private TcpOption.Md5 md5() throws ParseException {
        String digest = optionalWord();
        if (digest == null) {
            throw ts.error("expected a digest after 'md5' but found " + ts.peek().describe());
        }
        return new TcpOption.Md5(digest);
    }

    /** A cookie or digest: a number, hex word or name; null if the option ends here. */
    private String optionalWord() {
        Token t = ts.peek();
        boolean word = t.kind() == Token.Kind.NUMBER || t.kind() == Token.Kind.WORD || t.kind() == Token.Kind.IDENT;
        return word ? ts.next().text() : null;
    }

    private List<String> words() {
        List<String> words = new ArrayList<>();
        while (!ts.at(',') && !ts.at('>') && !ts.at(Token.Kind.NEWLINE) && !ts.at(Token.Kind.EOF)) {
            words.add(ts.next().text());
        }
        return words;
    }
}
