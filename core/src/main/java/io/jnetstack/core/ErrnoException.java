package io.jnetstack.core;

/**
 * An API call failed the way the Linux call would, with that errno. The message says what
 * went wrong and what to do about it.
 */
public class ErrnoException extends RuntimeException {
    private final Errno errno;

    /** A failure with {@code errno} and a message a user can act on. */
    public ErrnoException(Errno errno, String message) {
        super(errno.name() + " (" + errno.text() + "): " + message);
        this.errno = errno;
    }

    /** The Linux errno. */
    public Errno errno() {
        return errno;
    }
}
