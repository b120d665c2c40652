package io.jnetstack.ipv4.tcp.cong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CongestionControlsTest {
    /** Stands in for the engine's Reno, which lives on another branch. */
    private static CongestionControl named(String name) {
        return new CongestionControl() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int ssthresh(CongestionState sk) {
                return Math.max(sk.cwnd() / 2, 2);
            }

            @Override
            public void congAvoid(CongestionState sk, int ack, int acked) {
            }

            @Override
            public int undoCwnd(CongestionState sk) {
                return TcpCong.renoUndoCwnd(sk);
            }
        };
    }

    @Test
    void linuxDefaultsListRenoThenCubic() {
        CongestionControls registry = CongestionControls.linuxDefaults(() -> named("reno"), CubicParams.DEFAULTS, HystartListener.NONE);
        assertEquals("reno cubic", registry.available());
        assertEquals(List.of("reno", "cubic"), registry.names());
        assertEquals("cubic", CongestionControls.DEFAULT);
        assertTrue(registry.contains(CongestionControls.DEFAULT));
    }

    @Test
    void eachLookupMakesAConnectionItsOwnInstance() {
        List<String> exits = new ArrayList<>();
        CongestionControls registry = CongestionControls.linuxDefaults(() -> named("reno"), CubicParams.DEFAULTS,
                (how, cwnd) -> exits.add(how.detectCounter()));
        CongestionControl a = registry.newInstance("cubic");
        CongestionControl b = registry.newInstance("cubic");
        assertInstanceOf(Cubic.class, a);
        assertNotSame(a, b);
        assertEquals("reno", registry.newInstance("reno").name());
        // The instance reports HyStart exits to the registry's listener.
        FakeSock sk = new FakeSock();
        sk.cwnd = 16;
        a.init(sk);
        sk.sndNxt = 100_000;
        for (int i = 0; i <= 60; i++) {
            sk.nowUs = 1_000_000 + i * 1000L;
            sk.sndUna += 1000;
            a.pktsAcked(sk, 1, 100_000);
        }
        assertEquals(List.of("TCPHystartTrainDetect"), exits);
    }

    @Test
    void unknownNamesFindNothing() {
        CongestionControls registry = CongestionControls.linuxDefaults(() -> named("reno"), CubicParams.DEFAULTS, HystartListener.NONE);
        assertNull(registry.newInstance("bbr"));
        assertNull(registry.newInstance("CUBIC"));
        assertNull(registry.newInstance(""));
        assertFalse(registry.contains("bbr"));
    }

    @Test
    void registrationRefusesDuplicatesAndBadNames() {
        CongestionControls registry = new CongestionControls();
        assertEquals("", registry.available());
        registry.register("cubic", Cubic::new);
        assertThrows(IllegalArgumentException.class, () -> registry.register("cubic", Cubic::new));
        assertThrows(IllegalArgumentException.class, () -> registry.register("", () -> named("")));
        assertThrows(IllegalArgumentException.class, () -> registry.register("a-name-of-16-chr", () -> named("a-name-of-16-chr")));
        registry.register("a-name-of-15-ch", () -> named("a-name-of-15-ch"));
        assertEquals("cubic a-name-of-15-ch", registry.available());
    }

    @Test
    void aFactoryMustMakeTheAlgorithmItIsRegisteredAs() {
        CongestionControls registry = new CongestionControls();
        registry.register("vegas", Cubic::new);
        assertThrows(IllegalStateException.class, () -> registry.newInstance("vegas"));
    }

    @Test
    void unregisterRemovesTheName() {
        CongestionControls registry = CongestionControls.linuxDefaults(() -> named("reno"), CubicParams.DEFAULTS, HystartListener.NONE);
        assertTrue(registry.unregister("reno"));
        assertFalse(registry.unregister("reno"));
        assertEquals("cubic", registry.available());
        assertNull(registry.newInstance("reno"));
    }

    @Test
    void cubicParamsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new CubicParams(true, 1024, 0, 41, true, true, 3, 16, 2000));
        assertThrows(IllegalArgumentException.class, () -> new CubicParams(true, 717, 0, 0, true, true, 3, 16, 2000));
        assertThrows(IllegalArgumentException.class, () -> new CubicParams(true, 717, 0, 41, true, true, 4, 16, 2000));
        assertEquals(15, CubicParams.DEFAULTS.renoScale());
        assertEquals(410, CubicParams.DEFAULTS.cubeRttScale());
        assertEquals((1L << 40) / 410, CubicParams.DEFAULTS.cubeFactor());
    }
}
