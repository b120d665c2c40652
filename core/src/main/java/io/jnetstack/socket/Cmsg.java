package io.jnetstack.socket;

/**
 * Ancillary data ({@code struct cmsghdr}) carried by {@link Msghdr#control()}: what a sender
 * asks for one datagram, or what a receiver learns about one. Only the IPv4 kinds this stack
 * implements exist, so a switch over them is exhaustive.
 */
public sealed interface Cmsg {
    /** SOL_IP. */
    int SOL_IP = 0;

    /** The level ({@code cmsg_level}). */
    int level();

    /** The type ({@code cmsg_type}). */
    int type();

    /**
     * {@code IP_PKTINFO}: on receive, the interface, the local address the route chose and the
     * datagram's destination; on send, the interface and source address to use.
     *
     * @param ifindex  {@code ipi_ifindex}
     * @param specDst  {@code ipi_spec_dst}
     * @param addr     {@code ipi_addr}: the header destination (receive only)
     */
    record IpPktinfo(int ifindex, int specDst, int addr) implements Cmsg {
        @Override
        public int level() {
            return SOL_IP;
        }

        @Override
        public int type() {
            return SockOpt.IP_PKTINFO.name();
        }
    }

    /** {@code IP_TOS}: the TOS byte to send with, or received with (IP_RECVTOS). */
    record IpTos(int tos) implements Cmsg {
        @Override
        public int level() {
            return SOL_IP;
        }

        @Override
        public int type() {
            return SockOpt.IP_TOS.name();
        }
    }

    /** {@code IP_TTL}: the TTL to send with, or received with (IP_RECVTTL). */
    record IpTtl(int ttl) implements Cmsg {
        @Override
        public int level() {
            return SOL_IP;
        }

        @Override
        public int type() {
            return SockOpt.IP_TTL.name();
        }
    }

    /** {@code IP_RECVERR}: an extended error read from the error queue (MSG_ERRQUEUE). */
    record IpRecvErr(SockExtendedErr err) implements Cmsg {
        @Override
        public int level() {
            return SOL_IP;
        }

        @Override
        public int type() {
            return SockOpt.IP_RECVERR.name();
        }
    }
}
