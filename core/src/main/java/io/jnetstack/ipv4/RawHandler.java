package io.jnetstack.ipv4;

import io.jnetstack.core.SkBuff;

/**
 * The raw sockets of a namespace as IPv4 input sees them: {@code ip_local_deliver_finish()}
 * offers every local datagram to them before its protocol handler, and ICMP offers them the
 * errors about datagrams they may have sent. Installed by {@code io.jnetstack.ipv4.raw.Raw}.
 */
public interface RawHandler {
    /**
     * Gives a copy of {@code skb} to every raw socket that wants it. Mirrors
     * {@code raw_local_deliver()}. The buffer (data at the transport header, network header
     * marked) is lent.
     *
     * @return whether a raw socket of {@code protocol} matched (even if its filter refused it)
     */
    boolean localDeliver(SkBuff skb, int protocol);

    /**
     * An ICMP error about a datagram of {@code protocol}. Mirrors {@code raw_icmp_error()}. As
     * {@link InetProtocol#error}: data and network header at the quoted IP header, the sender
     * in {@code skb.cb[Icmp.ERROR_CB_OFFENDER]}; the buffer is lent.
     */
    void icmpError(SkBuff skb, int protocol, int type, int code, int info);
}
