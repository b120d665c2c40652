package io.jnetstack.wire;

import java.util.Objects;

/**
 * Value form of a UDP header (RFC 768). The length and checksum are not components: they follow
 * from the payload length and the data, and {@link #emit} computes them.
 *
 * @param srcPort source port, 0 to 65535 (0: none)
 * @param dstPort destination port, 0 to 65535
 * @param payloadLength data length, 0 to 65527
 */
public record UdpRepr(int srcPort, int dstPort, int payloadLength) {

    /** Largest payload the 16-bit length field allows. */
    public static final int MAX_PAYLOAD = 0xFFFF - Udp.HEADER_LEN;

    /**
     * Validates the field ranges.
     *
     * @throws IllegalArgumentException if a field is out of range
     */
    public UdpRepr {
        if ((srcPort & ~0xFFFF) != 0 || (dstPort & ~0xFFFF) != 0 || payloadLength < 0
                || payloadLength > MAX_PAYLOAD) {
            throw new IllegalArgumentException("UDP header field out of range: srcPort=" + srcPort
                    + " dstPort=" + dstPort + " payloadLength=" + payloadLength);
        }
    }

    /**
     * Parses the datagram at {@code buf[off..off+len)} after validating it with
     * {@link Udp#check} and verifying its checksum, if any, over the length the header gives.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param len bytes available from {@code off}, normally the IP payload length
     * @param src IPv4 source address, for the pseudo-header
     * @param dst IPv4 destination address, for the pseudo-header
     * @return the header
     * @throws IllegalArgumentException if the check fails or the checksum is wrong
     */
    public static UdpRepr parse(byte[] buf, int off, int len, int src, int dst) {
        int r = Udp.check(buf, off, len);
        if (r < 0) {
            throw new IllegalArgumentException("bad UDP header: " + Udp.checkName(r));
        }
        if (!Udp.checksumOk(buf, off, Udp.length(buf, off), src, dst)) {
            throw new IllegalArgumentException("bad UDP header: checksum");
        }
        return new UdpRepr(Udp.srcPort(buf, off), Udp.dstPort(buf, off), Udp.payloadLength(buf, off));
    }

    /**
     * Length of the datagram: header plus data.
     *
     * @return {@code 8 + payloadLength()}
     */
    public int length() {
        return Udp.HEADER_LEN + payloadLength;
    }

    /**
     * Writes the header at {@code buf[off..off+8)} and then the checksum over the datagram, so
     * the {@link #payloadLength} data bytes must already be in place after it.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param src IPv4 source address, for the pseudo-header
     * @param dst IPv4 destination address, for the pseudo-header
     * @return {@link Udp#HEADER_LEN}, the number of bytes written
     * @throws IndexOutOfBoundsException if the buffer is shorter than the datagram
     */
    public int emit(byte[] buf, int off, int src, int dst) {
        Objects.checkFromIndexSize(off, length(), buf.length);
        Udp.writeHeader(buf, off, srcPort, dstPort, length());
        Udp.fillChecksum(buf, off, length(), src, dst);
        return Udp.HEADER_LEN;
    }
}
