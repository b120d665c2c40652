package io.jnetstack.link;

import io.jnetstack.core.Dev;
import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.IfFlags;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;
import io.jnetstack.link.tuntap.TunTapException;
import io.jnetstack.link.tuntap.TunTapFile;
import io.jnetstack.trace.Stage;
import io.jnetstack.wire.MacAddress;

/**
 * A device whose wire is a Linux TAP (Ethernet frames) or TUN (IP packets) interface: what the
 * stack sends is written to the file descriptor and reaches the Linux kernel as received on that
 * interface; what the kernel sends there is read by a reader thread and received by the stack.
 * The stack's side of a {@code tun_net_xmit()}/{@code tun_get_user()} pair.
 *
 * <p>Needs a real-time {@link Kernel}: the reader thread enters the stack through the kernel lock
 * and runs the receive softirq inline, as an interrupt would.
 */
public final class TunTapDevice extends NetDevice implements AutoCloseable {
    private static final int HEADROOM = 64;
    private static final long READ_TIMEOUT_MS = 200;

    private final TunTapFile file;
    private final byte[] txScratch = new byte[TunTapFile.BUFFER_SIZE];
    private Thread reader;
    private volatile boolean closing;

    private TunTapDevice(String name, TunTapFile file) {
        super(name, file.mode() == TunTapFile.Mode.TAP ? ARPHRD_ETHER : ARPHRD_NONE,
                file.mode() == TunTapFile.Mode.TAP ? 14 : 0, 1500, 68, 65521,
                file.mode() == TunTapFile.Mode.TAP ? IfFlags.BROADCAST | IfFlags.MULTICAST
                        : IfFlags.POINTOPOINT | IfFlags.NOARP | IfFlags.MULTICAST);
        this.file = file;
    }

    /**
     * Opens (or creates) the Linux interface {@code ifName} and registers a device of the same
     * name in {@code net}, with a random locally administered MAC for a TAP.
     *
     * @throws ErrnoException EINVAL for a deterministic kernel; the TAP's own errno (EPERM when
     *                        not root, ENOENT without /dev/net/tun, EBUSY when in use)
     */
    public static TunTapDevice open(Net net, String ifName, TunTapFile.Mode mode) {
        if (net.kernel().isVirtual()) {
            throw new ErrnoException(Errno.EINVAL, "a TAP/TUN device talks to the real kernel: use Kernel.realtime(), not a deterministic kernel");
        }
        TunTapFile f;
        try {
            f = TunTapFile.open(ifName, mode, false);
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

    /** Mirrors the stack side of {@code tun_net_xmit()}: one frame per write. */
    @Override
    protected TxResult startXmit(SkBuff skb) {
        net().kernel().tracer().point(Stage.TUN_NET_XMIT, skb, net().name(), name(), "");
        try {
            int len = skb.len();
            if (skb.dataLen() == 0) {
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
        byte[] buf = new byte[TunTapFile.BUFFER_SIZE];
        Kernel k = net().kernel();
        while (!closing) {
            int n;
            try {
                n = file.read(buf, 0, buf.length, READ_TIMEOUT_MS);
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
            int len = n;
            k.run(() -> receive(buf, len));
        }
    }

    /** Mirrors the stack side of {@code tun_get_user()}: a frame read from the file. */
    private void receive(byte[] frame, int len) {
        SkBuff skb = net().kernel().skbs().alloc(HEADROOM, len);
        skb.putData(frame, 0, len);
        net().kernel().tracer().point(Stage.TUN_GET_USER, skb, net().name(), name(), "");
        boolean ok = file.mode() == TunTapFile.Mode.TAP ? Dev.ethFrameIn(this, skb) : Dev.ipPacketIn(this, skb);
        if (ok) {
            Dev.netifRx(skb);
        }
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
