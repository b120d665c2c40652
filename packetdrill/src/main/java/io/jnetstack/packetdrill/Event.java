package io.jnetstack.packetdrill;

/**
 * One line (or block) of a script.
 *
 * @param time when it happens
 * @param kind what happens
 * @param line the 1-based line where it starts
 */
public record Event(TimeSpec time, EventKind kind, int line) { }
