package io.jnetstack.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PacketdrillMainTest {

    @Test
    void reportsPerDirectoryAndWritesJson(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("udp/basic"));
        Files.writeString(dir.resolve("good.pkt"), "0 socket(..., SOCK_DGRAM, IPPROTO_UDP) = 3\n+0 close(3) = 0\n");
        Files.writeString(dir.resolve("bad.pkt"), "0 socket(..., SOCK_STREAM\n\n+0 close(3 = 0\n");
        Files.writeString(dir.resolve("wrong.pkt"), "0 socket(..., SOCK_DGRAM, IPPROTO_UDP) = 3\n+0 close(3) = -1\n");
        Files.writeString(dir.resolve("open.pkt"), "0 open(\"/tmp/x\", 0) = 3\n");
        Files.writeString(dir.resolve("notes.txt"), "not a script");
        Path report = tmp.resolve("report.json");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = PacketdrillMain.run(List.of(tmp.resolve("udp")), new PrintStream(buf, true, StandardCharsets.UTF_8),
                report);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(1, rc);
        assertTrue(out.contains(dir.toAbsolutePath() + ": 1 passed, 2 failed, 1 unsupported\n"), out);
        assertTrue(out.contains("  FAIL bad.pkt:3: parse error: expected ')' or ',' in a list but found '+'"
                + " (the '(' on line 1 is not closed)\n"), out);
        assertTrue(out.contains("  FAIL wrong.pkt:2: close: expected result -1 but got 0\n"), out);
        assertTrue(out.contains("  UNSUPPORTED open.pkt: syscall open\n"), out);
        assertTrue(out.contains("  PASS good.pkt\n"), out);
        assertTrue(out.contains("unsupported constructs (scripts needing each, most frequent first):\n"
                + "     1 syscall open\n"), out);
        assertTrue(out.endsWith("packetdrill: 1 passed, 2 failed, 1 unsupported\n"), out);
        String json = Files.readString(report);
        assertTrue(json.startsWith("{\"passed\":1,\"failed\":2,\"unsupported\":1,\"scripts\":["), json);
        assertTrue(json.contains("\"status\":\"unsupported\",\"line\":0,\"reasons\":[\"syscall open\"]"), json);
        assertTrue(json.contains("\"status\":\"failed\",\"line\":2,\"reasons\":[\"" + dir.resolve("wrong.pkt")
                + ":2: close: expected result -1 but got 0\"]"), json);
    }

    @Test
    void missingPathIsReported() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = PacketdrillMain.run(List.of(Path.of("/nonexistent/x.pkt")),
                new PrintStream(buf, true, StandardCharsets.UTF_8), null);
        assertEquals(2, rc);
        assertTrue(buf.toString(StandardCharsets.UTF_8).startsWith("packetdrill: cannot list scripts:"));
    }

    @Test
    void jsonEscapesStrings() {
        assertEquals("{\"a\":\"q\\\"b\\\\n\\n\\u0001\",\"n\":[1]}",
                new Json().beginObject(null).value("a", "q\"b\\n\n\u0001").beginArray("n").value(null, 1)
                        .endArray().endObject().toString());
    }
}
