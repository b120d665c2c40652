package io.jnetstack.ipv4.fib;

import io.jnetstack.core.IfFlags;
import io.jnetstack.core.Net;
import io.jnetstack.core.NetDevice;
import io.jnetstack.core.SkBuff;

/** Helpers for the FIB tests: address parsing and test devices. */
final class FibTestSupport {
    private FibTestSupport() {}

    /** Parses {@code a.b.c.d} into an int. */
    static int ip(String dotted) {
        String[] p = dotted.split("\\.");
        if (p.length != 4) {
            throw new IllegalArgumentException("not a dotted quad: " + dotted);
        }
        int a = 0;
        for (String s : p) {
            int b = Integer.parseInt(s);
            if (b < 0 || b > 255) {
                throw new IllegalArgumentException("bad byte in " + dotted);
            }
            a = (a << 8) | b;
        }
        return a;
    }

    /** Formats an int as {@code a.b.c.d}. */
    static String str(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
    }

    /** An Ethernet-like device registered in {@code net}, up with carrier. */
    static NetDevice dev(Net net, String name) {
        NetDevice d = new NetDevice(name, NetDevice.ARPHRD_ETHER, 14, 1500, 68, 9000, IfFlags.BROADCAST | IfFlags.MULTICAST) {
            @Override
            protected TxResult startXmit(SkBuff skb) {
                skb.free();
                return TxResult.OK;
            }

            @Override
            public String kind() {
                return "test";
            }
        };
        net.register(d);
        d.up();
        d.carrierOn();
        return d;
    }
}
