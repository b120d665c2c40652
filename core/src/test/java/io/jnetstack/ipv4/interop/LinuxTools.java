package io.jnetstack.ipv4.interop;

import io.jnetstack.link.tuntap.Netns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Command lines for the Linux tools the interop tests drive, and readers of their output. Every
 * command has its own deadline, and every run a time limit beyond it.
 */
final class LinuxTools {

    private static final Pattern PING_RECEIVED = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");
    private static final Pattern IPUTILS_ARPING = Pattern.compile("Received (\\d+) response");
    private static final Pattern HABETS_ARPING = Pattern.compile("(\\d+) packets received");

    private LinuxTools() {
    }

    /**
     * iputils {@code ping}: {@code count} requests 0.2 s apart, each reply awaited 2 s at most,
     * the whole run ended after {@code deadlineSeconds}.
     */
    static String[] ping(String dst, int count, int payloadLen, int deadlineSeconds) {
        return new String[]{"ping", "-n", "-c", Integer.toString(count), "-i", "0.2", "-W", "2",
                "-w", Integer.toString(deadlineSeconds), "-s", Integer.toString(payloadLen), dst};
    }

    /** Runs a command with a deadline of its own inside {@code ns}, killed 10 s after it at the latest. */
    static Netns.Result run(Netns ns, int deadlineSeconds, String... command) {
        return ns.run(Duration.ofSeconds(deadlineSeconds + 10L), command);
    }

    /** How many replies ping reports, or -1 when its output has no summary line. */
    static int pingReceived(Netns.Result r) {
        Matcher m = PING_RECEIVED.matcher(r.stdout());
        return m.find() ? Integer.parseInt(m.group(2)) : -1;
    }

    /** The reply lines of a ping run ("4008 bytes from 198.18.1.2: icmp_seq=1 ttl=64 time=…"). */
    static List<String> pingReplyLines(Netns.Result r) {
        List<String> out = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            if (line.contains(" bytes from ")) {
                out.add(line);
            }
        }
        return out;
    }

    /** Which arping is installed: Habets' ({@code -i}) or iputils' ({@code -I}); empty if none or unknown. */
    static Optional<String> arpingInterfaceOption() {
        return ArpingFlavour.OPTION;
    }

    private static final class ArpingFlavour {
        static final Optional<String> OPTION = detect();

        private static Optional<String> detect() {
            if (Netns.findTool("arping").isEmpty()) {
                return Optional.empty();
            }
            Netns.Result help = Netns.runHost(Duration.ofSeconds(10), "arping", "-h");
            String text = help.stdout() + help.stderr();
            if (text.contains("Habets")) {
                return Optional.of("-i");
            }
            if (text.contains("iputils") || text.contains("-I <device>") || text.contains("-I device")) {
                return Optional.of("-I");
            }
            return Optional.empty();
        }
    }

    /** {@code arping}: {@code count} ARP requests for {@code target} out of {@code dev}, ended after the deadline. */
    static String[] arping(String dev, String target, int count, int deadlineSeconds) {
        String opt = arpingInterfaceOption().orElseThrow(() -> new IllegalStateException("arping is not installed or not recognised"));
        return new String[]{"arping", "-c", Integer.toString(count), "-w", Integer.toString(deadlineSeconds), opt, dev, target};
    }

    /** How many replies arping reports, or -1 when its output has no summary. */
    static int arpingReceived(Netns.Result r) {
        for (Pattern p : List.of(IPUTILS_ARPING, HABETS_ARPING)) {
            Matcher m = p.matcher(r.stdout());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return -1;
    }
}
