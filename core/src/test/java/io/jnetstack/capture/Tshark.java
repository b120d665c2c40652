package io.jnetstack.capture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs Wireshark's {@code tshark} on capture files so tests can check that what jnetstack writes
 * is dissected the way real tools see it.
 *
 * <p>Every run:
 *
 * <ul>
 *   <li>uses an empty, throw-away configuration directory ({@code WIRESHARK_CONFIG_DIR}), so the
 *       personal preferences of whoever runs the tests cannot change the dissection;
 *   <li>passes {@code -n} (no name resolution) and turns on checksum validation for IPv4, UDP and
 *       TCP (ICMP is always validated), so a wrong checksum shows up as an expert error;
 *   <li>ignores stderr (tshark warns there when run as root) except to quote it when the exit
 *       code is not 0, which fails the calling test.
 * </ul>
 *
 * <p>Tests call {@link #assumeAvailable()} first, so that without tshark they are reported as
 * skipped, with the reason, rather than passing.
 */
public final class Tshark {

  /** Where tshark is expected (Debian/Ubuntu package {@code tshark}). */
  public static final Path EXECUTABLE = Path.of("/usr/bin/tshark");

  /** How long one tshark run may take before the calling test fails. */
  private static final long TIMEOUT_SECONDS = 120;

  /** Preferences given to every run: checksum validation on. */
  private static final List<String> PREFERENCES = List.of(
      "-o", "ip.check_checksum:TRUE",
      "-o", "udp.check_checksum:TRUE",
      "-o", "tcp.check_checksum:TRUE");

  /** {@code _ws.expert.severity} of an error (PI_ERROR), as printed by {@code -T fields}. */
  public static final int SEVERITY_ERROR = 0x00800000;

  private Tshark() {}

  /**
   * Tells whether tshark is installed.
   *
   * @return true if {@link #EXECUTABLE} exists and is executable
   */
  public static boolean available() {
    return Files.isExecutable(EXECUTABLE);
  }

  /** Aborts the calling test (reported as skipped, with the reason) if tshark is missing. */
  public static void assumeAvailable() {
    Assumptions.assumeTrue(available(),
        () -> "tshark not installed at " + EXECUTABLE + "; install the 'tshark' package");
  }

  /**
   * Prints the given fields of every frame, one line per frame, fields separated by a tab
   * ({@code tshark -T fields -e f1 -e f2 ...}). A field occurring several times in a frame has
   * its values joined by commas; an absent field is an empty string.
   *
   * @param file the capture file
   * @param fields field names, e.g. {@code "frame.protocols"}
   * @return one line per frame, in file order
   */
  public static List<String> fields(Path file, String... fields) {
    List<String> args = new ArrayList<>(List.of("-T", "fields", "-E", "header=n",
        "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"));
    for (String f : fields) {
      args.add("-e");
      args.add(f);
    }
    return lines(run(file, args));
  }

  /**
   * Like {@link #fields(Path, String...)}, but splits each line into its fields.
   *
   * @param file the capture file
   * @param fields field names
   * @return per frame, the list of field values (always {@code fields.length} entries)
   */
  public static List<List<String>> rows(Path file, String... fields) {
    List<List<String>> rows = new ArrayList<>();
    for (String line : fields(file, fields)) {
      rows.add(Arrays.asList(line.split("\t", -1)));
    }
    return rows;
  }

  /**
   * Returns the full packet details ({@code tshark -V}) of every frame.
   *
   * @param file the capture file
   * @return tshark's standard output
   */
  public static String verbose(Path file) {
    return run(file, List.of("-V"));
  }

  /**
   * Runs {@code tshark -n -r FILE <checksum preferences> ARGS...} and returns its standard output.
   * Fails (with {@link AssertionError}) if tshark exits with a non-zero code or times out.
   *
   * @param file the capture file
   * @param args further arguments
   * @return standard output, decoded as UTF-8
   */
  public static String run(Path file, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(EXECUTABLE.toString());
    command.add("-n");
    command.add("-r");
    command.add(file.toString());
    command.addAll(PREFERENCES);
    command.addAll(args);
    Path dir = null;
    try {
      dir = Files.createTempDirectory("jnetstack-tshark");
      Path config = Files.createDirectory(dir.resolve("config"));
      Path stdout = dir.resolve("stdout");
      Path stderr = dir.resolve("stderr");
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .redirectOutput(stdout.toFile())
          .redirectError(stderr.toFile());
      pb.environment().put("WIRESHARK_CONFIG_DIR", config.toString());
      Process p = pb.start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor();
        throw new AssertionError("tshark timed out after " + TIMEOUT_SECONDS + " s: " + command);
      }
      String out = Files.readString(stdout, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new AssertionError("tshark exited with " + p.exitValue() + ": " + command
            + "\nstderr:\n" + Files.readString(stderr, StandardCharsets.UTF_8)
            + "\nstdout:\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("running tshark failed: " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running tshark", e);
    } finally {
      if (dir != null) {
        deleteTree(dir);
      }
    }
  }

  private static List<String> lines(String out) {
    return out.lines().toList();
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort: a leftover temp directory must not fail the test
    }
  }
}
