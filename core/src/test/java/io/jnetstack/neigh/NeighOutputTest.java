package io.jnetstack.neigh;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.IfFlags;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.PktType;
import io.jnetstack.core.Qdisc;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.sched.PfifoFast;
import io.jnetstack.link.Loopback;
import io.jnetstack.trace.Journey;
import io.jnetstack.trace.Stage;
import io.jnetstack.wire.Ethernet;
import io.jnetstack.wire.MacAddress;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.jnetstack.neigh.NeighBed.IP_B;
import static io.jnetstack.neigh.NeighBed.IP_X;
import static org.junit.jupiter.api.Assertions.*;

/** The output paths: resolve and queue, release on the answer, the cached-header fast path. */
class NeighOutputTest {

    @Test
    void firstPacketResolvesAndItsReleaseFollowsTheSeedChain() {
        NeighBed t = new NeighBed();
        t.v0.setQdisc(new PfifoFast());
        t.ops.sendFrames = true;
        t.k.tracer().enable(true, false);

        assertEquals(Qdisc.NET_XMIT_SUCCESS, t.send(IP_B, 1), "a queued packet counts as sent, as in Linux");
        Neighbour n = t.entry(IP_B);
        assertEquals(NudState.INCOMPLETE, n.state());
        assertEquals(1, n.queueLength());
        assertTrue(t.received.isEmpty());
        assertEquals(1, t.arpFramesAtB, "the solicitation went out on the wire");

        long syn = t.k.tracer().packetsAt(Stage.NEIGH_RESOLVE_OUTPUT).getFirst();
        Journey first = t.k.tracer().journey(syn);
        List<String> resolve = List.of("neigh_output", "neigh_resolve_output", "neigh_event_send", "__neigh_event_send",
                "neigh_probe", "arp_solicit", "dev_queue_xmit", "__dev_queue_xmit", "__dev_xmit_skb");
        assertEquals(-1, first.firstMissing(resolve), () -> "journey:\n" + first.tree());
        assertTrue(first.tree().contains("--> arp_solicit()"), first::tree);

        t.answer(IP_B);
        assertEquals(NudState.REACHABLE, n.state());
        assertEquals(List.of(1), t.received);
        assertEquals(List.of(t.v1.mac().bits()), t.receivedDst);

        Journey whole = t.k.tracer().journey(syn);
        List<String> chain = new ArrayList<>(resolve);
        chain.addAll(List.of("neigh_update", "neigh_connect", "neigh_connected_output", "dev_queue_xmit",
                "__dev_queue_xmit", "__dev_xmit_skb"));
        assertEquals(-1, whole.firstMissing(chain), () -> "journey:\n" + whole.tree());
        assertEquals(0, t.k.skbs().inUse());
    }

    @Test
    void anAnswerArrivingInsideTheSolicitationReleasesThePacketAtOnce() {
        NeighBed t = new NeighBed();
        t.ops.sendFrames = true;
        t.ops.autoAnswer = true;
        t.k.tracer().enable(true, false);
        t.send(IP_B, 1);
        assertEquals(List.of(1), t.received, "veth delivers inline when bottom halves are enabled again");
        assertEquals(NudState.REACHABLE, t.entry(IP_B).state());
        long syn = t.k.tracer().packetsAt(Stage.NEIGH_RESOLVE_OUTPUT).getFirst();
        Journey j = t.k.tracer().journey(syn);
        assertEquals(-1, j.firstMissing(List.of("neigh_resolve_output", "__neigh_event_send", "neigh_probe",
                "arp_solicit", "neigh_update", "neigh_connect", "neigh_connected_output", "dev_queue_xmit")), j::tree);
    }

    @Test
    void queuedPacketsAreReleasedInOrderAndLaterOnesTakeTheCachedHeader() {
        NeighBed t = new NeighBed();
        for (int i = 1; i <= 4; i++) {
            t.send(IP_B, i);
        }
        Neighbour n = t.entry(IP_B);
        assertEquals(4, n.queueLength());
        assertEquals(1, t.ops.solicits.size(), "only the first packet starts a probe");
        assertEquals(1, t.ops.solicits.getFirst().triggerSeq(), "the trigger was the newest queued packet then");
        assertFalse(n.hasCachedHeader());
        t.answer(IP_B);
        assertEquals(List.of(1, 2, 3, 4), t.received);
        assertTrue(n.hasCachedHeader(), "connected output built the header cache");
        assertEquals(0, n.queueLength());
        assertEquals(0, n.queueBytes());

        t.k.tracer().enable(true, false);
        t.send(IP_B, 5);
        long id = t.k.tracer().packetsAt(Stage.NEIGH_OUTPUT).getFirst();
        Journey j = t.k.tracer().journey(id);
        assertEquals(-1, j.firstMissing(List.of("neigh_output", "neigh_hh_output", "dev_queue_xmit", "veth_xmit")), j::tree);
        assertFalse(j.names().contains("neigh_resolve_output"), j::tree);
        assertEquals(List.of(1, 2, 3, 4, 5), t.received);
        assertEquals(t.v1.mac().bits(), t.receivedDst.getLast());
        assertEquals(0, t.k.skbs().inUse());
    }

    @Test
    void theProbeTriggerIsACloneOfTheNewestQueuedPacket() {
        NeighBed t = new NeighBed();
        t.k.tracer().enable(true, false);
        t.send(IP_X, 1);
        t.send(IP_X, 2);
        t.k.runFor(NeighBed.S);
        assertEquals(2, t.ops.solicits.size());
        assertEquals(1, t.ops.solicits.get(0).triggerSeq());
        assertEquals(2, t.ops.solicits.get(1).triggerSeq(), "neigh_probe clones the tail of the queue");
        assertNotEquals(0, t.ops.solicits.get(1).triggerId(), "the clone keeps the packet's journey id");
        assertEquals(2, t.entry(IP_X).queueLength(), "the clones were freed, the originals stay queued");
    }

    @Test
    void aFullQueueDropsTheOldestPacket() {
        NeighBed t = new NeighBed();
        SkBuff probe = t.packet(t.v0, 0);
        int truesize = probe.truesize();
        probe.free();
        t.sysctl("unres_qlen_bytes", Integer.toString(3 * truesize));
        for (int i = 1; i <= 5; i++) {
            t.send(IP_B, i);
        }
        Neighbour n = t.entry(IP_B);
        assertEquals(3, n.queueLength());
        assertEquals(3L * truesize, n.queueBytes());
        assertEquals(2, t.tbl.stats().unresDiscards);
        assertEquals(2, t.a.drops(DropReason.NEIGH_QUEUEFULL));
        t.answer(IP_B);
        assertEquals(List.of(3, 4, 5), t.received, "the newest packets survive, in order");
        assertEquals(0, t.k.skbs().inUse());
    }

    @Test
    void unresQlenIsCountedInLinuxFrameTruesizes() {
        NeighBed t = new NeighBed();
        assertEquals("212992", t.a.sysctls().get(NeighBed.P + "unres_qlen_bytes"));
        assertEquals("101", t.a.sysctls().get(NeighBed.P + "unres_qlen"));
        t.sysctl("unres_qlen", "2");
        for (int i = 1; i <= 3; i++) {
            t.send(IP_B, i);
        }
        assertEquals("4180", t.a.sysctls().get(NeighBed.P + "unres_qlen_bytes"), "2 × SKB_TRUESIZE(ETH_FRAME_LEN)");
        assertEquals(1, t.entry(IP_B).queueLength(), "our 2 KiB buffers are 2624 bytes of truesize: one fits");
        assertEquals(2, t.tbl.stats().unresDiscards);
    }

    @Test
    void aStaleEntrySendsWithTheOldAddressAndGoesToDelay() {
        NeighBed t = new NeighBed();
        t.tbl.eventNs(t.v1.mac().bits(), IP_B, t.v0);
        Neighbour n = t.entry(IP_B);
        assertEquals(NudState.STALE, n.state());
        t.send(IP_B, 1);
        assertEquals(List.of(1), t.received, "STALE is valid: no queueing");
        assertEquals(NudState.DELAY, n.state());
        assertTrue(t.ops.solicits.isEmpty());
    }

    @Test
    void loopbackEntriesNeedNoResolutionAndCarryAnAllZeroHeader() {
        NeighBed t = new NeighBed();
        Loopback lo = t.a.loopback();
        lo.up();
        List<Long> dst = new ArrayList<>();
        List<Integer> got = new ArrayList<>();
        t.a.addProtocol(NeighBed.ETH_P_IP, (skb, dev) -> {
            got.add(NeighBed.seq(skb));
            dst.add(MacAddress.readBits(skb.buf(), skb.macHeader()) | MacAddress.readBits(skb.buf(), skb.macHeader() + 6));
            skb.free();
        });
        int localhost = 0x7F00_0001;
        Neighbour n = t.tbl.lookupOrCreate(localhost, lo);
        assertEquals(NudState.NOARP, n.state());
        assertEquals(0, n.lladdr());
        t.tbl.output(n, t.packet(lo, 1));
        t.tbl.output(n, t.packet(lo, 2));
        t.k.runPending();
        assertEquals(List.of(1, 2), got);
        assertEquals(List.of(0L, 0L), dst);
        assertTrue(n.hasCachedHeader());
        assertTrue(t.ops.solicits.isEmpty());
        assertEquals("", t.tbl.format(), "ip neigh hides NOARP entries");
        assertEquals("127.0.0.1 dev lo lladdr 00:00:00:00:00:00 NOARP\n", t.tbl.format(true));
    }

    @Test
    void devicesWithoutALinkHeaderSendThePacketAsIs() {
        NeighBed t = new NeighBed();
        List<byte[]> sent = new ArrayList<>();
        NetDevice tun = new NetDevice("tun0", NetDevice.ARPHRD_NONE, 0, 1500, 68, 65535,
                IfFlags.POINTOPOINT | IfFlags.NOARP | IfFlags.MULTICAST) {
            @Override
            protected TxResult startXmit(SkBuff skb) {
                sent.add(skb.toByteArray());
                skb.free();
                return TxResult.OK;
            }

            @Override
            public String kind() {
                return "tun";
            }
        };
        t.a.register(tun);
        tun.setQdisc(null);
        tun.up();
        tun.carrierOn();
        Neighbour n = t.tbl.lookupOrCreate(IP_B, tun);
        assertEquals(NudState.NOARP, n.state());
        assertEquals(Qdisc.NET_XMIT_SUCCESS, t.tbl.output(n, t.packet(tun, 9)));
        assertEquals(1, sent.size());
        assertEquals(40, sent.getFirst().length, "no header pushed");
        assertEquals(9, sent.getFirst()[3]);
    }

    @Test
    void pointToPointAndProtocolMappedAddressesAreNoarp() {
        NeighBed t = new NeighBed();
        NeighOps mapping = new NeighOps() {
            @Override
            public void solicit(Neighbour n, SkBuff trigger) {
                fail("no solicitation expected");
            }

            @Override
            public void errorReport(Neighbour n, SkBuff skb) {
            }

            @Override
            public long fixedAddress(int key, NetDevice dev) {
                return key == 0xFFFF_FFFF ? MacAddress.BROADCAST.bits() : RESOLVE;
            }
        };
        NeighTable tbl = new NeighTable(t.b, "arp_cache", "net.ipv4.neigh", NeighBed.ETH_P_IP, mapping);
        Neighbour bcast = tbl.lookupOrCreate(0xFFFF_FFFF, t.v1);
        assertEquals(NudState.NOARP, bcast.state());
        assertEquals(MacAddress.BROADCAST.bits(), bcast.lladdr());
        List<PktType> types = new ArrayList<>();
        t.a.addProtocol(NeighBed.ETH_P_IP, (skb, dev) -> {
            types.add(skb.pktType);
            skb.free();
        });
        tbl.output(bcast, t.packet(t.v1, 1));
        assertEquals(List.of(PktType.BROADCAST), types);
    }

    @Test
    void anEntryRemovedWhileHeldDropsWhatIsSentToIt() {
        NeighBed t = new NeighBed();
        t.send(IP_B, 1);
        t.answer(IP_B);
        Neighbour n = t.entry(IP_B);
        assertTrue(n.hasCachedHeader());
        assertTrue(t.tbl.delete(IP_B, t.v0));
        assertTrue(n.isDead());
        assertEquals(-Errno.ENETDOWN.code(), t.tbl.output(n, t.packet(t.v0, 2)), "neigh_blackhole");
        assertEquals(List.of(1), t.received);
        assertEquals(1, t.a.drops(DropReason.NOT_SPECIFIED));
        assertEquals(0, t.k.skbs().inUse());
    }

    @Test
    void aPacketWithoutHeadroomGetsSomeOnEitherPath() {
        NeighBed t = new NeighBed();
        t.send(IP_B, 1);
        t.answer(IP_B);
        for (int i = 2; i <= 3; i++) {
            SkBuff skb = t.k.skbs().alloc(0, 40);
            int off = skb.put(40);
            skb.buf()[off + 3] = (byte) i;
            skb.resetNetworkHeader();
            skb.protocol = NeighBed.ETH_P_IP;
            t.tbl.output(t.entry(IP_B), skb);
            if (i == 2) {
                t.tbl.update(t.entry(IP_B), t.v1.mac().bits(), NudState.STALE, NeighTable.UPDATE_F_ADMIN);
            }
        }
        assertEquals(List.of(1, 2, 3), t.received);
        assertEquals(3L * (Ethernet.HEADER_LEN + 40), t.v1.stats().rxBytes);
        assertEquals(0, t.k.skbs().inUse());
    }
}
