package io.jnetstack.socket;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.WaitQueue;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A readiness set over sockets. Mirrors {@code eventpoll}: each registered socket gets a
 * callback on its wait queue ({@code ep_poll_callback}) that puts it on the ready list;
 * {@link #await} re-polls the ready sockets and reports those still ready for the events asked.
 * Level-triggered by default; {@link #EPOLLET} reports a socket once per wake-up and
 * {@link #EPOLLONESHOT} disarms it after one report.
 */
public final class Epoll {
    /** EPOLLIN. */
    public static final int EPOLLIN = Socket.POLLIN;
    /** EPOLLOUT. */
    public static final int EPOLLOUT = Socket.POLLOUT;
    /** EPOLLERR. */
    public static final int EPOLLERR = Socket.POLLERR;
    /** EPOLLHUP. */
    public static final int EPOLLHUP = Socket.POLLHUP;
    /** EPOLLRDHUP. */
    public static final int EPOLLRDHUP = Socket.POLLRDHUP;
    /** EPOLLONESHOT. */
    public static final int EPOLLONESHOT = 1 << 30;
    /** EPOLLET. */
    public static final int EPOLLET = 1 << 31;

    /**
     * A ready socket as {@link #await} reports it. Mirrors {@code struct epoll_event}.
     *
     * @param socket     the socket
     * @param events     the ready events
     * @param attachment what was registered with it ({@code data})
     */
    public record Event(Socket socket, int events, Object attachment) {
    }

    private final class Item implements WaitQueue.Callback {
        final Socket socket;
        int events;
        Object attachment;
        boolean armed = true;

        Item(Socket socket, int events, Object attachment) {
            this.socket = socket;
            this.events = events;
            this.attachment = attachment;
        }

        @Override
        public void wake(int ev) {
            if (armed && (ev & (events | Socket.POLLERR | Socket.POLLHUP)) != 0) {
                ready.add(this);
                if (!wq.isEmpty()) {
                    wq.wakeUp(Socket.POLLIN);
                }
            }
        }
    }

    private final Kernel kernel;
    private final Map<Socket, Item> items = new IdentityHashMap<>();
    private final LinkedHashSet<Item> ready = new LinkedHashSet<>();
    private final WaitQueue wq = new WaitQueue();

    Epoll(Kernel kernel) {
        this.kernel = kernel;
    }

    /** Adds a socket. Mirrors {@code epoll_ctl(EPOLL_CTL_ADD)}; EEXIST when already added. */
    public void add(Socket s, int events, Object attachment) {
        kernel.lock();
        try {
            if (s.isClosed()) {
                throw new ErrnoException(Errno.EBADF, "the socket is closed");
            }
            if (items.containsKey(s)) {
                throw new ErrnoException(Errno.EEXIST, "the socket (fd " + s.fd() + ") is already in this epoll set");
            }
            Item it = new Item(s, events, attachment);
            items.put(s, it);
            if (s.epolls == null) {
                s.epolls = new java.util.ArrayList<>(1);
            }
            s.epolls.add(this);
            s.sock().waitQueue().addCallback(it);
            if ((s.sock().poll() & (events | Socket.POLLERR | Socket.POLLHUP)) != 0) {
                ready.add(it);
            }
        } finally {
            kernel.unlock();
        }
    }

    /** Changes what a socket is watched for. Mirrors {@code EPOLL_CTL_MOD}; ENOENT when absent. */
    public void modify(Socket s, int events, Object attachment) {
        kernel.lock();
        try {
            Item it = item(s);
            it.events = events;
            it.attachment = attachment;
            it.armed = true;
            if ((s.sock().poll() & (events | Socket.POLLERR | Socket.POLLHUP)) != 0) {
                ready.add(it);
            }
        } finally {
            kernel.unlock();
        }
    }

    /** Removes a socket. Mirrors {@code EPOLL_CTL_DEL}; ENOENT when absent. */
    public void remove(Socket s) {
        kernel.lock();
        try {
            release(s);
        } finally {
            kernel.unlock();
        }
    }

    /** Forgets {@code s}; its close calls this. Mirrors {@code ep_remove()}. */
    void release(Socket s) {
        Item it = item(s);
        items.remove(s);
        ready.remove(it);
        if (s.epolls != null) {
            s.epolls.remove(this);
        }
        s.sock().waitQueue().removeCallback(it);
    }

    private Item item(Socket s) {
        Item it = items.get(s);
        if (it == null) {
            throw new ErrnoException(Errno.ENOENT, "the socket (fd " + s.fd() + ") is not in this epoll set");
        }
        return it;
    }

    /**
     * Waits for ready sockets, at most {@code max}, for up to {@code timeoutMillis} (negative:
     * forever; 0: just look). Mirrors {@code epoll_wait()} / {@code ep_send_events()}.
     */
    public List<Event> await(int max, long timeoutMillis) {
        if (max <= 0) {
            throw new ErrnoException(Errno.EINVAL, "epoll_wait needs room for at least one event");
        }
        List<Event> out = new ArrayList<>();
        kernel.lock();
        try {
            long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : kernel.clock().nanos() + timeoutMillis * 1_000_000L;
            // ep_poll(): harvest the ready list; if nothing, sleep until a callback fills it,
            // harvest again. The wait condition only looks, it never takes events, since the
            // sleep may evaluate it more than once.
            collect(out, max);
            while (out.isEmpty() && timeoutMillis != 0) {
                boolean woken = kernel.sleep(wq, () -> !ready.isEmpty(), deadline);
                collect(out, max);
                if (!woken) {
                    break;
                }
            }
            return out;
        } finally {
            kernel.unlock();
        }
    }

    private boolean collect(List<Event> out, int max) {
        List<Item> again = new ArrayList<>();
        var iter = ready.iterator();
        while (iter.hasNext() && out.size() < max) {
            Item it = iter.next();
            iter.remove();
            if (it.socket.isClosed() || !it.armed) {
                continue;
            }
            int m = it.socket.sock().poll() & (it.events | Socket.POLLERR | Socket.POLLHUP);
            if (m == 0) {
                continue;
            }
            out.add(new Event(it.socket, m, it.attachment));
            if ((it.events & EPOLLONESHOT) != 0) {
                it.armed = false;
            } else if ((it.events & EPOLLET) == 0) {
                again.add(it);
            }
        }
        ready.addAll(again);
        return !out.isEmpty();
    }

    /** The sockets registered. */
    public int size() {
        return items.size();
    }
}
