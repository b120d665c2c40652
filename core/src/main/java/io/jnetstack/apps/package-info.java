/**
 * Small applications over the stack's sockets, used by host mode, the demo, tests and
 * benchmarks: echo and discard services (RFC 862, RFC 863), an HTTP/1.1 file server and client.
 * They use blocking calls on virtual threads, like ordinary socket programs.
 */
package io.jnetstack.apps;
