package io.jnetstack.packetdrill;

import java.util.List;

/**
 * Checks packets the stack sent against a {@code >} line: addresses, ports, ECN, and for TCP the
 * flags, sequence range, ack, window, urgent pointer and options (exact list and values;
 * {@code <...>} accepts any; a line without options expects none; a line without {@code win}
 * accepts any window). For UDP the payload length, for ICMP the type and code.
 *
 * <p>TCP segments sent at the same instant as one contiguous burst may together match one line
 * covering them all, as packetdrill sees a TSO burst on Linux as one packet
 * ({@code > P. 1:5841(5840)} for four full segments): the burst must end exactly at the line's
 * end, keep ack, window and options, and its flags are the union (PSH from the last).
 */
final class PacketMatcher {

    private static final int SYN = 0x02;
    private static final int FIN = 0x01;
    private static final int RST = 0x04;
    private static final int PSH = 0x08;

    private final int localIp;
    private final int remoteIp;

    /**
     * The outcome of matching.
     *
     * @param consumed how many sent packets the line covers (0 on a mismatch)
     * @param mismatch why it does not match, or null
     * @param actual   the sent packet(s) as the script would write them
     */
    record Result(int consumed, String mismatch, String actual) {

        boolean ok() {
            return mismatch == null;
        }
    }

    /**
     * @param localIp  the stack's address
     * @param remoteIp the script's address
     */
    PacketMatcher(int localIp, int remoteIp) {
        this.localIp = localIp;
        this.remoteIp = remoteIp;
    }

    /**
     * Matches the oldest sent packets against a line.
     *
     * @param expected the line's packet
     * @param sent     the sent packets not yet matched, oldest first (at least one)
     * @param flow     the connection: ports and number mapping (learns what a SYN teaches)
     * @param line     the script line
     * @return how many packets matched, or why not
     */
    Result match(Packet expected, List<LivePacket> sent, Flow flow, int line) {
        LivePacket first = sent.getFirst();
        String why = checkIp(expected, first);
        if (why != null) {
            return new Result(0, why, PacketText.format(first, flow));
        }
        return switch (expected) {
            case Packet.Tcp t -> first instanceof LivePacket.Tcp lt ? tcp(t, lt, sent, flow, line)
                    : new Result(0, "expected a TCP segment", PacketText.format(first, flow));
            case Packet.Udp u -> first instanceof LivePacket.Udp lu ? udp(u, lu, flow)
                    : new Result(0, "expected a UDP datagram", PacketText.format(first, flow));
            case Packet.Icmp i -> first instanceof LivePacket.Icmp li ? icmp(i, li, flow, line)
                    : new Result(0, "expected an ICMP message", PacketText.format(first, flow));
        };
    }

    private String checkIp(Packet expected, LivePacket got) {
        LivePacket.Ip ip = got.ip();
        if (ip.src() != localIp || ip.dst() != remoteIp) {
            return "expected " + new LivePacket.Ip(localIp, remoteIp, 0, 0).addresses() + ", sent "
                    + ip.addresses();
        }
        String ecn = expected.ip().ecn();
        if (ecn != null) {
            Integer cp = PacketText.ecnCodepoint(ecn);
            int actual = ip.tos() & 3;
            boolean ok = cp != null && (cp == -1 ? actual == 1 || actual == 2 : cp == actual);
            if (!ok) {
                return "expected ECN [" + ecn + "], TOS byte is 0x" + Integer.toHexString(ip.tos());
            }
        }
        return null;
    }

    private static String ports(int srcPort, int dstPort, Flow flow) {
        if (flow.localPort() == 0) {
            flow.setLocalPort(srcPort);
        }
        if (dstPort != flow.remotePort() || srcPort != flow.localPort()) {
            return "expected ports " + flow.localPort() + " > " + flow.remotePort() + ", sent " + srcPort + " > "
                    + dstPort;
        }
        return null;
    }

    private Result udp(Packet.Udp expected, LivePacket.Udp got, Flow flow) {
        String why = ports(got.srcPort(), got.dstPort(), flow);
        if (why == null && got.payloadLength() != expected.length()) {
            why = "expected " + expected.length() + " bytes of data";
        }
        return new Result(why == null ? 1 : 0, why, PacketText.format(got, flow));
    }

    private Result icmp(Packet.Icmp expected, LivePacket.Icmp got, Flow flow, int line) {
        int type = IcmpNames.type(expected.type());
        int code = IcmpNames.code(type, expected.code());
        if (type < 0 || code < 0) {
            throw new UnsupportedConstruct(line, "packet icmp " + expected.type()
                    + (expected.code() == null ? "" : " " + expected.code()));
        }
        String why = null;
        if (got.type() != type || (expected.code() != null && got.code() != code)) {
            why = "expected ICMP " + IcmpNames.format(type, code);
        } else if (expected.mtu() != null && (got.rest() & 0xffff) != expected.mtu()) {
            why = "expected mtu " + expected.mtu() + ", sent " + (got.rest() & 0xffff);
        }
        return new Result(why == null ? 1 : 0, why, PacketText.format(got, flow));
    }

    // ---------------------------------------------------------------- TCP

    private Result tcp(Packet.Tcp expected, LivePacket.Tcp first, List<LivePacket> sent, Flow flow, int line) {
        if ((first.flags() & SYN) != 0) {
            flow.learnLocalIsn(first.seq());
            flow.setLocalPort(first.srcPort());
        }
        String why = ports(first.srcPort(), first.dstPort(), flow);
        if (why != null) {
            return new Result(0, why, PacketText.format(first, flow));
        }
        int consumed = 1;
        LivePacket.Tcp got = first;
        if (first.payloadLength() < expected.seq().length()) {
            int n = burstLength(expected, sent);
            if (n > 1) {
                got = merge(sent, n);
                consumed = n;
            }
        }
        why = tcpFields(expected, got, flow, line);
        return new Result(why == null ? consumed : 0, why, PacketText.format(got, flow));
    }

    private static String tcpFields(Packet.Tcp e, LivePacket.Tcp got, Flow flow, int line) {
        int flags = PacketText.flagBits(e.flags());
        boolean syn = (got.flags() & SYN) != 0;
        if (got.flags() != flags) {
            return "expected flags " + e.flags() + ", sent " + PacketText.flagLetters(got.flags());
        }
        if (!syn && flow.scriptSeq(got.seq()) != (e.seq().start() & 0xffffffffL)) {
            return "expected sequence number " + e.seq().start() + ", sent " + flow.scriptSeq(got.seq());
        }
        if (got.payloadLength() != e.seq().length()) {
            return "expected " + e.seq().length() + " bytes of data, sent " + got.payloadLength();
        }
        if (e.ack() != null && flow.scriptAck(got.ack(), syn) != (e.ack() & 0xffffffffL)) {
            return "expected ack " + e.ack() + ", sent ack " + flow.scriptAck(got.ack(), syn);
        }
        if (e.win() != null && got.window() != e.win()) {
            return "expected win " + e.win() + ", sent win " + got.window();
        }
        if (e.urg() != null && got.urgent() != e.urg()) {
            return "expected urg " + e.urg() + ", sent urg " + got.urgent();
        }
        return TcpOptionCodec.compare(e.options(), got.options(), flow, line);
    }

    /**
     * How many of the oldest segments form one burst that ends exactly where the line ends, or
     * 1 when they do not.
     */
    private static int burstLength(Packet.Tcp expected, List<LivePacket> sent) {
        LivePacket.Tcp first = (LivePacket.Tcp) sent.getFirst();
        if ((first.flags() & (SYN | FIN | RST)) != 0) {
            return 1;
        }
        long total = first.payloadLength();
        LivePacket.Tcp prev = first;
        for (int i = 1; i < sent.size() && total < expected.seq().length(); i++) {
            if (!(sent.get(i) instanceof LivePacket.Tcp next) || !continues(prev, next)) {
                return 1;
            }
            total += next.payloadLength();
            if (total == expected.seq().length()) {
                return i + 1;
            }
            prev = next;
        }
        return 1;
    }

    /** Whether {@code next} continues the burst {@code prev} belongs to. */
    private static boolean continues(LivePacket.Tcp prev, LivePacket.Tcp next) {
        boolean sameOptions = prev.options().size() == next.options().size();
        for (int i = 0; sameOptions && i < prev.options().size(); i++) {
            sameOptions = prev.options().get(i).sameAs(next.options().get(i));
        }
        return sameOptions && next.nanos() == prev.nanos() && (prev.flags() & (FIN | SYN | RST)) == 0
                && next.seq() == ((prev.seq() + prev.payloadLength()) & 0xffffffffL)
                && (next.flags() & ~(PSH | FIN)) == (prev.flags() & ~PSH) && next.ack() == prev.ack()
                && next.window() == prev.window() && next.urgent() == prev.urgent()
                && next.srcPort() == prev.srcPort() && next.dstPort() == prev.dstPort();
    }

    private static LivePacket.Tcp merge(List<LivePacket> sent, int n) {
        LivePacket.Tcp first = (LivePacket.Tcp) sent.getFirst();
        int flags = first.flags() & ~PSH;
        int length = 0;
        for (int i = 0; i < n; i++) {
            LivePacket.Tcp s = (LivePacket.Tcp) sent.get(i);
            flags |= s.flags() & (i == n - 1 ? ~0 : ~PSH);
            length += s.payloadLength();
        }
        return first.merged(flags, length);
    }
}
