package io.jnetstack.cli;

import io.jnetstack.core.Net;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

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

    /**
     * Serves one connection: reads the request line, runs it, sends the output and the exit
     * status. Meanwhile a watcher reads on: when the client closes the connection (or its sending
     * side), the output reports an error, which stops a running ping at its next step.
     */
    private void serve(SocketChannel c) {
        try (c) {
            String line = readLine(c);
            AtomicBoolean gone = new AtomicBoolean();
            Thread.ofVirtual().name("jnetstack-control-watch").start(() -> watch(c, gone));
            Framed outLines = new Framed(c, "");
            Framed errLines = new Framed(c, ControlProtocol.ERR);
            PrintWriter out = new Watched(outLines, gone);
            PrintWriter err = new Watched(errLines, gone);
            int status = execute(line, out, err);
            out.flush();
            err.flush();
            outLines.finish();
            errLines.finish();
            send(c, "exit " + status + "\n");
        } catch (IOException e) {
            // the client went away; nothing to tell it
        }
    }

    /** Reads until the client closes its side (or the connection is closed here). */
    private static void watch(SocketChannel c, AtomicBoolean gone) {
        ByteBuffer b = ByteBuffer.allocate(256);
        try {
            while (c.read(b) >= 0) {
                b.clear();
            }
        } catch (IOException e) {
            // closed here, or reset by the client
        }
        gone.set(true);
    }

    /** Writes {@code text} whole; writers of one connection take turns. */
    private static void send(SocketChannel c, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        synchronized (c) {
            while (b.hasRemaining()) {
                c.write(b);
            }
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

    /** The request line: the bytes up to the first newline (a final CR dropped). */
    private static String readLine(SocketChannel c) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(1024);
        while (c.read(b) >= 0) {
            b.flip();
            while (b.hasRemaining()) {
                byte x = b.get();
                if (x == '\n') {
                    return text(line);
                }
                line.write(x);
            }
            if (line.size() > ControlProtocol.MAX_REQUEST) {
                throw new IOException("request longer than " + ControlProtocol.MAX_REQUEST + " bytes");
            }
            b.clear();
        }
        return text(line);
    }

    private static String text(ByteArrayOutputStream line) {
        String s = line.toString(StandardCharsets.UTF_8);
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

    /** A print writer that reports an error once the client has gone, so that a ping stops. */
    private static final class Watched extends PrintWriter {
        private final AtomicBoolean gone;

        Watched(Writer w, AtomicBoolean gone) {
            super(w, true);
            this.gone = gone;
        }

        @Override
        public boolean checkError() {
            return gone.get() || super.checkError();
        }
    }

    /**
     * A writer that sends whole lines, each with a prefix, to a connection shared with another
     * such writer; a line is sent as soon as it is complete.
     */
    private static final class Framed extends Writer {
        private final SocketChannel c;
        private final String prefix;
        private final StringBuilder line = new StringBuilder();

        Framed(SocketChannel c, String prefix) {
            this.c = c;
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
            String text = prefix + line + "\n";
            line.setLength(0);
            send(c, text);
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
