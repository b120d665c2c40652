package io.jnetstack.ipv4.fib;

/**
 * What a route lookup is for: the fields of {@code struct flowi4} the FIB reads. Mutable and
 * reusable, so the hot path allocates nothing: a caller keeps one per thread or per socket,
 * {@link #reset()}s it and fills it in.
 *
 * <p>Addresses are {@code int}s in network order ({@code 192.0.2.1} is {@code 0xC0000201}).
 * An output lookup has {@code iif == 0}; policy rules then see the loopback device as the input
 * interface, as Linux's {@code ip_route_output_key_hash()} sets {@code flowi4_iif} to
 * {@code LOOPBACK_IFINDEX}.
 */
public final class FlowKey {
    /**
     * FLOWI_FLAG_SKIP_NH_OIF: do not require the nexthop's device to be {@link #oif()} (the
     * output interface only selects policy rules).
     */
    public static final int SKIP_NH_OIF = 0x04;

    private int dst;
    private int src;
    private int tos;
    private int oif;
    private int iif;
    private int mark;
    private int proto;
    private int scope;
    private int flags;

    /** An empty key: every field 0 (scope universe). */
    public FlowKey() {
    }

    /** Clears every field. */
    public FlowKey reset() {
        dst = 0;
        src = 0;
        tos = 0;
        oif = 0;
        iif = 0;
        mark = 0;
        proto = 0;
        scope = 0;
        flags = 0;
        return this;
    }

    /** The destination address ({@code daddr}). */
    public int dst() {
        return dst;
    }

    /** Sets the destination address. */
    public FlowKey dst(int addr) {
        this.dst = addr;
        return this;
    }

    /** The source address ({@code saddr}), or 0. */
    public int src() {
        return src;
    }

    /** Sets the source address. */
    public FlowKey src(int addr) {
        this.src = addr;
        return this;
    }

    /** The TOS byte ({@code flowi4_tos}); its DSCP bits select routes and rules. */
    public int tos() {
        return tos;
    }

    /** Sets the TOS byte. */
    public FlowKey tos(int t) {
        this.tos = t & 0xFF;
        return this;
    }

    /** The required output interface index ({@code flowi4_oif}), or 0 for any. */
    public int oif() {
        return oif;
    }

    /** Sets the output interface index. */
    public FlowKey oif(int ifindex) {
        this.oif = ifindex;
        return this;
    }

    /** The input interface index ({@code flowi4_iif}), or 0 for an output lookup. */
    public int iif() {
        return iif;
    }

    /** Sets the input interface index. */
    public FlowKey iif(int ifindex) {
        this.iif = ifindex;
        return this;
    }

    /** The firewall mark ({@code flowi4_mark}). */
    public int mark() {
        return mark;
    }

    /** Sets the firewall mark. */
    public FlowKey mark(int m) {
        this.mark = m;
        return this;
    }

    /** The IP protocol ({@code flowi4_proto}: 6 TCP, 17 UDP, ...), or 0. */
    public int proto() {
        return proto;
    }

    /** Sets the IP protocol. */
    public FlowKey proto(int p) {
        this.proto = p;
        return this;
    }

    /** The narrowest scope acceptable ({@code flowi4_scope}); routes with a smaller scope value are skipped. */
    public int scope() {
        return scope;
    }

    /** Sets the scope. */
    public FlowKey scope(Scope s) {
        this.scope = s.value();
        return this;
    }

    /** Sets the scope as a number, 0..255 (a value between the named ones is allowed, as in Linux). */
    public FlowKey scope(int value) {
        this.scope = value & 0xFF;
        return this;
    }

    /** The {@code FLOWI_FLAG_*} flags. */
    public int flags() {
        return flags;
    }

    /** Sets the flags. */
    public FlowKey flags(int f) {
        this.flags = f;
        return this;
    }

    @Override
    public String toString() {
        return "FlowKey[dst " + Prefixes.addr(dst) + " src " + Prefixes.addr(src) + " tos " + Prefixes.tos(tos) + " oif " + oif
                + " iif " + iif + " mark 0x" + Integer.toHexString(mark) + " proto " + proto + " scope " + scope + "]";
    }
}
