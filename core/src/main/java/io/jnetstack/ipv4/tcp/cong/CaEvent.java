package io.jnetstack.ipv4.tcp.cong;

/** Events a congestion control is told about. Mirrors {@code enum tcp_ca_event}. */
public enum CaEvent {
    /** The first transmission when nothing was in flight ({@code CA_EVENT_TX_START}). */
    TX_START,
    /** The window restarts after idle ({@code CA_EVENT_CWND_RESTART}). */
    CWND_RESTART,
    /** The end of a window reduction ({@code CA_EVENT_COMPLETE_CWR}). */
    COMPLETE_CWR,
    /** A retransmission timeout ({@code CA_EVENT_LOSS}). */
    LOSS,
    /** An ECN-capable segment without CE ({@code CA_EVENT_ECN_NO_CE}). */
    ECN_NO_CE,
    /** A segment marked CE ({@code CA_EVENT_ECN_IS_CE}). */
    ECN_IS_CE
}
