package io.jnetstack.packetdrill;

import java.util.Map;

/** The ICMP type and code names packet lines use, with their RFC 792 numbers. */
final class IcmpNames {

    private static final Map<String, Integer> TYPES = Map.ofEntries(
            Map.entry("echo_reply", 0), Map.entry("unreachable", 3), Map.entry("destination_unreachable", 3),
            Map.entry("source_quench", 4), Map.entry("redirect", 5), Map.entry("echo_request", 8),
            Map.entry("time_exceeded", 11), Map.entry("parameter_problem", 12),
            Map.entry("timestamp_request", 13), Map.entry("timestamp_reply", 14));

    private static final Map<String, Integer> UNREACHABLE = Map.ofEntries(
            Map.entry("net_unreachable", 0), Map.entry("host_unreachable", 1), Map.entry("protocol_unreachable", 2),
            Map.entry("port_unreachable", 3), Map.entry("frag_needed", 4), Map.entry("source_route_failed", 5),
            Map.entry("net_unknown", 6), Map.entry("host_unknown", 7), Map.entry("source_host_isolated", 8),
            Map.entry("net_prohibited", 9), Map.entry("host_prohibited", 10),
            Map.entry("net_unreachable_for_tos", 11), Map.entry("host_unreachable_for_tos", 12),
            Map.entry("packet_filtered", 13), Map.entry("precedence_violation", 14),
            Map.entry("precedence_cutoff", 15));

    private static final Map<String, Integer> TIME_EXCEEDED = Map.of(
            "ttl_exceeded", 0, "ttl_exceeded_in_transit", 0, "fragment_reassembly_time_exceeded", 1);

    private IcmpNames() {
    }

    /** @return the type's number, or -1 when the name is unknown */
    static int type(String name) {
        return TYPES.getOrDefault(name, -1);
    }

    /** @return the code's number for {@code type} (0 when none is written), or -1 when unknown */
    static int code(int type, String name) {
        if (name == null) {
            return 0;
        }
        Integer c = switch (type) {
            case 3 -> UNREACHABLE.get(name);
            case 11 -> TIME_EXCEEDED.get(name);
            default -> null;
        };
        return c == null ? -1 : c;
    }

    /** @return whether a packet line's ICMP type and code are known */
    static boolean known(Packet.Icmp icmp) {
        int t = type(icmp.type());
        return t >= 0 && code(t, icmp.code()) >= 0;
    }

    /** @return {@code type code} as a script writes them, numbers when no name fits */
    static String format(int type, int code) {
        String t = TYPES.entrySet().stream().filter(e -> e.getValue() == type).map(Map.Entry::getKey)
                .filter(n -> !n.equals("destination_unreachable")).findFirst().orElse("type " + type);
        Map<String, Integer> codes = type == 3 ? UNREACHABLE : type == 11 ? TIME_EXCEEDED : Map.of();
        if (codes.isEmpty()) {
            return code == 0 ? t : t + " code " + code;
        }
        return t + " " + codes.entrySet().stream().filter(e -> e.getValue() == code).map(Map.Entry::getKey)
                .filter(n -> !n.equals("ttl_exceeded_in_transit")).findFirst().orElse("code " + code);
    }
}
