package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.Socket;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an idle established connection keeps on the heap (issue 7: at most 1,024 bytes per
 * endpoint, where Linux spends about 2.5 KB of slab on a TCP socket). Thousands of connections
 * between two namespaces in virtual time, every one connected and accepted, nothing sent; the
 * retained heap they add, divided by the endpoints. A socket that again carries its queues,
 * tables' nodes or recovery state from birth goes well past the limit.
 */
class TcpIdleFootprintTest {
    private static final int CONNECTIONS = 4_000;
    private static final int PORT = 5000;
    /** The limit, heap bytes per endpoint (about 980 now). */
    private static final long LIMIT = 1_024;

    @Test
    void anIdleEstablishedEndpointKeepsAtMostOneKilobyte() {
        VethStacks t = new VethStacks(7, 1500, true);
        Kernel k = t.k;
        Net a = t.a;
        Net b = t.b;
        int addrB = VethStacks.B;
        k.runFor(1_000_000_000L);
        Socket listener = b.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
        listener.bind(new SockAddrIn(0, PORT));
        listener.listen(1024);
        Socket[] clients = new Socket[CONNECTIONS];
        Socket[] servers = new Socket[CONNECTIONS];
        // Warm up: classes loaded, pools and tables sized by the first connections, then past TIME_WAIT.
        open(a, listener, addrB, clients, servers, 200);
        for (int i = 0; i < 200; i++) {
            clients[i].close();
            servers[i].close();
            clients[i] = null;
            servers[i] = null;
        }
        k.runFor(120_000_000_000L);
        long before = retainedHeap();
        open(a, listener, addrB, clients, servers, CONNECTIONS);
        k.runFor(1_000_000_000L);   // delayed ACKs and whatever else a new connection arms
        long after = retainedHeap();
        assertEquals(CONNECTIONS, Tcp.of(a).mib().get(TcpMib.CurrEstab));
        assertEquals(CONNECTIONS, Tcp.of(b).mib().get(TcpMib.CurrEstab));
        double perEndpoint = (after - before) / (2.0 * CONNECTIONS);
        System.out.printf("idle established connection: %.0f heap bytes per endpoint%n", perEndpoint);
        assertTrue(perEndpoint <= LIMIT, String.format("%.0f heap bytes per idle endpoint (limit %d)", perEndpoint, LIMIT));
        assertTrue(perEndpoint > 256, String.format("%.0f bytes per endpoint: the measurement failed", perEndpoint));
        Reference.reachabilityFence(k);
        Reference.reachabilityFence(listener);
        Reference.reachabilityFence(clients);
        Reference.reachabilityFence(servers);
    }

    private static void open(Net a, Socket listener, int addrB, Socket[] clients, Socket[] servers, int n) {
        for (int i = 0; i < n; i++) {
            Socket c = a.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
            c.connect(new SockAddrIn(addrB, PORT));
            clients[i] = c;
            servers[i] = listener.accept();
        }
    }

    /**
     * The heap in use after full collections: the least of several, since anything else the JVM
     * does meanwhile (the compiler, the test runner) can only add to a reading.
     */
    private static long retainedHeap() {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            mx.gc();
            least = Math.min(least, mx.getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
