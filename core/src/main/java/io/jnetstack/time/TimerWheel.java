package io.jnetstack.time;

import java.util.Arrays;
import java.util.Objects;

/**
 * A hierarchical timing wheel driven by a Clock. Not thread-safe: the owner serialises access.
 *
 * <p>Mirrors the kernel's timer base ({@code struct timer_base} in {@code kernel/time/timer.c})
 * with {@code mod_timer()}, {@code del_timer()} and {@code run_timers()}, but in the classic
 * cascading form rather than the kernel's current non-cascading one, because timers here must
 * fire at their exact nanosecond expiry, not at a rounded-up granule.
 *
 * <h2>Layout</h2>
 *
 * <p>Time is cut into ticks of 1024 ns ({@code nanos >> 10}). The wheel keeps a cursor
 * {@code clk}, a tick number, and 8 levels of 64 slots. Read a tick as
 * base-64 digits: digit 0 selects the slot on level 0, digit 1 on level 1, and so on, so a slot on
 * level {@code k} spans {@code 64^k} ticks (level 0: about 1 µs, level 3: about 0.27 s, level 7:
 * about 52 days). A timer whose tick is at or after {@code clk} sits on the level of the
 * <em>highest base-64 digit in which its tick differs from {@code clk}</em>, in the slot named by
 * its own digit there. So on level {@code k ≥ 1} a timer's digit is always greater than the
 * cursor's, and on level 0 it is at least the cursor's. Timers differing from {@code clk} above
 * the top level (more than a 2^58 ns span, about 9 years, away) wait in an overflow list.
 *
 * <p>Every slot is an intrusive doubly linked list threaded through the {@link Timer} objects, and
 * each level has a 64-bit occupancy mask, so arming and cancelling a timer in the wheel is O(1)
 * and never allocates. The first occupied slot is found with one {@code numberOfTrailingZeros} per
 * level; this is what lets the cursor jump over empty spans instead of stepping tick by tick.
 *
 * <h2>Moving the cursor</h2>
 *
 * <p>The cursor only moves forward, from one occupied slot's start to the next. Reaching the start
 * of an occupied slot on level {@code k ≥ 1} cascades it: its timers are placed again relative to
 * the new cursor and land on lower levels. Passing a level-0 slot (all of whose timers share one
 * tick) moves its timers into the <em>due heap</em>, a binary min-heap ordered by (expiry, arming
 * sequence). Timers are fired only from the heap, and only when their exact expiry is at or before
 * the time given to {@link #runExpired(long)}: never early, and in a deterministic total order.
 * A timer armed for a tick already behind the cursor goes straight into the heap.
 *
 * <p>{@link #nextExpiry()} must be exact. When the heap's minimum is not provably earlier than
 * every wheel slot, the first occupied slot is moved ("pulled") into the heap as a whole, without
 * moving the cursor; this repeats until the answer is exact. Every wheel slot covers a tick range
 * disjoint from and ordered against every other, so the minimum is always in the first one. Pulled
 * timers stay in the heap until they fire or are cancelled (O(log n) there), while later arming
 * still goes to the wheel in O(1).
 */
public final class TimerWheel {

    /** Most timers fired by one {@link #runExpired(long)} call, so self-re-arming actions cannot livelock it. */
    static final int MAX_FIRED_PER_RUN = 1_000_000;
    /** log2 of the tick length in nanoseconds. */
    static final int TICK_SHIFT = 10;
    /** log2 of {@link #SLOTS}. */
    static final int LEVEL_BITS = 6;
    /** Slots per level. */
    static final int SLOTS = 1 << LEVEL_BITS;
    /** Number of wheel levels; timers further away wait in the overflow list. */
    static final int LEVELS = 8;
    /** Index of the overflow list in {@link #heads}; also the "level" returned for it. */
    private static final int OVERFLOW = LEVELS * SLOTS;
    /** {@link Timer#location} of a timer in the due heap. */
    private static final int IN_HEAP = OVERFLOW + 1;
    /** Ticks spanned by the whole wheel (one slot of the imaginary level {@link #LEVELS}). */
    private static final long WHEEL_SPAN_MASK = (1L << (LEVELS * LEVEL_BITS)) - 1;
    private static final int INITIAL_HEAP_CAPACITY = 16;
    private static final int NONE = -1;

    private final Clock clock;
    /** List heads: {@code level * SLOTS + slot} for wheel slots, {@link #OVERFLOW} for overflow. */
    private final Timer[] heads = new Timer[OVERFLOW + 1];
    /** Per level, bit {@code s} set iff slot {@code s} is not empty. */
    private final long[] occupied = new long[LEVELS];
    /** The cursor, in ticks: every timer in the wheel or overflow has a tick at or after it. */
    private long clk;
    /** Lower bound of the first tick of the wheel span holding the earliest overflow timer. */
    private long overflowFloor = Long.MAX_VALUE;
    /** Due heap, ordered by (expires, seq); {@code heap[0]} is the minimum. */
    private Timer[] heap = new Timer[INITIAL_HEAP_CAPACITY];
    private int heapSize;
    private long armSequence;
    private int pending;
    private boolean running;

    /**
     * Creates an empty wheel whose cursor starts at the clock's current time.
     *
     * @param clock the time source used by {@link Timer#armAfter(long)}
     */
    public TimerWheel(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.clk = clock.nanos() >> TICK_SHIFT;
    }

    /**
     * Returns the clock this wheel was created with.
     *
     * @return the wheel's clock
     */
    public Clock clock() {
        return clock;
    }

    /**
     * Creates a timer bound to this wheel, not yet pending; like {@code timer_setup()}.
     *
     * @param name a name for debugging and printing
     * @param action what to run when the timer fires; it runs on the thread calling
     *     {@link #runExpired(long)}, with the timer already not pending
     * @return the new timer
     */
    public Timer newTimer(String name, Runnable action) {
        return new Timer(this, Objects.requireNonNull(name, "name"),
                Objects.requireNonNull(action, "action"));
    }

    /**
     * Fires, in order of (expiry, then arming order), every timer whose expiry {@code <= now};
     * returns how many fired. A timer armed by an action for a time {@code <= now} also fires in
     * this same call. To avoid livelock, at most 1,000,000 timers fire per call;
     * any still due stay pending for the next call.
     *
     * <p>Like the kernel's {@code run_timers()}. If an action throws, the exception propagates
     * and the remaining due timers stay pending, in a consistent wheel.
     *
     * @param now the current time in nanoseconds, normally {@code clock().nanos()}
     * @return the number of timers fired
     * @throws IllegalStateException if called from inside a timer action
     */
    public int runExpired(long now) {
        if (running) {
            throw new IllegalStateException("runExpired called from a timer action");
        }
        running = true;
        try {
            advanceCursor((now >> TICK_SHIFT) + 1);
            int fired = 0;
            while (fired < MAX_FIRED_PER_RUN && heapSize > 0 && heap[0].expires <= now) {
                Timer t = heap[0];
                heapRemoveAt(0);
                t.location = Timer.NOWHERE;
                pending--;
                fired++;
                t.action.run();
            }
            return fired;
        } finally {
            running = false;
        }
    }

    /**
     * Returns the earliest pending expiry, or Long.MAX_VALUE when none is pending (used to jump
     * virtual time when idle). The value is exact to the nanosecond. Note that a timer armed at
     * {@link Long#MAX_VALUE} is indistinguishable from none here; check {@link #pendingCount()}.
     *
     * @return the smallest {@link Timer#expires()} among pending timers, or
     *     {@link Long#MAX_VALUE}
     */
    public long nextExpiry() {
        while (true) {
            int level = firstOccupiedLevel();
            if (level == NONE) {
                return heapSize == 0 ? Long.MAX_VALUE : heap[0].expires;
            }
            if (heapSize > 0 && tickOf(heap[0]) < eventTick(level)) {
                return heap[0].expires;
            }
            drainToHeap(level); // "pull": the cursor does not move
        }
    }

    /**
     * Returns how many timers of this wheel are pending.
     *
     * @return the number of pending timers
     */
    public int pendingCount() {
        return pending;
    }

    /**
     * Describes this wheel for debugging.
     *
     * @return the cursor and pending count
     */
    @Override
    public String toString() {
        return "TimerWheel[clk=" + clk + " ticks, pending=" + pending + ", due=" + heapSize + "]";
    }

    // ---------------------------------------------------------------- arming and cancelling

    /** mod_timer(): remove if pending, stamp and place again. */
    void arm(Timer t, long expiresNanos) {
        if (t.location == Timer.NOWHERE) {
            pending++;
        } else {
            unlink(t);
        }
        t.expires = expiresNanos;
        t.seq = ++armSequence;
        place(t);
    }

    /** del_timer(). */
    boolean cancel(Timer t) {
        if (t.location == Timer.NOWHERE) {
            return false;
        }
        unlink(t);
        t.location = Timer.NOWHERE;
        pending--;
        return true;
    }

    /** Puts a timer that is in no list into the heap, a wheel slot or overflow, relative to clk. */
    private void place(Timer t) {
        long tick = tickOf(t);
        if (tick < clk) {
            heapAdd(t);
            return;
        }
        long diff = tick ^ clk;
        int level = diff == 0 ? 0 : (63 - Long.numberOfLeadingZeros(diff)) / LEVEL_BITS;
        if (level >= LEVELS) {
            overflowFloor = Math.min(overflowFloor, tick & ~WHEEL_SPAN_MASK);
            listAdd(OVERFLOW, t);
        } else {
            int slot = (int) (tick >>> (level * LEVEL_BITS)) & (SLOTS - 1);
            listAdd(level * SLOTS + slot, t);
        }
    }

    /** Takes a pending timer out of wherever it is; leaves {@code location} for the caller. */
    private void unlink(Timer t) {
        if (t.location == IN_HEAP) {
            heapRemoveAt(t.heapIndex);
        } else {
            listRemove(t);
        }
    }

    private static long tickOf(Timer t) {
        return t.expires >> TICK_SHIFT;
    }

    // ---------------------------------------------------------------- cursor movement

    /**
     * Moves the cursor forward to {@code target} (if behind it), so that afterwards every timer
     * whose tick is before {@code target} is in the heap. Jumps from one occupied slot to the next,
     * cascading or draining each on the way; empty spans cost nothing.
     */
    private void advanceCursor(long target) {
        while (true) {
            int level = firstOccupiedLevel();
            if (level == NONE) {
                break;
            }
            long at = eventTick(level);
            // A level-0 slot at the target itself holds timers not yet due: it may stay. A higher
            // slot starting exactly at the target must cascade, or clk would equal its digit.
            if (at > target || (at == target && level == 0)) {
                break;
            }
            if (at < clk) {
                throw new IllegalStateException("timer wheel corrupted: event " + at + " < clk " + clk);
            }
            clk = at;
            if (level == 0) {
                clk = at + 1;
                drainToHeap(level);
            } else {
                cascade(level);
            }
        }
        if (clk < target) {
            clk = target;
        }
    }

    /**
     * The lowest level with an occupied slot, {@link #OVERFLOW} if only the overflow list has
     * timers, or {@link #NONE}. Lower levels always hold earlier ticks than higher ones.
     */
    private int firstOccupiedLevel() {
        for (int level = 0; level < LEVELS; level++) {
            if (occupied[level] != 0) {
                return level;
            }
        }
        return heads[OVERFLOW] != null ? OVERFLOW : NONE;
    }

    /** First tick of the first occupied slot of {@code level} (for overflow: a lower bound). */
    private long eventTick(int level) {
        if (level == OVERFLOW) {
            return overflowFloor;
        }
        int shift = level * LEVEL_BITS;
        long slot = Long.numberOfTrailingZeros(occupied[level]);
        long above = clk & ~((1L << (shift + LEVEL_BITS)) - 1);
        return above | (slot << shift);
    }

    /** Index in {@link #heads} of the first occupied slot of {@code level}. */
    private int firstSlotIndex(int level) {
        return level == OVERFLOW ? OVERFLOW
                : level * SLOTS + Long.numberOfTrailingZeros(occupied[level]);
    }

    /** clk has reached the start of the first slot of {@code level}: re-place its timers lower. */
    private void cascade(int level) {
        Timer t = detach(firstSlotIndex(level));
        while (t != null) {
            Timer next = t.next;
            t.prev = null;
            t.next = null;
            place(t);
            t = next;
        }
    }

    /** Moves every timer of the first slot of {@code level} into the due heap. */
    private void drainToHeap(int level) {
        Timer t = detach(firstSlotIndex(level));
        while (t != null) {
            Timer next = t.next;
            t.prev = null;
            t.next = null;
            heapAdd(t);
            t = next;
        }
    }

    // ---------------------------------------------------------------- slot lists

    private void listAdd(int index, Timer t) {
        Timer head = heads[index];
        t.prev = null;
        t.next = head;
        if (head != null) {
            head.prev = t;
        }
        heads[index] = t;
        t.location = index;
        if (index < OVERFLOW) {
            occupied[index >>> LEVEL_BITS] |= 1L << (index & (SLOTS - 1));
        }
    }

    private void listRemove(Timer t) {
        int index = t.location;
        Timer p = t.prev;
        Timer n = t.next;
        if (p != null) {
            p.next = n;
        } else {
            heads[index] = n;
        }
        if (n != null) {
            n.prev = p;
        }
        t.prev = null;
        t.next = null;
        if (heads[index] == null) {
            markEmpty(index);
        }
    }

    /** Empties list {@code index} and returns its former head (the chain stays linked). */
    private Timer detach(int index) {
        Timer head = heads[index];
        heads[index] = null;
        markEmpty(index);
        return head;
    }

    private void markEmpty(int index) {
        if (index < OVERFLOW) {
            occupied[index >>> LEVEL_BITS] &= ~(1L << (index & (SLOTS - 1)));
        } else {
            overflowFloor = Long.MAX_VALUE;
        }
    }

    // ---------------------------------------------------------------- due heap

    /** Strict (expires, seq) order; seq is unique, so this is a total order. */
    private static boolean before(Timer a, Timer b) {
        return a.expires < b.expires || (a.expires == b.expires && a.seq < b.seq);
    }

    private void heapAdd(Timer t) {
        if (heapSize == heap.length) {
            heap = Arrays.copyOf(heap, heapSize * 2);
        }
        t.location = IN_HEAP;
        siftUp(heapSize++, t);
    }

    private void heapRemoveAt(int index) {
        Timer removed = heap[index];
        int last = --heapSize;
        Timer moved = heap[last];
        heap[last] = null;
        if (index != last) {
            siftDown(index, moved);
            if (heap[index] == moved) {
                siftUp(index, moved);
            }
        }
        removed.heapIndex = -1;
    }

    private void siftUp(int index, Timer t) {
        int i = index;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Timer p = heap[parent];
            if (!before(t, p)) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int index, Timer t) {
        int i = index;
        int half = heapSize >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Timer c = heap[child];
            int right = child + 1;
            if (right < heapSize && before(heap[right], c)) {
                child = right;
                c = heap[right];
            }
            if (!before(c, t)) {
                break;
            }
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    // ---------------------------------------------------------------- self-check for tests

    /**
     * Verifies the internal invariants and throws {@link AssertionError} on the first violation.
     * For tests; O(pending).
     */
    void checkInvariants() {
        int counted = 0;
        for (int index = 0; index <= OVERFLOW; index++) {
            boolean nonEmpty = heads[index] != null;
            if (index < OVERFLOW) {
                boolean marked = (occupied[index >>> LEVEL_BITS] & (1L << (index & (SLOTS - 1)))) != 0;
                check(marked == nonEmpty, "occupancy bit of list " + index);
            }
            Timer prev = null;
            for (Timer t = heads[index]; t != null; t = t.next) {
                check(t.prev == prev, "back link in list " + index);
                check(t.location == index, "location of " + t);
                checkPlacement(t, index);
                prev = t;
                counted++;
            }
        }
        for (int i = 0; i < heapSize; i++) {
            Timer t = heap[i];
            check(t.location == IN_HEAP && t.heapIndex == i, "heap slot " + i);
            check(i == 0 || !before(t, heap[(i - 1) >>> 1]), "heap order at " + i);
            counted++;
        }
        check(counted == pending, "pending count " + pending + " vs " + counted);
    }

    private void checkPlacement(Timer t, int index) {
        long tick = tickOf(t);
        check(tick >= clk, "tick behind clk: " + t);
        long diff = tick ^ clk;
        int level = diff == 0 ? 0 : (63 - Long.numberOfLeadingZeros(diff)) / LEVEL_BITS;
        if (index == OVERFLOW) {
            check(level >= LEVELS, "overflow timer fits the wheel: " + t);
            check((tick & ~WHEEL_SPAN_MASK) >= overflowFloor, "overflow floor above " + t);
        } else {
            int slot = (int) (tick >>> (level * LEVEL_BITS)) & (SLOTS - 1);
            check(index == level * SLOTS + slot, "slot of " + t);
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("timer wheel invariant broken: " + what);
        }
    }
}
