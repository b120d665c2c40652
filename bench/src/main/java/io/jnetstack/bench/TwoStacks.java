package io.jnetstack.bench;

import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.link.Veth;
import io.jnetstack.wire.Ipv4Address;

/**
 * Two namespaces {@code a} (198.18.0.1/24) and {@code b} (198.18.0.2/24) of one deterministic
 * kernel joined by a veth pair, loopbacks and links up, one virtual second run so the links
 * settle: the jnetstack side of most workloads.
 */
final class TwoStacks {
    static final int ADDR_A = Ipv4Address.parse("198.18.0.1");
    static final int ADDR_B = Ipv4Address.parse("198.18.0.2");

    final Kernel k;
    final Net a;
    final Net b;
    /** {@code a}'s end; {@code veth.peer()} is {@code b}'s. */
    final Veth veth;

    /**
     * @param mtu the veth pair's MTU (1,500, or 65,535 as the bulk workloads use)
     */
    TwoStacks(long seed, int mtu) {
        k = Kernel.deterministic(seed);
        a = k.newNet("a");
        b = k.newNet("b");
        veth = Veth.createPair(a, "veth0", b, "veth0");
        if (mtu != 1500) {
            veth.setMtu(mtu);
            veth.peer().setMtu(mtu);
        }
        a.loopback().up();
        b.loopback().up();
        veth.up();
        veth.peer().up();
        a.inet().devinet().add(veth, ADDR_A, 24);
        b.inet().devinet().add(veth.peer(), ADDR_B, 24);
    }

    /** Lets a virtual second pass (address events, the first ARP if any). */
    TwoStacks settle() {
        k.runFor(1_000_000_000L);
        return this;
    }
}
