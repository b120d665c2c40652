package io.jnetstack.wire;

/**
 * An IPv4 address with a prefix length, in CIDR notation (RFC 4632 §3.1).
 *
 * <p>The address may have host bits set, as an interface address such as
 * {@code 192.168.1.5/24} does; {@link #network()} clears them. Two prefixes are equal only if
 * both the address and the length are.
 *
 * @param address the address, as in {@link Ipv4Address}
 * @param length the prefix length, 0 to 32
 */
public record Ipv4Prefix(int address, int length) {

    /**
     * Validates the length.
     *
     * @throws IllegalArgumentException if {@code length} is not in {@code [0, 32]}
     */
    public Ipv4Prefix {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("prefix length out of range: " + length);
        }
    }

    /**
     * Parses {@code a.b.c.d/n}: a strict dotted quad as in {@link Ipv4Address#parse}, a slash,
     * and a decimal length {@code 0..32} without leading zeros.
     *
     * @param text for example {@code "10.0.0.0/8"}
     * @return the prefix, host bits kept as written
     * @throws IllegalArgumentException if {@code text} is not in that form
     */
    public static Ipv4Prefix parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not an IPv4 prefix: " + text);
        }
        long addr = Ipv4Address.tryParse(text, 0, slash);
        int len = parseLength(text, slash + 1);
        if (addr < 0 || len < 0) {
            throw new IllegalArgumentException("not an IPv4 prefix: " + text);
        }
        return new Ipv4Prefix((int) addr, len);
    }

    /** A decimal 0..32 filling {@code text[from..)}, without leading zeros, or -1. */
    private static int parseLength(String text, int from) {
        int digits = text.length() - from;
        if (digits < 1 || digits > 2 || (digits == 2 && text.charAt(from) == '0')) {
            return -1;
        }
        int n = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n <= 32 ? n : -1;
    }

    /**
     * The network mask, {@link Ipv4Address#prefixMask} of the length.
     *
     * @return the mask
     */
    public int mask() {
        return Ipv4Address.prefixMask(length);
    }

    /**
     * The network address: the address with its host bits cleared.
     *
     * @return {@code address & mask()}
     */
    public int network() {
        return address & mask();
    }

    /**
     * The directed broadcast address of the prefix: all host bits set (RFC 919 §7; RFC 1122
     * §3.2.1.3(d)). For {@code /32} this is the address itself; a {@code /31} has no broadcast
     * (RFC 3021 §2.2), but the value is still computed the same way.
     *
     * @return {@code network() | ~mask()}
     */
    public int broadcast() {
        return address | ~mask();
    }

    /**
     * Whether an address lies in this prefix.
     *
     * @param addr the address
     * @return true if its first {@link #length} bits equal the prefix's
     */
    public boolean contains(int addr) {
        return ((addr ^ address) & mask()) == 0;
    }

    /**
     * The same length with the host bits cleared.
     *
     * @return {@code new Ipv4Prefix(network(), length)}
     */
    public Ipv4Prefix canonical() {
        return new Ipv4Prefix(network(), length);
    }

    /**
     * Formats as {@code a.b.c.d/n}, with the address as stored (host bits included).
     *
     * @return for example {@code "10.0.0.0/8"}
     */
    @Override
    public String toString() {
        return Ipv4Address.format(address) + "/" + length;
    }
}
