package io.jnetstack.link.tuntap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The handful of libc calls TUN/TAP needs, bound with the Foreign Function &amp; Memory API.
 *
 * <p>Every call captures {@code errno} into a caller-supplied segment laid out as {@link #CAPTURE};
 * the caller reads it back with {@link #errno(MemorySegment)} right after a failing call. Using a
 * capture segment (and not a later call to some {@code __errno_location}) is what makes the value
 * reliable: the JVM itself may run native code between two Java-level calls.
 *
 * <p>This class is initialised lazily, only after {@link TunTapFile} has checked that it runs on a
 * supported Linux, so that merely loading {@code TunTapFile} on another platform does not fail.
 * Constants are those of the generic Linux ABI used by x86-64, arm64 and riscv64.
 */
final class LibC {

    /** {@code open(2)} flag: read and write. */
    static final int O_RDWR = 0x2;
    /** {@code open(2)} flag: non-blocking; also {@code EFD_NONBLOCK}. */
    static final int O_NONBLOCK = 0x800;
    /** {@code open(2)} flag: close on exec; also {@code EFD_CLOEXEC}. */
    static final int O_CLOEXEC = 0x80000;

    /** {@code poll(2)}: data to read. */
    static final short POLLIN = 0x001;
    /** {@code poll(2)}: writing will not block. */
    static final short POLLOUT = 0x004;
    /** {@code poll(2)}: error condition. */
    static final short POLLERR = 0x008;
    /** {@code poll(2)}: hang up. */
    static final short POLLHUP = 0x010;
    /** {@code poll(2)}: invalid descriptor. */
    static final short POLLNVAL = 0x020;

    /** Size of {@code struct pollfd}: {@code int fd; short events; short revents;}. */
    static final long POLLFD_SIZE = 8;
    /** Offset of {@code events} in {@code struct pollfd}. */
    static final long POLLFD_EVENTS = 4;
    /** Offset of {@code revents} in {@code struct pollfd}. */
    static final long POLLFD_REVENTS = 6;

    /** Layout of the segment that receives {@code errno} after each call. */
    static final StructLayout CAPTURE = Linker.Option.captureStateLayout();

    private static final VarHandle ERRNO =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final Linker LINKER = Linker.nativeLinker();

    // int open(const char *path, int flags, ... /* mode_t mode */);
    private static final MethodHandle OPEN = bind("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 2);
    // int ioctl(int fd, unsigned long request, ... /* void *argp */);
    private static final MethodHandle IOCTL_PTR = bind("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), 2);
    // int ioctl(int fd, unsigned long request, ... /* unsigned long arg */);
    private static final MethodHandle IOCTL_VAL = bind("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), 2);
    // ssize_t read(int fd, void *buf, size_t count);
    private static final MethodHandle READ = bind("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1);
    // ssize_t write(int fd, const void *buf, size_t count);
    private static final MethodHandle WRITE = bind("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1);
    // read(2) and write(2) on a Java array, bound as critical functions with heap access: the
    // kernel copies straight to or from the array, with no native buffer and no second copy in
    // between. Only for descriptors opened O_NONBLOCK, so that the call never waits (a critical
    // call holds off the garbage collector while it runs).
    private static final MethodHandle READ_ARRAY = bindCritical("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE_ARRAY = bindCritical("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    // int close(int fd);
    private static final MethodHandle CLOSE = bind("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), -1);
    // int poll(struct pollfd *fds, nfds_t nfds, int timeout);
    private static final MethodHandle POLL = bind("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), -1);
    // int eventfd(unsigned int initval, int flags);
    private static final MethodHandle EVENTFD = bind("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), -1);

    private LibC() {
    }

    // Linker.downcallHandle is a restricted method: the JVM needs --enable-native-access.
    @SuppressWarnings("restricted")
    private static MethodHandle bind(String symbol, FunctionDescriptor fd, int firstVariadic) {
        MemorySegment address = LINKER.defaultLookup().find(symbol).orElseThrow(
                () -> new UnsatisfiedLinkError("libc symbol not found: " + symbol));
        Linker.Option capture = Linker.Option.captureCallState("errno");
        return firstVariadic < 0
                ? LINKER.downcallHandle(address, fd, capture)
                : LINKER.downcallHandle(address, fd, capture, Linker.Option.firstVariadicArg(firstVariadic));
    }

    @SuppressWarnings("restricted")
    private static MethodHandle bindCritical(String symbol, FunctionDescriptor fd) {
        MemorySegment address = LINKER.defaultLookup().find(symbol).orElseThrow(
                () -> new UnsatisfiedLinkError("libc symbol not found: " + symbol));
        return LINKER.downcallHandle(address, fd, Linker.Option.captureCallState("errno"),
                Linker.Option.critical(true));
    }

    /** Forces initialisation; throws if libc cannot be bound. */
    static void load() {
        // Touching a static field is enough; the initializer does the work.
        if (CAPTURE.byteSize() <= 0) {
            throw new IllegalStateException("empty call-state layout");
        }
    }

    /** Returns the {@code errno} captured by the last call that used {@code state}. */
    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    static int open(MemorySegment state, MemorySegment path, int flags) {
        try {
            return (int) OPEN.invokeExact(state, path, flags, 0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int ioctl(MemorySegment state, int fd, long request, MemorySegment arg) {
        try {
            return (int) IOCTL_PTR.invokeExact(state, fd, request, arg);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int ioctl(MemorySegment state, int fd, long request, long arg) {
        try {
            return (int) IOCTL_VAL.invokeExact(state, fd, request, arg);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long read(MemorySegment state, int fd, MemorySegment buf, long count) {
        try {
            return (long) READ.invokeExact(state, fd, buf, count);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long write(MemorySegment state, int fd, MemorySegment buf, long count) {
        try {
            return (long) WRITE.invokeExact(state, fd, buf, count);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code read(fd, buf + off, len)} into a Java array; {@code fd} must be non-blocking. */
    static long readArray(MemorySegment state, int fd, byte[] buf, int off, int len) {
        try {
            return (long) READ_ARRAY.invokeExact(state, fd, MemorySegment.ofArray(buf).asSlice(off, len), (long) len);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code write(fd, buf + off, len)} from a Java array; {@code fd} must be non-blocking. */
    static long writeArray(MemorySegment state, int fd, byte[] buf, int off, int len) {
        try {
            return (long) WRITE_ARRAY.invokeExact(state, fd, MemorySegment.ofArray(buf).asSlice(off, len), (long) len);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int close(MemorySegment state, int fd) {
        try {
            return (int) CLOSE.invokeExact(state, fd);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int poll(MemorySegment state, MemorySegment fds, long nfds, int timeoutMillis) {
        try {
            return (int) POLL.invokeExact(state, fds, nfds, timeoutMillis);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int eventfd(MemorySegment state, int initval, int flags) {
        try {
            return (int) EVENTFD.invokeExact(state, initval, flags);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
