package io.jnetstack.packetdrill;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.socket.Epoll;
import io.jnetstack.socket.Socket;

import java.util.List;
import java.util.Map;

/**
 * {@code epoll_create}, {@code epoll_ctl} and {@code epoll_wait} on the stack's {@link Epoll}.
 * An epoll instance takes a script descriptor like a socket; a socket is registered with its
 * script descriptor as {@code data}, so that {@code epoll_wait(5, {events=EPOLLIN, fd=4}, 1, 0)}
 * can check which socket was reported (the first event returned) and for what.
 */
final class EpollCalls {

    private static final int CTL_ADD = 1;
    private static final int CTL_DEL = 2;
    private static final int CTL_MOD = 3;

    private final Syscalls.Call c;
    private final Map<Long, Epoll> epolls;

    EpollCalls(Syscalls.Call c, Map<Long, Epoll> epolls) {
        this.c = c;
        this.epolls = epolls;
    }

    Syscalls.Prepared create() {
        return new Syscalls.Prepared(() -> c.owner().sockets().epoll(), done -> {
            if (c.expectResult(done, false)) {
                epolls.put(c.a.integer(c.sc.result()), (Epoll) done.value());
            }
        });
    }

    Syscalls.Prepared ctl() {
        c.arg(2);
        Epoll ep = epolls.get(c.a.integer(c.arg(0)));
        int op = c.a.integer32(c.arg(1));
        long fd = c.a.integer(c.arg(2));
        Socket s = c.owner().socketFor(fd);
        int events = 0;
        if (op != CTL_DEL) {
            if (!(c.arg(3) instanceof Expr.Struct st) || Args.field(st, "events") == null) {
                throw new UnsupportedConstruct(c.line, "epoll_event " + Args.show(c.arg(3)));
            }
            events = c.a.integer32(Args.field(st, "events"));
        }
        int ev = events;
        return new Syscalls.Prepared(() -> {
            Epoll e = need(ep);
            if (s == null) {
                throw new ErrnoException(Errno.EBADF, "epoll_ctl: descriptor " + fd + " is not open in this script");
            }
            switch (op) {
                case CTL_ADD -> e.add(s, ev, fd);
                case CTL_MOD -> e.modify(s, ev, fd);
                case CTL_DEL -> e.remove(s);
                default -> throw new ErrnoException(Errno.EINVAL, "epoll_ctl: operation " + op);
            }
            return 0L;
        }, done -> c.expectResult(done, true));
    }

    Syscalls.Prepared await() {
        c.arg(3);
        Epoll ep = epolls.get(c.a.integer(c.arg(0)));
        int max = c.a.integer32(c.arg(2));
        long timeout = c.a.integer(c.arg(3));
        Expr expected = c.arg(1);
        return new Syscalls.Prepared(() -> need(ep).await(max, timeout), done -> {
            if (!(done.value() instanceof List<?> events)) {
                c.expectResult(done, true);
                return;
            }
            Syscalls.Completion n = new Syscalls.Completion((long) events.size(), null, null, done.nanos());
            if (c.expectResult(n, true) && !events.isEmpty() && expected instanceof Expr.Struct st) {
                check((Epoll.Event) events.getFirst(), st);
            }
        });
    }

    private void check(Epoll.Event got, Expr.Struct want) {
        Expr events = Args.field(want, "events");
        if (events != null && !Args.isEllipsis(events) && c.a.integer32(events) != got.events()) {
            throw new ScriptFailure(c.line, "epoll_wait: expected events=" + Args.show(events) + " but got 0x"
                    + Integer.toHexString(got.events()) + " (fd " + got.attachment() + ")");
        }
        Expr fd = Args.field(want, "fd");
        if (fd != null && !Args.isEllipsis(fd) && !Long.valueOf(c.a.integer(fd)).equals(got.attachment())) {
            throw new ScriptFailure(c.line, "epoll_wait: expected fd=" + Args.show(fd) + " but got fd "
                    + got.attachment());
        }
    }

    private Epoll need(Epoll ep) {
        if (ep == null) {
            throw new ErrnoException(Errno.EBADF, c.sc.name() + ": descriptor " + Args.show(c.arg(0))
                    + " is not an epoll instance of this script");
        }
        return ep;
    }
}
