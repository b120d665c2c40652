package io.jnetstack.link.tuntap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private Linux network namespace for interop tests, created with {@code ip netns add} and
 * deleted again by {@link #close()}.
 *
 * <p>Typical use:
 *
 * <pre>{@code
 * Assumptions.assumeTrue(Netns.available(), Netns.unavailableReason());
 * try (Netns ns = Netns.create(); TunTapFile tap = TunTapFile.open(Netns.uniqueLinkName("jt"), TAP, false)) {
 *     ns.moveLink(tap.name());
 *     ns.check("ip", "link", "set", tap.name(), "up");
 *     Netns.Result r = ns.run(Duration.ofSeconds(10), "ping", "-c", "1", "198.18.0.2");
 * }
 * }</pre>
 *
 * <p>Every process has a time limit: {@link #run} kills the command (and everything it started)
 * when its timeout expires; {@link #start background processes} have a maximum lifetime and are
 * stopped by {@link Background#stop()} or at the latest by {@link #close()}, which also kills any
 * other process still running inside the namespace before deleting it. A JVM shutdown hook
 * closes a namespace that a test forgot to close; namespaces left behind by a JVM that was killed
 * outright are removed by the next {@link #create()} (their names carry the creating process id,
 * and only names whose process is gone are touched; this assumes test JVMs that share
 * {@code /run/netns} also share the PID namespace).
 *
 * <p>Commands run with {@code LC_ALL=C}, stdin from {@code /dev/null}, and a {@code PATH} that
 * includes the {@code sbin} directories. Output is collected in temporary files, so a chatty
 * command can never block on a full pipe.
 */
public final class Netns implements AutoCloseable {

    /** Time limit for {@link #run(String...)} and {@link #check(String...)}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** Maximum lifetime of a process started with {@link #start(String...)}. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(2);

    /** How long a stopped process gets between SIGTERM and SIGKILL. */
    private static final Duration GRACE = Duration.ofSeconds(2);

    /** Time limit for the {@code ip} commands that manage namespaces. */
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(15);

    /** Output beyond this many bytes per stream is not kept. */
    private static final int MAX_OUTPUT = 1 << 20;

    private static final String NAME_PREFIX = "jns-";
    private static final Pattern OWN_NAME = Pattern.compile("jns-(\\d+)-[0-9a-f]{8}");
    private static final String SEARCH_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * The outcome of a finished (or killed) command.
     *
     * @param command the command line as run
     * @param exitCode the exit status; after a timeout, whatever the killed process returned
     * @param stdout everything the command wrote to standard output (up to 1 MiB)
     * @param stderr everything the command wrote to standard error (up to 1 MiB)
     * @param timedOut whether the command was killed because its time ran out
     */
    public record Result(List<String> command, int exitCode, String stdout, String stderr, boolean timedOut) {

        /**
         * Returns whether the command ran to completion with exit status 0.
         *
         * @return {@code true} on success
         */
        public boolean ok() {
            return !timedOut && exitCode == 0;
        }

        /**
         * Describes the command and its outcome, for assertion messages.
         *
         * @return command, exit status (or timeout) and both outputs
         */
        public String describe() {
            return "`" + String.join(" ", command) + "` " + (timedOut ? "timed out" : "exited " + exitCode)
                    + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    /** A process running inside the namespace until it ends, is stopped, or outlives its limit. */
    public final class Background implements AutoCloseable {
        private final List<String> command;
        private final Process process;
        private final Path out;
        private final Path err;
        private volatile boolean killedByUs;

        private Background(List<String> command, Process process, Path out, Path err) {
            this.command = command;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        /**
         * Returns the process id.
         *
         * @return the pid of the command (the {@code ip netns exec} wrapper execs it in place)
         */
        public long pid() {
            return process.pid();
        }

        /**
         * Returns whether the process is still running.
         *
         * @return {@code true} while running
         */
        public boolean isAlive() {
            return process.isAlive();
        }

        /**
         * Returns what the process has written to standard output so far.
         *
         * @return the output, possibly incomplete
         */
        public String stdout() {
            return readCapped(out);
        }

        /**
         * Returns what the process has written to standard error so far.
         *
         * @return the output, possibly incomplete
         */
        public String stderr() {
            return readCapped(err);
        }

        /**
         * Waits until {@code text} shows up in the process's standard output or standard error,
         * for example a capture tool's "Capturing on" line that says it is ready.
         *
         * @param text the text to wait for
         * @param timeout how long to wait at most
         * @return {@code true} if the text appeared, {@code false} on timeout or if the process
         *     ended without printing it
         */
        public boolean awaitOutput(String text, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                boolean alive = process.isAlive();
                if (stdout().contains(text) || stderr().contains(text)) {
                    return true;
                }
                if (!alive || System.nanoTime() - deadline > 0) {
                    return false;
                }
                sleep(20);
            }
        }

        /**
         * Waits for the process to end by itself; kills it (and its children) if it does not end
         * within {@code timeout}.
         *
         * @param timeout how long to wait
         * @return the outcome; {@link Result#timedOut()} if it had to be killed
         */
        public Result await(Duration timeout) {
            boolean exited = waitFor(process, timeout);
            if (!exited) {
                killedByUs = true;
                killTree(process.toHandle());
                waitFor(process, GRACE);
            }
            return finish(!exited);
        }

        /**
         * Stops the process and its children: SIGTERM, then SIGKILL after a grace period.
         * Idempotent.
         *
         * @return the outcome; {@link Result#timedOut()} is {@code true} if the process was
         *     still running (it was killed, not finished)
         */
        public Result stop() {
            boolean wasAlive = process.isAlive();
            if (wasAlive) {
                killedByUs = true;
                killTree(process.toHandle());
                waitFor(process, GRACE);
            }
            return finish(wasAlive || killedByUs);
        }

        private Result finish(boolean killed) {
            int code = process.isAlive() ? -1 : process.exitValue();
            return new Result(command, code, stdout(), stderr(), killed);
        }

        /** Stops the process (see {@link #stop()}) and deletes its output files. */
        @Override
        public void close() {
            stop();
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private final String name;
    private final List<Background> background = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    private Netns(String name) {
        this.name = name;
        this.shutdownHook = new Thread(this::closeQuietly, "netns-cleanup-" + name);
    }

    // ------------------------------------------------------------------ availability

    /**
     * Returns whether network-namespace tests can run here: Linux, root (or CAP_NET_ADMIN and
     * CAP_SYS_ADMIN), the {@code ip} tool, {@code /dev/net/tun}, and a namespace can actually be
     * created and deleted. The probe runs once per JVM.
     *
     * @return {@code true} if {@link #create()} is expected to work
     */
    public static boolean available() {
        return Probe.REASON.isEmpty();
    }

    /**
     * Explains why {@link #available()} is {@code false}, for {@code Assumptions.assumeTrue}.
     *
     * @return the reason, or {@code "available"} when namespaces can be used
     */
    public static String unavailableReason() {
        return Probe.REASON.isEmpty() ? "available" : "network namespace tests skipped: " + Probe.REASON;
    }

    /** Runs the availability probe once, when first asked. */
    private static final class Probe {
        static final String REASON = probe();

        private static String probe() {
            String os = System.getProperty("os.name", "?");
            if (!os.toLowerCase(java.util.Locale.ROOT).startsWith("linux")) {
                return "not Linux (" + os + ")";
            }
            long caps = effectiveCapabilities();
            long needed = (1L << 12) | (1L << 21); // CAP_NET_ADMIN, CAP_SYS_ADMIN (mounts for ip netns)
            if ((caps & needed) != needed) {
                return "needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN); effective capabilities are 0x"
                        + Long.toHexString(caps);
            }
            if (findTool("ip").isEmpty()) {
                return "the ip tool (iproute2) is not installed";
            }
            if (!Files.exists(Path.of("/dev/net/tun"))) {
                return "/dev/net/tun is missing (modprobe tun)";
            }
            try (Netns probe = create()) {
                Result lo = probe.run(IP_TIMEOUT, "ip", "link", "show", "lo");
                if (!lo.ok()) {
                    return "cannot run commands in a namespace: " + lo.describe();
                }
            } catch (IOException | RuntimeException e) {
                return "cannot create a network namespace: " + e.getMessage();
            }
            return "";
        }

        private static long effectiveCapabilities() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("CapEff:")) {
                        return Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    }
                }
            } catch (IOException | NumberFormatException e) {
                return 0;
            }
            return 0;
        }
    }

    /**
     * Finds an executable in the usual directories.
     *
     * @param tool a program name such as {@code "arping"}
     * @return its absolute path, if installed
     */
    public static Optional<Path> findTool(String tool) {
        String path = System.getenv().getOrDefault("PATH", "") + ":" + SEARCH_PATH;
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, tool);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Returns a fresh interface name: {@code prefix} followed by random hex digits, 12 characters
     * in all, so that concurrent test runs never collide.
     *
     * @param prefix one to four characters, for example {@code "jt"}
     * @return a name well within the 15-byte limit
     */
    public static String uniqueLinkName(String prefix) {
        if (prefix.isEmpty() || prefix.length() > 4) {
            throw new IllegalArgumentException("prefix must be 1 to 4 characters: " + prefix);
        }
        String hex = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        return prefix + hex.substring(0, 12 - prefix.length());
    }

    // ------------------------------------------------------------------ life cycle

    /**
     * Creates a new, uniquely named namespace with its loopback interface up.
     *
     * @return the namespace; close it to delete it
     * @throws IOException if {@code ip netns add} fails
     */
    public static Netns create() throws IOException {
        removeStale();
        String name = NAME_PREFIX + ProcessHandle.current().pid() + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Result added = runHost(IP_TIMEOUT, "ip", "netns", "add", name);
        if (!added.ok()) {
            throw new IOException("cannot create network namespace " + name + ": " + added.describe());
        }
        Netns ns = new Netns(name);
        try {
            Runtime.getRuntime().addShutdownHook(ns.shutdownHook);
            ns.check("ip", "link", "set", "lo", "up");
        } catch (RuntimeException e) {
            ns.closeQuietly();
            throw e;
        }
        return ns;
    }

    /**
     * Returns the namespace name, usable with {@code ip netns exec} and {@code ip -n}.
     *
     * @return for example {@code jns-4711-0a1b2c3d}
     */
    public String name() {
        return name;
    }

    /**
     * Deletes the namespace: stops the background processes, kills any other process still in
     * the namespace, then runs {@code ip netns del}. Devices in the namespace go with it (virtual
     * ones such as TAP, TUN and veth are deleted). Idempotent.
     *
     * @throws IllegalStateException if the namespace could not be deleted (its name is in the
     *     message, for manual cleanup)
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Background b : background) {
            try {
                b.close();
            } catch (RuntimeException e) {
                // keep cleaning up
            }
        }
        background.clear();
        killRemainingProcesses();
        Result deleted = runHost(IP_TIMEOUT, "ip", "netns", "del", name);
        for (int attempt = 0; attempt < 3 && !deleted.ok() && exists(name); attempt++) {
            sleep(200);
            killRemainingProcesses();
            deleted = runHost(IP_TIMEOUT, "ip", "netns", "del", name);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down, possibly running this very hook
        }
        if (exists(name)) {
            throw new IllegalStateException("network namespace " + name
                    + " could not be deleted; remove it with `ip netns del " + name + "`: " + deleted.describe());
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("Netns cleanup: " + e.getMessage());
        }
    }

    private void killRemainingProcesses() {
        Result pids = runHost(IP_TIMEOUT, "ip", "netns", "pids", name);
        long self = ProcessHandle.current().pid();
        for (String line : pids.stdout().split("\\s+")) {
            if (!line.matches("\\d+")) {
                continue;
            }
            long pid = Long.parseLong(line);
            if (pid == self) {
                continue;
            }
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static boolean exists(String name) {
        return Files.exists(Path.of("/run/netns", name)) || Files.exists(Path.of("/var/run/netns", name));
    }

    /**
     * Deletes namespaces left behind by test JVMs that were killed before they could clean up:
     * names of the form {@code jns-PID-xxxxxxxx} whose PID no longer runs. Best effort.
     */
    static void removeStale() {
        Result list = runHost(IP_TIMEOUT, "ip", "netns", "list");
        if (!list.ok()) {
            return;
        }
        for (String line : list.stdout().split("\n")) {
            String ns = line.trim().split("\\s+")[0];
            Matcher m = OWN_NAME.matcher(ns);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                runHost(IP_TIMEOUT, "ip", "netns", "del", ns);
            }
        }
    }

    // ------------------------------------------------------------------ commands

    /**
     * Moves a network interface from the host namespace into this one ({@code ip link set dev
     * NAME netns NS}) and checks that it arrived.
     *
     * @param link the interface name
     * @throws IllegalStateException if the move fails
     */
    public void moveLink(String link) {
        ensureOpen();
        Result moved = runHost(IP_TIMEOUT, "ip", "link", "set", "dev", link, "netns", name);
        if (!moved.ok()) {
            throw new IllegalStateException("cannot move " + link + " into " + name + ": " + moved.describe());
        }
        check("ip", "link", "show", "dev", link);
    }

    /**
     * Runs a command inside the namespace with {@link #DEFAULT_TIMEOUT}.
     *
     * @param command program and arguments
     * @return the outcome, whatever the exit status
     */
    public Result run(String... command) {
        return run(DEFAULT_TIMEOUT, command);
    }

    /**
     * Runs a command inside the namespace ({@code ip netns exec NS command...}); kills it and its
     * children if it runs longer than {@code timeout}.
     *
     * @param timeout the time limit
     * @param command program and arguments
     * @return the outcome, whatever the exit status
     */
    public Result run(Duration timeout, String... command) {
        ensureOpen();
        return runProcess(inNamespace(command), timeout);
    }

    /**
     * Runs a command inside the namespace and insists on success.
     *
     * @param command program and arguments
     * @return the outcome, always {@link Result#ok()}
     * @throws IllegalStateException with the command's output if it fails or times out
     */
    public Result check(String... command) {
        Result r = run(DEFAULT_TIMEOUT, command);
        if (!r.ok()) {
            throw new IllegalStateException("command failed in namespace " + name + ": " + r.describe());
        }
        return r;
    }

    /**
     * Starts a command inside the namespace in the background, with {@link #DEFAULT_LIFETIME}.
     *
     * @param command program and arguments
     * @return a handle to wait for, read output from, or stop the process
     */
    public Background start(String... command) {
        return start(DEFAULT_LIFETIME, command);
    }

    /**
     * Starts a command inside the namespace in the background. It is killed (with its children)
     * when {@code lifetime} expires, when stopped, or when this namespace is closed.
     *
     * @param lifetime the longest the process may run
     * @param command program and arguments
     * @return a handle to wait for, read output from, or stop the process
     */
    public synchronized Background start(Duration lifetime, String... command) {
        ensureOpen();
        List<String> cmd = inNamespace(command);
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("netns-out-", ".txt");
            err = Files.createTempFile("netns-err-", ".txt");
            Process p = builder(cmd, out, err).start();
            Background b = new Background(cmd, p, out, err);
            background.add(b);
            CompletableFuture.delayedExecutor(lifetime.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                if (p.isAlive()) {
                    b.killedByUs = true;
                    killTree(p.toHandle());
                }
            });
            return b;
        } catch (IOException e) {
            deleteQuietly(out);
            deleteQuietly(err);
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    /**
     * Runs a command in the host namespace, with a time limit. Meant for commands that inspect or
     * manage namespaces and move links; tests must not use it to change host interfaces.
     *
     * @param timeout the time limit
     * @param command program and arguments
     * @return the outcome, whatever the exit status
     */
    public static Result runHost(Duration timeout, String... command) {
        return runProcess(List.of(command), timeout);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("network namespace " + name + " is closed");
        }
    }

    private List<String> inNamespace(String... command) {
        if (command.length == 0) {
            throw new IllegalArgumentException("empty command");
        }
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(command));
        return cmd;
    }

    // ------------------------------------------------------------------ processes

    private static ProcessBuilder builder(List<String> command, Path out, Path err) {
        List<String> cmd = new ArrayList<>(command);
        if (cmd.getFirst().equals("ip")) {
            findTool("ip").ifPresent(ip -> cmd.set(0, ip.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("PATH", env.getOrDefault("PATH", "") + ":" + SEARCH_PATH);
        env.put("LC_ALL", "C");
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        return pb;
    }

    private static Result runProcess(List<String> command, Duration timeout) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("netns-out-", ".txt");
            err = Files.createTempFile("netns-err-", ".txt");
            Process p;
            try {
                p = builder(command, out, err).start();
            } catch (IOException e) {
                return new Result(command, 127, "", "cannot start: " + e.getMessage(), false);
            }
            boolean exited = waitFor(p, timeout);
            if (!exited) {
                killTree(p.toHandle());
                waitFor(p, GRACE);
            }
            int code = p.isAlive() ? -1 : p.exitValue();
            return new Result(command, code, readCapped(out), readCapped(err), !exited);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static boolean waitFor(Process p, Duration timeout) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                try {
                    return p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Kills a process and all its descendants: SIGTERM to all, then SIGKILL to those still alive
     * after a grace period. The descendants are collected first, while they are still linked to
     * their parent.
     */
    static void killTree(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
        all.add(root);
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (ProcessHandle h : all) {
            while (h.isAlive() && System.nanoTime() < deadline) {
                sleep(20);
            }
        }
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static String readCapped(Path file) {
        try (var in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temp file; nothing else to do
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Describes the namespace.
     *
     * @return for example {@code Netns[jns-4711-0a1b2c3d]}
     */
    @Override
    public String toString() {
        return "Netns[" + name + (closed ? ", closed" : "") + "]";
    }
}
