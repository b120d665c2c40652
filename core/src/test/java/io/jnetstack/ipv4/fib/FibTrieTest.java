package io.jnetstack.ipv4.fib;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.jnetstack.ipv4.fib.FibTestSupport.ip;
import static org.junit.jupiter.api.Assertions.*;

/** FibTrie against references: a linear scan, and a per-length exact-match map. */
class FibTrieTest {

    /** The reference: every stored prefix by (len, prefix), probed from the longest length down. */
    private static final class Reference {
        final Map<Long, Integer> byKey = new HashMap<>();
        final int[] lenCount = new int[33];

        static long key(int prefix, int len) {
            return ((long) len << 32) | Integer.toUnsignedLong(prefix);
        }

        Integer put(int prefix, int len, int v) {
            Integer old = byKey.put(key(prefix, len), v);
            if (old == null) {
                lenCount[len]++;
            }
            return old;
        }

        Integer remove(int prefix, int len) {
            Integer old = byKey.remove(key(prefix, len));
            if (old != null) {
                lenCount[len]--;
            }
            return old;
        }

        Integer lookup(int addr) {
            for (int l = 32; l >= 0; l--) {
                if (lenCount[l] != 0) {
                    Integer v = byKey.get(key(addr & Prefixes.mask(l), l));
                    if (v != null) {
                        return v;
                    }
                }
            }
            return null;
        }
    }

    @Test
    void emptyTrieMatchesNothing() {
        FibTrie<String> t = new FibTrie<>();
        assertNull(t.lookup(0));
        assertNull(t.lookup(-1));
        assertNull(t.lookup(ip("192.0.2.1")));
        assertEquals(0, t.size());
        t.checkInvariants();
    }

    @Test
    void defaultRouteMatchesTheWholeSpace() {
        FibTrie<String> t = new FibTrie<>();
        assertNull(t.insert(0, 0, "default"));
        assertEquals("default", t.lookup(0));
        assertEquals("default", t.lookup(-1));
        assertEquals("default", t.lookup(ip("198.18.0.1")));
        assertEquals("default", t.get(0, 0));
        t.checkInvariants();
        assertEquals("default", t.remove(0, 0));
        assertNull(t.lookup(ip("198.18.0.1")));
        t.checkInvariants();
    }

    @Test
    void hostRoutesAtTheEndsOfTheSpace() {
        FibTrie<String> t = new FibTrie<>();
        t.insert(0, 32, "zero");
        t.insert(-1, 32, "all-ones");
        t.insert(0, 1, "low half");
        t.insert(0x80000000, 1, "high half");
        assertEquals("zero", t.lookup(0));
        assertEquals("low half", t.lookup(1));
        assertEquals("all-ones", t.lookup(0xFFFFFFFF));
        assertEquals("high half", t.lookup(0xFFFFFFFE));
        assertEquals("high half", t.lookup(0x80000000));
        assertEquals("low half", t.lookup(0x7FFFFFFF));
        t.checkInvariants();
        t.remove(-1, 32);
        assertEquals("high half", t.lookup(0xFFFFFFFF));
        t.remove(0, 32);
        assertEquals("low half", t.lookup(0));
        assertEquals(0, t.chunks(), "chunks of removed /32s are collapsed");
        t.checkInvariants();
    }

    @Test
    void overlappingPrefixesAndRemovalRestoringTheShorterMatch() {
        FibTrie<String> t = new FibTrie<>();
        t.insert(ip("10.0.0.0"), 8, "/8");
        t.insert(ip("10.1.0.0"), 16, "/16");
        t.insert(ip("10.1.2.0"), 24, "/24");
        t.insert(ip("10.1.2.128"), 25, "/25");
        t.insert(ip("10.1.2.129"), 32, "/32");
        assertEquals("/32", t.lookup(ip("10.1.2.129")));
        assertEquals("/25", t.lookup(ip("10.1.2.130")));
        assertEquals("/24", t.lookup(ip("10.1.2.1")));
        assertEquals("/16", t.lookup(ip("10.1.3.1")));
        assertEquals("/8", t.lookup(ip("10.2.0.0")));
        assertNull(t.lookup(ip("11.0.0.0")));
        t.checkInvariants();

        assertEquals("/24", t.remove(ip("10.1.2.0"), 24));
        assertEquals("/16", t.lookup(ip("10.1.2.1")), "the /16 shows through where the /24 was");
        assertEquals("/25", t.lookup(ip("10.1.2.130")));
        t.checkInvariants();
        assertEquals("/16", t.remove(ip("10.1.0.0"), 16));
        assertEquals("/8", t.lookup(ip("10.1.2.1")));
        assertEquals("/32", t.lookup(ip("10.1.2.129")));
        t.checkInvariants();
        t.remove(ip("10.1.2.128"), 25);
        t.remove(ip("10.1.2.129"), 32);
        assertEquals("/8", t.lookup(ip("10.1.2.129")));
        assertEquals(0, t.chunks());
        assertEquals(1, t.size());
        t.checkInvariants();
    }

    @Test
    void shorterPrefixInsertedLaterDoesNotHideLongerOnes() {
        FibTrie<String> t = new FibTrie<>();
        t.insert(ip("10.1.2.3"), 32, "host");
        t.insert(ip("10.1.0.0"), 16, "/16");
        t.insert(0, 0, "default");
        assertEquals("host", t.lookup(ip("10.1.2.3")));
        assertEquals("/16", t.lookup(ip("10.1.2.4")));
        assertEquals("default", t.lookup(ip("10.2.2.4")));
        t.checkInvariants();
    }

    @Test
    void insertReplacesTheValueOfAnExistingPrefix() {
        FibTrie<String> t = new FibTrie<>();
        assertNull(t.insert(ip("192.0.2.0"), 24, "a"));
        assertEquals("a", t.insert(ip("192.0.2.0"), 24, "b"));
        assertEquals(1, t.size());
        assertEquals("b", t.lookup(ip("192.0.2.77")));
        assertNull(t.remove(ip("192.0.2.0"), 25), "only exact prefixes are removed");
        assertNull(t.get(ip("192.0.2.0"), 23));
        assertEquals("b", t.get(ip("192.0.2.0"), 24));
    }

    @Test
    void lookupShorterBacksOffPastTheGivenLength() {
        FibTrie<String> t = new FibTrie<>();
        t.insert(0, 0, "default");
        t.insert(ip("10.0.0.0"), 8, "/8");
        t.insert(ip("10.1.0.0"), 16, "/16");
        int a = ip("10.1.2.3");
        assertEquals("/8", t.lookupShorter(a, 16));
        assertEquals("/8", t.lookupShorter(a, 9));
        assertEquals("default", t.lookupShorter(a, 8));
        assertNull(t.lookupShorter(a, 0));
        assertEquals("/16", t.lookupShorter(a, 33));
    }

    @Test
    void misuseIsEinval() {
        FibTrie<String> t = new FibTrie<>();
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> t.insert(ip("10.0.0.1"), 8, "x")).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> t.insert(0, 33, "x")).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> t.insert(0, -1, "x")).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> t.insert(0, 8, null)).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> t.remove(1, 0)).errno());
    }

    @Test
    void forEachVisitsInPrefixThenLengthOrder() {
        FibTrie<String> t = new FibTrie<>();
        t.insert(ip("192.0.2.0"), 24, "c");
        t.insert(ip("10.0.0.0"), 16, "b2");
        t.insert(ip("10.0.0.0"), 8, "b1");
        t.insert(0, 0, "a");
        t.insert(ip("255.255.255.255"), 32, "d");
        List<String> seen = new ArrayList<>();
        t.forEach((p, l, v) -> seen.add(Prefixes.format(p, l) + "=" + v));
        assertEquals(List.of("0.0.0.0/0=a", "10.0.0.0/8=b1", "10.0.0.0/16=b2", "192.0.2.0/24=c", "255.255.255.255/32=d"), seen);
    }

    @Test
    void smallRandomTableAgreesWithALinearScan() {
        SplittableRandom rnd = new SplittableRandom(7);
        FibTrie<Integer> t = new FibTrie<>();
        List<int[]> list = new ArrayList<>();
        Map<Long, Integer> index = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            int len = rnd.nextInt(10) == 0 ? rnd.nextInt(33) : RandomPrefixes.length(rnd);
            int p = RandomPrefixes.prefix(rnd, len) & 0x0FFFFFFF;   // crowd them into 0/4 for overlaps
            if (index.putIfAbsent(Reference.key(p, len), i) == null) {
                list.add(new int[] {p, len, i});
                assertNull(t.insert(p, len, i));
            }
        }
        t.checkInvariants();
        for (int i = 0; i < 20_000; i++) {
            int addr = i % 2 == 0 ? rnd.nextInt() & 0x0FFFFFFF : rnd.nextInt();
            int bestLen = -1;
            Integer best = null;
            for (int[] e : list) {
                if (((addr ^ e[0]) & Prefixes.mask(e[1])) == 0 && e[1] > bestLen) {
                    bestLen = e[1];
                    best = e[2];
                }
            }
            assertEquals(best, t.lookup(addr), () -> "lookup " + FibTestSupport.str(addr));
        }
    }

    @Test
    void millionPrefixesAgreeWithTheReference() {
        SplittableRandom rnd = new SplittableRandom(42);
        FibTrie<Integer> t = new FibTrie<>();
        Reference ref = new Reference();
        int[] prefixes = new int[1_000_000];
        int[] lens = new int[prefixes.length];
        for (int i = 0; i < prefixes.length; i++) {
            int len = RandomPrefixes.length(rnd);
            int p = RandomPrefixes.prefix(rnd, len);
            prefixes[i] = p;
            lens[i] = len;
            Integer v = i;
            assertEquals(ref.put(p, len, v), t.insert(p, len, v));
        }
        assertEquals(ref.byKey.size(), t.size());
        assertEquals(FibTrie.LARGE_ROOT_BITS, t.rootBits());
        for (int i = 0; i < 100_000; i++) {
            int addr;
            if (i % 2 == 0) {
                addr = rnd.nextInt();
            } else {
                int k = rnd.nextInt(prefixes.length);
                addr = prefixes[k] | (rnd.nextInt() & ~Prefixes.mask(lens[k]));
            }
            Integer want = ref.lookup(addr);
            Integer got = t.lookup(addr);
            if (!java.util.Objects.equals(want, got)) {
                fail("lookup " + FibTestSupport.str(addr) + ": want " + want + ", got " + got);
            }
        }
        for (int i = 0; i < 10_000; i++) {
            int k = rnd.nextInt(prefixes.length);
            assertEquals(ref.byKey.get(Reference.key(prefixes[k], lens[k])), t.get(prefixes[k], lens[k]));
        }
    }

    @Test
    void interleavedInsertsAndRemovesAgreeWithTheReference() {
        SplittableRandom rnd = new SplittableRandom(1234);
        FibTrie<Integer> t = new FibTrie<>();
        Reference ref = new Reference();
        List<int[]> present = new ArrayList<>();
        boolean growing = true;
        boolean sawLargeRoot = false;
        boolean sawShrink = false;
        for (int op = 0; op < 50_000; op++) {
            if (growing && present.size() > 6000) {
                growing = false;
            } else if (!growing && present.size() < 600) {
                growing = true;
                sawShrink |= sawLargeRoot && t.rootBits() == FibTrie.SMALL_ROOT_BITS;
            }
            boolean insert = rnd.nextInt(100) < (growing ? 75 : 25);
            if (insert || present.isEmpty()) {
                int len = rnd.nextInt(8) == 0 ? rnd.nextInt(33) : RandomPrefixes.length(rnd);
                int p = RandomPrefixes.prefix(rnd, len) & 0xC0FFFFFF;   // a quarter of the space: overlaps
                Integer old = ref.put(p, len, op);
                assertEquals(old, t.insert(p, len, op));
                if (old == null) {
                    present.add(new int[] {p, len});
                }
            } else if (rnd.nextInt(10) == 0) {
                int len = rnd.nextInt(33);
                int p = RandomPrefixes.prefix(rnd, len);
                assertEquals(ref.remove(p, len), t.remove(p, len));
                present.removeIf(e -> e[0] == p && e[1] == len);
            } else {
                int k = rnd.nextInt(present.size());
                int[] e = present.get(k);
                present.set(k, present.get(present.size() - 1));
                present.remove(present.size() - 1);
                assertEquals(ref.remove(e[0], e[1]), t.remove(e[0], e[1]));
            }
            sawLargeRoot |= t.rootBits() == FibTrie.LARGE_ROOT_BITS;
            assertEquals(ref.byKey.size(), t.size());
            if (op % 500 == 0) {
                checkSample(t, ref, rnd, 200);
            }
            if (op % 10_000 == 0) {
                t.checkInvariants();
            }
        }
        t.checkInvariants();
        assertTrue(sawLargeRoot, "the table grew past the small root");
        assertTrue(sawShrink, "the table shrank back to the small root");
        checkSample(t, ref, rnd, 20_000);
        for (int[] e : new ArrayList<>(present)) {
            assertNotNull(t.remove(e[0], e[1]));
        }
        assertEquals(0, t.size());
        assertEquals(0, t.chunks());
        t.checkInvariants();
    }

    private static void checkSample(FibTrie<Integer> t, Reference ref, SplittableRandom rnd, int n) {
        for (int i = 0; i < n; i++) {
            int addr = rnd.nextInt() & 0xC0FFFFFF;
            assertEquals(ref.lookup(addr), t.lookup(addr), () -> "lookup " + FibTestSupport.str(addr));
        }
    }
}
