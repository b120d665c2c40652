package io.jnetstack.bench;

import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.link.Veth;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.Socket;
import io.jnetstack.wire.Ipv4Address;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * 64-byte UDP datagrams per second from one socket to another, the same workload on the
 * kernel (the JDK's {@link DatagramChannel} over 127.0.0.1) and on jnetstack (two namespaces
 * joined by a veth pair, one thread): batches of {@value #BATCH} sends, then as many receives.
 */
final class UdpBench {
    static final int BATCH = 64;
    static final int SIZE = 64;

    record Result(double kernelPerSecond, double stackPerSecond, double stackBytesPerDatagram) {
        double ratio() {
            return stackPerSecond / kernelPerSecond;
        }
    }

    static Result run(long datagrams, int rounds) throws IOException {
        double kernel = 0;
        double stack = 0;
        double bytes = Double.MAX_VALUE;
        Stack s = new Stack();
        try (DatagramChannel tx = DatagramChannel.open(StandardProtocolFamily.INET);
                DatagramChannel rx = DatagramChannel.open(StandardProtocolFamily.INET)) {
            rx.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            rx.bind(new InetSocketAddress("127.0.0.1", 0));
            tx.bind(new InetSocketAddress("127.0.0.1", 0));
            tx.connect(rx.getLocalAddress());
            kernelRound(tx, rx, Math.min(datagrams, 200_000));
            s.round(Math.min(datagrams, 200_000));
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                kernelRound(tx, rx, datagrams);
                kernel = Math.max(kernel, datagrams * 1e9 / (System.nanoTime() - t0));
                com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long a0 = mx.getCurrentThreadAllocatedBytes();
                long t1 = System.nanoTime();
                s.round(datagrams);
                long t2 = System.nanoTime();
                long a1 = mx.getCurrentThreadAllocatedBytes();
                stack = Math.max(stack, datagrams * 1e9 / (t2 - t1));
                bytes = Math.min(bytes, (double) (a1 - a0) / datagrams);
            }
        }
        return new Result(kernel, stack, bytes);
    }

    private static void kernelRound(DatagramChannel tx, DatagramChannel rx, long n) throws IOException {
        ByteBuffer out = ByteBuffer.allocateDirect(SIZE);
        ByteBuffer in = ByteBuffer.allocateDirect(2048);
        for (long i = 0; i < n; i += BATCH) {
            for (int j = 0; j < BATCH; j++) {
                out.clear();
                tx.write(out);
            }
            for (int j = 0; j < BATCH; j++) {
                in.clear();
                rx.receive(in);
            }
        }
    }

    /** Two namespaces on a veth pair, a connected UDP socket in each. */
    static final class Stack {
        final Kernel k = Kernel.deterministic(1);
        final Socket tx;
        final Socket rx;
        final ByteBuffer out = ByteBuffer.allocate(SIZE);
        final ByteBuffer in = ByteBuffer.allocate(2048);

        Stack() {
            Net a = k.newNet("a");
            Net b = k.newNet("b");
            Veth va = Veth.createPair(a, "veth0", b, "veth0");
            a.loopback().up();
            b.loopback().up();
            va.up();
            va.peer().up();
            int addrA = Ipv4Address.parse("198.18.0.1");
            int addrB = Ipv4Address.parse("198.18.0.2");
            a.inet().devinet().add(va, addrA, 24);
            b.inet().devinet().add(va.peer(), addrB, 24);
            k.runFor(1_000_000_000L);
            tx = a.sockets().socket(Socket.AF_INET, Socket.SOCK_DGRAM, 0);
            rx = b.sockets().socket(Socket.AF_INET, Socket.SOCK_DGRAM, 0);
            rx.bind(new SockAddrIn(addrB, 9000));
            tx.connect(new SockAddrIn(addrB, 9000));
        }

        void round(long n) {
            for (long i = 0; i < n; i += BATCH) {
                for (int j = 0; j < BATCH; j++) {
                    out.clear();
                    tx.send(out, 0);
                }
                for (int j = 0; j < BATCH; j++) {
                    in.clear();
                    if (rx.recv(in, Socket.MSG_DONTWAIT) != SIZE) {
                        throw new IllegalStateException("short datagram");
                    }
                }
            }
        }
    }
}
