package io.jnetstack.netfilter;

/** The five IPv4 hook points. Mirrors {@code enum nf_inet_hooks}. */
public enum NfHook {
    /** After ip_rcv's checks, before routing. */
    PRE_ROUTING,
    /** Before local delivery (ip_local_deliver). */
    LOCAL_IN,
    /** For packets being forwarded (ip_forward). */
    FORWARD,
    /** For locally generated packets (__ip_local_out). */
    LOCAL_OUT,
    /** Before the packet leaves (ip_output). */
    POST_ROUTING
}
