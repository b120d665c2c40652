package io.jnetstack.wire;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Value form of an IPv4 header (RFC 791 §3.1). The checksum is not a component: {@link #parse}
 * verifies it and {@link #emit} computes it. The reserved flag is always zero.
 *
 * @param src source address, as in {@link Ipv4Address}
 * @param dst destination address
 * @param protocol protocol number, 0 to 255
 * @param tos the TOS octet (DSCP and ECN), 0 to 255
 * @param ttl time to live, 0 to 255
 * @param id the Identification field, 0 to 65535
 * @param dontFragment the DF flag
 * @param moreFragments the MF flag
 * @param fragOffset fragment offset in bytes, a multiple of 8 up to {@link Ipv4#MAX_FRAG_OFFSET}
 * @param payloadLength data length in bytes; with the header at most 65535
 * @param options the raw option bytes, padding included; a multiple of 4 up to 40, often empty.
 *     The array is copied in and out, so the record is immutable.
 */
public record Ipv4Repr(int src, int dst, int protocol, int tos, int ttl, int id, boolean dontFragment,
        boolean moreFragments, int fragOffset, int payloadLength, byte[] options) {

    private static final byte[] NO_OPTIONS = new byte[0];

    /**
     * Validates the field ranges and copies the options.
     *
     * @throws IllegalArgumentException if a field is out of range
     * @throws NullPointerException if {@code options} is null
     */
    public Ipv4Repr {
        if ((protocol & ~0xFF) != 0 || (tos & ~0xFF) != 0 || (ttl & ~0xFF) != 0 || (id & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("IPv4 header field out of range: protocol=" + protocol
                    + " tos=" + tos + " ttl=" + ttl + " id=" + id);
        }
        Ipv4.fragUnits(fragOffset);
        if (options.length > Ipv4.MAX_OPTIONS_LEN || (options.length & 3) != 0) {
            throw new IllegalArgumentException("options must be a multiple of 4 bytes up to 40: " + options.length);
        }
        if (payloadLength < 0 || payloadLength > Ipv4.MAX_TOTAL_LEN - Ipv4.HEADER_LEN - options.length) {
            throw new IllegalArgumentException("payload length out of range: " + payloadLength);
        }
        options = options.length == 0 ? NO_OPTIONS : options.clone();
    }

    /**
     * An unfragmented datagram without options, TOS 0 and identification 0.
     *
     * @param src source address
     * @param dst destination address
     * @param protocol protocol number
     * @param ttl time to live
     * @param payloadLength data length
     * @return the header
     */
    public static Ipv4Repr of(int src, int dst, int protocol, int ttl, int payloadLength) {
        return new Ipv4Repr(src, dst, protocol, 0, ttl, 0, false, false, 0, payloadLength, NO_OPTIONS);
    }

    /**
     * Parses the header at {@code buf[off..off+len)} after validating it with {@link Ipv4#check}
     * and verifying its checksum. The options are taken as they are; validate them with
     * {@link Ipv4#checkOptions} if they matter.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @param len bytes available from {@code off}
     * @return the header
     * @throws IllegalArgumentException if the check fails, the checksum is wrong, or the
     *     reserved flag is set
     */
    public static Ipv4Repr parse(byte[] buf, int off, int len) {
        int hlen = Ipv4.check(buf, off, len);
        if (hlen < 0) {
            throw new IllegalArgumentException("bad IPv4 header: " + Ipv4.checkName(hlen));
        }
        if (!Ipv4.checksumOk(buf, off)) {
            throw new IllegalArgumentException("bad IPv4 header: checksum");
        }
        if (Ipv4.reservedFlag(buf, off)) {
            throw new IllegalArgumentException("bad IPv4 header: reserved flag set");
        }
        byte[] opts = hlen == Ipv4.HEADER_LEN ? NO_OPTIONS
                : Arrays.copyOfRange(buf, off + Ipv4.OPTIONS, off + hlen);
        return new Ipv4Repr(Ipv4.src(buf, off), Ipv4.dst(buf, off), Ipv4.protocol(buf, off), Ipv4.tos(buf, off),
                Ipv4.ttl(buf, off), Ipv4.id(buf, off), Ipv4.dontFragment(buf, off), Ipv4.moreFragments(buf, off),
                Ipv4.fragOffset(buf, off), Ipv4.payloadLength(buf, off), opts);
    }

    /**
     * A copy of the option bytes.
     *
     * @return the options, possibly empty
     */
    @Override
    public byte[] options() {
        return options.length == 0 ? NO_OPTIONS : options.clone();
    }

    /**
     * Length of the emitted header: 20 plus the options.
     *
     * @return the header length in bytes
     */
    public int headerLen() {
        return Ipv4.HEADER_LEN + options.length;
    }

    /**
     * The Total Length field: header plus data.
     *
     * @return {@code headerLen() + payloadLength()}
     */
    public int totalLength() {
        return headerLen() + payloadLength;
    }

    /**
     * Writes the header, options and checksum at {@code buf[off..off+headerLen())}.
     *
     * @param buf the buffer
     * @param off index of the header's first byte
     * @return {@link #headerLen()}, the number of bytes written
     * @throws IndexOutOfBoundsException if the buffer is too short
     */
    public int emit(byte[] buf, int off) {
        int hlen = headerLen();
        Objects.checkFromIndexSize(off, hlen, buf.length);
        int flagsFrag = (dontFragment ? Ipv4.FLAG_DF : 0) | (moreFragments ? Ipv4.FLAG_MF : 0) | (fragOffset >>> 3);
        Ipv4.setVersionIhl(buf, off, hlen >>> 2);
        Ipv4.setTos(buf, off, tos);
        Ipv4.setTotalLength(buf, off, totalLength());
        Ipv4.setId(buf, off, id);
        Ipv4.setFlagsFrag(buf, off, flagsFrag);
        Ipv4.setTtl(buf, off, ttl);
        Ipv4.setProtocol(buf, off, protocol);
        Ipv4.setSrc(buf, off, src);
        Ipv4.setDst(buf, off, dst);
        System.arraycopy(options, 0, buf, off + Ipv4.OPTIONS, options.length);
        Ipv4.fillChecksum(buf, off);
        return hlen;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv4Repr r && src == r.src && dst == r.dst && protocol == r.protocol && tos == r.tos
                && ttl == r.ttl && id == r.id && dontFragment == r.dontFragment && moreFragments == r.moreFragments
                && fragOffset == r.fragOffset && payloadLength == r.payloadLength && Arrays.equals(options, r.options);
    }

    @Override
    public int hashCode() {
        int h = src;
        h = 31 * h + dst;
        h = 31 * h + protocol;
        h = 31 * h + tos;
        h = 31 * h + ttl;
        h = 31 * h + id;
        h = 31 * h + (dontFragment ? 1 : 0);
        h = 31 * h + (moreFragments ? 1 : 0);
        h = 31 * h + fragOffset;
        h = 31 * h + payloadLength;
        return 31 * h + Arrays.hashCode(options);
    }

    @Override
    public String toString() {
        return "Ipv4Repr[src=" + Ipv4Address.format(src) + ", dst=" + Ipv4Address.format(dst)
                + ", protocol=" + Ipv4.protocolName(protocol) + ", tos=" + tos + ", ttl=" + ttl + ", id=" + id
                + ", dontFragment=" + dontFragment + ", moreFragments=" + moreFragments
                + ", fragOffset=" + fragOffset + ", payloadLength=" + payloadLength
                + ", options=" + HexFormat.of().formatHex(options) + "]";
    }
}
