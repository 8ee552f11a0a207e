package io.gapwatch.benchmarks;

import io.gapwatch.engine.exact.LeastSquaresOptions;
import io.gapwatch.engine.exact.StreamingLeastSquares;
import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.engine.sgd.OnlineLearner;
import io.gapwatch.engine.sgd.Preconditioner;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * One record through one learner, as the model runs it: predict (test), then train. Compare with
 * {@code ExactUpdateBenchmark.gapwatchUpdate} at the same d: the target is a step under 10% of the
 * exact update at d = 128, and no allocation ({@code -prof gc}).
 *
 * <pre>
 *   mvn -Pjmh test-compile exec:exec -Djmh.args="LearnerStepBenchmark -prof gc"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LearnerStepBenchmark {

    @Param({"8", "128", "512"})
    public int features;

    @Param({"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "sgd-standardize"})
    public String optimizer;

    private double[][] rows;
    private double[] targets;
    private GaussianRecords records;
    private OnlineLearner learner;
    private Preconditioner whitening;

    @Setup(Level.Trial)
    public void setUp() {
        records = new GaussianRecords(features, 42);
        rows = records.rows;
        targets = records.targets;
        final String settings = optimizer.equals("sgd-standardize")
                ? "optimizer=sgd,lr=1e-4,standardize=true"
                : "optimizer=" + optimizer + ",lr=1e-4" + (optimizer.equals("adamw") ? ",weight-decay=0.01" : "");
        learner = new OnlineLearner("bench", LearnerConfig.parse(LearnerConfig.splitPairs(settings)), features, 1000);
        final StreamingLeastSquares exact = new StreamingLeastSquares(features, LeastSquaresOptions.ORDINARY);
        whitening = exact::applyInverseSecondMoment;
        for (int i = 0; i < 4 * features; i++) {
            exact.update(rows[i % GaussianRecords.COUNT], targets[i % GaussianRecords.COUNT]);
            learner.train(rows[i % GaussianRecords.COUNT], targets[i % GaussianRecords.COUNT], whitening);
        }
    }

    /** Test, then train: the prediction before the step, and the step. */
    @Benchmark
    public void observe(Blackhole blackhole) {
        final int i = records.next();
        blackhole.consume(learner.observe(rows[i], targets[i], whitening));
    }

    /** A learner that diverged stops stepping: timing it would measure nothing. */
    @TearDown(Level.Trial)
    public void checkStillLearning() {
        if (learner.divergences() > 0) {
            throw new IllegalStateException(optimizer + " at d = " + features + " diverged: the timing is void");
        }
    }
}
