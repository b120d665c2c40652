package io.jnetstack.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jnetstack test}: runs every test of every module with Maven. */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Runs the whole test suite (unit, behaviour and interop tests) with Maven.",
                "Interop tests need root and the Linux tools (.ci/run installs them); without them they are reported as skipped with the reason.",
                "Extra arguments go to Maven, e.g. -Dtest=VethTest."})
final class TestCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "MAVEN_ARG", description = "extra Maven arguments")
    List<String> mavenArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        String root = System.getProperty("jnetstack.root");
        if (root == null) {
            System.err.println("jnetstack test: run it through the ./jnetstack launcher, which knows the project folder");
            return 2;
        }
        List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "-f", Path.of(root, "pom.xml").toString(), "install"));
        cmd.addAll(mavenArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO().directory(new File(root));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return pb.start().waitFor();
    }
}
