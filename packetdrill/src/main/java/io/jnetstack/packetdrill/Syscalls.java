package io.jnetstack.packetdrill;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Net;
import io.jnetstack.socket.Epoll;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;
import io.jnetstack.socket.Sockets;

import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * The script's system calls on the stack's socket API. A call is prepared on the driving thread
 * (arguments evaluated, the script's descriptors resolved), its body runs on a user thread of the
 * kernel (so it may block inside the stack), and its check runs back on the driving thread:
 * return value, errno by name, and what the call wrote out ({@code [N]} of getsockopt and ioctl,
 * revents of poll, msg_flags of recvmsg).
 *
 * <p>Descriptors: the script's numbers map to sockets; {@code socket()} and {@code accept()}
 * bind the number the script expects to the new socket, whatever number the stack gave it.
 * Default addresses: {@code ...} for bind is the local address and port 8080, for connect,
 * sendto and sendmsg the remote address and the current connection's port.
 */
final class Syscalls {

    /** The calls implemented. */
    static final Set<String> NAMES = Set.of("socket", "bind", "listen", "accept", "connect", "read", "readv",
            "recv", "recvfrom", "recvmsg", "write", "writev", "send", "sendto", "sendmsg", "fcntl", "ioctl",
            "close", "shutdown", "getsockopt", "setsockopt", "poll", "epoll_create", "epoll_create1", "epoll_ctl",
            "epoll_wait");

    private static final int FIRST_REMOTE_PORT = 43210;

    private final Net net;
    private final RunConfig config;
    private final Map<Long, Socket> fds = new TreeMap<>();
    private final Map<Socket, Flow> flows = new IdentityHashMap<>();
    private final Map<Long, Epoll> epolls = new TreeMap<>();
    private Flow current;
    private Socket currentSocket;
    private int nextRemotePort = FIRST_REMOTE_PORT;

    /**
     * What a call did, as seen by the thread that made it.
     *
     * @param value the call's result object
     * @param error the errno it failed with, or null
     * @param crash anything else it threw, or null
     * @param nanos when it returned, on the kernel clock
     */
    record Completion(Object value, ErrnoException error, RuntimeException crash, long nanos) { }

    /**
     * A call ready to run.
     *
     * @param body  what the user thread does
     * @param check what the driving thread checks afterwards
     */
    record Prepared(Callable<Object> body, Consumer<Completion> check) { }

    Syscalls(Net net, RunConfig config) {
        this.net = net;
        this.config = config;
    }

    /** @return the connection the packet lines talk about now */
    private Flow newFlow(boolean dgram) {
        Flow f = new Flow(nextRemotePort++, 0, dgram);
        f.checkTsVal(config.tsTickUsecs(), config.toleranceUsecs());
        return f;
    }

    Flow currentFlow() {
        if (current == null) {
            current = newFlow(false);
        }
        return current;
    }

    /** @return the socket code blocks read TCP_INFO from (the last one created or accepted), or null */
    Socket currentSocket() {
        return currentSocket;
    }

    /** Closes every socket the script left open (waking calls still blocked). */
    void closeAll() {
        epolls.clear();
        for (Socket s : fds.values()) {
            try {
                s.close();
            } catch (RuntimeException ignored) {
                // the script is over; a failure to close changes nothing
            }
        }
        fds.clear();
    }

    /**
     * Prepares a call.
     *
     * @param sc   the call
     * @param line its script line
     * @return the body and check
     */
    Prepared prepare(EventKind.SyscallEvent sc, int line) {
        Call c = new Call(sc, line);
        return switch (sc.name()) {
            case "socket" -> c.socket();
            case "bind" -> c.bind();
            case "listen" -> c.simple(2, s -> {
                s.listen(c.a.integer32(c.arg(1)));
                return 0L;
            });
            case "accept" -> c.accept();
            case "connect" -> c.connect();
            case "read", "recv", "recvfrom" -> c.receive();
            case "readv" -> c.readv();
            case "recvmsg" -> new MsgCalls(c).recvmsg();
            case "write", "send", "sendto" -> c.send();
            case "writev" -> c.writev();
            case "sendmsg" -> new MsgCalls(c).sendmsg();
            case "fcntl" -> c.fcntl();
            case "ioctl" -> c.ioctl();
            case "close" -> c.close();
            case "shutdown" -> c.simple(2, s -> {
                s.shutdown(c.a.integer32(c.arg(1)));
                return 0L;
            });
            case "getsockopt" -> c.getsockopt();
            case "setsockopt" -> c.setsockopt();
            case "poll" -> new MsgCalls(c).poll();
            case "epoll_create", "epoll_create1" -> new EpollCalls(c, epolls).create();
            case "epoll_ctl" -> new EpollCalls(c, epolls).ctl();
            case "epoll_wait" -> new EpollCalls(c, epolls).await();
            default -> throw new UnsupportedConstruct(line, "syscall " + sc.name());
        };
    }

    SockAddrIn localDefault() {
        return new SockAddrIn(config.localIp(), config.localPort());
    }

    SockAddrIn remoteDefault(Socket s) {
        Flow f = s == null ? currentFlow() : flows.getOrDefault(s, currentFlow());
        return new SockAddrIn(config.remoteIp(), f.remotePort());
    }

    Sockets sockets() {
        return net.sockets();
    }

    Socket socketFor(long fd) {
        return fds.get(fd);
    }

    /** One call being prepared: its arguments and the common checks. */
    final class Call {
        final EventKind.SyscallEvent sc;
        final int line;
        final Args a;

        Call(EventKind.SyscallEvent sc, int line) {
            this.sc = sc;
            this.line = line;
            this.a = new Args(line);
        }

        Syscalls owner() {
            return Syscalls.this;
        }

        Expr arg(int i) {
            if (i >= sc.args().size()) {
                throw new ScriptFailure(line, sc.name() + " needs at least " + (i + 1) + " arguments");
            }
            return sc.args().get(i);
        }

        /** The socket named by argument 0; null when the script has no such descriptor. */
        Socket fd() {
            return fds.get(a.integer(arg(0)));
        }

        /** Fails like the kernel does for a descriptor that is not open. */
        Socket need(Socket s) {
            if (s == null) {
                throw new ErrnoException(Errno.EBADF, sc.name() + ": descriptor " + Args.show(arg(0))
                        + " is not open in this script");
            }
            return s;
        }

        interface SocketBody {
            long run(Socket s);
        }

        Prepared simple(int argc, SocketBody body) {
            arg(argc - 1);
            Socket s = fd();
            return new Prepared(() -> body.run(need(s)), done -> expectResult(done, true));
        }

        /**
         * Checks the return value and errno.
         *
         * @param done       the completion
         * @param checkValue whether the value must equal the script's (not for new descriptors)
         * @return true when the call succeeded as expected and its outputs should be checked too
         */
        boolean expectResult(Completion done, boolean checkValue) {
            if (done.crash() != null) {
                StackTraceElement[] where = done.crash().getStackTrace();
                throw new ScriptFailure(line, sc.name() + " threw inside the stack: " + done.crash()
                        + (where.length > 0 ? " at " + where[0] : ""));
            }
            if (Args.isEllipsis(sc.result())) {
                return done.error() == null;
            }
            long expected = a.integer(sc.result());
            ErrnoException err = done.error();
            if (err != null) {
                if (expected != -1) {
                    throw new ScriptFailure(line, sc.name() + ": expected result " + expected + " but got -1 "
                            + err.getMessage());
                }
                if (sc.errno() != null && !sc.errno().equals(err.errno().name())) {
                    throw new ScriptFailure(line, sc.name() + ": expected errno " + sc.errno() + " but got "
                            + err.getMessage());
                }
                return false;
            }
            long actual = done.value() instanceof Long l ? l : 0;
            if (expected < 0) {
                throw new ScriptFailure(line, sc.name() + ": expected result " + expected
                        + (sc.errno() == null ? "" : " " + sc.errno()) + " but got " + actual);
            }
            if (checkValue && actual != expected) {
                throw new ScriptFailure(line, sc.name() + ": expected result " + expected + " but got " + actual);
            }
            return true;
        }

        Prepared socket() {
            arg(2);
            int domain = Args.isEllipsis(arg(0)) ? Socket.AF_INET : a.integer32(arg(0));
            int type = a.integer32(arg(1));
            int protocol = a.integer32(arg(2));
            return new Prepared(() -> sockets().socket(domain, type, protocol), done -> {
                if (expectResult(done, false)) {
                    Socket s = (Socket) done.value();
                    long fd = a.integer(sc.result());
                    fds.put(fd, s);
                    boolean dgram = (type & 0xf) != Socket.SOCK_STREAM;
                    current = newFlow(dgram);
                    flows.put(s, current);
                    currentSocket = s;
                }
            });
        }

        Prepared bind() {
            arg(1);
            Socket s = fd();
            SockAddrIn addr = a.sockaddr(arg(1), localDefault());
            return new Prepared(() -> {
                need(s).bind(addr);
                return 0L;
            }, done -> {
                if (expectResult(done, true) && flows.containsKey(s)) {
                    flows.get(s).setLocalPort(s.getsockname().port());
                }
            });
        }

        Prepared accept() {
            Socket s = fd();
            return new Prepared(() -> need(s).accept(), done -> {
                if (expectResult(done, false)) {
                    Socket child = (Socket) done.value();
                    fds.put(a.integer(sc.result()), child);
                    Flow f = flows.getOrDefault(s, currentFlow());
                    flows.put(child, f);
                    current = f;
                    currentSocket = child;
                }
            });
        }

        Prepared connect() {
            arg(1);
            Socket s = fd();
            SockAddrIn addr = Args.isEllipsis(arg(1)) ? remoteDefault(s) : a.sockaddr(arg(1), null);
            return new Prepared(() -> {
                need(s).connect(addr);
                return 0L;
            }, done -> expectResult(done, true));
        }

        Prepared receive() {
            arg(2);
            Socket s = fd();
            ByteBuffer buf = a.buffer(arg(1), a.integer(arg(2)));
            int flags = sc.name().equals("read") ? 0 : a.integer32(arg(3));
            return new Prepared(() -> (long) need(s).recv(buf, flags), done -> expectResult(done, true));
        }

        Prepared readv() {
            arg(1);
            Socket s = fd();
            ByteBuffer[] iov = a.iovec(arg(1));
            return new Prepared(() -> (long) need(s).readv(iov), done -> expectResult(done, true));
        }

        Prepared send() {
            arg(2);
            Socket s = fd();
            ByteBuffer buf = a.buffer(arg(1), a.integer(arg(2)));
            int flags = sc.name().equals("write") ? 0 : a.integer32(arg(3));
            SockAddrIn to = sc.name().equals("sendto") ? a.sockaddr(arg(4), remoteDefault(s)) : null;
            return new Prepared(() -> (long) need(s).sendto(buf, flags, to), done -> expectResult(done, true));
        }

        Prepared writev() {
            arg(1);
            Socket s = fd();
            ByteBuffer[] iov = a.iovec(arg(1));
            return new Prepared(() -> (long) need(s).writev(iov), done -> expectResult(done, true));
        }

        Prepared fcntl() {
            arg(1);
            Socket s = fd();
            int cmd = a.integer32(arg(1));
            int value = sc.args().size() > 2 ? a.integer32(arg(2)) : 0;
            return new Prepared(() -> (long) need(s).fcntl(cmd, value), done -> expectResult(done, true));
        }

        Prepared ioctl() {
            arg(2);
            Socket s = fd();
            int request = a.integer32(arg(1));
            boolean fionbio = request == Socket.FIONBIO;
            long in = fionbio ? a.integer(arg(2)) : 0;
            return new Prepared(() -> need(s).ioctl(request, in), done -> {
                if (expectResult(new Completion(0L, done.error(), done.crash(), done.nanos()), true) && !fionbio
                        && !Args.isEllipsis(arg(2))) {
                    long want = a.integer(arg(2));
                    long got = (Long) done.value();
                    if (got != want) {
                        throw new ScriptFailure(line, "ioctl: expected [" + want + "] but got [" + got + "]");
                    }
                }
            });
        }

        Prepared close() {
            Socket s = fd();
            long fd = a.integer(arg(0));
            if (s == null && epolls.containsKey(fd)) {
                return new Prepared(() -> 0L, done -> {
                    if (expectResult(done, true)) {
                        epolls.remove(fd);
                    }
                });
            }
            return new Prepared(() -> {
                need(s).close();
                return 0L;
            }, done -> {
                if (expectResult(done, true)) {
                    fds.remove(fd);
                }
            });
        }

        Prepared setsockopt() {
            arg(3);
            Socket s = fd();
            SockOpt<?> opt = Sockopts.find(sc.args(), a, line);
            Object value = Sockopts.value(opt, arg(3), sc.args().size() > 4 ? arg(4) : null, a, line);
            return new Prepared(() -> {
                set(need(s), opt, value);
                return 0L;
            }, done -> expectResult(done, true));
        }

        @SuppressWarnings("unchecked")
        private static <T> void set(Socket s, SockOpt<T> opt, Object value) {
            s.setsockopt(opt, (T) value);
        }

        Prepared getsockopt() {
            arg(3);
            Socket s = fd();
            SockOpt<?> opt = Sockopts.find(sc.args(), a, line);
            return new Prepared(() -> need(s).getsockopt(opt), done -> {
                if (expectResult(new Completion(0L, done.error(), done.crash(), done.nanos()), true)) {
                    String got = Sockopts.compare(done.value(), arg(3), a);
                    if (got != null) {
                        throw new ScriptFailure(line, "getsockopt " + opt.label() + ": expected " + Args.show(arg(3))
                                + " but got " + got);
                    }
                }
            });
        }
    }

}
