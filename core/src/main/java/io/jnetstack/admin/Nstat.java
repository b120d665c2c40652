package io.jnetstack.admin;

import io.jnetstack.core.Mib;
import io.jnetstack.core.Net;
import io.jnetstack.ipv4.IcmpMib;
import io.jnetstack.ipv4.IcmpMsgMib;
import io.jnetstack.ipv4.Inet;
import io.jnetstack.ipv4.IpMib;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The SNMP counters of a namespace (Ip, Icmp, IcmpMsg), as {@code cat /proc/net/snmp} and
 * {@code nstat -az} show them. Counters since the namespace was created: nstat's absolute mode;
 * there is no history file, so the rate column is always 0.0.
 *
 * <p>Read under the kernel lock ({@code kernel.call(() -> Nstat.format(net, true, List.of()))}).
 */
public final class Nstat {
    private Nstat() {
    }

    /** {@code cat /proc/net/snmp}: a header line and a value line per group. */
    public static String snmp(Net net) {
        return net.inet().formatSnmp() + io.jnetstack.ipv4.tcp.Tcp.of(net).formatSnmp() + io.jnetstack.ipv4.udp.Udp.of(net).formatSnmp();
    }

    /**
     * The counters by name, in {@code /proc/net/snmp} order: {@code IpInReceives}, …,
     * {@code IcmpInEchos}, …, {@code IcmpMsgInType8}, …; IcmpMsg has only the types seen, as Linux.
     */
    public static Map<String, Long> counters(Net net) {
        Inet inet = net.inet();
        Map<String, Long> m = new LinkedHashMap<>();
        Mib<IpMib> ip = inet.ipMib();
        for (IpMib c : IpMib.values()) {
            long v = switch (c) {
                case Forwarding -> inet.forwarding() ? 1 : 2;
                case DefaultTTL -> net.sysctls().entry("net.ipv4.ip_default_ttl").get();
                default -> ip.get(c);
            };
            m.put("Ip" + c.name(), v);
        }
        Mib<IcmpMib> icmp = inet.icmpMib();
        for (IcmpMib c : IcmpMib.values()) {
            m.put("Icmp" + c.name(), icmp.get(c));
        }
        IcmpMsgMib msg = inet.icmpMsgMib();
        for (int t = 0; t < 256; t++) {
            if (msg.inCount(t) != 0) {
                m.put("IcmpMsgInType" + t, msg.inCount(t));
            }
        }
        for (int t = 0; t < 256; t++) {
            if (msg.outCount(t) != 0) {
                m.put("IcmpMsgOutType" + t, msg.outCount(t));
            }
        }
        Mib<io.jnetstack.ipv4.tcp.TcpMib> tcp = io.jnetstack.ipv4.tcp.Tcp.of(net).mib();
        for (io.jnetstack.ipv4.tcp.TcpMib c : io.jnetstack.ipv4.tcp.TcpMib.values()) {
            m.put("Tcp" + c.name(), tcp.get(c));
        }
        Mib<io.jnetstack.ipv4.udp.UdpMib> udp = io.jnetstack.ipv4.udp.Udp.of(net).mib();
        for (io.jnetstack.ipv4.udp.UdpMib c : io.jnetstack.ipv4.udp.UdpMib.values()) {
            m.put("Udp" + c.name(), udp.get(c));
        }
        Mib<io.jnetstack.ipv4.tcp.TcpExtMib> ext = io.jnetstack.ipv4.tcp.Tcp.of(net).extMib();
        for (io.jnetstack.ipv4.tcp.TcpExtMib c : io.jnetstack.ipv4.tcp.TcpExtMib.values()) {
            m.put("TcpExt" + c.name(), ext.get(c));
        }
        return m;
    }

    /**
     * {@code nstat -a} ({@code zeros} false) or {@code nstat -az}: {@code #kernel}, then one line per
     * counter: the name in 32 columns, the value in 16, the rate.
     *
     * @param patterns shell patterns ({@code Icmp*}, {@code IpInReceives}) selecting counters, as
     *                 nstat's arguments; empty for all
     */
    public static String format(Net net, boolean zeros, List<String> patterns) {
        List<Pattern> ps = new ArrayList<>();
        for (String p : patterns) {
            ps.add(glob(p));
        }
        StringBuilder sb = new StringBuilder("#kernel\n");
        for (Map.Entry<String, Long> e : counters(net).entrySet()) {
            if ((zeros || e.getValue() != 0) && (ps.isEmpty() || ps.stream().anyMatch(p -> p.matcher(e.getKey()).matches()))) {
                sb.append(String.format(Locale.ROOT, "%-32s%-16d%6.1f%n", e.getKey(), e.getValue(), 0.0));
            }
        }
        return sb.toString();
    }

    /** A shell pattern ({@code *}, {@code ?}) as a regular expression. */
    static Pattern glob(String p) {
        StringBuilder re = new StringBuilder();
        for (char c : p.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
