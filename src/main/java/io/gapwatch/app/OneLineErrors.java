package io.gapwatch.app;

import io.gapwatch.replay.CsvFormatException;
import picocli.CommandLine;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A user's mistake gets one line naming it, not a usage screen or a stack trace:
 * {@code gapwatch replay: Unknown option: '--fooo' (see gapwatch replay --help)}.
 * Anything else is a bug and keeps its stack trace.
 */
final class OneLineErrors implements CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {

    static final int USAGE = 2;
    static final int FAILED = 1;

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        final CommandLine cmd = e.getCommandLine();
        final String name = cmd.getCommandSpec().qualifiedName();
        cmd.getErr().println(name + ": " + message(e, cmd) + " (see " + name + " --help)");
        return USAGE;
    }

    // A misspelt option also leaves a required one missing; the misspelling is what the user needs to see.
    private static String message(CommandLine.ParameterException e, CommandLine cmd) {
        final java.util.List<String> unmatched = cmd.getUnmatchedArguments();
        if (e instanceof CommandLine.UnmatchedArgumentException || unmatched.isEmpty()) {
            return e instanceof CommandLine.UnmatchedArgumentException unknown && !unknown.getSuggestions().isEmpty()
                    ? e.getMessage() + "; did you mean " + String.join(" or ", unknown.getSuggestions()) + "?"
                    : e.getMessage();
        }
        final CommandLine.UnmatchedArgumentException unknown = new CommandLine.UnmatchedArgumentException(cmd, unmatched);
        return message(unknown, cmd);
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
        final String name = cmd.getCommandSpec().qualifiedName();
        if (e instanceof CsvFormatException || e instanceof UserError
                || e instanceof org.apache.kafka.common.config.ConfigException) {
            cmd.getErr().println(name + ": " + e.getMessage());
            return FAILED;
        }
        if (e instanceof IOException || e instanceof UncheckedIOException) {
            cmd.getErr().println(name + ": " + e);
            return FAILED;
        }
        throw e;
    }
}
