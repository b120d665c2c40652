package io.jnetstack.admin;

import io.jnetstack.core.Net;
import io.jnetstack.socket.Sock;
import io.jnetstack.socket.Socket;
import io.jnetstack.wire.Ipv4Address;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code ss}: the sockets of a namespace, as iproute2's {@code ss} prints them.
 *
 * <pre>
 * $ ss -uaw
 * Netid  State    Recv-Q  Send-Q    Local Address:Port     Peer Address:Port
 * udp    UNCONN   0       0               0.0.0.0:7             0.0.0.0:*
 * raw    UNCONN   0       0               0.0.0.0:1             0.0.0.0:*
 * </pre>
 *
 * <p>Options as {@code ss}: {@code -t} TCP, {@code -u} UDP, {@code -w} raw (ping sockets are
 * shown with {@code -w} too, netid "icmp"), none of them: all; {@code -a} all states,
 * {@code -l} only listening/unconnected ones, default: only connected ones (as {@code ss}
 * does); {@code -n} numeric (always); {@code -i} adds TCP internals (rto, rtt, mss, cwnd, …) under each connection. TCP rows come
 * from the protocol's tables, so accepted-but-unclaimed, orphaned, SYN-RECV and TIME-WAIT
 * endpoints show too. The Netid column appears when more than one kind is asked.
 */
public final class Ss {
    private Ss() {
    }

    /** Runs {@code ss ARGS} on {@code net}; call inside the stack (Kernel.call). */
    public static String run(Net net, List<String> args) {
        boolean tcp = false;
        boolean udp = false;
        boolean raw = false;
        boolean all = false;
        boolean listening = false;
        boolean info = false;
        for (String a : args) {
            if (!a.startsWith("-") || a.equals("-")) {
                throw new AdminException(io.jnetstack.core.Errno.EINVAL, "ss: filters are not supported: \"" + a + "\"", 1);
            }
            for (char c : a.substring(1).toCharArray()) {
                switch (c) {
                    case 't' -> tcp = true;
                    case 'u' -> udp = true;
                    case 'w' -> raw = true;
                    case 'a' -> all = true;
                    case 'l' -> listening = true;
                    case 'i' -> info = true;
                    case 'n', 'e', 'm', 'p' -> {
                    }
                    default -> throw new AdminException(io.jnetstack.core.Errno.EINVAL, "ss: unknown option -" + c + " (supported: -t -u -w -a -l -n -i)", 1);
                }
            }
        }
        if (!tcp && !udp && !raw) {
            tcp = udp = raw = true;
        }
        List<String> kinds = new ArrayList<>();
        if (tcp) {
            kinds.add("tcp");
        }
        if (udp) {
            kinds.add("udp");
        }
        if (raw) {
            kinds.add("raw");
            kinds.add("icmp");
        }
        boolean netid = (tcp ? 1 : 0) + (udp ? 1 : 0) + (raw ? 1 : 0) > 1;
        StringBuilder sb = new StringBuilder();
        header(sb, netid);
        if (tcp) {
            for (io.jnetstack.ipv4.tcp.Tcp.SsEntry e : io.jnetstack.ipv4.tcp.Tcp.of(net).ssEntries()) {
                boolean listen = e.state().equals("LISTEN");
                if (!all && (listening != listen)) {
                    continue;
                }
                if (netid) {
                    sb.append(String.format("%-6s ", "tcp"));
                }
                String local = addr(e.laddr()) + ":" + port(e.lport());
                String peer = e.raddr() == 0 ? "0.0.0.0:*" : Ipv4Address.format(e.raddr()) + ":" + port(e.rport());
                sb.append(String.format("%-10s %-7d %-7d %22s  %-22s%n", e.state(), e.recvQ(), e.sendQ(), local, peer));
                if (info && !e.info().isEmpty()) {
                    sb.append("\t ").append(e.info()).append('\n');
                }
            }
        }
        for (Socket s : net.sockets().list()) {
            Sock k = s.sock();
            if (k.netid().equals("tcp") || !kinds.contains(k.netid())) {
                continue;
            }
            boolean listen = k.stateName().equals("UNCONN") || k.stateName().equals("LISTEN");
            if (!all && (listening != listen)) {
                continue;
            }
            line(sb, netid, k);
        }
        return sb.toString();
    }

    private static void header(StringBuilder sb, boolean netid) {
        if (netid) {
            sb.append(String.format("%-6s ", "Netid"));
        }
        sb.append(String.format("%-10s %-7s %-7s %22s %-22s%n", "State", "Recv-Q", "Send-Q", "Local Address:Port", " Peer Address:Port"));
    }

    private static void line(StringBuilder sb, boolean netid, Sock k) {
        if (netid) {
            sb.append(String.format("%-6s ", k.netid()));
        }
        String local = addr(k.localAddress()) + (k.boundDevice() == null ? "" : "%" + k.boundDevice().name())
                + ":" + (k.netid().equals("raw") ? Integer.toString(k.protocol()) : port(k.localPort()));
        String peer = k.isConnected() ? Ipv4Address.format(k.peerAddress()) + ":" + port(k.peerPort()) : "0.0.0.0:*";
        sb.append(String.format("%-10s %-7d %-7d %22s  %-22s%n", k.stateName(), k.recvQ(), k.sendQ(), local, peer));
    }

    private static String addr(int a) {
        return a == 0 ? "0.0.0.0" : Ipv4Address.format(a);
    }

    private static String port(int p) {
        return p == 0 ? "*" : Integer.toString(p);
    }
}
