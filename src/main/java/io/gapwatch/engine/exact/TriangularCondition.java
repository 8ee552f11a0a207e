package io.gapwatch.engine.exact;

/**
 * An O(p²) estimate of the 1-norm condition number of an upper-triangular factor with scaled
 * columns, A = R · diag(1/s), by Hager's method as Higham refined it (LAPACK's {@code dlacon}):
 * <pre>
 *   κ₁(A) = ‖A‖₁ · ‖A⁻¹‖₁          ‖A‖₁ exactly (largest column sum), ‖A⁻¹‖₁ estimated from below:
 *   x = (1/p, …, 1/p);  repeat:  y = A⁻¹x,  ξ = sign(y),  z = A⁻ᵀξ;
 *                               stop when ‖z‖∞ ≤ zᵀx (a local maximum of ‖A⁻¹x‖₁ on ‖x‖₁ = 1),
 *                               else x = e_j, j = argmax |z_j|
 *   and the larger of that and 2‖A⁻¹b‖₁ / (3p), bᵢ = (−1)ⁱ (1 + i/(p − 1)), which catches the
 *   matrices the iteration underestimates.
 *   A⁻¹ = diag(s) R⁻¹ and A⁻ᵀ = R⁻ᵀ diag(s): two triangular solves per step, no matrix formed.
 * </pre>
 * It is usually within a factor 3 of the true value and never above it. Hand-written rather than
 * LAPACK's {@code dtrcon} so that it gives the same bits on every machine: a report's choice
 * between a checkpoint and a fresh spectrum depends on it, and stream and replay must agree.
 */
final class TriangularCondition {

    private static final int MAX_STEPS = 5;

    private TriangularCondition() {
    }

    /**
     * @param r     rows 0..p−1 hold R (upper triangle; anything right of column p−1 is ignored); Not modified
     * @param scale s, one per column; 0 marks a column that cannot be scaled
     * @return the estimate of κ₁(R · diag(1/s)); ∞ when a pivot or a scale is zero or the solves overflow
     */
    static double oneNorm(double[][] r, int p, double[] scale) {
        if (p == 0) {
            return Double.NaN;
        }
        double normA = 0.0;
        for (int j = 0; j < p; j++) {
            if (scale[j] == 0.0 || r[j][j] == 0.0) {
                return Double.POSITIVE_INFINITY;
            }
            double column = 0.0;
            for (int i = 0; i <= j; i++) {
                column += Math.abs(r[i][j]);
            }
            normA = Math.max(normA, column / scale[j]);
        }
        final double[] x = new double[p];
        final double[] y = new double[p];
        final double[] z = new double[p];
        java.util.Arrays.fill(x, 1.0 / p);
        double estimate = 0.0;
        int previous = -1;
        for (int step = 0; step < MAX_STEPS; step++) {
            solve(r, p, scale, x, y);
            estimate = Math.max(estimate, norm1(y));
            for (int i = 0; i < p; i++) {
                x[i] = y[i] >= 0 ? 1.0 : -1.0;
            }
            solveTransposed(r, p, scale, x, z);
            int largest = 0;
            double dot = 0.0;
            for (int i = 0; i < p; i++) {
                if (Math.abs(z[i]) > Math.abs(z[largest])) {
                    largest = i;
                }
            }
            // zᵀx for the x that gave y: e_previous after the first step, 1/p before
            if (previous < 0) {
                for (int i = 0; i < p; i++) {
                    dot += z[i] / p;
                }
            } else {
                dot = z[previous];
            }
            if (step > 0 && (Math.abs(z[largest]) <= dot || largest == previous)) {
                break;
            }
            java.util.Arrays.fill(x, 0.0);
            x[largest] = 1.0;
            previous = largest;
        }
        // Higham's alternating vector
        for (int i = 0; i < p; i++) {
            x[i] = (i % 2 == 0 ? 1.0 : -1.0) * (1.0 + (p == 1 ? 0.0 : (double) i / (p - 1)));
        }
        solve(r, p, scale, x, y);
        estimate = Math.max(estimate, 2.0 * norm1(y) / (3.0 * p));
        final double kappa = normA * estimate;
        return Double.isNaN(kappa) ? Double.POSITIVE_INFINITY : kappa;
    }

    // y = diag(s) R⁻¹ x: back substitution
    private static void solve(double[][] r, int p, double[] scale, double[] x, double[] y) {
        for (int i = p - 1; i >= 0; i--) {
            double sum = x[i];
            final double[] row = r[i];
            for (int j = i + 1; j < p; j++) {
                sum -= row[j] * y[j];
            }
            y[i] = sum / row[i];
        }
        for (int i = 0; i < p; i++) {
            y[i] *= scale[i];
        }
    }

    // z = R⁻ᵀ diag(s) ξ: forward substitution with Rᵀ, row by row of R so memory runs along rows
    private static void solveTransposed(double[][] r, int p, double[] scale, double[] xi, double[] z) {
        for (int i = 0; i < p; i++) {
            z[i] = scale[i] * xi[i];
        }
        for (int i = 0; i < p; i++) {
            z[i] /= r[i][i];
            final double zi = z[i];
            final double[] row = r[i];
            for (int j = i + 1; j < p; j++) {
                z[j] -= row[j] * zi;
            }
        }
    }

    private static double norm1(double[] v) {
        double s = 0.0;
        for (double value : v) {
            s += Math.abs(value);
        }
        return s;
    }
}
