package io.jnetstack.neigh;

import io.jnetstack.core.DropReason;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.jnetstack.neigh.NeighBed.IP_B;
import static io.jnetstack.neigh.NeighBed.IP_X;
import static io.jnetstack.neigh.NeighBed.MS;
import static io.jnetstack.neigh.NeighBed.S;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The NUD state machine in virtual time (RFC 4861 §7.3.3 as Linux applies it to ARP), with the
 * default parameters: base_reachable_time 30 s, retrans_time 1 s, delay_first_probe_time 5 s,
 * ucast_solicit 3, mcast_solicit 3.
 */
class NudTransitionsTest {

    private static List<Long> solicitTimes(NeighBed t) {
        List<Long> l = new ArrayList<>();
        for (NeighBed.Solicit s : t.ops.solicits) {
            l.add(s.time());
        }
        return l;
    }

    @Test
    void incompleteProbesEverySecondThenFailsAndReportsTheQueue() {
        NeighBed t = new NeighBed();
        t.send(IP_X, 1);
        t.send(IP_X, 2);
        Neighbour n = t.entry(IP_X);
        assertEquals(NudState.INCOMPLETE, n.state());
        t.k.runFor(2 * S + 999 * MS);
        assertEquals(List.of(0L, S, 2 * S), solicitTimes(t), "mcast_solicit = 3 probes, retrans_time apart");
        for (NeighBed.Solicit s : t.ops.solicits) {
            assertTrue(s.probes() >= 3, "probes start at ucast_solicit, so ARP broadcasts: " + s);
        }
        assertEquals(NudState.INCOMPLETE, n.state());
        assertTrue(t.ops.errorReports.isEmpty());

        t.k.runFor(MS);
        assertEquals(NudState.FAILED, n.state());
        assertEquals(3 * S, n.updatedAt());
        assertEquals(List.of(1, 2), t.ops.errorReports, "each queued packet is reported, oldest first");
        assertEquals(2, t.a.drops(DropReason.NEIGH_FAILED), "then dropped by the table");
        assertEquals(1, t.tbl.stats().resFailed);
        assertEquals(0, n.queueLength());
        t.k.runFor(10 * S);
        assertEquals(3, t.ops.solicits.size(), "a FAILED entry is quiet until used again");
        assertEquals(0, t.k.skbs().inUse());

        t.send(IP_X, 3);
        assertEquals(NudState.INCOMPLETE, n.state(), "traffic restarts resolution");
        assertEquals(4, t.ops.solicits.size());
    }

    @Test
    void withNoMulticastProbesResolutionFailsAtOnce() {
        NeighBed t = new NeighBed();
        t.sysctl("mcast_solicit", "0");
        t.send(IP_X, 1);
        assertEquals(NudState.FAILED, t.entry(IP_X).state());
        assertTrue(t.ops.solicits.isEmpty());
        assertEquals(1, t.a.drops(DropReason.NEIGH_FAILED));
    }

    @Test
    void reachableTurnsStaleAfterARandomisedReachableTime() {
        Set<Long> seen = new HashSet<>();
        for (long seed = 1; seed <= 40; seed++) {
            NeighBed t = new NeighBed(seed);
            t.k.runFor(7 * S);
            long t0 = t.now();
            Neighbour n = t.tbl.lookupOrCreate(IP_B, t.v0);
            t.answer(IP_B);
            assertEquals(NudState.REACHABLE, n.state());
            long rt = t.tbl.reachableTime();
            assertTrue(rt >= 15 * S && rt < 45 * S, "reachable time in [base/2, 3·base/2): " + rt);
            seen.add(rt);
            t.k.runFor(rt);
            assertEquals(NudState.REACHABLE, n.state(), "still reachable at confirmed + reachable_time");
            t.k.runUntil(() -> n.state() != NudState.REACHABLE, 60 * S);
            assertEquals(NudState.STALE, n.state());
            // The timer sees "now <= confirmed + reachable_time" when it fires exactly then, and
            // looks again one HZ/100 later, as Linux's does.
            assertEquals(t0 + rt + 10 * MS, n.updatedAt());
            assertTrue(t.ops.solicits.isEmpty(), "going STALE sends nothing");
        }
        assertTrue(seen.size() > 35, "each seed draws its own reachable time: " + seen.size());
    }

    @Test
    void confirmationKeepsAnEntryReachable() {
        NeighBed t = new NeighBed();
        Neighbour n = t.tbl.lookupOrCreate(IP_B, t.v0);
        t.answer(IP_B);
        long rt = t.tbl.reachableTime();
        t.k.runFor(rt - S);
        t.tbl.confirm(n);
        long confirmedAt = t.now();
        t.k.runFor(2 * S);
        assertEquals(NudState.REACHABLE, n.state(), "the timer found a recent confirmation and waits for it to age");
        t.k.runUntil(() -> n.state() != NudState.REACHABLE, 60 * S);
        assertEquals(NudState.STALE, n.state());
        assertEquals(confirmedAt + rt + 10 * MS, n.updatedAt());
    }

    @Test
    void reachableUsedLatelyGoesToDelayRatherThanStale() {
        NeighBed t = new NeighBed();
        Neighbour n = t.tbl.lookupOrCreate(IP_B, t.v0);
        t.answer(IP_B);
        long rt = t.tbl.reachableTime();
        t.k.runFor(rt - 2 * S);
        assertEquals(0, t.tbl.eventSend(n, null), "a connected entry needs no resolution; it is marked used");
        t.k.runUntil(() -> n.state() != NudState.REACHABLE, 60 * S);
        assertEquals(NudState.DELAY, n.state());
    }

    /** Makes IP_B STALE (answered at 0, confirmed never again) and returns the entry. */
    private static Neighbour stale(NeighBed t) {
        Neighbour n = t.tbl.lookupOrCreate(IP_B, t.v0);
        t.answer(IP_B);
        t.k.runUntil(() -> n.state() == NudState.STALE, 60 * S);
        assertEquals(NudState.STALE, n.state());
        return n;
    }

    @Test
    void staleWithTrafficDelaysThenProbesThenFails() {
        NeighBed t = new NeighBed();
        Neighbour n = stale(t);
        long ts = t.now();
        t.send(IP_B, 1);
        assertEquals(List.of(1), t.received, "sent at once with the old address");
        assertEquals(NudState.DELAY, n.state());
        t.k.runFor(5 * S - MS);
        assertEquals(NudState.DELAY, n.state());
        assertTrue(t.ops.solicits.isEmpty());
        t.k.runFor(MS);
        assertEquals(NudState.PROBE, n.state(), "delay_first_probe_time without confirmation");
        assertEquals(ts + 5 * S, n.updatedAt());
        t.k.runFor(2 * S + 999 * MS);
        assertEquals(List.of(ts + 5 * S, ts + 6 * S, ts + 7 * S), solicitTimes(t), "ucast_solicit probes, 1 s apart");
        assertEquals(List.of(0, 1, 2), t.ops.solicits.stream().map(NeighBed.Solicit::probes).toList(),
                "probes < ucast_solicit: ARP sends these unicast");
        assertEquals(NudState.PROBE, n.state());
        t.send(IP_B, 2);
        assertEquals(List.of(1, 2), t.received, "PROBE still sends with the address it is checking");
        t.k.runFor(MS);
        assertEquals(NudState.FAILED, n.state());
        assertEquals(ts + 8 * S, n.updatedAt());
        assertEquals(1, t.tbl.stats().resFailed);
        assertTrue(t.ops.errorReports.isEmpty(), "nothing was queued");
    }

    @Test
    void staleWithTrafficReturnsToReachableWhenConfirmedDuringDelay() {
        NeighBed t = new NeighBed();
        Neighbour n = stale(t);
        long ts = t.now();
        t.send(IP_B, 1);
        assertEquals(NudState.DELAY, n.state());
        t.k.runFor(S);
        t.tbl.confirm(n);
        t.k.runFor(4 * S);
        assertEquals(NudState.REACHABLE, n.state());
        assertEquals(ts + 5 * S, n.updatedAt());
        assertTrue(t.ops.solicits.isEmpty(), "no probe was needed");
        t.send(IP_B, 2);
        assertEquals(List.of(1, 2), t.received);
        assertTrue(n.hasCachedHeader());
    }

    @Test
    void anAnswerDuringProbeMakesTheEntryReachable() {
        NeighBed t = new NeighBed();
        Neighbour n = stale(t);
        t.send(IP_B, 1);
        t.k.runFor(5 * S);
        assertEquals(NudState.PROBE, n.state());
        assertEquals(1, t.ops.solicits.size());
        t.answer(IP_B);
        assertEquals(NudState.REACHABLE, n.state());
        t.k.runFor(10 * S);
        assertEquals(1, t.ops.solicits.size(), "probing stopped");
        assertEquals(NudState.REACHABLE, n.state());
    }

    @Test
    void mcastResolicitAddsBroadcastProbesToProbe() {
        NeighBed t = new NeighBed();
        t.sysctl("mcast_resolicit", "2");
        Neighbour n = stale(t);
        long ts = t.now();
        t.send(IP_B, 1);
        t.k.runFor(20 * S);
        assertEquals(5, t.ops.solicits.size(), "3 unicast + 2 broadcast");
        assertEquals(List.of(0, 1, 2, 3, 4), t.ops.solicits.stream().map(NeighBed.Solicit::probes).toList());
        assertEquals(NudState.FAILED, n.state());
        assertEquals(ts + 10 * S, n.updatedAt());
    }

    @Test
    void retransTimeAndDelayFollowTheirSysctls() {
        NeighBed t = new NeighBed();
        t.sysctl("retrans_time_ms", "250");
        t.sysctl("delay_first_probe_time", "2");
        t.send(IP_X, 1);
        assertEquals("25", t.a.sysctls().get(NeighBed.P + "retrans_time"), "its USER_HZ twin follows once the table reads it");
        t.k.runFor(S);
        assertEquals(List.of(0L, 250 * MS, 500 * MS), solicitTimes(t));
        assertEquals(NudState.FAILED, t.entry(IP_X).state());
        assertEquals(750 * MS, t.entry(IP_X).updatedAt());

        Neighbour n = stale(t);
        long ts = t.now();
        t.send(IP_B, 1);
        t.k.runFor(2 * S);
        assertEquals(NudState.PROBE, n.state());
        assertEquals(ts + 2 * S, n.updatedAt());
    }

    @Test
    void baseReachableTimeWrittenInSecondsTakesEffectAtOnce() {
        NeighBed t = new NeighBed();
        t.sysctl("base_reachable_time", "2");
        Neighbour n = t.tbl.lookupOrCreate(IP_B, t.v0);
        t.k.runFor(6 * S);   // not used within delay_first_probe_time, or it would go to DELAY
        t.answer(IP_B);
        assertEquals("2000", t.a.sysctls().get(NeighBed.P + "base_reachable_time_ms"));
        long rt = t.tbl.reachableTime();
        assertTrue(rt >= S && rt < 3 * S, "re-drawn in [1 s, 3 s): " + rt);
        t.k.runFor(4 * S);
        assertEquals(NudState.STALE, n.state());
    }

    @Test
    void reachableTimeIsRedrawnEveryFiveMinutes() {
        NeighBed t = new NeighBed();
        t.tbl.addStatic(IP_B, t.v0, t.v1.mac().bits(), NudState.PERMANENT);   // keeps the collector running
        Set<Long> drawn = new HashSet<>();
        drawn.add(t.tbl.reachableTime());
        for (int i = 0; i < 24; i++) {
            t.k.runFor(300 * S);
            drawn.add(t.tbl.reachableTime());
        }
        // The first redraw comes 20 reachable times + 300 s after the table was made, then one
        // every 300 s (at the collector's next run): about 18 in two hours.
        assertTrue(drawn.size() >= 12, "drawn: " + drawn);
        for (long rt : drawn) {
            assertTrue(rt >= 15 * S && rt < 45 * S);
        }
    }
}
