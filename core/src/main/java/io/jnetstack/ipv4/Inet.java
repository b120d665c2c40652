package io.jnetstack.ipv4;

import io.jnetstack.core.Kernel;
import io.jnetstack.core.Mib;
import io.jnetstack.core.Net;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.Sysctls;
import io.jnetstack.ipv4.fib.Fib;
import io.jnetstack.ipv4.frag.FragContext;
import io.jnetstack.ipv4.frag.FragCounter;
import io.jnetstack.ipv4.frag.IpDefrag;
import io.jnetstack.ipv4.frag.IpFragmenter;
import io.jnetstack.neigh.NeighTable;
import io.jnetstack.netfilter.Netfilter;
import io.jnetstack.wire.EtherType;

/**
 * The IPv4 state of one namespace and its parts, as {@code inet_init()} wires them: addresses
 * ({@link Devinet}), the FIB ({@link Fib}), routing ({@link Routing}), ARP and its neighbour
 * table, input, output, forwarding, ICMP, IGMP, fragmentation and reassembly, netfilter hooks, the
 * protocol table ({@code inet_protos}), sysctls under Linux names and SNMP counters.
 * Mirrors {@code struct netns_ipv4}.
 */
public final class Inet {
    /** RT_SCOPE_UNIVERSE. */
    public static final int SCOPE_UNIVERSE = 0;
    /** RT_SCOPE_SITE. */
    public static final int SCOPE_SITE = 200;
    /** RT_SCOPE_LINK. */
    public static final int SCOPE_LINK = 253;
    /** RT_SCOPE_HOST. */
    public static final int SCOPE_HOST = 254;
    /** RT_SCOPE_NOWHERE. */
    public static final int SCOPE_NOWHERE = 255;

    final Net net;
    final Kernel kernel;
    final Sysctls.Entry ipForward;
    final Sysctls.Entry defaultTtl;
    final Sysctls.Entry noPmtuDisc;
    final Sysctls.Entry icmpEchoIgnoreAll;
    final Sysctls.Entry icmpEchoIgnoreBroadcasts;
    final Sysctls.Entry icmpRatelimit;
    final Sysctls.Entry icmpRatemask;
    final Sysctls.Entry icmpMsgsPerSec;
    final Sysctls.Entry icmpMsgsBurst;
    final Sysctls.Entry icmpErrorsUseInboundIfaddr;
    final Sysctls.Entry acceptRedirects;
    final Sysctls.Entry sendRedirects;
    final Sysctls.Entry rpFilter;
    final Sysctls.Entry acceptLocal;
    final Sysctls.Entry routeLocalnet;
    final Sysctls.Entry arpIgnore;
    final Sysctls.Entry arpAnnounce;
    final Sysctls.Entry arpAccept;
    final Sysctls.Entry minPmtu;
    final Sysctls.Entry mtuExpires;

    final Mib<IpMib> ipMib = new Mib<>("Ip", IpMib.class);
    final Mib<IcmpMib> icmpMib = new Mib<>("Icmp", IcmpMib.class);
    final IcmpMsgMib icmpMsg = new IcmpMsgMib();
    final Netfilter netfilter;
    final Fib fib;
    final Devinet devinet;
    final Routing routing;
    final Arp arp;
    final NeighTable arpTable;
    final IpInput input;
    final IpOutput output;
    final IpForward forward;
    final Icmp icmp;
    final Igmp igmp;
    final IpFragmenter fragmenter = new IpFragmenter();
    final IpDefrag defrag;
    private final FragContext fragCtx;
    private final InetProtocol[] protocols = new InetProtocol[256];
    private RawHandler raw;
    private final int[] idents;
    private final int identSalt;
    private long reasmOverlaps;

    /** Creates the IPv4 state of {@code net} and registers its EtherType handlers. */
    public Inet(Net net) {
        this.net = net;
        this.kernel = net.kernel();
        Sysctls s = net.sysctls();
        ipForward = s.register("net.ipv4.ip_forward", 0, 1, 0);
        defaultTtl = s.register("net.ipv4.ip_default_ttl", 1, 255, 64);
        noPmtuDisc = s.register("net.ipv4.ip_no_pmtu_disc", 0, 3, 0);
        icmpEchoIgnoreAll = s.register("net.ipv4.icmp_echo_ignore_all", 0, 1, 0);
        icmpEchoIgnoreBroadcasts = s.register("net.ipv4.icmp_echo_ignore_broadcasts", 0, 1, 1);
        icmpRatelimit = s.register("net.ipv4.icmp_ratelimit", 0, Integer.MAX_VALUE, 1000);
        icmpRatemask = s.register("net.ipv4.icmp_ratemask", 0, Integer.MAX_VALUE, 6168);
        icmpMsgsPerSec = s.register("net.ipv4.icmp_msgs_per_sec", 0, Integer.MAX_VALUE, 1000);
        icmpMsgsBurst = s.register("net.ipv4.icmp_msgs_burst", 0, Integer.MAX_VALUE, 50);
        icmpErrorsUseInboundIfaddr = s.register("net.ipv4.icmp_errors_use_inbound_ifaddr", 0, 1, 0);
        acceptRedirects = s.register("net.ipv4.conf.all.accept_redirects", 0, 1, 1);
        sendRedirects = s.register("net.ipv4.conf.all.send_redirects", 0, 1, 1);
        rpFilter = s.register("net.ipv4.conf.all.rp_filter", 0, 2, 0);
        acceptLocal = s.register("net.ipv4.conf.all.accept_local", 0, 1, 0);
        routeLocalnet = s.register("net.ipv4.conf.all.route_localnet", 0, 1, 0);
        arpIgnore = s.register("net.ipv4.conf.all.arp_ignore", 0, 8, 0);
        arpAnnounce = s.register("net.ipv4.conf.all.arp_announce", 0, 2, 0);
        arpAccept = s.register("net.ipv4.conf.all.arp_accept", 0, 2, 0);
        minPmtu = s.register("net.ipv4.route.min_pmtu", 68, 65535, 552);
        mtuExpires = s.register("net.ipv4.route.mtu_expires", 0, Integer.MAX_VALUE, 600);
        netfilter = new Netfilter(net);
        fib = new Fib(net);
        devinet = new Devinet(this);
        routing = new Routing(this);
        arp = new Arp(this);
        arpTable = arp.table();
        input = new IpInput(this);
        output = new IpOutput(this);
        forward = new IpForward(this);
        icmp = new Icmp(this);
        igmp = new Igmp(this);
        defrag = new IpDefrag(net);
        fragCtx = new FragContext() {
            @Override
            public Net net() {
                return net;
            }

            @Override
            public void count(FragCounter c) {
                switch (c) {
                    case ReasmTimeout -> ipMib.inc(IpMib.ReasmTimeout);
                    case ReasmReqds -> ipMib.inc(IpMib.ReasmReqds);
                    case ReasmOKs -> ipMib.inc(IpMib.ReasmOKs);
                    case ReasmFails -> ipMib.inc(IpMib.ReasmFails);
                    case FragOKs -> ipMib.inc(IpMib.FragOKs);
                    case FragFails -> ipMib.inc(IpMib.FragFails);
                    case FragCreates -> ipMib.inc(IpMib.FragCreates);
                    case ReasmOverlaps -> reasmOverlaps++;
                }
            }

            @Override
            public void sendIcmp(SkBuff about, int type, int code, int info) {
                icmp.send(about, type, code, info);
            }

            @Override
            public int output(SkBuff fragment) {
                return Inet.this.output.finishOutput2(fragment);
            }
        };
        idents = new int[2048];
        java.util.random.RandomGenerator r = kernel.random("ip_idents " + net.name());
        for (int i = 0; i < idents.length; i++) {
            idents[i] = r.nextInt();
        }
        identSalt = r.nextInt();
        addProtocol(io.jnetstack.wire.Ipv4.PROTO_ICMP, icmp);
        addProtocol(io.jnetstack.wire.Ipv4.PROTO_IGMP, igmp);
        net.addProtocol(EtherType.IPV4, input::rcv);
        net.addOffload(EtherType.IPV4, new io.jnetstack.ipv4.offload.InetOffload(net));
        net.addProtocol(EtherType.ARP, arp::rcv);
        net.addNetdevListener(devinet::netdevEvent);
        net.addNetdevListener(igmp::netdevEvent);
        ipMib.set(IpMib.Forwarding, 2);
        ipMib.set(IpMib.DefaultTTL, 64);
    }

    /** The namespace. */
    public Net net() {
        return net;
    }

    /** Addresses. */
    public Devinet devinet() {
        return devinet;
    }

    /** The FIB: tables and rules. */
    public Fib fib() {
        return fib;
    }

    /** Route lookups, caches and exceptions (PMTU, redirects). */
    public Routing routing() {
        return routing;
    }

    /** The ARP neighbour table. */
    public NeighTable arpTable() {
        return arpTable;
    }

    /** ARP. */
    public Arp arp() {
        return arp;
    }

    /** ICMP. */
    public Icmp icmp() {
        return icmp;
    }

    /** IGMP and the multicast group memberships of the devices. */
    public Igmp igmp() {
        return igmp;
    }

    /** The output path. */
    public IpOutput output() {
        return output;
    }

    /** Reassembly. */
    public IpDefrag defrag() {
        return defrag;
    }

    /** Reassembly queues dropped for overlapping fragments (IpExt ReasmOverlaps). */
    public long reasmOverlaps() {
        return reasmOverlaps;
    }

    /** Mirrors {@code ip_defrag()} for local delivery: the whole datagram, or null while incomplete. */
    SkBuff defragment(SkBuff skb) {
        return defrag.defrag(fragCtx, skb);
    }

    /** Mirrors {@code ip_fragment()} on output. */
    int fragmentOut(SkBuff skb, int mtu) {
        return fragmenter.fragment(fragCtx, skb, mtu, false);
    }

    /** Netfilter hook points. */
    public Netfilter netfilter() {
        return netfilter;
    }

    /** The "Ip:" counters. */
    public Mib<IpMib> ipMib() {
        return ipMib;
    }

    /** The "Icmp:" counters. */
    public Mib<IcmpMib> icmpMib() {
        return icmpMib;
    }

    /** The "IcmpMsg:" counters. */
    public IcmpMsgMib icmpMsgMib() {
        return icmpMsg;
    }

    /** True when this namespace forwards ({@code net.ipv4.ip_forward}). */
    public boolean forwarding() {
        return ipForward.get() != 0;
    }

    /** Registers the handler of an IP protocol. Mirrors {@code inet_add_protocol()}. */
    public void addProtocol(int protocol, InetProtocol handler) {
        protocols[protocol & 0xff] = handler;
    }

    /** The handler of an IP protocol, or null. */
    public InetProtocol protocol(int protocol) {
        return protocols[protocol & 0xff];
    }

    /** Installs the raw sockets' hook into local delivery and ICMP errors. */
    public void setRawHandler(RawHandler handler) {
        this.raw = handler;
    }

    /** The raw sockets' hook, or null. */
    public RawHandler rawHandler() {
        return raw;
    }

    /**
     * The next IP ID for a datagram from {@code src} to {@code dst}. Mirrors
     * {@code ip_select_ident()}: a counter per hash bucket of the flow, starting at a random
     * value, so IDs are unpredictable across flows and sequential within one.
     */
    public int nextIdent(int src, int dst, int protocol) {
        int h = (dst * 0x9E3779B1) ^ (src * 0x85EBCA6B) ^ (protocol * 0xC2B2AE35) ^ identSalt;
        h ^= h >>> 15;
        int b = h & (idents.length - 1);
        return idents[b]++ & 0xffff;
    }

    /** {@code /proc/net/snmp} for Ip, Icmp and IcmpMsg. */
    public String formatSnmp() {
        ipMib.set(IpMib.Forwarding, forwarding() ? 1 : 2);
        ipMib.set(IpMib.DefaultTTL, defaultTtl.get());
        return ipMib.format() + icmpMib.format() + icmpMsg.format();
    }

    /** {@code nstat -az}-style non-zero counters. */
    public String formatNstat() {
        ipMib.set(IpMib.Forwarding, forwarding() ? 1 : 2);
        ipMib.set(IpMib.DefaultTTL, defaultTtl.get());
        return ipMib.formatNonZero() + icmpMib.formatNonZero() + icmpMsg.formatNonZero();
    }
}
