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
    private int pmtudisc;
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
        this.pmtudisc = pmtudisc;
        this.noMcLoop = noMcLoop;
        this.transHdrLen = transHdrLen;
        this.length = 0;
    }

    /** IP_PMTUDISC_* values. */
    private static final int PMTUDISC_WANT = 1;
    private static final int PMTUDISC_DO = 2;
    private static final int PMTUDISC_PROBE = 3;
    private static final int PMTUDISC_OMIT = 5;

    /**
     * Whether the datagram may be fragmented locally whatever its DF bit. Mirrors
     * {@code ip_sk_ignore_df()}: below IP_PMTUDISC_DO, or OMIT.
     */
    private boolean ignoreDf() {
        return pmtudisc < PMTUDISC_DO || pmtudisc == PMTUDISC_OMIT;
    }

    /**
     * The MTU datagrams are cut to ({@code cork->fragsize}): the path MTU below
     * IP_PMTUDISC_PROBE ({@code ip_sk_use_pmtu()}), else the device's.
     */
    private int fragsize() {
        return pmtudisc < PMTUDISC_PROBE ? rt.mtu() : rt.dev.mtu();
    }

    /**
     * The largest datagram, IP header included, the socket may build: 65,535 bytes when it may
     * be fragmented, else {@link #fragsize()}. Mirrors {@code maxnonfragsize} in
     * {@code __ip_append_data()}; the caller reports it as the MTU of an EMSGSIZE.
     */
    public int maxSize() {
        return ignoreDf() ? Ipv4.MAX_TOTAL_LEN : fragsize();
    }

    /** The MTU to report with an EMSGSIZE for IP_RECVERR ({@code ip_local_error}'s info). */
    public int mtu() {
        return fragsize();
    }

    /**
     * Appends {@code len} bytes from {@code iov}. Mirrors {@code ip_append_data()}: the first
     * append reserves the transport header; EMSGSIZE when the datagram would exceed 65,535
     * bytes, or the MTU when it may not be fragmented (IP_PMTUDISC_DO, PROBE, INTERFACE).
     *
     * @return 0, or a negative errno
     */
    public int append(ByteBuffer[] iov, int len, Allocator alloc, io.jnetstack.core.SkBuff traceAs) {
        long id = traceAs != null ? traceAs.traceId : skb == null ? inet.kernel.tracer().reserveId() : 0;
        return append(iov, len, alloc, id);
    }

    /**
     * {@link #append(ByteBuffer[], int, Allocator, SkBuff)} for a datagram traced under a
     * journey id reserved before its buffer existed ({@link Tracer#reserveId()}): the first
     * append is recorded under that id and the buffer adopts it.
     */
    public int append(ByteBuffer[] iov, int len, Allocator alloc, long traceId) {
        Tracer t = inet.kernel.tracer();
        if (skb != null) {
            t.enter(Stage.IP_APPEND_DATA, skb, inet.net.name(), rt.dev.name());
        } else {
            t.enter(Stage.IP_APPEND_DATA, traceId, inet.net.name(), rt.dev.name());
        }
        try {
            int first = skb == null ? transHdrLen : 0;
            int total = length + first + len;
            if (total > maxSize() - Ipv4.HEADER_LEN) {
                return -Errno.EMSGSIZE.code();
            }
            int headroom = IpOutput.LL_RESERVED + Ipv4.HEADER_LEN + transHdrLen;
            if (skb == null) {
                capacity = Math.max(first + len, 0);
                skb = alloc.alloc(headroom - transHdrLen, capacity);
                if (skb == null) {
                    return -Errno.ENOBUFS.code();
                }
                skb.traceId = traceId;
            } else if (total > capacity) {
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
     * socket's PMTU discovery mode says (DO and PROBE: always; WANT: when the datagram fits the
     * path MTU; DONT, INTERFACE, OMIT: never), TTL and TOS, the IP ID as
     * {@code ip_select_ident_segs()} picks it.
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
            boolean df = pmtudisc == PMTUDISC_DO || pmtudisc == PMTUDISC_PROBE
                    || (pmtudisc == PMTUDISC_WANT && totalLen <= rt.mtu());
            int off = s.push(Ipv4.HEADER_LEN);
            // ip_select_ident_segs(): connected sockets number their own datagrams; DF datagrams
            // that may not be fragmented carry 0; the rest draw from the hashed generator.
            int id = df && !connected && !ignoreDf() ? 0 : inet.nextIdent(saddr, daddr, protocol);
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
