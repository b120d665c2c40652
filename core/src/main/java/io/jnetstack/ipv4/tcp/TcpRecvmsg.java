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

    private static int recv(TcpSock sk, Msghdr msg, int flags, long deadline) {
        if (sk.state == TcpState.LISTEN) {
            throw new ErrnoException(Errno.ENOTCONN, "a listening socket has no data: accept() a connection");
        }
        if ((flags & Socket.MSG_OOB) != 0) {
            throw new ErrnoException(Errno.EINVAL, "no urgent data is waiting (SO_OOBINLINE is off, urgent bytes stay inline)");
        }
        long len = msg.remaining();
        boolean peek = (flags & Socket.MSG_PEEK) != 0;
        boolean trunc = (flags & Socket.MSG_TRUNC) != 0;
        long target = (flags & Socket.MSG_WAITALL) != 0 ? len : Math.min(Math.max(sk.rcvLowat(), 1), len);
        int copied = 0;
        int peekSeq = sk.copiedSeq;
        ByteBuffer[] iov = msg.iov();
        while (copied < len) {
            int seq = peek ? peekSeq : sk.copiedSeq;
            int n = copyOut(sk, seq, (int) (len - copied), iov, peek, trunc);
            if (peek) {
                peekSeq += n;
            }
            copied += n;
            if (n > 0) {
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
            final int have = copied;
            boolean ok = sk.sleepWhile(() -> (peek ? sk.rcvNxt == (sk.copiedSeq + have) : sk.rcvNxt == sk.copiedSeq)
                    && (sk.shutdownBits() & Sock.RCV_SHUTDOWN) == 0 && sk.state != TcpState.CLOSE, deadline);
            if (!ok) {
                if (copied > 0) {
                    break;
                }
                throw new ErrnoException(Errno.EAGAIN, "the receive timed out (SO_RCVTIMEO)");
            }
        }
        if (!peek) {
            cleanupRbuf(sk, copied);
        }
        return copied;
    }

    /**
     * Copies from the receive queue starting at sequence {@code seq}.
     *
     * @return bytes copied (or skipped with MSG_TRUNC)
     */
    private static int copyOut(TcpSock sk, int seq, int max, ByteBuffer[] iov, boolean peek, boolean trunc) {
        int done = 0;
        SkBuff skb = sk.rcvQueue().peek();
        while (skb != null && done < max) {
            int start = (int) skb.cb[TcpSock.CB_SEQ];
            int offset = seq + done - start;
            if (offset >= skb.len()) {
                SkBuff next = sk.rcvQueue().next(skb);
                if (!peek) {
                    sk.rcvQueue().unlink(skb);
                    skb.free();
                }
                skb = next;
                continue;
            }
            int n = Math.min(skb.len() - offset, max - done);
            if (!trunc) {
                copy(skb, offset, n, iov);
            }
            done += n;
            if (!peek) {
                sk.copiedSeq += n;
            }
            if (offset + n >= skb.len() && !peek) {
                SkBuff next = sk.rcvQueue().next(skb);
                sk.rcvQueue().unlink(skb);
                skb.free();
                skb = next;
            } else if (offset + n >= skb.len()) {
                skb = sk.rcvQueue().next(skb);
            }
        }
        return done;
    }

    private static void copy(SkBuff skb, int offset, int len, ByteBuffer[] iov) {
        int done = 0;
        for (ByteBuffer b : iov) {
            if (done == len) {
                break;
            }
            int n = Math.min(b.remaining(), len - done);
            if (n == 0) {
                continue;
            }
            if (b.hasArray()) {
                skb.copyBits(offset + done, b.array(), b.arrayOffset() + b.position(), n);
                b.position(b.position() + n);
            } else {
                byte[] tmp = new byte[n];
                skb.copyBits(offset + done, tmp, 0, n);
                b.put(tmp);
            }
            done += n;
        }
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
}
