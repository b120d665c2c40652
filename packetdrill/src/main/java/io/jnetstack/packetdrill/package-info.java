/**
 * A runner for packetdrill's {@code .pkt} scripts, written from the language's documented
 * behaviour.
 *
 * <p>Front end: {@link io.jnetstack.packetdrill.Lexer}, {@link io.jnetstack.packetdrill.Parser}
 * (with {@code PacketParser}) build a {@link io.jnetstack.packetdrill.Script};
 * {@link io.jnetstack.packetdrill.Classifier} lists the constructs it uses, and {@code Support}
 * decides before running which of them the runner lacks.
 *
 * <p>Execution ({@link io.jnetstack.packetdrill.Packetdrill#run}): each script gets a fresh
 * deterministic kernel ({@code Testbed}) with one namespace and the {@code ScriptTun} device
 * (L3, like packetdrill's TUN device). {@code ScriptRunner} walks the events in virtual time:
 * <ul>
 *   <li>{@code <} lines: {@code PacketBuilder} makes the packet, numbers mapped by the
 *       connection's {@code Flow} (ISNs, timestamps, ports), and it is injected;</li>
 *   <li>{@code >} lines: the stack runs until it sends or the tolerance window closes, and
 *       {@code PacketMatcher} compares (options through {@code TcpOptionCodec});</li>
 *   <li>system calls: {@code Syscalls} (with {@code Args}, {@code Sockopts}, {@code MsgCalls},
 *       {@code EpollCalls}) runs them on the socket API from user threads of the kernel, so a
 *       blocking call ({@code start...end}) parks inside the stack while the script goes on;</li>
 *   <li>shell lines: {@code ShellCommands} (sysctls, {@code tc qdisc} on the script's device,
 *       {@code DefaultsPreset} for {@code common/defaults.sh});</li>
 *   <li>{@code %{ }%} blocks: {@code CodeBlock} over the {@link io.jnetstack.packetdrill.TcpInfoSource}.</li>
 * </ul>
 * A script ends {@link io.jnetstack.packetdrill.Outcome PASSED}, FAILED (line, expected, actual) or
 * UNSUPPORTED (the construct); {@link io.jnetstack.packetdrill.PacketdrillMain} reports many.
 */
package io.jnetstack.packetdrill;
