package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.Qdisc;
import io.jnetstack.core.SockPacing;
import io.jnetstack.core.sched.Fifo;
import io.jnetstack.core.sched.Fq;
import io.jnetstack.core.sched.Netem;
import io.jnetstack.core.sched.PfifoFast;
import io.jnetstack.link.Veth;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;
import io.jnetstack.wire.Ethernet;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pacing as Linux does it ({@link TcpPacing}): the rate TCP computes, SO_MAX_PACING_RATE, TSO
 * sizing from the rate, TCP's own pacing (SO_MAX_PACING_RATE over pfifo), sch_fq pacing from
 * the departure times TCP stamps, and no pacing at all on the default path (CUBIC over
 * pfifo_fast). Everything in virtual time; rates are measured on the virtual clock.
 */
class TcpPacingTest {
    private static final int A = Ipv4Address.parse("10.7.0.1");
    private static final int B = Ipv4Address.parse("10.7.0.2");
    private static final long MS = 1_000_000L;

    // ================================================================ the rate

    /** A fresh TCP socket whose fields the test sets as the formula's inputs. */
    private static TcpSock sock(Net n) {
        return (TcpSock) n.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0).sock();
    }

    @Test
    void slowStartRateIsTwiceCwndPerRtt() {
        Kernel k = Kernel.deterministic(1);
        TcpSock sk = sock(k.newNet("a"));
        sk.mssCache = 1448;
        sk.cwnd = 10;
        sk.ssthresh = Integer.MAX_VALUE;
        sk.srttUs = 100_000 << 3;   // 100 ms
        TcpPacing.updatePacingRate(sk);
        // 1448 B × 10 / 0.1 s = 144800 B/s, × 200 % in slow start
        assertEquals(289_600, sk.pacingRate());
    }

    @Test
    void congestionAvoidanceRateIs120PercentFromHalfSsthresh() {
        Kernel k = Kernel.deterministic(1);
        TcpSock sk = sock(k.newNet("a"));
        sk.mssCache = 1000;
        sk.srttUs = 50_000 << 3;
        sk.ssthresh = 40;
        sk.cwnd = 19;   // below ssthresh/2: still slow start's 200 %
        TcpPacing.updatePacingRate(sk);
        assertEquals(1000L * 19 * 20 * 2, sk.pacingRate());
        sk.cwnd = 20;   // ssthresh/2 reached: 120 %
        TcpPacing.updatePacingRate(sk);
        assertEquals(1000L * 20 * 20 * 12 / 10, sk.pacingRate());
        sk.packetsOut = 30;   // max(cwnd, packets_out)
        TcpPacing.updatePacingRate(sk);
        assertEquals(1000L * 30 * 20 * 12 / 10, sk.pacingRate());
    }

    @Test
    void ratiosAreTheSysctls() {
        Kernel k = Kernel.deterministic(1);
        Net n = k.newNet("a");
        n.sysctls().set("net.ipv4.tcp_pacing_ss_ratio", "300");
        n.sysctls().set("net.ipv4.tcp_pacing_ca_ratio", "100");
        TcpSock sk = sock(n);
        sk.mssCache = 1000;
        sk.srttUs = 10_000 << 3;
        sk.cwnd = 10;
        TcpPacing.updatePacingRate(sk);
        assertEquals(1000L * 10 * 100 * 3, sk.pacingRate());
        sk.ssthresh = 10;
        TcpPacing.updatePacingRate(sk);
        assertEquals(1000L * 10 * 100, sk.pacingRate());
    }

    @Test
    void withoutRttSampleTheRateIsNotDivided() {
        Kernel k = Kernel.deterministic(1);
        TcpSock sk = sock(k.newNet("a"));
        sk.mssCache = 1000;
        sk.cwnd = 10;
        TcpPacing.updatePacingRate(sk);
        assertEquals(1000L * 80_000 * 200 * 10, sk.pacingRate());
    }

    @Test
    void maxPacingRateCapsTheRateAndAsksForPacing() {
        Kernel k = Kernel.deterministic(1);
        Net n = k.newNet("a");
        Socket s = n.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
        TcpSock sk = (TcpSock) s.sock();
        assertEquals(SockPacing.UNLIMITED, s.getsockopt(SockOpt.SO_MAX_PACING_RATE));
        assertEquals(SockPacing.PACING_NONE, sk.pacingStatus());
        s.setsockopt(SockOpt.SO_MAX_PACING_RATE, 125_000L);
        assertEquals(125_000L, s.getsockopt(SockOpt.SO_MAX_PACING_RATE));
        assertEquals(SockPacing.PACING_NEEDED, sk.pacingStatus());
        assertEquals(125_000L, sk.pacingRate(), "the current rate drops to the new maximum at once");
        sk.mssCache = 1000;
        sk.cwnd = 10;
        sk.srttUs = 10_000 << 3;
        TcpPacing.updatePacingRate(sk);
        assertEquals(125_000L, sk.pacingRate());
        s.setsockopt(SockOpt.SO_MAX_PACING_RATE, SockPacing.UNLIMITED);
        TcpPacing.updatePacingRate(sk);
        assertEquals(2_000_000L, sk.pacingRate());
        assertEquals(SockPacing.PACING_NEEDED, sk.pacingStatus(), "unlimited again does not end pacing, as Linux");
    }

    @Test
    void maxPacingRateByOptlenAsC() {
        Kernel k = Kernel.deterministic(1);
        Socket s = k.newNet("a").sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
        int level = SockOpt.SOL_SOCKET;
        int name = SockOpt.SO_MAX_PACING_RATE.name();
        assertEquals(47, name);
        // u64
        s.setsockopt(level, name, le(8, 5_000_000_000L));
        assertEquals(5_000_000_000L, s.getsockopt(SockOpt.SO_MAX_PACING_RATE));
        ByteBuffer out = ByteBuffer.allocate(8);
        assertEquals(8, s.getsockopt(level, name, out));
        assertEquals(5_000_000_000L, out.flip().order(ByteOrder.LITTLE_ENDIAN).getLong());
        // read back as a u32: at most ~0U
        ByteBuffer out4 = ByteBuffer.allocate(4);
        assertEquals(4, s.getsockopt(level, name, out4));
        assertEquals(-1, out4.flip().order(ByteOrder.LITTLE_ENDIAN).getInt());
        // u32, and ~0U meaning ~0UL
        s.setsockopt(level, name, le(4, 1_000_000L));
        assertEquals(1_000_000L, s.getsockopt(SockOpt.SO_MAX_PACING_RATE));
        s.setsockopt(level, name, le(4, 0xFFFFFFFFL));
        assertEquals(SockPacing.UNLIMITED, s.getsockopt(SockOpt.SO_MAX_PACING_RATE));
        // shorter than an int: EINVAL, as sk_setsockopt()
        ErrnoException e = assertThrows(ErrnoException.class, () -> s.setsockopt(level, name, ByteBuffer.allocate(2)));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals(SockPacing.UNLIMITED, s.getsockopt(SockOpt.SO_MAX_PACING_RATE));
        // a 2-byte getsockopt gets the first two bytes
        s.setsockopt(SockOpt.SO_MAX_PACING_RATE, 0x12345L);
        ByteBuffer out2 = ByteBuffer.allocate(2);
        assertEquals(2, s.getsockopt(level, name, out2));
        assertEquals(0x2345, out2.flip().order(ByteOrder.LITTLE_ENDIAN).getShort());
        // a UDP socket takes it too (SOL_SOCKET)
        Socket u = k.newNet("b").sockets().socket(Socket.AF_INET, Socket.SOCK_DGRAM, 0);
        u.setsockopt(SockOpt.SO_MAX_PACING_RATE, 1000L);
        assertEquals(1000L, u.sock().pacingRate());
    }

    private static ByteBuffer le(int len, long v) {
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        if (len == 8) {
            b.putLong(v);
        } else {
            b.putInt((int) v);
        }
        return b.flip();
    }

    @Test
    void tcpInfoShowsThePacingRates() {
        Bed bed = new Bed(null, 10);
        Conn c = bed.connect(250_000L);
        TcpInfo i = c.client.getsockopt(SockOpt.TCP_INFO);
        assertEquals(250_000L, i.maxPacingRate());
        assertEquals(250_000L, i.pacingRate(), "the handshake's rate is far above the cap");
        assertEquals(250_000L, i.asMap().get("tcpi_pacing_rate"));
        TcpInfo j = c.server.getsockopt(SockOpt.TCP_INFO);
        assertEquals(-1L, j.maxPacingRate());
        assertTrue(j.pacingRate() > 0 && j.pacingRate() != -1L, "the server's rate is set after the handshake: " + j.pacingRate());
    }

    // ================================================================ TSO sizes

    @Test
    void tsoSegmentsFollowThePacingRateAndMinRtt() {
        Kernel k = Kernel.deterministic(1);
        Net n = k.newNet("a");
        Veth v = Veth.createPair(n, "veth0", k.newNet("b"), "veth0");
        TcpSock sk = sock(n);
        long gso = v.gsoMaxSize() - 1 - TcpOutput.MAX_HEADER;
        sk.pacingRate(1_024_000);   // 1000 bytes per 2^-10 s
        sk.rack.minRttUs = 0;   // no sample: ~0U, no RTT allowance
        assertEquals(2, TcpTso.segs(sk, v, 1000), "at least tcp_min_tso_segs");
        sk.pacingRate(10_240_000);
        assertEquals(10, TcpTso.segs(sk, v, 1000));
        sk.rack.minRttUs = 1024;   // 1024 >> 9 = 2: a quarter of the GSO limit on top
        assertEquals((10_000 + gso / 4) / 1000, TcpTso.segs(sk, v, 1000));
        sk.rack.minRttUs = 100;   // a near peer: the whole GSO limit
        assertEquals(gso / 1000, TcpTso.segs(sk, v, 1000));
        n.sysctls().set("net.ipv4.tcp_min_tso_segs", "10");
        sk.rack.minRttUs = 0;
        sk.pacingRate(1000);
        assertEquals(10, TcpTso.segs(sk, v, 1000));
        n.sysctls().set("net.ipv4.tcp_tso_rtt_log", "20");
        sk.rack.minRttUs = 100_000;   // 100000 >> 20 = 0: the whole limit
        assertEquals(gso / 1000, TcpTso.segs(sk, v, 1000));
    }

    // ================================================================ pacing on the wire

    @Test
    void maxPacingRateOverPfifoPacesInsideTcp() {
        long rate = 2_000_000;   // 16 Mbit/s
        Bed bed = new Bed(Fifo.pfifo(1000), 10);
        Conn c = bed.connect(rate);
        bed.bulk(c, 3000 * MS);
        TcpSock sk = (TcpSock) c.client.sock();
        assertEquals(SockPacing.PACING_NEEDED, sk.pacingStatus());
        double measured = bed.goodput(1000 * MS, 3000 * MS);
        assertTrue(Math.abs(measured / rate - 1) < 0.03, "goodput " + measured + " B/s for a cap of " + rate);
        bed.assertSpacing(rate, 1000 * MS, 3000 * MS);
        assertEquals(0, bed.tx.qdisc().qlen(), "TCP held the packets, not the qdisc");
    }

    @Test
    void cubicOverFqIsPacedByTheDepartureTimes() {
        long rate = 3_000_000;
        Fq fq = new Fq();
        Bed bed = new Bed(fq, 10);
        Conn c = bed.connect(rate);
        bed.bulk(c, 3000 * MS);
        TcpSock sk = (TcpSock) c.client.sock();
        assertEquals("cubic", sk.congestionControl());
        assertEquals(SockPacing.PACING_FQ, sk.pacingStatus(), "fq took the pacing over");
        double measured = bed.goodput(1000 * MS, 3000 * MS);
        assertTrue(Math.abs(measured / rate - 1) < 0.03, "goodput " + measured + " B/s for a cap of " + rate);
        bed.assertSpacing(rate, 1000 * MS, 3000 * MS);
        Fq.Stats st = fq.fqStats();
        assertTrue(st.throttled() > 100, "fq held packets until their time: " + st.throttled());
        assertEquals(0, fq.stats().drops, "TCP small queues kept the flow under flow_limit");
        assertTrue(fq.format().contains("flows "), fq.format());
    }

    @Test
    void fqMaxrateLimitsCubicWithoutSocketOption() {
        long rate = 1_250_000;   // 10 Mbit/s
        Fq fq = new Fq(Fq.Config.parse("maxrate 10mbit"));
        Bed bed = new Bed(fq, 10);
        Conn c = bed.connect(SockPacing.UNLIMITED);
        bed.bulk(c, 4000 * MS);
        double measured = bed.goodput(2000 * MS, 4000 * MS);
        assertTrue(Math.abs(measured / rate - 1) < 0.03, "goodput " + measured + " B/s for maxrate " + rate);
        assertEquals(SockPacing.PACING_FQ, c.client.sock().pacingStatus());
    }

    @Test
    void defaultPathIsNotPaced() {
        Bed bed = new Bed(new PfifoFast(), 10);
        Conn c = bed.connect(SockPacing.UNLIMITED);
        TcpSock sk = (TcpSock) c.client.sock();
        bed.departures.clear();
        c.client.send(ByteBuffer.allocate(10 * 1448), 0);
        bed.k.runFor(MS);
        assertTrue(bed.departures.size() >= 1);
        long first = bed.departures.getFirst()[0];
        long bytes = 0;
        for (long[] d : bed.departures) {
            assertEquals(first, d[0], "the initial window leaves at once");
            bytes += d[1];
        }
        assertEquals(10 * 1448, bytes);
        bed.bulk(c, 500 * MS);
        assertEquals(SockPacing.PACING_NONE, sk.pacingStatus());
        assertNull(sk.pacing, "nothing made for pacing on the default path");
        assertTrue(sk.pacingRate() > 0 && sk.pacingRate() != SockPacing.UNLIMITED, "the rate is still computed (TSO sizes)");
    }

    /** A qdisc drop is no send: the segment stays unsent, the window is reduced (CWR), no exception. */
    @Test
    void qdiscDropIsNotASend() {
        Bed bed = new Bed(new PfifoFast(), 10);
        Conn c = bed.connect(SockPacing.UNLIMITED);
        TcpSock sk = (TcpSock) c.client.sock();
        bed.tx.setQdisc(Fifo.parse("pfifo limit 0"));
        c.client.send(ByteBuffer.allocate(5000), 0);
        assertEquals(0, sk.packetsOut, "nothing counts as in flight");
        assertEquals(5000, sk.writeSeq - sk.sndNxt, "all of it waits unsent");
        assertEquals(io.jnetstack.ipv4.tcp.cong.CongestionState.CA_CWR, sk.caState);
        assertTrue(bed.tx.qdisc().stats().drops > 0);
        bed.tx.setQdisc(new PfifoFast());
        bed.k.runFor(2000 * MS);   // the probe timer sends it
        assertEquals(sk.writeSeq, sk.sndUna, "sent and acknowledged once the qdisc takes packets");
    }

    // ================================================================ the bed

    private record Conn(Socket client, Socket server) {
    }

    /**
     * A (10.7.0.1) — veth — B (10.7.0.2); A's egress qdisc as given, B's egress delays by
     * {@code rttMs} (netem), so the RTT is that; A's data packets are recorded as they leave.
     */
    private static final class Bed {
        final Kernel k = Kernel.deterministic(7);
        final Net a = k.newNet("a");
        final Net b = k.newNet("b");
        final Veth tx;
        /** {time, TCP payload bytes} of each data packet A's veth sent. */
        final List<long[]> departures = new ArrayList<>();
        /** {time, bytes read so far} at each read by B's application. */
        final List<long[]> reads = new ArrayList<>();
        long received;

        Bed(Qdisc q, int rttMs) {
            tx = Veth.createPair(a, "veth0", b, "veth0");
            tx.up();
            tx.peer().up();
            tx.setQdisc(q);
            tx.peer().setQdisc(new Netem(Netem.Config.parse("delay " + rttMs + "ms")));
            a.inet().devinet().add(tx, A, 24);
            b.inet().devinet().add(tx.peer(), B, 24);
            tx.addTap((skb, dev, outgoing) -> {
                if (outgoing) {
                    int payload = payload(skb.toByteArray());
                    if (payload > 0) {
                        departures.add(new long[]{k.clock().nanos(), payload});
                    }
                }
            });
            k.runFor(10 * MS);
        }

        private static int payload(byte[] frame) {
            int ip = Ethernet.HEADER_LEN;
            if (frame.length < ip + 20 || (frame[ip + 9] & 0xff) != 6) {
                return 0;
            }
            int tcp = ip + Ipv4.headerLen(frame, ip);
            return Ipv4.totalLength(frame, ip) - (tcp - ip) - io.jnetstack.wire.Tcp.headerLen(frame, tcp);
        }

        Conn connect(long maxRate) {
            Socket l = b.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
            l.setsockopt(SockOpt.SO_RCVBUF, 8 << 20);
            l.bind(new SockAddrIn(0, 5001));
            l.listen(4);
            Socket c = a.sockets().socket(Socket.AF_INET, Socket.SOCK_STREAM, 0);
            c.setsockopt(SockOpt.SO_SNDBUF, 4 << 20);
            if (maxRate != SockPacing.UNLIMITED) {
                c.setsockopt(SockOpt.SO_MAX_PACING_RATE, maxRate);
            }
            c.connect(new SockAddrIn(B, 5001));
            Socket s = l.accept();
            return new Conn(c, s);
        }

        /** The client writes and the server reads as fast as they may, for {@code nanos}. */
        void bulk(Conn c, long nanos) {
            ByteBuffer out = ByteBuffer.allocate(64 * 1024);
            ByteBuffer in = ByteBuffer.allocate(256 * 1024);
            long end = k.clock().nanos() + nanos;
            while (k.clock().nanos() < end) {
                out.clear();
                try {
                    c.client.send(out, Socket.MSG_DONTWAIT);
                } catch (ErrnoException e) {
                    assertEquals(Errno.EAGAIN, e.errno());
                }
                k.runFor(MS / 2);
                while (true) {
                    in.clear();
                    int n;
                    try {
                        n = c.server.recv(in, Socket.MSG_DONTWAIT);
                    } catch (ErrnoException e) {
                        assertEquals(Errno.EAGAIN, e.errno());
                        break;
                    }
                    received += n;
                    reads.add(new long[]{k.clock().nanos(), received});
                }
            }
        }

        /** Bytes per second of payload leaving A between two times since the bed began. */
        double goodput(long from, long to) {
            long t0 = reads.getFirst()[0];
            long bytes = 0;
            for (long[] d : departures) {
                if (d[0] >= t0 + from && d[0] < t0 + to) {
                    bytes += d[1];
                }
            }
            double r = bytes * 1e9 / (to - from);
            System.out.printf("goodput %.0f B/s over %d packets%n", r, departures.size());
            return r;
        }

        /**
         * Each data packet leaves len/rate after the one before (tcp_update_skb_after_send()),
         * for at least 90 % of the packets in the window; none leaves earlier than that.
         */
        void assertSpacing(long rate, long from, long to) {
            long t0 = reads.getFirst()[0];
            int checked = 0;
            int exact = 0;
            for (int i = 1; i < departures.size(); i++) {
                long[] prev = departures.get(i - 1);
                long[] d = departures.get(i);
                if (prev[0] < t0 + from || d[0] >= t0 + to) {
                    continue;
                }
                long want = prev[1] * 1_000_000_000L / rate;
                long gap = d[0] - prev[0];
                checked++;
                assertTrue(gap >= want / 2 - 1, "packet " + i + " left " + gap + " ns after the one before, under half of "
                        + want);
                if (Math.abs(gap - want) <= 2) {
                    exact++;
                }
            }
            System.out.printf("spacing at %d B/s: %d of %d packets exactly len/rate apart%n", rate, exact, checked);
            assertTrue(checked > 100, "packets checked: " + checked);
            assertTrue(exact >= checked * 9 / 10, exact + " of " + checked + " packets spaced len/rate");
        }
    }
}
