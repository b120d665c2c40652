package io.jnetstack.link;

import io.jnetstack.core.Dev;
import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.IfFlags;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Napi;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.NetdevFeatures;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.SkBuffPool;
import io.jnetstack.core.SkbQueue;
import io.jnetstack.link.tuntap.TunTapException;
import io.jnetstack.link.tuntap.TunTapFile;
import io.jnetstack.link.tuntap.VnetHdr;
import io.jnetstack.trace.Stage;
import io.jnetstack.wire.MacAddress;

/**
 * A device whose wire is a Linux TAP (Ethernet frames) or TUN (IP packets) interface: what the
 * stack sends is written to the file descriptor and reaches the Linux kernel as received on that
 * interface; what the kernel sends there is read by a reader thread and received by the stack.
 * The stack's side of a {@code tun_net_xmit()}/{@code tun_get_user()} pair.
 *
 * <p>Needs a real-time {@link Kernel}: the reader thread enters the stack through the kernel lock
 * with a batch of frames on the device's ring and runs the receive softirq inline, as an
 * interrupt would; the NAPI poll hands them to GRO ({@code napi_gro_receive}, as
 * {@code IFF_NAPI}), which merges a flow's segments.
 *
 * <p>Opened with a virtio-net header ({@code IFF_VNET_HDR}) the device offloads like a virtio NIC:
 * {@code TUNSETOFFLOAD} with {@code TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO_ECN} lets Linux hand the
 * stack TSO frames up to 64 KiB with partial checksums, and the stack hands Linux its GSO
 * packets whole with partial checksums ({@link VnetHdr}); the device's features say so (SG,
 * HW_CSUM, TSO, RXCSUM).
 */
public final class TunTapDevice extends NetDevice implements AutoCloseable {
    private static final int HEADROOM = 64;
    /** Room for a frame in {@link #spare}: a buffer of the pool's largest class. */
    private static final int RX_ROOM = SkBuffPool.LARGE - HEADROOM;
    /**
     * Frames this long or longer keep the buffer they were read into: their payload goes up the
     * stack as a fragment of it (no copy). Only frames that nearly fill it, so that a buffer
     * pins little more memory than it accounts for.
     */
    static final int ADOPT_MIN = 48 * 1024;
    /** Frames up to this length are copied whole into a linear buffer of the pool's small class. */
    private static final int LINEAR_MAX = SkBuffPool.SMALL - HEADROOM;
    /** Bytes of a longer frame copied into its linear part: every header the stack parses. */
    private static final int HEAD_COPY = 256;
    private static final long READ_TIMEOUT_MS = 200;
    /** Frames taken from the file per entry into the stack (one NAPI batch). */
    static final int RX_BATCH = 64;
    /** Frames the ring holds before new ones are dropped. */
    static final int RING_LIMIT = 1024;
    /** The offloads a vnet-header device asks Linux for ({@code TUNSETOFFLOAD}). */
    public static final int VNET_OFFLOADS = TunTapFile.TUN_F_CSUM | TunTapFile.TUN_F_TSO4 | TunTapFile.TUN_F_TSO_ECN;
    /** Features of a device with a virtio-net header. */
    static final long VNET_FEATURES = NetdevFeatures.SG | NetdevFeatures.HW_CSUM | NetdevFeatures.TSO
            | NetdevFeatures.TSO_ECN | NetdevFeatures.RXCSUM | NetdevFeatures.GSO | NetdevFeatures.GRO;

    private final TunTapFile file;
    private final int vnetLen;
    private final byte[] txScratch = new byte[TunTapFile.BUFFER_SIZE];
    /**
     * The pool buffer the next frame is read into, straight from the kernel. A short frame is
     * copied into a buffer of its own; a longer one keeps its headers in a small linear part and
     * its payload as a page fragment, as {@code tun_get_user()} builds large frames, so its
     * truesize follows its length (TCP's window follows the measured len/truesize ratio, and
     * 64 KiB buffers half filled let a peer overrun SO_RCVBUF): a frame of at least
     * {@link #ADOPT_MIN} bytes (a TSO frame) keeps this buffer as its page and a new one is
     * taken, a shorter one's payload is copied into a pool buffer of its size. Touched by the
     * reader thread only, between batches.
     */
    private SkBuff spare;
    private final SkbQueue ring = new SkbQueue();
    private final Napi napi;
    private final Runnable rxBatch = this::receiveBatch;
    private int rxFirstLen;
    private Thread reader;
    private volatile boolean closing;

    private TunTapDevice(String name, TunTapFile file) {
        super(name, file.mode() == TunTapFile.Mode.TAP ? ARPHRD_ETHER : ARPHRD_NONE,
                file.mode() == TunTapFile.Mode.TAP ? 14 : 0, 1500, 68, 65521,
                file.mode() == TunTapFile.Mode.TAP ? IfFlags.BROADCAST | IfFlags.MULTICAST
                        : IfFlags.POINTOPOINT | IfFlags.NOARP | IfFlags.MULTICAST);
        this.file = file;
        this.vnetLen = file.vnetHdr() ? VnetHdr.LEN : 0;
        if (file.vnetHdr()) {
            initFeatures(VNET_FEATURES, VNET_FEATURES);
        }
        this.napi = new Napi(this, 64) {
            @Override
            protected int poll(int budget) {
                return pollRing(budget);
            }
        };
    }

    /**
     * Opens (or creates) the Linux interface {@code ifName} and registers a device of the same
     * name in {@code net}, with a random locally administered MAC for a TAP.
     *
     * @throws ErrnoException EINVAL for a deterministic kernel; the TAP's own errno (EPERM when
     *                        not root, ENOENT without /dev/net/tun, EBUSY when in use)
     */
    public static TunTapDevice open(Net net, String ifName, TunTapFile.Mode mode) {
        return open(net, ifName, mode, false);
    }

    /**
     * Like {@link #open(Net, String, TunTapFile.Mode)}; with {@code vnetHdr} the file carries a
     * virtio-net header ({@code IFF_VNET_HDR}) and asks Linux for {@link #VNET_OFFLOADS}
     * ({@code TUNSETOFFLOAD}): large frames and partial checksums both ways.
     *
     * @throws ErrnoException as {@link #open(Net, String, TunTapFile.Mode)}
     */
    public static TunTapDevice open(Net net, String ifName, TunTapFile.Mode mode, boolean vnetHdr) {
        if (net.kernel().isVirtual()) {
            throw new ErrnoException(Errno.EINVAL, "a TAP/TUN device talks to the real kernel: use Kernel.realtime(), not a deterministic kernel");
        }
        TunTapFile f;
        try {
            f = TunTapFile.open(ifName, mode, vnetHdr);
            if (vnetHdr) {
                try {
                    f.setOffload(VNET_OFFLOADS);
                } catch (TunTapException e) {
                    f.close();
                    throw e;
                }
            }
        } catch (TunTapException e) {
            Errno errno = Errno.of(e.errno());
            throw new ErrnoException(errno == null ? Errno.EIO : errno, e.getMessage());
        }
        TunTapDevice d = new TunTapDevice(f.name(), f);
        if (mode == TunTapFile.Mode.TAP) {
            d.setMac(MacAddress.random(net.kernel().random("tap mac " + net.name() + " " + f.name())));
        }
        net.register(d);
        net.kernel().closeOnExit(d);
        return d;
    }

    @Override
    public String kind() {
        return file.mode() == TunTapFile.Mode.TAP ? "tap" : "tun";
    }

    /** The underlying file. */
    public TunTapFile file() {
        return file;
    }

    @Override
    protected void open() {
        carrierOn();
        if (reader == null) {
            reader = Thread.ofPlatform().daemon().name("jnetstack-" + kind() + "-" + name()).start(this::readLoop);
        }
    }

    @Override
    protected void stop() {
        ring.purge();
    }

    /**
     * Mirrors the stack side of {@code tun_net_xmit()}: one frame per write, after a virtio-net
     * header describing its offloads when the file has one (a GSO packet goes whole).
     */
    @Override
    protected TxResult startXmit(SkBuff skb) {
        net().kernel().tracer().point(Stage.TUN_NET_XMIT, skb, net().name(), name(), "");
        try {
            int len = skb.len();
            if (vnetLen > 0) {
                if (!VnetHdr.write(skb, txScratch, 0)) {
                    stats().txErrors++;
                    net().drop(skb, DropReason.DEV_HDR);
                    return TxResult.OK;
                }
                skb.copyBits(0, txScratch, vnetLen, len);
                file.write(txScratch, 0, vnetLen + len);
            } else if (skb.dataLen() == 0) {
                file.write(skb.buf(), skb.data(), len);
            } else {
                skb.copyBits(0, txScratch, 0, len);
                file.write(txScratch, 0, len);
            }
            skb.free();
        } catch (TunTapException e) {
            stats().txErrors++;
            net().drop(skb, DropReason.DEV_XMIT_ERROR);
            return TxResult.OK;
        }
        return TxResult.OK;
    }

    private void readLoop() {
        Kernel k = net().kernel();
        k.run(() -> spare = newSpare());
        while (!closing) {
            int n;
            try {
                n = file.read(spare.buf(), HEADROOM - vnetLen, RX_ROOM + vnetLen, READ_TIMEOUT_MS);
            } catch (TunTapException e) {
                if (closing || !file.isOpen()) {
                    return;
                }
                k.run(() -> stats().rxErrors++);
                continue;
            }
            if (n < 0) {
                continue;
            }
            rxFirstLen = n;
            k.run(rxBatch);
        }
    }

    /**
     * Under the kernel lock: the frame just read and whatever else the file holds, up to
     * {@link #RX_BATCH}, onto the ring; then the NAPI poll (run when the lock is left).
     */
    private void receiveBatch() {
        receive(rxFirstLen);
        for (int i = 1; i < RX_BATCH; i++) {
            int n;
            try {
                n = file.read(spare.buf(), HEADROOM - vnetLen, RX_ROOM + vnetLen, 0);
            } catch (TunTapException e) {
                break;
            }
            if (n < 0) {
                break;
            }
            receive(n);
        }
        if (!ring.isEmpty()) {
            napi.schedule();
        }
    }

    /**
     * Mirrors the stack side of {@code tun_get_user()}: a frame read from the file, its
     * virtio-net header applied ({@code virtio_net_hdr_to_skb()}), checked and classified.
     */
    private void receive(int n) {
        int len = n - vnetLen;
        if (len < 0) {
            stats().rxErrors++;
            stats().rxLengthErrors++;
            return;
        }
        byte[] frame = spare.buf();
        SkBuffPool pool = net().kernel().skbs();
        SkBuff skb;
        if (len <= LINEAR_MAX) {
            skb = pool.alloc(HEADROOM, len);
            skb.putData(frame, HEADROOM, len);
        } else {
            skb = pool.alloc(HEADROOM, HEAD_COPY);
            skb.putData(frame, HEADROOM, HEAD_COPY);
            int rest = len - HEAD_COPY;
            if (len >= ADOPT_MIN) {
                skb.addFrag(spare.linearPage(), HEADROOM + HEAD_COPY, rest);
                spare.free();   // the fragment keeps the data
                spare = newSpare();
            } else {
                SkBuff page = pool.alloc(rest);
                System.arraycopy(frame, HEADROOM + HEAD_COPY, page.buf(), page.data(), rest);
                skb.addFrag(page.linearPage(), page.data(), rest);
                page.free();
            }
        }
        net().kernel().tracer().point(Stage.TUN_GET_USER, skb, net().name(), name(), "");
        if (vnetLen > 0 && !VnetHdr.apply(frame, HEADROOM - vnetLen, skb)) {
            stats().rxErrors++;
            net().drop(skb, DropReason.DEV_HDR);
            return;
        }
        boolean ok = file.mode() == TunTapFile.Mode.TAP ? Dev.ethFrameIn(this, skb) : Dev.ipPacketIn(this, skb);
        if (!ok) {
            return;
        }
        if (ring.size() >= RING_LIMIT) {
            stats().rxDropped++;
            net().drop(skb, DropReason.FULL_RING);
            return;
        }
        ring.addLast(skb);
    }

    private SkBuff newSpare() {
        return net().kernel().skbs().alloc(HEADROOM, RX_ROOM);
    }

    /** The NAPI poll: frames from the ring through GRO. */
    private int pollRing(int budget) {
        int done = 0;
        SkBuff skb;
        while (done < budget && (skb = ring.poll()) != null) {
            napi.groReceive(skb);
            done++;
        }
        return done;
    }

    /** Stops the reader and closes the file. */
    @Override
    public void close() {
        closing = true;
        file.close();
        Thread r = reader;
        if (r != null) {
            try {
                r.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
