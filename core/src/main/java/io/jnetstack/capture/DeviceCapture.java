package io.jnetstack.capture;

import io.jnetstack.core.CsumState;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.PacketTap;
import io.jnetstack.core.SkBuff;
import io.jnetstack.wire.Checksum;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Captures devices' frames, both ways, into a pcapng file: a {@link PacketTap} on each device
 * writing an Enhanced Packet Block per frame, stamped with the kernel clock (virtual time in a
 * deterministic kernel, so the same seed gives a byte-identical file). Like {@code tcpdump -i},
 * but for any number of devices in any namespaces.
 */
public final class DeviceCapture implements PacketTap, AutoCloseable {
    private final PcapNgWriter writer;
    private final Map<NetDevice, Integer> ifIds = new IdentityHashMap<>();
    private byte[] scratch = new byte[2048];

    /** A capture writing to {@code writer}. */
    public DeviceCapture(PcapNgWriter writer) {
        this.writer = writer;
    }

    /** Starts capturing {@code dev}; its interface is described as "namespace/device". */
    public void attach(NetDevice dev) {
        int linkType = dev.hardHeaderLen() == 14 ? PcapNgWriter.LINKTYPE_ETHERNET : PcapNgWriter.LINKTYPE_RAW;
        int id = writer.addInterface(dev.name(), dev.net().name() + "/" + dev.name() + " (" + dev.kind() + ")", linkType, 262144);
        ifIds.put(dev, id);
        dev.addTap(this);
    }

    /** Stops capturing {@code dev}. */
    public void detach(NetDevice dev) {
        dev.removeTap(this);
    }

    @Override
    public void tap(SkBuff skb, NetDevice dev, boolean outgoing) {
        Integer id = ifIds.get(dev);
        if (id == null) {
            return;
        }
        int len = skb.len();
        long now = dev.net().kernel().clock().nanos();
        PcapNgWriter.Direction dir = outgoing ? PcapNgWriter.Direction.OUTBOUND : PcapNgWriter.Direction.INBOUND;
        boolean partial = skb.ipSummed == CsumState.PARTIAL;
        if (skb.dataLen() == 0 && !partial) {
            writer.writePacket(id, now, skb.buf(), skb.data(), len, len, dir, null);
            return;
        }
        if (scratch.length < len) {
            scratch = new byte[Math.max(len, scratch.length * 2)];
        }
        skb.copyBits(0, scratch, 0, len);
        if (partial) {
            finishChecksum(skb, len);
        }
        writer.writePacket(id, now, scratch, 0, len, len, dir, null);
    }

    /**
     * A checksum left to the device (CHECKSUM_PARTIAL: TCP's segments on a device with checksum
     * offload) is finished in the captured copy, as the wire would carry it; tcpdump on Linux
     * shows such checksums unfinished.
     */
    private void finishChecksum(SkBuff skb, int len) {
        int start = skb.csumStart - skb.data();
        int field = start + skb.csumOffset;
        if (start < 0 || field < 0 || field + 2 > len) {
            return;
        }
        int c = Checksum.compute(scratch, start, len - start);
        scratch[field] = (byte) (c >>> 8);
        scratch[field + 1] = (byte) c;
    }

    /** Frames written so far. */
    public long packets() {
        return writer.packetsWritten();
    }

    /** Detaches from every device and closes the file. */
    @Override
    public void close() {
        for (NetDevice d : ifIds.keySet()) {
            d.removeTap(this);
        }
        writer.close();
    }
}
