package io.jnetstack.core;

import io.jnetstack.trace.Stage;
import io.jnetstack.trace.Tracer;

/**
 * Generic receive offload of one NAPI context: received segments of a flow are merged into one
 * large packet before the stack sees them. Mirrors {@code net/core/gro.c}:
 *
 * <pre>
 * driver poll → napi_gro_receive → dev_gro_receive → callbacks.gro_receive
 *                 (inet_gro_receive → tcp4_gro_receive): merge (skb_gro_receive), hold, or normal
 * end of poll → napi_gro_flush → napi_gro_complete → callbacks.gro_complete
 *                 (inet_gro_complete → tcp4_gro_complete) → netif_receive_skb
 * </pre>
 *
 * At most {@link #MAX_HELD} flows are held ({@code MAX_GRO_SKBS}); the oldest goes up when a new
 * one needs room. Everything held is flushed at the end of every poll (Linux keeps packets
 * across a poll that used its whole budget for up to a jiffy; flushing at once keeps runs
 * deterministic). Merging copies each segment's payload behind the first one's in one pooled
 * linear buffer (doubled as it fills, so its truesize stays within twice the data), so the
 * merged packet is what the TCP receive path handles best and nothing is allocated in steady
 * state. Only devices with {@link NetdevFeatures#GRO} merge.
 */
public final class Gro {
    /** Mirrors MAX_GRO_SKBS: flows held at once per NAPI context. */
    public static final int MAX_HELD = 8;
    /** Mirrors GRO_LEGACY_MAX_SIZE: a merged packet stays below 64 KiB (the IPv4 total length). */
    public static final int MAX_SIZE = 65536;

    private final NetDevice dev;
    private final SkBuff[] held = new SkBuff[MAX_HELD];
    private final int[] count = new int[MAX_HELD];
    private final int[] mss = new int[MAX_HELD];
    private int n;
    private long mergedSegs;
    private long mergedPackets;
    private long normal;

    Gro(NetDevice dev) {
        this.dev = dev;
    }

    /**
     * Receives a frame (data at the network header, after {@code eth_type_trans()}) through GRO.
     * Mirrors {@code napi_gro_receive()} / {@code dev_gro_receive()}: packets of a protocol with
     * no offload, already large (GSO) packets, and every packet of a device with GRO off go up
     * at once.
     */
    public void receive(SkBuff skb) {
        NetDevice d = skb.dev;
        Net net = d.net();
        Tracer t = net.kernel().tracer();
        t.enter(Stage.NAPI_GRO_RECEIVE, skb, net.name(), d.name());
        try {
            PacketOffload o;
            if ((d.features() & NetdevFeatures.GRO) == 0 || skb.isGso() || (o = net.offload(skb.protocol)) == null) {
                deliver(skb);
                return;
            }
            o.groReceive(this, skb);
        } finally {
            t.exit();
        }
    }

    // ---------------------------------------------------------------- operations for offloads

    /** Flows held. */
    public int size() {
        return n;
    }

    /** The packet held for flow {@code i} (0 is the oldest); data at its network header. */
    public SkBuff held(int i) {
        return held[i];
    }

    /** How many segments flow {@code i} holds ({@code NAPI_GRO_CB(p)->count}). */
    public int count(int i) {
        return count[i];
    }

    /** The payload size of flow {@code i}'s first segment: the merged packet's gso_size. */
    public int mss(int i) {
        return mss[i];
    }

    /**
     * Holds {@code skb} as a new flow whose segments carry {@code segMss} payload bytes; the
     * oldest flow goes up first when {@link #MAX_HELD} are held.
     */
    public void hold(SkBuff skb, int segMss) {
        if (n == MAX_HELD) {
            flush(0);
        }
        held[n] = skb;
        count[n] = 1;
        mss[n] = segMss;
        n++;
    }

    /**
     * Appends {@code len} payload bytes of {@code skb} (from {@code off} bytes after its data)
     * to flow {@code i}'s packet and frees {@code skb}. Mirrors {@code skb_gro_receive()}.
     *
     * @return false, with nothing changed, when the merged packet would reach {@link #MAX_SIZE}
     *         (the caller flushes the flow: {@code -E2BIG})
     */
    public boolean merge(int i, SkBuff skb, int off, int len) {
        SkBuff p = held[i];
        if (p.len() + len >= MAX_SIZE || p.dataLen() > 0) {
            return false;
        }
        if (p.tailroom() < len || p.isCloned()) {
            // Double the buffer (the pool's classes double), so truesize stays within twice the data.
            int room = Math.min(Math.max(len, p.headLen()), SkBuffPool.LARGE - p.data() - p.headLen());
            if (room < len) {
                return false;
            }
            p.ensureTailroom(room);
        }
        int at = p.put(len);
        skb.copyBits(off, p.buf(), at, len);
        skb.free();
        count[i]++;
        mergedSegs++;
        return true;
    }

    /**
     * Sends flow {@code i} up: a packet of several segments is finished by its protocol's
     * {@code gro_complete} first. Mirrors {@code napi_gro_complete()}.
     */
    public void flush(int i) {
        SkBuff p = held[i];
        int c = count[i];
        int m = mss[i];
        System.arraycopy(held, i + 1, held, i, n - i - 1);
        System.arraycopy(count, i + 1, count, i, n - i - 1);
        System.arraycopy(mss, i + 1, mss, i, n - i - 1);
        held[--n] = null;
        if (c > 1) {
            Net net = p.dev.net();
            net.kernel().tracer().point(Stage.NAPI_GRO_COMPLETE, p, net.name(), p.dev.name(), "");
            PacketOffload o = net.offload(p.protocol);
            if (o != null) {
                o.groComplete(p, c, m);
            }
            mergedPackets++;
        }
        deliver(p);
    }

    /** Sends every held flow up, oldest first. Mirrors {@code napi_gro_flush()}. */
    public void flushAll() {
        if (n == 0) {
            return;
        }
        dev.net().kernel().tracer().point(Stage.NAPI_GRO_FLUSH, null, dev.net().name(), dev.name(), "");
        while (n > 0) {
            flush(0);
        }
    }

    /** Sends a packet up unmerged. Mirrors {@code gro_normal_one()}. */
    public void deliver(SkBuff skb) {
        normal++;
        Dev.netifReceiveSkb(skb);
    }

    // ---------------------------------------------------------------- counters

    /** Segments merged into a held packet (not counting the first of each). */
    public long mergedSegments() {
        return mergedSegs;
    }

    /** Merged packets (of two segments or more) handed up. */
    public long mergedPackets() {
        return mergedPackets;
    }

    /** Packets handed up, merged or not. */
    public long delivered() {
        return normal;
    }
}
