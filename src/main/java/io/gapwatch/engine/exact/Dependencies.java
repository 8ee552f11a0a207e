package io.gapwatch.engine.exact;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import java.util.ArrayList;
import java.util.List;

/**
 * The columns of a rank-deficient or nearly collinear design written as a person writes them:
 * each dependent column through a basis of the others, "x2 = x1 + 1", "s01 = s00 + 1".
 *
 * <h2>Which columns depend on which</h2>
 * A triangular factor cannot say: once a column is dependent, its row of R holds whatever the
 * rounding left there, and every later column's row picks up part of the next columns. The right
 * singular vectors can. Let U (p × m) span the directions the data does not (or barely) determine,
 * X U ≈ 0. For any m rows D with U_D invertible,
 * <pre>
 *   X_D U_D + X_B U_B ≈ 0    ⇒    X_D ≈ X_B A,    A = −U_B U_D⁻¹,
 * </pre>
 * B the other columns. D is chosen from the last column backwards, keeping a row only when it is
 * independent of those already kept (modified Gram–Schmidt on the rows of U), so the basis is the
 * earliest columns: the intercept and x1, not x2; s00, not s99. For a column that truly depends on
 * B the relation is exact (unique in span(U) with those coordinates); for a nearly collinear one it
 * holds up to the residual reported with it. Relations are solved on the column-scaled design and
 * written back in original units.
 *
 * <p>O(p·k² + k³) for k dependent columns; run at reporting intervals with the conditioning SVD.
 */
public final class Dependencies {

    /** Rows of U below this norm, after the rows already kept are projected out, add no new column. */
    static final double INDEPENDENT_ROW = 1e-6;
    /** A relation whose relative residual ‖Xu‖/‖x_d‖ is at most this is exact ("="), else near ("≈"). */
    public static final double EXACT = 1e-8;
    /** Beyond this many dependent columns no relations are written (their k³ solve would dominate a report). */
    public static final int MAX_COLUMNS = 256;

    private Dependencies() {
    }

    /**
     * One dependent column through the basis.
     *
     * @param column    the dependent column's name
     * @param index     its index in θ order
     * @param basis     the basis columns that take part (the intercept is never among them: it is {@code constant})
     * @param coefficients one per basis column, original units: column = Σ coefficients·basis + constant
     * @param constant  the intercept's coefficient (0 without an intercept)
     * @param residual  ‖column − the relation‖ / ‖column‖ over the records
     */
    public record Relation(String column, int index, List<String> basis, double[] coefficients, double constant, double residual) {

        public boolean exact() {
            return residual <= EXACT;
        }
    }

    /**
     * @param v       right singular vectors of the column-scaled factor, p × p (columns); Not modified
     * @param columns indices of the columns of {@code v} spanning the flat directions, flattest last in
     *                importance (null directions first, then weak ones); Not modified
     * @param scale   the column norms used to scale; Not modified
     * @param names   coefficient names in θ order, the intercept first if any
     * @param factor  the design's factor R (rows of [R | z]), for the residuals; Not modified
     * @param intercept whether column 0 is the intercept
     * @return the relations, dependent columns in column order; empty beyond {@link #MAX_COLUMNS}
     */
    static List<Relation> of(DMatrixRMaj v, int[] columns, double[] scale, List<String> names, double[][] factor,
                             boolean intercept) {
        final int p = scale.length;
        final int k = columns.length;
        if (k == 0 || k > MAX_COLUMNS) {
            return List.of();
        }
        // rows of U = V[:, columns], scaled coordinates
        final double[][] rows = new double[p][k];
        for (int i = 0; i < p; i++) {
            for (int c = 0; c < k; c++) {
                rows[i][c] = v.unsafe_get(i, columns[c]);
            }
        }
        final boolean[] dependent = chooseFromTheEnd(rows, k);
        final int[] d = indices(dependent, true);
        final int[] b = indices(dependent, false);
        if (d.length != k) {
            return List.of(); // U had fewer independent rows than columns: not a basis of flat directions
        }
        // A = −U_B U_D⁻¹  (B × D)
        final DMatrixRMaj ud = new DMatrixRMaj(k, k);
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < k; c++) {
                ud.unsafe_set(r, c, rows[d[r]][c]);
            }
        }
        final DMatrixRMaj inverse = new DMatrixRMaj(k, k);
        if (!CommonOps_DDRM.invert(ud, inverse)) {
            return List.of();
        }
        final DMatrixRMaj ub = new DMatrixRMaj(b.length, k);
        for (int r = 0; r < b.length; r++) {
            for (int c = 0; c < k; c++) {
                ub.unsafe_set(r, c, rows[b[r]][c]);
            }
        }
        final DMatrixRMaj a = new DMatrixRMaj(b.length, k);
        CommonOps_DDRM.mult(-1.0, ub, inverse, a);

        final List<Relation> relations = new ArrayList<>(k);
        final double[] u = new double[p];
        for (int c = 0; c < k; c++) {
            final int column = d[c];
            final List<String> basis = new ArrayList<>();
            final List<Double> coefficients = new ArrayList<>();
            double constant = 0.0;
            java.util.Arrays.fill(u, 0.0);
            u[column] = 1.0;
            double largest = 0.0;
            for (int r = 0; r < b.length; r++) {
                largest = Math.max(largest, Math.abs(a.unsafe_get(r, c)));
            }
            for (int r = 0; r < b.length; r++) {
                final double scaled = a.unsafe_get(r, c);
                if (Math.abs(scaled) <= 1e-12 * Math.max(1.0, largest)) {
                    continue; // roundoff, not a term
                }
                // x̃_d = Σ a x̃_b with x̃ = x / c:  x_d = Σ (a c_d / c_b) x_b
                final double original = scaled * scale[column] / scale[b[r]];
                u[b[r]] = -original;
                if (intercept && b[r] == 0) {
                    constant = original;
                } else {
                    basis.add(names.get(b[r]));
                    coefficients.add(original);
                }
            }
            relations.add(new Relation(names.get(column), column, List.copyOf(basis),
                    coefficients.stream().mapToDouble(Double::doubleValue).toArray(), constant,
                    residual(factor, u, column)));
        }
        relations.sort(java.util.Comparator.comparingInt(Relation::index));
        return List.copyOf(relations);
    }

    // Rows kept from the last backwards while independent of those kept: Gram–Schmidt, twice.
    private static boolean[] chooseFromTheEnd(double[][] rows, int k) {
        final int p = rows.length;
        final boolean[] chosen = new boolean[p];
        final List<double[]> kept = new ArrayList<>();
        for (int i = p - 1; i >= 0 && kept.size() < k; i--) {
            final double[] r = rows[i].clone();
            for (int pass = 0; pass < 2; pass++) {
                for (double[] q : kept) {
                    double along = 0.0;
                    for (int c = 0; c < k; c++) {
                        along += q[c] * r[c];
                    }
                    for (int c = 0; c < k; c++) {
                        r[c] -= along * q[c];
                    }
                }
            }
            final double norm = Orthonormal.norm(r);
            if (norm > INDEPENDENT_ROW) {
                for (int c = 0; c < k; c++) {
                    r[c] /= norm;
                }
                kept.add(r);
                chosen[i] = true;
            }
        }
        return chosen;
    }

    private static int[] indices(boolean[] flags, boolean value) {
        int n = 0;
        for (boolean f : flags) {
            n += f == value ? 1 : 0;
        }
        final int[] out = new int[n];
        int at = 0;
        for (int i = 0; i < flags.length; i++) {
            if (flags[i] == value) {
                out[at++] = i;
            }
        }
        return out;
    }

    // ‖R u‖ / ‖R e_column‖: how far the relation is from holding over the records (R's columns have the design's norms)
    private static double residual(double[][] factor, double[] u, int column) {
        final int p = u.length;
        double off = 0.0;
        double own = 0.0;
        for (int i = 0; i < p; i++) {
            double s = 0.0;
            for (int j = i; j < p; j++) {
                s += factor[i][j] * u[j];
            }
            off += s * s;
            if (i <= column) {
                own += factor[i][column] * factor[i][column];
            }
        }
        return own == 0.0 ? 0.0 : Math.sqrt(off / own);
    }
}
