package io.jnetstack.ipv4.tcp;

/**
 * The limit on replies to out-of-window segments that each socket, request sock and time-wait
 * sock keeps ({@code last_oow_ack_time}): at most one duplicate ACK, challenge ACK or SYN-ACK per
 * {@code tcp_invalid_ratelimit} milliseconds, so that two confused ends cannot ping-pong ACKs
 * forever (RFC 5961 §7 leaves the rate to the implementation). Mirrors
 * {@code tcp_oow_rate_limited()} and {@code __tcp_oow_rate_limited()}.
 */
final class OowLimit {
    private long last;

    /**
     * Whether a reply to {@code s} must be skipped (counted in {@code mib}). Segments with data
     * and no SYN are never limited: they are not part of an ACK loop.
     */
    boolean limited(Tcp tcp, TcpInput.Seg s, TcpExtMib mib) {
        if (s.endSeq != s.seq && (s.flags & io.jnetstack.wire.Tcp.SYN) == 0) {
            return false;
        }
        return limited(tcp, mib);
    }

    /** Whether a reply must be skipped now (counted in {@code mib}); if not, the reply is recorded. */
    boolean limited(Tcp tcp, TcpExtMib mib) {
        long now = tcp.kernel.clock().nanos();
        long elapsed = now - last;
        if (last != 0 && elapsed >= 0 && elapsed < tcp.sysctl.invalidRatelimit.get() * 1_000_000L) {
            tcp.ext.inc(mib);
            return true;
        }
        last = now == 0 ? 1 : now;
        return false;
    }
}
