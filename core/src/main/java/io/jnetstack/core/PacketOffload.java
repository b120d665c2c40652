package io.jnetstack.core;

/**
 * The segmentation and receive-merging callbacks of one network protocol. Mirrors
 * {@code struct packet_offload} ({@code gso_segment}, {@code gro_receive}, {@code gro_complete}),
 * registered per namespace and EtherType with {@link Net#addOffload} as {@code dev_add_offload()}.
 */
public interface PacketOffload {
    /**
     * Cuts a GSO packet into segments no longer than its {@code gso_size} each, appending them to
     * {@code out} in order. Data is at the link-layer header; the network header starts
     * {@code macLen} bytes in. The original is left to the caller. Checksums are finished in
     * software unless {@code features} offer checksum offload, when segments are
     * CHECKSUM_PARTIAL. Mirrors {@code callbacks.gso_segment} ({@code inet_gso_segment}).
     *
     * @return null on success, or why the packet cannot be segmented (nothing appended)
     */
    DropReason gsoSegment(SkBuff skb, int macLen, long features, SkbQueue out);

    /**
     * Offers a received packet (data at the network header) to the NAPI context's held flows:
     * merges it into one, holds it as a new flow, or hands it on, using {@link Gro}'s
     * operations. Mirrors {@code callbacks.gro_receive} ({@code inet_gro_receive}).
     */
    void groReceive(Gro gro, SkBuff skb);

    /**
     * Finishes a merged packet before it goes up: lengths, header checksums, GSO metadata.
     * Mirrors {@code callbacks.gro_complete} ({@code inet_gro_complete}).
     *
     * @param segs how many received segments it holds
     * @param mss  the payload size of each but the last
     */
    void groComplete(SkBuff skb, int segs, int mss);
}
