package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.SkBuff;
import io.jnetstack.socket.Sock;

import java.util.random.RandomGenerator;

/**
 * The memory all TCP sockets of the namespace hold, in pages, against {@code net.ipv4.tcp_mem}
 * (min, pressure, max). Mirrors the protocol memory accounting of {@code net/core/sock.c} as
 * {@code tcp_prot} uses it: {@code tcp_memory_allocated}, {@code tcp_memory_pressure},
 * {@code tcp_sockets_allocated}, each socket's {@code sk_forward_alloc}.
 *
 * <p>A socket charges the truesize of every buffer on its receive, out-of-order and write queues
 * to its forward allocation; when that runs out it schedules whole pages from the namespace
 * ({@link #schedule}, {@code __sk_mem_schedule}); what it frees goes back a page at a time once
 * a page is free ({@link #uncharge}, {@code sk_mem_uncharge} → {@code sk_mem_reclaim}), so a
 * socket never holds a page it does not use. The data path costs two additions per buffer.
 *
 * <pre>
 *   allocated &lt;= tcp_mem[0]   fine; memory pressure (if any) ends
 *   allocated &gt;  tcp_mem[1]   memory pressure: send buffers stop growing and shrink,
 *                              each socket gets at most its share of tcp_mem[2]
 *   allocated &gt;  tcp_mem[2]   refused: incoming data dropped (TCPRcvQDrop, TCPOFODrop),
 *                              senders wait ({@code sk_stream_wait_memory}) or get EAGAIN
 * </pre>
 */
final class TcpMem {
    /** The accounting unit ({@code PAGE_SIZE}, {@code SK_MEM_QUANTUM}). */
    static final int PAGE = 4096;

    private final Tcp tcp;
    private final RandomGenerator random;
    /** Pages charged by all sockets ({@code tcp_memory_allocated}). */
    private long allocated;
    /** When memory pressure began, 0 when there is none ({@code tcp_memory_pressure}). */
    private long pressureSince;
    /** TCP sockets alive, listeners included ({@code tcp_sockets_allocated}). */
    private int sockets;

    TcpMem(Tcp tcp) {
        this.tcp = tcp;
        this.random = tcp.kernel.random("tcp memory " + tcp.net.name());
    }

    /** Pages charged by all TCP sockets of the namespace. */
    long allocated() {
        return allocated;
    }

    /** TCP sockets alive. */
    int sockets() {
        return sockets;
    }

    /** Whether TCP is under memory pressure ({@code tcp_under_memory_pressure}). */
    boolean underPressure() {
        return pressureSince != 0;
    }

    /** Pages for {@code bytes} ({@code sk_mem_pages}). */
    static long pages(long bytes) {
        return (bytes + PAGE - 1) / PAGE;
    }

    private long limit(int i) {
        return tcp.sysctl.mem.get(i);
    }

    /** A socket was made ({@code sk_sockets_allocated_inc}, in {@code tcp_init_sock} and on clone). */
    void socketCreated() {
        sockets++;
    }

    /** A socket was destroyed ({@code sk_sockets_allocated_dec} in {@code tcp_v4_destroy_sock}). */
    void socketDestroyed() {
        sockets--;
    }

    // ================================================================ charging

    /**
     * Makes room for {@code size} more bytes on one of the socket's queues, taking pages from
     * the namespace when its forward allocation is short. Mirrors {@code sk_rmem_schedule()} /
     * {@code sk_wmem_schedule()} → {@code __sk_mem_schedule()}.
     *
     * @param send for the write queue ({@code SK_MEM_SEND}), else a receive queue
     * @return false when refused (nothing was taken)
     */
    boolean schedule(TcpSock sk, int size, boolean send) {
        int delta = size - sk.forwardAlloc;
        if (delta <= 0) {
            return true;
        }
        long amt = pages(delta);
        sk.forwardAlloc += (int) (amt * PAGE);
        if (raise(sk, delta, amt, send)) {
            return true;
        }
        sk.forwardAlloc -= (int) (amt * PAGE);
        return false;
    }

    /**
     * Takes the pages whatever the limits say: the first buffer of an empty queue, a FIN, a
     * split segment. Mirrors {@code sk_forced_mem_schedule()}.
     */
    void forceSchedule(TcpSock sk, int size) {
        int delta = size - sk.forwardAlloc;
        if (delta <= 0) {
            return;
        }
        long amt = pages(delta);
        sk.forwardAlloc += (int) (amt * PAGE);
        allocated += amt;
    }

    /** Uses {@code size} bytes of the forward allocation ({@code sk_mem_charge}). */
    static void charge(TcpSock sk, int size) {
        sk.forwardAlloc -= size;
    }

    /**
     * Gives {@code size} bytes back, and the namespace every whole page now unused. Mirrors
     * {@code sk_mem_uncharge()} → {@code sk_mem_reclaim()}.
     */
    void uncharge(TcpSock sk, int size) {
        sk.forwardAlloc += size;
        if (sk.forwardAlloc >= PAGE) {
            int amt = sk.forwardAlloc / PAGE;
            sk.forwardAlloc -= amt * PAGE;
            reduce(amt);
        }
    }

    /**
     * Whether {@code amt} more pages (already added to the socket) may be had. Mirrors
     * {@code __sk_mem_raise_allocated()}: below tcp_mem[0] always; above tcp_mem[1] memory
     * pressure begins; above tcp_mem[2] never, except for a sender the (moderated) send buffer
     * stops anyway. In between a socket may still reach tcp_rmem[0] / tcp_wmem[0], and under
     * pressure its share: tcp_mem[2] divided among the sockets.
     */
    private boolean raise(TcpSock sk, int size, long amt, boolean send) {
        allocated += amt;
        if (allocated <= limit(0)) {
            leavePressure();
            return true;
        }
        if (allocated > limit(1)) {
            enterPressure();
        }
        if (allocated <= limit(2)) {
            if (send ? sk.wmemQueued < tcp.sysctl.wmem.get(0) : sk.rmem() < tcp.sysctl.rmem.get(0)) {
                return true;
            }
            if (!underPressure()) {
                return true;
            }
            long held = pages((long) sk.wmemQueued + sk.rmem() + sk.forwardAlloc);
            if (limit(2) > Math.max(sockets, 1) * held) {
                return true;
            }
        }
        if (send) {
            moderateSndbuf(sk);
            if (sk.wmemQueued + size >= sk.sndbuf()) {
                return true;   // the send buffer stops the writer anyway
            }
        }
        allocated -= amt;
        return false;
    }

    /** Pages given back. Mirrors {@code __sk_mem_reduce_allocated()}: below tcp_mem[0] the pressure ends. */
    private void reduce(long amt) {
        allocated -= amt;
        if (underPressure() && allocated < limit(0)) {
            leavePressure();
        }
    }

    /** Mirrors {@code tcp_enter_memory_pressure()}: once, counted in TCPMemoryPressures. */
    void enterPressure() {
        if (pressureSince != 0) {
            return;
        }
        pressureSince = Math.max(tcp.kernel.clock().nanos(), 1);
        tcp.ext.inc(TcpExtMib.TCPMemoryPressures);
    }

    /** Mirrors {@code tcp_leave_memory_pressure()}: its length in TCPMemoryPressuresChrono (ms). */
    private void leavePressure() {
        if (pressureSince == 0) {
            return;
        }
        long ms = (tcp.kernel.clock().nanos() - pressureSince) / 1_000_000L;
        pressureSince = 0;
        tcp.ext.add(TcpExtMib.TCPMemoryPressuresChrono, Math.max(ms, 0));
    }

    /**
     * Shrinks the send buffer to half of what is queued (at least SOCK_MIN_SNDBUF) unless the
     * user set SO_SNDBUF. Mirrors {@code sk_stream_moderate_sndbuf()}.
     */
    static void moderateSndbuf(TcpSock sk) {
        if (sk.sndbufLocked()) {
            return;
        }
        int v = Math.min(sk.sndbuf(), sk.wmemQueued >> 1);
        sk.setSndbuf(Math.max(v, Sock.SOCK_MIN_SNDBUF));
    }

    /**
     * Whether the send buffer may grow. Mirrors the memory part of
     * {@code tcp_should_expand_sndbuf()}: not under pressure, not beyond tcp_mem[0].
     */
    boolean sndbufMayGrow() {
        return !underPressure() && allocated < limit(0);
    }

    /**
     * Whether an orphan holds memory TCP cannot spare. Mirrors {@code tcp_out_of_memory()}:
     * more than SOCK_MIN_SNDBUF queued while above tcp_mem[2].
     */
    boolean outOfMemory(TcpSock sk) {
        return sk.wmemQueued > Sock.SOCK_MIN_SNDBUF && allocated > limit(2);
    }

    /**
     * How long a writer refused by tcp_mem sleeps before trying again. Mirrors
     * {@code sk_stream_wait_memory()}'s {@code vm_wait}: 2 to 201 jiffies (HZ 1000).
     */
    long vmWaitNanos() {
        return (2 + random.nextInt(200)) * 1_000_000L;
    }

    /**
     * What a buffer leaving the head of the write queue gives back: its charge, or nothing when
     * the next buffer continues its size_goal run, which then takes the charge on. Linux's
     * buffer of that run is freed only once all of it is acknowledged ({@code tcp_trim_head()}
     * frees whole page fragments only), so a blocked writer wakes as late as on Linux.
     */
    static int handOn(TcpSock sk, SkBuff skb) {
        int ts = charged(skb);
        SkBuff next = sk.writeQueue.peek();
        if (next != null && (next.cb[TcpSock.CB_FLAGS] & TcpSock.CB_F_RUN) != 0) {
            next.cb[TcpSock.CB_TRUESIZE] += ts;
            return 0;
        }
        return ts;
    }

    /** The truesize a buffer was charged with (kept in its control block). */
    static int charged(SkBuff skb) {
        return (int) skb.cb[TcpSock.CB_TRUESIZE];
    }
}
