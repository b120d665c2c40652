package io.jnetstack.packetdrill;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one packetdrill script against a fresh stack: parse, check that the runner implements
 * every construct it uses, then execute it in virtual time ({@link ScriptRunner}) on a thread of
 * its own, guarded by a wall-clock limit so that no script can hang or crash the caller.
 */
public final class Packetdrill {

    private Packetdrill() {
    }

    /**
     * @param script the .pkt file
     * @param config how to run it
     * @return how it ended; a parse or read error is a failure
     */
    public static Outcome run(Path script, RunConfig config) {
        Script parsed;
        try {
            parsed = Parser.parse(script);
        } catch (ParseException e) {
            return Outcome.failed(e.line(), "parse error: " + e.detail());
        } catch (IOException | RuntimeException e) {
            return Outcome.failed(0, "cannot read " + script + ": " + e);
        }
        return run(parsed, config);
    }

    /**
     * @param name   a name for messages
     * @param text   the script's text
     * @param config how to run it
     * @return how it ended
     */
    public static Outcome run(String name, String text, RunConfig config) {
        try {
            return run(Parser.parse(name, text), config);
        } catch (ParseException e) {
            return Outcome.failed(e.line(), "parse error: " + e.detail());
        }
    }

    /**
     * @param script a parsed script
     * @param config how to run it
     * @return how it ended
     */
    public static Outcome run(Script script, RunConfig config) {
        List<String> unsupported;
        try {
            unsupported = Support.unsupported(script);
        } catch (RuntimeException e) {
            return Outcome.failed(0, "runner error while classifying: " + e);
        }
        if (!unsupported.isEmpty()) {
            return Outcome.unsupported(0, String.join("; ", unsupported));
        }
        return guarded(script, config);
    }

    private static Outcome guarded(Script script, RunConfig config) {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().daemon().name("packetdrill " + script.file()).unstarted(() -> {
            try {
                result.complete(new ScriptRunner(script, config).run());
            } catch (Throwable e) {
                result.complete(Outcome.failed(0, "runner error: " + e));
            }
        });
        t.start();
        try {
            return result.get(config.wallClock().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            t.interrupt();
            long ms = config.wallClock().toMillis();
            return Outcome.failed(0, "runner timeout (" + (ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms")
                    + " wall clock)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.failed(0, "runner interrupted");
        } catch (ExecutionException e) {
            return Outcome.failed(0, "runner error: " + e.getCause());
        }
    }
}
