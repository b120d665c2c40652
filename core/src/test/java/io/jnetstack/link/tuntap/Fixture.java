package io.jnetstack.link.tuntap;

/**
 * A TUN/TAP file whose interface lives in a private network namespace, configured with an
 * address and up. Closing closes the file (which deletes the interface) and then the namespace.
 */
final class Fixture implements AutoCloseable {

    final Netns ns;
    final TunTapFile file;

    private Fixture(Netns ns, TunTapFile file) {
        this.ns = ns;
        this.file = file;
    }

    /**
     * Opens a uniquely named interface, moves it into a fresh namespace at once, and there sets it
     * up with address {@code cidr} (no configuration if {@code cidr} is {@code null}; then the
     * interface also stays down).
     */
    static Fixture open(TunTapFile.Mode mode, boolean vnetHdr, String cidr) throws Exception {
        Netns ns = Netns.create();
        TunTapFile file = null;
        try {
            file = TunTapFile.open(Netns.uniqueLinkName(mode == TunTapFile.Mode.TAP ? "jt" : "ju"), mode, vnetHdr);
            ns.moveLink(file.name());
            if (cidr != null) {
                ns.check("ip", "link", "set", "dev", file.name(), "up");
                ns.check("ip", "addr", "add", cidr, "dev", file.name());
            }
            return new Fixture(ns, file);
        } catch (Throwable t) {
            if (file != null) {
                file.close();
            }
            try {
                ns.close();
            } catch (RuntimeException e) {
                t.addSuppressed(e);
            }
            throw t;
        }
    }

    String name() {
        return file.name();
    }

    /** Reads a counter from {@code /sys/class/net/NAME/statistics} inside the namespace. */
    long statistic(String counter) {
        return Long.parseLong(ns.check("cat", "/sys/class/net/" + name() + "/statistics/" + counter).stdout().trim());
    }

    /** Returns the interface's MAC address as the namespace sees it, e.g. {@code 7a:01:...}. */
    String mac() {
        return ns.check("cat", "/sys/class/net/" + name() + "/address").stdout().trim();
    }

    @Override
    public void close() {
        try {
            file.close();
        } finally {
            ns.close();
        }
    }
}
