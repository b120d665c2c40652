package io.jnetstack.wire;

import java.util.random.RandomGenerator;

/**
 * A 48-bit IEEE 802 MAC address (EUI-48), held in the low 48 bits of a {@code long}.
 *
 * <p>The first octet on the wire is the most significant octet of {@link #bits()}, so
 * {@code 02:00:00:00:00:01} is {@code 0x0200_0000_0001L}. Two bits of that first octet carry
 * meaning (IEEE 802.3 §3.2.3; RFC 7042 §2.1): bit 0 (0x01) is the Individual/Group bit, set for
 * multicast and broadcast; bit 1 (0x02) is the Universal/Local bit, set for locally administered
 * addresses.
 *
 * @param bits the address in the low 48 bits; the high 16 bits must be zero
 */
public record MacAddress(long bits) {

    /** Length of an address on the wire, in octets. */
    public static final int LEN = 6;

    /** Mask of the 48 address bits within a {@code long}. */
    public static final long MASK = 0xFFFF_FFFF_FFFFL;

    /** The Individual/Group bit (first octet, 0x01) as a mask over {@link #bits()}. */
    public static final long GROUP_BIT = 0x0100_0000_0000L;

    /** The Universal/Local bit (first octet, 0x02) as a mask over {@link #bits()}. */
    public static final long LOCAL_BIT = 0x0200_0000_0000L;

    /** The broadcast address {@code ff:ff:ff:ff:ff:ff} (IEEE 802.3 §3.2.3). */
    public static final MacAddress BROADCAST = new MacAddress(MASK);

    /** The all-zero address {@code 00:00:00:00:00:00}, never valid as a source. */
    public static final MacAddress ZERO = new MacAddress(0L);

    /**
     * Validates that only the low 48 bits are used.
     *
     * @throws IllegalArgumentException if any of the high 16 bits is set
     */
    public MacAddress {
        if ((bits & ~MASK) != 0) {
            throw new IllegalArgumentException("MAC address wider than 48 bits: 0x" + Long.toHexString(bits));
        }
    }

    /**
     * Returns the address whose 48 bits are the low bits of {@code bits}.
     *
     * @param bits the address, first wire octet most significant
     * @return the address
     * @throws IllegalArgumentException if any of the high 16 bits is set
     */
    public static MacAddress fromLong(long bits) {
        return new MacAddress(bits);
    }

    /**
     * Parses the colon-separated hexadecimal form {@code aa:bb:cc:dd:ee:ff} (either case).
     *
     * @param text six two-digit hex octets separated by {@code ':'}
     * @return the address
     * @throws IllegalArgumentException if {@code text} is not in that form
     */
    public static MacAddress parse(String text) {
        if (text.length() != 17) {
            throw new IllegalArgumentException("not a MAC address: " + text);
        }
        long v = 0;
        for (int i = 0; i < LEN; i++) {
            int p = i * 3;
            if (i > 0 && text.charAt(p - 1) != ':') {
                throw new IllegalArgumentException("not a MAC address: " + text);
            }
            int hi = hexDigit(text.charAt(p));
            int lo = hexDigit(text.charAt(p + 1));
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("not a MAC address: " + text);
            }
            v = (v << 8) | (hi << 4) | lo;
        }
        return new MacAddress(v);
    }

    /** Value of an ASCII hex digit, or -1 (unlike {@link Character#digit}, rejects non-ASCII digits). */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        char lower = (char) (c | 0x20);
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }

    /**
     * Reads six octets at {@code b[off..off+5]} as an address.
     *
     * @param b the buffer
     * @param off index of the first octet
     * @return the address
     */
    public static MacAddress read(byte[] b, int off) {
        return new MacAddress(readBits(b, off));
    }

    /**
     * Reads six octets at {@code b[off..off+5]} as raw address bits, without allocating.
     *
     * @param b the buffer
     * @param off index of the first octet
     * @return the address bits, first octet most significant
     */
    public static long readBits(byte[] b, int off) {
        return Bytes.u48(b, off);
    }

    /**
     * Writes raw address bits as six octets at {@code b[off..off+5]}, without allocating.
     *
     * @param b the buffer
     * @param off index of the first octet
     * @param bits the address; only the low 48 bits are written
     */
    public static void writeBits(byte[] b, int off, long bits) {
        Bytes.put48(b, off, bits);
    }

    /**
     * Writes this address as six octets at {@code b[off..off+5]}.
     *
     * @param b the buffer
     * @param off index of the first octet
     */
    public void write(byte[] b, int off) {
        writeBits(b, off, bits);
    }

    /**
     * Returns a random unicast, locally administered address: the Individual/Group bit is cleared
     * and the Universal/Local bit is set (RFC 7042 §2.1). The result depends only on the
     * generator's next {@code long}, so a seeded generator gives a reproducible address.
     *
     * @param rng the source of randomness
     * @return the address
     */
    public static MacAddress random(RandomGenerator rng) {
        long v = rng.nextLong() & MASK;
        return new MacAddress((v & ~GROUP_BIT) | LOCAL_BIT);
    }

    /**
     * Whether this is the broadcast address {@code ff:ff:ff:ff:ff:ff} (IEEE 802.3 §3.2.3).
     *
     * @return true for the broadcast address
     */
    public boolean isBroadcast() {
        return bits == MASK;
    }

    /**
     * Whether the Individual/Group bit is set (IEEE 802.3 §3.2.3). Broadcast is multicast.
     *
     * @return true for group addresses
     */
    public boolean isMulticast() {
        return (bits & GROUP_BIT) != 0;
    }

    /**
     * Whether the Individual/Group bit is clear (IEEE 802.3 §3.2.3).
     *
     * @return true for individual addresses, including {@link #ZERO}
     */
    public boolean isUnicast() {
        return !isMulticast();
    }

    /**
     * Whether the Universal/Local bit is set (RFC 7042 §2.1).
     *
     * @return true for locally administered addresses
     */
    public boolean isLocallyAdministered() {
        return (bits & LOCAL_BIT) != 0;
    }

    /**
     * Whether this is the all-zero address.
     *
     * @return true for {@code 00:00:00:00:00:00}
     */
    public boolean isZero() {
        return bits == 0;
    }

    /**
     * Formats as six lowercase two-digit hex octets separated by {@code ':'}.
     *
     * @return for example {@code "02:00:5e:10:00:01"}
     */
    @Override
    public String toString() {
        char[] out = new char[17];
        for (int i = 0; i < LEN; i++) {
            int octet = (int) (bits >>> (40 - 8 * i)) & 0xFF;
            int p = i * 3;
            out[p] = Character.forDigit(octet >>> 4, 16);
            out[p + 1] = Character.forDigit(octet & 0xF, 16);
            if (i < LEN - 1) {
                out[p + 2] = ':';
            }
        }
        return new String(out);
    }
}
