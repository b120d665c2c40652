package io.jnetstack.wire;

/**
 * Helpers for IPv4 addresses held as an {@code int} (RFC 791 §3.2 "Addressing").
 *
 * <p>The first octet on the wire is the most significant byte of the {@code int}, so
 * {@code 192.0.2.1} is {@code 0xC000_0201}: the value read big-endian from the header, which is
 * also the numeric order used for comparisons with {@link Integer#compareUnsigned}. Addresses are
 * kept as bare {@code int}s so that the fast path never allocates; {@link Ipv4Prefix} is the one
 * value type.
 *
 * <p>The classification predicates follow the special-purpose address registry (RFC 6890, which
 * replaced RFC 5735) and the host requirements (RFC 1122 §3.2.1.3). Each tests one block only;
 * they overlap where the blocks do (the limited broadcast address is also in 240/4).
 */
public final class Ipv4Address {

    /** Length of an address on the wire, in octets. */
    public static final int LEN = 4;
    /** The unspecified address {@code 0.0.0.0} (INADDR_ANY; RFC 1122 §3.2.1.3(a)). */
    public static final int ANY = 0;
    /** The limited broadcast address {@code 255.255.255.255} (RFC 919 §7; RFC 1122 §3.2.1.3(c)). */
    public static final int BROADCAST = 0xFFFF_FFFF;
    /** The loopback address {@code 127.0.0.1} (RFC 1122 §3.2.1.3(g)). */
    public static final int LOOPBACK = 0x7F00_0001;
    /** The all-hosts group {@code 224.0.0.1} (RFC 1112 §4). */
    public static final int ALL_HOSTS = 0xE000_0001;
    /** The all-routers group {@code 224.0.0.2} (RFC 5771 §4; RFC 2236 §9). */
    public static final int ALL_ROUTERS = 0xE000_0002;

    private Ipv4Address() {
    }

    /**
     * Parses the strict dotted-quad form: exactly four decimal octets {@code 0..255} separated
     * by {@code '.'}, ASCII digits only, without signs, spaces or leading zeros (so that a
     * leading zero cannot be mistaken for the octal of {@code inet_aton}).
     *
     * @param text for example {@code "192.0.2.1"}
     * @return the address
     * @throws IllegalArgumentException if {@code text} is not a strict dotted quad
     */
    public static int parse(String text) {
        long v = tryParse(text, 0, text.length());
        if (v < 0) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        return (int) v;
    }

    /** Parses {@code text[from..to)} as a strict dotted quad: the unsigned address, or -1. */
    static long tryParse(String text, int from, int to) {
        long v = 0;
        int i = from;
        for (int octet = 0; octet < LEN; octet++) {
            if (octet > 0) {
                if (i >= to || text.charAt(i) != '.') {
                    return -1;
                }
                i++;
            }
            int start = i;
            int n = 0;
            while (i < to && i - start < 3) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                n = n * 10 + (c - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || n > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return -1;
            }
            v = (v << 8) | n;
        }
        return i == to ? v : -1;
    }

    /**
     * Formats as a dotted quad.
     *
     * @param addr the address
     * @return for example {@code "192.0.2.1"}
     */
    public static String format(int addr) {
        StringBuilder sb = new StringBuilder(15);
        for (int i = 0; i < LEN; i++) {
            if (i > 0) {
                sb.append('.');
            }
            sb.append((addr >>> (24 - 8 * i)) & 0xFF);
        }
        return sb.toString();
    }

    /**
     * Reads four octets at {@code b[off..off+3]}.
     *
     * @param b the buffer
     * @param off index of the first octet
     * @return the address
     */
    public static int read(byte[] b, int off) {
        return Bytes.i32(b, off);
    }

    /**
     * Writes an address as four octets at {@code b[off..off+3]}.
     *
     * @param b the buffer
     * @param off index of the first octet
     * @param addr the address
     */
    public static void write(byte[] b, int off, int addr) {
        Bytes.put32(b, off, addr);
    }

    /**
     * The network mask of a prefix length: {@code len} one bits followed by zeros.
     *
     * @param len prefix length, 0 to 32
     * @return the mask; 0 for length 0 and {@code 0xFFFF_FFFF} for length 32
     * @throws IllegalArgumentException if {@code len} is out of range
     */
    public static int prefixMask(int len) {
        if (len < 0 || len > 32) {
            throw new IllegalArgumentException("prefix length out of range: " + len);
        }
        // A shift by 32 is a shift by 0 in Java, so length 0 needs its own case.
        return len == 0 ? 0 : -1 << (32 - len);
    }

    /**
     * The prefix length of a contiguous network mask, the inverse of {@link #prefixMask}.
     *
     * @param mask a network mask
     * @return 0 to 32, or -1 if the one bits of {@code mask} are not contiguous from the top
     */
    public static int maskLength(int mask) {
        int len = Integer.numberOfLeadingZeros(~mask);
        return prefixMask(len) == mask ? len : -1;
    }

    /**
     * Whether {@code addr} lies in the prefix {@code prefix/len}; host bits of {@code prefix}
     * are ignored.
     *
     * @param addr the address to test
     * @param prefix any address of the prefix
     * @param len prefix length, 0 to 32
     * @return true if the first {@code len} bits of both are equal
     * @throws IllegalArgumentException if {@code len} is out of range
     */
    public static boolean inPrefix(int addr, int prefix, int len) {
        return ((addr ^ prefix) & prefixMask(len)) == 0;
    }

    /**
     * Whether the address is in {@code 0.0.0.0/8}, "this host on this network"
     * (RFC 1122 §3.2.1.3(a),(b); RFC 6890 §2.2.2). Never a valid destination; as a source only
     * {@link #ANY} is, and only while a host learns its address. (Linux since 5.3 narrows its
     * {@code ipv4_is_zeronet} to {@code 0.0.0.0} alone, to let 0/8 be assigned; test
     * {@code addr == ANY} for that.)
     *
     * @param addr the address
     * @return true for {@code 0.x.x.x}
     */
    public static boolean isZeronet(int addr) {
        return (addr & 0xFF00_0000) == 0;
    }

    /**
     * Whether the address is in {@code 127.0.0.0/8}, internal host loopback
     * (RFC 1122 §3.2.1.3(g); RFC 6890 §2.2.2). Such addresses must never appear on a network.
     *
     * @param addr the address
     * @return true for {@code 127.x.x.x}
     */
    public static boolean isLoopback(int addr) {
        return (addr & 0xFF00_0000) == 0x7F00_0000;
    }

    /**
     * Whether the address is a multicast group, {@code 224.0.0.0/4}, formerly class D
     * (RFC 1112 §4; RFC 5771).
     *
     * @param addr the address
     * @return true for {@code 224.0.0.0} to {@code 239.255.255.255}
     */
    public static boolean isMulticast(int addr) {
        return (addr & 0xF000_0000) == 0xE000_0000;
    }

    /**
     * Whether the address is in the Local Network Control Block {@code 224.0.0.0/24}, groups
     * that routers never forward (RFC 5771 §4).
     *
     * @param addr the address
     * @return true for {@code 224.0.0.x}
     */
    public static boolean isLocalMulticast(int addr) {
        return (addr & 0xFFFF_FF00) == 0xE000_0000;
    }

    /**
     * Whether the address is the limited broadcast {@code 255.255.255.255}
     * (RFC 919 §7; RFC 1122 §3.2.1.3(c)).
     *
     * @param addr the address
     * @return true for {@link #BROADCAST}
     */
    public static boolean isLbcast(int addr) {
        return addr == BROADCAST;
    }

    /**
     * Whether the address is in the link-local block {@code 169.254.0.0/16} (RFC 3927 §2.1;
     * RFC 6890 §2.2.2).
     *
     * @param addr the address
     * @return true for {@code 169.254.x.x}
     */
    public static boolean isLinkLocal(int addr) {
        return (addr & 0xFFFF_0000) == 0xA9FE_0000;
    }

    /**
     * Whether the address is in a private-use block: {@code 10.0.0.0/8}, {@code 172.16.0.0/12}
     * or {@code 192.168.0.0/16} (RFC 1918 §3; RFC 6890 §2.2.2).
     *
     * @param addr the address
     * @return true for the three RFC 1918 blocks
     */
    public static boolean isPrivate(int addr) {
        return (addr & 0xFF00_0000) == 0x0A00_0000
                || (addr & 0xFFF0_0000) == 0xAC10_0000
                || (addr & 0xFFFF_0000) == 0xC0A8_0000;
    }

    /**
     * Whether the address is in a documentation block: TEST-NET-1 {@code 192.0.2.0/24},
     * TEST-NET-2 {@code 198.51.100.0/24} or TEST-NET-3 {@code 203.0.113.0/24} (RFC 5737 §3).
     *
     * @param addr the address
     * @return true for the three TEST-NET blocks
     */
    public static boolean isDocumentation(int addr) {
        int net24 = addr & 0xFFFF_FF00;
        return net24 == 0xC000_0200 || net24 == 0xC633_6400 || net24 == 0xCB00_7100;
    }

    /**
     * Whether the address is in the benchmarking block {@code 198.18.0.0/15} (RFC 2544 App. C.2.2;
     * RFC 6890 §2.2.2).
     *
     * @param addr the address
     * @return true for {@code 198.18.x.x} and {@code 198.19.x.x}
     */
    public static boolean isBenchmark(int addr) {
        return (addr & 0xFFFE_0000) == 0xC612_0000;
    }

    /**
     * Whether the address is in a block reserved for testing: a documentation block
     * ({@link #isDocumentation}) or the benchmarking block ({@link #isBenchmark}).
     *
     * @param addr the address
     * @return true for the TEST-NET blocks and {@code 198.18.0.0/15}
     */
    public static boolean isTestNet(int addr) {
        return isDocumentation(addr) || isBenchmark(addr);
    }

    /**
     * Whether the address is in the reserved block {@code 240.0.0.0/4}, formerly class E
     * (RFC 1112 §4; RFC 6890 §2.2.2). This includes {@link #BROADCAST}; test {@link #isLbcast}
     * first where it matters.
     *
     * @param addr the address
     * @return true for {@code 240.0.0.0} to {@code 255.255.255.255}
     */
    public static boolean isReserved(int addr) {
        return (addr & 0xF000_0000) == 0xF000_0000;
    }
}
