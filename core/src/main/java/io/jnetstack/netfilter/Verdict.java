package io.jnetstack.netfilter;

/** What a hook function decides. Mirrors the {@code NF_*} verdicts. */
public enum Verdict {
    /** Discard the packet (counted, reason NETFILTER_DROP). */
    DROP,
    /** Continue with the next hook function, then the stack. */
    ACCEPT,
    /** The hook took the packet; the stack forgets it. */
    STOLEN,
    /** Hand to a user-space queue; with no queue listener the packet is dropped, as Linux. */
    QUEUE,
    /** Call this hook function again. */
    REPEAT
}
