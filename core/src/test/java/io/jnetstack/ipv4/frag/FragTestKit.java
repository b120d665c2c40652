package io.jnetstack.ipv4.frag;

import io.jnetstack.core.Net;
import io.jnetstack.core.Page;
import io.jnetstack.core.SkBuff;
import io.jnetstack.wire.Ipv4;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** A fake IPv4 layer that records what fragmentation and reassembly ask of it, and datagram builders. */
final class FragTestKit {
    static final int SRC = 0xC0A80001;  // 192.168.0.1
    static final int DST = 0xC0000201;  // 192.0.2.1
    static final int HEADROOM = 32;

    private FragTestKit() {
    }

    /** One icmp_send() call, with a copy of the quoted packet. */
    record IcmpCall(int type, int code, int info, byte[] about) {
    }

    /** Records counters, ICMP calls and outputs; output results can be scripted. */
    static class FakeCtx implements FragContext {
        final Net net;
        final Map<FragCounter, Long> counters = new EnumMap<>(FragCounter.class);
        final List<IcmpCall> icmps = new ArrayList<>();
        final List<SkBuff> outputs = new ArrayList<>();
        /** When >= 0, output number {@code failAt} (0-based) returns {@link #failWith}. */
        int failAt = -1;
        int failWith;

        FakeCtx(Net net) {
            this.net = net;
        }

        @Override
        public Net net() {
            return net;
        }

        @Override
        public void count(FragCounter counter) {
            counters.merge(counter, 1L, Long::sum);
        }

        @Override
        public void sendIcmp(SkBuff about, int type, int code, int info) {
            icmps.add(new IcmpCall(type, code, info, about.toByteArray()));
        }

        @Override
        public int output(SkBuff fragment) {
            if (outputs.size() == failAt) {
                outputs.add(null);
                fragment.free();
                return failWith;
            }
            outputs.add(fragment);
            return 0;
        }

        long get(FragCounter c) {
            return counters.getOrDefault(c, 0L);
        }

        /** Frees and forgets the collected fragments. */
        void freeOutputs() {
            for (SkBuff s : outputs) {
                if (s != null) {
                    s.free();
                }
            }
            outputs.clear();
        }
    }

    /** Payload byte i of a datagram: a pattern that differs between neighbouring bytes and ids. */
    static byte pattern(int id, int i) {
        return (byte) (i * 7 + (i >>> 8) + id * 13);
    }

    /** The bytes of a datagram: 20-byte header (or longer with {@code options}) plus patterned payload. */
    static byte[] datagram(int id, int payload, byte[] options, int flagsFrag) {
        int hlen = Ipv4.HEADER_LEN + options.length;
        byte[] d = new byte[hlen + payload];
        Ipv4.writeHeader(d, 0, 0, hlen + payload, id, flagsFrag, 64, Ipv4.PROTO_ICMP, SRC, DST);
        Ipv4.setVersionIhl(d, 0, hlen >>> 2);
        System.arraycopy(options, 0, d, Ipv4.HEADER_LEN, options.length);
        for (int i = 0; i < payload; i++) {
            d[hlen + i] = pattern(id, i);
        }
        Ipv4.fillChecksum(d, 0);
        return d;
    }

    /** A linear buffer holding {@code bytes}, network header marked at data. */
    static SkBuff skb(Net net, byte[] bytes) {
        SkBuff s = net.kernel().skbs().alloc(HEADROOM, bytes.length);
        s.putData(bytes, 0, bytes.length);
        s.resetNetworkHeader();
        s.dev = net.loopback();
        return s;
    }

    /**
     * A buffer with the first {@code linear} bytes in the linear part and the rest in page
     * fragments of at most {@code pageSize} bytes each.
     */
    static SkBuff pagedSkb(Net net, byte[] bytes, int linear, int pageSize) {
        SkBuff s = net.kernel().skbs().alloc(HEADROOM, linear);
        s.putData(bytes, 0, linear);
        for (int at = linear; at < bytes.length; at += pageSize) {
            int n = Math.min(pageSize, bytes.length - at);
            Page p = Page.allocate(n + 16);
            System.arraycopy(bytes, at, p.bytes(), 8, n);
            s.addFrag(p, 8, n);
            p.put();
        }
        s.resetNetworkHeader();
        s.dev = net.loopback();
        return s;
    }

    /**
     * A fragment made by hand: {@code header} bytes taken from a datagram's header with the
     * given offset/MF and {@code payload} bytes of the datagram's payload from {@code offset}.
     */
    static SkBuff fragment(Net net, int id, int offset, int payload, boolean mf) {
        return fragment(net, SRC, id, offset, payload, mf);
    }

    /** As {@link #fragment(Net, int, int, int, boolean)}, from source {@code src}. */
    static SkBuff fragment(Net net, int src, int id, int offset, int payload, boolean mf) {
        byte[] d = new byte[Ipv4.HEADER_LEN + payload];
        int flags = (offset >>> 3) | (mf ? Ipv4.FLAG_MF : 0);
        Ipv4.writeHeader(d, 0, 0, d.length, id, flags, 64, Ipv4.PROTO_ICMP, src, DST);
        for (int i = 0; i < payload; i++) {
            d[Ipv4.HEADER_LEN + i] = pattern(id, offset + i);
        }
        return skb(net, d);
    }

    /** Sets the ECN codepoint of a buffer's header and refreshes its checksum. */
    static void setEcn(SkBuff s, int ecn) {
        Ipv4.setEcn(s.buf(), s.data(), ecn);
        Ipv4.fillChecksum(s.buf(), s.data());
    }
}
