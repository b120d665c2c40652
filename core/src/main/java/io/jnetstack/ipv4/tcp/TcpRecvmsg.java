package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.SkBuff;
import io.jnetstack.socket.Msghdr;
import io.jnetstack.socket.Sock;
import io.jnetstack.socket.Socket;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;

import java.nio.ByteBuffer;

/**
 * Mirrors {@code tcp_recvmsg_locked()}: copy from the receive queue at {@code copied_seq}
 * (MSG_PEEK leaves it; MSG_WAITALL waits for all; MSG_TRUNC discards), wait for data when
 * there is none (0 at end of stream), then {@code tcp_cleanup_rbuf()} decides whether the
 * opened window deserves an ACK now.
 */
final class TcpRecvmsg {
    private TcpRecvmsg() {
    }

    static int recvmsg(TcpSock sk, Msghdr msg, int flags, long deadline) {
        Tracer t = sk.tcp.kernel.tracer();
        t.enter(Stage.TCP_RECVMSG, null, sk.net().name(), "");
        try {
            return recv(sk, msg, flags, deadline);
        } finally {
            t.exit();
        }
    }

    /** Where a read is: {@code copied_seq}, or with MSG_PEEK a position of its own ({@code peek_seq}). */
    private static final class Cursor {
        final TcpSock sk;
        final boolean peek;
        int peekSeq;

        Cursor(TcpSock sk, boolean peek) {
            this.sk = sk;
            this.peek = peek;
            this.peekSeq = sk.copiedSeq;
        }

        int seq() {
            return peek ? peekSeq : sk.copiedSeq;
        }

        void advance(int n) {
            if (peek) {
                peekSeq += n;
            } else {
                sk.copiedSeq += n;
            }
        }
    }

    private static int recv(TcpSock sk, Msghdr msg, int flags, long deadline) {
        if (sk.state == TcpState.LISTEN) {
            throw new ErrnoException(Errno.ENOTCONN, "a listening socket has no data: accept() a connection");
        }
        if ((flags & Socket.MSG_OOB) != 0) {
            return TcpUrgent.recv(sk, msg, flags);
        }
        long len = msg.remaining();
        boolean peek = (flags & Socket.MSG_PEEK) != 0;
        boolean trunc = (flags & Socket.MSG_TRUNC) != 0;
        long target = (flags & Socket.MSG_WAITALL) != 0 ? len : Math.min(Math.max(sk.rcvLowat(), 1), len);
        int copied = 0;
        Cursor at = new Cursor(sk, peek);
        ByteBuffer[] iov = msg.iov();
        while (copied < len) {
            if (copied > 0 && TcpUrgent.toMark(sk, at.seq()) == 0) {
                break;   // a read stops at the urgent mark once it has data
            }
            int n = copyOut(sk, at, (int) (len - copied), iov, trunc, copied > 0);
            if (n >= 0) {
                copied += n;
                continue;
            }
            if (copied >= target) {
                break;
            }
            if (copied > 0 && (sk.pendingError() != null || sk.state == TcpState.CLOSE
                    || (sk.shutdownBits() & Sock.RCV_SHUTDOWN) != 0)) {
                break;
            }
            if (copied == 0) {
                if (sk.finReceived) {
                    break;   // tcp_recvmsg: SOCK_DONE ends the stream before any error is reported
                }
                Errno e = sk.takeErr();
                if (e != null) {
                    throw new ErrnoException(e, e == Errno.ECONNRESET ? "the peer reset the connection" : e.text());
                }
                if ((sk.shutdownBits() & Sock.RCV_SHUTDOWN) != 0) {
                    break;
                }
                if (sk.state == TcpState.CLOSE) {
                    if (!sk.wasConnected()) {
                        throw new ErrnoException(Errno.ENOTCONN, "the socket is not connected");
                    }
                    break;
                }
            }
            if (deadline == -1) {
                if (copied > 0) {
                    break;
                }
                throw new ErrnoException(Errno.EAGAIN, "no data is waiting and the call may not block");
            }
            cleanupRbuf(sk, copied);
            boolean ok = sk.sleepWhile(() -> sk.rcvNxt == at.seq()
                    && (sk.shutdownBits() & Sock.RCV_SHUTDOWN) == 0 && sk.state != TcpState.CLOSE, deadline);
            if (!ok) {
                if (copied > 0) {
                    break;
                }
                throw sk.rcvTimedOut("receive");
            }
        }
        if (!peek) {
            if (copied > 0) {
                TcpRcvSpace.adjust(sk);
            }
            cleanupRbuf(sk, copied);
        }
        return copied;
    }

    /**
     * Copies from the receive queue at the cursor, up to the urgent mark. At the mark with
     * nothing read yet, an out-of-line urgent byte is stepped over (MSG_PEEK steps over it too)
     * and the copy goes on after it; with SO_OOBINLINE it is copied as data. Mirrors the copy
     * loop of {@code tcp_recvmsg_locked()}.
     *
     * @param readAny this call already returned data: stop at the mark
     * @return bytes copied (or skipped with MSG_TRUNC), 0 when only the urgent byte was stepped
     *         over, -1 when there was nothing at the cursor
     */
    private static int copyOut(TcpSock sk, Cursor at, int max, ByteBuffer[] iov, boolean trunc, boolean readAny) {
        int done = 0;
        boolean consumed = false;
        SkBuff skb = sk.rcvQueue().peek();
        while (skb != null && done < max) {
            int seq = at.seq();
            int offset = seq - (int) skb.cb[TcpSock.CB_SEQ];
            if (offset >= skb.len()) {
                SkBuff next = sk.rcvQueue().next(skb);
                if (!at.peek) {
                    sk.rcvQueue().unlink(skb);
                    skb.free();
                }
                skb = next;
                continue;
            }
            int mark = TcpUrgent.toMark(sk, seq);
            if (mark == 0) {
                if (readAny || done > 0) {
                    break;
                }
                if (!sk.urgInline()) {
                    at.advance(1);   // the urgent byte is not data
                    TcpUrgent.readPast(sk);
                    consumed = true;
                    continue;
                }
                mark = Integer.MAX_VALUE;
            }
            int n = Math.min(Math.min(skb.len() - offset, max - done), mark);
            if (!trunc) {
                TcpSock.copyOut(skb, offset, n, iov);
            }
            done += n;
            consumed = true;
            at.advance(n);
            TcpUrgent.readPast(sk);
            if (offset + n >= skb.len()) {
                SkBuff next = sk.rcvQueue().next(skb);
                if (!at.peek) {
                    sk.rcvQueue().unlink(skb);
                    skb.free();
                }
                skb = next;
            } else if (n == mark) {
                break;   // at the mark: the caller decides
            }
        }
        return consumed ? done : -1;
    }

    /**
     * Mirrors {@code tcp_cleanup_rbuf()}: send the pending ACK when a full segment was read, or
     * a window update when reading doubled the window we can offer.
     */
    static void cleanupRbuf(TcpSock sk, int copied) {
        if (sk.state == TcpState.CLOSE || sk.state == TcpState.LISTEN || sk.state == TcpState.SYN_SENT) {
            return;
        }
        boolean timeToAck = sk.ackPending && sk.rcvNxt - sk.rcvWup > sk.rcvMss;
        if (!timeToAck && copied > 0 && (sk.shutdownBits() & Sock.RCV_SHUTDOWN) == 0) {
            int now = TcpInput.receiveWindow(sk);
            if (2L * now <= sk.windowClamp) {
                int free = sk.winFromSpace(sk.rcvbuf() - sk.rmem());
                if (free >= 2 * now && free - now >= sk.rcvMss) {
                    timeToAck = true;
                }
            }
        }
        if (timeToAck) {
            sk.tcp.output.sendAck(sk);
        }
    }

    /** Mirrors {@code tcp_poll()}. */
    static int poll(TcpSock sk) {
        int mask = 0;
        if (sk.state == TcpState.LISTEN) {
            return sk.acceptQueue.isEmpty() ? 0 : Socket.POLLIN | Socket.POLLRDNORM;
        }
        if (sk.pendingError() != null) {
            mask |= Socket.POLLERR;
        }
        if (sk.shutdownBits() == (io.jnetstack.socket.Sock.RCV_SHUTDOWN | io.jnetstack.socket.Sock.SEND_SHUTDOWN) || sk.state == TcpState.CLOSE) {
            mask |= Socket.POLLHUP;
        }
        if ((sk.shutdownBits() & io.jnetstack.socket.Sock.RCV_SHUTDOWN) != 0) {
            mask |= Socket.POLLIN | Socket.POLLRDNORM | Socket.POLLRDHUP;
        }
        // As tcp_poll(): every state but SYN_SENT/SYN_RECV, CLOSE included (a failed
        // non-blocking connect wakes POLLOUT waiters; a fresh socket polls OUT|HUP).
        if (sk.state != TcpState.SYN_SENT && sk.state != TcpState.SYN_RECV) {
            if (readable(sk, TcpUrgent.pollTarget(sk))) {
                mask |= Socket.POLLIN | Socket.POLLRDNORM;
            }
            if ((sk.shutdownBits() & io.jnetstack.socket.Sock.SEND_SHUTDOWN) == 0) {
                if (sk.wmemQueued < sk.sndbuf()) {
                    mask |= Socket.POLLOUT | Socket.POLLWRNORM;
                }
            } else {
                mask |= Socket.POLLOUT | Socket.POLLWRNORM;
            }
            if (sk.urgState == TcpUrgent.State.VALID) {
                mask |= Socket.POLLPRI;
            }
        }
        return mask;
    }

    /**
     * Whether a read would find {@code target} bytes, or should not wait for them. Mirrors
     * {@code tcp_epollin_ready()}: fewer do when memory is short ({@code tcp_rmem_pressure}:
     * TCP under pressure or the receive buffer nearly full) or the window is down to a segment,
     * since the peer cannot send the rest.
     */
    private static boolean readable(TcpSock sk, int target) {
        int avail = sk.rcvNxt - sk.copiedSeq;
        if (avail <= 0) {
            return false;
        }
        return avail >= target || sk.tcp.mem.underPressure() || sk.rmem() > sk.rcvbuf() - (sk.rcvbuf() >> 3)
                || TcpInput.receiveWindow(sk) <= sk.rcvMss;
    }
}
