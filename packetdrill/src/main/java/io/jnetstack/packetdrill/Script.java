package io.jnetstack.packetdrill;

import java.util.List;

/**
 * A parsed .pkt script.
 *
 * @param file    the name it was parsed under
 * @param options its {@code --name=value} lines, in order (also present in {@code events})
 * @param events  every event in order: options, shell and code blocks, system calls, packets
 */
public record Script(String file, List<EventKind.OptionEvent> options, List<Event> events) {

    /** Copies the lists so the script is immutable. */
    public Script {
        options = List.copyOf(options);
        events = List.copyOf(events);
    }
}
