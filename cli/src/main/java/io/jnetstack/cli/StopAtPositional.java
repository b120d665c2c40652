package io.jnetstack.cli;

import picocli.CommandLine;

/**
 * Makes a command treat everything from its first positional argument on as arguments, so that
 * the words of another tool's language ({@code ip -s link}, {@code route show -s}, {@code --})
 * reach it untouched.
 */
public final class StopAtPositional implements CommandLine.IModelTransformer {
    /** Picocli instantiates it. */
    public StopAtPositional() {
    }

    @Override
    public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec spec) {
        spec.parser().stopAtPositional(true);
        return spec;
    }
}
