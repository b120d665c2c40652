package io.jnetstack.ipv4.fib;

import io.jnetstack.core.Errno;

/** Errors of the FIB that {@link Errno} does not name yet. */
public final class FibErrors {
    private FibErrors() {}

    /**
     * What deleting a route that does not exist fails with. Linux answers ESRCH (3, "No such
     * process"), which {@link Errno} lacks for now; until it gains it this is ENOENT, and it
     * becomes ESRCH by itself once {@code Errno.of(3)} exists.
     */
    public static final Errno ESRCH = Errno.of(3) != null ? Errno.of(3) : Errno.ENOENT;
}
