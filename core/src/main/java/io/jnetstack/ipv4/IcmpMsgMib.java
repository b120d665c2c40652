package io.jnetstack.ipv4;

/** The "IcmpMsg:" counters of {@code /proc/net/snmp}: per ICMP type, in and out. */
public final class IcmpMsgMib {
    private final long[] in = new long[256];
    private final long[] out = new long[256];

    /** Counts a received message of {@code type}. */
    public void in(int type) {
        in[type & 0xff]++;
    }

    /** Counts a sent message of {@code type}. */
    public void out(int type) {
        out[type & 0xff]++;
    }

    /** Received messages of {@code type}. */
    public long inCount(int type) {
        return in[type & 0xff];
    }

    /** Sent messages of {@code type}. */
    public long outCount(int type) {
        return out[type & 0xff];
    }

    /** The two lines Linux prints: only types seen, "InType3 OutType0 …". */
    public String format() {
        StringBuilder head = new StringBuilder("IcmpMsg:");
        StringBuilder vals = new StringBuilder("IcmpMsg:");
        for (int t = 0; t < 256; t++) {
            if (in[t] != 0) {
                head.append(" InType").append(t);
                vals.append(' ').append(in[t]);
            }
        }
        for (int t = 0; t < 256; t++) {
            if (out[t] != 0) {
                head.append(" OutType").append(t);
                vals.append(' ').append(out[t]);
            }
        }
        return head.length() == 8 ? "" : head + "\n" + vals + "\n";
    }

    /** Non-zero counters as {@code nstat} prints them. */
    public String formatNonZero() {
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t < 256; t++) {
            if (in[t] != 0) {
                sb.append(String.format("%-32s %d%n", "IcmpMsgInType" + t, in[t]));
            }
        }
        for (int t = 0; t < 256; t++) {
            if (out[t] != 0) {
                sb.append(String.format("%-32s %d%n", "IcmpMsgOutType" + t, out[t]));
            }
        }
        return sb.toString();
    }
}
