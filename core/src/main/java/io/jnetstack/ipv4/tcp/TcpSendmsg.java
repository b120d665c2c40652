package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.SkBuff;
import io.jnetstack.socket.Msghdr;
import io.jnetstack.socket.Sock;
import io.jnetstack.socket.Socket;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Tcp;

import java.nio.ByteBuffer;

/**
 * Mirrors {@code tcp_sendmsg_locked()}: the user's bytes are copied once into write-queue
 * buffers of up to one MSS (the tail is filled first unless a write with MSG_EOR ended there:
 * {@code tcp_skb_can_collapse_to()}), charged to SO_SNDBUF; then {@code tcp_push()} sends what
 * Nagle, TCP_CORK and MSG_MORE allow.
 */
final class TcpSendmsg {
    private TcpSendmsg() {
    }

    static int sendmsg(TcpSock sk, Msghdr msg, int flags, long deadline) {
        Tracer t = sk.tcp.kernel.tracer();
        t.enter(Stage.TCP_SENDMSG, null, sk.net().name(), "");
        try {
            return send(sk, msg, flags, deadline);
        } finally {
            t.exit();
        }
    }

    private static int send(TcpSock sk, Msghdr msg, int flags, long deadline) {
        if (sk.state == TcpState.SYN_SENT || sk.state == TcpState.SYN_RECV) {
            // sk_stream_wait_connect(): counted in sk_write_pending while waiting.
            sk.writePending++;
            try {
                if (!sk.sleepWhile(() -> sk.state == TcpState.SYN_SENT || sk.state == TcpState.SYN_RECV, deadline)) {
                    throw deadline == -1 ? new ErrnoException(Errno.EAGAIN, "the connection is not established yet")
                            : sk.sndTimedOut("send (waiting for the connection)");
                }
            } finally {
                sk.writePending--;
            }
        }
        checkWritable(sk);
        long total = msg.remaining();
        int copied = 0;
        ByteBuffer[] iov = msg.iov();
        while (copied < total) {
            SkBuff tail = sk.writeQueue.peekLast();
            int mss = sk.mssCache;
            boolean open = tail != null && sk.sendHead != null
                    && (tail.cb[TcpSock.CB_FLAGS] & (Tcp.FIN | Tcp.SYN | TcpSock.CB_F_EOR)) == 0;
            boolean append = open && tail.len() < mss && tail.tailroom() > 0;
            // Linux fills buffers of size_goal bytes and asks sk_stream_memory_free() only before
            // a new one: a buffer continuing the tail's run is taken even past SO_SNDBUF.
            long left = append || !open ? 0 : tail.cb[TcpSock.CB_GOAL_LEFT];
            int n = (int) Math.min(append ? Math.min(mss - tail.len(), tail.tailroom()) : mss, total - copied);
            int charge = append || left > 0 ? n : n + SkBuff.TRUESIZE_OVERHEAD;
            boolean room = append || left > 0 || sk.wmemQueued < sk.sndbuf();
            if (!room || !schedule(sk, charge)) {
                if (copied > 0) {
                    push(sk, flags & ~Socket.MSG_MORE);   // before sleeping, as tcp_sendmsg_locked()
                }
                if (!waitMemory(sk, deadline)) {
                    if (copied > 0) {
                        break;
                    }
                    if (deadline != -1) {
                        throw sk.sndTimedOut("send");
                    }
                    throw new ErrnoException(Errno.EAGAIN, room
                            ? "TCP is out of memory (net.ipv4.tcp_mem " + sk.tcp.sysctl.mem.text().replace('\t', ' ') + " pages)"
                            : "the send buffer (SO_SNDBUF " + sk.sndbuf() + ") is full");
                }
                checkWritable(sk);
                continue;
            }
            if (!append) {
                long goal = left > 0 ? left : sizeGoal(sk, mss);
                tail = sk.tcp.kernel.skbs().alloc(TcpOutput.MAX_HEADER, mss);
                tail.cb[TcpSock.CB_SEQ] = sk.writeSeq;
                tail.cb[TcpSock.CB_END_SEQ] = sk.writeSeq;
                tail.cb[TcpSock.CB_GOAL_LEFT] = goal;
                if (left > 0) {
                    tail.cb[TcpSock.CB_FLAGS] = TcpSock.CB_F_RUN;
                }
                sk.tcp.output.slowStartAfterIdleCheck(sk);   // tcp_skb_entail()
                sk.writeQueue.addLast(tail);
                if (sk.sendHead == null) {
                    sk.sendHead = tail;
                }
            }
            tail.cb[TcpSock.CB_TRUESIZE] += charge;
            sk.wmemQueued += charge;
            TcpMem.charge(sk, charge);
            int at = tail.put(n);
            TcpSock.copyIn(iov, tail.buf(), at, n);
            tail.cb[TcpSock.CB_END_SEQ] = (int) tail.cb[TcpSock.CB_END_SEQ] + n;
            tail.cb[TcpSock.CB_GOAL_LEFT] = Math.max(tail.cb[TcpSock.CB_GOAL_LEFT] - n, 0);
            sk.writeSeq += n;
            copied += n;
        }
        if (copied > 0) {
            if ((flags & Socket.MSG_EOR) != 0) {
                sk.writeQueue.peekLast().cb[TcpSock.CB_FLAGS] |= TcpSock.CB_F_EOR;
            }
            push(sk, flags);
        }
        return copied;
    }

    private static void checkWritable(TcpSock sk) {
        Errno e = sk.takeErr();
        if (e != null) {
            throw new ErrnoException(e, e == Errno.ECONNRESET ? "the peer reset the connection" : e.text());
        }
        if ((sk.shutdownBits() & Sock.SEND_SHUTDOWN) != 0) {
            throw new ErrnoException(Errno.EPIPE, "the socket was shut down for writing");
        }
        if (sk.state != TcpState.ESTABLISHED && sk.state != TcpState.CLOSE_WAIT) {
            throw new ErrnoException(Errno.EPIPE, "the socket is not connected (state " + sk.state.ssName() + ")");
        }
    }

    /**
     * Takes the memory for {@code charge} more bytes of the write queue. Linux copies a write
     * into buffers of up to {@code size_goal} bytes whose truesize is about their payload plus
     * one skb's overhead ({@code tcp_stream_alloc_skb()}, then {@code sk_wmem_schedule()} and
     * {@code sk_wmem_queued_add()} per copy), so SO_SNDBUF holds about as many bytes of data. Here
     * one MSS goes per buffer: a buffer that starts a new size_goal run is charged the skb
     * overhead and its payload, one continuing a run only its payload. The first buffer of an
     * empty queue is always charged ({@code sk_forced_mem_schedule}); more only as
     * net.ipv4.tcp_mem allows.
     *
     * @return false when TCP's memory refused it
     */
    private static boolean schedule(TcpSock sk, int charge) {
        if (sk.writeQueue.isEmpty()) {
            sk.tcp.mem.forceSchedule(sk, charge);
            return true;
        }
        return sk.tcp.mem.schedule(sk, charge, true);
    }

    /**
     * Mirrors {@code tcp_xmit_size_goal()}: with GSO, whole MSS segments up to the device's GSO
     * size and half the peer's largest window ({@code tcp_bound_to_half_wnd()}); one MSS
     * otherwise.
     */
    static int sizeGoal(TcpSock sk, int mss) {
        io.jnetstack.ipv4.Rtable rt = sk.tcp.output.route(sk);
        if (rt == null || mss <= 0 || !io.jnetstack.ipv4.offload.TcpOffload.canGso(rt.dev.features())) {
            return Math.max(mss, 1);
        }
        int goal = rt.dev.gsoMaxSize() - 1 - TcpOutput.MAX_HEADER;
        int cutoff = sk.maxWindow > 536 ? sk.maxWindow >> 1 : sk.maxWindow;
        if (cutoff > 0 && goal > cutoff) {
            goal = Math.max(cutoff, 68 - 20);
        }
        return Math.max(goal / mss, 1) * mss;
    }

    /**
     * Mirrors {@code sk_stream_wait_memory()}: waits for the send buffer to drain; when it has
     * room and tcp_mem refused the buffer, sleeps {@code vm_wait} (a few to 200 ms) and lets
     * the caller try again.
     *
     * @return false when the call may wait no longer (EAGAIN)
     */
    private static boolean waitMemory(TcpSock sk, long deadline) {
        java.util.function.BooleanSupplier open = () -> sk.pendingError() == null
                && (sk.shutdownBits() & Sock.SEND_SHUTDOWN) == 0
                && (sk.state == TcpState.ESTABLISHED || sk.state == TcpState.CLOSE_WAIT);
        if (sk.wmemQueued < sk.sndbuf()) {
            if (deadline == -1) {
                return false;
            }
            long wake = sk.now() + sk.tcp.mem.vmWaitNanos();
            boolean userLimit = deadline <= wake;
            return sk.sleepWhile(open, Math.min(deadline, wake)) || !userLimit;
        }
        return sk.sleepWhile(() -> sk.wmemQueued >= sk.sndbuf() && open.getAsBoolean(), deadline)
                && sk.wmemQueued < sk.sndbuf();
    }

    /**
     * Mirrors {@code tcp_push()}: MSG_MORE and TCP_CORK hold a final partial segment; otherwise
     * Nagle decides in {@code tcp_write_xmit()}. MSG_OOB makes everything queued so far urgent
     * ({@code tcp_mark_urg}): SND.UP is the write sequence, one past the last urgent byte, as
     * BSD and Linux have it (RFC 6093 §2).
     */
    static void push(TcpSock sk, int flags) {
        Tracer t = sk.tcp.kernel.tracer();
        t.enter(Stage.TCP_PUSH, sk.sendHead, sk.net().name(), "");
        try {
            if (sk.sendHead == null) {
                return;
            }
            boolean more = (flags & Socket.MSG_MORE) != 0;
            if (!more) {
                sk.writeQueue.peekLast().cb[TcpSock.CB_FLAGS] |= Tcp.PSH;   // tcp_mark_push()
            }
            if ((flags & Socket.MSG_OOB) != 0) {
                sk.sndUp = sk.writeSeq;
                sk.urgPending = true;
            }
            sk.tcp.output.writeXmit(sk, !more && !sk.corked);
        } finally {
            t.exit();
        }
    }
}
