package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.Errno;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static io.jnetstack.ipv4.tcp.TcpCloseTest.read;
import static io.jnetstack.ipv4.tcp.TcpHarness.PORT;
import static io.jnetstack.ipv4.tcp.TcpHarness.sk;
import static io.jnetstack.ipv4.tcp.TcpOpenTest.errnoOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RST in every state (RFC 9293 §3.10.7.4 second, RFC 5961 §3) and the errors the user sees,
 * as Linux's {@code tcp_reset()} reports them.
 */
class TcpResetTest {
    final TcpHarness h = new TcpHarness();

    @Test
    void synSentResetWithGoodAckRefuses() {
        Socket s = h.connect(PORT);
        h.expect("S 0:0(0) <...>");
        h.inject("R. 0:0(0) ack 1 win 0");
        assertEquals(TcpState.CLOSE, sk(s).state());
        assertEquals(Errno.ECONNREFUSED.code(), (int) s.getsockopt(SockOpt.SO_ERROR));
    }

    @Test
    void synSentResetWithBadAckIsIgnored() {
        Socket s = h.connect(PORT);
        h.expect("S 0:0(0) <...>");
        h.inject("R. 0:0(0) ack 7 win 0");
        h.noMoreSegments();
        assertEquals(TcpState.SYN_SENT, sk(s).state());
    }

    @Test
    void synRecvOfSimultaneousOpenIsReset() {
        h.net.sysctls().set("net.ipv4.tcp_timestamps", "0");
        Socket s = h.connect(PORT);
        h.expect("S 0:0(0) <...>");
        h.inject("S 0:0(0) win 65535 <mss 1000>");
        h.expect("S. 0:0(0) ack 1 <...>");
        h.inject("R 1:1(0) win 0");
        assertEquals(TcpState.CLOSE, sk(s).state());
        assertEquals(Errno.ECONNRESET.code(), (int) s.getsockopt(SockOpt.SO_ERROR));
        assertEquals(1, h.tcp.mib().get(TcpMib.AttemptFails));
    }

    @Test
    void establishedResetGivesEconnresetOnTheNextReadThenEof() {
        Socket s = h.passiveOpen();
        h.inject("R. 1:1(0) ack 1 win 0");
        h.noMoreSegments();
        assertEquals(TcpState.CLOSE, sk(s).state());
        int ev = s.poll();
        assertTrue((ev & Socket.POLLERR) != 0 && (ev & Socket.POLLHUP) != 0 && (ev & Socket.POLLIN) != 0);
        assertEquals(Errno.ECONNRESET, errnoOf(() -> s.recv(ByteBuffer.allocate(10), 0)));
        assertEquals(0, read(s, 10));
        assertEquals(Errno.EPIPE, errnoOf(() -> s.send(ByteBuffer.allocate(10), 0)));
        assertEquals(1, h.tcp.mib().get(TcpMib.EstabResets));
        assertEquals(0, h.tcp.mib().get(TcpMib.CurrEstab));
    }

    @Test
    void establishedResetGivesEconnresetOnTheNextWrite() {
        Socket s = h.passiveOpen();
        h.inject("R 1:1(0) win 0");
        assertEquals(Errno.ECONNRESET, errnoOf(() -> s.send(ByteBuffer.allocate(10), 0)));
        assertEquals(Errno.EPIPE, errnoOf(() -> s.send(ByteBuffer.allocate(10), 0)));
    }

    @Test
    void resetWakesABlockedReader() {
        Socket s = h.passiveOpen();
        Errno[] got = new Errno[1];
        Thread t = h.spawn("recv", () -> {
            try {
                s.recv(ByteBuffer.allocate(10), 0);
            } catch (io.jnetstack.core.ErrnoException e) {
                got[0] = e.errno();
            }
        });
        h.advance(10);
        h.inject("R. 1:1(0) ack 1 win 0");
        TcpOpenTest.join(t);
        assertEquals(Errno.ECONNRESET, got[0]);
    }

    @Test
    void aConnectionResetBeforeAcceptIsStillAccepted() {
        Socket l = h.listen(PORT, 4);
        h.inject("S 0:0(0) win 32792 <mss 1000>");
        h.expect("S. 0:0(0) ack 1 <mss 1460>");
        h.inject(". 1:1(0) ack 1 win 257");
        h.inject("R 1:1(0) win 0");
        assertEquals(Socket.POLLIN | Socket.POLLRDNORM, l.poll());
        Socket s = l.accept();
        assertEquals(TcpState.CLOSE, sk(s).state());
        assertEquals(Errno.ECONNRESET, errnoOf(() -> s.recv(ByteBuffer.allocate(10), 0)));
        s.close();
        assertTrue(h.tcp.bound.owners(PORT).size() == 1, "only the listener holds the port");
    }

    @Test
    void finWait1Reset() {
        Socket s = h.passiveOpen();
        s.shutdown(Socket.SHUT_WR);
        h.expect("F. 1:1(0) ack 1");
        h.inject("R 1:1(0) win 0");
        assertEquals(TcpState.CLOSE, sk(s).state());
        assertEquals(Errno.ECONNRESET, errnoOf(() -> s.recv(ByteBuffer.allocate(10), 0)));
        h.quietFor(10_000);
    }

    @Test
    void finWait2ResetOfAnOrphan() {
        Socket s = h.passiveOpen();
        s.close();
        h.expect("F. 1:1(0) ack 1");
        h.inject(". 1:1(0) ack 2 win 257");
        h.inject("R 1:1(0) win 0");
        assertTrue(h.tcp.established.isEmpty());
        assertEquals(0, h.tcp.timeWaitCount());
        h.quietFor(100_000);
    }

    @Test
    void closeWaitResetGivesEpipeAndReadsEof() {
        Socket s = h.passiveOpen();
        h.inject("F. 1:1(0) ack 1 win 257");
        h.expect(". 1:1(0) ack 2");
        h.inject("R 2:2(0) win 0");
        assertEquals(TcpState.CLOSE, sk(s).state());
        assertEquals(0, read(s, 10), "the peer's FIN was seen: reads say EOF (SOCK_DONE) before the error");
        assertEquals(Errno.EPIPE, errnoOf(() -> s.send(ByteBuffer.allocate(10), 0)));
        assertEquals(1, h.tcp.mib().get(TcpMib.EstabResets));
    }

    @Test
    void closeWaitAcceptsAResetAtTheFinSequence() {
        Socket s = h.passiveOpen();
        h.inject("F. 1:1(0) ack 1 win 257");
        h.expect(". 1:1(0) ack 2");
        h.inject("R 1:1(0) win 0");
        assertEquals(TcpState.CLOSE, sk(s).state(), "tcp_reset_check: RCV.NXT - 1 after a FIN resets (macOS sends those)");
    }

    @Test
    void closingReset() {
        Socket s = h.passiveOpen();
        s.shutdown(Socket.SHUT_WR);
        h.expect("F. 1:1(0) ack 1");
        h.inject("F. 1:1(0) ack 1 win 257");
        h.expect(". 2:2(0) ack 2");
        assertEquals(TcpState.CLOSING, sk(s).state());
        h.inject("R 2:2(0) win 0");
        assertEquals(TcpState.CLOSE, sk(s).state());
        h.quietFor(10_000);
    }

    @Test
    void lastAckReset() {
        Socket s = h.passiveOpen();
        h.inject("F. 1:1(0) ack 1 win 257");
        h.expect(". 1:1(0) ack 2");
        s.close();
        h.expect("F. 1:1(0) ack 2");
        h.inject("R 2:2(0) win 0");
        assertTrue(h.tcp.established.isEmpty());
        h.quietFor(10_000);
    }

    @Test
    void listenIgnoresResets() {
        Socket l = h.listen(PORT, 1);
        h.inject("R 0:0(0) win 0");
        h.inject("R. 0:0(0) ack 5 win 0");
        h.noMoreSegments();
        assertEquals(TcpState.LISTEN, sk(l).state());
    }

    @Test
    void resetForNoSocketIsNotAnswered() {
        h.inject("R. 0:0(0) ack 5 win 0");
        h.noMoreSegments();
        assertEquals(1, h.tcp.mib().get(TcpMib.InSegs));
        assertEquals(0, h.tcp.mib().get(TcpMib.OutRsts));
    }

    @Test
    void closedPortResetsSynAndAck() {
        h.inject("S 0:0(0) win 65535 <mss 1460>");
        h.expect("R. 0:0(0) ack 1");
        h.inject(". 1:1(0) ack 7 win 65535");
        h.expect("R 7:7(0)");
        h.inject("P. 1:11(10) win 65535".replace("P. ", "P "));
        h.expect("R. 0:0(0) ack 11");
        assertEquals(3, h.tcp.mib().get(TcpMib.OutRsts));
    }
}
