package io.jnetstack.ipv4.frag;

import io.jnetstack.core.CsumState;
import io.jnetstack.core.DropReason;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.Qdisc;
import io.jnetstack.core.SkBuff;
import io.jnetstack.trace.Stage;
import io.jnetstack.trace.TraceEvent;
import io.jnetstack.wire.Checksum;
import io.jnetstack.wire.Ipv4;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static io.jnetstack.ipv4.frag.FragTestKit.*;
import static org.junit.jupiter.api.Assertions.*;

class IpFragmenterTest {
    private Kernel k;
    private Net n;
    private FakeCtx ctx;
    private final IpFragmenter frag = new IpFragmenter();

    @BeforeEach
    void setUp() {
        k = Kernel.deterministic(1);
        n = k.newNet("a");
        ctx = new FakeCtx(n);
    }

    /**
     * Checks every fragment against RFC 791 §3.2 and the source datagram: same id and
     * addresses, size within the MTU, offsets in 8-byte units and contiguous, MF on all but the
     * last (unless the source itself had MF), valid header checksum, the payload in place.
     */
    private void checkFragments(byte[] orig, int mtu, int baseOffset, boolean lastMf) {
        int hlen = Ipv4.headerLen(orig, 0);
        int payload = Ipv4.totalLength(orig, 0) - hlen;
        int expectOffset = baseOffset;
        int covered = 0;
        for (int i = 0; i < ctx.outputs.size(); i++) {
            SkBuff f = ctx.outputs.get(i);
            byte[] b = f.toByteArray();
            assertEquals(f.data(), f.networkHeader(), "network header marked at data");
            assertTrue(Ipv4.check(b, 0, b.length) > 0, "a well-formed header");
            assertTrue(b.length <= mtu, "fragment " + i + " of " + b.length + " bytes exceeds MTU " + mtu);
            assertEquals(b.length, Ipv4.totalLength(b, 0));
            assertEquals(hlen, Ipv4.headerLen(b, 0), "every fragment keeps the header length");
            assertTrue(Ipv4.checksumOk(b, 0), "header checksum of fragment " + i);
            assertEquals(Ipv4.id(orig, 0), Ipv4.id(b, 0));
            assertEquals(Ipv4.src(orig, 0), Ipv4.src(b, 0));
            assertEquals(Ipv4.dst(orig, 0), Ipv4.dst(b, 0));
            assertEquals(Ipv4.protocol(orig, 0), Ipv4.protocol(b, 0));
            assertEquals(expectOffset, Ipv4.fragOffset(b, 0));
            assertEquals(0, Ipv4.fragOffset(b, 0) % 8);
            boolean last = i == ctx.outputs.size() - 1;
            assertEquals(!last || lastMf, Ipv4.moreFragments(b, 0), "MF of fragment " + i);
            int len = b.length - hlen;
            if (!last) {
                assertEquals(0, len % 8, "non-last fragments carry multiples of 8 bytes");
            }
            assertArrayEquals(Arrays.copyOfRange(orig, hlen + covered, hlen + covered + len),
                    Arrays.copyOfRange(b, hlen, b.length), "payload of fragment " + i);
            assertSame(n.loopback(), f.dev);
            expectOffset += len;
            covered += len;
        }
        assertEquals(payload, covered);
    }

    @ParameterizedTest
    @CsvSource({"4000,1500,3", "4000,1280,4", "4000,576,8", "1481,1500,2", "1480,1500,1", "65515,1500,45", "9,28,2"})
    void splitsWithinTheMtu(int payload, int mtu, int expected) {
        byte[] d = datagram(7, payload, new byte[0], 0);
        long before = k.skbs().inUse();
        int rc = frag.fragment(ctx, skb(n, d), mtu, false);
        assertEquals(0, rc);
        assertEquals(expected, ctx.outputs.size());
        checkFragments(d, mtu, 0, false);
        assertEquals(expected, ctx.get(FragCounter.FragCreates));
        assertEquals(1, ctx.get(FragCounter.FragOKs));
        assertEquals(0, ctx.get(FragCounter.FragFails));
        assertEquals(before + expected, k.skbs().inUse(), "the source is freed, the fragments are live");
        ctx.freeOutputs();
        assertEquals(before, k.skbs().inUse());
    }

    @Test
    void dontFragmentAnswersFragNeededWithTheMtu() {
        byte[] d = datagram(1, 4000, new byte[0], Ipv4.FLAG_DF);
        long before = k.skbs().inUse();
        int rc = frag.fragment(ctx, skb(n, d), 1500, false);
        assertEquals(-90, rc, "-EMSGSIZE");
        assertEquals(IpFragmenter.EMSGSIZE, rc);
        assertTrue(ctx.outputs.isEmpty());
        assertEquals(1, ctx.icmps.size());
        IcmpCall icmp = ctx.icmps.getFirst();
        assertEquals(3, icmp.type());
        assertEquals(4, icmp.code());
        assertEquals(1500, icmp.info());
        assertArrayEquals(d, icmp.about(), "ICMP quotes the datagram from its IP header");
        assertEquals(1, ctx.get(FragCounter.FragFails));
        assertEquals(0, ctx.get(FragCounter.FragOKs));
        assertEquals(1, n.drops(DropReason.PKT_TOO_BIG));
        assertEquals(before, k.skbs().inUse());
    }

    @Test
    void ignoreDfFragmentsAndKeepsDf() {
        byte[] d = datagram(1, 3000, new byte[0], Ipv4.FLAG_DF);
        assertEquals(0, frag.fragment(ctx, skb(n, d), 1500, true));
        assertEquals(3, ctx.outputs.size());
        assertTrue(ctx.icmps.isEmpty());
        for (SkBuff f : ctx.outputs) {
            assertTrue(Ipv4.dontFragment(f.buf(), f.data()), "DF kept on fragments of a DF datagram (IPSKB_FRAG_PMTU)");
            assertFalse(Ipv4.reservedFlag(f.buf(), f.data()));
        }
        ctx.freeOutputs();
    }

    @Test
    void optionsWithoutCopiedFlagOnlyInTheFirstFragment() {
        // Record Route (type 7, not copied, 11 bytes), Router Alert (148, copied, 4 bytes), NOP.
        byte[] opts = {7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 148, 4, 0, 0, 1};
        byte[] d = datagram(3, 3000, opts, 0);
        assertEquals(36, Ipv4.headerLen(d, 0));
        assertEquals(0, frag.fragment(ctx, skb(n, d), 1000, false));
        checkFragments(d, 1000, 0, false);
        SkBuff first = ctx.outputs.getFirst();
        assertArrayEquals(opts, Arrays.copyOfRange(first.buf(), first.data() + 20, first.data() + 36),
                "the first fragment carries every option");
        byte[] later = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, (byte) 148, 4, 0, 0, 1};
        for (SkBuff f : ctx.outputs.subList(1, ctx.outputs.size())) {
            assertArrayEquals(later, Arrays.copyOfRange(f.buf(), f.data() + 20, f.data() + 36),
                    "later fragments: non-copied options become NOPs, copied ones stay");
        }
        // The fragments are sized for the 36-byte header: (1000 - 36) & ~7 = 960 bytes of data.
        assertEquals(996, ctx.outputs.getFirst().len());
        assertArrayEquals(Arrays.copyOfRange(d, 20, 36), opts, "the source header is not modified");
        ctx.freeOutputs();
    }

    @Test
    void sourceWithPageFragmentsGivesTheSameFragments() {
        byte[] d = datagram(9, 5000, new byte[0], 0);
        assertEquals(0, frag.fragment(ctx, pagedSkb(n, d, 28, 700), 1280, false));
        checkFragments(d, 1280, 0, false);
        ctx.freeOutputs();
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void sharedSourceIsNotWritten() {
        byte[] opts = {7, 7, 4, 0, 0, 0, 0, 0};
        byte[] d = datagram(9, 3000, opts, 0);
        SkBuff s = skb(n, d);
        SkBuff clone = s.cloneSkb();
        assertEquals(0, frag.fragment(ctx, s, 1500, false));
        assertArrayEquals(d, clone.toByteArray());
        clone.free();
        ctx.freeOutputs();
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void refragmentingAFragmentKeepsItsPlace() {
        // A middle fragment (offset 1480, MF) crossing a 576-byte link.
        byte[] mid = datagram(5, 1480, new byte[0], (1480 >>> 3) | Ipv4.FLAG_MF);
        assertEquals(0, frag.fragment(ctx, skb(n, mid), 576, false));
        assertEquals(3, ctx.outputs.size());
        checkFragments(mid, 576, 1480, true);
        ctx.freeOutputs();
        // The last fragment (offset 2960, no MF): the last piece has no MF.
        byte[] last = datagram(5, 1040, new byte[0], 2960 >>> 3);
        assertEquals(0, frag.fragment(ctx, skb(n, last), 576, false));
        checkFragments(last, 576, 2960, false);
        ctx.freeOutputs();
    }

    @Test
    void outputErrorStopsAndCountsFragFails() {
        byte[] d = datagram(2, 4000, new byte[0], 0);
        ctx.failAt = 1;
        ctx.failWith = Qdisc.NET_XMIT_DROP;
        long before = k.skbs().inUse();
        assertEquals(Qdisc.NET_XMIT_DROP, frag.fragment(ctx, skb(n, d), 1500, false));
        assertEquals(2, ctx.outputs.size(), "nothing is sent after the failing fragment");
        assertEquals(1, ctx.get(FragCounter.FragCreates));
        assertEquals(1, ctx.get(FragCounter.FragFails));
        assertEquals(0, ctx.get(FragCounter.FragOKs));
        ctx.freeOutputs();
        assertEquals(before, k.skbs().inUse());
    }

    @Test
    void mtuTooSmallForEightBytesFails() {
        byte[] d = datagram(2, 100, new byte[0], 0);
        assertEquals(IpFragmenter.EINVAL, frag.fragment(ctx, skb(n, d), 27, false));
        assertEquals(1, ctx.get(FragCounter.FragFails));
        assertTrue(ctx.outputs.isEmpty());
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void malformedSourceIsDropped() {
        byte[] d = datagram(2, 100, new byte[0], 0);
        Ipv4.setTotalLength(d, 0, 500);  // claims more than the buffer holds
        assertEquals(IpFragmenter.EINVAL, frag.fragment(ctx, skb(n, d), 68, false));
        assertEquals(1, n.drops(DropReason.IP_INHDR));
        assertEquals(0, k.skbs().inUse());
        SkBuff tiny = skb(n, new byte[]{0x45, 0, 0});
        assertEquals(IpFragmenter.EINVAL, frag.fragment(ctx, tiny, 68, false));
        assertEquals(0, k.skbs().inUse());
    }

    @Test
    void partialChecksumIsFinishedBeforeSplitting() {
        // A UDP datagram whose checksum field holds the pseudo-header sum (CHECKSUM_PARTIAL).
        int payload = 3000;
        byte[] d = datagram(4, payload, new byte[0], 0);
        Ipv4.setProtocol(d, 0, Ipv4.PROTO_UDP);
        Ipv4.fillChecksum(d, 0);
        d[24] = (byte) (payload >>> 8);
        d[25] = (byte) payload;
        int pseudo = Checksum.pseudoHeaderSum(SRC, DST, Ipv4.PROTO_UDP, payload);
        d[26] = (byte) (pseudo >>> 8);
        d[27] = (byte) pseudo;
        SkBuff s = pagedSkb(n, d, 100, 1000);
        s.ipSummed = CsumState.PARTIAL;
        s.csumStart = s.data() + 20;
        s.csumOffset = 6;
        assertEquals(0, frag.fragment(ctx, s, 1500, false));
        byte[] joined = new byte[payload];
        for (SkBuff f : ctx.outputs) {
            byte[] b = f.toByteArray();
            System.arraycopy(b, 20, joined, Ipv4.fragOffset(b, 0), b.length - 20);
            assertEquals(CsumState.NONE, f.ipSummed);
        }
        int sum = Checksum.sum(joined, 0, payload, Checksum.pseudoHeaderSum(SRC, DST, Ipv4.PROTO_UDP, payload));
        assertEquals(0xFFFF, Checksum.fold(sum), "the UDP checksum verifies over the joined fragments");
        ctx.freeOutputs();
    }

    @Test
    void tracesIpFragmentAroundTheOutputs() {
        k.tracer().enable(true, false);
        SkBuff s = skb(n, datagram(1, 3000, new byte[0], 0));
        assertEquals(0, frag.fragment(ctx, s, 1500, false));
        TraceEvent e = k.tracer().events().stream().filter(x -> x.stage() == Stage.IP_FRAGMENT).findFirst().orElseThrow();
        assertEquals("a", e.netns());
        assertEquals("lo", e.device());
        assertNotEquals(0, e.packetId());
        ctx.freeOutputs();
    }

    @Test
    void headerOnlyDatagramGoesOutWhole() {
        byte[] d = datagram(1, 0, new byte[0], 0);
        assertEquals(0, frag.fragment(ctx, skb(n, d), 1500, false));
        assertEquals(1, ctx.outputs.size());
        assertArrayEquals(d, ctx.outputs.getFirst().toByteArray());
        ctx.freeOutputs();
    }

    @Test
    void reentryFromOutputDoesNotDisturbTheOuterDatagram() {
        byte[] opts = {7, 7, 4, 0, 0, 0, 0, 0};
        byte[] outer = datagram(1, 4000, opts, 0);
        byte[] inner = datagram(2, 3000, new byte[]{(byte) 148, 4, 0, 0}, 0);
        FakeCtx innerCtx = new FakeCtx(n);
        FakeCtx outerCtx = new FakeCtx(n) {
            @Override
            public int output(SkBuff fragment) {
                if (outputs.size() == 1) {
                    assertEquals(0, frag.fragment(innerCtx, skb(n, inner), 576, false));
                }
                return super.output(fragment);
            }
        };
        assertEquals(0, frag.fragment(outerCtx, skb(n, outer), 1500, false));
        ctx = outerCtx;
        checkFragments(outer, 1500, 0, false);
        ctx = innerCtx;
        checkFragments(inner, 576, 0, false);
        outerCtx.freeOutputs();
        innerCtx.freeOutputs();
        assertEquals(0, k.skbs().inUse());
    }
}
