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
    /** The limit was given ({@code tc ... pfifo limit N}): 0 then means 0, every packet dropped. */
    private final boolean limitGiven;
    private final SkbQueue q = new SkbQueue();

    private Fifo(boolean bytes, long limit, boolean limitGiven) {
        this.bytes = bytes;
        this.limit = limit;
        this.limitGiven = limitGiven;
    }

    /** A pfifo with {@code limit} packets; 0 takes the device's txqueuelen. */
    public static Fifo pfifo(int limit) {
        return new Fifo(false, checkLimit(limit), false);
    }

    /** A bfifo with {@code limit} bytes; 0 takes txqueuelen × MTU. */
    public static Fifo bfifo(long limit) {
        return new Fifo(true, checkLimit(limit), false);
    }

    /**
     * Parses tc's words, {@code "pfifo"}, {@code "bfifo"}, {@code "pfifo limit 0"}: with
     * {@code limit} the value is taken as given, as {@code fifo_init()} does, so a limit of 0
     * drops every packet; without it the device's txqueuelen decides.
     */
    public static Fifo parse(String text) {
        String[] w = text.strip().split("\\s+");
        boolean bytes = switch (w[0]) {
            case "pfifo" -> false;
            case "bfifo" -> true;
            default -> throw new io.jnetstack.core.ErrnoException(io.jnetstack.core.Errno.EINVAL, "not a fifo: " + w[0]);
        };
        if (w.length == 1) {
            return new Fifo(bytes, 0, false);
        }
        if (w.length != 3 || !w[1].equals("limit")) {
            throw new io.jnetstack.core.ErrnoException(io.jnetstack.core.Errno.EINVAL, w[0] + " takes only \"limit N\"");
        }
        if (!bytes && !w[2].matches("\\d{1,10}")) {
            throw new io.jnetstack.core.ErrnoException(io.jnetstack.core.Errno.EINVAL, "pfifo: illegal \"limit\" " + w[2]);
        }
        long limit = bytes ? TcUnits.parseSize(w[2]) : Long.parseLong(w[2]);
        return new Fifo(bytes, checkLimit(limit), true);
    }

    private static long checkLimit(long limit) {
        if (limit < 0) {
            throw new io.jnetstack.core.ErrnoException(io.jnetstack.core.Errno.EINVAL, "fifo limit must be >= 0");
        }
        return limit;
    }

    @Override
    protected void onAttach() {
        if (limit == 0 && !limitGiven) {
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
