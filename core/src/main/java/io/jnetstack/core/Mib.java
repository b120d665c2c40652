package io.jnetstack.core;

/**
 * A group of SNMP-style counters named by an enum, as one line pair of {@code /proc/net/snmp}
 * ("Ip: Forwarding DefaultTTL InReceives …" then the values). Counting allocates nothing.
 *
 * @param <E> the enum naming the counters, in the order Linux prints them
 */
public final class Mib<E extends Enum<E>> {
    private final String group;
    private final E[] names;
    private final long[] values;

    /** A group called {@code group} ("Ip", "Icmp", "Tcp") with the counters of {@code type}. */
    public Mib(String group, Class<E> type) {
        this.group = group;
        this.names = type.getEnumConstants();
        this.values = new long[names.length];
    }

    /** Adds one. */
    public void inc(E counter) {
        values[counter.ordinal()]++;
    }

    /** Adds {@code n}. */
    public void add(E counter, long n) {
        values[counter.ordinal()] += n;
    }

    /** Sets a value (for gauges such as Ip Forwarding). */
    public void set(E counter, long v) {
        values[counter.ordinal()] = v;
    }

    /** The current value. */
    public long get(E counter) {
        return values[counter.ordinal()];
    }

    /** The group's name. */
    public String group() {
        return group;
    }

    /** The two lines {@code /proc/net/snmp} prints for this group. */
    public String format() {
        StringBuilder head = new StringBuilder(group).append(':');
        StringBuilder vals = new StringBuilder(group).append(':');
        for (E n : names) {
            head.append(' ').append(n.name());
            vals.append(' ').append(values[n.ordinal()]);
        }
        return head + "\n" + vals + "\n";
    }

    /** Non-zero counters as {@code nstat} prints them: "IpInReceives   12". */
    public String formatNonZero() {
        StringBuilder sb = new StringBuilder();
        for (E n : names) {
            long v = values[n.ordinal()];
            if (v != 0) {
                sb.append(String.format("%-32s %d%n", group + n.name(), v));
            }
        }
        return sb.toString();
    }
}
