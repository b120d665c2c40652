package io.jnetstack.apps;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {
    /** Parameters as an iperf3 client sends them (cJSON, unformatted). */
    static final String PARAMS = "{\"tcp\":true,\"omit\":0,\"time\":10,\"num\":0,\"blockcount\":0,\"parallel\":2,"
            + "\"reverse\":true,\"len\":131072,\"pacing_timer\":1000,\"client_version\":\"3.12\"}";

    @Test
    void readsParametersAsIperf3SendsThem() {
        Map<String, Object> p = Json.parseObject(PARAMS);
        assertEquals(Boolean.TRUE, p.get("tcp"));
        assertEquals(10L, Json.getLong(p, "time", -1));
        assertEquals(131072L, Json.getLong(p, "len", -1));
        assertEquals("3.12", Json.getString(p, "client_version", null));
        assertEquals(-1L, Json.getLong(p, "MSS", -1));
        assertEquals(List.of("tcp", "omit", "time", "num", "blockcount", "parallel", "reverse", "len", "pacing_timer",
                "client_version"), new ArrayList<>(p.keySet()));
    }

    @Test
    void readsAPrettyPrintedReportWithNestingNumbersAndEscapes() {
        String text = "{\n\t\"start\":\t{\n\t\t\"connected\":\t[{\n\t\t\t\"socket\":\t5\n\t\t}],\n"
                + "\t\t\"version\":\t\"iperf 3.12\",\n\t\t\"note\":\t\"tab\\there \\\"q\\\" \\u00e9\\/\"\n\t},\n"
                + "\t\"end\":\t{\n\t\t\"sum_sent\":\t{\n\t\t\t\"seconds\":\t3.000212,\n\t\t\t\"bytes\":\t5004165120,\n"
                + "\t\t\t\"bits_per_second\":\t1.3343857373455393e+10,\n\t\t\t\"retransmits\":\t-1,\n"
                + "\t\t\t\"sender\":\tfalse,\n\t\t\t\"extra\":\tnull\n\t\t}\n\t}\n}\n";
        Map<String, Object> r = Json.parseObject(text);
        Map<String, Object> start = Json.getObject(r, "start");
        assertEquals(5L, Json.getLong(asMap(Json.getArray(start, "connected").get(0)), "socket", 0));
        assertEquals("tab\there \"q\" \u00e9/", Json.getString(start, "note", null));
        Map<String, Object> sent = Json.getObject(Json.getObject(r, "end"), "sum_sent");
        assertEquals(5004165120L, Json.getLong(sent, "bytes", 0));
        assertEquals(1.3343857373455393e10, Json.getDouble(sent, "bits_per_second", 0));
        assertEquals(3.000212, Json.getDouble(sent, "seconds", 0));
        assertEquals(-1L, Json.getLong(sent, "retransmits", 0));
        assertEquals(Boolean.FALSE, sent.get("sender"));
        assertTrue(sent.containsKey("extra"));
        assertNull(sent.get("extra"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void writesCompactJsonThatReadsBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu_util_total", 0.0);
        m.put("sender_has_retransmits", -1L);
        m.put("end_time", 10.000153);
        m.put("big", 1e20);
        m.put("nan", Double.NaN);
        m.put("text", "line\nquote\" back\\ \u0001");
        m.put("streams", List.of(Map.of("id", 1L), Arrays.asList(true, null)));
        String s = Json.write(m);
        assertEquals("{\"cpu_util_total\":0,\"sender_has_retransmits\":-1,\"end_time\":10.000153,\"big\":1.0E20,\"nan\":null,"
                + "\"text\":\"line\\nquote\\\" back\\\\ \\u0001\",\"streams\":[{\"id\":1},[true,null]]}", s);
        Map<String, Object> back = Json.parseObject(s);
        assertEquals(m.get("text"), back.get("text"));
        assertEquals(1e20, Json.getDouble(back, "big", 0));
        assertEquals(10.000153, Json.getDouble(back, "end_time", 0));
    }

    @Test
    void rejectsWhatIsNotJson() {
        for (String bad : new String[]{"", "{", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "{a:1}", "[01]", "\"open", "tru",
                "{\"a\":1} x", "[\"\u0001\"]", "\"\\x\"", "\"\\u12\"", "-", "1.", "1e", "[1,]", "nul"}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]"));
        String deep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);
        assertThrows(IllegalArgumentException.class, () -> Json.parse(deep));
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertTrue(Json.parse(ok) instanceof List);
    }
}
