package io.jnetstack.netfilter;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;
import io.jnetstack.trace.Stage;

import java.util.Arrays;

/**
 * The hook points of one namespace: hook functions registered per hook with a priority, run in
 * priority order (lower first). Mirrors {@code nf_register_net_hook()} and {@code nf_hook()} /
 * {@code nf_hook_slow()}. With no functions registered a hook costs one array length test.
 */
public final class Netfilter {
    /** Mirrors NF_IP_PRI_FIRST. */
    public static final int PRI_FIRST = Integer.MIN_VALUE;
    /** Mirrors NF_IP_PRI_CONNTRACK_DEFRAG. */
    public static final int PRI_CONNTRACK_DEFRAG = -400;
    /** Mirrors NF_IP_PRI_RAW. */
    public static final int PRI_RAW = -300;
    /** Mirrors NF_IP_PRI_CONNTRACK. */
    public static final int PRI_CONNTRACK = -200;
    /** Mirrors NF_IP_PRI_MANGLE. */
    public static final int PRI_MANGLE = -150;
    /** Mirrors NF_IP_PRI_NAT_DST. */
    public static final int PRI_NAT_DST = -100;
    /** Mirrors NF_IP_PRI_FILTER. */
    public static final int PRI_FILTER = 0;
    /** Mirrors NF_IP_PRI_NAT_SRC. */
    public static final int PRI_NAT_SRC = 100;
    /** Mirrors NF_IP_PRI_LAST. */
    public static final int PRI_LAST = Integer.MAX_VALUE;

    /** A registration, for unregistering. */
    public record Registration(NfHook hook, int priority, NfHookFn fn) {
    }

    private static final int MAX_REPEAT = 16;
    private final Net net;
    private final Registration[][] hooks = new Registration[NfHook.values().length][0];
    private long queueDrops;

    /** The hooks of {@code net}. */
    public Netfilter(Net net) {
        this.net = net;
    }

    /** Registers {@code fn} at {@code hook}; functions of equal priority run in registration order. */
    public Registration register(NfHook hook, int priority, NfHookFn fn) {
        Registration r = new Registration(hook, priority, fn);
        Registration[] old = hooks[hook.ordinal()];
        int at = 0;
        while (at < old.length && old[at].priority() <= priority) {
            at++;
        }
        Registration[] n = new Registration[old.length + 1];
        System.arraycopy(old, 0, n, 0, at);
        n[at] = r;
        System.arraycopy(old, at, n, at + 1, old.length - at);
        hooks[hook.ordinal()] = n;
        return r;
    }

    /** Removes a registration. */
    public void unregister(Registration r) {
        hooks[r.hook().ordinal()] = Arrays.stream(hooks[r.hook().ordinal()]).filter(x -> x != r).toArray(Registration[]::new);
    }

    /** True when any function sits at {@code hook}. */
    public boolean active(NfHook hook) {
        return hooks[hook.ordinal()].length > 0;
    }

    /** Packets dropped because a function asked to QUEUE them and no queue exists. */
    public long queueDrops() {
        return queueDrops;
    }

    /**
     * Runs the functions of {@code hook} over a packet. Mirrors {@code nf_hook()}.
     *
     * @return true when every function accepted: the caller continues (calls its okfn);
     *         false when the packet was dropped or stolen (the caller must forget it)
     */
    public boolean run(NfHook hook, SkBuff skb, NetDevice in, NetDevice out) {
        Registration[] list = hooks[hook.ordinal()];
        net.kernel().tracer().point(Stage.NF_HOOK, skb, net.name(), out != null ? out.name() : in != null ? in.name() : "", hook.name());
        for (int i = 0; i < list.length; i++) {
            Verdict v = list[i].fn().hook(skb, hook, in, out);
            int repeats = 0;
            while (v == Verdict.REPEAT && repeats++ < MAX_REPEAT) {
                v = list[i].fn().hook(skb, hook, in, out);
            }
            switch (v) {
                case ACCEPT -> {
                }
                case STOLEN -> {
                    return false;
                }
                case QUEUE -> {
                    queueDrops++;
                    net.drop(skb, DropReason.NETFILTER_DROP);
                    return false;
                }
                case DROP, REPEAT -> {
                    net.drop(skb, DropReason.NETFILTER_DROP);
                    return false;
                }
            }
        }
        return true;
    }
}
