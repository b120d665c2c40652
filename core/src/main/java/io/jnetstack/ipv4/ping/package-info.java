/**
 * ICMP ping sockets ({@code socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)}), after Linux's
 * {@code net/ipv4/ping.c}: {@link io.jnetstack.ipv4.ping.PingSock} sends echo requests and
 * receives their replies; {@link io.jnetstack.ipv4.ping.PingTable} holds the sockets by echo
 * identifier and is the {@link io.jnetstack.ipv4.PingHandler} ICMP calls for echo replies
 * ({@code ping_rcv}) and for errors quoting echo requests ({@code ping_err}).
 *
 * <p>As on Linux, they are for the groups in {@code net.ipv4.ping_group_range}, whose default
 * ("1 0") admits nobody: widen it per namespace (systemd sets "0 2147483647") or set the
 * caller's group ({@link io.jnetstack.socket.Sockets#setCallerGid}, default 0). The admin
 * {@code ping} falls back to a raw socket when refused, as iputils does.
 */
package io.jnetstack.ipv4.ping;
