/**
 * Pluggable TCP congestion control, after Linux's {@code struct tcp_congestion_ops}.
 *
 * <ul>
 *   <li>{@link io.jnetstack.ipv4.tcp.cong.CongestionControl}: the operations an algorithm
 *       offers; an instance per connection holds its state (Linux's {@code icsk_ca_priv}).</li>
 *   <li>{@link io.jnetstack.ipv4.tcp.cong.CongestionState}: the connection's fields an
 *       algorithm reads and writes (windows in segments, times in microseconds).</li>
 *   <li>{@link io.jnetstack.ipv4.tcp.cong.TcpCong}: slow start, additive increase and undo,
 *       shared by the algorithms as {@code tcp_cong.c} shares them.</li>
 *   <li>{@link io.jnetstack.ipv4.tcp.cong.Cubic}: CUBIC (RFC 9438) with HyStart, Linux's
 *       default ({@code tcp_cubic.c}); its tunables are
 *       {@link io.jnetstack.ipv4.tcp.cong.CubicParams}, and HyStart's exits reach a
 *       {@link io.jnetstack.ipv4.tcp.cong.HystartListener} for the TcpExt counters.</li>
 *   <li>{@link io.jnetstack.ipv4.tcp.cong.CongestionControls}: the algorithms a namespace
 *       offers by name ({@code net.ipv4.tcp_available_congestion_control}).</li>
 * </ul>
 */
package io.jnetstack.ipv4.tcp.cong;
