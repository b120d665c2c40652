package io.jnetstack.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Linux kernel memory as {@code /proc} reports it, read before and after opening idle sockets so
 * the difference is what those sockets cost the kernel:
 * <ul>
 * <li>{@code /proc/meminfo} {@code Slab}: every slab cache (the {@code TCP} socks, the socket
 *     inodes, dentries and files behind each descriptor, kmalloc'ed parts), in kB;</li>
 * <li>{@code /proc/net/sockstat} {@code TCP: ... mem N}: pages charged to TCP socket buffers
 *     (about zero for idle connections, added for completeness);</li>
 * <li>{@code /proc/slabinfo} (readable by root only): the same memory cache by cache, to show
 *     where it goes; {@code null} when it cannot be read.</li>
 * </ul>
 */
final class KernelMemory {
    private static final long PAGE = 4096;

    /**
     * One reading.
     *
     * @param slabBytes {@code Slab} of {@code /proc/meminfo}, in bytes
     * @param tcpMemBytes {@code mem} of the TCP line of {@code /proc/net/sockstat}, in bytes
     * @param caches bytes held by each slab cache (slabs times pages per slab), or {@code null}
     */
    record Snapshot(long slabBytes, long tcpMemBytes, Map<String, Long> caches) {
    }

    /**
     * A slab cache that grew between two readings.
     *
     * @param name the cache
     * @param bytes how much it grew
     */
    record CacheDelta(String name, long bytes) {
    }

    private KernelMemory() {
    }

    /** Whether this looks like Linux with {@code /proc} mounted. */
    static boolean available() {
        return Files.isReadable(Path.of("/proc/meminfo")) && Files.isReadable(Path.of("/proc/net/sockstat"));
    }

    static Snapshot read() throws IOException {
        long slab = -1;
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("Slab:")) {
                slab = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        long tcpMem = 0;
        for (String line : Files.readAllLines(Path.of("/proc/net/sockstat"))) {
            if (line.startsWith("TCP:")) {
                String[] f = line.trim().split("\\s+");
                for (int i = 1; i + 1 < f.length; i++) {
                    if (f[i].equals("mem")) {
                        tcpMem = Long.parseLong(f[i + 1]) * PAGE;
                    }
                }
            }
        }
        return new Snapshot(slab, tcpMem, slabCaches());
    }

    /** Bytes per cache from {@code /proc/slabinfo} (version 2.1), or null when it is not readable. */
    private static Map<String, Long> slabCaches() {
        Path p = Path.of("/proc/slabinfo");
        List<String> lines;
        try {
            lines = Files.readAllLines(p);
        } catch (IOException | SecurityException e) {
            return null;
        }
        Map<String, Long> out = new HashMap<>();
        for (String line : lines) {
            if (line.startsWith("slabinfo") || line.startsWith("#")) {
                continue;
            }
            // name active_objs num_objs objsize objperslab pagesperslab : tunables ... : slabdata active_slabs num_slabs shared
            String[] f = line.trim().split("\\s+");
            int sd = indexOf(f, "slabdata");
            if (f.length < 6 || sd < 0 || sd + 2 >= f.length) {
                continue;
            }
            long pagesPerSlab = Long.parseLong(f[5]);
            long slabs = Long.parseLong(f[sd + 2]);
            out.put(f[0], slabs * pagesPerSlab * PAGE);
        }
        return out;
    }

    private static int indexOf(String[] f, String s) {
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals(s)) {
                return i;
            }
        }
        return -1;
    }

    /** The caches that grew most from {@code before} to {@code after}, largest first; empty without slabinfo. */
    static List<CacheDelta> grown(Snapshot before, Snapshot after, int max) {
        List<CacheDelta> out = new ArrayList<>();
        if (before.caches() == null || after.caches() == null) {
            return out;
        }
        for (Map.Entry<String, Long> e : after.caches().entrySet()) {
            long d = e.getValue() - before.caches().getOrDefault(e.getKey(), 0L);
            if (d > 0) {
                out.add(new CacheDelta(e.getKey(), d));
            }
        }
        out.sort((x, y) -> Long.compare(y.bytes(), x.bytes()));
        return out.size() > max ? out.subList(0, max) : out;
    }

    /**
     * How many more descriptors this process may open: the soft {@code Max open files} limit of
     * {@code /proc/self/limits} less those open now; {@code Integer.MAX_VALUE} when unknown.
     */
    static int freeDescriptors() {
        long limit = openFileLimit();
        if (limit < 0) {
            return Integer.MAX_VALUE;
        }
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) Math.min(Integer.MAX_VALUE, limit - s.count());
        } catch (IOException | RuntimeException e) {
            return Integer.MAX_VALUE;
        }
    }

    /** The soft {@code Max open files} limit, for messages; -1 when unknown. */
    static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? -1 : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
