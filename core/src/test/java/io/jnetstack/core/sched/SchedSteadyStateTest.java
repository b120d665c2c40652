package io.jnetstack.core.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.ThreadMXBean;
import io.jnetstack.core.CsumState;
import io.jnetstack.core.Dev;
import io.jnetstack.core.DropReason;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.Page;
import io.jnetstack.core.Qdisc;
import io.jnetstack.core.SkBuff;
import io.jnetstack.link.Veth;
import io.jnetstack.wire.Checksum;
import io.jnetstack.wire.Ethernet;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

/**
 * The qdiscs in steady state: sending through them allocates nothing once warm (pooled buffers,
 * pooled duplicates, a heap at its final size), and they leave no buffer behind.
 *
 * <p>The measured runs avoid drops where they can: {@code Net.drop} currently builds the drop
 * reason's Linux name (a string concatenation) for the {@code kfree_skb} trace point even when
 * tracing is off, about 80 bytes per drop, outside this package. Frames whose EtherType netem
 * corrupted are dropped by the receiver, so each of those is allowed {@link #PER_DROP_BYTES}.
 */
class SchedSteadyStateTest {
    private static final long MS = 1_000_000L;
    private static final long SLACK_BYTES = 16 * 1024;
    private static final long PER_DROP_BYTES = 128;

    private static final class Link {
        final Kernel k = Kernel.deterministic(99);
        final Net b;
        final Veth tx;
        final long dst;
        final long src;
        long received;
        /** Sockets the frames take in turn (sch_fq's flows), none when null. */
        Object[] owners;
        /** Frames leave no earlier than this after they are sent (an EDT stamp), 0: unstamped. */
        long edtDelay;

        Link(Qdisc q) {
            Net a = k.newNet("a");
            b = k.newNet("b");
            tx = Veth.createPair(a, "veth0", b, "veth1");
            tx.up();
            tx.peer().up();
            tx.setQdisc(q);
            dst = tx.peer().mac().bits();
            src = tx.mac().bits();
            b.addProtocol(VethRig.ETH_P_EXPERIMENTAL, (skb, dev) -> {
                received++;
                skb.free();
            });
        }

        void run(int packets) {
            for (int i = 0; i < packets; i++) {
                if (tx.qdisc() instanceof Tbf t && t.backlog() + 200 > t.config().limitBytes()) {
                    k.runFor(MS / 10);
                    continue;
                }
                SkBuff skb = k.skbs().alloc(128, 200);
                int off = skb.put(200);
                Ethernet.writeHeader(skb.buf(), off, dst, src, VethRig.ETH_P_EXPERIMENTAL);
                skb.dev = tx;
                if (owners != null) {
                    skb.sk = owners[i % owners.length];
                }
                if (edtDelay > 0) {
                    skb.tstamp = k.clock().nanos() + edtDelay;
                }
                Dev.queueXmit(skb);
                k.runFor(MS / 10);
            }
        }
    }

    private static ThreadMXBean allocationBean() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof ThreadMXBean, "no com.sun.management.ThreadMXBean");
        ThreadMXBean sun = (ThreadMXBean) bean;
        assumeTrue(sun.isThreadAllocatedMemorySupported(), "allocation counter unsupported");
        if (!sun.isThreadAllocatedMemoryEnabled()) {
            sun.setThreadAllocatedMemoryEnabled(true);
        }
        return sun;
    }

    private static long allocatedWhileRunning(Link link, int packets) {
        ThreadMXBean bean = allocationBean();
        long tid = Thread.currentThread().threadId();
        link.run(50_000);
        long drops = link.b.drops(DropReason.UNHANDLED_PROTO);
        long before = bean.getThreadAllocatedBytes(tid);
        link.run(packets);
        long allocated = bean.getThreadAllocatedBytes(tid) - before;
        return allocated - PER_DROP_BYTES * (link.b.drops(DropReason.UNHANDLED_PROTO) - drops);
    }

    @Test
    void netemAllocatesNothingPerPacket() {
        Netem q = new Netem(Netem.Config.parse(
                "delay 5ms 1ms distribution normal duplicate 1% reorder 5% corrupt 1% rate 100mbit"));
        Link link = new Link(q);
        long bytes = allocatedWhileRunning(link, 100_000);
        System.out.printf("netem steady state: %d bytes allocated over 100000 packets (receiver drops discounted)%n", bytes);
        assertTrue(bytes < SLACK_BYTES, bytes + " bytes allocated over 100000 packets");
        link.k.runUntilIdle(10_000 * MS);
        assertEquals(0, link.k.skbs().inUse());
        assertEquals(link.received + link.b.drops(DropReason.UNHANDLED_PROTO), q.stats().packets);
        assertEquals(0, q.stats().drops);
    }

    @Test
    void tbfAllocatesNothingPerPacket() {
        Tbf q = new Tbf(Tbf.Config.parse("rate 10mbit burst 10kb latency 100ms"));
        Link link = new Link(q);
        long bytes = allocatedWhileRunning(link, 100_000);
        System.out.printf("tbf steady state: %d bytes allocated over 100000 packets, %d overlimits%n", bytes,
                q.stats().overlimits);
        assertTrue(q.stats().overlimits > 10_000, "the bucket was the bottleneck");
        assertEquals(0, q.stats().drops);
        assertTrue(bytes < SLACK_BYTES, bytes + " bytes allocated over 100000 packets");
        link.k.runUntilIdle(10_000 * MS);
        assertEquals(0, link.k.skbs().inUse());
        assertEquals(link.received, q.stats().packets);
    }

    @Test
    void fqAllocatesNothingPerPacket() {
        Fq q = new Fq(Fq.Config.parse("quantum 1514 initial_quantum 1514"));
        Link link = new Link(q);
        link.owners = new Object[]{new FqTest.Owner(), new FqTest.Owner(), new FqTest.Owner(), null};
        link.edtDelay = MS / 4;   // every frame waits in a throttled flow for the watchdog
        long bytes = allocatedWhileRunning(link, 100_000);
        Fq.Stats st = q.fqStats();
        System.out.printf("fq steady state: %d bytes allocated over 100000 packets, %d throttled, %d flows%n", bytes,
                st.throttled(), st.flows());
        assertTrue(st.throttled() > 100_000, "flows were throttled and released: " + st.throttled());
        assertEquals(0, q.stats().drops);
        assertTrue(bytes < SLACK_BYTES, bytes + " bytes allocated over 100000 packets");
        link.k.runUntilIdle(10_000 * MS);
        assertEquals(0, link.k.skbs().inUse());
        assertEquals(link.received, q.stats().packets);
    }

    /** Corruption of an offloaded packet first finishes its checksum, over linear data and fragments. */
    @Test
    void checksumHelpCoversLinearPartAndFragments() {
        Kernel k = Kernel.deterministic(1);
        SkBuff skb = k.skbs().alloc(64, 256);
        int off = skb.put(41); // odd linear length: the fragment starts at an odd stream offset
        byte[] buf = skb.buf();
        for (int i = 0; i < 41; i++) {
            buf[off + i] = (byte) (i * 7 + 3);
        }
        Page page = Page.allocate(100);
        for (int i = 0; i < 100; i++) {
            page.bytes()[i] = (byte) (i * 13 + 1);
        }
        skb.addFrag(page, 10, 77);
        page.put();
        int start = off + 14;
        skb.ipSummed = CsumState.PARTIAL;
        skb.csumStart = start;
        skb.csumOffset = 6;
        buf[start + 6] = 0;
        buf[start + 7] = 0;
        assertTrue(SchedCsum.help(skb));
        assertEquals(CsumState.NONE, skb.ipSummed);
        byte[] all = skb.toByteArray();
        assertTrue(Checksum.verify(all, 14, all.length - 14), "the finished checksum verifies");
        skb.free();
        assertEquals(0, k.skbs().inUse());
    }
}
