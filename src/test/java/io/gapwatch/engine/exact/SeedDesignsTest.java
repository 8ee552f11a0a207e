package io.gapwatch.engine.exact;

import io.gapwatch.demo.SeedDesigns;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The designs of the four user questions in ../shared/seeds, as the exact fit sees them. */
class SeedDesignsTest {

    @Test
    void shouldFindTheKerasDataRankDeficientAndNameTheNullDirection() {
        // x2 = x1 + 1 with an intercept: any (b, w1, w2) with b + w2 = 1, w1 + w2 = 2 fits exactly
        final StreamingLeastSquares fit = new StreamingLeastSquares(2, LeastSquaresOptions.ORDINARY);
        final double[][] x = {{1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 6}};
        final double[] y = {3, 5, 7, 9, 11};
        for (int i = 0; i < x.length; i++) {
            fit.update(x[i], y[i]);
        }
        final Conditioning c = ConditioningAnalysis.of(fit, List.of("x1", "x2"));

        assertThat(c.rank()).isEqualTo(2);
        assertThat(c.parameters()).isEqualTo(3);
        assertThat(c.nullDirections()).hasSize(1);
        final Conditioning.NullDirection direction = c.nullDirections().get(0);
        assertThat(direction.features()).containsExactly("(intercept)", "x1", "x2");
        // the relation b + x1 − x2 = 0, up to sign, in original units
        final double sign = Math.signum(direction.loadings()[2]);
        assertThat(direction.loadings()[0] * sign).isCloseTo(-1.0, within(1e-12));
        assertThat(direction.loadings()[1] * sign).isCloseTo(-1.0, within(1e-12));
        assertThat(direction.loadings()[2] * sign).isCloseTo(1.0, within(1e-12));

        // scikit-learn's answer: the minimum-norm weights (1, 1) with b = 0, the "obvious" one
        assertThat(fit.solveMethod()).isEqualTo(SolveMethod.MINIMUM_NORM);
        assertThat(fit.intercept()).isCloseTo(0.0, within(1e-12));
        assertThat(fit.weight(0)).isCloseTo(1.0, within(1e-12));
        assertThat(fit.weight(1)).isCloseTo(1.0, within(1e-12));
        assertThat(fit.r2()).isCloseTo(1.0, within(1e-14));
    }

    @Test
    void shouldFindTheShiftedRampOfRankTwo() {
        // S_i = S_0 + 100·i with S_0 = (0, 1, …, 99), label i, i = 0 … 1499
        final int n = 1500;
        final int d = 100;
        final StreamingLeastSquares fit = new StreamingLeastSquares(d, LeastSquaresOptions.ORDINARY);
        final double[] s = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                s[j] = j + 100.0 * i;
            }
            fit.update(s, i);
        }
        final Conditioning c = ConditioningAnalysis.of(fit, names(d));

        assertThat(c.rank()).isEqualTo(2);
        assertThat(c.nullSpaceDimension()).isEqualTo(99);
        assertThat(c.conditionNumber()).isGreaterThan(1e15);
        // centered, all 100 columns equal 100·(i − ī): minimum-norm weights share the slope equally,
        // w_j = 1 / (100 · 100), and b = ī − Σ_j (j + 100 ī) w_j = −0.495
        assertThat(fit.solveMethod()).isEqualTo(SolveMethod.MINIMUM_NORM);
        for (int j = 0; j < d; j++) {
            assertThat(fit.weight(j)).isCloseTo(1e-4, within(1e-12));
        }
        assertThat(fit.intercept()).isCloseTo(-0.495, within(1e-8));
        assertThat(fit.r2()).isCloseTo(1.0, within(1e-10));
    }

    @Test
    void shouldReturnTheMinimumNormSolutionOfA600By600GaussianKernel() {
        // the kernel matrix of the "linear layer vs analytical" question: 600 points, no intercept
        final SeedDesigns.Data data = SeedDesigns.kernel600(1.0, 600);
        final double[][] kernel = data.x();
        final double[] y = data.y();
        final int n = kernel.length;
        final StreamingLeastSquares fit = new StreamingLeastSquares(n, new LeastSquaresOptions(false, 1.0, 0.0));
        for (int i = 0; i < n; i++) {
            fit.update(kernel[i], y[i]);
        }
        final Conditioning c = ConditioningAnalysis.of(fit, names(n));
        final double[] theta = fit.coefficients();

        assertThat(c.conditionNumber()).isGreaterThan(1e15);
        assertThat(c.rank()).isLessThan(n);
        assertThat(fit.solveMethod()).isEqualTo(SolveMethod.MINIMUM_NORM);
        for (double v : theta) {
            assertThat(v).isFinite();
        }

        // Against the batch SVD of K. At numerical rank deficiency the singular vectors near the cut
        // are defined only up to the backward error ε‖K‖ of any factorization, so two correct
        // methods agree on the norm and the fit, and leak a little into each other's null space:
        // here about 0.2% of ‖θ‖ (a back-substitution answer would be ~1e17 along it).
        final DMatrixRMaj k = new DMatrixRMaj(kernel);
        final SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(n, n, true, true, false);
        assertThat(svd.decompose(k.copy())).isTrue();
        final DMatrixRMaj u = svd.getU(null, false);
        final DMatrixRMaj v = svd.getV(null, false);
        final double[] sigma = svd.getSingularValues();
        double largest = 0.0;
        for (double s : sigma) {
            largest = Math.max(largest, s);
        }
        final int rank = c.rank();
        final Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(sigma[b], sigma[a]));
        final double thetaNorm = norm(theta);
        double alongNull = 0.0;
        for (int r = rank + 20; r < n; r++) { // clearly below the cut, away from the borderline values
            double projection = 0.0;
            for (int j = 0; j < n; j++) {
                projection += v.get(j, order[r]) * theta[j];
            }
            alongNull += projection * projection;
        }
        assertThat(Math.sqrt(alongNull)).isLessThan(1e-2 * thetaNorm);
        int batchRank = 0;
        for (double s : sigma) {
            if (s > Math.ulp(1.0) * n * largest) {
                batchRank++;
            }
        }
        assertThat(rank).isCloseTo(batchRank, within(5));

        final double[] reference = new double[n];
        for (int r = 0; r < rank; r++) {
            final int col = order[r];
            double projection = 0.0;
            for (int i = 0; i < n; i++) {
                projection += u.get(i, col) * y[i];
            }
            for (int j = 0; j < n; j++) {
                reference[j] += v.get(j, col) * projection / sigma[col];
            }
        }
        final double referenceSse = sse(kernel, y, reference);
        final double sse = sse(kernel, y, theta);
        final double tss = sse(kernel, y, new double[n]);
        assertThat(sse).isLessThan(1e-9 * tss);
        assertThat(sse).isLessThanOrEqualTo(referenceSse * 1.01);
        assertThat(thetaNorm).isCloseTo(norm(reference), within(0.05 * norm(reference)));
    }

    private static List<String> names(int d) {
        final List<String> names = new ArrayList<>(d);
        for (int j = 0; j < d; j++) {
            names.add("s" + j);
        }
        return names;
    }

    private static double sse(double[][] x, double[] y, double[] theta) {
        double s = 0.0;
        for (int i = 0; i < y.length; i++) {
            double fitted = 0.0;
            for (int j = 0; j < theta.length; j++) {
                fitted += x[i][j] * theta[j];
            }
            s += (y[i] - fitted) * (y[i] - fitted);
        }
        return s;
    }

    private static double norm(double[] v) {
        double s = 0.0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
