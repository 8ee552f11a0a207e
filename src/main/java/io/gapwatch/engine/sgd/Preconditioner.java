package io.gapwatch.engine.sgd;

/**
 * What whitening needs from the exact fit: the inverse of the running second-moment matrix,
 * applied to a vector. The exact estimator provides it through its triangular factor; the model
 * passes it in, so the learner package does not depend on the exact one.
 */
@FunctionalInterface
public interface Preconditioner {

    /**
     * v ← (XᵀΛX / n_eff)⁻¹ v, regularized where the design is (nearly) singular.
     *
     * @param vector length p, in the design's coordinates (intercept first); Modified
     */
    void applyInverseSecondMoment(double[] vector);
}
