package io.jnetstack.core;

import java.util.Arrays;

/**
 * A packet buffer. Mirrors {@code struct sk_buff}.
 *
 * <pre>
 *   head                data                 tail                  end
 *    |<--- headroom --->|<----- linear ------>|<---- tailroom ---->|
 *                       |<------------------ len ------------------------->  (+ frags)
 * </pre>
 *
 * Headers are pushed in front of {@code data} on the way out and pulled on the way in; the
 * mac/network/transport header marks are offsets into the linear buffer. Data beyond the linear
 * part lives in page fragments ({@link #addFrag}), so socket data need not be copied into
 * segments. Clones share the data ({@link #cloneSkb}); writers unshare first
 * ({@link #ensureWritable}). Buffers come from and return to a {@link SkBuffPool}.
 *
 * <p>Not thread-safe: a buffer is owned by one context at a time, under the {@link Kernel} lock.
 * Misuse that Linux would answer with {@code skb_over_panic} throws {@link IllegalStateException};
 * operations on received bytes that may legitimately fail ({@link #pull}, {@link #mayPull})
 * report failure by their return value.
 */
public final class SkBuff {
    /** Words in the per-layer control block (Linux has 48 bytes; we give each layer 8 longs). */
    public static final int CB_WORDS = 8;

    final SkBuffPool pool;
    SkbShared shinfo;
    byte[] head;
    int data;
    int tail;
    int end;
    int len;
    int dataLen;
    boolean cloned;
    int users;

    private int macHeader = -1;
    private int networkHeader = -1;
    private int transportHeader = -1;

    /** EtherType of the payload, host order ({@code skb->protocol}). */
    public int protocol;
    /** How the frame was addressed ({@code skb->pkt_type}). */
    public PktType pktType = PktType.HOST;
    /** The device the packet is leaving by or arrived on. */
    public NetDevice dev;
    /** The routing decision for this packet ({@code skb_dst()}), or null before routing. */
    public Dst dst;
    /** Queueing priority ({@code skb->priority}); pfifo_fast maps it to a band. */
    public int priority;
    /** Firewall mark ({@code skb->mark}). */
    public int mark;
    /** Time stamp in clock nanoseconds ({@code skb->tstamp}); netem uses it as the send time. */
    public long tstamp;
    /** Checksum state ({@code skb->ip_summed}). */
    public CsumState ipSummed = CsumState.NONE;
    /** Where checksumming starts for CHECKSUM_PARTIAL, relative to head. */
    public int csumStart;
    /** Offset of the checksum field from csumStart for CHECKSUM_PARTIAL. */
    public int csumOffset;
    /** Per-layer control block ({@code skb->cb}); each layer defines its own word layout. */
    public final long[] cb = new long[CB_WORDS];
    /**
     * The socket this buffer is charged to ({@code skb->sk}), or null. Clones and copies do not
     * inherit it, as {@code skb_clone()} clears it.
     */
    public Object sk;
    /**
     * Called once when the last reference goes ({@code skb->destructor}, e.g. {@code sock_wfree}
     * returning send-buffer space), then cleared. Not inherited by clones.
     */
    public Destructor destructor;
    /** The sending socket turned IP_MULTICAST_LOOP off: {@code ip_mc_output} loops no copy back. */
    public boolean noMcLoop;
    /** Journey id for tracing, 0 until first traced. Clones keep it. */
    public long traceId;
    /** Journey id of the packet whose processing created this one, 0 if none. */
    public long traceParent;

    // Intrusive links for SkbQueue (struct sk_buff_head).
    SkBuff next;
    SkBuff prev;
    SkbQueue list;

    SkBuff(SkBuffPool pool) {
        this.pool = pool;
    }

    void attach(SkbShared s, int headroom) {
        shinfo = s;
        head = s.buf;
        data = headroom;
        tail = headroom;
        end = s.buf.length;
        len = 0;
        dataLen = 0;
        users = 1;
    }

    // ---------------------------------------------------------------- geometry

    /** The backing array of the linear part: offsets returned by this class index into it. */
    public byte[] buf() {
        return head;
    }

    /** Offset of the first byte of data in {@link #buf()}. */
    public int data() {
        return data;
    }

    /** Offset just past the linear data in {@link #buf()}. */
    public int tail() {
        return tail;
    }

    /** Approximate bookkeeping of header structures, as Linux's SKB_TRUESIZE overhead. */
    public static final int TRUESIZE_OVERHEAD = 576;

    /**
     * Memory this buffer accounts for against socket and queue limits: its linear buffer, its
     * fragments and the header overhead. Mirrors {@code skb->truesize}.
     */
    public int truesize() {
        return end + dataLen + TRUESIZE_OVERHEAD;
    }

    /** Total length: linear plus fragments. */
    public int len() {
        return len;
    }

    /** Bytes in page fragments. */
    public int dataLen() {
        return dataLen;
    }

    /** Bytes in the linear part. Mirrors {@code skb_headlen()}. */
    public int headLen() {
        return len - dataLen;
    }

    /** Free bytes in front of data. Mirrors {@code skb_headroom()}. */
    public int headroom() {
        return data;
    }

    /** Free bytes after the linear data; 0 once fragments are attached. Mirrors {@code skb_tailroom()}. */
    public int tailroom() {
        return dataLen > 0 ? 0 : end - tail;
    }

    /** Reserves headroom in an empty buffer. Mirrors {@code skb_reserve()}. */
    public void reserve(int n) {
        if (len != 0 || tail + n > end || n < 0) {
            throw new IllegalStateException("skb_reserve(" + n + ") on a non-empty or too small buffer");
        }
        data += n;
        tail += n;
    }

    /**
     * Extends the data at the tail by {@code n} bytes and returns the offset of the new bytes.
     * Mirrors {@code skb_put()}.
     */
    public int put(int n) {
        if (dataLen > 0) {
            throw new IllegalStateException("skb_put on a buffer with fragments");
        }
        if (n < 0 || tail + n > end) {
            throw new IllegalStateException("skb_over_panic: put " + n + " with tailroom " + (end - tail));
        }
        int at = tail;
        tail += n;
        len += n;
        return at;
    }

    /** Appends bytes at the tail. Mirrors {@code skb_put_data()}. */
    public void putData(byte[] src, int off, int n) {
        System.arraycopy(src, off, head, put(n), n);
    }

    /**
     * Extends the data at the front by {@code n} bytes and returns the new data offset.
     * Mirrors {@code skb_push()}.
     */
    public int push(int n) {
        if (n < 0 || n > data) {
            throw new IllegalStateException("skb_under_panic: push " + n + " with headroom " + data);
        }
        data -= n;
        len += n;
        return data;
    }

    /**
     * Removes {@code n} bytes from the front of the linear data. Mirrors {@code skb_pull()}.
     *
     * @return the new data offset, or -1 (nothing changed) when fewer than n linear bytes exist
     */
    public int pull(int n) {
        if (n < 0 || n > headLen()) {
            return -1;
        }
        data += n;
        len -= n;
        return data;
    }

    /**
     * Makes sure at least {@code n} bytes are in the linear part, pulling them from fragments if
     * needed. Mirrors {@code pskb_may_pull()}.
     *
     * @return false when the packet is shorter than n
     */
    public boolean mayPull(int n) {
        if (n <= headLen()) {
            return true;
        }
        if (n > len) {
            return false;
        }
        return pullFromFrags(n - headLen());
    }

    /** Shortens the packet to {@code newLen}. Mirrors {@code pskb_trim()}. */
    public void trim(int newLen) {
        if (newLen < 0 || newLen > len) {
            throw new IllegalStateException("trim to " + newLen + " of " + len);
        }
        if (newLen <= headLen()) {
            dropFragsFrom(0);
            tail = data + newLen;
            len = newLen;
            return;
        }
        int keep = newLen - headLen();
        int i = 0;
        while (i < shinfo.nrFrags && keep >= shinfo.fragSize[i]) {
            keep -= shinfo.fragSize[i++];
        }
        if (keep > 0) {
            makeFragsPrivate();
            shinfo.fragSize[i++] = keep;
        }
        dropFragsFrom(i);
        len = newLen;
        recountDataLen();
    }

    // ---------------------------------------------------------------- header marks

    /** Marks the current data offset as the link-layer header. */
    public void resetMacHeader() {
        macHeader = data;
    }

    /** Marks the current data offset as the network header. */
    public void resetNetworkHeader() {
        networkHeader = data;
    }

    /** Marks the current data offset as the transport header. */
    public void resetTransportHeader() {
        transportHeader = data;
    }

    /** Sets the network header mark to an offset in {@link #buf()}. */
    public void setNetworkHeader(int offset) {
        networkHeader = offset;
    }

    /** Sets the transport header mark to an offset in {@link #buf()}. */
    public void setTransportHeader(int offset) {
        transportHeader = offset;
    }

    /** Sets the link-layer header mark to an offset in {@link #buf()}. */
    public void setMacHeader(int offset) {
        macHeader = offset;
    }

    /** Offset of the link-layer header in {@link #buf()}, or -1. */
    public int macHeader() {
        return macHeader;
    }

    /** Offset of the network header in {@link #buf()}, or -1. */
    public int networkHeader() {
        return networkHeader;
    }

    /** Offset of the transport header in {@link #buf()}, or -1. */
    public int transportHeader() {
        return transportHeader;
    }

    // ---------------------------------------------------------------- fragments

    /** Number of page fragments. */
    public int nrFrags() {
        return shinfo.nrFrags;
    }

    /**
     * Appends a page fragment, taking a page reference. Mirrors {@code skb_add_rx_frag()} /
     * {@code skb_fill_page_desc()}.
     */
    public void addFrag(Page page, int off, int size) {
        if (shinfo.nrFrags == SkbShared.MAX_FRAGS) {
            throw new IllegalStateException("more than MAX_SKB_FRAGS fragments");
        }
        if (off < 0 || size < 0 || off + size > page.bytes().length) {
            throw new IllegalStateException("fragment outside its page");
        }
        makeFragsPrivate();
        int i = shinfo.nrFrags++;
        shinfo.fragPage[i] = page.get();
        shinfo.fragOff[i] = off;
        shinfo.fragSize[i] = size;
        len += size;
        dataLen += size;
    }

    /** Mirrors MAX_SKB_FRAGS: the most page fragments one buffer holds. */
    public static final int MAX_FRAGS = SkbShared.MAX_FRAGS;

    /**
     * The linear array as a page, so another buffer can carry this one's bytes as a fragment
     * ({@link #addFrag}) without a copy: each fragment reference pins the data, which returns to
     * the pool only when this buffer and every such fragment are gone. The page is made once per
     * pooled data buffer. (Linux's linear area already lives in a page: {@code virt_to_page}.)
     */
    public Page linearPage() {
        Page p = shinfo.page;
        if (p == null) {
            p = new Page(shinfo, pool);
            shinfo.page = p;
        }
        return p;
    }

    /**
     * Removes {@code n} bytes from the front of the data, from the linear part and then from the
     * fragments. Mirrors {@code pskb_pull()} / {@code __pskb_trim_head()}.
     *
     * @return false (nothing changed) when the packet is shorter than n
     */
    public boolean pullData(int n) {
        if (n < 0 || n > len) {
            return false;
        }
        int hl = headLen();
        if (n <= hl) {
            pull(n);
            return true;
        }
        makeFragsPrivate();
        data = tail;
        len -= hl;
        int k = n - hl;
        while (k > 0) {
            int size = shinfo.fragSize[0];
            if (k >= size) {
                shinfo.fragPage[0].put();
                removeFrag0();
                k -= size;
                len -= size;
                dataLen -= size;
            } else {
                shinfo.fragOff[0] += k;
                shinfo.fragSize[0] -= k;
                len -= k;
                dataLen -= k;
                k = 0;
            }
        }
        return true;
    }

    /** The page of fragment i. */
    public Page fragPage(int i) {
        return shinfo.fragPage[i];
    }

    /** The offset in its page of fragment i. */
    public int fragOffset(int i) {
        return shinfo.fragOff[i];
    }

    /** The size of fragment i. */
    public int fragSize(int i) {
        return shinfo.fragSize[i];
    }

    /**
     * Copies {@code n} bytes starting {@code offset} bytes after data, across the linear part and
     * the fragments. Mirrors {@code skb_copy_bits()}.
     *
     * @return false when the range is outside the packet
     */
    public boolean copyBits(int offset, byte[] dst, int dstOff, int n) {
        if (offset < 0 || n < 0 || offset + n > len) {
            return false;
        }
        int hl = headLen();
        if (offset < hl) {
            int c = Math.min(n, hl - offset);
            System.arraycopy(head, data + offset, dst, dstOff, c);
            offset += c;
            dstOff += c;
            n -= c;
        }
        int pos = hl;
        for (int i = 0; i < shinfo.nrFrags && n > 0; i++) {
            int size = shinfo.fragSize[i];
            if (offset < pos + size) {
                int inFrag = offset - pos;
                int c = Math.min(n, size - inFrag);
                System.arraycopy(shinfo.fragPage[i].bytes(), shinfo.fragOff[i] + inFrag, dst, dstOff, c);
                offset += c;
                dstOff += c;
                n -= c;
            }
            pos += size;
        }
        return true;
    }

    /** The whole packet from data on, as a new array (for tests and tools; allocates). */
    public byte[] toByteArray() {
        byte[] out = new byte[len];
        copyBits(0, out, 0, len);
        return out;
    }

    // ---------------------------------------------------------------- GSO

    /** {@code SKB_GSO_TCPV4}: a TCP/IPv4 packet to be cut into gso_size segments. */
    public static final int GSO_TCPV4 = 1;
    /** {@code SKB_GSO_DODGY}: GSO metadata from an untrusted source (a TAP reader); recheck. */
    public static final int GSO_DODGY = 1 << 1;
    /** {@code SKB_GSO_TCP_ECN}: the first segment carries CWR, the others must not. */
    public static final int GSO_TCP_ECN = 1 << 2;

    /** True when this is a GSO packet. Mirrors {@code skb_is_gso()}. */
    public boolean isGso() {
        return shinfo.gsoSize != 0;
    }

    /**
     * True when the transport checksum need not be verified: the link vouched for it
     * (CHECKSUM_UNNECESSARY) or it never left this host's memory (CHECKSUM_PARTIAL, looped back
     * by loopback or veth). Mirrors {@code skb_csum_unnecessary()}.
     */
    public boolean csumUnnecessary() {
        return ipSummed == CsumState.UNNECESSARY || ipSummed == CsumState.PARTIAL;
    }

    /** Segment size for GSO, 0 when not a GSO packet. */
    public int gsoSize() {
        return shinfo.gsoSize;
    }

    /** Sets GSO metadata. */
    public void setGso(int size, int segs, int type) {
        shinfo.gsoSize = size;
        shinfo.gsoSegs = segs;
        shinfo.gsoType = type;
    }

    /** Number of segments this GSO packet stands for. */
    public int gsoSegs() {
        return shinfo.gsoSegs;
    }

    /** GSO type bits (SKB_GSO_*). */
    public int gsoType() {
        return shinfo.gsoType;
    }

    // ---------------------------------------------------------------- sharing

    /** True when another buffer shares this one's data. Mirrors {@code skb_cloned()}. */
    public boolean isCloned() {
        return cloned && shinfo.dataref > 1;
    }

    /** True when more than one user holds this buffer. Mirrors {@code skb_shared()}. */
    public boolean isShared() {
        return users > 1;
    }

    /** The number of holders of this buffer. */
    public int users() {
        return users;
    }

    /** Takes another reference on this buffer. Mirrors {@code skb_get()}. */
    public SkBuff get() {
        users++;
        return this;
    }

    /**
     * A new buffer header sharing this buffer's data. Mirrors {@code skb_clone()}: both become
     * read-only for their data until unshared with {@link #ensureWritable}.
     */
    public SkBuff cloneSkb() {
        SkBuff c = pool.header();
        c.shinfo = shinfo;
        shinfo.dataref++;
        c.head = head;
        c.data = data;
        c.tail = tail;
        c.end = end;
        c.len = len;
        c.dataLen = dataLen;
        c.users = 1;
        c.cloned = true;
        cloned = true;
        c.copyHeaderFrom(this);
        return c;
    }

    /**
     * A full private copy, data linearised. Mirrors {@code skb_copy()}.
     */
    public SkBuff copy() {
        SkBuff c = pool.allocRaw(headroom() + len, headroom());
        // skb_copy() copies from skb->head: the headers already pulled (IP, link) come along.
        System.arraycopy(head, 0, c.head, c.data - data, data);
        copyBits(0, c.head, c.data, len);
        c.tail = c.data + len;
        c.len = len;
        c.copyHeaderFrom(this);
        c.shiftMarks(this, c.data - data);
        return c;
    }

    /**
     * Copies the metadata a segment inherits from the packet it was cut from: header marks,
     * protocol, device, route, priority, mark, time stamp, checksum state, control block, trace
     * ids. Mirrors what {@code skb_segment()} copies with {@code __copy_skb_header()}; the socket
     * and destructor stay with the original.
     */
    public void copyMetadataFrom(SkBuff o) {
        copyHeaderFrom(o);
    }

    private void copyHeaderFrom(SkBuff o) {
        macHeader = o.macHeader;
        networkHeader = o.networkHeader;
        transportHeader = o.transportHeader;
        protocol = o.protocol;
        pktType = o.pktType;
        dev = o.dev;
        dst = o.dst;
        priority = o.priority;
        mark = o.mark;
        tstamp = o.tstamp;
        ipSummed = o.ipSummed;
        csumStart = o.csumStart;
        csumOffset = o.csumOffset;
        System.arraycopy(o.cb, 0, cb, 0, CB_WORDS);
        traceId = o.traceId;
        traceParent = o.traceParent;
        noMcLoop = o.noMcLoop;
    }

    private void shiftMarks(SkBuff from, int delta) {
        macHeader = from.macHeader < 0 ? -1 : from.macHeader + delta;
        networkHeader = from.networkHeader < 0 ? -1 : from.networkHeader + delta;
        transportHeader = from.transportHeader < 0 ? -1 : from.transportHeader + delta;
        csumStart = from.csumStart + delta;
    }

    /**
     * Makes the linear data private and guarantees {@code headroom} bytes in front of it,
     * reallocating if the data is shared or the room is short. Mirrors {@code skb_cow_head()} /
     * {@code pskb_expand_head()}. Fragments stay shared (they are never written in place).
     */
    public void ensureWritable(int headroom) {
        if (!isCloned() && data >= headroom) {
            return;
        }
        int newHeadroom = Math.max(headroom, data);
        int tailroom = dataLen > 0 ? 0 : end - tail;
        reallocHead(newHeadroom, newHeadroom + headLen() + tailroom);
    }

    /**
     * Makes the linear data private with at least {@code need} bytes of tailroom, reallocating
     * when short. Mirrors {@code pskb_expand_head(skb, 0, ntail)}; only for buffers without
     * fragments (a fragment list has no tail to grow).
     */
    public void ensureTailroom(int need) {
        if (dataLen > 0) {
            throw new IllegalStateException("ensureTailroom on a buffer with fragments");
        }
        if (!isCloned() && end - tail >= need) {
            return;
        }
        reallocHead(data, data + headLen() + need);
    }

    /**
     * Moves the linear data into a private buffer of {@code size} bytes at {@code newHeadroom},
     * sharing the fragments (a page reference each) and moving the header marks along.
     */
    private void reallocHead(int newHeadroom, int size) {
        int hl = headLen();
        SkbShared old = shinfo;
        SkbShared s = pool.shared(size);
        // pskb_expand_head() moves the headroom too: headers already pulled stay readable.
        int keep = Math.min(data, newHeadroom);
        System.arraycopy(head, data - keep, s.buf, newHeadroom - keep, keep + hl);
        for (int i = 0; i < old.nrFrags; i++) {
            s.fragPage[i] = old.fragPage[i].get();
            s.fragOff[i] = old.fragOff[i];
            s.fragSize[i] = old.fragSize[i];
        }
        s.nrFrags = old.nrFrags;
        s.gsoSize = old.gsoSize;
        s.gsoSegs = old.gsoSegs;
        s.gsoType = old.gsoType;
        int delta = newHeadroom - data;
        macHeader = macHeader < 0 ? -1 : macHeader + delta;
        networkHeader = networkHeader < 0 ? -1 : networkHeader + delta;
        transportHeader = transportHeader < 0 ? -1 : transportHeader + delta;
        csumStart += delta;
        pool.releaseShared(old);
        shinfo = s;
        head = s.buf;
        data = newHeadroom;
        tail = newHeadroom + hl;
        end = s.buf.length;
        cloned = false;
    }

    private void makeFragsPrivate() {
        if (isCloned()) {
            ensureWritable(data);
        }
    }

    private boolean pullFromFrags(int need) {
        if (isCloned() || end - tail < need) {
            reallocHead(data, data + headLen() + need + 64);
        }
        int copied = 0;
        while (copied < need) {
            int size = shinfo.fragSize[0];
            int c = Math.min(size, need - copied);
            System.arraycopy(shinfo.fragPage[0].bytes(), shinfo.fragOff[0], head, tail, c);
            tail += c;
            copied += c;
            if (c == size) {
                shinfo.fragPage[0].put();
                removeFrag0();
            } else {
                shinfo.fragOff[0] += c;
                shinfo.fragSize[0] -= c;
            }
        }
        dataLen -= need;
        return true;
    }

    private void removeFrag0() {
        int n = --shinfo.nrFrags;
        System.arraycopy(shinfo.fragPage, 1, shinfo.fragPage, 0, n);
        System.arraycopy(shinfo.fragOff, 1, shinfo.fragOff, 0, n);
        System.arraycopy(shinfo.fragSize, 1, shinfo.fragSize, 0, n);
        shinfo.fragPage[n] = null;
    }

    private void dropFragsFrom(int first) {
        if (first >= shinfo.nrFrags) {
            return;
        }
        makeFragsPrivate();
        for (int i = first; i < shinfo.nrFrags; i++) {
            shinfo.fragPage[i].put();
            shinfo.fragPage[i] = null;
        }
        shinfo.nrFrags = first;
        recountDataLen();
    }

    private void recountDataLen() {
        int d = 0;
        for (int i = 0; i < shinfo.nrFrags; i++) {
            d += shinfo.fragSize[i];
        }
        dataLen = d;
    }

    // ---------------------------------------------------------------- lifetime

    /**
     * Releases this holder's reference; the last one returns the buffer to its pool.
     * Mirrors {@code consume_skb()} (a normal end). Drops go through {@link Net#drop}.
     */
    public void free() {
        if (users <= 0) {
            throw new IllegalStateException("skb freed twice");
        }
        if (list != null) {
            throw new IllegalStateException("skb freed while still on a queue");
        }
        if (--users == 0) {
            Destructor d = destructor;
            if (d != null) {
                destructor = null;
                d.destruct(this);
            }
            pool.release(this);
        }
    }

    /**
     * Detaches the buffer from its socket now, running the destructor (returning send-buffer
     * space). Mirrors {@code skb_orphan()}, done where a packet leaves its sender for good
     * (veth and loopback transmit).
     */
    public void orphan() {
        Destructor d = destructor;
        if (d != null) {
            destructor = null;
            d.destruct(this);
        }
        sk = null;
    }

    void resetHeader() {
        shinfo = null;
        head = null;
        data = tail = end = len = dataLen = 0;
        cloned = false;
        macHeader = networkHeader = transportHeader = -1;
        protocol = 0;
        pktType = PktType.HOST;
        dev = null;
        dst = null;
        priority = 0;
        mark = 0;
        tstamp = 0;
        ipSummed = CsumState.NONE;
        csumStart = csumOffset = 0;
        Arrays.fill(cb, 0L);
        traceId = 0;
        traceParent = 0;
        sk = null;
        destructor = null;
        noMcLoop = false;
        next = prev = null;
        list = null;
    }

    @Override
    public String toString() {
        return "SkBuff[len=" + len + " headLen=" + headLen() + " frags=" + (shinfo == null ? 0 : shinfo.nrFrags)
                + " proto=0x" + Integer.toHexString(protocol) + " dev=" + (dev == null ? "-" : dev.name()) + "]";
    }

    /** What runs when a buffer's last reference goes. Mirrors {@code skb->destructor}. */
    @FunctionalInterface
    public interface Destructor {
        /** The buffer is about to return to its pool; its fields are still valid. */
        void destruct(SkBuff skb);
    }
}
