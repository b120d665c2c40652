package io.jnetstack.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Who waits for a socket: threads parked in a blocking call and readiness callbacks (an epoll
 * set, a selector). Mirrors {@code wait_queue_head_t} with {@code __wake_up()}: waking passes the
 * events that happened, callbacks run at once (in softirq or process context, under the kernel
 * lock), parked threads are unparked and re-check their condition.
 *
 * <p>Used under the {@link Kernel} lock only.
 */
public final class WaitQueue {
    /** A readiness callback ({@code wait_queue_entry} with a wake function, as {@code ep_poll_callback}). */
    @FunctionalInterface
    public interface Callback {
        /** Events ({@code POLLIN}, {@code POLLOUT}, …) happened on the object this queue belongs to. */
        void wake(int events);
    }

    /** A thread parked in {@link Kernel#sleep}. */
    static final class Waiter {
        final Thread thread;
        final boolean user;
        volatile boolean parked;
        boolean timedOut;
        /** Queued to resume (deterministic mode): woken, not yet running. */
        boolean queued;

        Waiter(Thread thread, boolean user) {
            this.thread = thread;
            this.user = user;
        }
    }

    /** Parked threads and callbacks, null while none ever waited (most sockets of an idle server). */
    private List<Waiter> waiters;
    private List<Callback> callbacks;
    private Kernel kernel;

    /** Adds a readiness callback. */
    public void addCallback(Callback c) {
        if (callbacks == null) {
            callbacks = new ArrayList<>(1);
        }
        callbacks.add(c);
    }

    /** Removes a readiness callback. */
    public void removeCallback(Callback c) {
        if (callbacks != null) {
            callbacks.remove(c);
        }
    }

    /** True when nothing waits: waking would do nothing. Mirrors {@code wq_has_sleeper()}. */
    public boolean isEmpty() {
        return (waiters == null || waiters.isEmpty()) && (callbacks == null || callbacks.isEmpty());
    }

    void add(Kernel k, Waiter w) {
        kernel = k;
        if (waiters == null) {
            waiters = new ArrayList<>(2);
        }
        waiters.add(w);
    }

    void remove(Waiter w) {
        if (waiters != null) {
            waiters.remove(w);
        }
    }

    /**
     * Wakes everyone: callbacks get {@code events}, parked threads run again. Mirrors
     * {@code wake_up_interruptible_poll()}.
     */
    public void wakeUp(int events) {
        List<Callback> cs = callbacks;
        if (cs != null) {
            for (int i = 0; i < cs.size(); i++) {
                cs.get(i).wake(events);
            }
        }
        List<Waiter> ws = waiters;
        if (ws != null) {
            for (int i = 0; i < ws.size(); i++) {
                wake(ws.get(i));
            }
        }
    }

    void wake(Waiter w) {
        if (w.parked) {
            if (kernel != null && kernel.deferWake(w)) {
                return;
            }
            w.parked = false;
            LockSupport.unpark(w.thread);
        }
    }
}
