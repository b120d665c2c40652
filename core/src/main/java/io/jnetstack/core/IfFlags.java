package io.jnetstack.core;

import java.util.ArrayList;
import java.util.List;

/** Interface flags, with Linux's values ({@code IFF_*} of {@code <linux/if.h>}). */
public final class IfFlags {
    private IfFlags() {}

    public static final int UP = 0x1;
    public static final int BROADCAST = 0x2;
    public static final int LOOPBACK = 0x8;
    public static final int POINTOPOINT = 0x10;
    public static final int RUNNING = 0x40;
    public static final int NOARP = 0x80;
    public static final int PROMISC = 0x100;
    public static final int ALLMULTI = 0x200;
    public static final int MULTICAST = 0x1000;
    public static final int LOWER_UP = 0x10000;
    public static final int DORMANT = 0x20000;

    private static final int[] BITS = {BROADCAST, POINTOPOINT, LOOPBACK, MULTICAST, NOARP, ALLMULTI, PROMISC, UP, LOWER_UP, DORMANT};
    private static final String[] NAMES = {"BROADCAST", "POINTOPOINT", "LOOPBACK", "MULTICAST", "NOARP", "ALLMULTI", "PROMISC", "UP", "LOWER_UP", "DORMANT"};

    /** The flags as {@code ip link} prints them: {@code <BROADCAST,MULTICAST,UP,LOWER_UP>}. */
    public static String format(int flags) {
        List<String> out = new ArrayList<>();
        if ((flags & UP) != 0 && (flags & LOWER_UP) == 0) {
            out.add("NO-CARRIER");
        }
        for (int i = 0; i < BITS.length; i++) {
            if ((flags & BITS[i]) != 0) {
                out.add(NAMES[i]);
            }
        }
        return "<" + String.join(",", out) + ">";
    }
}
