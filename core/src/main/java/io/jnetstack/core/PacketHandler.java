package io.jnetstack.core;

/**
 * A network-layer protocol receiving frames of one EtherType (ip_rcv, arp_rcv). Mirrors
 * {@code struct packet_type} registered with {@code dev_add_pack()}. The handler owns the
 * buffer from the call on: it must free it, queue it, or drop it with a reason.
 */
@FunctionalInterface
public interface PacketHandler {
    /**
     * Receives {@code skb}, whose data starts at the network header.
     *
     * @param skb     the packet
     * @param dev     the device it arrived on
     */
    void receive(SkBuff skb, NetDevice dev);
}
