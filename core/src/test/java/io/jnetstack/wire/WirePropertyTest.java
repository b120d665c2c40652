package io.jnetstack.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Random bytes of random lengths through every view: {@code check} never throws, and after it
 * succeeds the accessors never throw either. The packet always ends exactly at the end of the
 * array, so reading one byte past the checked range would throw.
 */
class WirePropertyTest {

    private static final int CASES = 200_000;

    /** A random case: the bytes, where the packet starts, and the length passed to check. */
    private record Case(byte[] buf, int off, int len) {
    }

    /**
     * A buffer ending at {@code off + len}, filled with random bytes and then given a chance to
     * look like the protocol via {@code bias}. One case in 64 has a nonsense range instead.
     */
    private static Case randomCase(SplittableRandom rng, int maxLen, Biaser bias) {
        int len = rng.nextInt(maxLen + 1);
        int off = rng.nextInt(4);
        byte[] buf = new byte[off + len];
        rng.nextBytes(buf);
        if (rng.nextBoolean()) {
            bias.apply(rng, buf, off, len);
        }
        return switch (rng.nextInt(64)) {
            case 0 -> new Case(rng.nextBoolean() ? null : buf, off, len);
            case 1 -> new Case(buf, off, len + 1 + rng.nextInt(3));
            case 2 -> new Case(buf, -1 - rng.nextInt(Integer.MAX_VALUE), len);
            case 3 -> new Case(buf, off, -1 - rng.nextInt(Integer.MAX_VALUE));
            case 4 -> new Case(buf, rng.nextInt(Integer.MAX_VALUE), rng.nextInt(Integer.MAX_VALUE));
            default -> new Case(buf, off, len);
        };
    }

    @FunctionalInterface
    private interface Biaser {
        void apply(SplittableRandom rng, byte[] buf, int off, int len);
    }

    private static void put16(byte[] buf, int i, int v, int end) {
        if (i + 1 < end) {
            buf[i] = (byte) (v >>> 8);
            buf[i + 1] = (byte) v;
        }
    }

    /** Runs {@code body}, failing with the seed and case index if it throws anything. */
    private static void noThrow(long seed, int i, Runnable body) {
        try {
            body.run();
        } catch (RuntimeException e) {
            throw new AssertionError("case " + i + " of seed " + seed + " threw", e);
        }
    }

    /** A repr parse may only throw IllegalArgumentException. */
    private static void parseOrIae(Supplier<?> parse) {
        try {
            parse.get();
        } catch (IllegalArgumentException expected) {
            // a failed check or checksum
        }
    }

    @Test
    void ethernet() {
        long seed = 0xE7E7;
        SplittableRandom rng = new SplittableRandom(seed);
        int ok = 0;
        for (int i = 0; i < CASES; i++) {
            Case c = randomCase(rng, 30, (r, b, off, len) -> {
                int t = r.nextInt(3);
                put16(b, off + 12, t == 0 ? EtherType.VLAN : t == 1 ? EtherType.QINQ : EtherType.IPV4, off + len);
                put16(b, off + 16, r.nextBoolean() ? EtherType.VLAN : EtherType.ARP, off + len);
            });
            int[] res = new int[1];
            noThrow(seed, i, () -> {
                res[0] = Ethernet.check(c.buf, c.off, c.len);
                Ethernet.checkName(res[0]);
                if (res[0] < 0) {
                    return;
                }
                byte[] b = c.buf;
                int off = c.off;
                assertEquals(res[0], Ethernet.headerLen(b, off));
                Ethernet.dst(b, off);
                Ethernet.src(b, off);
                Ethernet.etherType(b, off);
                Ethernet.innerEtherType(b, off);
                for (int t = 0; t < Ethernet.vlanCount(b, off); t++) {
                    Ethernet.vlanTpid(b, off, t);
                    Ethernet.vlanTci(b, off, t);
                }
                parseOrIae(() -> EthernetRepr.parse(b, off, c.len));
            });
            ok += res[0] >= 0 ? 1 : 0;
        }
        assertTrue(ok > CASES / 4, "too few valid cases: " + ok);
    }

    @Test
    void ipv4() {
        long seed = 791;
        SplittableRandom rng = new SplittableRandom(seed);
        int ok = 0;
        int withOptions = 0;
        for (int i = 0; i < CASES; i++) {
            Case c = randomCase(rng, 72, (r, b, off, len) -> {
                if (len > 0) {
                    b[off] = (byte) (0x40 | r.nextInt(16));
                }
                // Total length somewhere around the buffer's length.
                put16(b, off + 2, Math.max(0, len - r.nextInt(8)), off + len);
                if (len > 20 && r.nextBoolean()) {
                    // Option-like bytes: small types and lengths, pointers near 4 and 5.
                    for (int k = off + 20; k < off + len; k++) {
                        int pick = r.nextInt(8);
                        b[k] = (byte) switch (pick) {
                            case 0 -> Ipv4Options.OPT_NOP;
                            case 1 -> Ipv4Options.OPT_RR;
                            case 2 -> Ipv4Options.OPT_TS;
                            case 3 -> Ipv4Options.OPT_RA;
                            case 4 -> Ipv4Options.OPT_LSRR;
                            default -> r.nextInt(12);
                        };
                    }
                }
            });
            int[] res = new int[1];
            noThrow(seed, i, () -> {
                res[0] = Ipv4.check(c.buf, c.off, c.len);
                Ipv4.checkName(res[0]);
                // After ERR_PKT_TRUNCATED the header itself has been validated.
                if (res[0] < 0 && res[0] != Ipv4.ERR_PKT_TRUNCATED) {
                    return;
                }
                byte[] b = c.buf;
                int off = c.off;
                int hlen = Ipv4.headerLen(b, off);
                assertTrue(hlen >= 20 && hlen <= 60 && hlen <= c.len);
                Ipv4.version(b, off);
                Ipv4.tos(b, off);
                Ipv4.dscp(b, off);
                Ipv4.ecn(b, off);
                Ipv4.totalLength(b, off);
                Ipv4.payloadLength(b, off);
                Ipv4.id(b, off);
                Ipv4.dontFragment(b, off);
                Ipv4.moreFragments(b, off);
                Ipv4.fragOffset(b, off);
                Ipv4.isFragment(b, off);
                Ipv4.ttl(b, off);
                Ipv4.protocol(b, off);
                Ipv4.checksum(b, off);
                Ipv4.src(b, off);
                Ipv4.dst(b, off);
                Ipv4.checksumOk(b, off);
                int optErr = Ipv4Options.checkOptions(b, off);
                Ipv4.checkName(optErr);
                int ptr = Ipv4Options.optionErrorPointer(b, off);
                assertTrue(optErr == 0 ? ptr == -1 : ptr >= 20 && ptr < hlen, "pointer " + ptr);
                int n = 0;
                for (int p = Ipv4Options.firstOption(b, off); p >= 0; p = Ipv4Options.nextOption(b, off, p)) {
                    int olen = Ipv4Options.optionLength(b, off, p);
                    assertTrue(p >= 20 && olen >= 1 && p + olen <= hlen);
                    Ipv4Options.optionType(b, off, p);
                    if (++n > 40) {
                        fail("option walk does not end");
                    }
                }
                int ra = Ipv4Options.findRouterAlert(b, off);
                if (ra >= 0) {
                    Ipv4Options.routerAlertValue(b, off, ra);
                }
                Ipv4Options.findOption(b, off, Ipv4Options.OPT_TS);
                parseOrIae(() -> Ipv4Repr.parse(b, off, c.len));
                // Mutators stay inside the header too.
                Ipv4.decrementTtl(b, off);
                Ipv4.setCe(b, off);
                Ipv4.fillChecksum(b, off);
            });
            ok += res[0] >= 0 ? 1 : 0;
            withOptions += res[0] > 20 ? 1 : 0;
        }
        assertTrue(ok > CASES / 20, "too few valid cases: " + ok);
        assertTrue(withOptions > CASES / 40, "too few valid cases with options: " + withOptions);
    }

    @Test
    void icmp() {
        long seed = 792;
        SplittableRandom rng = new SplittableRandom(seed);
        int ok = 0;
        for (int i = 0; i < CASES; i++) {
            Case c = randomCase(rng, 40, (r, b, off, len) -> {
                if (len > 0) {
                    b[off] = (byte) r.nextInt(20);
                }
                if (len > 1 && r.nextBoolean()) {
                    b[off + 1] = 0;
                }
                if (len >= 4 && r.nextBoolean()) {
                    Icmp.fillChecksum(b, off, len);
                }
            });
            int[] res = new int[1];
            noThrow(seed, i, () -> {
                res[0] = Icmp.check(c.buf, c.off, c.len);
                Icmp.checkName(res[0]);
                if (res[0] < 0) {
                    return;
                }
                byte[] b = c.buf;
                int off = c.off;
                int type = Icmp.type(b, off);
                assertEquals(res[0], Icmp.headerLen(b, off));
                Icmp.code(b, off);
                Icmp.checksum(b, off);
                Icmp.restOfHeader(b, off);
                Icmp.echoId(b, off);
                Icmp.echoSeq(b, off);
                Icmp.gateway(b, off);
                Icmp.nextHopMtu(b, off);
                Icmp.pointer(b, off);
                Icmp.dataOffset(b, off);
                Icmp.describe(b, off);
                Icmp.isError(type);
                if (res[0] >= Icmp.ADDRESS_MASK_LEN) {
                    Icmp.addressMask(b, off);
                }
                if (res[0] >= Icmp.TIMESTAMP_LEN) {
                    Icmp.originate(b, off);
                    Icmp.receive(b, off);
                    Icmp.transmit(b, off);
                }
                Icmp.checksumOk(b, off, c.len);
                parseOrIae(() -> IcmpRepr.parse(b, off, c.len));
            });
            ok += res[0] >= 0 ? 1 : 0;
        }
        assertTrue(ok > CASES / 4, "too few valid cases: " + ok);
    }

    @Test
    void arp() {
        long seed = 826;
        SplittableRandom rng = new SplittableRandom(seed);
        int ok = 0;
        int eth = 0;
        for (int i = 0; i < CASES; i++) {
            Case c = randomCase(rng, 48, (r, b, off, len) -> {
                if (r.nextBoolean()) {
                    put16(b, off, Arp.HRD_ETHER, off + len);
                    put16(b, off + 2, EtherType.IPV4, off + len);
                }
                if (len > 5) {
                    b[off + 4] = (byte) (r.nextBoolean() ? 6 : r.nextInt(8));
                    b[off + 5] = (byte) (r.nextBoolean() ? 4 : r.nextInt(8));
                }
            });
            int[] res = new int[2];
            noThrow(seed, i, () -> {
                res[0] = Arp.check(c.buf, c.off, c.len);
                Arp.checkName(res[0]);
                if (res[0] < 0) {
                    return;
                }
                byte[] b = c.buf;
                int off = c.off;
                assertEquals(res[0], Arp.length(b, off));
                Arp.htype(b, off);
                Arp.ptype(b, off);
                Arp.oper(b, off);
                int hl = Arp.hlen(b, off);
                int pl = Arp.plen(b, off);
                // Touch the last byte of each address: all inside the checked range.
                int sum = 0;
                if (hl > 0) {
                    sum += b[Arp.shaOffset(b, off) + hl - 1] + b[Arp.thaOffset(b, off) + hl - 1];
                }
                if (pl > 0) {
                    sum += b[Arp.spaOffset(b, off) + pl - 1] + b[Arp.tpaOffset(b, off) + pl - 1];
                }
                assertTrue(sum > -1024);
                if (Arp.isEthIpv4(b, off)) {
                    res[1] = 1;
                    Arp.sha(b, off);
                    Arp.spa(b, off);
                    Arp.tha(b, off);
                    Arp.tpa(b, off);
                }
                parseOrIae(() -> ArpRepr.parse(b, off, c.len));
            });
            ok += res[0] >= 0 ? 1 : 0;
            eth += res[1];
        }
        assertTrue(ok > CASES / 10, "too few valid cases: " + ok);
        assertTrue(eth > CASES / 100, "too few Ethernet/IPv4 cases: " + eth);
    }

    @Test
    void udp() {
        long seed = 768;
        SplittableRandom rng = new SplittableRandom(seed);
        int ok = 0;
        for (int i = 0; i < CASES; i++) {
            Case c = randomCase(rng, 40, (r, b, off, len) ->
                    put16(b, off + 4, Math.max(0, len - r.nextInt(4)), off + len));
            int[] res = new int[1];
            noThrow(seed, i, () -> {
                res[0] = Udp.check(c.buf, c.off, c.len);
                Udp.checkName(res[0]);
                if (res[0] < 0) {
                    return;
                }
                byte[] b = c.buf;
                int off = c.off;
                Udp.srcPort(b, off);
                Udp.dstPort(b, off);
                Udp.checksum(b, off);
                Udp.hasChecksum(b, off);
                assertTrue(Udp.payloadLength(b, off) >= 0);
                Udp.payloadOffset(b, off);
                Udp.checksumOk(b, off, Udp.length(b, off), 1, 2);
                parseOrIae(() -> UdpRepr.parse(b, off, c.len, 1, 2));
            });
            ok += res[0] >= 0 ? 1 : 0;
        }
        assertTrue(ok > CASES / 10, "too few valid cases: " + ok);
    }
}
