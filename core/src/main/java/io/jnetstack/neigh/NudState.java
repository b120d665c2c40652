package io.jnetstack.neigh;

/**
 * Neighbour Unreachability Detection states of a neighbour entry, with Linux's bit values
 * ({@code NUD_*} of {@code <linux/neighbour.h>}), so sets of states are bit masks as in the kernel.
 *
 * <p>The states are those of RFC 4861 §7.3.2 (INCOMPLETE, REACHABLE, STALE, DELAY, PROBE) which
 * Linux applies to ARP as well, plus Linux's FAILED (resolution gave up), NOARP (no resolution
 * needed: loopback, point-to-point, multicast and broadcast destinations), PERMANENT (set by the
 * administrator, never changed by the protocol) and NONE (just created). RFC 1122 §2.3.2.1 asks
 * that an ARP cache entry be validated by such a mechanism rather than trusted forever.
 */
public enum NudState {
    /** Just created, nothing known ({@code NUD_NONE}). */
    NONE(0x00),
    /** A solicitation was sent and no answer came yet ({@code NUD_INCOMPLETE}). */
    INCOMPLETE(0x01),
    /** Reachability was confirmed within reachable_time ({@code NUD_REACHABLE}). */
    REACHABLE(0x02),
    /** The address is known but not recently confirmed ({@code NUD_STALE}). */
    STALE(0x04),
    /** Traffic was sent to a STALE entry; waiting delay_first_probe_time for a confirmation ({@code NUD_DELAY}). */
    DELAY(0x08),
    /** Unicast probes are being sent to confirm the address ({@code NUD_PROBE}). */
    PROBE(0x10),
    /** Resolution failed; queued packets were reported and dropped ({@code NUD_FAILED}). */
    FAILED(0x20),
    /** No resolution is needed on this link or for this address ({@code NUD_NOARP}). */
    NOARP(0x40),
    /** Set by the administrator and kept as is ({@code NUD_PERMANENT}). */
    PERMANENT(0x80);

    /** States whose entry is driven by its timer ({@code NUD_IN_TIMER}). */
    public static final int IN_TIMER_BITS = 0x01 | 0x02 | 0x08 | 0x10;
    /** States with a usable link-layer address ({@code NUD_VALID}). */
    public static final int VALID_BITS = 0x80 | 0x40 | 0x02 | 0x10 | 0x04 | 0x08;
    /** States whose address may be used without checking ({@code NUD_CONNECTED}). */
    public static final int CONNECTED_BITS = 0x80 | 0x40 | 0x02;

    private final int bits;

    NudState(int bits) {
        this.bits = bits;
    }

    /** The {@code NUD_*} bit of this state (0 for NONE). */
    public int bits() {
        return bits;
    }

    /** True for states whose address is usable. Mirrors a test against {@code NUD_VALID}. */
    public boolean valid() {
        return (bits & VALID_BITS) != 0;
    }

    /** True for states whose address is used without questioning. Mirrors {@code NUD_CONNECTED}. */
    public boolean connected() {
        return (bits & CONNECTED_BITS) != 0;
    }

    /** True for states in which the entry's timer runs. Mirrors {@code NUD_IN_TIMER}. */
    public boolean inTimer() {
        return (bits & IN_TIMER_BITS) != 0;
    }

    /** True when this state's bit is in {@code mask}. */
    public boolean in(int mask) {
        return (bits & mask) != 0;
    }
}
