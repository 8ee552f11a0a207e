package io.gapwatch.engine.exact;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

import java.util.Arrays;

/**
 * Turns the factor D^½ [R̄ | z̄] into coefficients θ*. The O(p²) workspaces of a ridge or SVD solve
 * live for that solve only; between solves the solver holds θ* alone.
 *
 * <h2>Which solution</h2>
 * With an intercept the weights are the minimum-norm solution of the <em>centered</em> problem and
 * the intercept is free, exactly what scikit-learn's {@code LinearRegression} computes (it centers,
 * calls {@code lstsq}, then sets b = ȳ − x̄ᵀw). The factor already holds the centered problem:
 * QR of [1 X] leaves r₀₀ = √n_eff in the corner and, below it, the factor of the centered
 * design, so for R = [[r₀₀, r₀ᵀ], [0, R_w]] and z = (z₀, z_w):
 * <pre>
 *   w* = argmin ‖w‖ over the minimizers of ‖R_w w − z_w‖,      b* = (z₀ − r₀ᵀw*) / r₀₀ = z̄₀ − r̄₀ᵀw*
 * </pre>
 * Without an intercept, R_w is all of R.
 *
 * <h2>Rank</h2>
 * Rank is decided on the block R_w C⁻¹, C the column norms of the design [1 X] itself (not of the
 * centered block: a constant feature's centered column is pure roundoff, and scaling it by its own
 * norm would blow roundoff up to a unit column). The tolerance is numpy's, ε·max(n, p)·σ_max, with
 * σ_max taken as at least 1, the largest singular value of any design with unit columns.
 * A column whose norm is below ε times the largest column's is numerically zero (its values are
 * roundoff, such as x₁ − x₂ of two equal columns) and is treated as such: scaling it up to unit
 * norm would turn noise into a direction.
 * Deciding on the raw block would truncate designs that are only badly scaled:
 * NIST's Filip has raw condition 1.8e15 (numpy's {@code lstsq} calls it rank 10 of 11 and misses the
 * certified values) but scaled condition 5e9, well inside double precision.
 * Because σ_min(R C⁻¹) ≤ min_k r_kk/c_k (C the column norms), scaled pivots all above √ε certify
 * full rank without an SVD; only below that does the O(p³) SVD run.
 *
 * <h2>Minimum norm</h2>
 * From the scaled SVD R_w C⁻¹ = U S Vᵀ with numerical rank k: a particular solution
 * θ_p = C⁻¹ Σ_{i&lt;k} v_i (u_iᵀ z_w) / s_i, whose residual is the truncated one; every other solution
 * adds a vector of span(C⁻¹ V_null). The minimum-norm one in the original units (the one
 * {@code lstsq} returns) removes that span: θ = θ_p − N Nᵀ θ_p with N an orthonormal basis of it.
 *
 * <h2>Ridge</h2>
 * min ‖Rθ − z‖² + α‖w‖² is the least-squares problem of R stacked on √α I (weight rows only); the
 * stacked rows (unit rows with weight α) are rotated into a copy of the factor and the result
 * back-substituted.
 */
final class MinimumNormSolver {

    /** Scaled pivots above this (√ε) certify full rank without an SVD. */
    static final double PIVOT_SCREEN = 0x1p-26;
    static final double EPSILON = Math.ulp(1.0);

    private final int p;
    private final int offset;
    private final int q;
    private final double ridge;

    /** θ*, valid after {@link #solve}. */
    final double[] theta;
    SolveMethod method = SolveMethod.EMPTY;
    int rank;

    MinimumNormSolver(int p, int offset, double ridge) {
        this.p = p;
        this.offset = offset;
        this.q = p - offset;
        this.ridge = ridge;
        this.theta = new double[p];
    }

    /**
     * @param rbar               rows of [R̄ | z̄]; Not modified
     * @param pivots             D; Not modified
     * @param columnSumOfSquares squared column norms of the weighted design; Not modified
     * @param count              records seen
     */
    void solve(double[][] rbar, double[] pivots, double[] columnSumOfSquares, long count) {
        if (count == 0) {
            Arrays.fill(theta, 0.0);
            method = SolveMethod.EMPTY;
            rank = 0;
        } else if (ridge > 0.0) {
            solveRidge(rbar, pivots);
        } else if (pivotsCertifyFullRank(pivots, columnSumOfSquares)) {
            backSubstitute(rbar, theta, p);
            method = SolveMethod.BACK_SUBSTITUTION;
            rank = p;
        } else {
            solveBySvd(rbar, pivots, columnSumOfSquares, count);
        }
    }

    // r_kk / c_k > √ε for every k, compared squared: d_k > ε · c_k²; and no column negligible.
    static boolean pivotsCertifyFullRank(double[] pivots, double[] columnSumOfSquares) {
        final double negligible = negligibleSumOfSquares(columnSumOfSquares);
        for (int k = 0; k < pivots.length; k++) {
            final double c2 = columnSumOfSquares[k];
            if (!(c2 > negligible && pivots[k] > PIVOT_SCREEN * PIVOT_SCREEN * c2)) {
                return false;
            }
        }
        return true;
    }

    /** Columns with a sum of squares at or below this, (ε · largest column norm)², are numerically zero. */
    static double negligibleSumOfSquares(double[] columnSumOfSquares) {
        double largest = 0.0;
        for (double c2 : columnSumOfSquares) {
            largest = Math.max(largest, c2);
        }
        return EPSILON * EPSILON * largest;
    }

    /**
     * Solves R̄ θ = z̄ for unit upper-triangular R̄ (equivalent to Rθ = z when every d_k &gt; 0).
     * <pre>
     *   θ_i = z̄_i − Σ_{j&gt;i} R̄_ij θ_j,     i = p−1 … 0
     * </pre>
     *
     * @param rbar rows of [R̄ | z̄]; Not modified
     * @param out  θ; Modified
     */
    static void backSubstitute(double[][] rbar, double[] out, int p) {
        for (int i = p - 1; i >= 0; i--) {
            final double[] ri = rbar[i];
            double s = ri[p];
            for (int j = i + 1; j < p; j++) {
                s -= ri[j] * out[j];
            }
            out[i] = s;
        }
    }

    private void solveRidge(double[][] rbar, double[] pivots) {
        // workspaces of this solve only: a model keeps none between solves, so its heap weight stays what the cache was told
        final double[][] ridgeRbar = new double[p][p + 1];
        final double[] ridgePivots = new double[p];
        final double[] ridgeRow = new double[p + 1];
        for (int k = 0; k < p; k++) {
            System.arraycopy(rbar[k], 0, ridgeRbar[k], 0, p + 1);
        }
        System.arraycopy(pivots, 0, ridgePivots, 0, p);
        for (int j = offset; j < p; j++) {
            Arrays.fill(ridgeRow, 0.0);
            ridgeRow[j] = 1.0;
            GentlemanRotation.include(ridgeRbar, ridgePivots, ridgeRow, ridge, j, p);
        }
        backSubstitute(ridgeRbar, theta, p);
        method = SolveMethod.RIDGE;
        rank = p;
    }

    private void solveBySvd(double[][] rbar, double[] pivots, double[] columnSumOfSquares, long count) {
        if (q == 0) {
            backSubstitute(rbar, theta, p);
            method = SolveMethod.BACK_SUBSTITUTION;
            rank = p;
            return;
        }
        // workspaces of this solve only (the block, U, V and the SVD's own, about 5·8·q² bytes): kept, they would
        // add three times a rank-deficient model's weight after its first report, unknown to the cache that weighed it
        final DMatrixRMaj scaledBlock = new DMatrixRMaj(q, q);
        final SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(q, q, true, true, false);
        // the weight block of R = D^½ R̄, its columns divided by the design's column norms;
        // negligible columns become zero columns (multiplier 0), so they land in the null space
        final double negligible = negligibleSumOfSquares(columnSumOfSquares);
        final double[] scale = new double[q];
        final double[] multiplier = new double[q];
        for (int j = 0; j < q; j++) {
            final double c2 = columnSumOfSquares[offset + j];
            scale[j] = c2 > negligible ? Math.sqrt(c2) : 1.0;
            multiplier[j] = c2 > negligible ? 1.0 / scale[j] : 0.0;
        }
        final double[] zBlock = new double[q];
        for (int i = 0; i < q; i++) {
            final double root = Math.sqrt(pivots[offset + i]);
            final double[] ri = rbar[offset + i];
            scaledBlock.unsafe_set(i, i, root * multiplier[i]);
            for (int j = i + 1; j < q; j++) {
                scaledBlock.unsafe_set(i, j, root * ri[offset + j] * multiplier[j]);
            }
            zBlock[i] = root * ri[p];
        }
        if (!svd.decompose(scaledBlock)) {
            throw new ArithmeticException("SVD of the scaled factor did not converge");
        }
        final double[] s = svd.getSingularValues();
        final int[] order = descendingOrder(s, svd.numberOfSingularValues());
        final double largest = Math.max(1.0, s[order[0]]);
        final double tolerance = EPSILON * Math.max((double) count, q) * largest;
        int blockRank = 0;
        while (blockRank < q && s[order[blockRank]] > tolerance) {
            blockRank++;
        }
        rank = blockRank + offset;
        if (blockRank == q) {
            backSubstitute(rbar, theta, p);
            method = SolveMethod.BACK_SUBSTITUTION;
            return;
        }
        final DMatrixRMaj u = svd.getU(null, false);
        final DMatrixRMaj v = svd.getV(null, false);

        // θ_p = D⁻¹ Σ_{i<k} v_i (u_iᵀ z_w) / s_i
        final double[] weights = new double[q];
        for (int r = 0; r < blockRank; r++) {
            final int c = order[r];
            double projection = 0.0;
            for (int i = 0; i < q; i++) {
                projection += u.unsafe_get(i, c) * zBlock[i];
            }
            final double coefficient = projection / s[c];
            for (int j = 0; j < q; j++) {
                weights[j] += v.unsafe_get(j, c) * coefficient;
            }
        }
        for (int j = 0; j < q; j++) {
            weights[j] /= scale[j];
        }

        // θ ← θ_p − N Nᵀ θ_p, N an orthonormal basis of D⁻¹ V_null
        final int nullity = q - blockRank;
        final double[][] nullBasis = new double[nullity][q];
        for (int r = 0; r < nullity; r++) {
            final int c = order[blockRank + r];
            for (int j = 0; j < q; j++) {
                nullBasis[r][j] = v.unsafe_get(j, c) / scale[j];
            }
        }
        final int independent = Orthonormal.basisInPlace(nullBasis);
        for (int r = 0; r < independent; r++) {
            final double[] n = nullBasis[r];
            double along = 0.0;
            for (int j = 0; j < q; j++) {
                along += n[j] * weights[j];
            }
            for (int j = 0; j < q; j++) {
                weights[j] -= along * n[j];
            }
        }

        System.arraycopy(weights, 0, theta, offset, q);
        if (offset == 1) {
            // b* = z̄₀ − r̄₀ᵀw*   (d₀ = n_eff > 0 once a record is in)
            final double[] r0 = rbar[0];
            double s0 = r0[p];
            for (int j = 1; j < p; j++) {
                s0 -= r0[j] * theta[j];
            }
            theta[0] = s0;
        }
        method = SolveMethod.MINIMUM_NORM;
    }

    /** Indices of the first {@code n} values, largest first (ties keep index order, so the result is deterministic). */
    static int[] descendingOrder(double[] values, int n) {
        final Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> Double.compare(values[b], values[a]));
        final int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = boxed[i];
        }
        return order;
    }
}
