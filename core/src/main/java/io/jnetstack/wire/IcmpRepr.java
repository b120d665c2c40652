package io.jnetstack.wire;

import java.util.Objects;

/**
 * Value form of an ICMP message header (RFC 792). The data after the fixed fields (echo data,
 * or the datagram quoted by an error) is not held, only its length: {@link #emit} writes the
 * fixed fields in front of data the caller has already placed, then checksums the whole message.
 *
 * <p>{@link #parse} picks the most specific record: echo and timestamp messages only when their
 * code is 0, as RFC 792 requires; anything else, including information and address mask
 * messages, becomes {@link Other}, which keeps the rest of the header raw. Unused bits of the
 * rest of the header are not kept by the specific records and are emitted as zero.
 */
public sealed interface IcmpRepr {

    /**
     * The type octet.
     *
     * @return the type
     */
    int type();

    /**
     * The code octet.
     *
     * @return the code
     */
    int code();

    /**
     * Length of the data after the fixed fields.
     *
     * @return the length in bytes
     */
    int dataLength();

    /**
     * The 32-bit rest of the header as it will be emitted.
     *
     * @return the bits for offsets 4 to 7
     */
    int restOfHeader();

    /**
     * Length of the fixed fields, as {@link Icmp#headerLen(int)} of the type.
     *
     * @return 8, or 20 for a timestamp
     */
    default int headerLen() {
        return Icmp.headerLen(type());
    }

    /**
     * Length of the whole message.
     *
     * @return {@code headerLen() + dataLength()}
     */
    default int messageLength() {
        return headerLen() + dataLength();
    }

    /**
     * Writes the fixed fields at {@code buf[off..off+headerLen())}, then the checksum over the
     * whole message, so the {@link #dataLength} data bytes must already be in place after them.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @return {@link #headerLen()}, the number of bytes written
     * @throws IndexOutOfBoundsException if the buffer is shorter than the message
     */
    default int emit(byte[] buf, int off) {
        Objects.checkFromIndexSize(off, messageLength(), buf.length);
        Icmp.writeHeader(buf, off, type(), code(), restOfHeader());
        Icmp.fillChecksum(buf, off, messageLength());
        return headerLen();
    }

    /**
     * Parses the message at {@code buf[off..off+len)} after validating it with {@link Icmp#check}
     * and verifying its checksum over all {@code len} bytes.
     *
     * @param buf the buffer
     * @param off index of the type octet
     * @param len length of the message (the IP payload)
     * @return the message
     * @throws IllegalArgumentException if the check fails or the checksum is wrong
     */
    static IcmpRepr parse(byte[] buf, int off, int len) {
        int hlen = Icmp.check(buf, off, len);
        if (hlen < 0) {
            throw new IllegalArgumentException("bad ICMP message: " + Icmp.checkName(hlen));
        }
        if (!Icmp.checksumOk(buf, off, len)) {
            throw new IllegalArgumentException("bad ICMP message: checksum");
        }
        int type = Icmp.type(buf, off);
        int code = Icmp.code(buf, off);
        int data = len - hlen;
        return switch (type) {
            case Icmp.ECHO, Icmp.ECHOREPLY -> code != 0
                    ? new Other(type, code, Icmp.restOfHeader(buf, off), data)
                    : new Echo(type == Icmp.ECHOREPLY, Icmp.echoId(buf, off), Icmp.echoSeq(buf, off), data);
            case Icmp.DEST_UNREACH -> new DestUnreachable(code, Icmp.nextHopMtu(buf, off), data);
            case Icmp.SOURCE_QUENCH -> code != 0
                    ? new Other(type, code, Icmp.restOfHeader(buf, off), data)
                    : new SourceQuench(data);
            case Icmp.REDIRECT -> new Redirect(code, Icmp.gateway(buf, off), data);
            case Icmp.TIME_EXCEEDED -> new TimeExceeded(code, data);
            case Icmp.PARAMETERPROB -> new ParamProblem(code, Icmp.pointer(buf, off), data);
            case Icmp.TIMESTAMP, Icmp.TIMESTAMPREPLY -> code != 0
                    ? new Other(type, code, Icmp.restOfHeader(buf, off), len - Icmp.HEADER_LEN)
                    : new Timestamp(type == Icmp.TIMESTAMPREPLY, Icmp.echoId(buf, off), Icmp.echoSeq(buf, off),
                            Icmp.originate(buf, off), Icmp.receive(buf, off), Icmp.transmit(buf, off), data);
            default -> new Other(type, code, Icmp.restOfHeader(buf, off), len - Icmp.HEADER_LEN);
        };
    }

    /** Validates an unsigned field. */
    private static void checkField(String name, long value, long max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException("ICMP " + name + " out of range: " + value);
        }
    }

    /** Validates a data length against the largest message an IPv4 datagram can carry. */
    private static void checkDataLength(int dataLength, int type) {
        checkField("data length", dataLength, Ipv4.MAX_TOTAL_LEN - Ipv4.HEADER_LEN - Icmp.headerLen(type));
    }

    /**
     * Echo request or reply (RFC 792; RFC 1122 §3.2.2.6).
     *
     * @param reply true for an echo reply, false for a request
     * @param id the identifier, 16 bits
     * @param seq the sequence number, 16 bits
     * @param dataLength length of the echo data
     */
    record Echo(boolean reply, int id, int seq, int dataLength) implements IcmpRepr {
        /**
         * Validates the field ranges.
         *
         * @throws IllegalArgumentException if a field is out of range
         */
        public Echo {
            checkField("id", id, 0xFFFF);
            checkField("seq", seq, 0xFFFF);
            checkDataLength(dataLength, Icmp.ECHO);
        }

        @Override
        public int type() {
            return reply ? Icmp.ECHOREPLY : Icmp.ECHO;
        }

        @Override
        public int code() {
            return 0;
        }

        @Override
        public int restOfHeader() {
            return (id << 16) | seq;
        }
    }

    /**
     * Destination unreachable (RFC 792; RFC 1122 §3.2.2.1), with the next-hop MTU of
     * "fragmentation needed" (RFC 1191 §4), 0 for other codes.
     *
     * @param code the code, such as {@link Icmp#PORT_UNREACH}
     * @param nextHopMtu the next-hop MTU, 16 bits
     * @param dataLength length of the quoted datagram
     */
    record DestUnreachable(int code, int nextHopMtu, int dataLength) implements IcmpRepr {
        /**
         * Validates the field ranges.
         *
         * @throws IllegalArgumentException if a field is out of range
         */
        public DestUnreachable {
            checkField("code", code, 0xFF);
            checkField("next-hop MTU", nextHopMtu, 0xFFFF);
            checkDataLength(dataLength, Icmp.DEST_UNREACH);
        }

        @Override
        public int type() {
            return Icmp.DEST_UNREACH;
        }

        @Override
        public int restOfHeader() {
            return nextHopMtu;
        }
    }

    /**
     * Source quench (RFC 792), deprecated by RFC 6633 but still parsed.
     *
     * @param dataLength length of the quoted datagram
     */
    record SourceQuench(int dataLength) implements IcmpRepr {
        /**
         * Validates the data length.
         *
         * @throws IllegalArgumentException if it is out of range
         */
        public SourceQuench {
            checkDataLength(dataLength, Icmp.SOURCE_QUENCH);
        }

        @Override
        public int type() {
            return Icmp.SOURCE_QUENCH;
        }

        @Override
        public int code() {
            return 0;
        }

        @Override
        public int restOfHeader() {
            return 0;
        }
    }

    /**
     * Redirect (RFC 792; RFC 1122 §3.2.2.2).
     *
     * @param code the code, such as {@link Icmp#REDIR_HOST}
     * @param gateway the address to use instead, as in {@link Ipv4Address}
     * @param dataLength length of the quoted datagram
     */
    record Redirect(int code, int gateway, int dataLength) implements IcmpRepr {
        /**
         * Validates the field ranges.
         *
         * @throws IllegalArgumentException if a field is out of range
         */
        public Redirect {
            checkField("code", code, 0xFF);
            checkDataLength(dataLength, Icmp.REDIRECT);
        }

        @Override
        public int type() {
            return Icmp.REDIRECT;
        }

        @Override
        public int restOfHeader() {
            return gateway;
        }
    }

    /**
     * Time exceeded (RFC 792; RFC 1122 §3.2.2.4).
     *
     * @param code {@link Icmp#EXC_TTL} or {@link Icmp#EXC_FRAGTIME}
     * @param dataLength length of the quoted datagram
     */
    record TimeExceeded(int code, int dataLength) implements IcmpRepr {
        /**
         * Validates the field ranges.
         *
         * @throws IllegalArgumentException if a field is out of range
         */
        public TimeExceeded {
            checkField("code", code, 0xFF);
            checkDataLength(dataLength, Icmp.TIME_EXCEEDED);
        }

        @Override
        public int type() {
            return Icmp.TIME_EXCEEDED;
        }

        @Override
        public int restOfHeader() {
            return 0;
        }
    }

    /**
     * Parameter problem (RFC 792; RFC 1122 §3.2.2.5).
     *
     * @param code the code, such as {@link Icmp#PARAM_POINTER}
     * @param pointer offset of the offending octet in the quoted datagram, 8 bits
     * @param dataLength length of the quoted datagram
     */
    record ParamProblem(int code, int pointer, int dataLength) implements IcmpRepr {
        /**
         * Validates the field ranges.
         *
         * @throws IllegalArgumentException if a field is out of range
         */
        public ParamProblem {
            checkField("code", code, 0xFF);
            checkField("pointer", pointer, 0xFF);
            checkDataLength(dataLength, Icmp.PARAMETERPROB);
        }

        @Override
        public int type() {
            return Icmp.PARAMETERPROB;
        }

        @Override
        public int restOfHeader() {
            return pointer << 24;
        }
    }

    /**
     * Timestamp request or reply (RFC 792), 20 bytes before any data.
     *
     * @param reply true for a timestamp reply, false for a request
     * @param id the identifier, 16 bits
     * @param seq the sequence number, 16 bits
     * @param originate the originate timestamp, unsigned 32 bits
     * @param receive the receive timestamp, unsigned 32 bits
     * @param transmit the transmit timestamp, unsigned 32 bits
     * @param dataLength length of any bytes after the timestamps, normally 0
     */
    record Timestamp(boolean reply, int id, int seq, long originate, long receive, long transmit, int dataLength)
            implements IcmpRepr {
        /**
         * Validates the field ranges.
         *
         * @throws IllegalArgumentException if a field is out of range
         */
        public Timestamp {
            checkField("id", id, 0xFFFF);
            checkField("seq", seq, 0xFFFF);
            checkField("originate", originate, 0xFFFF_FFFFL);
            checkField("receive", receive, 0xFFFF_FFFFL);
            checkField("transmit", transmit, 0xFFFF_FFFFL);
            checkDataLength(dataLength, Icmp.TIMESTAMP);
        }

        @Override
        public int type() {
            return reply ? Icmp.TIMESTAMPREPLY : Icmp.TIMESTAMP;
        }

        @Override
        public int code() {
            return 0;
        }

        @Override
        public int restOfHeader() {
            return (id << 16) | seq;
        }

        @Override
        public int emit(byte[] buf, int off) {
            Objects.checkFromIndexSize(off, messageLength(), buf.length);
            Icmp.writeHeader(buf, off, type(), 0, restOfHeader());
            Icmp.setOriginate(buf, off, originate);
            Icmp.setReceive(buf, off, receive);
            Icmp.setTransmit(buf, off, transmit);
            Icmp.fillChecksum(buf, off, messageLength());
            return Icmp.TIMESTAMP_LEN;
        }
    }

    /**
     * Any other message, or one of the above with a code its record cannot hold: the type, code
     * and rest of the header raw, with everything after the 8-byte header as data (so the
     * timestamps of an odd-coded timestamp message are part of the data).
     *
     * @param type the type, 8 bits
     * @param code the code, 8 bits
     * @param restOfHeader the 32-bit rest of the header
     * @param dataLength length of everything after the first 8 bytes
     */
    record Other(int type, int code, int restOfHeader, int dataLength) implements IcmpRepr {
        /**
         * Validates the field ranges.
         *
         * @throws IllegalArgumentException if a field is out of range, the data is too short for the
         *     type's fixed fields (so that what {@link #emit} writes parses back), or the type is echo,
         *     source quench or timestamp with code 0, or destination unreachable, redirect, time
         *     exceeded or parameter problem, which have their own records
         */
        public Other {
            checkField("type", type, 0xFF);
            checkField("code", code, 0xFF);
            checkField("data length", dataLength, Ipv4.MAX_TOTAL_LEN - Ipv4.HEADER_LEN - Icmp.HEADER_LEN);
            if (dataLength < Icmp.headerLen(type) - Icmp.HEADER_LEN) {
                throw new IllegalArgumentException("ICMP data too short for the fixed fields of type " + type
                        + ": " + dataLength);
            }
            boolean specific = switch (type) {
                case Icmp.ECHO, Icmp.ECHOREPLY, Icmp.SOURCE_QUENCH, Icmp.TIMESTAMP, Icmp.TIMESTAMPREPLY -> code == 0;
                case Icmp.DEST_UNREACH, Icmp.REDIRECT, Icmp.TIME_EXCEEDED, Icmp.PARAMETERPROB -> true;
                default -> false;
            };
            if (specific) {
                throw new IllegalArgumentException("use the specific record for " + Icmp.name(type, code));
            }
        }

        @Override
        public int headerLen() {
            return Icmp.HEADER_LEN;
        }
    }
}
