package io.gapwatch.engine.exact;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import org.ejml.data.DMatrixRMaj;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The streaming estimator against batch recomputation from the same rows. Tolerances are the
 * backward-error bounds of an orthogonal factorization, columnwise: an entry built from columns i
 * and j may be off by C·n·ε·‖x_i‖·‖x_j‖ — so a column scaled by 10⁶ is held to 10⁶ times less
 * absolute accuracy, and no better than that can be expected of any method.
 */
class StreamingLeastSquaresProperties {

    private static final double EPS = Math.ulp(1.0);
    private static final double SLACK = 50.0;

    @Provide
    Arbitrary<Design> designs() {
        return Combinators.combine(
                Arbitraries.of(Design.Kind.class),
                Arbitraries.integers().between(1, 60),
                Arbitraries.integers().between(1, 10),
                Arbitraries.of(true, false),
                Arbitraries.longs()
        ).as(Design::generate);
    }

    @Provide
    Arbitrary<Design> fullRankDesigns() {
        return Combinators.combine(
                Arbitraries.of(Design.Kind.RANDOM, Design.Kind.BADLY_SCALED),
                Arbitraries.integers().between(1, 60),
                Arbitraries.integers().between(1, 10),
                Arbitraries.of(true, false),
                Arbitraries.longs()
        ).as(Design::generate);
    }

    @Property(tries = 300)
    void shouldEqualOneBatchHouseholderQrOfTheSameRows(@ForAll("designs") Design d) {
        final StreamingLeastSquares fit = d.stream();
        final double[][] streamed = fit.factor();
        final DMatrixRMaj augmented = Batch.augmented(d, null);
        final DMatrixRMaj gram = Batch.transposeTimes(augmented); // [X y]ᵀ[X y]
        final int p = d.parameters();
        final int n = d.rows();
        final double[] norms = columnNorms(augmented);
        final double tolerance = SLACK * n * EPS;

        // RᵀR = XᵀX and Rᵀz = Xᵀy: what any triangular factor of these rows must satisfy, unique
        // even when R is not (rank-deficient designs)
        for (int i = 0; i <= p; i++) {
            for (int j = i; j <= p; j++) {
                if (i == p && j == p) {
                    continue;
                }
                double fromStream = 0.0;
                for (int k = 0; k < p; k++) {
                    fromStream += (i < p ? streamed[k][i] : streamed[k][p]) * streamed[k][j];
                }
                assertThat(fromStream).as("Gram entry (%d,%d) of %s", i, j, d)
                        .isCloseTo(gram.get(i, j), within(tolerance * norms[i] * norms[j]));
            }
        }
        // the exact fit's SSE is unique: the part of y outside the column space, which a data pass
        // with the reference minimum-norm solution measures
        final double referenceSse = Batch.sse(d, Batch.minimumNorm(d, null), null);
        assertThat(fit.sse()).as("SSE of the exact fit, %s", d)
                .isCloseTo(referenceSse, within(tolerance * norms[p] * norms[p] + 1e-9 * norms[p] * norms[p]));

        // where R is unique (full rank) it equals Householder's entry by entry, and the leftover
        // RSS* is the exact fit's SSE. (With a singular factor the rotations may park residual in
        // z, and ‖Rθ* − z‖² holds the rest.)
        if (d.kind() == Design.Kind.RANDOM) {
            final double[][] batch = Batch.householderFactor(augmented);
            final double kappa = Batch.conditionNumber(augmented);
            for (int i = 0; i < p; i++) {
                for (int j = i; j <= p; j++) {
                    assertThat(streamed[i][j]).as("R[%d][%d] of %s", i, j, d)
                            .isCloseTo(batch[i][j], within(tolerance * kappa * norms[j]));
                }
            }
            assertThat(fit.residualSumOfSquares()).as("RSS* of %s", d)
                    .isCloseTo(batch[p][p] * batch[p][p], within(tolerance * kappa * norms[p] * norms[p]));
        }
    }

    @Property(tries = 300)
    void shouldGiveTheSseOfAnyCoefficientsWithoutADataPass(@ForAll("designs") Design d, @ForAll long seed) {
        final StreamingLeastSquares fit = d.stream();
        final double[] theta = randomCoefficients(d.parameters(), new Random(seed));
        final double direct = Batch.sse(d, theta, null);
        final double scale = sseScale(d, theta, null);
        assertThat(fit.sse(theta)).isCloseTo(direct, within(SLACK * d.rows() * EPS * scale));
        assertThat(fit.sse(fit.coefficients())).isCloseTo(Batch.sse(d, fit.coefficients(), null),
                within(SLACK * d.rows() * EPS * sseScale(d, fit.coefficients(), null)));
    }

    @Property(tries = 300)
    void shouldReturnTheMinimumNormSolutionThatLstsqReturns(@ForAll("designs") Design d) {
        final StreamingLeastSquares fit = d.stream();
        final double[] theta = fit.coefficients();
        final double[] reference = Batch.minimumNorm(d, null);
        for (double v : theta) {
            assertThat(v).isFinite();
        }
        // compare the fitted values (what any least-squares solution must agree on) and the norms
        final double referenceSse = Batch.sse(d, reference, null);
        final double scale = sseScale(d, reference, null);
        assertThat(Batch.sse(d, theta, null)).as("SSE of %s", d)
                .isCloseTo(referenceSse, within(1e-9 * scale + SLACK * d.rows() * EPS * scale));
        if (d.kind() != Design.Kind.BADLY_SCALED) {
            for (int i = 0; i < theta.length; i++) {
                assertThat(theta[i]).as("θ[%d] of %s (%s)", i, d, fit.solveMethod())
                        .isCloseTo(reference[i], within(1e-7 * (1 + norm(reference))));
            }
        }
        final boolean deficient = Batch.centeredRank(d) < d.parameters();
        assertThat(fit.solveMethod()).as("%s", d)
                .isEqualTo(deficient ? SolveMethod.MINIMUM_NORM : SolveMethod.BACK_SUBSTITUTION);
    }

    @Property(tries = 200)
    void shouldMergeIntoTheEstimatorThatSawBothSets(@ForAll("designs") Design d, @ForAll long seed) {
        final Random random = new Random(seed);
        final LeastSquaresOptions options = new LeastSquaresOptions(d.intercept(), 1.0, 0.0);
        final StreamingLeastSquares left = new StreamingLeastSquares(d.features(), options);
        final StreamingLeastSquares right = new StreamingLeastSquares(d.features(), options);
        for (int i = 0; i < d.rows(); i++) {
            (random.nextBoolean() ? left : right).update(d.x()[i], d.y()[i]);
        }
        final long leftCount = left.count();
        left.merge(right);
        final StreamingLeastSquares all = d.stream();

        assertThat(left.count()).isEqualTo(d.rows());
        assertThat(left.count() - leftCount).isEqualTo(right.count());
        assertThat(left.effectiveCount()).isEqualTo(all.effectiveCount());
        final double[] theta = randomCoefficients(d.parameters(), random);
        final double scale = sseScale(d, theta, null);
        assertThat(left.sse(theta)).isCloseTo(all.sse(theta), within(SLACK * d.rows() * EPS * scale));
        assertThat(left.totalSumOfSquares()).isCloseTo(all.totalSumOfSquares(),
                within(SLACK * d.rows() * EPS * sumOfSquares(d.y())));
        final double[] merged = left.coefficients();
        final double[] single = all.coefficients();
        final double[] reference = Batch.minimumNorm(d, null);
        assertThat(Batch.sse(d, merged, null)).isCloseTo(Batch.sse(d, single, null),
                within(1e-9 * sseScale(d, reference, null)));
        if (d.kind() == Design.Kind.RANDOM) {
            for (int i = 0; i < merged.length; i++) {
                assertThat(merged[i]).isCloseTo(single[i], within(1e-9 * (1 + norm(single))));
            }
        }
    }

    @Property(tries = 200)
    void shouldForgetLikeWeightedBatchLeastSquares(@ForAll("fullRankDesigns") Design d,
                                                  @ForAll @DoubleRange(min = 0.8, max = 0.999) @Scale(3) double lambda) {
        final StreamingLeastSquares fit = d.stream(new LeastSquaresOptions(d.intercept(), lambda, 0.0));
        final int n = d.rows();
        final double[] weights = new double[n];
        double nEff = 0.0;
        for (int i = 0; i < n; i++) {
            weights[i] = Math.pow(lambda, n - 1 - i);
            nEff += weights[i];
        }
        assertThat(fit.effectiveCount()).isCloseTo(nEff, within(1e-12 * nEff));

        final double[] reference = Batch.minimumNorm(d, weights);
        final double[] theta = fit.coefficients();
        final double referenceSse = Batch.sse(d, reference, weights);
        final double scale = sseScale(d, reference, weights);
        assertThat(Batch.sse(d, theta, weights)).isCloseTo(referenceSse, within(1e-9 * scale));
        assertThat(fit.sse(theta)).isCloseTo(Batch.sse(d, theta, weights), within(SLACK * n * EPS * scale));
        if (d.kind() == Design.Kind.RANDOM) {
            for (int i = 0; i < theta.length; i++) {
                assertThat(theta[i]).isCloseTo(reference[i], within(1e-8 * (1 + norm(reference))));
            }
        }
        // weighted R², centered on the weighted mean
        double mean = 0.0;
        for (int i = 0; i < n; i++) {
            mean += weights[i] * d.y()[i] / nEff;
        }
        double tss = 0.0;
        for (int i = 0; i < n; i++) {
            tss += weights[i] * (d.y()[i] - mean) * (d.y()[i] - mean);
        }
        assertThat(fit.totalSumOfSquares()).isCloseTo(tss, within(1e-10 * sumOfSquares(d.y())));
    }

    @Property(tries = 200)
    void shouldNeverReturnNanOrThrowWhateverTheDesign(@ForAll("designs") Design d) {
        final StreamingLeastSquares fit = new StreamingLeastSquares(d.features(), new LeastSquaresOptions(d.intercept(), 1.0, 0.0));
        for (int i = 0; i < d.rows(); i++) {
            fit.update(d.x()[i], d.y()[i]);
            for (double v : fit.coefficients()) {
                assertThat(v).isFinite();
            }
            assertThat(fit.sse()).isFinite().isGreaterThanOrEqualTo(0.0);
            assertThat(fit.predict(d.x()[i])).isFinite();
        }
    }

    // ---------------------------------------------------------------- helpers

    static double[] columnNorms(DMatrixRMaj a) {
        final double[] norms = new double[a.numCols];
        for (int j = 0; j < a.numCols; j++) {
            double s = 0.0;
            for (int i = 0; i < a.numRows; i++) {
                s += a.get(i, j) * a.get(i, j);
            }
            norms[j] = Math.sqrt(s);
        }
        return norms;
    }

    static double[] randomCoefficients(int p, Random random) {
        final double[] theta = new double[p];
        for (int i = 0; i < p; i++) {
            theta[i] = random.nextGaussian();
        }
        return theta;
    }

    /** Σ w (|y| + Σ|x_j θ_j|)²: the size of the terms whose rounding an SSE inherits. */
    static double sseScale(Design d, double[] theta, double[] weights) {
        double s = 0.0;
        for (int i = 0; i < d.rows(); i++) {
            final double[] row = d.designRow(i);
            double magnitude = Math.abs(d.y()[i]);
            for (int j = 0; j < row.length; j++) {
                magnitude += Math.abs(row[j] * theta[j]);
            }
            s += (weights == null ? 1.0 : weights[i]) * magnitude * magnitude;
        }
        return s;
    }

    static double sumOfSquares(double[] v) {
        double s = 0.0;
        for (double x : v) {
            s += x * x;
        }
        return s;
    }

    static double norm(double[] v) {
        return Math.sqrt(sumOfSquares(v));
    }
}
