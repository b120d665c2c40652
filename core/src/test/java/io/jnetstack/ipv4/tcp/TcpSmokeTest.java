package io.jnetstack.ipv4.tcp;

import io.jnetstack.socket.Lan;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.Socket;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TcpSmokeTest {
    static Socket tcp(io.jnetstack.core.Net n) {
        return n.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
    }

    @Test
    void connectSendReceiveClose() {
        Lan lan = new Lan(1);
        Socket l = tcp(lan.b);
        l.bind(new SockAddrIn(0, 80));
        l.listen(16);
        Socket c = tcp(lan.a);
        c.connect(new SockAddrIn(Lan.B, 80));
        Socket s = l.accept();
        assertEquals(new SockAddrIn(Lan.A, c.getsockname().port()), s.getpeername());
        byte[] data = new byte[200_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        ByteBuffer out = ByteBuffer.wrap(data);
        ByteBuffer in = ByteBuffer.allocate(data.length);
        while (out.hasRemaining() || in.hasRemaining()) {
            if (out.hasRemaining()) {
                try {
                    c.send(out, Socket.MSG_DONTWAIT);
                } catch (io.jnetstack.core.ErrnoException e) {
                    assertEquals(io.jnetstack.core.Errno.EAGAIN, e.errno());
                }
            }
            lan.k.runFor(1_000_000);
            try {
                s.recv(in, Socket.MSG_DONTWAIT);
            } catch (io.jnetstack.core.ErrnoException e) {
                assertEquals(io.jnetstack.core.Errno.EAGAIN, e.errno());
            }
        }
        assertArrayEquals(data, in.array());
        c.close();
        assertEquals(0, s.recv(ByteBuffer.allocate(10), 0));
        s.close();
        lan.k.runFor(1_000_000_000L);
        assertEquals(TcpState.CLOSE, ((TcpSock) s.sock()).state());
    }
}
