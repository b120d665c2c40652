package io.jnetstack.core;

/**
 * A reference-counted chunk of memory that packet fragments point into.
 *
 * <p>Mirrors {@code struct page} as used by {@code skb_frag_t}: socket data lives in pages and
 * segments reference it rather than copying it. A page may also be the linear part of a pooled
 * buffer ({@link SkBuff#linearPage}): each reference then pins that buffer's data
 * ({@code dataref}), so it returns to its pool only when the last fragment pointing into it is
 * gone, as a kmalloc'd head whose page a fragment references. Access is serialised by the
 * owning {@link Kernel}.
 */
public final class Page {
    private final byte[] bytes;
    private int refs;
    /** The buffer data whose linear array this page is, or null for a free-standing page. */
    private final SkbShared owner;
    private final SkBuffPool pool;

    /** A page over {@code bytes}, holding one reference for the caller. */
    public Page(byte[] bytes) {
        this.bytes = bytes;
        this.refs = 1;
        this.owner = null;
        this.pool = null;
    }

    /** The linear array of {@code owner} as a page; no reference held yet. */
    Page(SkbShared owner, SkBuffPool pool) {
        this.bytes = owner.buf;
        this.owner = owner;
        this.pool = pool;
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
        if (owner != null) {
            owner.dataref++;
        }
        return this;
    }

    /** Drops a reference. Mirrors {@code put_page()}. */
    public void put() {
        if (refs <= 0) {
            throw new IllegalStateException("page released more often than referenced");
        }
        refs--;
        if (owner != null) {
            pool.releaseShared(owner);
        }
    }

    /** The current reference count. */
    public int refCount() {
        return refs;
    }
}
