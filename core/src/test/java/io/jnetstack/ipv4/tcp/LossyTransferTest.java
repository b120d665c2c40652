package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.sched.Netem;
import io.jnetstack.socket.Lan;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.Socket;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A bulk transfer through netem loss and delay completes intact (deterministic by seed). */
class LossyTransferTest {
    @Test
    void eightMegabytesThroughThreePercentLoss() {
        Lan lan = new Lan(7);
        lan.k.run(() -> lan.aEth.setQdisc(new Netem(Netem.Config.parse("loss 3% delay 5ms"))));
        Socket l = TcpSmokeTest.tcp(lan.b);
        l.bind(new SockAddrIn(0, 80));
        l.listen(16);
        Socket c = TcpSmokeTest.tcp(lan.a);
        c.connect(new SockAddrIn(Lan.B, 80));
        Socket s = l.accept();
        byte[] data = new byte[8 << 20];
        new java.util.Random(1).nextBytes(data);
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
            if (lan.k.clock().nanos() > 300_000_000_000L) {
                throw new AssertionError("stuck: " + in.position() + " of " + data.length + "\n"
                        + lan.k.call(() -> io.jnetstack.admin.Ss.run(lan.a, java.util.List.of("-tani")))
                        + lan.k.call(() -> io.jnetstack.admin.Ss.run(lan.b, java.util.List.of("-tani")))
                        + lan.k.call(() -> Tcp.of(lan.a).extMib().formatNonZero()));
            }
        }
        assertArrayEquals(data, in.array());
    }
}
