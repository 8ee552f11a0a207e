package io.gapwatch.benchmarks;

import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.diagnostics.Diagnostics;
import io.gapwatch.engine.diagnostics.ModelReport;
import io.gapwatch.engine.exact.SpectrumCheckpoint;
import io.gapwatch.engine.sgd.LearnerConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One diagnosis of a model with four learners (plain SGD, Adam, a standardizing and a whitening
 * SGD): the conditioning plus the gap of every learner.
 * <ul>
 *   <li>{@code young}: after 4·d records, before the first spectrum checkpoint: the report
 *       decomposes the factor (three SVDs), as every report did before checkpoints.</li>
 *   <li>{@code steady}: 4·d records after a checkpoint (at {@link SpectrumCheckpoint#EVERY_RECORDS}):
 *       the report checks the design against it in O(d²) and reuses its spectrum.</li>
 * </ul>
 * {@link #checkpoint} is what a model pays once every {@link SpectrumCheckpoint#EVERY_RECORDS} records.
 *
 * <pre>
 *   mvn -Pjmh test-compile exec:exec -Djmh.args="ReportBenchmark"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ReportBenchmark {

    @Param({"128", "512"})
    public int features;

    @Param({"young", "steady"})
    public String stage;

    private Model model;

    @Setup(Level.Trial)
    public void setUp() {
        final Random random = new Random(42);
        final List<String> names = new ArrayList<>();
        for (int j = 0; j < features; j++) {
            names.add("x" + j);
        }
        final Map<String, LearnerConfig> learners = new LinkedHashMap<>();
        learners.put("sgd", LearnerConfig.parse(Map.of("optimizer", "sgd", "lr", "0.001")));
        learners.put("adam", LearnerConfig.parse(Map.of("optimizer", "adam", "lr", "0.001")));
        learners.put("standardized", LearnerConfig.parse(Map.of("optimizer", "sgd", "lr", "0.001", "standardize", "true")));
        learners.put("whitened", LearnerConfig.parse(Map.of("optimizer", "sgd", "lr", "0.01", "whiten", "true")));
        model = new Model(names, ModelOptions.DEFAULTS, learners);
        final double[] x = new double[features];
        final long records = ("steady".equals(stage) ? SpectrumCheckpoint.EVERY_RECORDS : 0) + 4L * features;
        for (long i = 0; i < records; i++) {
            double y = 0.0;
            for (int j = 0; j < features; j++) {
                x[j] = random.nextGaussian();
                y += x[j] / (j + 1);
            }
            model.observe(x, y + random.nextGaussian());
        }
    }

    @Benchmark
    public ModelReport report() {
        return Diagnostics.report(model);
    }

    @Benchmark
    public SpectrumCheckpoint checkpoint() {
        return SpectrumCheckpoint.take(model.exact(), model.featureNames());
    }
}
