package io.jnetstack.ipv4.tcp;

import java.util.ArrayList;
import java.util.List;

/**
 * The established table of one namespace: connected sockets, request socks and time-wait socks
 * by 4-tuple. Mirrors {@code inet_ehash} ({@code __inet_lookup_established()},
 * {@code inet_ehash_insert()}, {@code inet_ehash_nolisten()}): as in Linux the socket is its
 * own key, so an entry costs one slot of an array and no node or key object.
 *
 * <p>Open addressing with linear probing; removal shifts the following entries back, so no
 * tombstones are left. The key of an entry is read from the entry itself (its local and remote
 * address and port), which therefore must not change while the entry is in the table: a
 * {@link TcpSock} is unhashed before its addresses or port change.
 */
final class EstablishedTable {
    private static final int MIN_CAPACITY = 16;

    private Object[] slots = new Object[MIN_CAPACITY];
    private int size;
    private final long secret;

    /** @param secret the namespace's hash key ({@code inet_ehash_secret}) */
    EstablishedTable(long secret) {
        this.secret = secret;
    }

    /** Entries in the table. */
    int size() {
        return size;
    }

    /** Whether the table is empty. */
    boolean isEmpty() {
        return size == 0;
    }

    /** The entry for the 4-tuple, or null. */
    Object get(int laddr, int lport, int raddr, int rport) {
        Object[] t = slots;
        int mask = t.length - 1;
        for (int i = hash(laddr, lport, raddr, rport) & mask; ; i = (i + 1) & mask) {
            Object o = t[i];
            if (o == null || matches(o, laddr, lport, raddr, rport)) {
                return o;
            }
        }
    }

    /** Whether an entry holds the 4-tuple. */
    boolean contains(int laddr, int lport, int raddr, int rport) {
        return get(laddr, lport, raddr, rport) != null;
    }

    /** Adds {@code sk} under its own 4-tuple, replacing what held it (a request sock by its child). */
    void put(Object sk) {
        Object[] t = slots;
        int mask = t.length - 1;
        int la = laddr(sk);
        int lp = lport(sk);
        int ra = raddr(sk);
        int rp = rport(sk);
        int i = hash(la, lp, ra, rp) & mask;
        for (; t[i] != null; i = (i + 1) & mask) {
            if (matches(t[i], la, lp, ra, rp)) {
                t[i] = sk;
                return;
            }
        }
        t[i] = sk;
        size++;
        if (size * 2 > t.length) {
            resize(t.length * 2);
        }
    }

    /** Removes {@code sk} if it is in the table (an entry of the same tuple that is not {@code sk} stays). */
    void remove(Object sk) {
        Object[] t = slots;
        int mask = t.length - 1;
        int i = hash(laddr(sk), lport(sk), raddr(sk), rport(sk)) & mask;
        for (; t[i] != sk; i = (i + 1) & mask) {
            if (t[i] == null) {
                return;
            }
        }
        t[i] = null;
        size--;
        // Shift back the entries after the hole that may not stay behind it.
        for (int j = (i + 1) & mask; t[j] != null; j = (j + 1) & mask) {
            int home = hash(t[j]) & mask;
            if (((j - home) & mask) >= ((j - i) & mask)) {
                t[i] = t[j];
                t[j] = null;
                i = j;
            }
        }
        if (size * 8 < t.length && t.length > MIN_CAPACITY) {
            resize(t.length / 2);
        }
    }

    /** A snapshot of the entries, in table order. */
    List<Object> values() {
        List<Object> out = new ArrayList<>(size);
        for (Object o : slots) {
            if (o != null) {
                out.add(o);
            }
        }
        return out;
    }

    /** Entries are at slots 0 to {@code capacity() - 1}, some null: a walk that allocates nothing. */
    int capacity() {
        return slots.length;
    }

    /** The entry in slot {@code i}, or null. */
    Object slot(int i) {
        return slots[i];
    }

    private void resize(int capacity) {
        Object[] old = slots;
        Object[] t = new Object[capacity];
        int mask = capacity - 1;
        for (Object o : old) {
            if (o != null) {
                int i = hash(o) & mask;
                while (t[i] != null) {
                    i = (i + 1) & mask;
                }
                t[i] = o;
            }
        }
        slots = t;
    }

    private static boolean matches(Object o, int laddr, int lport, int raddr, int rport) {
        return laddr(o) == laddr && lport(o) == lport && raddr(o) == raddr && rport(o) == rport;
    }

    private int hash(Object o) {
        return hash(laddr(o), lport(o), raddr(o), rport(o));
    }

    private int hash(int laddr, int lport, int raddr, int rport) {
        return hash(secret, laddr, lport, raddr, rport);
    }

    /**
     * The slot hash of a 4-tuple, keyed by the namespace's secret as {@code inet_ehashfn()} is,
     * so a peer cannot choose ports that pile up in one run of slots. Every bit of every field
     * reaches the low bits, which select the slot.
     */
    static int hash(long secret, int laddr, int lport, int raddr, int rport) {
        long h = (((long) laddr << 32 | (raddr & 0xffffffffL)) ^ secret) * 0x9E3779B97F4A7C15L;
        h ^= ((long) lport << 16 | rport) * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ h >>> 32);
    }

    private static int laddr(Object o) {
        return switch (o) {
            case TcpSock s -> s.src();
            case RequestSock r -> r.laddr;
            case TimeWaitSock tw -> tw.laddr;
            default -> throw new IllegalArgumentException("not a TCP sock: " + o);
        };
    }

    private static int lport(Object o) {
        return switch (o) {
            case TcpSock s -> s.localPort();
            case RequestSock r -> r.lport;
            case TimeWaitSock tw -> tw.lport;
            default -> throw new IllegalArgumentException("not a TCP sock: " + o);
        };
    }

    private static int raddr(Object o) {
        return switch (o) {
            case TcpSock s -> s.peerAddress();
            case RequestSock r -> r.raddr;
            case TimeWaitSock tw -> tw.raddr;
            default -> throw new IllegalArgumentException("not a TCP sock: " + o);
        };
    }

    private static int rport(Object o) {
        return switch (o) {
            case TcpSock s -> s.peerPort();
            case RequestSock r -> r.rport;
            case TimeWaitSock tw -> tw.rport;
            default -> throw new IllegalArgumentException("not a TCP sock: " + o);
        };
    }
}
