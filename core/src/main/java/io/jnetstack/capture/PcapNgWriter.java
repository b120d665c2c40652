package io.jnetstack.capture;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Writes packets to a pcapng capture file.
 *
 * <p>The format follows the IETF draft "PCAP Now Generic (pcapng) Capture File Format"
 * (draft-ietf-opsawg-pcapng). The output is a single section:
 *
 * <ul>
 *   <li>one Section Header Block (SHB, §4.1), written by the constructor, with byte-order magic
 *       {@code 0x1A2B3C4D}, version 1.0, section length -1 ("not specified") and, if given, the
 *       {@code shb_userappl} option;
 *   <li>one Interface Description Block (IDB, §4.2) per {@link #addInterface} call, with
 *       {@code if_name}, {@code if_description} and {@code if_tsresol} = 9 (timestamps are in
 *       nanoseconds);
 *   <li>one Enhanced Packet Block (EPB, §4.3) per {@link #writePacket} call, with the optional
 *       {@code opt_comment} and {@code epb_flags} (direction bits, §4.3.1) options.
 * </ul>
 *
 * <p>All multi-byte fields are written <b>little-endian</b>; the byte-order magic tells readers so
 * (§3.6 / §4.1). Every block body and every option value is padded with zero bytes to a multiple
 * of 32 bits (§3.1, §3.5). An option list, when a block has one, ends with {@code opt_endofopt};
 * blocks without options carry no option list at all.
 *
 * <p>The output depends only on the arguments: no host name, operating system, hardware string or
 * wall-clock time is written, so identical calls produce byte-identical files.
 *
 * <p>Blocks are assembled in one reusable, growable scratch buffer and handed to the underlying
 * stream in large chunks; {@link #flush()} pushes everything out. No per-packet allocation happens
 * unless a comment is given (its UTF-8 encoding is allocated).
 *
 * <p>Errors: an {@link IOException} from the underlying stream is rethrown as an
 * {@link UncheckedIOException} by the constructor, {@link #addInterface}, {@link #writePacket}
 * and {@link #flush()}. After such a failure the file is in an unknown state, so the writer refuses
 * further blocks with {@link IllegalStateException}; {@link #close()} still closes the stream.
 *
 * <p>Thread safety: all methods are {@code synchronized}, so several threads (e.g. several
 * devices' receive paths) may share one writer; blocks are never interleaved.
 */
public final class PcapNgWriter implements Closeable, Flushable {

  /** LINKTYPE_NULL: BSD loopback encapsulation (4-byte host-order address family header). */
  public static final int LINKTYPE_NULL = 0;

  /** LINKTYPE_ETHERNET: IEEE 802.3 Ethernet frames (as seen on a TAP device). */
  public static final int LINKTYPE_ETHERNET = 1;

  /** LINKTYPE_RAW: raw IPv4/IPv6 packets without link-layer header (as seen on a TUN device). */
  public static final int LINKTYPE_RAW = 101;

  /** Direction of a packet relative to the capturing interface (epb_flags bits 0-1, §4.3.1). */
  public enum Direction {
    /** Direction not known: bits 0-1 = 00; no {@code epb_flags} option is written. */
    UNKNOWN,
    /** Received by the interface: bits 0-1 = 01. */
    INBOUND,
    /** Sent by the interface: bits 0-1 = 10. */
    OUTBOUND
  }

  // Block types (§3.2 / §4).
  static final int BT_SHB = 0x0A0D0D0A;
  static final int BT_IDB = 0x00000001;
  static final int BT_EPB = 0x00000006;
  static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;

  // Option codes (§3.5, §4.1, §4.2, §4.3).
  static final int OPT_ENDOFOPT = 0;
  static final int OPT_COMMENT = 1;
  static final int SHB_USERAPPL = 4;
  static final int IF_NAME = 2;
  static final int IF_DESCRIPTION = 3;
  static final int IF_TSRESOL = 9;
  static final int EPB_FLAGS = 2;

  /** if_tsresol value: 10^-9 seconds, i.e. nanoseconds (§4.2). */
  static final int TSRESOL_NANOS = 9;

  /** An option value is at most this long: the option length field is 16 bits (§3.5). */
  static final int MAX_OPTION_LENGTH = 0xFFFF;

  /**
   * Largest captured length accepted, so that a block (data plus at most one comment) always fits
   * the 32-bit block length and a Java array.
   */
  static final int MAX_CAPTURED_LENGTH = 0x7F00_0000;

  /** Pending bytes are handed to the stream once the scratch buffer holds at least this many. */
  private static final int DRAIN_THRESHOLD = 64 * 1024;

  private final OutputStream out;
  /** Reused for every block; pending (not yet written) bytes are {@code buf[0..len)}. */
  private byte[] buf = new byte[8 * 1024];
  private int len;
  /** Snap length of each interface, indexed by interface id; grown as interfaces are added. */
  private int[] snapLens = new int[4];
  private int interfaceCount;
  private long packets;
  private boolean closed;
  private IOException failure;

  /**
   * Creates a writer and immediately writes the Section Header Block (§4.1) to {@code out}.
   *
   * @param out the destination; owned by the writer from now on and closed by {@link #close()}
   * @param userAppl value of the {@code shb_userappl} option (e.g. {@code "jnetstack"}), or
   *     {@code null} to omit it
   * @throws UncheckedIOException if writing the SHB to {@code out} fails (the stream is then left
   *     open for the caller to close)
   * @throws IllegalArgumentException if {@code userAppl} is longer than 65535 UTF-8 bytes
   */
  public PcapNgWriter(OutputStream out, String userAppl) {
    this.out = Objects.requireNonNull(out, "out");
    byte[] appl = userAppl == null ? null : utf8Option("userAppl", userAppl);
    int start = beginBlock(BT_SHB);
    putInt(BYTE_ORDER_MAGIC);
    putShort(1); // major version
    putShort(0); // minor version
    putLong(-1L); // section length: not specified
    if (appl != null) {
      putOption(SHB_USERAPPL, appl, 0, appl.length);
      putEndOfOptions();
    }
    endBlock(start);
    drain();
  }

  /**
   * Describes a new interface by appending an Interface Description Block (§4.2).
   *
   * <p>The IDB carries {@code if_name} and {@code if_description} (each omitted when {@code null})
   * and always {@code if_tsresol} = 9, so packet timestamps of this interface are nanoseconds.
   *
   * @param name the interface name ({@code if_name}), e.g. {@code "tap0"}, or {@code null}
   * @param description a free-text description ({@code if_description}), or {@code null}
   * @param linkType the link-layer header type, 0..65535, e.g. {@link #LINKTYPE_ETHERNET}
   * @param snapLen the maximum number of bytes stored per packet; 0 means no limit (§4.2)
   * @return the interface id, to pass to {@link #writePacket}: 0 for the first interface, then 1,
   *     2, ...
   * @throws IllegalArgumentException if {@code linkType} is not in 0..65535, {@code snapLen} is
   *     negative, or a string is longer than 65535 UTF-8 bytes
   * @throws IllegalStateException if the writer is closed or failed earlier
   * @throws UncheckedIOException if the underlying stream fails
   */
  public synchronized int addInterface(String name, String description, int linkType, int snapLen) {
    ensureUsable();
    if (linkType < 0 || linkType > 0xFFFF) {
      throw new IllegalArgumentException("linkType must be in 0..65535: " + linkType);
    }
    if (snapLen < 0) {
      throw new IllegalArgumentException("snapLen must be >= 0 (0 = no limit): " + snapLen);
    }
    byte[] nameBytes = name == null ? null : utf8Option("name", name);
    byte[] descBytes = description == null ? null : utf8Option("description", description);
    int start = beginBlock(BT_IDB);
    putShort(linkType);
    putShort(0); // reserved
    putInt(snapLen);
    if (nameBytes != null) {
      putOption(IF_NAME, nameBytes, 0, nameBytes.length);
    }
    if (descBytes != null) {
      putOption(IF_DESCRIPTION, descBytes, 0, descBytes.length);
    }
    putOptionHeader(IF_TSRESOL, 1);
    putByte(TSRESOL_NANOS);
    pad();
    putEndOfOptions();
    endBlock(start);
    if (interfaceCount == snapLens.length) {
      snapLens = Arrays.copyOf(snapLens, snapLens.length * 2);
    }
    snapLens[interfaceCount] = snapLen;
    maybeDrain();
    return interfaceCount++;
  }

  /**
   * Appends one packet as an Enhanced Packet Block (§4.3).
   *
   * <p>The captured length is {@code min(len, snapLen)} of the interface (all of {@code len} when
   * the snap length is 0); the original length is recorded as {@code origLen}. The timestamp is
   * split into its high and low 32 bits. The packet data is padded to 32 bits. Options: {@code
   * opt_comment} when {@code comment} is non-null, then {@code epb_flags} with the direction bits
   * when {@code dir} is not {@link Direction#UNKNOWN} (§4.3.1).
   *
   * @param ifId an id returned by {@link #addInterface}
   * @param timestampNanos nanoseconds since 1970-01-01T00:00:00Z (UTC); must be &gt;= 0
   * @param data the bytes of the packet as seen on the link ({@code data[off..off+len)})
   * @param off offset of the packet in {@code data}
   * @param len number of packet bytes available in {@code data}
   * @param origLen length of the packet on the wire; must be &gt;= {@code len}
   * @param dir direction relative to the interface
   * @param comment a packet comment ({@code opt_comment}), or {@code null}
   * @throws IllegalArgumentException if {@code ifId} is unknown, the timestamp is negative, the
   *     range is outside {@code data}, {@code origLen < len}, the captured length exceeds
   *     {@code 0x7F000000}, or the comment is longer than 65535 UTF-8 bytes
   * @throws IllegalStateException if the writer is closed or failed earlier
   * @throws UncheckedIOException if the underlying stream fails
   */
  public synchronized void writePacket(
      int ifId,
      long timestampNanos,
      byte[] data,
      int off,
      int len,
      int origLen,
      Direction dir,
      String comment) {
    ensureUsable();
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(dir, "dir");
    if (ifId < 0 || ifId >= interfaceCount) {
      throw new IllegalArgumentException(
          "unknown interface id " + ifId + " (" + interfaceCount + " interfaces added)");
    }
    if (timestampNanos < 0) {
      throw new IllegalArgumentException("timestampNanos must be >= 0: " + timestampNanos);
    }
    Objects.checkFromIndexSize(off, len, data.length);
    if (origLen < len) {
      throw new IllegalArgumentException("origLen " + origLen + " < len " + len);
    }
    byte[] commentBytes = comment == null ? null : utf8Option("comment", comment);
    int snapLen = snapLens[ifId];
    int capLen = snapLen == 0 ? len : Math.min(len, snapLen);
    if (capLen > MAX_CAPTURED_LENGTH) {
      throw new IllegalArgumentException("captured length too large: " + capLen);
    }

    int start = beginBlock(BT_EPB);
    putInt(ifId);
    putInt((int) (timestampNanos >>> 32));
    putInt((int) timestampNanos);
    putInt(capLen);
    putInt(origLen);
    putBytes(data, off, capLen);
    pad();
    boolean options = false;
    if (commentBytes != null) {
      putOption(OPT_COMMENT, commentBytes, 0, commentBytes.length);
      options = true;
    }
    if (dir != Direction.UNKNOWN) {
      putOptionHeader(EPB_FLAGS, 4);
      putInt(dir == Direction.INBOUND ? 0b01 : 0b10);
      options = true;
    }
    if (options) {
      putEndOfOptions();
    }
    endBlock(start);
    packets++;
    maybeDrain();
  }

  /**
   * Returns the number of packets accepted by {@link #writePacket} so far, including packets still
   * held in the internal buffer.
   *
   * @return the packet count
   */
  public synchronized long packetsWritten() {
    return packets;
  }

  /**
   * Writes all buffered blocks to the underlying stream and flushes it.
   *
   * @throws IllegalStateException if the writer is closed or failed earlier
   * @throws UncheckedIOException if the underlying stream fails
   */
  @Override
  public synchronized void flush() {
    ensureUsable();
    drain();
    try {
      out.flush();
    } catch (IOException e) {
      failure = e;
      throw new UncheckedIOException("flushing pcapng output failed", e);
    }
  }

  /**
   * Writes all buffered blocks, then closes the underlying stream. Closing twice has no effect.
   * If the writer failed earlier, buffered blocks are dropped and the stream is just closed.
   *
   * @throws UncheckedIOException if writing or closing fails
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    UncheckedIOException pending = null;
    if (failure == null) {
      try {
        drain();
        out.flush();
      } catch (UncheckedIOException e) {
        pending = e;
      } catch (IOException e) {
        pending = new UncheckedIOException("flushing pcapng output failed", e);
      }
    }
    len = 0;
    try {
      out.close();
    } catch (IOException e) {
      if (pending == null) {
        pending = new UncheckedIOException("closing pcapng output failed", e);
      } else {
        pending.addSuppressed(e);
      }
    }
    if (pending != null) {
      throw pending;
    }
  }

  // ---- block assembly ------------------------------------------------------------------------

  private void ensureUsable() {
    if (closed) {
      throw new IllegalStateException("pcapng writer is closed");
    }
    if (failure != null) {
      throw new IllegalStateException("pcapng writer failed earlier: " + failure, failure);
    }
  }

  private static byte[] utf8Option(String what, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > MAX_OPTION_LENGTH) {
      throw new IllegalArgumentException(
          what + " is " + b.length + " UTF-8 bytes; a pcapng option holds at most 65535");
    }
    return b;
  }

  /** Starts a block (§3.1): type, then a placeholder for the total length. */
  private int beginBlock(int type) {
    int start = len;
    putInt(type);
    putInt(0);
    return start;
  }

  /** Ends a block (§3.1): patches the leading total length and repeats it at the end. */
  private void endBlock(int start) {
    int total = len - start + 4;
    setInt(start + 4, total);
    putInt(total);
  }

  private void putOptionHeader(int code, int length) {
    putShort(code);
    putShort(length);
  }

  /** An option (§3.5): code, length, value padded to 32 bits. */
  private void putOption(int code, byte[] value, int off, int length) {
    putOptionHeader(code, length);
    putBytes(value, off, length);
    pad();
  }

  private void putEndOfOptions() {
    putOptionHeader(OPT_ENDOFOPT, 0);
  }

  private void ensure(int more) {
    int need = len + more;
    if (need > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
    }
  }

  private void putByte(int v) {
    ensure(1);
    buf[len++] = (byte) v;
  }

  private void putShort(int v) {
    ensure(2);
    buf[len] = (byte) v;
    buf[len + 1] = (byte) (v >>> 8);
    len += 2;
  }

  private void putInt(int v) {
    ensure(4);
    setInt(len, v);
    len += 4;
  }

  private void setInt(int at, int v) {
    buf[at] = (byte) v;
    buf[at + 1] = (byte) (v >>> 8);
    buf[at + 2] = (byte) (v >>> 16);
    buf[at + 3] = (byte) (v >>> 24);
  }

  private void putLong(long v) {
    putInt((int) v);
    putInt((int) (v >>> 32));
  }

  private void putBytes(byte[] src, int off, int n) {
    ensure(n);
    System.arraycopy(src, off, buf, len, n);
    len += n;
  }

  /** Appends zero bytes up to the next multiple of 4 (blocks always start 4-aligned). */
  private void pad() {
    int n = -len & 3;
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[len++] = 0;
    }
  }

  private void maybeDrain() {
    if (len >= DRAIN_THRESHOLD) {
      drain();
    }
  }

  private void drain() {
    if (len == 0) {
      return;
    }
    try {
      out.write(buf, 0, len);
    } catch (IOException e) {
      failure = e;
      throw new UncheckedIOException("writing pcapng output failed", e);
    } finally {
      len = 0;
    }
  }
}
