package io.jnetstack.neigh;

import org.junit.jupiter.api.Test;

import static io.jnetstack.neigh.NeighBed.IP_B;
import static io.jnetstack.neigh.NeighBed.S;
import static org.junit.jupiter.api.Assertions.*;

/** Garbage collection: periodic (gc_thresh1, gc_stale_time) and forced (gc_thresh2, gc_thresh3). */
class NeighGcTest {
    static final int NET = 0xC612_0100;   // 198.18.1.0

    private static Neighbour staleEntry(NeighBed t, int i) {
        return t.tbl.eventNs(0x0200_0000_0000L | i, NET | i, t.v0);
    }

    @Test
    void belowGcThresh1NothingIsCollected() {
        NeighBed t = new NeighBed();
        staleEntry(t, 1);
        t.send(NET | 2, 1);
        t.k.runFor(600 * S);
        assertEquals(2, t.tbl.size());
        assertEquals(NudState.FAILED, t.tbl.lookup(NET | 2, t.v0).state());
        assertEquals(40, t.tbl.stats().periodicGcRuns, "every base_reachable_time/2 = 15 s");
    }

    @Test
    void periodicGcRemovesFailedAndUnusedStaleEntriesButKeepsPermanentAndBusyOnes() {
        NeighBed t = new NeighBed();
        t.sysctl("gc_thresh1", "0");
        Neighbour stale = staleEntry(t, 1);                        // created and used at 0
        t.send(NET | 2, 1);                                        // FAILED at 3 s
        t.tbl.addStatic(NET | 3, t.v0, 0x0200_0000_0003L, NudState.PERMANENT);
        t.send(IP_B, 1);
        t.answer(IP_B);                                            // REACHABLE, its timer runs
        t.k.runFor(15 * S);
        assertNull(t.tbl.lookup(NET | 2, t.v0), "FAILED goes at the first run (15 s)");
        assertNotNull(t.tbl.lookup(NET | 1, t.v0));
        t.k.runFor(44 * S);
        assertNotNull(t.tbl.lookup(NET | 1, t.v0), "used 59 s ago: younger than gc_stale_time");
        t.k.runFor(1 * S);
        assertNull(t.tbl.lookup(NET | 1, t.v0), "unused for gc_stale_time (60 s)");
        assertTrue(stale.isDead());
        assertNull(t.tbl.lookup(IP_B, t.v0), "STALE since its reachable time ran out, last used at 0");
        assertNotNull(t.tbl.lookup(NET | 3, t.v0), "permanent entries are never collected");
        assertEquals(1, t.tbl.size());
        assertEquals(3, t.tbl.stats().destroys);
    }

    @Test
    void traffickedStaleEntriesStay() {
        NeighBed t = new NeighBed();
        t.sysctl("gc_thresh1", "0");
        Neighbour n = staleEntry(t, 1);
        for (int i = 0; i < 20; i++) {
            t.k.runFor(30 * S);
            t.tbl.eventSend(n, null);   // used: STALE → DELAY
            t.tbl.confirm(n);           // and confirmed: DELAY → REACHABLE → STALE again
        }
        assertFalse(n.isDead());
    }

    @Test
    void forcedGcAtThresh3RemovesOnlyEntriesIdleForFiveSeconds() {
        NeighBed t = new NeighBed();
        t.sysctl("gc_thresh3", "4");
        for (int i = 1; i <= 4; i++) {
            staleEntry(t, i);
        }
        assertNull(t.tbl.lookupOrCreate(NET | 5, t.v0), "all updated just now: the table is full");
        assertEquals(1, t.tbl.stats().tableFulls);
        assertEquals(1, t.tbl.stats().forcedGcRuns);
        t.k.runFor(6 * S);
        Neighbour fifth = t.tbl.lookupOrCreate(NET | 5, t.v0);
        assertNotNull(fifth);
        assertNull(t.tbl.lookup(NET | 1, t.v0), "the oldest went, to make room for exactly one");
        assertNotNull(t.tbl.lookup(NET | 2, t.v0));
        assertEquals(4, t.tbl.size());
        assertEquals(2, t.tbl.stats().forcedGcRuns);
    }

    @Test
    void sendingThroughAFullTableDropsThePacket() {
        NeighBed t = new NeighBed();
        t.sysctl("gc_thresh3", "0");
        assertEquals(-io.jnetstack.core.Errno.ENOBUFS.code(), t.send(IP_B, 1));
        assertEquals(1, t.a.drops(io.jnetstack.core.DropReason.NEIGH_CREATEFAIL));
        assertEquals(-io.jnetstack.core.Errno.EINVAL.code(), t.tbl.update(null, 1, NudState.REACHABLE, 0));
        assertEquals(0, t.k.skbs().inUse());
    }

    @Test
    void entriesBeingResolvedAreNotForceCollected() {
        NeighBed t = new NeighBed();
        t.sysctl("gc_thresh3", "2");
        t.send(NET | 1, 1);
        t.send(NET | 2, 2);
        t.k.runFor(2 * S);
        assertNull(t.tbl.lookupOrCreate(NET | 3, t.v0), "both INCOMPLETE, their timers hold them");
        t.k.runFor(2 * S);   // both FAILED now
        assertNotNull(t.tbl.lookupOrCreate(NET | 3, t.v0), "FAILED entries go first");
        assertEquals(0, t.k.skbs().inUse());
    }

    @Test
    void aboveThresh2ForcedGcRunsAtMostEveryFiveSecondsAndTrimsToThresh2() {
        NeighBed t = new NeighBed();
        t.sysctl("gc_thresh2", "2");
        staleEntry(t, 1);
        staleEntry(t, 2);
        t.k.runFor(S);
        staleEntry(t, 3);
        assertEquals(0, t.tbl.stats().forcedGcRuns, "the table was flushed (made) less than 5 s ago");
        assertEquals(3, t.tbl.size());
        t.k.runFor(6 * S);
        staleEntry(t, 4);
        assertEquals(1, t.tbl.stats().forcedGcRuns);
        assertEquals(2, t.tbl.size(), "trimmed to gc_thresh2 counting the new one: 4 - 2 removed");
        assertNotNull(t.tbl.lookup(NET | 3, t.v0));
        assertNotNull(t.tbl.lookup(NET | 4, t.v0));
        t.k.runFor(S);
        staleEntry(t, 5);
        assertEquals(1, t.tbl.stats().forcedGcRuns, "not again within 5 s");
    }

    @Test
    void permanentAndLoopbackEntriesDoNotCountAgainstThresh3() {
        NeighBed t = new NeighBed();
        t.sysctl("gc_thresh3", "1");
        for (int i = 1; i <= 5; i++) {
            t.tbl.addStatic(NET | i, t.v0, 0x0200_0000_0000L | i, NudState.PERMANENT);
        }
        t.a.loopback().up();
        assertNotNull(t.tbl.lookupOrCreate(0x7F00_0001, t.a.loopback()));
        t.send(IP_B, 1);
        t.answer(IP_B);
        assertEquals(7, t.tbl.size());
        assertEquals(0, t.tbl.stats().forcedGcRuns);
        // a permanent entry turned REACHABLE joins the collectable ones
        t.tbl.replace(NET | 1, t.v0, 0x0200_0000_0001L, NudState.REACHABLE);
        t.k.runFor(10 * S);
        assertNull(t.tbl.lookupOrCreate(NET | 9, t.v0), "two collectable entries, both in timers");
        assertEquals(1, t.tbl.stats().tableFulls);
    }

    @Test
    void theHashGrowsAndEveryEntryStaysFindable() {
        NeighBed t = new NeighBed();
        for (int i = 0; i < 1000; i++) {
            t.tbl.lookupOrCreate(0xC612_0000 | i, t.v0);
        }
        assertEquals(1000, t.tbl.size());
        assertTrue(t.tbl.stats().hashGrows >= 7, "8 → 1024 buckets: " + t.tbl.stats().hashGrows);
        for (int i = 0; i < 1000; i++) {
            assertNotNull(t.tbl.lookup(0xC612_0000 | i, t.v0));
        }
        assertNull(t.tbl.lookup(0xC612_0000 | 1000, t.v0));
        assertEquals(1001, t.tbl.stats().lookups);
        assertEquals(1000, t.tbl.stats().hits);
        assertEquals(1000, t.tbl.entries().size());
    }
}
