package io.jnetstack.core;

/**
 * A FIFO of packet buffers linked through the buffers themselves, so queueing allocates
 * nothing. Mirrors {@code struct sk_buff_head} with {@code __skb_queue_tail()} /
 * {@code __skb_dequeue()}. A buffer is on at most one queue at a time.
 */
public final class SkbQueue {
    private SkBuff first;
    private SkBuff last;
    private int qlen;
    private long bytes;

    /** Appends at the tail. Mirrors {@code __skb_queue_tail()}. */
    public void addLast(SkBuff skb) {
        if (skb.list != null) {
            throw new IllegalStateException("skb is already on a queue");
        }
        skb.list = this;
        skb.next = null;
        skb.prev = last;
        if (last == null) {
            first = skb;
        } else {
            last.next = skb;
        }
        last = skb;
        qlen++;
        bytes += skb.len;
    }

    /** Inserts at the head. Mirrors {@code __skb_queue_head()}. */
    public void addFirst(SkBuff skb) {
        if (skb.list != null) {
            throw new IllegalStateException("skb is already on a queue");
        }
        skb.list = this;
        skb.prev = null;
        skb.next = first;
        if (first == null) {
            last = skb;
        } else {
            first.prev = skb;
        }
        first = skb;
        qlen++;
        bytes += skb.len;
    }

    /** Inserts {@code skb} before {@code at}, which must be on this queue (null means at the tail). */
    public void insertBefore(SkBuff at, SkBuff skb) {
        if (at == null) {
            addLast(skb);
            return;
        }
        if (at.list != this || skb.list != null) {
            throw new IllegalStateException("insertBefore with buffers on the wrong queues");
        }
        skb.list = this;
        skb.next = at;
        skb.prev = at.prev;
        if (at.prev == null) {
            first = skb;
        } else {
            at.prev.next = skb;
        }
        at.prev = skb;
        qlen++;
        bytes += skb.len;
    }

    /** Removes and returns the head, or null. Mirrors {@code __skb_dequeue()}. */
    public SkBuff poll() {
        SkBuff s = first;
        if (s != null) {
            unlink(s);
        }
        return s;
    }

    /** Removes and returns the tail, or null. Mirrors {@code __skb_dequeue_tail()}. */
    public SkBuff pollLast() {
        SkBuff s = last;
        if (s != null) {
            unlink(s);
        }
        return s;
    }

    /** Removes a buffer that is on this queue. Mirrors {@code __skb_unlink()}. */
    public void unlink(SkBuff s) {
        if (s.list != this) {
            throw new IllegalStateException("skb is not on this queue");
        }
        if (s.prev == null) {
            first = s.next;
        } else {
            s.prev.next = s.next;
        }
        if (s.next == null) {
            last = s.prev;
        } else {
            s.next.prev = s.prev;
        }
        s.next = s.prev = null;
        s.list = null;
        qlen--;
        bytes -= s.len;
    }

    /** The head without removing it, or null. Mirrors {@code skb_peek()}. */
    public SkBuff peek() {
        return first;
    }

    /** The tail without removing it, or null. Mirrors {@code skb_peek_tail()}. */
    public SkBuff peekLast() {
        return last;
    }

    /** The buffer after {@code s} on this queue, or null. */
    public SkBuff next(SkBuff s) {
        return s.next;
    }

    /** The buffer before {@code s} on this queue, or null. */
    public SkBuff prev(SkBuff s) {
        return s.prev;
    }

    /** Number of buffers queued. */
    public int size() {
        return qlen;
    }

    /** Sum of the queued buffers' lengths at the time each was queued. */
    public long bytes() {
        return bytes;
    }

    /** True when empty. */
    public boolean isEmpty() {
        return qlen == 0;
    }

    /** Frees every queued buffer. Mirrors {@code __skb_queue_purge()}. */
    public void purge() {
        SkBuff s;
        while ((s = poll()) != null) {
            s.free();
        }
    }
}
