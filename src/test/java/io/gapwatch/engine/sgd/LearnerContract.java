package io.gapwatch.engine.sgd;

import io.gapwatch.engine.exact.LeastSquaresOptions;
import io.gapwatch.engine.exact.StreamingLeastSquares;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * What every optimizer must do, whatever its update rule: the right shape, the same numbers for
 * the same records, a clean restart after divergence, no allocation per record, and convergence
 * to the exact fit on an easy problem. Subclassed once per optimizer in {@link OptimizerContractTest}.
 */
abstract class LearnerContract {

    /** The optimizer's settings for a well-conditioned, standardized problem. */
    abstract Map<String, String> settings();

    /** Epochs over the easy problem to converge. */
    int epochs() {
        return 20;
    }

    LearnerConfig config(String... extra) {
        final Map<String, String> s = new java.util.LinkedHashMap<>(settings());
        for (int i = 0; i < extra.length; i += 2) {
            s.put(extra[i], extra[i + 1]);
        }
        return LearnerConfig.parse(s);
    }

    static final int D = 5;

    /** Feeds a learner the way the model does: the exact fit sees each record first (whitening reads its factor). */
    static final class Feeder {
        final StreamingLeastSquares exact = new StreamingLeastSquares(D, LeastSquaresOptions.ORDINARY);
        final Preconditioner whitening = exact::applyInverseSecondMoment;

        void train(OnlineLearner learner, double[] x, double y) {
            exact.update(x, y);
            learner.train(x, y, whitening);
        }
    }

    /** y = 1 + Σ_j (j+1)·x_j/5 + noise with Gaussian x: well conditioned. */
    static double[][] easyRows(int n, long seed) {
        final Random random = new Random(seed);
        final double[][] rows = new double[n][D + 1];
        for (double[] row : rows) {
            double y = 1.0;
            for (int j = 0; j < D; j++) {
                row[j] = random.nextGaussian();
                y += (j + 1) * row[j] / 5.0;
            }
            row[D] = y + 0.1 * random.nextGaussian();
        }
        return rows;
    }

    static double[] x(double[] row) {
        return java.util.Arrays.copyOf(row, D);
    }

    @Test
    void shouldHaveOneCoefficientPerFeaturePlusIntercept() {
        final OnlineLearner learner = new OnlineLearner("l", config(), D, 100);
        final double[] theta = new double[D + 1];
        learner.coefficients(theta, true);
        assertThat(theta).containsOnly(0.0);
        assertThat(learner.predict(new double[D])).isZero();
        final Feeder feeder = new Feeder();
        for (double[] row : easyRows(10, 1)) {
            feeder.train(learner, x(row), row[D]);
        }
        learner.coefficients(theta, true);
        assertThat(theta).doesNotContain(0.0);
        assertThat(learner.steps()).isEqualTo(10 / config().batch());
        assertThat(learner.predict(x(easyRows(1, 2)[0]))).isFinite();
    }

    @Test
    void shouldGiveTheSameNumbersForTheSameRecords() {
        final OnlineLearner a = new OnlineLearner("a", config("init", "he", "seed", "3"), D, 100);
        final OnlineLearner b = new OnlineLearner("b", config("init", "he", "seed", "3"), D, 100);
        final Feeder feedA = new Feeder();
        final Feeder feedB = new Feeder();
        for (double[] row : easyRows(500, 4)) {
            feedA.train(a, x(row), row[D]);
            feedB.train(b, x(row), row[D]);
        }
        for (int j = 0; j < D; j++) {
            assertThat(Double.doubleToRawLongBits(a.weight(j))).isEqualTo(Double.doubleToRawLongBits(b.weight(j)));
        }
        assertThat(a.meanGradientNorm()).isEqualTo(b.meanGradientNorm());
    }

    @Test
    void shouldRestartFromItsStartAfterDivergingWhenAskedTo() {
        // η = 1e200 overshoots under any rule, adaptive or clipped: the first steps blow the weights up
        final OnlineLearner learner = new OnlineLearner("l", config("lr", "1e200", "on-diverge", "reset", "init", "normal", "seed", "5"), D, 100);
        final OnlineLearner fresh = new OnlineLearner("f", config("lr", "1e200", "on-diverge", "reset", "init", "normal", "seed", "5"), D, 100);
        final Feeder feeder = new Feeder();
        final double[][] rows = easyRows(200, 6);
        for (int i = 0; i < rows.length && learner.divergences() == 0; i++) {
            feeder.train(learner, x(rows[i]), rows[i][D]);
        }
        assertThat(learner.divergences()).isEqualTo(1);
        assertThat(learner.diverged()).isFalse();
        // back at its initial weights, as the optimizer sees them (the data statistics stay)
        assertThat(learner.workingCoefficients()).containsExactly(fresh.workingCoefficients());
    }

    @Test
    void shouldStopAtItsLastFiniteWeightsWhenItDivergesByDefault() {
        final OnlineLearner learner = new OnlineLearner("l", config("lr", "1e200"), D, 100);
        final Feeder feeder = new Feeder();
        for (double[] row : easyRows(200, 6)) {
            feeder.train(learner, x(row), row[D]);
        }
        assertThat(learner.diverged()).isTrue();
        assertThat(learner.divergences()).isEqualTo(1);
        assertThat(learner.workingNorm()).isFinite().isLessThanOrEqualTo(OnlineLearner.EXPLODED_NORM);
        final long steps = learner.steps();
        feeder.train(learner, new double[D], 1.0);
        assertThat(learner.steps()).as("a stopped learner does not step").isEqualTo(steps);
    }

    @Test
    void shouldConvergeToTheExactFitOnAWellConditionedProblem() {
        final StreamingLeastSquares exact = new StreamingLeastSquares(D, LeastSquaresOptions.ORDINARY);
        final OnlineLearner learner = new OnlineLearner("l", config(), D, 100);
        final double[][] rows = easyRows(2000, 8);
        for (double[] row : rows) {
            exact.update(x(row), row[D]);
        }
        for (int epoch = 0; epoch < epochs(); epoch++) {
            for (double[] row : rows) {
                learner.train(x(row), row[D], exact::applyInverseSecondMoment);
            }
        }
        final double[] theta = new double[D + 1];
        learner.coefficients(theta, true);
        final double r2Gap = exact.r2() - exact.r2(theta);
        assertThat(r2Gap).as("R² gap after %d epochs", epochs()).isLessThan(1e-3);
        assertThat(theta[0]).isCloseTo(exact.intercept(), within(0.05));
    }

    @Test
    void shouldNotAllocatePerRecord() {
        final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        final StreamingLeastSquares exact = new StreamingLeastSquares(D, LeastSquaresOptions.ORDINARY);
        final OnlineLearner learner = new OnlineLearner("l", config(), D, 100);
        final Preconditioner whitening = exact::applyInverseSecondMoment;
        final double[][] rows = easyRows(256, 9);
        final double[][] xs = new double[256][];
        for (int i = 0; i < 256; i++) {
            xs[i] = x(rows[i]);
            exact.update(xs[i], rows[i][D]);
        }
        for (int i = 0; i < 30_000; i++) {
            learner.train(xs[i & 255], rows[i & 255][D], whitening);
            learner.predict(xs[i & 255]);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            learner.train(xs[i & 255], rows[i & 255][D], whitening);
            learner.predict(xs[i & 255]);
        }
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).as("bytes for 10,000 records").isLessThan(1024);
    }
}
