package io.jnetstack.ipv4;

import io.jnetstack.capture.PcapNgWriter;
import io.jnetstack.capture.Tshark;
import io.jnetstack.core.Dev;
import io.jnetstack.core.DropReason;
import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;
import io.jnetstack.ipv4.fib.NextHop;
import io.jnetstack.ipv4.fib.Route;
import io.jnetstack.link.Veth;
import io.jnetstack.trace.Journey;
import io.jnetstack.trace.TraceEvent;
import io.jnetstack.wire.Checksum;
import io.jnetstack.wire.Ethernet;
import io.jnetstack.wire.Igmp;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Address;
import io.jnetstack.wire.Ipv4Options;
import io.jnetstack.wire.MacAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * IGMPv2 host side and multicast delivery, in virtual time. Host H (veth0 198.18.1.2/24) sits on
 * a link whose other end, W (198.18.1.1), plays the querier and the other hosts: tests inject
 * frames from W and read what H puts on the wire, packetdrill-style.
 */
class IgmpTest {
    static final int H = Ipv4Address.parse("198.18.1.2");
    static final int Q = Ipv4Address.parse("198.18.1.1");
    static final int OTHER = Ipv4Address.parse("198.18.1.3");
    static final int G = Ipv4Address.parse("239.1.2.3");
    static final int G2 = Ipv4Address.parse("239.1.2.4");
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    /** A frame H sent, and when it reached the wire. */
    record Frame(long at, byte[] bytes) {
    }

    final Kernel k = Kernel.deterministic(5);
    final Net h = k.newNet("H");
    final Net w = k.newNet("W");
    final Veth hEth = Veth.createPair(h, "veth0", w, "veth0");
    final Veth wEth = hEth.peer();
    final io.jnetstack.ipv4.Igmp igmp = h.inet().igmp();
    final List<Frame> wire = new ArrayList<>();
    final List<String> delivered = new ArrayList<>();

    IgmpTest() {
        h.loopback().up();
        w.loopback().up();
        hEth.up();
        wEth.up();
        h.inet().devinet().add(hEth, H, 24);
        w.inet().devinet().add(wEth, Q, 24);
        k.runFor(10 * MS);
        wEth.addTap((skb, dev, outgoing) -> {
            if (!outgoing) {
                wire.add(new Frame(k.clock().nanos(), skb.toByteArray()));
            }
        });
        h.inet().addProtocol(Ipv4.PROTO_UDP, skb -> {
            byte[] b = skb.buf();
            int nh = skb.networkHeader();
            delivered.add(Ipv4Address.format(Ipv4.src(b, nh)) + " > " + Ipv4Address.format(Ipv4.dst(b, nh))
                    + " on " + skb.dev.name() + " " + skb.pktType);
            skb.free();
        });
    }

    // ================================================================ memberships and reports

    @Test
    void joinReportsAtOnceAndOnceMoreWithinTheUnsolicitedReportInterval() {
        long t0 = k.clock().nanos();
        igmp.join(hEth, G);
        k.runPending();
        assertEquals(List.of("01:00:5e:01:02:03 198.18.1.2 > 239.1.2.3 ttl 1 RA v2 report 239.1.2.3"), igmpOnWire());
        assertEquals(t0, wire.getLast().at(), "RFC 2236 §3: immediately");
        k.runFor(10 * S);
        assertEquals(2, igmpOnWire().size(), "robustness 2: one repeat within 10 s");
        assertEquals(igmpOnWire().get(0), igmpOnWire().get(1));
        long repeat = igmpFrames().get(1).at();
        assertTrue(repeat > t0 && repeat < t0 + 10 * S, "at " + repeat);
        k.runFor(120 * S);
        assertEquals(2, igmpOnWire().size(), "then silence until asked");
        assertTrue(igmp.isMember(hEth, G));
        assertEquals(2, igmp.mib().get(IgmpMib.OutReports));
        assertEquals(2, igmp.mib().get(IgmpMib.InReports), "our own reports, looped back, do not suppress");
    }

    @Test
    void aSecondJoinOnlyCountsAndTheLastLeaveSendsLeaveGroupToAllRouters() {
        igmp.join(hEth, G);
        igmp.join(hEth, G);
        k.runFor(20 * S);
        assertEquals(2, igmpOnWire().size(), "the second join sends nothing");
        assertEquals(2, igmp.users(hEth, G));
        assertTrue(igmp.leave(hEth, G));
        k.runFor(S);
        assertEquals(2, igmpOnWire().size(), "one user left: still a member, nothing sent");
        assertTrue(igmp.isMember(hEth, G));
        assertTrue(igmp.leave(hEth, G));
        k.runFor(S);
        assertEquals("01:00:5e:00:00:02 198.18.1.2 > 224.0.0.2 ttl 1 RA leave 239.1.2.3", igmpOnWire().getLast());
        assertFalse(igmp.isMember(hEth, G));
        assertFalse(igmp.leave(hEth, G), "not a member: false, no exception (the socket layer says EADDRNOTAVAIL)");
        k.runFor(20 * S);
        assertEquals(3, igmpOnWire().size(), "the repeat timer went with the membership");
    }

    @Test
    void joinRefusesWhatLinuxRefuses() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> igmp.join(hEth, Q));
        assertEquals(Errno.EINVAL, e.errno());
        e = assertThrows(ErrnoException.class, () -> igmp.join(h.loopback(), G));
        assertEquals(Errno.ENODEV, e.errno(), "lo has no MULTICAST flag");
        e = assertThrows(ErrnoException.class, () -> igmp.join(wEth, G));
        assertEquals(Errno.ENODEV, e.errno(), "another namespace's device");
        assertEquals("20", h.sysctls().get("net.ipv4.igmp_max_memberships"));
        assertEquals(20, igmp.maxMemberships());
    }

    @Test
    void allHostsIsJoinedOnUpAndNeverReported() {
        assertTrue(igmp.isMember(hEth, Ipv4Address.ALL_HOSTS));
        assertFalse(igmp.isMember(h.loopback(), Ipv4Address.ALL_HOSTS));
        generalQuery(100);
        k.runFor(11 * S);
        assertEquals(List.of(), igmpOnWire(), "RFC 2236 §6: 224.0.0.1 is never reported");
        igmp.join(hEth, G);
        k.runFor(20 * S);
        wire.clear();
        hEth.down();
        assertFalse(igmp.isMember(hEth, Ipv4Address.ALL_HOSTS));
        assertTrue(igmp.isMember(hEth, G), "memberships outlive a down device");
        hEth.up();
        k.runFor(20 * S);
        assertTrue(igmp.isMember(hEth, Ipv4Address.ALL_HOSTS));
        assertEquals(2, igmpOnWire().size(), "coming back up announces the kept group again: " + igmpOnWire());
    }

    @Test
    void groupsGoWithTheirDevice() {
        igmp.join(hEth, G);
        h.unregister(hEth);
        assertFalse(igmp.isMember(hEth, G));
        assertEquals("", igmp.format());
        assertFalse(igmp.leave(hEth, G));
        k.runFor(20 * S);
    }

    @Test
    void ipMaddrShow() {
        igmp.join(hEth, G);
        igmp.join(hEth, G);
        igmp.join(hEth, G2);
        assertEquals("""
                2:\tveth0
                \tlink  01:00:5e:00:00:01
                \tlink  01:00:5e:01:02:03
                \tlink  01:00:5e:01:02:04
                \tinet  239.1.2.4
                \tinet  239.1.2.3 users 2
                \tinet  224.0.0.1
                """, igmp.format());
    }

    // ================================================================ queries and suppression

    @Test
    void aGeneralQueryIsAnsweredForEveryGroupWithinMaxRespTime() {
        joinAndSettle(G, G2);
        long t = k.clock().nanos();
        generalQuery(100);
        k.runFor(10 * S);
        List<Frame> f = igmpFrames();
        assertEquals(List.of("v2 report 239.1.2.3", "v2 report 239.1.2.4"),
                f.stream().map(IgmpTest::igmpPart).sorted().toList());
        for (Frame x : f) {
            assertTrue(x.at() >= t && x.at() < t + 10 * S, "within 10 s: " + (x.at() - t));
        }
        k.runFor(100 * S);
        assertEquals(2, igmpFrames().size(), "one report per query");
    }

    @Test
    void aGroupSpecificQueryAsksOnlyForItsGroup() {
        joinAndSettle(G, G2);
        long t = k.clock().nanos();
        inject(igmpFrame(groupMac(G), Q, G, Igmp.MEMBERSHIP_QUERY, 20, G, 8, false));
        k.runFor(10 * S);
        assertEquals(List.of("01:00:5e:01:02:03 198.18.1.2 > 239.1.2.3 ttl 1 RA v2 report 239.1.2.3"), igmpOnWire());
        assertTrue(igmpFrames().getFirst().at() - t < 2 * S, "max resp time 2 s");
    }

    @Test
    void aShorterMaxRespTimeShortensARunningTimer() {
        joinAndSettle(G);
        generalQuery(100);
        k.runFor(MS);
        long t = k.clock().nanos();
        inject(igmpFrame(groupMac(G), Q, G, Igmp.MEMBERSHIP_QUERY, 5, G, 8, false));
        k.runFor(10 * S);
        assertEquals(1, igmpFrames().size());
        assertTrue(igmpFrames().getFirst().at() - t < 500 * MS, "RFC 2236 §3: reset to the shorter 0.5 s");
    }

    @Test
    void aLongerMaxRespTimeLeavesARunningTimerAlone() {
        joinAndSettle(G);
        long t = k.clock().nanos();
        inject(igmpFrame(groupMac(G), Q, G, Igmp.MEMBERSHIP_QUERY, 5, G, 8, false));
        generalQuery(250);
        k.runFor(30 * S);
        assertEquals(1, igmpFrames().size());
        assertTrue(igmpFrames().getFirst().at() - t < 500 * MS, "RFC 2236 §3: not reset to the longer 25 s");
    }

    @Test
    void anotherHostsReportSuppressesOursAndMakesItTheReporter() {
        joinAndSettle(G);
        generalQuery(100);
        inject(igmpFrame(groupMac(G), OTHER, G, Igmp.V2_MEMBERSHIP_REPORT, 0, G, 8, false));
        k.runFor(20 * S);
        assertEquals(List.of(), igmpOnWire(), "RFC 2236 §3: suppressed");
        assertTrue(igmp.leave(hEth, G));
        k.runFor(S);
        assertEquals(List.of(), igmpOnWire(), "not the last reporter: no Leave Group");
    }

    @Test
    void anotherHostsReportAlsoEndsTheUnsolicitedRepeat() {
        igmp.join(hEth, G);
        k.runPending();
        inject(igmpFrame(groupMac(G), OTHER, G, Igmp.V2_MEMBERSHIP_REPORT, 0, G, 8, false));
        k.runFor(20 * S);
        assertEquals(1, igmpOnWire().size());
    }

    @Test
    void aV1QuerierGetsV1ReportsAndNoLeaveForFourHundredSeconds() {
        joinAndSettle(G);
        inject(igmpFrame(groupMac(Ipv4Address.ALL_HOSTS), Q, Ipv4Address.ALL_HOSTS, Igmp.MEMBERSHIP_QUERY, 0, 0, 8, false));
        k.runFor(10 * S);
        assertEquals(List.of("01:00:5e:01:02:03 198.18.1.2 > 239.1.2.3 ttl 1 RA v1 report 239.1.2.3"), igmpOnWire());
        igmp.leave(hEth, G);
        k.runFor(S);
        assertEquals(1, igmpOnWire().size(), "RFC 2236 §4: no Leave while a v1 querier is present");
        k.runFor(400 * S);
        igmp.join(hEth, G2);
        k.runPending();
        assertEquals("01:00:5e:01:02:04 198.18.1.2 > 239.1.2.4 ttl 1 RA v2 report 239.1.2.4", igmpOnWire().getLast());
    }

    @Test
    void aV3QueryIsAnsweredWithAV2Report() {
        joinAndSettle(G);
        long t = k.clock().nanos();
        inject(igmpFrame(groupMac(Ipv4Address.ALL_HOSTS), Q, Ipv4Address.ALL_HOSTS, Igmp.MEMBERSHIP_QUERY, 100, 0, 12, false));
        k.runFor(10 * S);
        assertEquals(List.of("01:00:5e:01:02:03 198.18.1.2 > 239.1.2.3 ttl 1 RA v2 report 239.1.2.3"), igmpOnWire());
        assertTrue(igmpFrames().getFirst().at() - t < 10 * S);
    }

    // ================================================================ bad input

    @Test
    void badChecksumShortAndOddLengthsAreDroppedAndCounted() {
        joinAndSettle(G);
        inject(igmpFrame(groupMac(Ipv4Address.ALL_HOSTS), Q, Ipv4Address.ALL_HOSTS, Igmp.MEMBERSHIP_QUERY, 100, 0, 8, true));
        assertEquals(1, h.drops(DropReason.IGMP_CSUM));
        assertEquals(1, igmp.mib().get(IgmpMib.InCsumErrors));
        inject(igmpFrame(groupMac(Ipv4Address.ALL_HOSTS), Q, Ipv4Address.ALL_HOSTS, Igmp.MEMBERSHIP_QUERY, 100, 0, 4, false));
        inject(igmpFrame(groupMac(Ipv4Address.ALL_HOSTS), Q, Ipv4Address.ALL_HOSTS, Igmp.MEMBERSHIP_QUERY, 100, 0, 10, false));
        assertEquals(2, h.drops(DropReason.PKT_TOO_SMALL), h.formatDrops());
        assertEquals(3, igmp.mib().get(IgmpMib.InErrors));
        k.runFor(20 * S);
        assertEquals(List.of(), igmpOnWire(), "none of them was taken for a query");
    }

    // ================================================================ multicast receive

    @Test
    void multicastToAJoinedGroupIsDeliveredAndToOthersDropped() {
        inject(udpFrame(groupMac(G), Q, G));
        assertEquals(List.of(), delivered);
        assertEquals(1, h.drops(DropReason.IP_MC_NOT_MEMBER));
        igmp.join(hEth, G);
        inject(udpFrame(groupMac(G), Q, G));
        assertEquals(List.of("198.18.1.1 > 239.1.2.3 on veth0 MULTICAST"), delivered);
        inject(udpFrame(groupMac(G2), Q, G2));
        assertEquals(2, h.drops(DropReason.IP_MC_NOT_MEMBER));
        inject(udpFrame(groupMac(G), 0, G));
        assertEquals(1, h.drops(DropReason.IP_INVALID_SOURCE), "0.0.0.0 only towards 224.0.0.x or for IGMP");
        inject(udpFrame(groupMac(G), Ipv4Address.parse("224.0.0.9"), G));
        assertEquals(2, h.drops(DropReason.IP_INVALID_SOURCE), "a group is never a source");
        assertEquals(1, delivered.size());
    }

    @Test
    void igmpFromAnUnaddressedHostAndToGroupsNotJoined() {
        joinAndSettle(G);
        long before = igmp.mib().get(IgmpMib.InReports);
        inject(igmpFrame(groupMac(G), 0, G, Igmp.V2_MEMBERSHIP_REPORT, 0, G, 8, false));
        assertEquals(before + 1, igmp.mib().get(IgmpMib.InReports), "a report from 0.0.0.0 is heard (RFC 2236 §3)");
        inject(igmpFrame(groupMac(Ipv4Address.ALL_ROUTERS), OTHER, Ipv4Address.ALL_ROUTERS, Igmp.LEAVE_GROUP, 0, G, 8, false));
        assertEquals(1, h.drops(DropReason.IP_MC_NOT_MEMBER), "a host has not joined all-routers");
        assertEquals(0, igmp.mib().get(IgmpMib.InLeaves));
    }

    // ================================================================ multicast and broadcast output

    @Test
    void aMemberHearsItsOwnMulticastUnlessLoopIsOff() {
        sendUdp(G, hEth, false, 1);
        k.runFor(MS);
        assertEquals(List.of(), delivered, "not a member: no copy");
        assertEquals(List.of("01:00:5e:01:02:03 198.18.1.2 > 239.1.2.3 ttl 1 udp"), udpOnWire());
        igmp.join(hEth, G);
        sendUdp(G, hEth, false, 1);
        k.runFor(MS);
        assertEquals(List.of("198.18.1.2 > 239.1.2.3 on veth0 LOOPBACK"), delivered, "received as if on the output device");
        assertEquals(2, udpOnWire().size(), "and sent all the same");
        sendUdp(G, hEth, true, 1);
        k.runFor(MS);
        assertEquals(1, delivered.size(), "IP_MULTICAST_LOOP off");
        assertEquals(3, udpOnWire().size());
        sendUdp(G, hEth, false, 0);
        k.runFor(MS);
        assertEquals(2, delivered.size(), "TTL 0: looped back ...");
        assertEquals(3, udpOnWire().size(), "... and no further (RFC 1112 §6.1)");
    }

    @Test
    void aGroupIsOnLinkEvenWhenFoundThroughADefaultRoute() {
        h.inet().fib().addRoute(Route.to(0, 0).nexthop(NextHop.via(Q, hEth)).build());
        igmp.join(hEth, G);
        sendUdp(G, null, false, 1);
        k.runFor(MS);
        assertEquals(List.of("01:00:5e:01:02:03 198.18.1.2 > 239.1.2.3 ttl 1 udp"), udpOnWire(), "no gateway for a group");
        assertEquals(List.of("198.18.1.2 > 239.1.2.3 on veth0 LOOPBACK"), delivered);
    }

    @Test
    void aBroadcastIsAlsoLoopedBack() {
        sendUdp(Ipv4Address.parse("198.18.1.255"), null, false, 64);
        sendUdp(Ipv4Address.BROADCAST, hEth, false, 64);
        k.runFor(MS);
        assertEquals(List.of("ff:ff:ff:ff:ff:ff 198.18.1.2 > 198.18.1.255 ttl 64 udp",
                "ff:ff:ff:ff:ff:ff 198.18.1.2 > 255.255.255.255 ttl 64 udp"), udpOnWire());
        assertEquals(List.of("198.18.1.2 > 198.18.1.255 on veth0 LOOPBACK", "198.18.1.2 > 255.255.255.255 on veth0 LOOPBACK"),
                delivered);
    }

    @Test
    void theJourneyOfAReportAndItsLoopedCopy() {
        k.tracer().enable(true, false);
        igmp.join(hEth, G);
        long id = k.tracer().packetsAt(io.jnetstack.trace.Stage.IGMP_SEND_REPORT).getFirst();
        k.runFor(MS);
        Journey j = k.tracer().journey(id);
        List<TraceEvent> inH = j.events().stream().filter(e -> e.netns().equals("H")).toList();
        Journey sub = new Journey(j.packetId(), inH);
        // The copy goes first: netif_rx from process context runs the softirq as it re-enables
        // bottom halves, as in Linux; it is delivered on the route it carries (no route lookup).
        List<String> chain = List.of("igmp_send_report", "ip_local_out", "__ip_local_out", "dst_output", "ip_mc_output",
                "dev_loopback_xmit", "netif_rx", "ip_rcv", "ip_rcv_finish", "dst_input", "ip_local_deliver", "igmp_rcv",
                "ip_finish_output", "ip_finish_output2", "dev_queue_xmit");
        int miss = sub.firstMissing(chain);
        assertEquals(-1, miss, () -> "chain broken at " + chain.get(miss) + ":\n" + j.tree());
        assertTrue(inH.stream().noneMatch(e -> e.stage().linuxName().equals("ip_route_input_slow")), j::tree);
    }

    @Test
    void tsharkDissectsAReportAndALeaveCleanly(@TempDir Path tmp) throws IOException {
        Tshark.assumeAvailable();
        igmp.join(hEth, G);
        igmp.leave(hEth, G);
        k.runPending();
        Path file = tmp.resolve("igmp.pcapng");
        try (OutputStream os = Files.newOutputStream(file); PcapNgWriter pw = new PcapNgWriter(os, "jnetstack")) {
            int ifc = pw.addInterface("veth0", null, PcapNgWriter.LINKTYPE_ETHERNET, 0);
            for (Frame f : igmpFrames()) {
                pw.writePacket(ifc, f.at(), f.bytes(), 0, f.bytes().length, f.bytes().length, PcapNgWriter.Direction.INBOUND, null);
            }
        }
        // Checksum status 1 is "Good"; tshark lists igmp twice (the version's sub-dissector).
        assertEquals(List.of(
                List.of("eth:ethertype:ip:igmp:igmp", "2", "0x16", "239.1.2.3", "1", "1", "0"),
                List.of("eth:ethertype:ip:igmp:igmp", "2", "0x17", "239.1.2.3", "1", "1", "0")),
                Tshark.rows(file, "frame.protocols", "igmp.version", "igmp.type", "igmp.maddr", "igmp.checksum.status",
                        "ip.checksum.status", "ip.opt.ra"), () -> Tshark.verbose(file));
        String details = Tshark.verbose(file);
        assertFalse(details.contains("Malformed") || details.contains("Error/"), details);
    }

    // ================================================================ helpers

    private void joinAndSettle(int... groups) {
        for (int g : groups) {
            igmp.join(hEth, g);
        }
        k.runFor(20 * S);
        wire.clear();
    }

    private void generalQuery(int code) {
        inject(igmpFrame(groupMac(Ipv4Address.ALL_HOSTS), Q, Ipv4Address.ALL_HOSTS, Igmp.MEMBERSHIP_QUERY, code, 0, 8, false));
    }

    /** Puts a frame on the wire from W's side and lets H receive it, without moving time. */
    private void inject(byte[] frame) {
        SkBuff skb = k.skbs().alloc(64, frame.length);
        skb.putData(frame, 0, frame.length);
        skb.dev = wEth;
        Dev.queueXmit(skb);
        k.runPending();
    }

    static long groupMac(int group) {
        return 0x01005E000000L | (group & 0x7FFFFF);
    }

    /** An IGMP message of {@code len} bytes (zeros past the first 8) in IP with Router Alert, from W. */
    private byte[] igmpFrame(long dstMac, int src, int dst, int type, int code, int group, int len, boolean badCsum) {
        byte[] f = new byte[14 + 24 + len];
        Ethernet.writeHeader(f, 0, dstMac, wEth.mac().bits(), 0x0800);
        Ipv4.writeHeader(f, 14, 0xC0, 24 + len, 1, 0, 1, Ipv4.PROTO_IGMP, src, dst);
        Ipv4.setVersionIhl(f, 14, 6);
        f[34] = (byte) Ipv4Options.OPT_RA;
        f[35] = 4;
        Ipv4.fillChecksum(f, 14);
        byte[] m = new byte[Math.max(8, len)];
        Igmp.write(m, 0, type, code, group);
        m[2] = 0;
        m[3] = 0;
        int c = Checksum.compute(m, 0, len);
        m[2] = (byte) (c >>> 8);
        m[3] = (byte) c;
        if (badCsum) {
            m[3] ^= 0x5a;
        }
        System.arraycopy(m, 0, f, 38, len);
        return f;
    }

    /** A UDP datagram from W (ports 5000 → 6000, 4 bytes). */
    private byte[] udpFrame(long dstMac, int src, int dst) {
        byte[] f = new byte[14 + 20 + 12];
        Ethernet.writeHeader(f, 0, dstMac, wEth.mac().bits(), 0x0800);
        Ipv4.writeHeader(f, 14, 0, 32, 1, 0, 1, Ipv4.PROTO_UDP, src, dst);
        f[34] = 0x13;
        f[35] = (byte) 0x88;
        f[36] = 0x17;
        f[37] = 0x70;
        f[39] = 12;
        return f;
    }

    /** Sends a small UDP datagram from H by the output path, as a socket would. */
    private void sendUdp(int dst, NetDevice oif, boolean noMcLoop, int ttl) {
        Rtable rt = h.inet().routing().output(dst, 0, 0, oif, 0);
        assertNotNull(rt, () -> "no route: " + h.inet().routing().lastError());
        SkBuff skb = k.skbs().alloc(IpOutput.LL_RESERVED + Ipv4.HEADER_LEN, 12);
        int at = skb.put(12);
        byte[] b = skb.buf();
        b[at + 1] = 7;
        b[at + 3] = 9;
        b[at + 5] = 12;
        int off = skb.push(Ipv4.HEADER_LEN);
        Ipv4.writeHeader(b, off, 0, 32, 1, 0, ttl, Ipv4.PROTO_UDP, rt.prefsrc(), dst);
        skb.dst = rt;
        skb.noMcLoop = noMcLoop;
        h.inet().output().localOut(skb);
    }

    private List<Frame> igmpFrames() {
        return wire.stream().filter(f -> isIp(f, Ipv4.PROTO_IGMP)).toList();
    }

    private List<String> igmpOnWire() {
        return igmpFrames().stream().map(f -> head(f) + " RA " + igmpPart(f)).toList();
    }

    private List<String> udpOnWire() {
        return wire.stream().filter(f -> isIp(f, Ipv4.PROTO_UDP)).map(f -> head(f) + " udp").toList();
    }

    private static boolean isIp(Frame f, int proto) {
        byte[] b = f.bytes();
        return Ethernet.etherType(b, 0) == 0x0800 && Ipv4.protocol(b, 14) == proto;
    }

    /** Destination MAC, addresses and TTL; checks the header checksum. */
    private static String head(Frame f) {
        byte[] b = f.bytes();
        assertTrue(Ipv4.checksumOk(b, 14), "IP header checksum");
        return MacAddress.read(b, 0) + " " + Ipv4Address.format(Ipv4.src(b, 14)) + " > "
                + Ipv4Address.format(Ipv4.dst(b, 14)) + " ttl " + Ipv4.ttl(b, 14);
    }

    /**
     * The IGMP message; checks what RFC 2236 §2 and Linux put around it: Router Alert with value
     * 0, TOS 0xc0, DF, TTL 1, a good IGMP checksum.
     */
    private static String igmpPart(Frame f) {
        byte[] b = f.bytes();
        int ra = Ipv4Options.findRouterAlert(b, 14);
        assertTrue(ra >= 0 && Ipv4Options.routerAlertValue(b, 14, ra) == 0, "Router Alert");
        assertEquals(0xC0, Ipv4.tos(b, 14));
        assertTrue(Ipv4.dontFragment(b, 14));
        assertEquals(1, Ipv4.ttl(b, 14));
        int at = 14 + Ipv4.headerLen(b, 14);
        int len = Ipv4.totalLength(b, 14) - Ipv4.headerLen(b, 14);
        assertEquals(8, len);
        assertTrue(Igmp.checksumOk(b, at, len), "IGMP checksum");
        return Igmp.name(Igmp.type(b, at)) + " " + Ipv4Address.format(Igmp.group(b, at));
    }
}
