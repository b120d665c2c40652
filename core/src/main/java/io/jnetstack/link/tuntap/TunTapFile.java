package io.jnetstack.link.tuntap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A low-level handle on one queue of a Linux TUN/TAP interface: the file descriptor you get by
 * opening {@code /dev/net/tun} and binding it to an interface with the {@code TUNSETIFF} ioctl
 * (see the kernel's {@code Documentation/networking/tuntap.rst}).
 *
 * <p>What the kernel transmits on the interface is {@link #read read} here, one frame per call;
 * what is {@link #write written} here, one frame per call, the kernel receives as if it had
 * arrived on the wire. In {@link Mode#TAP} mode a frame is an Ethernet frame (destination MAC,
 * source MAC, EtherType, payload, no FCS); in {@link Mode#TUN} mode it is a bare IPv4 or IPv6
 * packet. The file is always opened with {@code IFF_NO_PI}, so there is no 4-byte packet-info
 * prefix. With {@code vnetHdr} ({@code IFF_VNET_HDR}) every frame, in both directions, starts
 * with a {@code struct virtio_net_hdr} (10 bytes unless changed with {@link #setVnetHdrSize}).
 *
 * <p><b>Memory.</b> Frames move between the kernel and the caller's {@code byte[]} with no copy
 * on the Java side: {@code read(2)} and {@code write(2)} are bound as critical functions with heap
 * access, so the kernel copies straight into or out of the array (safe because the descriptor is
 * non-blocking: such a call never waits). Only a read into less than {@link #MAX_FRAME} bytes
 * goes through a native buffer, so that an oversized frame is reported instead of cut. The
 * handle owns one shared {@link Arena}; nothing is allocated per frame.
 *
 * <p><b>Threads.</b> One thread may read while another writes; concurrent reads (and concurrent
 * writes) are serialised. A blocked native call pins the calling thread (also a virtual thread's
 * carrier) and does not react to {@link Thread#interrupt()}: stop a reader with {@link #close()}
 * or by reading with a timeout.
 *
 * <p><b>Closing.</b> The descriptor is non-blocking; waiting is done with {@code poll(2)} on the
 * TUN/TAP descriptor together with an {@code eventfd(2)} that {@link #close()} signals. A reader
 * blocked in {@link #read(byte[], int, int)} therefore wakes up as soon as the file is closed and
 * gets a {@link TunTapException} with {@link TunTapException#EBADF}. A reader loop that prefers to
 * poll a shutdown flag of its own uses {@link #read(byte[], int, int, long)}, which returns
 * {@code -1} when the timeout expires. {@code close()} waits for a read or write in progress to
 * return before it releases the descriptor and the native memory, so a descriptor number is never
 * reused under a running call.
 *
 * <p>Unless the interface was made persistent ({@link #setPersistent}), closing the last queue
 * deletes the interface. Instances must be closed; there is no finalizer.
 */
public final class TunTapFile implements AutoCloseable {

    /** The kind of interface: Ethernet frames (TAP) or IP packets (TUN). */
    public enum Mode {
        /** A layer-2 interface ({@code IFF_TAP}): frames are Ethernet frames without FCS. */
        TAP(IFF_TAP),
        /** A layer-3 interface ({@code IFF_TUN}): frames are bare IPv4 or IPv6 packets. */
        TUN(IFF_TUN);

        private final short flag;

        Mode(int flag) {
            this.flag = (short) flag;
        }
    }

    /** Maximum length of an interface name in bytes, without the terminating NUL. */
    public static final int MAX_NAME_LENGTH = 15;

    /**
     * Size of the native read and write buffers: the largest frame this class reads or writes,
     * including a virtio-net header. Covers a 64 KiB GSO frame plus its headers.
     */
    public static final int BUFFER_SIZE = 65536 + 512;
    /**
     * The longest frame the kernel hands over: a 64 KiB IP packet with Ethernet, VLAN and
     * virtio-net headers. A read offering at least this much room goes straight into the array.
     */
    public static final int MAX_FRAME = 65535 + 64;

    /** {@code TUNSETOFFLOAD} flag: the reader handles partial checksums. */
    public static final int TUN_F_CSUM = 0x01;
    /** {@code TUNSETOFFLOAD} flag: the reader handles TSO for IPv4. */
    public static final int TUN_F_TSO4 = 0x02;
    /** {@code TUNSETOFFLOAD} flag: the reader handles TSO for IPv6. */
    public static final int TUN_F_TSO6 = 0x04;
    /** {@code TUNSETOFFLOAD} flag: the reader handles TSO with ECN bits. */
    public static final int TUN_F_TSO_ECN = 0x08;
    /** {@code TUNSETOFFLOAD} flag: the reader handles UDP fragmentation offload. */
    public static final int TUN_F_UFO = 0x10;
    /** {@code TUNSETOFFLOAD} flag: the reader handles UDP segmentation offload for IPv4. */
    public static final int TUN_F_USO4 = 0x20;
    /** {@code TUNSETOFFLOAD} flag: the reader handles UDP segmentation offload for IPv6. */
    public static final int TUN_F_USO6 = 0x40;

    // <linux/if_tun.h>
    static final int IFF_TUN = 0x0001;
    static final int IFF_TAP = 0x0002;
    static final int IFF_MULTI_QUEUE = 0x0100;
    static final int IFF_NO_PI = 0x1000;
    static final int IFF_VNET_HDR = 0x4000;
    static final long TUNSETIFF = 0x400454caL;      // _IOW('T', 202, int)
    static final long TUNSETPERSIST = 0x400454cbL;  // _IOW('T', 203, int)
    static final long TUNSETOFFLOAD = 0x400454d0L;  // _IOW('T', 208, unsigned int)
    static final long TUNSETVNETHDRSZ = 0x400454d8L; // _IOW('T', 216, int)

    // struct ifreq { char ifr_name[IFNAMSIZ]; union { short ifr_flags; ... }; } is 40 bytes.
    static final int IFNAMSIZ = 16;
    static final long IFREQ_SIZE = 40;
    static final long IFR_FLAGS_OFFSET = 16;

    private static final String DEVICE = "/dev/net/tun";
    private static final String NEED_PRIVILEGE =
            "opening /dev/net/tun needs root or CAP_NET_ADMIN (run as root or grant the capability)";
    private static final String NEED_MODULE = "/dev/net/tun missing: load the tun module (modprobe tun)"
            + " or create the node (mknod /dev/net/tun c 10 200)";

    private final String name;
    private final Mode mode;
    private final boolean vnetHdr;
    private final boolean multiQueue;
    private final int fd;
    private final int wakeFd;
    private final Arena arena;

    private final ReentrantLock readLock = new ReentrantLock();
    private final MemorySegment readBuf;
    private final MemorySegment readPoll;
    private final MemorySegment readState;

    private final ReentrantLock writeLock = new ReentrantLock();
    private final MemorySegment writePoll;
    private final MemorySegment writeState;

    private final ReentrantLock controlLock = new ReentrantLock();
    private final MemorySegment controlBuf;
    private final MemorySegment controlState;

    private final AtomicBoolean closed = new AtomicBoolean();

    private TunTapFile(String name, Mode mode, boolean vnetHdr, boolean multiQueue, int fd, int wakeFd,
            Arena arena, MemorySegment controlBuf, MemorySegment controlState) {
        this.name = name;
        this.mode = mode;
        this.vnetHdr = vnetHdr;
        this.multiQueue = multiQueue;
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.arena = arena;
        this.controlBuf = controlBuf;
        this.controlState = controlState;
        this.readBuf = arena.allocate(BUFFER_SIZE, 64);
        // The segments every read and write passes come from automatic arenas: a call with a
        // segment of a shared arena acquires and releases its session (an atomic update), and
        // a reader and a writer on two threads made that one contended cache line per frame.
        Arena hot = Arena.ofAuto();
        this.readPoll = pollSet(hot, fd, LibC.POLLIN, wakeFd);
        this.readState = hot.allocate(LibC.CAPTURE);
        this.writePoll = pollSet(Arena.ofAuto(), fd, LibC.POLLOUT, wakeFd);
        this.writeState = Arena.ofAuto().allocate(LibC.CAPTURE);
    }

    /** Two {@code struct pollfd}: the TUN/TAP descriptor, then the close-wakeup eventfd. */
    private static MemorySegment pollSet(Arena arena, int fd, short events, int wakeFd) {
        MemorySegment set = arena.allocate(2 * LibC.POLLFD_SIZE, 8);
        set.set(JAVA_INT, 0, fd);
        set.set(JAVA_SHORT, LibC.POLLFD_EVENTS, events);
        set.set(JAVA_INT, LibC.POLLFD_SIZE, wakeFd);
        set.set(JAVA_SHORT, LibC.POLLFD_SIZE + LibC.POLLFD_EVENTS, LibC.POLLIN);
        return set;
    }

    /**
     * Opens {@code /dev/net/tun} and attaches to interface {@code name}, creating it if it does not
     * exist, with {@code IFF_NO_PI} (and {@code IFF_VNET_HDR} if {@code vnetHdr}).
     *
     * <p>A new interface is created in the caller's network namespace, down and without addresses.
     * Moving it to another namespace ({@code ip link set NAME netns NS}) keeps this handle working.
     *
     * @param name the interface name, at most {@value #MAX_NAME_LENGTH} bytes of printable ASCII
     *     without {@code '/'}, {@code ':'} or spaces; may contain one {@code %d} that the kernel
     *     replaces with a number; {@code null} or empty lets the kernel choose ({@code tap%d} or
     *     {@code tun%d}). {@link #name()} returns the name actually assigned
     * @param mode {@link Mode#TAP} for Ethernet frames, {@link Mode#TUN} for IP packets
     * @param vnetHdr whether every frame carries a virtio-net header
     * @return the open queue
     * @throws TunTapException {@link TunTapException#EINVAL} for an invalid name (checked before
     *     the kernel is called) or an existing interface of another kind, {@link
     *     TunTapException#EPERM}/{@link TunTapException#EACCES} without privileges, {@link
     *     TunTapException#ENOENT} without the {@code tun} driver, {@link TunTapException#EBUSY}
     *     when the interface is already attached to another file, {@link TunTapException#ENOSYS}
     *     on a platform without TUN/TAP
     */
    public static TunTapFile open(String name, Mode mode, boolean vnetHdr) throws TunTapException {
        return open(name, mode, vnetHdr, false);
    }

    /**
     * Like {@link #open(String, Mode, boolean)}, optionally as one queue of a multi-queue
     * interface ({@code IFF_MULTI_QUEUE}): each call with the same name then attaches one more
     * queue, and the kernel spreads transmitted frames across the queues.
     *
     * @param name the interface name, see {@link #open(String, Mode, boolean)}
     * @param mode {@link Mode#TAP} or {@link Mode#TUN}
     * @param vnetHdr whether every frame carries a virtio-net header
     * @param multiQueue whether to set {@code IFF_MULTI_QUEUE}
     * @return the open queue
     * @throws TunTapException as for {@link #open(String, Mode, boolean)}
     */
    public static TunTapFile open(String name, Mode mode, boolean vnetHdr, boolean multiQueue)
            throws TunTapException {
        Objects.requireNonNull(mode, "mode");
        byte[] nameBytes = checkName(name == null ? "" : name);
        checkPlatform();
        try {
            LibC.load();
        } catch (LinkageError | RuntimeException e) {
            throw new TunTapException(TunTapException.ENOSYS, "cannot bind libc through the Foreign Function"
                    + " & Memory API (" + e + "); run the JVM with --enable-native-access=ALL-UNNAMED", e);
        }
        short flags = (short) (mode.flag | IFF_NO_PI | (vnetHdr ? IFF_VNET_HDR : 0)
                | (multiQueue ? IFF_MULTI_QUEUE : 0));
        String requested = nameBytes.length == 0 ? mode.name().toLowerCase(Locale.ROOT) + "%d" : name;

        Arena arena = Arena.ofShared();
        int fd = -1;
        int wakeFd = -1;
        boolean done = false;
        try {
            MemorySegment state = arena.allocate(LibC.CAPTURE);
            MemorySegment control = arena.allocate(IFREQ_SIZE, 8);
            fd = LibC.open(state, arena.allocateFrom(DEVICE), LibC.O_RDWR | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
            if (fd < 0) {
                throw openError(LibC.errno(state));
            }
            MemorySegment.copy(nameBytes, 0, control, JAVA_BYTE, 0, nameBytes.length);
            control.set(JAVA_SHORT, IFR_FLAGS_OFFSET, flags);
            if (LibC.ioctl(state, fd, TUNSETIFF, control) < 0) {
                throw attachError(LibC.errno(state), requested, mode, vnetHdr, multiQueue);
            }
            String assigned = readName(control);
            wakeFd = LibC.eventfd(state, 0, LibC.O_CLOEXEC | LibC.O_NONBLOCK);
            if (wakeFd < 0) {
                int errno = LibC.errno(state);
                throw new TunTapException(errno, "eventfd() for " + describe(mode, assigned) + " failed: "
                        + TunTapException.describe(errno) + " (" + TunTapException.nameOf(errno) + ")");
            }
            TunTapFile file = new TunTapFile(assigned, mode, vnetHdr, multiQueue, fd, wakeFd, arena,
                    control, state);
            done = true;
            return file;
        } finally {
            if (!done) {
                MemorySegment state = arena.allocate(LibC.CAPTURE);
                if (wakeFd >= 0) {
                    LibC.close(state, wakeFd);
                }
                if (fd >= 0) {
                    LibC.close(state, fd);
                }
                arena.close();
            }
        }
    }

    /** Returns the bytes of a valid interface name (empty for "let the kernel choose") or throws EINVAL. */
    static byte[] checkName(String name) throws TunTapException {
        if (name.isEmpty()) {
            return new byte[0];
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '/' || c == ':') {
                throw new TunTapException(TunTapException.EINVAL, "invalid interface name '" + name
                        + "': use printable ASCII without '/', ':' or spaces (character at index " + i
                        + " is not allowed)");
            }
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new TunTapException(TunTapException.EINVAL, "interface name '" + name + "' is "
                    + name.length() + " bytes long; Linux interface names are at most " + MAX_NAME_LENGTH
                    + " bytes (IFNAMSIZ " + IFNAMSIZ + " including the terminating NUL)");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new TunTapException(TunTapException.EINVAL,
                    "invalid interface name '" + name + "': '.' and '..' are not allowed");
        }
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    private static void checkPlatform() throws TunTapException {
        String os = System.getProperty("os.name", "?");
        String arch = System.getProperty("os.arch", "?");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new TunTapException(TunTapException.ENOSYS,
                    "TUN/TAP needs Linux (/dev/net/tun); this JVM runs on " + os + " " + arch);
        }
        switch (arch) {
            case "amd64", "x86_64", "aarch64", "riscv64" -> {
                // Generic Linux ABI: the ioctl numbers, flags and errno values above apply.
            }
            default -> throw new TunTapException(TunTapException.ENOSYS, "TUN/TAP support is built for 64-bit"
                    + " Linux on amd64, aarch64 and riscv64 (whose ioctl and errno numbers it uses); this is "
                    + os + " " + arch);
        }
    }

    private static String readName(MemorySegment ifreq) {
        byte[] bytes = new byte[IFNAMSIZ];
        MemorySegment.copy(ifreq, JAVA_BYTE, 0, bytes, 0, IFNAMSIZ);
        int len = 0;
        while (len < IFNAMSIZ && bytes[len] != 0) {
            len++;
        }
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
    }

    private static TunTapException openError(int errno) {
        String what = switch (errno) {
            case TunTapException.EPERM, TunTapException.EACCES -> NEED_PRIVILEGE;
            case TunTapException.ENOENT, TunTapException.ENODEV, TunTapException.ENXIO -> NEED_MODULE;
            case TunTapException.EMFILE, TunTapException.ENFILE ->
                "cannot open /dev/net/tun: too many open files (close some, or raise the limit with ulimit -n)";
            default -> "cannot open /dev/net/tun: " + TunTapException.describe(errno);
        };
        return new TunTapException(errno, what + " [" + TunTapException.nameOf(errno) + "]");
    }

    private static TunTapException attachError(int errno, String name, Mode mode, boolean vnetHdr,
            boolean multiQueue) {
        String it = describe(mode, name);
        String what = switch (errno) {
            case TunTapException.EPERM, TunTapException.EACCES -> NEED_PRIVILEGE
                    + "; creating or attaching " + it + " was refused";
            case TunTapException.EBUSY -> it + " is already in use: another file (process) is attached to it"
                    + (multiQueue ? " without multi-queue, or it has no free queue"
                            : "; close that one, choose another name, or use multi-queue on both sides");
            case TunTapException.EINVAL -> "cannot attach as " + it + ": an interface named '" + name
                    + "' exists but is not a " + mode + " device with flags matching this request ("
                    + (vnetHdr ? "vnet header, " : "") + (multiQueue ? "multi-queue" : "single queue")
                    + "); it may be a " + (mode == Mode.TAP ? "TUN" : "TAP") + " device or not a TUN/TAP"
                    + " device at all, or the name is not acceptable to the kernel";
            case TunTapException.ENOMEM, TunTapException.ENOBUFS -> "the kernel is out of memory creating " + it;
            default -> "TUNSETIFF for " + it + " failed: " + TunTapException.describe(errno);
        };
        return new TunTapException(errno, what + " [" + TunTapException.nameOf(errno) + "]");
    }

    private static String describe(Mode mode, String name) {
        return mode + " interface '" + name + "'";
    }

    /**
     * Returns the interface name the kernel assigned.
     *
     * @return the name, for example {@code "tap0"} when opened with {@code "tap%d"}
     */
    public String name() {
        return name;
    }

    /**
     * Returns the mode this file was opened with.
     *
     * @return {@link Mode#TAP} or {@link Mode#TUN}
     */
    public Mode mode() {
        return mode;
    }

    /**
     * Returns whether frames carry a virtio-net header ({@code IFF_VNET_HDR}).
     *
     * @return {@code true} if opened with {@code vnetHdr}
     */
    public boolean vnetHdr() {
        return vnetHdr;
    }

    /**
     * Returns whether this file is one queue of a multi-queue interface.
     *
     * @return {@code true} if opened with {@code IFF_MULTI_QUEUE}
     */
    public boolean multiQueue() {
        return multiQueue;
    }

    /**
     * Returns whether {@link #close()} has not been called yet.
     *
     * <p>An open file may still fail with {@link TunTapException#EBADFD} if the interface was
     * deleted underneath it.
     *
     * @return {@code true} until {@code close()} is called
     */
    public boolean isOpen() {
        return !closed.get();
    }

    /**
     * Reads the next frame the kernel transmitted on the interface, waiting as long as needed.
     *
     * @param buf the destination
     * @param off where the frame starts in {@code buf}
     * @param len room in {@code buf}; a frame longer than this is dropped and reported with
     *     {@link TunTapException#EMSGSIZE} (a buffer of {@link #BUFFER_SIZE} bytes never is)
     * @return the frame length, {@code 0} or more
     * @throws TunTapException {@link TunTapException#EBADF} once this file is closed (also when it
     *     is closed while waiting), {@link TunTapException#EBADFD} if the interface was deleted, or
     *     another error from {@code read(2)}
     */
    public int read(byte[] buf, int off, int len) throws TunTapException {
        Objects.checkFromIndexSize(off, len, buf.length);
        readLock.lock();
        try {
            return readLocked(buf, off, len, -1);
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Reads the next frame, waiting at most {@code timeoutMillis}; lets a reader loop check a
     * shutdown flag of its own between frames.
     *
     * @param buf the destination
     * @param off where the frame starts in {@code buf}
     * @param len room in {@code buf}, see {@link #read(byte[], int, int)}
     * @param timeoutMillis how long to wait, {@code 0} to only take a frame already queued
     * @return the frame length, or {@code -1} if no frame arrived in time
     * @throws TunTapException as for {@link #read(byte[], int, int)}
     * @throws IllegalArgumentException if {@code timeoutMillis} is negative
     */
    public int read(byte[] buf, int off, int len, long timeoutMillis) throws TunTapException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (timeoutMillis < 0) {
            throw new IllegalArgumentException("negative timeout: " + timeoutMillis);
        }
        readLock.lock();
        try {
            return readLocked(buf, off, len, timeoutMillis);
        } finally {
            readLock.unlock();
        }
    }

    /** The read loop proper; {@code timeoutMillis < 0} waits forever. Holds {@link #readLock}. */
    private int readLocked(byte[] buf, int off, int len, long timeoutMillis) throws TunTapException {
        long deadline = timeoutMillis < 0 ? 0
                : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(timeoutMillis, Long.MAX_VALUE / 4_000_000L));
        while (true) {
            ensureOpen();
            long n = len >= MAX_FRAME ? LibC.readArray(readState, fd, buf, off, len)
                    : LibC.read(readState, fd, readBuf, readBuf.byteSize());
            if (n >= 0) {
                if (n > len) {
                    throw new TunTapException(TunTapException.EMSGSIZE, "a " + n + "-byte frame from "
                            + this + " does not fit the " + len + " bytes offered; the frame was dropped");
                }
                if (len < MAX_FRAME) {
                    MemorySegment.copy(readBuf, JAVA_BYTE, 0, buf, off, (int) n);
                }
                return (int) n;
            }
            int errno = LibC.errno(readState);
            if (errno == TunTapException.EINTR) {
                continue;
            }
            if (errno != TunTapException.EAGAIN) {
                throw ioError("read from", errno, -1);
            }
            int waitMillis;
            if (timeoutMillis < 0) {
                waitMillis = -1;
            } else {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return -1;
                }
                waitMillis = (int) Math.min(Integer.MAX_VALUE, (remaining + 999_999) / 1_000_000);
            }
            if (await(readPoll, readState, waitMillis) == 0 && timeoutMillis >= 0) {
                ensureOpen();
                return -1;
            }
        }
    }

    /**
     * Hands one frame to the kernel, which receives it as if it had arrived on the interface.
     *
     * @param buf the frame: an Ethernet frame without FCS (TAP) or an IP packet (TUN), after the
     *     virtio-net header if {@link #vnetHdr()}
     * @param off where the frame starts in {@code buf}
     * @param len the frame length, at most {@link #BUFFER_SIZE}
     * @throws TunTapException {@link TunTapException#EMSGSIZE} for a frame longer than {@link
     *     #BUFFER_SIZE} (checked before the kernel is called), {@link TunTapException#EINVAL} when
     *     the kernel rejects the frame (TAP frames need a 14-byte Ethernet header, TUN packets must
     *     start with IP version 4 or 6), {@link TunTapException#EBADF} once closed, {@link
     *     TunTapException#EBADFD} if the interface was deleted
     */
    public void write(byte[] buf, int off, int len) throws TunTapException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len > BUFFER_SIZE) {
            throw new TunTapException(TunTapException.EMSGSIZE, "cannot write a " + len + "-byte frame to "
                    + this + ": at most " + BUFFER_SIZE + " bytes fit one write");
        }
        writeLock.lock();
        try {
            ensureOpen();
            while (true) {
                long n = LibC.writeArray(writeState, fd, buf, off, len);
                if (n == len) {
                    return;
                }
                if (n >= 0) {
                    throw new TunTapException(TunTapException.EIO, "short write to " + this + ": the kernel took "
                            + n + " of " + len + " bytes");
                }
                int errno = LibC.errno(writeState);
                if (errno == TunTapException.EINTR) {
                    continue;
                }
                if (errno != TunTapException.EAGAIN) {
                    throw ioError("write to", errno, len);
                }
                await(writePoll, writeState, -1);
                ensureOpen();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Waits with {@code poll(2)} until the TUN/TAP descriptor is ready or {@link #close()} signals
     * the eventfd. Returns {@code poll}'s result: 0 on timeout, positive when something is ready
     * (the caller re-checks {@link #closed} and retries its operation), and treats {@code EINTR}
     * as "ready" so the caller simply retries.
     */
    private int await(MemorySegment pollSet, MemorySegment state, int timeoutMillis) throws TunTapException {
        pollSet.set(JAVA_SHORT, LibC.POLLFD_REVENTS, (short) 0);
        pollSet.set(JAVA_SHORT, LibC.POLLFD_SIZE + LibC.POLLFD_REVENTS, (short) 0);
        int ready = LibC.poll(state, pollSet, 2, timeoutMillis);
        if (ready < 0) {
            int errno = LibC.errno(state);
            if (errno == TunTapException.EINTR) {
                return 1;
            }
            throw ioError("poll on", errno, -1);
        }
        short revents = pollSet.get(JAVA_SHORT, LibC.POLLFD_REVENTS);
        if ((revents & LibC.POLLNVAL) != 0) {
            throw new TunTapException(TunTapException.EBADF, "poll on " + this + " reports an invalid descriptor");
        }
        return ready;
    }

    private TunTapException ioError(String op, int errno, int frameLength) {
        String what = switch (errno) {
            case TunTapException.EBADFD -> this + " is gone: the interface was deleted (ip link del, or"
                    + " its network namespace was removed); close this file";
            case TunTapException.EINVAL -> frameLength >= 0
                    ? "the kernel rejected a " + frameLength + "-byte frame written to " + this + " ("
                            + (mode == Mode.TAP ? "a TAP frame needs at least a 14-byte Ethernet header"
                                    : "a TUN packet must start with IP version 4 or 6")
                            + (vnetHdr ? ", after a valid virtio-net header" : "") + ")"
                    : op + " " + this + " failed: invalid argument";
            case TunTapException.EIO -> op + " " + this + " failed: input/output error (is the interface up?)";
            default -> op + " " + this + " failed: " + TunTapException.describe(errno);
        };
        return new TunTapException(errno, what + " [" + TunTapException.nameOf(errno) + "]");
    }

    private void ensureOpen() throws TunTapException {
        if (closed.get()) {
            throw new TunTapException(TunTapException.EBADF, describe(mode, name) + " is closed [EBADF]");
        }
    }

    /**
     * Tells the kernel which offloads the reader of this file handles ({@code TUNSETOFFLOAD}).
     * With any offload enabled the kernel may hand over frames with partial checksums or larger
     * than the MTU, described by the virtio-net header, so offloads make sense only with
     * {@link #vnetHdr()}.
     *
     * @param flags an OR of the {@code TUN_F_*} constants; {@code 0} disables all offloads
     * @throws TunTapException {@link TunTapException#EINVAL} for flags this kernel does not know
     */
    public void setOffload(int flags) throws TunTapException {
        control(TUNSETOFFLOAD, Integer.toUnsignedLong(flags), "TUNSETOFFLOAD 0x" + Integer.toHexString(flags));
    }

    /**
     * Makes the interface persistent ({@code TUNSETPERSIST}) so that it survives this file being
     * closed, or removes that property again. A persistent interface must be deleted explicitly
     * ({@code ip link del NAME}).
     *
     * @param persistent whether the interface outlives its files
     * @throws TunTapException if the kernel refuses
     */
    public void setPersistent(boolean persistent) throws TunTapException {
        control(TUNSETPERSIST, persistent ? 1 : 0, "TUNSETPERSIST " + persistent);
    }

    /**
     * Sets the length of the virtio-net header in front of every frame ({@code TUNSETVNETHDRSZ}),
     * for example 12 for the header with {@code num_buffers}.
     *
     * @param size the header length in bytes, at least 10
     * @throws TunTapException {@link TunTapException#EINVAL} if the size is refused or this file
     *     has no virtio-net header
     */
    public void setVnetHdrSize(int size) throws TunTapException {
        if (!vnetHdr) {
            throw new TunTapException(TunTapException.EINVAL, this + " was opened without vnetHdr;"
                    + " a virtio-net header size makes no sense [EINVAL]");
        }
        controlLock.lock();
        try {
            ensureOpen();
            controlBuf.set(JAVA_INT, 0, size);
            if (LibC.ioctl(controlState, fd, TUNSETVNETHDRSZ, controlBuf) < 0) {
                int errno = LibC.errno(controlState);
                throw new TunTapException(errno, "TUNSETVNETHDRSZ " + size + " on " + this + " failed: "
                        + TunTapException.describe(errno) + " [" + TunTapException.nameOf(errno) + "]");
            }
        } finally {
            controlLock.unlock();
        }
    }

    private void control(long request, long arg, String what) throws TunTapException {
        controlLock.lock();
        try {
            ensureOpen();
            if (LibC.ioctl(controlState, fd, request, arg) < 0) {
                int errno = LibC.errno(controlState);
                throw new TunTapException(errno, what + " on " + this + " failed: "
                        + TunTapException.describe(errno) + " [" + TunTapException.nameOf(errno) + "]");
            }
        } finally {
            controlLock.unlock();
        }
    }

    /**
     * Closes the queue. Idempotent; never throws.
     *
     * <p>Signals the internal eventfd first, which wakes a reader or writer waiting in {@code
     * poll(2)}: it fails with {@link TunTapException#EBADF}. Then waits until no read or write is
     * in progress, closes both descriptors and frees the native memory. The first call does the
     * work; later (or concurrent) calls return at once. Closing the last queue of a non-persistent
     * interface deletes the interface.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        controlLock.lock();
        try {
            controlBuf.set(JAVA_LONG, 0, 1L);
            LibC.write(controlState, wakeFd, controlBuf, Long.BYTES);
            readLock.lock();
            try {
                writeLock.lock();
                try {
                    LibC.close(controlState, fd);
                    LibC.close(controlState, wakeFd);
                    arena.close();
                } finally {
                    writeLock.unlock();
                }
            } finally {
                readLock.unlock();
            }
        } finally {
            controlLock.unlock();
        }
    }

    /**
     * Describes this file, for example {@code TAP interface 'jt1a2b' (closed)}.
     *
     * @return a short description for messages and logs
     */
    @Override
    public String toString() {
        return describe(mode, name) + (closed.get() ? " (closed)" : "");
    }
}
