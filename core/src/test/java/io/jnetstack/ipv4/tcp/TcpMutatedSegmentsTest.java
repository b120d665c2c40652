package io.jnetstack.ipv4.tcp;

import io.jnetstack.core.Errno;
import io.jnetstack.core.ErrnoException;
import io.jnetstack.core.SkBuff;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.SockOpt;
import io.jnetstack.socket.Socket;
import io.jnetstack.wire.Ipv4;
import io.jnetstack.wire.Tcp;
import io.jnetstack.wire.TcpOptions;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import static io.jnetstack.ipv4.tcp.ReliabilityHarness.LOCAL;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.MS;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.REMOTE;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.PORT;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.SEC;
import static io.jnetstack.ipv4.tcp.ReliabilityHarness.synOpts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A million hostile segments (random bytes; valid segments with bit flips; random flags,
 * sequence and acknowledgment numbers, windows and options on the right 4-tuple) at a listener
 * and at an established connection, while both directions carry data. Nothing may throw, the
 * queues, tables and buffers stay bounded, the connection's variables stay consistent, and
 * afterwards the connection still carries data intact both ways.
 *
 * <p>So that integrity stays checkable whatever the fuzzer makes the stack accept, every payload
 * the peer sends holds, at each sequence number, the byte {@link #peerByte} of that number; a
 * segment with a mutated sequence number carries the bytes of its new position. Resets and FINs
 * that would legitimately end the connection (an RST at exactly RCV.NXT, a FIN in the window)
 * are not sent: those paths are the state-machine tests' business. The count is
 * {@code -Djnetstack.tcp.fuzz.segments=N} (default 1,000,000).
 */
class TcpMutatedSegmentsTest {
    private static final int N = Integer.getInteger("jnetstack.tcp.fuzz.segments", 1_000_000);
    /** What the application sends while the fuzzer runs (acknowledged by fuzzed and valid ACKs alike). */
    private static final long FUZZ_APP_BYTES = 4 << 20;

    private final ReliabilityHarness h = new ReliabilityHarness(81);
    private final SplittableRandom r = new SplittableRandom(Long.getLong("jnetstack.tcp.fuzz.seed", 8181));
    private final byte[] seg = new byte[Tcp.MAX_HEADER_LEN + 1460];
    private final byte[] appData = new byte[400_000];
    private Socket listener;
    private Socket conn;
    private TcpSock k;
    private long appWritten;
    /** What the application has handed over, counting the send call in progress. */
    private long appLimit;
    private long peerRead;
    private long outSegments;
    private long badOutput;
    private int lastLen;

    /** The peer's stream: the byte at absolute sequence number {@code seq}. */
    static byte peerByte(int seq) {
        int x = seq * 0x9E3779B1;
        return (byte) (x ^ (x >>> 15));
    }

    // ---------------------------------------------------------------- building segments

    /** Writes a header and options into {@link #seg}; returns the header length. */
    private int header(int sport, int dport, int seq, int ack, int flags, int win, int urg, byte[] rawOpts,
                       TcpOptions opts) {
        int optLen = rawOpts != null ? rawOpts.length : opts != null ? opts.length() : 0;
        int hl = Tcp.HEADER_LEN + optLen;
        Tcp.writeHeader(seg, 0, sport, dport, seq, ack, hl, flags, win, urg);
        if (rawOpts != null) {
            System.arraycopy(rawOpts, 0, seg, Tcp.HEADER_LEN, optLen);
        } else if (opts != null) {
            opts.write(seg, Tcp.HEADER_LEN);
        }
        return hl;
    }

    /** Fills the payload after a header of {@code hl} bytes with the peer's stream at {@code seq}. */
    private void payload(int hl, int seq, int len) {
        for (int i = 0; i < len; i++) {
            seg[hl + i] = peerByte(seq + i);
        }
    }

    private void send(int len, boolean goodChecksum) {
        lastLen = len;
        if (goodChecksum) {
            Tcp.fillChecksum(seg, 0, len, REMOTE, LOCAL);
        }
        h.injectIp(Ipv4.PROTO_TCP, REMOTE, seg, len);
    }

    private TcpOptions randomOptions() {
        TcpOptions o = new TcpOptions();
        if (r.nextInt(4) == 0) {
            o.mss = r.nextInt(1, 65536);
        }
        if (r.nextInt(4) == 0) {
            o.wscale = r.nextInt(15);
        }
        o.sackOk = r.nextInt(4) == 0;
        if (r.nextBoolean()) {
            o.timestamps(r.nextInt(), r.nextInt());
        }
        int blocks = r.nextInt(o.hasTimestamps ? 4 : 5);
        int room = (Tcp.MAX_OPTIONS_LEN - o.length() - 4) / 8;
        for (int i = 0; i < Math.min(blocks, room); i++) {
            int left = k.sndUna + r.nextInt(-100_000, 100_000);
            o.addSack(left, left + r.nextInt(1, 10_000));
        }
        return o.length() <= Tcp.MAX_OPTIONS_LEN ? o : new TcpOptions();
    }

    private byte[] rawOptions() {
        byte[] b = new byte[4 * r.nextInt(11)];
        r.nextBytes(b);
        if (r.nextBoolean()) {
            for (int i = 0; i < b.length; i += r.nextInt(1, 6)) {
                b[i] = (byte) new int[] {0, 1, 2, 3, 4, 5, 8, 19, 29, 30, 34, 254}[r.nextInt(12)];
            }
        }
        return b;
    }

    /** Clears what would legitimately end the connection: RST at RCV.NXT, FIN in the window. */
    private int tame(int flags, int seq) {
        if ((flags & Tcp.RST) != 0 && seq == k.rcvNxt) {
            flags &= ~Tcp.RST;
        }
        // Autotuning may open the window up to tcp_rmem[2] (6 MiB): 8 MiB covers any window.
        if ((flags & Tcp.FIN) != 0 && Math.abs(seq - k.rcvNxt) < 1 << 23) {
            flags &= ~Tcp.FIN;
        }
        return flags;
    }

    // ---------------------------------------------------------------- the kinds of segment

    /** Random bytes as a TCP segment, to the listener, the connection or a closed port. */
    private void randomBytes() {
        int len = r.nextInt(0, 100);
        r.nextBytes(seg);
        int target = r.nextInt(3);
        if (len >= 4 && target < 2) {
            seg[0] = (byte) (h.rport >>> 8);
            seg[1] = (byte) h.rport;
            seg[2] = (byte) (PORT >>> 8);
            seg[3] = (byte) PORT;
            if (target == 0) {
                seg[0] = (byte) r.nextInt(256);   // another source port: the listener
            }
        }
        if (len >= Tcp.HEADER_LEN && target == 1) {
            int seq = Tcp.seq(seg, 0);
            Tcp.writeHeader(seg, 0, h.rport, PORT, seq, Tcp.ack(seg, 0), Tcp.HEADER_LEN,
                    tame(Tcp.flags(seg, 0), seq), Tcp.window(seg, 0), Tcp.urgent(seg, 0));
            payload(Tcp.HEADER_LEN, seq, len - Tcp.HEADER_LEN);
        }
        send(len, r.nextInt(5) != 0 && len >= Tcp.HEADER_LEN);
    }

    /** A segment the connection would accept, then one to four bits of its header flipped. */
    private void mutatedValid() {
        int len = r.nextInt(4) == 0 ? 0 : r.nextInt(1, 1400);
        TcpOptions o = new TcpOptions().timestamps(h.peerTsVal, 0);
        int seq = k.rcvNxt + (r.nextBoolean() ? 0 : r.nextInt(-3000, 60_000));
        int hl = header(h.rport, PORT, seq, k.sndUna + r.nextInt(0, Math.max(1, k.sndNxt - k.sndUna + 1)),
                Tcp.ACK | (r.nextBoolean() ? Tcp.PSH : 0), 512, 0, null, o);
        int flips = r.nextInt(1, 5);
        for (int i = 0; i < flips; i++) {
            int bit = r.nextInt(hl * 8);
            seg[bit / 8] ^= (byte) (1 << (bit & 7));
        }
        int hl2 = Math.min(Math.max(Tcp.headerLen(seg, 0), Tcp.HEADER_LEN), hl + len);
        int seq2 = Tcp.seq(seg, 0);
        if (Tcp.srcPort(seg, 0) == h.rport && Tcp.dstPort(seg, 0) == PORT) {
            payload(hl2, seq2, hl + len - hl2);
        }
        seg[13] = (byte) tame(Tcp.flags(seg, 0), seq2);
        send(hl + len, r.nextInt(10) != 0);
    }

    /** Random flags, numbers, window, urgent pointer and options on the connection's 4-tuple. */
    private void randomFields() {
        int seq = switch (r.nextInt(3)) {
            case 0 -> r.nextInt();
            case 1 -> k.rcvNxt + r.nextInt(-70_000, 70_000);
            default -> k.rcvNxt;
        };
        int ack = r.nextBoolean() ? r.nextInt() : k.sndUna + r.nextInt(-70_000, 70_000);
        int flags = tame(r.nextInt(0x200), seq);
        int len = r.nextInt(3) == 0 ? 0 : r.nextInt(1, 1300);
        byte[] raw = r.nextInt(3) == 0 ? rawOptions() : null;
        int hl = header(h.rport, PORT, seq, ack, flags, r.nextInt(65536), r.nextInt(65536), raw, raw == null ? randomOptions() : null);
        payload(hl, seq, len);
        send(hl + len, r.nextInt(20) != 0);
    }

    /** SYNs (some mutated) and other segments to the listener from many source ports. */
    private void atTheListener() {
        int sport = r.nextInt(1024, 1124);
        int flags = r.nextInt(3) == 0 ? r.nextInt(0x200) : Tcp.SYN;
        TcpOptions o = r.nextBoolean() ? synOpts(r.nextInt(1, 65536), r.nextBoolean(), r.nextBoolean(), r.nextInt(-1, 16))
                : randomOptions();
        int hl = header(sport, PORT, r.nextInt(), r.nextInt(), flags, r.nextInt(65536), 0, null, o);
        if (r.nextInt(4) == 0) {
            int bit = r.nextInt(hl * 8);
            seg[bit / 8] ^= (byte) (1 << (bit & 7));
        }
        int len = r.nextInt(8) == 0 ? r.nextInt(1, 200) : 0;
        send(hl + len, r.nextInt(10) != 0);
    }

    /** The peer's next in-order data, acknowledging what the stack sent: the stream moves on. */
    private void validData() {
        int len = r.nextInt(1, 1400);
        int seq = k.rcvNxt;
        freshTs();
        TcpOptions o = new TcpOptions().timestamps(h.peerTsVal, 0);
        int hl = header(h.rport, PORT, seq, k.sndNxt, Tcp.ACK | Tcp.PSH, 512, 0, null, o);
        payload(hl, seq, len);
        send(hl + len, true);
    }

    /** A TSval the connection accepts: newer than TS.Recent, which the fuzzer may have moved. */
    private void freshTs() {
        if (k.tsRecent - h.peerTsVal >= 0) {
            h.peerTsVal = k.tsRecent + 1;
        }
    }

    // ---------------------------------------------------------------- checks

    /** What the application reads must be the peer's stream, byte for byte. */
    private void readAndCheck() {
        ByteBuffer b = ByteBuffer.allocate(1 << 17);
        while (true) {
            b.clear();
            int n;
            try {
                n = conn.recv(b, Socket.MSG_DONTWAIT);
            } catch (ErrnoException e) {
                assertEquals(Errno.EAGAIN, e.errno());
                return;
            }
            assertTrue(n > 0, "the connection must not end");
            for (int i = 0; i < n; i++) {
                int seq = h.riss + 1 + (int) (peerRead + i);
                if (b.get(i) != peerByte(seq)) {
                    throw new AssertionError("byte " + (peerRead + i) + " of the peer's stream is wrong");
                }
            }
            peerRead += n;
        }
    }

    /** Every data segment the stack sends carries what the application wrote at that offset. */
    private void checkOutput(ReliabilityHarness.Out o) {
        outSegments++;
        if (o.tcp().srcPort() != PORT || o.tcp().dstPort() != h.rport || o.len() == 0) {
            return;
        }
        long off = Integer.toUnsignedLong(o.tcp().seq() - h.liss - 1);
        for (int i = 0; i < o.len(); i++) {
            if (off + i >= appLimit || o.data()[i] != appData[(int) ((off + i) % appData.length)]) {
                badOutput++;
                return;
            }
        }
    }

    private void topUpAppData(long upTo) {
        while (appWritten < upTo) {
            int at = (int) (appWritten % appData.length);
            int n = (int) Math.min(Math.min(appData.length - at, 16_384), upTo - appWritten);
            appLimit = appWritten + n;
            try {
                appWritten += conn.send(ByteBuffer.wrap(appData, at, n), Socket.MSG_DONTWAIT);
            } catch (ErrnoException e) {
                assertEquals(Errno.EAGAIN, e.errno());
                return;
            }
        }
    }

    private void checkBounds(int i) {
        String at = " after " + i + " segments";
        assertEquals(TcpState.ESTABLISHED, k.state(), "the connection lives" + at);
        assertTrue(h.k.skbs().inUse() < 5_000, "buffers in use " + h.k.skbs().inUse() + at);
        assertTrue(k.rmem() <= k.rcvbuf() + 70_000, "receive memory " + k.rmem() + at);
        assertTrue(k.ofo().size() <= 200, "out-of-order queue " + k.ofo().size() + at);
        assertTrue(k.backlog().isEmpty(), "backlog" + at);
        assertTrue(k.sndUna - k.sndNxt <= 0 && k.sndNxt - k.writeSeq <= 0, "SND.UNA <= SND.NXT <= write_seq" + at);
        assertTrue(k.copiedSeq - k.rcvNxt <= 0, "copied <= RCV.NXT" + at);
        assertTrue(k.packetsOut >= 0 && k.packetsOut <= k.writeQueue.size(), "packets out " + k.packetsOut + at);
        assertTrue(k.cwnd >= 1 && k.cwnd < 100_000, "cwnd " + k.cwnd + at);
        long wmem = 0;
        int queuedBytes = 0;
        for (SkBuff b = k.writeQueue.peek(); b != null; b = k.writeQueue.next(b)) {
            wmem += TcpMem.charged(b);
            queuedBytes += b.len();
        }
        assertEquals(wmem, k.wmemQueued, "write memory" + at);
        assertTrue(queuedBytes <= k.writeSeq - k.sndUna, "write queue bytes" + at);
        long rq = 0;
        for (SkBuff b = k.rcvQueue().peek(); b != null; b = k.rcvQueue().next(b)) {
            rq += b.len();
        }
        assertTrue(rq >= k.rcvNxt - k.copiedSeq, "unread bytes are queued" + at);
        TcpSock l = (TcpSock) listener.sock();
        // Full only beyond the backlog (inet_csk_reqsk_queue_is_full), as the accept queue.
        assertTrue(l.acceptQueue.synQueueLen >= 0 && l.acceptQueue.synQueueLen <= 17, "SYN queue " + l.acceptQueue.synQueueLen + at);
        assertTrue(l.acceptQueue.size() <= 17, "accept queue " + l.acceptQueue.size() + at);
        assertTrue(h.tcp().established.size() <= 60, "established table " + h.tcp().established.size() + at);
    }

    private void acceptAndCloseChildren() {
        while ((listener.poll() & Socket.POLLIN) != 0) {
            Socket c = listener.accept();
            c.setsockopt(SockOpt.SO_LINGER, new SockOpt.Linger(true, 0));
            c.close();
        }
    }

    @Test
    void aMillionHostileSegmentsLeaveTheConnectionIntact() {
        long wall = System.nanoTime();
        new SplittableRandom(99).nextBytes(appData);
        listener = h.socket();
        listener.setsockopt(SockOpt.SO_REUSEADDR, 1);
        // Random URG flags would take urgent bytes out of the stream (out of band): inline they
        // stay, so the stream read is the stream sent. The child inherits the option.
        listener.setsockopt(SockOpt.SO_OOBINLINE, 1);
        listener.bind(new SockAddrIn(0, PORT));
        listener.listen(16);
        conn = h.passiveOpen(listener, synOpts(1460, true, true, 7), 512);
        k = ReliabilityHarness.sk(conn);
        assertEquals(1, conn.getsockopt(SockOpt.SO_OOBINLINE));
        h.sink = this::checkOutput;
        topUpAppData(FUZZ_APP_BYTES);
        for (int i = 0; i < N; i++) {
            int kind = r.nextInt(100);
            if (kind < 15) {
                randomBytes();
            } else if (kind < 45) {
                mutatedValid();
            } else if (kind < 70) {
                randomFields();
            } else if (kind < 88) {
                atTheListener();
            } else {
                validData();
            }
            if (k.state() != TcpState.ESTABLISHED) {
                throw new AssertionError("segment " + i + " ended the connection (" + k.state() + ", " + h.k.call(() -> io.jnetstack.ipv4.tcp.Tcp.of(h.net).extMib().formatNonZero() + io.jnetstack.ipv4.tcp.Tcp.of(h.net).mib().formatNonZero() + h.net.formatDrops()) + "): "
                        + java.util.HexFormat.of().formatHex(seg, 0, Math.min(lastLen, 60)));
            }
            h.k.runFor(20_000);
            if ((i & 255) == 0) {
                readAndCheck();
                topUpAppData(FUZZ_APP_BYTES);
                checkBounds(i);
            }
            if (i % 20_000 == 0) {
                acceptAndCloseChildren();
                h.k.runFor(50 * MS);
            }
        }
        checkBounds(N);
        long fuzzWall = System.nanoTime() - wall;
        // Afterwards a well-behaved peer moves 300 kB each way; everything arrives intact.
        h.k.runFor(5 * SEC);
        long target = peerRead + 300_000;
        long wrote = appWritten;
        int acked = k.sndUna;
        for (int i = 0; peerRead < target || k.sndUna - (h.liss + 1 + (int) (wrote + 300_000)) < 0; i++) {
            assertTrue(i < 200_000, "the connection stopped moving: " + k);
            if (peerRead + (k.rcvNxt - k.copiedSeq) < target) {
                validData();
            } else {
                freshTs();
                h.injectRaw(Tcp.ACK, k.rcvNxt, new byte[0], k.sndNxt, 512, new TcpOptions().timestamps(h.peerTsVal, 0), 0);
            }
            h.k.runFor(MS);
            readAndCheck();
            topUpAppData(wrote + 300_000);
            acked = k.sndUna;
        }
        assertTrue(acked - (h.liss + 1 + (int) wrote) >= 0);
        assertEquals(0, badOutput, "every data segment sent carried the application's bytes");
        assertTrue(k.writeQueue.size() > 0 || k.sndUna == k.writeSeq);
        assertTrue(k.forwardAlloc >= 0 && k.forwardAlloc < TcpMem.PAGE, "forward allocation " + k.forwardAlloc);
        conn.close();
        listener.close();
        h.k.runFor(600 * SEC);
        assertEquals(0, h.tcp().memoryPages(), "every page back once the sockets are gone: " + h.tcp().sockstat());
        System.out.printf("%d hostile segments in %.1f s wall (%.1f s virtual), %d segments out; peer stream %d bytes, "
                        + "application stream %d bytes; %s%n%s%n",
                N, fuzzWall / 1e9, h.now() / 1e9, outSegments, peerRead, appWritten, h.net.formatDrops(),
                h.tcp().extMib().formatNonZero());
    }
}
