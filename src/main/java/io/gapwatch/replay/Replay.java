package io.gapwatch.replay;

import io.gapwatch.avro.HistoryPoint;
import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.diagnostics.Diagnostics;
import io.gapwatch.engine.diagnostics.ExternalWeights;
import io.gapwatch.engine.diagnostics.ModelReport;
import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.report.AvroJson;
import io.gapwatch.report.HistoryPoints;
import io.gapwatch.report.ReportJson;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Offline diagnosis: streams a CSV file through the same {@link Model} the stream processor runs,
 * record by record, so both produce the same numbers for the same records. K epochs pass over the
 * file K times (the seed users' epochs): the first pass is observed — the exact fit learns every
 * record once — and the later ones are revisits that only the learners train on, so epochs never
 * change the exact fit. With a shuffle seed every epoch visits the records in a fresh random order,
 * which needs the file in memory.
 *
 * <p>Every N records presented it can take a point of the model's history ({@link HistoryPoint}):
 * a full report, so the spacing decides what the history costs.
 */
public final class Replay {

    private Replay() {
    }

    /** Records between trajectory lines when neither the spacing is given nor the history kept. */
    public static final long DEFAULT_EVERY = 1000;

    /** History points a kept history aims at over the run when the spacing is not given: a smooth curve. */
    public static final int HISTORY_POINTS = 200;

    /** Coefficients up to which a kept history gets all {@link #HISTORY_POINTS}. */
    public static final int HISTORY_FULL_WIDTH = 128;

    /** Fewest points a kept history aims at, however wide the model. */
    public static final int HISTORY_MIN_POINTS = 10;

    /**
     * @param shuffleSeed  null: file order every epoch
 * @param every        records presented between history points; null: {@link #DEFAULT_EVERY}, or when the
     *                     history is kept, the spacing {@link #historyEvery} chooses
     * @param trajectory   JSON Lines file for the history points, or null
     * @param keepHistory  collect the history points in {@link Result#history()} (with the last report's as the last)
     * @param weights      weights trained elsewhere, judged against the exact fit of the whole file beside the learners
     */
    public record Settings(Path csv, String target, ModelOptions model, Map<String, LearnerConfig> learners,
                           int epochs, Long shuffleSeed, Long every, Path trajectory, boolean keepHistory, List<Weights> weights) {
        public Settings {
            weights = List.copyOf(weights);
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
            }
            if (every != null && every < 1) {
                throw new IllegalArgumentException("every must be at least 1 record, got " + every);
            }
        }
    }

    /** Weights trained elsewhere, read from {@code file}: errors about them name it. */
    public record Weights(Path file, ExternalWeights weights) {
    }

    /**
     * What a replay learned: the model after the last record, its report, and the history points
     * (empty unless kept) with the records presented between them.
     */
    public record Result(String source, String target, Model model, ModelReport report, List<HistoryPoint> history, long every) {
    }

    /**
     * The spacing of a kept history when none is given: about {@link #HISTORY_POINTS} points over the
     * records presented. Each point is a full report, whose SVDs cost O(p³), so a model with more than
     * {@link #HISTORY_FULL_WIDTH} coefficients aims at fewer, 200·(128/p)³, and never fewer than
     * {@link #HISTORY_MIN_POINTS} (a 600×600 kernel: 10 reports of about 0.8 s each).
     */
    public static long historyEvery(long presented, int parameters) {
        final double scale = Math.min(1.0, Math.pow((double) HISTORY_FULL_WIDTH / Math.max(1, parameters), 3));
        final long points = Math.max(HISTORY_MIN_POINTS, Math.round(HISTORY_POINTS * scale));
        return Math.max(1, (presented + points - 1) / points);
    }

    // lines after the header, counted as bytes: a cheap pass over the file, fields never hold a line break
    static long estimatedRows(Path csv) throws IOException {
        long lines = 0;
        int last = '\n';
        try (InputStream in = Files.newInputStream(csv)) {
            final byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
                last = buffer[n - 1];
            }
        }
        if (last != '\n') {
            lines++;
        }
        return Math.max(0, lines - 1);
    }

    public static Result run(Settings settings, Progress progress) throws IOException, CsvFormatException {
        final long every;
        if (settings.every() != null) {
            every = settings.every();
        } else if (settings.keepHistory()) {
            final int features;
            try (CsvRecordReader reader = CsvRecordReader.open(settings.csv(), settings.target())) {
                features = reader.featureNames().size();
            }
            final int parameters = features + (settings.model().exact().intercept() ? 1 : 0);
            every = historyEvery(estimatedRows(settings.csv()) * settings.epochs(), parameters);
        } else {
            every = DEFAULT_EVERY;
        }
        try (Writer trajectory = settings.trajectory() == null ? null
                : new BufferedWriter(Files.newBufferedWriter(settings.trajectory(), StandardCharsets.UTF_8))) {
            final Run run = new Run(settings, every, trajectory, progress);
            if (settings.shuffleSeed() == null) {
                for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
                    run.streamEpoch(epoch);
                }
            } else {
                run.shuffledEpochs();
            }
            progress.done(run.records);
            final ModelReport report = Diagnostics.report(run.model,
                    settings.weights().stream().map(Weights::weights).toList());
            if (settings.keepHistory() && run.records % every != 0) {
                // the curves end where the report does
                run.history.add(HistoryPoints.of(report, settings.epochs(), run.model.presented(), null));
            }
            return new Result(settings.csv().toString(), settings.target(), run.model, report, List.copyOf(run.history), every);
        }
    }

    private static final class Run {
        private final Settings settings;
        private final long every;
        private final Writer trajectory;
        private final Progress progress;
        private final List<HistoryPoint> history = new ArrayList<>();
        private Model model;
        private long records;

        Run(Settings settings, long every, Writer trajectory, Progress progress) {
            this.settings = settings;
            this.every = every;
            this.trajectory = trajectory;
            this.progress = progress;
        }

        private Model model(CsvRecordReader reader) throws CsvFormatException {
            if (model == null) {
                final List<String> names = reader.featureNames();
                if (names.isEmpty() && !settings.model().exact().intercept()) {
                    throw new CsvFormatException(reader.fileName() + ": no feature columns besides '" + settings.target()
                            + "', and --no-intercept leaves nothing to fit");
                }
                model = new Model(names, settings.model(), settings.learners());
                // before the first record: a weights file that cannot fit stops the replay now, not at its end
                for (Weights w : settings.weights()) {
                    try {
                        w.weights().checkFits(model);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--weights " + w.file() + ": " + e.getMessage(), e);
                    }
                }
            }
            return model;
        }

        void streamEpoch(int epoch) throws IOException, CsvFormatException {
            try (CsvRecordReader reader = CsvRecordReader.open(settings.csv(), settings.target())) {
                final Model m = model(reader);
                if (epoch > 1) {
                    m.startPass();
                }
                final double[] x = new double[reader.featureNames().size()];
                while (reader.next(x)) {
                    observe(m, x, reader.target(), epoch);
                    progress.update(records, (epoch - 1 + reader.fractionRead()) / settings.epochs());
                }
                if (reader.records() == 0) {
                    throw new CsvFormatException(reader.fileName() + ": no data rows after the header");
                }
            }
        }

        void shuffledEpochs() throws IOException, CsvFormatException {
            final List<double[]> rows = new ArrayList<>();
            final List<Double> targets = new ArrayList<>();
            try (CsvRecordReader reader = CsvRecordReader.open(settings.csv(), settings.target())) {
                model(reader);
                final int d = reader.featureNames().size();
                double[] x = new double[d];
                while (reader.next(x)) {
                    rows.add(x);
                    targets.add(reader.target());
                    x = new double[d];
                }
                if (rows.isEmpty()) {
                    throw new CsvFormatException(reader.fileName() + ": no data rows after the header");
                }
            }
            final int n = rows.size();
            final int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            final SplittableRandom random = new SplittableRandom(settings.shuffleSeed());
            for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
                if (epoch > 1) {
                    model.startPass();
                }
                // Fisher–Yates, a fresh order per epoch
                for (int i = n - 1; i > 0; i--) {
                    final int j = random.nextInt(i + 1);
                    final int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
                for (int i = 0; i < n; i++) {
                    observe(model, rows.get(order[i]), targets.get(order[i]), epoch);
                    progress.update(records, (epoch - 1 + (i + 1.0) / n) / settings.epochs());
                }
            }
        }

        private void observe(Model m, double[] x, double y, int epoch) throws IOException {
            if (epoch == 1) {
                m.observe(x, y);
            } else {
                m.revisit(x, y);
            }
            records++;
            if ((trajectory != null || settings.keepHistory()) && records % every == 0) {
                final HistoryPoint point = HistoryPoints.of(Diagnostics.report(m), epoch, m.presented(), null);
                if (trajectory != null) {
                    trajectory.write(ReportJson.compact().writeValueAsString(AvroJson.render(point)));
                    trajectory.write('\n');
                }
                if (settings.keepHistory()) {
                    history.add(point);
                }
            }
        }
    }
}
