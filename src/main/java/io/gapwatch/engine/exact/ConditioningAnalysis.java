package io.gapwatch.engine.exact;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

import java.util.ArrayList;
import java.util.List;

/**
 * Computes {@link Conditioning} from an estimator: two SVDs of the p×p factor (raw, and columns
 * scaled to unit norm), O(p³). Run at reporting intervals, never per record.
 *
 * <p>All of it is about the design the optimizer sees, [1 X] with the intercept column, because
 * that is what a gradient method's step size and speed depend on.
 */
public final class ConditioningAnalysis {

    /** At most this many null directions are itemized; {@link Conditioning#nullSpaceDimension()} counts them all. */
    public static final int MAX_REPORTED_DIRECTIONS = 10;
    /**
     * A feature takes part in a null direction when its scaled loading is at least this fraction
     * of the direction's largest: (1, 1, −1) on (intercept, x1, x2) names all three.
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
        final int p = estimator.parameters();
        if (featureNames.size() != estimator.features()) {
            throw new IllegalArgumentException("expected " + estimator.features() + " names, got " + featureNames.size());
        }
        final List<String> names = parameterNames(estimator.options().intercept(), featureNames);
        if (estimator.count() == 0) {
            return new Conditioning(new double[0], new double[0], Double.NaN, Double.NaN, 0, p, 0.0,
                    Double.NaN, Double.NaN, Double.NaN, List.of(), p);
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

        final double[] sigma = sortedSingularValues(raw);
        final DMatrixRMaj[] vHolder = new DMatrixRMaj[1];
        final double[] scaledSigmaUnsorted = singularValuesUnsorted(scaled, vHolder);
        final int[] order = MinimumNormSolver.descendingOrder(scaledSigmaUnsorted, scaledSigmaUnsorted.length);
        final double[] scaledSigma = new double[p];
        for (int i = 0; i < p; i++) {
            scaledSigma[i] = scaledSigmaUnsorted[order[i]];
        }

        final double tolerance = MinimumNormSolver.EPSILON * Math.max((double) estimator.count(), p) * scaledSigma[0];
        int rank = 0;
        while (rank < p && scaledSigma[rank] > tolerance) {
            rank++;
        }
        final double nEff = estimator.effectiveCount();
        final double hessianMax = sigma[0] * sigma[0] / nEff;
        final double hessianMin = sigma[p - 1] * sigma[p - 1] / nEff;
        final double hessianMinIdentifiable = rank == 0 ? Double.NaN : sigma[rank - 1] * sigma[rank - 1] / nEff;

        final List<Conditioning.NullDirection> directions = new ArrayList<>();
        final DMatrixRMaj v = vHolder[0];
        for (int r = p - 1; r >= rank && directions.size() < MAX_REPORTED_DIRECTIONS; r--) {
            directions.add(direction(v, order[r], scale, names, scaledSigma[r]));
        }
        return new Conditioning(sigma, scaledSigma, ratio(sigma[0], sigma[p - 1]),
                ratio(scaledSigma[0], scaledSigma[p - 1]), rank, p, tolerance,
                hessianMax, hessianMin, hessianMinIdentifiable, List.copyOf(directions), p - rank);
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
        int largestAt = 0;
        for (int k = 0; k < p; k++) {
            final double a = Math.abs(v.unsafe_get(k, column));
            if (a > largestScaled) {
                largestScaled = a;
                largestAt = k;
            }
        }
        // The sign is arbitrary in an SVD; fix it so the largest scaled loading is positive.
        final double sign = v.unsafe_get(largestAt, column) < 0 ? -1.0 : 1.0;
        final List<Integer> taking = new ArrayList<>();
        double largestOriginal = 0.0;
        for (int k = 0; k < p; k++) {
            if (Math.abs(v.unsafe_get(k, column)) >= PARTICIPATION * largestScaled) {
                taking.add(k);
                largestOriginal = Math.max(largestOriginal, Math.abs(v.unsafe_get(k, column) / scale[k]));
            }
        }
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
            // the scaled design's null vector v maps to D⁻¹v in original units
            loadings[i] = sign * v.unsafe_get(k, column) / scale[k] / largestOriginal;
        }
        return new Conditioning.NullDirection(List.copyOf(featureNames), index, loadings, scaledLoadings, singularValue);
    }

    private static double ratio(double largest, double smallest) {
        return smallest == 0.0 ? Double.POSITIVE_INFINITY : largest / smallest;
    }

    private static double[] sortedSingularValues(DMatrixRMaj a) {
        final double[] unsorted = singularValuesUnsorted(a, null);
        final int[] order = MinimumNormSolver.descendingOrder(unsorted, unsorted.length);
        final double[] sorted = new double[unsorted.length];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = unsorted[order[i]];
        }
        return sorted;
    }

    private static double[] singularValuesUnsorted(DMatrixRMaj a, DMatrixRMaj[] vOut) {
        final boolean needV = vOut != null;
        final SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(a.numRows, a.numCols, false, needV, false);
        if (!svd.decompose(a.copy())) {
            throw new ArithmeticException("SVD of the factor did not converge");
        }
        if (needV) {
            vOut[0] = svd.getV(null, false);
        }
        final double[] values = new double[svd.numberOfSingularValues()];
        System.arraycopy(svd.getSingularValues(), 0, values, 0, values.length);
        return values;
    }
}
