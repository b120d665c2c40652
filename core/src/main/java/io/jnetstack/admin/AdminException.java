package io.jnetstack.admin;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.ipv4.fib.FibErrors;

/**
 * A command of an administration tool failed. Carries the errno (as every API failure of the
 * stack does), the text the Linux tool prints for this failure ({@code RTNETLINK answers: File
 * exists}, {@code Error: either "to" is duplicate, or "x" is a garbage.}) and the exit status it
 * returns (iproute2: 255 for a command line it cannot parse, 1 for a missing device, 2 when the
 * kernel refused the change).
 */
public final class AdminException extends ErrnoException {
    /** Exit status of iproute2 for a command line it cannot parse ({@code exit(-1)}). */
    public static final int SYNTAX = 255;
    /** Exit status of iproute2 when the kernel refused a request. */
    public static final int REFUSED = 2;
    /** Exit status of iproute2 for other failures (a missing device). */
    public static final int FAILED = 1;

    private final String output;
    private final int status;

    /**
     * A failure.
     *
     * @param errno  the Linux errno
     * @param output what the tool prints (one or more lines, without the final newline)
     * @param status the exit status
     */
    public AdminException(Errno errno, String output, int status) {
        super(errno, output);
        this.output = output;
        this.status = status;
    }

    /** What the tool prints for this failure, without the final newline. */
    public String output() {
        return output;
    }

    /** The tool's exit status. */
    public int status() {
        return status;
    }

    /** A command line that does not parse: {@code Error: MESSAGE}, status 255, EINVAL. */
    static AdminException syntax(String message) {
        return new AdminException(Errno.EINVAL, "Error: " + message, SYNTAX);
    }

    /** iproute2's answer to an argument it cannot place. */
    static AdminException garbage(String word) {
        return syntax("either \"to\" is duplicate, or \"" + word + "\" is a garbage.");
    }

    /** iproute2's answer to a bad value of a keyword. */
    static AdminException invalidArg(String what, String word) {
        return syntax("argument \"" + word + "\" is wrong: " + what);
    }

    /** A device that does not exist: {@code Cannot find device "X"}, status 1, ENODEV. */
    static AdminException noDevice(String name) {
        return new AdminException(Errno.ENODEV, "Cannot find device \"" + name + "\"", FAILED);
    }

    /** The kernel refused a request: {@code RTNETLINK answers: TEXT}, status 2. */
    static AdminException refused(ErrnoException e) {
        if (e instanceof AdminException a) {
            return a;
        }
        return new AdminException(e.errno(), "RTNETLINK answers: " + e.errno().text(), REFUSED);
    }

    /**
     * The kernel refused to delete a route that does not exist. Linux answers ESRCH ("No such
     * process"); {@link Errno} lacks it for now and the FIB reports {@link FibErrors#ESRCH}.
     */
    static AdminException refusedRouteDelete(ErrnoException e) {
        if (e.errno() == FibErrors.ESRCH) {
            Errno esrch = Errno.of(3);
            return new AdminException(e.errno(), "RTNETLINK answers: " + (esrch != null ? esrch.text() : "No such process"), REFUSED);
        }
        return refused(e);
    }
}
