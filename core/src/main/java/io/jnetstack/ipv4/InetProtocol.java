package io.jnetstack.ipv4;

import io.jnetstack.core.SkBuff;

/**
 * A transport protocol over IPv4. Mirrors {@code struct net_protocol}: {@link #handle} is
 * {@code handler} (tcp_v4_rcv, udp_rcv, icmp_rcv), {@link #error} is {@code err_handler}
 * (tcp_v4_err, udp_err) called for ICMP errors quoting one of its packets.
 */
public interface InetProtocol {
    /** Receives a packet: data at the transport header, network header marked. Owns the buffer. */
    void handle(SkBuff skb);

    /**
     * An ICMP error arrived about a packet of this protocol. {@code skb}'s data and network
     * header mark are at the quoted IP header (its payload starts with the original transport
     * header); {@code skb.cb[Icmp.ERROR_CB_OFFENDER]} holds the ICMP sender's address. The
     * buffer is lent; do not free it.
     *
     * @param type ICMP type
     * @param code ICMP code
     * @param info next-hop MTU for fragmentation needed, the gateway for redirects, else 0
     */
    default void error(SkBuff skb, int type, int code, int info) {
    }
}
