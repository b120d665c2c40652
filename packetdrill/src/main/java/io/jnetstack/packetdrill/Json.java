package io.jnetstack.packetdrill;

import java.util.List;

/** A minimal JSON writer for the runner's report: strings, numbers, arrays and objects. */
final class Json {

    private final StringBuilder sb = new StringBuilder();
    private boolean needComma;

    /** Opens an object; {@code key} is null inside an array or at the top. */
    Json beginObject(String key) {
        prefix(key);
        sb.append('{');
        needComma = false;
        return this;
    }

    Json endObject() {
        sb.append('}');
        needComma = true;
        return this;
    }

    /** Opens an array; {@code key} is null inside an array. */
    Json beginArray(String key) {
        prefix(key);
        sb.append('[');
        needComma = false;
        return this;
    }

    Json endArray() {
        sb.append(']');
        needComma = true;
        return this;
    }

    /** A string member (or element when {@code key} is null); null writes JSON null. */
    Json value(String key, String value) {
        prefix(key);
        if (value == null) {
            sb.append("null");
        } else {
            quote(value);
        }
        needComma = true;
        return this;
    }

    Json value(String key, long value) {
        prefix(key);
        sb.append(value);
        needComma = true;
        return this;
    }

    /** An array of strings. */
    Json strings(String key, List<String> values) {
        beginArray(key);
        values.forEach(v -> value(null, v));
        return endArray();
    }

    @Override
    public String toString() {
        return sb.toString();
    }

    private void prefix(String key) {
        if (needComma) {
            sb.append(',');
        }
        if (key != null) {
            quote(key);
            sb.append(':');
        }
    }

    private void quote(String s) {
        io.jnetstack.apps.Json.quote(sb, s);
    }
}
