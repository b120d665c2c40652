package io.jnetstack.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The runner's TCP path end to end, against {@link StandInTcp} in place of the stack's TCP:
 * injected segments carry the stack's numbers (ack, echoed timestamp), sent ones are matched in
 * the script's (the stand-in's ISN and clock learned from its SYN-ACK), bursts merge, and timing
 * windows apply.
 */
class TcpPathTest {

    /** What the stand-in found wrong in what the runner injected. */
    private volatile List<String> problems = List.of();

    private Outcome run(String script) {
        return Packetdrill.run("tcp.pkt", script,
                RunConfig.DEFAULTS.withPrepare(net -> problems = StandInTcp.install(net)));
    }

    private static final String HANDSHAKE = """
            0    < S 0:0(0) win 32792 <mss 1000,sackOK,TS val 100 ecr 0,nop,wscale 7>
            +0   > S. 0:0(0) ack 1 win 29200 <mss 1460,sackOK,TS val 700 ecr 100,nop,wscale 7>
            +.1  < . 1:1(0) ack 1 win 257 <nop,nop,TS val 200 ecr 700>
            """;

    @Test
    void handshakeAndDataWithRemappedNumbers() {
        Outcome o = run(HANDSHAKE + """
                +0   < P. 1:1001(1000) ack 1 win 257 <nop,nop,TS val 200 ecr 700>
                +0   > . 1:1(0) ack 1001 <nop,nop,TS val 800 ecr 200>
                +.2  < P. 1001:1501(500) ack 1 win 257 <nop,nop,TS val 300 ecr 800>
                +0   > . 1:1(0) ack 1501 <nop,nop,TS val 1000 ecr 300>
                """);
        assertEquals(Outcome.passed(), o);
        assertEquals(List.of(), problems);
    }

    @Test
    void aBurstMatchesOneLine() {
        Outcome o = run(HANDSHAKE + """
                +0   < P. 1:2(1) ack 1 win 257 <nop,nop,TS val 200 ecr 700>
                +0   > P. 1:4001(4000) ack 2 <nop,nop,TS val 800 ecr 200>
                """);
        assertEquals(Outcome.passed(), o);
        assertEquals(List.of(), problems);
    }

    @Test
    void aWrongAckIsReportedWithBothPackets() {
        Outcome o = run(HANDSHAKE + """
                +0   < P. 1:1001(1000) ack 1 win 257 <nop,nop,TS val 200 ecr 700>
                +0   > . 1:1(0) ack 1000 <nop,nop,TS val 800 ecr 200>
                """);
        assertEquals(Outcome.Status.FAILED, o.status());
        assertEquals(5, o.line());
        assertEquals("""
                expected ack 1000, sent ack 1001
                    expected: > . 1:1(0) ack 1000 <nop,nop,TS val 800 ecr 200>
                    actual:   > . 1:1(0) ack 1001 win 29200 <nop,nop,TS val 800 ecr 200> at 0.100000""",
                o.message());
    }

    @Test
    void theStandInSeesWhatARealPeerWouldSend() {
        Outcome o = run(HANDSHAKE + """
                +0   < P. 1:1001(1000) ack 2 win 257 <nop,nop,TS val 200 ecr 701>
                """);
        assertEquals(Outcome.passed(), o);
        assertEquals(List.of("echoed timestamp 3000002, sent 3000001", "ack 1985229330, expected ISN + 1"),
                problems);
    }

    @Test
    void aLateSegmentFailsTheTimingCheck() {
        Outcome o = run(HANDSHAKE + """
                +0   < P. 1:1001(1000) ack 1 win 257 <nop,nop,TS val 200 ecr 700>
                +.01 > . 1:1(0) ack 1001 <...>
                """);
        assertEquals(Outcome.Status.FAILED, o.status());
        assertTrue(o.message().startsWith("timing: > . 1:1(0) ack 1001 <...> expected at 0.110000 (window 0.106000"
                + " to 0.114000), sent at 0.100000"), o.message());
    }
}
