package io.jnetstack.packetdrill;

import java.util.List;

/** What an {@link Event} does. */
public sealed interface EventKind {

    /**
     * A system call and its expected outcome: {@code name(args) = result [ERRNO] [(note)]}.
     *
     * @param name   the call, such as {@code setsockopt}
     * @param args   its arguments
     * @param result the expected return value
     * @param errno  the expected errno name, such as {@code EINPROGRESS}, or null
     * @param note   the parenthesized text after the result, or null
     */
    record SyscallEvent(String name, List<Expr> args, Expr result, String errno, String note)
            implements EventKind {

        /** Copies the argument list. */
        public SyscallEvent {
            args = List.copyOf(args);
        }
    }

    /**
     * A packet the script injects ({@code <}) or expects the stack to send ({@code >}).
     *
     * @param inbound true for {@code <} (toward the stack)
     * @param packet  the packet
     */
    record PacketEvent(boolean inbound, Packet packet) implements EventKind { }

    /**
     * A back-quoted shell block.
     *
     * @param command its text, possibly several lines
     */
    record ShellEvent(String command) implements EventKind { }

    /**
     * A {@code %{ ... }%} block of Python code, kept as written.
     *
     * @param code its text
     */
    record CodeEvent(String code) implements EventKind { }

    /**
     * A {@code --name[=value]} line.
     *
     * @param name  the option's name
     * @param value its value, or null when none was given
     */
    record OptionEvent(String name, String value) implements EventKind { }
}
