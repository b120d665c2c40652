package io.jnetstack.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the jnetstack command line ({@code ./jnetstack}). */
@Command(name = "jnetstack", mixinStandardHelpOptions = true, version = "jnetstack 0.1.0",
        description = "A TCP/IP stack for the JVM, built after the Linux kernel's IPv4 stack.",
        subcommands = {DemoCommand.class, LinkCommand.class, BenchCommand.class, TestCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
