package io.jnetstack.packetdrill;

import java.util.Map;

/**
 * Packets as a script writes them, for FAIL messages: the expected line rebuilt from the AST and
 * the packet actually sent, written in the script's numbering so the two can be compared by eye.
 */
final class PacketText {

    private static final String FLAG_LETTERS = "FSRPUEW";
    private static final int[] FLAG_BITS = {0x01, 0x02, 0x04, 0x08, 0x20, 0x40, 0x80};
    private static final int ACK = 0x10;

    private static final Map<String, Integer> ECN = Map.of("noecn", 0, "ect1", 1, "ect0", 2, "ce", 3);

    private PacketText() {
    }

    /**
     * @param flags a script's flags word ({@code S.}, {@code P.}, {@code -})
     * @return the flag bits
     */
    static int flagBits(String flags) {
        int bits = 0;
        for (char c : flags.toCharArray()) {
            int i = FLAG_LETTERS.indexOf(c);
            if (i >= 0) {
                bits |= FLAG_BITS[i];
            } else if (c == '.') {
                bits |= ACK;
            }
        }
        return bits;
    }

    /** @return flag bits in a script's letters, {@code -} for none */
    static String flagLetters(int bits) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < FLAG_BITS.length; i++) {
            if ((bits & FLAG_BITS[i]) != 0) {
                sb.append(FLAG_LETTERS.charAt(i));
            }
        }
        if ((bits & ACK) != 0) {
            sb.append('.');
        }
        return sb.isEmpty() ? "-" : sb.toString();
    }

    /**
     * @param name an ECN marking as written in brackets
     * @return its codepoint, -1 for {@code ect01} (either ECT), or null when unknown
     */
    static Integer ecnCodepoint(String name) {
        return name.equals("ect01") ? Integer.valueOf(-1) : ECN.get(name);
    }

    /** @return a script packet as written (after the direction) */
    static String format(Packet p) {
        String ecn = p.ip().ecn() == null ? "" : "[" + p.ip().ecn() + "] ";
        return ecn + switch (p) {
            case Packet.Tcp t -> tcp(t);
            case Packet.Udp u -> "udp (" + u.length() + ")";
            case Packet.Icmp i -> "icmp " + i.type() + (i.code() == null ? "" : " " + i.code())
                    + (i.mtu() == null ? "" : " mtu " + i.mtu());
        };
    }

    private static String tcp(Packet.Tcp t) {
        StringBuilder sb = new StringBuilder();
        sb.append(t.flags()).append(' ').append(t.seq().start()).append(':').append(t.seq().end())
                .append('(').append(t.seq().length()).append(')');
        if (t.ack() != null) {
            sb.append(" ack ").append(t.ack());
        }
        if (t.win() != null) {
            sb.append(" win ").append(t.win());
        }
        if (t.urg() != null) {
            sb.append(" urg ").append(t.urg());
        }
        if (t.options() != null) {
            sb.append(" <");
            for (int i = 0; i < t.options().size(); i++) {
                sb.append(i == 0 ? "" : ",").append(option(t.options().get(i)));
            }
            sb.append('>');
        }
        return sb.toString();
    }

    private static String option(TcpOption o) {
        return switch (o) {
            case TcpOption.Nop n -> "nop";
            case TcpOption.Eol e -> "eol";
            case TcpOption.SackPermitted s -> "sackOK";
            case TcpOption.Mss m -> "mss " + (m.value() instanceof Expr.Int i ? i.text() : String.valueOf(m.value()));
            case TcpOption.WindowScale w -> "wscale " + w.shift();
            case TcpOption.Timestamp ts -> "TS val " + ts.val() + " ecr " + ts.ecr();
            case TcpOption.Sack s -> {
                StringBuilder sb = new StringBuilder("sack");
                s.blocks().forEach(b -> sb.append(' ').append(b.left()).append(':').append(b.right()));
                yield sb.toString();
            }
            default -> TcpOptionCodec.describe(o);
        };
    }

    /** @return a sent packet in the script's numbering */
    static String format(LivePacket p, Flow flow) {
        String ecn = (p.ip().tos() & 3) == 0 ? "" : "[" + ecnName(p.ip().tos() & 3) + "] ";
        return ecn + switch (p) {
            case LivePacket.Tcp t -> tcp(t, flow);
            case LivePacket.Udp u -> "udp (" + u.payloadLength() + ")";
            case LivePacket.Icmp i -> "icmp " + IcmpNames.format(i.type(), i.code());
            case LivePacket.Other o -> "protocol " + o.ip().protocol() + ", " + o.length() + " bytes";
        };
    }

    private static String ecnName(int codepoint) {
        return ECN.entrySet().stream().filter(e -> e.getValue() == codepoint).map(Map.Entry::getKey)
                .findFirst().orElse("?");
    }

    private static String tcp(LivePacket.Tcp t, Flow flow) {
        boolean syn = (t.flags() & 0x02) != 0;
        long seq = syn ? 0 : flow.scriptSeq(t.seq());
        StringBuilder sb = new StringBuilder();
        sb.append(flagLetters(t.flags())).append(' ').append(seq).append(':')
                .append((seq + t.payloadLength()) & 0xffffffffL).append('(').append(t.payloadLength()).append(')');
        if ((t.flags() & ACK) != 0) {
            sb.append(" ack ").append(flow.scriptAck(t.ack(), syn));
        }
        sb.append(" win ").append(t.window());
        if ((t.flags() & 0x20) != 0 || t.urgent() != 0) {
            sb.append(" urg ").append(t.urgent());
        }
        if (!t.options().isEmpty()) {
            sb.append(" <").append(TcpOptionCodec.format(t.options(), flow)).append('>');
        }
        return sb.toString();
    }
}
