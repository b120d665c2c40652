package io.jnetstack.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParserTest {

    private static Event only(String src) throws ParseException {
        List<Event> events = Parser.parse("t.pkt", src).events();
        assertEquals(1, events.size(), events.toString());
        return events.getFirst();
    }

    private static EventKind.SyscallEvent call(String src) throws ParseException {
        return assertInstanceOf(EventKind.SyscallEvent.class, only(src).kind());
    }

    private static Packet.Tcp tcp(String src) throws ParseException {
        return assertInstanceOf(Packet.Tcp.class, packet(src).packet());
    }

    private static EventKind.PacketEvent packet(String src) throws ParseException {
        return assertInstanceOf(EventKind.PacketEvent.class, only(src).kind());
    }

    @Test
    void timeColumnForms() throws ParseException {
        TimeSpec abs = only("0.100 close(3) = 0").time();
        assertEquals(new TimeSpec(TimeSpec.Kind.POINT, new TimeSpec.Moment(false, 100_000, "0.100"), null), abs);
        assertEquals(new TimeSpec.Moment(true, 100_000, ".1"), only("+.1 close(3) = 0").time().start());
        assertEquals(TimeSpec.ANY, only("* > F. 1:1(0) ack 12").time());
        TimeSpec range = only("+.1~+.105 > P. 1:2(1) ack 1").time();
        assertEquals(TimeSpec.Kind.RANGE, range.kind());
        assertEquals(new TimeSpec.Moment(true, 105_000, ".105"), range.end());
        TimeSpec blocking = only("+0...0.010 connect(3, ..., ...) = 0").time();
        assertEquals(TimeSpec.Kind.BLOCKING, blocking.kind());
        assertEquals(new TimeSpec.Moment(false, 10_000, "0.010"), blocking.end());
    }

    @Test
    void syscallWithConstantsPointersAndErrno() throws ParseException {
        EventKind.SyscallEvent s = call("+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0");
        assertEquals("setsockopt", s.name());
        assertEquals(List.of(new Expr.Int(3, "3"), new Expr.Ident("SOL_SOCKET"), new Expr.Ident("SO_REUSEADDR"),
                new Expr.ListExpr(List.of(new Expr.Int(1, "1"))), new Expr.Int(4, "4")), s.args());
        EventKind.SyscallEvent c = call("+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)");
        assertEquals(new Expr.Ellipsis(), c.args().get(1));
        assertEquals(new Expr.Int(-1, "-1"), c.result());
        assertEquals("EINPROGRESS", c.errno());
        assertEquals("Operation now in progress", c.note());
        EventKind.SyscallEvent f = call("+0 fcntl(3, F_GETFL) = 0x2 (flags O_RDWR)");
        assertEquals(new Expr.Int(2, "0x2"), f.result());
        assertNull(f.errno());
        assertEquals("flags O_RDWR", f.note());
        assertEquals("Invalid Argument", call("0 f(\"\", 0) = -1 (Invalid Argument)").note());
    }

    @Test
    void bitOrStringsCallsAndNegation() throws ParseException {
        EventKind.SyscallEvent s = call("+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0");
        assertEquals(new Expr.BitOr(List.of(new Expr.Ident("O_RDWR"), new Expr.Ident("O_NONBLOCK"))), s.args().get(2));
        EventKind.SyscallEvent o = call("0 open(\"/tmp/f\", O_RDONLY) = 5");
        assertEquals(new Expr.Str("/tmp/f"), o.args().getFirst());
        EventKind.SyscallEvent h = call("0 f(htonl(7), -X, 1.5, NULL) = 0");
        assertEquals(new Expr.Call("htonl", List.of(new Expr.Int(7, "7"))), h.args().get(0));
        assertEquals(new Expr.Negate(new Expr.Ident("X")), h.args().get(1));
        assertEquals(new Expr.Fraction("1.5"), h.args().get(2));
        assertEquals(new Expr.Ident("NULL"), h.args().get(3));
        assertEquals(0, call("0 g() = 0").args().size());
    }

    @Test
    void nestedStructsAndArraysOverSeveralLines() throws ParseException {
        String src = """
                +0 sendmsg(4, {msg_name(...)=...,
                               msg_iov(2)=[{..., 600}, {..., 400}],
                               msg_control=[{cmsg_level=SOL_SOCKET,
                                             cmsg_data={scm_sec=0, scm_nsec=10}}],
                               msg_flags=0}, MSG_ZEROCOPY) = 1000
                """;
        EventKind.SyscallEvent s = call(src);
        Expr.Struct msg = assertInstanceOf(Expr.Struct.class, s.args().get(1));
        Expr.Field name = assertInstanceOf(Expr.Field.class, msg.members().get(0));
        assertEquals(new Expr.Call("msg_name", List.of(new Expr.Ellipsis())), name.key());
        assertEquals(new Expr.Ellipsis(), name.value());
        Expr.Field iov = assertInstanceOf(Expr.Field.class, msg.members().get(1));
        assertEquals("msg_iov", iov.name());
        Expr.ListExpr vec = assertInstanceOf(Expr.ListExpr.class, iov.value());
        assertEquals(new Expr.Struct(List.of(new Expr.Ellipsis(), new Expr.Int(600, "600"))), vec.elements().get(0));
        Expr.Field control = assertInstanceOf(Expr.Field.class, msg.members().get(2));
        Expr.Struct cmsg = assertInstanceOf(Expr.Struct.class,
                assertInstanceOf(Expr.ListExpr.class, control.value()).elements().getFirst());
        Expr.Field data = assertInstanceOf(Expr.Field.class, cmsg.members().get(1));
        assertInstanceOf(Expr.Struct.class, data.value());
        assertEquals(new Expr.Ident("MSG_ZEROCOPY"), s.args().get(2));
        assertEquals(new Expr.Int(1000, "1000"), s.result());
    }

    @Test
    void tcpPacketWithEveryField() throws ParseException {
        Packet.Tcp p = tcp("+0 < S. 0:0(0) ack 1 win 65535 urg 3 <mss 1460,sackOK,TS val 100 ecr 0,nop,"
                + "wscale 7,sack 1:2 3:4,eol,FO 0123456789abcdef,FOEXP,md5 000102030a0b0c0d,exp 1 2>");
        assertEquals("S.", p.flags());
        assertEquals(new Packet.SeqRange(0, 0, 0), p.seq());
        assertEquals(1L, p.ack());
        assertEquals(65535L, p.win());
        assertEquals(3L, p.urg());
        assertEquals(List.of(new TcpOption.Mss(new Expr.Int(1460, "1460")), new TcpOption.SackPermitted(),
                new TcpOption.Timestamp(100, 0), new TcpOption.Nop(), new TcpOption.WindowScale(7),
                new TcpOption.Sack(List.of(new TcpOption.Sack.Block(1, 2), new TcpOption.Sack.Block(3, 4))),
                new TcpOption.Eol(), new TcpOption.FastOpen(false, "0123456789abcdef"),
                new TcpOption.FastOpen(true, null), new TcpOption.Md5("000102030a0b0c0d"),
                new TcpOption.Other("exp", List.of("1", "2"))), p.options());
        assertEquals(Packet.IpPrefix.NONE, p.ip());
    }

    @Test
    void tcpFlagWords() throws ParseException {
        for (String flags : List.of("S", "S.", ".", "P.", "F.", "R", "R.", "SEW", "E.", "U.", "FP.", "-")) {
            Packet.Tcp p = tcp("+0 > " + flags + " 1:1(0)");
            assertEquals(flags, p.flags());
            assertNull(p.options());
            assertNull(p.ack());
        }
        assertTrue(packet("+0 < . 1:1(0) ack 1 win 5").inbound());
        assertEquals(new TcpOption.Mss(new Expr.Ident("MSS")), tcp("+0 > S 0:0(0) <mss MSS>").options().getFirst());
    }

    @Test
    void ipPrefixes() throws ParseException {
        assertEquals("ect0", tcp("+0 > [ect0] P. 1:1001(1000) ack 1").ip().ecn());
        assertEquals("noecn", tcp("+0 < [noecn] E. 1:1(0) ack 1 win 3").ip().ecn());
        Packet.Tcp psp = tcp("+0 > encap psp spi 23 P. 501:1001(500) ack 501");
        assertEquals("psp", psp.ip().encap().protocol());
        assertEquals(java.util.Map.of("spi", 23L), psp.ip().encap().params());
        assertEquals("P.", psp.flags());
    }

    @Test
    void udpAndIcmp() throws ParseException {
        assertEquals(new Packet.Udp(Packet.IpPrefix.NONE, 100), packet("+0 < udp (100)").packet());
        Packet.Icmp frag = assertInstanceOf(Packet.Icmp.class,
                packet("+.01 < icmp unreachable frag_needed mtu 1280 [0:1000(1000)]").packet());
        assertEquals(new Packet.Icmp(Packet.IpPrefix.NONE, "unreachable", "frag_needed", 1280L,
                new Packet.Embedded(null, new Packet.SeqRange(0, 1000, 1000))), frag);
        assertEquals(new Packet.Icmp(Packet.IpPrefix.NONE, "packet_too_big", null, 1400L, null),
                packet("+0 < icmp packet_too_big mtu 1400").packet());
        Packet.Icmp flagged = assertInstanceOf(Packet.Icmp.class, packet("+0 < icmp unreachable [S 0:0(0)]").packet());
        assertEquals("S", flagged.embedded().flags());
    }

    @Test
    void optionsShellAndCodeBlocks() throws ParseException {
        String src = """
                // header comment
                --tolerance_usecs=10000
                --strict_segments  // flag
                `../common/defaults.sh
                 sysctl -q net.ipv4.tcp_sack=0`
                /* a block
                   comment */
                0 %{ assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd }%
                +0 %{
                x = 1
                }%
                +0 `nstat -n`
                """;
        Script script = Parser.parse("t.pkt", src);
        assertEquals(List.of(new EventKind.OptionEvent("tolerance_usecs", "10000"),
                new EventKind.OptionEvent("strict_segments", null)), script.options());
        List<Event> events = script.events();
        assertEquals(6, events.size());
        assertEquals(new Event(TimeSpec.NONE,
                new EventKind.ShellEvent("../common/defaults.sh\n sysctl -q net.ipv4.tcp_sack=0"), 4), events.get(2));
        assertEquals(8, events.get(3).line());
        assertEquals(new EventKind.CodeEvent(" assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd "), events.get(3).kind());
        assertEquals(9, events.get(4).line());
        assertEquals(new EventKind.CodeEvent("\nx = 1\n"), events.get(4).kind());
        assertEquals(TimeSpec.Kind.POINT, events.get(5).time().kind());
        assertEquals(new EventKind.ShellEvent("nstat -n"), events.get(5).kind());
    }
}
