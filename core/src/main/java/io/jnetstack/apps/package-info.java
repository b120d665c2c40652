/**
 * Small applications over the stack's sockets, used by host mode, the demo, tests and
 * benchmarks: echo and discard services (RFC 862, RFC 863), an HTTP/1.1 file server and client,
 * and an iperf3 server. They use blocking calls on virtual threads, like ordinary socket programs;
 * the iperf3 server multiplexes its connections with {@code poll}, as iperf3 does.
 */
package io.jnetstack.apps;
