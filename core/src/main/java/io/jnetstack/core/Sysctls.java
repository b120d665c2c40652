package io.jnetstack.core;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Run-time settings with Linux names and Linux defaults ({@code /proc/sys/net/...}), per
 * namespace. Layers register their entries and keep the {@link Entry} to read on hot paths.
 * Reading an unknown name falls back to a parent table (the kernel-wide {@code net.core} one).
 */
public final class Sysctls {
    /** One setting: a vector of integers (most sysctls have one value; tcp_rmem has three). */
    public static final class Entry {
        private final String name;
        private final long[] values;
        private final long min;
        private final long max;

        private String textValue;
        private java.util.function.Predicate<String> textCheck;

        Entry(String name, long min, long max, long[] defaults) {
            this.name = name;
            this.values = defaults.clone();
            this.min = min;
            this.max = max;
        }

        /** The sysctl's dotted name. */
        public String name() {
            return name;
        }

        /** The first value. */
        public long get() {
            return values[0];
        }

        /** Value i of a vector sysctl. */
        public long get(int i) {
            return values[i];
        }

        /** The first value as an int. */
        public int getInt() {
            return (int) values[0];
        }

        /** The value of a text sysctl ({@code tcp_congestion_control}), or null for numeric ones. */
        public String textValue() {
            return textValue;
        }

        /** The values as Linux prints them: separated by tabs. */
        public String text() {
            if (textValue != null) {
                return textValue;
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    sb.append('\t');
                }
                sb.append(values[i]);
            }
            return sb.toString();
        }

        void set(String text) {
            if (textValue != null) {
                String v = text.trim();
                if (!textCheck.test(v)) {
                    throw new ErrnoException(Errno.EINVAL, name + ": \"" + v + "\" is not accepted");
                }
                textValue = v;
                return;
            }
            String[] parts = text.trim().split("\\s+");
            if (parts.length != values.length) {
                throw new ErrnoException(Errno.EINVAL, name + " takes " + values.length + " value(s), got \"" + text + "\"");
            }
            long[] parsed = new long[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    parsed[i] = Long.parseLong(parts[i]);
                } catch (NumberFormatException e) {
                    throw new ErrnoException(Errno.EINVAL, name + ": \"" + parts[i] + "\" is not an integer");
                }
                if (parsed[i] < min || parsed[i] > max) {
                    throw new ErrnoException(Errno.EINVAL, name + ": " + parsed[i] + " is outside " + min + ".." + max);
                }
            }
            System.arraycopy(parsed, 0, values, 0, values.length);
        }
    }

    private final Sysctls parent;
    private final TreeMap<String, Entry> entries = new TreeMap<>();

    /** A table that falls back to {@code parent} (may be null) for names it lacks. */
    public Sysctls(Sysctls parent) {
        this.parent = parent;
    }

    /**
     * Registers a setting with its Linux default(s) and an inclusive valid range. A name is one
     * setting per namespace: registering it again (a second neighbour table, a second reassembly
     * user) returns the entry already there.
     */
    public Entry register(String name, long min, long max, long... defaults) {
        Entry existing = entries.get(name);
        if (existing != null) {
            return existing;
        }
        Entry e = new Entry(name, min, max, defaults);
        entries.put(name, e);
        return e;
    }

    /**
     * Registers a text setting ({@code net.ipv4.tcp_congestion_control}) with its default and
     * the test a new value must pass. Registering it again returns the entry already there.
     */
    public Entry registerText(String name, String defaultValue, java.util.function.Predicate<String> valid) {
        Entry existing = entries.get(name);
        if (existing != null) {
            return existing;
        }
        Entry e = new Entry(name, 0, 0, new long[]{0});
        e.textValue = defaultValue;
        e.textCheck = valid;
        entries.put(name, e);
        return e;
    }

    /** The entry named {@code name}, here or in the parent; ENOENT when unknown. */
    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null && parent != null) {
            return parent.entry(name);
        }
        if (e == null) {
            throw new ErrnoException(Errno.ENOENT, "no sysctl named " + name);
        }
        return e;
    }

    /** The value as {@code sysctl -n} prints it. */
    public String get(String name) {
        return entry(name).text();
    }

    /** Sets a value from its text, as {@code sysctl -w name=value}; EINVAL on a bad value. */
    public void set(String name, String value) {
        entry(name).set(value);
    }

    /** All entries of this table (not the parent's), sorted by name. */
    public Map<String, Entry> entries() {
        return Collections.unmodifiableMap(entries);
    }
}
