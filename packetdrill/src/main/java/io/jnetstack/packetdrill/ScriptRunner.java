package io.jnetstack.packetdrill;

import io.jnetstack.core.ErrnoException;
import io.jnetstack.socket.Socket;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Executes one script on a fresh stack in virtual time, event by event.
 *
 * <p>Time column: an absolute time counts from the start of the script, {@code +t} from the
 * previous event (for a blocking call, from its start; for an outbound packet expected at any
 * time or within a range, from when it was actually sent). {@code a~b} accepts an outbound packet
 * sent between a and b; {@code *} at any time. {@code a...b} runs a system call from a on a user
 * thread of the kernel while the script goes on; it must return at b (the end is relative when
 * the start is). Outbound packets and blocking returns may be off by the tolerance:
 * {@code --tolerance_usecs} (default 4000), or {@code --tolerance_percent} of the time since the
 * previous event when larger. A system call without {@code ...} must return at once.
 *
 * <p>Lines run as follows: {@code <} builds a packet and injects it at its time; {@code >} runs
 * the stack until it sends a packet or the tolerance window closes, then matches it
 * ({@link PacketMatcher}); a system call runs on a user thread ({@link Syscalls}); a shell line is
 * emulated ({@link ShellCommands}); a code block is evaluated against TCP_INFO ({@link CodeBlock}).
 */
final class ScriptRunner {

    private final Script script;
    private final RunConfig config;
    private final Map<String, Long> codeVars = new HashMap<>();
    private final List<Pending> pending = new ArrayList<>();
    private Testbed tb;
    private Syscalls sys;
    private PacketMatcher matcher;
    private PacketBuilder builder;
    private long lastTime;
    private int line;
    private long maxScriptUsecs;
    private PrintStream trace;

    /** What a spawned call did; written by the user thread, read by the driver once it is done. */
    private static final class CallState {
        private volatile Syscalls.Completion completion;
    }

    /**
     * A blocking call still running.
     *
     * @param line  its script line
     * @param name  the call
     * @param call  its check
     * @param state its completion
     * @param end   when it must return (µs)
     * @param tol   the tolerance (µs)
     */
    private record Pending(int line, String name, Syscalls.Prepared call, CallState state, long end, long tol) {
        long hi() {
            return end + tol;
        }
    }

    /**
     * @param script the script
     * @param config how to run it (the script's own options are applied here)
     */
    ScriptRunner(Script script, RunConfig config) {
        this.script = script;
        this.config = config;
    }

    /** @return how the script ended */
    Outcome run() {
        RunConfig c;
        try {
            c = config.forScript(script);
        } catch (UnsupportedConstruct u) {
            return Outcome.unsupported(u.line(), u.construct());
        }
        try (Testbed bed = new Testbed(c)) {
            tb = bed;
            sys = new Syscalls(bed.net(), c);
            matcher = new PacketMatcher(c.localIp(), c.remoteIp());
            builder = new PacketBuilder(c.localIp(), c.remoteIp(), c.localPort());
            trace = c.trace();
            if (trace != null) {
                trace.println("== " + script.file());
                bed.onSend(p -> trace.println(String.format(Locale.ROOT, "%10.6f   sent > %s",
                        bed.micros(p.nanos()) / 1e6, PacketText.format(p, sys.currentFlow()))));
            }
            return execute(c);
        }
    }

    private Outcome execute(RunConfig c) {
        maxScriptUsecs = c.maxScriptUsecs();
        try {
            for (Event e : script.events()) {
                event(e, c);
            }
            finish();
            return Outcome.passed();
        } catch (ScriptFailure f) {
            return Outcome.failed(f.line(), f.getMessage());
        } catch (UnsupportedConstruct u) {
            return Outcome.unsupported(u.line(), u.construct());
        } catch (RuntimeException e) {
            StackTraceElement[] where = e.getStackTrace();
            return Outcome.failed(line, "unexpected exception while running this line: " + e
                    + (where.length > 0 ? " at " + where[0] : ""));
        } finally {
            sys.closeAll();
        }
    }

    private void event(Event e, RunConfig c) {
        line = e.line();
        switch (e.kind()) {
            case EventKind.OptionEvent o -> trace(e, lastTime);
            case EventKind.ShellEvent s -> {
                at(e);
                ShellCommands.run(tb.net(), s.command(), e.line(), c.lenientPreset());
            }
            case EventKind.CodeEvent code -> {
                at(e);
                code(code.code(), e.line(), c);
            }
            case EventKind.PacketEvent p when p.inbound() -> {
                at(e);
                tb.inject(builder.build(p.packet(), sys.currentFlow(), e.line()));
            }
            case EventKind.PacketEvent p -> outbound(e, p.packet(), c);
            case EventKind.SyscallEvent sc -> syscall(e, sc, c);
        }
    }

    /** Prints a line as it runs, at script time {@code micros}. */
    private void trace(Event e, long micros) {
        if (trace == null) {
            return;
        }
        String what = switch (e.kind()) {
            case EventKind.OptionEvent o -> "--" + o.name();
            case EventKind.ShellEvent s -> "`shell`";
            case EventKind.CodeEvent code -> "%{ code }%";
            case EventKind.PacketEvent p -> (p.inbound() ? "< " : "> ") + PacketText.format(p.packet());
            case EventKind.SyscallEvent sc -> sc.name() + "(...)";
        };
        trace.println(String.format(Locale.ROOT, "%10.6f line %d: %s", micros / 1e6, e.line(), what));
    }

    // ---------------------------------------------------------------- time

    private long resolve(TimeSpec.Moment m) {
        return m.relative() ? lastTime + m.micros() : m.micros();
    }

    /** The end of a range or blocking call: relative when its start is. */
    private long resolveEnd(TimeSpec t) {
        return t.start().relative() || t.end().relative() ? lastTime + t.end().micros() : t.end().micros();
    }

    private long tolerance(long expected, RunConfig c) {
        long percent = (long) (c.tolerancePercent() * Math.max(0, expected - lastTime) / 100.0);
        return Math.max(c.toleranceUsecs(), percent);
    }

    /** Runs the stack to the event's time and makes that the base of the next relative time. */
    private void at(Event e) {
        TimeSpec t = e.time();
        long when = t.kind() == TimeSpec.Kind.NONE || t.kind() == TimeSpec.Kind.ANY ? lastTime : resolve(t.start());
        advanceTo(when);
        lastTime = when;
        trace(e, when);
    }

    /** Runs the stack to {@code target}, checking blocking calls as their windows close. */
    private void advanceTo(long target) {
        checkLimit(target);
        while (true) {
            checkPending();
            long next = Math.min(target, nextDeadline());
            tb.runTo(next);
            if (next >= target) {
                checkPending();
                return;
            }
        }
    }

    /** Runs the stack until {@code done} or {@code deadline}, checking blocking calls meanwhile. */
    private boolean waitFor(BooleanSupplier done, long deadline) {
        checkLimit(deadline);
        while (!done.getAsBoolean()) {
            checkPending();
            if (tb.now() >= deadline) {
                return false;
            }
            tb.runUntil(done, Math.min(deadline, nextDeadline()));
        }
        return true;
    }

    private void checkLimit(long micros) {
        if (micros > maxScriptUsecs) {
            throw new ScriptFailure(line, "script time " + seconds(micros) + " is past the runner's limit of "
                    + seconds(maxScriptUsecs) + " (virtual)");
        }
    }

    private long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Pending p : pending) {
            next = Math.min(next, p.hi() + 1);
        }
        return next;
    }

    private static String seconds(long micros) {
        return String.format(Locale.ROOT, "%.6f", micros / 1e6);
    }

    // ---------------------------------------------------------------- packets

    private void outbound(Event e, Packet p, RunConfig c) {
        TimeSpec t = e.time();
        long expected;
        long lo;
        long hi;
        switch (t.kind()) {
            case ANY -> {
                expected = lastTime;
                lo = Long.MIN_VALUE;
                hi = Math.min(lastTime + c.maxWaitUsecs(), c.maxScriptUsecs());
            }
            case RANGE -> {
                expected = resolve(t.start());
                long end = resolveEnd(t);
                lo = expected - c.toleranceUsecs();
                hi = end + c.toleranceUsecs();
            }
            default -> {
                expected = t.kind() == TimeSpec.Kind.NONE ? lastTime : resolve(t.start());
                long tol = tolerance(expected, c);
                lo = expected - tol;
                hi = expected + tol;
            }
        }
        String want = "> " + PacketText.format(p);
        trace(e, expected);
        if (!waitFor(tb::hasSent, hi)) {
            throw new ScriptFailure(e.line(), "timed out waiting for a packet: expected " + want + " at "
                    + seconds(expected) + " (by " + seconds(hi) + ")");
        }
        tb.settle();
        List<LivePacket> sent = tb.sent();
        long when = tb.micros(sent.getFirst().nanos());
        PacketMatcher.Result r = matcher.match(p, sent, sys.currentFlow(), e.line());
        if (!r.ok()) {
            throw new ScriptFailure(e.line(), r.mismatch() + "\n    expected: " + want + "\n    actual:   > "
                    + r.actual() + " at " + seconds(when));
        }
        if (when < lo || when > hi) {
            throw new ScriptFailure(e.line(), "timing: " + want + " expected at " + seconds(expected)
                    + " (window " + seconds(Math.max(lo, 0)) + " to " + seconds(hi) + "), sent at " + seconds(when));
        }
        tb.take(r.consumed());
        lastTime = t.kind() == TimeSpec.Kind.POINT ? expected : when;
    }

    // ---------------------------------------------------------------- system calls

    private void syscall(Event e, EventKind.SyscallEvent sc, RunConfig c) {
        TimeSpec t = e.time();
        if (t.kind() != TimeSpec.Kind.BLOCKING) {
            at(e);
            Syscalls.Prepared call = sys.prepare(sc, e.line());
            CallState state = spawn(sc.name(), e.line(), call);
            if (state.completion == null) {
                tb.settle();
            }
            if (state.completion == null) {
                throw new ScriptFailure(e.line(), sc.name() + " blocked; a call without start...end must return"
                        + " at once");
            }
            call.check().accept(state.completion);
            return;
        }
        long start = resolve(t.start());
        long end = resolveEnd(t);
        long tol = tolerance(end, c);
        advanceTo(start);
        trace(e, start);
        Syscalls.Prepared call = sys.prepare(sc, e.line());
        lastTime = start;
        pending.add(new Pending(e.line(), sc.name(), call, spawn(sc.name(), e.line(), call), end, tol));
        checkPending();
    }

    private CallState spawn(String name, int line, Syscalls.Prepared call) {
        CallState state = new CallState();
        tb.kernel().spawn(name + "@" + line, () -> {
            Object value = null;
            ErrnoException error = null;
            RuntimeException crash = null;
            try {
                value = call.body().call();
            } catch (ErrnoException x) {
                error = x;
            } catch (RuntimeException x) {
                crash = x;
            } catch (Exception x) {
                crash = new IllegalStateException(x);
            }
            state.completion = new Syscalls.Completion(value, error, crash, tb.kernel().clock().nanos());
        });
        return state;
    }

    /** Checks blocking calls that returned, and fails one whose window closed without a return. */
    private void checkPending() {
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            Syscalls.Completion done = p.state().completion;
            if (done != null) {
                it.remove();
                long when = tb.micros(done.nanos());
                if (trace != null) {
                    trace.println(String.format(Locale.ROOT, "%10.6f   line %d: %s returned", when / 1e6,
                            p.line(), p.name()));
                }
                if (when < p.end() - p.tol() || when > p.hi()) {
                    throw new ScriptFailure(p.line(), p.name() + " returned at " + seconds(when) + ", expected at "
                            + seconds(p.end()) + " (within " + p.tol() + " us)");
                }
                p.call().check().accept(done);
            } else if (tb.now() > p.hi()) {
                throw new ScriptFailure(p.line(), p.name() + " did not return by " + seconds(p.hi())
                        + " (expected at " + seconds(p.end()) + ")");
            }
        }
    }

    private void finish() {
        long last = lastTime;
        for (Pending p : pending) {
            last = Math.max(last, p.hi() + 1);
        }
        if (!pending.isEmpty()) {
            advanceTo(last);
        }
        checkPending();
    }

    // ---------------------------------------------------------------- code blocks

    private void code(String text, int line, RunConfig c) {
        CodeBlock block;
        try {
            block = CodeBlock.parse(text);
        } catch (IllegalArgumentException ex) {
            throw new UnsupportedConstruct(line, ex.getMessage());
        }
        Map<String, Long> info = block.readsTcpInfo() ? tcpInfo(line, c) : Map.of();
        block.run(codeVars, name -> info.containsKey(name) ? info.get(name) : Constants.value(name), line);
    }

    private Map<String, Long> tcpInfo(int line, RunConfig c) {
        Socket s = sys.currentSocket();
        if (s == null) {
            throw new ScriptFailure(line, "a code block reads tcp_info but the script has no socket");
        }
        Map<String, Long> info;
        try {
            info = c.tcpInfo().tcpInfo(s);
        } catch (ErrnoException ex) {
            throw new ScriptFailure(line, "TCP_INFO: " + ex.getMessage());
        }
        if (info == null) {
            throw new UnsupportedConstruct(line, "code %{ }% reading tcp_info (the stack has no TCP_INFO)");
        }
        return info;
    }
}
