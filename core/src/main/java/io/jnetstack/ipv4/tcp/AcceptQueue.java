package io.jnetstack.ipv4.tcp;

import java.util.ArrayDeque;

/**
 * What only a listening socket keeps: the children waiting for accept() and the counts of its
 * SYN queue. Mirrors {@code icsk_accept_queue} ({@code struct request_sock_queue}) with
 * {@code sk_max_ack_backlog}. Made by the first listen(), so that a connected socket carries
 * none of it.
 */
final class AcceptQueue extends ArrayDeque<TcpSock> {
    /** The backlog given to listen(), capped by {@code net.core.somaxconn} ({@code sk_max_ack_backlog}). */
    int maxBacklog;
    /** Requests in the SYN queue ({@code qlen}). */
    int synQueueLen;
    /** Requests in the SYN queue whose SYN-ACK never timed out ({@code young}). */
    int synQueueYoung;
    /** When the SYN queue last overflowed, clock nanoseconds, 0 for never ({@code synq_overflow_ts}). */
    long lastSynOverflow;
}
