package io.gapwatch.engine.exact;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The O(p²) estimate against κ₁ computed exactly from the explicit inverse: never above it, and
 * within the factor 3 the method is known for, on well- and ill-conditioned factors.
 */
class TriangularConditionTest {

    @ParameterizedTest(name = "p={0}, decay={1}, seed={2}")
    @CsvSource({"1, 1, 1", "2, 1, 2", "8, 1, 3", "40, 1, 4", "40, 0.7, 5", "129, 1, 6", "129, 0.9, 7", "60, 0.6, 8"})
    void shouldEstimateTheOneNormConditionNumberFromBelowWithinAFactorThree(int p, double decay, long seed) {
        // R of a Gaussian design whose column j is multiplied by decay^j: κ grows like decay^−p, as a real factor's does
        final Random random = new Random(seed);
        final int n = 3 * p;
        final DMatrixRMaj x = new DMatrixRMaj(n, p);
        final double[] scale = new double[p];
        for (int j = 0; j < p; j++) {
            for (int i = 0; i < n; i++) {
                x.set(i, j, Math.pow(decay, j) * (random.nextGaussian() + (j == 0 ? 0 : 0.5)));
            }
            scale[j] = 0.1 + 10 * random.nextDouble();
        }
        final var qr = org.ejml.dense.row.factory.DecompositionFactory_DDRM.qr(n, p);
        qr.decompose(x.copy());
        final DMatrixRMaj factor = qr.getR(null, true);
        final double[][] r = new double[p][p + 1];
        for (int i = 0; i < p; i++) {
            for (int j = i; j < p; j++) {
                r[i][j] = factor.get(i, j);
            }
        }
        for (double[] s : new double[][] {ones(p), scale}) {
            final double exact = exactOneNormCondition(r, p, s);
            final double estimate = TriangularCondition.oneNorm(r, p, s);
            assertThat(estimate).as("κ̂₁ against κ₁ = %s", exact).isLessThanOrEqualTo(exact * (1 + 1e-10));
            assertThat(estimate).as("κ̂₁ against κ₁ = %s", exact).isGreaterThanOrEqualTo(exact / 3);
        }
    }

    @ParameterizedTest(name = "zero {0}")
    @CsvSource({"pivot", "scale"})
    void shouldCallASingularFactorInfinitelyConditioned(String zero) {
        final double[][] r = {{2, 1, 0}, {0, 3, 0}};
        final double[] scale = {1, 1};
        if (zero.equals("pivot")) {
            r[1][1] = 0;
        } else {
            scale[1] = 0;
        }
        assertThat(TriangularCondition.oneNorm(r, 2, scale)).isInfinite();
    }

    private static double[] ones(int p) {
        final double[] ones = new double[p];
        java.util.Arrays.fill(ones, 1.0);
        return ones;
    }

    // ‖A‖₁ ‖A⁻¹‖₁ for A = R diag(1/s), the inverse formed explicitly
    private static double exactOneNormCondition(double[][] r, int p, double[] scale) {
        final DMatrixRMaj a = new DMatrixRMaj(p, p);
        for (int i = 0; i < p; i++) {
            for (int j = i; j < p; j++) {
                a.set(i, j, r[i][j] / scale[j]);
            }
        }
        final DMatrixRMaj inverse = new DMatrixRMaj(p, p);
        CommonOps_DDRM.invert(a, inverse);
        return oneNorm(a) * oneNorm(inverse);
    }

    private static double oneNorm(DMatrixRMaj m) {
        double largest = 0.0;
        for (int j = 0; j < m.numCols; j++) {
            double column = 0.0;
            for (int i = 0; i < m.numRows; i++) {
                column += Math.abs(m.get(i, j));
            }
            largest = Math.max(largest, column);
        }
        return largest;
    }
}
