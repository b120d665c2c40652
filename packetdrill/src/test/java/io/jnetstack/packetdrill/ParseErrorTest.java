package io.jnetstack.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ParseErrorTest {

    private static String error(String src) {
        ParseException e = assertThrows(ParseException.class, () -> Parser.parse("bad.pkt", src));
        assertEquals(e.getMessage(), e.file() + ":" + e.line() + ": " + e.detail());
        return e.getMessage();
    }

    @Test
    void messagesCarryFileAndLine() {
        assertEquals("bad.pkt:3: expected '=' after close(...) but found end of line",
                error("// c\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3)\n"));
        assertEquals("bad.pkt:1: expected a time, an option, a shell or a code block but found 'close'",
                error("close(3) = 0"));
        assertEquals("bad.pkt:2: expected a system call, a packet ('<' or '>'), a shell or a code block after"
                + " the time but found '='", error("\n+0 = 3"));
        assertEquals("bad.pkt:1: expected a time in seconds but found 'x'", error("+x close(3) = 0"));
    }

    @Test
    void packetErrors() {
        assertEquals("bad.pkt:2: unknown TCP flag 'X' in 'SX'", error("0 close(3) = 0\n+0 > SX 0:0(0)"));
        assertEquals("bad.pkt:1: expected ':' between the start and end sequence numbers but found '('",
                error("+0 > S 0(0)"));
        assertEquals("bad.pkt:1: unknown TCP field 'wnd'; expected ack, win, urg or '<'",
                error("+0 > . 1:1(0) wnd 5"));
        assertEquals("bad.pkt:1: expected '>' or ',' in TCP options but found end of line",
                error("+0 > S 0:0(0) <mss 1460"));
        assertEquals("bad.pkt:1: expected 'val' after 'TS' but found '100'", error("+0 > S 0:0(0) <TS 100 ecr 0>"));
        assertEquals("bad.pkt:1: 'ack' given twice", error("+0 > . 1:1(0) ack 1 ack 2"));
    }

    @Test
    void syscallErrorsInsideMultiLineArguments() {
        assertEquals("bad.pkt:3: expected ']' or ',' in a list but found '2' (the '[' on line 2 is not closed)",
                error("+0 f({a=1,\n      b=[1,\n         2 2]}) = 0"));
        assertEquals("bad.pkt:1: expected '=' after f(...) but found ')'", error("0 f(1)) = 0"));
        assertEquals("bad.pkt:1: unexpected 'x' after the event; expected end of line", error("0 f(1) = -1 EX (note) x"));
        assertEquals("bad.pkt:1: unexpected '+' after the event; expected end of line",
                error("0 close(3) = 0 +0 close(4) = 0"));
        assertEquals("bad.pkt:1: a struct field's name must be a name, not Int[value=1, text=1]",
                error("0 f({1=2}) = 0"));
    }
}
