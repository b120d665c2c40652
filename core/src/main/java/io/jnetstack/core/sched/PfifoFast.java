package io.jnetstack.core.sched;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Qdisc;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.SkbQueue;

/**
 * The default qdisc: three FIFO bands served in strict priority, band 0 first, with the band
 * chosen from {@code skb.priority} (set from the IP TOS by the IP layer, {@code rt_tos2priority})
 * through Linux's priomap. Its limit is the device's {@code txqueuelen}, counted over all bands;
 * beyond it packets are tail-dropped. An empty pfifo_fast lets packets bypass it
 * (TCQ_F_CAN_BYPASS). Mirrors {@code pfifo_fast} in {@code net/sched/sch_generic.c}.
 */
public final class PfifoFast extends Qdisc {
    /** Number of bands. */
    public static final int BANDS = 3;
    /** Mirrors {@code sch_default_prio2band}: TC_PRIO_* (0..15) to band. */
    private static final int[] PRIO2BAND = {1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1};

    private final SkbQueue[] bands = {new SkbQueue(), new SkbQueue(), new SkbQueue()};

    @Override
    public String kind() {
        return "pfifo_fast";
    }

    @Override
    public String params() {
        return "bands 3 priomap 1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1";
    }

    @Override
    public boolean canBypass() {
        return true;
    }

    /** The band a packet of this priority goes to. */
    public static int band(int priority) {
        return PRIO2BAND[priority & 15];
    }

    @Override
    protected int doEnqueue(SkBuff skb) {
        if (doQlen() >= dev.txQueueLen()) {
            drop(skb, DropReason.QDISC_DROP);
            return NET_XMIT_DROP;
        }
        bands[band(skb.priority)].addLast(skb);
        return NET_XMIT_SUCCESS;
    }

    @Override
    protected SkBuff doDequeue() {
        for (SkbQueue b : bands) {
            SkBuff s = b.poll();
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    @Override
    protected int doQlen() {
        return bands[0].size() + bands[1].size() + bands[2].size();
    }

    @Override
    protected long doBacklog() {
        return bands[0].bytes() + bands[1].bytes() + bands[2].bytes();
    }

    @Override
    protected void doReset() {
        for (SkbQueue b : bands) {
            b.purge();
        }
    }

    /** Packets waiting in band {@code i}. */
    public int bandLength(int i) {
        return bands[i].size();
    }
}
