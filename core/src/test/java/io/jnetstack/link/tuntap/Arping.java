package io.jnetstack.link.tuntap;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds {@code arping} command lines and reads their results, for both common implementations:
 * iputils' {@code arping} (interface option {@code -I}, prints "Received N response(s)") and
 * Thomas Habets' {@code arping} (interface option {@code -i}, prints "N packets received").
 */
final class Arping {

    /** Which arping is installed. */
    enum Flavour { IPUTILS, HABETS }

    private static final Pattern IPUTILS_RECEIVED = Pattern.compile("Received (\\d+) response");
    private static final Pattern HABETS_RECEIVED = Pattern.compile("(\\d+) packets received");

    private Arping() {
    }

    /** Detects the installed flavour once, when first asked. */
    private static final class Detected {
        static final Optional<Flavour> FLAVOUR = detect();

        private static Optional<Flavour> detect() {
            if (Netns.findTool("arping").isEmpty()) {
                return Optional.empty();
            }
            Netns.Result help = Netns.runHost(Duration.ofSeconds(10), "arping", "-h");
            String text = help.stdout() + help.stderr();
            if (text.contains("Habets")) {
                return Optional.of(Flavour.HABETS);
            }
            if (text.contains("iputils") || text.contains("-I <device>") || text.contains("-I device")) {
                return Optional.of(Flavour.IPUTILS);
            }
            return Optional.empty();
        }
    }

    /**
     * Returns the installed flavour.
     *
     * @return the flavour, empty if arping is missing or unrecognised
     */
    static Optional<Flavour> flavour() {
        return Detected.FLAVOUR;
    }

    /**
     * Returns a command line that sends {@code count} ARP requests for {@code target} out of
     * {@code device} and gives up after {@code deadlineSeconds}.
     */
    static List<String> command(String device, String target, int count, int deadlineSeconds) {
        Flavour f = flavour().orElseThrow(() -> new IllegalStateException("arping not installed or not recognised"));
        return switch (f) {
            case IPUTILS -> List.of("arping", "-c", Integer.toString(count), "-w", Integer.toString(deadlineSeconds),
                    "-I", device, target);
            case HABETS -> List.of("arping", "-c", Integer.toString(count), "-w", Integer.toString(deadlineSeconds),
                    "-i", device, target);
        };
    }

    /**
     * Returns how many replies arping reports, or -1 if its output has no summary.
     *
     * @param result a finished arping run
     * @return the number of replies received
     */
    static int repliesReceived(Netns.Result result) {
        for (Pattern p : List.of(IPUTILS_RECEIVED, HABETS_RECEIVED)) {
            Matcher m = p.matcher(result.stdout());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return -1;
    }
}
