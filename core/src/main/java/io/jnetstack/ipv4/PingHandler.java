package io.jnetstack.ipv4;

import io.jnetstack.core.SkBuff;

/**
 * The ICMP ping sockets of a namespace as ICMP sees them: echo replies go to {@link #rcv}
 * (the ECHOREPLY entry of {@code icmp_pointers[]}, {@code ping_rcv}), errors quoting an echo
 * request to {@link #error} ({@code icmp_err()} → {@code ping_err()}). Installed by
 * {@code io.jnetstack.ipv4.ping.PingTable}.
 */
public interface PingHandler {
    /**
     * An echo reply; data at the ICMP header, network header marked. Mirrors {@code ping_rcv()}.
     *
     * @return true when a socket matched: the buffer is then owned (queued, or dropped with a
     *         reason); false leaves it to the caller
     */
    boolean rcv(SkBuff skb);

    /**
     * An ICMP error quoting an ICMP message we sent; as {@link InetProtocol#error} the data and
     * network header are at the quoted IP header and the buffer is lent. Mirrors {@code ping_err()}.
     */
    void error(SkBuff skb, int type, int code, int info);
}
