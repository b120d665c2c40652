package io.jnetstack.neigh;

import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;

/**
 * The protocol's part of a neighbour table: how to ask for an address and how to report that
 * one could not be found. Mirrors {@code struct neigh_ops} (for IPv4: {@code arp_solicit},
 * {@code arp_error_report}) and the part of the table's constructor ({@code arp_constructor})
 * that knows addresses needing no resolution.
 *
 * <p>The table calls these under the kernel lock, with bottom halves disabled for
 * {@link #solicit}. They may send packets and may call back into the table (a loopback answer
 * can update the entry being solicited); the table is consistent whenever they run.
 */
public interface NeighOps {
    /** Returned by {@link #fixedAddress} when the key needs resolution. */
    long RESOLVE = -1;

    /**
     * Sends one solicitation for {@code n}. Mirrors {@code neigh->ops->solicit} ({@code arp_solicit}).
     * Read {@link Neighbour#probes()} to choose the kind, as {@code arp_solicit} does: while
     * {@code probes < ucast_solicit} a unicast probe to {@link Neighbour#lladdr()} (the entry is
     * in PROBE, re-checking a known address), then {@code app_solicit} user-space requests, then
     * broadcasts.
     *
     * @param n       the entry being resolved
     * @param trigger a clone of the most recently queued packet (the tail of the entry's queue, as
     *                {@code neigh_probe()} takes it) whose source address the request may use, data
     *                at the network header; or null. The table frees it after the call: the protocol
     *                must neither free nor keep it
     */
    void solicit(Neighbour n, SkBuff trigger);

    /**
     * Reports a queued packet that cannot be delivered because resolution failed, typically with
     * an ICMP host unreachable to its sender. Mirrors {@code neigh->ops->error_report}
     * ({@code arp_error_report} → {@code dst_link_failure}).
     *
     * <p>Ownership: the packet is only lent. Unlike Linux, where {@code arp_error_report} frees
     * it, the implementation must neither free nor keep it; the table drops it with
     * {@code SKB_DROP_REASON_NEIGH_FAILED} right after the call, so every such drop is counted in
     * one place. Copy or clone it to keep any part.
     *
     * @param n   the failed entry
     * @param skb the undeliverable packet, data at its network header
     */
    void errorReport(Neighbour n, SkBuff skb);

    /**
     * The link-layer address of a destination that needs no resolution on {@code dev}, or
     * {@link #RESOLVE}. Mirrors the part of {@code arp_constructor()} that makes multicast
     * ({@code arp_mc_map}) and broadcast destinations NOARP entries. Devices without a link-layer
     * header, and NOARP or loopback devices, are handled by the table itself. The default resolves
     * everything.
     *
     * @param key the protocol address (an IPv4 address for ARP)
     * @param dev the device the entry is for
     * @return the 48-bit address, or {@link #RESOLVE}
     */
    default long fixedAddress(int key, NetDevice dev) {
        return RESOLVE;
    }
}
