package io.jnetstack.bench;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The iperf3 workload's JSON reading, and (as root with iperf3) one short kernel-to-kernel run. */
class Iperf3BenchTest {
    /** Shaped like {@code iperf3 -c -J} output, trimmed to what is read, values made up. */
    private static final String CLIENT_JSON = """
            {
              "start": {"connected": [{"socket": 5, "local_host": "198.18.0.2", "remote_port": 5201}],
                        "version": "iperf 3.12", "test_start": {"protocol": "TCP", "duration": 1, "reverse": 0}},
              "intervals": [{"sum": {"start": 0, "end": 1.000042, "bytes": 4271898624, "bits_per_second": 3.41738e+10,
                             "omitted": false, "sender": true}}],
              "end": {
                "sum_sent": {"start": 0, "end": 1.000042, "bytes": 4271898624, "bits_per_second": 34173795478.2, "retransmits": 0},
                "sum_received": {"start": 0, "end": 1.000311, "bytes": 4271374336, "bits_per_second": 34160392516.5},
                "cpu_utilization_percent": {"host_total": 99.1, "remote_total": 61.25},
                "note": "escaped \\"quote\\" and \\u00e9"
              }
            }
            """;

    @Test
    void readsTheReceiversRate() throws IOException {
        assertEquals(34160392516.5, Iperf3Bench.receiverBitsPerSecond(CLIENT_JSON));
    }

    @Test
    void anErrorReportIsAnException() {
        IOException e = assertThrows(IOException.class, () -> Iperf3Bench.receiverBitsPerSecond(
                "{\"start\": {}, \"intervals\": [], \"end\": {}, \"error\": \"unable to connect to server: Connection refused\"}"));
        assertTrue(e.getMessage().contains("unable to connect"), e.getMessage());
        assertThrows(IOException.class, () -> Iperf3Bench.receiverBitsPerSecond("iperf3: error - unable to connect"));
    }

    @Test
    void jsonValues() {
        Object doc = io.jnetstack.apps.Json.parse(CLIENT_JSON);
        assertEquals("escaped \"quote\" and \u00e9", io.jnetstack.apps.Json.at(doc, "end", "note"));
        assertEquals(Boolean.FALSE, ((Map<?, ?>) ((Map<?, ?>) ((List<?>) io.jnetstack.apps.Json.at(doc, "intervals")).get(0)).get("sum")).get("omitted"));
        assertNull(io.jnetstack.apps.Json.at(doc, "end", "missing", "deeper"));
        assertEquals(List.of(), io.jnetstack.apps.Json.parse(" [ ] "));
        assertThrows(IllegalArgumentException.class, () -> io.jnetstack.apps.Json.parse("{\"a\": 1,}"));
        assertThrows(IllegalArgumentException.class, () -> io.jnetstack.apps.Json.parse("{\"a\": 1} x"));
    }

    /** An interop test: real namespaces and iperf3, skipped (with the reason) without root or iperf3. */
    @Test
    void kernelToKernelOverVeth() throws IOException {
        String why = Iperf3Bench.unavailableReason();
        Assumptions.assumeTrue(why == null, "iperf3 over veth skipped: " + why);
        Iperf3Bench.Result r = Iperf3Bench.kernel(1);
        assertTrue(r.forward() > 0 && r.reverse() > 0, r.toString());
    }
}
