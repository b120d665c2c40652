package io.jnetstack.admin;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.ipv4.Devinet;
import io.jnetstack.ipv4.IfAddr;
import io.jnetstack.wire.MacAddress;

import java.util.ArrayList;
import java.util.List;

/**
 * An interpreter of iproute2's {@code ip} command language over one namespace: the words after
 * {@code ip} in, what {@code ip} prints out.
 *
 * <pre>
 * ip [-s[-s]] [-d] [-4] OBJECT COMMAND ...
 *   addr  [show [dev] D]                    addr add|del A[/LEN] dev D        addr flush dev D
 *   link  [show [dev] D]                    link set [dev] D up|down|mtu N|txqueuelen N|address M|promisc on|off|name N
 *   route [show] [table main|local|all|N] [dev D] [proto P] [type T]
 *   route add|replace|append|prepend|change|del [TYPE] PREFIX|default [via GW] [dev D] [table T]
 *         [metric|priority N] [mtu [lock] N] [advmss N] [window N] [src A] [proto P] [scope S] [tos T] [onlink]
 *         [nexthop via GW dev D weight W ...]          TYPE: unicast|local|broadcast|blackhole|unreachable|prohibit|throw
 *   route get [to] ADDR                     route show cache                  route flush cache|table T|dev D
 *   rule  [show]                            rule add|del [not] [from P] [to P] [iif D] [oif D] [fwmark M[/MASK]]
 *         [tos T] [ipproto P] [priority|pref N] [table|lookup T | blackhole|unreachable|prohibit|nop | goto N]
 *         [suppress_prefixlength N]
 *   neigh [show [dev D] [nud all]]          neigh add|replace|change A lladdr M dev D [nud permanent|reachable|stale|noarp]
 *   neigh del A dev D                       neigh flush dev D [nud all]
 * </pre>
 *
 * <p>Objects, commands and keywords may be abbreviated as iproute2 allows ({@code ip a},
 * {@code ip r s}, {@code ip n}). Failures are {@link AdminException}s carrying the errno,
 * iproute2's text ({@code RTNETLINK answers: File exists}; {@code Error: either "to" is
 * duplicate, or "x" is a garbage.}) and its exit status.
 *
 * <p>Not thread-safe and not locking: call {@link #run} under the kernel lock
 * ({@code kernel.call(() -> ip.run(net, args))}).
 */
public final class IpTool {
    /** Options given before the object. */
    record Options(int stats, boolean details) {
    }

    /** A tool; it keeps no state between commands. */
    public IpTool() {
    }

    /**
     * Runs one {@code ip} command.
     *
     * @param net  the namespace to show or change
     * @param args the words after {@code ip}, e.g. {@code ["route", "add", "default", "via", "198.18.1.1"]}
     * @return what {@code ip} prints on standard output (empty for most changes)
     * @throws AdminException with iproute2's message and exit status when the command fails
     */
    public String run(Net net, List<String> args) {
        Args a = new Args(args);
        int stats = 0;
        boolean details = false;
        while (a.more() && a.peek().startsWith("-")) {
            String o = a.next();
            String opt = o.substring(o.startsWith("--") ? 2 : 1);
            if (opt.equals("ss")) {
                stats += 2;
            } else if (opt.equals("stats") || Args.matches(opt, "statistics")) {
                stats++;
            } else if (Args.matches(opt, "details")) {
                details = true;
            } else if (!opt.equals("4")) {
                throw new AdminException(Errno.EINVAL, "Option \"" + o + "\" is unknown, try \"ip -help\".", AdminException.SYNTAX);
            }
        }
        Options opts = new Options(stats, details);
        String object = a.next();
        if (object == null || Args.matches(object, "help")) {
            return usage();
        }
        if (Args.matches(object, "address")) {
            return addr(net, a, opts);
        } else if (Args.matches(object, "route")) {
            return new IpRoute(net).run(a);
        } else if (Args.matches(object, "rule")) {
            return new IpRule(net).run(a);
        } else if (Args.matches(object, "neighbour") || Args.matches(object, "neighbor")) {
            return new IpNeigh(net).run(a);
        } else if (Args.matches(object, "link")) {
            return link(net, a, opts);
        }
        throw new AdminException(Errno.EINVAL, "Object \"" + object + "\" is unknown, try \"ip help\".", AdminException.FAILED);
    }

    /** The usage text ({@code ip help}). */
    static String usage() {
        return """
                Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }
                where  OBJECT := { address | link | neighbour | route | rule }
                       OPTIONS := { -s[tatistics] | -d[etails] | -4 }
                """;
    }

    /** An unknown command of {@code object}: iproute2's complaint, status 255. */
    static AdminException unknownCommand(String command, String object) {
        return new AdminException(Errno.EINVAL, "Command \"" + command + "\" is unknown, try \"ip " + object + " help\".",
                AdminException.SYNTAX);
    }

    // ---------------------------------------------------------------- ip addr

    private static String addr(Net net, Args a, Options opts) {
        String cmd = a.next();
        if (cmd == null || Args.matches(cmd, "show") || Args.matches(cmd, "list") || cmd.equals("lst")) {
            return addrShow(net, a, opts);
        }
        if (Args.matches(cmd, "add")) {
            addrChange(net, a, true);
            return "";
        }
        if (Args.matches(cmd, "delete")) {
            addrChange(net, a, false);
            return "";
        }
        if (Args.matches(cmd, "flush")) {
            addrFlush(net, a);
            return "";
        }
        throw unknownCommand(cmd, "address");
    }

    private static String addrShow(Net net, Args a, Options opts) {
        NetDevice only = null;
        boolean upOnly = false;
        while (a.more()) {
            String w = a.next();
            if (w.equals("dev")) {
                only = Args.device(net, a.value("dev"));
            } else if (w.equals("up")) {
                upOnly = true;
            } else if (only == null) {
                only = net.device(w);
                if (only == null) {
                    throw new AdminException(Errno.ENODEV, "Device \"" + w + "\" does not exist.", AdminException.FAILED);
                }
            } else {
                throw AdminException.garbage(w);
            }
        }
        StringBuilder sb = new StringBuilder();
        Devinet devinet = net.inet().devinet();
        for (NetDevice d : net.devices()) {
            if ((only != null && d != only) || (upOnly && !d.isUp())) {
                continue;
            }
            sb.append(d.format(opts.stats() > 0));
            for (IfAddr ifa : devinet.addresses(d)) {
                sb.append("    ").append(ifa.format()).append('\n');
                sb.append("       valid_lft forever preferred_lft forever\n");
            }
        }
        return sb.toString();
    }

    private static void addrChange(Net net, Args a, boolean add) {
        int[] prefix = null;
        boolean hasLen = false;
        NetDevice dev = null;
        while (a.more()) {
            String w = a.next();
            if (w.equals("dev")) {
                dev = Args.device(net, a.value("dev"));
            } else if ((w.equals("brd") || w.equals("broadcast")) && add) {
                String b = a.value(w);
                if (!b.equals("+")) {
                    throw AdminException.invalidArg("only \"+\" (computed from the prefix) is supported", b);
                }
            } else if (w.equals("local") || prefix == null) {
                String p = w.equals("local") ? a.value("local") : w;
                if (prefix != null) {
                    throw AdminException.garbage(p);
                }
                prefix = Args.prefix(p);
                hasLen = p.contains("/");
            } else {
                throw AdminException.garbage(w);
            }
        }
        if (dev == null) {
            throw new AdminException(Errno.EINVAL, "Not enough information: \"dev\" argument is required.", AdminException.FAILED);
        }
        if (prefix == null) {
            throw new AdminException(Errno.EINVAL, "Not enough information: an address is required.", AdminException.FAILED);
        }
        Devinet devinet = net.inet().devinet();
        try {
            if (add) {
                devinet.add(dev, prefix[0], prefix[1]);
            } else if (hasLen) {
                devinet.delete(dev, prefix[0], prefix[1]);
            } else {
                deleteByAddress(devinet, dev, prefix[0]);
            }
        } catch (ErrnoException e) {
            throw AdminException.refused(e);
        }
    }

    /** {@code ip addr del A dev D} without a length deletes the first address A of D, as iproute2's wildcard deletion. */
    private static void deleteByAddress(Devinet devinet, NetDevice dev, int local) {
        for (IfAddr ifa : devinet.addresses(dev)) {
            if (ifa.local() == local) {
                devinet.delete(dev, local, ifa.prefixLen());
                return;
            }
        }
        throw new ErrnoException(Errno.EADDRNOTAVAIL, "no such address on " + dev.name());
    }

    private static void addrFlush(Net net, Args a) {
        NetDevice dev = null;
        while (a.more()) {
            String w = a.next();
            if (w.equals("dev")) {
                dev = Args.device(net, a.value("dev"));
            } else if (dev == null) {
                dev = Args.device(net, w);
            } else {
                throw AdminException.garbage(w);
            }
        }
        if (dev == null) {
            throw new AdminException(Errno.EINVAL, "Flush requires arguments.", AdminException.SYNTAX);
        }
        Devinet devinet = net.inet().devinet();
        for (IfAddr ifa : List.copyOf(devinet.addresses(dev))) {
            try {
                devinet.delete(dev, ifa.local(), ifa.prefixLen());
            } catch (ErrnoException e) {
                // a secondary address went with its primary
            }
        }
    }

    // ---------------------------------------------------------------- ip link

    private static String link(Net net, Args a, Options opts) {
        String cmd = a.next();
        if (cmd == null || Args.matches(cmd, "show") || Args.matches(cmd, "list") || cmd.equals("lst")) {
            return linkShow(net, a, opts);
        }
        if (Args.matches(cmd, "set")) {
            linkSet(net, a);
            return "";
        }
        throw unknownCommand(cmd, "link");
    }

    private static String linkShow(Net net, Args a, Options opts) {
        NetDevice only = null;
        int stats = opts.stats();
        boolean upOnly = false;
        while (a.more()) {
            String w = a.next();
            if (w.equals("-s") || w.equals("-stats") || w.equals("-statistics")) {
                stats++;
            } else if (w.equals("dev")) {
                only = Args.device(net, a.value("dev"));
            } else if (w.equals("up")) {
                upOnly = true;
            } else if (only == null) {
                only = net.device(w);
                if (only == null) {
                    throw new AdminException(Errno.ENODEV, "Device \"" + w + "\" does not exist.", AdminException.FAILED);
                }
            } else {
                throw AdminException.garbage(w);
            }
        }
        StringBuilder sb = new StringBuilder();
        for (NetDevice d : net.devices()) {
            if ((only == null || d == only) && (!upOnly || d.isUp())) {
                sb.append(d.format(stats > 0, opts.details()));
            }
        }
        return sb.toString();
    }

    /** One change of {@code ip link set}, applied after the whole line parsed. */
    private interface LinkChange {
        void apply(NetDevice d);
    }

    private static void linkSet(Net net, Args a) {
        NetDevice dev = null;
        List<LinkChange> changes = new ArrayList<>();
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "dev" -> dev = Args.device(net, a.value("dev"));
                case "up" -> changes.add(NetDevice::up);
                case "down" -> changes.add(NetDevice::down);
                case "mtu" -> {
                    int mtu = Args.intIn("mtu", a.value("mtu"), 0, Integer.MAX_VALUE);
                    changes.add(d -> d.setMtu(mtu));
                }
                case "txqueuelen", "txqlen", "qlen" -> {
                    int q = Args.intIn("txqueuelen", a.value(w), 0, Integer.MAX_VALUE);
                    changes.add(d -> d.setTxQueueLen(q));
                }
                case "address" -> {
                    long mac = Args.lladdr(a.value("address"));
                    changes.add(d -> d.setMac(new MacAddress(mac)));
                }
                case "promisc" -> {
                    boolean on = onOff("promisc", a.value("promisc"));
                    changes.add(d -> d.setPromisc(on));
                }
                case "name" -> {
                    String name = a.value("name");
                    changes.add(d -> d.rename(name));
                }
                default -> {
                    if (dev != null) {
                        throw AdminException.garbage(w);
                    }
                    dev = Args.device(net, w);
                }
            }
        }
        if (dev == null) {
            throw new AdminException(Errno.EINVAL, "Not enough information: \"dev\" argument is required.", AdminException.FAILED);
        }
        try {
            for (LinkChange c : changes) {
                c.apply(dev);
            }
        } catch (ErrnoException e) {
            throw AdminException.refused(e);
        }
    }

    private static boolean onOff(String key, String word) {
        return switch (word) {
            case "on" -> true;
            case "off" -> false;
            default -> throw AdminException.invalidArg("\"" + key + "\" must be \"on\" or \"off\"", word);
        };
    }
}
