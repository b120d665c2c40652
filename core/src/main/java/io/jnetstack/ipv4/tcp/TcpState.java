package io.jnetstack.ipv4.tcp;

/**
 * The states of RFC 9293 §3.3.2, numbered as Linux's {@code TCP_*} (and so {@code tcpi_state}),
 * with the names {@code ss} prints.
 */
public enum TcpState {
    /** Data flows both ways. */
    ESTABLISHED(1, "ESTAB"),
    /** SYN sent, waiting for the SYN-ACK. */
    SYN_SENT(2, "SYN-SENT"),
    /** SYN received and answered (a child before its final ACK, or simultaneous open). */
    SYN_RECV(3, "SYN-RECV"),
    /** We closed; our FIN is not acknowledged yet. */
    FIN_WAIT1(4, "FIN-WAIT-1"),
    /** Our FIN is acknowledged; waiting for the peer's FIN. */
    FIN_WAIT2(5, "FIN-WAIT-2"),
    /** Both FINs done; lingering 2 MSL (held by a {@link TimeWaitSock}). */
    TIME_WAIT(6, "TIME-WAIT"),
    /** No connection. */
    CLOSE(7, "UNCONN"),
    /** The peer closed; we may still send. */
    CLOSE_WAIT(8, "CLOSE-WAIT"),
    /** We closed after the peer; our FIN is not acknowledged yet. */
    LAST_ACK(9, "LAST-ACK"),
    /** Accepting connections. */
    LISTEN(10, "LISTEN"),
    /** Both sides closed at once; our FIN is not acknowledged yet. */
    CLOSING(11, "CLOSING"),
    /** A request sock: SYN received, SYN-ACK sent (Linux's TCP_NEW_SYN_RECV). */
    NEW_SYN_RECV(12, "SYN-RECV");

    private final int linux;
    private final String ssName;

    TcpState(int linux, String ssName) {
        this.linux = linux;
        this.ssName = ssName;
    }

    /** Linux's number ({@code tcpi_state}). */
    public int linux() {
        return linux;
    }

    /** The name {@code ss} prints. */
    public String ssName() {
        return ssName;
    }
}
