package io.jnetstack.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jnetstack.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

/** Script options and the construct check made before a script runs. */
class RunConfigTest {

    @Test
    void scriptOptions() throws ParseException {
        Script s = Parser.parse("o.pkt", """
                --tolerance_usecs=10000
                --tolerance_percent=2.5
                --local_ip=192.168.0.2
                --remote_ip=10.248.0.2
                --ip_version=ipv4
                """);
        RunConfig c = RunConfig.DEFAULTS.forScript(s);
        assertEquals(10000, c.toleranceUsecs());
        assertEquals(2.5, c.tolerancePercent());
        assertEquals(Ipv4Address.parse("192.168.0.2"), c.localIp());
        assertEquals(Ipv4Address.parse("10.248.0.2"), c.remoteIp());
        assertEquals("option --ip_version=ipv6 (IPv4 only)", assertThrows(UnsupportedConstruct.class,
                () -> RunConfig.DEFAULTS.forScript(Parser.parse("o.pkt", "--ip_version=ipv6\n"))).construct());
        assertEquals("option --mss", assertThrows(UnsupportedConstruct.class,
                () -> RunConfig.DEFAULTS.forScript(Parser.parse("o.pkt", "--mss=1000\n"))).construct());
    }

    @Test
    void otherAddressesAreUsed() {
        Outcome o = Packetdrill.run("a.pkt", """
                --local_ip=192.168.7.7
                --remote_ip=10.248.0.2
                0    socket(..., SOCK_DGRAM, IPPROTO_UDP) = 3
                +0   bind(3, ..., ...) = 0
                +0   sendto(3, ..., 1, 0, ..., ...) = 1
                +0   > udp (1)
                +0   < udp (2)
                +0   recv(3, ..., 10, 0) = 2
                """, RunConfig.DEFAULTS);
        assertEquals(Outcome.passed(), o);
    }

    @Test
    void aTraceShowsEachLineAndEveryPacketWithScriptTimes() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        Outcome o = Packetdrill.run("t.pkt", """
                0    socket(..., SOCK_DGRAM, IPPROTO_UDP) = 3
                +0   bind(3, ..., ...) = 0
                +.2  sendto(3, ..., 3, 0, ..., ...) = 3
                +0   > udp (3)
                """, RunConfig.DEFAULTS.withTrace(new java.io.PrintStream(bytes, true)));
        assertEquals(Outcome.passed(), o);
        String trace = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(true, trace.contains("  0.200000 line 3: sendto(...)"), trace);
        assertEquals(true, trace.contains("  0.200000   sent > udp (3)"), trace);
        assertEquals(true, trace.contains("  0.200000 line 4: > udp (3)"), trace);
    }

    @Test
    void everyUnsupportedConstructIsNamedBeforeRunning() throws ParseException {
        Script s = Parser.parse("u.pkt", """
                --strict_segments
                0    open("/tmp/x", 0) = 3
                +0   `nstat > /dev/null`
                +0   < encap psp spi 1 udp (1)
                +0   > S 0:0(0) <md5 0123>
                +0   %{ import os }%
                """);
        assertEquals(java.util.List.of("ip encap psp", "option --strict_segments", "shell nstat > /dev/null",
                "syscall open", "tcp-option md5", "code statement 'import os' (line 6)"),
                Support.unsupported(s));
    }
}
