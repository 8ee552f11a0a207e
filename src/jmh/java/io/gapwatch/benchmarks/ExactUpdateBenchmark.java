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

import java.util.Random;
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

    private static final int ROWS = 1024;
    private double[][] rows;
    private double[] targets;
    private int next;

    private StreamingLeastSquares gapwatch;
    private StreamingLeastSquares forgetting;
    private MillerUpdatingRegression miller;

    @Setup(Level.Trial)
    public void setUp() {
        final Random random = new Random(42);
        rows = new double[ROWS][features];
        targets = new double[ROWS];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < features; j++) {
                rows[i][j] = random.nextGaussian();
            }
            targets[i] = random.nextGaussian();
        }
        gapwatch = new StreamingLeastSquares(features, LeastSquaresOptions.ORDINARY);
        forgetting = new StreamingLeastSquares(features, new LeastSquaresOptions(true, 0.999, 0.0));
        miller = new MillerUpdatingRegression(features, true);
        for (int i = 0; i < 4 * features; i++) {
            gapwatch.update(rows[i % ROWS], targets[i % ROWS]);
            forgetting.update(rows[i % ROWS], targets[i % ROWS]);
            miller.addObservation(rows[i % ROWS], targets[i % ROWS]);
        }
    }

    private int nextRow() {
        final int i = next;
        next = (i + 1) & (ROWS - 1);
        return i;
    }

    /** The per-record update: Gentleman rotations of one row into D^½ R̄, O(p²). */
    @Benchmark
    public void gapwatchUpdate() {
        final int i = nextRow();
        gapwatch.update(rows[i], targets[i]);
    }

    /** The same with forgetting λ = 0.999, which adds an O(p) scaling of D. */
    @Benchmark
    public void gapwatchUpdateForgetting() {
        final int i = nextRow();
        forgetting.update(rows[i], targets[i]);
    }

    /** AS 274's include(), as Commons Math 3.6.1 ships it. */
    @Benchmark
    public void millerAddObservation() {
        final int i = nextRow();
        miller.addObservation(rows[i], targets[i]);
    }

    /** Update, then the solution and a prediction: what test-then-train costs per record. */
    @Benchmark
    public void gapwatchUpdateSolvePredict(Blackhole blackhole) {
        final int i = nextRow();
        gapwatch.update(rows[i], targets[i]);
        blackhole.consume(gapwatch.predict(rows[(i + 1) & (ROWS - 1)]));
    }
}
