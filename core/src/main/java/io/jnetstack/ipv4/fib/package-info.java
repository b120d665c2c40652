/**
 * IPv4 routing: the forwarding information base. Mirrors {@code net/ipv4/fib_trie.c},
 * {@code fib_semantics.c}, {@code fib_frontend.c} and {@code fib_rules.c}.
 *
 * <ul>
 *   <li>{@link io.jnetstack.ipv4.fib.FibTrie}: longest-prefix match over 32-bit keys in
 *       primitive arrays (a 16-8-8 multibit trie with leaf pushing);</li>
 *   <li>{@link io.jnetstack.ipv4.fib.Route}, {@link io.jnetstack.ipv4.fib.NextHop},
 *       {@link io.jnetstack.ipv4.fib.RouteMetrics}, {@link io.jnetstack.ipv4.fib.RouteType},
 *       {@link io.jnetstack.ipv4.fib.Scope}: the route model of {@code ip route};</li>
 *   <li>{@link io.jnetstack.ipv4.fib.FibTable}: one table with Linux's insert, delete and lookup
 *       semantics (TOS, priority, dead nexthops, backtracking);</li>
 *   <li>{@link io.jnetstack.ipv4.fib.FibRule} and {@link io.jnetstack.ipv4.fib.FibRules}: policy
 *       routing ({@code ip rule});</li>
 *   <li>{@link io.jnetstack.ipv4.fib.Fib}: a namespace's tables and rules, and
 *       {@code fib_lookup()} with a reusable {@link io.jnetstack.ipv4.fib.FlowKey} and
 *       {@link io.jnetstack.ipv4.fib.FibResult}, so a route lookup allocates nothing.</li>
 * </ul>
 *
 * <p>Addresses are {@code int}s in network order: {@code 192.0.2.1} is {@code 0xC0000201}.
 */
package io.jnetstack.ipv4.fib;
