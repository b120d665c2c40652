package io.jnetstack.bench;

import io.jnetstack.apps.Json;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.sched.Netem;
import io.jnetstack.link.TunTapDevice;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.Socket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Goodput of one TCP stream over a lossy, long path: jnetstack against the Linux kernel with the
 * same impairment ({@code netem delay 10ms loss 1%} on both directions: 20 ms RTT, 1% random loss
 * each way).
 * <ul>
 *   <li>jnetstack: two stacks on a veth pair (MTU 1500) with that netem on both ends, in virtual
 *       time; goodput is the bytes the receiver read over the virtual seconds of the run. Several
 *       seeds are averaged.</li>
 *   <li>Linux: two network namespaces the harness creates, each with a TAP device whose other end
 *       is a jnetstack router in this JVM (real time, forwarding, the same netem on both of its
 *       TAPs). The kernel's own iperf3 runs from one namespace to the other; its goodput is
 *       {@code sum_received}. The router stands in for the veth pair because this machine's
 *       kernel has neither veth nor sch_netem; it adds no loss of its own (its qdisc drop counters
 *       are reported) and its forwarding is far faster than the path's goodput.</li>
 * </ul>
 * Addresses are 198.18.20.0/24 and 198.18.21.0/24, only inside the namespaces created here,
 * which are deleted afterwards.
 */
final class NetemCompare {
    /** The impairment on every direction of both paths. */
    static final String NETEM = "delay 10ms loss 1%";

    record Result(double stackBitsPerSec, double kernelBitsPerSec, String kernelNote) {
        double ratio() {
            return stackBitsPerSec / kernelBitsPerSec;
        }
    }

    private NetemCompare() {
    }

    // ================================================================ jnetstack, virtual time

    /** Goodput in bits per second of a {@code seconds}-long bulk transfer in virtual time. */
    static double stack(long seed, int seconds) {
        TwoStacks two = new TwoStacks(seed, 1500);
        Kernel k = two.k;
        Net a = two.a;
        Net b = two.b;
        int addrB = TwoStacks.ADDR_B;
        // Segments, not GSO packets, go through netem (TSO and GSO off, as `ethtool -K tso off
        // gso off`; the kernel's reach the router's TAPs one by one): netem's loss takes a whole
        // GSO packet at once, which would lose far less often.
        two.veth.setFeatures(0, io.jnetstack.core.NetdevFeatures.TSO | io.jnetstack.core.NetdevFeatures.GSO);
        two.veth.peer().setFeatures(0, io.jnetstack.core.NetdevFeatures.TSO | io.jnetstack.core.NetdevFeatures.GSO);
        two.veth.setQdisc(new Netem(Netem.Config.parse(NETEM)));
        two.veth.peer().setQdisc(new Netem(Netem.Config.parse(NETEM)));
        two.settle();
        Socket listener = b.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
        listener.bind(new SockAddrIn(0, 5201));
        listener.listen(16);
        Socket c = a.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
        c.connect(new SockAddrIn(addrB, 5201));
        Socket s = listener.accept();
        ByteBuffer out = ByteBuffer.allocate(256 * 1024);
        ByteBuffer in = ByteBuffer.allocate(256 * 1024);
        long t0 = k.clock().nanos();
        long end = t0 + seconds * 1_000_000_000L;
        long got = 0;
        while (k.clock().nanos() < end) {
            boolean progress = false;
            out.clear();
            try {
                progress = c.send(out, Socket.MSG_DONTWAIT) > 0;
            } catch (ErrnoException e) {
                // the send buffer is full
            }
            while (true) {
                in.clear();
                int n;
                try {
                    n = s.recv(in, Socket.MSG_DONTWAIT);
                } catch (ErrnoException e) {
                    break;
                }
                got += n;
                progress = true;
            }
            if (!progress && !k.step(end)) {
                break;
            }
        }
        long elapsed = k.clock().nanos() - t0;
        c.close();
        s.close();
        listener.close();
        return got * 8e9 / elapsed;
    }

    // ================================================================ Linux, real time

    /**
     * Goodput in bits per second of the kernel's iperf3 through a netem router in this JVM.
     *
     * @return null, with the reason in {@code note}, when it cannot run here
     */
    static Double kernel(int seconds, StringBuilder note) {
        String why = Iperf3Bench.unavailableReason();
        if (why != null) {
            note.append(why);
            return null;
        }
        String tag = Long.toHexString(System.nanoTime() & 0xffffffL);
        String nsA = "jns-nc-a-" + tag;
        String nsB = "jns-nc-b-" + tag;
        List<String> created = new ArrayList<>();
        Kernel k = Kernel.realtime();
        try {
            for (String ns : List.of(nsA, nsB)) {
                Iperf3Bench.check("ip", "netns", "add", ns);
                created.add(ns);
                Iperf3Bench.check("ip", "-n", ns, "link", "set", "lo", "up");
                Iperf3Bench.check("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
            }
            Net r = k.newNet("router");
            k.run(() -> r.sysctls().set("net.ipv4.ip_forward", "1"));
            TunTapDevice ta = Iperf3Bench.tapInto(k, r, "jnca" + tag, false, "198.18.20.1", nsA, "198.18.20.2/24", "198.18.20.1");
            TunTapDevice tb = Iperf3Bench.tapInto(k, r, "jncb" + tag, false, "198.18.21.1", nsB, "198.18.21.2/24", "198.18.21.1");
            Netem qa = new Netem(Netem.Config.parse(NETEM));
            Netem qb = new Netem(Netem.Config.parse(NETEM));
            k.run(() -> {
                // No GRO on the router's TAPs: netem must see (and lose) segments one by one,
                // as Linux's netem on a veth does; merged packets would lose several at once
                // and far less often.
                ta.setFeatures(0, io.jnetstack.core.NetdevFeatures.GRO);
                tb.setFeatures(0, io.jnetstack.core.NetdevFeatures.GRO);
                ta.setQdisc(qa);
                tb.setQdisc(qb);
            });
            Object report = Iperf3Bench.report(nsB, "198.18.21.2", nsA, seconds, false, "-C", "cubic");
            double bps = Iperf3Bench.receiverBitsPerSecond(report);
            Object stream = Json.at(report, "end", "streams") instanceof List<?> l && !l.isEmpty() ? l.get(0) : null;
            note.append("kernel iperf3 through a jnetstack netem router over TAPs (no veth/sch_netem in this kernel); ")
                    .append("kernel retransmits ").append(Json.at(report, "end", "sum_sent", "retransmits"))
                    .append(", mean RTT ").append(Json.at(stream, "sender", "mean_rtt")).append(" us")
                    .append(", router netem drops (the 1% loss) ")
                    .append(k.call(() -> qa.stats().drops + qb.stats().drops) + " of " + k.call(() -> qa.stats().packets + qb.stats().packets));
            return bps;
        } catch (IOException | RuntimeException e) {
            note.append("could not run: ").append(e.getMessage());
            return null;
        } finally {
            k.close();
            for (String ns : created) {
                try {
                    Iperf3Bench.run(15, "ip", "netns", "del", ns);
                } catch (IOException | RuntimeException e) {
                    // best effort: already gone
                }
            }
        }
    }

    /**
     * Both sides: the stack averaged over {@code seeds} runs, the kernel over {@code kernelRuns}
     * (a run of the kernel is one random draw of the losses; one run of 15 s varies by about
     * ±20%, so the full harness averages three).
     */
    static Result run(int seconds, int seeds, int kernelRuns) {
        double sum = 0;
        for (int i = 0; i < seeds; i++) {
            sum += stack(1 + i, seconds);
        }
        StringBuilder note = new StringBuilder();
        double ksum = 0;
        int kn = 0;
        for (int i = 0; i < kernelRuns; i++) {
            StringBuilder one = new StringBuilder();
            Double kernel = kernel(seconds, one);
            if (kernel == null) {
                note.setLength(0);
                note.append(one);
                break;
            }
            ksum += kernel;
            kn++;
            note.append(note.isEmpty() ? "" : "; ").append(String.format(java.util.Locale.ROOT, "run %d: %.2f Mbit/s, ", i + 1, kernel / 1e6))
                    .append(one);
        }
        return new Result(sum / seeds, kn == 0 ? Double.NaN : ksum / kn, note.toString());
    }
}
