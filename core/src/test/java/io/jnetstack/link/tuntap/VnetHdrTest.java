package io.jnetstack.link.tuntap;

import io.jnetstack.core.CsumState;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.SkBuff;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The virtio-net header against fixed bytes, both ways. */
class VnetHdrTest {
    final Kernel k = Kernel.deterministic(1);

    private SkBuff frame(int len) {
        SkBuff skb = k.skbs().alloc(64, len);
        int off = skb.put(len);
        skb.buf()[off + 14] = 0x45;
        skb.buf()[off + 34 + 12] = (byte) 0x80;   // TCP data offset 8 words: 32-byte header
        skb.setNetworkHeader(off + 14);
        skb.setTransportHeader(off + 34);
        return skb;
    }

    @Test
    void aTsoPacketWithPartialChecksumIsDescribed() {
        SkBuff skb = frame(14 + 20 + 32 + 3000);
        skb.setGso(1448, 3, SkBuff.GSO_TCPV4 | SkBuff.GSO_TCP_ECN);
        skb.ipSummed = CsumState.PARTIAL;
        skb.csumStart = skb.data() + 34;
        skb.csumOffset = 16;
        byte[] b = new byte[10];
        assertTrue(VnetHdr.write(skb, b, 0));
        // flags NEEDS_CSUM, gso TCPV4|ECN, hdr_len 66, gso_size 1448, csum_start 34, csum_offset 16 (LE)
        assertArrayEquals(new byte[]{1, (byte) 0x81, 66, 0, (byte) 0xA8, 5, 34, 0, 16, 0}, b);
        skb.free();
    }

    @Test
    void plainAndValidatedFramesGetAnEmptyOrDataValidHeader() {
        SkBuff skb = frame(100);
        byte[] b = new byte[10];
        assertTrue(VnetHdr.write(skb, b, 0));
        assertArrayEquals(new byte[10], b);
        skb.ipSummed = CsumState.UNNECESSARY;
        assertTrue(VnetHdr.write(skb, b, 0));
        assertEquals(VnetHdr.F_DATA_VALID, b[0]);
        skb.free();
    }

    @Test
    void aReceivedTsoHeaderMakesAGsoPacket() {
        SkBuff skb = frame(14 + 20 + 32 + 4000);
        byte[] h = {1, 1, 66, 0, (byte) 0xA8, 5, 34, 0, 16, 0};
        assertTrue(VnetHdr.apply(h, 0, skb));
        assertEquals(CsumState.PARTIAL, skb.ipSummed);
        assertEquals(skb.data() + 34, skb.csumStart);
        assertEquals(16, skb.csumOffset);
        assertEquals(1448, skb.gsoSize());
        assertEquals(3, skb.gsoSegs());
        assertEquals(SkBuff.GSO_TCPV4 | SkBuff.GSO_DODGY, skb.gsoType());
        skb.free();
    }

    @Test
    void dataValidMeansUnnecessary() {
        SkBuff skb = frame(100);
        assertTrue(VnetHdr.apply(new byte[]{2, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, skb));
        assertEquals(CsumState.UNNECESSARY, skb.ipSummed);
        assertEquals(0, skb.gsoSize());
        skb.free();
    }

    @Test
    void invalidHeadersAreRefused() {
        SkBuff skb = frame(100);
        assertFalse(VnetHdr.apply(new byte[]{1, 0, 0, 0, 0, 0, 99, 0, 16, 0}, 0, skb), "csum beyond the frame");
        assertFalse(VnetHdr.apply(new byte[]{0, 4, 66, 0, 100, 0, 0, 0, 0, 0}, 0, skb), "TCPv6 was not offered");
        assertFalse(VnetHdr.apply(new byte[]{0, 1, 66, 0, 0, 0, 0, 0, 0, 0}, 0, skb), "gso_size 0");
        skb.free();
    }
}
