package io.jnetstack.packetdrill;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Parses Linux's own packetdrill corpus (GPL test data kept outside the repository, read in place)
 * and requires at least 95% of it to parse.
 */
class CorpusTest {

    /** Walks up from the working directory to a folder holding {@code shared/packetdrill/gtests}. */
    static Path corpus() {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/packetdrill/gtests");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    @Test
    void atLeast95PercentOfTheCorpusParses() throws IOException {
        Path corpus = corpus();
        Assumptions.assumeTrue(corpus != null,
                "packetdrill corpus not found: no shared/packetdrill/gtests above " + System.getProperty("user.dir"));
        List<Path> scripts;
        try (Stream<Path> walk = Files.walk(corpus)) {
            scripts = walk.filter(p -> p.toString().endsWith(".pkt")).sorted().toList();
        }
        List<String> failures = new ArrayList<>();
        for (Path script : scripts) {
            try {
                Parser.parse(script);
            } catch (ParseException e) {
                failures.add(e.getMessage());
            } catch (RuntimeException e) {
                fail(script + ": the parser threw " + e + " instead of a ParseException", e);
            }
        }
        int parsed = scripts.size() - failures.size();
        System.out.println("packetdrill corpus: " + parsed + "/" + scripts.size() + " scripts parse");
        failures.forEach(f -> System.out.println("  " + f));
        assertTrue(scripts.size() >= 177, "expected the 177-script corpus, found " + scripts.size());
        assertTrue(parsed * 100 >= scripts.size() * 95,
                parsed + "/" + scripts.size() + " parse; failures:\n" + String.join("\n", failures));
    }

    /**
     * Every corpus script runs to an outcome: no runner error, no runner timeout. (How many pass
     * depends on the stack; the CLI reports that.)
     */
    @Test
    void everyScriptRunsToAnOutcome() throws IOException {
        Path corpus = corpus();
        Assumptions.assumeTrue(corpus != null, "packetdrill corpus not found above " + System.getProperty("user.dir"));
        List<Path> scripts;
        try (Stream<Path> walk = Files.walk(corpus)) {
            scripts = walk.filter(p -> p.toString().endsWith(".pkt")).sorted().toList();
        }
        List<String> broken = new ArrayList<>();
        for (Path script : scripts) {
            Outcome o = Packetdrill.run(script, RunConfig.DEFAULTS);
            if (o.message().startsWith("runner ")) {
                broken.add(script + ": " + o);
            }
        }
        assertTrue(broken.isEmpty(), String.join("\n", broken));
    }

    /** Damaged scripts (cut short, or with a character dropped) fail only with a ParseException. */
    @Test
    void damagedScriptsFailOnlyWithParseException() throws IOException {
        Path corpus = corpus();
        Assumptions.assumeTrue(corpus != null, "packetdrill corpus not found above " + System.getProperty("user.dir"));
        List<Path> scripts;
        try (Stream<Path> walk = Files.walk(corpus)) {
            scripts = walk.filter(p -> p.toString().endsWith(".pkt")).sorted().toList();
        }
        for (Path script : scripts) {
            String src = Files.readString(script);
            for (int i = 1; i < 40; i++) {
                int cut = (int) ((long) src.length() * i / 40);
                parseQuietly(script + " cut at " + cut, src.substring(0, cut));
                parseQuietly(script + " without char " + cut, src.substring(0, cut) + src.substring(cut + 1));
            }
        }
    }

    private static void parseQuietly(String name, String src) {
        try {
            Parser.parse(name, src);
        } catch (ParseException expected) {
            // a damaged script may well be invalid
        } catch (RuntimeException e) {
            fail(name + ": the parser threw " + e + " instead of a ParseException", e);
        }
    }
}
