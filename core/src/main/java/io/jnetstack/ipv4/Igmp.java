package io.jnetstack.ipv4;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.IfFlags;
import io.jnetstack.core.Mib;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.NetdevEvent;
import io.jnetstack.core.PktType;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.Sysctls;
import io.jnetstack.time.Timer;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Address;
import io.jnetstack.wire.Ipv4Options;
import io.jnetstack.wire.MacAddress;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Multicast group memberships of this host's interfaces and the host side of IGMPv2 (RFC 2236),
 * with IGMPv1 routers understood (RFC 1112 Appendix I; RFC 2236 §4). Mirrors
 * {@code net/ipv4/igmp.c}:
 * <ul>
 *   <li>memberships: {@link #join} ({@code ip_mc_inc_group}), {@link #leave}
 *   ({@code ip_mc_dec_group}), {@link #isMember} ({@code ip_check_mc_rcu}), all-hosts joined as
 *   a device comes up ({@code ip_mc_up}), timers stopped as it goes down ({@code ip_mc_down}),
 *   everything forgotten as it leaves ({@code ip_mc_destroy_dev});</li>
 *   <li>sending: an unsolicited report on the first join, repeated {@code igmp_qrv - 1} more
 *   times at random within the Unsolicited Report Interval (RFC 2236 §3), a report when a
 *   query's delay runs out ({@code igmp_timer_expire}), a Leave Group to all-routers when the
 *   last user leaves and this host sent the last report ({@code igmp_group_dropped}); all through
 *   {@code igmp_send_report}: TTL 1, Router Alert (RFC 2113), the normal output path;</li>
 *   <li>receiving ({@code igmp_rcv}): queries start or shorten the delay timers of the groups
 *   they ask about ({@code igmp_heard_query}); another host's report for a group cancels ours
 *   (suppression, {@code igmp_heard_report}).</li>
 * </ul>
 * IGMPv3 (RFC 3376) is not spoken: a v3 query is answered with v2 reports, as a v2 host does
 * (RFC 3376 §7.2.1), and there are no source filters. All-hosts (224.0.0.1) is never reported
 * (RFC 2236 §6).
 *
 * <p>{@code net.ipv4.igmp_max_memberships} (20) is registered but enforced by the socket layer:
 * Linux counts it per socket ({@code ip_mc_join_group}), and memberships here are per device,
 * shared by every socket that joined.
 */
public final class Igmp implements InetProtocol {
    /** RFC 2236 §8.3: the Query Response Interval, used for IGMPv1 queries (max resp code 0). */
    static final long QUERY_RESPONSE_INTERVAL = 10_000_000_000L;
    /** RFC 2236 §8.11: how long an IGMPv1 querier is remembered after its last query. */
    static final long V1_ROUTER_PRESENT_TIMEOUT = 400_000_000_000L;
    /** Max resp codes count tenths of a second (RFC 2236 §2.2). */
    private static final long TENTH = 100_000_000L;
    /** TC_PRIO_CONTROL: IGMP goes out in pfifo_fast's first band. */
    private static final int PRIO_CONTROL = 7;
    /** Length of the IP header of an IGMP message: 20 bytes and the Router Alert option. */
    private static final int IP_HLEN = Ipv4.HEADER_LEN + Ipv4Options.OPT_RA_LEN;

    /** One group joined on one device. Mirrors {@code struct ip_mc_list}. */
    private static final class Group {
        final NetDevice dev;
        final int addr;
        int users;
        /** RFC 2236 §3: we sent the last report for this group ({@code im->reporter}). */
        boolean reporter;
        /** Unsolicited reports still to send ({@code im->unsolicit_count}). */
        int unsolicit;
        Timer timer;

        Group(NetDevice dev, int addr) {
            this.dev = dev;
            this.addr = addr;
        }
    }

    /** Per-device state. Mirrors the IGMP part of {@code struct in_device}. */
    private static final class DevState {
        /** Newest first, as {@code in_dev->mc_list}. */
        final List<Group> groups = new ArrayList<>();
        /** Until when an IGMPv1 querier is assumed present ({@code mr_v1_seen}), 0 if never. */
        long v1SeenUntil;
    }

    private final Inet inet;
    private final Mib<IgmpMib> mib = new Mib<>("Igmp", IgmpMib.class);
    private final RandomGenerator random;
    private final Map<NetDevice, DevState> devs = new IdentityHashMap<>();
    private final Sysctls.Entry maxMemberships;
    private final Sysctls.Entry qrv;
    private final Sysctls.Entry llmReports;
    private final Sysctls.Entry unsolicitedInterval;

    Igmp(Inet inet) {
        this.inet = inet;
        this.random = inet.kernel.random("igmp " + inet.net.name());
        Sysctls s = inet.net.sysctls();
        maxMemberships = s.register("net.ipv4.igmp_max_memberships", 0, Integer.MAX_VALUE, 20);
        qrv = s.register("net.ipv4.igmp_qrv", 1, 255, 2);
        llmReports = s.register("net.ipv4.igmp_link_local_mcast_reports", 0, 1, 1);
        unsolicitedInterval = s.register("net.ipv4.conf.all.igmpv2_unsolicited_report_interval", 1, Integer.MAX_VALUE, 10_000);
    }

    /** The IGMP counters (not Linux's: it has none for IGMP). */
    public Mib<IgmpMib> mib() {
        return mib;
    }

    /**
     * {@code net.ipv4.igmp_max_memberships}: how many groups one socket may join; the socket
     * layer enforces it (ENOBUFS), as Linux's {@code ip_mc_join_group} does.
     */
    public int maxMemberships() {
        return (int) maxMemberships.get();
    }

    // ================================================================ memberships

    /**
     * Joins {@code group} on {@code dev} for one more user. Mirrors {@code ip_mc_inc_group()}:
     * the first user makes the membership and announces it (RFC 2236 §3: an unsolicited report
     * now, repeated later), further users only count.
     *
     * @throws ErrnoException EINVAL when {@code group} is not a multicast address; ENODEV when
     *                        {@code dev} is not in this namespace or not MULTICAST
     */
    public void join(NetDevice dev, int group) {
        if (!Ipv4Address.isMulticast(group)) {
            throw new ErrnoException(Errno.EINVAL, Ipv4Address.format(group) + " is not a multicast group (224.0.0.0/4)");
        }
        if (dev == null || dev.net() != inet.net) {
            throw new ErrnoException(Errno.ENODEV, (dev == null ? "no device" : dev.name()) + " is not in namespace " + inet.net.name());
        }
        if ((dev.flags() & IfFlags.MULTICAST) == 0) {
            throw new ErrnoException(Errno.ENODEV, dev.name() + " has no MULTICAST flag");
        }
        incGroup(dev, group);
    }

    /**
     * Drops one user of {@code group} on {@code dev}. Mirrors {@code ip_mc_dec_group()}: the last
     * user ends the membership and, if this host sent the last report for it, a Leave Group
     * goes to all-routers (RFC 2236 §3).
     *
     * @return false when {@code dev} is not a member (never joined, or its device went away);
     *         like {@code ip_mc_dec_group} this is no error here: the socket layer answers
     *         IP_DROP_MEMBERSHIP with EADDRNOTAVAIL from its own list
     */
    public boolean leave(NetDevice dev, int group) {
        DevState st = devs.get(dev);
        Group g = st == null ? null : find(st, group);
        if (g == null) {
            return false;
        }
        if (--g.users == 0) {
            st.groups.remove(g);
            groupDropped(st, g);
        }
        return true;
    }

    /** True when {@code dev} has joined {@code group}. Mirrors {@code ip_check_mc_rcu()} (no source filters). */
    public boolean isMember(NetDevice dev, int group) {
        DevState st = devs.get(dev);
        return st != null && find(st, group) != null;
    }

    /** How many users hold {@code group} on {@code dev}; 0 when not joined. */
    public int users(NetDevice dev, int group) {
        DevState st = devs.get(dev);
        Group g = st == null ? null : find(st, group);
        return g == null ? 0 : g.users;
    }

    /** The groups {@code dev} has joined, newest first. */
    public List<Integer> groups(NetDevice dev) {
        DevState st = devs.get(dev);
        List<Integer> out = new ArrayList<>();
        if (st != null) {
            for (Group g : st.groups) {
                out.add(g.addr);
            }
        }
        return out;
    }

    private static Group find(DevState st, int group) {
        List<Group> l = st.groups;
        for (int i = 0; i < l.size(); i++) {
            Group g = l.get(i);
            if (g.addr == group) {
                return g;
            }
        }
        return null;
    }

    private void incGroup(NetDevice dev, int group) {
        DevState st = devs.computeIfAbsent(dev, d -> new DevState());
        Group g = find(st, group);
        if (g != null) {
            g.users++;
            return;
        }
        Group n = new Group(dev, group);
        n.users = 1;
        n.timer = inet.kernel.timers().newTimer("igmp_timer " + Ipv4Address.format(group) + " " + dev.name(), () -> timerExpire(n));
        st.groups.add(0, n);
        groupAdded(n);
    }

    /** Whether a group is ever reported: never all-hosts (RFC 2236 §6), 224.0.0.x unless allowed. */
    private boolean reportable(int group) {
        return group != Ipv4Address.ALL_HOSTS && (!Ipv4Address.isLocalMulticast(group) || llmReports.get() != 0);
    }

    /**
     * A membership begins (or its device came up). Mirrors {@code igmp_group_added()}: the first
     * unsolicited report goes now, the rest from the timer.
     */
    private void groupAdded(Group g) {
        if (!reportable(g.addr) || !g.dev.isUp()) {
            return;
        }
        g.unsolicit = (int) qrv.get();
        report(g);
    }

    /** A membership ended. Mirrors {@code igmp_group_dropped()}: stop the timer, leave if we were the reporter. */
    private void groupDropped(DevState st, Group g) {
        g.timer.cancel();
        if (g.reporter && reportable(g.addr) && !v1Seen(st)) {
            sendReport(g.dev, g.addr, io.jnetstack.wire.Igmp.LEAVE_GROUP);
        }
        g.reporter = false;
    }

    private boolean v1Seen(DevState st) {
        return st.v1SeenUntil != 0 && inet.kernel.clock().nanos() < st.v1SeenUntil;
    }

    // ================================================================ timers

    private void timerExpire(Group g) {
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.IGMP_TIMER_EXPIRE, null, inet.net.name(), g.dev.name());
        try {
            report(g);
        } finally {
            t.exit();
        }
    }

    /**
     * Sends the group's report and schedules the next unsolicited one if any remain. Mirrors the
     * body of {@code igmp_timer_expire()}; a v1 report while a v1 querier is present (RFC 2236 §4).
     */
    private void report(Group g) {
        if (g.unsolicit > 0 && --g.unsolicit > 0) {
            startTimer(g, unsolicitedInterval.get() * 1_000_000L);
        }
        g.reporter = true;
        DevState st = devs.get(g.dev);
        boolean v1 = st != null && v1Seen(st);
        sendReport(g.dev, g.addr, v1 ? io.jnetstack.wire.Igmp.V1_MEMBERSHIP_REPORT : io.jnetstack.wire.Igmp.V2_MEMBERSHIP_REPORT);
    }

    /** Arms the group's timer at a random point in [0, max). Mirrors {@code igmp_start_timer()}. */
    private void startTimer(Group g, long max) {
        g.timer.armAfter(random.nextLong(Math.max(1, max)));
    }

    /**
     * A query asked about the group within {@code max}. Mirrors {@code igmp_mod_timer()}: RFC 2236
     * §3, a running timer is reset only if the Max Response Time is less than what remains of
     * it; unsolicited repeats end.
     */
    private void modTimer(Group g, long max) {
        g.unsolicit = 0;
        if (g.timer.pending() && g.timer.expires() - inet.kernel.clock().nanos() <= max) {
            return;
        }
        startTimer(g, max);
    }

    // ================================================================ receive

    /** Mirrors {@code igmp_rcv()}: length and checksum, then by type. */
    @Override
    public void handle(SkBuff skb) {
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.IGMP_RCV, skb, inet.net.name(), skb.dev == null ? "" : skb.dev.name());
        try {
            rcv(skb);
        } finally {
            t.exit();
        }
    }

    private void rcv(SkBuff skb) {
        mib.inc(IgmpMib.InMsgs);
        int len = skb.len();
        if (len < io.jnetstack.wire.Igmp.HEADER_LEN || !skb.mayPull(len)) {
            mib.inc(IgmpMib.InErrors);
            inet.net.drop(skb, DropReason.PKT_TOO_SMALL);
            return;
        }
        byte[] b = skb.buf();
        int off = skb.data();
        if (!io.jnetstack.wire.Igmp.checksumOk(b, off, len)) {
            mib.inc(IgmpMib.InCsumErrors);
            mib.inc(IgmpMib.InErrors);
            inet.net.drop(skb, DropReason.IGMP_CSUM);
            return;
        }
        NetDevice dev = skb.dev;
        switch (io.jnetstack.wire.Igmp.type(b, off)) {
            case io.jnetstack.wire.Igmp.MEMBERSHIP_QUERY -> {
                mib.inc(IgmpMib.InQueries);
                if (!heardQuery(dev, skb, len)) {
                    mib.inc(IgmpMib.InErrors);
                    inet.net.drop(skb, DropReason.PKT_TOO_SMALL);
                    return;
                }
            }
            case io.jnetstack.wire.Igmp.V1_MEMBERSHIP_REPORT, io.jnetstack.wire.Igmp.V2_MEMBERSHIP_REPORT -> {
                mib.inc(IgmpMib.InReports);
                Rtable rt = (Rtable) skb.dst;
                boolean ours = rt != null && !rt.isInputRoute();   // our own report, looped back
                // Only a report others heard too suppresses ours: not a unicast one.
                if (!ours && (skb.pktType == PktType.MULTICAST || skb.pktType == PktType.BROADCAST)) {
                    heardReport(dev, io.jnetstack.wire.Igmp.group(b, off));
                }
            }
            case io.jnetstack.wire.Igmp.LEAVE_GROUP -> mib.inc(IgmpMib.InLeaves);
            default -> {
                // IGMPv3 reports, DVMRP, PIMv1, mtrace: for routers
            }
        }
        skb.free();
    }

    /**
     * Mirrors {@code igmp_heard_query()}: works out the version, the group asked about and the
     * Max Response Time, then starts or shortens the timers of the matching memberships.
     *
     * @return false for a query of 9 to 11 bytes, neither v2 nor v3 (RFC 3376 §7.1: ignored)
     */
    private boolean heardQuery(NetDevice dev, SkBuff skb, int len) {
        Tracer t = inet.kernel.tracer();
        t.point(Stage.IGMP_HEARD_QUERY, skb, inet.net.name(), dev == null ? "" : dev.name(), "");
        byte[] b = skb.buf();
        int off = skb.data();
        int code = io.jnetstack.wire.Igmp.maxRespCode(b, off);
        int group = io.jnetstack.wire.Igmp.group(b, off);
        DevState st = dev == null ? null : devs.get(dev);
        long max;
        if (len == io.jnetstack.wire.Igmp.HEADER_LEN) {
            if (code == 0) {
                // RFC 2236 §4: an IGMPv1 querier; its queries are general, answered within 10 s.
                max = QUERY_RESPONSE_INTERVAL;
                group = 0;
                if (st != null) {
                    st.v1SeenUntil = inet.kernel.clock().nanos() + V1_ROUTER_PRESENT_TIMEOUT;
                }
            } else {
                max = code * TENTH;
            }
        } else if (len < io.jnetstack.wire.Igmp.V3_QUERY_MIN_LEN) {
            return false;
        } else if (st != null && v1Seen(st)) {
            max = QUERY_RESPONSE_INTERVAL;
            group = 0;
        } else {
            max = Math.max(1, io.jnetstack.wire.Igmp.v3MaxRespTenths(code) * TENTH);
        }
        if (st == null) {
            return true;
        }
        for (Group g : st.groups) {
            if ((group == 0 || group == g.addr) && reportable(g.addr)) {
                modTimer(g, max);
            }
        }
        return true;
    }

    /**
     * Another host reported {@code group}: ours is not needed (RFC 2236 §3), and that host is now
     * the last reporter. Mirrors {@code igmp_heard_report()} → {@code igmp_stop_timer()}.
     */
    private void heardReport(NetDevice dev, int group) {
        inet.kernel.tracer().point(Stage.IGMP_HEARD_REPORT, null, inet.net.name(), dev == null ? "" : dev.name(),
                Ipv4Address.format(group));
        DevState st = dev == null ? null : devs.get(dev);
        Group g = st == null || !reportable(group) ? null : find(st, group);
        if (g != null) {
            g.timer.cancel();
            g.reporter = false;
            g.unsolicit = 0;
        }
    }

    // ================================================================ send

    /**
     * Sends a report ({@code type} 0x12 or 0x16) to the group or a Leave Group (0x17) to
     * all-routers, out of {@code dev}. Mirrors {@code igmp_send_report()}: TTL 1 (RFC 2236 §2),
     * the Router Alert option (RFC 2236 §2; RFC 2113), TOS internetwork control, DF, source the
     * route's (the device's primary address, or 0.0.0.0 when the host has none).
     *
     * @return false when the device is down or there is no route
     */
    private boolean sendReport(NetDevice dev, int group, int type) {
        if (!dev.isUp()) {
            return false;
        }
        int dst = type == io.jnetstack.wire.Igmp.LEAVE_GROUP ? Ipv4Address.ALL_ROUTERS : group;
        Rtable rt = inet.routing.output(dst, 0, 0, dev, 0);
        if (rt == null) {
            return false;
        }
        int saddr = rt.prefsrc();
        SkBuff skb = inet.kernel.skbs().alloc(IpOutput.LL_RESERVED + IP_HLEN, io.jnetstack.wire.Igmp.HEADER_LEN);
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.IGMP_SEND_REPORT, skb, inet.net.name(), dev.name());
        try {
            int at = skb.put(io.jnetstack.wire.Igmp.HEADER_LEN);
            io.jnetstack.wire.Igmp.write(skb.buf(), at, type, 0, group);
            int off = skb.push(IP_HLEN);
            byte[] o = skb.buf();
            Ipv4.writeHeader(o, off, 0xC0, skb.len(), inet.nextIdent(saddr, dst, Ipv4.PROTO_IGMP), Ipv4.FLAG_DF, 1,
                    Ipv4.PROTO_IGMP, saddr, dst);
            Ipv4.setVersionIhl(o, off, IP_HLEN >>> 2);
            o[off + Ipv4.OPTIONS] = (byte) Ipv4Options.OPT_RA;
            o[off + Ipv4.OPTIONS + 1] = (byte) Ipv4Options.OPT_RA_LEN;
            o[off + Ipv4.OPTIONS + 2] = 0;
            o[off + Ipv4.OPTIONS + 3] = 0;
            skb.priority = PRIO_CONTROL;
            skb.dst = rt;
            mib.inc(type == io.jnetstack.wire.Igmp.LEAVE_GROUP ? IgmpMib.OutLeaves : IgmpMib.OutReports);
            inet.output.localOut(skb);
            return true;
        } finally {
            t.exit();
        }
    }

    // ================================================================ devices

    /** Device events. Mirrors {@code ip_mc_up()}, {@code ip_mc_down()} and {@code ip_mc_destroy_dev()}. */
    void netdevEvent(NetdevEvent e, NetDevice dev) {
        switch (e) {
            case UP -> up(dev);
            case DOWN -> down(dev);
            case UNREGISTER -> {
                DevState st = devs.remove(dev);
                if (st != null) {
                    for (Group g : st.groups) {
                        g.timer.cancel();
                    }
                }
            }
            default -> {
            }
        }
    }

    /**
     * Joins all-hosts (RFC 2236 §6: a member on every interface) and announces the groups kept
     * while the device was down.
     */
    private void up(NetDevice dev) {
        if ((dev.flags() & IfFlags.MULTICAST) == 0) {
            return;
        }
        DevState st = devs.computeIfAbsent(dev, d -> new DevState());
        st.v1SeenUntil = 0;
        incGroup(dev, Ipv4Address.ALL_HOSTS);
        for (Group g : List.copyOf(st.groups)) {
            groupAdded(g);
        }
    }

    /** Stops the timers; memberships stay for when the device comes back; all-hosts goes. */
    private void down(NetDevice dev) {
        DevState st = devs.get(dev);
        if (st == null) {
            return;
        }
        for (Group g : st.groups) {
            g.timer.cancel();
            g.unsolicit = 0;
        }
        if ((dev.flags() & IfFlags.MULTICAST) != 0) {
            leave(dev, Ipv4Address.ALL_HOSTS);
        }
    }

    // ================================================================ listing

    /**
     * The memberships as {@code ip maddr show} prints them: per device with groups, the link
     * addresses they map to (RFC 1112 §6.4; Ethernet devices) then the groups, newest first,
     * with their user count when above one.
     */
    public String format() {
        StringBuilder sb = new StringBuilder();
        for (NetDevice d : inet.net.devices()) {
            DevState st = devs.get(d);
            if (st == null || st.groups.isEmpty()) {
                continue;
            }
            sb.append(d.ifindex()).append(":\t").append(d.name()).append('\n');
            if (d.type() == NetDevice.ARPHRD_ETHER) {
                Map<Long, Integer> macs = new LinkedHashMap<>();
                for (int i = st.groups.size() - 1; i >= 0; i--) {
                    macs.merge(inet.arp.fixedAddress(st.groups.get(i).addr, d), 1, Integer::sum);
                }
                for (Map.Entry<Long, Integer> m : macs.entrySet()) {
                    sb.append("\tlink  ").append(MacAddress.fromLong(m.getKey()));
                    sb.append(m.getValue() > 1 ? " users " + m.getValue() : "").append('\n');
                }
            }
            for (Group g : st.groups) {
                sb.append("\tinet  ").append(Ipv4Address.format(g.addr));
                sb.append(g.users > 1 ? " users " + g.users : "").append('\n');
            }
        }
        return sb.toString();
    }
}
