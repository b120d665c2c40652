package io.jnetstack.ipv4.fib;

/**
 * How far a route's destination is: the {@code rtm_scope} of a route, {@code enum rt_scope_t}
 * of {@code <linux/rtnetlink.h>}. Larger values are closer; a lookup asking for scope {@code s}
 * (a {@link FlowKey#scope()}) only uses routes whose scope is at least {@code s}.
 */
public enum Scope {
    /** Everywhere (RT_SCOPE_UNIVERSE); {@code ip} prints it as {@code global}. */
    UNIVERSE(0, "global"),
    /** Inside the site (RT_SCOPE_SITE). */
    SITE(200, "site"),
    /** On the attached link (RT_SCOPE_LINK): directly connected destinations, broadcasts. */
    LINK(253, "link"),
    /** On this host (RT_SCOPE_HOST): local addresses. */
    HOST(254, "host"),
    /** Nowhere (RT_SCOPE_NOWHERE): never a real route's scope; "any scope" when deleting. */
    NOWHERE(255, "nowhere");

    private final int value;
    private final String linuxName;

    Scope(int value, String linuxName) {
        this.value = value;
        this.linuxName = linuxName;
    }

    /** The numeric value, as in {@code rtm_scope}. */
    public int value() {
        return value;
    }

    /** The word {@code ip route} prints. */
    public String linuxName() {
        return linuxName;
    }

    /** The scope with this numeric value, or null. */
    public static Scope of(int value) {
        for (Scope s : values()) {
            if (s.value == value) {
                return s;
            }
        }
        return null;
    }
}
