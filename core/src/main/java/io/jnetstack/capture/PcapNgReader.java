package io.jnetstack.capture;

import io.jnetstack.capture.PcapNgWriter.Direction;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small, strict reader for single-section pcapng files, meant for tests and tools that check
 * what {@link PcapNgWriter} (or another producer) wrote.
 *
 * <p>It follows draft-ietf-opsawg-pcapng: the file must start with a Section Header Block (§4.1)
 * whose byte-order magic selects little- or big-endian for the whole section; Interface
 * Description Blocks (§4.2) and Enhanced Packet Blocks (§4.3) are decoded; every other block type
 * is checked for a well-formed frame (§3.1) and skipped. Timestamps are converted to nanoseconds
 * since the epoch using each interface's {@code if_tsresol} (default 6, i.e. microseconds) and
 * {@code if_tsoffset}.
 *
 * <p>Anything malformed is rejected with an {@link IOException} whose message names the problem
 * and the byte offset of the offending block: block lengths below 12, not a multiple of 4,
 * running past the end of the file or differing between header and trailer (§3.1); a bad
 * byte-order magic or major version (§4.1); options overrunning their block (§3.5); an EPB
 * referring to an undefined interface, or whose captured length exceeds its block, its original
 * length or the interface's snap length (§4.3); ill-sized {@code if_tsresol}/{@code epb_flags}
 * values; undefined direction bits (§4.3.1); strings that are not valid UTF-8. A second section
 * (a further SHB) is not supported and also rejected.
 *
 * <p>The whole file is held in memory; this reader is not meant for huge captures.
 */
public final class PcapNgReader {

  /** Option code of {@code if_tsoffset} (§4.2): seconds added to every timestamp. */
  private static final int IF_TSOFFSET = 14;

  private PcapNgReader() {}

  /**
   * The decoded contents of a pcapng file.
   *
   * @param byteOrder the byte order announced by the section's byte-order magic (§4.1)
   * @param userAppl the {@code shb_userappl} option, or {@code null} if absent
   * @param interfaces the interfaces, indexed by interface id (§4.2)
   * @param packets the Enhanced Packet Blocks, in file order (§4.3)
   */
  public record Capture(
      ByteOrder byteOrder, String userAppl, List<Interface> interfaces, List<Packet> packets) {
    /** Makes the lists unmodifiable. */
    public Capture {
      interfaces = List.copyOf(interfaces);
      packets = List.copyOf(packets);
    }
  }

  /**
   * One Interface Description Block (§4.2).
   *
   * @param linkType the link-layer header type
   * @param snapLen the snap length (unsigned 32 bits; 0 = no limit)
   * @param name {@code if_name}, or {@code null}
   * @param description {@code if_description}, or {@code null}
   * @param tsresol the raw {@code if_tsresol} byte (6 if the option is absent)
   * @param tsoffsetSeconds {@code if_tsoffset}, 0 if absent
   */
  public record Interface(
      int linkType, long snapLen, String name, String description, int tsresol,
      long tsoffsetSeconds) {}

  /**
   * One Enhanced Packet Block (§4.3). Note that {@code equals} compares {@code data} by identity,
   * as records do for arrays; compare {@link #data()} with {@code Arrays.equals}.
   *
   * @param interfaceId the interface id (index into {@link Capture#interfaces()})
   * @param timestampNanos nanoseconds since 1970-01-01T00:00:00Z
   * @param data the captured bytes (without padding)
   * @param originalLength the original length of the packet on the wire
   * @param flags the {@code epb_flags} word (§4.3.1), 0 if absent
   * @param comments the {@code opt_comment} options, in order (often empty)
   */
  public record Packet(
      int interfaceId, long timestampNanos, byte[] data, long originalLength, int flags,
      List<String> comments) {
    /** Makes the comment list unmodifiable. */
    public Packet {
      comments = List.copyOf(comments);
    }

    /**
     * Returns the direction encoded in bits 0-1 of {@link #flags()} (§4.3.1).
     *
     * @return the direction
     */
    public Direction direction() {
      return switch (flags & 3) {
        case 1 -> Direction.INBOUND;
        case 2 -> Direction.OUTBOUND;
        default -> Direction.UNKNOWN;
      };
    }

    /**
     * Returns the first comment.
     *
     * @return the first {@code opt_comment}, or {@code null} if there is none
     */
    public String comment() {
      return comments.isEmpty() ? null : comments.getFirst();
    }
  }

  /**
   * Reads and decodes a pcapng file.
   *
   * @param file the file
   * @return its contents
   * @throws IOException if the file cannot be read or is malformed
   */
  public static Capture read(Path file) throws IOException {
    return read(Files.readAllBytes(file));
  }

  /**
   * Reads a whole stream and decodes it as a pcapng file. The stream is not closed.
   *
   * @param in the stream
   * @return its contents
   * @throws IOException if reading fails or the data is malformed
   */
  public static Capture read(InputStream in) throws IOException {
    return read(in.readAllBytes());
  }

  /**
   * Decodes a pcapng file held in memory.
   *
   * @param file the bytes of the file
   * @return its contents
   * @throws IOException if the data is malformed
   */
  public static Capture read(byte[] file) throws IOException {
    return new Parser(file).parse();
  }

  /** Receives one option: its code and the offset/length of its value in the file. */
  @FunctionalInterface
  private interface OptionVisitor {
    void option(int code, int off, int len) throws IOException;
  }

  /** Parsing state for one file. */
  private static final class Parser {
    private final byte[] b;
    private final ByteBuffer bb;
    private final List<Interface> interfaces = new ArrayList<>();
    private final List<Packet> packets = new ArrayList<>();
    private String userAppl;
    /** Offset of the block being parsed, for messages. */
    private int block;

    Parser(byte[] file) {
      this.b = file;
      this.bb = ByteBuffer.wrap(file);
    }

    Capture parse() throws IOException {
      if (b.length < 12) {
        throw new IOException("not a pcapng file: only " + b.length + " bytes");
      }
      // The SHB type 0x0A0D0D0A reads the same in both byte orders (§4.1).
      if (bb.getInt(0) != PcapNgWriter.BT_SHB) {
        throw new IOException(String.format(
            "not a pcapng file: first block type 0x%08X is not a Section Header Block",
            bb.order(ByteOrder.LITTLE_ENDIAN).getInt(0)));
      }
      int magic = bb.order(ByteOrder.LITTLE_ENDIAN).getInt(8);
      if (magic == PcapNgWriter.BYTE_ORDER_MAGIC) {
        bb.order(ByteOrder.LITTLE_ENDIAN);
      } else if (Integer.reverseBytes(magic) == PcapNgWriter.BYTE_ORDER_MAGIC) {
        bb.order(ByteOrder.BIG_ENDIAN);
      } else {
        throw new IOException(String.format(
            "bad byte-order magic 0x%08X in Section Header Block at offset 0", magic));
      }
      int pos = 0;
      while (pos < b.length) {
        block = pos;
        int remaining = b.length - pos;
        if (remaining < 12) {
          throw new IOException(
              "truncated block at offset " + pos + ": " + remaining + " bytes left, need 12");
        }
        int type = bb.getInt(pos);
        long total = Integer.toUnsignedLong(bb.getInt(pos + 4));
        if (total < 12) {
          throw fail("block total length " + total + " is less than 12");
        }
        if (total % 4 != 0) {
          throw fail("block total length " + total + " is not a multiple of 4");
        }
        if (total > remaining) {
          throw fail("block total length " + total + " runs past the end of the file ("
              + remaining + " bytes left)");
        }
        int end = pos + (int) total;
        long trailer = Integer.toUnsignedLong(bb.getInt(end - 4));
        if (trailer != total) {
          throw fail("trailing block total length " + trailer + " differs from leading " + total);
        }
        int bodyStart = pos + 8;
        int bodyEnd = end - 4;
        switch (type) {
          case PcapNgWriter.BT_SHB -> {
            if (pos != 0) {
              throw fail("a second Section Header Block (multiple sections are not supported)");
            }
            parseShb(bodyStart, bodyEnd);
          }
          case PcapNgWriter.BT_IDB -> parseIdb(bodyStart, bodyEnd);
          case PcapNgWriter.BT_EPB -> parseEpb(bodyStart, bodyEnd);
          default -> { } // other block types: frame checked above, contents skipped
        }
        pos = end;
      }
      return new Capture(bb.order(), userAppl, interfaces, packets);
    }

    private IOException fail(String problem) {
      return new IOException("malformed pcapng block at offset " + block + ": " + problem);
    }

    private void parseShb(int from, int to) throws IOException {
      if (to - from < 16) {
        throw fail("Section Header Block body is " + (to - from) + " bytes, need 16");
      }
      int major = Short.toUnsignedInt(bb.getShort(from + 4));
      if (major != 1) {
        throw fail("unsupported pcapng major version " + major);
      }
      long sectionLength = bb.getLong(from + 8);
      if (sectionLength != -1) {
        long rest = b.length - (to + 4L);
        if (sectionLength != rest) {
          throw fail("section length " + sectionLength + " but " + rest + " bytes follow the SHB");
        }
      }
      options(from + 16, to, (code, off, len) -> {
        if (code == PcapNgWriter.SHB_USERAPPL) {
          userAppl = string(off, len);
        }
      });
    }

    private void parseIdb(int from, int to) throws IOException {
      if (to - from < 8) {
        throw fail("Interface Description Block body is " + (to - from) + " bytes, need 8");
      }
      int linkType = Short.toUnsignedInt(bb.getShort(from));
      long snapLen = Integer.toUnsignedLong(bb.getInt(from + 4));
      String[] strings = new String[2];
      int[] tsresol = {6};
      long[] tsoffset = {0};
      options(from + 8, to, (code, off, len) -> {
        switch (code) {
          case PcapNgWriter.IF_NAME -> strings[0] = string(off, len);
          case PcapNgWriter.IF_DESCRIPTION -> strings[1] = string(off, len);
          case PcapNgWriter.IF_TSRESOL -> {
            if (len != 1) {
              throw fail("if_tsresol has length " + len + ", must be 1");
            }
            tsresol[0] = Byte.toUnsignedInt(b[off]);
          }
          case IF_TSOFFSET -> {
            if (len != 8) {
              throw fail("if_tsoffset has length " + len + ", must be 8");
            }
            tsoffset[0] = bb.getLong(off);
          }
          default -> { }
        }
      });
      interfaces.add(
          new Interface(linkType, snapLen, strings[0], strings[1], tsresol[0], tsoffset[0]));
    }

    private void parseEpb(int from, int to) throws IOException {
      if (to - from < 20) {
        throw fail("Enhanced Packet Block body is " + (to - from) + " bytes, need 20");
      }
      long ifId = Integer.toUnsignedLong(bb.getInt(from));
      if (ifId >= interfaces.size()) {
        throw fail("Enhanced Packet Block refers to interface " + ifId + " but only "
            + interfaces.size() + " are defined before it");
      }
      Interface itf = interfaces.get((int) ifId);
      long raw = (Integer.toUnsignedLong(bb.getInt(from + 4)) << 32)
          | Integer.toUnsignedLong(bb.getInt(from + 8));
      long capLen = Integer.toUnsignedLong(bb.getInt(from + 12));
      long origLen = Integer.toUnsignedLong(bb.getInt(from + 16));
      int dataStart = from + 20;
      long padded = (capLen + 3) & ~3L;
      if (padded > to - dataStart) {
        throw fail("captured length " + capLen + " does not fit in the block ("
            + (to - dataStart) + " bytes left for data and options)");
      }
      if (capLen > origLen) {
        throw fail("captured length " + capLen + " exceeds original length " + origLen);
      }
      if (itf.snapLen() != 0 && capLen > itf.snapLen()) {
        throw fail("captured length " + capLen + " exceeds snap length " + itf.snapLen()
            + " of interface " + ifId);
      }
      byte[] data = new byte[(int) capLen];
      System.arraycopy(b, dataStart, data, 0, data.length);
      int[] flags = {0};
      List<String> comments = new ArrayList<>();
      options(dataStart + (int) padded, to, (code, off, len) -> {
        switch (code) {
          case PcapNgWriter.OPT_COMMENT -> comments.add(string(off, len));
          case PcapNgWriter.EPB_FLAGS -> {
            if (len != 4) {
              throw fail("epb_flags has length " + len + ", must be 4");
            }
            flags[0] = bb.getInt(off);
            if ((flags[0] & 3) == 3) {
              throw fail("epb_flags direction bits are 11, which is undefined");
            }
          }
          default -> { }
        }
      });
      long nanos = toNanos(raw, itf);
      packets.add(new Packet((int) ifId, nanos, data, origLen, flags[0], comments));
    }

    /** Converts a raw timestamp in units of the interface's if_tsresol to epoch nanoseconds. */
    private long toNanos(long raw, Interface itf) throws IOException {
      int r = itf.tsresol();
      BigInteger units = new BigInteger(Long.toUnsignedString(raw));
      BigInteger perSecond = (r & 0x80) == 0
          ? BigInteger.TEN.pow(r)
          : BigInteger.TWO.pow(r & 0x7F);
      BigInteger nanos = units.multiply(BigInteger.valueOf(1_000_000_000L)).divide(perSecond)
          .add(BigInteger.valueOf(itf.tsoffsetSeconds()).multiply(BigInteger.valueOf(1_000_000_000L)));
      if (nanos.bitLength() > 63) {
        throw fail("timestamp does not fit in 64-bit nanoseconds since the epoch");
      }
      return nanos.longValue();
    }

    /**
     * Walks an option list (§3.5) in {@code [from, to)}: stops at opt_endofopt or at the end of
     * the block; rejects an option whose header or padded value overruns the block.
     */
    private void options(int from, int to, OptionVisitor visitor) throws IOException {
      int pos = from;
      while (pos < to) {
        if (to - pos < 4) {
          throw fail("truncated option header at offset " + pos);
        }
        int code = Short.toUnsignedInt(bb.getShort(pos));
        int len = Short.toUnsignedInt(bb.getShort(pos + 2));
        if (code == PcapNgWriter.OPT_ENDOFOPT) {
          if (len != 0) {
            throw fail("opt_endofopt at offset " + pos + " has length " + len + ", must be 0");
          }
          return;
        }
        int padded = (len + 3) & ~3;
        if (padded > to - pos - 4) {
          throw fail("option " + code + " at offset " + pos + " with length " + len
              + " runs past the end of the block");
        }
        visitor.option(code, pos + 4, len);
        pos += 4 + padded;
      }
    }

    private String string(int off, int len) throws IOException {
      try {
        return StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(b, off, len))
            .toString();
      } catch (CharacterCodingException e) {
        throw fail("option string at offset " + (off - 4) + " is not valid UTF-8");
      }
    }
  }
}
