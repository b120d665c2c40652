package io.jnetstack.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A journey step as a JDK Flight Recorder event, emitted when JFR output is on. */
@Name("io.jnetstack.Journey")
@Label("Packet journey step")
@Category({"jnetstack", "Trace"})
@Description("A packet passing a stage named after a Linux function")
@StackTrace(false)
final class JourneyEvent extends Event {
    @Label("Packet")
    long packetId;
    @Label("Parent packet")
    long parentId;
    @Label("Stage")
    String stage;
    @Label("Namespace")
    String netns;
    @Label("Device")
    String device;
    @Label("Stack time (ns)")
    long stackTimeNanos;
    @Label("Depth")
    int depth;
    @Label("Detail")
    String detail;
}
