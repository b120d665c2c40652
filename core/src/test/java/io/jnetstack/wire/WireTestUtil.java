package io.jnetstack.wire;

import java.util.Arrays;

/** Helpers shared by the wire tests. */
final class WireTestUtil {

    private WireTestUtil() {
    }

    /** Bytes from whitespace-separated two-digit hex octets. */
    static byte[] bytes(String hex) {
        String[] parts = hex.trim().split("\\s+");
        byte[] out = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return out;
    }

    /** The packet copied into a larger buffer at {@code off}, with junk around it. */
    static byte[] at(byte[] packet, int off) {
        byte[] b = new byte[off + packet.length + 3];
        Arrays.fill(b, (byte) 0xa5);
        System.arraycopy(packet, 0, b, off, packet.length);
        return b;
    }
}
