package io.jnetstack.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClassifierTest {

    private static final String SCRIPT = """
            --tolerance_usecs=10000
            `../../common/defaults.sh
             sysctl -q net.ipv4.tcp_ecn=1 net.ipv4.tcp_sack=0
             # a comment
             ip route change 192.0.2.1 via 192.168.0.2 dev tun0 \\
                mtu 1280`
            0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            +0 setsockopt(3, SOL_TCP, TCP_FASTOPEN, [1], 4) = 0
            +0 getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0
            +0 > [ect0] S 0:0(0) <mss 1460,FO>
            +0 < icmp unreachable frag_needed mtu 1000
            +0 < udp (10)
            +0 %{ assert tcpi_ca_state == 0 }%
            """;

    @Test
    void listsEveryConstructOnce() throws ParseException {
        Script script = Parser.parse("c.pkt", SCRIPT);
        List<String> found = new Classifier(Set.of()).constructs(script).stream().map(Construct::toString).toList();
        assertEquals(List.of("code %{ }% (Python)", "ip ecn ect0", "option --tolerance_usecs",
                "packet icmp unreachable frag_needed", "packet tcp", "packet udp",
                "shell ip route change 192.0.2.1 via 192.168.0.2 dev tun0 mtu 1280",
                "sockopt SOL_SOCKET.SO_ERROR", "sockopt SOL_TCP.TCP_FASTOPEN",
                "syscall getsockopt", "syscall setsockopt", "syscall socket",
                "tcp-option FO", "tcp-option mss"), found);
    }

    @Test
    void supportedConstructsAreNotReasons() throws ParseException {
        Script script = Parser.parse("c.pkt", "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n");
        Classifier classifier = new Classifier(Set.of(new Construct("syscall", "socket")));
        assertEquals(List.of("syscall close"), classifier.unsupportedReasons(script));
    }

    @Test
    void shellCommandsSplitLinesAndContinuations() {
        assertEquals(List.of("a b c", "d"), Classifier.shellCommands(" a \\\n  b  c\n# x\n\nd\n"));
    }
}
