package io.jnetstack.socket;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UdpSmokeTest {
    @Test
    void datagramCrossesTheRouterBothWays() {
        Lan lan = new Lan(1);
        Socket sa = Lan.udp(lan.a);
        Socket sb = Lan.udp(lan.b);
        sb.bind(new SockAddrIn(0, 7000));
        sa.sendto(Lan.buf("hello"), 0, new SockAddrIn(Lan.B, 7000));
        ByteBuffer in = ByteBuffer.allocate(100);
        SockAddrIn[] from = new SockAddrIn[1];
        int n = sb.recvfrom(in, 0, from);
        assertEquals(5, n);
        assertEquals("hello", Lan.str(in));
        assertEquals(Lan.A, from[0].addr());
        sb.sendto(Lan.buf("back"), 0, from[0]);
        ByteBuffer in2 = ByteBuffer.allocate(100);
        assertEquals(4, sa.recv(in2, 0));
        assertEquals("back", Lan.str(in2));
    }
}
