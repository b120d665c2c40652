package io.jnetstack.neigh;

import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Net;
import io.jnetstack.link.Veth;
import io.jnetstack.wire.MacAddress;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.jnetstack.neigh.NeighBed.IP_B;
import static io.jnetstack.neigh.NeighBed.IP_X;
import static io.jnetstack.neigh.NeighBed.S;
import static org.junit.jupiter.api.Assertions.*;

/** What an administrator sees and does: ip neigh add/replace/del/show, flush, sysctls, stats. */
class NeighAdminTest {
    static final long MAC1 = MacAddress.parse("02:00:00:00:00:01").bits();

    @Test
    void aPermanentEntrySendsAtOnceAndNeverChanges() {
        NeighBed t = new NeighBed();
        Neighbour n = t.tbl.addStatic(IP_B, t.v0, t.v1.mac().bits(), NudState.PERMANENT);
        assertEquals(NudState.PERMANENT, n.state());
        t.send(IP_B, 1);
        t.send(IP_B, 2);
        assertEquals(List.of(1, 2), t.received);
        assertTrue(n.hasCachedHeader());
        assertTrue(t.ops.solicits.isEmpty());
        t.k.runFor(3600 * S);
        assertSame(n, t.entry(IP_B));
        assertEquals(NudState.PERMANENT, n.state());
        assertEquals("198.18.0.2 dev veth0 lladdr " + t.v1.mac() + " PERMANENT\n", t.tbl.format());
    }

    @Test
    void addRefusesAnExistingEntryAndReplaceChangesIt() {
        NeighBed t = new NeighBed();
        t.tbl.addStatic(IP_B, t.v0, MAC1, NudState.PERMANENT);
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> t.tbl.addStatic(IP_B, t.v0, t.v1.mac().bits(), NudState.PERMANENT));
        assertEquals(Errno.EEXIST, e.errno());
        Neighbour n = t.tbl.replace(IP_B, t.v0, t.v1.mac().bits(), NudState.REACHABLE);
        assertEquals(NudState.REACHABLE, n.state());
        assertEquals(t.v1.mac().bits(), n.lladdr());
        t.k.runFor(60 * S);
        assertEquals(NudState.STALE, n.state(), "no longer permanent: it ages");
    }

    @Test
    void addChecksItsArguments() {
        NeighBed t = new NeighBed();
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class,
                () -> t.tbl.addStatic(IP_B, t.v0, -1, NudState.PERMANENT)).errno());
        assertNull(t.entry(IP_B), "a refused add leaves nothing behind");
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class,
                () -> t.tbl.addStatic(IP_B, t.v0, 1L << 48, NudState.PERMANENT)).errno());
        Net other = t.k.newNet("c");
        Veth x = Veth.createPair(other, "x0", t.b, "x1");
        assertEquals(Errno.ENODEV, assertThrows(ErrnoException.class,
                () -> t.tbl.addStatic(IP_B, x, MAC1, NudState.PERMANENT)).errno());
        t.sysctl("gc_thresh3", "0");
        assertEquals(Errno.ENOBUFS, assertThrows(ErrnoException.class,
                () -> t.tbl.addStatic(IP_B, t.v0, MAC1, NudState.STALE)).errno());
        assertNotNull(t.tbl.addStatic(IP_B, t.v0, MAC1, NudState.PERMANENT), "permanent entries are not limited");
    }

    @Test
    void addingAnIncompleteOrNoarpEntry() {
        NeighBed t = new NeighBed();
        Neighbour inc = t.tbl.addStatic(IP_X, t.v0, -1, NudState.INCOMPLETE);
        assertEquals(NudState.INCOMPLETE, inc.state());
        Neighbour noarp = t.tbl.addStatic(IP_B, t.v0, t.v1.mac().bits(), NudState.NOARP);
        t.send(IP_B, 1);
        assertEquals(List.of(1), t.received);
        assertEquals("198.18.0.9 dev veth0 INCOMPLETE\n", t.tbl.format());
        assertTrue(t.tbl.format(true).contains("198.18.0.2 dev veth0 lladdr " + t.v1.mac() + " NOARP"));
        assertSame(noarp, t.entry(IP_B));
    }

    @Test
    void deleteReportsQueuedPacketsAndRemovesTheEntry() {
        NeighBed t = new NeighBed();
        t.send(IP_X, 1);
        assertTrue(t.tbl.delete(IP_X, t.v0));
        assertEquals(List.of(1), t.ops.errorReports);
        assertNull(t.entry(IP_X));
        assertFalse(t.tbl.delete(IP_X, t.v0));
        t.k.runFor(10 * S);
        assertEquals(1, t.ops.solicits.size());
        assertEquals(0, t.k.skbs().inUse());
        assertEquals(1, t.tbl.stats().destroys);
    }

    @Test
    void formatLooksLikeIpNeighShow() {
        NeighBed t = new NeighBed();
        t.send(IP_B, 1);
        t.answer(IP_B);
        t.send(IP_X, 2);
        t.k.runFor(3 * S);
        t.send(0xC612_000A, 3);
        assertEquals("198.18.0.2 dev veth0 lladdr " + t.v1.mac() + " REACHABLE\n"
                + "198.18.0.9 dev veth0 FAILED\n"
                + "198.18.0.10 dev veth0 INCOMPLETE\n", t.tbl.format());
        t.tbl.lookupOrCreate(0xC612_000B, t.v0);
        assertEquals(3, t.tbl.format().lines().count(), "NONE entries are hidden");
        assertTrue(t.tbl.format(true).endsWith("198.18.0.11 dev veth0\n"), t.tbl.format(true));
        assertEquals(4, t.tbl.entries().size());
        assertEquals(List.of(IP_B, IP_X, 0xC612_000A, 0xC612_000B), t.tbl.entries().stream().map(Neighbour::key).toList());
    }

    @Test
    void flushOnDeviceDownRemovesEverythingAndDropsTheQueues() {
        NeighBed t = new NeighBed();
        t.tbl.addStatic(IP_B, t.v0, t.v1.mac().bits(), NudState.PERMANENT);
        t.send(IP_X, 1);
        t.send(IP_X, 2);
        Neighbour x = t.entry(IP_X);
        t.a.loopback().up();
        t.tbl.lookupOrCreate(0x7F00_0001, t.a.loopback());
        t.v0.down();
        t.tbl.flush(t.v0);
        assertNull(t.entry(IP_B), "neigh_ifdown takes permanent entries too");
        assertNull(t.entry(IP_X));
        assertTrue(x.isDead());
        assertEquals(1, t.tbl.size(), "other devices keep theirs");
        assertEquals(2, t.a.drops(DropReason.NEIGH_DEAD), "queued packets are purged");
        assertTrue(t.ops.errorReports.isEmpty(), "not reported: the device went away");
        t.k.runFor(10 * S);
        assertEquals(1, t.ops.solicits.size(), "the dead entry's timer was stopped");
        assertEquals(0, t.k.skbs().inUse());
        t.tbl.flush(null);
        assertEquals(0, t.tbl.size());
    }

    @Test
    void carrierDownKeepsPermanentEntries() {
        NeighBed t = new NeighBed();
        t.tbl.addStatic(IP_B, t.v0, t.v1.mac().bits(), NudState.PERMANENT);
        t.send(IP_X, 1);
        t.tbl.carrierDown(t.v0);
        assertNotNull(t.entry(IP_B));
        assertNull(t.entry(IP_X));
    }

    @Test
    void sysctlsHaveLinuxNamesAndDefaults() {
        NeighBed t = new NeighBed();
        Map<String, String> expected = Map.ofEntries(
                Map.entry("base_reachable_time_ms", "30000"), Map.entry("base_reachable_time", "30"),
                Map.entry("retrans_time_ms", "1000"), Map.entry("retrans_time", "100"),
                Map.entry("delay_first_probe_time", "5"), Map.entry("gc_stale_time", "60"),
                Map.entry("ucast_solicit", "3"), Map.entry("mcast_solicit", "3"), Map.entry("app_solicit", "0"),
                Map.entry("mcast_resolicit", "0"), Map.entry("unres_qlen_bytes", "212992"), Map.entry("unres_qlen", "101"),
                Map.entry("locktime", "100"), Map.entry("gc_interval", "30"), Map.entry("gc_thresh1", "128"),
                Map.entry("gc_thresh2", "512"), Map.entry("gc_thresh3", "1024"));
        expected.forEach((k, v) -> assertEquals(v, t.a.sysctls().get(NeighBed.P + k), k));
        t.a.sysctls().set(NeighBed.P + "gc_thresh1", "7");
        assertEquals("128", t.b.sysctls().get(NeighBed.P + "gc_thresh1"), "per namespace: b keeps its own");
        assertEquals(Errno.ENOENT, assertThrows(ErrnoException.class,
                () -> t.b.sysctls().get(NeighBed.P + "no_such_thing")).errno());
    }

    @Test
    void statsLookLikeProcNetStatArpCache() {
        NeighBed t = new NeighBed();
        t.sysctl("unres_qlen_bytes", "0");
        t.send(IP_X, 1);
        t.send(IP_X, 2);
        t.tbl.lookup(IP_X, t.v0);
        t.tbl.lookup(IP_B, t.v0);
        t.k.runFor(20 * S);
        NeighTable.Stats s = t.tbl.stats();
        assertEquals(1, s.allocs);
        assertEquals(2, s.lookups);
        assertEquals(1, s.hits);
        assertEquals(1, s.resFailed);
        assertEquals(1, s.unresDiscards);
        assertEquals(1, s.periodicGcRuns);
        String text = t.tbl.formatStats();
        assertTrue(text.startsWith("entries  allocs   destroys hash_grows lookups  hits     res_failed"), text);
        assertTrue(text.contains("\n00000001 00000001 00000000 00000000   00000002 00000001 00000001   "), text);
    }
}
