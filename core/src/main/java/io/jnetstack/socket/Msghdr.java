package io.jnetstack.socket;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The argument of {@code sendmsg} and {@code recvmsg}. Mirrors {@code struct msghdr}: an
 * address ({@code msg_name}), a scatter/gather list ({@code msg_iov}), ancillary data
 * ({@code msg_control}) and the flags the receive sets ({@code msg_flags}: MSG_TRUNC,
 * MSG_CTRUNC, MSG_ERRQUEUE). Reusable: a receive replaces name, control and flags.
 */
public final class Msghdr {
    private SockAddrIn name;
    private ByteBuffer[] iov;
    private final List<Cmsg> control = new ArrayList<>(2);
    private int flags;

    /** An empty header. */
    public Msghdr() {
        this.iov = new ByteBuffer[0];
    }

    /** A header over {@code iov}. */
    public Msghdr(ByteBuffer... iov) {
        this.iov = iov;
    }

    /** The peer address: where to send, or who sent. */
    public SockAddrIn name() {
        return name;
    }

    /** Sets the address to send to (null: the connected peer). */
    public Msghdr name(SockAddrIn n) {
        this.name = n;
        return this;
    }

    /** The buffers; data is taken from / put at each buffer's position up to its limit. */
    public ByteBuffer[] iov() {
        return iov;
    }

    /** Replaces the buffers. */
    public Msghdr iov(ByteBuffer... buffers) {
        this.iov = buffers;
        return this;
    }

    /** Ancillary data: added by the sender, filled by the receive. */
    public List<Cmsg> control() {
        return control;
    }

    /** Adds ancillary data to send. */
    public Msghdr add(Cmsg c) {
        control.add(c);
        return this;
    }

    /** {@code msg_flags} as the last receive set them. */
    public int flags() {
        return flags;
    }

    /** Sets {@code msg_flags} (done by the protocol on receive). */
    public void flags(int f) {
        this.flags = f;
    }

    /** Total bytes the buffers can take or hold. */
    public long remaining() {
        long n = 0;
        for (ByteBuffer b : iov) {
            n += b.remaining();
        }
        return n;
    }
}
