package io.gapwatch.benchmarks;

import io.gapwatch.engine.exact.LeastSquaresOptions;
import io.gapwatch.engine.exact.StreamingLeastSquares;
import org.apache.commons.math3.stat.regression.MillerUpdatingRegression;
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
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * One record into the exact fit, gapwatch's Gentleman update next to Commons Math's
 * MillerUpdatingRegression (AS 274, the best-known streaming exact regression on the JVM), in the
 * same run. Both keep an intercept and start from a factor that has already seen 4·d records.
 *
 * <pre>
 *   mvn -Pjmh test-compile exec:exec -Djmh.args="ExactUpdateBenchmark -prof gc"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class ExactUpdateBenchmark {

    @Param({"8", "32", "128", "512"})
    public int features;

    private double[][] rows;
    private double[] targets;
    private GaussianRecords records;

    private StreamingLeastSquares gapwatch;
    private StreamingLeastSquares forgetting;
    private MillerUpdatingRegression miller;

    @Setup(Level.Trial)
    public void setUp() {
        records = new GaussianRecords(features, 42);
        rows = records.rows;
        targets = records.targets;
        gapwatch = new StreamingLeastSquares(features, LeastSquaresOptions.ORDINARY);
        forgetting = new StreamingLeastSquares(features, new LeastSquaresOptions(true, 0.999, 0.0));
        miller = new MillerUpdatingRegression(features, true);
        for (int i = 0; i < 4 * features; i++) {
            gapwatch.update(rows[i % GaussianRecords.COUNT], targets[i % GaussianRecords.COUNT]);
            forgetting.update(rows[i % GaussianRecords.COUNT], targets[i % GaussianRecords.COUNT]);
            miller.addObservation(rows[i % GaussianRecords.COUNT], targets[i % GaussianRecords.COUNT]);
        }
    }

    /** The per-record update: Gentleman rotations of one row into D^½ R̄, O(p²). */
    @Benchmark
    public void gapwatchUpdate() {
        final int i = records.next();
        gapwatch.update(rows[i], targets[i]);
    }

    /** The same with forgetting λ = 0.999, which adds an O(p) scaling of D. */
    @Benchmark
    public void gapwatchUpdateForgetting() {
        final int i = records.next();
        forgetting.update(rows[i], targets[i]);
    }

    /** AS 274's include(), as Commons Math 3.6.1 ships it. */
    @Benchmark
    public void millerAddObservation() {
        final int i = records.next();
        miller.addObservation(rows[i], targets[i]);
    }

    /** Update, then the solution and a prediction: what test-then-train costs per record. */
    @Benchmark
    public void gapwatchUpdateSolvePredict(Blackhole blackhole) {
        final int i = records.next();
        gapwatch.update(rows[i], targets[i]);
        blackhole.consume(gapwatch.predict(rows[(i + 1) & (GaussianRecords.COUNT - 1)]));
    }
}
