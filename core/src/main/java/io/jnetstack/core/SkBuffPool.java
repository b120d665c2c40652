package io.jnetstack.core;

/**
 * Recycles packet buffers so the steady-state data path allocates nothing.
 *
 * <p>Plays the role of the kernel's skbuff_head_cache and page allocator. Linear buffers come in
 * size classes: a 2 KiB class that holds an Ethernet frame with headroom, classes doubling from
 * 4 KiB for merged (GRO) and linearised packets, so a buffer's truesize stays within twice its
 * data, and a 66 KiB class for 64 KiB loopback/veth/GSO packets; larger requests are allocated
 * and left to the garbage collector. Free lists are bounded. One pool per {@link Kernel}:
 * buffers cross namespaces over veth. Not thread-safe (callers hold the kernel lock).
 */
public final class SkBuffPool {
    /** Size of the small class: fits MTU 1500 plus generous headroom. */
    public static final int SMALL = 2048;
    /** Size of the large class: a 64 KiB IP packet plus headroom. */
    public static final int LARGE = 65536 + 512;
    private static final int[] CLASS_SIZE = {SMALL, 4096, 8192, 16384, 32768, LARGE};
    private static final int[] CLASS_LIMIT = {8192, 512, 512, 256, 256, 256};
    private static final int HEADER_LIMIT = 16384;

    private final SkbShared[][] freeShared = new SkbShared[CLASS_SIZE.length][];
    private final int[] freeCount = new int[CLASS_SIZE.length];
    private final SkBuff[] freeHeaders = new SkBuff[HEADER_LIMIT];
    private int freeHeaderCount;
    private long allocated;
    private long inUse;

    /** An empty pool. */
    public SkBuffPool() {
        for (int c = 0; c < CLASS_SIZE.length; c++) {
            freeShared[c] = new SkbShared[CLASS_LIMIT[c]];
        }
    }

    /**
     * A new empty buffer whose linear part holds at least {@code size} bytes, with data at
     * offset 0 (call {@link SkBuff#reserve} for headroom). Mirrors {@code alloc_skb()}.
     */
    public SkBuff alloc(int size) {
        return allocRaw(size, 0);
    }

    /**
     * A new empty buffer of at least {@code size} bytes, {@code headroom} of them reserved.
     * Mirrors {@code netdev_alloc_skb()} followed by {@code skb_reserve()}.
     */
    public SkBuff alloc(int headroom, int size) {
        return allocRaw(headroom + size, headroom);
    }

    SkBuff allocRaw(int total, int headroom) {
        SkBuff skb = header();
        skb.attach(shared(total), headroom);
        return skb;
    }

    SkBuff header() {
        inUse++;
        if (freeHeaderCount > 0) {
            SkBuff s = freeHeaders[--freeHeaderCount];
            freeHeaders[freeHeaderCount] = null;
            return s;
        }
        allocated++;
        return new SkBuff(this);
    }

    SkbShared shared(int size) {
        int c = sizeClass(size);
        SkbShared s;
        if (c < 0) {
            s = new SkbShared(new byte[size], -1);
        } else if (freeCount[c] > 0) {
            SkbShared[] stack = freeShared[c];
            s = stack[--freeCount[c]];
            stack[freeCount[c]] = null;
        } else {
            s = new SkbShared(new byte[CLASS_SIZE[c]], c);
        }
        s.dataref = 1;
        return s;
    }

    private static int sizeClass(int size) {
        for (int c = 0; c < CLASS_SIZE.length; c++) {
            if (size <= CLASS_SIZE[c]) {
                return c;
            }
        }
        return -1;
    }

    void releaseShared(SkbShared s) {
        if (--s.dataref > 0) {
            return;
        }
        s.releaseFrags();
        int c = s.sizeClass;
        if (c < 0 || freeCount[c] == CLASS_LIMIT[c]) {
            return;
        }
        freeShared[c][freeCount[c]++] = s;
    }

    void release(SkBuff skb) {
        releaseShared(skb.shinfo);
        skb.resetHeader();
        inUse--;
        if (freeHeaderCount < HEADER_LIMIT) {
            freeHeaders[freeHeaderCount++] = skb;
        }
    }

    /** Buffers handed out and not yet freed (a leak check for tests). */
    public long inUse() {
        return inUse;
    }

    /** Buffer headers ever created (grows only while the pool warms up). */
    public long headersCreated() {
        return allocated;
    }
}
