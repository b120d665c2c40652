package io.jnetstack.core;

/**
 * A device's counters, as {@code ip -s link} shows them. Mirrors {@code struct rtnl_link_stats64}.
 * Fields are public and counted by the device layer and drivers under the kernel lock.
 */
public final class DeviceStats {
    public long rxPackets;
    public long rxBytes;
    public long rxErrors;
    public long rxDropped;
    public long rxMissed;
    public long multicast;
    public long rxLengthErrors;
    public long rxOverErrors;
    public long rxCrcErrors;
    public long rxFrameErrors;
    public long rxNohandler;
    public long txPackets;
    public long txBytes;
    public long txErrors;
    public long txDropped;
    public long txCarrierErrors;
    public long collisions;

    /** Counts one received frame of {@code bytes} bytes. */
    public void rx(int bytes) {
        rxPackets++;
        rxBytes += bytes;
    }

    /** Counts one sent frame of {@code bytes} bytes. */
    public void tx(int bytes) {
        txPackets++;
        txBytes += bytes;
    }

    /** The RX/TX block of {@code ip -s link}, plus the error breakdown of {@code ip -s -s link}. */
    public String format(boolean details) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("    RX:  bytes packets errors dropped  missed   mcast%n"));
        sb.append(String.format("    %10d %7d %6d %7d %7d %7d%n", rxBytes, rxPackets, rxErrors, rxDropped, rxMissed, multicast));
        if (details) {
            sb.append(String.format("    RX errors:  length    crc   frame    fifo overrun nohandler%n"));
            sb.append(String.format("    %16d %6d %7d %7d %7d %9d%n", rxLengthErrors, rxCrcErrors, rxFrameErrors, 0, rxOverErrors, rxNohandler));
        }
        sb.append(String.format("    TX:  bytes packets errors dropped carrier collsns%n"));
        sb.append(String.format("    %10d %7d %6d %7d %7d %7d%n", txBytes, txPackets, txErrors, txDropped, txCarrierErrors, collisions));
        return sb.toString();
    }
}
