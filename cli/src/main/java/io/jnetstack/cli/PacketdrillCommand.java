package io.jnetstack.cli;

import io.jnetstack.packetdrill.PacketdrillMain;
import io.jnetstack.packetdrill.RunConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jnetstack packetdrill}: Linux's packetdrill scripts against the stack. */
@Command(name = "packetdrill", mixinStandardHelpOptions = true,
        description = {"Runs packetdrill .pkt scripts (files or directories), each on a fresh stack in virtual time",
                "(local 192.168.0.1, remote 192.0.2.1, port 8080, MTU 1500, common/defaults.sh as a sysctl preset),",
                "and reports each PASS, FAIL (line, expected and actual) or UNSUPPORTED (the constructs it needs),",
                "per directory and in total, ending with one line: packetdrill: N passed, M failed, K unsupported.",
                "Exit status: 0, 1 when a script failed, 2 on a runner error."})
final class PacketdrillCommand implements Callable<Integer> {
    @Option(names = "--report", paramLabel = "FILE", description = "also write a JSON report to FILE")
    Path report;

    @Option(names = "--tolerance_usecs", paramLabel = "USECS",
            description = "timing tolerance for scripts that set none (default 4000, packetdrill's)")
    Long toleranceUsecs;

    @Option(names = "--wall-clock", paramLabel = "SECONDS",
            description = "real-time limit per script, reported as a runner timeout (default 20)")
    Long wallClockSeconds;

    @Option(names = "--lenient-preset",
            description = "skip the defaults.sh settings the stack lacks instead of reporting the script unsupported")
    boolean lenientPreset;

    @Option(names = {"-v", "--verbose"},
            description = "print each script line as it runs and every packet in and out, with script times")
    boolean verbose;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = ".pkt files or directories holding them")
    List<Path> paths;

    @Override
    public Integer call() {
        RunConfig config = RunConfig.DEFAULTS;
        if (toleranceUsecs != null) {
            config = config.withToleranceUsecs(toleranceUsecs);
        }
        if (wallClockSeconds != null) {
            config = config.withWallClock(Duration.ofSeconds(wallClockSeconds));
        }
        if (verbose) {
            config = config.withTrace(System.out);
        }
        return PacketdrillMain.run(paths, System.out, report, config.withLenientPreset(lenientPreset));
    }
}
