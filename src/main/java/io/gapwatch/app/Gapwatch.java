package io.gapwatch.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code gapwatch} command line: a thin launcher. Each subcommand parses its arguments and
 * hands over to the package that does the work.
 */
@Command(name = "gapwatch",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Holds online SGD learners against the exact least-squares fit and explains the gap.",
        subcommands = {RunCommand.class, ProduceCommand.class, DemoCommand.class, SeedsCommand.class, ReplayCommand.class, DocsCommand.class, CommandLine.HelpCommand.class})
public final class Gapwatch implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // UTF-8 whatever the locale: summaries print λ, α, R² and −.
        final PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        final PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(commandLine(out, err).execute(args));
    }

    /** The configured command line, shared by {@link #main} and the tests. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        final CommandLine commandLine = new CommandLine(new Gapwatch());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler(new OneLineErrors());
        commandLine.setExecutionExceptionHandler(new OneLineErrors());
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
