package io.jnetstack.link.tuntap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The namespace helper itself: it must isolate, time out, kill whole process trees, and clean up. */
class NetnsTest {

    @BeforeEach
    void needsNamespaces() {
        Assumptions.assumeTrue(Netns.available(), Netns.unavailableReason());
    }

    @Test
    void namespaceIsPrivateAndDeletedOnClose() throws Exception {
        String name;
        try (Netns ns = Netns.create()) {
            name = ns.name();
            assertTrue(name.matches("jns-\\d+-[0-9a-f]{8}"), name);
            assertTrue(Files.exists(Path.of("/run/netns", name)));
            Netns.Result links = ns.check("ip", "-o", "link", "show");
            assertEquals(1, links.stdout().lines().count(), "only lo: " + links.stdout());
            assertTrue(links.stdout().contains("lo:") && links.stdout().contains("UP"), links.stdout());
            Netns.Result fails = ns.run("sh", "-c", "echo out; echo err >&2; exit 3");
            assertEquals(3, fails.exitCode());
            assertEquals("out\n", fails.stdout());
            assertEquals("err\n", fails.stderr());
            assertFalse(fails.ok());
            assertThrows(IllegalStateException.class, () -> ns.check("false"));
        }
        assertFalse(Files.exists(Path.of("/run/netns", name)), "namespace survived close()");
    }

    @Test
    void timeoutKillsTheCommandAndItsChildren() throws Exception {
        try (Netns ns = Netns.create()) {
            Netns.Result r = ns.run(Duration.ofMillis(500), "sh", "-c", "sleep 300 & echo $!; wait");
            assertTrue(r.timedOut(), r.describe());
            long child = Long.parseLong(r.stdout().trim());
            assertFalse(waitUntilGone(child), "child " + child + " survived the timeout");
        }
    }

    @Test
    void backgroundProcessesAreStoppedWithTheirChildren() throws Exception {
        List<Long> pids = new ArrayList<>();
        try (Netns ns = Netns.create()) {
            Netns.Background bg = ns.start("sh", "-c", "sleep 300 & echo $!; sleep 300 & echo $!; wait");
            for (int i = 0; i < 100 && bg.stdout().lines().count() < 2; i++) {
                Thread.sleep(50);
            }
            bg.stdout().lines().map(Long::parseLong).forEach(pids::add);
            assertEquals(2, pids.size(), bg.stdout());
            assertTrue(bg.isAlive());
            Netns.Result stopped = bg.stop();
            assertTrue(stopped.timedOut(), "stop() should report a killed process");
            assertFalse(bg.isAlive());
            for (long pid : pids) {
                assertFalse(waitUntilGone(pid), "child " + pid + " survived stop()");
            }
            Netns.Background forgotten = ns.start("sleep", "300");
            pids.clear();
            pids.add(forgotten.pid());
        }
        assertFalse(waitUntilGone(pids.getFirst()), "close() left a background process running");
    }

    @Test
    void backgroundProcessThatEndsByItselfReportsItsExit() throws Exception {
        try (Netns ns = Netns.create(); Netns.Background bg = ns.start("sh", "-c", "echo done; exit 7")) {
            Netns.Result r = bg.await(Duration.ofSeconds(10));
            assertFalse(r.timedOut(), r.describe());
            assertEquals(7, r.exitCode());
            assertEquals("done\n", r.stdout());
        }
    }

    @Test
    void closedNamespaceRefusesCommands() throws Exception {
        Netns ns = Netns.create();
        ns.close();
        ns.close();
        assertThrows(IllegalStateException.class, () -> ns.run("true"));
    }

    @Test
    void uniqueLinkNamesFitTheKernelLimit() {
        String a = Netns.uniqueLinkName("jt");
        String b = Netns.uniqueLinkName("jt");
        assertTrue(a.length() <= TunTapFile.MAX_NAME_LENGTH && a.startsWith("jt"), a);
        assertFalse(a.equals(b));
    }

    /** Returns whether the process is still alive after up to 5 s of waiting for it to go. */
    private static boolean waitUntilGone(long pid) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                Thread.sleep(50);
            } else {
                return false;
            }
        }
        return true;
    }
}
