package io.jnetstack.core;

/**
 * A reference-counted chunk of memory that packet fragments point into.
 *
 * <p>Mirrors {@code struct page} as used by {@code skb_frag_t}: socket data lives in pages and
 * segments reference it rather than copying it. Access is serialised by the owning {@link Kernel}.
 */
public final class Page {
    private final byte[] bytes;
    private int refs = 1;

    /** A page over {@code bytes}, holding one reference for the caller. */
    public Page(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A fresh zeroed page of {@code size} bytes. */
    public static Page allocate(int size) {
        return new Page(new byte[size]);
    }

    /** The backing array. */
    public byte[] bytes() {
        return bytes;
    }

    /** Takes a reference. Mirrors {@code get_page()}. */
    public Page get() {
        refs++;
        return this;
    }

    /** Drops a reference. Mirrors {@code put_page()}. */
    public void put() {
        if (refs <= 0) {
            throw new IllegalStateException("page released more often than referenced");
        }
        refs--;
    }

    /** The current reference count. */
    public int refCount() {
        return refs;
    }
}
