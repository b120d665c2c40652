package io.jnetstack.cli;

import io.jnetstack.packetdrill.PacketdrillMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jnetstack packetdrill}: Linux's packetdrill scripts against the stack. */
@Command(name = "packetdrill", mixinStandardHelpOptions = true,
        description = {"Reads packetdrill .pkt scripts (files or directories) and reports, per directory and in total,",
                "ending with one line: packetdrill: N passed, M failed, K unsupported.",
                "For now the scripts are parsed and classified by the constructs they need; execution arrives with the"
                        + " socket layer and TCP, so every parsed script is reported UNSUPPORTED with that reason and a"
                        + " parse error is a failure. Exit status: 0, 1 when a script failed, 2 on a runner error."})
final class PacketdrillCommand implements Callable<Integer> {
    @Option(names = "--report", paramLabel = "FILE", description = "also write a JSON report to FILE")
    Path report;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = ".pkt files or directories holding them")
    List<Path> paths;

    @Override
    public Integer call() {
        return PacketdrillMain.run(paths, System.out, report);
    }
}
