package io.jnetstack.socket;

import io.jnetstack.core.Errno;
import io.jnetstack.wire.Icmp;

/**
 * What an ICMP error means to a socket. Mirrors {@code icmp_err_convert[]} and the switch at the
 * top of {@code __udp4_lib_err()} / {@code ping_err()} / {@code raw_err()}.
 *
 * @param errno the error to report
 * @param fatal whether it is a hard error (reported to connected sockets even without IP_RECVERR)
 */
public record IcmpErr(Errno errno, boolean fatal) {
    private static final IcmpErr[] UNREACH = {
        new IcmpErr(Errno.ENETUNREACH, false),   // NET_UNREACH
        new IcmpErr(Errno.EHOSTUNREACH, false),  // HOST_UNREACH
        new IcmpErr(Errno.ENOPROTOOPT, true),    // PROT_UNREACH
        new IcmpErr(Errno.ECONNREFUSED, true),   // PORT_UNREACH
        new IcmpErr(Errno.EMSGSIZE, false),      // FRAG_NEEDED
        new IcmpErr(Errno.EOPNOTSUPP, false),    // SR_FAILED
        new IcmpErr(Errno.ENETUNREACH, true),    // NET_UNKNOWN
        new IcmpErr(Errno.EHOSTDOWN, true),      // HOST_UNKNOWN
        new IcmpErr(Errno.ENONET, true),         // HOST_ISOLATED
        new IcmpErr(Errno.ENETUNREACH, true),    // NET_ANO
        new IcmpErr(Errno.EHOSTUNREACH, true),   // HOST_ANO
        new IcmpErr(Errno.ENETUNREACH, false),   // NET_UNR_TOS
        new IcmpErr(Errno.EHOSTUNREACH, false),  // HOST_UNR_TOS
        new IcmpErr(Errno.EHOSTUNREACH, true),   // PKT_FILTERED
        new IcmpErr(Errno.EHOSTUNREACH, true),   // PREC_VIOLATION
        new IcmpErr(Errno.EHOSTUNREACH, true),   // PREC_CUTOFF
    };

    /** The meaning of ICMP {@code type}/{@code code}, or null for types that are no error. */
    public static IcmpErr of(int type, int code) {
        return switch (type) {
            case Icmp.DEST_UNREACH -> code >= 0 && code < UNREACH.length ? UNREACH[code] : new IcmpErr(Errno.EHOSTUNREACH, false);
            case Icmp.TIME_EXCEEDED -> new IcmpErr(Errno.EHOSTUNREACH, false);
            case Icmp.PARAMETERPROB -> new IcmpErr(Errno.EPROTO, true);
            case Icmp.SOURCE_QUENCH -> null;
            default -> null;
        };
    }
}
