/**
 * Raw IPv4 sockets ({@code raw(7)}), after Linux's {@code net/ipv4/raw.c}:
 * {@link io.jnetstack.ipv4.raw.RawSock} sends ({@code raw_sendmsg}, {@code raw_send_hdrinc})
 * and receives ({@code raw_recvmsg}); {@link io.jnetstack.ipv4.raw.Raw} holds the sockets by
 * protocol and is the {@link io.jnetstack.ipv4.RawHandler} IPv4 input calls from
 * {@code ip_local_deliver_finish} ({@code raw_local_deliver}) and ICMP calls for errors
 * ({@code raw_icmp_error}).
 *
 * <p>Creating one needs CAP_NET_RAW in the namespace
 * ({@link io.jnetstack.socket.Sockets#setCallerCapNetRaw}, granted by default).
 */
package io.jnetstack.ipv4.raw;
