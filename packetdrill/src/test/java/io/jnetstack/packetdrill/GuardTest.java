package io.jnetstack.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Nothing a script or the stack does can hang or crash the runner. */
class GuardTest {

    @Test
    void aScriptStuckInRealTimeIsARunnerTimeout() {
        RunConfig c = RunConfig.DEFAULTS.withWallClock(Duration.ofMillis(200)).withPrepare(net -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertEquals(Outcome.failed(0, "runner timeout (200 ms wall clock)"),
                Packetdrill.run("slow.pkt", "0 socket(..., SOCK_DGRAM, IPPROTO_UDP) = 3\n", c));
    }

    @Test
    void anExceptionInTheRunnerIsAFailure() {
        RunConfig c = RunConfig.DEFAULTS.withPrepare(net -> {
            throw new IllegalStateException("boom");
        });
        Outcome o = Packetdrill.run("boom.pkt", "0 socket(..., SOCK_DGRAM, IPPROTO_UDP) = 3\n", c);
        assertEquals(Outcome.failed(0, "runner error: java.lang.IllegalStateException: boom"), o);
    }

    @Test
    void anExceptionInTheStackFailsTheLineThatCausedIt() {
        RunConfig c = RunConfig.DEFAULTS.withPrepare(net -> net.inet().addProtocol(6, skb -> {
            throw new IllegalStateException("stack bug");
        }));
        Outcome o = Packetdrill.run("bug.pkt",
                "0 socket(..., SOCK_DGRAM, IPPROTO_UDP) = 3\n+0 < S 0:0(0) win 100\n", c);
        assertEquals(Outcome.Status.FAILED, o.status());
        assertEquals(2, o.line());
        assertTrue(o.message().startsWith("unexpected exception while running this line:"
                + " java.lang.IllegalStateException: stack bug at "), o.message());
    }

    @Test
    void waitingForAPacketAtAnyTimeEndsInVirtualTime() {
        long start = System.nanoTime();
        Outcome o = Packetdrill.run("any.pkt", "0 socket(..., SOCK_DGRAM, IPPROTO_UDP) = 3\n* > udp (1)\n",
                RunConfig.DEFAULTS);
        assertEquals(Outcome.failed(2, "timed out waiting for a packet: expected > udp (1) at 0.000000"
                + " (by 120.000000)"), o);
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
    }

    @Test
    void scriptTimeIsBounded() {
        RunConfig c = RunConfig.DEFAULTS.withMaxScriptUsecs(10_000_000);
        assertEquals(Outcome.failed(2, "script time 11.000000 is past the runner's limit of 10.000000 (virtual)"),
                Packetdrill.run("late.pkt", "0 socket(..., SOCK_DGRAM, IPPROTO_UDP) = 3\n+11 close(3) = 0\n", c));
        assertEquals(Outcome.failed(2, "timed out waiting for a packet: expected > udp (1) at 1.000000"
                + " (by 10.000000)"), Packetdrill.run("any.pkt", "1 socket(..., SOCK_DGRAM, IPPROTO_UDP) = 3\n"
                + "* > udp (1)\n", c));
    }

    @Test
    void aParseErrorIsAFailureAtItsLine() {
        assertEquals(Outcome.failed(2, "parse error: expected a time in seconds but found end of line"),
                Packetdrill.run("p.pkt", "0 socket(..., SOCK_DGRAM, IPPROTO_UDP) = 3\n+\n", RunConfig.DEFAULTS));
    }
}
