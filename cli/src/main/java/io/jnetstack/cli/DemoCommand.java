package io.jnetstack.cli;

import io.jnetstack.capture.DeviceCapture;
import io.jnetstack.capture.PcapNgWriter;
import io.jnetstack.core.Net;
import io.jnetstack.core.Qdisc;
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
                "three namespaces, alpha -- router -- beta, on two veth pairs; alpha's link has netem (delay, jitter, loss).",
                "First alpha sends numbered raw frames that the router echoes (the device layer); then alpha pings beta"
                        + " through the router (ARP, routing, forwarding, ICMP). For each, the journey of the first packet"
                        + " through the stack's stages (named as the Linux functions); then addresses, routes, neighbours,"
                        + " device statistics (ip -s link), qdisc statistics (tc -s qdisc), SNMP counters and drop reasons.",
                "The same --seed gives the same run, byte for byte."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--seed", description = "seed of the run (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--frames", description = "raw frames alpha sends to the router (default: ${DEFAULT-VALUE})")
    int frames = 1000;

    @Option(names = "--pings", description = "pings alpha sends to beta, one a second (default: ${DEFAULT-VALUE})")
    int pings = 5;

    @Option(names = "--delay", description = "netem one-way delay in ms (default: ${DEFAULT-VALUE})")
    double delayMs = 20;

    @Option(names = "--jitter", description = "netem jitter in ms (default: ${DEFAULT-VALUE})")
    double jitterMs = 5;

    @Option(names = "--loss", description = "netem loss in percent (default: ${DEFAULT-VALUE})")
    double lossPercent = 5;

    @Option(names = "--datagrams", description = "UDP datagrams alpha sends to beta's echo socket (default: ${DEFAULT-VALUE})")
    int datagrams = 5;

    @Option(names = "--tcp-bytes", description = "bytes alpha sends beta over TCP (default: ${DEFAULT-VALUE})")
    int tcpBytes = 1 << 20;

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
            capture.attach(net.alphaEth);
            capture.attach(net.routerEth0);
            capture.attach(net.routerEth1);
            capture.attach(net.betaEth);
        }
        jdk.jfr.Recording recording = null;
        if (jfrFile != null) {
            recording = new jdk.jfr.Recording();
            recording.enable("io.jnetstack.Journey");
            recording.start();
            net.jfr = true;
        }
        net.exchange(frames);
        String frameJourney = net.kernel.tracer().journey(net.firstFrameJourney).tree();
        net.ping(pings);
        String pingJourney = net.kernel.tracer().journey(net.firstPingJourney).tree();
        net.udp(datagrams);
        net.tcp(tcpBytes);
        if (recording != null) {
            recording.stop();
            recording.dump(jfrFile);
            recording.close();
        }
        if (capture != null) {
            capture.close();
        }
        print(net, frameJourney, pingJourney);
        return 0;
    }

    private Qdisc netem() {
        return NetemSetup.netem(delayMs, jitterMs, lossPercent);
    }

    private void print(DemoNetwork n, String frameJourney, String pingJourney) {
        System.out.println("jnetstack demo: three namespaces on two veth pairs, in virtual time (seed " + seed + ")");
        System.out.println();
        System.out.println("  alpha veth0 198.18.1.2 --netem-- 198.18.1.1 veth0 router veth1 198.18.2.1 ---- 198.18.2.2 veth0 beta");
        System.out.println("  alpha veth0 qdisc: " + n.alphaEth.qdisc().kind() + " " + n.alphaEth.qdisc().params());
        System.out.println();
        double lost = n.sent == 0 ? 0 : 100.0 * (n.sent - n.received) / n.sent;
        System.out.printf("Frames: alpha sent %d raw frames, the router echoed %d, alpha got %d back (%.1f%% lost on the round trip)%n",
                n.sent, n.echoed, n.received, lost);
        if (n.received > 0) {
            System.out.printf("Round trip: min %.3f ms, mean %.3f ms, max %.3f ms%n",
                    n.rttMin / 1e6, n.rttSumNanos / 1e6 / n.received, n.rttMax / 1e6);
        }
        System.out.println();
        if (n.sent > 0) {
            System.out.println("Journey of frame #0 (alpha -> router, and the router's echo nested under it):");
            System.out.print(frameJourney);
            System.out.println();
        }
        if (n.pingsSent > 0) {
            System.out.printf("Ping: alpha -> beta 198.18.2.2: %d sent, %d received, ttl %d, mean rtt %.3f ms%n",
                    n.pingsSent, n.pingReplies, n.pingTtl, n.pingReplies == 0 ? 0 : n.pingRttSum / 1e6 / n.pingReplies);
            System.out.println();
            System.out.println("Journey of the first ping (alpha's echo request; ARP, the router's forwarding, beta's reply nested under it):");
            System.out.print(pingJourney);
            System.out.println();
        }
        if (n.udpSent > 0) {
            System.out.printf("UDP: alpha -> beta:7 echo socket: %d datagrams sent, %d echoed by beta, %d back at alpha, %d timed out"
                    + " (SO_RCVTIMEO 1 s)%s%n", n.udpSent, n.udpEchoed, n.udpReceived, n.udpTimeouts,
                    n.udpReceived == 0 ? "" : String.format(", mean rtt %.3f ms", n.udpRttSum / 1e6 / n.udpReceived));
            System.out.println();
            System.out.println("Journey of the first datagram (udp_sendmsg at alpha, forwarded by the router, udp_rcv at beta):");
            System.out.print(n.kernel.tracer().journey(n.firstUdpJourney).tree());
            System.out.println();
        }
        if (n.tcpBytesSent > 0) {
            double secs = n.tcpNanos / 1e9;
            System.out.printf("TCP: alpha -> beta:80 through netem: %d bytes sent, %d received by beta's server (%s),"
                    + " %.3f s of virtual time (%.1f Mbit/s)%n", n.tcpBytesSent, n.tcpBytesReceived,
                    n.tcpIntact ? "every byte intact" : "DATA DIFFERS", secs, n.tcpBytesReceived * 8 / secs / 1e6);
            System.out.println();
            System.out.println("Journey of the SYN (tcp_v4_connect at alpha with the router's MAC unknown: ARP first, then the"
                    + " queued SYN; beta's SYN-ACK nested under it):");
            System.out.print(n.kernel.tracer().journey(n.synJourney).tree());
            System.out.println();
        }
        for (Net net : n.kernel.nets()) {
            System.out.println("== namespace " + net.name());
            System.out.println("ip addr");
            System.out.print(net.inet().devinet().format().indent(4));
            System.out.println("ip route");
            System.out.print(net.inet().fib().formatRoutes(io.jnetstack.ipv4.fib.FibTable.MAIN).indent(4));
            String neigh = net.inet().arpTable().format();
            System.out.println("ip neigh");
            System.out.print(neigh.isEmpty() ? "    (none)\n" : neigh.indent(4));
            System.out.println("ip -s link");
            System.out.print(net.formatLinks(true).indent(4));
            System.out.println("tc -s qdisc");
            net.devices().stream().filter(d -> d.qdisc() != null).forEach(d -> System.out.print(d.qdisc().format().indent(4)));
            System.out.println("nstat");
            System.out.print((net.inet().formatNstat() + io.jnetstack.ipv4.tcp.Tcp.of(net).mib().formatNonZero()
                    + io.jnetstack.ipv4.tcp.Tcp.of(net).extMib().formatNonZero() + io.jnetstack.ipv4.udp.Udp.of(net).mib().formatNonZero()).indent(4));
            System.out.println("ss -tuawni");
            System.out.print(io.jnetstack.admin.Ss.run(net, java.util.List.of("-tuawni")).indent(4));
            String drops = net.formatDrops();
            System.out.println("drop reasons");
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
