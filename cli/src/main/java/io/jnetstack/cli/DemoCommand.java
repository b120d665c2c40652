package io.jnetstack.cli;

import io.jnetstack.capture.DeviceCapture;
import io.jnetstack.capture.PcapNgWriter;
import io.jnetstack.core.Net;
import io.jnetstack.core.Qdisc;
import io.jnetstack.trace.Journey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code jnetstack demo}: the main job, a demo on an in-JVM network. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs a demo on an in-JVM network, in virtual time, and prints what happened:",
                "two namespaces (alpha, beta) on a veth pair; alpha's end has netem (delay, jitter, loss);"
                        + " alpha sends numbered frames, beta echoes them; then the journey of the first frame"
                        + " through the stack's stages (named as the Linux functions), device statistics"
                        + " (ip -s link), qdisc statistics (tc -s qdisc) and drop reasons.",
                "The same --seed gives the same run, byte for byte."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--seed", description = "seed of the run (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--frames", description = "frames alpha sends (default: ${DEFAULT-VALUE})")
    int frames = 1000;

    @Option(names = "--delay", description = "netem one-way delay in ms (default: ${DEFAULT-VALUE})")
    double delayMs = 20;

    @Option(names = "--jitter", description = "netem jitter in ms (default: ${DEFAULT-VALUE})")
    double jitterMs = 5;

    @Option(names = "--loss", description = "netem loss in percent (default: ${DEFAULT-VALUE})")
    double lossPercent = 5;

    @Option(names = "--pcap", paramLabel = "FILE", description = "write a pcapng capture of both veth ends to FILE")
    Path pcap;

    @Option(names = "--jfr", paramLabel = "FILE", description = "also record the journey as JDK Flight Recorder events into FILE")
    Path jfrFile;

    @Override
    public Integer call() throws Exception {
        DemoNetwork net = new DemoNetwork(seed, netem());
        DeviceCapture capture = null;
        if (pcap != null) {
            OutputStream out = new BufferedOutputStream(Files.newOutputStream(pcap));
            capture = new DeviceCapture(new PcapNgWriter(out, "jnetstack demo"));
            capture.attach(net.veth0);
            capture.attach(net.veth1);
        }
        jdk.jfr.Recording recording = null;
        if (jfrFile != null) {
            recording = new jdk.jfr.Recording();
            recording.enable("io.jnetstack.Journey");
            recording.start();
            net.jfr = true;
        }
        net.exchange(frames);
        if (recording != null) {
            recording.stop();
            recording.dump(jfrFile);
            recording.close();
        }
        if (capture != null) {
            capture.close();
        }
        print(net);
        return 0;
    }

    private Qdisc netem() {
        return NetemSetup.netem(delayMs, jitterMs, lossPercent);
    }

    private void print(DemoNetwork n) {
        System.out.println("jnetstack demo: two namespaces on a veth pair, in virtual time (seed " + seed + ")");
        System.out.println();
        System.out.println("  alpha veth0 " + n.veth0.mac() + "  <--veth-->  beta veth1 " + n.veth1.mac());
        System.out.println("  alpha veth0 qdisc: " + n.veth0.qdisc().kind() + " " + n.veth0.qdisc().params());
        System.out.println();
        double lost = n.sent == 0 ? 0 : 100.0 * (n.sent - n.received) / n.sent;
        System.out.printf("Exchange: alpha sent %d frames, beta echoed %d, alpha got %d back (%.1f%% lost on the round trip)%n",
                n.sent, n.echoed, n.received, lost);
        if (n.received > 0) {
            System.out.printf("Round trip: min %.3f ms, mean %.3f ms, max %.3f ms; virtual time elapsed %.3f s%n",
                    n.rttMin / 1e6, n.rttSumNanos / 1e6 / n.received, n.rttMax / 1e6, n.kernel.clock().nanos() / 1e9);
        }
        System.out.println();
        Journey j = n.kernel.tracer().journey(n.firstFrameJourney);
        System.out.println("Journey of frame #0 (alpha -> beta, and beta's echo nested under it):");
        System.out.print(j.tree());
        System.out.println();
        for (Net net : n.kernel.nets()) {
            System.out.println("ip -s link   (namespace " + net.name() + ")");
            System.out.print(net.formatLinks(true));
            System.out.println("tc -s qdisc  (namespace " + net.name() + ")");
            net.devices().stream().filter(d -> d.qdisc() != null).forEach(d -> System.out.print(d.qdisc().format()));
            String drops = net.formatDrops();
            System.out.println("drop reasons (namespace " + net.name() + ")");
            System.out.print(drops.isEmpty() ? "    none\n" : drops.indent(4));
            System.out.println();
        }
        if (pcap != null) {
            System.out.println("Capture written to " + pcap + " (open with wireshark or tshark -r)");
        }
        if (jfrFile != null) {
            System.out.println("JFR journey events written to " + jfrFile + " (jfr print --events io.jnetstack.Journey " + jfrFile + ")");
        }
    }
}
