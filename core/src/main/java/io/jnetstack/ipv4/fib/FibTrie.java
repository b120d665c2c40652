package io.jnetstack.ipv4.fib;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;

import java.util.Arrays;

/**
 * A longest-prefix-match table over 32-bit keys (IPv4 addresses): the data structure under a
 * {@link FibTable}. It plays the role of Linux's LC-trie ({@code net/ipv4/fib_trie.c}:
 * {@code fib_insert_node()}, {@code fib_remove_alias()}, {@code fib_table_lookup()}), with a
 * different design chosen for the JVM: a multibit trie with fixed strides, controlled prefix
 * expansion and leaf pushing, stored in primitive {@code int} arrays (in the family of
 * Gupta, Lin and McKeown's DIR-24-8 and of Srinivasan and Varghese's fixed-stride tries).
 *
 * <h2>Layout</h2>
 *
 * <p>An address is read from its most significant bit in <em>strides</em>: a root stride of
 * {@code R} bits, then strides of 8 bits. {@code R} is 16 for large tables (16-8-8: at most three
 * array reads per lookup) and 8 for small ones (8-8-8-8), so a namespace's handful of routes does
 * not pay for a 256 KiB root; the table switches between the two by rebuilding itself when it
 * grows past {@value #GROW_AT} prefixes or shrinks under {@value #SHRINK_AT} (like Linux's
 * {@code inflate()}/{@code halve()}, but at the root only).
 *
 * <p>Every array slot is one {@code int}, an <em>entry</em>:
 * <ul>
 *   <li>{@code e >= 0}: a leaf: the id of the stored prefix that is the longest match for every
 *       address reaching this slot ({@code 0}: no prefix matches);</li>
 *   <li>{@code e < 0}: a pointer to the 256-slot <em>chunk</em> {@code ~e} that resolves the next
 *       8 bits.</li>
 * </ul>
 * The root is an {@code int[1 << R]}; all chunks live in one pool array, chunk {@code c} at
 * {@code pool[c*256 .. c*256+255]}. Prefix ids index parallel arrays holding each stored
 * prefix's address, length and value; a value array read turns the final leaf into the result.
 *
 * <h2>Lookup</h2>
 *
 * <pre>
 *   e = root[addr >>> (32 - R)]
 *   while e &lt; 0:  e = pool[(~e) * 256 + next 8 bits of addr]
 *   return value[e]
 * </pre>
 * No comparisons, no backtracking and no allocation: leaf pushing has already written the longest
 * match into every slot.
 *
 * <h2>Updates</h2>
 *
 * <p>A prefix of length {@code len} lives at the level whose stride contains bit {@code len}: it
 * covers {@code 2^(levelEnd - len)} consecutive slots there (controlled prefix expansion). Insert
 * walks down, creating chunks filled with the leaf they replace, then writes its id into each
 * covered slot whose current prefix is shorter, descending into chunks below those slots (leaf
 * pushing). Remove finds the next shorter stored prefix covering the removed one (probing an
 * exact-match hash of the stored prefixes, one probe per shorter length in use) and writes it
 * back wherever the removed id was. Each chunk counts the stored prefixes that live inside it; a
 * chunk whose count drops to zero is uniform again and collapses back into its parent's slot,
 * and its storage goes to a free list for reuse (the pool itself only shrinks when the table
 * rebuilds with the small root).
 *
 * <h2>Cost</h2>
 *
 * <p>For a million prefixes spread like an Internet table, nearly every /16 holds longer prefixes,
 * so the 16-8-8 layout has about 65,536 second-level chunks (64 MiB) plus one third-level chunk
 * per /24 holding longer prefixes; see {@link #memoryBytes()}. Lookups cost two or three
 * dependent array reads plus the value read. Inserting or removing a prefix of length {@code len}
 * touches {@code 2^(levelEnd - len)} slots plus the chunks below them: cheap for typical lengths,
 * a full sweep for a default route in a full table.
 *
 * <p>Not thread-safe: like the rest of a {@code Net}, it is used under the kernel lock. Holds no
 * static mutable state.
 *
 * @param <V> the value stored with each prefix (never null)
 */
public final class FibTrie<V> {
    /** Receives each stored prefix from {@link #forEach}. */
    @FunctionalInterface
    public interface Visitor<V> {
        /** One stored prefix {@code prefix/len} and its value. */
        void visit(int prefix, int len, V value);
    }

    /** Root stride of a small table. */
    static final int SMALL_ROOT_BITS = 8;
    /** Root stride of a large table. */
    static final int LARGE_ROOT_BITS = 16;
    /** A small table rebuilds itself with the large root when it holds more prefixes than this. */
    static final int GROW_AT = 4096;
    /** A large table rebuilds itself with the small root when it holds fewer prefixes than this. */
    static final int SHRINK_AT = 1024;

    private static final int CHUNK_BITS = 8;
    private static final int CHUNK = 1 << CHUNK_BITS;
    /** Chunks addressable in one int array (the pool index {@code c << 8} must fit an int). */
    private static final int MAX_CHUNKS = (1 << 23) - 1;
    /** Prefix ids are packed in 26 bits by {@link #forEach}. */
    private static final int MAX_RECORDS = (1 << 26) - 1;

    // ---- the lookup structure
    private int rootBits;
    private int rootShift;
    private int[] root;
    private int[] pool = new int[0];
    private int[] chunkCount = new int[0];
    private int chunkCapacity;
    private int chunkHigh;
    private int[] freeChunks = new int[16];
    private int freeChunkCount;
    private int liveChunks;

    // ---- the stored prefixes, by id (id 0 is "no prefix")
    private int[] recPrefix = new int[16];
    private byte[] recLen = new byte[16];
    private Object[] values = new Object[16];
    private int recHigh = 1;
    private int[] freeRecs = new int[16];
    private int freeRecCount;

    // ---- exact match: open addressing over prefix ids, linear probing
    private int[] hash = new int[16];
    private final int[] lenCount = new int[33];
    private int size;

    // ---- scratch for remove(): the chunks on the path, their parents and parent slots
    private final int[] pathChunk = new int[4];
    private final int[] pathParent = new int[4];
    private final int[] pathSlot = new int[4];

    /** An empty trie. */
    public FibTrie() {
        recLen[0] = -1;
        resetLookupStructure(SMALL_ROOT_BITS);
    }

    // ---------------------------------------------------------------- lookups

    /**
     * The value of the longest stored prefix containing {@code addr}, or null when none does.
     * Never allocates and never throws. Mirrors the descent of {@code fib_table_lookup()}.
     */
    @SuppressWarnings("unchecked")
    public V lookup(int addr) {
        int[] p = pool;
        int shift = rootShift;
        int e = root[addr >>> shift];
        while (e < 0) {
            shift -= CHUNK_BITS;
            e = p[(~e << CHUNK_BITS) | ((addr >>> shift) & (CHUNK - 1))];
        }
        return (V) values[e];
    }

    /**
     * The id of the longest stored prefix containing {@code addr}, or 0 when none does: the same
     * walk as {@link #lookup} without the value read. Ids are small non-negative ints, stable
     * while the prefix stays stored (rebuilds keep them) and reused after it is removed, so a
     * caller may keep its own data about a prefix in arrays indexed by id (see
     * {@link #idOf}, {@link #idCapacity()}). Never allocates and never throws.
     */
    public int lookupId(int addr) {
        int[] p = pool;
        int shift = rootShift;
        int e = root[addr >>> shift];
        while (e < 0) {
            shift -= CHUNK_BITS;
            e = p[(~e << CHUNK_BITS) | ((addr >>> shift) & (CHUNK - 1))];
        }
        return e;
    }

    /** The value of prefix id {@code id} (from {@link #lookupId} or {@link #idOf}), or null for id 0. */
    @SuppressWarnings("unchecked")
    public V valueOf(int id) {
        return (V) values[id];
    }

    /**
     * The id of exactly {@code prefix/len}, or 0 when it is not stored.
     *
     * @throws ErrnoException EINVAL for a bad prefix
     */
    public int idOf(int prefix, int len) {
        checkPrefix(prefix, len);
        return find(prefix, len);
    }

    /** One more than the largest id in use so far: arrays indexed by id need this length. */
    public int idCapacity() {
        return recHigh;
    }

    /**
     * The value of the longest stored prefix containing {@code addr} whose length is less than
     * {@code len}, or null: the next candidate when the match of length {@code len} was rejected.
     * Mirrors the backtracking of {@code fib_table_lookup()}. Never allocates; costs one hash probe
     * per shorter length present in the table.
     */
    @SuppressWarnings("unchecked")
    public V lookupShorter(int addr, int len) {
        for (int l = Math.min(len, 33) - 1; l >= 0; l--) {
            if (lenCount[l] != 0) {
                int r = find(addr & mask(l), l);
                if (r != 0) {
                    return (V) values[r];
                }
            }
        }
        return null;
    }

    /**
     * The value stored for exactly {@code prefix/len}, or null.
     *
     * @throws ErrnoException EINVAL when {@code len} is outside 0..32 or {@code prefix} has bits
     *                        set beyond {@code len}
     */
    @SuppressWarnings("unchecked")
    public V get(int prefix, int len) {
        checkPrefix(prefix, len);
        return (V) values[find(prefix, len)];
    }

    /** How many prefixes are stored. */
    public int size() {
        return size;
    }

    /**
     * Calls {@code visitor} for every stored prefix in ascending order of (prefix as an unsigned
     * number, length). The visitor must not modify the trie.
     */
    @SuppressWarnings("unchecked")
    public void forEach(Visitor<? super V> visitor) {
        long[] keys = new long[size];
        int n = 0;
        for (int r = 1; r < recHigh; r++) {
            if (values[r] != null) {
                // the prefix with its top bit flipped sorts as a signed long the way the prefix sorts unsigned
                keys[n++] = ((long) (recPrefix[r] ^ Integer.MIN_VALUE) << 32) | ((long) recLen[r] << 26) | r;
            }
        }
        Arrays.sort(keys, 0, n);
        for (int i = 0; i < n; i++) {
            int r = (int) (keys[i] & MAX_RECORDS);
            visitor.visit(recPrefix[r], recLen[r], (V) values[r]);
        }
    }

    // ---------------------------------------------------------------- updates

    /**
     * Stores {@code value} for {@code prefix/len}, replacing any value stored for exactly that
     * prefix. Mirrors {@code fib_insert_node()} (new prefix) or an update in place.
     *
     * @return the value replaced, or null when the prefix is new
     * @throws ErrnoException EINVAL for a bad prefix or a null value
     */
    @SuppressWarnings("unchecked")
    public V insert(int prefix, int len, V value) {
        checkPrefix(prefix, len);
        if (value == null) {
            throw new ErrnoException(Errno.EINVAL, "a FibTrie value must not be null (null means \"no match\")");
        }
        int r = find(prefix, len);
        if (r != 0) {
            V old = (V) values[r];
            values[r] = value;
            return old;
        }
        r = newRecord(prefix, len, value);
        hashInsert(r);
        size++;
        lenCount[len]++;
        if (rootBits == SMALL_ROOT_BITS && size > GROW_AT) {
            rebuild(LARGE_ROOT_BITS);
        } else {
            place(r);
        }
        return null;
    }

    /**
     * Removes {@code prefix/len}; addresses it covered fall back to the next shorter stored
     * prefix. Mirrors {@code fib_remove_alias()} with {@code resize()} of the emptied nodes.
     *
     * @return the value removed, or null when the prefix was not stored
     * @throws ErrnoException EINVAL for a bad prefix
     */
    @SuppressWarnings("unchecked")
    public V remove(int prefix, int len) {
        checkPrefix(prefix, len);
        int r = find(prefix, len);
        if (r == 0) {
            return null;
        }
        V old = (V) values[r];
        hashRemove(r);
        size--;
        lenCount[len]--;
        if (rootBits == LARGE_ROOT_BITS && size < SHRINK_AT) {
            freeRecord(r);
            rebuild(SMALL_ROOT_BITS);
        } else {
            displace(r, findParent(prefix, len));
            freeRecord(r);
        }
        return old;
    }

    /** Removes every prefix. */
    public void clear() {
        Arrays.fill(values, null);
        recHigh = 1;
        freeRecCount = 0;
        Arrays.fill(hash, 0);
        Arrays.fill(lenCount, 0);
        size = 0;
        resetLookupStructure(SMALL_ROOT_BITS);
    }

    // ---------------------------------------------------------------- diagnostics

    /**
     * Approximate bytes held by the trie's own arrays (root, chunk pool, prefix records, hash),
     * not counting the values themselves; object references are counted as 4 bytes (compressed
     * oops).
     */
    public long memoryBytes() {
        long ints = (long) root.length + pool.length + chunkCount.length + freeChunks.length
                + recPrefix.length + values.length + freeRecs.length + hash.length;
        return ints * 4 + recLen.length;
    }

    /** The number of chunks in use below the root. */
    public int chunks() {
        return liveChunks;
    }

    /** The root stride in bits (8 for small tables, 16 for large ones). */
    public int rootBits() {
        return rootBits;
    }

    /**
     * Checks the structure against its stored prefixes (for tests): every leaf slot holds the
     * longest covering prefix, every chunk is reached once and counts exactly the prefixes that
     * live below it, and no chunk is empty.
     *
     * @throws IllegalStateException describing the first inconsistency found
     */
    void checkInvariants() {
        int[] seen = new int[chunkHigh];
        for (int s = 0; s < root.length; s++) {
            checkEntry(root[s], s << rootShift, rootBits, seen);
        }
        int reached = 0;
        for (int c = 0; c < chunkHigh; c++) {
            if (seen[c] > 1) {
                throw new IllegalStateException("chunk " + c + " reached " + seen[c] + " times");
            }
            reached += seen[c];
        }
        if (reached != liveChunks) {
            throw new IllegalStateException(reached + " chunks reachable but " + liveChunks + " live");
        }
        int[] expected = new int[chunkHigh];
        for (int r = 1; r < recHigh; r++) {
            if (values[r] == null) {
                continue;
            }
            int end = rootBits;
            int e = root[recPrefix[r] >>> rootShift];
            while (recLen[r] > end) {
                if (e >= 0) {
                    throw new IllegalStateException("no chunk on the path of " + Prefixes.format(recPrefix[r], recLen[r]));
                }
                expected[~e]++;
                end += CHUNK_BITS;
                e = pool[(~e << CHUNK_BITS) | ((recPrefix[r] >>> (32 - end)) & (CHUNK - 1))];
            }
        }
        for (int c = 0; c < chunkHigh; c++) {
            if (seen[c] == 1 && (expected[c] != chunkCount[c] || expected[c] == 0)) {
                throw new IllegalStateException("chunk " + c + " counts " + chunkCount[c] + ", holds " + expected[c]);
            }
        }
    }

    private void checkEntry(int e, int base, int bits, int[] seen) {
        if (e >= 0) {
            int expect = longestCovering(base, bits);
            if (e != expect) {
                throw new IllegalStateException("slot " + Prefixes.format(base, bits) + " holds prefix id " + e + ", want " + expect);
            }
            return;
        }
        int c = ~e;
        seen[c]++;
        for (int i = 0; i < CHUNK; i++) {
            checkEntry(pool[(c << CHUNK_BITS) | i], base | (i << (32 - bits - CHUNK_BITS)), bits + CHUNK_BITS, seen);
        }
    }

    /** The id of the longest stored prefix of length at most {@code bits} covering {@code base}. */
    private int longestCovering(int base, int bits) {
        for (int l = bits; l >= 0; l--) {
            if (lenCount[l] != 0) {
                int r = find(base & mask(l), l);
                if (r != 0) {
                    return r;
                }
            }
        }
        return 0;
    }

    // ---------------------------------------------------------------- placement

    /** Writes prefix {@code r} into the lookup structure (controlled expansion, leaf pushing). */
    private void place(int r) {
        int prefix = recPrefix[r];
        int len = recLen[r];
        int end = rootBits;
        int slot = prefix >>> rootShift;
        int chunk = -1;
        while (len > end) {
            int e = entry(chunk, slot);
            int c;
            if (e >= 0) {
                c = newChunk(e);
                setEntry(chunk, slot, ~c);
            } else {
                c = ~e;
            }
            chunkCount[c]++;
            chunk = c;
            end += CHUNK_BITS;
            slot = (prefix >>> (32 - end)) & (CHUNK - 1);
        }
        int n = 1 << (end - len);
        for (int i = 0; i < n; i++) {
            setEntry(chunk, slot + i, pushDown(entry(chunk, slot + i), r, len));
        }
    }

    /** The entry after pushing prefix {@code r} of length {@code len} into entry {@code e}. */
    private int pushDown(int e, int r, int len) {
        if (e >= 0) {
            return recLen[e] < len ? r : e;
        }
        int base = ~e << CHUNK_BITS;
        for (int i = 0; i < CHUNK; i++) {
            pool[base + i] = pushDown(pool[base + i], r, len);
        }
        return e;
    }

    /**
     * Replaces prefix {@code r} by its parent {@code q} wherever it is the longest match, then
     * collapses the chunks on its path that no longer hold any prefix.
     */
    private void displace(int r, int q) {
        int prefix = recPrefix[r];
        int len = recLen[r];
        int end = rootBits;
        int slot = prefix >>> rootShift;
        int chunk = -1;
        int depth = 0;
        while (len > end) {
            int c = ~entry(chunk, slot);
            pathChunk[depth] = c;
            pathParent[depth] = chunk;
            pathSlot[depth] = slot;
            depth++;
            chunk = c;
            end += CHUNK_BITS;
            slot = (prefix >>> (32 - end)) & (CHUNK - 1);
        }
        int n = 1 << (end - len);
        for (int i = 0; i < n; i++) {
            setEntry(chunk, slot + i, replace(entry(chunk, slot + i), r, q));
        }
        for (int d = depth - 1; d >= 0; d--) {
            int c = pathChunk[d];
            if (--chunkCount[c] == 0) {
                setEntry(pathParent[d], pathSlot[d], pool[c << CHUNK_BITS]);
                freeChunk(c);
            }
        }
    }

    /** The entry after replacing prefix {@code r} by {@code q} in entry {@code e}. */
    private int replace(int e, int r, int q) {
        if (e >= 0) {
            return e == r ? q : e;
        }
        int base = ~e << CHUNK_BITS;
        for (int i = 0; i < CHUNK; i++) {
            pool[base + i] = replace(pool[base + i], r, q);
        }
        return e;
    }

    /** The id of the longest stored prefix strictly shorter than {@code len} covering {@code prefix}. */
    private int findParent(int prefix, int len) {
        for (int l = len - 1; l >= 0; l--) {
            if (lenCount[l] != 0) {
                int r = find(prefix & mask(l), l);
                if (r != 0) {
                    return r;
                }
            }
        }
        return 0;
    }

    private int entry(int chunk, int slot) {
        return chunk < 0 ? root[slot] : pool[(chunk << CHUNK_BITS) | slot];
    }

    private void setEntry(int chunk, int slot, int e) {
        if (chunk < 0) {
            root[slot] = e;
        } else {
            pool[(chunk << CHUNK_BITS) | slot] = e;
        }
    }

    private void rebuild(int bits) {
        resetLookupStructure(bits);
        // Shorter prefixes first: each is then written once, before chunks exist below it.
        for (int len = 0; len <= 32; len++) {
            if (lenCount[len] == 0) {
                continue;
            }
            for (int r = 1; r < recHigh; r++) {
                if (values[r] != null && recLen[r] == len) {
                    place(r);
                }
            }
        }
    }

    private void resetLookupStructure(int bits) {
        rootBits = bits;
        rootShift = 32 - bits;
        root = new int[1 << bits];
        pool = new int[0];
        chunkCount = new int[0];
        chunkCapacity = 0;
        chunkHigh = 0;
        freeChunkCount = 0;
        liveChunks = 0;
    }

    // ---------------------------------------------------------------- chunks

    private int newChunk(int fill) {
        int c;
        if (freeChunkCount > 0) {
            c = freeChunks[--freeChunkCount];
        } else {
            if (chunkHigh == chunkCapacity) {
                growPool();
            }
            c = chunkHigh++;
        }
        int base = c << CHUNK_BITS;
        Arrays.fill(pool, base, base + CHUNK, fill);
        chunkCount[c] = 0;
        liveChunks++;
        return c;
    }

    private void growPool() {
        if (chunkCapacity == MAX_CHUNKS) {
            throw new ErrnoException(Errno.ENOMEM, "FibTrie is full: " + MAX_CHUNKS + " chunks in use");
        }
        int cap = chunkCapacity < 8 ? 8 : (int) Math.min(MAX_CHUNKS, chunkCapacity * 2L);
        pool = Arrays.copyOf(pool, cap << CHUNK_BITS);
        chunkCount = Arrays.copyOf(chunkCount, cap);
        chunkCapacity = cap;
    }

    private void freeChunk(int c) {
        if (freeChunkCount == freeChunks.length) {
            freeChunks = Arrays.copyOf(freeChunks, freeChunks.length * 2);
        }
        freeChunks[freeChunkCount++] = c;
        liveChunks--;
    }

    // ---------------------------------------------------------------- prefix records

    private int newRecord(int prefix, int len, Object value) {
        int r;
        if (freeRecCount > 0) {
            r = freeRecs[--freeRecCount];
        } else {
            if (recHigh == MAX_RECORDS) {
                throw new ErrnoException(Errno.ENOMEM, "FibTrie is full: " + MAX_RECORDS + " prefixes");
            }
            if (recHigh == recPrefix.length) {
                int cap = (int) Math.min(MAX_RECORDS + 1L, recPrefix.length * 2L);
                recPrefix = Arrays.copyOf(recPrefix, cap);
                recLen = Arrays.copyOf(recLen, cap);
                values = Arrays.copyOf(values, cap);
            }
            r = recHigh++;
        }
        recPrefix[r] = prefix;
        recLen[r] = (byte) len;
        values[r] = value;
        return r;
    }

    private void freeRecord(int r) {
        values[r] = null;
        if (freeRecCount == freeRecs.length) {
            freeRecs = Arrays.copyOf(freeRecs, freeRecs.length * 2);
        }
        freeRecs[freeRecCount++] = r;
    }

    // ---------------------------------------------------------------- exact-match hash

    private static int hashOf(int prefix, int len) {
        int h = prefix * 0x9E3779B1 + len * 0x7FEB352D;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        return h ^ (h >>> 13);
    }

    /** The id stored for exactly {@code prefix/len}, or 0. */
    private int find(int prefix, int len) {
        int[] t = hash;
        int m = t.length - 1;
        int i = hashOf(prefix, len) & m;
        while (true) {
            int r = t[i];
            if (r == 0 || (recPrefix[r] == prefix && recLen[r] == len)) {
                return r;
            }
            i = (i + 1) & m;
        }
    }

    private void hashInsert(int r) {
        if ((size + 1) * 2 > hash.length) {
            int[] old = hash;
            hash = new int[old.length * 2];
            for (int s : old) {
                if (s != 0) {
                    hashPut(s);
                }
            }
        }
        hashPut(r);
    }

    private void hashPut(int r) {
        int m = hash.length - 1;
        int i = hashOf(recPrefix[r], recLen[r]) & m;
        while (hash[i] != 0) {
            i = (i + 1) & m;
        }
        hash[i] = r;
    }

    /** Removes id {@code r}, shifting later entries of its probe run back (no tombstones). */
    private void hashRemove(int r) {
        int[] t = hash;
        int m = t.length - 1;
        int i = hashOf(recPrefix[r], recLen[r]) & m;
        while (t[i] != r) {
            i = (i + 1) & m;
        }
        int j = i;
        while (true) {
            j = (j + 1) & m;
            int s = t[j];
            if (s == 0) {
                break;
            }
            int home = hashOf(recPrefix[s], recLen[s]) & m;
            if (((j - home) & m) >= ((j - i) & m)) {
                t[i] = s;
                i = j;
            }
        }
        t[i] = 0;
    }

    // ---------------------------------------------------------------- helpers

    private static int mask(int len) {
        return Prefixes.mask(len);
    }

    private static void checkPrefix(int prefix, int len) {
        if (len < 0 || len > 32) {
            throw new ErrnoException(Errno.EINVAL, "prefix length " + len + " is outside 0..32");
        }
        if ((prefix & ~mask(len)) != 0) {
            throw new ErrnoException(Errno.EINVAL, "invalid prefix for given prefix length: " + Prefixes.format(prefix, len)
                    + " has host bits set (use " + Prefixes.format(prefix & mask(len), len) + ")");
        }
    }
}
