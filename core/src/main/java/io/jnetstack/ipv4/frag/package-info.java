/**
 * IPv4 fragmentation and reassembly (RFC 791 §3.2, RFC 815, RFC 1122 §3.3.2), after Linux's
 * {@code ip_output.c} ({@code ip_fragment}, {@code ip_do_fragment}) and {@code ip_fragment.c} /
 * {@code inet_fragment.c} ({@code ip_defrag}).
 *
 * <p>The IPv4 layer calls {@link io.jnetstack.ipv4.frag.IpFragmenter} from
 * {@code ip_finish_output} and {@link io.jnetstack.ipv4.frag.IpDefrag} from
 * {@code ip_local_deliver} through the {@link io.jnetstack.ipv4.frag.FragContext} it implements,
 * so this package depends only on the core, the wire views, time and trace.
 */
package io.jnetstack.ipv4.frag;
