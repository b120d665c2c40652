package io.jnetstack.ipv4.tcp.cong;

/**
 * Told when HyStart ends a connection's slow start, so that the namespace can count it as
 * Linux's TcpExt counters do. Called on the thread processing the ACK; an implementation shared
 * by a namespace's connections must be thread-safe.
 */
@FunctionalInterface
public interface HystartListener {
    /** A listener that counts nothing. */
    HystartListener NONE = (how, cwnd) -> {
    };

    /**
     * HyStart set {@code ssthresh = cwnd}: add one to {@link Exit#detectCounter()} and
     * {@code cwnd} to {@link Exit#cwndCounter()}.
     */
    void exited(Exit how, int cwnd);

    /** How HyStart found the end of slow start, with the TcpExt counters each one bumps. */
    enum Exit {
        /** The ACK train of a round grew longer than half the minimum RTT. */
        ACK_TRAIN("TCPHystartTrainDetect", "TCPHystartTrainCwnd"),
        /** The round's minimum RTT rose above the connection's by the delay threshold. */
        DELAY("TCPHystartDelayDetect", "TCPHystartDelayCwnd");

        private final String detectCounter;
        private final String cwndCounter;

        Exit(String detectCounter, String cwndCounter) {
            this.detectCounter = detectCounter;
            this.cwndCounter = cwndCounter;
        }

        /** The TcpExt counter of exits this way ({@code TCPHystartTrainDetect}, ...). */
        public String detectCounter() {
            return detectCounter;
        }

        /** The TcpExt counter summing the windows at those exits ({@code TCPHystartTrainCwnd}, ...). */
        public String cwndCounter() {
            return cwndCounter;
        }
    }
}
