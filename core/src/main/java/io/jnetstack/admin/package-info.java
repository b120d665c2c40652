/**
 * Administration tools over a {@link io.jnetstack.core.Net}, with the command languages and
 * output formats of the Linux tools they stand for, so that a user of {@code ip}, {@code ping},
 * {@code nstat} and {@code sysctl} is at home:
 *
 * <ul>
 *   <li>{@link io.jnetstack.admin.IpTool}: {@code ip addr|link|route|rule|neigh} views and
 *       changes, as iproute2 prints and parses them;</li>
 *   <li>{@link io.jnetstack.admin.Ping}: ICMP echo with iputils {@code ping}'s options, output,
 *       statistics and exit codes, in virtual or real time;</li>
 *   <li>{@link io.jnetstack.admin.Nstat}: the SNMP counters as {@code /proc/net/snmp} and
 *       {@code nstat -az} show them;</li>
 *   <li>{@link io.jnetstack.admin.SysctlTool}: {@code sysctl [-w] name[=value]}.</li>
 * </ul>
 *
 * <p>A failure is an {@link io.jnetstack.admin.AdminException}: the errno, the exact text the
 * Linux tool would print and the exit status it would return.
 */
package io.jnetstack.admin;
