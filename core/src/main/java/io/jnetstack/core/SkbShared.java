package io.jnetstack.core;

/**
 * The data part of a packet buffer that clones share.
 *
 * <p>Mirrors {@code struct skb_shared_info}: the linear buffer, the data reference count
 * ({@code dataref}), the page fragments and the GSO metadata. Pooled with its buffer.
 */
final class SkbShared {
    /**
     * Mirrors MAX_SKB_FRAGS as a kernel built with {@code CONFIG_MAX_SKB_FRAGS=45} (the largest
     * Linux allows, default 17): TCP builds a GSO packet from its write queue's MSS buffers, one
     * fragment each, so 45 let a packet reach 64 KiB as Linux's page fragments do.
     */
    static final int MAX_FRAGS = 45;

    final byte[] buf;
    /** Size class index in the pool, or -1 when not pooled. */
    final int sizeClass;
    int dataref;
    int nrFrags;
    final Page[] fragPage = new Page[MAX_FRAGS];
    final int[] fragOff = new int[MAX_FRAGS];
    final int[] fragSize = new int[MAX_FRAGS];
    int gsoSize;
    int gsoSegs;
    int gsoType;
    /** This buffer's linear array as a page for other buffers' fragments, made on first use. */
    Page page;
    SkbShared nextFree;

    SkbShared(byte[] buf, int sizeClass) {
        this.buf = buf;
        this.sizeClass = sizeClass;
    }

    /** Releases the fragments and clears the metadata so the buffer can be reused. */
    void releaseFrags() {
        for (int i = 0; i < nrFrags; i++) {
            fragPage[i].put();
            fragPage[i] = null;
        }
        nrFrags = 0;
        gsoSize = 0;
        gsoSegs = 0;
        gsoType = 0;
    }
}
