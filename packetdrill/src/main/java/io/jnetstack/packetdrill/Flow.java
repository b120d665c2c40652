package io.jnetstack.packetdrill;

/**
 * The connection a script's packet lines talk about, and how its numbers map between the
 * script and the wire.
 *
 * <p>Ports: the script never writes them. The remote port is the runner's (a new one for each
 * socket the script creates); the local port is 8080 after {@code bind(fd, ..., ...)}, else
 * learned from the first packet the stack sends.
 *
 * <p>Sequence numbers are written as tcpdump prints them: a SYN carries its sender's initial
 * sequence number as is, every other segment numbers relative to it. So the remote ISN is the
 * script's own (taken from the injected SYN or SYN-ACK), and the stack's ISN is learned from the
 * first SYN or SYN-ACK it sends. The acknowledgment number of a sent SYN-ACK is the remote ISN
 * plus one, absolute; every other ack is relative. SACK edges follow the sequence space they
 * acknowledge.
 *
 * <p>Timestamps: the script's TS val values for the remote side are injected as written (so the
 * stack echoes them unchanged); the stack's own TS val values run on its clock, so the first one
 * sent fixes an offset that maps the script's values (in injected TS ecr) onto the stack's.
 */
final class Flow {

    private static final long MASK = 0xffffffffL;

    private final int remotePort;
    private final boolean udp;
    private int localPort;
    private long localIsn;
    private boolean localIsnKnown;
    private long remoteIsn;
    private Long tsOffset;
    private long tsTickUsecs;
    private long tsToleranceTicks;

    /**
     * @param remotePort the script side's port
     * @param localPort  the stack's port, or 0 until known
     * @param udp        whether the socket under test is a datagram socket
     */
    Flow(int remotePort, int localPort, boolean udp) {
        this.remotePort = remotePort;
        this.localPort = localPort;
        this.udp = udp;
    }

    /**
     * Checks the stack's TS vals from now on ({@code --tcp_ts_tick_usecs}): each must equal the
     * script's, mapped by the offset the first one fixed, within {@code toleranceUsecs} of clock.
     */
    void checkTsVal(long tickUsecs, long toleranceUsecs) {
        tsTickUsecs = tickUsecs;
        tsToleranceTicks = tickUsecs > 0 ? (toleranceUsecs + tickUsecs - 1) / tickUsecs : 0;
    }

    /**
     * @param scriptVal the TS val a {@code >} line expects
     * @param wireVal   the TS val sent
     * @return why they differ by more than the tolerance, or null (also while unchecked or the
     *         offset is not known yet)
     */
    String tsValMismatch(long scriptVal, long wireVal) {
        if (tsTickUsecs == 0 || tsOffset == null) {
            return null;
        }
        long got = scriptTsVal(wireVal);
        int diff = (int) (got - scriptVal);
        return Math.abs((long) diff) <= tsToleranceTicks ? null
                : "expected TS val " + scriptVal + " (within " + tsToleranceTicks + " ticks of " + tsTickUsecs
                        + " us), sent " + got;
    }

    boolean isUdp() {
        return udp;
    }

    int remotePort() {
        return remotePort;
    }

    int localPort() {
        return localPort;
    }

    void setLocalPort(int port) {
        localPort = port;
    }

    boolean localIsnKnown() {
        return localIsnKnown;
    }

    long localIsn() {
        return localIsn;
    }

    long remoteIsn() {
        return remoteIsn;
    }

    // ---------------------------------------------------------------- injected segments

    /** @return the wire sequence number of an injected segment; a SYN sets the remote ISN */
    long inboundSeq(long scriptSeq, boolean syn) {
        if (syn) {
            remoteIsn = scriptSeq & MASK;
            return remoteIsn;
        }
        return (remoteIsn + scriptSeq) & MASK;
    }

    /** @return the wire acknowledgment number of an injected segment */
    long inboundAck(long scriptAck) {
        return (localIsn + scriptAck) & MASK;
    }

    /** @return a SACK edge of an injected segment, in the stack's sequence space */
    long inboundSackEdge(long scriptEdge) {
        return (localIsn + scriptEdge) & MASK;
    }

    /** @return an injected TS ecr, on the stack's clock once its offset is known */
    long inboundEcr(long scriptEcr) {
        return tsOffset == null ? scriptEcr & MASK : (scriptEcr + tsOffset) & MASK;
    }

    // ---------------------------------------------------------------- sent segments

    /** A sent SYN or SYN-ACK: its sequence number is the stack's ISN. */
    void learnLocalIsn(long wireSeq) {
        localIsn = wireSeq & MASK;
        localIsnKnown = true;
    }

    /** @return a sent segment's sequence number as the script writes it */
    long scriptSeq(long wireSeq) {
        return (wireSeq - localIsn) & MASK;
    }

    /** @return a sent segment's ack as the script writes it: absolute on a SYN, else relative */
    long scriptAck(long wireAck, boolean syn) {
        return syn ? wireAck & MASK : (wireAck - remoteIsn) & MASK;
    }

    /** @return a SACK edge of a sent segment, in the script's numbering of its own data */
    long outboundSackEdge(long scriptEdge) {
        return (remoteIsn + scriptEdge) & MASK;
    }

    /** @return a sent SACK edge as the script writes it */
    long scriptSackEdge(long wireEdge) {
        return (wireEdge - remoteIsn) & MASK;
    }

    /** Fixes the timestamp offset from the first TS val the stack sends. */
    void learnTimestamp(long scriptVal, long wireVal) {
        if (tsOffset == null) {
            tsOffset = (wireVal - scriptVal) & MASK;
        }
    }

    /** @return a sent TS val as the script would write it (as sent when the offset is unknown) */
    long scriptTsVal(long wireVal) {
        return tsOffset == null ? wireVal : (wireVal - tsOffset) & MASK;
    }
}
