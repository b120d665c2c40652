package io.jnetstack.bench;

import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * TCP workloads run the same way on the kernel (the JDK's SocketChannel over 127.0.0.1) and on
 * jnetstack (two namespaces on a veth pair with MTU 65,535, one thread, a deterministic
 * kernel): {@code bulk} (one stream, bytes per second), {@code rr} (1-byte request/response
 * transactions per second) and {@code crr} (connect/accept/close per second).
 */
final class TcpBench {
    record Figure(double kernel, double stack) {
        double ratio() {
            return stack / kernel;
        }
    }

    private TcpBench() {
    }

    // ================================================================ jnetstack

    static final class Stack {
        private final TwoStacks two = new TwoStacks(1, 65535).settle();
        final Kernel k = two.k;
        final Net a = two.a;
        final Net b = two.b;
        final int addrB = TwoStacks.ADDR_B;
        final Socket listener;
        int port = 5000;

        Stack() {
            listener = b.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
            listener.bind(new SockAddrIn(0, port));
            listener.listen(1024);
        }

        Socket[] pair() {
            Socket c = a.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
            c.connect(new SockAddrIn(addrB, port));
            Socket s = listener.accept();
            return new Socket[]{c, s};
        }
    }

    static double stackBulk(Stack st, long bytes) {
        Socket[] p = st.pair();
        ByteBuffer out = ByteBuffer.allocate(256 * 1024);
        ByteBuffer in = ByteBuffer.allocate(256 * 1024);
        long got = 0;
        long t0 = System.nanoTime();
        while (got < bytes) {
            out.clear();
            boolean progress = false;
            try {
                progress = p[0].send(out, Socket.MSG_DONTWAIT) > 0;
            } catch (ErrnoException e) {
                // the send buffer is full: drain the receiver
            }
            while (true) {
                in.clear();
                int n;
                try {
                    n = p[1].recv(in, Socket.MSG_DONTWAIT);
                } catch (ErrnoException e) {
                    break;
                }
                got += n;
                progress = true;
            }
            if (!progress) {
                st.k.step(Long.MAX_VALUE);   // nothing moved: let virtual time reach the next timer (a delayed ACK)
            }
        }
        double r = got * 1e9 / (System.nanoTime() - t0);
        p[0].close();
        p[1].close();
        return r;
    }

    static double stackRr(Stack st, long n) {
        Socket[] p = st.pair();
        p[0].setsockopt(SockOpt.TCP_NODELAY, 1);
        p[1].setsockopt(SockOpt.TCP_NODELAY, 1);
        ByteBuffer one = ByteBuffer.allocate(1);
        long t0 = System.nanoTime();
        for (long i = 0; i < n; i++) {
            one.clear();
            p[0].send(one, 0);
            one.clear();
            p[1].recv(one, 0);
            one.clear();
            p[1].send(one, 0);
            one.clear();
            p[0].recv(one, 0);
        }
        double r = n * 1e9 / (System.nanoTime() - t0);
        p[0].close();
        p[1].close();
        return r;
    }

    static double stackCrr(Stack st, long n) {
        long t0 = System.nanoTime();
        for (long i = 0; i < n; i++) {
            Socket[] p = st.pair();
            p[0].close();
            p[1].close();
            st.k.runFor(3_000_000L);   // 3 ms of virtual time: TIME_WAIT ends 60 s later, so ports recycle
        }
        return n * 1e9 / (System.nanoTime() - t0);
    }

    // ================================================================ the kernel

    static final class Kern implements AutoCloseable {
        final ServerSocketChannel listener;

        Kern() throws IOException {
            listener = ServerSocketChannel.open(StandardProtocolFamily.INET);
            listener.bind(new InetSocketAddress("127.0.0.1", 0), 1024);
        }

        SocketChannel[] pair() throws IOException {
            SocketChannel c = SocketChannel.open(StandardProtocolFamily.INET);
            c.connect(listener.getLocalAddress());
            SocketChannel s = listener.accept();
            return new SocketChannel[]{c, s};
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }

    static double kernelBulk(Kern kn, long bytes) throws IOException {
        SocketChannel[] p = kn.pair();
        p[0].configureBlocking(false);
        p[1].configureBlocking(false);
        ByteBuffer out = ByteBuffer.allocateDirect(256 * 1024);
        ByteBuffer in = ByteBuffer.allocateDirect(256 * 1024);
        long got = 0;
        long t0 = System.nanoTime();
        while (got < bytes) {
            out.clear();
            p[0].write(out);
            int n;
            do {
                in.clear();
                n = p[1].read(in);
                got += Math.max(n, 0);
            } while (n > 0);
        }
        double r = got * 1e9 / (System.nanoTime() - t0);
        p[0].close();
        p[1].close();
        return r;
    }

    static double kernelRr(Kern kn, long n) throws IOException {
        SocketChannel[] p = kn.pair();
        p[0].setOption(StandardSocketOptions.TCP_NODELAY, true);
        p[1].setOption(StandardSocketOptions.TCP_NODELAY, true);
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        long t0 = System.nanoTime();
        for (long i = 0; i < n; i++) {
            one.clear();
            p[0].write(one);
            one.clear();
            p[1].read(one);
            one.clear();
            p[1].write(one);
            one.clear();
            p[0].read(one);
        }
        double r = n * 1e9 / (System.nanoTime() - t0);
        p[0].close();
        p[1].close();
        return r;
    }

    static double kernelCrr(Kern kn, long n) throws IOException {
        long t0 = System.nanoTime();
        for (long i = 0; i < n; i++) {
            SocketChannel[] p = kn.pair();
            p[0].close();
            p[1].close();
        }
        return n * 1e9 / (System.nanoTime() - t0);
    }

    /** {@code bulk}: bytes per second of one stream, best of the scale's rounds after a warm-up. */
    static Figure bulk(Scale sc) throws IOException {
        return compare(sc, Scale.warmup(sc.bulkBytes(), 64 << 20), sc.bulkBytes(), TcpBench::kernelBulk, TcpBench::stackBulk);
    }

    /** {@code rr}: 1-byte transactions per second on one connection. */
    static Figure rr(Scale sc) throws IOException {
        return compare(sc, Scale.warmup(sc.rrTransactions(), 20_000), sc.rrTransactions(), TcpBench::kernelRr, TcpBench::stackRr);
    }

    /** {@code crr}: connect, accept and close per second. */
    static Figure crr(Scale sc) throws IOException {
        return compare(sc, Scale.warmup(sc.crrConnections(), 3_000), sc.crrConnections(), TcpBench::kernelCrr, TcpBench::stackCrr);
    }

    private interface KernelSide {
        double run(Kern kn, long n) throws IOException;
    }

    private interface StackSide {
        double run(Stack st, long n);
    }

    private static Figure compare(Scale sc, long warm, long n, KernelSide kernel, StackSide stack) throws IOException {
        Stack st = new Stack();
        double bestKernel = 0;
        double bestStack = 0;
        try (Kern kn = new Kern()) {
            kernel.run(kn, warm);
            stack.run(st, warm);
            for (int r = 0; r < sc.rounds(); r++) {
                bestKernel = Math.max(bestKernel, kernel.run(kn, n));
                bestStack = Math.max(bestStack, stack.run(st, n));
            }
        }
        return new Figure(bestKernel, bestStack);
    }
}
