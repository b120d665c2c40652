package io.jnetstack.link.tuntap;

import io.jnetstack.core.Dev;
import io.jnetstack.core.DropReason;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.SkBuff;
import io.jnetstack.link.TunTapDevice;
import io.jnetstack.trace.Journey;
import io.jnetstack.trace.Stage;
import io.jnetstack.wire.Ethernet;
import io.jnetstack.wire.MacAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The stack's TAP device against the real Linux kernel, in a namespace the test creates
 * (198.18.0.0/24 only, inside that namespace): the kernel's frames reach the stack's receive
 * path, and the stack's frames reach the kernel.
 */
class TunTapDeviceInteropTest {
    Netns ns;
    Kernel k;
    Net net;
    TunTapDevice tap;
    final List<byte[]> arps = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeTrue(Netns.available(), Netns::unavailableReason);
        ns = Netns.create();
        k = Kernel.realtime();
        net = k.newNet("stack");
        String name = Netns.uniqueLinkName("jnt");
        tap = k.call(() -> TunTapDevice.open(net, name, TunTapFile.Mode.TAP));
        ns.moveLink(name);
        ns.check("ip", "link", "set", name, "up");
        ns.check("ip", "addr", "add", "198.18.0.1/24", "dev", name);
        net.addProtocol(0x0806, (skb, dev) -> {
            arps.add(skb.toByteArray());
            skb.free();
        });
        k.run(() -> {
            k.tracer().enable(true, false);
            tap.up();
        });
    }

    @AfterEach
    void tearDown() {
        if (k != null) {
            k.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    @Test
    void kernelFramesArriveThroughTheStackReceivePath() throws Exception {
        Assumptions.assumeTrue(Arping.flavour().isPresent(), "arping is not installed");
        Netns.Result r = ns.run(Duration.ofSeconds(20), Arping.command(tap.name(), "198.18.0.2", 2, 4).toArray(String[]::new));
        assertTrue(r.exitCode() >= 0, r::describe);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (arps.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(arps.isEmpty(), "no ARP request reached the stack's handler");
        byte[] arp = arps.getFirst();   // data starts at the ARP header
        assertEquals(1, (arp[6] << 8 | arp[7]) & 0xffff, "opcode request");
        assertArrayEquals(new byte[]{(byte) 198, 18, 0, 1}, java.util.Arrays.copyOfRange(arp, 14, 18), "sender IP");
        assertArrayEquals(new byte[]{(byte) 198, 18, 0, 2}, java.util.Arrays.copyOfRange(arp, 24, 28), "target IP");
        assertTrue(k.call(() -> tap.stats().rxPackets) >= 1);
        long id = k.call(() -> k.tracer().packetsAt(Stage.TUN_GET_USER).getFirst());
        Journey j = k.call(() -> k.tracer().journey(id));
        assertTrue(j.containsInOrder(List.of("tun_get_user", "eth_type_trans", "napi_gro_receive", "netif_receive_skb",
                "__netif_receive_skb", "__netif_receive_skb_core")), j::tree);
    }

    @Test
    void stackFramesReachTheKernel() throws Exception {
        String stat = "/sys/class/net/" + tap.name() + "/statistics/rx_packets";
        long before = Long.parseLong(ns.check("cat", stat).stdout().trim());
        int sent = 5;
        for (int i = 0; i < sent; i++) {
            k.run(() -> {
                SkBuff skb = k.skbs().alloc(64, 60);
                int off = skb.put(60);
                Ethernet.writeHeader(skb.buf(), off, MacAddress.BROADCAST.bits(), tap.mac().bits(), 0x88B5);
                skb.dev = tap;
                Dev.queueXmit(skb);
            });
        }
        long after = Long.parseLong(ns.check("cat", stat).stdout().trim());
        assertTrue(after - before >= sent, "kernel rx_packets went from " + before + " to " + after);
        assertEquals(sent, (long) k.call(() -> tap.stats().txPackets));
        assertEquals(0, (long) k.call(() -> net.drops(DropReason.DEV_XMIT_ERROR)));
    }

    @Test
    void aDeterministicKernelRefusesATap() {
        Kernel det = Kernel.deterministic(1);
        Net n = det.newNet("x");
        io.jnetstack.core.ErrnoException e = assertThrows(io.jnetstack.core.ErrnoException.class,
                () -> TunTapDevice.open(n, "jntx0", TunTapFile.Mode.TAP));
        assertEquals(io.jnetstack.core.Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("Kernel.realtime()"));
    }
}
