package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetdevFeatures;
import io.jnetstack.link.Veth;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.Socket;
import io.jnetstack.wire.Ipv4Address;

/**
 * Two namespaces in one deterministic kernel joined by a veth pair, {@link #A} on {@code a} and
 * {@link #B} on {@code b}, and a TCP connection from a to b.
 */
final class VethStacks {
    static final int A = Ipv4Address.parse("10.9.0.1");
    static final int B = Ipv4Address.parse("10.9.0.2");

    final Kernel k;
    final Net a;
    final Net b;
    /** a's end; {@code v.peer()} is b's. */
    final Veth v;
    Socket listener;
    /** a's end of the connection. */
    Socket client;
    /** b's end of the connection. */
    Socket server;

    /**
     * @param offloads whether the veth keeps its TSO and checksum offload (else segments and
     *                 checksums are made in software)
     */
    VethStacks(long seed, int mtu, boolean offloads) {
        k = Kernel.deterministic(seed);
        a = k.newNet("a");
        b = k.newNet("b");
        v = Veth.createPair(a, "veth0", b, "veth0");
        if (!offloads) {
            v.setFeatures(0, NetdevFeatures.TSO | NetdevFeatures.HW_CSUM);
        }
        v.setMtu(mtu);
        v.peer().setMtu(mtu);
        v.up();
        v.peer().up();
        a.inet().devinet().add(v, A, 24);
        b.inet().devinet().add(v.peer(), B, 24);
        k.runFor(10_000_000L);
    }

    /** Listens on b's {@code port}, connects from a and accepts. */
    VethStacks connect(int port) {
        return connect(port, c -> { });
    }

    /** As {@link #connect(int)}, with {@code setUp} applied to a's socket before it connects. */
    VethStacks connect(int port, java.util.function.Consumer<Socket> setUp) {
        listener = b.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
        listener.bind(new SockAddrIn(0, port));
        listener.listen(4);
        client = a.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
        setUp.accept(client);
        client.connect(new SockAddrIn(B, port));
        server = listener.accept();
        return this;
    }

    /** Closes the three sockets. */
    void close() {
        client.close();
        server.close();
        listener.close();
    }
}
