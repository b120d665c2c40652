package io.jnetstack.link;

import io.jnetstack.core.Dev;
import io.jnetstack.core.Frames;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.wire.MacAddress;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class DummyTest {
    @Test
    void acceptsCountsAndDiscards() {
        Kernel k = Kernel.deterministic(1);
        Net n = k.newNet("n");
        Dummy d = n.register(new Dummy("dummy0"));
        d.up();
        assertTrue(d.isRunning());
        for (int i = 0; i < 10; i++) {
            Dev.queueXmit(Frames.frame(d, MacAddress.BROADCAST, Frames.ETH_P_TEST, 100, i));
        }
        assertEquals(10, d.stats().txPackets);
        assertEquals(1000, d.stats().txBytes);
        assertEquals(0, d.stats().rxPackets);
        assertEquals(0, k.skbs().inUse());
        assertEquals("dummy", d.kind());
    }
}
