package io.jnetstack.bench;

import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.Socket;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * {@code idle-conn-bytes}: what an idle established TCP connection costs in memory.
 * <ul>
 * <li>jnetstack: two namespaces in this JVM on a veth pair, N connections from one to the
 *     other (spread over several listening ports so that the ephemeral range suffices, as a
 *     4-tuple needs only be unique), every one connected and accepted; the figure is the
 *     retained heap after full GCs, after less before.</li>
 * <li>Linux: N connections over 127.0.0.1 with the JDK's SocketChannel, the kernel's slab
 *     memory and TCP socket-buffer pages from {@code /proc} after less before
 *     ({@link KernelMemory}). Each connection holds two descriptors, so N is capped by the
 *     process's open-file limit; the cost per socket does not depend on N.</li>
 * </ul>
 * Both count two endpoints per connection (the connecting socket and the accepted one).
 */
final class IdleConnBench {
    /** Connections per listening port: well inside the 28,232 ports of the default ip_local_port_range. */
    static final int PER_PORT = 10_000;
    private static final int BASE_PORT = 5000;
    /** Descriptors kept free for the JVM and the rest of the run. */
    private static final int SPARE_DESCRIPTORS = 256;

    /**
     * The stack side.
     *
     * @param connections idle connections measured
     * @param ports listening ports they were spread over
     * @param heapBytes retained heap they added
     */
    record StackResult(int connections, int ports, long heapBytes) {
        double perEndpoint() {
            return heapBytes / (2.0 * connections);
        }
    }

    /**
     * The kernel side.
     *
     * @param connections idle connections measured
     * @param wanted connections asked for (more than {@code connections} when descriptors ran short)
     * @param slabBytes growth of {@code Slab} in {@code /proc/meminfo}
     * @param tcpMemBytes growth of TCP's {@code mem} in {@code /proc/net/sockstat}
     * @param caches the slab caches that grew most, empty when {@code /proc/slabinfo} is not readable
     */
    record KernelResult(int connections, int wanted, long slabBytes, long tcpMemBytes,
            List<KernelMemory.CacheDelta> caches) {
        double perEndpoint() {
            return (slabBytes + tcpMemBytes) / (2.0 * connections);
        }
    }

    private IdleConnBench() {
    }

    // ================================================================ jnetstack

    static StackResult stack(int n) {
        TwoStacks two = new TwoStacks(1, 1500).settle();
        Kernel k = two.k;
        Net a = two.a;
        Net b = two.b;
        int addrB = TwoStacks.ADDR_B;
        int ports = (n + PER_PORT - 1) / PER_PORT;
        Socket[] listeners = new Socket[ports];
        for (int i = 0; i < ports; i++) {
            listeners[i] = b.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
            listeners[i].bind(new SockAddrIn(0, BASE_PORT + i));
            listeners[i].listen(1024);
        }
        Socket[] clients = new Socket[n];
        Socket[] servers = new Socket[n];
        // Warm up: the first connections load classes and size tables that any number of connections shares.
        open(a, listeners, addrB, clients, servers, Math.min(n, 200));
        closeAll(clients, servers);
        k.runFor(120_000_000_000L);   // past TIME_WAIT (60 s)
        long before = retainedHeap();
        open(a, listeners, addrB, clients, servers, n);
        k.runFor(1_000_000_000L);     // delayed ACKs and any other timer of a new connection
        long after = retainedHeap();
        Reference.reachabilityFence(k);
        Reference.reachabilityFence(listeners);
        Reference.reachabilityFence(clients);
        Reference.reachabilityFence(servers);
        return new StackResult(n, ports, after - before);
    }

    private static void open(Net a, Socket[] listeners, int addrB, Socket[] clients, Socket[] servers, int n) {
        for (int i = 0; i < n; i++) {
            int l = i % listeners.length;
            Socket c = a.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
            c.connect(new SockAddrIn(addrB, BASE_PORT + l));
            clients[i] = c;
            servers[i] = listeners[l].accept();
        }
    }

    private static void closeAll(Socket[] clients, Socket[] servers) {
        for (int i = 0; i < clients.length; i++) {
            if (clients[i] != null) {
                clients[i].close();
                servers[i].close();
                clients[i] = null;
                servers[i] = null;
            }
        }
    }

    /** Heap in use after full collections, once two in a row agree within 64 KiB (at most 6). */
    static long retainedHeap() {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long prev = Long.MIN_VALUE;
        long used = 0;
        for (int i = 0; i < 6; i++) {
            mx.gc();
            used = mx.getHeapMemoryUsage().getUsed();
            if (Math.abs(used - prev) < 64 * 1024) {
                break;
            }
            prev = used;
        }
        return used;
    }

    // ================================================================ the kernel

    /** How many kernel connections fit in the descriptors left to this process. */
    static int kernelConnections(int wanted) {
        int free = KernelMemory.freeDescriptors();
        long fit = ((long) free - SPARE_DESCRIPTORS) / 2 - (wanted + PER_PORT - 1) / PER_PORT;
        return (int) Math.max(0, Math.min(wanted, fit));
    }

    /** The kernel side, the lowest of {@code rounds} measurements (other processes' allocations only add). */
    static KernelResult kernel(int wanted, int rounds) throws IOException {
        KernelResult best = null;
        for (int r = 0; r < rounds; r++) {
            KernelResult k = kernelOnce(wanted);
            if (best == null || k.perEndpoint() < best.perEndpoint()) {
                best = k;
            }
        }
        return best;
    }

    private static KernelResult kernelOnce(int wanted) throws IOException {
        int n = kernelConnections(wanted);
        if (n == 0) {
            throw new IOException("no file descriptors left for kernel sockets");
        }
        int ports = (n + PER_PORT - 1) / PER_PORT;
        ServerSocketChannel[] listeners = new ServerSocketChannel[ports];
        SocketChannel[] clients = new SocketChannel[n];
        SocketChannel[] servers = new SocketChannel[n];
        try {
            for (int i = 0; i < ports; i++) {
                listeners[i] = ServerSocketChannel.open(StandardProtocolFamily.INET);
                listeners[i].bind(new InetSocketAddress("127.0.0.1", 0), 1024);
            }
            KernelMemory.Snapshot before = KernelMemory.read();
            for (int i = 0; i < n; i++) {
                ServerSocketChannel l = listeners[i % ports];
                clients[i] = SocketChannel.open(StandardProtocolFamily.INET);
                clients[i].connect(l.getLocalAddress());
                servers[i] = l.accept();
            }
            KernelMemory.Snapshot after = KernelMemory.read();
            return new KernelResult(n, wanted, after.slabBytes() - before.slabBytes(),
                    after.tcpMemBytes() - before.tcpMemBytes(), KernelMemory.grown(before, after, 6));
        } finally {
            for (int i = 0; i < n; i++) {
                if (clients[i] != null) {
                    // An abortive close (RST) leaves no TIME_WAIT sockets behind for the next workload.
                    clients[i].setOption(StandardSocketOptions.SO_LINGER, 0);
                    clients[i].close();
                }
                if (servers[i] != null) {
                    servers[i].close();
                }
            }
            for (ServerSocketChannel l : listeners) {
                if (l != null) {
                    l.close();
                }
            }
        }
    }
}
