package io.jnetstack.ipv4.tcp.cong;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The congestion control algorithms one namespace offers, by name, in registration order:
 * Linux's {@code tcp_cong_list} with {@code tcp_register_congestion_control()} and
 * {@code tcp_ca_find()}. Each lookup makes a fresh instance, since an instance holds one
 * connection's state. A {@code Net} owns one; nothing here is static but the names.
 *
 * <p>{@link #linuxDefaults} registers {@code reno} (given by the caller) and then {@code cubic},
 * so {@link #available()} reads {@code "reno cubic"} as
 * {@code net.ipv4.tcp_available_congestion_control} does on a kernel with CUBIC built in.
 * Safe for concurrent use: registrations replace an immutable snapshot that lookups read.
 */
public final class CongestionControls {
    /** {@code TCP_CA_NAME_MAX} less the terminating NUL: the longest name. */
    public static final int NAME_MAX = 15;
    /** The algorithm {@code net.ipv4.tcp_congestion_control} names by default. */
    public static final String DEFAULT = Cubic.NAME;

    private final Object lock = new Object();
    private volatile Map<String, Supplier<? extends CongestionControl>> algorithms = Map.of();
    /** CUBIC's module parameters for connections created from now on. */
    private volatile CubicParams cubicParams = CubicParams.DEFAULTS;

    /** A registry with nothing in it. */
    public CongestionControls() {
    }

    /**
     * {@code reno} from {@code reno} (the TCP engine's own, {@code tcp_reno} in
     * {@code tcp_cong.c}), then {@code cubic} with {@code cubicParams}, whose HyStart exits
     * {@code hystart} counts.
     */
    public static CongestionControls linuxDefaults(Supplier<? extends CongestionControl> reno,
                                                   CubicParams cubicParams, HystartListener hystart) {
        Objects.requireNonNull(cubicParams, "cubicParams");
        Objects.requireNonNull(hystart, "hystart");
        CongestionControls registry = new CongestionControls();
        registry.cubicParams = cubicParams;
        registry.register("reno", reno);
        registry.register(Cubic.NAME, () -> new Cubic(registry.cubicParams, hystart));
        return registry;
    }

    /** The parameters CUBIC connections created from now on use. */
    public CubicParams cubicParams() {
        return cubicParams;
    }

    /**
     * Writes one of CUBIC's module parameters by its Linux name, as
     * {@code echo VALUE > /sys/module/tcp_cubic/parameters/NAME} does (booleans as 0/1). New
     * connections see it; Linux's running connections would too, ours keep what they started with.
     *
     * @throws IllegalArgumentException for an unknown name or a value out of range
     */
    public void setCubicParameter(String name, String value) {
        int v;
        try {
            v = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("tcp_cubic." + name + ": not a number: " + value);
        }
        CubicParams p = cubicParams;
        cubicParams = switch (name) {
            case "fast_convergence" -> new CubicParams(v != 0, p.beta(), p.initialSsthresh(), p.bicScale(), p.tcpFriendliness(),
                    p.hystart(), p.hystartDetect(), p.hystartLowWindow(), p.hystartAckDeltaUs());
            case "beta" -> new CubicParams(p.fastConvergence(), v, p.initialSsthresh(), p.bicScale(), p.tcpFriendliness(),
                    p.hystart(), p.hystartDetect(), p.hystartLowWindow(), p.hystartAckDeltaUs());
            case "initial_ssthresh" -> new CubicParams(p.fastConvergence(), p.beta(), v, p.bicScale(), p.tcpFriendliness(),
                    p.hystart(), p.hystartDetect(), p.hystartLowWindow(), p.hystartAckDeltaUs());
            case "bic_scale" -> new CubicParams(p.fastConvergence(), p.beta(), p.initialSsthresh(), v, p.tcpFriendliness(),
                    p.hystart(), p.hystartDetect(), p.hystartLowWindow(), p.hystartAckDeltaUs());
            case "tcp_friendliness" -> new CubicParams(p.fastConvergence(), p.beta(), p.initialSsthresh(), p.bicScale(), v != 0,
                    p.hystart(), p.hystartDetect(), p.hystartLowWindow(), p.hystartAckDeltaUs());
            case "hystart" -> p.withHystart(v != 0);
            case "hystart_detect" -> p.withHystartDetect(v);
            case "hystart_low_window" -> new CubicParams(p.fastConvergence(), p.beta(), p.initialSsthresh(), p.bicScale(),
                    p.tcpFriendliness(), p.hystart(), p.hystartDetect(), v, p.hystartAckDeltaUs());
            case "hystart_ack_delta_us" -> new CubicParams(p.fastConvergence(), p.beta(), p.initialSsthresh(), p.bicScale(),
                    p.tcpFriendliness(), p.hystart(), p.hystartDetect(), p.hystartLowWindow(), v);
            default -> throw new IllegalArgumentException("tcp_cubic has no parameter " + name);
        };
    }

    /**
     * Adds an algorithm. Mirrors {@code tcp_register_congestion_control()}.
     *
     * @throws IllegalArgumentException when the name is empty, longer than {@link #NAME_MAX}
     *                                  or already registered (Linux's {@code EEXIST})
     */
    public void register(String name, Supplier<? extends CongestionControl> factory) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(factory, "factory");
        if (name.isEmpty() || name.length() > NAME_MAX) {
            throw new IllegalArgumentException("congestion control name must be 1.." + NAME_MAX + " characters: \"" + name + "\"");
        }
        synchronized (lock) {
            if (algorithms.containsKey(name)) {
                throw new IllegalArgumentException("congestion control \"" + name + "\" already registered (EEXIST)");
            }
            Map<String, Supplier<? extends CongestionControl>> next = new LinkedHashMap<>(algorithms);
            next.put(name, factory);
            algorithms = Collections.unmodifiableMap(next);
        }
    }

    /**
     * Removes an algorithm; connections already using it keep their instance. Mirrors
     * {@code tcp_unregister_congestion_control()}.
     *
     * @return whether it was registered
     */
    public boolean unregister(String name) {
        synchronized (lock) {
            if (!algorithms.containsKey(name)) {
                return false;
            }
            Map<String, Supplier<? extends CongestionControl>> next = new LinkedHashMap<>(algorithms);
            next.remove(name);
            algorithms = Collections.unmodifiableMap(next);
            return true;
        }
    }

    /** Whether {@code name} is registered (exact, case-sensitive, as {@code tcp_ca_find()}). */
    public boolean contains(String name) {
        return algorithms.containsKey(name);
    }

    /**
     * A new instance of the algorithm called {@code name} for one connection, or null when no
     * algorithm has that name (the caller answers {@code ENOENT}, as {@code TCP_CONGESTION} and
     * the sysctl do).
     *
     * @throws IllegalStateException when the factory makes an algorithm of another name
     */
    public CongestionControl newInstance(String name) {
        Supplier<? extends CongestionControl> factory = algorithms.get(name);
        if (factory == null) {
            return null;
        }
        CongestionControl cc = factory.get();
        if (cc == null || !name.equals(cc.name())) {
            throw new IllegalStateException("the factory registered as \"" + name + "\" made "
                    + (cc == null ? "nothing" : "\"" + cc.name() + "\""));
        }
        return cc;
    }

    /** The registered names in registration order. */
    public List<String> names() {
        return List.copyOf(new ArrayList<>(algorithms.keySet()));
    }

    /** The names separated by spaces, as {@code net.ipv4.tcp_available_congestion_control} shows them. */
    public String available() {
        return String.join(" ", algorithms.keySet());
    }
}
