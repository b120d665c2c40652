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
    private final ReentrantLock lock;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private volatile Thread loop;
    private volatile boolean closed;
    private volatile long loopWakeAt = Long.MAX_VALUE;
    private final java.util.Set<Thread> userThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile int running;
    private final java.util.ArrayDeque<WaitQueue.Waiter> toResume = new java.util.ArrayDeque<>();
    private volatile Thread driver;
    private long blockLimitNanos = 24L * 3600 * 1_000_000_000L;

    private Kernel(Clock clock, VirtualClock virtualClock, long seed) {
        this.clock = clock;
        this.virtualClock = virtualClock;
        this.seed = seed;
        this.timers = new TimerWheel(clock);
        // In real time several threads compete for the one CPU (TAP readers, ksoftirqd, socket
        // users): a fair lock keeps a busy reader from starving the others.
        this.lock = new ReentrantLock(virtualClock == null);
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
        awaitQuiescent();
        Thread me = Thread.currentThread();
        boolean outer = driver == null;
        if (outer) {
            driver = me;
        }
        lock.lock();
        try {
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
        } finally {
            lock.unlock();
            if (outer) {
                driver = null;
            }
            awaitQuiescent();
        }
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
        lock.lock();
        try {
            if (t > vc.nanos()) {
                vc.advanceTo(t);
            }
            fireTimers();
        } finally {
            lock.unlock();
        }
        awaitQuiescent();
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

    // ---------------------------------------------------------------- blocking calls

    /**
     * Starts a user thread (a virtual thread) for blocking socket calls while the caller keeps
     * driving. In deterministic mode it runs until it blocks in the stack or ends before the
     * driver takes its next step, so a run stays reproducible; in real time it is just a thread.
     */
    public Thread spawn(String name, Runnable body) {
        if (virtualClock != null) {
            // Threads woken earlier (a datagram for a blocked poll) resume first, in wake
            // order, before the new call can run ahead of them and take what woke them.
            awaitQuiescent();
        }
        Thread t = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                body.run();
            } finally {
                lock.lock();
                try {
                    running--;
                } finally {
                    lock.unlock();
                }
                userThreads.remove(Thread.currentThread());
            }
        });
        userThreads.add(t);
        lock.lock();
        try {
            running++;
        } finally {
            lock.unlock();
        }
        t.start();
        if (virtualClock != null) {
            awaitQuiescent();
        }
        return t;
    }

    /**
     * Waits until every spawned thread is blocked in the stack or done (deterministic mode),
     * resuming woken ones one at a time in the order they were woken.
     */
    public void awaitQuiescent() {
        if (virtualClock == null || userThreads.contains(Thread.currentThread())) {
            return;
        }
        while (true) {
            for (int spins = 0; running > 0; spins++) {
                if (spins < 100) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(10_000);
                }
            }
            WaitQueue.Waiter w;
            lock.lock();
            try {
                w = toResume.pollFirst();
                if (w == null) {
                    return;
                }
                w.queued = false;
                running++;
                w.parked = false;
            } finally {
                lock.unlock();
            }
            LockSupport.unpark(w.thread);
        }
    }

    /**
     * How much virtual time a blocking call without a timeout may drive the simulation forward
     * before it is reported as never completing (default 24 hours).
     */
    public void setBlockLimit(long nanos) {
        this.blockLimitNanos = nanos;
    }

    /**
     * A spawned thread's wait ended (deterministic mode): it resumes later, one thread at a
     * time in wake order ({@link #awaitQuiescent}), so two threads woken by one softirq never
     * race for the stack and a seed still reproduces the run.
     *
     * @return true when the wake-up was queued rather than delivered now
     */
    boolean deferWake(WaitQueue.Waiter w) {
        if (!w.user || virtualClock == null) {
            return false;
        }
        if (!w.queued) {
            w.queued = true;
            toResume.addLast(w);
        }
        return true;
    }

    /**
     * Blocks the calling thread, inside the stack ({@link #lock()} held once), until {@code done}
     * holds, the queue is woken and {@code done} holds, or the clock reaches {@code deadline}.
     * Mirrors {@code sk_wait_event()} / {@code wait_woken()}.
     *
     * <p>In real time, and for {@linkplain #spawn spawned} threads, the thread parks and the
     * lock is released meanwhile. In deterministic mode a thread that is not spawned drives the
     * simulation itself (softirqs, timers, virtual time) until the condition holds; with no
     * deadline and nothing left to run it fails with EDEADLK rather than hang.
     *
     * @param deadline clock nanoseconds, or {@code Long.MAX_VALUE} for none
     * @return {@code done}'s value at the end (false on timeout)
     */
    public boolean sleep(WaitQueue wq, BooleanSupplier done, long deadline) {
        if (done.getAsBoolean()) {
            return true;
        }
        if (lock.getHoldCount() != 1) {
            throw new ErrnoException(Errno.EDEADLK, lock.getHoldCount() == 0
                    ? "a blocking call must be made inside the stack (Kernel.lock)"
                    : "a blocking socket call cannot wait inside Kernel.run or a callback; call it from plain code");
        }
        Thread me = Thread.currentThread();
        boolean user = userThreads.contains(me);
        if (virtualClock != null && !user && (driver == null || driver == me)) {
            return drive(done, deadline);
        }
        return park(wq, done, deadline, user);
    }

    private boolean drive(BooleanSupplier done, long deadline) {
        long limit = deadline == Long.MAX_VALUE ? clock.nanos() + blockLimitNanos : deadline;
        unlock();
        try {
            while (true) {
                if (!step(limit)) {
                    if (deadline == Long.MAX_VALUE) {
                        lock();
                        boolean ok = done.getAsBoolean();
                        unlock();
                        if (ok) {
                            return true;
                        }
                        throw new ErrnoException(Errno.EDEADLK, "the call would block forever: nothing is left to run in this"
                                + " deterministic kernel (send the data first, spawn the blocking call, or set a timeout)");
                    }
                    runUntilTime(deadline);
                    break;
                }
                lock();
                boolean ok = done.getAsBoolean();
                unlock();
                if (ok) {
                    return true;
                }
            }
        } finally {
            lock();
        }
        return done.getAsBoolean();
    }

    private boolean park(WaitQueue wq, BooleanSupplier done, long deadline, boolean user) {
        WaitQueue.Waiter w = new WaitQueue.Waiter(Thread.currentThread(), user);
        wq.add(this, w);
        io.jnetstack.time.Timer timer = null;
        if (deadline != Long.MAX_VALUE) {
            timer = timers.newTimer("sk_wait_event", () -> {
                w.timedOut = true;
                wq.wake(w);
            });
            timer.arm(deadline);
        }
        try {
            while (!done.getAsBoolean() && !w.timedOut) {
                w.parked = true;
                if (user && virtualClock != null) {
                    running--;
                }
                unlock();
                while (w.parked) {
                    LockSupport.park(wq);
                }
                lock.lock();
                softnet.bhDisable();
            }
        } finally {
            wq.remove(w);
            if (timer != null) {
                timer.cancel();
            }
        }
        return done.getAsBoolean();
    }

    // ---------------------------------------------------------------- real time

    /**
     * Enters the stack from a thread (process context). Pair with {@link #unlock()}. In
     * deterministic mode the driving thread first lets {@linkplain #spawn spawned} threads run
     * until they block or end, so their work is ordered before the driver's.
     */
    public void lock() {
        if (virtualClock != null && !lock.isHeldByCurrentThread() && !userThreads.contains(Thread.currentThread())) {
            awaitQuiescent();
        }
        lock.lock();
        softnet.bhDisable();
    }

    /** True when the calling thread is inside the stack ({@link #lock()} held). */
    public boolean isLockedByCurrentThread() {
        return lock.isHeldByCurrentThread();
    }

    /** Leaves the stack: runs softirqs raised meanwhile, and wakes the loop for new timers. */
    public void unlock() {
        boolean wake;
        try {
            softnet.bhEnable();
        } finally {
            // Decided under the lock: nextExpiry() may reorganise the wheel.
            wake = needsLoop();
            lock.unlock();
        }
        if (wake) {
            LockSupport.unpark(loop);
        }
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

    /** Wakes the real-time loop if it must run; call under the lock. */
    void wakeLoop() {
        if (needsLoop()) {
            LockSupport.unpark(loop);
        }
    }

    /** Whether the real-time loop must wake for raised softirqs or an earlier timer; call under the lock. */
    private boolean needsLoop() {
        Thread t = loop;
        return t != null && t != Thread.currentThread() && (softnet.pending() || timers.nextExpiry() < loopWakeAt);
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
