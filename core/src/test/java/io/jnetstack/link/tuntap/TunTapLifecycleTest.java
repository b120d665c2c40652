package io.jnetstack.link.tuntap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Opening, closing and error reporting against the real driver. Every interface is moved into a
 * private namespace right after it is created.
 */
class TunTapLifecycleTest {

    @BeforeEach
    void needsNamespaces() {
        Assumptions.assumeTrue(Netns.available(), Netns.unavailableReason());
    }

    @Test
    void secondOpenOfTheSameNameIsBusy() throws Exception {
        try (Netns ns = Netns.create()) {
            String name = Netns.uniqueLinkName("jt");
            try (TunTapFile first = TunTapFile.open(name, TunTapFile.Mode.TAP, false)) {
                // Still in the host namespace, down and unconfigured, for this one check.
                TunTapException busy = assertThrows(TunTapException.class,
                        () -> TunTapFile.open(name, TunTapFile.Mode.TAP, false).close());
                ns.moveLink(first.name());
                assertEquals(TunTapException.EBUSY, busy.errno(), busy.getMessage());
                assertEquals("EBUSY", busy.errnoName());
                assertTrue(busy.getMessage().contains(name) && busy.getMessage().contains("already in use"),
                        busy.getMessage());
                assertEquals(name, first.name());
                assertEquals(TunTapFile.Mode.TAP, first.mode());
            }
        }
    }

    @Test
    void existingDeviceOfAnotherKindIsRejectedAndNothingLeaks() throws Exception {
        // "lo" exists in every namespace and is no TUN/TAP device: TUNSETIFF refuses it without
        // touching it, which exercises the failure path of open() without creating anything.
        try (Fixture warmUp = Fixture.open(TunTapFile.Mode.TAP, false, null)) {
            assertTrue(warmUp.file.isOpen());
        }
        long before = openDescriptors();
        for (int i = 0; i < 20; i++) {
            TunTapException e = assertThrows(TunTapException.class, () -> TunTapFile.open("lo", TunTapFile.Mode.TAP, false));
            assertEquals(TunTapException.EINVAL, e.errno(), e.getMessage());
            assertTrue(e.getMessage().contains("not a TAP device"), e.getMessage());
        }
        for (int i = 0; i < 5; i++) {
            try (Fixture f = Fixture.open(i % 2 == 0 ? TunTapFile.Mode.TAP : TunTapFile.Mode.TUN, i % 3 == 0, null)) {
                assertTrue(f.file.isOpen());
            }
        }
        long after = openDescriptors();
        // 25 opens would leak at least 25 descriptors; allow for unrelated JVM activity.
        assertTrue(after - before < 5, "descriptors before " + before + ", after " + after);
    }

    private static long openDescriptors() throws java.io.IOException {
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void kernelAssignsANameFromATemplate() throws Exception {
        try (Netns ns = Netns.create(); TunTapFile tun = TunTapFile.open("jq%d", TunTapFile.Mode.TUN, false)) {
            ns.moveLink(tun.name());
            assertTrue(tun.name().matches("jq\\d+"), tun.name());
            assertEquals(TunTapFile.Mode.TUN, tun.mode());
        }
    }

    @Test
    void timedReadReturnsMinusOneWhenNothingArrives() throws Exception {
        try (Fixture f = Fixture.open(TunTapFile.Mode.TAP, false, null)) {
            byte[] buf = new byte[TunTapFile.BUFFER_SIZE];
            assertEquals(-1, f.file.read(buf, 0, buf.length, 0));
            assertEquals(-1, f.file.read(buf, 0, buf.length, 50));
            assertThrows(IllegalArgumentException.class, () -> f.file.read(buf, 0, buf.length, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> f.file.read(buf, 10, buf.length, 0));
        }
    }

    @Test
    void closeWakesAReaderBlockedWithoutTimeout() throws Exception {
        try (Fixture f = Fixture.open(TunTapFile.Mode.TAP, false, null)) {
            CountDownLatch reading = new CountDownLatch(1);
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().daemon().name("blocked-reader").start(() -> {
                byte[] buf = new byte[TunTapFile.BUFFER_SIZE];
                try {
                    f.file.read(buf, 0, buf.length, 0); // proves the thread got as far as reading
                    reading.countDown();
                    int n = f.file.read(buf, 0, buf.length);
                    outcome.set(new AssertionError("read returned " + n + " instead of failing"));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            assertTrue(reading.await(10, TimeUnit.SECONDS), "reader did not start");
            Thread.sleep(200); // give it time to block in poll(); close works either way
            f.file.close();
            reader.join(10_000);
            assertFalse(reader.isAlive(), "close() did not unblock the reader");
            TunTapException e = assertInstanceOf(TunTapException.class, outcome.get());
            assertEquals(TunTapException.EBADF, e.errno(), e.getMessage());
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }

    @Test
    void closeEndsATimedReaderLoop() throws Exception {
        try (Fixture f = Fixture.open(TunTapFile.Mode.TAP, false, null)) {
            AtomicInteger timeouts = new AtomicInteger();
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            Thread loop = Thread.ofPlatform().daemon().name("timed-reader").start(() -> {
                byte[] buf = new byte[TunTapFile.BUFFER_SIZE];
                while (true) {
                    try {
                        if (f.file.read(buf, 0, buf.length, 20) < 0) {
                            timeouts.incrementAndGet();
                        }
                    } catch (TunTapException e) {
                        if (!f.file.isOpen()) {
                            return; // the documented way out: closed
                        }
                        unexpected.set(e);
                        return;
                    } catch (RuntimeException e) {
                        unexpected.set(e);
                        return;
                    }
                }
            });
            for (int i = 0; i < 500 && timeouts.get() < 3; i++) {
                Thread.sleep(20);
            }
            assertTrue(timeouts.get() >= 3, "timed reads did not time out: " + timeouts);
            f.file.close();
            loop.join(10_000);
            assertFalse(loop.isAlive(), "reader loop still running after close()");
            assertEquals(null, unexpected.get());
        }
    }

    @Test
    void deletingTheInterfaceFailsABlockedReaderWithEbadfd() throws Exception {
        try (Fixture f = Fixture.open(TunTapFile.Mode.TAP, false, null)) {
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().daemon().name("orphaned-reader").start(() -> {
                byte[] buf = new byte[TunTapFile.BUFFER_SIZE];
                try {
                    int n = f.file.read(buf, 0, buf.length);
                    outcome.set(new AssertionError("read returned " + n + " instead of failing"));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            Thread.sleep(200);
            f.ns.check("ip", "link", "del", "dev", f.name());
            reader.join(10_000);
            assertFalse(reader.isAlive(), "reader still blocked after the interface was deleted");
            TunTapException e = assertInstanceOf(TunTapException.class, outcome.get());
            assertEquals(TunTapException.EBADFD, e.errno(), e.getMessage());
            assertTrue(e.getMessage().contains("interface was deleted"), e.getMessage());
            assertTrue(f.file.isOpen(), "still open until closed");
            TunTapException write = assertThrows(TunTapException.class, () -> f.file.write(new byte[60], 0, 60));
            assertEquals(TunTapException.EBADFD, write.errno(), write.getMessage());
        }
    }

    @Test
    void closeIsIdempotentAndLaterCallsFailWithEbadf() throws Exception {
        try (Fixture f = Fixture.open(TunTapFile.Mode.TAP, true, null)) {
            TunTapFile tap = f.file;
            assertTrue(tap.isOpen());
            tap.close();
            tap.close();
            assertFalse(tap.isOpen());
            assertTrue(tap.toString().contains("closed"), tap.toString());
            byte[] buf = new byte[64];
            assertEquals(TunTapException.EBADF, assertThrows(TunTapException.class, () -> tap.read(buf, 0, 64)).errno());
            assertEquals(TunTapException.EBADF,
                    assertThrows(TunTapException.class, () -> tap.read(buf, 0, 64, 10)).errno());
            assertEquals(TunTapException.EBADF, assertThrows(TunTapException.class, () -> tap.write(buf, 0, 64)).errno());
            assertEquals(TunTapException.EBADF, assertThrows(TunTapException.class, () -> tap.setOffload(0)).errno());
            // The non-persistent interface went away with its only file.
            Netns.Result show = f.ns.run("ip", "link", "show", "dev", tap.name());
            assertFalse(show.ok(), show.describe());
        }
    }

    @Test
    void kernelRejectsFramesItCannotParse() throws Exception {
        try (Fixture f = Fixture.open(TunTapFile.Mode.TAP, false, "198.18.0.1/24")) {
            TunTapException runt = assertThrows(TunTapException.class, () -> f.file.write(new byte[10], 0, 10));
            assertEquals(TunTapException.EINVAL, runt.errno(), runt.getMessage());
            assertTrue(runt.getMessage().contains("14-byte Ethernet header"), runt.getMessage());
            TunTapException huge = assertThrows(TunTapException.class,
                    () -> f.file.write(new byte[TunTapFile.BUFFER_SIZE + 1], 0, TunTapFile.BUFFER_SIZE + 1));
            assertEquals(TunTapException.EMSGSIZE, huge.errno());
        }
        try (Fixture f = Fixture.open(TunTapFile.Mode.TUN, false, "198.18.1.1/24")) {
            byte[] notIp = new byte[40];
            notIp[0] = 0x70; // IP version 7
            TunTapException e = assertThrows(TunTapException.class, () -> f.file.write(notIp, 0, notIp.length));
            assertEquals(TunTapException.EINVAL, e.errno(), e.getMessage());
            assertTrue(e.getMessage().contains("IP version 4 or 6"), e.getMessage());
        }
    }

    @Test
    void offloadFlagsNeedAKernelThatKnowsThem() throws Exception {
        try (Fixture f = Fixture.open(TunTapFile.Mode.TAP, true, null)) {
            assertTrue(f.file.vnetHdr());
            f.file.setOffload(TunTapFile.TUN_F_CSUM | TunTapFile.TUN_F_TSO4 | TunTapFile.TUN_F_TSO6);
            f.file.setOffload(0);
            f.file.setVnetHdrSize(12);
            TunTapException unknown = assertThrows(TunTapException.class, () -> f.file.setOffload(0x40000000));
            assertEquals(TunTapException.EINVAL, unknown.errno(), unknown.getMessage());
        }
    }

    @Test
    void frameLargerThanTheCallersBufferIsReportedNotTruncated() throws Exception {
        try (Fixture f = Fixture.open(TunTapFile.Mode.TUN, false, "198.18.1.1/24")) {
            try (Netns.Background ping = f.ns.start("ping", "-c", "5", "-i", "0.2", "-W", "1", "198.18.1.2")) {
                byte[] buf = new byte[20];
                TunTapException tooBig = null;
                for (int i = 0; i < 100 && tooBig == null; i++) {
                    try {
                        f.file.read(buf, 0, buf.length, 100);
                    } catch (TunTapException e) {
                        tooBig = e;
                    }
                }
                assertNotNull(tooBig, () -> "no packet arrived; ping: " + ping.stop().describe());
                assertEquals(TunTapException.EMSGSIZE, tooBig.errno(), tooBig.getMessage());
                assertTrue(tooBig.getMessage().contains("does not fit the 20 bytes"), tooBig.getMessage());
            }
        }
    }
}
