package io.jnetstack.trace;

/**
 * One recorded step of a packet's journey.
 *
 * @param seq      position in the recording (total order)
 * @param packetId the journey id of the packet, 0 for events not about one packet
 * @param parentId the journey id of the packet whose handling created this one, or 0
 * @param stage    the trace point (a Linux function name)
 * @param netns    the namespace's name
 * @param device   the device's name, or "" when none is involved
 * @param timeNanos the clock time of the step
 * @param depth    call depth at the step, for drawing the tree
 * @param detail   extra words (a drop reason, a qdisc kind), or ""
 */
public record TraceEvent(long seq, long packetId, long parentId, Stage stage, String netns, String device,
                         long timeNanos, int depth, String detail) {
}
