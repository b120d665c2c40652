package io.jnetstack.admin;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.neigh.NeighTable;
import io.jnetstack.neigh.Neighbour;
import io.jnetstack.neigh.NudState;

/**
 * {@code ip neigh}: lists the ARP table, adds, replaces and deletes entries, flushes a device's
 * entries. Part of {@link IpTool}.
 */
final class IpNeigh {
    private final Net net;
    private final NeighTable table;

    IpNeigh(Net net) {
        this.net = net;
        this.table = net.inet().arpTable();
    }

    String run(Args a) {
        String cmd = a.next();
        if (cmd == null || Args.matches(cmd, "show") || Args.matches(cmd, "list") || cmd.equals("lst")) {
            return show(a);
        }
        if (Args.matches(cmd, "add")) {
            add(a, false);
        } else if (Args.matches(cmd, "replace") || Args.matches(cmd, "change") || cmd.equals("chg")) {
            add(a, true);
        } else if (Args.matches(cmd, "delete")) {
            delete(a);
        } else if (Args.matches(cmd, "flush")) {
            flush(a);
        } else {
            throw IpTool.unknownCommand(cmd, "neigh");
        }
        return "";
    }

    /** What a listing or a flush selects. */
    private static final class Filter {
        NetDevice dev;
        /** NUD bits shown; by default everything but NOARP and NONE, as iproute2. */
        int nud = -1;
        Integer addr;
    }

    private Filter filter(Args a) {
        Filter f = new Filter();
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "dev" -> f.dev = Args.device(net, a.value("dev"));
                case "nud" -> {
                    String s = a.value("nud");
                    f.nud = s.equals("all") ? 0xFF : nud(s).bits();
                }
                case "to" -> f.addr = Args.address(a.value("to"));
                default -> {
                    if (f.addr != null) {
                        throw AdminException.garbage(w);
                    }
                    f.addr = Args.address(w);
                }
            }
        }
        return f;
    }

    private boolean selects(Filter f, Neighbour n, int defaultMask) {
        int mask = f.nud < 0 ? defaultMask : f.nud;
        boolean stateOk = n.state() == NudState.NONE ? f.nud == 0xFF : n.state().in(mask);
        return stateOk && (f.dev == null || n.dev() == f.dev) && (f.addr == null || n.key() == f.addr);
    }

    private String show(Args a) {
        Filter f = filter(a);
        int shown = 0xFF & ~NudState.NOARP.bits();
        StringBuilder sb = new StringBuilder();
        for (Neighbour n : table.entries()) {
            if (selects(f, n, shown)) {
                sb.append(n.format()).append('\n');
            }
        }
        return sb.toString();
    }

    private void add(Args a, boolean replace) {
        Integer addr = null;
        long lladdr = -1;
        NetDevice dev = null;
        NudState state = NudState.PERMANENT;
        while (a.more()) {
            String w = a.next();
            switch (w) {
                case "lladdr" -> lladdr = Args.lladdr(a.value("lladdr"));
                case "dev" -> dev = Args.device(net, a.value("dev"));
                case "nud" -> state = nud(a.value("nud"));
                case "to" -> addr = Args.address(a.value("to"));
                default -> {
                    if (addr != null) {
                        throw AdminException.garbage(w);
                    }
                    addr = Args.address(w);
                }
            }
        }
        if (addr == null || dev == null) {
            throw new AdminException(Errno.EINVAL, "Device and destination are required arguments.", AdminException.SYNTAX);
        }
        try {
            if (replace) {
                table.replace(addr, dev, lladdr, state);
            } else {
                table.addStatic(addr, dev, lladdr, state);
            }
        } catch (ErrnoException e) {
            throw AdminException.refused(e);
        }
    }

    private void delete(Args a) {
        Filter f = filter(a);
        if (f.addr == null || f.dev == null) {
            throw new AdminException(Errno.EINVAL, "Device and destination are required arguments.", AdminException.SYNTAX);
        }
        if (!table.delete(f.addr, f.dev)) {
            throw AdminException.refused(new ErrnoException(Errno.ENOENT, "no such neighbour"));
        }
    }

    /** Removes the selected entries; by default the dynamic ones (not PERMANENT, not NOARP), as iproute2. */
    private void flush(Args a) {
        if (!a.more()) {
            throw new AdminException(Errno.EINVAL, "Flush requires arguments.", AdminException.SYNTAX);
        }
        Filter f = filter(a);
        int dynamic = 0xFF & ~(NudState.NOARP.bits() | NudState.PERMANENT.bits());
        for (Neighbour n : table.entries()) {
            if (selects(f, n, dynamic)) {
                table.delete(n.key(), n.dev());
            }
        }
    }

    private static NudState nud(String w) {
        for (NudState s : NudState.values()) {
            if (s.name().equalsIgnoreCase(w)) {
                return s;
            }
        }
        throw AdminException.invalidArg("nud state is bad", w);
    }
}
