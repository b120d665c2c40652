package io.jnetstack.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetstack.capture.PcapNgWriter.Direction;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability: files written by {@link PcapNgWriter} must be read and dissected by Wireshark's
 * tshark exactly as intended. The frames are built by hand here (ARP, IPv4/UDP, ICMP echo), with
 * their checksums computed by {@link #checksum}, and tshark runs with checksum validation on (see
 * {@link Tshark}). Skipped, with the reason, when tshark is not installed.
 */
class PcapNgTsharkTest {

  private static final byte[] MAC_A = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0a};
  private static final byte[] MAC_B = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0b};
  private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
  private static final byte[] IP_A = {10, 0, 0, 1};
  private static final byte[] IP_B = {10, 0, 0, 2};

  /** Nanosecond timestamps chosen so that every digit matters. */
  private static final long[] TIMES = {
    1_700_000_000_123_456_789L,
    1_700_000_000_123_456_790L,
    1_700_000_001_000_000_001L,
    1_700_000_001_999_999_999L,
    1_700_000_002_000_000_000L,
  };

  @TempDir Path tmp;
  private Path file;

  @BeforeEach
  void writeCapture() throws IOException {
    Tshark.assumeAvailable();
    file = tmp.resolve("interop.pcapng");
    try (OutputStream os = Files.newOutputStream(file);
        PcapNgWriter w = new PcapNgWriter(os, "jnetstack")) {
      int tap = w.addInterface("tap0", "jnetstack TAP test device",
          PcapNgWriter.LINKTYPE_ETHERNET, 262144);
      int veth = w.addInterface("veth1", null, PcapNgWriter.LINKTYPE_ETHERNET, 0);
      int tun = w.addInterface("tun0", "jnetstack TUN test device", PcapNgWriter.LINKTYPE_RAW,
          65535);

      byte[] arp = ethernet(BROADCAST, MAC_A, 0x0806, arpRequest(MAC_A, IP_A, IP_B));
      byte[] udp = ethernet(MAC_B, MAC_A, 0x0800,
          ipv4(IP_A, IP_B, 17, 0x1c46,
              udp(IP_A, IP_B, 40000, 33333, ascii("hello, jnetstack!"))));
      byte[] payload = new byte[32];
      for (int i = 0; i < payload.length; i++) {
        payload[i] = (byte) (0x20 + i);
      }
      byte[] ping = ethernet(MAC_B, MAC_A, 0x0800,
          ipv4(IP_A, IP_B, 1, 0x1c47, icmpEcho(8, 0x4a53, 1, payload)));
      byte[] pong = ethernet(MAC_A, MAC_B, 0x0800,
          ipv4(IP_B, IP_A, 1, 0x0b01, icmpEcho(0, 0x4a53, 1, payload)));
      byte[] raw = ipv4(IP_B, IP_A, 17, 0x0b02, udp(IP_B, IP_A, 33333, 40000, ascii("pong")));

      w.writePacket(tap, TIMES[0], arp, 0, arp.length, arp.length, Direction.OUTBOUND, null);
      w.writePacket(veth, TIMES[1], udp, 0, udp.length, udp.length, Direction.INBOUND, null);
      w.writePacket(tap, TIMES[2], ping, 0, ping.length, ping.length, Direction.OUTBOUND,
          "echo request");
      w.writePacket(veth, TIMES[3], pong, 0, pong.length, pong.length, Direction.INBOUND, null);
      w.writePacket(tun, TIMES[4], raw, 0, raw.length, raw.length, Direction.UNKNOWN, null);
    }
  }

  @Test
  void framesAreDissectedWithTheExpectedProtocolsTimesAndInterfaces() {
    List<List<String>> rows = Tshark.rows(file,
        "frame.number", "frame.time_epoch", "frame.protocols", "frame.interface_name",
        "frame.interface_description", "frame.packet_flags_direction", "frame.comment");
    assertEquals(5, rows.size(), "frames: " + rows);
    String[][] expected = {
      {"1", epoch(TIMES[0]), "eth:ethertype:arp", "tap0", "jnetstack TAP test device",
        "0x00000002", ""},
      {"2", epoch(TIMES[1]), "eth:ethertype:ip:udp:data", "veth1", "", "0x00000001", ""},
      {"3", epoch(TIMES[2]), "eth:ethertype:ip:icmp:data", "tap0", "jnetstack TAP test device",
        "0x00000002", "echo request"},
      {"4", epoch(TIMES[3]), "eth:ethertype:ip:icmp:data", "veth1", "", "0x00000001", ""},
      {"5", epoch(TIMES[4]), "raw:ip:udp:data", "tun0", "jnetstack TUN test device", "", ""},
    };
    for (int i = 0; i < expected.length; i++) {
      assertEquals(List.of(expected[i]), rows.get(i), "frame " + (i + 1));
    }
  }

  @Test
  void checksumsAreValidatedAsGood() {
    // Checksum status 1 = "Good" (tshark validates because Tshark turns validation on).
    List<List<String>> rows = Tshark.rows(file,
        "ip.checksum.status", "udp.checksum.status", "icmp.checksum.status", "arp.opcode",
        "icmp.type", "udp.length", "ip.len");
    assertEquals(List.of(
        List.of("", "", "", "1", "", "", ""),
        List.of("1", "1", "", "", "", "25", "45"),
        List.of("1", "", "1", "", "8", "", "60"),
        List.of("1", "", "1", "", "0", "", "60"),
        List.of("1", "1", "", "", "", "12", "32")), rows);
  }

  @Test
  void noMalformedFramesAndNoExpertErrors() {
    List<List<String>> rows = Tshark.rows(file,
        "frame.number", "_ws.expert.severity", "_ws.expert.message", "_ws.malformed");
    assertEquals(5, rows.size());
    for (List<String> row : rows) {
      assertEquals("", row.get(3), "malformed frame: " + row);
      assertFalse(row.get(2).contains("Malformed"), "frame " + row);
      if (!row.get(1).isEmpty()) {
        for (String severity : row.get(1).split(",")) {
          assertTrue(Integer.parseInt(severity) < Tshark.SEVERITY_ERROR,
              "expert error in frame " + row);
        }
      }
    }
    String details = Tshark.verbose(file);
    assertFalse(details.contains("Malformed"), details);
    assertFalse(details.contains("Error/"), details);
    assertTrue(details.contains("Interface name: tun0"), details);
  }

  // ---- hand-built frames ---------------------------------------------------------------------

  private static String epoch(long nanos) {
    return String.format("%d.%09d", nanos / 1_000_000_000L, nanos % 1_000_000_000L);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] ethernet(byte[] dst, byte[] src, int etherType, byte[] payload) {
    byte[] f = new byte[14 + payload.length];
    System.arraycopy(dst, 0, f, 0, 6);
    System.arraycopy(src, 0, f, 6, 6);
    put16(f, 12, etherType);
    System.arraycopy(payload, 0, f, 14, payload.length);
    return f;
  }

  /** RFC 826 request: Ethernet/IPv4, "who has {@code tpa}? tell {@code spa}". */
  private static byte[] arpRequest(byte[] sha, byte[] spa, byte[] tpa) {
    byte[] a = new byte[28];
    put16(a, 0, 1); // hardware type: Ethernet
    put16(a, 2, 0x0800); // protocol type: IPv4
    a[4] = 6;
    a[5] = 4;
    put16(a, 6, 1); // opcode: request
    System.arraycopy(sha, 0, a, 8, 6);
    System.arraycopy(spa, 0, a, 14, 4);
    // target hardware address (18..23) unknown: zero
    System.arraycopy(tpa, 0, a, 24, 4);
    return a;
  }

  /** RFC 791 header without options, DF set, TTL 64, with a correct header checksum. */
  private static byte[] ipv4(byte[] src, byte[] dst, int protocol, int id, byte[] payload) {
    byte[] p = new byte[20 + payload.length];
    p[0] = 0x45;
    put16(p, 2, p.length);
    put16(p, 4, id);
    put16(p, 6, 0x4000);
    p[8] = 64;
    p[9] = (byte) protocol;
    System.arraycopy(src, 0, p, 12, 4);
    System.arraycopy(dst, 0, p, 16, 4);
    put16(p, 10, checksum(p, 0, 20, 0));
    System.arraycopy(payload, 0, p, 20, payload.length);
    return p;
  }

  /** RFC 768 datagram with the checksum over the IPv4 pseudo-header. */
  private static byte[] udp(byte[] src, byte[] dst, int sport, int dport, byte[] payload) {
    byte[] u = new byte[8 + payload.length];
    put16(u, 0, sport);
    put16(u, 2, dport);
    put16(u, 4, u.length);
    System.arraycopy(payload, 0, u, 8, payload.length);
    byte[] pseudo = new byte[12];
    System.arraycopy(src, 0, pseudo, 0, 4);
    System.arraycopy(dst, 0, pseudo, 4, 4);
    pseudo[9] = 17;
    put16(pseudo, 10, u.length);
    int c = checksum(u, 0, u.length, sum(pseudo, 0, pseudo.length));
    put16(u, 6, c == 0 ? 0xffff : c); // 0 means "no checksum" in UDP
    return u;
  }

  /** RFC 792 echo (type 8) or echo reply (type 0). */
  private static byte[] icmpEcho(int type, int id, int seq, byte[] payload) {
    byte[] m = new byte[8 + payload.length];
    m[0] = (byte) type;
    put16(m, 4, id);
    put16(m, 6, seq);
    System.arraycopy(payload, 0, m, 8, payload.length);
    put16(m, 2, checksum(m, 0, m.length, 0));
    return m;
  }

  private static void put16(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 8);
    b[at + 1] = (byte) v;
  }

  /** One's complement sum of big-endian 16-bit words (odd length: last byte padded with 0). */
  private static int sum(byte[] b, int off, int len) {
    int s = 0;
    for (int i = 0; i + 1 < len; i += 2) {
      s += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
    }
    if ((len & 1) != 0) {
      s += (b[off + len - 1] & 0xff) << 8;
    }
    return s;
  }

  /** RFC 1071 Internet checksum of {@code b[off..off+len)} plus a partial sum {@code initial}. */
  private static int checksum(byte[] b, int off, int len, int initial) {
    long s = (long) initial + sum(b, off, len);
    while ((s >>> 16) != 0) {
      s = (s & 0xffff) + (s >>> 16);
    }
    return (int) (~s & 0xffff);
  }
}
