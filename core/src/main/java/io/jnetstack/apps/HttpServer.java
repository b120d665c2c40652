package io.jnetstack.apps;

import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Net;
import io.jnetstack.socket.Socket;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small HTTP/1.1 file server (RFC 9110, RFC 9112) on the stack's TCP: GET and HEAD of
 * regular files under a root directory, with Content-Length, persistent connections unless the
 * client says {@code Connection: close}; 400, 404 and 405 otherwise. Paths leaving the root
 * are refused. Enough for curl and wget, not a general web server.
 */
public final class HttpServer implements AutoCloseable {
    private static final int MAX_HEAD = 16 * 1024;
    private final Path root;
    private final StreamServices services;

    private HttpServer(Net net, int port, Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.services = StreamServices.start(net, port, "http", this::serve);
    }

    /** Serves {@code root} on TCP {@code port} of {@code net}. */
    public static HttpServer start(Net net, int port, Path root) {
        return new HttpServer(net, port, root);
    }

    /** Connections accepted so far. */
    public long connections() {
        return services.connections();
    }

    private void serve(Socket s) {
        Reader in = new Reader(s);
        while (true) {
            String head = in.head();
            if (head == null) {
                return;
            }
            String[] lines = head.split("\r\n");
            String[] req = lines[0].split(" ");
            boolean close = false;
            for (int i = 1; i < lines.length; i++) {
                String l = lines[i].toLowerCase(java.util.Locale.ROOT);
                if (l.startsWith("connection:") && l.contains("close")) {
                    close = true;
                }
            }
            if (req.length != 3 || !req[2].startsWith("HTTP/1.")) {
                respond(s, 400, "Bad Request", null, false, true);
                return;
            }
            close |= req[2].equals("HTTP/1.0");
            if (!req[0].equals("GET") && !req[0].equals("HEAD")) {
                respond(s, 405, "Method Not Allowed", null, false, close);
            } else {
                Path file = resolve(req[1]);
                if (file == null || !Files.isRegularFile(file)) {
                    respond(s, 404, "Not Found", null, false, close);
                } else {
                    respond(s, 200, "OK", file, req[0].equals("GET"), close);
                }
            }
            if (close) {
                return;
            }
        }
    }

    private Path resolve(String target) {
        int q = target.indexOf('?');
        String p = java.net.URLDecoder.decode(q < 0 ? target : target.substring(0, q), StandardCharsets.UTF_8);
        if (!p.startsWith("/")) {
            return null;
        }
        Path f = root.resolve(p.substring(1)).normalize();
        if (!f.startsWith(root)) {
            return null;
        }
        if (Files.isDirectory(f)) {
            f = f.resolve("index.html");
        }
        return f;
    }

    private static void respond(Socket s, int code, String reason, Path file, boolean body, boolean close) {
        try {
            long len = file == null ? reason.length() + 1 : Files.size(file);
            String type = file == null ? "text/plain" : file.toString().endsWith(".html") ? "text/html" : "application/octet-stream";
            String h = "HTTP/1.1 " + code + " " + reason + "\r\nServer: jnetstack\r\nContent-Type: " + type
                    + "\r\nContent-Length: " + len + "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n";
            sendAll(s, ByteBuffer.wrap(h.getBytes(StandardCharsets.US_ASCII)));
            if (file == null) {
                if (body || code != 200) {
                    sendAll(s, ByteBuffer.wrap((reason + "\n").getBytes(StandardCharsets.US_ASCII)));
                }
                return;
            }
            if (!body) {
                return;
            }
            try (InputStream in = Files.newInputStream(file)) {
                byte[] chunk = new byte[256 * 1024];
                int n;
                while ((n = in.read(chunk)) > 0) {
                    sendAll(s, ByteBuffer.wrap(chunk, 0, n));
                }
            }
        } catch (IOException e) {
            throw new ErrnoException(io.jnetstack.core.Errno.EIO, "reading " + file + ": " + e.getMessage());
        }
    }

    static void sendAll(Socket s, ByteBuffer b) {
        while (b.hasRemaining()) {
            s.send(b, 0);
        }
    }

    @Override
    public void close() {
        services.close();
    }

    /** Reads request heads off a connection, keeping what follows. */
    static final class Reader {
        private final Socket s;
        private final ByteBuffer buf = ByteBuffer.allocate(MAX_HEAD);

        Reader(Socket s) {
            this.s = s;
        }

        /** The next head up to and without the blank line, or null at end of stream. */
        String head() {
            while (true) {
                int end = find();
                if (end >= 0) {
                    String h = new String(buf.array(), 0, end, StandardCharsets.ISO_8859_1);
                    int rest = buf.position() - (end + 4);
                    System.arraycopy(buf.array(), end + 4, buf.array(), 0, rest);
                    buf.position(rest);
                    return h;
                }
                if (!buf.hasRemaining()) {
                    return null;
                }
                int n = s.recv(buf, 0);
                if (n == 0) {
                    return null;
                }
            }
        }

        /** What was read past the head (the start of a body). */
        ByteBuffer leftover() {
            return buf;
        }

        private int find() {
            byte[] a = buf.array();
            for (int i = 0; i + 3 < buf.position(); i++) {
                if (a[i] == '\r' && a[i + 1] == '\n' && a[i + 2] == '\r' && a[i + 3] == '\n') {
                    return i;
                }
            }
            return -1;
        }
    }
}
