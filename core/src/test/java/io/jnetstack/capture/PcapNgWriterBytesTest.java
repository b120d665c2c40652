package io.jnetstack.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jnetstack.capture.PcapNgWriter.Direction;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Checks the writer's output byte for byte against blocks laid out by hand from the pcapng
 * specification (draft-ietf-opsawg-pcapng §3.1 block structure, §3.5 options, §4.1 SHB, §4.2 IDB,
 * §4.3 EPB). All fields are little-endian.
 */
class PcapNgWriterBytesTest {

  /** 1_700_000_000_123_456_789 ns = 0x17979CFE_3D85CD15. */
  private static final long TS = 0x17979CFE_3D85CD15L;

  /** A 14-byte Ethernet header: broadcast destination, source 02:00:00:00:00:01, type 0x88B5. */
  private static final byte[] FRAME = hex("ffffffffffff 020000000001 88b5");

  @Test
  void timestampConstantIsTheDecimalValue() {
    assertEquals(1_700_000_000_123_456_789L, TS);
    assertEquals(14, FRAME.length);
  }

  @Test
  void shbIdbEpbForA14ByteFrame() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PcapNgWriter w = new PcapNgWriter(out, "jnetstack")) {
      assertEquals(0, w.addInterface("eth0", "tap", PcapNgWriter.LINKTYPE_ETHERNET, 65535));
      w.writePacket(0, TS, FRAME, 0, FRAME.length, FRAME.length, Direction.INBOUND, "hi");
      assertEquals(1, w.packetsWritten());
    }
    byte[] expected = hex("""
        # ---- Section Header Block: 48 bytes
        0a0d0d0a          # block type
        30000000          # block total length 48
        4d3c2b1a          # byte-order magic 0x1A2B3C4D, little-endian
        0100 0000         # major 1, minor 0
        ffffffffffffffff  # section length -1 (not specified)
        0400 0900         # shb_userappl, length 9
        6a6e6574737461636b 000000   # "jnetstack" + 3 bytes padding
        0000 0000         # opt_endofopt
        30000000          # block total length again
        # ---- Interface Description Block: 48 bytes
        01000000          # block type 1
        30000000          # block total length 48
        0100 0000         # LinkType 1 (Ethernet), reserved
        ffff0000          # SnapLen 65535
        0200 0400 65746830          # if_name, length 4, "eth0" (no padding needed)
        0300 0300 746170 00         # if_description, length 3, "tap" + 1 byte padding
        0900 0100 09 000000         # if_tsresol, length 1, 9 (nanoseconds) + 3 bytes padding
        0000 0000         # opt_endofopt
        30000000          # block total length again
        # ---- Enhanced Packet Block: 68 bytes
        06000000          # block type 6
        44000000          # block total length 68
        00000000          # interface id 0
        fe9c9717          # timestamp, high 32 bits 0x17979CFE
        15cd853d          # timestamp, low 32 bits 0x3D85CD15
        0e000000          # captured length 14
        0e000000          # original length 14
        ffffffffffff 020000000001 88b5 0000   # packet data + 2 bytes padding
        0100 0200 6869 0000         # opt_comment, length 2, "hi" + 2 bytes padding
        0200 0400 01000000          # epb_flags, length 4, direction 01 = inbound
        0000 0000         # opt_endofopt
        44000000          # block total length again
        """);
    assertEquals(48 + 48 + 68, expected.length);
    assertArrayEquals(expected, out.toByteArray(), () -> diff(expected, out.toByteArray()));
  }

  @Test
  void blocksWithoutOptionsCarryNoOptionList() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PcapNgWriter w = new PcapNgWriter(out, null)) {
      w.addInterface(null, null, PcapNgWriter.LINKTYPE_RAW, 0);
      byte[] data = {0x45, 0x00, 0x00, 0x14, 0x7f};
      // offset 1, length 3, original length 20, snap length 0 = unlimited, no options
      w.writePacket(0, 0x1_0000_0002L, data, 1, 3, 20, Direction.UNKNOWN, null);
      // outbound, no comment: only epb_flags
      w.writePacket(0, 3, data, 0, 0, 0, Direction.OUTBOUND, null);
    }
    byte[] expected = hex("""
        # ---- SHB without options: 28 bytes
        0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffffffffffff 1c000000
        # ---- IDB: LinkType 101 (raw IP), SnapLen 0, only if_tsresol: 32 bytes
        01000000 20000000 6500 0000 00000000
        0900 0100 09 000000
        0000 0000
        20000000
        # ---- EPB, 3 data bytes padded to 4, no options: 36 bytes
        06000000 24000000 00000000
        01000000 02000000  # timestamp high 1, low 2
        03000000 14000000  # captured 3, original 20
        000014 00          # data[1..4) + 1 byte padding
        24000000
        # ---- EPB, empty packet, epb_flags outbound: 28 + 8 + 4 + 4 = 44 bytes
        06000000 2c000000 00000000
        00000000 03000000
        00000000 00000000
        0200 0400 02000000  # epb_flags, direction 10 = outbound
        0000 0000
        2c000000
        """);
    assertEquals(28 + 32 + 36 + 44, expected.length);
    assertArrayEquals(expected, out.toByteArray(), () -> diff(expected, out.toByteArray()));
  }

  /** Parses hex digits, ignoring white space and {@code #} comments to the end of the line. */
  static byte[] hex(String text) {
    StringBuilder digits = new StringBuilder();
    for (String line : text.split("\n")) {
      int hash = line.indexOf('#');
      digits.append((hash >= 0 ? line.substring(0, hash) : line).replaceAll("\\s+", ""));
    }
    return HexFormat.of().parseHex(digits);
  }

  private static String diff(byte[] expected, byte[] actual) {
    int n = Math.min(expected.length, actual.length);
    for (int i = 0; i < n; i++) {
      if (expected[i] != actual[i]) {
        return String.format("first difference at offset %d: expected %02x, got %02x%nactual: %s",
            i, expected[i], actual[i], HexFormat.of().formatHex(actual));
      }
    }
    return "lengths differ: expected " + expected.length + ", got " + actual.length
        + "\nactual: " + HexFormat.of().formatHex(actual);
  }
}
