package io.jnetstack.packetdrill;

import io.jnetstack.socket.Msghdr;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.Socket;
import io.jnetstack.socket.Sockets;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The calls whose arguments are structs: {@code recvmsg} and {@code sendmsg} with a
 * {@code struct msghdr} ({@code msg_name}, {@code msg_iov}, {@code msg_flags},
 * {@code msg_control}: ancillary data is supported only as the empty list), and {@code poll}
 * with an array of {@code struct pollfd}.
 */
final class MsgCalls {

    private final Syscalls.Call c;
    private final Args a;
    private final int line;

    MsgCalls(Syscalls.Call c) {
        this.c = c;
        this.a = c.a;
        this.line = c.line;
    }

    /**
     * A {@code struct msghdr} as written.
     *
     * @param name    the address ({@code msg_name})
     * @param iov     the buffers
     * @param flags   {@code msg_flags}, or {@code ...}
     * @param control {@code msg_control}, or {@code ...}
     */
    private record Msg(SockAddrIn name, ByteBuffer[] iov, Expr flags, Expr control) { }

    private Msg msghdr(Expr e, SockAddrIn fallback) {
        if (!(e instanceof Expr.Struct s)) {
            throw new UnsupportedConstruct(line, "msghdr " + Args.show(e));
        }
        SockAddrIn name = null;
        ByteBuffer[] iov = new ByteBuffer[0];
        Expr flags = new Expr.Ellipsis();
        Expr control = new Expr.Ellipsis();
        for (Expr m : s.members()) {
            if (!(m instanceof Expr.Field f)) {
                throw new UnsupportedConstruct(line, "msghdr member " + Args.show(m) + " (fields must be named)");
            }
            switch (f.name()) {
                case "msg_name" -> name = a.sockaddr(f.value(), fallback);
                case "msg_iov" -> iov = a.iovec(f.value());
                case "msg_flags" -> flags = f.value();
                case "msg_control" -> control = f.value();
                case "msg_namelen", "msg_iovlen", "msg_controllen" -> { }
                default -> throw new UnsupportedConstruct(line, "msghdr field " + f.name());
            }
        }
        if (control instanceof Expr.ListExpr l && !l.elements().isEmpty()) {
            throw new UnsupportedConstruct(line, c.sc.name() + " msg_control (ancillary data)");
        }
        if (!(control instanceof Expr.ListExpr) && !Args.isEllipsis(control)) {
            throw new UnsupportedConstruct(line, c.sc.name() + " msg_control " + Args.show(control));
        }
        return new Msg(name, iov, flags, control);
    }

    Syscalls.Prepared sendmsg() {
        c.arg(2);
        Socket s = c.fd();
        Msg m = msghdr(c.arg(1), c.owner().remoteDefault(s));
        int flags = a.integer32(c.arg(2));
        return new Syscalls.Prepared(() -> (long) c.need(s).sendmsg(new Msghdr(m.iov()).name(m.name()), flags),
                done -> c.expectResult(done, true));
    }

    Syscalls.Prepared recvmsg() {
        c.arg(2);
        Socket s = c.fd();
        Msg m = msghdr(c.arg(1), null);
        int flags = a.integer32(c.arg(2));
        Msghdr hdr = new Msghdr(m.iov());
        return new Syscalls.Prepared(() -> (long) c.need(s).recvmsg(hdr, flags), done -> {
            if (!c.expectResult(done, true)) {
                return;
            }
            if (!Args.isEllipsis(m.flags()) && hdr.flags() != a.integer32(m.flags())) {
                throw new ScriptFailure(line, "recvmsg: expected msg_flags=" + Args.show(m.flags()) + " but got 0x"
                        + Integer.toHexString(hdr.flags()));
            }
            if (m.control() instanceof Expr.ListExpr && !hdr.control().isEmpty()) {
                throw new ScriptFailure(line, "recvmsg: expected no ancillary data but got " + hdr.control());
            }
        });
    }

    Syscalls.Prepared poll() {
        c.arg(2);
        if (!(c.arg(0) instanceof Expr.ListExpr list)) {
            throw new UnsupportedConstruct(line, "poll fds " + Args.show(c.arg(0)));
        }
        List<Expr> entries = list.elements();
        Sockets.PollFd[] fds = new Sockets.PollFd[entries.size()];
        for (int i = 0; i < fds.length; i++) {
            fds[i] = pollFd(entries.get(i));
        }
        long timeout = a.integer(c.arg(2));
        return new Syscalls.Prepared(() -> c.owner().sockets().poll(fds, timeout), done -> {
            if (done.value() instanceof int[] revents) {
                long ready = java.util.Arrays.stream(revents).filter(r -> r != 0).count();
                done = new Syscalls.Completion(ready, done.error(), done.crash(), done.nanos());
                if (c.expectResult(done, true)) {
                    checkRevents(entries, revents);
                }
            } else {
                c.expectResult(done, true);
            }
        });
    }

    private Sockets.PollFd pollFd(Expr e) {
        if (!(e instanceof Expr.Struct s) || Args.field(s, "fd") == null) {
            throw new UnsupportedConstruct(line, "pollfd " + Args.show(e));
        }
        Socket sock = c.owner().socketFor(a.integer(Args.field(s, "fd")));
        if (sock == null) {
            throw new UnsupportedConstruct(line, "poll on descriptor " + Args.show(Args.field(s, "fd"))
                    + " (not open: POLLNVAL)");
        }
        Expr events = Args.field(s, "events");
        return new Sockets.PollFd(sock, events == null ? 0 : a.integer32(events));
    }

    private void checkRevents(List<Expr> entries, int[] revents) {
        for (int i = 0; i < revents.length; i++) {
            Expr want = Args.field((Expr.Struct) entries.get(i), "revents");
            if (want != null && !Args.isEllipsis(want) && a.integer32(want) != revents[i]) {
                throw new ScriptFailure(line, "poll: entry " + i + ": expected revents=" + Args.show(want)
                        + " but got 0x" + Integer.toHexString(revents[i]));
            }
        }
    }
}
