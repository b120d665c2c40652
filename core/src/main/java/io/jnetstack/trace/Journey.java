package io.jnetstack.trace;

import java.util.ArrayList;
import java.util.List;

/**
 * The recorded journey of one packet (and the packets its handling created).
 *
 * @param packetId the packet's journey id
 * @param events   its events in order
 */
public record Journey(long packetId, List<TraceEvent> events) {

    /** The stages passed, in order. */
    public List<Stage> stages() {
        List<Stage> s = new ArrayList<>(events.size());
        for (TraceEvent e : events) {
            s.add(e.stage());
        }
        return s;
    }

    /** The stages' Linux names, in order. */
    public List<String> names() {
        List<String> s = new ArrayList<>(events.size());
        for (TraceEvent e : events) {
            s.add(e.stage().linuxName());
        }
        return s;
    }

    /**
     * True when {@code chain} appears in order (not necessarily adjacent) in this journey: the
     * way the seeds' call chains are checked.
     */
    public boolean containsInOrder(List<String> chain) {
        return firstMissing(chain) < 0;
    }

    /**
     * Index in {@code chain} of the first name not found in order, or -1 when the whole chain is
     * an ordered subsequence. Tells a failing test where the journey left the chain.
     */
    public int firstMissing(List<String> chain) {
        int i = 0;
        for (TraceEvent e : events) {
            if (i < chain.size() && e.stage().linuxName().equals(chain.get(i))) {
                i++;
            }
        }
        return i == chain.size() ? -1 : i;
    }

    /**
     * The journey as an indented call tree, like the seeds' notes:
     * <pre>
     * dev_queue_xmit()                      [a veth0 t=0.000000000]
     *   --> __dev_queue_xmit()              [a veth0 t=0.000000000]
     * </pre>
     */
    public String tree() {
        StringBuilder sb = new StringBuilder();
        int base = Integer.MAX_VALUE;
        for (TraceEvent e : events) {
            base = Math.min(base, e.depth());
        }
        for (TraceEvent e : events) {
            int d = e.depth() - base;
            StringBuilder line = new StringBuilder();
            line.append("  ".repeat(d));
            if (d > 0) {
                line.append("--> ");
            }
            line.append(e.stage().linuxName()).append("()");
            int pad = Math.max(1, 56 - line.length());
            line.append(" ".repeat(pad)).append('[').append(e.netns().isEmpty() ? "softirq" : e.netns());
            if (!e.device().isEmpty()) {
                line.append(' ').append(e.device());
            }
            line.append(String.format(" t=%d.%09d", e.timeNanos() / 1_000_000_000L, e.timeNanos() % 1_000_000_000L));
            if (e.packetId() != packetId && e.packetId() != 0) {
                line.append(" pkt#").append(e.packetId());
            }
            if (!e.detail().isEmpty()) {
                line.append(' ').append(e.detail());
            }
            line.append(']');
            sb.append(line).append('\n');
        }
        return sb.toString();
    }
}
