package io.jnetstack.packetdrill;

/**
 * A script's expectation did not hold: a packet, a return value, a time or an assertion.
 * Thrown inside the runner and turned into a FAIL result naming the line.
 */
final class ScriptFailure extends RuntimeException {

    private final int line;

    /**
     * @param line    the script line whose expectation failed
     * @param message what was expected and what happened
     */
    ScriptFailure(int line, String message) {
        super(message, null, false, false);
        this.line = line;
    }

    /** @return the script line */
    int line() {
        return line;
    }
}
