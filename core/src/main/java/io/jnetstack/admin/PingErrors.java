package io.jnetstack.admin;

import io.jnetstack.core.SkBuff;
import io.jnetstack.netfilter.Verdict;
import io.jnetstack.wire.Icmp;
import io.jnetstack.wire.Ipv4;

/**
 * Recognises, among the packets delivered locally, the ICMP errors that quote one of a ping's
 * echo requests, the way a raw ICMP socket of ping would read them: destination unreachable,
 * time exceeded and parameter problem whose quoted datagram is an ICMP echo with the ping's
 * identifier. Redirects and source quenches are not errors for ping (iputils ignores them too).
 */
final class PingErrors {
    /** Errors longer than this are not ICMP errors about an echo (RFC 1812 §4.3.2.3 limits them to 576). */
    private static final int MAX_LEN = 2048;

    /** Where a recognised error goes. */
    interface Sink {
        /** An error from {@code src} about request {@code seq}, described as ping prints it. */
        void error(int src, int seq, long at, String text);
    }

    private PingErrors() {
    }

    /**
     * Looks at one locally delivered packet (data at the IP header) and tells {@code sink} when it
     * is an error about echo {@code id}. Never throws; always lets the packet pass.
     */
    static Verdict inspect(SkBuff skb, int id, long now, Sink sink) {
        try {
            int len = skb.len();
            if (len < Ipv4.HEADER_LEN + Icmp.HEADER_LEN + Ipv4.HEADER_LEN + Icmp.HEADER_LEN || len > MAX_LEN) {
                return Verdict.ACCEPT;
            }
            byte[] b = new byte[len];
            if (!skb.copyBits(0, b, 0, len)) {
                return Verdict.ACCEPT;
            }
            parse(b, len, id, now, sink);
        } catch (RuntimeException e) {
            // a malformed packet is the stack's business, not ping's
        }
        return Verdict.ACCEPT;
    }

    private static void parse(byte[] b, int len, int id, long now, Sink sink) {
        int ihl = (b[0] & 0x0f) * 4;
        if ((b[0] & 0xf0) != 0x40 || (b[9] & 0xff) != Ipv4.PROTO_ICMP || ihl < Ipv4.HEADER_LEN || len < ihl + Icmp.HEADER_LEN) {
            return;
        }
        int type = b[ihl] & 0xff;
        if (type != Icmp.DEST_UNREACH && type != Icmp.TIME_EXCEEDED && type != Icmp.PARAMETERPROB) {
            return;
        }
        if (!Icmp.checksumOk(b, ihl, len - ihl)) {
            return;
        }
        int q = ihl + Icmp.HEADER_LEN;
        int qihl = (b[q] & 0x0f) * 4;
        if (len < q + Ipv4.HEADER_LEN || (b[q + 9] & 0xff) != Ipv4.PROTO_ICMP || qihl < Ipv4.HEADER_LEN
                || len < q + qihl + Icmp.HEADER_LEN) {
            return;
        }
        int e = q + qihl;
        if ((b[e] & 0xff) != Icmp.ECHO || Icmp.echoId(b, e) != id) {
            return;
        }
        int src = io.jnetstack.wire.Ipv4Address.read(b, 12);
        sink.error(src, Icmp.echoSeq(b, e), now, Icmp.describe(b, ihl));
    }
}
