package io.jnetstack.cli;

import io.jnetstack.core.Net;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the jnetstack command line ({@code ./jnetstack}). */
@Command(name = "jnetstack", mixinStandardHelpOptions = true, version = "jnetstack 0.1.0",
        description = "A TCP/IP stack for the JVM, built after the Linux kernel's IPv4 stack.",
        subcommands = {DemoCommand.class, LinkCommand.class, IpCommand.class, PingCommand.class, NstatCommand.class, SsCommand.class,
                SysctlCommand.class, HostCommand.class, BenchCommand.class, PacketdrillCommand.class, TestCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The namespace commands run on inside a host's control server; null on the command line. */
    final Net hostNet;

    /** The command line. */
    public Main() {
        this(null);
    }

    /** The commands of a host's control socket, running on {@code hostNet}. */
    Main(Net hostNet) {
        this.hostNet = hostNet;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
