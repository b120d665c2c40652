package io.jnetstack.socket;

import io.jnetstack.wire.Ipv4Address;

/**
 * An IPv4 socket address, host-order address and port. Mirrors {@code struct sockaddr_in}.
 *
 * @param addr the IPv4 address ({@code sin_addr}), 0 for INADDR_ANY
 * @param port the port ({@code sin_port}), 0 for "any"
 */
public record SockAddrIn(int addr, int port) {
    /** INADDR_ANY, port 0. */
    public static final SockAddrIn ANY = new SockAddrIn(0, 0);

    /** Checks the port range. */
    public SockAddrIn {
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** {@code of("192.0.2.1", 53)}. */
    public static SockAddrIn of(String addr, int port) {
        return new SockAddrIn(Ipv4Address.parse(addr), port);
    }

    /** Parses {@code "192.0.2.1:53"} (the address alone means port 0). */
    public static SockAddrIn parse(String text) {
        int c = text.lastIndexOf(':');
        if (c < 0) {
            return of(text, 0);
        }
        return of(text.substring(0, c), Integer.parseInt(text.substring(c + 1)));
    }

    @Override
    public String toString() {
        return Ipv4Address.format(addr) + ":" + port;
    }
}
