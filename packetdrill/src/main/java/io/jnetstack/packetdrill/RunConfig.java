package io.jnetstack.packetdrill;

import io.jnetstack.core.Net;
import io.jnetstack.wire.Ipv4Address;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * How scripts run: packetdrill's defaults (local 192.168.0.1, remote 192.0.2.1, local port
 * 8080, MTU 1500, a timing tolerance of 4 ms) and the runner's own guards.
 *
 * @param toleranceUsecs   how far (µs) an outbound packet or a blocking call's return may be
 *                         from its expected time ({@code --tolerance_usecs})
 * @param tolerancePercent a tolerance in percent of the time since the previous event, used when
 *                         larger than {@code toleranceUsecs} ({@code --tolerance_percent})
 * @param localIp          the stack's address ({@code --local_ip})
 * @param remoteIp         the script's address ({@code --remote_ip})
 * @param localPort        the port {@code bind(fd, ..., ...)} binds
 * @param mtu              the device MTU
 * @param maxWaitUsecs     how long (virtual µs) an event with time {@code *} may wait
 * @param maxScriptUsecs   the latest script time (virtual µs) a script may reach; a line beyond
 *                         it fails, so that no script runs the stack for days of virtual time
 * @param wallClock        how long one script may run in real time before it is reported as a
 *                         runner timeout
 * @param tcpInfo          where code blocks read TCP_INFO
 * @param seed             the deterministic kernel's seed
 * @param prepare          what to do to the namespace once its device is up, before the script
 *                         runs (tests register stand-in protocols here); may be null
 * @param lenientPreset    whether settings of the defaults.sh preset that the stack lacks are
 *                         skipped rather than making the script unsupported (to see how far a
 *                         stack still missing some sysctls gets)
 * @param trace            where to print each line as it runs and every packet in and out, with
 *                         script times (to see why a script fails), or null for silence
 * @param tsTickUsecs      {@code --tcp_ts_tick_usecs}: the stack's TCP timestamp clock tick; when
 *                         set, a sent TS val must match the script's (after the first one fixes the
 *                         offset) within the timing tolerance; 0: sent TS vals are not compared
 */
public record RunConfig(long toleranceUsecs, double tolerancePercent, int localIp, int remoteIp, int localPort,
                        int mtu, long maxWaitUsecs, long maxScriptUsecs, Duration wallClock, TcpInfoSource tcpInfo,
                        long seed, Consumer<Net> prepare, boolean lenientPreset, PrintStream trace,
                        long tsTickUsecs) {

    /** packetdrill's defaults, a 20 s wall-clock guard and TCP_INFO read through the socket API. */
    public static final RunConfig DEFAULTS = new RunConfig(4000, 0, Ipv4Address.parse("192.168.0.1"),
            Ipv4Address.parse("192.0.2.1"), 8080, 1500, 120_000_000L, 3_600_000_000L, Duration.ofSeconds(20),
            TcpInfoSource.fromSocketOption(), 1, null, false, null, 0);

    /** @return this configuration with another tolerance in µs */
    public RunConfig withToleranceUsecs(long usecs) {
        return new RunConfig(usecs, tolerancePercent, localIp, remoteIp, localPort, mtu, maxWaitUsecs,
                maxScriptUsecs, wallClock, tcpInfo, seed, prepare, lenientPreset, trace, tsTickUsecs);
    }

    /** @return this configuration checking sent TS vals on a clock of {@code usecs} per tick */
    public RunConfig withTsTickUsecs(long usecs) {
        if (usecs < 0) {
            throw new IllegalArgumentException("negative tick");
        }
        return new RunConfig(toleranceUsecs, tolerancePercent, localIp, remoteIp, localPort, mtu, maxWaitUsecs,
                maxScriptUsecs, wallClock, tcpInfo, seed, prepare, lenientPreset, trace, usecs);
    }

    /** @return this configuration with another tolerance in percent */
    public RunConfig withTolerancePercent(double percent) {
        return new RunConfig(toleranceUsecs, percent, localIp, remoteIp, localPort, mtu, maxWaitUsecs,
                maxScriptUsecs, wallClock, tcpInfo, seed, prepare, lenientPreset, trace, tsTickUsecs);
    }

    /** @return this configuration with other addresses */
    public RunConfig withAddresses(int local, int remote) {
        return new RunConfig(toleranceUsecs, tolerancePercent, local, remote, localPort, mtu, maxWaitUsecs,
                maxScriptUsecs, wallClock, tcpInfo, seed, prepare, lenientPreset, trace, tsTickUsecs);
    }

    /** @return this configuration with another latest script time */
    public RunConfig withMaxScriptUsecs(long usecs) {
        return new RunConfig(toleranceUsecs, tolerancePercent, localIp, remoteIp, localPort, mtu, maxWaitUsecs,
                usecs, wallClock, tcpInfo, seed, prepare, lenientPreset, trace, tsTickUsecs);
    }

    /** @return this configuration with another wall-clock guard */
    public RunConfig withWallClock(Duration limit) {
        return new RunConfig(toleranceUsecs, tolerancePercent, localIp, remoteIp, localPort, mtu, maxWaitUsecs,
                maxScriptUsecs, limit, tcpInfo, seed, prepare, lenientPreset, trace, tsTickUsecs);
    }

    /** @return this configuration with a step that prepares each script's namespace */
    public RunConfig withPrepare(Consumer<Net> step) {
        return new RunConfig(toleranceUsecs, tolerancePercent, localIp, remoteIp, localPort, mtu, maxWaitUsecs,
                maxScriptUsecs, wallClock, tcpInfo, seed, step, lenientPreset, trace, tsTickUsecs);
    }

    /** @return this configuration with the preset strict or lenient about missing sysctls */
    public RunConfig withLenientPreset(boolean lenient) {
        return new RunConfig(toleranceUsecs, tolerancePercent, localIp, remoteIp, localPort, mtu, maxWaitUsecs,
                maxScriptUsecs, wallClock, tcpInfo, seed, prepare, lenient, trace, tsTickUsecs);
    }

    /** @return this configuration with another TCP_INFO source */
    public RunConfig withTcpInfo(TcpInfoSource source) {
        return new RunConfig(toleranceUsecs, tolerancePercent, localIp, remoteIp, localPort, mtu, maxWaitUsecs,
                maxScriptUsecs, wallClock, source, seed, prepare, lenientPreset, trace, tsTickUsecs);
    }

    /** @return this configuration printing a trace of each script to {@code out} (null: none) */
    public RunConfig withTrace(PrintStream out) {
        return new RunConfig(toleranceUsecs, tolerancePercent, localIp, remoteIp, localPort, mtu, maxWaitUsecs,
                maxScriptUsecs, wallClock, tcpInfo, seed, prepare, lenientPreset, out, tsTickUsecs);
    }

    /**
     * Applies a script's {@code --name=value} lines.
     *
     * @param script the script
     * @return the configuration it runs with
     * @throws UnsupportedConstruct for an option the runner does not implement
     */
    RunConfig forScript(Script script) {
        RunConfig c = this;
        int local = localIp;
        int remote = remoteIp;
        for (EventKind.OptionEvent o : script.options()) {
            String v = o.value() == null ? "" : o.value().strip();
            try {
                switch (o.name()) {
                    case "tolerance_usecs" -> c = c.withToleranceUsecs(Long.parseLong(v));
                    case "tolerance_percent" -> c = c.withTolerancePercent(Double.parseDouble(v));
                    case "tcp_ts_tick_usecs" -> c = c.withTsTickUsecs(Long.parseLong(v));
                    case "local_ip" -> local = Ipv4Address.parse(v);
                    case "remote_ip" -> remote = Ipv4Address.parse(v);
                    case "ip_version" -> {
                        if (!v.equals("ipv4")) {
                            throw new UnsupportedConstruct(0, "option --ip_version=" + v + " (IPv4 only)");
                        }
                    }
                    default -> throw new UnsupportedConstruct(0, "option --" + o.name());
                }
            } catch (IllegalArgumentException e) {
                throw new UnsupportedConstruct(0, "option --" + o.name() + "=" + v + " (bad value: " + e.getMessage()
                        + ")");
            }
        }
        return c.withAddresses(local, remote);
    }
}
