package io.jnetstack.packetdrill;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Runs packetdrill scripts and reports per directory and in total: each script PASSED, FAILED
 * (the line, what was expected and what happened) or UNSUPPORTED (the constructs it needs),
 * a tally of the unsupported constructs, an optional JSON report, and a last line
 * {@code packetdrill: N passed, M failed, K unsupported}.
 */
public final class PacketdrillMain {

    private static final int TALLY_LINES = 15;

    private PacketdrillMain() {
    }

    /**
     * One script's result.
     *
     * @param path    the script
     * @param outcome how it ended
     */
    record Result(Path path, Outcome outcome) {

        Outcome.Status status() {
            return outcome.status();
        }

        /** @return the reasons for the report: {@code path:line: message} or the constructs */
        List<String> reasons() {
            return switch (outcome.status()) {
                case PASSED -> List.of();
                case FAILED -> List.of(path + ":" + outcome.line() + ": " + outcome.message());
                case UNSUPPORTED -> List.of(outcome.message().split("; "));
            };
        }
    }

    /**
     * Command-line entry: {@code PacketdrillMain [--report=FILE] PATH...}.
     *
     * @param args the paths of scripts or directories, optionally preceded by {@code --report=FILE}
     */
    public static void main(String[] args) {
        Path report = null;
        List<Path> paths = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("--report=")) {
                report = Path.of(arg.substring("--report=".length()));
            } else {
                paths.add(Path.of(arg));
            }
        }
        System.exit(run(paths, System.out, report));
    }

    /**
     * Runs every {@code .pkt} file under the given paths with packetdrill's defaults.
     *
     * @param paths      script files or directories to walk
     * @param out        where the report goes
     * @param reportJson where to write a JSON report, or null for none
     * @return 0 when no script failed, 1 otherwise, 2 when a path or the report cannot be accessed
     */
    public static int run(List<Path> paths, PrintStream out, Path reportJson) {
        return run(paths, out, reportJson, RunConfig.DEFAULTS);
    }

    /**
     * Runs every {@code .pkt} file under the given paths.
     *
     * @param paths      script files or directories to walk
     * @param out        where the report goes
     * @param reportJson where to write a JSON report, or null for none
     * @param config     how to run them
     * @return 0 when no script failed, 1 otherwise, 2 when a path or the report cannot be accessed
     */
    public static int run(List<Path> paths, PrintStream out, Path reportJson, RunConfig config) {
        List<Path> scripts;
        try {
            scripts = collect(paths);
        } catch (IOException | UncheckedIOException e) {
            out.println("packetdrill: cannot list scripts: " + e.getMessage());
            return 2;
        }
        Map<Path, List<Result>> byDir = new TreeMap<>();
        for (Path script : scripts) {
            Path dir = script.toAbsolutePath().getParent();
            byDir.computeIfAbsent(dir, d -> new ArrayList<>()).add(new Result(script, Packetdrill.run(script, config)));
        }
        List<Result> all = new ArrayList<>();
        byDir.forEach((dir, results) -> {
            printDirectory(out, dir, results);
            all.addAll(results);
        });
        printTally(out, all);
        long failed = count(all, Outcome.Status.FAILED);
        out.println("packetdrill: " + count(all, Outcome.Status.PASSED) + " passed, " + failed + " failed, "
                + count(all, Outcome.Status.UNSUPPORTED) + " unsupported");
        if (reportJson != null && !writeReport(reportJson, all, out)) {
            return 2;
        }
        return failed == 0 ? 0 : 1;
    }

    private static void printDirectory(PrintStream out, Path dir, List<Result> results) {
        out.println(dir + ": " + count(results, Outcome.Status.PASSED) + " passed, "
                + count(results, Outcome.Status.FAILED) + " failed, "
                + count(results, Outcome.Status.UNSUPPORTED) + " unsupported");
        for (Result r : results) {
            String name = r.path().getFileName().toString();
            switch (r.status()) {
                case PASSED -> out.println("  PASS " + name);
                case FAILED -> out.println("  FAIL " + name + ":" + r.outcome().line() + ": "
                        + r.outcome().message().replace("\n", "\n  "));
                case UNSUPPORTED -> out.println("  UNSUPPORTED " + name + (r.outcome().line() > 0 ? ":"
                        + r.outcome().line() : "") + ": " + r.outcome().message());
            }
        }
    }

    /** The constructs that make most scripts unsupported, most frequent first. */
    private static void printTally(PrintStream out, List<Result> all) {
        Map<String, Integer> tally = new LinkedHashMap<>();
        for (Result r : all) {
            if (r.status() == Outcome.Status.UNSUPPORTED) {
                for (String reason : r.reasons()) {
                    tally.merge(reason.replaceAll(" \\(line \\d+\\)$", ""), 1, Integer::sum);
                }
            }
        }
        if (tally.isEmpty()) {
            return;
        }
        out.println("unsupported constructs (scripts needing each, most frequent first):");
        tally.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(TALLY_LINES)
                .forEach(e -> out.println(String.format(Locale.ROOT, "  %4d %s", e.getValue(), e.getKey())));
        if (tally.size() > TALLY_LINES) {
            out.println("  ... and " + (tally.size() - TALLY_LINES) + " more (see the report)");
        }
    }

    private static List<Path> collect(List<Path> paths) throws IOException {
        List<Path> scripts = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(f -> f.toString().endsWith(".pkt") && Files.isRegularFile(f))
                            .sorted().forEach(scripts::add);
                }
            } else if (Files.exists(p)) {
                scripts.add(p);
            } else {
                throw new IOException(p + ": no such file or directory");
            }
        }
        return scripts;
    }

    private static long count(List<Result> results, Outcome.Status status) {
        return results.stream().filter(r -> r.status() == status).count();
    }

    private static boolean writeReport(Path file, List<Result> results, PrintStream out) {
        Json json = new Json().beginObject(null);
        json.value("passed", count(results, Outcome.Status.PASSED))
                .value("failed", count(results, Outcome.Status.FAILED))
                .value("unsupported", count(results, Outcome.Status.UNSUPPORTED))
                .beginArray("scripts");
        for (Result r : results) {
            json.beginObject(null)
                    .value("path", r.path().toString())
                    .value("status", r.status().name().toLowerCase(Locale.ROOT))
                    .value("line", r.outcome().line())
                    .strings("reasons", r.reasons())
                    .endObject();
        }
        json.endArray().endObject();
        try {
            Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
            return true;
        } catch (IOException e) {
            out.println("packetdrill: cannot write report " + file + ": " + e.getMessage());
            return false;
        }
    }
}
