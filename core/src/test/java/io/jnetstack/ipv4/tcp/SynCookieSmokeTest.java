package io.jnetstack.ipv4.tcp;

import io.jnetstack.socket.Lan;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.Socket;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SynCookieSmokeTest {
    @Test
    void aConnectionMadeFromACookieCarriesDataBothWays() {
        Lan lan = new Lan(3);
        lan.b.sysctls().set("net.ipv4.tcp_syncookies", "2");
        Socket l = TcpSmokeTest.tcp(lan.b);
        l.bind(new SockAddrIn(0, 80));
        l.listen(16);
        Socket c = TcpSmokeTest.tcp(lan.a);
        c.connect(new SockAddrIn(Lan.B, 80));
        Socket s = l.accept();
        assertEquals(1, Tcp.of(lan.b).extMib().get(TcpExtMib.SyncookiesRecv));
        byte[] data = new byte[300_000];
        new java.util.Random(1).nextBytes(data);
        ByteBuffer out = ByteBuffer.wrap(data);
        ByteBuffer in = ByteBuffer.allocate(data.length);
        while (out.hasRemaining() || in.hasRemaining()) {
            if (out.hasRemaining()) {
                try {
                    s.send(out, Socket.MSG_DONTWAIT);
                } catch (io.jnetstack.core.ErrnoException e) {
                    assertEquals(io.jnetstack.core.Errno.EAGAIN, e.errno());
                }
            }
            lan.k.runFor(1_000_000);
            try {
                c.recv(in, Socket.MSG_DONTWAIT);
            } catch (io.jnetstack.core.ErrnoException e) {
                assertEquals(io.jnetstack.core.Errno.EAGAIN, e.errno());
            }
            if (lan.k.clock().nanos() > 60_000_000_000L) {
                throw new AssertionError("stuck: " + in.position() + " of " + data.length + "\n"
                        + lan.k.call(() -> io.jnetstack.admin.Ss.run(lan.b, java.util.List.of("-tani"))));
            }
        }
        assertArrayEquals(data, in.array());
    }
}
