package io.jnetstack.core.sched;

import io.jnetstack.core.Dev;
import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.Qdisc;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.SockPacing;
import io.jnetstack.link.Veth;
import io.jnetstack.wire.Ethernet;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sch_fq ({@link Fq}): round robin between flows by quantum, pacing from departure times and
 * rates with the watchdog in virtual time, the horizon, the per-flow and per-band limits, the
 * fast path, flow collection and the {@code tc -s} counters. Frames carry an experimental
 * EtherType; their "socket" is a {@link Owner}.
 */
class FqTest {
    private static final long MS = 1_000_000L;
    private static final int FRAME = 1514;

    /** The socket side of a flow, as sch_fq sees it. */
    static final class Owner implements SockPacing {
        long rate = UNLIMITED;
        long maxRate = UNLIMITED;
        int status;
        boolean hashed;
        boolean tcp = true;

        @Override
        public long pacingRate() {
            return rate;
        }

        @Override
        public long maxPacingRate() {
            return maxRate;
        }

        @Override
        public int pacingStatus() {
            return status;
        }

        @Override
        public void pacingByFq() {
            status = PACING_FQ;
        }

        @Override
        public boolean pacingHashed() {
            return hashed;
        }

        @Override
        public boolean pacingIsTcp() {
            return tcp;
        }
    }

    /** A veth pair from a to b with the fq on a's end; b records what arrives, and when. */
    private static final class Rig {
        final Kernel k = Kernel.deterministic(3);
        final Net a = k.newNet("a");
        final Net b = k.newNet("b");
        final Veth tx;
        final Fq fq;
        /** {arrival time, owner number} per frame received. */
        final List<long[]> arrivals = new ArrayList<>();

        Rig(String options) {
            tx = Veth.createPair(a, "veth0", b, "veth1");
            tx.up();
            tx.peer().up();
            fq = new Fq(Fq.Config.parse(options));
            tx.setQdisc(fq);
            b.addProtocol(VethRig.ETH_P_EXPERIMENTAL, (skb, dev) -> {
                arrivals.add(new long[]{k.clock().nanos(), skb.buf()[skb.data()]});
                skb.free();
            });
            k.runFor(MS);   // the clock past 0: a stamp of 0 means "no stamp"
        }

        SkBuff frame(int owner, Owner sk, long tstamp) {
            SkBuff skb = k.skbs().alloc(128, FRAME);
            int off = skb.put(FRAME);
            Ethernet.writeHeader(skb.buf(), off, tx.peer().mac().bits(), tx.mac().bits(), VethRig.ETH_P_EXPERIMENTAL);
            skb.buf()[off + Ethernet.HEADER_LEN] = (byte) owner;
            skb.dev = tx;
            skb.sk = sk;
            skb.tstamp = tstamp;
            return skb;
        }

        int send(int owner, Owner sk, long tstamp) {
            return Dev.queueXmit(frame(owner, sk, tstamp));
        }

        long now() {
            return k.clock().nanos();
        }
    }

    @Test
    void defaults() {
        Rig r = new Rig("");
        assertEquals("fq", r.fq.kind());
        Fq.Config c = r.fq.config();
        assertEquals(10000, c.limit());
        assertEquals(100, c.flowLimit());
        assertEquals(10 * 1_000_000_000L, c.horizonNs());
        assertEquals(40, c.refillDelayJiffies());
        assertTrue(r.fq.params().contains("quantum 3028b initial_quantum 15140b"), r.fq.params());
        assertTrue(r.fq.params().contains("limit 10000p flow_limit 100p"), r.fq.params());
    }

    /**
     * Two backlogged flows: the first new flow sends its initial quantum (10 MTUs), then the
     * second its own, then they take turns of one quantum (2 MTUs) each. "nopacing" with a
     * maxrate keeps the fast path off and the scheduling pure round robin.
     */
    @Test
    void twoFlowsShareByQuantum() {
        Rig r = new Rig("nopacing maxrate 1gbit");
        Owner x = new Owner();
        Owner y = new Owner();
        for (int i = 0; i < 20; i++) {
            r.fq.enqueue(r.frame(1, x, 0));
        }
        for (int i = 0; i < 20; i++) {
            r.fq.enqueue(r.frame(2, y, 0));
        }
        assertEquals(40, r.fq.qlen());
        StringBuilder order = new StringBuilder();
        SkBuff skb;
        while ((skb = r.fq.dequeue()) != null) {
            order.append(skb.buf()[skb.data() + Ethernet.HEADER_LEN]);
            skb.free();
        }
        assertEquals("1111111111" + "2222222222" + "11" + "22" + "11" + "22" + "11" + "22" + "11" + "22" + "11" + "22",
                order.toString());
        Fq.Stats st = r.fq.fqStats();
        assertEquals(2, st.flows());
        assertEquals(2, st.inactiveFlows());
        assertEquals(0, st.throttledFlows());
    }

    @Test
    void unequalFlowsGetEqualBytesPerRound() {
        Rig r = new Rig("nopacing maxrate 1gbit quantum 1514 initial_quantum 1514");
        Owner x = new Owner();
        Owner y = new Owner();
        for (int i = 0; i < 30; i++) {
            r.fq.enqueue(r.frame(1, x, 0));
        }
        for (int i = 0; i < 5; i++) {
            r.fq.enqueue(r.frame(2, y, 0));
        }
        StringBuilder order = new StringBuilder();
        SkBuff skb;
        while ((skb = r.fq.dequeue()) != null) {
            order.append(skb.buf()[skb.data() + Ethernet.HEADER_LEN]);
            skb.free();
        }
        assertTrue(order.toString().startsWith("1212121212"), order.toString());
        assertEquals("1".repeat(25), order.substring(10));
    }

    @Test
    void stampedPacketsWaitForTheirTimeAndTheWatchdogSendsThem() {
        Rig r = new Rig("");
        Owner x = new Owner();
        long t0 = r.now();
        assertEquals(Qdisc.NET_XMIT_SUCCESS, r.send(1, x, t0));
        assertEquals(Qdisc.NET_XMIT_SUCCESS, r.send(1, x, t0 + 2 * MS));
        assertEquals(Qdisc.NET_XMIT_SUCCESS, r.send(1, x, t0 + 5 * MS + 123));
        assertEquals(SockPacing.PACING_FQ, x.status, "fq told the socket it paces it");
        assertEquals(1, r.arrivals.size(), "the first was due: the fast path");
        assertEquals(t0, r.arrivals.get(0)[0]);
        Fq.Stats st = r.fq.fqStats();
        assertEquals(1, st.throttledFlows());
        assertEquals(1, st.fastpathPackets());
        assertTrue(r.fq.format().contains("flows 1 (inactive 0 throttled 1) next_packet_delay 2.01ms"), r.fq.format());
        r.k.runFor(10 * MS);
        assertEquals(3, r.arrivals.size());
        assertEquals(t0 + 2 * MS, r.arrivals.get(1)[0], "released by the watchdog at its departure time");
        assertEquals(t0 + 5 * MS + 123, r.arrivals.get(2)[0]);
        st = r.fq.fqStats();
        assertEquals(2, st.throttled());
        assertEquals(0, st.throttledFlows());
        assertEquals(0, r.fq.qlen());
    }

    @Test
    void maxrateSpacesStampedPacketsByLength() {
        Rig r = new Rig("maxrate 12112kbit");   // 1,514,000 bytes/s: one frame per ms
        Owner x = new Owner();
        long t0 = r.now();
        for (int i = 0; i < 20; i++) {
            r.send(1, x, t0);
        }
        r.k.runFor(100 * MS);
        assertEquals(20, r.arrivals.size());
        for (int i = 0; i < 20; i++) {
            assertEquals(t0 + i * MS, r.arrivals.get(i)[0], "frame " + i);
        }
        assertEquals(0, r.fq.fqStats().fastpathPackets(), "no fast path with a maxrate");
    }

    @Test
    void unstampedPacketsArePacedAtTheSocketRateAfterTheirCredit() {
        Rig r = new Rig("quantum 1514 initial_quantum 1514");
        Owner x = new Owner();   // a UDP socket with SO_MAX_PACING_RATE: no fast path for it
        x.rate = 151_400;   // one frame per 10 ms
        x.maxRate = x.rate;
        x.tcp = false;
        Owner y = new Owner();
        long t0 = r.now();
        r.send(2, y, t0);   // y's packet makes the qdisc busy: x's do not take the fast path
        r.fq.enqueue(r.frame(2, y, t0 + 20 * MS));
        for (int i = 0; i < 5; i++) {
            r.send(1, x, 0);
        }
        r.k.runFor(200 * MS);
        List<Long> xs = new ArrayList<>();
        for (long[] a : r.arrivals) {
            if (a[1] == 1) {
                xs.add(a[0] - t0);
            }
        }
        assertEquals(List.of(0L, 10 * MS, 20 * MS, 30 * MS, 40 * MS), xs);
    }

    @Test
    void beyondTheHorizonIsDroppedOrCapped() {
        Rig r = new Rig("");
        Owner x = new Owner();
        long t0 = r.now();
        assertEquals(Qdisc.NET_XMIT_DROP, r.send(1, x, t0 + 10_001 * MS));
        assertEquals(1, r.fq.fqStats().horizonDrops());
        assertEquals(1, r.a.drops(DropReason.FQ_HORIZON_LIMIT));
        assertEquals(1, r.fq.stats().drops);
        assertTrue(r.fq.format().contains("horizon_drops 1"), r.fq.format());

        Rig c = new Rig("horizon 1s horizon_cap");
        long t1 = c.now();
        assertEquals(Qdisc.NET_XMIT_SUCCESS, c.send(1, x, t1 + 5000 * MS));
        assertEquals(1, c.fq.fqStats().horizonCaps());
        c.k.runFor(2000 * MS);
        assertEquals(1, c.arrivals.size());
        assertEquals(t1 + 1000 * MS, c.arrivals.getFirst()[0], "sent at the horizon");
    }

    @Test
    void flowLimitDropsTheHundredAndFirst() {
        Rig r = new Rig("");
        Owner x = new Owner();
        Owner y = new Owner();
        long later = r.now() + 100 * MS;
        for (int i = 0; i < 100; i++) {
            assertEquals(Qdisc.NET_XMIT_SUCCESS, r.send(1, x, later));
        }
        assertEquals(Qdisc.NET_XMIT_DROP, r.send(1, x, later));
        assertEquals(Qdisc.NET_XMIT_SUCCESS, r.send(2, y, later), "another flow still fits");
        assertEquals(1, r.fq.fqStats().flowsPlimit());
        assertEquals(1, r.a.drops(DropReason.FQ_FLOW_LIMIT));
        assertTrue(r.fq.format().contains("flows_plimit 1"), r.fq.format());
        assertEquals(101, r.fq.qlen());
        r.k.runFor(200 * MS);
        assertEquals(101, r.arrivals.size());
    }

    @Test
    void bandLimitCountsPerBand() {
        Rig r = new Rig("limit 3");
        Owner x = new Owner();
        long later = r.now() + 100 * MS;
        for (int i = 0; i < 3; i++) {
            assertEquals(Qdisc.NET_XMIT_SUCCESS, r.send(1, x, later));
        }
        assertEquals(Qdisc.NET_XMIT_DROP, r.send(1, x, later));
        SkBuff control = r.frame(2, x, later);
        control.priority = 7;   // TC_PRIO_CONTROL: band 0
        assertEquals(Qdisc.NET_XMIT_SUCCESS, Dev.queueXmit(control));
        assertEquals(1, r.fq.fqStats().bandDrops()[1]);
        assertEquals(1, r.a.drops(DropReason.FQ_BAND_LIMIT));
    }

    @Test
    void packetsWithoutSocketAndOfUnconnectedSocketsGoByFlowHash() {
        Rig r = new Rig("nopacing maxrate 1gbit");
        Owner unconnected = new Owner();
        unconnected.hashed = true;
        r.fq.enqueue(r.frame(1, null, 0));
        r.fq.enqueue(r.frame(1, null, 0));
        r.fq.enqueue(r.frame(2, unconnected, 0));
        assertEquals(1, r.fq.fqStats().flows(), "same frame hash, one flow");
        assertEquals(SockPacing.PACING_NONE, unconnected.status, "a hashed socket is not told fq paces it");
    }

    @Test
    void idleFlowsAreCollectedAfterThreeSecondsAndReused() {
        Rig r = new Rig("nopacing maxrate 1gbit");
        for (int i = 0; i < 5; i++) {
            r.fq.enqueue(r.frame(1, new Owner(), 0));
        }
        Owner busy = new Owner();   // while it has packets, the rounds pass the others, which empty
        for (int i = 0; i < 20; i++) {
            r.fq.enqueue(r.frame(2, busy, 0));
        }
        SkBuff skb;
        while ((skb = r.fq.dequeue()) != null) {
            skb.free();
        }
        assertEquals(6, r.fq.fqStats().flows());
        assertEquals(6, r.fq.fqStats().inactiveFlows());
        r.k.runFor(2000 * MS);
        r.fq.enqueue(r.frame(1, new Owner(), 0));
        assertEquals(0, r.fq.fqStats().gcFlows(), "not 3 s yet");
        r.k.runFor(1500 * MS);
        r.fq.enqueue(r.frame(1, new Owner(), 0));
        Fq.Stats st = r.fq.fqStats();
        assertEquals(5, st.gcFlows(), "the five emptied 3.5 s ago; the busy one was never passed empty");
        assertEquals(3, st.flows());
        assertTrue(r.fq.format().contains("gc 5"), r.fq.format());
    }

    @Test
    void resetDropsEverything() {
        Rig r = new Rig("");
        Owner x = new Owner();
        long later = r.now() + 100 * MS;
        for (int i = 0; i < 5; i++) {
            r.send(1, x, later);
        }
        r.tx.setQdisc(null);
        assertEquals(0, r.k.skbs().inUse());
        assertEquals(0, r.fq.qlen());
        assertEquals(0, r.fq.fqStats().flows());
    }

    @Test
    void configParsesTcWordsAndRefusesNonsense() {
        Fq.Config c = Fq.Config.parse("fq limit 500 flow_limit 20 quantum 6000 initial_quantum 0 maxrate 100mbit "
                + "refill_delay 10ms horizon 2s horizon_cap nopacing low_rate_threshold 1mbit buckets 2048 orphan_mask 255");
        assertEquals(500, c.limit());
        assertEquals(20, c.flowLimit());
        assertEquals(6000, c.quantum());
        assertEquals(0, c.initialQuantum());
        assertEquals(12_500_000, c.maxRate());
        assertEquals(10, c.refillDelayJiffies());
        assertEquals(2_000_000_000L, c.horizonNs());
        assertEquals(false, c.horizonDrop());
        assertEquals(false, c.rateEnable());
        assertEquals(125_000, c.lowRateThreshold());
        assertEquals(11, c.bucketsLog());
        assertEquals(255, c.orphanMask());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> Fq.Config.parse("quantum 10")).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> Fq.Config.parse("speed 3")).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> Fq.Config.parse("limit")).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> Fq.Config.parse("weights 1 2 3")).errno());
        assertSame(Fq.class, Qdiscs.parse("fq horizon 1s").getClass());
        assertNull(Qdiscs.parse("noqueue"));
    }
}
