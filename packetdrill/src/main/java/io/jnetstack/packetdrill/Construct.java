package io.jnetstack.packetdrill;

/**
 * A feature a script uses that the runner must implement to execute it.
 *
 * @param category what sort of feature: {@code syscall}, {@code sockopt}, {@code packet},
 *                 {@code tcp-option}, {@code ip}, {@code shell}, {@code code} or {@code option}
 * @param name     the feature, such as {@code setsockopt}, {@code SOL_TCP.TCP_FASTOPEN} or
 *                 {@code icmp unreachable frag_needed}
 */
public record Construct(String category, String name) implements Comparable<Construct> {

    @Override
    public int compareTo(Construct o) {
        int c = category.compareTo(o.category);
        return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return category + " " + name;
    }
}
