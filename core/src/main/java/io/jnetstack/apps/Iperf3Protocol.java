package io.jnetstack.apps;

import io.jnetstack.core.ErrnoException;
import io.jnetstack.socket.Socket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The iperf3 control protocol, as the iperf3 tool (ESnet, 3.x) speaks it over TCP port 5201.
 *
 * <pre>
 *  client                                   server
 *  connect control; 37-byte cookie  ──▶
 *                                  ◀──  PARAM_EXCHANGE
 *  u32 length + JSON parameters     ──▶
 *                                  ◀──  CREATE_STREAMS   (or SERVER_ERROR, i_errno, errno)
 *  connect each data stream; cookie ──▶
 *                                  ◀──  TEST_START, TEST_RUNNING
 *  ... data flows for the duration (client → server, or server → client with -R) ...
 *  TEST_END                         ──▶
 *                                  ◀──  EXCHANGE_RESULTS
 *  u32 length + JSON results        ──▶
 *                                  ◀──  u32 length + JSON results
 *                                  ◀──  DISPLAY_RESULTS
 *  IPERF_DONE                       ──▶
 * </pre>
 *
 * A state is one signed byte. The cookie is 36 characters of {@code [a-z2-7]} and a NUL; data
 * connections present the control connection's cookie. A second client arriving during a test
 * gets ACCESS_DENIED and is closed. Lengths are big-endian 32-bit, JSON is UTF-8 without a
 * terminator.
 */
final class Iperf3Protocol {
    /** The well-known iperf3 port. */
    static final int PORT = 5201;
    /** Cookie: 36 characters and a NUL. */
    static final int COOKIE_SIZE = 37;
    /** Default TCP block size (128 KiB), what the client writes per send. */
    static final int DEFAULT_TCP_BLKSIZE = 128 * 1024;
    /** Largest block a client may ask for (iperf3's MAX_BLOCKSIZE, 1 MiB). */
    static final int MAX_BLOCKSIZE = 1024 * 1024;
    /** Most parallel streams a test may ask for (iperf3's MAX_STREAMS). */
    static final int MAX_STREAMS = 128;
    /** Longest JSON message accepted. */
    static final int MAX_JSON = 256 * 1024;

    static final byte TEST_START = 1;
    static final byte TEST_RUNNING = 2;
    static final byte TEST_END = 4;
    static final byte PARAM_EXCHANGE = 9;
    static final byte CREATE_STREAMS = 10;
    static final byte SERVER_TERMINATE = 11;
    static final byte CLIENT_TERMINATE = 12;
    static final byte EXCHANGE_RESULTS = 13;
    static final byte DISPLAY_RESULTS = 14;
    static final byte IPERF_START = 15;
    static final byte IPERF_DONE = 16;
    static final byte ACCESS_DENIED = -1;
    static final byte SERVER_ERROR = -2;

    /** iperf3's i_errno values the server sends after SERVER_ERROR. */
    static final int IENUMSTREAMS = 6;
    static final int IEBLOCKSIZE = 7;
    static final int IEUNIMP = 13;
    static final int IERECVPARAMS = 114;

    /** What {@link #readState} returns at the end of the stream. */
    static final int EOF = Integer.MIN_VALUE;

    private Iperf3Protocol() {
    }

    /**
     * Reads exactly {@code n} bytes.
     *
     * @return the bytes, or null when the stream ended first
     */
    static byte[] readExactly(Socket s, int n) {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (s.recv(b, 0) == 0) {
                return null;
            }
        }
        return b.array();
    }

    /** Reads one state byte (signed), or {@link #EOF}. */
    static int readState(Socket s) {
        ByteBuffer b = ByteBuffer.allocate(1);
        return s.recv(b, 0) == 0 ? EOF : b.get(0);
    }

    /** Sends one state byte. */
    static void writeState(Socket s, byte state) {
        sendAll(s, ByteBuffer.wrap(new byte[]{state}));
    }

    /** Sends SERVER_ERROR with iperf3's error number and an errno, both big-endian 32-bit. */
    static void writeError(Socket s, int iErrno, int errno) {
        sendAll(s, ByteBuffer.allocate(9).put(SERVER_ERROR).putInt(iErrno).putInt(errno).flip());
    }

    /**
     * Reads one length-prefixed JSON object.
     *
     * @return the object, or null when the stream ended, the length is out of bounds or the
     *     text is not a JSON object
     */
    static Map<String, Object> readJson(Socket s) {
        byte[] len = readExactly(s, 4);
        if (len == null) {
            return null;
        }
        int n = ByteBuffer.wrap(len).getInt();
        if (n < 0 || n > MAX_JSON) {
            return null;
        }
        byte[] text = readExactly(s, n);
        if (text == null) {
            return null;
        }
        try {
            return Json.parseObject(new String(text, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Sends a JSON object with its 32-bit length before it. */
    static void writeJson(Socket s, Map<String, Object> obj) {
        byte[] text = Json.write(obj).getBytes(StandardCharsets.UTF_8);
        sendAll(s, ByteBuffer.allocate(4 + text.length).putInt(text.length).put(text).flip());
    }

    static void sendAll(Socket s, ByteBuffer b) {
        while (b.hasRemaining()) {
            s.send(b, 0);
        }
    }

    /** Sends ACCESS_DENIED to a connection that came while a test runs, without waiting, and closes it. */
    static void deny(Socket c) {
        try (c) {
            c.send(ByteBuffer.wrap(new byte[]{ACCESS_DENIED}), Socket.MSG_DONTWAIT);
        } catch (ErrnoException e) {
            // It went away already: nothing to tell it.
        }
    }
}
