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
            boolean canAppend = tail != null && sk.sendHead != null && tail.len() < mss
                    && (tail.cb[TcpSock.CB_FLAGS] & (Tcp.FIN | Tcp.SYN | TcpSock.CB_F_EOR)) == 0 && tail.tailroom() > 0;
            if (!canAppend) {
                tail = sk.wmemQueued < sk.sndbuf() ? allocSkb(sk, mss) : null;
                if (tail == null) {
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
                        throw new ErrnoException(Errno.EAGAIN, sk.wmemQueued < sk.sndbuf()
                                ? "TCP is out of memory (net.ipv4.tcp_mem " + sk.tcp.sysctl.mem.text().replace('\t', ' ') + " pages)"
                                : "the send buffer (SO_SNDBUF " + sk.sndbuf() + ") is full");
                    }
                    checkWritable(sk);
                    continue;
                }
                tail.cb[TcpSock.CB_SEQ] = sk.writeSeq;
                tail.cb[TcpSock.CB_END_SEQ] = sk.writeSeq;
                sk.tcp.output.slowStartAfterIdleCheck(sk);   // tcp_skb_entail()
                sk.writeQueue.addLast(tail);
                if (sk.sendHead == null) {
                    sk.sendHead = tail;
                }
            }
            int room = Math.min(mss - tail.len(), tail.tailroom());
            int n = (int) Math.min(room, total - copied);
            int at = tail.put(n);
            TcpSock.copyIn(iov, tail.buf(), at, n);
            tail.cb[TcpSock.CB_END_SEQ] = (int) tail.cb[TcpSock.CB_END_SEQ] + n;
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
     * A buffer for one MSS, charged. Mirrors {@code tcp_stream_alloc_skb()}: the first buffer of
     * an empty queue is always charged ({@code sk_forced_mem_schedule}); another only as
     * net.ipv4.tcp_mem allows ({@code sk_wmem_schedule}).
     *
     * @return null when TCP's memory refused it
     */
    private static SkBuff allocSkb(TcpSock sk, int mss) {
        SkBuff skb = sk.tcp.kernel.skbs().alloc(TcpOutput.MAX_HEADER, mss);
        if (sk.writeQueue.isEmpty()) {
            sk.tcp.mem.forceSchedule(sk, skb.truesize());
        } else if (!sk.tcp.mem.schedule(sk, skb.truesize(), true)) {
            skb.free();
            return null;
        }
        sk.chargeW(skb);
        return skb;
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
