package io.gapwatch.engine.exact;

/** Orthonormalizing a handful of vectors: modified Gram–Schmidt, each vector orthogonalized twice. */
final class Orthonormal {

    // A vector that loses more than this fraction of its norm to the earlier ones is taken as dependent.
    private static final double DEPENDENT = 1e-10;

    private Orthonormal() {
    }

    /**
     * Replaces the rows of {@code vectors} by an orthonormal basis of their span, moving dependent
     * rows to the end (zeroed). "Twice is enough" (Giraud et al. 2005): a second pass restores
     * orthogonality to working precision whatever the first pass lost.
     *
     * @param vectors rows to orthonormalize; Modified
     * @return the number of independent rows, now orthonormal, at the front
     */
    static int basisInPlace(double[][] vectors) {
        int kept = 0;
        for (int r = 0; r < vectors.length; r++) {
            final double[] v = vectors[r];
            final double original = norm(v);
            if (original == 0.0) {
                continue;
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int b = 0; b < kept; b++) {
                    final double[] basis = vectors[b];
                    double along = 0.0;
                    for (int j = 0; j < v.length; j++) {
                        along += basis[j] * v[j];
                    }
                    for (int j = 0; j < v.length; j++) {
                        v[j] -= along * basis[j];
                    }
                }
            }
            final double remaining = norm(v);
            if (remaining <= DEPENDENT * original) {
                java.util.Arrays.fill(v, 0.0);
                continue;
            }
            for (int j = 0; j < v.length; j++) {
                v[j] /= remaining;
            }
            vectors[r] = vectors[kept];
            vectors[kept] = v;
            kept++;
        }
        return kept;
    }

    static double norm(double[] v) {
        double s = 0.0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
