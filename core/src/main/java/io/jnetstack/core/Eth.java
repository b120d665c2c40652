package io.jnetstack.core;

import io.jnetstack.trace.Stage;
import io.jnetstack.wire.EtherType;
import io.jnetstack.wire.Ethernet;
import io.jnetstack.wire.MacAddress;

/** Ethernet link-layer helpers. Mirrors {@code net/ethernet/eth.c}. */
public final class Eth {
    private Eth() {}

    /**
     * Classifies a received frame and pulls the Ethernet header: sets {@code skb.dev}, the mac
     * header mark, {@code pktType} by destination, and returns the protocol, also stored in
     * {@code skb.protocol}. The caller has checked that 14 bytes are linear. Mirrors
     * {@code eth_type_trans()}: values below 0x0600 are 802.3 lengths, so the protocol is
     * ETH_P_802_3 (raw IPX-style, 0xFFFF payload) or ETH_P_802_2 (LLC).
     */
    public static int typeTrans(SkBuff skb, NetDevice dev) {
        dev.net().kernel().tracer().point(Stage.ETH_TYPE_TRANS, skb, dev.net().name(), dev.name(), "");
        byte[] b = skb.buf();
        int off = skb.data();
        skb.dev = dev;
        skb.resetMacHeader();
        long dst = MacAddress.readBits(b, off + Ethernet.DST);
        if ((dst & MacAddress.GROUP_BIT) != 0) {
            skb.pktType = dst == MacAddress.BROADCAST.bits() ? PktType.BROADCAST : PktType.MULTICAST;
        } else if (dst != dev.mac().bits() && dev.type() == NetDevice.ARPHRD_ETHER) {
            skb.pktType = PktType.OTHERHOST;
        } else {
            skb.pktType = PktType.HOST;
        }
        int type = Ethernet.etherType(b, off);
        skb.pull(Ethernet.HEADER_LEN);
        if (type < EtherType.MIN_TYPE) {
            boolean rawIpx = skb.headLen() >= 2 && (b[skb.data()] & 0xff) == 0xff && (b[skb.data() + 1] & 0xff) == 0xff;
            type = rawIpx ? EtherType.IEEE802_3 : EtherType.IEEE802_2;
        }
        skb.protocol = type;
        return type;
    }

    /**
     * Pushes an Ethernet header in front of the data. Mirrors {@code eth_header()}.
     *
     * @param dst destination address bits
     * @param src source address bits
     */
    public static void header(SkBuff skb, int type, long dst, long src) {
        int off = skb.push(Ethernet.HEADER_LEN);
        Ethernet.writeHeader(skb.buf(), off, dst, src, type);
        skb.resetMacHeader();
        skb.protocol = type;
    }
}
