package io.jnetstack.neigh;

import io.jnetstack.core.Dev;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;
import io.jnetstack.link.Veth;
import io.jnetstack.trace.Stage;
import io.jnetstack.wire.Ethernet;
import io.jnetstack.wire.MacAddress;

import java.util.ArrayList;
import java.util.List;

/**
 * Two namespaces joined by a veth pair, a neighbour table in {@code a} with a fake protocol
 * ({@link FakeOps}), and a receiver in {@code b} that records what arrives. Packets are fake
 * IPv4 packets: 40 bytes whose first four carry a sequence number.
 */
final class NeighBed {
    static final int ETH_P_IP = 0x0800;
    static final int ETH_P_ARP = 0x0806;
    /** 198.18.0.2, the peer. */
    static final int IP_B = 0xC612_0002;
    /** 198.18.0.9, nobody. */
    static final int IP_X = 0xC612_0009;
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;
    static final String P = "net.ipv4.neigh.default.";

    /** One call of {@link NeighOps#solicit}. */
    record Solicit(long time, int key, NudState state, int probes, long triggerId, int triggerSeq) {
    }

    /** Records solicitations and error reports; can send a stand-in ARP frame and answer it. */
    final class FakeOps implements NeighOps {
        final List<Solicit> solicits = new ArrayList<>();
        final List<Integer> errorReports = new ArrayList<>();
        /** Send a broadcast frame of EtherType 0x0806 for each solicitation, traced as arp_solicit. */
        boolean sendFrames;
        /** When a frame reaches {@code b}, answer with b's address (as an ARP reply would). */
        boolean autoAnswer;

        @Override
        public void solicit(Neighbour n, SkBuff trigger) {
            solicits.add(new Solicit(k.clock().nanos(), n.key(), n.state(), n.probes(),
                    trigger == null ? 0 : trigger.traceId, trigger == null ? -1 : seq(trigger)));
            if (!sendFrames) {
                return;
            }
            SkBuff frame = k.skbs().alloc(64, 28);
            int off = frame.put(28);
            int key = n.key();
            byte[] buf = frame.buf();
            buf[off] = (byte) (key >>> 24);
            buf[off + 1] = (byte) (key >>> 16);
            buf[off + 2] = (byte) (key >>> 8);
            buf[off + 3] = (byte) key;
            frame.dev = n.dev();
            k.tracer().enter(Stage.ARP_SOLICIT, frame, a.name(), n.dev().name());
            try {
                io.jnetstack.core.Eth.header(frame, ETH_P_ARP, MacAddress.BROADCAST.bits(), n.dev().mac().bits());
                Dev.queueXmit(frame);
            } finally {
                k.tracer().exit();
            }
        }

        @Override
        public void errorReport(Neighbour n, SkBuff skb) {
            errorReports.add(seq(skb));
        }
    }

    final Kernel k;
    final Net a;
    final Net b;
    final Veth v0;
    final Veth v1;
    final FakeOps ops = new FakeOps();
    final NeighTable tbl;
    final List<Integer> received = new ArrayList<>();
    final List<Long> receivedDst = new ArrayList<>();
    final List<Long> receivedAt = new ArrayList<>();
    int arpFramesAtB;

    NeighBed(long seed) {
        k = Kernel.deterministic(seed);
        a = k.newNet("a");
        b = k.newNet("b");
        v0 = Veth.createPair(a, "veth0", b, "veth1");
        v1 = v0.peer();
        v0.up();
        v1.up();
        tbl = new NeighTable(a, "arp_cache", "net.ipv4.neigh", ETH_P_IP, ops);
        b.addProtocol(ETH_P_IP, (skb, dev) -> {
            received.add(seq(skb));
            receivedDst.add(MacAddress.readBits(skb.buf(), skb.macHeader() + Ethernet.DST));
            receivedAt.add(k.clock().nanos());
            skb.free();
        });
        b.addProtocol(ETH_P_ARP, (skb, dev) -> {
            arpFramesAtB++;
            int key = seq(skb);
            skb.free();
            if (ops.autoAnswer) {
                Neighbour n = tbl.lookup(key, v0);
                if (n != null) {
                    tbl.update(n, v1.mac().bits(), NudState.REACHABLE, NeighTable.UPDATE_F_OVERRIDE);
                }
            }
        });
    }

    NeighBed() {
        this(1);
    }

    /** A fake IPv4 packet leaving by {@code dev}, data at its network header. */
    SkBuff packet(NetDevice dev, int seq) {
        SkBuff skb = k.skbs().alloc(64, 64);
        int off = skb.put(40);
        byte[] buf = skb.buf();
        buf[off] = (byte) (seq >>> 24);
        buf[off + 1] = (byte) (seq >>> 16);
        buf[off + 2] = (byte) (seq >>> 8);
        buf[off + 3] = (byte) seq;
        skb.resetNetworkHeader();
        skb.protocol = ETH_P_IP;
        skb.dev = dev;
        return skb;
    }

    /** What ip_finish_output2 does: look the neighbour up (creating it) and send through it. */
    int send(int key, int seq) {
        Neighbour n = tbl.lookupOrCreate(key, v0);
        return tbl.output(n, packet(v0, seq));
    }

    /** The peer answers: the entry becomes REACHABLE with b's address. */
    void answer(int key) {
        tbl.update(tbl.lookup(key, v0), v1.mac().bits(), NudState.REACHABLE, NeighTable.UPDATE_F_OVERRIDE);
    }

    Neighbour entry(int key) {
        return tbl.lookup(key, v0);
    }

    long now() {
        return k.clock().nanos();
    }

    void sysctl(String name, String value) {
        a.sysctls().set(P + name, value);
    }

    static int seq(SkBuff skb) {
        byte[] b = skb.buf();
        int o = skb.data();
        return (b[o] & 0xff) << 24 | (b[o + 1] & 0xff) << 16 | (b[o + 2] & 0xff) << 8 | (b[o + 3] & 0xff);
    }
}
