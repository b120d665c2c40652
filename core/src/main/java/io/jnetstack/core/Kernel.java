package io.jnetstack.core;

import io.jnetstack.time.Clock;
import io.jnetstack.time.SystemClock;
import io.jnetstack.time.TimerWheel;
import io.jnetstack.time.VirtualClock;
import io.jnetstack.trace.Tracer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * What the namespaces of one simulation or one process share: the clock, the timer wheel, the
 * CPU's softirq state ({@link Softnet}), the buffer pool, the tracer, seeded randomness and the
 * kernel-wide {@code net.core} sysctls.
 *
 * <p>Two modes:
 * <ul>
 *   <li><b>Deterministic</b> ({@link #deterministic}): virtual time, one thread, randomness
 *   derived from one seed. Nothing happens unless the owner drives it with {@link #runFor},
 *   {@link #runUntil} or {@link #step}; an idle kernel jumps straight to the next timer, so
 *   minutes of virtual time pass in milliseconds. The same seed reproduces a run exactly.</li>
 *   <li><b>Real time</b> ({@link #realtime}): the system clock and a daemon thread
 *   ({@code ksoftirqd}) that fires timers and finishes deferred softirqs. Other threads enter the
 *   stack through {@link #lock()}/{@link #unlock()} (or {@link #run}), like a single CPU.</li>
 * </ul>
 */
public final class Kernel implements AutoCloseable {
    private final Clock clock;
    private final VirtualClock virtualClock;
    private final TimerWheel timers;
    private final Tracer tracer;
    private final SkBuffPool pool = new SkBuffPool();
    private final Sysctls core = new Sysctls(null);
    private final Softnet softnet;
    private final long seed;
    private final List<Net> nets = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private volatile Thread loop;
    private volatile boolean closed;
    private volatile long loopWakeAt = Long.MAX_VALUE;

    private Kernel(Clock clock, VirtualClock virtualClock, long seed) {
        this.clock = clock;
        this.virtualClock = virtualClock;
        this.seed = seed;
        this.timers = new TimerWheel(clock);
        this.tracer = new Tracer(clock);
        registerCoreSysctls();
        this.softnet = new Softnet(this, core);
    }

    /** A kernel in virtual time driven by the caller's thread; all randomness follows {@code seed}. */
    public static Kernel deterministic(long seed) {
        VirtualClock vc = new VirtualClock();
        return new Kernel(vc, vc, seed);
    }

    /** A kernel in real time with its own timer/softirq thread. */
    public static Kernel realtime() {
        Kernel k = new Kernel(new SystemClock(), null, System.nanoTime() ^ 0x5DEECE66DL);
        Thread t = Thread.ofPlatform().daemon().name("jnetstack-ksoftirqd").unstarted(k::loop);
        k.loop = t;
        t.start();
        return k;
    }

    private void registerCoreSysctls() {
        core.register("net.core.netdev_max_backlog", 1, Integer.MAX_VALUE, 1000);
        core.register("net.core.netdev_budget", 1, Integer.MAX_VALUE, 300);
        core.register("net.core.netdev_budget_usecs", 1, Integer.MAX_VALUE, 2000);
        core.register("net.core.dev_weight", 1, Integer.MAX_VALUE, 64);
        core.register("net.core.dev_weight_tx_bias", 1, Integer.MAX_VALUE, 1);
    }

    /** Creates a namespace. Names must be unique in this kernel. */
    public Net newNet(String name) {
        for (Net n : nets) {
            if (n.name().equals(name)) {
                throw new ErrnoException(Errno.EEXIST, "a namespace named " + name + " already exists");
            }
        }
        Net n = new Net(this, name);
        nets.add(n);
        return n;
    }

    /** The namespaces, in creation order. */
    public List<Net> nets() {
        return Collections.unmodifiableList(nets);
    }

    /** The clock every namespace of this kernel reads. */
    public Clock clock() {
        return clock;
    }

    /** The timer wheel. */
    public TimerWheel timers() {
        return timers;
    }

    /** The tracer. */
    public Tracer tracer() {
        return tracer;
    }

    /** The buffer pool. */
    public SkBuffPool skbs() {
        return pool;
    }

    /** The CPU's softirq state. */
    public Softnet softnet() {
        return softnet;
    }

    /** Kernel-wide sysctls ({@code net.core.*}). */
    public Sysctls coreSysctls() {
        return core;
    }

    /** The seed all randomness derives from. */
    public long seed() {
        return seed;
    }

    /**
     * A random source for one purpose ("netem veth0"), derived from the kernel's seed and the
     * purpose's name, so each consumer's stream is reproducible and independent of the others.
     */
    public RandomGenerator random(String purpose) {
        long h = seed;
        for (int i = 0; i < purpose.length(); i++) {
            h = (h ^ purpose.charAt(i)) * 0x100000001B3L;
        }
        return new SplittableRandom(h ^ (h >>> 29));
    }

    /** Closes {@code r} when the kernel closes (TAP file descriptors, reader threads). */
    public void closeOnExit(AutoCloseable r) {
        resources.add(r);
    }

    // ---------------------------------------------------------------- deterministic driving

    /** True in deterministic mode. */
    public boolean isVirtual() {
        return virtualClock != null;
    }

    private VirtualClock vclock() {
        if (virtualClock == null) {
            throw new IllegalStateException("this kernel runs in real time; only a deterministic kernel is driven by hand");
        }
        return virtualClock;
    }

    /** Runs deferred softirqs until none is raised, without moving time. */
    public void runPending() {
        for (int i = 0; i < 1_000_000 && softnet.pending(); i++) {
            softnet.doSoftirq();
        }
    }

    /**
     * One step: pending softirqs if any, else jump to the next timer not after {@code deadline}
     * and fire it.
     *
     * @return false when nothing is left to do before the deadline
     */
    public boolean step(long deadline) {
        if (softnet.pending()) {
            runPending();
            return true;
        }
        long next = timers.nextExpiry();
        if (next == Long.MAX_VALUE || next > deadline) {
            return false;
        }
        VirtualClock vc = vclock();
        if (next > vc.nanos()) {
            vc.advanceTo(next);
        }
        fireTimers();
        return true;
    }

    private void fireTimers() {
        softnet.bhDisable();
        try {
            timers.runExpired(clock.nanos());
        } finally {
            softnet.bhEnable();
        }
        runPending();
    }

    /** Runs everything due in the next {@code nanos} of virtual time and ends at now + nanos. */
    public void runFor(long nanos) {
        long deadline = clock.nanos() + nanos;
        runUntilTime(deadline);
    }

    /** Runs everything due up to virtual time {@code t} and ends there. */
    public void runUntilTime(long t) {
        while (step(t)) {
            // keep going
        }
        VirtualClock vc = vclock();
        if (t > vc.nanos()) {
            vc.advanceTo(t);
        }
        fireTimers();
    }

    /**
     * Runs until {@code done} holds or {@code maxNanos} of virtual time passed.
     *
     * @return whether {@code done} holds
     */
    public boolean runUntil(BooleanSupplier done, long maxNanos) {
        long deadline = clock.nanos() + maxNanos;
        while (!done.getAsBoolean()) {
            if (!step(deadline)) {
                return done.getAsBoolean();
            }
        }
        return true;
    }

    /** Runs until no softirq and no timer is left, or {@code maxNanos} of virtual time passed. */
    public void runUntilIdle(long maxNanos) {
        long deadline = clock.nanos() + maxNanos;
        while (step(deadline)) {
            // keep going
        }
    }

    // ---------------------------------------------------------------- real time

    /** Enters the stack from a thread (process context). Pair with {@link #unlock()}. */
    public void lock() {
        lock.lock();
        softnet.bhDisable();
    }

    /** Leaves the stack: runs softirqs raised meanwhile, and wakes the loop for new timers. */
    public void unlock() {
        try {
            softnet.bhEnable();
        } finally {
            lock.unlock();
        }
        wakeLoop();
    }

    /** Runs {@code r} inside the stack, as {@link #lock()} … {@link #unlock()}. */
    public void run(Runnable r) {
        lock();
        try {
            r.run();
        } finally {
            unlock();
        }
    }

    /** Computes a value inside the stack. */
    public <T> T call(java.util.function.Supplier<T> s) {
        lock();
        try {
            return s.get();
        } finally {
            unlock();
        }
    }

    void wakeLoop() {
        Thread t = loop;
        if (t != null && t != Thread.currentThread() && (softnet.pending() || timers.nextExpiry() < loopWakeAt)) {
            LockSupport.unpark(t);
        }
    }

    private void loop() {
        while (!closed) {
            long next;
            lock.lock();
            try {
                softnet.bhDisable();
                try {
                    timers.runExpired(clock.nanos());
                } finally {
                    softnet.bhEnable();
                }
                runPending();
                next = timers.nextExpiry();
                loopWakeAt = next;
            } catch (RuntimeException e) {
                // A timer action must never kill the loop; report and go on.
                System.err.println("jnetstack: timer action failed: " + e);
                next = clock.nanos() + 1_000_000;
            } finally {
                lock.unlock();
            }
            long wait = next == Long.MAX_VALUE ? 100_000_000L : Math.max(0, next - clock.nanos());
            if (wait > 0) {
                LockSupport.parkNanos(this, Math.min(wait, 100_000_000L));
            }
        }
    }

    /** Stops the real-time thread and closes registered resources (TAP devices). */
    @Override
    public void close() {
        closed = true;
        Thread t = loop;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                System.err.println("jnetstack: closing " + r + ": " + e);
            }
        }
        resources.clear();
    }
}
