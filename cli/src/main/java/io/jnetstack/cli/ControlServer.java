package io.jnetstack.cli;

import io.jnetstack.core.Net;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A host's control socket: accepts connections on a Unix domain socket and runs each one's
 * request ({@link ControlProtocol}) on the host's namespace, with the same commands and options
 * as the command line. One request per connection; connections are served concurrently, each on
 * a virtual thread.
 */
final class ControlServer implements AutoCloseable {
    private final Net net;
    private final Path path;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private volatile boolean closed;

    private ControlServer(Net net, Path path, ServerSocketChannel server) {
        this.net = net;
        this.path = path;
        this.server = server;
        this.acceptor = Thread.ofPlatform().daemon().name("jnetstack-control " + path).unstarted(this::acceptLoop);
    }

    /**
     * Binds the socket of host {@code name} ({@code socket} if not null, else NAME.sock in the
     * first writable directory of {@link ControlProtocol#DIRECTORIES}) and starts serving.
     *
     * @throws IOException when no directory is writable or another host serves the name
     */
    static ControlServer start(Net net, String name, Path socket) throws IOException {
        Path path = socket != null ? socket : choosePath(name);
        Files.createDirectories(path.toAbsolutePath().getParent());
        if (Files.exists(path)) {
            if (listening(path)) {
                throw new IOException("another jnetstack host already serves " + path + "; stop it or choose another --tap name");
            }
            Files.delete(path);   // left by a host that was killed
        }
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        ch.bind(UnixDomainSocketAddress.of(path));
        ControlServer s = new ControlServer(net, path, ch);
        s.acceptor.start();
        return s;
    }

    private static Path choosePath(String name) throws IOException {
        IOException last = null;
        for (Path dir : ControlProtocol.DIRECTORIES) {
            try {
                Files.createDirectories(dir);
                if (Files.isWritable(dir)) {
                    return dir.resolve(name + ".sock");
                }
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException("no writable directory for the control socket among " + ControlProtocol.DIRECTORIES
                + (last == null ? "" : ": " + last.getMessage()) + "; give one with --socket PATH");
    }

    private static boolean listening(Path path) {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The socket's path. */
    Path path() {
        return path;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel c = server.accept();
                Thread.ofVirtual().name("jnetstack-control-request").start(() -> serve(c));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("jnetstack host: control socket: " + e.getMessage());
                }
            }
        }
    }

    private void serve(SocketChannel c) {
        try (c) {
            InputStream in = Channels.newInputStream(c);
            OutputStream os = Channels.newOutputStream(c);
            String line = readLine(in);
            Framed outLines = new Framed(os, "");
            Framed errLines = new Framed(os, ControlProtocol.ERR);
            PrintWriter out = new PrintWriter(outLines, true);
            PrintWriter err = new PrintWriter(errLines, true);
            int status = execute(line, out, err);
            out.flush();
            err.flush();
            outLines.finish();
            errLines.finish();
            synchronized (os) {
                os.write(("exit " + status + "\n").getBytes(StandardCharsets.UTF_8));
                os.flush();
            }
        } catch (IOException e) {
            // the client went away; nothing to tell it
        }
    }

    /** Runs one request line with the command line's own commands, on the host's namespace. */
    int execute(String line, PrintWriter out, PrintWriter err) {
        List<String> words;
        try {
            words = line == null ? List.of() : ControlProtocol.split(line);
        } catch (IllegalArgumentException e) {
            err.println("jnetstack: " + e.getMessage());
            return 2;
        }
        if (words.isEmpty() || !ControlProtocol.SERVED.contains(words.getFirst())) {
            err.println("jnetstack: a control socket serves " + String.join(", ", ControlProtocol.SERVED)
                    + (words.isEmpty() ? "; the request was empty" : ", not \"" + words.getFirst() + "\""));
            return 2;
        }
        CommandLine cl = new CommandLine(new Main(net));
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(words.toArray(String[]::new));
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            if (b.size() >= ControlProtocol.MAX_REQUEST) {
                throw new IOException("request longer than " + ControlProtocol.MAX_REQUEST + " bytes");
            }
            b.write(c);
        }
        String s = b.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** Stops accepting and removes the socket file. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            System.err.println("jnetstack host: cannot remove " + path + ": " + e.getMessage());
        }
    }

    /**
     * A writer that sends whole lines, each with a prefix, to a stream shared with another
     * such writer; a line is written (and flushed) as soon as it is complete.
     */
    private static final class Framed extends Writer {
        private final OutputStream os;
        private final String prefix;
        private final StringBuilder line = new StringBuilder();

        Framed(OutputStream os, String prefix) {
            this.os = os;
            this.prefix = prefix;
        }

        @Override
        public void write(char[] cbuf, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                if (cbuf[i] == '\n') {
                    emit();
                } else if (cbuf[i] != '\r') {
                    line.append(cbuf[i]);
                }
            }
        }

        private void emit() throws IOException {
            byte[] bytes = (prefix + line + "\n").getBytes(StandardCharsets.UTF_8);
            line.setLength(0);
            synchronized (os) {
                os.write(bytes);
                os.flush();
            }
        }

        /** Sends a last line that lacks its newline. */
        void finish() throws IOException {
            if (!line.isEmpty()) {
                emit();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() throws IOException {
            finish();
        }
    }
}
