/**
 * Linux TUN/TAP access for the stack: {@link io.jnetstack.link.tuntap.TunTapFile} opens a queue
 * of a TAP (Ethernet frames) or TUN (IP packets) interface through {@code /dev/net/tun} with the
 * Foreign Function &amp; Memory API, so the stack can exchange real frames with the Linux kernel;
 * failures are {@link io.jnetstack.link.tuntap.TunTapException}s typed by {@code errno}.
 *
 * <p>The JVM needs {@code --enable-native-access=ALL-UNNAMED} (or the module's name), and
 * creating interfaces needs root or {@code CAP_NET_ADMIN}.
 */
package io.jnetstack.link.tuntap;
