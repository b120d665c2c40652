package io.jnetstack.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

/** Sends one request to a host's control socket and relays the answer ({@link ControlProtocol}). */
final class ControlClient {
    private ControlClient() {
    }

    /**
     * Runs {@code words} on host {@code name}: its output to {@code out}, its errors to
     * {@code err}, as they arrive.
     *
     * @return the command's exit status, or 2 when the host cannot be reached
     */
    static int request(String name, List<String> words, PrintWriter out, PrintWriter err) {
        Path path = ControlProtocol.find(name);
        if (path == null) {
            err.println("jnetstack: no control socket for host " + name + " (looked for " + name + ".sock in "
                    + ControlProtocol.DIRECTORIES + "); is `jnetstack host --tap " + name + " ...` running?");
            return 2;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            ByteBuffer req = ByteBuffer.wrap((ControlProtocol.join(words) + "\n").getBytes(StandardCharsets.UTF_8));
            while (req.hasRemaining()) {
                ch.write(req);
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            return relayUntilInterrupted(ch, in, out, err);
        } catch (IOException e) {
            err.println("jnetstack: cannot talk to host " + name + " at " + path + ": " + e.getMessage()
                    + " (a socket left by a host that is gone? start the host again)");
            return 2;
        }
    }

    /**
     * Relays the response; on SIGINT or SIGTERM the request is ended as a ping is (the sending
     * side closed) and what the host still sends, a ping's statistics, is relayed before exit.
     */
    private static int relayUntilInterrupted(SocketChannel ch, BufferedReader in, PrintWriter out, PrintWriter err)
            throws IOException {
        CountDownLatch relayed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                ch.shutdownOutput();
                relayed.await(2, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                // exiting anyway
            }
        }, "jnetstack-client-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return relay(in, out, err);
        } finally {
            relayed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running
            }
        }
    }

    /** Copies the response, holding back a line that looks like the exit status until the end shows it is one. */
    static int relay(BufferedReader in, PrintWriter out, PrintWriter err) throws IOException {
        String pending = null;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (pending != null) {
                out.println(pending);
            }
            pending = null;
            if (ControlProtocol.EXIT.matcher(line).matches()) {
                pending = line;
            } else if (line.startsWith(ControlProtocol.ERR)) {
                err.println(line.substring(ControlProtocol.ERR.length()));
                err.flush();
            } else {
                out.println(line);
                out.flush();
            }
        }
        Matcher m = pending == null ? null : ControlProtocol.EXIT.matcher(pending);
        if (m == null || !m.matches()) {
            err.println("jnetstack: the host closed the connection without an exit status");
            return 2;
        }
        return Integer.parseInt(m.group(1));
    }
}
