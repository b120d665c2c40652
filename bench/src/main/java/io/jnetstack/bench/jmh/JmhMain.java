package io.jnetstack.bench.jmh;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs the JMH micro-benchmarks of this package ({@code jnetstack bench --jmh [JMH ARGS] [REGEX...]});
 * the arguments are JMH's own ({@code -h} lists them), so {@code -f 1 -wi 2 -i 3 Checksum} works.
 * Unlike {@code org.openjdk.jmh.Main} it returns instead of exiting the JVM.
 */
public final class JmhMain {
    private JmhMain() {
    }

    /**
     * Runs JMH with {@code args}.
     *
     * @return 0 when every benchmark ran, 1 when one failed, 2 for bad arguments
     */
    public static int run(String... args) {
        CommandLineOptions opts;
        try {
            opts = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("jmh: " + e.getMessage());
            return 2;
        }
        try {
            if (opts.shouldHelp()) {
                opts.showHelp();
                return 0;
            }
            if (opts.shouldList()) {
                new Runner(opts).list();
                return 0;
            }
            new Runner(opts).run();
            return 0;
        } catch (RunnerException | java.io.IOException e) {
            System.err.println("jmh: " + e);
            if (e.getCause() != null) {
                e.getCause().printStackTrace();
            }
            return 1;
        }
    }
}
