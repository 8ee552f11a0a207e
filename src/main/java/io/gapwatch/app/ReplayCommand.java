package io.gapwatch.app;

import io.gapwatch.engine.exact.LeastSquaresOptions;
import io.gapwatch.replay.CsvFormatException;
import io.gapwatch.replay.Progress;
import io.gapwatch.replay.Replay;
import io.gapwatch.report.ReportJson;
import io.gapwatch.report.TextSummary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code gapwatch replay}: diagnose a CSV file offline with the same engine the stream processor runs. */
@Command(name = "replay",
        mixinStandardHelpOptions = true,
        description = {
                "Streams a CSV file through the exact least-squares estimator record by record, prints a summary,",
                "and optionally writes the full diagnosis as JSON.",
                "The file needs a header row; the target column is named by --target, every other column is a feature."})
final class ReplayCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--csv", required = true, paramLabel = "FILE", description = "CSV file with a header row.")
    Path csv;

    @Option(names = "--target", required = true, paramLabel = "COLUMN", description = "Name of the target column.")
    String target;

    @Option(names = "--no-intercept", description = "Fit without an intercept (scikit-learn's fit_intercept=False).")
    boolean noIntercept;

    @Option(names = "--forgetting", paramLabel = "λ", defaultValue = "1",
            description = "Forgetting factor in (0, 1]: each record weighs λ^age. Default: ${DEFAULT-VALUE} (all history).")
    double forgetting;

    @Option(names = "--ridge", paramLabel = "α", defaultValue = "0",
            description = "L2 penalty α >= 0 on the weights, never on the intercept. Default: ${DEFAULT-VALUE}.")
    double ridge;

    @Option(names = "--json", paramLabel = "OUT", description = "Write the diagnosis as JSON to this file ('-' for stdout).")
    Path json;

    @Override
    public Integer call() throws IOException, CsvFormatException {
        final LeastSquaresOptions options = options();
        final PrintWriter out = spec.commandLine().getOut();
        final Replay.Result result = Replay.run(csv, target, options, Progress.onStderr("replay"));
        final boolean jsonToStdout = json != null && json.toString().equals("-");
        if (!jsonToStdout) {
            TextSummary.print(out, result.source(), result.target(), result.featureNames(), result.exact(), result.conditioning());
        }
        if (json != null) {
            final var node = ReportJson.summary(result.exact().count(), result.target(), result.featureNames(),
                    result.exact(), result.conditioning());
            final String text = ReportJson.mapper().writeValueAsString(node) + System.lineSeparator();
            if (jsonToStdout) {
                out.print(text);
            } else {
                try {
                    Files.writeString(json, text, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UserError("cannot write --json " + json + ": " + e.getMessage());
                }
            }
        }
        out.flush();
        return 0;
    }

    private LeastSquaresOptions options() {
        if (!(forgetting > 0.0 && forgetting <= 1.0)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--forgetting must be in (0, 1], got " + forgetting);
        }
        if (!(ridge >= 0.0 && Double.isFinite(ridge))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ridge must be finite and >= 0, got " + ridge);
        }
        return new LeastSquaresOptions(!noIntercept, forgetting, ridge);
    }
}
