package io.jnetstack.socket;

import io.jnetstack.core.Errno;

/**
 * An error queued for IP_RECVERR. Mirrors {@code struct sock_extended_err} and the offender
 * address ({@code SO_EE_OFFENDER}).
 *
 * @param errno    {@code ee_errno}
 * @param origin   {@code ee_origin}: {@link #ORIGIN_LOCAL} or {@link #ORIGIN_ICMP}
 * @param icmpType {@code ee_type}
 * @param icmpCode {@code ee_code}
 * @param info     {@code ee_info}: the MTU for EMSGSIZE
 * @param offender who reported it: the ICMP sender, or 0 for local errors
 * @param dest     the destination of the datagram that failed ({@code msg_name})
 */
public record SockExtendedErr(Errno errno, int origin, int icmpType, int icmpCode, int info, int offender, SockAddrIn dest) {
    /** SO_EE_ORIGIN_LOCAL. */
    public static final int ORIGIN_LOCAL = 1;
    /** SO_EE_ORIGIN_ICMP. */
    public static final int ORIGIN_ICMP = 2;
}
