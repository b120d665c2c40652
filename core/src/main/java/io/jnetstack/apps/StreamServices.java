package io.jnetstack.apps;

import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Net;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * TCP services: echo (RFC 862, port 7: every byte back; the half-close is passed on) and
 * discard (RFC 863, port 9: bytes counted and thrown away). One virtual thread accepts, one
 * per connection serves. {@link #close()} stops accepting and closes the listener.
 */
public final class StreamServices implements AutoCloseable {
    private final Socket listener;
    private final Thread acceptor;
    private volatile long bytes;
    private volatile long connections;

    private StreamServices(Socket listener, Consumer<Socket> handler, String name) {
        this.listener = listener;
        this.acceptor = Thread.ofVirtual().name("jnetstack-" + name + "-accept").start(() -> acceptLoop(handler, name));
    }

    /** Listens on TCP {@code port} of {@code net}, running {@code handler} per connection. */
    public static StreamServices start(Net net, int port, String name, Consumer<Socket> handler) {
        Socket l = net.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
        try {
            l.setsockopt(SockOpt.SO_REUSEADDR, 1);
            l.bind(new SockAddrIn(0, port));
            l.listen(128);
        } catch (ErrnoException e) {
            l.close();
            throw e;
        }
        return new StreamServices(l, handler, name);
    }

    /** The echo service on {@code port}. */
    public static StreamServices echo(Net net, int port) {
        StreamServices[] self = new StreamServices[1];
        self[0] = start(net, port, "echo", s -> self[0].echoOne(s));
        return self[0];
    }

    /** The discard service on {@code port}. */
    public static StreamServices discard(Net net, int port) {
        StreamServices[] self = new StreamServices[1];
        self[0] = start(net, port, "discard", s -> self[0].discardOne(s));
        return self[0];
    }

    private void acceptLoop(Consumer<Socket> handler, String name) {
        while (!listener.isClosed()) {
            Socket c;
            try {
                c = listener.accept();
            } catch (ErrnoException e) {
                if (listener.isClosed()) {
                    return;
                }
                continue;
            }
            connections++;
            Thread.ofVirtual().name("jnetstack-" + name).start(() -> {
                try (c) {
                    handler.accept(c);
                } catch (ErrnoException e) {
                    // The peer went away (reset, timeout): nothing to serve any more.
                }
            });
        }
    }

    private void echoOne(Socket s) {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        while (true) {
            buf.clear();
            int n = s.recv(buf, 0);
            if (n == 0) {
                s.shutdown(Socket.SHUT_WR);
                return;
            }
            bytes += n;
            buf.flip();
            while (buf.hasRemaining()) {
                s.send(buf, 0);
            }
        }
    }

    private void discardOne(Socket s) {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        while (true) {
            buf.clear();
            int n = s.recv(buf, 0);
            if (n == 0) {
                return;
            }
            bytes += n;
        }
    }

    /** Bytes echoed or discarded so far. */
    public long bytes() {
        return bytes;
    }

    /** Connections accepted so far. */
    public long connections() {
        return connections;
    }

    @Override
    public void close() {
        listener.close();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
