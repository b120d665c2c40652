package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.SkBuff;
import io.jnetstack.socket.Msghdr;
import io.jnetstack.socket.Sock;
import io.jnetstack.socket.Socket;
import io.jnetstack.wire.Tcp;

import java.nio.ByteBuffer;

/**
 * The peer's urgent data (RFC 9293 §3.8.5, RFC 6093). Mirrors {@code tcp_check_urg()},
 * {@code tcp_urg()} and {@code tcp_recv_urg()} with the urgent handling of
 * {@code tcp_recvmsg_locked()}, {@code tcp_poll()} and {@code tcp_ioctl()}.
 *
 * <p>As Linux (and BSD) by default: the urgent pointer points one past the urgent byte, so the
 * byte is the one at SEG.SEQ + SEG.UP - 1 ({@code net.ipv4.tcp_stdurg} 1 takes the pointer as
 * RFC 1122 §4.2.2.4 has it: the byte at SEG.SEQ + SEG.UP). Only one byte is urgent, the last one
 * the newest pointer names (RFC 6093 §4: a pointer replaces the one before). With SO_OOBINLINE
 * off the byte is taken out of the stream and read once with MSG_OOB; with it on the byte stays
 * where it is. Either way a read stops at the mark: the sequence number of the urgent byte.
 *
 * <pre>
 *   stream:   a b c [X] d e        urgSeq = seq of X
 *   read():   "abc"                stops at the mark (SIOCATMARK now 1)
 *   recv(MSG_OOB): "X"             once; EINVAL after, EAGAIN before X arrived
 *   read():   "de"                 X skipped (not inline); past the mark: state back to NONE
 * </pre>
 */
final class TcpUrgent {
    /** What the socket knows of the peer's urgent data ({@code tp->urg_data}). */
    enum State {
        /** None pending (or read past). */
        NONE,
        /** The pointer arrived, the byte has not ({@code TCP_URG_NOTYET}). */
        NOT_YET,
        /** The byte is held for MSG_OOB ({@code TCP_URG_VALID}). */
        VALID,
        /** MSG_OOB took it; the stream still skips it ({@code TCP_URG_READ}). */
        READ
    }

    private TcpUrgent() {
    }

    /**
     * A segment with URG set. Mirrors {@code tcp_check_urg()}: a pointer to data already read, or
     * already received (Linux does not replay it), or not beyond the pointer known, changes
     * nothing; else it becomes the urgent pointer and the byte is awaited. When the reader sits
     * on an old urgent byte not yet skipped (out of line), the old byte goes now, so it is not
     * read as data once the mark moves.
     */
    static void check(TcpSock sk, TcpInput.Seg s) {
        int ptr = s.urg;
        if (ptr != 0 && sk.tcp.sysctl.stdurg.get() == 0) {
            ptr--;
        }
        ptr += s.seq;
        if (sk.copiedSeq - ptr > 0) {
            return;
        }
        if (ptr - sk.rcvNxt < 0) {
            return;
        }
        if (sk.urgState != State.NONE && ptr - sk.urgSeq <= 0) {
            return;
        }
        if (sk.urgState != State.NONE && sk.urgSeq == sk.copiedSeq && !sk.urgInline() && sk.copiedSeq != sk.rcvNxt) {
            sk.copiedSeq++;
            SkBuff head = sk.rcvQueue().peek();
            if (head != null && sk.copiedSeq - (int) head.cb[TcpSock.CB_END_SEQ] >= 0) {
                sk.rcvQueue().unlink(head);
                head.free();
            }
        }
        sk.urgState = State.NOT_YET;
        sk.urgSeq = ptr;
    }

    /**
     * The urgent step of segment processing (RFC 9293 §3.10.7.4 sixth). Mirrors {@code tcp_urg()}:
     * a new pointer is checked; when the byte is awaited and this segment carries it, it is
     * kept and readers are woken with POLLPRI. The buffer's data is at the TCP header.
     */
    static void urg(TcpSock sk, SkBuff skb, TcpInput.Seg s) {
        if ((s.flags & Tcp.URG) != 0) {
            check(sk, s);
        }
        if (sk.urgState != State.NOT_YET) {
            return;
        }
        long at = (sk.urgSeq - s.seq) + s.hl - ((s.flags & Tcp.SYN) != 0 ? 1 : 0);
        if (at >= s.hl && at < skb.len()) {
            sk.urgByte = byteAt(skb, (int) at);
            sk.urgState = State.VALID;
            if (!sk.orphan) {
                sk.wakeReaders(Socket.POLLIN | Socket.POLLPRI | Socket.POLLRDNORM | Socket.POLLRDBAND);
            }
        }
    }

    /**
     * recv(MSG_OOB). Mirrors {@code tcp_recv_urg()}: EINVAL when the byte stays inline or there
     * is none (never sent, already read, or read past); the byte once (MSG_PEEK leaves it);
     * before the byte arrived 0 at end of stream, else EAGAIN: this call never waits.
     */
    static int recv(TcpSock sk, Msghdr msg, int flags) {
        if (sk.urgInline() || sk.urgState == State.NONE || sk.urgState == State.READ) {
            throw new ErrnoException(Errno.EINVAL, sk.urgInline() ? "SO_OOBINLINE is on: the urgent byte is read in the stream"
                    : "no urgent data is waiting (none arrived, or it was read already)");
        }
        if (sk.state == TcpState.CLOSE && !sk.finReceived) {
            throw new ErrnoException(Errno.ENOTCONN, "the socket is not connected");
        }
        if (sk.urgState == State.VALID) {
            if ((flags & Socket.MSG_PEEK) == 0) {
                sk.urgState = State.READ;
            }
            int len = (int) Math.min(msg.remaining(), 1);
            msg.flags(msg.flags() | Socket.MSG_OOB | (len == 0 ? Socket.MSG_TRUNC : 0));
            if (len > 0 && (flags & Socket.MSG_TRUNC) == 0) {
                put(msg.iov(), sk.urgByte);
            }
            return len;
        }
        if (sk.state == TcpState.CLOSE || (sk.shutdownBits() & Sock.RCV_SHUTDOWN) != 0) {
            return 0;
        }
        throw new ErrnoException(Errno.EAGAIN, "the urgent byte has not arrived yet (MSG_OOB never waits)");
    }

    private static void put(ByteBuffer[] iov, byte b) {
        for (ByteBuffer buf : iov) {
            if (buf.hasRemaining()) {
                buf.put(b);
                return;
            }
        }
    }

    /** Whether urgent data is pending (any state but NONE: the stream still has its mark). */
    static boolean pending(TcpSock sk) {
        return sk.urgState != State.NONE;
    }

    /** SIOCATMARK: the next byte to read is the urgent byte. Mirrors {@code tcp_ioctl()}. */
    static boolean atMark(TcpSock sk) {
        return sk.urgState != State.NONE && sk.urgSeq == sk.copiedSeq;
    }

    /**
     * How many bytes a normal read may return from {@code seq} before stopping for the mark:
     * {@code Integer.MAX_VALUE} when no mark lies ahead, 0 when {@code seq} is the mark.
     */
    static int toMark(TcpSock sk, int seq) {
        if (sk.urgState == State.NONE || sk.urgSeq - seq < 0) {
            return Integer.MAX_VALUE;
        }
        return sk.urgSeq - seq;
    }

    /** A read moved past the mark: the urgent data is over ({@code tcp_recvmsg_locked}'s skip_copy). */
    static void readPast(TcpSock sk) {
        if (sk.urgState != State.NONE && sk.copiedSeq - sk.urgSeq > 0) {
            sk.urgState = State.NONE;
        }
    }

    /**
     * FIONREAD (SIOCINQ). Mirrors {@code tcp_inq()}: 0 during the handshake; the unread bytes
     * without the peer's FIN; with an out-of-line urgent byte ahead, only the bytes up to it.
     */
    static int inq(TcpSock sk) {
        if (sk.state == TcpState.SYN_SENT || sk.state == TcpState.SYN_RECV) {
            return 0;
        }
        if (sk.urgInline() || sk.urgState == State.NONE || sk.urgSeq - sk.copiedSeq < 0 || sk.urgSeq - sk.rcvNxt >= 0) {
            int n = sk.rcvNxt - sk.copiedSeq;
            if (n > 0 && sk.finReceived) {
                n--;
            }
            return n;
        }
        return sk.urgSeq - sk.copiedSeq;
    }

    /**
     * The POLLIN threshold of {@code tcp_poll()}: SO_RCVLOWAT, one more when the reader sits on
     * an out-of-line urgent byte (that byte is not data to read).
     */
    static int pollTarget(TcpSock sk) {
        int target = Math.max(sk.rcvLowat(), 1);
        if (sk.urgState != State.NONE && sk.urgSeq == sk.copiedSeq && !sk.urgInline()) {
            target++;
        }
        return target;
    }

    /** The byte {@code at} bytes after data, in the linear part or a fragment. */
    private static byte byteAt(SkBuff skb, int at) {
        if (at < skb.headLen()) {
            return skb.buf()[skb.data() + at];
        }
        int pos = skb.headLen();
        for (int i = 0; i < skb.nrFrags(); i++) {
            if (at < pos + skb.fragSize(i)) {
                return skb.fragPage(i).bytes()[skb.fragOffset(i) + at - pos];
            }
            pos += skb.fragSize(i);
        }
        return 0;
    }
}
