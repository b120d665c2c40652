package io.jnetstack.neigh;

import io.jnetstack.core.Dev;
import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.Eth;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.Qdisc;
import io.jnetstack.core.SkBuff;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;
import io.jnetstack.wire.Ethernet;

/**
 * The output functions a neighbour entry points to, and its cached link-layer header. Mirrors
 * {@code neigh_hh_output()}, {@code neigh_resolve_output()}, {@code neigh_connected_output()},
 * {@code neigh_direct_output()}, {@code neigh_blackhole()}, {@code neigh_hh_init()} and
 * {@code neigh_update_hhs()}, with Ethernet's {@code header_ops} ({@code eth_header},
 * {@code eth_header_cache}, {@code eth_header_cache_update}).
 *
 * <p>One departure from Linux: on Ethernet Linux's ARP uses {@code neigh_resolve_output} as the
 * connected output too ({@code arp_hh_ops}); here a connected entry uses
 * {@code neigh_connected_output}, as the 2.6-era code the seeds describe, and both functions build
 * the header cache, so later packets take {@code neigh_hh_output} as in Linux.
 */
final class NeighOutput {
    private final NeighTable table;
    private final Net net;
    private final Tracer tracer;
    private final int protocol;

    NeighOutput(NeighTable table) {
        this.table = table;
        this.net = table.net();
        this.tracer = table.tracer();
        this.protocol = table.protocol();
    }

    /** Calls the entry's output function ({@code n->output(n, skb)}). */
    int call(Neighbour n, SkBuff skb) {
        return switch (n.output) {
            case RESOLVE -> resolveOutput(n, skb);
            case CONNECTED -> connectedOutput(n, skb);
            case DIRECT -> directOutput(n, skb);
            case BLACKHOLE -> blackhole(n, skb);
        };
    }

    /**
     * Pushes the cached header and hands the frame to the device. Mirrors {@code neigh_hh_output()}.
     * Allocates nothing unless the packet lacks headroom (then the head is expanded, as
     * {@code ip_finish_output2} would have done).
     */
    int hhOutput(Neighbour n, SkBuff skb) {
        tracer.enter(Stage.NEIGH_HH_OUTPUT, skb, net.name(), n.dev.name());
        try {
            int len = n.hhLen;
            if (skb.headroom() < len) {
                skb.ensureWritable(len);
            }
            int off = skb.push(len);
            System.arraycopy(n.hh, 0, skb.buf(), off, len);
            skb.resetMacHeader();
            skb.protocol = protocol;
            skb.dev = n.dev;
            return Dev.queueXmit(skb);
        } finally {
            tracer.exit();
        }
    }

    /**
     * The slow path: resolve if needed (the packet may be queued), then build the header from the
     * entry's address and send. Mirrors {@code neigh_resolve_output()}.
     */
    private int resolveOutput(Neighbour n, SkBuff skb) {
        tracer.enter(Stage.NEIGH_RESOLVE_OUTPUT, skb, net.name(), n.dev.name());
        try {
            if (table.nud().eventSend(n, skb) != 0) {
                return Qdisc.NET_XMIT_SUCCESS;
            }
            initHeaderCache(n);
            if (!hardHeader(n, skb)) {
                return -Errno.EINVAL.code();
            }
            return Dev.queueXmit(skb);
        } finally {
            tracer.exit();
        }
    }

    /** Builds the header from a known address and sends. Mirrors {@code neigh_connected_output()}. */
    int connectedOutput(Neighbour n, SkBuff skb) {
        tracer.enter(Stage.NEIGH_CONNECTED_OUTPUT, skb, net.name(), n.dev.name());
        try {
            initHeaderCache(n);
            if (!hardHeader(n, skb)) {
                return -Errno.EINVAL.code();
            }
            return Dev.queueXmit(skb);
        } finally {
            tracer.exit();
        }
    }

    /** Sends with no link-layer header (TUN). Mirrors {@code neigh_direct_output()}. */
    private int directOutput(Neighbour n, SkBuff skb) {
        skb.dev = n.dev;
        skb.protocol = protocol;
        return Dev.queueXmit(skb);
    }

    /** Drops everything sent to a dead entry. Mirrors {@code neigh_blackhole()}. */
    private int blackhole(Neighbour n, SkBuff skb) {
        net.drop(skb, DropReason.NOT_SPECIFIED);
        return -Errno.ENETDOWN.code();
    }

    /**
     * Puts the link-layer header in front of the network header. Mirrors the
     * {@code __skb_pull(skb, skb_network_offset(skb))} + {@code dev_hard_header()} step.
     *
     * @return false when the packet was dropped
     */
    private boolean hardHeader(Neighbour n, SkBuff skb) {
        int nh = skb.networkHeader();
        if (nh >= 0 && nh > skb.data() && skb.pull(nh - skb.data()) < 0) {
            net.drop(skb, DropReason.DEV_HDR);
            return false;
        }
        NetDevice dev = n.dev;
        skb.dev = dev;
        int hl = dev.hardHeaderLen();
        if (hl == 0) {
            skb.protocol = protocol;
            return true;
        }
        if (hl != Ethernet.HEADER_LEN) {
            net.drop(skb, DropReason.DEV_HDR);
            return false;
        }
        if (skb.headroom() < hl) {
            skb.ensureWritable(hl);
        }
        Eth.header(skb, protocol, n.ha, dev.mac().bits());
        return true;
    }

    /**
     * Builds the cached header if the device caches headers (Ethernet) and it is missing or was
     * built with an older device address. Mirrors {@code neigh_hh_init()} → {@code eth_header_cache()}.
     */
    private void initHeaderCache(Neighbour n) {
        NetDevice dev = n.dev;
        if (dev.hardHeaderLen() != Ethernet.HEADER_LEN || n.hh.length < Ethernet.HEADER_LEN) {
            return;
        }
        long src = dev.mac().bits();
        if (n.hhLen == 0 || n.hhSrc != src) {
            Ethernet.writeHeader(n.hh, 0, n.ha, src, protocol);
            n.hhSrc = src;
            n.hhLen = Ethernet.HEADER_LEN;
        }
    }

    /**
     * Rewrites a built header cache after the entry's address changed. Mirrors
     * {@code neigh_update_hhs()} → {@code eth_header_cache_update()}.
     */
    void updateHeaderCache(Neighbour n) {
        if (n.hhLen > 0) {
            long src = n.dev.mac().bits();
            Ethernet.writeHeader(n.hh, 0, n.ha, src, protocol);
            n.hhSrc = src;
        }
    }
}
