package io.jnetstack.ipv4.offload;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.NetdevFeatures;
import io.jnetstack.link.Veth;
import io.jnetstack.socket.Lan;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.Socket;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The stack's own TCP through GRO: A sends MSS-sized segments over veth (MTU 1500) to R; R's
 * veth merges them (napi_gro_receive), forwards the merged packet, which either crosses to B
 * whole (TSO on R's egress veth) or is cut again there (TSO off); B's ip_rcv and TCP accept the
 * larger-than-MTU packet with its GSO metadata, and the stream arrives intact.
 */
class GroTcpTest {

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aTcpStreamIsMergedForwardedAndDeliveredIntact(boolean tsoOnEgress) {
        Lan lan = new Lan(5);
        Veth rIn = lan.aEth.peer();
        Veth rOut = (Veth) lan.bEth.peer();
        rIn.setFeatures(NetdevFeatures.GRO, 0);
        // A sends MSS segments (its TCP would hand a TSO device whole GSO packets: nothing to merge).
        lan.aEth.setFeatures(0, NetdevFeatures.TSO);
        if (!tsoOnEgress) {
            rOut.setFeatures(0, NetdevFeatures.TSO);
        }
        Socket l = lan.b.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
        l.bind(new SockAddrIn(0, 9));
        l.listen(4);
        Socket c = lan.a.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
        c.connect(new SockAddrIn(Lan.B, 9));
        Socket s = l.accept();
        byte[] data = new byte[4 << 20];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + (i >>> 11));
        }
        ByteBuffer out = ByteBuffer.wrap(data);
        ByteBuffer in = ByteBuffer.allocate(data.length);
        for (int rounds = 0; (out.hasRemaining() || in.hasRemaining()) && rounds < 200_000; rounds++) {
            if (out.hasRemaining()) {
                try {
                    c.send(out, Socket.MSG_DONTWAIT);
                } catch (ErrnoException e) {
                    assertEquals(Errno.EAGAIN, e.errno());
                }
            }
            lan.k.runFor(100_000);
            try {
                s.recv(in, Socket.MSG_DONTWAIT);
            } catch (ErrnoException e) {
                assertEquals(Errno.EAGAIN, e.errno());
            }
        }
        if (in.hasRemaining()) {
            StringBuilder sb = new StringBuilder("stalled at " + in.position() + "\n");
            for (io.jnetstack.core.Net n : new io.jnetstack.core.Net[]{lan.a, lan.r, lan.b}) {
                for (DropReason d : DropReason.values()) {
                    if (n.drops(d) > 0) {
                        sb.append(n.name()).append(' ').append(d).append(' ').append(n.drops(d)).append('\n');
                    }
                }
            }
            fail(sb.toString());
        }
        assertArrayEquals(data, in.array());
        long merged = rIn.napi().gro().mergedPackets();
        assertTrue(merged > 0, "R merged some of A's segments");
        assertTrue(rIn.napi().gro().mergedSegments() > merged, "more than two segments at a time");
        assertEquals(0, lan.b.drops(DropReason.TCP_CSUM));
        assertEquals(0, lan.r.drops(DropReason.SKB_GSO_SEG));
        if (tsoOnEgress) {
            assertTrue(rOut.stats().txPackets < rIn.stats().rxPackets, "merged packets crossed whole");
        } else {
            assertTrue(rOut.stats().txPackets >= data.length / 1460, "cut again into MTU-sized frames");
        }
        c.close();
        s.close();
        l.close();
    }
}
