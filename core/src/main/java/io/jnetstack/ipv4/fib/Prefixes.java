package io.jnetstack.ipv4.fib;

/**
 * Formatting of IPv4 addresses and prefixes the way {@code ip route} and {@code ip rule} print
 * them. Addresses are {@code int}s in network order: {@code 192.0.2.1} is {@code 0xC0000201}.
 */
final class Prefixes {
    private Prefixes() {}

    /** Dotted-quad text of an address. */
    static String addr(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
    }

    /** {@code a.b.c.d/len}. */
    static String format(int prefix, int len) {
        return addr(prefix) + "/" + len;
    }

    /** A destination as {@code ip route} shows it: {@code default}, a host, or {@code a.b.c.d/len}. */
    static String dst(int prefix, int len) {
        if (len == 0) {
            return "default";
        }
        return len == 32 ? addr(prefix) : format(prefix, len);
    }

    /** A selector as {@code ip rule} shows it: {@code all}, a host, or {@code a.b.c.d/len}. */
    static String selector(int prefix, int len) {
        if (len == 0) {
            return "all";
        }
        return len == 32 ? addr(prefix) : format(prefix, len);
    }

    /** The netmask of a prefix length: {@code /24} is {@code 0xFFFFFF00}; {@code /0} is 0. */
    static int mask(int len) {
        return len == 0 ? 0 : -1 << (32 - len);
    }

    /** A TOS/DSCP byte as iproute2 prints it ({@code 0x10}). */
    static String tos(int tos) {
        return String.format("0x%02x", tos);
    }
}
