package io.jnetstack.packetdrill;

/**
 * How one script ended.
 *
 * @param status  PASSED, FAILED or UNSUPPORTED
 * @param line    the script line that failed or needs the unsupported construct; 0 when none
 * @param message what failed (expected and actual) or which construct is unsupported; empty on a pass
 */
public record Outcome(Status status, int line, String message) {

    /** The three outcomes. */
    public enum Status { PASSED, FAILED, UNSUPPORTED }

    /** @return a pass */
    static Outcome passed() {
        return new Outcome(Status.PASSED, 0, "");
    }

    /** @return a failure at {@code line} */
    static Outcome failed(int line, String message) {
        return new Outcome(Status.FAILED, line, message);
    }

    /** @return an unsupported script, naming the construct */
    static Outcome unsupported(int line, String construct) {
        return new Outcome(Status.UNSUPPORTED, line, construct);
    }

    @Override
    public String toString() {
        return status + (line > 0 ? " at line " + line : "") + (message.isEmpty() ? "" : ": " + message);
    }
}
