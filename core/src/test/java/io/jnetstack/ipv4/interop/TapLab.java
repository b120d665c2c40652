package io.jnetstack.ipv4.interop;

import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.ipv4.IcmpMib;
import io.jnetstack.ipv4.Inet;
import io.jnetstack.ipv4.IpMib;
import io.jnetstack.ipv4.fib.NextHop;
import io.jnetstack.ipv4.fib.Route;
import io.jnetstack.link.TunTapDevice;
import io.jnetstack.link.tuntap.Netns;
import io.jnetstack.link.tuntap.TunTapFile;
import io.jnetstack.neigh.Neighbour;
import io.jnetstack.wire.Ipv4Address;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Stack hosts on TAP devices facing the real Linux kernel: one real-time {@link Kernel}, the
 * Linux network namespaces the test creates, and stack namespaces ({@link Host}) whose TAP's
 * Linux end lives in one of those namespaces. Only 198.18.0.0/15 addresses are used, and only
 * inside the namespaces. {@link #close()} closes the kernel (which closes the TAP files and so
 * deletes the interfaces) and then deletes every namespace, whatever failed before.
 */
final class TapLab implements AutoCloseable {

    /** How long a test waits at most for something the stack or Linux should do promptly. */
    static final Duration WAIT = Duration.ofSeconds(5);

    final Kernel k = Kernel.realtime();
    private final List<Netns> namespaces = new ArrayList<>();
    private final List<Host> hosts = new ArrayList<>();

    /** Creates a Linux namespace that {@link #close()} deletes. */
    Netns namespace() throws IOException {
        Netns ns = Netns.create();
        namespaces.add(ns);
        // No IPv6 chatter (router solicitations, MLD) on the test links: only what the test sends.
        ns.run("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
        ns.run("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
        return ns;
    }

    /**
     * Creates a stack namespace {@code name} with a TAP device: the Linux end is moved into
     * {@code ns} at once, set up there with {@code linuxCidr} (e.g. {@code 198.18.1.1/24}), and
     * the stack end gets {@code stackAddr/prefixLen}.
     */
    Host host(String name, Netns ns, String linuxCidr, String stackAddr, int prefixLen) {
        Net net = k.newNet(name);
        String ifName = Netns.uniqueLinkName("jsi");
        TunTapDevice tap = k.call(() -> TunTapDevice.open(net, ifName, TunTapFile.Mode.TAP));
        ns.moveLink(ifName);
        ns.check("ip", "link", "set", "dev", ifName, "up");
        ns.check("ip", "addr", "add", linuxCidr, "dev", ifName);
        int addr = Ipv4Address.parse(stackAddr);
        k.run(() -> {
            net.loopback().up();
            tap.up();
            net.inet().devinet().add(tap, addr, prefixLen);
        });
        Host h = new Host(this, ns, net, tap, addr);
        hosts.add(h);
        return h;
    }

    /** Waits until {@code done} holds (checked every 10 ms), at most {@code timeout}. */
    static boolean await(BooleanSupplier done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (done.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Everything the stack hosts know, for assertion messages. */
    String diagnostics() {
        StringBuilder sb = new StringBuilder();
        for (Host h : hosts) {
            sb.append(h.diagnostics());
        }
        for (Netns ns : namespaces) {
            sb.append("=== Linux ").append(ns.name()).append('\n');
            for (String[] cmd : new String[][]{{"ip", "-s", "link"}, {"ip", "addr"}, {"ip", "route"}, {"ip", "neigh"},
                    {"ip", "route", "show", "cache"}, {"cat", "/proc/net/snmp"}}) {
                Netns.Result r = ns.run(Duration.ofSeconds(5), cmd);
                sb.append("$ ").append(String.join(" ", cmd)).append('\n').append(r.stdout()).append(r.stderr());
            }
        }
        return sb.toString();
    }

    /** Closes the kernel (its TAP files: the interfaces go), then deletes the namespaces. */
    @Override
    public void close() {
        RuntimeException failure = null;
        try {
            k.close();
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Netns ns : namespaces) {
            try {
                ns.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        namespaces.clear();
        if (failure != null) {
            throw failure;
        }
    }

    /** A stack namespace with one TAP device whose Linux end is in {@link #ns}. */
    static final class Host {
        final TapLab lab;
        final Netns ns;
        final Net net;
        final TunTapDevice tap;
        final int addr;
        /** Echo replies received for {@link #ECHO_ID}, as "SRC seq=N ttl=T len=L". */
        final List<String> replies = new ArrayList<>();

        /** ICMP errors received on the TAP, as "TYPE/CODE from SRC" (+ " mtu N" for fragmentation needed). */
        final List<String> icmpErrorsIn = new ArrayList<>();

        /** The echo identifier this host's pings use. */
        static final int ECHO_ID = 0x4a53;

        Host(TapLab lab, Netns ns, Net net, TunTapDevice tap, int addr) {
            this.lab = lab;
            this.ns = ns;
            this.net = net;
            this.tap = tap;
            this.addr = addr;
            lab.k.run(() -> {
                net.inet().icmp().setEchoListener(ECHO_ID, (src, id, seq, ttl, skb) -> {
                    synchronized (replies) {
                        replies.add(Ipv4Address.format(src) + " seq=" + seq + " ttl=" + ttl + " len=" + skb.len());
                    }
                });
                tap.addTap((skb, dev, outgoing) -> {
                    if (!outgoing) {
                        recordIcmpError(skb.toByteArray());
                    }
                });
            });
        }

        /** Notes an ICMP error in a received Ethernet frame (first fragments only). */
        private void recordIcmpError(byte[] f) {
            if (f.length < 14 + 20 + 8 || (f[12] & 0xff) != 0x08 || f[13] != 0x00 || f[14 + 9] != 1
                    || ((f[14 + 6] & 0x1f) | f[14 + 7]) != 0) {
                return;
            }
            int ihl = (f[14] & 0x0f) * 4;
            int icmp = 14 + ihl;
            if (f.length < icmp + 8) {
                return;
            }
            int type = f[icmp] & 0xff;
            int code = f[icmp + 1] & 0xff;
            if (type != 3 && type != 4 && type != 5 && type != 11 && type != 12) {
                return;
            }
            String src = Ipv4Address.format(((f[14 + 12] & 0xff) << 24) | ((f[14 + 13] & 0xff) << 16)
                    | ((f[14 + 14] & 0xff) << 8) | (f[14 + 15] & 0xff));
            String e = type + "/" + code + " from " + src;
            if (type == 3 && code == 4) {
                e += " mtu " + (((f[icmp + 6] & 0xff) << 8) | (f[icmp + 7] & 0xff));
            }
            synchronized (icmpErrorsIn) {
                icmpErrorsIn.add(e);
            }
        }

        /** The ICMP errors received so far ("11/0 from 198.18.10.1", "3/4 from 198.18.10.1 mtu 1280"). */
        List<String> icmpErrorsIn() {
            synchronized (icmpErrorsIn) {
                return List.copyOf(icmpErrorsIn);
            }
        }

        Inet inet() {
            return net.inet();
        }

        /** The Linux name of the TAP interface (the same on both sides). */
        String ifName() {
            return tap.name();
        }

        /** The stack's MAC on this TAP, as Linux prints it ({@code 02:ab:...}). */
        String mac() {
            return tap.mac().toString();
        }

        /** The MAC of the TAP's Linux end, as Linux prints it. */
        String linuxMac() {
            return ns.check("cat", "/sys/class/net/" + ifName() + "/address").stdout().trim();
        }

        /** Adds {@code default via gw dev TAP}. */
        void defaultVia(String gw) {
            int g = Ipv4Address.parse(gw);
            lab.k.run(() -> net.inet().fib().addRoute(Route.to(0, 0).nexthop(NextHop.via(g, tap)).build()));
        }

        long icmp(IcmpMib c) {
            return lab.k.call(() -> net.inet().icmpMib().get(c));
        }

        /** IcmpMsg InTypeN: received ICMP messages of {@code type}. */
        long icmpMsgIn(int type) {
            return lab.k.call(() -> net.inet().icmpMsgMib().inCount(type));
        }

        /** Sets the stack end's MTU. */
        void setMtu(int mtu) {
            lab.k.run(() -> tap.setMtu(mtu));
        }

        long ip(IpMib c) {
            return lab.k.call(() -> net.inet().ipMib().get(c));
        }

        /** Sends one echo request with {@link #ECHO_ID}; fails when the stack has no route. */
        void sendEcho(String dst, int seq, int payloadLen, int ttl, boolean dontFragment) {
            int d = Ipv4Address.parse(dst);
            boolean sent = lab.k.call(() -> net.inet().icmp().sendEcho(d, ECHO_ID, seq, payloadLen, ttl, dontFragment, 0));
            if (!sent) {
                throw new AssertionError("stack " + net.name() + " has no route to " + dst + ": "
                        + lab.k.call(() -> net.inet().routing().lastError()));
            }
        }

        /** The echo replies received so far. */
        List<String> replies() {
            synchronized (replies) {
                return List.copyOf(replies);
            }
        }

        /** Waits until at least {@code n} echo replies arrived, at most {@link #WAIT}. */
        boolean awaitReplies(int n) {
            return await(() -> replies().size() >= n, WAIT);
        }

        /** The neighbour entry for {@code addr} on the TAP, as {@code ip neigh} prints it, or "". */
        String neighbour(String addr) {
            int a = Ipv4Address.parse(addr);
            return lab.k.call(() -> {
                Neighbour n = net.inet().arpTable().lookup(a, tap);
                return n == null ? "" : n.format();
            });
        }

        /** {@code ip route get ADDR} on the stack. */
        String routeGet(String addr) {
            int a = Ipv4Address.parse(addr);
            return lab.k.call(() -> net.inet().routing().get(a));
        }

        String diagnostics() {
            return lab.k.call(() -> "=== stack " + net.name() + " (" + ifName() + " " + mac() + ")\n"
                    + net.formatLinks(true) + net.inet().devinet().format()
                    + "neigh:\n" + net.inet().arpTable().format(true)
                    + "route cache:\n" + net.inet().routing().formatExceptions()
                    + io.jnetstack.admin.Nstat.format(net, false, java.util.List.of()) + "drops:\n" + net.formatDrops()
                    + "echo replies: " + replies() + "\nICMP errors in: " + icmpErrorsIn() + "\n");
        }
    }
}
