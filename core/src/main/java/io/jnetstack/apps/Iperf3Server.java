package io.jnetstack.apps;

import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Net;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;

/**
 * An iperf3 server ({@code iperf3 -s}) on the stack's TCP: the real {@code iperf3 -c ADDRESS}
 * client measures the stack with it, sending ({@code iperf3 -c}), receiving ({@code -R}) or
 * both ({@code --bidir}), with {@code -t}, {@code -n}, {@code -k}, {@code -P}, {@code -l},
 * {@code -O}, {@code -b}, {@code -w}, {@code -N} and {@code -J}. The protocol is described in
 * {@link Iperf3Protocol}.
 *
 * <p>Like iperf3 it runs one test at a time, one after another; a client arriving during a test
 * is told ACCESS_DENIED. UDP and SCTP tests are refused with SERVER_ERROR ("not implemented").
 * It reports no CPU use (zero) and no UDP statistics.
 *
 * <p>One thread serves everything (control connection, listener and data streams) with
 * {@code poll} and non-blocking calls, as iperf3's own select loop does. It is started with
 * {@link io.jnetstack.core.Kernel#spawn}, so in a deterministic kernel a test runs in virtual
 * time and a seed reproduces it.
 */
public final class Iperf3Server implements AutoCloseable {
    /** The iperf3 port. */
    public static final int PORT = Iperf3Protocol.PORT;

    private final Net net;
    private final Socket listener;
    private final int port;
    private volatile boolean closed;
    private volatile Iperf3Session current;
    private volatile long testsRun;
    private volatile long bytesReceived;
    private volatile long bytesSent;

    private Iperf3Server(Net net, Socket listener, int port) {
        this.net = net;
        this.listener = listener;
        this.port = port;
    }

    /**
     * Listens on TCP {@code port} (iperf3's is {@value #PORT}) of {@code net} and serves iperf3
     * clients until {@link #close()}.
     *
     * @throws ErrnoException when the port cannot be bound (EADDRINUSE, ...)
     */
    public static Iperf3Server start(Net net, int port) {
        Socket l = net.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
        try {
            l.setsockopt(SockOpt.SO_REUSEADDR, 1);
            l.bind(new SockAddrIn(0, port));
            l.listen(128);
        } catch (ErrnoException e) {
            l.close();
            throw e;
        }
        Iperf3Server s = new Iperf3Server(net, l, port);
        net.kernel().spawn("jnetstack-iperf3-" + port, s::serve);
        return s;
    }

    /** Accepts a control connection, runs its test to the end, and again. */
    private void serve() {
        while (!closed) {
            Socket ctrl;
            try {
                ctrl = listener.accept();
            } catch (ErrnoException e) {
                if (closed || listener.isClosed()) {
                    return;
                }
                continue;
            }
            Iperf3Session t = new Iperf3Session(this, ctrl);
            current = t;
            if (closed) {
                t.terminate();
            }
            try {
                t.run();
            } catch (RuntimeException e) {
                // The client went away (reset, timeout) or sent nonsense: the test is over.
            } finally {
                t.closeAll();
                current = null;
            }
        }
    }

    Net net() {
        return net;
    }

    Socket listener() {
        return listener;
    }

    /** The server thread counts a test that reached DISPLAY_RESULTS. */
    void testDone() {
        testsRun++;
    }

    /** The server thread counts data received on a stream (the only writer). */
    void received(long n) {
        bytesReceived += n;
    }

    /** The server thread counts data sent on a stream (the only writer). */
    void sent(long n) {
        bytesSent += n;
    }

    /** Tests run to the end (results exchanged) so far. */
    public long testsRun() {
        return testsRun;
    }

    /** Data bytes received on test streams so far (control traffic not counted). */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** Data bytes sent on test streams so far (control traffic not counted). */
    public long bytesSent() {
        return bytesSent;
    }

    /**
     * Stops serving: a running test's client is told SERVER_TERMINATE, every connection and the
     * listener are closed.
     */
    @Override
    public void close() {
        closed = true;
        Iperf3Session t = current;
        if (t != null) {
            t.terminate();
        }
        listener.close();
        // Deterministic kernel: let the server thread see the close and end now.
        net.kernel().awaitQuiescent();
    }

    @Override
    public String toString() {
        return "iperf3 server on " + net.name() + " port " + port;
    }
}
