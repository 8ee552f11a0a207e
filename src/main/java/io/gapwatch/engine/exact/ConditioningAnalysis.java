package io.gapwatch.engine.exact;

import org.ejml.data.DMatrixRMaj;

import java.util.ArrayList;
import java.util.List;

/**
 * Computes {@link Conditioning} from an estimator: SVDs of the p×p factor, raw and with columns
 * scaled to unit norm, O(p³). Run at reporting intervals, never per record. Singular vectors are
 * computed only when some direction is weak or null — they cost twice the values alone.
 *
 * <p>All of it is about the design the optimizer sees, [1 X] with the intercept column, because
 * that is what a gradient method's step size and speed depend on.
 */
public final class ConditioningAnalysis {

    /** At most this many null (and weak) directions are itemized; {@link Conditioning#nullSpaceDimension()} counts them all. */
    public static final int MAX_REPORTED_DIRECTIONS = 10;
    /**
     * A direction is weak (its features nearly collinear) when its scaled singular value is at most
     * this fraction of the largest: the Hessian's condition number along it exceeds 10⁶.
     */
    public static final double WEAK = 1e-3;
    /**
     * A feature takes part in a direction when its scaled loading is at least this fraction of the
     * direction's largest: (1, 1, −1) on (intercept, x1, x2) names all three.
     */
    public static final double PARTICIPATION = 0.1;
    public static final String INTERCEPT_NAME = "(intercept)";

    private ConditioningAnalysis() {
    }

    /**
     * @param estimator    Not modified
     * @param featureNames one per feature, in order
     */
    public static Conditioning of(StreamingLeastSquares estimator, List<String> featureNames) {
        return of(estimator, featureNames, Svd.DEFAULT);
    }

    /** The same with the SVDs computed by {@code library}: to compare the two. */
    public static Conditioning of(StreamingLeastSquares estimator, List<String> featureNames, Svd.Library library) {
        final int p = estimator.parameters();
        if (featureNames.size() != estimator.features()) {
            throw new IllegalArgumentException("expected " + estimator.features() + " names, got " + featureNames.size());
        }
        final List<String> names = parameterNames(estimator.options().intercept(), featureNames);
        if (estimator.count() == 0) {
            return new Conditioning(new double[0], new double[0], Double.NaN, Double.NaN, 0, p, 0.0,
                    Double.NaN, Double.NaN, Double.NaN, List.of(), p, List.of(), identity(p), List.of(), 0);
        }
        final double[][] factor = estimator.factor();
        final DMatrixRMaj raw = new DMatrixRMaj(p, p);
        for (int i = 0; i < p; i++) {
            for (int j = i; j < p; j++) {
                raw.unsafe_set(i, j, factor[i][j]);
            }
        }
        // columns scaled to unit norm; a negligible column (≤ ε · the largest) is numerically zero
        final double[] columnSumOfSquares = estimator.columnSumOfSquares();
        final double negligible = MinimumNormSolver.negligibleSumOfSquares(columnSumOfSquares);
        final double[] scale = new double[p];
        final DMatrixRMaj scaled = new DMatrixRMaj(p, p);
        for (int j = 0; j < p; j++) {
            final double c2 = columnSumOfSquares[j];
            scale[j] = c2 > negligible ? Math.sqrt(c2) : 1.0;
            final double multiplier = c2 > negligible ? 1.0 / scale[j] : 0.0;
            for (int i = 0; i <= j; i++) {
                scaled.unsafe_set(i, j, raw.unsafe_get(i, j) * multiplier);
            }
        }

        final double[] sigma = svd(raw, false, library).values;
        Decomposed scaledSvd = svd(scaled, false, library);
        double[] scaledSigma = scaledSvd.values;
        final double tolerance = MinimumNormSolver.EPSILON * Math.max((double) estimator.count(), p) * scaledSigma[0];
        int rank = 0;
        while (rank < p && scaledSigma[rank] > tolerance) {
            rank++;
        }
        final double nEff = estimator.effectiveCount();
        final double hessianMax = sigma[0] * sigma[0] / nEff;
        final double hessianMin = sigma[p - 1] * sigma[p - 1] / nEff;
        final double hessianMinIdentifiable = rank == 0 ? Double.NaN : sigma[rank - 1] * sigma[rank - 1] / nEff;

        final List<Conditioning.NullDirection> nullDirections = new ArrayList<>();
        final List<Conditioning.NullDirection> weakDirections = new ArrayList<>();
        double[][] nullBasis = new double[0][];
        List<Dependencies.Relation> dependencies = List.of();
        final boolean intercept = estimator.options().intercept();
        int rankWithoutIntercept = intercept ? rank - 1 : rank;
        if (scaledSigma[p - 1] <= WEAK * scaledSigma[0]) {
            scaledSvd = svd(scaled, true, library);
            scaledSigma = scaledSvd.values;
            for (int r = p - 1; r >= 0 && scaledSigma[r] <= WEAK * scaledSigma[0]; r--) {
                final boolean isNull = r >= rank;
                final List<Conditioning.NullDirection> list = isNull ? nullDirections : weakDirections;
                if (list.size() < MAX_REPORTED_DIRECTIONS) {
                    list.add(direction(scaledSvd.v, scaledSvd.order[r], scale, names, scaledSigma[r]));
                }
            }
            nullBasis = new double[p - rank][p];
            for (int r = rank; r < p; r++) {
                for (int k = 0; k < p; k++) {
                    nullBasis[r - rank][k] = scaledSvd.v.unsafe_get(k, scaledSvd.order[r]) / scale[k];
                }
            }
            final int independent = Orthonormal.basisInPlace(nullBasis);
            nullBasis = java.util.Arrays.copyOf(nullBasis, independent);

            // flat directions: the null ones, then the weak ones
            int weakStart = rank;
            while (weakStart > 0 && scaledSigma[weakStart - 1] <= WEAK * scaledSigma[0]) {
                weakStart--;
            }
            final int[] flat = new int[p - weakStart];
            for (int r = rank; r < p; r++) {
                flat[r - rank] = scaledSvd.order[r];
            }
            for (int r = weakStart; r < rank; r++) {
                flat[p - rank + r - weakStart] = scaledSvd.order[r];
            }
            dependencies = Dependencies.of(scaledSvd.v, flat, scale, names, factor, intercept);
            if (intercept && rank < p) {
                // dropping column 0 removes one null direction exactly when the intercept takes part in one
                double along = 0.0;
                for (int r = rank; r < p; r++) {
                    final double v0 = scaledSvd.v.unsafe_get(0, scaledSvd.order[r]);
                    along += v0 * v0;
                }
                rankWithoutIntercept = along > Dependencies.INDEPENDENT_ROW * Dependencies.INDEPENDENT_ROW ? rank : rank - 1;
            }
        }
        return new Conditioning(sigma, scaledSigma, ratio(sigma[0], sigma[p - 1]),
                ratio(scaledSigma[0], scaledSigma[p - 1]), rank, p, tolerance,
                hessianMax, hessianMin, hessianMinIdentifiable, List.copyOf(nullDirections), p - rank,
                List.copyOf(weakDirections), nullBasis, dependencies, rankWithoutIntercept);
    }

    /**
     * Eigenvalues of the features' correlation matrix, largest first: the mean-loss Hessian a
     * learner sees once it standardizes its features (with an intercept, [[1, 0], [0, C]]). From
     * the centered block of the factor with its columns scaled to unit norm, O(p³).
     *
     * @return empty for a model without intercept or without records
     */
    public static double[] correlationEigenvalues(StreamingLeastSquares estimator) {
        return correlationEigenvalues(estimator, Svd.DEFAULT);
    }

    /** The same with the SVD computed by {@code library}. */
    public static double[] correlationEigenvalues(StreamingLeastSquares estimator, Svd.Library library) {
        if (!estimator.options().intercept() || estimator.count() == 0 || estimator.features() == 0) {
            return new double[0];
        }
        final double[][] factor = estimator.factor();
        final int q = estimator.features();
        final double[] norms = new double[q];
        for (int i = 1; i <= q; i++) {
            for (int j = i; j <= q; j++) {
                norms[j - 1] += factor[i][j] * factor[i][j];
            }
        }
        final double[] all = estimator.columnSumOfSquares();
        final double negligible = MinimumNormSolver.negligibleSumOfSquares(all);
        final DMatrixRMaj block = new DMatrixRMaj(q, q);
        for (int j = 0; j < q; j++) {
            // a constant feature has no variance to standardize: it drops out (multiplier 0)
            final double multiplier = norms[j] > negligible && norms[j] > MinimumNormSolver.EPSILON * MinimumNormSolver.EPSILON * all[j + 1]
                    ? 1.0 / Math.sqrt(norms[j]) : 0.0;
            for (int i = 0; i <= j; i++) {
                block.unsafe_set(i, j, factor[i + 1][j + 1] * multiplier);
            }
        }
        final double[] s = svd(block, false, library).values;
        final double[] eigenvalues = new double[q];
        for (int i = 0; i < q; i++) {
            eigenvalues[i] = s[i] * s[i];
        }
        return eigenvalues;
    }

    /** Names of the coefficients in θ order: {@code (intercept)} first when there is one. */
    public static List<String> parameterNames(boolean intercept, List<String> featureNames) {
        final List<String> names = new ArrayList<>(featureNames.size() + 1);
        if (intercept) {
            names.add(INTERCEPT_NAME);
        }
        names.addAll(featureNames);
        return List.copyOf(names);
    }

    private static Conditioning.NullDirection direction(DMatrixRMaj v, int column, double[] scale,
                                                        List<String> names, double singularValue) {
        final int p = scale.length;
        double largestScaled = 0.0;
        for (int k = 0; k < p; k++) {
            largestScaled = Math.max(largestScaled, Math.abs(v.unsafe_get(k, column)));
        }
        final List<Integer> taking = new ArrayList<>();
        double largestOriginal = 0.0;
        for (int k = 0; k < p; k++) {
            if (Math.abs(v.unsafe_get(k, column)) >= PARTICIPATION * largestScaled) {
                taking.add(k);
                largestOriginal = Math.max(largestOriginal, Math.abs(v.unsafe_get(k, column) / scale[k]));
            }
        }
        // The sign is arbitrary in an SVD; fix it so the relation reads "first + … ≈ 0".
        final double sign = v.unsafe_get(taking.get(0), column) < 0 ? -1.0 : 1.0;
        final int m = taking.size();
        final List<String> featureNames = new ArrayList<>(m);
        final int[] index = new int[m];
        final double[] loadings = new double[m];
        final double[] scaledLoadings = new double[m];
        for (int i = 0; i < m; i++) {
            final int k = taking.get(i);
            index[i] = k;
            featureNames.add(names.get(k));
            scaledLoadings[i] = sign * v.unsafe_get(k, column);
            // the scaled design's null vector v maps to C⁻¹v in original units
            loadings[i] = sign * v.unsafe_get(k, column) / scale[k] / largestOriginal;
        }
        return new Conditioning.NullDirection(List.copyOf(featureNames), index, loadings, scaledLoadings, singularValue);
    }

    private static double ratio(double largest, double smallest) {
        return smallest == 0.0 ? Double.POSITIVE_INFINITY : largest / smallest;
    }

    private static double[][] identity(int p) {
        final double[][] basis = new double[p][p];
        for (int i = 0; i < p; i++) {
            basis[i][i] = 1.0;
        }
        return basis;
    }

    /** Singular values sorted largest first, with V (columns in that order) when asked for; {@code order} is the identity. */
    private record Decomposed(double[] values, int[] order, DMatrixRMaj v) {
    }

    private static Decomposed svd(DMatrixRMaj a, boolean needV, Svd.Library library) {
        final Svd.Result result = Svd.of(a, needV, library);
        final int[] order = new int[result.values().length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        return new Decomposed(result.values(), order, result.v());
    }
}
