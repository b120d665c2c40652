package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;

/**
 * The {@code SOL_TCP} socket options of a {@link TcpSock}. Mirrors {@code do_tcp_setsockopt()}
 * and {@code do_tcp_getsockopt()}; SO_KEEPALIVE and SO_ACCEPTCONN, which TCP acts on, too.
 */
final class TcpSockopt {
    private TcpSockopt() {
    }

    /** {@code TCP_CONGESTION}'s number. */
    static final int TCP_CONGESTION = 13;

    /**
     * Sets {@code opt}.
     *
     * @return false when the option is not TCP's (the socket layer handles it)
     */
    static boolean set(TcpSock sk, SockOpt<?> opt, Object value) {
        if (opt.level() != SockOpt.SOL_TCP) {
            if (opt == SockOpt.SO_KEEPALIVE) {
                sk.keepaliveFlag((Integer) value != 0);
                sk.timers.keepaliveChanged();
                return true;
            }
            return false;
        }
        if (opt.name() == TCP_CONGESTION) {
            if (!(value instanceof String name)) {
                throw new ErrnoException(Errno.EINVAL, "TCP_CONGESTION takes the algorithm's name");
            }
            setCongestionControl(sk, name);
            return true;
        }
        if (!(value instanceof Integer v)) {
            throw new ErrnoException(Errno.ENOPROTOOPT, opt + " cannot be set");   // TCP_INFO is read only
        }
        switch (opt.name()) {
            case 1 -> {
                sk.nodelay = v != 0;
                if (sk.nodelay) {   // TCP_NAGLE_OFF | TCP_NAGLE_PUSH: pushes once even what TCP_CORK holds
                    boolean cork = sk.corked;
                    sk.corked = false;
                    sk.tcp.output.pushPending(sk);
                    sk.corked = cork;
                }
            }
            case 2 -> {
                if (v != 0 && (v < 88 || v > 65535 - 40)) {
                    throw new ErrnoException(Errno.EINVAL, "TCP_MAXSEG must be 88..65495");
                }
                sk.userMss = v;
            }
            case 3 -> {
                sk.corked = v != 0;
                if (!sk.corked) {
                    sk.tcp.output.pushPending(sk);
                }
            }
            case 4 -> sk.keepIdle = (short) positive(v, 32767, "TCP_KEEPIDLE");
            case 5 -> sk.keepIntvl = (short) positive(v, 32767, "TCP_KEEPINTVL");
            case 6 -> sk.keepCnt = (byte) positive(v, 127, "TCP_KEEPCNT");
            case 7 -> sk.synCnt = (byte) positive(v, 127, "TCP_SYNCNT");
            case 8 -> sk.linger2 = (byte) (v < 0 ? -1 : v == 0 ? -2 : Math.min(v, 120));   // 0: tcp_fin_timeout; at most TCP_FIN_TIMEOUT_MAX
            case 12 -> {
                if (v != 0) {
                    sk.quickAcks = 16;
                    sk.pingpong = 0;
                    if (sk.ackPending) {
                        sk.tcp.output.sendAck(sk);
                    }
                } else {
                    sk.pingpong = 1;
                }
            }
            case 18 -> {
                if (v < 0) {
                    throw new ErrnoException(Errno.EINVAL, "TCP_USER_TIMEOUT must not be negative");
                }
                sk.userTimeoutMs = v;
            }
            default -> throw new ErrnoException(Errno.ENOPROTOOPT, opt + " is not supported");
        }
        if (opt.name() >= 4 && opt.name() <= 6) {
            sk.timers.keepaliveChanged();
        }
        return true;
    }

    /**
     * Switches the congestion control by name. Mirrors {@code tcp_set_congestion_control()}:
     * ENOENT for a name nobody registered; the new one starts at once on an open connection.
     */
    static void setCongestionControl(TcpSock sk, String name) {
        io.jnetstack.ipv4.tcp.cong.CongestionControl next = sk.tcp.congestionControl(name);
        if (next == null) {
            throw new ErrnoException(Errno.ENOENT, "no congestion control \"" + name + "\" (net.ipv4.tcp_available_congestion_control)");
        }
        sk.ca = next;
        if (sk.isConnected()) {
            sk.ca.init(sk);   // tcp_reinit_congestion_control(); else at tcp_init_transfer()
        }
    }

    private static int positive(int v, int max, String name) {
        if (v < 1 || v > max) {
            throw new ErrnoException(Errno.EINVAL, name + " must be 1.." + max);
        }
        return v;
    }

    /** Reads {@code opt}; null when it is not TCP's. */
    static Object get(TcpSock sk, SockOpt<?> opt) {
        if (opt == SockOpt.SO_KEEPALIVE) {
            return sk.keepaliveFlag() ? 1 : 0;
        }
        if (opt == SockOpt.SO_ACCEPTCONN) {
            return sk.state == TcpState.LISTEN ? 1 : 0;
        }
        if (opt.level() != SockOpt.SOL_TCP) {
            return null;
        }
        TcpSysctls sysctl = sk.tcp.sysctl;
        return switch (opt.name()) {
            case 1 -> sk.nodelay ? 1 : 0;
            case 2 -> sk.userMss != 0 && (sk.state == TcpState.CLOSE || sk.state == TcpState.LISTEN) ? sk.userMss : sk.mssCache;
            case 3 -> sk.corked ? 1 : 0;
            case 4 -> sk.keepIdle != 0 ? sk.keepIdle : (int) sysctl.keepaliveTime.get();
            case 5 -> sk.keepIntvl != 0 ? sk.keepIntvl : (int) sysctl.keepaliveIntvl.get();
            case 6 -> sk.keepCnt != 0 ? sk.keepCnt : (int) sysctl.keepaliveProbes.get();
            case 7 -> sk.synCnt != 0 ? sk.synCnt : (int) sysctl.synRetries.get();
            case 8 -> sk.linger2 == -2 ? (int) sysctl.finTimeout.get() : sk.linger2;
            case 12 -> sk.pingpong == 0 ? 1 : 0;
            case 18 -> sk.userTimeoutMs;
            case 11 -> TcpInfo.of(sk);
            case TCP_CONGESTION -> sk.ca.name();
            default -> throw new ErrnoException(Errno.ENOPROTOOPT, opt + " is not supported");
        };
    }

    /** Mirrors {@code tcp_ioctl()}: FIONREAD (SIOCINQ), SIOCATMARK, SIOCOUTQ; MIN_VALUE for others. */
    static long ioctl(TcpSock sk, int request) {
        return switch (request) {
            case Socket.FIONREAD -> {
                if (sk.state == TcpState.LISTEN) {
                    throw new ErrnoException(Errno.EINVAL, "FIONREAD on a listening socket");
                }
                yield TcpUrgent.inq(sk);
            }
            case Socket.SIOCATMARK -> {
                if (sk.state == TcpState.LISTEN) {
                    throw new ErrnoException(Errno.EINVAL, "SIOCATMARK on a listening socket");
                }
                yield TcpUrgent.atMark(sk) ? 1 : 0;
            }
            case Socket.SIOCOUTQ -> {
                if (sk.state == TcpState.LISTEN) {
                    throw new ErrnoException(Errno.EINVAL, "SIOCOUTQ on a listening socket");
                }
                yield sk.writeSeq - sk.sndUna;
            }
            default -> Long.MIN_VALUE;
        };
    }
}
