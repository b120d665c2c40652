/**
 * jnetstack: a TCP/IP stack for the JVM, built after the Linux kernel's IPv4 stack.
 *
 * <p>Packages mirror the kernel's layers: {@code core} (packet buffers, devices, NAPI, qdiscs),
 * {@code link} (loopback, veth, TAP/TUN), {@code wire} (header views and checksums),
 * {@code time} (clocks and the timer wheel), {@code trace} (packet journeys) and
 * {@code capture} (pcapng).
 */
package io.jnetstack;
