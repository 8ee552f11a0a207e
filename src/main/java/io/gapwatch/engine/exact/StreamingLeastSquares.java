package io.gapwatch.engine.exact;

import java.util.Arrays;

/**
 * The exact least-squares fit over every record seen, updated one record at a time in O(p²).
 *
 * <h2>Design</h2>
 * The estimator keeps the QR factorization of the (weighted) design [1 X] — never the normal
 * matrix XᵀX, whose condition number is the square of the design's — as an upper-triangular
 * factor R with z = Qᵀy, plus the residual sum of squares RSS* that the rotations push out of
 * the factor:
 * <pre>
 *   ‖y − Xθ‖²  =  ‖Rθ − z‖²  +  RSS*        for every θ,
 * </pre>
 * so the in-sample loss of <em>any</em> weight vector over all history costs O(p²) and no data
 * pass. R is held square-root free, R = D^½ R̄ with R̄ unit triangular, and each record is rotated
 * in by Gentleman's update ({@link GentlemanRotation}; Golub &amp; Van Loan §6.5 on QR updating).
 * Forgetting (λ &lt; 1) multiplies D by λ before each record, which weights every earlier row by
 * λ^age at O(p) cost. Unlike the covariance ("P-matrix") form of recursive least squares this keeps
 * no inverse and never squares the condition number, so it stays accurate on exactly the
 * ill-conditioned data gapwatch is for.
 *
 * <h2>Rows shifted by a reference row</h2>
 * With an intercept, rows are rotated in as [1, x − x₀ | y − y₀] for a reference row (x₀, y₀):
 * the first record, moved to the running weighted mean whenever the count reaches a power of two.
 * Shifting the columns is a change of basis of the design, X′ = X S with S = [[1, −x₀ᵀ], [0, I]],
 * so the factor becomes R′ = R S and z′ = z − y₀ R e₀: <em>only row 0 differs</em>, where
 * R̄′₀ = x̄ − x₀ and z̄′₀ = ȳ − y₀. Moving the reference is therefore an O(p) change to row 0, and
 * every row below it is the same in exact arithmetic. In floating point it is not: unshifted,
 * eliminating the intercept column from a record cancels values as large as the data's mean
 * (a year near 1950 against a spread of 5 loses two to three digits per rotation); shifted, the
 * rotations work on deviations, as scikit-learn does when it centres before its solve. The
 * weights are unchanged by the shift and the intercept is mapped back,
 * <pre>
 *   b = b′ + y₀ − wᵀx₀,
 * </pre>
 * and every public quantity (θ*, SSE of any θ, gradients, whitening, the factor) is in the
 * original coordinates. Without an intercept there is nothing to absorb a shift: x₀ = 0, y₀ = 0.
 *
 * <p>The solution is computed on demand and cached until the next record. A full-rank design is
 * solved by back-substitution; a rank-deficient one (collinear columns, fewer records than
 * coefficients) gets the minimum-norm least-squares solution — see {@link MinimumNormSolver}.
 *
 * <p>Coefficients are ordered θ = (b, w₁ … w_d) with an intercept, θ = (w₁ … w_d) without.
 * Not thread-safe; the hot path ({@link #update}) allocates nothing.
 */
public final class StreamingLeastSquares {

    /**
     * Largest accepted |value| of a feature or target. Squares of values up to 1e100, summed over
     * any realistic stream, stay far from double overflow; beyond it the factor could not hold them.
     */
    public static final double MAX_MAGNITUDE = 1e100;

    /**
     * Whitening treats a pivot d_k below this fraction of its column's sum of squares as this
     * large: directions the data determines to less than 1e-5 relative are damped, not blown up.
     */
    public static final double WHITENING_FLOOR = 1e-10;

    private final LeastSquaresOptions options;
    private final int features;
    private final int p;

    /** p rows of [R̄ | z̄], each of length p + 1; see {@link GentlemanRotation} for the layout. */
    private final double[][] rbar;
    /** The pivot weights D: R = D^½ R̄. */
    private final double[] pivots;
    /** Σ λ^age x_k² per coefficient column: the column scaling used by the rank screen. */
    private final double[] columnSumOfSquares;
    private final WeightedMoments target = new WeightedMoments();
    private double residualSumOfSquares;
    private long count;
    private double effectiveCount;

    /** The reference row (x₀, y₀) subtracted from every record before it is rotated in; zero without an intercept. */
    private final double[] reference;
    private double referenceTarget;
    /** Whether (x₀, y₀) has been set: by the first record, or by a restored state. */
    private boolean referenced;
    /** θ* in original coordinates, converted from the solver's shifted solution. */
    private final double[] solution;
    /** θ converted to the shifted coordinates: a workspace, so that no query allocates. */
    private final double[] shifted;

    /** Incremented by every change; the solution cache is valid while it matches. */
    private long modification;
    private long solvedAt = -1;
    private final MinimumNormSolver solver;

    private final double[] row;

    /** √w·e of the last record rotated in by {@link #update}, or NaN; see {@link #recursiveResidual()}. */
    private double recursiveResidual = Double.NaN;

    public StreamingLeastSquares(int features, LeastSquaresOptions options) {
        if (features < 0) {
            throw new IllegalArgumentException("feature count must be >= 0, got " + features);
        }
        this.options = options;
        this.features = features;
        this.p = options.parameterCount(features);
        if (p == 0) {
            throw new IllegalArgumentException("a model without intercept needs at least one feature");
        }
        this.rbar = new double[p][p + 1];
        this.pivots = new double[p];
        this.columnSumOfSquares = new double[p];
        this.row = new double[p + 1];
        this.solver = new MinimumNormSolver(p, options.intercept() ? 1 : 0, options.ridge());
        this.reference = new double[features];
        this.solution = new double[p];
        this.shifted = new double[p];
    }

    /**
     * Adds one record with weight 1, after aging every earlier record by λ. O(p²), no allocation.
     *
     * <p>Returns the exact fit's prediction of this record made <em>before</em> it was added, for
     * test-then-train scoring, at no extra cost: when the factor already had full rank, the
     * residual the rotations leave is the recursive residual e = y − xᵀθ*_(n−1) (Brown, Durbin &amp;
     * Evans 1975), so the prediction is y − e, more accurate than forming xᵀθ*. While the factor is
     * rank-deficient the prediction is not determined, and with a ridge penalty it would cost an
     * O(p³) solve: then NaN.
     *
     * @param x the features, length {@link #features()}; Not modified
     * @param y the target
     * @return ŷ = xᵀθ*_(n−1), or NaN when not determined
     * @throws IllegalArgumentException if a value is not finite or beyond {@link #MAX_MAGNITUDE}, or
     *         the length is wrong: callers validate records first, because one such value would
     *         poison the factor for good
     */
    public double update(double[] x, double y) {
        if (x.length != features) {
            throw new IllegalArgumentException("expected " + features + " features, got " + x.length);
        }
        if (!(Math.abs(y) <= MAX_MAGNITUDE)) {
            throw new IllegalArgumentException("target is not finite or beyond 1e100: " + y);
        }
        final int offset = options.intercept() ? 1 : 0;
        for (int j = 0; j < features; j++) {
            if (!(Math.abs(x[j]) <= MAX_MAGNITUDE)) {
                throw new IllegalArgumentException("feature " + j + " is not finite or beyond 1e100: " + x[j]);
            }
        }
        if (offset == 1 && !referenced) {
            System.arraycopy(x, 0, reference, 0, features);
            referenceTarget = y;
            referenced = true;
        }
        if (offset == 1) {
            row[0] = 1.0;
        }
        for (int j = 0; j < features; j++) {
            row[offset + j] = x[j] - reference[j];
        }
        row[p] = y - referenceTarget;

        if (options.forgetting() != 1.0) {
            age();
        }
        // the screen that certifies back-substitution also certifies the recursive residual
        final boolean predictable = count > 0 && options.ridge() == 0.0
                && MinimumNormSolver.pivotsCertifyFullRank(pivots, columnSumOfSquares);
        if (offset == 1) {
            columnSumOfSquares[0] += 1.0;
        }
        for (int j = 0; j < features; j++) {
            columnSumOfSquares[offset + j] += x[j] * x[j]; // of the design itself, which the rank screen scales by
        }
        final double weight = GentlemanRotation.include(rbar, pivots, row, 1.0, 0, p);
        final double residual = row[p];
        residualSumOfSquares += weight * residual * residual;
        // w_t = √w·e: the standardized recursive residual, whose square is this record's share of RSS*
        recursiveResidual = predictable ? Math.sqrt(weight) * residual : Double.NaN;
        target.add(y);
        count++;
        effectiveCount += 1.0;
        modification++;
        if (offset == 1 && count >= 2 && (count & (count - 1)) == 0) {
            recentre();
        }
        return predictable ? y - residual : Double.NaN;
    }

    /**
     * The standardized recursive residual of the last record {@link #update} rotated in (Brown, Durbin
     * &amp; Evans 1975; statsmodels' {@code RecursiveLSResults.resid_recursive}):
     * <pre>
     *   w_t = (y_t − x_tᵀθ*_(t−1)) / √(1 + x_tᵀ(X_(t−1)ᵀX_(t−1))⁻¹x_t) = √w · e
     * </pre>
     * with e and w the residual and the weight the rotation leaves ({@link GentlemanRotation}); w_t² is
     * what the record added to RSS*. Free: no solve. Under a constant relationship with independent
     * N(0, σ²) noise the w_t are independent N(0, σ²), which is what {@link StructuralBreaks} tests.
     * With forgetting it is the weighted recursion's innovation, standardized the same way.
     *
     * @return w_t, or NaN when the factor was not certified full rank before the record (the same
     *         screen that certifies back-substitution), with a ridge penalty (the factor is the
     *         unpenalized fit's, so e is not the ridge fit's error), and before any record
     */
    public double recursiveResidual() {
        return recursiveResidual;
    }

    /**
     * Whether the factor is certified full rank now: the scaled pivots are all above √ε, so that
     * back-substitution is accurate and the next record has a recursive residual. O(p), no solve.
     */
    public boolean certifiedFullRank() {
        return count > 0 && MinimumNormSolver.pivotsCertifyFullRank(pivots, columnSumOfSquares);
    }

    /**
     * Moves the reference row to the current weighted means, which row 0 holds as deviations:
     * R̄′₀ⱼ = x̄ⱼ − x₀ⱼ and z̄′₀ = ȳ − y₀. Later records then rotate in as deviations from the mean.
     * O(p); deterministic (at counts 2, 4, 8, …), so replay and the stream processor agree.
     */
    private void recentre() {
        final double[] r0 = rbar[0];
        for (int j = 0; j < features; j++) {
            final double moved = reference[j] + r0[1 + j];
            r0[1 + j] -= moved - reference[j];
            reference[j] = moved;
        }
        final double movedTarget = referenceTarget + r0[p];
        r0[p] -= movedTarget - referenceTarget;
        referenceTarget = movedTarget;
    }

    // Weights every earlier record by λ: R ← √λ R and z ← √λ z are D ← λ D; every weighted sum ← λ · sum.
    private void age() {
        final double lambda = options.forgetting();
        for (int k = 0; k < p; k++) {
            pivots[k] *= lambda;
            columnSumOfSquares[k] *= lambda;
        }
        residualSumOfSquares *= lambda;
        effectiveCount *= lambda;
        target.decay(lambda);
    }

    /**
     * Absorbs an estimator fed a disjoint set of records: afterwards this one equals an estimator
     * that saw both sets (as weighted rows, each set keeping its own ages). Row k of the other's
     * factor is the row R̄_k with weight d_k; each is rotated in, O(p³) in all.
     *
     * @param other same options and feature count; Not modified
     */
    public void merge(StreamingLeastSquares other) {
        if (other.features != features || !other.options.equals(options)) {
            throw new IllegalArgumentException("cannot merge estimators with different shapes or options");
        }
        if (other.count == 0) {
            return;
        }
        if (!referenced && other.referenced) {
            System.arraycopy(other.reference, 0, reference, 0, features);
            referenceTarget = other.referenceTarget;
            referenced = true;
        }
        for (int k = 0; k < p; k++) {
            columnSumOfSquares[k] += other.columnSumOfSquares[k];
            if (other.pivots[k] == 0.0) {
                continue;
            }
            Arrays.fill(row, 0.0);
            System.arraycopy(other.rbar[k], k + 1, row, k + 1, p - k);
            row[k] = 1.0;
            if (k == 0 && options.intercept()) {
                // the other's row 0 holds its means as deviations from its reference: re-express them against ours
                for (int j = 0; j < features; j++) {
                    row[1 + j] += other.reference[j] - reference[j];
                }
                row[p] += other.referenceTarget - referenceTarget;
            }
            final double weight = GentlemanRotation.include(rbar, pivots, row, other.pivots[k], k, p);
            residualSumOfSquares += weight * row[p] * row[p];
        }
        residualSumOfSquares += other.residualSumOfSquares;
        target.merge(other.target);
        count += other.count;
        effectiveCount += other.effectiveCount;
        modification++;
    }

    // ---------------------------------------------------------------- the solution

    /** The solver, with the solution of the shifted problem current; {@link #solution} holds it in original coordinates. */
    private MinimumNormSolver solved() {
        if (solvedAt != modification) {
            solver.solve(rbar, pivots, columnSumOfSquares, count);
            System.arraycopy(solver.theta, 0, solution, 0, p);
            if (options.intercept() && count > 0) {
                // b = b′ + y₀ − wᵀx₀
                double b = solver.theta[0] + referenceTarget;
                for (int j = 0; j < features; j++) {
                    b -= solver.theta[1 + j] * reference[j];
                }
                solution[0] = b;
            }
            solvedAt = modification;
        }
        return solver;
    }

    /** θ* in original coordinates; Not to be modified by callers. */
    private double[] solution() {
        solved();
        return solution;
    }

    // θ′ = (b − y₀ + wᵀx₀, w): θ in the coordinates of the shifted rows. Writes the workspace.
    private double[] toShifted(double[] theta) {
        System.arraycopy(theta, 0, shifted, 0, p);
        if (options.intercept()) {
            double b = theta[0] - referenceTarget;
            for (int j = 0; j < features; j++) {
                b += theta[1 + j] * reference[j];
            }
            shifted[0] = b;
        }
        return shifted;
    }

    /** θ* copied into {@code out} (length {@link #parameters()}). */
    public void coefficients(double[] out) {
        System.arraycopy(solution(), 0, out, 0, p);
    }

    /** A fresh copy of θ*. */
    public double[] coefficients() {
        return solution().clone();
    }

    /** θ*_i. */
    public double coefficient(int i) {
        return solution()[i];
    }

    /** The intercept b* (0 when the model has none). */
    public double intercept() {
        return options.intercept() ? solution()[0] : 0.0;
    }

    /** Weight w*_j of feature j. */
    public double weight(int j) {
        return solution()[j + (options.intercept() ? 1 : 0)];
    }

    /** How the current solution was computed. */
    public SolveMethod solveMethod() {
        return solved().method;
    }

    /** The rank the solver used: p for back-substitution, the numerical rank on the minimum-norm path. */
    public int solveRank() {
        return solved().rank;
    }

    /** ŷ = b* + w*ᵀx. No allocation. */
    public double predict(double[] x) {
        final double[] theta = solution();
        final int offset = options.intercept() ? 1 : 0;
        double dot = 0.0;
        for (int j = 0; j < features; j++) {
            dot += theta[offset + j] * x[j];
        }
        return offset == 1 ? dot + theta[0] : dot;
    }

    /**
     * ŷ = xᵀθ* when the factor has full rank (back-substitution, O(p²)); NaN while it is
     * rank-deficient, where a prediction outside the data's span is not determined. For records
     * without a target; {@link #update} gives the one-step-ahead prediction of a record with one.
     */
    public double predictIfDetermined(double[] x) {
        if (count == 0 || !MinimumNormSolver.pivotsCertifyFullRank(pivots, columnSumOfSquares)) {
            return options.ridge() > 0.0 && count > 0 ? predict(x) : Double.NaN;
        }
        return predict(x);
    }

    // ---------------------------------------------------------------- in-sample quantities, exact

    /**
     * Weighted sum of squared errors of any coefficient vector over every record seen, without a data pass.
     * <pre>
     *   Σ λ^age (y − xᵀθ)²  =  ‖Rθ − z‖²  +  RSS*  =  Σ_k d_k (R̄_k θ − z̄_k)²  +  RSS*
     * </pre>
     *
     * @param theta coefficients in this estimator's order, length {@link #parameters()}; Not modified
     */
    public double sse(double[] theta) {
        return shiftedSse(toShifted(theta));
    }

    private double shiftedSse(double[] theta) {
        double factorPart = 0.0;
        for (int k = 0; k < p; k++) {
            final double[] rk = rbar[k];
            double fitted = theta[k];
            for (int j = k + 1; j < p; j++) {
                fitted += rk[j] * theta[j];
            }
            final double r = fitted - rk[p];
            factorPart += pivots[k] * r * r;
        }
        return factorPart + residualSumOfSquares;
    }

    /** SSE of the exact fit itself. */
    public double sse() {
        return shiftedSse(solved().theta);
    }

    /**
     * How much more a coefficient vector loses than the exact fit, over every record seen:
     * <pre>
     *   SSE(θ) − SSE(θ*) = ‖R(θ − θ*)‖² = Σ_k d_k (R̄_k (θ − θ*))²
     * </pre>
     * (the cross term vanishes because Rᵀ(Rθ* − z) = 0 at a least-squares solution). Computed
     * from the difference, so it does not cancel the way SSE(θ) − SSE(θ*) would when both are large.
     */
    public double excessSse(double[] theta) {
        final double[] best = solution();
        // θ − θ* in shifted coordinates: (Δb + Δwᵀx₀, Δw), exactly 0 at θ = θ*
        final double[] difference = shifted;
        for (int k = 0; k < p; k++) {
            difference[k] = theta[k] - best[k];
        }
        if (options.intercept()) {
            for (int j = 0; j < features; j++) {
                difference[0] += difference[1 + j] * reference[j];
            }
        }
        double sum = 0.0;
        for (int k = 0; k < p; k++) {
            final double[] rk = rbar[k];
            double s = difference[k];
            for (int j = k + 1; j < p; j++) {
                s += rk[j] * difference[j];
            }
            sum += pivots[k] * s * s;
        }
        return sum;
    }

    /**
     * The exact in-sample gradient of the mean loss ½·Σ λ^age (y − xᵀθ)² / n_eff at θ, with no data pass:
     * <pre>
     *   ∇ = Rᵀ(Rθ − z) / n_eff
     * </pre>
     *
     * @param theta Not modified
     * @param out   length p; Modified
     */
    public void inSampleGradient(double[] thetaOriginal, double[] out) {
        final double[] theta = toShifted(thetaOriginal);
        java.util.Arrays.fill(out, 0.0);
        for (int k = 0; k < p; k++) {
            final double[] rk = rbar[k];
            double s = theta[k];
            for (int j = k + 1; j < p; j++) {
                s += rk[j] * theta[j];
            }
            // r_k = √d_k (R̄_k θ − z̄_k);  (Rᵀ r)_j += √d_k R̄_kj r_k = d_k R̄_kj (R̄_k θ − z̄_k)
            final double scaled = pivots[k] * (s - rk[p]);
            out[k] += scaled;
            for (int j = k + 1; j < p; j++) {
                out[j] += rk[j] * scaled;
            }
        }
        // back to original coordinates: ∂/∂w_j = ∂/∂w′_j + x₀_j ∂/∂b′
        if (options.intercept()) {
            for (int j = 0; j < features; j++) {
                out[1 + j] += reference[j] * out[0];
            }
        }
        for (int j = 0; j < p; j++) {
            out[j] /= effectiveCount;
        }
    }

    /**
     * Whitening: v ← (XᵀΛX / n_eff)⁻¹ v = n_eff (R̄ᵀ D R̄)⁻¹ v, by a forward solve with R̄ᵀ, a
     * division by D and a back-substitution with R̄, O(p²). Pivots weaker than
     * {@link #WHITENING_FLOOR} times their column's sum of squares are raised to it, so that
     * directions the data barely determines are not amplified without bound.
     *
     * @param v length p; Modified
     */
    public void applyInverseSecondMoment(double[] v) {
        if (count == 0) {
            return;
        }
        // XᵀΛX = Tᵀ X′ᵀΛX′ T with T = [[1, x₀ᵀ], [0, I]]: its inverse is T⁻¹ (X′ᵀΛX′)⁻¹ T⁻ᵀ
        final boolean shift = options.intercept();
        if (shift) {
            for (int j = 0; j < features; j++) {
                v[1 + j] -= reference[j] * v[0];
            }
        }
        // R̄ᵀ u = v, row by row: u_i is final once the rows above have been subtracted
        for (int i = 0; i < p; i++) {
            final double ui = v[i];
            final double[] ri = rbar[i];
            for (int j = i + 1; j < p; j++) {
                v[j] -= ri[j] * ui;
            }
        }
        for (int k = 0; k < p; k++) {
            final double floor = WHITENING_FLOOR * columnSumOfSquares[k];
            final double d = Math.max(pivots[k], floor);
            v[k] = d > 0.0 ? v[k] / d : 0.0;
        }
        // R̄ w = u
        for (int i = p - 1; i >= 0; i--) {
            final double[] ri = rbar[i];
            double s = v[i];
            for (int j = i + 1; j < p; j++) {
                s -= ri[j] * v[j];
            }
            v[i] = s;
        }
        if (shift) {
            for (int j = 0; j < features; j++) {
                v[0] -= reference[j] * v[1 + j];
            }
        }
        for (int k = 0; k < p; k++) {
            v[k] *= effectiveCount;
        }
    }

    /** Σ λ^age (y − ȳ)², the weighted total sum of squares about the weighted mean. */
    public double totalSumOfSquares() {
        return target.sumSquaredDeviations();
    }

    /** The mean ‖x‖² of the rows seen, with the intercept's 1: Σ_k column sums of squares / n_eff = tr(XᵀΛX)/n_eff. */
    public double meanSquaredRowNorm() {
        double s = 0.0;
        for (double c : columnSumOfSquares) {
            s += c;
        }
        return effectiveCount == 0.0 ? Double.NaN : s / effectiveCount;
    }

    /** Mean squared error SSE / n_eff; NaN before the first record. */
    public double mse(double[] theta) {
        return effectiveCount == 0.0 ? Double.NaN : sse(theta) / effectiveCount;
    }

    public double mse() {
        return effectiveCount == 0.0 ? Double.NaN : sse() / effectiveCount;
    }

    /**
     * Coefficient of determination 1 − SSE/TSS, as scikit-learn's {@code r2_score} defines it:
     * TSS is always centered, and a constant target scores 1 if fitted exactly, else 0.
     */
    public double r2(double[] theta) {
        return r2FromSse(sse(theta));
    }

    public double r2() {
        return r2FromSse(sse());
    }

    /** R² of a model whose weighted SSE over the records seen is {@code sse}. */
    public double r2FromSse(double sse) {
        if (count == 0) {
            return Double.NaN;
        }
        final double tss = target.sumSquaredDeviations();
        if (tss == 0.0) {
            return sse == 0.0 ? 1.0 : 0.0;
        }
        return 1.0 - sse / tss;
    }

    /** RSS*, the part of Σ λ^age y² that lies outside the column space: the exact fit's SSE when it has full rank. */
    public double residualSumOfSquares() {
        return residualSumOfSquares;
    }

    /** Weighted mean of the target. */
    public double targetMean() {
        return target.mean();
    }

    /** Records seen. */
    public long count() {
        return count;
    }

    /** n_eff = Σ λ^age, equal to {@link #count()} without forgetting. */
    public double effectiveCount() {
        return effectiveCount;
    }

    public int features() {
        return features;
    }

    /** Number of coefficients p: features plus the intercept if any. */
    public int parameters() {
        return p;
    }

    public LeastSquaresOptions options() {
        return options;
    }

    /**
     * What this estimator holds on the heap, in bytes, approximately: the p rows of the factor and
     * the O(p) vectors, with 16 bytes of header per array. The same before and after any solve: the
     * solver keeps no workspace between solves, so the weight a cache gives a model stays true.
     */
    public long heapBytes() {
        final long rows = p * (16L + 8L * (p + 1));
        final long vectors = 8 * (16L + 8L * (p + 1));
        return rows + vectors;
    }

    /** A deep, independent copy. */
    public StreamingLeastSquares copy() {
        final StreamingLeastSquares copy = new StreamingLeastSquares(features, options);
        copy.copyStateFrom(this);
        return copy;
    }

    // ---------------------------------------------------------------- package access for analysis and codec

    /** The rows [R̄′ | z̄′] of the shifted design; Not to be modified by callers. */
    double[][] rbar() {
        return rbar;
    }

    /** The reference row x₀ (zeros without an intercept); Not to be modified by callers. */
    double[] reference() {
        return reference;
    }

    double referenceTarget() {
        return referenceTarget;
    }

    boolean referenced() {
        return referenced;
    }

    void restoreReference(boolean referenced, double[] reference, double referenceTarget) {
        this.referenced = referenced;
        System.arraycopy(reference, 0, this.reference, 0, features);
        this.referenceTarget = referenceTarget;
        modification++;
    }

    /** The pivot weights D; Not to be modified by callers. */
    double[] pivots() {
        return pivots;
    }

    /**
     * The factor of the design itself in its usual form: p rows of [R | z] = D^½ [R̄ | z̄], with zeros
     * left of the diagonal (row 0 mapped back from the shifted rows: R̄₀ = R̄′₀ + x₀, z̄₀ = z̄′₀ + y₀).
     * Allocates; for analysis and tests, not the hot path.
     */
    public double[][] factor() {
        final double[][] out = new double[p][p + 1];
        for (int k = 0; k < p; k++) {
            final double root = Math.sqrt(pivots[k]);
            out[k][k] = root;
            for (int j = k + 1; j <= p; j++) {
                double r = rbar[k][j];
                if (k == 0 && options.intercept()) {
                    r += j < p ? reference[j - 1] : referenceTarget;
                }
                out[k][j] = root * r;
            }
        }
        return out;
    }

    double[] columnSumOfSquares() {
        return columnSumOfSquares;
    }

    WeightedMoments targetMoments() {
        return target;
    }

    void restore(long count, double effectiveCount, double residualSumOfSquares) {
        this.count = count;
        this.effectiveCount = effectiveCount;
        this.residualSumOfSquares = residualSumOfSquares;
        modification++;
    }

    /**
     * Takes over another estimator's complete state (same feature count and options): how a
     * snapshot read by the codec replaces a fresh estimator inside a model.
     */
    public void restoreFrom(StreamingLeastSquares other) {
        if (other.features != features || !other.options.equals(options)) {
            throw new IllegalArgumentException("the state is of an estimator with different shape or options");
        }
        copyStateFrom(other);
    }

    private void copyStateFrom(StreamingLeastSquares other) {
        for (int k = 0; k < p; k++) {
            System.arraycopy(other.rbar[k], 0, rbar[k], 0, p + 1);
        }
        System.arraycopy(other.pivots, 0, pivots, 0, p);
        System.arraycopy(other.columnSumOfSquares, 0, columnSumOfSquares, 0, p);
        target.copyFrom(other.target);
        restoreReference(other.referenced, other.reference, other.referenceTarget);
        restore(other.count, other.effectiveCount, other.residualSumOfSquares);
    }
}
