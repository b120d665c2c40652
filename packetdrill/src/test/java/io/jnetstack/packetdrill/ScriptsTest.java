package io.jnetstack.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the project's own packetdrill scripts ({@code src/test/resources/scripts/**.pkt}) as
 * tests. A script passes unless it declares another outcome in a comment line
 * {@code // expect: FAIL line 12 "text"} or {@code // expect: UNSUPPORTED "text"} (line and
 * text optional); then the outcome must be that one, at that line, with a message containing
 * the text.
 */
class ScriptsTest {

    private static final Pattern EXPECT = Pattern.compile(
            "^//\\s*expect:\\s*(PASS|FAIL|UNSUPPORTED)(?:\\s+line\\s+(\\d+))?(?:\\s+\"(.*)\")?\\s*$",
            Pattern.MULTILINE);

    /** The expected outcome: a status, a line (0: any) and text the message contains (null: any). */
    record Expectation(Outcome.Status status, int line, String text) {

        static Expectation of(String script) {
            Matcher m = EXPECT.matcher(script);
            if (!m.find()) {
                return new Expectation(Outcome.Status.PASSED, 0, null);
            }
            Outcome.Status s = switch (m.group(1)) {
                case "FAIL" -> Outcome.Status.FAILED;
                case "UNSUPPORTED" -> Outcome.Status.UNSUPPORTED;
                default -> Outcome.Status.PASSED;
            };
            return new Expectation(s, m.group(2) == null ? 0 : Integer.parseInt(m.group(2)), m.group(3));
        }

        void check(Outcome o) {
            assertEquals(status, o.status(), o::toString);
            if (line > 0) {
                assertEquals(line, o.line(), o::toString);
            }
            if (text != null) {
                assertTrue(o.message().contains(text), () -> "expected the message to contain \"" + text + "\": " + o);
            }
        }
    }

    static Path scriptsDir() {
        try {
            return Path.of(ScriptsTest.class.getResource("/scripts").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> scripts() throws IOException {
        Path root = scriptsDir();
        List<Path> scripts;
        try (Stream<Path> walk = Files.walk(root)) {
            scripts = walk.filter(p -> p.toString().endsWith(".pkt")).sorted().toList();
        }
        assertTrue(scripts.size() >= 30, "expected the runner's scripts under " + root + ", found " + scripts.size());
        return scripts.stream().map(p -> DynamicTest.dynamicTest(root.relativize(p).toString(), () -> {
            Expectation e = Expectation.of(Files.readString(p));
            e.check(Packetdrill.run(p, RunConfig.DEFAULTS));
        }));
    }
}
