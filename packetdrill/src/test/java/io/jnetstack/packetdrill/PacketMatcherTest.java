package io.jnetstack.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Address;
import io.jnetstack.wire.Ipv4Repr;
import io.jnetstack.wire.Tcp;
import io.jnetstack.wire.TcpRepr;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The TCP side of matching without a TCP in the stack: segments are made with {@link TcpRepr}
 * (so in Linux's option layout), emitted to bytes as the device would capture them, and matched
 * against {@code >} lines: remapping of sequence and acknowledgment numbers, SACK edges and
 * timestamps, the exact option list, windows and bursts.
 */
class PacketMatcherTest {

    static final int LOCAL = Ipv4Address.parse("192.168.0.1");
    static final int REMOTE = Ipv4Address.parse("192.0.2.1");
    static final int REMOTE_PORT = 43210;
    static final int ISN = 0x9abcdef0;

    private final PacketMatcher matcher = new PacketMatcher(LOCAL, REMOTE);

    /** The packet of a one-line script {@code 0 > LINE}. */
    static Packet outbound(String line) throws ParseException {
        Script s = Parser.parse("t.pkt", "0 > " + line + "\n");
        return ((EventKind.PacketEvent) s.events().getFirst().kind()).packet();
    }

    /** A sent segment as the device captures it. */
    static LivePacket sent(long nanos, TcpRepr r) {
        byte[] p = new byte[Ipv4.HEADER_LEN + r.headerLen() + r.payloadLength()];
        Ipv4Repr.of(LOCAL, REMOTE, Ipv4.PROTO_TCP, 64, r.headerLen() + r.payloadLength()).emit(p, 0);
        r.emit(p, Ipv4.HEADER_LEN, LOCAL, REMOTE);
        return LivePacket.decode(nanos, p);
    }

    static TcpRepr synAck(int ack) {
        return TcpRepr.of(8080, REMOTE_PORT, ISN, ack, Tcp.SYN | Tcp.ACK, 65535).withMss(1460).withSackOk(true)
                .withTimestamps(77_000, 100).withWscale(8);
    }

    /** A connection whose SYN-ACK (ISN {@link #ISN}, ack 1001) was matched: remote ISN 1000. */
    private Flow established() throws ParseException {
        Flow f = new Flow(REMOTE_PORT, 8080, false);
        f.inboundSeq(1000, true);
        PacketMatcher.Result r = matcher.match(
                outbound("S. 0:0(0) ack 1001 <mss 1460,sackOK,TS val 500 ecr 100,nop,wscale 8>"),
                List.of(sent(0, synAck(1001))), f, 1);
        assertTrue(r.ok(), r::toString);
        return f;
    }

    private static TcpRepr data(int relSeq, int len, int relAck, int flags) {
        return TcpRepr.of(8080, REMOTE_PORT, ISN + relSeq, 1000 + relAck, flags, 229).withTimestamps(77_010, 101)
                .withPayloadLength(len);
    }

    @Test
    void synAckTeachesTheStacksIsnAndItsAckIsAbsolute() throws ParseException {
        Flow f = established();
        assertTrue(f.localIsnKnown());
        assertEquals(ISN & 0xffffffffL, f.localIsn());
        assertEquals(1, f.scriptSeq(ISN + 1));
    }

    @Test
    void laterSegmentsNumberRelativeToBothIsns() throws ParseException {
        Flow f = established();
        PacketMatcher.Result r = matcher.match(outbound("P. 1:101(100) ack 1 <nop,nop,TS val 510 ecr 101>"),
                List.of(sent(0, data(1, 100, 1, Tcp.PSH | Tcp.ACK))), f, 2);
        assertTrue(r.ok(), r::toString);
        assertEquals(1, r.consumed());
        r = matcher.match(outbound("P. 2:102(100) ack 1 <nop,nop,TS val 510 ecr 101>"),
                List.of(sent(0, data(1, 100, 1, Tcp.PSH | Tcp.ACK))), f, 3);
        assertEquals("expected sequence number 2, sent 1", r.mismatch());
        r = matcher.match(outbound("P. 1:101(100) ack 5 <nop,nop,TS val 510 ecr 101>"),
                List.of(sent(0, data(1, 100, 1, Tcp.PSH | Tcp.ACK))), f, 4);
        assertEquals("expected ack 5, sent ack 1", r.mismatch());
    }

    @Test
    void optionsMustBeTheExactList() throws ParseException {
        Flow f = new Flow(REMOTE_PORT, 8080, false);
        PacketMatcher.Result r = matcher.match(
                outbound("S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>"),
                List.of(sent(0, synAck(1).withoutTimestamps())), f, 1);
        assertTrue(r.ok(), r::toString);
        r = matcher.match(outbound("S. 0:0(0) ack 1 <mss 1460,sackOK,nop,nop,nop,wscale 8>"),
                List.of(sent(0, synAck(1).withoutTimestamps())), f, 1);
        assertEquals("TCP option 2: expected sackOK", r.mismatch());
        assertEquals("S. 0:0(0) ack 1 win 65535 <mss 1460,nop,nop,sackOK,nop,wscale 8>", r.actual());
        r = matcher.match(outbound("S. 0:0(0) ack 1 <mss 1400,nop,nop,sackOK,nop,wscale 8>"),
                List.of(sent(0, synAck(1).withoutTimestamps())), f, 1);
        assertEquals("TCP option 1: expected mss 1400", r.mismatch());
        r = matcher.match(outbound("S. 0:0(0) ack 1 <mss 1460,nop,wscale 8>"),
                List.of(sent(0, synAck(1).withoutTimestamps())), f, 1);
        assertEquals("expected 3 TCP options, found 6", r.mismatch());
    }

    @Test
    void anyOptionsWithDotsNoneWithoutAngleBrackets() throws ParseException {
        Flow f = new Flow(REMOTE_PORT, 8080, false);
        assertTrue(matcher.match(outbound("S. 0:0(0) ack 1 <...>"), List.of(sent(0, synAck(1))), f, 1).ok());
        assertEquals("expected no TCP options",
                matcher.match(outbound("S. 0:0(0) ack 1"), List.of(sent(0, synAck(1))), f, 1).mismatch());
    }

    @Test
    void timestampEcrIsComparedAndTheFirstValFixesTheOffset() throws ParseException {
        Flow f = established();
        assertEquals(77_000 - 500, f.inboundEcr(0));
        assertEquals(77_010, f.inboundEcr(510));
        assertEquals(510, f.scriptTsVal(77_010));
        PacketMatcher.Result r = matcher.match(outbound(". 1:1(0) ack 1 <nop,nop,TS val 510 ecr 99>"),
                List.of(sent(0, data(1, 0, 1, Tcp.ACK))), f, 2);
        assertEquals("TCP option 3: expected TS ecr 99, found ecr 101", r.mismatch());
        assertEquals(". 1:1(0) ack 1 win 229 <nop,nop,TS val 510 ecr 101>", r.actual());
    }

    @Test
    void sackEdgesOfSentSegmentsAreRelativeToTheRemoteIsn() throws ParseException {
        Flow f = established();
        TcpRepr dupAck = data(1, 0, 1, Tcp.ACK).withSackBlocks(new TcpRepr.SackBlock(1000 + 2001, 1000 + 3001));
        PacketMatcher.Result r = matcher.match(
                outbound(". 1:1(0) ack 1 <nop,nop,TS val 510 ecr 101,nop,nop,sack 2001:3001>"),
                List.of(sent(0, dupAck)), f, 2);
        assertTrue(r.ok(), r::toString);
        r = matcher.match(outbound(". 1:1(0) ack 1 <nop,nop,TS val 510 ecr 101,nop,nop,sack 2001:3000>"),
                List.of(sent(0, dupAck)), f, 2);
        assertEquals("TCP option 6: expected sack 2001:3000", r.mismatch());
    }

    @Test
    void windowIsCheckedOnlyWhenWritten() throws ParseException {
        Flow f = established();
        LivePacket s = sent(0, data(1, 0, 1, Tcp.ACK));
        assertTrue(matcher.match(outbound(". 1:1(0) ack 1 <...>"), List.of(s), f, 2).ok());
        assertTrue(matcher.match(outbound(". 1:1(0) ack 1 win 229 <...>"), List.of(s), f, 2).ok());
        assertEquals("expected win 300, sent win 229",
                matcher.match(outbound(". 1:1(0) ack 1 win 300 <...>"), List.of(s), f, 2).mismatch());
        assertEquals("expected flags P., sent .",
                matcher.match(outbound("P. 1:1(0) ack 1 <...>"), List.of(s), f, 2).mismatch());
    }

    @Test
    void aBurstSentAtOneInstantMatchesOneLine() throws ParseException {
        Flow f = established();
        List<LivePacket> burst = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            burst.add(sent(5000, data(1 + i * 1460, 1460, 1, Tcp.ACK | (i == 3 ? Tcp.PSH : 0))));
        }
        PacketMatcher.Result r = matcher.match(outbound("P. 1:5841(5840) ack 1 <...>"), burst, f, 2);
        assertTrue(r.ok(), r::toString);
        assertEquals(4, r.consumed());
        r = matcher.match(outbound(". 1:1461(1460) ack 1 <...>"), burst, f, 2);
        assertEquals(1, r.consumed());
        r = matcher.match(outbound(". 1:4000(3999) ack 1 <...>"), burst, f, 2);
        assertEquals("expected 3999 bytes of data, sent 1460", r.mismatch());
    }

    @Test
    void segmentsSentAtDifferentTimesAreNotMerged() throws ParseException {
        Flow f = established();
        List<LivePacket> two = List.of(sent(5000, data(1, 1460, 1, Tcp.ACK)),
                sent(6000, data(1461, 1460, 1, Tcp.PSH | Tcp.ACK)));
        PacketMatcher.Result r = matcher.match(outbound("P. 1:2921(2920) ack 1 <...>"), two, f, 2);
        assertEquals("expected flags P., sent .", r.mismatch());
    }

    @Test
    void portsAndAddressesAreChecked() throws ParseException {
        Flow f = new Flow(REMOTE_PORT + 1, 0, false);
        PacketMatcher.Result r = matcher.match(outbound("S. 0:0(0) ack 1 <...>"), List.of(sent(0, synAck(1))), f, 1);
        assertEquals("expected ports 8080 > 43211, sent 8080 > 43210", r.mismatch());
        PacketMatcher other = new PacketMatcher(LOCAL, Ipv4Address.parse("10.0.0.9"));
        r = other.match(outbound("S. 0:0(0) ack 1 <...>"), List.of(sent(0, synAck(1))), f, 1);
        assertEquals("expected 192.168.0.1 > 10.0.0.9, sent 192.168.0.1 > 192.0.2.1", r.mismatch());
    }

    @Test
    void flagsRoundTrip() {
        assertEquals(Tcp.SYN | Tcp.ACK, PacketText.flagBits("S."));
        assertEquals(Tcp.FIN | Tcp.PSH | Tcp.ACK, PacketText.flagBits("FP."));
        assertEquals(Tcp.SYN | Tcp.ECE | Tcp.CWR, PacketText.flagBits("SEW"));
        assertEquals(0, PacketText.flagBits("-"));
        assertEquals("FP.", PacketText.flagLetters(Tcp.FIN | Tcp.PSH | Tcp.ACK));
        assertEquals("-", PacketText.flagLetters(0));
        assertNull(PacketText.ecnCodepoint("bogus"));
    }
}
