package io.jnetstack.apps;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Net;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.Socket;
import io.jnetstack.socket.Sockets.PollFd;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A client for tests speaking the iperf3 control protocol ({@link Iperf3Protocol}) over the
 * stack's sockets, written from the protocol, as {@code iperf3 -c} behaves: single-threaded,
 * it polls its streams and the control connection, and ends the test by the stack's clock, so
 * on a deterministic kernel's driving thread a test runs in virtual time.
 */
final class Iperf3ProtocolClient {
    static final long SEC = 1_000_000_000L;
    /** What {@link #transfer} reports when a data stream ended or failed before the time was up. */
    static final int STREAM_ENDED = 1000;

    /**
     * How a test went.
     *
     * @param states        every state byte the server sent, in order
     * @param bytes         data bytes the client sent (or received with {@code reverse}) per stream
     * @param serverResults the server's results, or null
     * @param serverError   the i_errno after SERVER_ERROR, or 0
     */
    record Result(List<Integer> states, List<Long> bytes, Map<String, Object> serverResults, int serverError) {
        long totalBytes() {
            return bytes.stream().mapToLong(Long::longValue).sum();
        }

        /** The server's {@code bytes} summed over its streams. */
        long serverBytes() {
            long sum = 0;
            for (Object o : Json.getArray(serverResults, "streams")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> s = (Map<String, Object>) o;
                sum += Json.getLong(s, "bytes", 0);
            }
            return sum;
        }
    }

    private final Net net;
    private final SockAddrIn server;
    int duration = 2;
    int parallel = 1;
    boolean reverse;
    boolean udp;
    int blksize = Iperf3Protocol.DEFAULT_TCP_BLKSIZE;
    /** Runs once the server said TEST_RUNNING, before any data. */
    Runnable onRunning = () -> { };
    private final SplittableRandom random;

    Iperf3ProtocolClient(Net net, SockAddrIn server, long seed) {
        this.net = net;
        this.server = server;
        this.random = new SplittableRandom(seed);
    }

    /** A cookie as iperf3 makes them: 36 characters of [a-z2-7] and a NUL. */
    byte[] cookie() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        byte[] c = new byte[Iperf3Protocol.COOKIE_SIZE];
        for (int i = 0; i < c.length - 1; i++) {
            c[i] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return c;
    }

    Socket connect() {
        Socket s = net.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
        s.connect(server);
        return s;
    }

    Result run() {
        List<Integer> states = new ArrayList<>();
        List<Socket> streams = new ArrayList<>();
        byte[] cookie = cookie();
        try (Socket ctrl = connect()) {
            Iperf3Protocol.sendAll(ctrl, ByteBuffer.wrap(cookie));
            if (!expect(ctrl, states, Iperf3Protocol.PARAM_EXCHANGE)) {
                return new Result(states, List.of(), null, 0);
            }
            Iperf3Protocol.writeJson(ctrl, parameters());
            int st = Iperf3Protocol.readState(ctrl);
            states.add(st);
            if (st == Iperf3Protocol.SERVER_ERROR) {
                byte[] err = Iperf3Protocol.readExactly(ctrl, 8);
                return new Result(states, List.of(), null, ByteBuffer.wrap(err).getInt());
            }
            for (int i = 0; i < parallel; i++) {
                Socket s = connect();
                streams.add(s);
                Iperf3Protocol.sendAll(s, ByteBuffer.wrap(cookie));
            }
            if (!expect(ctrl, states, Iperf3Protocol.TEST_START) || !expect(ctrl, states, Iperf3Protocol.TEST_RUNNING)) {
                return new Result(states, List.of(), null, 0);
            }
            onRunning.run();
            long[] bytes = new long[parallel];
            long start = net.kernel().clock().nanos();
            Integer interrupted = transfer(ctrl, streams, bytes, start + duration * SEC);
            if (interrupted != null) {
                states.add(interrupted);
                return new Result(states, toList(bytes), null, 0);
            }
            double secs = (net.kernel().clock().nanos() - start) / 1e9;
            Iperf3Protocol.writeState(ctrl, Iperf3Protocol.TEST_END);
            if (!expect(ctrl, states, Iperf3Protocol.EXCHANGE_RESULTS)) {
                return new Result(states, toList(bytes), null, 0);
            }
            Iperf3Protocol.writeJson(ctrl, results(bytes, secs));
            Map<String, Object> theirs = Iperf3Protocol.readJson(ctrl);
            expect(ctrl, states, Iperf3Protocol.DISPLAY_RESULTS);
            Iperf3Protocol.writeState(ctrl, Iperf3Protocol.IPERF_DONE);
            return new Result(states, toList(bytes), theirs, 0);
        } finally {
            for (Socket s : streams) {
                s.close();
            }
        }
    }

    private static List<Long> toList(long[] a) {
        List<Long> l = new ArrayList<>();
        for (long v : a) {
            l.add(v);
        }
        return l;
    }

    private static boolean expect(Socket ctrl, List<Integer> states, int want) {
        int st = Iperf3Protocol.readState(ctrl);
        states.add(st);
        return st == want;
    }

    private Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(udp ? "udp" : "tcp", true);
        p.put("omit", 0L);
        p.put("time", (long) duration);
        p.put("parallel", (long) parallel);
        if (reverse) {
            p.put("reverse", true);
        }
        p.put("len", (long) blksize);
        p.put("pacing_timer", 1000L);
        p.put("client_version", "3.12");
        return p;
    }

    private Map<String, Object> results(long[] bytes, double secs) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("cpu_util_total", 0.0);
        r.put("cpu_util_user", 0.0);
        r.put("cpu_util_system", 0.0);
        r.put("sender_has_retransmits", reverse ? -1L : 0L);
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("id", (long) (i == 0 ? 1 : i + 2));
            s.put("bytes", bytes[i]);
            s.put("retransmits", reverse ? -1L : 0L);
            s.put("jitter", 0.0);
            s.put("errors", 0L);
            s.put("packets", 0L);
            s.put("start_time", 0.0);
            s.put("end_time", secs);
            list.add(s);
        }
        r.put("streams", list);
        return r;
    }

    /**
     * Moves data until {@code end} on the clock.
     *
     * @return null, or the state byte the server sent meanwhile (SERVER_TERMINATE, EOF), or {@link #STREAM_ENDED}
     */
    private Integer transfer(Socket ctrl, List<Socket> streams, long[] bytes, long end) {
        byte[] data = new byte[blksize];
        random.nextBytes(data);
        ByteBuffer block = ByteBuffer.wrap(data);
        ByteBuffer in = ByteBuffer.allocate(256 * 1024);
        PollFd[] fds = new PollFd[streams.size() + 1];
        fds[0] = new PollFd(ctrl, Socket.POLLIN);
        for (int i = 0; i < streams.size(); i++) {
            fds[i + 1] = new PollFd(streams.get(i), reverse ? Socket.POLLIN : Socket.POLLOUT);
        }
        while (true) {
            long now = net.kernel().clock().nanos();
            if (now >= end) {
                return null;
            }
            int[] rev = net.sockets().poll(fds, Math.max(1, (end - now) / 1_000_000));
            if (rev[0] != 0) {
                return Iperf3Protocol.readState(ctrl);
            }
            for (int i = 0; i < streams.size(); i++) {
                if (rev[i + 1] == 0) {
                    continue;
                }
                try {
                    if (reverse) {
                        in.clear();
                        int n = streams.get(i).recv(in, Socket.MSG_DONTWAIT);
                        if (n == 0) {
                            return STREAM_ENDED;
                        }
                        bytes[i] += n;
                    } else {
                        if (!block.hasRemaining()) {
                            block.clear();
                        }
                        bytes[i] += streams.get(i).send(block, Socket.MSG_DONTWAIT);
                    }
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.EAGAIN) {
                        return STREAM_ENDED;
                    }
                }
            }
        }
    }
}
