package io.gapwatch.engine.exact;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Ridge, no intercept, the empty model, R² conventions and input validation. */
class SolverOptionsTest {

    @Test
    void shouldSolveRidgeWithTheInterceptUnpenalized() {
        // reference: the normal equations of [1 X] with α on the weight block only, solved directly
        final Random random = new Random(3);
        final int n = 40;
        final int d = 4;
        final double alpha = 7.5;
        final double[][] x = new double[n][d];
        final double[] y = new double[n];
        final StreamingLeastSquares fit = new StreamingLeastSquares(d, new LeastSquaresOptions(true, 1.0, alpha));
        final DMatrixRMaj a = new DMatrixRMaj(d + 1, d + 1);
        final DMatrixRMaj b = new DMatrixRMaj(d + 1, 1);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = 3 + random.nextGaussian();
            }
            y[i] = 2 + x[i][0] - 2 * x[i][3] + random.nextGaussian();
            fit.update(x[i], y[i]);
            final double[] row = new double[d + 1];
            row[0] = 1;
            System.arraycopy(x[i], 0, row, 1, d);
            for (int r = 0; r <= d; r++) {
                for (int c = 0; c <= d; c++) {
                    a.add(r, c, row[r] * row[c]);
                }
                b.add(r, 0, row[r] * y[i]);
            }
        }
        for (int j = 1; j <= d; j++) {
            a.add(j, j, alpha);
        }
        final DMatrixRMaj expected = new DMatrixRMaj(d + 1, 1);
        assertThat(CommonOps_DDRM.solve(a, b, expected)).isTrue();

        assertThat(fit.solveMethod()).isEqualTo(SolveMethod.RIDGE);
        for (int i = 0; i <= d; i++) {
            assertThat(fit.coefficient(i)).isCloseTo(expected.get(i), within(1e-10));
        }
        // the SSE reported is the plain in-sample SSE of the ridge coefficients, not the penalized objective
        double direct = 0.0;
        for (int i = 0; i < n; i++) {
            double fitted = fit.intercept();
            for (int j = 0; j < d; j++) {
                fitted += fit.weight(j) * x[i][j];
            }
            direct += (y[i] - fitted) * (y[i] - fitted);
        }
        assertThat(fit.sse()).isCloseTo(direct, within(1e-9 * direct));
    }

    @Test
    void shouldFitThroughTheOriginWithoutIntercept() {
        // NIST NoInt2: y = B1·x, certified B1 = 0.727272727272727
        final StreamingLeastSquares fit = new StreamingLeastSquares(1, new LeastSquaresOptions(false, 1.0, 0.0));
        fit.update(new double[] {4}, 3);
        fit.update(new double[] {5}, 4);
        fit.update(new double[] {6}, 4);
        assertThat(fit.intercept()).isZero();
        assertThat(fit.weight(0)).isCloseTo(0.727272727272727, within(1e-14));
        assertThat(fit.parameters()).isEqualTo(1);
    }

    @Test
    void shouldReportAnEmptyModelWithoutNumbersItCannotKnow() {
        final StreamingLeastSquares fit = new StreamingLeastSquares(3, LeastSquaresOptions.ORDINARY);
        assertThat(fit.coefficients()).containsOnly(0.0);
        assertThat(fit.solveMethod()).isEqualTo(SolveMethod.EMPTY);
        assertThat(fit.r2()).isNaN();
        assertThat(fit.mse()).isNaN();
        assertThat(fit.predict(new double[] {1, 2, 3})).isZero();
        final Conditioning c = ConditioningAnalysis.of(fit, java.util.List.of("a", "b", "c"));
        assertThat(c.rank()).isZero();
        assertThat(c.conditionNumber()).isNaN();
    }

    @Test
    void shouldScoreAConstantTargetAsScikitLearnDoes() {
        final StreamingLeastSquares fit = new StreamingLeastSquares(1, LeastSquaresOptions.ORDINARY);
        for (int i = 0; i < 5; i++) {
            fit.update(new double[] {i}, 4.0);
        }
        assertThat(fit.r2()).isEqualTo(1.0); // fitted exactly
        assertThat(fit.r2(new double[] {3.0, 0.0})).isEqualTo(0.0); // not fitted: r2_score's force_finite
    }

    @Test
    void shouldPredictWithTheExactFit() {
        final StreamingLeastSquares fit = new StreamingLeastSquares(2, LeastSquaresOptions.ORDINARY);
        final Random random = new Random(5);
        for (int i = 0; i < 20; i++) {
            final double a = random.nextGaussian();
            final double b = random.nextGaussian();
            fit.update(new double[] {a, b}, 1 + 2 * a - 3 * b);
        }
        assertThat(fit.predict(new double[] {0.5, -1})).isCloseTo(1 + 1 + 3, within(1e-12));
    }

    @Test
    void shouldRefuseValuesThatWouldPoisonTheFactor() {
        final StreamingLeastSquares fit = new StreamingLeastSquares(2, LeastSquaresOptions.ORDINARY);
        assertThatThrownBy(() -> fit.update(new double[] {1, Double.NaN}, 1)).hasMessageContaining("feature 1");
        assertThatThrownBy(() -> fit.update(new double[] {1, 2}, Double.POSITIVE_INFINITY)).hasMessageContaining("target");
        assertThatThrownBy(() -> fit.update(new double[] {1e101, 2}, 1)).hasMessageContaining("feature 0");
        assertThatThrownBy(() -> fit.update(new double[] {1}, 1)).hasMessageContaining("expected 2 features");
        assertThat(fit.count()).isZero();
        assertThatThrownBy(() -> new LeastSquaresOptions(true, 0.0, 0.0)).hasMessageContaining("forgetting");
        assertThatThrownBy(() -> new LeastSquaresOptions(true, 1.0, -1.0)).hasMessageContaining("ridge");
    }

    @Test
    void shouldNotAllocateOnTheHotPath() {
        final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        final StreamingLeastSquares fit = new StreamingLeastSquares(32, LeastSquaresOptions.ORDINARY);
        final StreamingLeastSquares forgetting = new StreamingLeastSquares(32, new LeastSquaresOptions(true, 0.999, 0.0));
        final Random random = new Random(11);
        final double[][] rows = new double[256][32];
        for (double[] row : rows) {
            for (int j = 0; j < 32; j++) {
                row[j] = random.nextGaussian();
            }
        }
        for (int i = 0; i < 20_000; i++) { // warm up: interpreter, then compiled code
            fit.update(rows[i & 255], i);
            forgetting.update(rows[i & 255], i);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            fit.update(rows[i & 255], i);
            forgetting.update(rows[i & 255], i);
            fit.predict(rows[i & 255]);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated by 20,000 updates").isLessThan(1024);
    }
}
