package io.jnetstack.packetdrill;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Runs packetdrill scripts and reports per directory and in total.
 *
 * <p>Only the front end exists so far: every script is parsed and classified. A script that does
 * not parse counts as failed; one that parses counts as unsupported, since nothing executes yet.
 */
public final class PacketdrillMain {

    private PacketdrillMain() {
    }

    /** The outcome of one script. */
    enum Status { PASSED, FAILED, UNSUPPORTED }

    /**
     * One script's result.
     *
     * @param path    the script
     * @param status  its outcome
     * @param reasons why it failed or is unsupported
     */
    record Result(Path path, Status status, List<String> reasons) { }

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
     * Parses every {@code .pkt} file under the given paths and prints a report.
     *
     * @param paths      script files or directories to walk
     * @param out        where the report goes
     * @param reportJson where to write a JSON report, or null for none
     * @return 0 when no script failed, 1 otherwise, 2 when a path or the report cannot be accessed
     */
    public static int run(List<Path> paths, PrintStream out, Path reportJson) {
        List<Path> scripts;
        try {
            scripts = collect(paths);
        } catch (IOException | UncheckedIOException e) {
            out.println("packetdrill: cannot list scripts: " + e.getMessage());
            return 2;
        }
        Classifier classifier = new Classifier(Set.of());
        Map<Path, List<Result>> byDir = new TreeMap<>();
        for (Path script : scripts) {
            Path dir = script.toAbsolutePath().getParent();
            byDir.computeIfAbsent(dir, d -> new ArrayList<>()).add(evaluate(script, classifier));
        }
        List<Result> all = new ArrayList<>();
        byDir.forEach((dir, results) -> {
            printDirectory(out, dir, results);
            all.addAll(results);
        });
        long passed = count(all, Status.PASSED);
        long failed = count(all, Status.FAILED);
        out.println("packetdrill: " + passed + " passed, " + failed + " failed, "
                + count(all, Status.UNSUPPORTED) + " unsupported");
        if (reportJson != null && !writeReport(reportJson, all, out)) {
            return 2;
        }
        return failed == 0 ? 0 : 1;
    }

    static Result evaluate(Path script, Classifier classifier) {
        try {
            Script parsed = Parser.parse(script);
            return new Result(script, Status.UNSUPPORTED, classifier.unsupportedReasons(parsed));
        } catch (ParseException e) {
            return new Result(script, Status.FAILED, List.of(e.getMessage()));
        } catch (IOException | UncheckedIOException e) {
            return new Result(script, Status.FAILED, List.of(script + ": cannot read: " + e.getMessage()));
        } catch (RuntimeException e) {
            return new Result(script, Status.FAILED, List.of(script + ": internal parser error: " + e));
        }
    }

    private static void printDirectory(PrintStream out, Path dir, List<Result> results) {
        long errors = count(results, Status.FAILED);
        out.println(dir + ": " + (results.size() - errors) + " parsed, " + errors + " parse errors");
        for (Result r : results) {
            if (r.status() == Status.FAILED) {
                r.reasons().forEach(reason -> out.println("  " + reason));
            }
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

    private static long count(List<Result> results, Status status) {
        return results.stream().filter(r -> r.status() == status).count();
    }

    private static boolean writeReport(Path file, List<Result> results, PrintStream out) {
        Json json = new Json().beginObject(null);
        json.value("passed", count(results, Status.PASSED))
                .value("failed", count(results, Status.FAILED))
                .value("unsupported", count(results, Status.UNSUPPORTED))
                .beginArray("scripts");
        for (Result r : results) {
            json.beginObject(null)
                    .value("path", r.path().toString())
                    .value("status", r.status().name().toLowerCase(java.util.Locale.ROOT))
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
