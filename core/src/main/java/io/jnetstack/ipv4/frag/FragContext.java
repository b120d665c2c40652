package io.jnetstack.ipv4.frag;

import io.jnetstack.core.Net;
import io.jnetstack.core.SkBuff;

/**
 * What fragmentation and reassembly need from the rest of the IPv4 layer, so that this package
 * depends on nothing above the core: the namespace, the Ip MIB, {@code icmp_send()} and the next
 * output step. The IPv4 layer implements it once per namespace.
 */
public interface FragContext {
    /** The namespace the packets belong to (drops, sysctls, kernel, tracer). */
    Net net();

    /** Bumps one Ip MIB counter. */
    void count(FragCounter counter);

    /**
     * Sends an ICMP error about {@code about}, as {@code icmp_send()}: its data starts at the IP
     * header of the offending datagram. The buffer is lent, not consumed.
     *
     * @param type ICMP type (3 destination unreachable, 11 time exceeded)
     * @param code ICMP code (4 fragmentation needed, 1 fragment reassembly time exceeded)
     * @param info the 32-bit "rest of header" value (the next-hop MTU for fragmentation needed)
     */
    void sendIcmp(SkBuff about, int type, int code, int info);

    /**
     * Hands one fragment to {@code ip_finish_output2()}; consumes it.
     *
     * @return a NET_XMIT code (0 for success) or a negative errno
     */
    int output(SkBuff fragment);
}
