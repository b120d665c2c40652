package io.jnetstack.ipv4;

import io.jnetstack.core.Dev;
import io.jnetstack.core.DropReason;
import io.jnetstack.core.IfFlags;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.PktType;
import io.jnetstack.core.SkBuff;
import io.jnetstack.neigh.NeighOps;
import io.jnetstack.neigh.NeighTable;
import io.jnetstack.neigh.Neighbour;
import io.jnetstack.neigh.NudState;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.EtherType;
import io.jnetstack.wire.Ethernet;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Address;
import io.jnetstack.wire.MacAddress;

/**
 * ARP (RFC 826) for IPv4 over Ethernet. Mirrors {@code net/ipv4/arp.c}: {@code arp_rcv} and
 * {@code arp_process} answer requests for our addresses and update the neighbour table;
 * {@code arp_solicit} → {@code arp_send_dst} → {@code arp_create} → {@code arp_xmit} sends probes
 * for the neighbour layer; {@code arp_error_report} turns a failed resolution into ICMP host
 * unreachable; a gratuitous ARP announces a new address.
 */
public final class Arp implements NeighOps {
    /** Ethernet/IPv4 ARP packet length. */
    static final int ARP_LEN = 28;
    private final Inet inet;
    private final NeighTable table;

    Arp(Inet inet) {
        this.inet = inet;
        this.table = new NeighTable(inet.net, "arp_cache", "net.ipv4.neigh", EtherType.IPV4, this);
    }

    /** The ARP neighbour table ({@code arp_tbl}). */
    public NeighTable table() {
        return table;
    }

    // ================================================================ receive

    /** Mirrors {@code arp_rcv()}: sanity checks, then {@code arp_process()}. */
    public void rcv(SkBuff skb, NetDevice dev) {
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.ARP_RCV, skb, inet.net.name(), dev.name());
        try {
            if ((dev.flags() & (IfFlags.NOARP | IfFlags.LOOPBACK)) != 0 || skb.pktType == PktType.OTHERHOST || skb.pktType == PktType.LOOPBACK
                    || !skb.mayPull(ARP_LEN)) {
                inet.net.drop(skb, DropReason.ARP_INVALID);
                return;
            }
            byte[] b = skb.buf();
            int off = skb.data();
            if (io.jnetstack.wire.Arp.check(b, off, skb.len()) < 0
                    || io.jnetstack.wire.Arp.htype(b, off) != io.jnetstack.wire.Arp.HRD_ETHER
                    || io.jnetstack.wire.Arp.ptype(b, off) != EtherType.IPV4
                    || io.jnetstack.wire.Arp.hlen(b, off) != 6 || io.jnetstack.wire.Arp.plen(b, off) != 4) {
                inet.net.drop(skb, DropReason.ARP_INVALID);
                return;
            }
            process(skb, dev);
        } finally {
            t.exit();
        }
    }

    /** Mirrors {@code arp_process()}. */
    private void process(SkBuff skb, NetDevice dev) {
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.ARP_PROCESS, skb, inet.net.name(), dev.name());
        try {
            byte[] b = skb.buf();
            int off = skb.data();
            int op = io.jnetstack.wire.Arp.oper(b, off);
            long sha = io.jnetstack.wire.Arp.sha(b, off);
            int sip = io.jnetstack.wire.Arp.spa(b, off);
            int tip = io.jnetstack.wire.Arp.tpa(b, off);
            if ((op != io.jnetstack.wire.Arp.OP_REQUEST && op != io.jnetstack.wire.Arp.OP_REPLY)
                    || Ipv4Address.isMulticast(tip) || (Ipv4Address.isLoopback(tip) && inet.routeLocalnet.get() == 0)
                    || (sha & MacAddress.GROUP_BIT) != 0) {
                inet.net.drop(skb, DropReason.ARP_INVALID);
                return;
            }
            boolean tipLocal = isLocalOn(tip, dev);
            if (sip == 0) {
                // RFC 5227 duplicate address probe: answer if the address is ours
                if (op == io.jnetstack.wire.Arp.OP_REQUEST && tipLocal) {
                    send(io.jnetstack.wire.Arp.OP_REPLY, sip, dev, tip, sha, dev.mac().bits(), sha);
                }
                skb.free();
                return;
            }
            boolean garp = sip == tip;
            if (op == io.jnetstack.wire.Arp.OP_REQUEST) {
                if (skb.pktType == PktType.HOST) {
                    table.stats().rcvProbesUcast++;
                } else {
                    table.stats().rcvProbesMcast++;
                }
            }
            if (op == io.jnetstack.wire.Arp.OP_REQUEST && tipLocal && !garp && !ignore(dev, sip, tip)) {
                table.eventNs(sha, sip, dev);
                send(io.jnetstack.wire.Arp.OP_REPLY, sip, dev, tip, sha, dev.mac().bits(), sha);
                skb.free();
                return;
            }
            Neighbour n = table.lookup(sip, dev);
            if (n == null && inet.arpAccept.get() != 0 && (op == io.jnetstack.wire.Arp.OP_REPLY || garp)) {
                n = table.lookupOrCreate(sip, dev);
            }
            if (n != null) {
                NudState state = op == io.jnetstack.wire.Arp.OP_REPLY && skb.pktType == PktType.HOST
                        ? NudState.REACHABLE : NudState.STALE;
                boolean override = garp || table.pastLocktime(n);
                table.update(n, sha, state, override ? NeighTable.UPDATE_F_OVERRIDE : 0);
            }
            skb.free();
        } finally {
            t.exit();
        }
    }

    private boolean isLocalOn(int addr, NetDevice dev) {
        return inet.routing.addressType(addr) == Rtable.RTN_LOCAL;
    }

    /** Mirrors {@code arp_ignore()}: mode 1 answers only for addresses on the receiving device. */
    private boolean ignore(NetDevice dev, int sip, int tip) {
        int mode = (int) inet.arpIgnore.get();
        if (mode == 0) {
            return false;
        }
        for (IfAddr a : inet.devinet.addresses(dev)) {
            if (a.local() == tip && (mode != 2 || a.covers(sip))) {
                return false;
            }
        }
        return true;
    }

    // ================================================================ send

    /**
     * Mirrors {@code arp_solicit()}: probes for {@code n}, from the source address of the
     * packet that needs it when that is ours (arp_announce 0), else the best address of the
     * device; unicast to the known address when re-validating a stale entry.
     */
    @Override
    public void solicit(Neighbour n, SkBuff trigger) {
        NetDevice dev = n.dev();
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.ARP_SOLICIT, trigger, inet.net.name(), dev.name());
        try {
            int target = n.key();
            int saddr = 0;
            if (trigger != null && inet.arpAnnounce.get() < 2) {
                int nh = trigger.networkHeader() >= 0 ? trigger.networkHeader() : trigger.data();
                int s = Ipv4.src(trigger.buf(), nh);
                if (inet.routing.addressType(s) == Rtable.RTN_LOCAL) {
                    saddr = s;
                }
            }
            if (saddr == 0) {
                saddr = inet.devinet.selectAddress(dev, target, Inet.SCOPE_LINK);
            }
            long dstHw = n.state().valid() ? n.lladdr() : -1;
            sendDst(io.jnetstack.wire.Arp.OP_REQUEST, target, dev, saddr, dstHw, dev.mac().bits(), 0, trigger);
        } finally {
            t.exit();
        }
    }

    /**
     * Mirrors {@code arp_error_report()}: a packet queued for a neighbour that failed gets an ICMP
     * host unreachable to its source (RFC 1122 §2.3.2.2). The table frees the packet.
     */
    @Override
    public void errorReport(Neighbour n, SkBuff skb) {
        if (skb.dst != null) {
            inet.icmp.send(skb, io.jnetstack.wire.Icmp.DEST_UNREACH, io.jnetstack.wire.Icmp.HOST_UNREACH, 0);
        }
    }

    /** Sends an ARP packet with an Ethernet broadcast or unicast destination. */
    void send(int op, int dip, NetDevice dev, int sip, long dstHw, long srcHw, long targetHw) {
        sendDst(op, dip, dev, sip, dstHw, srcHw, targetHw, null);
    }

    /** Mirrors {@code arp_send_dst()}: create and transmit. */
    private void sendDst(int op, int dip, NetDevice dev, int sip, long dstHw, long srcHw, long targetHw, SkBuff cause) {
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.ARP_SEND_DST, cause, inet.net.name(), dev.name());
        try {
            if ((dev.flags() & (IfFlags.NOARP | IfFlags.LOOPBACK)) != 0 || dev.hardHeaderLen() != Ethernet.HEADER_LEN) {
                return;
            }
            SkBuff skb = create(op, dip, dev, sip, dstHw, srcHw, targetHw);
            xmit(skb);
        } finally {
            t.exit();
        }
    }

    /** Mirrors {@code arp_create()}: an Ethernet frame carrying an ARP packet. */
    private SkBuff create(int op, int dip, NetDevice dev, int sip, long dstHw, long srcHw, long targetHw) {
        SkBuff skb = inet.kernel.skbs().alloc(IpOutput.LL_RESERVED, ARP_LEN);
        inet.kernel.tracer().point(Stage.ARP_CREATE, skb, inet.net.name(), dev.name(), "");
        int at = skb.put(ARP_LEN);
        long tha = op == io.jnetstack.wire.Arp.OP_REQUEST ? 0 : (targetHw == -1 ? 0 : targetHw);
        io.jnetstack.wire.Arp.writeEthIpv4(skb.buf(), at, op, srcHw, sip, tha, dip);
        skb.resetNetworkHeader();
        long dst = dstHw == -1 ? MacAddress.BROADCAST.bits() : dstHw;
        io.jnetstack.core.Eth.header(skb, EtherType.ARP, dst, srcHw);
        skb.dev = dev;
        return skb;
    }

    /** Mirrors {@code arp_xmit()} → {@code arp_xmit_finish()} → {@code dev_queue_xmit()}. */
    private void xmit(SkBuff skb) {
        Tracer t = inet.kernel.tracer();
        t.enter(Stage.ARP_XMIT, skb, inet.net.name(), skb.dev.name());
        try {
            t.point(Stage.ARP_XMIT_FINISH, skb, inet.net.name(), skb.dev.name(), "");
            Dev.queueXmit(skb);
        } finally {
            t.exit();
        }
    }

    /** Announces an address: a gratuitous ARP request for itself (RFC 5227 §3). */
    void gratuitous(IfAddr a) {
        NetDevice dev = a.dev();
        if (!dev.isUp() || (dev.flags() & (IfFlags.NOARP | IfFlags.LOOPBACK)) != 0 || dev.hardHeaderLen() != Ethernet.HEADER_LEN) {
            return;
        }
        send(io.jnetstack.wire.Arp.OP_REQUEST, a.local(), dev, a.local(), -1, dev.mac().bits(), 0);
    }

    /**
     * The neighbour entry for the next hop, looked up or created. Mirrors
     * {@code __ipv4_neigh_lookup_noref()} / {@code __neigh_create()}.
     */
    Neighbour neighFor(int nexthop, NetDevice dev, Rtable rt) {
        Neighbour n = table.lookup(nexthop, dev);
        return n != null ? n : table.lookupOrCreate(nexthop, dev);
    }

    /**
     * Broadcast and multicast destinations need no resolution: the broadcast address, or the
     * RFC 1112 §6.4 mapping of the group. Mirrors that part of {@code arp_constructor()}.
     */
    @Override
    public long fixedAddress(int key, NetDevice dev) {
        if (Ipv4Address.isMulticast(key)) {
            return 0x01005E000000L | (key & 0x7FFFFF);
        }
        if (Ipv4Address.isLbcast(key) || inet.routing.addressType(key) == Rtable.RTN_BROADCAST) {
            return MacAddress.BROADCAST.bits();
        }
        return RESOLVE;
    }
}
