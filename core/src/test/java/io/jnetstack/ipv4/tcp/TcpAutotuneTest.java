package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.sched.Netem;
import io.jnetstack.socket.Lan;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Receive-buffer autotuning ({@code tcp_rcv_space_adjust}) on a 20 ms path: a reader that keeps
 * up sees its buffer grow towards tcp_rmem[2] and the window with it, so a bulk transfer is not
 * held at the initial 128 KiB buffer's window; SO_RCVBUF and tcp_moderate_rcvbuf=0 stop it.
 */
class TcpAutotuneTest {
    private record Run(int rcvbuf, long bytes) {
    }

    /** A 4-second bulk transfer from a to b; the receiver's buffer size and the bytes it read. */
    private static Run transfer(boolean lockRcvbuf, boolean moderate) {
        Lan lan = new Lan(3);
        lan.k.run(() -> {
            lan.aEth.setQdisc(new Netem(Netem.Config.parse("delay 10ms limit 100000")));
            lan.bEth.setQdisc(new Netem(Netem.Config.parse("delay 10ms limit 100000")));
            if (!moderate) {
                lan.b.sysctls().set("net.ipv4.tcp_moderate_rcvbuf", "0");
            }
        });
        Socket l = TcpSmokeTest.tcp(lan.b);
        if (lockRcvbuf) {
            l.setsockopt(SockOpt.SO_RCVBUF, 65536);
        }
        l.bind(new SockAddrIn(0, 80));
        l.listen(16);
        Socket c = TcpSmokeTest.tcp(lan.a);
        c.connect(new SockAddrIn(Lan.B, 80));
        Socket s = l.accept();
        ByteBuffer out = ByteBuffer.allocate(1 << 20);
        ByteBuffer in = ByteBuffer.allocate(1 << 20);
        long got = 0;
        long end = lan.k.clock().nanos() + 4_000_000_000L;
        while (lan.k.clock().nanos() < end) {
            out.clear();
            try {
                c.send(out, Socket.MSG_DONTWAIT);
            } catch (ErrnoException e) {
                // full: let time pass
            }
            lan.k.runFor(1_000_000);
            while (true) {
                in.clear();
                try {
                    got += s.recv(in, Socket.MSG_DONTWAIT);
                } catch (ErrnoException e) {
                    break;
                }
            }
        }
        return new Run(s.getsockopt(SockOpt.SO_RCVBUF), got);
    }

    @Test
    void theReceiveBufferGrowsWithWhatTheReaderTakes() {
        Run auto = transfer(false, true);
        Run fixed = transfer(false, false);
        assertEquals(131072, fixed.rcvbuf(), "tcp_moderate_rcvbuf=0 keeps tcp_rmem[1]");
        assertTrue(auto.rcvbuf() > 1 << 20, "grown past 1 MiB: " + auto.rcvbuf());
        assertTrue(auto.rcvbuf() <= 6291456, "bounded by tcp_rmem[2]: " + auto.rcvbuf());
        // 128 KiB of buffer is ~64 KiB of window per 20 ms: ~3.2 MB/s. Autotuning lifts it.
        assertTrue(auto.bytes() > 3 * fixed.bytes(), "autotuned " + auto.bytes() + " bytes against " + fixed.bytes());
    }

    @Test
    void soRcvbufLocksTheBuffer() {
        Run locked = transfer(true, true);
        assertEquals(131072, locked.rcvbuf(), "SO_RCVBUF 65536 is doubled, as Linux, and never autotuned");
    }
}
