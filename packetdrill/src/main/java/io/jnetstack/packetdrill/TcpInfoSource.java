package io.jnetstack.packetdrill;

import io.jnetstack.ipv4.tcp.TcpInfo;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where {@code %{ }%} code blocks read a socket's {@code struct tcp_info}: the fields by their
 * Linux names ({@code tcpi_snd_cwnd}, {@code tcpi_state}, ...) and values.
 *
 * <p>{@link #fromSocketOption()} reads the stack's {@code TCP_INFO} socket option (level
 * {@code SOL_TCP} = 6, number 11, {@link TcpInfo}); a stand-in may give a record or a map.
 */
@FunctionalInterface
public interface TcpInfoSource {

    /** TCP_INFO's option number at level SOL_TCP. */
    int TCP_INFO = 11;

    /**
     * @param socket a socket of the script
     * @return its tcp_info fields by Linux name, or null when the stack provides none
     */
    Map<String, Long> tcpInfo(Socket socket);

    /** A source that never has TCP_INFO. */
    static TcpInfoSource none() {
        return s -> null;
    }

    /**
     * Reads the {@code TCP_INFO} socket option, if the stack defines one. A record's components
     * or a map's keys become fields: {@code sndCwnd} or {@code snd_cwnd} or {@code tcpi_snd_cwnd}
     * all give {@code tcpi_snd_cwnd}; numbers and booleans (0/1) are kept, other values (an enum
     * state, say) are left out, so give Linux's numbers ({@code tcpi_state} 1 for ESTABLISHED).
     *
     * @return the source
     */
    static TcpInfoSource fromSocketOption() {
        return socket -> {
            SockOpt<?> opt = SockOpt.lookup(SockOpt.SOL_TCP, TCP_INFO);
            if (opt == null) {
                return null;
            }
            return TcpInfoFields.of(socket.getsockopt(opt));
        };
    }

    /** Turns a TCP_INFO value into named fields. */
    final class TcpInfoFields {
        private TcpInfoFields() {
        }

        static Map<String, Long> of(Object value) {
            Map<String, Long> out = new LinkedHashMap<>();
            if (value instanceof TcpInfo info) {
                return info.asMap();
            }
            if (value instanceof Map<?, ?> map) {
                map.forEach((k, v) -> put(out, String.valueOf(k), v));
            } else if (value != null && value.getClass().isRecord()) {
                for (RecordComponent c : value.getClass().getRecordComponents()) {
                    try {
                        put(out, c.getName(), c.getAccessor().invoke(value));
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException("cannot read TCP_INFO field " + c.getName(), e);
                    }
                }
            } else {
                return null;
            }
            return out;
        }

        private static void put(Map<String, Long> out, String name, Object v) {
            Long n = switch (v) {
                case Number x -> x.longValue();
                case Boolean b -> b ? 1L : 0L;
                case null, default -> null;
            };
            if (n != null) {
                out.put(linuxName(name), n);
            }
        }

        static String linuxName(String name) {
            StringBuilder sb = new StringBuilder();
            for (char ch : name.toCharArray()) {
                if (Character.isUpperCase(ch)) {
                    sb.append('_').append(Character.toLowerCase(ch));
                } else {
                    sb.append(ch);
                }
            }
            String snake = sb.toString();
            return snake.startsWith("tcpi_") ? snake : "tcpi_" + snake;
        }
    }
}
