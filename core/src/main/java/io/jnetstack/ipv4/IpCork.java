package io.jnetstack.ipv4;

import io.jnetstack.core.Errno;
import io.jnetstack.core.SkBuff;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Ipv4;

import java.nio.ByteBuffer;

/**
 * A datagram being built by a socket: its route, addresses and IP parameters, and the data
 * appended so far. Mirrors {@code struct inet_cork} with {@code ip_append_data()},
 * {@code ip_push_pending_frames()} and {@code ip_flush_pending_frames()}.
 *
 * <p>The data gathers in one buffer with room for the link, IP and transport headers in front;
 * a datagram longer than the path MTU is fragmented on the way out by {@code ip_fragment}, as
 * Linux does with the frag list {@code __ip_append_data} prepares. With IP_PMTUDISC_DO or PROBE
 * (DF always) a datagram that does not fit fails at append time with EMSGSIZE.
 */
public final class IpCork {
    /** Allocates buffers charged to the socket ({@code sock_alloc_send_skb}). */
    public interface Allocator {
        /** A buffer with {@code headroom} free in front and room for {@code size} bytes. */
        SkBuff alloc(int headroom, int size);
    }

    private final Inet inet;
    private SkBuff skb;
    private Rtable rt;
    private int saddr;
    private int daddr;
    private int ttl;
    private int tos;
    private int priority;
    private int mark;
    private int protocol;
    private boolean dfAlways;
    private boolean noDf;
    private boolean noMcLoop;
    private int transHdrLen;
    private int length;
    private int capacity;

    /** A cork for sockets of {@code inet}. */
    public IpCork(Inet inet) {
        this.inet = inet;
    }

    /** True while a datagram is being built. */
    public boolean pending() {
        return skb != null;
    }

    /** The route of the datagram being built. */
    public Rtable route() {
        return rt;
    }

    /** Destination of the datagram being built. */
    public int daddr() {
        return daddr;
    }

    /** Source of the datagram being built. */
    public int saddr() {
        return saddr;
    }

    /** Bytes appended so far, the transport header included. */
    public int length() {
        return length;
    }

    /**
     * Starts a datagram. Mirrors {@code ip_setup_cork()}.
     *
     * @param pmtudisc IP_PMTUDISC_* of the socket: 0 DONT, 1 WANT, 2 DO, 3 PROBE
     */
    public void setup(Rtable route, int src, int dst, int protocol, int ttl, int tos, int priority, int mark,
                      int pmtudisc, boolean noMcLoop, int transHdrLen) {
        this.rt = route;
        this.saddr = src;
        this.daddr = dst;
        this.protocol = protocol;
        this.ttl = ttl;
        this.tos = tos;
        this.priority = priority;
        this.mark = mark;
        this.dfAlways = pmtudisc >= 2;
        this.noDf = pmtudisc == 0;
        this.noMcLoop = noMcLoop;
        this.transHdrLen = transHdrLen;
        this.length = 0;
    }

    /** The MTU that counts for DF decisions: the route's, or the device's for PMTUDISC_PROBE. */
    private int mtu() {
        return rt.mtu();
    }

    /**
     * Appends {@code len} bytes from {@code iov}. Mirrors {@code ip_append_data()}: the first
     * append reserves the transport header; EMSGSIZE when the datagram would exceed 65,535
     * bytes, or the path MTU when DF is forced (the error is also returned for IP_RECVERR).
     * The trace point carries the datagram's buffer, allocated first on the first append, so
     * it belongs to the datagram's journey.
     *
     * @param traceAs the buffer to name in the trace when the append fails before one exists
     * @return 0, or a negative errno
     */
    public int append(ByteBuffer[] iov, int len, Allocator alloc, SkBuff traceAs) {
        Tracer t = inet.kernel.tracer();
        int first = skb == null ? transHdrLen : 0;
        int total = length + first + len;
        if (total > Ipv4.MAX_TOTAL_LEN - Ipv4.HEADER_LEN || (dfAlways && total + Ipv4.HEADER_LEN > mtu())) {
            t.point(Stage.IP_APPEND_DATA, skb != null ? skb : traceAs, inet.net.name(), rt.dev.name(), "EMSGSIZE");
            return -Errno.EMSGSIZE.code();
        }
        int headroom = IpOutput.LL_RESERVED + Ipv4.HEADER_LEN + transHdrLen;
        if (skb == null) {
            capacity = Math.max(first + len, 0);
            skb = alloc.alloc(headroom - transHdrLen, capacity);
            if (skb == null) {
                t.point(Stage.IP_APPEND_DATA, traceAs, inet.net.name(), rt.dev.name(), "ENOBUFS");
                return -Errno.ENOBUFS.code();
            }
        }
        t.enter(Stage.IP_APPEND_DATA, skb, inet.net.name(), rt.dev.name());
        try {
            if (total > capacity) {
                SkBuff bigger = alloc.alloc(headroom - transHdrLen, Math.max(total, Math.min(2 * capacity, Ipv4.MAX_TOTAL_LEN)));
                if (bigger == null) {
                    return -Errno.ENOBUFS.code();
                }
                int at = bigger.put(skb.len());
                skb.copyBits(0, bigger.buf(), at, skb.len());
                bigger.traceId = skb.traceId;
                bigger.traceParent = skb.traceParent;
                skb.free();
                skb = bigger;
                capacity = Math.max(total, Math.min(2 * capacity, Ipv4.MAX_TOTAL_LEN));
            }
            if (first > 0) {
                skb.put(first);
            }
            int at = skb.put(len);
            byte[] b = skb.buf();
            int done = 0;
            for (ByteBuffer src : iov) {
                int n = Math.min(src.remaining(), len - done);
                src.get(b, at + done, n);
                done += n;
                if (done == len) {
                    break;
                }
            }
            length = total;
            return 0;
        } finally {
            t.exit();
        }
    }

    /**
     * The transport header's offset in {@link SkBuff#buf()} of the datagram being built, for the
     * protocol to fill before {@link #push}.
     */
    public SkBuff skb() {
        return skb;
    }

    /**
     * Puts the IP header on the datagram and sends it. Mirrors {@code ip_push_pending_frames()}
     * → {@code __ip_make_skb()} → {@code ip_send_skb()} → {@code ip_local_out()}: DF as the
     * socket's PMTU discovery mode says (WANT: DF when the datagram fits the path MTU), TTL
     * and TOS, the next IP ID.
     *
     * @param connected whether the socket is connected (it then numbers its own datagrams)
     * @return 0, or a negative errno (ENOBUFS when the device queue dropped it)
     */
    public int push(boolean connected) {
        SkBuff s = skb;
        skb = null;
        if (s == null) {
            return 0;
        }
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.IP_PUSH_PENDING_FRAMES, s, inet.net.name(), rt.dev.name());
        try {
            if (protocol == Ipv4.PROTO_ICMP && s.len() > 0) {
                inet.icmp.outCount(s.buf()[s.data()] & 0xff);   // as __ip_make_skb() does
            }
            int totalLen = s.len() + Ipv4.HEADER_LEN;
            boolean df = !noDf && (dfAlways || totalLen <= mtu());
            int off = s.push(Ipv4.HEADER_LEN);
            // ip_select_ident_segs(): connected sockets count their own IDs, DF datagrams of
            // unconnected ones carry 0, the rest draw from the hashed generator.
            int id = df && !connected ? 0 : inet.nextIdent(saddr, daddr, protocol);
            Ipv4.writeHeader(s.buf(), off, tos, totalLen, id, df ? Ipv4.FLAG_DF : 0, ttl, protocol, saddr, daddr);
            s.dst = rt;
            s.priority = priority;
            s.mark = mark;
            s.noMcLoop = noMcLoop;
            length = 0;
            int rc = inet.output.localOut(s);
            return rc > 0 ? -Errno.ENOBUFS.code() : Math.min(rc, 0);
        } finally {
            t.exit();
        }
    }

    /** Discards the datagram being built. Mirrors {@code ip_flush_pending_frames()}. */
    public void flush() {
        if (skb != null) {
            skb.free();
            skb = null;
        }
        length = 0;
    }
}
