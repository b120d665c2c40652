package io.jnetstack.neigh;

import io.jnetstack.core.Errno;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.jnetstack.neigh.NeighBed.IP_B;
import static io.jnetstack.neigh.NeighBed.MS;
import static io.jnetstack.neigh.NeighBed.S;
import static io.jnetstack.neigh.NeighTable.UPDATE_F_ADMIN;
import static io.jnetstack.neigh.NeighTable.UPDATE_F_OVERRIDE;
import static io.jnetstack.neigh.NeighTable.UPDATE_F_WEAK_OVERRIDE;
import static org.junit.jupiter.api.Assertions.*;

/** neigh_update's rules: who may change an address, and what a repeated address does. */
class NeighUpdateTest {
    static final long M2 = 0x0200_0000_0099L;

    private static Neighbour reachable(NeighBed t) {
        t.send(IP_B, 1);
        t.answer(IP_B);
        Neighbour n = t.entry(IP_B);
        assertEquals(NudState.REACHABLE, n.state());
        return n;
    }

    @Test
    void aDifferentAddressWithoutOverrideIsIgnored() {
        NeighBed t = new NeighBed();
        Neighbour n = reachable(t);
        long updated = n.updatedAt();
        t.k.runFor(100 * MS);
        assertEquals(0, t.tbl.update(n, M2, NudState.STALE, 0));
        assertEquals(NudState.REACHABLE, n.state());
        assertEquals(t.v1.mac().bits(), n.lladdr());
        assertEquals(updated, n.updatedAt(), "an ignored update does not move the locktime window");
    }

    @Test
    void theSameAddressAsStaleLeavesAReachableEntryAlone() {
        NeighBed t = new NeighBed();
        Neighbour n = reachable(t);
        t.tbl.update(n, t.v1.mac().bits(), NudState.STALE, UPDATE_F_OVERRIDE);
        assertEquals(NudState.REACHABLE, n.state(), "an unsolicited request repeating the address changes nothing");
        t.tbl.update(n, t.v1.mac().bits(), NudState.STALE, UPDATE_F_OVERRIDE | UPDATE_F_ADMIN);
        assertEquals(NudState.STALE, n.state(), "but the administrator may");
    }

    @Test
    void weakOverrideMakesAConnectedEntryStaleAndKeepsItsAddress() {
        NeighBed t = new NeighBed();
        Neighbour n = reachable(t);
        t.tbl.update(n, M2, NudState.REACHABLE, UPDATE_F_WEAK_OVERRIDE);
        assertEquals(NudState.STALE, n.state());
        assertEquals(t.v1.mac().bits(), n.lladdr());
        t.tbl.update(n, M2, NudState.REACHABLE, UPDATE_F_WEAK_OVERRIDE);
        assertEquals(NudState.STALE, n.state(), "on an entry no longer connected, weak override is no override");
        assertEquals(t.v1.mac().bits(), n.lladdr());
    }

    @Test
    void overrideReplacesTheAddressAndTheCachedHeader() {
        NeighBed t = new NeighBed();
        Neighbour n = reachable(t);
        t.send(IP_B, 2);
        assertTrue(n.hasCachedHeader());
        t.tbl.update(n, M2, NudState.REACHABLE, UPDATE_F_OVERRIDE);
        assertEquals(M2, n.lladdr());
        t.send(IP_B, 3);   // delivered to b's handler as OTHERHOST
        assertEquals(M2, t.receivedDst.getLast(), "the fast path uses the new address");
        t.tbl.update(n, t.v1.mac().bits(), NudState.STALE, UPDATE_F_OVERRIDE);
        assertEquals(NudState.STALE, n.state(), "an overriding STALE update with a new address takes effect");
        assertTrue(n.confirmedAt() < t.now() - 59 * S, "a new unconfirmed address is not considered confirmed");
    }

    @Test
    void locktimeGuardsARecentUpdate() {
        NeighBed t = new NeighBed();
        assertEquals("100", t.a.sysctls().get(NeighBed.P + "locktime"), "USER_HZ: one second");
        Neighbour n = reachable(t);
        assertFalse(t.tbl.pastLocktime(n));
        t.k.runFor(S);
        assertFalse(t.tbl.pastLocktime(n), "time_after is strict");
        t.k.runFor(1);
        assertTrue(t.tbl.pastLocktime(n));
        t.sysctl("locktime", "300");
        assertFalse(t.tbl.pastLocktime(n));
        t.k.runFor(2 * S);
        assertTrue(t.tbl.pastLocktime(n));
    }

    @Test
    void noarpAndPermanentEntriesChangeOnlyByTheAdministrator() {
        NeighBed t = new NeighBed();
        Neighbour p = t.tbl.addStatic(IP_B, t.v0, t.v1.mac().bits(), NudState.PERMANENT);
        assertEquals(-Errno.EPERM.code(), t.tbl.update(p, M2, NudState.REACHABLE, UPDATE_F_OVERRIDE));
        assertEquals(t.v1.mac().bits(), p.lladdr());
        assertEquals(0, t.tbl.update(p, M2, NudState.PERMANENT, UPDATE_F_OVERRIDE | UPDATE_F_ADMIN));
        assertEquals(M2, p.lladdr());
        Neighbour lo = t.tbl.lookupOrCreate(0x7F00_0001, t.a.loopback());
        assertEquals(-Errno.EPERM.code(), t.tbl.update(lo, M2, NudState.REACHABLE, UPDATE_F_OVERRIDE));
        assertEquals(NudState.NOARP, lo.state());
    }

    @Test
    void aValidStateNeedsAnAddress() {
        NeighBed t = new NeighBed();
        Neighbour n = t.tbl.lookupOrCreate(IP_B, t.v0);
        assertEquals(-Errno.EINVAL.code(), t.tbl.update(n, -1, NudState.REACHABLE, UPDATE_F_OVERRIDE));
        assertEquals(NudState.NONE, n.state());
        t.answer(IP_B);
        assertEquals(0, t.tbl.update(n, -1, NudState.STALE, UPDATE_F_ADMIN), "a known address is kept");
        assertEquals(NudState.STALE, n.state());
        assertEquals(t.v1.mac().bits(), n.lladdr());
    }

    @Test
    void anUnsolicitedRequestWhileIncompleteReleasesTheQueueThroughDelay() {
        NeighBed t = new NeighBed();
        t.send(IP_B, 1);
        t.send(IP_B, 2);
        Neighbour n = t.tbl.eventNs(t.v1.mac().bits(), IP_B, t.v0);
        assertEquals(List.of(1, 2), t.received);
        assertEquals(NudState.DELAY, n.state(), "released through neigh_resolve_output: STALE, then DELAY");
        t.k.runFor(5 * S);
        assertEquals(NudState.PROBE, n.state());
    }

    @Test
    void failingAnEntryByUpdateReportsItsQueue() {
        NeighBed t = new NeighBed();
        t.send(IP_B, 1);
        Neighbour n = t.entry(IP_B);
        t.tbl.update(n, -1, NudState.FAILED, UPDATE_F_ADMIN);
        assertEquals(NudState.FAILED, n.state());
        assertEquals(List.of(1), t.ops.errorReports);
        t.k.runFor(10 * S);
        assertEquals(1, t.ops.solicits.size(), "its timer was stopped");
    }

    @Test
    void aDeadEntryCannotBeUpdated() {
        NeighBed t = new NeighBed();
        Neighbour n = reachable(t);
        t.tbl.flush(t.v0);
        assertEquals(-Errno.EPERM.code(), t.tbl.update(n, M2, NudState.REACHABLE, UPDATE_F_OVERRIDE | UPDATE_F_ADMIN));
        assertNull(t.entry(IP_B));
    }
}
