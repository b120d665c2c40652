package io.jnetstack.apps;

import io.jnetstack.core.Kernel;
import io.jnetstack.core.Net;
import io.jnetstack.core.sched.Netem;
import io.jnetstack.link.Veth;
import io.jnetstack.socket.SockAddrIn;
import io.jnetstack.socket.Socket;
import io.jnetstack.wire.Ipv4Address;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static io.jnetstack.apps.Iperf3Protocol.ACCESS_DENIED;
import static io.jnetstack.apps.Iperf3Protocol.CREATE_STREAMS;
import static io.jnetstack.apps.Iperf3Protocol.DISPLAY_RESULTS;
import static io.jnetstack.apps.Iperf3Protocol.EOF;
import static io.jnetstack.apps.Iperf3Protocol.EXCHANGE_RESULTS;
import static io.jnetstack.apps.Iperf3Protocol.PARAM_EXCHANGE;
import static io.jnetstack.apps.Iperf3Protocol.SERVER_ERROR;
import static io.jnetstack.apps.Iperf3Protocol.SERVER_TERMINATE;
import static io.jnetstack.apps.Iperf3Protocol.TEST_RUNNING;
import static io.jnetstack.apps.Iperf3Protocol.TEST_START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The iperf3 server against a protocol client on a second stack, in virtual time: two
 * namespaces joined by a veth pair whose both ends are shaped by netem to 50 Mbit/s with 1 ms
 * of delay, so a test's seconds pass in the kernel's clock and the link, not the CPU, sets the
 * rate.
 */
class Iperf3ServerTest {
    static final int CLIENT = Ipv4Address.parse("198.18.0.1");
    static final int SERVER = Ipv4Address.parse("198.18.0.2");
    /** The shaped link's payload capacity per second, an upper bound for any test. */
    static final long LINK_BYTES_PER_SEC = 50_000_000L / 8;

    final Kernel k = Kernel.deterministic(5201);
    final Net client = k.newNet("client");
    final Net server = k.newNet("server");
    final Iperf3Server iperf;

    Iperf3ServerTest() {
        Veth a = Veth.createPair(client, "veth0", server, "veth0");
        k.run(() -> {
            client.loopback().up();
            server.loopback().up();
            a.up();
            a.peer().up();
            client.inet().devinet().add(a, CLIENT, 24);
            server.inet().devinet().add(a.peer(), SERVER, 24);
            a.setQdisc(new Netem(Netem.Config.parse("delay 1ms rate 50mbit")));
            a.peer().setQdisc(new Netem(Netem.Config.parse("delay 1ms rate 50mbit")));
        });
        iperf = Iperf3Server.start(server, Iperf3Server.PORT);
    }

    @AfterEach
    void tearDown() {
        iperf.close();
        k.close();
    }

    Iperf3ProtocolClient client(long seed) {
        return new Iperf3ProtocolClient(client, new SockAddrIn(SERVER, Iperf3Server.PORT), seed);
    }

    static final List<Integer> FULL_RUN = List.of((int) PARAM_EXCHANGE, (int) CREATE_STREAMS, (int) TEST_START,
            (int) TEST_RUNNING, (int) EXCHANGE_RESULTS, (int) DISPLAY_RESULTS);

    @SuppressWarnings("unchecked")
    static Map<String, Object> stream(Iperf3ProtocolClient.Result r, int i) {
        return (Map<String, Object>) Json.getArray(r.serverResults(), "streams").get(i);
    }

    @Test
    void clientSendsThenReceivesOneTestAfterAnother() {
        Iperf3ProtocolClient up = client(1);
        Iperf3ProtocolClient.Result sent = up.run();
        assertEquals(FULL_RUN, sent.states());
        assertNotNull(sent.serverResults());
        long received = sent.serverBytes();
        assertTrue(received > 0, "the server received nothing");
        assertTrue(received <= sent.totalBytes(), () -> received + " received of " + sent.totalBytes() + " sent");
        // Two seconds of a 50 Mbit/s link: at least half of it used, and no more than it carries.
        assertTrue(received >= LINK_BYTES_PER_SEC * 2 / 2 && received <= LINK_BYTES_PER_SEC * 3, () -> "received " + received);
        assertEquals(-1L, Json.getLong(sent.serverResults(), "sender_has_retransmits", 0));
        assertEquals(1L, Json.getLong(stream(sent, 0), "id", 0));
        assertEquals(-1L, Json.getLong(stream(sent, 0), "retransmits", 0));
        assertTrue(Json.getDouble(stream(sent, 0), "end_time", 0) >= 2.0);

        Iperf3ProtocolClient down = client(2);
        down.reverse = true;
        Iperf3ProtocolClient.Result got = down.run();
        assertEquals(FULL_RUN, got.states());
        long serverSent = got.serverBytes();
        assertTrue(got.totalBytes() > LINK_BYTES_PER_SEC, () -> "the client received only " + got.totalBytes());
        assertTrue(serverSent >= got.totalBytes(), () -> serverSent + " sent, " + got.totalBytes() + " received");
        assertEquals(1L, Json.getLong(got.serverResults(), "sender_has_retransmits", 0));
        assertTrue(Json.getLong(stream(got, 0), "retransmits", -1) >= 0);

        assertEquals(2, iperf.testsRun());
        assertEquals(received, iperf.bytesReceived());
        assertEquals(serverSent, iperf.bytesSent());
    }

    @Test
    void parallelStreamsAreNumberedAsIperf3NumbersThem() {
        for (boolean reverse : new boolean[]{false, true}) {
            Iperf3ProtocolClient c = client(3);
            c.parallel = 3;
            c.reverse = reverse;
            Iperf3ProtocolClient.Result r = c.run();
            assertEquals(FULL_RUN, r.states());
            List<Object> streams = Json.getArray(r.serverResults(), "streams");
            assertEquals(3, streams.size());
            for (int i = 0; i < 3; i++) {
                assertEquals(i == 0 ? 1L : i + 2L, Json.getLong(stream(r, i), "id", 0));
                assertTrue(Json.getLong(stream(r, i), "bytes", 0) > 0, "stream " + i + " moved nothing");
            }
        }
        assertEquals(2, iperf.testsRun());
    }

    @Test
    void aSecondClientDuringATestIsDenied() {
        AtomicReference<List<Integer>> second = new AtomicReference<>();
        Iperf3ProtocolClient first = client(4);
        first.duration = 1;
        first.onRunning = () -> {
            Iperf3ProtocolClient other = client(5);
            try (Socket s = other.connect()) {
                Iperf3Protocol.sendAll(s, ByteBuffer.wrap(other.cookie()));
                second.set(List.of(Iperf3Protocol.readState(s), Iperf3Protocol.readState(s)));
            }
        };
        Iperf3ProtocolClient.Result r = first.run();
        assertEquals(List.of((int) ACCESS_DENIED, EOF), second.get());
        assertEquals(FULL_RUN, r.states());
        assertEquals(1, iperf.testsRun());
    }

    @Test
    void udpIsRefusedWithServerErrorAndTheNextTestRuns() {
        Iperf3ProtocolClient u = client(6);
        u.udp = true;
        Iperf3ProtocolClient.Result r = u.run();
        assertEquals(List.of((int) PARAM_EXCHANGE, (int) SERVER_ERROR), r.states());
        assertEquals(Iperf3Protocol.IEUNIMP, r.serverError());
        Iperf3ProtocolClient big = client(7);
        big.parallel = 129;
        assertEquals(Iperf3Protocol.IENUMSTREAMS, big.run().serverError());

        Iperf3ProtocolClient t = client(8);
        t.duration = 1;
        assertEquals(FULL_RUN, t.run().states());
        assertEquals(1, iperf.testsRun());
    }

    @Test
    void closingTheServerTellsTheClientServerTerminate() {
        Iperf3ProtocolClient c = client(9);
        c.reverse = true;
        c.onRunning = iperf::close;
        Iperf3ProtocolClient.Result r = c.run();
        assertEquals(SERVER_TERMINATE, r.states().get(r.states().size() - 1));
        assertEquals(0, iperf.testsRun());
    }

    @Test
    void theSameSeedRunsTheSameTest() {
        long[] first = runTwoTestsInAFreshKernel();
        long[] second = runTwoTestsInAFreshKernel();
        assertEquals(first[0], second[0]);
        assertEquals(first[1], second[1]);
    }

    private static long[] runTwoTestsInAFreshKernel() {
        Iperf3ServerTest t = new Iperf3ServerTest();
        try {
            Iperf3ProtocolClient up = t.client(10);
            up.duration = 1;
            up.parallel = 2;
            long a = up.run().serverBytes();
            Iperf3ProtocolClient down = t.client(11);
            down.duration = 1;
            down.parallel = 2;
            down.reverse = true;
            long b = down.run().totalBytes();
            return new long[]{a, b};
        } finally {
            t.tearDown();
        }
    }
}
