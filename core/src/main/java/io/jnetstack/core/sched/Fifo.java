package io.jnetstack.core.sched;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Qdisc;
import io.jnetstack.core.SkBuff;
import io.jnetstack.core.SkbQueue;

/**
 * A single FIFO with a tail-drop limit counted in packets ({@code pfifo}) or bytes
 * ({@code bfifo}). Mirrors {@code net/sched/sch_fifo.c}: without an explicit limit, pfifo takes
 * the device's {@code txqueuelen} and bfifo {@code txqueuelen × MTU} at attach time.
 */
public final class Fifo extends Qdisc {
    private final boolean bytes;
    private long limit;
    private final SkbQueue q = new SkbQueue();

    private Fifo(boolean bytes, long limit) {
        this.bytes = bytes;
        this.limit = limit;
    }

    /** A pfifo with {@code limit} packets; 0 takes the device's txqueuelen. */
    public static Fifo pfifo(int limit) {
        return new Fifo(false, checkLimit(limit));
    }

    /** A bfifo with {@code limit} bytes; 0 takes txqueuelen × MTU. */
    public static Fifo bfifo(long limit) {
        return new Fifo(true, checkLimit(limit));
    }

    private static long checkLimit(long limit) {
        if (limit < 0) {
            throw new io.jnetstack.core.ErrnoException(io.jnetstack.core.Errno.EINVAL, "fifo limit must be >= 0");
        }
        return limit;
    }

    @Override
    protected void onAttach() {
        if (limit == 0) {
            limit = bytes ? Math.max(1L, dev.txQueueLen()) * dev.mtu() : Math.max(1, dev.txQueueLen());
        }
    }

    @Override
    public String kind() {
        return bytes ? "bfifo" : "pfifo";
    }

    @Override
    public String params() {
        return "limit " + limit + (bytes ? "b" : "p");
    }

    /** The limit, in packets or bytes. */
    public long limit() {
        return limit;
    }

    @Override
    protected int doEnqueue(SkBuff skb) {
        boolean fits = bytes ? q.bytes() + skb.len() <= limit : q.size() < limit;
        if (!fits) {
            drop(skb, DropReason.QDISC_DROP);
            return NET_XMIT_DROP;
        }
        q.addLast(skb);
        return NET_XMIT_SUCCESS;
    }

    @Override
    protected SkBuff doDequeue() {
        return q.poll();
    }

    @Override
    protected int doQlen() {
        return q.size();
    }

    @Override
    protected long doBacklog() {
        return q.bytes();
    }

    @Override
    protected void doReset() {
        q.purge();
    }
}
