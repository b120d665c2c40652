package io.jnetstack.packetdrill;

import io.jnetstack.core.Dev;
import io.jnetstack.core.IfFlags;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.PktType;
import io.jnetstack.core.SkBuff;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The script's side of the wire: an in-memory L3 device like the TUN device packetdrill drives.
 * What the stack sends is copied out with its virtual send time and queued for the runner to
 * match against {@code >} lines; what the runner injects for {@code <} lines is received as a
 * TUN device receives an IP packet. Point-to-point, no ARP, no link-layer header, no queue.
 */
final class ScriptTun extends NetDevice {

    private static final int HEADROOM = 64;

    private final ArrayDeque<Captured> sent = new ArrayDeque<>();
    private Consumer<Captured> onSend;

    /**
     * One packet the stack sent.
     *
     * @param nanos  the kernel clock when the device transmitted it
     * @param packet the IPv4 packet
     */
    record Captured(long nanos, byte[] packet) { }

    /**
     * @param name the interface name
     * @param mtu  the MTU
     */
    ScriptTun(String name, int mtu) {
        super(name, ARPHRD_NONE, 0, mtu, 68, 65535, IfFlags.POINTOPOINT | IfFlags.NOARP);
    }

    /** @param listener told of every packet the stack sends, as it is sent (null: none) */
    void onSend(Consumer<Captured> listener) {
        onSend = listener;
    }

    @Override
    public String kind() {
        return "tun";
    }

    @Override
    protected boolean noQueueByDefault() {
        return true;
    }

    @Override
    protected void open() {
        carrierOn();
    }

    @Override
    protected TxResult startXmit(SkBuff skb) {
        Captured c = new Captured(net().kernel().clock().nanos(), skb.toByteArray());
        sent.add(c);
        skb.free();
        if (onSend != null) {
            onSend.accept(c);
        }
        return TxResult.OK;
    }

    /**
     * Receives {@code packet} as if the wire delivered it. Call inside the stack (kernel lock held).
     *
     * @param packet an IPv4 packet
     */
    void inject(byte[] packet) {
        SkBuff skb = net().kernel().skbs().alloc(HEADROOM, packet.length);
        skb.putData(packet, 0, packet.length);
        if (packet.length > mtu() && isUp()) {
            // Linux's tun_get_user() takes an IP packet of any length (to 64K): the MTU bounds
            // what the device sends, not what it receives, and scripts inject segments longer
            // than the MTU (a 2000-byte segment on a 1500-byte link) that Linux accepts.
            skb.dev = this;
            skb.protocol = (packet[0] & 0xf0) == 0x40 ? 0x0800 : (packet[0] & 0xf0) == 0x60 ? 0x86DD : 0;
            skb.pktType = PktType.HOST;
            skb.resetMacHeader();
            stats().rx(packet.length);
            Dev.netifRx(skb);
        } else if (Dev.ipPacketIn(this, skb)) {
            Dev.netifRx(skb);
        }
    }

    /** @return whether a sent packet waits to be matched */
    boolean hasSent() {
        return !sent.isEmpty();
    }

    /** @return the oldest sent packet not yet matched, or null */
    Captured peekSent() {
        return sent.peekFirst();
    }

    /** @return the oldest sent packet not yet matched, removed, or null */
    Captured pollSent() {
        return sent.pollFirst();
    }

    /** @return the sent packet after the oldest, or null; {@code index} 0 is the oldest */
    Captured sentAt(int index) {
        int i = 0;
        for (Captured c : sent) {
            if (i++ == index) {
                return c;
            }
        }
        return null;
    }

    /** @return how many sent packets wait to be matched */
    int sentCount() {
        return sent.size();
    }

    /** Forgets the sent packets not yet matched. */
    void clearSent() {
        sent.clear();
    }
}
