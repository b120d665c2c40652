package io.jnetstack.admin;

import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Net;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.Socket;

import java.nio.ByteBuffer;

/**
 * The echo service of RFC 862 over UDP: every datagram received on the port goes back to its
 * sender. Runs on its own virtual thread with blocking socket calls; for real-time kernels
 * (host mode). {@link #close()} closes the socket, which ends the thread.
 */
public final class EchoService implements AutoCloseable {
    /** The well-known echo port. */
    public static final int PORT = 7;

    private final Socket socket;
    private final Thread thread;
    private volatile long echoed;

    private EchoService(Socket socket) {
        this.socket = socket;
        this.thread = Thread.ofVirtual().name("jnetstack-udp-echo").start(this::serve);
    }

    /** Binds UDP {@code port} on every address of {@code net} and starts echoing. */
    public static EchoService udp(Net net, int port) {
        Socket s = net.sockets().socket(Socket.AF_INET, Socket.SOCK_DGRAM, 0);
        try {
            s.bind(new SockAddrIn(0, port));
        } catch (ErrnoException e) {
            s.close();
            throw e;
        }
        return new EchoService(s);
    }

    private void serve() {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        SockAddrIn[] from = new SockAddrIn[1];
        while (!socket.isClosed()) {
            try {
                buf.clear();
                from[0] = null;
                socket.recvfrom(buf, 0, from);
                if (from[0] == null || socket.isClosed()) {
                    continue;
                }
                buf.flip();
                socket.sendto(buf, 0, from[0]);
                echoed++;
            } catch (ErrnoException e) {
                if (socket.isClosed()) {
                    return;
                }
                // A failed send (no route back, a pending ICMP error) loses one datagram, as with inetd.
            }
        }
    }

    /** Datagrams echoed so far. */
    public long echoed() {
        return echoed;
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
