/**
 * Wire formats: allocation-free views over packet bytes, and value types that parse and emit them.
 *
 * <p>Every header comes in two forms. The <em>view</em> is a set of static accessors taking
 * {@code (byte[] buf, int off)}, where {@code off} is the index of the header's first byte; the
 * header is validated once by its {@code check(buf, off, len)} method, which never throws, and
 * after a successful check every accessor reads only bytes the check covered. The <em>repr</em>
 * is an immutable record with {@code parse} and {@code emit}, for tests, tools and the slow path.
 *
 * <p>All multi-byte fields are in network byte order (big-endian, RFC 1700 "Data Notations").
 * Classes in this package decode and encode fields only; they hold no protocol logic.
 */
package io.jnetstack.wire;
