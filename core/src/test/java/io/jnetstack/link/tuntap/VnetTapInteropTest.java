package io.jnetstack.link.tuntap;

import io.jnetstack.apps.StreamServices;
import io.jnetstack.core.DropReason;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetdevFeatures;
import io.jnetstack.core.SkBuff;
import io.jnetstack.link.TunTapDevice;
import io.jnetstack.wire.Ipv4Address;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A TAP with a virtio-net header and TUNSETOFFLOAD (CSUM | TSO4) against the real Linux kernel,
 * in a namespace the test creates (198.18.0.0/24 only, inside it): Linux's TCP sends the stack
 * TSO frames larger than the MTU, described by the header, and the stack's TCP server receives
 * the stream intact.
 */
class VnetTapInteropTest {
    static final String LINUX = "198.18.0.1";
    static final String STACK = "198.18.0.2";
    static final long SIZE = 32L << 20;

    Netns ns;
    Kernel k;
    Net net;
    TunTapDevice tap;
    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeTrue(Netns.available(), Netns::unavailableReason);
        ns = Netns.create();
        ns.run("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
        k = Kernel.realtime();
        net = k.newNet("stack");
        String name = Netns.uniqueLinkName("jnv");
        tap = k.call(() -> TunTapDevice.open(net, name, TunTapFile.Mode.TAP, true));
        ns.moveLink(name);
        ns.check("ip", "link", "set", name, "up");
        ns.check("ip", "addr", "add", LINUX + "/24", "dev", name);
        k.run(() -> {
            net.loopback().up();
            tap.up();
            net.inet().devinet().add(tap, Ipv4Address.parse(STACK), 24);
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
    void theDeviceAdvertisesOffloads() {
        assertTrue(tap.hasFeatures(NetdevFeatures.TSO | NetdevFeatures.SG | NetdevFeatures.HW_CSUM | NetdevFeatures.GRO));
        assertTrue(tap.file().vnetHdr());
        if (Netns.findTool("ethtool").isPresent()) {
            String k = ns.check("ethtool", "-k", tap.name()).stdout();
            assertTrue(k.contains("tcp-segmentation-offload: on"), "Linux's end takes TSO frames for the stack:\n" + k);
        }
    }

    @Test
    void linuxSendsTsoFramesAndTheStreamArrivesIntact() throws Exception {
        Path file = dir.resolve("data");
        String sha = makeFile(file, SIZE);
        AtomicLong largest = new AtomicLong();
        AtomicLong tsoFrames = new AtomicLong();
        k.run(() -> tap.addTap((skb, dev, outgoing) -> {
            if (!outgoing && skb.isGso() && (skb.gsoType() & SkBuff.GSO_DODGY) != 0) {
                tsoFrames.incrementAndGet();
                largest.accumulateAndGet(skb.len(), Math::max);
            }
        }));
        AtomicReference<String> got = new AtomicReference<>();
        try (StreamServices sink = StreamServices.start(net, 9, "sha256", s -> {
            MessageDigest md = sha256();
            ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
            while (true) {
                buf.clear();
                int n = s.recv(buf, 0);
                if (n == 0) {
                    break;
                }
                md.update(buf.array(), 0, n);
            }
            got.set(HexFormat.of().formatHex(md.digest()));
        })) {
            Netns.Result r = ns.run(Duration.ofSeconds(60), "bash", "-c", "cat " + file + " > /dev/tcp/" + STACK + "/9");
            assertTrue(r.ok(), r::describe);
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (got.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertEquals(sha, got.get(), "the stack read what Linux sent");
        assertTrue(tsoFrames.get() > 0, "Linux handed the stack TSO frames");
        assertTrue(largest.get() > 1514, "frames larger than the MTU: " + largest.get());
        assertEquals(0L, (long) k.call(() -> net.drops(DropReason.DEV_HDR)));
        assertEquals(0L, (long) k.call(() -> net.drops(DropReason.TCP_CSUM)));
        System.out.printf("vnet TAP: %d TSO frames from Linux, largest %d bytes%n", tsoFrames.get(), largest.get());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static String makeFile(Path f, long size) throws Exception {
        MessageDigest sha = sha256();
        SplittableRandom r = new SplittableRandom(size);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(f)) {
            for (long done = 0; done < size; done += chunk.length) {
                r.nextBytes(chunk);
                int n = (int) Math.min(chunk.length, size - done);
                out.write(chunk, 0, n);
                sha.update(chunk, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
