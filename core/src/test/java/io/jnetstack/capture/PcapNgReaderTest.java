package io.jnetstack.capture;

import static io.jnetstack.capture.PcapNgWriterBytesTest.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetstack.capture.PcapNgReader.Capture;
import io.jnetstack.capture.PcapNgReader.Packet;
import io.jnetstack.capture.PcapNgWriter.Direction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link PcapNgReader} on hand-made and deliberately damaged files: it must decode what the spec
 * allows (big-endian sections, other timestamp resolutions, unknown blocks) and reject malformed
 * input with an {@link IOException} that names the problem.
 */
class PcapNgReaderTest {

  /**
   * A valid little-endian file: SHB (28 bytes, offset 0), IDB (32 bytes, offset 28), EPB with 5
   * data bytes, a comment "ab" and epb_flags (60 bytes, offset 60). Total 120 bytes.
   */
  private static byte[] valid() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PcapNgWriter w = new PcapNgWriter(out, null)) {
      w.addInterface(null, null, PcapNgWriter.LINKTYPE_ETHERNET, 0);
      w.writePacket(0, 7, new byte[] {1, 2, 3, 4, 5}, 0, 5, 5, Direction.OUTBOUND, "ab");
    }
    byte[] b = out.toByteArray();
    assertEquals(120, b.length);
    return b;
  }

  private static final int IDB = 28;
  private static final int EPB = 60;

  private static void putLe32(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
    b[at + 2] = (byte) (v >>> 16);
    b[at + 3] = (byte) (v >>> 24);
  }

  private static void assertRejected(byte[] file, String... fragments) {
    IOException e = assertThrows(IOException.class, () -> PcapNgReader.read(file));
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "message \"" + e.getMessage() + "\" lacks " + f);
    }
  }

  @Test
  void validFileDecodes() throws IOException {
    Capture c = PcapNgReader.read(valid());
    Packet p = c.packets().getFirst();
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, p.data());
    assertEquals(7, p.timestampNanos());
    assertEquals(Direction.OUTBOUND, p.direction());
    assertEquals("ab", p.comment());
  }

  @Test
  void bigEndianSectionWithMicrosecondsAndAnUnknownBlock() throws IOException {
    byte[] file = hex("""
        0a0d0d0a 0000001c 1a2b3c4d 0001 0000 ffffffffffffffff 0000001c  # SHB, big-endian
        00000001 00000014 0001 0000 00000000 00000014   # IDB, no options: tsresol 6 (us)
        00000bad 00000010 12345678 00000010             # custom block: skipped
        00000006 00000024 00000000
        00000000 000f4241     # 1_000_001 microseconds
        00000002 0000003c     # captured 2, original 60
        abcd 0000
        00000024
        """);
    Capture c = PcapNgReader.read(file);
    assertEquals(ByteOrder.BIG_ENDIAN, c.byteOrder());
    assertEquals(6, c.interfaces().getFirst().tsresol());
    Packet p = c.packets().getFirst();
    assertEquals(1_000_001_000L, p.timestampNanos());
    assertArrayEquals(new byte[] {(byte) 0xab, (byte) 0xcd}, p.data());
    assertEquals(60, p.originalLength());
  }

  @Test
  void binaryResolutionAndOffsetAreApplied() throws IOException {
    byte[] file = hex("""
        0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffffffffffff 1c000000
        01000000 28000000 0100 0000 00000000
        0900 0100 82 000000          # if_tsresol 2^-2 s
        0e00 0800 0a00000000000000   # if_tsoffset 10 s (no opt_endofopt: allowed)
        28000000
        06000000 20000000 00000000
        00000000 05000000            # 5 quarter-seconds
        00000000 00000000
        20000000
        """);
    assertEquals(11_250_000_000L, PcapNgReader.read(file).packets().getFirst().timestampNanos());
  }

  @Test
  void rejectsFilesThatAreNotPcapng() {
    assertRejected(new byte[0], "not a pcapng file");
    byte[] pcap = hex("d4c3b2a1 0200 0400 00000000 00000000 ffff0000 01000000");
    assertRejected(pcap, "not a pcapng file", "0xA1B2C3D4");
    byte[] b = valid();
    b[8] = 0x4e; // magic 0x1A2B3C4E
    assertRejected(b, "byte-order magic");
    b = valid();
    b[12] = 2; // major version 2
    assertRejected(b, "major version 2");
  }

  @Test
  void rejectsBadBlockLengths() {
    byte[] b = valid();
    putLe32(b, IDB + 4, 30);
    assertRejected(b, "offset 28", "not a multiple of 4");

    b = valid();
    putLe32(b, IDB + 4, 8);
    assertRejected(b, "offset 28", "less than 12");

    b = valid();
    putLe32(b, EPB + 4, 64); // one word more than the file holds
    assertRejected(b, "offset 60", "runs past the end");

    b = valid();
    putLe32(b, b.length - 4, 52); // trailer
    assertRejected(b, "offset 60", "trailing block total length 52 differs from leading 60");

    assertRejected(Arrays.copyOf(valid(), 110), "offset 60", "runs past the end");
    assertRejected(Arrays.copyOf(valid(), 128), "offset 120", "8 bytes left");
  }

  @Test
  void rejectsInconsistentPackets() {
    byte[] b = valid();
    putLe32(b, EPB + 8, 1); // interface 1, only 0 exists
    assertRejected(b, "interface 1", "only 1 are defined");

    b = valid();
    putLe32(b, EPB + 20, 100); // captured length 100 in a 60-byte block
    assertRejected(b, "captured length 100 does not fit");

    b = valid();
    putLe32(b, EPB + 24, 4); // original length 4 < captured 5
    assertRejected(b, "captured length 5 exceeds original length 4");

    b = valid();
    putLe32(b, IDB + 12, 4); // snap length 4 < captured 5
    assertRejected(b, "exceeds snap length 4");
  }

  @Test
  void rejectsBadOptions() {
    // EPB options start at EPB + 28 + 8 (5 data bytes padded to 8): comment, flags, end.
    int comment = EPB + 36;
    int flags = comment + 8;

    byte[] b = valid();
    b[comment + 2] = 17; // comment length 17 (padded 20) overruns the 16 bytes left
    assertRejected(b, "option 1", "runs past the end of the block");

    b = valid();
    b[flags + 2] = 2; // epb_flags length 2
    assertRejected(b, "epb_flags has length 2");

    b = valid();
    b[flags + 4] = 3; // direction bits 11
    assertRejected(b, "direction bits are 11");

    b = valid();
    b[comment + 4] = (byte) 0xc3; // lone UTF-8 lead byte followed by 'b'
    assertRejected(b, "not valid UTF-8");

    b = valid();
    b[flags + 8 + 2] = 4; // opt_endofopt with non-zero length
    assertRejected(b, "opt_endofopt", "must be 0");
  }

  @Test
  void rejectsSecondSection() {
    byte[] one = valid();
    byte[] two = Arrays.copyOf(one, one.length * 2);
    System.arraycopy(one, 0, two, one.length, one.length);
    assertRejected(two, "offset 120", "second Section Header Block");
  }
}
