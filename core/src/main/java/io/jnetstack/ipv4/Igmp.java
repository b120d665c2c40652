package io.jnetstack.ipv4;

import io.jnetstack.core.NetDevice;

/** Placeholder until the IGMP work lands: memberships without reports. */
public final class Igmp {
    private final java.util.Map<Long, Integer> members = new java.util.HashMap<>();

    Igmp(Inet inet) {
    }

    private static long key(NetDevice dev, int group) {
        return ((long) dev.ifindex() << 32) | (group & 0xffffffffL);
    }

    /** Joins. */
    public void join(NetDevice dev, int group) {
        members.merge(key(dev, group), 1, Integer::sum);
    }

    /** Leaves. */
    public boolean leave(NetDevice dev, int group) {
        Integer n = members.get(key(dev, group));
        if (n == null) {
            return false;
        }
        if (n == 1) {
            members.remove(key(dev, group));
        } else {
            members.put(key(dev, group), n - 1);
        }
        return true;
    }

    /** Membership. */
    public boolean isMember(NetDevice dev, int group) {
        return members.containsKey(key(dev, group));
    }
}
