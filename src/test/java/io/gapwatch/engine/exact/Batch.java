package io.gapwatch.engine.exact;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/** Batch references computed from all rows at once with EJML: what the streaming estimator must equal. */
final class Batch {

    private Batch() {
    }

    /** [X | y] with the intercept column, each row multiplied by √weight_i. */
    static DMatrixRMaj augmented(Design d, double[] weights) {
        final int n = d.rows();
        final int p = d.parameters();
        final DMatrixRMaj a = new DMatrixRMaj(n, p + 1);
        for (int i = 0; i < n; i++) {
            final double root = weights == null ? 1.0 : Math.sqrt(weights[i]);
            final double[] row = d.designRow(i);
            for (int j = 0; j < p; j++) {
                a.set(i, j, root * row[j]);
            }
            a.set(i, p, root * d.y()[i]);
        }
        return a;
    }

    /**
     * Householder QR of [X | y]: the top p×(p+1) block is [R | z] and the (p, p) entry's square is
     * the residual sum of squares. Rows are sign-normalized so that R has a non-negative diagonal.
     */
    static double[][] householderFactor(DMatrixRMaj augmented) {
        final int n = augmented.numRows;
        final int cols = augmented.numCols;
        final QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(n, cols);
        if (!qr.decompose(augmented.copy())) {
            throw new AssertionError("batch QR failed");
        }
        final DMatrixRMaj r = qr.getR(null, false);
        final double[][] out = new double[cols][cols];
        for (int i = 0; i < Math.min(n, cols); i++) {
            final double sign = i < cols - 1 && r.get(i, i) < 0 ? -1.0 : 1.0;
            for (int j = i; j < cols; j++) {
                out[i][j] = sign * r.get(i, j);
            }
        }
        return out;
    }

    /**
     * The minimum-norm least-squares solution with scikit-learn's semantics: with an intercept,
     * center (weighted) X and y, take the pseudo-inverse solution of the centered problem by SVD
     * (numpy's lstsq tolerance), then b = ȳ − x̄ᵀw. Means are sums divided once, as numpy's are,
     * so a constant column centers to exact zeros.
     *
     * <p>For a full-rank design the solution is unique, and the pseudo-inverse is taken of the
     * column-scaled problem: numpy's raw tolerance would otherwise truncate badly scaled columns.
     */
    static double[] minimumNorm(Design d, double[] weights) {
        final int n = d.rows();
        final int f = d.features();
        final double[] w = new double[n];
        double total = 0.0;
        for (int i = 0; i < n; i++) {
            w[i] = weights == null ? 1.0 : weights[i];
            total += w[i];
        }
        final double[] xMean = new double[f];
        double yMean = 0.0;
        if (d.intercept()) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < f; j++) {
                    xMean[j] += w[i] * d.x()[i][j];
                }
                yMean += w[i] * d.y()[i];
            }
            for (int j = 0; j < f; j++) {
                xMean[j] /= total;
            }
            yMean /= total;
        }
        final boolean fullRank = centeredRank(d) == d.parameters();
        final double[] scale = new double[f];
        for (int j = 0; j < f; j++) {
            double norm = 0.0;
            for (int i = 0; i < n; i++) {
                norm += w[i] * (d.x()[i][j] - xMean[j]) * (d.x()[i][j] - xMean[j]);
            }
            scale[j] = fullRank && norm > 0 ? Math.sqrt(norm) : 1.0;
        }
        final DMatrixRMaj a = new DMatrixRMaj(n, f);
        final DMatrixRMaj b = new DMatrixRMaj(n, 1);
        for (int i = 0; i < n; i++) {
            final double root = Math.sqrt(w[i]);
            for (int j = 0; j < f; j++) {
                a.set(i, j, root * (d.x()[i][j] - xMean[j]) / scale[j]);
            }
            b.set(i, 0, root * (d.y()[i] - yMean));
        }
        final double[] weightsOut = pseudoInverseSolve(a, b);
        for (int j = 0; j < f; j++) {
            weightsOut[j] /= scale[j];
        }
        final double[] theta = new double[d.parameters()];
        final int offset = d.intercept() ? 1 : 0;
        System.arraycopy(weightsOut, 0, theta, offset, f);
        if (d.intercept()) {
            double dot = 0.0;
            for (int j = 0; j < f; j++) {
                dot += xMean[j] * weightsOut[j];
            }
            theta[0] = yMean - dot;
        }
        return theta;
    }

    /**
     * x = A⁺b through the SVD, singular values below 16·ε·max(m, n)·σ_max treated as zero: numpy's
     * rule with a safety factor, because EJML's roundoff-level singular values (rows that cancel
     * to nearly but not exactly zero) can sit just above numpy's bare tolerance.
     */
    static double[] pseudoInverseSolve(DMatrixRMaj a, DMatrixRMaj b) {
        final SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(a.numRows, a.numCols, true, true, true);
        if (!svd.decompose(a.copy())) {
            throw new AssertionError("batch SVD failed");
        }
        final DMatrixRMaj u = svd.getU(null, false);
        final DMatrixRMaj v = svd.getV(null, false);
        final double[] s = svd.getSingularValues();
        double largest = 0.0;
        for (int i = 0; i < svd.numberOfSingularValues(); i++) {
            largest = Math.max(largest, s[i]);
        }
        final double tolerance = 16 * Math.ulp(1.0) * Math.max(a.numRows, a.numCols) * largest;
        final double[] x = new double[a.numCols];
        for (int k = 0; k < svd.numberOfSingularValues(); k++) {
            if (s[k] <= tolerance) {
                continue;
            }
            double projection = 0.0;
            for (int i = 0; i < a.numRows; i++) {
                projection += u.get(i, k) * b.get(i, 0);
            }
            for (int j = 0; j < a.numCols; j++) {
                x[j] += v.get(j, k) * projection / s[k];
            }
        }
        return x;
    }

    /** Σ w_i (y_i − x_iᵀθ)² by a direct pass. */
    static double sse(Design d, double[] theta, double[] weights) {
        double sum = 0.0;
        for (int i = 0; i < d.rows(); i++) {
            final double[] row = d.designRow(i);
            double fitted = 0.0;
            for (int j = 0; j < row.length; j++) {
                fitted += row[j] * theta[j];
            }
            final double r = d.y()[i] - fitted;
            sum += (weights == null ? 1.0 : weights[i]) * r * r;
        }
        return sum;
    }

    /**
     * Numerical rank of the design including the intercept: 1 + the rank of the centered feature
     * block, each column divided by the norm of the raw column (the estimator's rule, computed
     * from the rows).
     */
    static int centeredRank(Design d) {
        final int n = d.rows();
        final int f = d.features();
        final double[] mean = new double[f];
        if (d.intercept()) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < f; j++) {
                    mean[j] += d.x()[i][j];
                }
            }
            for (int j = 0; j < f; j++) {
                mean[j] /= n;
            }
        }
        final DMatrixRMaj a = new DMatrixRMaj(n, f);
        for (int j = 0; j < f; j++) {
            double norm = 0.0;
            for (int i = 0; i < n; i++) {
                norm += d.x()[i][j] * d.x()[i][j];
            }
            norm = norm > 0 ? Math.sqrt(norm) : 1.0;
            for (int i = 0; i < n; i++) {
                a.set(i, j, (d.x()[i][j] - mean[j]) / norm);
            }
        }
        final double[] s = org.ejml.dense.row.SingularOps_DDRM.singularValues(a);
        double largest = 0.0;
        for (double v : s) {
            largest = Math.max(largest, v);
        }
        final double tolerance = Math.ulp(1.0) * Math.max(n, f) * Math.max(1.0, largest);
        int rank = 0;
        for (double v : s) {
            if (v > tolerance) {
                rank++;
            }
        }
        return rank + (d.intercept() ? 1 : 0);
    }

    static double conditionNumber(DMatrixRMaj a) {
        final double[] s = org.ejml.dense.row.SingularOps_DDRM.singularValues(a);
        double max = 0.0;
        double min = Double.POSITIVE_INFINITY;
        for (double v : s) {
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        return max / min;
    }

    static DMatrixRMaj transposeTimes(DMatrixRMaj a) {
        final DMatrixRMaj out = new DMatrixRMaj(a.numCols, a.numCols);
        CommonOps_DDRM.multTransA(a, a, out);
        return out;
    }
}
