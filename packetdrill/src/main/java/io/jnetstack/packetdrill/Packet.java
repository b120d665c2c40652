package io.jnetstack.packetdrill;

import java.util.List;
import java.util.Map;

/** The packet of a {@link EventKind.PacketEvent}. */
public sealed interface Packet {

    /** @return the IP-level prefix: ECN marking and encapsulation */
    IpPrefix ip();

    /**
     * What precedes the transport header on a packet line.
     *
     * @param ecn   the ECN codepoint in brackets ({@code ect0}, {@code ect1}, {@code ce},
     *              {@code noecn}, ...), or null
     * @param encap the encapsulation ({@code encap psp spi 7}), or null
     */
    record IpPrefix(String ecn, Encapsulation encap) {

        /** A plain packet. */
        public static final IpPrefix NONE = new IpPrefix(null, null);
    }

    /**
     * An encapsulation such as {@code encap psp spi 23}.
     *
     * @param protocol the encapsulation's name
     * @param params   its named numeric parameters, in order
     */
    record Encapsulation(String protocol, Map<String, Long> params) {

        /** Copies the parameters. */
        public Encapsulation {
            params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
        }
    }

    /**
     * A sequence range {@code start:end(length)}.
     *
     * @param start  first sequence number
     * @param end    sequence number after the last byte
     * @param length payload length
     */
    record SeqRange(long start, long end, long length) { }

    /**
     * A TCP segment.
     *
     * @param ip      IP prefix
     * @param flags   the flags as written: letters from {@code FSRPUEWC}, {@code .} for ACK, {@code -} for none
     * @param seq     sequence range
     * @param ack     {@code ack N}, or null
     * @param win     {@code win N}, or null
     * @param urg     {@code urg N}, or null
     * @param options the options between {@code < >}, or null when the line has none
     */
    record Tcp(IpPrefix ip, String flags, SeqRange seq, Long ack, Long win, Long urg,
               List<TcpOption> options) implements Packet {

        /** Copies the option list. */
        public Tcp {
            options = options == null ? null : List.copyOf(options);
        }
    }

    /**
     * A UDP datagram: {@code udp (len)}.
     *
     * @param ip     IP prefix
     * @param length payload length
     */
    record Udp(IpPrefix ip, long length) implements Packet { }

    /**
     * An ICMP error such as {@code icmp unreachable frag_needed mtu 1280 [0:10(10)]}.
     *
     * @param ip       IP prefix
     * @param type     the message type ({@code unreachable}, {@code packet_too_big}, ...)
     * @param code     the code ({@code frag_needed}, {@code host_unreachable}, ...), or null
     * @param mtu      {@code mtu N}, or null
     * @param embedded the quoted TCP segment in brackets, or null
     */
    record Icmp(IpPrefix ip, String type, String code, Long mtu, Embedded embedded) implements Packet { }

    /**
     * The offending segment an ICMP error quotes: {@code [flags start:end(len)]}.
     *
     * @param flags TCP flags, or null when omitted
     * @param seq   sequence range
     */
    record Embedded(String flags, SeqRange seq) { }
}
