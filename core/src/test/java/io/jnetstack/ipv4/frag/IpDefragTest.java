package io.jnetstack.ipv4.frag;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.SkBuff;
import io.jnetstack.trace.Stage;
import io.jnetstack.wire.Ipv4;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.jnetstack.ipv4.frag.FragTestKit.*;
import static org.junit.jupiter.api.Assertions.*;

class IpDefragTest {
    private static final long SECOND = 1_000_000_000L;

    private Kernel k;
    private Net n;
    private FakeCtx ctx;
    private IpDefrag defrag;

    @BeforeEach
    void setUp() {
        k = Kernel.deterministic(1);
        n = k.newNet("a");
        ctx = new FakeCtx(n);
        defrag = new IpDefrag(n);
    }

    /** The fragments IpFragmenter makes of {@code d} at {@code mtu}, in order. */
    private List<SkBuff> fragmentsOf(byte[] d, int mtu, boolean ignoreDf) {
        FakeCtx out = new FakeCtx(n);
        assertEquals(0, new IpFragmenter().fragment(out, skb(n, d), mtu, ignoreDf));
        return new ArrayList<>(out.outputs);
    }

    /** Feeds every fragment; asserts only the last one returns the datagram, and returns it. */
    private SkBuff feedAll(List<SkBuff> frags) {
        SkBuff result = null;
        for (int i = 0; i < frags.size(); i++) {
            SkBuff r = defrag.defrag(ctx, frags.get(i));
            if (i < frags.size() - 1) {
                assertNull(r, "fragment " + i + " of " + frags.size() + " completes nothing");
            }
            result = r;
        }
        assertNotNull(result, "the last fragment completes the datagram");
        return result;
    }

    private void assertReassembled(byte[] d, SkBuff out) {
        assertArrayEquals(d, out.toByteArray(), "reassembled datagram equals the original byte for byte");
        assertEquals(out.data(), out.networkHeader());
        assertEquals(out.data() + Ipv4.headerLen(d, 0), out.transportHeader());
        assertTrue(Ipv4.checksumOk(out.buf(), out.data()));
        assertEquals(0, defrag.queues());
        assertEquals(0, defrag.memory());
        assertEquals(1, ctx.get(FragCounter.ReasmOKs));
        assertEquals(0, ctx.get(FragCounter.ReasmFails));
        out.free();
        assertEquals(0, k.skbs().inUse(), "no buffer leaked");
    }

    @ParameterizedTest
    @ValueSource(ints = {1500, 1280, 576})
    void inOrder(int mtu) {
        byte[] d = datagram(0x1234, 4000, new byte[0], 0);
        List<SkBuff> frags = fragmentsOf(d, mtu, false);
        assertReassembled(d, feedAll(frags));
        assertEquals(frags.size(), ctx.get(FragCounter.ReasmReqds));
    }

    @ParameterizedTest
    @ValueSource(ints = {1500, 1280, 576})
    void reversed(int mtu) {
        byte[] d = datagram(0x1234, 4000, new byte[0], 0);
        List<SkBuff> frags = fragmentsOf(d, mtu, false);
        Collections.reverse(frags);
        assertReassembled(d, feedAll(frags));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234567})
    void shuffled(long seed) {
        byte[] d = datagram(77, 9000, new byte[0], 0);
        List<SkBuff> frags = fragmentsOf(d, 576, false);
        Collections.shuffle(frags, new Random(seed));
        assertReassembled(d, feedAll(frags));
    }

    @ParameterizedTest
    @ValueSource(longs = {5, 6, 7})
    void duplicatesAreDroppedAlone(long seed) {
        byte[] d = datagram(78, 6000, new byte[0], 0);
        List<SkBuff> frags = fragmentsOf(d, 1280, false);
        Random r = new Random(seed);
        Collections.shuffle(frags, r);
        SkBuff last = frags.removeLast();
        long dupsBefore = n.drops(FragReasons.DUP_FRAG);
        int dups = 0;
        for (SkBuff f : frags) {
            SkBuff copy = f.copy();
            assertNull(defrag.defrag(ctx, f));
            if (r.nextBoolean()) {
                assertNull(defrag.defrag(ctx, copy), "an exact duplicate completes nothing");
                dups++;
            } else {
                copy.free();
            }
        }
        assertEquals(1, defrag.queues(), "duplicates leave their queue alone");
        assertReassembled(d, defrag.defrag(ctx, last));
        assertEquals(dups, n.drops(FragReasons.DUP_FRAG) - dupsBefore);
        assertEquals(frags.size() + 1 + dups, ctx.get(FragCounter.ReasmReqds));
        assertEquals(0, ctx.get(FragCounter.ReasmOverlaps));
    }

    @Test
    void optionsComeFromTheFirstFragment() {
        byte[] opts = {7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 148, 4, 0, 0, 1};
        byte[] d = datagram(9, 4000, opts, 0);
        List<SkBuff> frags = fragmentsOf(d, 576, false);
        Collections.shuffle(frags, new Random(9));
        assertReassembled(d, feedAll(frags));
    }

    @Test
    void fragmentsWithPageDataAndLinkPadding() {
        byte[] d = datagram(10, 3000, new byte[0], 0);
        List<SkBuff> paged = new ArrayList<>();
        for (SkBuff f : fragmentsOf(d, 1280, false)) {
            byte[] b = f.toByteArray();
            f.free();
            byte[] padded = java.util.Arrays.copyOf(b, b.length + 6);  // Ethernet-style trailer
            paged.add(pagedSkb(n, padded, 20, 300));
        }
        Collections.reverse(paged);
        assertReassembled(d, feedAll(paged));
    }

    @Test
    void largestDatagram() {
        byte[] d = datagram(11, 65515, new byte[0], 0);
        List<SkBuff> frags = fragmentsOf(d, 1500, false);
        Collections.shuffle(frags, new Random(11));
        assertReassembled(d, feedAll(frags));
    }

    @Test
    void dfDatagramKeepsDfAndReportsItsFragmentSize() {
        byte[] d = datagram(12, 4000, new byte[0], Ipv4.FLAG_DF);
        List<SkBuff> frags = fragmentsOf(d, 1500, true);
        SkBuff out = feedAll(frags);
        assertEquals(1500, defrag.lastFragMaxSize());
        assertReassembled(d, out);
    }

    @Test
    void nonFragmentPassesThroughUncounted() {
        SkBuff s = skb(n, datagram(13, 100, new byte[0], 0));
        assertSame(s, defrag.defrag(ctx, s));
        assertTrue(ctx.counters.isEmpty());
        s.free();
    }

    @Test
    void metadataOfTheReassembledDatagram() {
        byte[] d = datagram(14, 2000, new byte[0], 0);
        List<SkBuff> frags = fragmentsOf(d, 1500, false);
        assertEquals(2, frags.size());
        frags.get(0).mark = 7;
        frags.get(0).cb[0] = 99;
        frags.get(1).mark = 8;
        SkBuff out = feedAll(frags);
        assertEquals(7, out.mark, "mark and control block from the first fragment, as ip_frag_reasm");
        assertEquals(99, out.cb[0]);
        assertSame(n.loopback(), out.dev);
        assertReassembled(d, out);
    }

    // ---------------------------------------------------------------- overlap and bad lengths

    @Test
    void overlapDropsTheWholeQueue() {
        long before = n.drops(FragReasons.DUP_FRAG);
        assertNull(defrag.defrag(ctx, fragment(n, 1, 0, 1480, true)));
        assertNull(defrag.defrag(ctx, fragment(n, 1, 1000, 1000, true)));
        assertEquals(1, ctx.get(FragCounter.ReasmOverlaps));
        assertEquals(1, ctx.get(FragCounter.ReasmFails));
        assertEquals(2, n.drops(FragReasons.DUP_FRAG) - before, "the overlapping fragment and the queued one");
        assertEquals(0, defrag.queues());
        assertEquals(0, defrag.memory());
        assertEquals(0, k.skbs().inUse());
        // A fresh queue starts with the next fragment of that id.
        assertNull(defrag.defrag(ctx, fragment(n, 1, 0, 8, true)));
        assertNotNull(defrag.defrag(ctx, fragment(n, 1, 8, 8, false)));
    }

    @Test
    void containedFragmentIsADuplicate() {
        assertNull(defrag.defrag(ctx, fragment(n, 1, 0, 1480, true)));
        assertNull(defrag.defrag(ctx, fragment(n, 1, 8, 16, true)));
        assertEquals(1, defrag.queues());
        assertEquals(0, ctx.get(FragCounter.ReasmOverlaps));
        // Spanning two adjacent fragments that arrived in reverse order: still all old bytes.
        assertNull(defrag.defrag(ctx, fragment(n, 2, 8, 8, true)));
        assertNull(defrag.defrag(ctx, fragment(n, 2, 0, 8, true)));
        assertNull(defrag.defrag(ctx, fragment(n, 2, 0, 16, true)));
        assertEquals(2, defrag.queues());
        assertEquals(0, ctx.get(FragCounter.ReasmOverlaps));
        // Covering a gap too: an overlap.
        assertNull(defrag.defrag(ctx, fragment(n, 2, 24, 8, true)));
        assertNull(defrag.defrag(ctx, fragment(n, 2, 0, 32, true)));
        assertEquals(1, ctx.get(FragCounter.ReasmOverlaps));
        assertEquals(1, defrag.queues());
        defrag.flush();
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void datagramPast65535IsDropped() {
        assertNull(defrag.defrag(ctx, fragment(n, 1, 0, 8, true)));
        assertNull(defrag.defrag(ctx, fragment(n, 1, 65528, 100, false)));
        assertEquals(1, ctx.get(FragCounter.ReasmFails));
        assertEquals(2, n.drops(FragReasons.FRAG_TOO_FAR));
        assertEquals(0, defrag.queues());
        assertEquals(0, k.skbs().inUse());
        // Exactly 65535 is fine.
        assertNull(defrag.defrag(ctx, fragment(n, 2, 65512, 3, false)));
        assertEquals(1, defrag.queues());
        defrag.flush();
    }

    @Test
    void firstFragmentOptionsPushingPast65535FailAtReassembly() {
        byte[] first = datagram(3, 8, new byte[]{1, 1, 1, 0}, Ipv4.FLAG_MF);
        assertNull(defrag.defrag(ctx, skb(n, first)));
        assertNull(defrag.defrag(ctx, fragment(n, 3, 8, 65507, false)));
        assertEquals(1, ctx.get(FragCounter.ReasmFails));
        assertEquals(0, ctx.get(FragCounter.ReasmOKs));
        assertEquals(0, defrag.queues());
        assertEquals(0, defrag.memory());
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void inconsistentEndsDropTheQueue() {
        // A second last fragment with another end.
        assertNull(defrag.defrag(ctx, fragment(n, 1, 1480, 20, false)));
        assertNull(defrag.defrag(ctx, fragment(n, 1, 1480, 120, false)));
        assertEquals(1, ctx.get(FragCounter.ReasmFails));
        assertEquals(0, defrag.queues());
        // Data past the known end.
        assertNull(defrag.defrag(ctx, fragment(n, 2, 1480, 20, false)));
        assertNull(defrag.defrag(ctx, fragment(n, 2, 1496, 104, true)));
        assertEquals(2, ctx.get(FragCounter.ReasmFails));
        assertEquals(0, defrag.queues());
        // A last fragment ending before data already received.
        assertNull(defrag.defrag(ctx, fragment(n, 3, 0, 2000, true)));
        assertNull(defrag.defrag(ctx, fragment(n, 3, 1000, 500, false)));
        assertEquals(3, ctx.get(FragCounter.ReasmFails));
        assertEquals(0, defrag.queues());
        assertEquals(0, defrag.memory());
        assertEquals(0, ctx.get(FragCounter.ReasmOverlaps));
        assertEquals(6, n.drops(FragReasons.BAD_FRAG));
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void zeroLengthFragmentsAreHandledSafely() {
        assertNull(defrag.defrag(ctx, fragment(n, 1, 8, 0, true)));     // no data at all
        assertNull(defrag.defrag(ctx, fragment(n, 2, 0, 5, true)));     // 5 bytes, rounded down to 0
        assertNull(defrag.defrag(ctx, fragment(n, 3, 16, 0, false)));   // an empty last fragment
        assertEquals(3, ctx.get(FragCounter.ReasmFails));
        assertEquals(3, ctx.get(FragCounter.ReasmReqds));
        assertEquals(0, defrag.queues());
        assertEquals(0, defrag.memory());
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void malformedHeaderIsDropped() {
        SkBuff s = fragment(n, 1, 0, 100, true);
        Ipv4.setTotalLength(s.buf(), s.data(), 400);
        assertNull(defrag.defrag(ctx, s));
        SkBuff t = skb(n, new byte[]{0x45, 0, 0, 10});
        assertNull(defrag.defrag(ctx, t));
        assertEquals(2, ctx.get(FragCounter.ReasmFails));
        assertEquals(2, n.drops(DropReason.IP_INHDR));
        assertEquals(0, k.skbs().inUse());
    }

    // ---------------------------------------------------------------- ECN (RFC 3168 §5.3)

    @Test
    void ceInOneFragmentMarksTheDatagram() {
        byte[] d = datagram(20, 3000, new byte[0], 0);
        Ipv4.setEcn(d, 0, Ipv4.ECN_ECT_0);
        Ipv4.fillChecksum(d, 0);
        List<SkBuff> frags = fragmentsOf(d, 1500, false);
        setEcn(frags.get(1), Ipv4.ECN_CE);
        SkBuff out = feedAll(frags);
        assertEquals(Ipv4.ECN_CE, Ipv4.ecn(out.buf(), out.data()));
        assertTrue(Ipv4.checksumOk(out.buf(), out.data()));
        Ipv4.setEcn(d, 0, Ipv4.ECN_CE);
        Ipv4.fillChecksum(d, 0);
        assertReassembled(d, out);
    }

    @Test
    void notEctMixedWithEctIsDropped() {
        byte[] d = datagram(21, 3000, new byte[0], 0);
        List<SkBuff> frags = fragmentsOf(d, 1500, false);
        setEcn(frags.get(2), Ipv4.ECN_ECT_1);
        for (SkBuff f : frags) {
            assertNull(defrag.defrag(ctx, f));
        }
        assertEquals(1, ctx.get(FragCounter.ReasmFails));
        assertEquals(0, defrag.queues());
        assertEquals(0, k.skbs().inUse());
    }

    // ---------------------------------------------------------------- timeout (RFC 1122 §3.3.2)

    @Test
    void timeoutWithTheFirstFragmentSendsTimeExceeded() {
        SkBuff first = fragment(n, 1, 0, 1480, true);
        byte[] firstBytes = first.toByteArray();
        assertNull(defrag.defrag(ctx, first));
        k.runFor(20 * SECOND);
        assertNull(defrag.defrag(ctx, fragment(n, 1, 2960, 100, false)));
        k.runFor(10 * SECOND - 1);
        assertEquals(1, defrag.queues(), "the timer runs from the first fragment, later ones do not refresh it");
        assertTrue(ctx.icmps.isEmpty());
        k.runFor(1);
        assertEquals(0, defrag.queues(), "expired at exactly ipfrag_time");
        assertEquals(0, defrag.memory());
        assertEquals(1, ctx.get(FragCounter.ReasmTimeout));
        assertEquals(1, ctx.get(FragCounter.ReasmFails));
        assertEquals(1, ctx.icmps.size());
        IcmpCall icmp = ctx.icmps.getFirst();
        assertEquals(11, icmp.type());
        assertEquals(1, icmp.code());
        assertEquals(0, icmp.info());
        assertArrayEquals(firstBytes, icmp.about(), "quotes the first fragment from its IP header");
        assertEquals(2, n.drops(FragReasons.FRAG_REASM_TIMEOUT));
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void timeoutWithoutTheFirstFragmentIsSilent() {
        assertNull(defrag.defrag(ctx, fragment(n, 1, 1480, 1480, true)));
        assertNull(defrag.defrag(ctx, fragment(n, 1, 2960, 100, false)));
        k.runFor(30 * SECOND);
        assertEquals(0, defrag.queues());
        assertEquals(1, ctx.get(FragCounter.ReasmTimeout));
        assertEquals(1, ctx.get(FragCounter.ReasmFails));
        assertTrue(ctx.icmps.isEmpty(), "no ICMP without fragment zero (RFC 1122 §3.3.2)");
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void ipfragTimeIsReadWhenAQueueIsCreated() {
        n.sysctls().set("net.ipv4.ipfrag_time", "5");
        assertNull(defrag.defrag(ctx, fragment(n, 1, 0, 8, true)));
        k.runFor(5 * SECOND - 1);
        assertEquals(1, defrag.queues());
        k.runFor(1);
        assertEquals(0, defrag.queues());
    }

    @Test
    void completedQueueLeavesNoTimerBehind() {
        int baseline = k.timers().pendingCount();
        byte[] d = datagram(3, 3000, new byte[0], 0);
        assertReassembled(d, feedAll(fragmentsOf(d, 1500, false)));
        assertEquals(baseline, k.timers().pendingCount());
        k.runFor(60 * SECOND);
        assertTrue(ctx.icmps.isEmpty());
        assertEquals(0, ctx.get(FragCounter.ReasmTimeout));
    }

    // ---------------------------------------------------------------- memory

    @Test
    void sysctlsHaveLinuxDefaults() {
        assertEquals("4194304", n.sysctls().get("net.ipv4.ipfrag_high_thresh"));
        assertEquals("3145728", n.sysctls().get("net.ipv4.ipfrag_low_thresh"));
        assertEquals("30", n.sysctls().get("net.ipv4.ipfrag_time"));
        assertEquals("64", n.sysctls().get("net.ipv4.ipfrag_max_dist"));
        assertDoesNotThrow(() -> new IpDefrag(n), "a second user of the namespace shares the sysctls");
    }

    @Test
    void memoryIsTheQueuedTruesizePlusTheQueue() {
        SkBuff a = fragment(n, 1, 0, 1480, true);
        SkBuff b = fragment(n, 1, 1480, 1480, true);
        long expected = IpDefrag.QUEUE_TRUESIZE + a.truesize() + b.truesize();
        defrag.defrag(ctx, a);
        defrag.defrag(ctx, b);
        assertEquals(expected, defrag.memory());
        assertEquals("FRAG: inuse 1 memory " + expected + "\n", defrag.sockstat());
        defrag.flush();
        assertEquals(0, defrag.memory());
    }

    @Test
    void floodOfFirstFragmentsStaysBounded() {
        long high = IpDefrag.DEFAULT_HIGH_THRESH;
        int total = 100_000;
        long maxSeen = 0;
        for (int i = 0; i < total; i++) {
            int src = SRC + (i >>> 16);
            assertNull(defrag.defrag(ctx, fragment(n, src, i & 0xFFFF, 0, 8, true)));
            maxSeen = Math.max(maxSeen, defrag.memory());
        }
        assertTrue(maxSeen <= high, "memory " + maxSeen + " stayed within ipfrag_high_thresh");
        int queued = defrag.queues();
        assertTrue(queued > 1000, "the limit admits " + queued + " queues");
        long refused = total - queued;
        assertEquals(total, ctx.get(FragCounter.ReasmReqds));
        assertEquals(refused, ctx.get(FragCounter.ReasmFails));
        assertEquals(refused, n.drops(DropReason.NOMEM));
        assertEquals(queued, k.skbs().inUse(), "only queued fragments hold buffers");

        k.runFor(30 * SECOND);
        assertEquals(0, defrag.queues());
        assertEquals(0, defrag.memory());
        assertEquals(queued, ctx.get(FragCounter.ReasmTimeout));
        assertEquals(total, ctx.get(FragCounter.ReasmFails));
        assertEquals(queued, ctx.icmps.size(), "each had its first fragment");
        assertEquals(0, k.skbs().inUse());

        // Memory is back: a datagram reassembles again.
        byte[] d = datagram(1, 3000, new byte[0], 0);
        SkBuff out = feedAll(fragmentsOf(d, 1500, false));
        assertArrayEquals(d, out.toByteArray());
        out.free();
    }

    @Test
    void overTheLimitExistingQueuesAreRefusedToo() {
        SkBuff a = fragment(n, 1, 0, 8, true);
        long one = IpDefrag.QUEUE_TRUESIZE + a.truesize();
        n.sysctls().set("net.ipv4.ipfrag_high_thresh", Long.toString(one + 10));
        assertNull(defrag.defrag(ctx, a));
        assertNull(defrag.defrag(ctx, fragment(n, 1, 8, 8, false)));
        assertEquals(1, ctx.get(FragCounter.ReasmFails));
        assertEquals(1, n.drops(DropReason.NOMEM));
        assertEquals(1, defrag.queues());
        assertTrue(defrag.memory() <= one + 10);
        defrag.flush();
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void flushFreesEverythingAndRefusesMore() {
        int baseline = k.timers().pendingCount();
        for (int id = 0; id < 10; id++) {
            defrag.defrag(ctx, fragment(n, id, 0, 100, true));
        }
        assertEquals(10, defrag.queues());
        defrag.flush();
        assertEquals(0, defrag.queues());
        assertEquals(0, defrag.memory());
        assertEquals(0, k.skbs().inUse());
        assertEquals(baseline, k.timers().pendingCount(), "flush cancels the timers");
        assertNull(defrag.defrag(ctx, fragment(n, 99, 0, 100, true)));
        assertEquals(0, defrag.queues());
        assertEquals(1, n.drops(DropReason.NOMEM));
        k.runFor(60 * SECOND);
        assertTrue(ctx.icmps.isEmpty());
        assertEquals(0, k.skbs().inUse());
    }

    // ---------------------------------------------------------------- ipfrag_max_dist

    @ParameterizedTest
    @ValueSource(ints = {0, 62, 63})
    void withinMaxDistReassembles(int between) {
        assertNull(defrag.defrag(ctx, fragment(n, 1, 0, 8, true)));
        for (int i = 0; i < between; i++) {
            defrag.defrag(ctx, fragment(n, 100 + i, 0, 8, true));
        }
        SkBuff out = defrag.defrag(ctx, fragment(n, 1, 8, 8, false));
        assertNotNull(out, between + " fragments in between: within ipfrag_max_dist 64");
        out.free();
        defrag.flush();
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void pastMaxDistRestartsTheQueue() {
        assertNull(defrag.defrag(ctx, fragment(n, 1, 0, 8, true)));
        for (int i = 0; i < 64; i++) {
            defrag.defrag(ctx, fragment(n, 100 + i, 0, 8, true));
        }
        // Fragments from another source do not count.
        defrag.defrag(ctx, fragment(n, SRC + 1, 1, 0, 8, true));
        long tooFar = n.drops(FragReasons.FRAG_TOO_FAR);
        assertNull(defrag.defrag(ctx, fragment(n, 1, 8, 8, false)), "the old first fragment was dropped");
        assertEquals(1, ctx.get(FragCounter.ReasmFails));
        assertEquals(1, n.drops(FragReasons.FRAG_TOO_FAR) - tooFar);
        assertNotNull(defrag.defrag(ctx, fragment(n, 1, 0, 8, true)), "the restarted queue completes");
        // Disabled with 0.
        n.sysctls().set("net.ipv4.ipfrag_max_dist", "0");
        assertNull(defrag.defrag(ctx, fragment(n, 2, 0, 8, true)));
        for (int i = 0; i < 200; i++) {
            defrag.defrag(ctx, fragment(n, 300 + i, 0, 8, true));
        }
        SkBuff out = defrag.defrag(ctx, fragment(n, 2, 8, 8, false));
        assertNotNull(out);
        out.free();
        defrag.flush();
    }

    // ---------------------------------------------------------------- tracing and round trips

    @Test
    void tracesIpDefrag() {
        k.tracer().enable(true, false);
        assertNull(defrag.defrag(ctx, fragment(n, 1, 0, 8, true)));
        assertEquals(1, k.tracer().packetsAt(Stage.IP_DEFRAG).size());
        defrag.flush();
    }

    @Test
    void manyInterleavedDatagrams() {
        // 20 datagrams from one source, shuffled together, are further apart than ipfrag_max_dist.
        n.sysctls().set("net.ipv4.ipfrag_max_dist", "0");
        Random r = new Random(99);
        List<SkBuff> all = new ArrayList<>();
        List<byte[]> datagrams = new ArrayList<>();
        for (int id = 0; id < 20; id++) {
            byte[] d = datagram(id, 1500 + r.nextInt(8000), new byte[0], 0);
            datagrams.add(d);
            all.addAll(fragmentsOf(d, new int[]{576, 1280, 1500}[id % 3], false));
        }
        Collections.shuffle(all, r);
        int done = 0;
        for (SkBuff f : all) {
            SkBuff out = defrag.defrag(ctx, f);
            if (out != null) {
                byte[] b = out.toByteArray();
                assertArrayEquals(datagrams.get(Ipv4.id(b, 0)), b);
                out.free();
                done++;
            }
        }
        assertEquals(20, done);
        assertEquals(20, ctx.get(FragCounter.ReasmOKs));
        assertEquals(0, defrag.queues());
        assertEquals(0, k.skbs().inUse());
    }
}
