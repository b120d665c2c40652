package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.socket.Sock;
import io.jnetstack.socket.Socket;

import java.util.ArrayList;
import java.util.List;

/**
 * Ending connections. Mirrors {@code tcp_close()}, {@code tcp_shutdown()},
 * {@code tcp_disconnect()}, {@code tcp_done()}, {@code tcp_time_wait()} and
 * {@code tcp_write_err()}: FIN in every state (RFC 9293 §3.6), RST on close with unread data
 * (RFC 2525 §2.17) or SO_LINGER 0, orphans with their limits, FIN_WAIT2 timeout and TIME_WAIT.
 */
final class TcpClose {
    private TcpClose() {
    }

    /**
     * The state after our FIN, and whether to send it. Mirrors {@code tcp_close_state()}:
     * ESTABLISHED/SYN_RECV → FIN_WAIT1, CLOSE_WAIT → LAST_ACK, SYN_SENT → CLOSE (no FIN).
     */
    private static boolean closeState(TcpSock sk) {
        switch (sk.state) {
            case ESTABLISHED, SYN_RECV -> {
                sk.state = TcpState.FIN_WAIT1;
                return true;
            }
            case CLOSE_WAIT -> {
                sk.state = TcpState.LAST_ACK;
                return true;
            }
            case SYN_SENT -> {
                done(sk);
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    /** Mirrors {@code tcp_shutdown()} and {@code inet_shutdown()}. */
    static void shutdown(TcpSock sk, int how) {
        switch (sk.state) {
            case CLOSE -> {
                sk.addShutdown(how);
                throw new ErrnoException(Errno.ENOTCONN, "shutdown() on a socket that is not connected");
            }
            case LISTEN -> {
                if ((how & Sock.RCV_SHUTDOWN) != 0) {
                    stopListening(sk);
                    done(sk);
                }
                return;
            }
            case SYN_SENT -> {
                disconnect(sk);
                return;
            }
            default -> {
            }
        }
        sk.addShutdown(how);
        if ((how & Sock.SEND_SHUTDOWN) != 0 && closeState(sk)) {
            sk.tcp.output.sendFin(sk);
        }
        sk.stateChange();
    }

    /**
     * Mirrors {@code tcp_close()}: a listener drops its queues; unread data or SO_LINGER 0 abort
     * with RST; otherwise FIN, optionally waiting SO_LINGER seconds; the socket lives on as an
     * orphan until the protocol is done with it.
     */
    static void close(TcpSock sk) {
        sk.closeCalled = true;
        sk.addShutdown(Sock.RCV_SHUTDOWN | Sock.SEND_SHUTDOWN);
        if (sk.state == TcpState.LISTEN) {
            stopListening(sk);
            done(sk);
            return;
        }
        int unread = sk.rcvNxt - sk.copiedSeq;
        if ((sk.shutdownBits() & Sock.RCV_SHUTDOWN) != 0 && sk.state == TcpState.CLOSE_WAIT || sk.state == TcpState.LAST_ACK) {
            unread = Math.max(0, unread - 1);   // the peer's FIN is not data
        }
        if (sk.state == TcpState.CLOSE) {
            done(sk);
            return;
        }
        if (unread > 0 && sk.state != TcpState.SYN_SENT) {
            sk.tcp.ext.inc(TcpExtMib.TCPAbortOnClose);
            sk.tcp.output.sendActiveReset(sk);
            done(sk);
            return;
        }
        if (sk.lingerValue().onoff() && sk.lingerValue().seconds() == 0) {
            sk.tcp.ext.inc(TcpExtMib.TCPAbortOnData);
            disconnect(sk);
            done(sk);
            return;
        }
        if (closeState(sk)) {
            sk.tcp.output.sendFin(sk);
        }
        if (sk.lingerValue().onoff() && sk.state != TcpState.CLOSE) {
            long deadline = sk.now() + sk.lingerValue().seconds() * 1_000_000_000L;
            sk.sleepWhile(() -> sk.state == TcpState.FIN_WAIT1 || sk.state == TcpState.CLOSING
                    || sk.state == TcpState.LAST_ACK, deadline);
        }
        if (sk.state == TcpState.CLOSE) {
            done(sk);
            return;
        }
        sk.orphan = true;
        sk.tcp.orphans++;
        if (sk.tcp.orphans > sk.tcp.sysctl.maxOrphans.get() || sk.tcp.mem.outOfMemory(sk)) {
            // tcp_check_oom(): too many orphans, or TCP above tcp_mem[2] with data queued.
            sk.tcp.ext.inc(TcpExtMib.TCPAbortOnMemory);
            sk.tcp.output.sendActiveReset(sk);
            done(sk);
            return;
        }
        if (sk.state == TcpState.FIN_WAIT2) {
            finWait2Orphan(sk);
        }
    }

    /**
     * An orphan whose FIN was acknowledged waits {@code tcp_fin_timeout} (or TCP_LINGER2) for the
     * peer's; a negative TCP_LINGER2 aborts at once. Mirrors the FIN_WAIT2 part of
     * {@code tcp_close()} / {@code tcp_rcv_state_process()}.
     */
    static void finWait2Orphan(TcpSock sk) {
        if (sk.linger2 == -1) {
            sk.tcp.output.sendActiveReset(sk);
            sk.tcp.ext.inc(TcpExtMib.TCPAbortOnLinger);
            done(sk);
            return;
        }
        sk.timers.armKeepalive(finTime(sk));
    }

    /**
     * How long an orphan waits in FIN_WAIT2. Mirrors {@code tcp_fin_time()}: TCP_LINGER2 or
     * {@code tcp_fin_timeout}, but never less than 3.5 RTO.
     */
    static long finTime(TcpSock sk) {
        long t = (sk.linger2 > 0 ? sk.linger2 : sk.tcp.sysctl.finTimeout.get()) * 1_000_000_000L;
        long rto = sk.rtoNanos;
        return Math.max(t, (rto << 2) - (rto >> 1));
    }

    /** Closes the listener: queued connections get RST, embryonic ones vanish. */
    static void stopListening(TcpSock l) {
        List<Integer> ports = List.of(l.localPort());
        List<TcpSock> list = l.tcp.listeners.get(ports.getFirst());
        if (list != null) {
            list.remove(l);
            if (list.isEmpty()) {
                l.tcp.listeners.remove(ports.getFirst());
            }
        }
        for (TcpSock c : new ArrayList<>(l.acceptQueue)) {
            c.parent = null;
            c.inAcceptQueue = false;
            c.tcp.output.sendActiveReset(c);
            c.closeCalled = true;   // destroyed by done(); never counted as an orphan
            done(c);
        }
        l.acceptQueue.clear();
        for (Object o : l.tcp.established.values()) {
            if (o instanceof RequestSock r && r.listener == l) {
                r.drop();
            } else if (o instanceof TcpSock c && c.parent == l) {
                c.parent = null;
                c.tcp.output.sendActiveReset(c);
                c.closeCalled = true;
                done(c);
            }
        }
    }

    /**
     * Mirrors {@code tcp_disconnect()} (connect with AF_UNSPEC, SO_LINGER 0): RST when a peer
     * would otherwise wait, everything purged, back to CLOSE with the port kept if bound by the
     * user.
     */
    static void disconnect(TcpSock sk) {
        switch (sk.state) {
            case ESTABLISHED, CLOSE_WAIT, FIN_WAIT1, FIN_WAIT2, SYN_RECV, CLOSING, LAST_ACK -> sk.tcp.output.sendActiveReset(sk);
            case LISTEN -> stopListening(sk);
            default -> {
            }
        }
        sk.timers.cancelAll();
        sk.purge();
        sk.tcp.unhashEstablished(sk);
        countEstabReset(sk, sk.state);
        sk.state = TcpState.CLOSE;
        sk.packetsOut = 0;
        sk.rt = null;
        sk.finSent = false;
        sk.finReceived = false;
        sk.urgState = TcpUrgent.State.NONE;
        sk.connecting = false;   // the socket layer goes back to SS_UNCONNECTED
        TcpRecovery.resetScoreboard(sk);
        if (!sk.bindPortLock && sk.localPort() != 0) {
            sk.tcp.removeBound(sk.localPort(), sk);
            sk.setLocalPort(0);
        }
        sk.stateChange();
    }

    /** Frees the write queue ({@code tcp_write_queue_purge}). */
    static void purgeWrite(TcpSock sk) {
        while (!sk.writeQueue.isEmpty()) {
            sk.freeW(sk.writeQueue.poll());
        }
        sk.sendHead = null;
        TcpRecovery.resetScoreboard(sk);
    }

    /**
     * The connection is over. Mirrors {@code tcp_done()} → {@code tcp_set_state(TCP_CLOSE)}: off
     * the tables, timers stopped; an orphan is destroyed, a user is woken.
     */
    static void done(TcpSock sk) {
        if (sk.state == TcpState.SYN_SENT || sk.state == TcpState.SYN_RECV) {
            if (sk.parent == null && sk.state == TcpState.SYN_SENT) {
                // AttemptFails is counted by the caller for resets and errors.
            }
        }
        TcpState old = sk.state;
        countEstabReset(sk, old);
        sk.state = TcpState.CLOSE;
        sk.addShutdown(Sock.RCV_SHUTDOWN | Sock.SEND_SHUTDOWN);
        sk.timers.cancelAll();
        sk.tcp.unhashEstablished(sk);
        if (old == TcpState.LISTEN) {
            stopListening(sk);
        }
        // A child in the accept queue stays there: accept() returns it and the user then sees
        // its error (ECONNRESET), as in Linux.
        if (sk.orphan || sk.closeCalled) {
            if (sk.orphan) {
                sk.orphan = false;
                sk.tcp.orphans--;
            }
            destroy(sk);
        } else if (!sk.bindPortLock && sk.localPort() != 0 && sk.parent == null) {
            // inet_put_port(): the port goes back unless bind() chose it.
            sk.tcp.removeBound(sk.localPort(), sk);
            sk.setLocalPort(0);
        }
        sk.stateChange();
        if (!sk.waitQueue().isEmpty()) {
            sk.waitQueue().wakeUp(Socket.POLLHUP | Socket.POLLERR | Socket.POLLIN | Socket.POLLOUT);
        }
    }

    /**
     * RFC 4022 tcpEstabResets: connections that went straight from ESTABLISHED or CLOSE_WAIT to
     * CLOSED, whatever the reason (RST received or sent, timeout). Counted where
     * {@code tcp_set_state()} counts it.
     */
    private static void countEstabReset(TcpSock sk, TcpState old) {
        if (old == TcpState.ESTABLISHED || old == TcpState.CLOSE_WAIT) {
            sk.tcp.mib.inc(TcpMib.EstabResets);
        }
    }

    /** Frees what is left. Mirrors {@code inet_csk_destroy_sock()}. */
    private static void destroy(TcpSock sk) {
        sk.purge();
        sk.destroyed();
        if (sk.localPort() != 0) {
            sk.tcp.removeBound(sk.localPort(), sk);
        }
        sk.tcp.unhashEstablished(sk);
    }

    /**
     * Enters TIME_WAIT: a small time-wait sock takes over the 4-tuple for {@code timeout}, the
     * socket itself is done. Mirrors {@code tcp_time_wait()}.
     */
    static void timeWait(TcpSock sk, long timeout) {
        long max = sk.tcp.sysctl.maxTwBuckets.get();
        if (sk.tcp.timeWaitCount() < max) {
            sk.tcp.unhashEstablished(sk);
            new TimeWaitSock(sk.tcp, sk, timeout);
        } else {
            sk.tcp.ext.inc(TcpExtMib.TCPTimeWaitOverflow);
        }
        sk.state = TcpState.TIME_WAIT;
        done(sk);
    }

    /**
     * A fatal error: report it, drop the queues, close. Mirrors {@code tcp_write_err()} (the
     * soft error, if any, wins: it says why).
     */
    static void writeErr(TcpSock sk, Errno e) {
        sk.error(e);
        purgeWrite(sk);
        if (sk.state == TcpState.SYN_SENT) {
            sk.tcp.mib.inc(TcpMib.AttemptFails);
        }
        done(sk);
    }
}
