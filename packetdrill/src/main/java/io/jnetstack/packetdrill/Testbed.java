package io.jnetstack.packetdrill;

import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.ipv4.fib.NextHop;
import io.jnetstack.ipv4.fib.Route;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A fresh stack for one script: a deterministic kernel (virtual time), one namespace, and the
 * {@link ScriptTun} device with the local address ({@code /16}) and a default route through it,
 * so the remote address is reached over the script's wire. Script time 0 is the kernel's clock
 * once the device is up.
 */
final class Testbed implements AutoCloseable {

    private static final String DEVICE = "tun0";
    private static final int PREFIX_LEN = 16;

    private final Kernel kernel;
    private final Net net;
    private final ScriptTun tun;
    private final long t0;

    /** @param config addresses, MTU and seed */
    Testbed(RunConfig config) {
        kernel = Kernel.deterministic(config.seed());
        net = kernel.newNet("packetdrill");
        net.loopback().up();
        tun = net.register(new ScriptTun(DEVICE, config.mtu()));
        tun.up();
        net.inet().devinet().add(tun, config.localIp(), PREFIX_LEN);
        net.inet().fib().addRoute(Route.to(0, 0).nexthop(NextHop.dev(tun)).build());
        if (config.prepare() != null) {
            config.prepare().accept(net);
        }
        kernel.runFor(1_000_000L);
        tun.clearSent();
        t0 = kernel.clock().nanos();
    }

    /** @param listener told of every packet the stack sends, with its decoded form (null: none) */
    void onSend(Consumer<LivePacket> listener) {
        tun.onSend(listener == null ? null : c -> listener.accept(LivePacket.decode(c.nanos(), c.packet())));
    }

    Kernel kernel() {
        return kernel;
    }

    Net net() {
        return net;
    }

    /** @return script time now, in µs */
    long now() {
        return micros(kernel.clock().nanos());
    }

    /** @return a kernel clock reading as script time in µs */
    long micros(long nanos) {
        return Math.floorDiv(nanos - t0, 1000);
    }

    /** Runs everything due up to script time {@code micros} and stops there. */
    void runTo(long micros) {
        long target = t0 + micros * 1000;
        if (target > kernel.clock().nanos()) {
            kernel.runUntilTime(target);
        }
    }

    /** Runs what is due at the current instant, without moving time. */
    void settle() {
        kernel.runUntilTime(kernel.clock().nanos());
    }

    /**
     * Runs until {@code done} holds or script time reaches {@code micros}.
     *
     * @return whether {@code done} holds
     */
    boolean runUntil(BooleanSupplier done, long micros) {
        long target = t0 + micros * 1000;
        long now = kernel.clock().nanos();
        if (kernel.runUntil(done, Math.max(0, target - now))) {
            return true;
        }
        runTo(micros);
        return done.getAsBoolean();
    }

    /** Injects a packet as received on the device. */
    void inject(byte[] packet) {
        kernel.run(() -> tun.inject(packet));
    }

    /** @return whether the stack sent a packet not yet taken */
    boolean hasSent() {
        return tun.hasSent();
    }

    /** @return the packets sent and not yet taken, oldest first, decoded */
    List<LivePacket> sent() {
        List<LivePacket> out = new ArrayList<>();
        for (int i = 0; i < tun.sentCount(); i++) {
            ScriptTun.Captured c = tun.sentAt(i);
            out.add(LivePacket.decode(c.nanos(), c.packet()));
        }
        return out;
    }

    /** Takes the {@code n} oldest sent packets. */
    void take(int n) {
        for (int i = 0; i < n; i++) {
            tun.pollSent();
        }
    }

    @Override
    public void close() {
        kernel.close();
    }
}
