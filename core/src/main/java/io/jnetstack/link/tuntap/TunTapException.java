package io.jnetstack.link.tuntap;

import java.io.IOException;

/**
 * A failed TUN/TAP operation, typed by the Linux {@code errno} that caused it.
 *
 * <p>The message is written for a person: it says which operation failed, on which interface, and,
 * for the usual causes (missing privileges, missing {@code tun} module, name already in use), what
 * to do about it. Code should branch on {@link #errno()} (compare with the constants of this class),
 * never on the message.
 *
 * <p>Errors detected before the kernel is asked (an interface name that is too long, a frame that
 * does not fit the native buffer, an operation on a closed file) carry the errno the kernel would
 * have used for the same mistake ({@link #EINVAL}, {@link #EMSGSIZE}, {@link #EBADF}). Running on a
 * platform that has no TUN/TAP driver is reported as {@link #ENOSYS}.
 *
 * <p>Errno values are the ones of the generic Linux ABI (x86-64, arm64, riscv64).
 */
public final class TunTapException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** Input/output error. */
    public static final int EIO = 5;
    /** No such device or address. */
    public static final int ENXIO = 6;
    /** Bad file descriptor (also used here for operations on a closed {@link TunTapFile}). */
    public static final int EBADF = 9;
    /** Resource temporarily unavailable. */
    public static final int EAGAIN = 11;
    /** Out of memory. */
    public static final int ENOMEM = 12;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** Bad address. */
    public static final int EFAULT = 14;
    /** Device or resource busy. */
    public static final int EBUSY = 16;
    /** File exists. */
    public static final int EEXIST = 17;
    /** No such device. */
    public static final int ENODEV = 19;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Too many open files in system. */
    public static final int ENFILE = 23;
    /** Too many open files. */
    public static final int EMFILE = 24;
    /** Inappropriate ioctl for device. */
    public static final int ENOTTY = 25;
    /** File name too long. */
    public static final int ENAMETOOLONG = 36;
    /** Function not implemented (also: no TUN/TAP support on this platform). */
    public static final int ENOSYS = 38;
    /** File descriptor in bad state (the TUN/TAP device behind the file is gone). */
    public static final int EBADFD = 77;
    /** Message too long. */
    public static final int EMSGSIZE = 90;
    /** Operation not supported. */
    public static final int EOPNOTSUPP = 95;
    /** Network is down. */
    public static final int ENETDOWN = 100;
    /** No buffer space available. */
    public static final int ENOBUFS = 105;

    /** The Linux error number. */
    private final int errno;

    /**
     * Creates an exception for {@code errno} with a complete, human-readable message.
     *
     * @param errno the Linux error number
     * @param message what failed and, when known, what to do about it
     */
    public TunTapException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    /**
     * Creates an exception for {@code errno} caused by another exception.
     *
     * @param errno the Linux error number
     * @param message what failed and, when known, what to do about it
     * @param cause the underlying exception
     */
    public TunTapException(int errno, String message, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    /**
     * Returns the Linux error number.
     *
     * @return the errno, for example {@link #EBUSY}
     */
    public int errno() {
        return errno;
    }

    /**
     * Returns the symbolic name of {@link #errno()}.
     *
     * @return for example {@code "EPERM"}, {@code "EBUSY"}; {@code "errno N"} for numbers this class
     *     does not name
     */
    public String errnoName() {
        return nameOf(errno);
    }

    /**
     * Returns the symbolic name of a Linux error number.
     *
     * @param errno the error number
     * @return for example {@code "EINVAL"}; {@code "errno N"} for numbers this class does not name
     */
    public static String nameOf(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case EIO -> "EIO";
            case ENXIO -> "ENXIO";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case ENODEV -> "ENODEV";
            case EINVAL -> "EINVAL";
            case ENFILE -> "ENFILE";
            case EMFILE -> "EMFILE";
            case ENOTTY -> "ENOTTY";
            case ENAMETOOLONG -> "ENAMETOOLONG";
            case ENOSYS -> "ENOSYS";
            case EBADFD -> "EBADFD";
            case EMSGSIZE -> "EMSGSIZE";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case ENETDOWN -> "ENETDOWN";
            case ENOBUFS -> "ENOBUFS";
            default -> "errno " + errno;
        };
    }

    /**
     * Returns a short English description of a Linux error number.
     *
     * @param errno the error number
     * @return for example {@code "device or resource busy"}
     */
    public static String describe(int errno) {
        return switch (errno) {
            case EPERM -> "operation not permitted";
            case ENOENT -> "no such file or directory";
            case EINTR -> "interrupted system call";
            case EIO -> "input/output error";
            case ENXIO -> "no such device or address";
            case EBADF -> "bad file descriptor";
            case EAGAIN -> "resource temporarily unavailable";
            case ENOMEM -> "out of memory";
            case EACCES -> "permission denied";
            case EFAULT -> "bad address";
            case EBUSY -> "device or resource busy";
            case EEXIST -> "file exists";
            case ENODEV -> "no such device";
            case EINVAL -> "invalid argument";
            case ENFILE -> "too many open files in system";
            case EMFILE -> "too many open files";
            case ENOTTY -> "inappropriate ioctl for device";
            case ENAMETOOLONG -> "file name too long";
            case ENOSYS -> "function not implemented";
            case EBADFD -> "file descriptor in bad state";
            case EMSGSIZE -> "message too long";
            case EOPNOTSUPP -> "operation not supported";
            case ENETDOWN -> "network is down";
            case ENOBUFS -> "no buffer space available";
            default -> "unknown error";
        };
    }
}
