package io.jnetstack.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Big-endian (network byte order, RFC 1700 "Data Notations") reads and writes on byte arrays.
 *
 * <p>Package-private plumbing for the wire views. Reads return unsigned values widened to
 * {@code int} or {@code long}; writes take the low bits of their argument.
 */
final class Bytes {

    private static final VarHandle SHORT_BE =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_BE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_BE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Bytes() {
    }

    /** Unsigned 8-bit value at {@code i}. */
    static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    /** Unsigned big-endian 16-bit value at {@code i}. */
    static int u16(byte[] b, int i) {
        return (short) SHORT_BE.get(b, i) & 0xFFFF;
    }

    /** Big-endian 32-bit value at {@code i}, as a (possibly negative) {@code int}. */
    static int i32(byte[] b, int i) {
        return (int) INT_BE.get(b, i);
    }

    /** Unsigned big-endian 32-bit value at {@code i}. */
    static long u32(byte[] b, int i) {
        return i32(b, i) & 0xFFFF_FFFFL;
    }

    /** Big-endian 64-bit value at {@code i}. */
    static long i64(byte[] b, int i) {
        return (long) LONG_BE.get(b, i);
    }

    /** Unsigned big-endian 48-bit value at {@code i}. */
    static long u48(byte[] b, int i) {
        return ((long) u16(b, i) << 32) | u32(b, i + 2);
    }

    /** Writes the low 8 bits of {@code v} at {@code i}. */
    static void put8(byte[] b, int i, int v) {
        b[i] = (byte) v;
    }

    /** Writes the low 16 bits of {@code v} big-endian at {@code i}. */
    static void put16(byte[] b, int i, int v) {
        SHORT_BE.set(b, i, (short) v);
    }

    /** Writes {@code v} big-endian at {@code i}. */
    static void put32(byte[] b, int i, int v) {
        INT_BE.set(b, i, v);
    }

    /** Writes the low 48 bits of {@code v} big-endian at {@code i}. */
    static void put48(byte[] b, int i, long v) {
        put16(b, i, (int) (v >>> 32));
        put32(b, i + 2, (int) v);
    }
}
