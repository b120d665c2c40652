package io.jnetstack.packetdrill;

/**
 * The script needs something the runner or the stack does not provide (a system call, a shell
 * command, a sysctl, a socket option, a TCP_INFO field). Turned into an UNSUPPORTED result
 * naming the construct.
 */
final class UnsupportedConstruct extends RuntimeException {

    private final int line;
    private final String construct;

    /**
     * @param line      the script line that needs it, or 0 when it is not tied to one line
     * @param construct what is missing, such as {@code sysctl net.ipv4.tcp_rmem}
     */
    UnsupportedConstruct(int line, String construct) {
        super(construct, null, false, false);
        this.line = line;
        this.construct = construct;
    }

    /** @return the script line, or 0 */
    int line() {
        return line;
    }

    /** @return what is missing */
    String construct() {
        return construct;
    }
}
