package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.SkBuff;
import io.jnetstack.socket.Socket;
import io.jnetstack.wire.Ethernet;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Tcp;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packets TCP hands a TSO device: how many segments each carries ({@code tcp_tso_segs()},
 * {@code tcp_cwnd_test()}'s half window) and the PSH Linux forces on every packet of more than
 * one segment ({@code __tcp_transmit_skb()}).
 */
class TcpTsoTest {
    /** One packet as B's end of the wire received it. */
    record Seen(int seq, int len, int segs, int flags) { }

    @Test
    void theInitialWindowGoesAsTwoGsoPacketsOfHalfTheWindowEachMarkedPsh() {
        VethStacks t = new VethStacks(3, 1500, true);
        List<Seen> seen = new ArrayList<>();
        t.v.peer().addTap((skb, d, outgoing) -> {
            if (!outgoing) {
                seen.add(parse(skb));
            }
        });
        t.connect(80);
        Socket c = t.client;
        Socket s = t.server;
        int mss = ((TcpSock) c.sock()).mssCache;
        seen.clear();
        // More than the initial window of 10 segments, written while nothing is in flight.
        assertEquals(15 * mss, c.send(ByteBuffer.allocate(15 * mss), 0));
        List<Seen> data = seen.stream().filter(p -> p.len > 0).toList();
        assertTrue(data.size() >= 2, "sent: " + data);
        // tcp_cwnd_test(): at most half of cwnd 10 per packet, so two packets of 5 segments.
        assertEquals(5, data.get(0).segs, "first packet: " + data);
        assertEquals(5 * mss, data.get(0).len);
        assertEquals(5, data.get(1).segs, "second packet: " + data);
        // The write is not done, yet each GSO packet carries PSH.
        assertTrue((data.get(0).flags & Tcp.PSH) != 0, "PSH forced on a GSO packet: " + data);
        assertTrue((data.get(1).flags & Tcp.PSH) != 0);
        byte[] got = new byte[15 * mss];
        ByteBuffer in = ByteBuffer.wrap(got);
        while (in.hasRemaining()) {
            s.recv(in, 0);
        }
        t.close();
    }

    @Test
    void aBulkStreamReachesGsoPacketsOf64KiB() {
        VethStacks t = new VethStacks(4, 1500, true);
        int[] most = new int[1];
        t.v.peer().addTap((skb, d, outgoing) -> {
            if (!outgoing) {
                most[0] = Math.max(most[0], parse(skb).segs);
            }
        });
        t.connect(80);
        int mss = ((TcpSock) t.client.sock()).mssCache;
        ByteBuffer out = ByteBuffer.allocate(256 * 1024);
        ByteBuffer in = ByteBuffer.allocate(256 * 1024);
        long got = 0;
        while (got < 16L << 20) {
            if ((t.client.poll() & Socket.POLLOUT) != 0) {
                out.clear();
                t.client.send(out, Socket.MSG_DONTWAIT);
            }
            while ((t.server.poll() & Socket.POLLIN) != 0) {
                in.clear();
                got += t.server.recv(in, Socket.MSG_DONTWAIT);
            }
            t.k.runFor(10_000L);
        }
        // A packet's segments are fragments of the write queue's MSS buffers: with MAX_SKB_FRAGS
        // 45 one packet reaches the 64 KiB GSO limit, 45 segments of 1448 bytes.
        assertEquals((65536 - 1 - TcpOutput.MAX_HEADER) / mss, most[0]);
        assertEquals(45, most[0]);
        t.close();
    }

    private static Seen parse(SkBuff skb) {
        byte[] b = skb.toByteArray();
        int ip = Ethernet.HEADER_LEN;
        int th = ip + Ipv4.ihl(b, ip) * 4;
        int payload = b.length - th - Tcp.headerLen(b, th);
        int segs = skb.gsoSize() > 0 ? (payload + skb.gsoSize() - 1) / skb.gsoSize() : 1;
        return new Seen(Tcp.seq(b, th), payload, segs, Tcp.flags(b, th));
    }
}
