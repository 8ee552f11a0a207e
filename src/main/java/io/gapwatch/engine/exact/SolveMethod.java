package io.gapwatch.engine.exact;

/** How the exact fit's coefficients were last computed. */
public enum SolveMethod {
    /** No records yet: every coefficient is zero. */
    EMPTY,
    /** Full rank: R θ = z solved by back-substitution, O(p²). */
    BACK_SUBSTITUTION,
    /** Rank-deficient (exactly or numerically): the minimum-norm least-squares solution from an SVD, O(p³). */
    MINIMUM_NORM,
    /** Ridge penalty: the penalized factor re-triangularized, then back-substitution, O(p³). */
    RIDGE
}
