package io.jnetstack.core.sched;

import io.jnetstack.core.Dev;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.Qdisc;
import io.jnetstack.core.SkBuff;
import io.jnetstack.link.Veth;
import io.jnetstack.wire.Ethernet;

import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Two namespaces joined by a veth pair on a deterministic kernel, a qdisc on the sending end, and
 * a receiver that records every frame of the IEEE local experimental EtherType.
 *
 * <p>Frame layout after the Ethernet header: sequence number (4 bytes), send time in virtual
 * nanoseconds (8), a filler pattern derived from the sequence number, and a CRC-32 of everything
 * after the Ethernet header (4). A frame is <em>intact</em> when its Ethernet header is what was
 * sent and its CRC checks.
 */
final class VethRig {
    static final int ETH_P_EXPERIMENTAL = 0x88B5;
    static final int MIN_FRAME = Ethernet.HEADER_LEN + 16;

    final Kernel k;
    final Net a;
    final Net b;
    final Veth tx;
    final Veth rx;
    private final byte[] expectedHeader = new byte[Ethernet.HEADER_LEN];
    private final CRC32 crc = new CRC32();

    /** Per received frame, in arrival order. */
    int[] seq;
    long[] sentAt;
    long[] receivedAt;
    boolean[] intact;
    int count;
    /** Frame bytes (Ethernet header included) received. */
    long frameBytes;
    /** Length of the last frame sent. */
    int lastFrameLen;

    VethRig(long seed, Qdisc qdisc) {
        k = Kernel.deterministic(seed);
        a = k.newNet("a");
        b = k.newNet("b");
        tx = Veth.createPair(a, "veth0", b, "veth1");
        rx = tx.peer();
        tx.up();
        rx.up();
        tx.setQdisc(qdisc);
        Ethernet.writeHeader(expectedHeader, 0, rx.mac().bits(), tx.mac().bits(), ETH_P_EXPERIMENTAL);
        int cap = 1 << 16;
        seq = new int[cap];
        sentAt = new long[cap];
        receivedAt = new long[cap];
        intact = new boolean[cap];
        b.addProtocol(ETH_P_EXPERIMENTAL, (skb, dev) -> receive(skb));
    }

    /** Builds and queues one frame of {@code frameLen} bytes; returns dev_queue_xmit's code. */
    int send(int sequence, int frameLen) {
        if (frameLen < MIN_FRAME) {
            throw new IllegalArgumentException("frame too short");
        }
        lastFrameLen = frameLen;
        SkBuff skb = k.skbs().alloc(128, frameLen);
        int off = skb.put(frameLen);
        byte[] buf = skb.buf();
        System.arraycopy(expectedHeader, 0, buf, off, Ethernet.HEADER_LEN);
        int p = off + Ethernet.HEADER_LEN;
        int end = off + frameLen - 4;
        putInt(buf, p, sequence);
        putLong(buf, p + 4, k.clock().nanos());
        for (int i = p + 12; i < end; i++) {
            buf[i] = (byte) (i * 31 + sequence);
        }
        crc.reset();
        crc.update(buf, p, end - p);
        putInt(buf, end, (int) crc.getValue());
        skb.dev = tx;
        return Dev.queueXmit(skb);
    }

    private void receive(SkBuff skb) {
        byte[] buf = skb.buf();
        int p = skb.data();
        int len = skb.len();
        boolean ok = len >= 16 && Arrays.equals(buf, skb.macHeader(), skb.macHeader() + Ethernet.HEADER_LEN,
                expectedHeader, 0, Ethernet.HEADER_LEN);
        if (ok) {
            crc.reset();
            crc.update(buf, p, len - 4);
            ok = (int) crc.getValue() == getInt(buf, p + len - 4);
        }
        if (count == seq.length) {
            int cap = count * 2;
            seq = Arrays.copyOf(seq, cap);
            sentAt = Arrays.copyOf(sentAt, cap);
            receivedAt = Arrays.copyOf(receivedAt, cap);
            intact = Arrays.copyOf(intact, cap);
        }
        seq[count] = getInt(buf, p);
        sentAt[count] = getLong(buf, p + 4);
        receivedAt[count] = k.clock().nanos();
        intact[count] = ok;
        count++;
        frameBytes += len + Ethernet.HEADER_LEN;
        skb.free();
    }

    /** Frames received that were damaged on the way. */
    int damaged() {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (!intact[i]) {
                n++;
            }
        }
        return n;
    }

    /** One-way latency of the i-th frame received, in nanoseconds. */
    long latency(int i) {
        return receivedAt[i] - sentAt[i];
    }

    /** Whether each sequence number in [0, n) arrived at least once. */
    boolean[] arrived(int n) {
        boolean[] got = new boolean[n];
        for (int i = 0; i < count; i++) {
            if (intact[i] && seq[i] >= 0 && seq[i] < n) {
                got[seq[i]] = true;
            }
        }
        return got;
    }

    /** (sequence, receive time) of every frame, flattened, for comparing runs. */
    long[] trace() {
        long[] t = new long[2 * count];
        for (int i = 0; i < count; i++) {
            t[2 * i] = seq[i];
            t[2 * i + 1] = receivedAt[i];
        }
        return t;
    }

    /** Runs until every queue and timer is empty. */
    void drain() {
        k.runUntilIdle(3_600_000_000_000L);
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static void putLong(byte[] b, int off, long v) {
        putInt(b, off, (int) (v >>> 32));
        putInt(b, off + 4, (int) v);
    }

    static int getInt(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    static long getLong(byte[] b, int off) {
        return (long) getInt(b, off) << 32 | (getInt(b, off + 4) & 0xffff_ffffL);
    }
}
