package io.jnetstack.ipv4.tcp;

import io.jnetstack.socket.Socket;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The harness itself: remapping, checks and the failure messages tests rely on. */
class TcpHarnessTest {
    @Test
    void passiveOpenRemapsBothIsns() {
        TcpHarness h = new TcpHarness();
        h.listen(TcpHarness.PORT, 1);
        h.inject("S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>");
        TcpHarness.Captured synAck = h.expect("S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 7>");
        assertEquals(h.stackIsn(), synAck.seq());
        assertEquals(h.remoteIsn + 1, synAck.ack());
        h.inject(". 1:1(0) ack 1 win 257");
        h.noMoreSegments();
    }

    @Test
    void mismatchFailsWithBothSegments() {
        TcpHarness h = new TcpHarness();
        h.listen(TcpHarness.PORT, 1);
        h.inject("S 0:0(0) win 32792 <mss 1000>");
        AssertionError e = assertThrows(AssertionError.class, () -> h.expect("S. 0:0(0) ack 2"));
        assertTrue(e.getMessage().contains("expected  S. 0:0(0) ack 2"), e.getMessage());
        assertTrue(e.getMessage().contains("actual    S. 0:0(0) ack 1"), e.getMessage());
        assertTrue(e.getMessage().contains("(ack"), e.getMessage());
    }

    @Test
    void noMoreSegmentsNamesTheStraySegment() {
        TcpHarness h = new TcpHarness();
        h.listen(TcpHarness.PORT, 1);
        h.inject("S 0:0(0) win 32792 <mss 1000>");
        AssertionError e = assertThrows(AssertionError.class, h::noMoreSegments);
        assertTrue(e.getMessage().contains("S. 0:0(0) ack 1"), e.getMessage());
    }

    @Test
    void timestampsAreRemappedBothWays() {
        TcpHarness h = new TcpHarness();
        h.listen(TcpHarness.PORT, 1);
        h.inject("S 0:0(0) win 20000 <mss 1000,sackOK,TS val 100 ecr 0>");
        h.expect("S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 100 ecr 100>");
        h.advance(100);
        h.inject(". 1:1(0) ack 1 win 20000 <nop,nop,TS val 200 ecr 100>");
        h.inject(". 1:1001(1000) ack 1 win 20000 <nop,nop,TS val 201 ecr 100>");
        // Quick-ACK mode after the handshake: the first data is acknowledged at once, as Linux does.
        h.expect(". 1:1(0) ack 1001 <nop,nop,TS val 200 ecr 201>");
        h.advance(1000);
        h.inject(". 1001:2001(1000) ack 1 win 20000 <nop,nop,TS val 1201 ecr 200>");
        h.expect(". 1:1(0) ack 2001 <nop,nop,TS val 1200 ecr 1201>");
    }

    @Test
    void sequenceNumbersWrap() {
        TcpHarness h = new TcpHarness();
        h.remoteIsn = 0xFFFFFF00;
        Socket s = h.passiveOpen();
        h.inject("P. 1:1001(1000) ack 1 win 257");
        h.expect(". 1:1(0) ack 1001");
        ByteBuffer in = ByteBuffer.allocate(2000);
        assertEquals(1000, s.recv(in, 0));
        for (int i = 0; i < 1000; i++) {
            assertEquals((byte) (1 + i), in.get(i), "byte " + i);
        }
    }
}
