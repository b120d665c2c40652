package io.jnetstack.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Code blocks: the Python subset, and TCP_INFO read through a {@link TcpInfoSource}. */
class CodeBlockTest {

    private static void run(String code, Map<String, Long> vars, Map<String, Long> info) {
        CodeBlock.parse(code).run(vars, n -> info.containsKey(n) ? info.get(n) : Constants.value(n), 7);
    }

    @Test
    void assertionsComparisonsAndVariables() {
        Map<String, Long> vars = new HashMap<>();
        Map<String, Long> info = Map.of("tcpi_snd_cwnd", 10L, "tcpi_options", 0x21L, "tcpi_ca_state", 3L);
        run("cwnd = 8; cwnd += 2\nassert tcpi_snd_cwnd == cwnd, 'cwnd=%d' % tcpi_snd_cwnd", vars, info);
        assertEquals(10L, vars.get("cwnd"));
        run("assert (tcpi_options & TCPI_OPT_SYN_DATA) != 0, tcpi_options", vars, info);
        run("assert tcpi_ca_state == TCP_CA_Recovery, tcpi_ca_state  # a comment", vars, info);
        run("assert 5 <= tcpi_snd_cwnd <= 20 and not tcpi_snd_cwnd == 11 or 0", vars, info);
        run("print(tcpi_snd_cwnd); x = -(3 - 10) * 2 // 4 % 5\nassert x == 3", vars, info);
        run("assert tcpi_snd_cwnd == 10, \\\n tcpi_snd_cwnd", vars, info);
        ScriptFailure f = assertThrows(ScriptFailure.class,
                () -> run("assert tcpi_snd_cwnd == 12, tcpi_snd_cwnd", vars, info));
        assertEquals("assertion failed: assert tcpi_snd_cwnd == 12, tcpi_snd_cwnd {tcpi_snd_cwnd=10}", f.getMessage());
        assertEquals(7, f.line());
    }

    @Test
    void unknownNames() {
        Map<String, Long> vars = new HashMap<>();
        UnsupportedConstruct u = assertThrows(UnsupportedConstruct.class,
                () -> run("assert tcpi_reord_seen == 2", vars, Map.of()));
        assertEquals("tcp_info field tcpi_reord_seen (not in the stack's TCP_INFO)", u.construct());
        ScriptFailure f = assertThrows(ScriptFailure.class, () -> run("assert nope == 2", vars, Map.of()));
        assertEquals("NameError: name 'nope' is not defined", f.getMessage());
        assertThrows(ScriptFailure.class, () -> run("y += 1", vars, Map.of()));
    }

    @Test
    void outsideTheSubset() {
        for (String code : List.of("import os", "assert len(x) == 1", "for i in range(3): pass", "x = 'text'")) {
            assertThrows(IllegalArgumentException.class, () -> CodeBlock.parse(code), code);
        }
        assertTrue(CodeBlock.parse("assert tcpi_rtt > 0").readsTcpInfo());
        assertFalse(CodeBlock.parse("x = 1").readsTcpInfo());
    }

    /** What a TCP_INFO option of the stack might return. */
    record Info(int state, long sndCwnd, long tcpi_rtt, boolean sackOk, String congestion) { }

    @Test
    void recordsAndMapsBecomeLinuxFieldNames() {
        assertEquals(Map.of("tcpi_state", 1L, "tcpi_snd_cwnd", 10L, "tcpi_rtt", 2500L, "tcpi_sack_ok", 1L),
                TcpInfoSource.TcpInfoFields.of(new Info(1, 10, 2500, true, "cubic")));
        assertEquals(Map.of("tcpi_lost", 2L), TcpInfoSource.TcpInfoFields.of(Map.of("lost", 2)));
    }

    @Test
    void aScriptReadsTcpInfoFromItsSocket() {
        RunConfig c = RunConfig.DEFAULTS.withTcpInfo(s -> Map.of("tcpi_snd_cwnd", (long) s.fd() + 7));
        Outcome o = Packetdrill.run("info.pkt", """
                0    socket(..., SOCK_DGRAM, IPPROTO_UDP) = 3
                +0   %{ assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd }%
                +0   %{ assert tcpi_snd_cwnd == 11, tcpi_snd_cwnd }%
                """, c);
        assertEquals(Outcome.failed(3, "assertion failed: assert tcpi_snd_cwnd == 11, tcpi_snd_cwnd"
                + " {tcpi_snd_cwnd=10}"), o);
    }
}
