package io.jnetstack.core;

/** What happened to a device. Mirrors the {@code NETDEV_*} notifier events. */
public enum NetdevEvent {
    /** Registered in a namespace. */
    REGISTER,
    /** Brought up. */
    UP,
    /** Brought down. */
    DOWN,
    /** Carrier or flags changed. */
    CHANGE,
    /** MTU changed. */
    CHANGEMTU,
    /** Hardware address changed. */
    CHANGEADDR,
    /** About to leave its namespace. */
    UNREGISTER
}
