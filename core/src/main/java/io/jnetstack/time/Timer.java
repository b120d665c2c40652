package io.jnetstack.time;

/**
 * A reusable timer, like struct timer_list: created once, armed and cancelled many times with no
 * allocation.
 *
 * <p>Mirrors the kernel's {@code struct timer_list}: a timer is obtained once from
 * {@link TimerWheel#newTimer(String, Runnable)} (the analogue of {@code timer_setup()}), then
 * {@link #arm(long)} behaves like {@code mod_timer()}, {@link #cancel()} like
 * {@code del_timer()} and {@link #pending()} like {@code timer_pending()}. The timer object itself
 * is the list node of the wheel (an intrusive doubly linked list), so arming, moving and
 * cancelling never allocate.
 *
 * <p>When the timer fires, its action runs with the timer already not pending, so the action may
 * re-arm its own timer (periodic timers do exactly that). Like its wheel, a timer is not
 * thread-safe: all calls must come from the wheel's owner.
 */
public final class Timer {

    /** {@link #location} value of a timer that is not pending. */
    static final int NOWHERE = -1;

    private final TimerWheel wheel;
    private final String name;
    final Runnable action;

    /** Absolute expiry in nanoseconds, as last armed. */
    long expires;
    /** Arming sequence number: breaks ties between equal expiries (earlier arm fires first). */
    long seq;
    /** Where the timer sits in its wheel: a list index, the due heap, or {@link #NOWHERE}. */
    int location = NOWHERE;
    /** Neighbours in a wheel slot list (or the overflow list). */
    Timer prev;
    Timer next;
    /** Index in the due heap while {@code location} says it is there. */
    int heapIndex = -1;

    Timer(TimerWheel wheel, String name, Runnable action) {
        this.wheel = wheel;
        this.name = name;
        this.action = action;
    }

    /**
     * (Re)arms this timer to fire at an absolute time, like {@code mod_timer()}. Re-arming a
     * pending timer moves it; the new arming counts as the latest for ordering among timers with
     * the same expiry. An expiry in the past makes the timer fire on the next
     * {@link TimerWheel#runExpired(long)}.
     *
     * @param expiresNanos absolute expiry, in the nanoseconds of the wheel's {@link Clock}
     */
    public void arm(long expiresNanos) {
        wheel.arm(this, expiresNanos);
    }

    /**
     * Arms this timer to fire {@code delayNanos} after the wheel's clock now reads: the same as
     * {@code arm(clock.nanos() + delayNanos)}, except that a sum past {@link Long#MAX_VALUE}
     * saturates to it (and one below {@link Long#MIN_VALUE} to that).
     *
     * @param delayNanos delay from now in nanoseconds; zero or negative means "already due"
     */
    public void armAfter(long delayNanos) {
        long now = wheel.clock().nanos();
        long at = now + delayNanos;
        // Overflow happened iff both operands have the sign opposite to the result.
        if (((now ^ at) & (delayNanos ^ at)) < 0) {
            at = delayNanos > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        wheel.arm(this, at);
    }

    /**
     * Cancels this timer, like {@code del_timer()}.
     *
     * @return {@code true} if the timer was pending (and now is not), {@code false} if it was not
     *     pending
     */
    public boolean cancel() {
        return wheel.cancel(this);
    }

    /**
     * Tells whether this timer is armed and has not fired or been cancelled since, like
     * {@code timer_pending()}. It is {@code false} while the timer's own action runs.
     *
     * @return {@code true} if the timer is pending
     */
    public boolean pending() {
        return location != NOWHERE;
    }

    /**
     * Returns the absolute expiry given to the last arming (0 if never armed). It stays readable
     * after the timer fired or was cancelled.
     *
     * @return the last armed expiry in nanoseconds
     */
    public long expires() {
        return expires;
    }

    /**
     * Returns the name given at creation, for debugging and printing.
     *
     * @return the timer's name
     */
    public String name() {
        return name;
    }

    /**
     * Describes this timer for debugging.
     *
     * @return the name, and the expiry if pending
     */
    @Override
    public String toString() {
        return pending() ? "Timer[" + name + " @" + expires + "ns]" : "Timer[" + name + " idle]";
    }
}
