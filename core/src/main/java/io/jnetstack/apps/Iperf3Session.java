package io.jnetstack.apps;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;
import io.jnetstack.socket.Sockets.PollFd;
import io.jnetstack.time.Clock;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.jnetstack.apps.Iperf3Protocol.CLIENT_TERMINATE;
import static io.jnetstack.apps.Iperf3Protocol.COOKIE_SIZE;
import static io.jnetstack.apps.Iperf3Protocol.CREATE_STREAMS;
import static io.jnetstack.apps.Iperf3Protocol.DEFAULT_TCP_BLKSIZE;
import static io.jnetstack.apps.Iperf3Protocol.DISPLAY_RESULTS;
import static io.jnetstack.apps.Iperf3Protocol.EOF;
import static io.jnetstack.apps.Iperf3Protocol.EXCHANGE_RESULTS;
import static io.jnetstack.apps.Iperf3Protocol.IEBLOCKSIZE;
import static io.jnetstack.apps.Iperf3Protocol.IENUMSTREAMS;
import static io.jnetstack.apps.Iperf3Protocol.IERECVPARAMS;
import static io.jnetstack.apps.Iperf3Protocol.IEUNIMP;
import static io.jnetstack.apps.Iperf3Protocol.MAX_BLOCKSIZE;
import static io.jnetstack.apps.Iperf3Protocol.MAX_STREAMS;
import static io.jnetstack.apps.Iperf3Protocol.PARAM_EXCHANGE;
import static io.jnetstack.apps.Iperf3Protocol.SERVER_TERMINATE;
import static io.jnetstack.apps.Iperf3Protocol.TEST_END;
import static io.jnetstack.apps.Iperf3Protocol.TEST_RUNNING;
import static io.jnetstack.apps.Iperf3Protocol.TEST_START;
import static io.jnetstack.apps.Iperf3Protocol.deny;
import static io.jnetstack.apps.Iperf3Protocol.readExactly;
import static io.jnetstack.apps.Iperf3Protocol.readJson;
import static io.jnetstack.apps.Iperf3Protocol.readState;
import static io.jnetstack.apps.Iperf3Protocol.writeError;
import static io.jnetstack.apps.Iperf3Protocol.writeJson;
import static io.jnetstack.apps.Iperf3Protocol.writeState;

/**
 * One iperf3 test on the server side, from the control connection's cookie to IPERF_DONE (the
 * exchange drawn in {@link Iperf3Protocol}). While streams are created and while the test runs,
 * one {@code poll} waits for the listener, the control connection and the data streams, like
 * {@code iperf_run_server()}'s select loop: data moves with non-blocking calls, a state byte on
 * the control connection ends the test, and a client arriving meanwhile is denied.
 */
final class Iperf3Session {
    private static final long SEC = 1_000_000_000L;
    /** How long a read on the control connection may wait (cookie, parameters, results). */
    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(10);
    /** How long the client has to connect all its streams. */
    private static final long STREAMS_TIMEOUT = 30 * SEC;
    /** Past duration and omit time, how long a client that never says TEST_END is waited for. */
    private static final long END_GRACE = 10 * SEC;
    /** What one receive takes off a stream at most. */
    private static final int RECV_CHUNK = 256 * 1024;

    /** Outcomes of {@link #loop} beside the state bytes and {@link Iperf3Protocol#EOF}. */
    private static final int CREATED = 1000;
    private static final int TIMEOUT = 1001;
    private static final int CLOSED = 1002;

    private final Iperf3Server server;
    private final Socket ctrl;
    private final Clock clock;
    private final List<Stream> streams = new ArrayList<>();
    private final ByteBuffer scratch = ByteBuffer.allocate(RECV_CHUNK);
    private volatile boolean terminated;
    private byte[] cookie;

    // The parameters (iperf3's get_parameters()).
    private int receivers;
    private int senders;
    private int blksize = DEFAULT_TCP_BLKSIZE;
    private long duration = 10;
    private long omit;
    private long bytesLimit;
    private long blocksLimit;
    private long rate;
    private long window;
    private long mss;
    private boolean noDelay;
    private boolean serverOutput;

    private byte[] payload;
    private long start;
    private long omitEnd;
    private long end;
    private long sentTotal;
    private long blocksSent;

    Iperf3Session(Iperf3Server server, Socket ctrl) {
        this.server = server;
        this.ctrl = ctrl;
        this.clock = server.net().kernel().clock();
    }

    /** Runs the test to its end; a failing call on a connection ends it early by exception. */
    void run() {
        ctrl.setsockopt(SockOpt.SO_RCVTIMEO, CONTROL_TIMEOUT);
        ctrl.setsockopt(SockOpt.SO_SNDTIMEO, CONTROL_TIMEOUT);
        ctrl.setsockopt(SockOpt.TCP_NODELAY, 1);
        cookie = readExactly(ctrl, COOKIE_SIZE);
        if (cookie == null) {
            return;
        }
        writeState(ctrl, PARAM_EXCHANGE);
        Map<String, Object> params = readJson(ctrl);
        if (params == null) {
            writeError(ctrl, IERECVPARAMS, 0);
            return;
        }
        if (!configure(params)) {
            return;
        }
        writeState(ctrl, CREATE_STREAMS);
        if (loop(false, clock.nanos() + STREAMS_TIMEOUT) != CREATED) {
            return;
        }
        start = clock.nanos();
        omitEnd = start + omit * SEC;
        for (Stream s : streams) {
            s.retransStart = s.sender ? totalRetrans(s.sock) : 0;
        }
        writeState(ctrl, TEST_START);
        writeState(ctrl, TEST_RUNNING);
        long deadline = duration > 0 ? start + (duration + omit) * SEC + END_GRACE : Long.MAX_VALUE;
        int how = loop(true, deadline);
        end = clock.nanos();
        stopStreams();
        if (how != TEST_END) {
            return;
        }
        writeState(ctrl, EXCHANGE_RESULTS);
        Map<String, Object> theirs = readJson(ctrl);
        if (theirs == null) {
            return;
        }
        writeJson(ctrl, results(theirs));
        writeState(ctrl, DISPLAY_RESULTS);
        server.testDone();
        readState(ctrl);   // IPERF_DONE, or the client just closes
    }

    /**
     * Takes the client's parameters, or refuses them with SERVER_ERROR: UDP and SCTP are not
     * implemented; stream count and block size are bounded as iperf3 bounds them.
     */
    private boolean configure(Map<String, Object> p) {
        if (flag(p, "udp") || flag(p, "sctp")) {
            writeError(ctrl, IEUNIMP, 0);
            return false;
        }
        long parallel = Json.getLong(p, "parallel", 1);
        if (parallel < 1 || parallel > MAX_STREAMS) {
            writeError(ctrl, IENUMSTREAMS, 0);
            return false;
        }
        long len = Json.getLong(p, "len", DEFAULT_TCP_BLKSIZE);
        if (len < 1 || len > MAX_BLOCKSIZE) {
            writeError(ctrl, IEBLOCKSIZE, 0);
            return false;
        }
        blksize = (int) len;
        boolean reverse = flag(p, "reverse");
        boolean bidir = flag(p, "bidirectional");
        receivers = bidir || !reverse ? (int) parallel : 0;
        senders = bidir || reverse ? (int) parallel : 0;
        duration = Math.max(0, Json.getLong(p, "time", 10));
        omit = Math.max(0, Json.getLong(p, "omit", 0));
        bytesLimit = Math.max(0, Json.getLong(p, "num", 0));
        blocksLimit = Math.max(0, Json.getLong(p, "blockcount", 0));
        rate = Math.max(0, Json.getLong(p, "bandwidth", 0));
        window = Math.max(0, Json.getLong(p, "window", 0));
        mss = Math.max(0, Json.getLong(p, "MSS", 0));
        noDelay = flag(p, "nodelay");
        serverOutput = flag(p, "get_server_output");
        if (senders > 0) {
            payload = new byte[blksize];
            new SplittableRandom(blksize).nextBytes(payload);
        }
        return true;
    }

    /** iperf3 sends options as present-or-absent members ({@code "reverse": true}). */
    private static boolean flag(Map<String, Object> p, String key) {
        Object v = p.get(key);
        return v != null && !Boolean.FALSE.equals(v) && !Long.valueOf(0).equals(v);
    }

    /**
     * The select loop. Before the test ({@code running} false) it accepts the data streams and
     * returns {@link #CREATED} once all are there; during the test it moves data and returns what
     * ended it: the client's TEST_END or CLIENT_TERMINATE, {@link Iperf3Protocol#EOF},
     * {@link #TIMEOUT} or {@link #CLOSED}.
     */
    private int loop(boolean running, long deadline) {
        List<PollFd> fds = new ArrayList<>();
        List<Stream> polled = new ArrayList<>();
        while (true) {
            if (!running && streams.size() == receivers + senders) {
                return CREATED;
            }
            long now = clock.nanos();
            if (now >= deadline) {
                return TIMEOUT;
            }
            long wake = deadline;
            fds.clear();
            polled.clear();
            fds.add(new PollFd(server.listener(), Socket.POLLIN));
            fds.add(new PollFd(ctrl, Socket.POLLIN));
            if (running) {
                for (Stream s : streams) {
                    int events = s.events(now);
                    if (events != 0) {
                        fds.add(new PollFd(s.sock, events));
                        polled.add(s);
                    } else if (s.active && s.sender && !limitReached()) {
                        wake = Math.min(wake, s.due());
                    }
                }
            }
            long timeout = wake == Long.MAX_VALUE ? -1 : Math.max(1, (wake - now + 999_999) / 1_000_000);
            int[] rev = server.net().sockets().poll(fds.toArray(new PollFd[0]), timeout);
            if (terminated || (rev[1] & Socket.POLLNVAL) != 0 || (rev[0] & Socket.POLLNVAL) != 0) {
                return CLOSED;
            }
            if (rev[1] != 0) {
                int state = readState(ctrl);
                if (state == EOF || state == TEST_END || state == CLIENT_TERMINATE) {
                    return state;
                }
            }
            if ((rev[0] & Socket.POLLIN) != 0) {
                Socket c = acceptOne();
                if (c != null && running) {
                    deny(c);
                } else if (c != null) {
                    addStream(c);
                }
            }
            long t = clock.nanos();
            for (int i = 0; i < polled.size(); i++) {
                if (rev[i + 2] != 0) {
                    polled.get(i).service(t);
                }
            }
        }
    }

    private Socket acceptOne() {
        try {
            return server.listener().accept();
        } catch (ErrnoException e) {
            return null;
        }
    }

    /** A data connection: its cookie must be the test's (iperf_tcp_accept()). */
    private void addStream(Socket c) {
        byte[] got;
        try {
            c.setsockopt(SockOpt.SO_RCVTIMEO, CONTROL_TIMEOUT);
            got = readExactly(c, COOKIE_SIZE);
        } catch (ErrnoException e) {
            c.close();
            return;
        }
        if (got == null || !Arrays.equals(got, cookie)) {
            deny(c);
            return;
        }
        boolean sender = streams.size() >= receivers;
        applyOptions(c);
        // iperf_add_stream() numbers streams 1, 3, 4, 5, ...; the client does the same.
        int n = streams.size();
        streams.add(new Stream(c, sender, n == 0 ? 1 : n + 2));
    }

    /** -N, -w and -M, best effort (iperf3 sets them on its listener). */
    private void applyOptions(Socket c) {
        try {
            if (noDelay) {
                c.setsockopt(SockOpt.TCP_NODELAY, 1);
            }
            if (window > 0) {
                c.setsockopt(SockOpt.SO_SNDBUF, (int) Math.min(window, Integer.MAX_VALUE));
                c.setsockopt(SockOpt.SO_RCVBUF, (int) Math.min(window, Integer.MAX_VALUE));
            }
            if (mss > 0) {
                c.setsockopt(SockOpt.TCP_MAXSEG, (int) Math.min(mss, 65535));
            }
        } catch (ErrnoException e) {
            // An option the stack refuses leaves the default: the test still runs.
        }
    }

    private boolean limitReached() {
        return (bytesLimit > 0 && sentTotal >= bytesLimit) || (blocksLimit > 0 && blocksSent >= blocksLimit);
    }

    /** Closes the data streams, reading the senders' retransmissions first. */
    private void stopStreams() {
        for (Stream s : streams) {
            if (s.sender) {
                s.retrans = Math.max(0, totalRetrans(s.sock) - s.retransStart);
            }
            s.sock.close();
        }
    }

    private static long totalRetrans(Socket s) {
        try {
            return s.getsockopt(SockOpt.TCP_INFO).totalRetrans();
        } catch (ErrnoException e) {
            return 0;
        }
    }

    /** The server's results (iperf3's send_results()), its streams named by the client's ids. */
    private Map<String, Object> results(Map<String, Object> client) {
        List<Object> theirs = Json.getArray(client, "streams");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("cpu_util_total", 0.0);
        r.put("cpu_util_user", 0.0);
        r.put("cpu_util_system", 0.0);
        r.put("sender_has_retransmits", senders > 0 ? 1L : -1L);
        String cc = congestionControl();
        if (cc != null) {
            r.put("congestion_used", cc);
        }
        if (serverOutput) {
            r.put("server_output_text", report());
        }
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < streams.size(); i++) {
            Stream s = streams.get(i);
            long id = s.id;
            if (theirs.size() == streams.size() && theirs.get(i) instanceof Map<?, ?> m && m.get("id") instanceof Number n) {
                id = n.longValue();
            }
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("id", id);
            j.put("bytes", s.measured());
            j.put("retransmits", s.sender ? s.retrans : -1L);
            j.put("jitter", 0.0);
            j.put("errors", 0L);
            j.put("omitted_errors", 0L);
            j.put("packets", 0L);
            j.put("omitted_packets", 0L);
            j.put("start_time", 0.0);
            j.put("end_time", seconds());
            list.add(j);
        }
        r.put("streams", list);
        return r;
    }

    /** Seconds measured: from the end of the omit period to TEST_END. */
    private double seconds() {
        return Math.max(0, end - Math.max(start, omitEnd)) / 1e9;
    }

    private String congestionControl() {
        try {
            return server.net().sysctls().get("net.ipv4.tcp_congestion_control");
        } catch (ErrnoException e) {
            return null;
        }
    }

    /** The text {@code --get-server-output} shows, in iperf3's layout. */
    private String report() {
        StringBuilder sb = new StringBuilder();
        SockAddrIn peer = ctrl.getpeername();
        sb.append("Accepted connection from ").append(io.jnetstack.wire.Ipv4Address.format(peer.addr()))
                .append(", port ").append(peer.port()).append('\n');
        sb.append("[ ID] Interval           Transfer     Bitrate\n");
        double secs = seconds();
        for (Stream s : streams) {
            long b = s.measured();
            sb.append(String.format(java.util.Locale.ROOT, "[%3d]   0.00-%-5.2f sec  %7.2f MBytes  %7.1f Mbits/sec  %s%n",
                    s.id, secs, b / 1048576.0, secs > 0 ? b * 8 / secs / 1e6 : 0.0, s.sender ? "sender" : "receiver"));
        }
        return sb.toString();
    }

    /** Tells the client SERVER_TERMINATE and closes the control connection; from any thread. */
    void terminate() {
        terminated = true;
        try {
            ctrl.send(ByteBuffer.wrap(new byte[]{SERVER_TERMINATE}), Socket.MSG_DONTWAIT);
        } catch (ErrnoException e) {
            // The client is gone already.
        }
        ctrl.close();
    }

    /** Closes every connection of the test. */
    void closeAll() {
        for (Stream s : streams) {
            s.sock.close();
        }
        ctrl.close();
    }

    /** One data connection: a receiver drains it, a sender fills it with blocks. */
    private final class Stream {
        final Socket sock;
        final boolean sender;
        final int id;
        final ByteBuffer out;
        boolean active = true;
        long bytes;
        /** Bytes moved before the omit period ended, or -1 while it lasts. */
        long omitted = -1;
        long retransStart;
        long retrans;

        Stream(Socket sock, boolean sender, int id) {
            this.sock = sock;
            this.sender = sender;
            this.id = id;
            this.out = sender ? ByteBuffer.wrap(payload) : null;
        }

        /** What to poll for now: nothing once done, POLLOUT only when a send is due. */
        int events(long now) {
            if (!active) {
                return 0;
            }
            if (!sender) {
                return Socket.POLLIN;
            }
            return limitReached() || due() > now ? 0 : Socket.POLLOUT;
        }

        /** When the next send may go at the {@code -b} rate (the start when unlimited). */
        long due() {
            return rate == 0 ? start : start + (long) (bytes * 8.0 * SEC / rate);
        }

        /** One non-blocking receive or send; an error or the end of the stream retires it. */
        void service(long now) {
            try {
                if (sender) {
                    if (!out.hasRemaining()) {
                        out.clear();
                    }
                    int n = sock.send(out, Socket.MSG_DONTWAIT);
                    if (!out.hasRemaining()) {
                        blocksSent++;
                    }
                    account(n, now);
                    sentTotal += n;
                    server.sent(n);
                } else {
                    // Drain: a full buffer means more may be queued; less means the queue is empty.
                    int n;
                    do {
                        scratch.clear();
                        n = sock.recv(scratch, Socket.MSG_DONTWAIT);
                        if (n == 0) {
                            active = false;
                            return;
                        }
                        account(n, now);
                        server.received(n);
                    } while (n == scratch.capacity());
                }
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EAGAIN) {
                    active = false;
                }
            }
        }

        private void account(int n, long now) {
            if (omitted < 0 && now >= omitEnd) {
                omitted = bytes;
            }
            bytes += n;
        }

        /** Bytes after the omit period. */
        long measured() {
            return omitted < 0 ? 0 : bytes - omitted;
        }
    }
}
