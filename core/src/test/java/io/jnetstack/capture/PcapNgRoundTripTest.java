package io.jnetstack.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetstack.capture.PcapNgReader.Capture;
import io.jnetstack.capture.PcapNgReader.Interface;
import io.jnetstack.capture.PcapNgReader.Packet;
import io.jnetstack.capture.PcapNgWriter.Direction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Writes captures with {@link PcapNgWriter} and reads them back with {@link PcapNgReader}. */
class PcapNgRoundTripTest {

  /** What one writePacket call was given, and what the reader must return for it. */
  private record Sent(int ifId, long ts, byte[] data, int off, int len, int origLen,
      Direction dir, String comment) {}

  /** Packets on three interfaces: odd lengths, slices, truncation, every direction, comments. */
  private static List<Sent> scenario() {
    byte[] big = new byte[1500];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 7 + 3);
    }
    List<Sent> s = new ArrayList<>();
    long t = 1_700_000_000_000_000_001L;
    int step = 0;
    for (int len : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 63, 64, 65, 127, 128, 129, 1499, 1500}) {
      int ifId = step % 3;
      Direction dir = Direction.values()[step % 3 == 2 ? 0 : (step / 3) % 3];
      String comment = switch (step % 4) {
        case 0 -> null;
        case 1 -> "packet " + step;
        case 2 -> "";
        default -> "unicode: \u00e9t\u00e9 \u2192 \uD83D\uDE00";
      };
      int off = len == 1500 ? 0 : (step * 13) % (1500 - len);
      s.add(new Sent(ifId, t + step * 999_999_937L, big, off, len, len + step % 2, dir,
          comment));
      step++;
    }
    s.add(new Sent(0, 0L, big, 0, 60, 60, Direction.INBOUND, null)); // epoch itself
    s.add(new Sent(1, Long.MAX_VALUE, big, 10, 40, 40, Direction.OUTBOUND, "far future"));
    return s;
  }

  private static final int[] SNAP = {0, 64, 128};

  private static byte[] write(List<Sent> packets) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PcapNgWriter w = new PcapNgWriter(out, "jnetstack")) {
      assertEquals(0, w.addInterface("tap0", "TAP, Ethernet", PcapNgWriter.LINKTYPE_ETHERNET,
          SNAP[0]));
      assertEquals(1, w.addInterface("tun0", null, PcapNgWriter.LINKTYPE_RAW, SNAP[1]));
      assertEquals(2, w.addInterface(null, "lo \u00fcber alles", PcapNgWriter.LINKTYPE_NULL,
          SNAP[2]));
      for (Sent p : packets) {
        w.writePacket(p.ifId, p.ts, p.data, p.off, p.len, p.origLen, p.dir, p.comment);
      }
      assertEquals(packets.size(), w.packetsWritten());
    }
    return out.toByteArray();
  }

  @Test
  void roundTripThroughReader() throws IOException {
    List<Sent> sent = scenario();
    Capture c = PcapNgReader.read(write(sent));

    assertEquals(ByteOrder.LITTLE_ENDIAN, c.byteOrder());
    assertEquals("jnetstack", c.userAppl());
    assertEquals(List.of(
        new Interface(PcapNgWriter.LINKTYPE_ETHERNET, 0, "tap0", "TAP, Ethernet", 9, 0),
        new Interface(PcapNgWriter.LINKTYPE_RAW, 64, "tun0", null, 9, 0),
        new Interface(PcapNgWriter.LINKTYPE_NULL, 128, null, "lo \u00fcber alles", 9, 0)),
        c.interfaces());

    assertEquals(sent.size(), c.packets().size());
    boolean truncatedSome = false;
    for (int i = 0; i < sent.size(); i++) {
      Sent s = sent.get(i);
      Packet p = c.packets().get(i);
      String where = "packet " + i + " " + s;
      int snap = SNAP[s.ifId];
      int cap = snap == 0 ? s.len : Math.min(s.len, snap);
      truncatedSome |= cap < s.len;
      assertEquals(s.ifId, p.interfaceId(), where);
      assertEquals(s.ts, p.timestampNanos(), where);
      assertArrayEquals(Arrays.copyOfRange(s.data, s.off, s.off + cap), p.data(), where);
      assertEquals(s.origLen, p.originalLength(), where);
      assertEquals(s.dir, p.direction(), where);
      assertEquals(switch (s.dir) {
        case UNKNOWN -> 0;
        case INBOUND -> 1;
        case OUTBOUND -> 2;
      }, p.flags(), where);
      assertEquals(s.comment, p.comment(), where);
      assertEquals(s.comment == null ? List.of() : List.of(s.comment), p.comments(), where);
    }
    assertTrue(truncatedSome, "the scenario must exercise snap length truncation");
  }

  @Test
  void identicalInputGivesIdenticalBytes() {
    byte[] first = write(scenario());
    byte[] second = write(scenario());
    assertArrayEquals(first, second);

    List<Sent> changed = new ArrayList<>(scenario());
    Sent s = changed.get(3);
    changed.set(3, new Sent(s.ifId, s.ts + 1, s.data, s.off, s.len, s.origLen, s.dir,
        s.comment));
    assertFalse(Arrays.equals(first, write(changed)), "a 1 ns difference must show");
  }

  @Test
  void snapLengthTruncatesButKeepsOriginalLength() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] data = new byte[100];
    Arrays.fill(data, (byte) 0x5a);
    try (PcapNgWriter w = new PcapNgWriter(out, "t")) {
      w.addInterface("eth0", null, PcapNgWriter.LINKTYPE_ETHERNET, 33);
      w.writePacket(0, 5, data, 0, 100, 1514, Direction.INBOUND, null);
      w.writePacket(0, 6, data, 0, 33, 33, Direction.INBOUND, null);
      w.writePacket(0, 7, data, 0, 32, 32, Direction.INBOUND, null);
    }
    List<Packet> p = PcapNgReader.read(out.toByteArray()).packets();
    assertEquals(List.of(33, 33, 32), p.stream().map(x -> x.data().length).toList());
    assertEquals(List.of(1514L, 33L, 32L), p.stream().map(Packet::originalLength).toList());
  }

  @Test
  void blocksAreBufferedUntilFlushAndLargeCapturesDrainOnTheirOwn() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PcapNgWriter w = new PcapNgWriter(out, "jnetstack");
    int shb = out.size();
    assertEquals(36 + 12, shb, "the SHB is written immediately");
    w.addInterface("eth0", null, PcapNgWriter.LINKTYPE_ETHERNET, 0);
    byte[] frame = new byte[1514];
    w.writePacket(0, 1, frame, 0, frame.length, frame.length, Direction.INBOUND, null);
    assertEquals(shb, out.size(), "IDB and EPB are still buffered");
    w.flush();
    int afterFlush = out.size();
    assertTrue(afterFlush > shb);
    for (int i = 0; i < 1000; i++) {
      w.writePacket(0, 2 + i, frame, 0, frame.length, frame.length, Direction.OUTBOUND, null);
    }
    assertTrue(out.size() > afterFlush + 500 * 1514, "a big capture must not sit in memory");
    assertTrue(out.size() < afterFlush + 1000 * (1514 + 32 + 12), "but it is buffered");
    w.close();
    Capture c = PcapNgReader.read(out.toByteArray());
    assertEquals(1001, c.packets().size());
    assertEquals(1001, w.packetsWritten());
    assertEquals(1001L, c.packets().getLast().timestampNanos());
  }

  @Test
  void invalidArgumentsAreRejected() {
    PcapNgWriter w = new PcapNgWriter(OutputStream.nullOutputStream(), null);
    byte[] d = new byte[10];
    assertThrows(IllegalArgumentException.class,
        () -> w.writePacket(0, 0, d, 0, 1, 1, Direction.UNKNOWN, null), "no interface yet");
    assertThrows(IllegalArgumentException.class,
        () -> w.addInterface("x", null, 0x10000, 0));
    assertThrows(IllegalArgumentException.class,
        () -> w.addInterface("x", null, -1, 0));
    assertThrows(IllegalArgumentException.class,
        () -> w.addInterface("x", null, 1, -1));
    assertThrows(IllegalArgumentException.class,
        () -> w.addInterface("x".repeat(65536), null, 1, 0));
    int id = w.addInterface("x", null, 1, 0);
    assertThrows(IllegalArgumentException.class,
        () -> w.writePacket(id + 1, 0, d, 0, 1, 1, Direction.UNKNOWN, null));
    assertThrows(IllegalArgumentException.class,
        () -> w.writePacket(-1, 0, d, 0, 1, 1, Direction.UNKNOWN, null));
    assertThrows(IllegalArgumentException.class,
        () -> w.writePacket(id, -1, d, 0, 1, 1, Direction.UNKNOWN, null));
    assertThrows(IndexOutOfBoundsException.class,
        () -> w.writePacket(id, 0, d, 5, 6, 6, Direction.UNKNOWN, null));
    assertThrows(IllegalArgumentException.class,
        () -> w.writePacket(id, 0, d, 0, 5, 4, Direction.UNKNOWN, null));
    assertThrows(IllegalArgumentException.class,
        () -> w.writePacket(id, 0, d, 0, 5, 5, Direction.UNKNOWN, "\u00e9".repeat(32768)));
    assertThrows(NullPointerException.class,
        () -> w.writePacket(id, 0, d, 0, 5, 5, null, null));
    assertEquals(0, w.packetsWritten(), "rejected packets are not counted");
    w.close();
    w.close(); // idempotent
    assertThrows(IllegalStateException.class,
        () -> w.writePacket(id, 0, d, 0, 5, 5, Direction.UNKNOWN, null));
    assertThrows(IllegalStateException.class, () -> w.addInterface("y", null, 1, 0));
    assertThrows(IllegalStateException.class, w::flush);
  }

  /** A stream that accepts {@code budget} bytes, then fails every write; records close. */
  private static final class FailingStream extends OutputStream {
    private int budget;
    boolean closed;

    FailingStream(int budget) {
      this.budget = budget;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > budget) {
        throw new IOException("disk full");
      }
      budget -= len;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void streamFailuresSurfaceAsUncheckedIoException() {
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> new PcapNgWriter(new FailingStream(0), "jnetstack"));
    assertEquals("disk full", e.getCause().getMessage());

    FailingStream fs = new FailingStream(48);
    PcapNgWriter w = new PcapNgWriter(fs, "jnetstack");
    int id = w.addInterface("eth0", null, PcapNgWriter.LINKTYPE_ETHERNET, 0);
    byte[] d = new byte[60];
    w.writePacket(id, 1, d, 0, 60, 60, Direction.INBOUND, null); // still buffered
    UncheckedIOException f = assertThrows(UncheckedIOException.class, w::flush);
    assertEquals("disk full", f.getCause().getMessage());
    IllegalStateException later = assertThrows(IllegalStateException.class,
        () -> w.writePacket(id, 2, d, 0, 60, 60, Direction.INBOUND, null));
    assertSame(f.getCause(), later.getCause());
    w.close(); // does not try to write again, but closes the stream
    assertTrue(fs.closed);

    FailingStream big = new FailingStream(100_000);
    PcapNgWriter w2 = new PcapNgWriter(big, null);
    w2.addInterface("eth0", null, PcapNgWriter.LINKTYPE_ETHERNET, 0);
    byte[] frame = new byte[9000];
    assertThrows(UncheckedIOException.class, () -> {
      for (int i = 0; i < 100; i++) {
        w2.writePacket(0, i, frame, 0, frame.length, frame.length, Direction.INBOUND, null);
      }
    }, "writePacket must report the failure once its buffer drains");
  }

  @Test
  void readerToleratesPacketsWithoutComment() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PcapNgWriter w = new PcapNgWriter(out, null)) {
      w.addInterface(null, null, PcapNgWriter.LINKTYPE_ETHERNET, 0);
      w.writePacket(0, 42, new byte[3], 0, 3, 3, Direction.UNKNOWN, null);
    }
    Capture c = PcapNgReader.read(out.toByteArray());
    assertNull(c.userAppl());
    assertNull(c.packets().getFirst().comment());
    assertEquals(Direction.UNKNOWN, c.packets().getFirst().direction());
  }
}
