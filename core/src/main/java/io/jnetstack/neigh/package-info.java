/**
 * The protocol-independent neighbour subsystem: resolution of next-hop protocol addresses to
 * link-layer addresses, Neighbour Unreachability Detection and the neighbour cache. Mirrors
 * {@code net/core/neighbour.c} and {@code include/net/neighbour.h}.
 *
 * <p>{@link io.jnetstack.neigh.NeighTable} is the cache ({@code arp_tbl} for IPv4); a protocol
 * (ARP, in {@code io.jnetstack.ipv4}) supplies {@link io.jnetstack.neigh.NeighOps} to send
 * solicitations and report failures, and calls {@link io.jnetstack.neigh.NeighTable#update} when
 * it learns an address. The IP output path calls
 * {@link io.jnetstack.neigh.NeighTable#lookupOrCreate} and
 * {@link io.jnetstack.neigh.NeighTable#output} for each packet.
 */
package io.jnetstack.neigh;
