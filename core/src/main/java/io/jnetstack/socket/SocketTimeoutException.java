package io.jnetstack.socket;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;

import java.time.Duration;

/**
 * A blocking call gave up because its socket timeout ran out: {@code SO_RCVTIMEO} for receive,
 * accept and recvmsg, {@code SO_SNDTIMEO} for send. The errno is Linux's for this case,
 * {@link Errno#EAGAIN} ({@code sock_rcvtimeo()}/{@code sock_sndtimeo()} end the wait with
 * {@code -EAGAIN}, which C programs see as EAGAIN/EWOULDBLOCK), so code that handles errnos
 * treats it as Linux code does; the type lets Java code tell a timeout from a non-blocking call
 * that found nothing to do, as {@code java.net.SocketTimeoutException} does. A connection that
 * times out (retransmissions, keepalive, TCP_USER_TIMEOUT) is a different failure and reports
 * {@link Errno#ETIMEDOUT}.
 */
public final class SocketTimeoutException extends ErrnoException {
    private final String option;
    private final Duration timeout;

    /**
     * @param call        the call that waited, as a user would name it ("receive", "accept", "send")
     * @param option      the option whose time ran out, {@code SO_RCVTIMEO} or {@code SO_SNDTIMEO}
     * @param timeoutNanos the option's value
     */
    public SocketTimeoutException(String call, String option, long timeoutNanos) {
        super(Errno.EAGAIN, "the " + call + " timed out after " + Duration.ofNanos(timeoutNanos).toMillis()
                + " ms (" + option + "); raise " + option + " or set it to 0 to wait without limit");
        this.option = option;
        this.timeout = Duration.ofNanos(timeoutNanos);
    }

    /** {@code SO_RCVTIMEO} or {@code SO_SNDTIMEO}. */
    public String option() {
        return option;
    }

    /** The timeout that ran out. */
    public Duration timeout() {
        return timeout;
    }
}
