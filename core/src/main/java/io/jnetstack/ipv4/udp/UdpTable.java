package io.jnetstack.ipv4.udp;

import io.jnetstack.core.NetDevice;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The UDP sockets of a namespace by local port. Mirrors {@code struct udp_table}: binding with
 * Linux's conflict rules ({@code udp_lib_get_port()}, {@code udp_lib_lport_inuse()}), ephemeral
 * ports from {@code ip_local_port_range}, and the scored lookup of {@code __udp4_lib_lookup()}
 * with SO_REUSEPORT groups spread by flow hash.
 */
final class UdpTable {
    @SuppressWarnings("unchecked")
    private final List<UdpSock>[] ports = new List[65536];
    private final RandomGenerator random;
    private int count;

    UdpTable(RandomGenerator random) {
        this.random = random;
    }

    /** Sockets bound to {@code port}, or null. */
    List<UdpSock> at(int port) {
        return ports[port];
    }

    /** How many sockets are bound. */
    int size() {
        return count;
    }

    /**
     * Whether {@code sk} may not take {@code port}. Mirrors {@code udp_lib_lport_inuse()}: two
     * sockets conflict when their devices and addresses overlap (0 matches anything), unless
     * both set SO_REUSEADDR, or both set SO_REUSEPORT.
     */
    private boolean inUse(UdpSock sk, int port) {
        List<UdpSock> l = ports[port];
        if (l == null) {
            return false;
        }
        for (UdpSock o : l) {
            if (o == sk) {
                continue;
            }
            if (o.reuseAddr() && sk.reuseAddr()) {
                continue;
            }
            NetDevice a = o.boundDevice();
            NetDevice b = sk.boundDevice();
            if (a != null && b != null && a != b) {
                continue;
            }
            int x = o.localAddress();
            int y = sk.localAddress();
            if (x != 0 && y != 0 && x != y) {
                continue;
            }
            if (o.reusePort() && sk.reusePort()) {
                continue;
            }
            return true;
        }
        return false;
    }

    /**
     * Binds {@code sk} to {@code port}, or to a free ephemeral port when 0. Mirrors
     * {@code udp_lib_get_port()}: a random start in [low, high], then every port in turn.
     *
     * @return the port, or -1 when taken (EADDRINUSE) or none is free
     */
    int getPort(UdpSock sk, int port, int low, int high) {
        if (port == 0) {
            int range = high - low + 1;
            int start = random.nextInt(range);
            for (int i = 0; i < range; i++) {
                int p = low + (start + i) % range;
                if (!inUse(sk, p)) {
                    hash(sk, p);
                    return p;
                }
            }
            return -1;
        }
        if (inUse(sk, port)) {
            return -1;
        }
        hash(sk, port);
        return port;
    }

    private void hash(UdpSock sk, int port) {
        if (ports[port] == null) {
            ports[port] = new ArrayList<>(1);
        }
        ports[port].add(sk);
        count++;
    }

    /** Removes {@code sk} from {@code port}. Mirrors {@code udp_lib_unhash()}. */
    void unhash(UdpSock sk, int port) {
        List<UdpSock> l = ports[port];
        if (l != null && l.remove(sk)) {
            count--;
            if (l.isEmpty()) {
                ports[port] = null;
            }
        }
    }

    /**
     * Scores how well {@code sk} matches a datagram. Mirrors {@code compute_score()}: -1 for no
     * match; each exact match of bound address, peer address, peer port and device adds 4.
     */
    static int score(UdpSock sk, int saddr, int sport, int daddr, NetDevice dev) {
        int score = 0;
        if (sk.localAddress() != 0) {
            if (sk.localAddress() != daddr) {
                return -1;
            }
            score += 4;
        }
        if (sk.isConnected()) {
            if (sk.peerAddress() != saddr || sk.peerPort() != sport) {
                return -1;
            }
            score += 8;
        }
        if (sk.boundDevice() != null) {
            if (sk.boundDevice() != dev) {
                return -1;
            }
            score += 4;
        }
        return score;
    }

    /**
     * The socket for a unicast datagram. Mirrors {@code __udp4_lib_lookup()}: the best score
     * wins; among SO_REUSEPORT sockets with the best score, the flow hash picks one
     * ({@code reuseport_select_sock()}), so one flow always reaches the same socket.
     */
    UdpSock lookup(int saddr, int sport, int daddr, int dport, NetDevice dev) {
        List<UdpSock> l = ports[dport];
        if (l == null) {
            return null;
        }
        UdpSock best = null;
        int bestScore = -1;
        int group = 0;
        for (int i = 0; i < l.size(); i++) {
            UdpSock sk = l.get(i);
            int s = score(sk, saddr, sport, daddr, dev);
            if (s > bestScore) {
                best = sk;
                bestScore = s;
                group = 1;
            } else if (s == bestScore && s >= 0 && best.reusePort() && sk.reusePort()) {
                group++;
            }
        }
        if (best == null || group <= 1 || !best.reusePort()) {
            return best;
        }
        int pick = Integer.remainderUnsigned(flowHash(saddr, sport, daddr, dport), group);
        for (UdpSock sk : l) {
            if (sk.reusePort() && score(sk, saddr, sport, daddr, dev) == bestScore && pick-- == 0) {
                return sk;
            }
        }
        return best;
    }

    /** Mirrors {@code udp_ehashfn()}: a mix of the 4-tuple. */
    static int flowHash(int saddr, int sport, int daddr, int dport) {
        int h = saddr * 0x9E3779B1 ^ Integer.rotateLeft(daddr * 0x85EBCA6B, 13) ^ (sport << 16 | dport) * 0xC2B2AE35;
        h ^= h >>> 16;
        h *= 0x7FEB352D;
        h ^= h >>> 15;
        return h;
    }
}
