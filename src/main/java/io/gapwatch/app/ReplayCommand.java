package io.gapwatch.app;

import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.exact.LeastSquaresOptions;
import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.replay.CsvFormatException;
import io.gapwatch.replay.Progress;
import io.gapwatch.replay.Replay;
import io.gapwatch.report.DiagnosisRecords;
import io.gapwatch.report.HtmlReport;
import io.gapwatch.report.ReportJson;
import io.gapwatch.report.TextSummary;
import io.gapwatch.report.WeightsJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code gapwatch replay}: diagnose a CSV file offline with the same engine the stream processor runs. */
@Command(name = "replay",
        mixinStandardHelpOptions = true,
        description = {
                "Streams a CSV file through the exact least-squares fit and your online learners, record by record,",
                "holds each learner against the exact fit, prints the gap and its causes, and can write it all as JSON.",
                "The file needs a header row; the target column is named by --target, every other column is a feature."})
final class ReplayCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--csv", required = true, paramLabel = "FILE", description = "CSV file with a header row.")
    Path csv;

    @Option(names = "--target", required = true, paramLabel = "COLUMN", description = "Name of the target column.")
    String target;

    @Option(names = "--learner", paramLabel = "NAME:key=value,…",
            description = "A learner to hold against the exact fit, e.g. sgd1:optimizer=sgd,lr=0.001. Repeatable. "
                    + "Without any: sgd (lr=0.01) and adam (lr=0.001).")
    List<String> learners;

    @Option(names = "--no-learners", description = "The exact fit and its diagnosis alone: no learner (streams any file in bounded memory).")
    boolean noLearners;

    @Option(names = "--weights", paramLabel = "FILE",
            description = "Weights your own training produced, as JSON {\"name\": …, \"intercept\": b, \"weights\": [w1, …, wd]}, "
                    + "judged against the exact fit of the whole file beside the learners. Repeatable. Without --learner, "
                    + "no learner runs: the weights are judged alone.")
    List<Path> weights;

    @Option(names = "--epochs", paramLabel = "K", defaultValue = "1",
            description = "Passes over the file for the learners; the exact fit learns each record once. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--shuffle", paramLabel = "SEED", description = "Visit the records in a fresh random order each epoch (loads the file in memory).")
    Long shuffle;

    @Option(names = "--every", paramLabel = "N",
            description = "Records presented between history points (trajectory lines, report curves). "
                    + "Default: 1000; with --html, spaced for about 200 points over the run (fewer for models over 128 coefficients).")
    Long every;

    @Option(names = "--trajectory", paramLabel = "OUT.jsonl", description = "Write one JSON line of the learners' numbers every N records.")
    Path trajectory;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Write a self-contained HTML report with charts of the diagnosis and its history (no network needed to view it).")
    Path html;

    @Option(names = "--window", paramLabel = "N", defaultValue = "" + ModelOptions.DEFAULT_WINDOW,
            description = "Records over which gradient norms and update ratios are averaged and drift is measured. Default: ${DEFAULT-VALUE}.")
    int window;

    @Option(names = "--no-intercept", description = "Fit without an intercept (scikit-learn's fit_intercept=False).")
    boolean noIntercept;

    @Option(names = "--forgetting", paramLabel = "λ", defaultValue = "1",
            description = "Forgetting factor in (0, 1]: each record weighs λ^age. Default: ${DEFAULT-VALUE} (all history).")
    double forgetting;

    @Option(names = "--ridge", paramLabel = "α", defaultValue = "0",
            description = "L2 penalty α >= 0 on the exact fit's weights, never on the intercept. Default: ${DEFAULT-VALUE}.")
    double ridge;

    @Option(names = "--json", paramLabel = "OUT", description = "Write the diagnosis as JSON to this file ('-' for stdout).")
    Path json;

    @Override
    public Integer call() throws IOException, CsvFormatException {
        final Replay.Settings settings = settings();
        final PrintWriter out = spec.commandLine().getOut();
        final Replay.Result result;
        try {
            result = Replay.run(settings, Progress.onStderr("replay"));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage()); // a learner that cannot run on this data, named
        }
        final boolean jsonToStdout = json != null && json.toString().equals("-");
        if (!jsonToStdout) {
            TextSummary.print(out, result.source(), result.target(), result.report());
        }
        if (json != null) {
            final String text = ReportJson.mapper().writeValueAsString(
                    ReportJson.summary(csv.getFileName().toString(), result.target(), window, result.report())) + System.lineSeparator();
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
        if (html != null) {
            final String page = HtmlReport.render(
                    DiagnosisRecords.diagnosis(csv.getFileName().toString(), result.target(), window, result.report()), result.history());
            try {
                Files.writeString(html, page, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UserError("cannot write --html " + html + ": " + e.getMessage());
            }
            if (!jsonToStdout) {
                out.printf("%nreport: %s (%d history points, one every %,d records presented)%n", html, result.history().size(), result.every());
            }
        }
        out.flush();
        return 0;
    }

    private Replay.Settings settings() {
        if (!(forgetting > 0.0 && forgetting <= 1.0)) {
            throw bad("--forgetting must be in (0, 1], got " + forgetting);
        }
        if (!(ridge >= 0.0 && Double.isFinite(ridge))) {
            throw bad("--ridge must be finite and >= 0, got " + ridge);
        }
        if (epochs < 1) {
            throw bad("--epochs must be at least 1, got " + epochs);
        }
        if (window < 1) {
            throw bad("--window must be at least 1, got " + window);
        }
        if (every != null && every < 1) {
            throw bad("--every must be at least 1, got " + every);
        }
        if (every != null && trajectory == null && html == null) {
            throw bad("--every sets the spacing of --trajectory lines and --html curves; give one of them too");
        }
        if (noLearners && learners != null && !learners.isEmpty()) {
            throw bad("--no-learners runs the exact fit alone; drop it or the --learner options");
        }
        final List<Replay.Weights> judged = readWeights();
        // weights alone ask for their own judgement: the default learners run only when nothing else is asked
        final boolean onlyWeights = !judged.isEmpty() && (learners == null || learners.isEmpty());
        final Map<String, LearnerConfig> configs;
        try {
            // without an intercept in the exact fit, learners go without one too unless they say otherwise
            configs = noLearners || onlyWeights ? Map.of()
                    : LearnerArguments.parse(learners, noIntercept ? Map.of("intercept", "false") : Map.of());
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
        final java.util.Set<String> names = new java.util.HashSet<>(configs.keySet());
        for (Replay.Weights w : judged) {
            if (!names.add(w.weights().name())) {
                throw new UserError("--weights " + w.file() + ": the name '" + w.weights().name()
                        + "' is already a learner's or another file's; give it its own with \"name\"");
            }
        }
        final ModelOptions model = new ModelOptions(new LeastSquaresOptions(!noIntercept, forgetting, ridge), window);
        // fail before the replay, not after it: an unwritable output would waste the run
        writable("--trajectory", trajectory);
        writable("--html", html);
        return new Replay.Settings(csv, target, model, configs, epochs, shuffle, every, trajectory, html != null, judged);
    }

    private static void writable(String option, Path file) {
        if (file != null) {
            try {
                Files.newBufferedWriter(file, StandardCharsets.UTF_8).close();
            } catch (IOException e) {
                throw new UserError("cannot write " + option + " " + file + ": " + e.getMessage());
            }
        }
    }

    /** Every --weights file read and checked before any record is: a bad one stops the replay with one line naming it. */
    private List<Replay.Weights> readWeights() {
        final List<Replay.Weights> judged = new java.util.ArrayList<>();
        for (Path file : weights == null ? List.<Path>of() : weights) {
            final byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new UserError("--weights " + file + ": no such file");
            } catch (IOException e) {
                throw new UserError("--weights " + file + ": cannot read it: " + e.getMessage());
            }
            try {
                judged.add(new Replay.Weights(file, WeightsJson.parse(bytes, defaultName(file))));
            } catch (WeightsJson.Invalid e) {
                throw new UserError("--weights " + file + ": " + e.getMessage());
            }
        }
        return judged;
    }

    /** The file's name without .json, in the characters a name may have: "sgd run 2.json" → "sgd_run_2". */
    static String defaultName(Path file) {
        String name = file.getFileName().toString();
        if (name.toLowerCase(java.util.Locale.ROOT).endsWith(".json")) {
            name = name.substring(0, name.length() - ".json".length());
        }
        name = name.replaceAll("[^A-Za-z0-9_.-]", "_");
        if (name.isEmpty()) {
            name = "weights";
        }
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    private CommandLine.ParameterException bad(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
