package io.jnetstack.apps;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Net;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.Socket;
import io.jnetstack.wire.Ipv4Address;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Fetches one {@code http://ADDRESS[:PORT]/PATH} over the stack's TCP (RFC 9112: GET with
 * {@code Connection: close}; the body by Content-Length or to the end of the connection),
 * writing the body to a stream and hashing it with SHA-256.
 */
public final class HttpClient {
    /**
     * What a fetch got.
     *
     * @param status the HTTP status code
     * @param bytes  body bytes received
     * @param sha256 hex SHA-256 of the body
     * @param nanos  clock nanoseconds the fetch took
     */
    public record Result(int status, long bytes, String sha256, long nanos) {
    }

    private HttpClient() {
    }

    /** Fetches {@code url} through {@code net}, writing the body to {@code out}. */
    public static Result fetch(Net net, String url, OutputStream out) throws IOException {
        if (!url.startsWith("http://")) {
            throw new IllegalArgumentException("only http:// URLs are supported, not " + url);
        }
        String rest = url.substring(7);
        int slash = rest.indexOf('/');
        String hostPort = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "/" : rest.substring(slash);
        int colon = hostPort.indexOf(':');
        int addr = Ipv4Address.parse(colon < 0 ? hostPort : hostPort.substring(0, colon));
        int port = colon < 0 ? 80 : Integer.parseInt(hostPort.substring(colon + 1));
        long t0 = net.kernel().clock().nanos();
        try (Socket s = net.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0)) {
            s.connect(new SockAddrIn(addr, port));
            String req = "GET " + path + " HTTP/1.1\r\nHost: " + hostPort + "\r\nUser-Agent: jnetstack\r\nAccept: */*\r\n"
                    + "Connection: close\r\n\r\n";
            HttpServer.sendAll(s, ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII)));
            HttpServer.Reader r = new HttpServer.Reader(s);
            String head = r.head();
            if (head == null) {
                throw new ErrnoException(Errno.ECONNRESET, "the server closed the connection without an answer");
            }
            String[] lines = head.split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            long length = -1;
            for (String l : lines) {
                if (l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Long.parseLong(l.substring(15).trim());
                }
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long got = 0;
            ByteBuffer left = r.leftover();
            left.flip();
            int first = (int) (length >= 0 ? Math.min(left.remaining(), length) : left.remaining());
            sha.update(left.array(), 0, first);
            out.write(left.array(), 0, first);
            got += first;
            byte[] chunk = new byte[256 * 1024];
            ByteBuffer nb = ByteBuffer.wrap(chunk);
            while (length < 0 || got < length) {
                nb.clear();
                if (length >= 0) {
                    nb.limit((int) Math.min(chunk.length, length - got));
                }
                int m = s.recv(nb, 0);
                if (m == 0) {
                    break;
                }
                sha.update(chunk, 0, m);
                out.write(chunk, 0, m);
                got += m;
            }
            out.flush();
            return new Result(status, got, java.util.HexFormat.of().formatHex(sha.digest()), net.kernel().clock().nanos() - t0);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
