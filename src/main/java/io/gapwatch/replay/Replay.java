package io.gapwatch.replay;

import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.diagnostics.Diagnostics;
import io.gapwatch.engine.diagnostics.ExternalWeights;
import io.gapwatch.engine.diagnostics.ModelReport;
import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.report.ReportJson;

import java.io.BufferedWriter;
import java.io.IOException;
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
 */
public final class Replay {

    private Replay() {
    }

    /**
     * @param shuffleSeed  null: file order every epoch
     * @param every        records between trajectory lines (used with a trajectory file)
     * @param trajectory   JSON Lines file for the curves, or null
     * @param weights      weights trained elsewhere, judged against the exact fit of the whole file beside the learners
     */
    public record Settings(Path csv, String target, ModelOptions model, Map<String, LearnerConfig> learners,
                           int epochs, Long shuffleSeed, long every, Path trajectory, List<Weights> weights) {
        public Settings {
            weights = List.copyOf(weights);
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
            }
            if (every < 1) {
                throw new IllegalArgumentException("every must be at least 1 record, got " + every);
            }
        }
    }

    /** Weights trained elsewhere, read from {@code file}: errors about them name it. */
    public record Weights(Path file, ExternalWeights weights) {
    }

    /** What a replay learned: the model after the last record and its report. */
    public record Result(String source, String target, Model model, ModelReport report) {
    }

    public static Result run(Settings settings, Progress progress) throws IOException, CsvFormatException {
        try (Writer trajectory = settings.trajectory() == null ? null
                : new BufferedWriter(Files.newBufferedWriter(settings.trajectory(), StandardCharsets.UTF_8))) {
            final Run run = new Run(settings, trajectory, progress);
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
            return new Result(settings.csv().toString(), settings.target(), run.model, report);
        }
    }

    private static final class Run {
        private final Settings settings;
        private final Writer trajectory;
        private final Progress progress;
        private Model model;
        private long records;

        Run(Settings settings, Writer trajectory, Progress progress) {
            this.settings = settings;
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
            if (trajectory != null && records % settings.every() == 0) {
                trajectory.write(ReportJson.compact().writeValueAsString(ReportJson.trajectoryPoint(Diagnostics.report(m), epoch, m.presented())));
                trajectory.write('\n');
            }
        }
    }
}
